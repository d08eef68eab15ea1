/* test_report_api.c -- the read-only views the HTML report is drawn from
 * (watchlink.h, "report"): the model's levels and fit information, the binned
 * weights of every candidate, the borderline candidates, and truth pairs
 * resolved against a dataset. Run on the bundled sample (idn, mys). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "watchlink.h"

static char g_sample[512];

static wl_dataset *read_sample(void)
{
    const char *root = getenv("WL_SOURCE_DIR");
    assert_non_null(root);
    snprintf(g_sample, sizeof g_sample, "%s/datasets/sample", root);
    wl_dataset *ds = wl_dataset_create();
    wl_read_options ro = wl_read_default_options();
    char path[600], err[256];
    const char *lists[] = { "idn", "mys" };
    for (int k = 0; k < 2; k++) {
        snprintf(path, sizeof path, "%s/%s.csv", g_sample, lists[k]);
        assert_int_equal(wl_dataset_read(ds, path, &ro, NULL, err, sizeof err), WL_OK);
    }
    return ds;
}

static wl_result *run(const wl_dataset *ds, int threads, double threshold)
{
    wl_options o = wl_default_options();
    o.threads = threads;
    o.threshold = threshold;
    o.u_samples = 100000; /* a tenth of the default: these tests check views, not the fit */
    wl_result *r = NULL;
    char err[256];
    assert_int_equal(wl_run(ds, &o, NULL, NULL, NULL, &r, err, sizeof err), WL_OK);
    return r;
}

static void test_model_views(void **state)
{
    (void)state;
    wl_dataset *ds = read_sample();
    wl_result *r = run(ds, 1, 0.2);
    const wl_model *m = wl_result_model(r);
    for (int f = 0; f < WL_FIELD_COUNT; f++) {
        int L = wl_model_levels(m, (wl_field)f);
        assert_true(L >= 2);
        assert_non_null(wl_level_name((wl_field)f, L - 1)); /* as many levels as names */
        assert_null(wl_level_name((wl_field)f, L));
        for (int l = 0; l < L; l++) {
            double mv = -1, uv = -1;
            assert_int_equal(wl_model_level(m, (wl_field)f, l, &mv, &uv), 0);
            /* level 0, missing, is not estimated (it adds no weight) */
            if (l > 0) assert_true(mv > 0 && mv <= 1 && uv > 0 && uv <= 1);
            else assert_true(mv >= 0 && mv <= 1 && uv >= 0 && uv <= 1);
        }
        assert_int_equal(wl_model_level(m, (wl_field)f, L, NULL, NULL), -1);
        assert_int_equal(wl_model_level(m, (wl_field)f, -1, NULL, NULL), -1);
    }
    assert_int_equal(wl_model_levels(m, WL_FIELD_COUNT), 0);
    assert_int_equal(wl_model_levels(NULL, WL_FIELD_NAME), 0);
    wl_model_info mi = wl_model_get_info(m);
    const wl_stats *s = wl_result_stats(r);
    assert_true(mi.prior == s->em_prior);
    assert_int_equal(mi.em_iterations, s->em_iterations);
    assert_true(fabs(mi.prior_weight - log2(mi.prior / (1 - mi.prior))) < 1e-12);
    assert_true(mi.u_pairs > 0 && mi.em_pairs > 0);
    wl_result_free(r);
    wl_dataset_free(ds);
}

/* Every candidate is in the histogram once; with the threshold at 0.5 (weight
 * 0, a bin edge) the bins from 0 up hold exactly the pairs at or above it: the
 * reported ones and those left out as outranked. */
static void test_histogram(void **state)
{
    (void)state;
    wl_dataset *ds = read_sample();
    wl_result *r = run(ds, 1, 0.5);
    const wl_weight_hist *h = wl_result_weight_hist(r);
    assert_non_null(h);
    const wl_stats *s = wl_result_stats(r);
    assert_int_equal(h->total, s->candidates);
    assert_true(h->threshold_weight == 0.0);
    size_t sum = 0, above = 0;
    for (size_t k = 0; k < WL_WEIGHT_BINS; k++) {
        sum += h->count[k];
        if (h->lo + (double)k * h->width >= 0) above += h->count[k];
    }
    assert_int_equal(sum, s->candidates);
    assert_int_equal(above, s->pairs + s->outranked);
    assert_true(s->pairs > 0 && s->pairs < s->candidates);
    wl_result_free(r);
    wl_dataset_free(ds);
}

