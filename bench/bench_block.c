/*
 * bench_block.c -- `watchlink-bench block`: blocking quality and speed, and the
 * compare stage's throughput on the candidates blocking produced.
 *
 *   watchlink-bench block --febrl DIR            FEBRL dataset1..3 + truth pairs
 *   watchlink-bench block --lists DIR --truth FILE [--mode dedup|link]
 *   common: --threads N  --max-block N  --keys MASK  --missed N (print lost true pairs)
 *           --partners N (wl_options.max_partners)  --map ROLE=COLUMN (as the CLI's)
 *           --per-key 1 (candidates and PC of each key kind alone, and without it)
 *           --compare N (time wl_compare on the first N candidates; default 5e6)
 *
 * Pair completeness = true pairs among the candidates / true pairs; reduction
 * ratio = 1 - candidates / all n(n-1)/2 pairs (Christen, "Data Matching" 2012,
 * sec. 7.2). Truth files are CSV with left_source,left_id,right_source,right_id
 * columns, or two id columns (rec_id_1,rec_id_2, ids unique over sources).
 * Like bench_kernels, this program reaches into internal headers to time the
 * block and compare stages on their own (zstd's fullbench.c does the same).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

typedef struct {
    const char *febrl, *lists, *truth;
    wl_options opt;
} block_args;

static size_t g_show_missed;             /* --missed N: print the first N true pairs blocking lost */
static size_t g_compare_max = 5000000;   /* --compare N: time wl_compare on the first N candidates */
static int g_per_key;                    /* --per-key 1: candidates and PC of each key kind */
static const char *g_map[16];            /* --map ROLE=COLUMN (repeatable), as the CLI's */
static size_t g_n_map;

/* ---- truth ---- */

/* Candidate pairs as wl_candidates gives them: (left, right) uint32 pairs. */
typedef struct {
    uint32_t a, b;
} pair_t;

typedef struct {
    const pair_t *p;
    size_t len;
} pair_list;

static int cmp_pair(const void *x, const void *y)
{
    const pair_t *a = x, *b = y;
    if (a->a != b->a) return a->a < b->a ? -1 : 1;
    return (a->b > b->b) - (a->b < b->b);
}

#define B_MIN(a, b) ((a) < (b) ? (a) : (b))

typedef struct {
    size_t pairs, found, unknown, impossible;
} truth_count;

/* The truth file read by the engine's own reader (wl_truth_load, the rules of
 * eval: four columns with sources, or two ids of one source) and resolved to
 * record pairs (wl_truth_pairs, sorted as the candidates are). */
static int truth_check(const char *path, const wl_dataset *ds, const pair_list *cand, wl_mode mode, truth_count *tc)
{
    char err[512] = "";
    wl_truth *t = NULL;
    uint32_t *pairs = NULL;
    size_t n = 0;
    memset(tc, 0, sizeof *tc);
    wl_status st = wl_truth_load(path, &t, err, sizeof err);
    if (st == WL_OK) st = wl_truth_pairs(t, ds, &pairs, &n, &tc->unknown);
    wl_truth_free(t);
    if (st != WL_OK) {
        fprintf(stderr, "watchlink-bench: %s\n", err[0] ? err : wl_strerror(st));
        return -1;
    }
    for (size_t k = 0; k < n; k++) {
        pair_t key = { pairs[2 * k], pairs[2 * k + 1] };
        if (mode == WL_MODE_LINK && !strcmp(wl_dataset_source(ds, key.a), wl_dataset_source(ds, key.b))) {
            tc->impossible++;
            continue;
        }
        tc->pairs++;
        int hit = bsearch(&key, cand->p, cand->len, sizeof key, cmp_pair) != NULL;
        tc->found += (size_t)hit;
        if (!hit && tc->pairs - tc->found <= g_show_missed)
            printf("  missed: %s/%s %s/%s\n", wl_dataset_source(ds, key.a), wl_dataset_id(ds, key.a),
                   wl_dataset_source(ds, key.b), wl_dataset_id(ds, key.b));
    }
    free(pairs);
    return 0;
}

/* ---- compare throughput ---- */

/* CPU seconds of the whole process (every thread): on a machine shared with
 * other jobs the wall clock also counts their time. */
static double process_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double time_compare(const wl_features *f, const pair_list *cand, int threads, unsigned *checksum,
                           double *cpu)
{
    size_t n = B_MIN(cand->len, g_compare_max);
    uint8_t *levels = malloc(n * WL_FIELD_COUNT + 1);
    if (!levels) return 0.0;
    double t0 = bench_now(), c0 = process_cpu();
    wl_compare_pairs(f, (const uint32_t *)cand->p, n, threads, levels);
    double t = bench_now() - t0;
    *cpu = process_cpu() - c0;
    unsigned sum = 0;
    /* position-weighted: a vector written to another pair's place changes it */
    for (size_t k = 0; k < n * WL_FIELD_COUNT; k++) sum = sum * 31u + levels[k];
    *checksum = sum;
    free(levels);
    return t;
}

