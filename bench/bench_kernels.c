/*
 * bench_kernels.c -- `watchlink-bench kernels [--pairs N] [--seed S]`: pairs per
 * second, on one core, of Jaro-Winkler, Levenshtein (cutoff 2) and OSA (cutoff 2)
 * on watchlist-like names: 4-12 letters drawn from name syllables. Pairs come in
 * runs of RUN: one query name against RUN candidates, half of them a typo'd copy
 * of the query (one or two edits: the pairs blocking produces), half unrelated
 * names. A pool of up to 16,384 pairs (about 0.5 MB, in L2) is cycled until N
 * pairs are compared, so the figures are those of the kernel rather than DRAM.
 *
 * Plain forms are the public kernels, called per pair; the cached forms
 * (wl_cached_*) prepare the query once per run, as the comparator does for a
 * block. Both forms compare the same pairs, through the public header only.
 * Each figure is the best of REPEAT runs, timed in CPU seconds of this thread
 * (the machine is shared: wall time would count other processes' turns).
 * `--kernel jw|lev|osa` and `--form plain|cached` run one row only: with them,
 * instruction counts per pair (valgrind, perf stat) are the difference of two
 * runs at two --pairs values over the pairs compared, free of the other rows.
 * Name similarity over parts is internal to the compare stage; it is measured
 * with that stage by `watchlink-bench block` and `run`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

#define NAME_CAP 16
#define RUN 16 /* candidates per query */
#define POOL 16384
#define REPEAT 5
#define WL_BENCH_MIN(a, b) ((a) < (b) ? (a) : (b))

typedef struct {
    char (*a)[NAME_CAP], (*b)[NAME_CAP];
    unsigned char *la, *lb;
    size_t n;     /* pairs in the pool */
    size_t total; /* pairs to compare: the pool cycled */
} name_pairs;

/* CPU time of this thread: on a shared machine the wall clock also counts the
 * time other processes hold the core; "per core" means per second of CPU. */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t g_state;
