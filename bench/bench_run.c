/*
 * bench_run.c -- `watchlink-bench run`: the whole pipeline at several scales on
 * generated cross-border lists (and on FEBRL), with time per stage, memory,
 * blocking quality and match quality against the known truth.
 *
 *   watchlink-bench run [--scales 1e4,1e5,1e6] [--long] [--threads N] [--speedup]
 *                       [--json FILE] [--febrl DIR|none] [--cache DIR] [--seed S]
 *                       [--lists K]
 *
 * Measures (Christen, "Data Matching", Springer 2012, ch. 7):
 *  - pair completeness = true pairs among the blocking candidates / true pairs;
 *  - reduction ratio = 1 - candidates / (n (n - 1) / 2);
 *  - precision, recall, F1 of the reported pairs against the truth pairs.
 * Only the public API (watchlink.h) is used: what is measured is what users get.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"

#ifndef WL_SOURCE_DIR
#define WL_SOURCE_DIR "."
#endif

enum { RUN_MAX_SCALES = 16, RUN_PATH = 4096 };
/* wl_stats.seconds[]: normalise, block, compare, fit, score, cluster, total. */
enum { ST_NORM, ST_BLOCK, ST_COMPARE, ST_FIT, ST_SCORE, ST_CLUSTER, ST_TOTAL };

typedef struct {
    double scales[RUN_MAX_SCALES];
    int n_scales, threads, speedup, lists;
    unsigned long long seed;
    const char *json, *febrl, *cache;
} run_args;

/* What one run of the pipeline over one data set measured. */
typedef struct {
    char name[64];
    size_t records, sources;
    size_t true_pairs; /* in the truth file, including unmapped ones */
    size_t unmapped;   /* truth pairs naming records that were not read */
    double gen_s, read_s;
    wl_stats st;
    size_t candidates, skipped, cand_true; /* blocking stage, from wl_candidates */
    double block_s;
    wl_eval_row q;
    size_t peak_rss;
    double t1, t2;       /* --speedup: total seconds at 1 and 2 threads */
    int same_at_1_and_2; /* identical pairs at 1 and 2 threads */
} run_row;

/* ------------------------------------------------------------------ arguments */

static void run_usage(FILE *f)
{
    fprintf(f,
            "Usage: watchlink-bench run [--scales 1e4,1e5,1e6] [--long] [--threads N] [--speedup]\n"
            "                           [--json FILE] [--febrl DIR|none] [--cache DIR] [--seed S]\n"
            "                           [--lists K]\n"
            "Generates K national lists (default 8) per scale (total records), runs the pipeline\n"
            "(wl_run) and prints time per stage, records/s, pairs/s, peak memory, blocking pair\n"
            "completeness / reduction ratio and precision / recall / F1 against the truth.\n"
            "--long adds 1e7. --speedup also runs at 1 and 2 threads. --cache DIR keeps the\n"
            "generated data for the next run (reused as is: clear it when the generator or\n"
            "the pools change). --febrl DIR (default %s/../shared/data/febrl when\n"
            "present) adds FEBRL dataset1..3 deduplication.\n",
            WL_SOURCE_DIR);
}

static int parse_scales(const char *s, run_args *a)
{
    a->n_scales = 0;
    while (*s && a->n_scales < RUN_MAX_SCALES - 1) {
        char *end;
        double v = strtod(s, &end);
        if (end == s || v < 2 || v > 1e9) return -1;
        a->scales[a->n_scales++] = v;
        if (*end == ',')
            end++;
        else if (*end)
            return -1;
        s = end;
    }
    return a->n_scales ? 0 : -1;
}