/* ---- one data set ---- */

static int read_lists(wl_dataset *ds, const char **files, size_t n)
{
    wl_read_options ro = wl_read_default_options();
    ro.map = g_map;
    ro.n_map = g_n_map;
    for (size_t k = 0; k < n; k++) {
        char err[512];
        if (wl_dataset_read(ds, files[k], &ro, NULL, err, sizeof err) != WL_OK) {
            fprintf(stderr, "watchlink-bench: %s\n", err);
            return -1;
        }
    }
    return 0;
}

/* ---- per key kind: what each finds alone, and what only it finds ---- */

static const char *const g_kind_names[] = { "phonetic+year", "part pairs", "document", "full name",
                                            "skeleton+nat", "part+dob" };

/* Candidates and pair completeness of the key kinds in mask (PC -1 without truth). */
static void kinds_measure(const wl_features *f, const wl_dataset *ds, const wl_options *opt, unsigned mask,
                          const char *truth, size_t *n_cand, double *pc)
{
    wl_options o = *opt;
    o.block_keys = mask;
    uint32_t *raw = NULL;
    *n_cand = 0;
    *pc = -1;
    if (wl_candidates(f, &o, &raw, n_cand, NULL) != WL_OK) return;
    pair_list cand = { (const pair_t *)raw, *n_cand };
    truth_count tc;
    if (truth && truth_check(truth, ds, &cand, opt->mode, &tc) == 0 && tc.pairs)
        *pc = (double)tc.found / (double)tc.pairs;
    free(raw);
}

/* Per-key candidate counts (Splink's "comparisons per blocking rule"): each
 * kind alone, and all kinds but it, whose PC gap is what only that kind finds. */
static void per_key_report(const wl_features *f, const wl_dataset *ds, const wl_options *opt, const char *truth,
                           double pc_all)
{
    unsigned all = opt->block_keys ? opt->block_keys : WL_BLOCK_DEFAULT;
    printf("  %-14s %14s %8s %18s %10s\n", "key kind", "alone: cand", "PC", "without it: cand", "unique PC");
    for (int k = 0; k < 6; k++) {
        if (!(all & (1u << k))) continue;
        size_t c1, c2;
        double p1, p2;
        kinds_measure(f, ds, opt, 1u << k, truth, &c1, &p1);
        kinds_measure(f, ds, opt, all & ~(1u << k), truth, &c2, &p2);
        printf("  %-14s %14zu %8.4f %18zu %10.4f\n", g_kind_names[k], c1, p1, c2, pc_all >= 0 && p2 >= 0 ? pc_all - p2 : -1);
    }
}

static int run_one(const char *label, const char **files, size_t nfiles, const char *truth, const wl_options *opt)
{
    wl_dataset *ds = wl_dataset_create();
    if (!ds || read_lists(ds, files, nfiles) != 0) { wl_dataset_free(ds); return 1; }
    size_t n = wl_dataset_size(ds);
    double t0 = bench_now(), c0 = process_cpu();
    wl_features *f = wl_features_build(ds, opt->threads);
    double t_norm = bench_now() - t0, c_norm = process_cpu() - c0;
    uint32_t *raw = NULL;
    size_t n_cand = 0;
    wl_block_report st;
    memset(&st, 0, sizeof st);
    t0 = bench_now();
    c0 = process_cpu();
    wl_status s = f ? wl_candidates(f, opt, &raw, &n_cand, &st) : WL_NOMEM;
    pair_list cand = { (const pair_t *)raw, n_cand };
    double t_block = bench_now() - t0, c_block = process_cpu() - c0;
    int rc = s == WL_OK ? 0 : 2;
    if (rc == 0) {
        double all = (double)n * (double)(n - 1) / 2.0;
        /* CPU seconds beside the wall: on a shared machine only they compare */
        printf("%s: %zu records, normalise %.3f s (CPU %.3f s), block %.3f s (CPU %.3f s)\n", label, n, t_norm,
               c_norm, t_block, c_block);
        printf("  keys %zu, blocks %zu, split %zu, skipped %zu blocks (%zu pairs)\n", st.keys, st.blocks,
               st.split_blocks, st.skipped_blocks, st.skipped_pairs);
        printf("  candidates %zu, reduction ratio %.6f\n", st.candidates, all > 0 ? 1.0 - (double)st.candidates / all : 0.0);
        truth_count tc;
        double pc_all = -1;
        if (truth && truth_check(truth, ds, &cand, opt->mode, &tc) == 0 && tc.pairs)
            pc_all = (double)tc.found / (double)tc.pairs;
        if (truth && pc_all >= 0)
            printf("  truth pairs %zu, found %zu, pair completeness %.4f (%zu unknown ids, %zu not linkable in mode)\n",
                   tc.pairs, tc.found, tc.pairs ? (double)tc.found / (double)tc.pairs : 0.0, tc.unknown, tc.impossible);
        else if (truth)
            printf("  cannot read truth %s\n", truth);
        if (g_per_key) per_key_report(f, ds, opt, truth, pc_all);
        unsigned sum = 0;
        double c_cmp = 0.0;
        double t_cmp = time_compare(f, &cand, opt->threads, &sum, &c_cmp);
        size_t nc = B_MIN(cand.len, g_compare_max);
        printf("  compare: %zu pairs in %.3f s = %.2f M pairs/s (threads %d, checksum %u); CPU %.3f s = %.2f M "
               "pairs per CPU-second\n",
               nc, t_cmp, t_cmp > 0 ? (double)nc / t_cmp / 1e6 : 0.0, opt->threads, sum, c_cmp,
               c_cmp > 0 ? (double)nc / c_cmp / 1e6 : 0.0);
        printf("  peak RSS %.1f MB\n", (double)bench_peak_rss() / 1e6);
    } else {
        fprintf(stderr, "watchlink-bench: %s\n", wl_strerror(s));
    }
    free(raw);
    wl_features_free(f);
    wl_dataset_free(ds);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), k = strlen(suf);
    return n >= k && !strcmp(s + n - k, suf);
}