static uint64_t next_rand(void)
{
    uint64_t z = (g_state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}
static size_t below(size_t n) { return (size_t)(next_rand() % n); }

/* Syllables of Malay, Indonesian, Vietnamese, Thai and Arabic-derived names. */
static const char *const g_syll[] = {
    "mu", "ham", "mad", "ab", "dul", "rah", "man", "nur", "ha", "li", "za", "si", "ti",
    "ngu", "yen", "van", "an", "som", "chai", "suk", "tha", "nom", "pra", "yut", "wi",
    "bo", "wo", "har", "to", "su", "ka", "ri", "ya", "di", "is", "ma", "il", "fa", "ra",
    "kit", "ti", "sak", "thi", "minh", "hoa", "ng", "tran", "le", "aung", "kyaw", "sa",
};

static size_t make_name(char *s)
{
    size_t want = 4 + below(9), n = 0; /* 4..12 letters */
    while (n < want) {
        const char *y = g_syll[below(sizeof g_syll / sizeof g_syll[0])];
        for (size_t k = 0; y[k] && n < want; k++) s[n++] = y[k];
    }
    return n;
}

/* One or two typos: substitution, deletion, insertion or transposition. */
static size_t make_typo(const char *a, size_t la, char *b)
{
    size_t lb = la, edits = 1 + below(2);
    memcpy(b, a, la);
    for (size_t e = 0; e < edits; e++) {
        size_t at = below(lb), op = below(4);
        if (op == 0) b[at] = (char)('a' + below(26));
        else if (op == 1 && lb > 3) { memmove(b + at, b + at + 1, lb - at - 1); lb--; }
        else if (op == 2 && lb < NAME_CAP - 1) {
            memmove(b + at + 1, b + at, lb - at);
            b[at] = (char)('a' + below(26));
            lb++;
        } else if (at + 1 < lb) {
            char t = b[at]; b[at] = b[at + 1]; b[at + 1] = t;
        }
    }
    return lb;
}

static int pairs_make(name_pairs *p, size_t total, uint64_t seed)
{
    size_t n = total < POOL ? total : POOL;
    g_state = seed;
    p->n = n;
    p->total = total;
    p->a = malloc(n * sizeof *p->a);
    p->b = malloc(n * sizeof *p->b);
    p->la = malloc(n);
    p->lb = malloc(n);
    if (!p->a || !p->b || !p->la || !p->lb) return -1;
    for (size_t i = 0; i < n; i++) {
        if (i % RUN == 0) p->la[i] = (unsigned char)make_name(p->a[i]);
        else {
            memcpy(p->a[i], p->a[i - 1], NAME_CAP);
            p->la[i] = p->la[i - 1];
        }
        p->lb[i] = (unsigned char)(i % 2 ? make_name(p->b[i])
                                         : make_typo(p->a[i], p->la[i], p->b[i]));
    }
    return 0;
}

static void pairs_free(name_pairs *p)
{
    free(p->a); free(p->b); free(p->la); free(p->lb);
}

enum { K_JW, K_LEV, K_OSA };

static double run_plain(const name_pairs *p, int kernel, double *sink)
{
    double acc = 0, t0 = cpu_now();
    for (size_t done = 0; done < p->total; done += p->n) {
        size_t n = WL_BENCH_MIN(p->n, p->total - done);
        for (size_t i = 0; i < n; i++) {
            const char *a = p->a[i], *b = p->b[i];
            if (kernel == K_JW) acc += wl_jaro_winkler(a, p->la[i], b, p->lb[i]);
            else if (kernel == K_LEV) acc += wl_levenshtein(a, p->la[i], b, p->lb[i], 2);
            else acc += wl_osa(a, p->la[i], b, p->lb[i], 2);
        }
    }
    *sink += acc;
    return cpu_now() - t0;
}

/* Each query a[i] (i a multiple of RUN) is prepared once and compared with its
 * RUN candidates b[i..i+RUN): the one-against-many use of a block. */
static double run_cached(const name_pairs *p, int kernel, double *sink)
{
    wl_cached *c = wl_cached_create();
    if (!c) return 1e30;
    double acc = 0, t0 = cpu_now();
    for (size_t done = 0; done < p->total; done += p->n) {
        size_t n = WL_BENCH_MIN(p->n, p->total - done);
        for (size_t i = 0; i < n; i += RUN) {
            wl_cached_set(c, p->a[i], p->la[i]);
            size_t end = WL_BENCH_MIN(i + RUN, n);
            for (size_t j = i; j < end; j++) {
                if (kernel == K_JW) acc += wl_cached_jaro_winkler(c, p->b[j], p->lb[j]);
                else if (kernel == K_LEV) acc += wl_cached_levenshtein(c, p->b[j], p->lb[j], 2);
                else acc += wl_cached_osa(c, p->b[j], p->lb[j], 2);
            }
        }
    }
    double t = cpu_now() - t0;
    wl_cached_free(c);
    *sink += acc;
    return t;
}

typedef struct {
    size_t pairs;
    uint64_t seed;
    int kernel; /* K_JW..K_OSA, or -1 for all */
    int form;   /* 0 plain, 1 cached, -1 both */
} kernel_args;

static int pick(const char *v, const char *const *names, int n)
{
    for (int k = 0; k < n; k++)
        if (!strcmp(v, names[k])) return k;
    return -2;
}

static int parse_args(int argc, char **argv, kernel_args *o)
{
    static const char *const kernels[] = { "jw", "lev", "osa" }, *const forms[] = { "plain", "cached" };
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--pairs") && i + 1 < argc) o->pairs = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc) o->seed = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--kernel") && i + 1 < argc && (o->kernel = pick(argv[++i], kernels, 3)) >= 0) {}
        else if (!strcmp(argv[i], "--form") && i + 1 < argc && (o->form = pick(argv[++i], forms, 2)) >= 0) {}
        else {
            fprintf(stderr, "usage: watchlink-bench kernels [--pairs N] [--seed S] "
                            "[--kernel jw|lev|osa] [--form plain|cached]\n");
            return !strcmp(argv[i], "--help") ? 0 : 1;
        }
    }
    if (o->pairs == 0) o->pairs = 1;
    return -1;
}

int bench_kernels(int argc, char **argv)
{
    kernel_args o = { 2000000, 1, -1, -1 };
    int rc = parse_args(argc, argv, &o);
    if (rc >= 0) return rc;
    size_t n = o.pairs;
    name_pairs p;
    if (pairs_make(&p, n, o.seed) != 0) {
        fprintf(stderr, "watchlink-bench kernels: out of memory\n");
        pairs_free(&p);
        return 1;
    }
    static const char *const names[] = { "jaro_winkler", "levenshtein<=2", "osa<=2" };
    double sink = 0;
    printf("kernel,form,pairs,cpu_seconds,Mpairs_per_cpu_s\n");
    for (int k = K_JW; k <= K_OSA; k++) {
        if (o.kernel >= 0 && k != o.kernel) continue;
        double tp = 1e30, tc = 1e30;
        for (int rep = 0; rep < REPEAT; rep++) {
            /* One call per pass: WL_BENCH_MIN evaluates its arguments twice, so
             * a call inside it ran again whenever it was the fastest so far
             * (and made instruction counts depend on timing). */
            double t = o.form != 1 ? run_plain(&p, k, &sink) : tp;
            tp = WL_BENCH_MIN(tp, t);
            t = o.form != 0 ? run_cached(&p, k, &sink) : tc;
            tc = WL_BENCH_MIN(tc, t);
        }
        if (o.form != 1) printf("%s,plain,%zu,%.3f,%.1f\n", names[k], n, tp, (double)n / tp / 1e6);
        if (o.form != 0) printf("%s,cached,%zu,%.3f,%.1f\n", names[k], n, tc, (double)n / tc / 1e6);
    }
    fprintf(stderr, "checksum %.6f\n", sink);
    pairs_free(&p);
    return 0;
}
