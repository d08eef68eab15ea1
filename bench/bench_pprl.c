/*
 * bench_pprl.c -- `watchlink-bench pprl`: keyed Bloom-filter encodings (issue 13).
 *
 *   watchlink-bench pprl [--febrl DIR] [--scale N] [--threads T] [--schema FILE]
 *                        [--threshold D] [--work DIR]
 *
 * 1. Dice kernel: comparisons per second of 1024-bit filters (the encoding of the
 *    FEBRL-like list), through wl_pprl_dice_pairs over a pair list and through the
 *    link's all-pairs scan, on T threads.
 * 2. FEBRL 4 (DIR/dataset4a.csv and dataset4b.csv, 5,000 records each, every
 *    record of b a corrupted copy of one of a): encoded with the schema, linked
 *    (version 2: the field model's probability; version 1: Dice), precision, recall and F1 with and without --one-to-one. Skipped, saying
 *    so, when DIR does not hold them.
 * 3. Scale: two FEBRL-like lists of N records (watchlink-bench febrl, half of b
 *    copies of a) encoded and written to files, then the end-to-end link: read both
 *    encoded files, link, write the pairs; times and F1.
 *
 * Truth for 2 and 3 comes from the ids: rec-K-org and rec-K-dup-J are one person.
 * The key is a fixed test key, so the figures are reproducible.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "bench.h"

#ifndef WL_SOURCE_DIR
#define WL_SOURCE_DIR "."
#endif

#define WL_BENCH_MIN(a, b) ((a) < (b) ? (a) : (b))
#define WL_BENCH_MAX(a, b) ((a) > (b) ? (a) : (b))

static const uint8_t BENCH_KEY[] = "watchlink-bench fixed test key, never a real one";

typedef struct {
    const char *febrl, *schema, *work;
    double scale, threshold;
    int threads;
} pp_args;

static void pp_usage(FILE *f)
{
    fprintf(f,
            "Usage: watchlink-bench pprl [--febrl DIR] [--scale N] [--threads T] [--schema FILE]\n"
            "                            [--threshold D] [--work DIR]\n"
            "Dice kernel throughput, FEBRL 4 encoded link quality (DIR/dataset4a.csv, dataset4b.csv;\n"
            "default ../shared/data/febrl), and an N x N FEBRL-like encoded link end to end\n"
            "(default N 1e4; files in --work, default /tmp/wl-bench-pprl).\n");
}

static int pp_parse(int argc, char **argv, pp_args *a)
{
    *a = (pp_args){ WL_SOURCE_DIR "/../shared/data/febrl", NULL, "/tmp/wl-bench-pprl", 1e4, -1.0, 0 };
    for (int i = 1; i < argc; i += 2) { /* OPTION VALUE pairs */
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            pp_usage(stdout);
            exit(0);
        }
        if (!v) {
            fprintf(stderr, "pprl: %s needs a value\n", o);
            return -1;
        }
        char *end;
        if (!strcmp(o, "--febrl")) a->febrl = v;
        else if (!strcmp(o, "--schema")) a->schema = v;
        else if (!strcmp(o, "--work")) a->work = v;
        else if (!strcmp(o, "--scale")) a->scale = strtod(v, &end);
        else if (!strcmp(o, "--threshold")) a->threshold = strtod(v, &end);
        else if (!strcmp(o, "--threads")) a->threads = atoi(v);
        else {
            fprintf(stderr, "pprl: unknown option '%s'\n", o);
            return -1;
        }
    }
    if (!(a->scale >= 0 && a->scale <= 1e7)) {
        fprintf(stderr, "pprl: --scale takes 0 to 1e7\n");
        return -1;
    }
    return 0;
}

/* ---- lists and encodings ---- */

