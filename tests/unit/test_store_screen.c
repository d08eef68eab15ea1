/* test_store_screen.c -- a screening through the index file (wl_store_screen,
 * wl_store_querier_screen) gives, to the bit and in order, the pairs of the
 * unscreened match at or above the threshold or with the document exact,
 * though it refuses the pairs that cannot reach the threshold before their
 * names are scored; and the compare it rests on (wl_compare_window_kept)
 * gives a kept pair wl_compare's vector and scores no refused pair's name.
 * The store of idn and mys, tha screened at thresholds from 0 to 1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "compare/compare.h"
#include "watchlink.h"
#include "store_fixture.h"

/* a pair's bytes as the outputs read them */
static void assert_same_pair(const wl_match *a, const wl_match *b)
{
    assert_int_equal(a->left, b->left);
    assert_int_equal(a->right, b->right);
    assert_memory_equal(&a->probability, &b->probability, sizeof a->probability);
    assert_memory_equal(&a->weight, &b->weight, sizeof a->weight);
    assert_memory_equal(&a->name_score, &b->name_score, sizeof a->name_score);
    assert_memory_equal(a->level, b->level, sizeof a->level);
    assert_memory_equal(a->field_weight, b->field_weight, sizeof a->field_weight);
}

static int doc_exact(const wl_match *m)
{
    return m->level[WL_FIELD_DOC] == WL_DOC_EXACT;
}

static void test_screen_equals_filtered_match(void **state)
{
    (void)state;
    char idx[64], err[512];
    snprintf(idx, sizeof idx, "/tmp/wl_screen_%d.idx", (int)getpid());
    wl_model *model = NULL;
    wl_store_index *x = make_store(idx, 0, &model);
    wl_dataset *q = wl_dataset_create();
    read_sample(q, "tha.csv", NULL);
    wl_features *fq = wl_features_build(q, 1);
    assert_non_null(fq);
    static const double thresholds[] = { 0.0, 1e-9, 0.01, 0.2, 0.5, 0.9, 0.99, 1.0 };
    for (int threads = 1; threads <= 2; threads++) {
        wl_match *all = NULL;
        size_t na = 0;
        assert_int_equal(wl_store_match_features(x, NULL, q, fq, NULL, 0, model, threads, &all, &na, err, sizeof err),
                         WL_OK);
        assert_true(na > 1000);
        for (size_t t = 0; t < sizeof thresholds / sizeof *thresholds; t++) {
            double th = thresholds[t];
            wl_match *m = NULL;
            char **names = NULL;
            size_t n = 0, want = 0;
            assert_int_equal(wl_store_screen(x, NULL, q, fq, model, threads, th, &m, &n, &names, err, sizeof err),
                             WL_OK);
            for (size_t k = 0; k < na; k++) {
                if (!(all[k].probability >= th) && !doc_exact(&all[k])) continue;
                assert_true(want < n);
                assert_same_pair(&m[want], &all[k]);
                /* the names that met: both, for pairs of two named records */
                assert_non_null(names[2 * want]);
                assert_non_null(names[2 * want + 1]);
                assert_true((names[2 * want][0] != '\0') == (m[want].level[WL_FIELD_NAME] != 0));
                want++;
            }
            assert_int_equal(n, want);
            if (th == 0.0) assert_int_equal(n, na);
            if (th == 0.5) assert_true(n < na / 2); /* a screening that screens */
            wl_store_names_free(names, n);
            free(m);
            /* without names: the same pairs */
            assert_int_equal(wl_store_screen(x, NULL, q, fq, model, threads, th, &m, &n, NULL, err, sizeof err), WL_OK);
            assert_int_equal(n, want);
            free(m);
        }
        free(all);
    }
    wl_features_free(fq);
    wl_dataset_free(q);
    wl_model_free(model);
    wl_store_index_close(x);
    unlink(idx);
}

/* A warm service's querier (its transliterators compiled at creation)
 * screens as it matches: wl_store_querier_run's pairs, filtered, to the bit. */
