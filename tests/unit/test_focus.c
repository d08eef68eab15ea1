/* test_focus.c -- wl_options.focus (watchlink.h): a run with a focus set gives
 * exactly the pairs of the run without it that hold a focus record -- same
 * records, probability, weight, levels and field weights, in the same order --
 * for one record, a scattered set and a whole list, in dedup and link mode,
 * capped and uncapped blocking, on 1 and 2 threads. The store's query and
 * update rely on it (issue 12: "same answers as a full run"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "watchlink.h"

static wl_dataset *read_sample(void)
{
    const char *root = getenv("WL_SOURCE_DIR");
    assert_non_null(root);
    static const char *const names[] = { "idn.csv", "mys.csv", "tha.csv" };
    wl_dataset *ds = wl_dataset_create();
    assert_non_null(ds);
    wl_read_options ro = wl_read_default_options();
    for (size_t i = 0; i < 3; i++) {
        char path[4096], err[512];
        snprintf(path, sizeof path, "%s/datasets/sample/%s", root, names[i]);
        wl_read_report rep;
        assert_int_equal(wl_dataset_read(ds, path, &ro, &rep, err, sizeof err), WL_OK);
    }
    return ds;
}

/* The full run's pairs holding a focus record must be the focus run's, in order. */
static size_t assert_focus_subset(const wl_result *full, const wl_result *got, const unsigned char *focus)
{
    size_t nf = wl_result_pair_count(full), ng = wl_result_pair_count(got), j = 0;
    for (size_t k = 0; k < nf; k++) {
        const wl_match *x = wl_result_pair(full, k);
        if (!focus[x->left] && !focus[x->right]) continue;
        assert_true(j < ng);
        const wl_match *y = wl_result_pair(got, j++);
        assert_int_equal(x->left, y->left);
        assert_int_equal(x->right, y->right);
        assert_true(x->probability == y->probability);
        assert_true(x->weight == y->weight);
        assert_memory_equal(x->level, y->level, sizeof x->level);
        assert_memory_equal(x->field_weight, y->field_weight, sizeof x->field_weight);
    }
    assert_int_equal(j, ng);
    return j;
}

static void check(wl_mode mode, size_t max_partners)
{
    wl_dataset *ds = read_sample();
    size_t n = wl_dataset_size(ds);
    wl_options o = wl_default_options();
    o.threads = 1;
    o.mode = mode;
    o.threshold = 0.0; /* every candidate is a pair: the candidates themselves are compared */
    o.keep_outranked = 1; /* ... all of them (test_outranked_whole_lists checks the filter) */
    if (max_partners) o.max_partners = max_partners;
    char err[512];
    wl_result *full = NULL;
    assert_int_equal(wl_run(ds, &o, NULL, NULL, NULL, &full, err, sizeof err), WL_OK);
    const wl_model *model = wl_result_model(full);
    assert_true(wl_result_pair_count(full) > 100);
    unsigned char *focus = calloc(n, 1);
    assert_non_null(focus);
    size_t covered = 0;
    for (int set = 0; set < 3; set++) {
        memset(focus, 0, n);
        if (set == 0) focus[wl_result_pair(full, 0)->left] = 1; /* one record with a partner */
        for (size_t i = 0; set == 1 && i < n; i += 7) focus[i] = 1;
        for (size_t i = 0; set == 2 && i < n; i++) /* one whole list, as a query list */
            focus[i] = strcmp(wl_dataset_source(ds, i), "tha") == 0;
        for (int threads = 1; threads <= 2; threads++) {
            wl_options fo = o;
            fo.threads = threads;
            fo.focus = focus;
            wl_result *got = NULL;
            assert_int_equal(wl_run(ds, &fo, model, NULL, NULL, &got, err, sizeof err), WL_OK);
            size_t m = assert_focus_subset(full, got, focus);
            assert_true(m > 0);
            assert_true(m < wl_result_pair_count(full));
            assert_int_equal(wl_result_stats(got)->candidates, m); /* threshold 0: pairs = candidates */
            covered += m;
            wl_result_free(got);
        }
    }
    assert_true(covered > 0);
    free(focus);
    wl_result_free(full);
    wl_dataset_free(ds);
}

/* The outranked filter needs every pair of a record with the other's list. A
 * focus set that holds whole lists (a query list) has them all, so the focus
 * run's pairs are still exactly the full run's; with a scattered focus set a
 * record outside it may miss its best partner, and the focus run keeps a pair
 * the full run leaves out, never the other way. */