static int parse_run_args(int argc, char **argv, run_args *a)
{
    static char febrl[RUN_PATH];
    struct stat sb;
    snprintf(febrl, sizeof febrl, "%s/../shared/data/febrl", WL_SOURCE_DIR);
    *a = (run_args){{1e4, 1e5, 1e6}, 3, 0, 0, 8, 42, NULL, NULL, NULL};
    if (stat(febrl, &sb) == 0 && S_ISDIR(sb.st_mode)) a->febrl = febrl;
    int want_long = 0;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            run_usage(stdout);
            exit(0);
        }
        if (!strcmp(o, "--long")) {
            want_long = 1;
            continue;
        }
        if (!strcmp(o, "--speedup")) {
            a->speedup = 1;
            continue;
        }
        if (!v) {
            fprintf(stderr, "run: %s needs a value\n", o);
            return -1;
        }
        int bad = 0;
        char *end = NULL;
        if (!strcmp(o, "--scales"))
            bad = parse_scales(v, a);
        else if (!strcmp(o, "--threads")) {
            a->threads = (int)strtol(v, &end, 10);
            bad = *end || a->threads < 0;
        } else if (!strcmp(o, "--lists")) {
            a->lists = (int)strtol(v, &end, 10);
            bad = *end || a->lists < 1 || a->lists > 8;
        } else if (!strcmp(o, "--seed")) {
            a->seed = strtoull(v, &end, 10);
            bad = *end != '\0';
        } else if (!strcmp(o, "--json"))
            a->json = v;
        else if (!strcmp(o, "--cache"))
            a->cache = v;
        else if (!strcmp(o, "--febrl"))
            a->febrl = strcmp(v, "none") ? v : NULL;
        else {
            fprintf(stderr, "run: unknown option '%s'\n", o);
            return -1;
        }
        if (bad) {
            fprintf(stderr, "run: bad value '%s' for %s\n", v, o);
            return -1;
        }
        i++;
    }
    if (want_long) a->scales[a->n_scales++] = 1e7;
    return 0;
}

/* ------------------------------------------------------------------ measuring */

static void reset_peak_rss(void)
{
    /* Linux >= 4.0: writing 5 resets VmHWM, so each scale reports its own peak. */
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (f) {
        fputs("5", f);
        fclose(f);
    }
}

/* @return 1 when the pair (a, b), a < b, is among the n pairs, sorted by (left,
 * right) as wl_candidates and wl_truth_pairs return them. */
static int is_candidate(const uint32_t *pairs, size_t n, uint32_t a, uint32_t b)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint32_t l = pairs[2 * mid], r = pairs[2 * mid + 1];
        if (l < a || (l == a && r < b))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && pairs[2 * lo] == a && pairs[2 * lo + 1] == b;
}

static void measure_blocking(const wl_dataset *ds, const wl_options *opt, const uint32_t *truth,
                             size_t n_truth, run_row *row)
{
    double t0 = bench_now();
    wl_features *f = wl_features_build(ds, opt->threads);
    uint32_t *pairs = NULL;
    size_t n = 0;
    wl_block_report rep;
    if (f && wl_candidates(f, opt, &pairs, &n, &rep) == WL_OK) {
        row->block_s = bench_now() - t0;
        row->candidates = n;
        row->skipped = rep.skipped_pairs;
        for (size_t k = 0; k < n_truth; k++)
            row->cand_true += is_candidate(pairs, n, truth[2 * k], truth[2 * k + 1]);
    }
    free(pairs);
    wl_features_free(f);
}

/* Recall counts every pair of the truth file: a pair whose record was not
 * read (rejected by the reader) is a missed pair, not one to leave out. */
static void measure_quality(const wl_result *res, const uint32_t *truth, size_t n_truth, size_t unmapped,
                            wl_eval_row *q)
{
    size_t n = wl_result_pair_count(res);
    memset(q, 0, sizeof *q);
    q->true_pairs = n_truth + unmapped;
    q->predicted = n;
    for (size_t k = 0; k < n; k++) {
        const wl_match *m = wl_result_pair(res, k);
        uint32_t a = (uint32_t)m->left, b = (uint32_t)m->right;
        q->true_positive += is_candidate(truth, n_truth, a < b ? a : b, a < b ? b : a);
    }
    q->precision = n ? (double)q->true_positive / (double)n : 0;
    q->recall = q->true_pairs ? (double)q->true_positive / (double)q->true_pairs : 0;
    double s = q->precision + q->recall;
    q->f1 = s > 0 ? 2 * q->precision * q->recall / s : 0;
}

/* @return 1 when both results report the same pairs in the same order. */
static int same_pairs(const wl_result *a, const wl_result *b)
{
    size_t n = wl_result_pair_count(a);
    if (n != wl_result_pair_count(b)) return 0;
    for (size_t k = 0; k < n; k++) {
        const wl_match *x = wl_result_pair(a, k), *y = wl_result_pair(b, k);
        if (x->left != y->left || x->right != y->right || x->probability != y->probability) return 0;
    }
    return 1;
}

static wl_result *run_pipeline(const wl_dataset *ds, const wl_options *opt)
{
    char err[512] = "";
    wl_result *res = NULL;
    if (wl_run(ds, opt, NULL, NULL, NULL, &res, err, sizeof err) != WL_OK) {
        fprintf(stderr, "run: wl_run failed: %s\n", err);
        return NULL;
    }
    return res;
}