/* Every list file of dir (.csv, .tsv, .csv.gz, .tsv.gz), sorted by name. */
static size_t list_dir(const char *dir, const char *truth, char **out, size_t max)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < max) {
        if (!(has_suffix(e->d_name, ".csv") || has_suffix(e->d_name, ".tsv") ||
              has_suffix(e->d_name, ".csv.gz") || has_suffix(e->d_name, ".tsv.gz")))
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (truth && !strcmp(path, truth)) continue;
        if (strstr(e->d_name, "truth")) continue;
        out[n++] = strdup(path);
    }
    closedir(d);
    qsort(out, n, sizeof *out, cmp_str);
    return n;
}

static int run_febrl(const char *dir, const wl_options *opt)
{
    int rc = 0;
    for (int k = 1; k <= 3 && rc == 0; k++) {
        char data[4096], truth[4096], label[32];
        snprintf(data, sizeof data, "%s/dataset%d.csv", dir, k);
        snprintf(truth, sizeof truth, "%s/truth_dataset%d_pairs.csv", dir, k);
        snprintf(label, sizeof label, "febrl dataset%d", k);
        const char *files[1] = { data };
        rc = run_one(label, files, 1, truth, opt);
    }
    return rc;
}

static int parse_args(int argc, char **argv, block_args *a)
{
    memset(a, 0, sizeof *a);
    a->opt = wl_default_options();
    a->opt.threads = wl_thread_count(0);
    for (int i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) return -1;
        i++;
        if (!strcmp(argv[i - 1], "--febrl")) a->febrl = v;
        else if (!strcmp(argv[i - 1], "--lists")) a->lists = v;
        else if (!strcmp(argv[i - 1], "--truth")) a->truth = v;
        else if (!strcmp(argv[i - 1], "--threads")) a->opt.threads = atoi(v);
        else if (!strcmp(argv[i - 1], "--max-block")) a->opt.max_block = strtoull(v, NULL, 10);
        else if (!strcmp(argv[i - 1], "--keys")) a->opt.block_keys = (unsigned)strtoul(v, NULL, 0);
        else if (!strcmp(argv[i - 1], "--missed")) g_show_missed = strtoull(v, NULL, 10);
        else if (!strcmp(argv[i - 1], "--compare")) g_compare_max = strtoull(v, NULL, 10);
        else if (!strcmp(argv[i - 1], "--partners")) a->opt.max_partners = strtoull(v, NULL, 10);
        else if (!strcmp(argv[i - 1], "--per-key")) g_per_key = atoi(v);
        else if (!strcmp(argv[i - 1], "--map") && g_n_map < 16) g_map[g_n_map++] = v;
        else if (!strcmp(argv[i - 1], "--mode")) a->opt.mode = !strcmp(v, "link") ? WL_MODE_LINK : WL_MODE_DEDUP;
        else return -1;
    }
    return a->febrl || a->lists ? 0 : -1;
}

int bench_block(int argc, char **argv)
{
    block_args a;
    if (parse_args(argc, argv, &a) != 0) {
        fprintf(stderr, "Usage: watchlink-bench block (--febrl DIR | --lists DIR [--truth FILE])\n"
                        "       [--mode dedup|link] [--threads N] [--max-block N] [--keys MASK] [--missed N]\n"
                        "       [--compare N] [--partners N] [--map ROLE=COLUMN]... [--per-key 1]\n");
        return 1;
    }
    if (a.febrl) return run_febrl(a.febrl, &a.opt);
    char *files[256];
    const char *cfiles[256];
    size_t n = list_dir(a.lists, a.truth, files, 256);
    for (size_t k = 0; k < n; k++) cfiles[k] = files[k];
    if (n == 0) {
        fprintf(stderr, "watchlink-bench: no lists in %s\n", a.lists);
        return 1;
    }
    int rc = run_one(a.lists, cfiles, n, a.truth, &a.opt);
    for (size_t k = 0; k < n; k++) free(files[k]);
    return rc;
}