/* The borderline pairs: nearest the threshold first, scored in full (prior plus
 * field weights), and the same for any thread count. */
static void test_borderline(void **state)
{
    (void)state;
    wl_dataset *ds = read_sample();
    wl_result *r1 = run(ds, 1, 0.2), *r2 = run(ds, 2, 0.2);
    size_t n = wl_result_borderline_count(r1);
    assert_int_equal(n, WL_BORDERLINE);
    assert_int_equal(wl_result_borderline_count(r2), n);
    double tw = wl_result_weight_hist(r1)->threshold_weight;
    assert_true(fabs(tw - log2(0.2 / 0.8)) < 1e-12);
    double prior_w = wl_model_get_info(wl_result_model(r1)).prior_weight, last = 0;
    for (size_t k = 0; k < n; k++) {
        const wl_match *a = wl_result_borderline(r1, k), *b = wl_result_borderline(r2, k);
        assert_memory_equal(a, b, sizeof *a);
        assert_true(a->left < wl_dataset_size(ds) && a->right < wl_dataset_size(ds) && a->left != a->right);
        double d = fabs((double)a->weight - tw);
        assert_true(d >= last - 1e-6);
        last = d;
        double w = prior_w;
        for (int f = 0; f < WL_FIELD_COUNT; f++) w += a->field_weight[f];
        assert_true(fabs(w - a->weight) < 1e-3);
        assert_true(fabs(a->probability - exp2(a->weight) / (1 + exp2(a->weight))) < 1e-5);
    }
    assert_null(wl_result_borderline(r1, n));
    assert_memory_equal(wl_result_weight_hist(r1), wl_result_weight_hist(r2), sizeof(wl_weight_hist));
    wl_result_free(r1);
    wl_result_free(r2);
    wl_dataset_free(ds);
}

/* wl_truth_has agrees with wl_eval (the same file rules) on the run's pairs. */
static void test_truth(void **state)
{
    (void)state;
    wl_dataset *ds = read_sample();
    wl_result *r = run(ds, 1, 0.2);
    char truth_path[600], pairs_path[] = "/tmp/wl_report_pairs_XXXXXX", err[256];
    snprintf(truth_path, sizeof truth_path, "%s/truth_pairs.csv", g_sample);
    wl_truth *t = NULL;
    assert_int_equal(wl_truth_load(truth_path, &t, err, sizeof err), WL_OK);
    assert_true(wl_truth_count(t) > 0);
    int fd = mkstemp(pairs_path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "left_source,left_id,right_source,right_id,probability\n");
    size_t hits = 0, np = wl_result_pair_count(r);
    for (size_t k = 0; k < np; k++) {
        const wl_match *m = wl_result_pair(r, k);
        fprintf(f, "%s,%s,%s,%s,%.6f\n", wl_dataset_source(ds, m->left), wl_dataset_id(ds, m->left),
                wl_dataset_source(ds, m->right), wl_dataset_id(ds, m->right), m->probability);
        int h = wl_truth_has(t, ds, m->left, m->right);
        assert_int_equal(h, wl_truth_has(t, ds, m->right, m->left));
        hits += (size_t)h;
    }
    fclose(f);
    wl_eval *e = NULL;
    assert_int_equal(wl_eval_load(truth_path, pairs_path, &e, err, sizeof err), WL_OK);
    wl_eval_row row = wl_eval_at(e, 0.0);
    assert_int_equal(row.true_positive, hits);
    assert_int_equal(row.true_pairs, wl_truth_count(t));
    assert_true(hits > 0);
    wl_eval_free(e);
    unlink(pairs_path);
    wl_truth_free(t);
    /* Errors name the file; a missing file is WL_IO, a broken one WL_FORMAT. */
    assert_int_equal(wl_truth_load("/nonexistent/truth.csv", &t, err, sizeof err), WL_IO);
    assert_null(t);
    char bad[] = "/tmp/wl_report_truth_XXXXXX";
    fd = mkstemp(bad);
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    fprintf(f, "left_id,right_id\n\"x,y\n");
    fclose(f);
    assert_int_equal(wl_truth_load(bad, &t, err, sizeof err), WL_FORMAT);
    assert_non_null(strstr(err, bad));
    unlink(bad);
    wl_truth_free(NULL);
    assert_int_equal(wl_truth_count(NULL), 0);
    wl_result_free(r);
    wl_dataset_free(ds);
}