static void measure_speedup(const wl_dataset *ds, const wl_options *base, run_row *row)
{
    wl_options o = *base;
    o.threads = 1;
    wl_result *r1 = run_pipeline(ds, &o);
    o.threads = 2;
    wl_result *r2 = run_pipeline(ds, &o);
    if (r1 && r2) {
        row->t1 = wl_result_stats(r1)->seconds[ST_TOTAL];
        row->t2 = wl_result_stats(r2)->seconds[ST_TOTAL];
        row->same_at_1_and_2 = same_pairs(r1, r2);
    }
    wl_result_free(r1);
    wl_result_free(r2);
}

/** Runs the matcher over ds and measures everything against truth_path, read
 *  by the engine's own truth reader (wl_truth_load: the file rules of eval). */
static int measure(const wl_dataset *ds, const char *truth_path, const run_args *a, run_row *row)
{
    char err[512] = "";
    wl_truth *t = NULL;
    uint32_t *truth = NULL;
    size_t n_truth = 0, unknown = 0;
    wl_status st = wl_truth_load(truth_path, &t, err, sizeof err);
    if (st == WL_OK) st = wl_truth_pairs(t, ds, &truth, &n_truth, &unknown);
    wl_truth_free(t);
    if (st != WL_OK) {
        fprintf(stderr, "run: cannot read truth %s: %s\n", truth_path, err[0] ? err : wl_strerror(st));
        return -1;
    }
    if (unknown) fprintf(stderr, "run: %zu truth pairs name records not in the data\n", unknown);
    row->records = wl_dataset_size(ds);
    row->sources = wl_dataset_source_count(ds);
    row->true_pairs = n_truth + unknown;
    row->unmapped = unknown;
    wl_options opt = wl_default_options();
    opt.threads = a->threads;
    measure_blocking(ds, &opt, truth, n_truth, row);
    reset_peak_rss();
    wl_result *res = run_pipeline(ds, &opt);
    int rc = -1;
    if (res) {
        row->peak_rss = bench_peak_rss();
        row->st = *wl_result_stats(res);
        measure_quality(res, truth, n_truth, unknown, &row->q);
        wl_result_free(res);
        if (a->speedup) measure_speedup(ds, &opt, row);
        rc = 0;
    }
    free(truth);
    return rc;
}

/* --------------------------------------------------------------- data sets */

static const char *const g_lists[8] = {"idn", "mys", "tha", "vnm", "phl", "mmr", "khm", "sgp"};

static int read_lists(wl_dataset *ds, const char *dir, int k, const wl_read_options *ro)
{
    for (int i = 0; i < k; i++) {
        char path[RUN_PATH + 16], err[512] = "";
        snprintf(path, sizeof path, "%s/%s.csv", dir, g_lists[i]);
        wl_read_report rep;
        if (wl_dataset_read(ds, path, ro, &rep, err, sizeof err) != WL_OK) {
            fprintf(stderr, "run: %s\n", err);
            return -1;
        }
        if (rep.rejected) fprintf(stderr, "run: %s: %zu rows rejected\n", path, rep.rejected);
    }
    return 0;
}

/* Generates (or reuses) the lists for one scale in dir. */
static int prepare(const run_args *a, size_t n, const char *dir, double *gen_s)
{
    char stamp[RUN_PATH + 16];
    snprintf(stamp, sizeof stamp, "%s/.complete", dir);
    struct stat sb;
    *gen_s = 0;
    if (a->cache && stat(stamp, &sb) == 0) return 0;
    char records[32], lists[8], seed[32], out[RUN_PATH];
    snprintf(out, sizeof out, "%s", dir);
    snprintf(records, sizeof records, "%zu", n);
    snprintf(lists, sizeof lists, "%d", a->lists);
    snprintf(seed, sizeof seed, "%llu", a->seed);
    char *argv[] = {"gen", "--out", out, "--records", records, "--lists", lists, "--seed", seed, NULL};
    double t0 = bench_now();
    if (bench_gen(9, argv) != 0) return -1;
    *gen_s = bench_now() - t0;
    FILE *f = fopen(stamp, "w");
    if (f) fclose(f);
    return 0;
}

static int run_scale(const run_args *a, double scale, const char *dir, run_row *row)
{
    size_t n = (size_t)scale;
    snprintf(row->name, sizeof row->name, "generated-%zu", n);
    if (prepare(a, n, dir, &row->gen_s) != 0) return -1;
    wl_dataset *ds = wl_dataset_create();
    wl_read_options ro = wl_read_default_options();
    double t0 = bench_now();
    int rc = ds ? read_lists(ds, dir, a->lists, &ro) : -1;
    row->read_s = bench_now() - t0;
    char truth[RUN_PATH + 32];
    snprintf(truth, sizeof truth, "%s/truth_pairs.csv", dir);
    if (rc == 0) rc = measure(ds, truth, a, row);
    wl_dataset_free(ds);
    return rc;
}