static void test_querier_screen_equals_filtered_run(void **state)
{
    (void)state;
    char idx[64], err[512];
    snprintf(idx, sizeof idx, "/tmp/wl_screen1_%d.idx", (int)getpid());
    wl_model *model = NULL;
    wl_store_index *x = make_store(idx, 0, &model);
    wl_store_querier *qr = NULL;
    assert_int_equal(wl_store_querier_create(x, model, &qr), WL_OK);
    wl_dataset *q = wl_dataset_create();
    read_sample(q, "tha.csv", NULL);
    wl_match *all = NULL, *m = NULL;
    size_t na = 0, n = 0;
    assert_int_equal(wl_store_querier_run(qr, q, 2, &all, &na, err, sizeof err), WL_OK);
    assert_int_equal(wl_store_querier_screen(qr, q, 2, 0.2, &m, &n, err, sizeof err), WL_OK);
    size_t want = 0;
    for (size_t k = 0; k < na; k++) {
        if (!(all[k].probability >= 0.2) && !doc_exact(&all[k])) continue;
        assert_true(want < n);
        assert_same_pair(&m[want++], &all[k]);
    }
    assert_int_equal(n, want);
    assert_true(n > 0 && n < na);
    free(all);
    free(m);
    wl_dataset_free(q);
    wl_store_querier_free(qr);
    wl_model_free(model);
    wl_store_index_close(x);
    unlink(idx);
}

/* ---- wl_compare_window_kept ---- */

typedef struct {
    size_t calls;
} keep_count;

/* keeps the pairs whose dates agree at least to the year; counts its calls */
static int keep_dob(const wl_cmpvec *v, void *arg)
{
    ((keep_count *)arg)->calls++;
    /* the name is not scored before keep is asked */
    assert_int_equal(v->level[WL_FIELD_NAME], 0);
    assert_int_equal(v->name_q, 0);
    return v->level[WL_FIELD_DOB] >= WL_DOB_YEAR_ONLY;
}

static void test_compare_window_kept(void **state)
{
    (void)state;
    wl_dataset *ds = wl_dataset_create();
    read_sample(ds, "idn.csv", NULL);
    read_sample(ds, "tha.csv", NULL);
    wl_features *f = wl_features_build(ds, 1);
    assert_non_null(f);
    /* the small path (a run) and the window path (sorted by second record) */
    static const size_t sizes[] = { 150, 3000 };
    for (int s = 0; s < 2; s++) {
        size_t n = sizes[s];
        uint32_t *ab = malloc(2 * n * sizeof *ab);
        uint64_t seed = 7;
        for (size_t k = 0; k < n; k++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            ab[2 * k] = (uint32_t)(k / 40 % f->n);
            ab[2 * k + 1] = (uint32_t)((seed >> 33) % f->n);
        }
        wl_cmpvec *ref = calloc(n, sizeof *ref), *got = calloc(n, sizeof *got);
        unsigned char *skipped = malloc(n);
        memset(skipped, 2, n);
        wl_compare_window(f, ab, n, ref);
        keep_count kc = { 0 };
        wl_compare_window_kept(f, ab, n, keep_dob, &kc, got, skipped);
        assert_int_equal(kc.calls, n);
        size_t kept = 0;
        for (size_t k = 0; k < n; k++) {
            assert_true(skipped[k] <= 1);
            assert_int_equal(skipped[k], !(ref[k].level[WL_FIELD_DOB] >= WL_DOB_YEAR_ONLY));
            if (skipped[k]) {
                /* the other fields as compared, the name not scored */
                assert_int_equal(got[k].level[WL_FIELD_NAME], 0);
                assert_memory_equal(got[k].level + 1, ref[k].level + 1, WL_FIELD_COUNT - 1);
            } else {
                assert_memory_equal(&got[k], &ref[k], sizeof got[k]);
                kept++;
            }
        }
        assert_true(kept > 0 && kept < n);
        free(ab);
        free(ref);
        free(got);
        free(skipped);
    }
    wl_features_free(f);
    wl_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_screen_equals_filtered_match),
        cmocka_unit_test(test_querier_screen_equals_filtered_run),
        cmocka_unit_test(test_compare_window_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