static wl_encoded *encode_list(const char *path, const wl_pprl_schema *s, int threads, double *secs)
{
    static const char *const maps[] = { "id=rec_id", "doc_number=soc_sec_id" };
    wl_read_options ro = wl_read_default_options();
    ro.map = maps;
    ro.n_map = 2;
    char err[512];
    wl_dataset *ds = wl_dataset_create();
    double t0 = bench_now();
    if (wl_dataset_read(ds, path, &ro, NULL, err, sizeof err) != WL_OK) {
        fprintf(stderr, "pprl: %s\n", err);
        wl_dataset_free(ds);
        return NULL;
    }
    wl_features *f = wl_features_build(ds, threads);
    wl_encoded *e = NULL;
    if (!f || wl_pprl_encode(f, s, BENCH_KEY, sizeof BENCH_KEY - 1, threads, &e, err, sizeof err) != WL_OK)
        fprintf(stderr, "pprl: encoding %s failed: %s\n", path, err);
    if (secs) *secs = bench_now() - t0;
    wl_features_free(f);
    wl_dataset_free(ds);
    return e;
}

/* The person number K of rec-K-org / rec-K-dup-J, or -1. */
static long person_of(const char *id)
{
    while (*id == ' ') id++;
    if (strncmp(id, "rec-", 4)) return -1;
    char *end;
    long k = strtol(id + 4, &end, 10);
    return end == id + 4 ? -1 : k;
}

typedef struct {
    size_t tp, predicted, truth;
    double p, r, f1;
} quality;

/* Quality of r against the id truth; truth_pairs: true pairs across a and b. */
static quality score(const wl_encoded *a, const wl_encoded *b, const wl_pprl_result *r)
{
    quality q = { 0, wl_pprl_result_count(r), 0, 0, 0, 0 };
    long maxk = 0;
    for (size_t i = 0; i < wl_encoded_size(a); i++) maxk = WL_BENCH_MAX(maxk, person_of(wl_encoded_id(a, i)));
    size_t *na = calloc((size_t)maxk + 2, sizeof *na);
    for (size_t i = 0; na && i < wl_encoded_size(a); i++) {
        long k = person_of(wl_encoded_id(a, i));
        if (k >= 0) na[k]++;
    }
    for (size_t j = 0; na && j < wl_encoded_size(b); j++) {
        long k = person_of(wl_encoded_id(b, j));
        if (k >= 0 && k <= maxk) q.truth += na[k];
    }
    for (size_t k = 0; k < q.predicted; k++) {
        const wl_pprl_pair *p = wl_pprl_result_pair(r, k);
        long ka = person_of(wl_encoded_id(a, p->a));
        q.tp += ka >= 0 && ka == person_of(wl_encoded_id(b, p->b));
    }
    free(na);
    q.p = q.predicted ? (double)q.tp / (double)q.predicted : 0;
    q.r = q.truth ? (double)q.tp / (double)q.truth : 0;
    q.f1 = q.p + q.r > 0 ? 2 * q.p * q.r / (q.p + q.r) : 0;
    return q;
}

static void print_quality(const char *what, double threshold, const quality *q, const wl_pprl_stats *s)
{
    (void)threshold; /* the one applied, resolved from the default when < 0, is in the stats */
    printf("| %s | %s %.2f | %zu | %zu | %zu | %.4f | %.4f | %.4f | %zu | %.3f |\n", what,
           s->fields ? "probability" : "Dice", s->threshold, q->truth,
           q->predicted, q->tp, q->p, q->r, q->f1, s->candidates, s->seconds);
}

static int link_and_score(const char *what, const wl_encoded *a, const wl_encoded *b, const pp_args *args,
                          double threshold, int one_to_one)
{
    wl_pprl_options opt = wl_pprl_default_options();
    opt.threads = args->threads;
    opt.threshold = threshold;
    opt.one_to_one = one_to_one;
    wl_pprl_result *r = NULL;
    char err[512];
    if (wl_pprl_link(a, b, &opt, &r, err, sizeof err) != WL_OK) {
        fprintf(stderr, "pprl: %s\n", err);
        return 1;
    }
    quality q = score(a, b, r);
    print_quality(what, threshold, &q, wl_pprl_result_stats(r));
    wl_pprl_result_free(r);
    return 0;
}

/* ---- 1. Dice kernel ---- */