/* FEBRL (Christen 2008): one source per file; ids are rec_id, truth has two id columns. */
static int run_febrl(const run_args *a, int k, run_row *row)
{
    char path[RUN_PATH + 32], truth[RUN_PATH + 48], err[512] = "";
    snprintf(path, sizeof path, "%s/dataset%d.csv", a->febrl, k);
    snprintf(truth, sizeof truth, "%s/truth_dataset%d_pairs.csv", a->febrl, k);
    snprintf(row->name, sizeof row->name, "febrl-dataset%d", k);
    wl_dataset *ds = wl_dataset_create();
    wl_read_options ro = wl_read_default_options();
    double t0 = bench_now();
    wl_status st = ds ? wl_dataset_read(ds, path, &ro, NULL, err, sizeof err) : WL_NOMEM;
    row->read_s = bench_now() - t0;
    int rc = -1;
    if (st != WL_OK)
        fprintf(stderr, "run: %s\n", err[0] ? err : wl_strerror(st));
    else
        rc = measure(ds, truth, a, row);
    wl_dataset_free(ds);
    return rc;
}

/* ------------------------------------------------------------------ reporting */

static double per_s(double n, double s)
{
    return s > 0 ? n / s : 0;
}

static void print_header(void)
{
    printf("%-18s %9s %7s %7s %7s %7s %7s %8s %10s %11s %8s %6s %7s %6s %6s %6s\n", "data", "records",
           "norm_s", "block_s", "cmp_s", "fit_s", "total_s", "rec/s", "candidates", "cand_pair/s", "rss_MB",
           "PC", "RR", "P", "R", "F1");
}

static void print_row(const run_row *r)
{
    const double *s = r->st.seconds;
    double pc = r->true_pairs ? (double)r->cand_true / (double)r->true_pairs : 0;
    double all = (double)r->records * ((double)r->records - 1) / 2;
    double rr = all > 0 ? 1 - (double)r->candidates / all : 0;
    printf(
        "%-18s %9zu %7.2f %7.2f %7.2f %7.2f %7.2f %8.0f %10zu %11.0f %8.0f %6.4f %7.5f %6.4f %6.4f %6.4f\n",
        r->name, r->records, s[ST_NORM], s[ST_BLOCK], s[ST_COMPARE], s[ST_FIT] + s[ST_SCORE], s[ST_TOTAL],
        per_s((double)r->records, s[ST_TOTAL]), r->st.candidates,
        per_s((double)r->st.candidates, s[ST_TOTAL]), (double)r->peak_rss / 1048576.0, pc, rr, r->q.precision,
        r->q.recall, r->q.f1);
    if (r->t1 > 0)
        printf("%-18s speed-up 2 threads vs 1: %.2fx (%.2f s -> %.2f s), identical pairs: %s\n", "",
               r->t1 / r->t2, r->t1, r->t2, r->same_at_1_and_2 ? "yes" : "NO");
    fflush(stdout);
}