/* wl_truth_pairs: the truth resolved to the dataset's record pairs, as the
 * benchmarks score with it (issue 16: one truth reader). A pair listed twice
 * (either order) counts once; a pair naming a record not read, or one record
 * twice, is unknown; the rest come out sorted by (left, right), left < right,
 * and wl_truth_has agrees on each. */
static void test_truth_pairs(void **state)
{
    (void)state;
    wl_dataset *ds = read_sample();
    char err[256];
    for (int with_sources = 0; with_sources < 2; with_sources++) {
        char path[] = "/tmp/wl_report_truth_pairs_XXXXXX";
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        FILE *f = fdopen(fd, "w");
        assert_non_null(f);
        const size_t rec[][2] = { { 5, 1 }, { 1, 5 }, { 9, 5 }, { 5, 5 } };
        fputs(with_sources ? "left_source,left_id,right_source,right_id\n" : "rec_id_1,rec_id_2\n", f);
        for (size_t k = 0; k < 4; k++) {
            size_t a = rec[k][0], b = rec[k][1];
            if (with_sources)
                fprintf(f, "%s,%s,%s,%s\n", wl_dataset_source(ds, a), wl_dataset_id(ds, a),
                        wl_dataset_source(ds, b), wl_dataset_id(ds, b));
            else
                fprintf(f, "%s,%s\n", wl_dataset_id(ds, a), wl_dataset_id(ds, b));
        }
        fputs(with_sources ? "nowhere,x,nowhere,y\n" : "no-such-id,also-none\n", f);
        fclose(f);
        wl_truth *t = NULL;
        assert_int_equal(wl_truth_load(path, &t, err, sizeof err), WL_OK);
        unlink(path);
        assert_int_equal(wl_truth_count(t), 4); /* (5,1) once, (9,5), (5,5), the unknown ids */
        uint32_t *pairs = NULL;
        size_t n = 0, unknown = 0;
        assert_int_equal(wl_truth_pairs(t, ds, &pairs, &n, &unknown), WL_OK);
        assert_int_equal(n, 2);
        assert_int_equal(unknown, 2);
        assert_int_equal(pairs[0], 1);
        assert_int_equal(pairs[1], 5);
        assert_int_equal(pairs[2], 5);
        assert_int_equal(pairs[3], 9);
        for (size_t k = 0; k < n; k++) assert_true(wl_truth_has(t, ds, pairs[2 * k], pairs[2 * k + 1]));
        free(pairs);
        wl_truth_free(t);
    }
    /* The sample's own truth: every pair resolved or counted unknown. */
    char truth_path[600];
    snprintf(truth_path, sizeof truth_path, "%s/truth_pairs.csv", g_sample);
    wl_truth *t = NULL;
    assert_int_equal(wl_truth_load(truth_path, &t, err, sizeof err), WL_OK);
    uint32_t *pairs = NULL;
    size_t n = 0, unknown = 0;
    assert_int_equal(wl_truth_pairs(t, ds, &pairs, &n, &unknown), WL_OK);
    assert_int_equal(n + unknown, wl_truth_count(t));
    assert_true(n > 0);
    for (size_t k = 0; k < n; k++) {
        assert_true(pairs[2 * k] < pairs[2 * k + 1]);
        assert_true(wl_truth_has(t, ds, pairs[2 * k], pairs[2 * k + 1]));
        if (k) assert_true(pairs[2 * k - 2] < pairs[2 * k] || pairs[2 * k - 1] < pairs[2 * k + 1]);
    }
    free(pairs);
    wl_truth_free(t);
    wl_dataset_free(ds);
}

/* Quality counts per source agree with what was read, and a source not in the
 * dataset counts nothing. */