static void bench_dice(const wl_encoded *e, int threads)
{
    size_t n = wl_encoded_size(e), rows = WL_BENCH_MIN(n, (size_t)2000), cols = WL_BENCH_MIN(n, (size_t)2000);
    size_t np = rows * cols;
    uint32_t *pairs = malloc(2 * np * sizeof *pairs);
    float *out = malloc(np * sizeof *out);
    if (!pairs || !out || np == 0) {
        free(pairs);
        free(out);
        return;
    }
    for (size_t i = 0, k = 0; i < rows; i++)
        for (size_t j = 0; j < cols; j++, k++) {
            pairs[2 * k] = (uint32_t)i;
            pairs[2 * k + 1] = (uint32_t)(n - 1 - j);
        }
    wl_pprl_dice_pairs(e, e, pairs, np, threads, out); /* warm up */
    int reps = 10;
    double t0 = bench_now();
    for (int k = 0; k < reps; k++) wl_pprl_dice_pairs(e, e, pairs, np, threads, out);
    double dt = bench_now() - t0;
    printf("| pair list (wl_pprl_dice_pairs) | %zu | %d | %.0f M/s |\n", wl_encoded_bits(e), threads,
           (double)np * reps / dt / 1e6);
    free(pairs);
    free(out);
    /* all pairs, every one computed (the histogram has no bound to skip by) */
    size_t hist[WL_PPRL_HIST_BINS];
    for (int t = 1; t <= 2; t++) {
        int th = t == 1 ? 1 : threads;
        if (t == 2 && th == 1) break;
        clock_t c0 = clock();
        t0 = bench_now();
        if (wl_pprl_dice_histogram(e, e, th, hist) != WL_OK) return;
        dt = bench_now() - t0;
        double cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
        printf("| all pairs %zu x %zu (wl_pprl_dice_histogram, %s) | %zu | %d | %.0f M/s wall, %.0f M/s per "
               "CPU-second |\n",
               n, n, wl_pprl_kernel(), wl_encoded_bits(e), th, (double)n * n / dt / 1e6,
               (double)n * n / cpu / 1e6);
    }
}

/* ---- 3. scale ---- */

static int write_encoded(const wl_encoded *e, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    int rc = wl_encoded_write(e, f) == WL_OK ? 0 : -1;
    return fclose(f) || rc ? -1 : 0;
}

static int bench_scale(const pp_args *a, const wl_pprl_schema *s, double threshold, int kernel)
{
    char recs[32], dir[4096], pa[4200], pb[4200], ea[4200], eb[4200];
    snprintf(recs, sizeof recs, "%.0f", a->scale);
    snprintf(dir, sizeof dir, "%s/febrl-%s", a->work, recs);
    mkdir(a->work, 0777);
    char *gen_argv[] = { "febrl", "--out", dir, "--records", recs, NULL };
    snprintf(pa, sizeof pa, "%s/a.csv", dir);
    snprintf(pb, sizeof pb, "%s/b.csv", dir);
    struct stat st;
    if (stat(pa, &st) != 0 && bench_febrl(5, gen_argv) != 0) return 1;
    double enc_a, enc_b;
    wl_encoded *A = encode_list(pa, s, a->threads, &enc_a), *B = encode_list(pb, s, a->threads, &enc_b);
    if (!A || !B) {
        wl_encoded_free(A);
        wl_encoded_free(B);
        return 1;
    }
    if (kernel) {
        printf("\n| Dice kernel | bits | threads | comparisons |\n|---|---|---|---|\n");
        bench_dice(B, a->threads);
    }
    snprintf(ea, sizeof ea, "%s/a.enc", dir);
    snprintf(eb, sizeof eb, "%s/b.enc", dir);
    if (write_encoded(A, ea) || write_encoded(B, eb)) {
        fprintf(stderr, "pprl: cannot write %s\n", ea);
        return 1;
    }
    wl_encoded_free(A);
    wl_encoded_free(B);
    /* end to end: read both encoded files, link, write the pairs */
    double t0 = bench_now();
    char err[512];
    wl_encoded *RA = NULL, *RB = NULL;
    if (wl_encoded_read(ea, &RA, err, sizeof err) != WL_OK || wl_encoded_read(eb, &RB, err, sizeof err) != WL_OK) {
        fprintf(stderr, "pprl: %s\n", err);
        return 1;
    }
    double t_read = bench_now() - t0;
    wl_pprl_options opt = wl_pprl_default_options();
    opt.threads = a->threads;
    opt.threshold = threshold;
    wl_pprl_result *r = NULL;
    if (wl_pprl_link(RA, RB, &opt, &r, err, sizeof err) != WL_OK) {
        fprintf(stderr, "pprl: %s\n", err);
        return 1;
    }
    FILE *devnull = fopen("/dev/null", "w");
    for (size_t k = 0; devnull && k < wl_pprl_result_count(r); k++) {
        const wl_pprl_pair *p = wl_pprl_result_pair(r, k);
        fprintf(devnull, "%s,%s,%s,%s,%.6f\n", wl_encoded_source(RA, p->a), wl_encoded_id(RA, p->a),
                wl_encoded_source(RB, p->b), wl_encoded_id(RB, p->b), p->dice);
    }
    if (devnull) fclose(devnull);
    double total = bench_now() - t0;
    quality q = score(RA, RB, r);
    const wl_pprl_stats *ls = wl_pprl_result_stats(r);
    printf("\n| FEBRL-like %s x %s | encode a / b (s) | read encodings (s) | link (s) | end to end (s) | "
           "candidates | P | R | F1 |\n|---|---|---|---|---|---|---|---|---|\n",
           recs, recs);
    (void)threshold;
    printf("| %s >= %.2f | %.2f / %.2f | %.2f | %.2f | %.2f | %zu | %.4f | %.4f | %.4f |\n",
           ls->fields ? "probability" : "Dice", ls->threshold, enc_a,
           enc_b, t_read, ls->seconds, total, ls->candidates, q.p, q.r, q.f1);
    wl_pprl_result_free(r);
    wl_encoded_free(RA);
    wl_encoded_free(RB);
    return 0;
}