static void json_row(FILE *f, const run_row *r, int last)
{
    const double *s = r->st.seconds;
    double all = (double)r->records * ((double)r->records - 1) / 2;
    fprintf(f, "    {\"data\": \"%s\", \"records\": %zu, \"sources\": %zu, \"threads\": %d,\n", r->name,
            r->records, r->sources, r->st.threads);
    fprintf(f, "     \"generate_s\": %.4f, \"read_s\": %.4f,\n", r->gen_s, r->read_s);
    fprintf(f,
            "     \"seconds\": {\"normalise\": %.4f, \"block\": %.4f, \"compare\": %.4f, \"fit\": %.4f, "
            "\"score\": %.4f, \"cluster\": %.4f, \"total\": %.4f},\n",
            s[ST_NORM], s[ST_BLOCK], s[ST_COMPARE], s[ST_FIT], s[ST_SCORE], s[ST_CLUSTER], s[ST_TOTAL]);
    fprintf(f,
            "     \"records_per_s\": %.1f, \"candidates\": %zu, \"candidate_pairs_per_s\": %.1f, "
            "\"peak_rss_bytes\": %zu,\n",
            per_s((double)r->records, s[ST_TOTAL]), r->st.candidates,
            per_s((double)r->st.candidates, s[ST_TOTAL]), r->peak_rss);
    fprintf(f,
            "     \"blocking\": {\"candidates\": %zu, \"features_and_candidates_s\": %.4f, "
            "\"skipped_pairs\": %zu, "
            "\"pair_completeness\": %.6f, \"reduction_ratio\": %.8f},\n",
            r->candidates, r->block_s, r->skipped,
            r->true_pairs ? (double)r->cand_true / (double)r->true_pairs : 0,
            all > 0 ? 1 - (double)r->candidates / all : 0);
    fprintf(f,
            "     \"quality\": {\"true_pairs\": %zu, \"unmapped_true_pairs\": %zu, \"predicted\": %zu, "
            "\"true_positive\": %zu, \"precision\": %.6f, \"recall\": %.6f, \"f1\": %.6f},\n",
            r->q.true_pairs, r->unmapped, r->q.predicted, r->q.true_positive, r->q.precision, r->q.recall,
            r->q.f1);
    fprintf(f, "     \"clusters\": %zu, \"largest_cluster\": %zu, \"em_prior\": %.6f", r->st.clusters,
            r->st.largest_cluster, r->st.em_prior);
    if (r->t1 > 0)
        fprintf(f,
                ",\n     \"speedup\": {\"seconds_1\": %.4f, \"seconds_2\": %.4f, \"ratio\": %.3f, "
                "\"identical\": %s}",
                r->t1, r->t2, r->t1 / r->t2, r->same_at_1_and_2 ? "true" : "false");
    fprintf(f, "}%s\n", last ? "" : ",");
}

static int write_json(const char *path, const run_row *rows, int n)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "run: cannot write %s\n", path);
        return -1;
    }
    fprintf(f, "{\n  \"watchlink\": \"%s\",\n  \"cpus\": %ld,\n  \"runs\": [\n", wl_version(),
            sysconf(_SC_NPROCESSORS_ONLN));
    for (int i = 0; i < n; i++)
        json_row(f, &rows[i], i + 1 == n);
    fprintf(f, "  ]\n}\n");
    return fclose(f) == 0 ? 0 : -1;
}

/* ----------------------------------------------------------------------- main */

static void remove_tree(const char *dir)
{
    static const char *const extra[] = {"truth_pairs.csv", "truth_clusters.csv", ".complete"};
    char path[RUN_PATH + 32];
    for (int i = 0; i < 8; i++) {
        snprintf(path, sizeof path, "%s/%s.csv", dir, g_lists[i]);
        unlink(path);
    }
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, extra[i]);
        unlink(path);
    }
    rmdir(dir);
}

static int scale_dir(const run_args *a, const char *tmp, double scale, char *out, size_t cap)
{
    if (!a->cache) {
        snprintf(out, cap, "%s/n%.0f", tmp, scale);
        return 0;
    }
    if (mkdir(a->cache, 0777) != 0 && errno != EEXIST) return -1;
    snprintf(out, cap, "%s/gen-n%.0f-k%d-s%llu", a->cache, scale, a->lists, a->seed);
    return 0;
}

int bench_run(int argc, char **argv)
{
    run_args a;
    if (parse_run_args(argc, argv, &a) != 0) {
        run_usage(stderr);
        return 2;
    }
    run_row rows[RUN_MAX_SCALES + 3];
    int n_rows = 0, rc = 0;
    char tmp[] = "/tmp/watchlink-bench-XXXXXX";
    if (!a.cache && !mkdtemp(tmp)) {
        fprintf(stderr, "run: cannot create a temporary directory\n");
        return 1;
    }
    print_header();
    for (int i = 0; i < a.n_scales && rc == 0; i++) {
        char dir[RUN_PATH];
        run_row *r = memset(&rows[n_rows], 0, sizeof rows[0]);
        rc = scale_dir(&a, tmp, a.scales[i], dir, sizeof dir) || run_scale(&a, a.scales[i], dir, r);
        if (rc == 0) {
            print_row(r);
            n_rows++;
        }
        if (!a.cache) remove_tree(dir);
    }
    for (int k = 1; k <= 3 && rc == 0 && a.febrl; k++) {
        run_row *r = memset(&rows[n_rows], 0, sizeof rows[0]);
        rc = run_febrl(&a, k, r);
        if (rc == 0) {
            print_row(r);
            n_rows++;
        }
    }
    if (!a.cache) rmdir(tmp);
    if (a.json && write_json(a.json, rows, n_rows) != 0) rc = 1;
    return rc ? 1 : 0;
}