static void test_outranked_focus(void **state)
{
    (void)state;
    wl_dataset *ds = read_sample();
    size_t n = wl_dataset_size(ds);
    wl_options o = wl_default_options();
    o.threads = 1;
    o.mode = WL_MODE_LINK;
    char err[512];
    wl_result *full = NULL;
    assert_int_equal(wl_run(ds, &o, NULL, NULL, NULL, &full, err, sizeof err), WL_OK);
    assert_true(wl_result_stats(full)->outranked > 0);
    unsigned char *focus = calloc(n, 1);
    assert_non_null(focus);
    for (size_t i = 0; i < n; i++) focus[i] = strcmp(wl_dataset_source(ds, i), "tha") == 0;
    wl_options fo = o;
    fo.focus = focus;
    wl_result *got = NULL;
    assert_int_equal(wl_run(ds, &fo, wl_result_model(full), NULL, NULL, &got, err, sizeof err), WL_OK);
    assert_true(assert_focus_subset(full, got, focus) > 0);
    wl_result_free(got);
    for (size_t i = 0; i < n; i++) focus[i] = i % 7 == 0;
    assert_int_equal(wl_run(ds, &fo, wl_result_model(full), NULL, NULL, &got, err, sizeof err), WL_OK);
    size_t nf = wl_result_pair_count(full), ng = wl_result_pair_count(got), found = 0, wanted = 0;
    for (size_t k = 0; k < nf; k++) { /* every full-run pair of the focus is in the focus run */
        const wl_match *x = wl_result_pair(full, k);
        if (!focus[x->left] && !focus[x->right]) continue;
        wanted++;
        for (size_t j = 0; j < ng; j++) {
            const wl_match *y = wl_result_pair(got, j);
            if (x->left == y->left && x->right == y->right) {
                assert_true(x->probability == y->probability);
                found++;
                break;
            }
        }
    }
    assert_true(wanted > 0);
    assert_int_equal(found, wanted);
    assert_true(ng >= wanted);
    wl_result_free(got);
    free(focus);
    wl_result_free(full);
    wl_dataset_free(ds);
}

static void test_dedup_capped(void **state)
{
    (void)state;
    check(WL_MODE_DEDUP, 0);
}

static void test_link_capped(void **state)
{
    (void)state;
    check(WL_MODE_LINK, 0);
}

static void test_dedup_tight_cap(void **state)
{
    (void)state;
    check(WL_MODE_DEDUP, 3); /* many pairs kept by one side only */
}

static void test_dedup_uncapped(void **state)
{
    (void)state;
    check(WL_MODE_DEDUP, SIZE_MAX);
}

/* The blocking stage alone: the focus candidates are the full ones holding a focus record. */
static void test_candidates(void **state)
{
    (void)state;
    wl_dataset *ds = read_sample();
    wl_features *f = wl_features_build(ds, 1);
    assert_non_null(f);
    size_t n = wl_dataset_size(ds), nf = 0, ng = 0;
    wl_options o = wl_default_options();
    o.threads = 2;
    uint32_t *full = NULL, *got = NULL;
    assert_int_equal(wl_candidates(f, &o, &full, &nf, NULL), WL_OK);
    unsigned char *focus = calloc(n, 1);
    assert_non_null(focus);
    for (size_t i = 3; i < n; i += 11) focus[i] = 1;
    o.focus = focus;
    assert_int_equal(wl_candidates(f, &o, &got, &ng, NULL), WL_OK);
    size_t j = 0;
    for (size_t k = 0; k < nf; k++) {
        if (!focus[full[2 * k]] && !focus[full[2 * k + 1]]) continue;
        assert_true(j < ng);
        assert_int_equal(full[2 * k], got[2 * j]);
        assert_int_equal(full[2 * k + 1], got[2 * j + 1]);
        j++;
    }
    assert_int_equal(j, ng);
    assert_true(ng > 0 && ng < nf);
    free(full);
    free(got);
    free(focus);
    wl_features_free(f);
    wl_dataset_free(ds);
}

/* No model: refused, with a message (a fit over focus candidates would be biased). */
static void test_focus_needs_model(void **state)
{
    (void)state;
    wl_dataset *ds = read_sample();
    unsigned char *focus = calloc(wl_dataset_size(ds), 1);
    assert_non_null(focus);
    focus[0] = 1;
    wl_options o = wl_default_options();
    o.focus = focus;
    char err[512] = "";
    wl_result *r = (wl_result *)1;
    assert_int_equal(wl_run(ds, &o, NULL, NULL, NULL, &r, err, sizeof err), WL_USAGE);
    assert_null(r);
    assert_non_null(strstr(err, "model"));
    wl_stages *s = NULL;
    assert_int_equal(wl_stage_prepare(ds, &o, &s, err, sizeof err), WL_OK);
    assert_int_equal(wl_stage_fit(s, NULL, 1), WL_USAGE);
    wl_stage_free(s);
    free(focus);
    wl_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dedup_capped),
        cmocka_unit_test(test_outranked_focus), cmocka_unit_test(test_link_capped),
        cmocka_unit_test(test_dedup_tight_cap), cmocka_unit_test(test_dedup_uncapped),
        cmocka_unit_test(test_candidates),      cmocka_unit_test(test_focus_needs_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
