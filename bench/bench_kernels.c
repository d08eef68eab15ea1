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
 * (engine/src/strsim.h) prepare the query once per run, as the comparator does
 * for a block. Both forms compare the same pairs. Like zstd's fullbench.c, this
 * micro-benchmark reaches into the internal header to time internal kernels.
 * Each figure is the best of REPEAT runs, timed in CPU seconds of this thread
 * (the machine is shared: wall time would count other processes' turns).
 *
 * The last row times wl_name_similarity on names of 1-4 such parts, each query
 * against a variant of itself (parts reordered, one part typo'd, or one part
 * dropped) or against another name, in the same proportions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "../engine/src/namesim.h"
#include "../engine/src/name.h"
#include "../engine/src/strsim.h"

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
    double acc = 0, t0 = cpu_now();
    wl_strsim_cached c;
    for (size_t done = 0; done < p->total; done += p->n) {
        size_t n = WL_BENCH_MIN(p->n, p->total - done);
        for (size_t i = 0; i < n; i += RUN) {
            wl_strsim_prepare(&c, p->a[i], p->la[i]);
            size_t end = WL_BENCH_MIN(i + RUN, n);
            for (size_t j = i; j < end; j++) {
                if (kernel == K_JW) acc += wl_jaro_winkler_cached(&c, p->b[j], p->lb[j]);
                else if (kernel == K_LEV) acc += wl_levenshtein_cached(&c, p->b[j], p->lb[j], 2);
                else acc += wl_osa_cached(&c, p->b[j], p->lb[j], 2);
            }
        }
    }
    *sink += acc;
    return cpu_now() - t0;
}

/* ---- name similarity over parts ---- */

#define NS_NAMES 2048 /* even: a name; odd: a variant of the name before it */

typedef struct {
    wl_features f;
    wl_fpart (*parts)[4];
    unsigned char *np;
} name_set;

static void ns_part(name_set *ns, wl_fpart *p, const char *s, size_t n)
{
    memset(p, 0, sizeof *p);
    p->str = p->canon = (uint32_t)ns->f.text_len;
    memcpy(ns->f.text + ns->f.text_len, s, n);
    ns->f.text[ns->f.text_len + n] = '\0';
    ns->f.text_len += n + 1;
    p->len = p->canon_len = (uint8_t)n;
    p->h_canon = wl_hash(s, n);
    p->h_skel = wl_hash_seed(s, n, 1);
    p->freq = (uint32_t)(1 + below(5000));
    if (n == 1) p->flags = WL_PART_INITIAL;
}

/* A variant of name q: parts rotated, one part typo'd, or the last dropped. */
static void ns_variant(name_set *ns, size_t q)
{
    size_t n = ns->np[q], how = below(3);
    char buf[NAME_CAP];
    ns->np[q + 1] = (unsigned char)n;
    for (size_t k = 0; k < n; k++) ns->parts[q + 1][k] = ns->parts[q][how == 0 ? (k + 1) % n : k];
    if (how == 1) {
        size_t k = below(n);
        const wl_fpart *p = &ns->parts[q][k];
        size_t len = make_typo(ns->f.text + p->str, p->len, buf);
        ns_part(ns, &ns->parts[q + 1][k], buf, len);
    } else if (how == 2 && n > 1) {
        ns->np[q + 1] = (unsigned char)(n - 1);
    }
}

static int ns_make(name_set *ns)
{
    memset(ns, 0, sizeof *ns);
    ns->f.n = 100000; /* the dataset the frequencies pretend to come from */
    ns->f.text_cap = (size_t)NS_NAMES * 5 * NAME_CAP;
    ns->f.text = malloc(ns->f.text_cap);
    ns->parts = malloc(NS_NAMES * sizeof *ns->parts);
    ns->np = malloc(NS_NAMES);
    if (!ns->f.text || !ns->parts || !ns->np) return -1;
    for (size_t q = 0; q < NS_NAMES; q += 2) {
        char buf[NAME_CAP];
        ns->np[q] = (unsigned char)(1 + below(4));
        for (size_t k = 0; k < ns->np[q]; k++) ns_part(ns, &ns->parts[q][k], buf, make_name(buf));
        ns_variant(ns, q);
    }
    return 0;
}

static void ns_free(name_set *ns)
{
    free(ns->f.text); free(ns->parts); free(ns->np);
}

static double run_namesim(const name_set *ns, size_t total, double *sink)
{
    double acc = 0, t0 = cpu_now();
    size_t done = 0;
    for (size_t q = 0; done < total; q = (q + 2) % NS_NAMES) {
        for (size_t j = 0; j < RUN && done < total; j++, done++) {
            size_t c = j % 2 ? (q * 7 + j * 131) % NS_NAMES : q + 1;
            wl_namesim s;
            wl_name_similarity(&ns->f, ns->parts[q], ns->np[q], ns->parts[c], ns->np[c], &s);
            acc += s.score;
        }
    }
    *sink += acc;
    return cpu_now() - t0;
}

static int parse_args(int argc, char **argv, size_t *pairs, uint64_t *seed)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--pairs") && i + 1 < argc) *pairs = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc) *seed = strtoull(argv[++i], NULL, 10);
        else {
            fprintf(stderr, "usage: watchlink-bench kernels [--pairs N] [--seed S]\n");
            return !strcmp(argv[i], "--help") ? 0 : 1;
        }
    }
    if (*pairs == 0) *pairs = 1;
    return -1;
}

int bench_kernels(int argc, char **argv)
{
    size_t n = 2000000;
    uint64_t seed = 1;
    int rc = parse_args(argc, argv, &n, &seed);
    if (rc >= 0) return rc;
    name_pairs p;
    if (pairs_make(&p, n, seed) != 0) {
        fprintf(stderr, "watchlink-bench kernels: out of memory\n");
        pairs_free(&p);
        return 1;
    }
    static const char *const names[] = { "jaro_winkler", "levenshtein<=2", "osa<=2" };
    double sink = 0;
    printf("kernel,form,pairs,cpu_seconds,Mpairs_per_cpu_s\n");
    for (int k = K_JW; k <= K_OSA; k++) {
        double tp = 1e30, tc = 1e30;
        for (int rep = 0; rep < REPEAT; rep++) {
            tp = WL_BENCH_MIN(tp, run_plain(&p, k, &sink));
            tc = WL_BENCH_MIN(tc, run_cached(&p, k, &sink));
        }
        printf("%s,plain,%zu,%.3f,%.1f\n", names[k], n, tp, (double)n / tp / 1e6);
        printf("%s,cached,%zu,%.3f,%.1f\n", names[k], n, tc, (double)n / tc / 1e6);
    }
    name_set ns;
    size_t nn = n / 8 ? n / 8 : 1; /* name pairs cost several kernel calls each */
    if (ns_make(&ns) != 0) {
        fprintf(stderr, "watchlink-bench kernels: out of memory\n");
        ns_free(&ns);
        pairs_free(&p);
        return 1;
    }
    double tn = 1e30;
    for (int rep = 0; rep < REPEAT; rep++) tn = WL_BENCH_MIN(tn, run_namesim(&ns, nn, &sink));
    printf("name_similarity,plain,%zu,%.3f,%.2f\n", nn, tn, (double)nn / tn / 1e6);
    fprintf(stderr, "checksum %.6f\n", sink);
    ns_free(&ns);
    pairs_free(&p);
    return 0;
}