static void test_quality(void **state)
{
    (void)state;
    const char *root = getenv("WL_SOURCE_DIR");
    assert_non_null(root);
    char path[600], err[256];
    snprintf(path, sizeof path, "%s/datasets/sample/idn.csv", root);
    wl_dataset *ds = wl_dataset_create();
    wl_read_options ro = wl_read_default_options();
    wl_read_report rr;
    assert_int_equal(wl_dataset_read(ds, path, &ro, &rr, err, sizeof err), WL_OK);
    wl_features *f = wl_features_build(ds, 1);
    wl_quality q;
    wl_features_quality(f, rr.source, &q);
    assert_int_equal(q.records, rr.accepted);
    for (int r = 0; r < WL_ROLE_COUNT; r++) {
        if (r != WL_ROLE_ID && r != WL_ROLE_SOURCE) assert_int_equal(q.with_value[r], rr.filled[r]);
        assert_true(q.not_understood[r] <= q.with_value[r]);
        if (!q.checked[r]) assert_int_equal(q.not_understood[r], 0);
    }
    assert_true(q.checked[WL_ROLE_DOB] && !q.checked[WL_ROLE_ALIAS]);
    wl_features_quality(f, "no such source", &q);
    assert_int_equal(q.records, 0);
    assert_int_equal(q.with_value[WL_ROLE_DOB], 0);
    wl_features_free(f);
    wl_dataset_free(ds);
}

/* Sorted (left, right) record pairs of n candidates, left < right. */
static int cmp_pair(const void *x, const void *y)
{
    const uint32_t *a = x, *b = y;
    if (a[0] != b[0]) return a[0] < b[0] ? -1 : 1;
    return (a[1] > b[1]) - (a[1] < b[1]);
}

static void normalise_pairs(uint32_t *p, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (p[2 * k] > p[2 * k + 1]) {
            uint32_t t = p[2 * k];
            p[2 * k] = p[2 * k + 1];
            p[2 * k + 1] = t;
        }
    qsort(p, n, 2 * sizeof *p, cmp_pair);
}

/* The report blocks again per key; with wl_features_set_rank it breaks ties at
 * the partner cap as the run does. Six identical records, one partner each:
 * every record keeps the first of its equals, by (source, id) in the run and
 * by input position without the rank, and ids in reverse make those differ. */
static void test_blocking_as_the_run(void **state)
{
    (void)state;
    char path[] = "/tmp/wl_report_ties_XXXXXX", err[256];
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "id,full_name,dob,nationality\n");
    for (int k = 6; k-- > 0;) fprintf(f, "%d,Ahmad Fauzi bin Hassan,1970-01-01,IDN\n", k);
    fclose(f);
    wl_dataset *ds = wl_dataset_create();
    wl_read_options ro = wl_read_default_options();
    assert_int_equal(wl_dataset_read(ds, path, &ro, NULL, err, sizeof err), WL_OK);
    unlink(path);
    wl_options o = wl_default_options();
    o.threads = 1;
    o.threshold = 0; /* every candidate is a pair: the run's pairs are its candidates */
    o.max_partners = 1;
    o.u_samples = 1000;
    wl_result *r = NULL;
    assert_int_equal(wl_run(ds, &o, NULL, NULL, NULL, &r, err, sizeof err), WL_OK);
    size_t n = wl_dataset_size(ds), np = wl_result_pair_count(r);
    uint32_t rank[6], *run_pairs = malloc(2 * (np ? np : 1) * sizeof *run_pairs);
    for (size_t k = 0; k < n; k++) rank[wl_result_record(r, k)] = (uint32_t)k;
    for (size_t k = 0; k < np; k++) {
        run_pairs[2 * k] = wl_result_pair(r, k)->left;
        run_pairs[2 * k + 1] = wl_result_pair(r, k)->right;
    }
    normalise_pairs(run_pairs, np);
    wl_features *fe = wl_features_build(ds, 1);
    uint32_t *pairs = NULL;
    size_t nc = 0;
    wl_features_set_rank(fe, rank);
    assert_int_equal(wl_candidates(fe, &o, &pairs, &nc, NULL), WL_OK);
    normalise_pairs(pairs, nc);
    assert_int_equal(nc, np);
    assert_memory_equal(pairs, run_pairs, 2 * np * sizeof *pairs);
    free(pairs);
    wl_features_set_rank(fe, NULL); /* ties by input position: another star */
    assert_int_equal(wl_candidates(fe, &o, &pairs, &nc, NULL), WL_OK);
    normalise_pairs(pairs, nc);
    assert_true(nc != np || memcmp(pairs, run_pairs, 2 * np * sizeof *pairs) != 0);
    free(pairs);
    free(run_pairs);
    wl_features_free(fe);
    wl_result_free(r);
    wl_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model_views),
        cmocka_unit_test(test_histogram),
        cmocka_unit_test(test_borderline),
        cmocka_unit_test(test_truth),
        cmocka_unit_test(test_truth_pairs),
        cmocka_unit_test(test_quality),
        cmocka_unit_test(test_blocking_as_the_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