int bench_pprl(int argc, char **argv)
{
    pp_args a;
    if (pp_parse(argc, argv, &a) != 0) {
        pp_usage(stderr);
        return 2;
    }
    char err[512];
    wl_pprl_schema *s = a.schema ? wl_pprl_schema_load(a.schema, err, sizeof err)
                                 : wl_pprl_schema_parse(wl_pprl_default_schema(),
                                                        strlen(wl_pprl_default_schema()), "default", err,
                                                        sizeof err);
    if (!s) {
        fprintf(stderr, "pprl: %s\n", err);
        return 1;
    }
    double threshold = a.threshold >= 0 ? a.threshold : wl_pprl_default_options().threshold;
    int rc = 0, kernel_done = 0;
    printf("schema %s (%s)\n\n", a.schema ? a.schema : "default", wl_pprl_schema_fingerprint(s));

    char pa[4200], pb[4200];
    snprintf(pa, sizeof pa, "%s/dataset4a.csv", a.febrl);
    snprintf(pb, sizeof pb, "%s/dataset4b.csv", a.febrl);
    struct stat st;
    if (stat(pa, &st) != 0 || stat(pb, &st) != 0) {
        printf("FEBRL 4: skipped, %s and dataset4b.csv not found\n", pa);
    } else {
        wl_encoded *A = encode_list(pa, s, a.threads, NULL), *B = encode_list(pb, s, a.threads, NULL);
        if (!A || !B) rc = 1;
        else {
            printf("| FEBRL 4 encoded | threshold | true | predicted | TP | P | R | F1 | candidates | link (s) |\n"
                   "|---|---|---|---|---|---|---|---|---|---|\n");
            rc |= link_and_score("all pairs above", A, B, &a, threshold, 0);
            rc |= link_and_score("--one-to-one", A, B, &a, threshold, 1);
            rc |= link_and_score("--one-to-one", A, B, &a, 0.5, 1);
            printf("\n| Dice kernel | bits | threads | comparisons |\n|---|---|---|---|\n");
            bench_dice(A, a.threads);
            kernel_done = 1;
        }
        wl_encoded_free(A);
        wl_encoded_free(B);
    }
    if (rc == 0 && a.scale >= 2) rc = bench_scale(&a, s, threshold, !kernel_done);
    wl_pprl_schema_free(s);
    return rc;
}
