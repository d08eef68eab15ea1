/* test_alloc_fail.c -- an allocation that fails inside the fit or the
 * best-link filter reaches the caller as WL_NOMEM (issue 16.7). The fit once
 * swallowed it: a session without memory ran on no pairs and left m at its
 * defaults, the prior without memory kept its start value, and best-link kept
 * every pair, each with WL_OK and a model or pair list nobody asked for.
 *
 * The engine's malloc, calloc and realloc are linked to the wrappers below
 * (-Wl,--wrap, tests/CMakeLists.txt), which fail the k-th allocation once
 * armed. Each operation is run once to count its allocations, then once per
 * allocation with that one failing: it must then return WL_NOMEM, or give
 * exactly the result of the run without the failure (a fallback that changes
 * nothing is no degradation). One thread keeps the order of allocations fixed;
 * OpenMP's own allocations happen in libgomp, which is not wrapped. */
#include <setjmp.h>
#include <stdarg.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "block/block.h"
#include "cluster/cluster.h"
#include "score/model.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t k, size_t n);
void *__wrap_realloc(void *p, size_t n);

static long g_count;          /* allocations since arm() */
static long g_fail_at = -1;   /* the one to fail; -1: none */
static int g_failed;          /* whether it was reached */

static int fail_now(void)
{
    if (g_fail_at < 0) return 0;
    if (g_count++ != g_fail_at) return 0;
    g_failed = 1;
    return 1;
}

void *__wrap_malloc(size_t n) { return fail_now() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t k, size_t n) { return fail_now() ? NULL : __real_calloc(k, n); }
void *__wrap_realloc(void *p, size_t n) { return fail_now() ? NULL : __real_realloc(p, n); }

/* Fails allocation k from now on (k = LONG_MAX: counts only). */
static void arm(long k)
{
    g_count = 0;
    g_failed = 0;
    g_fail_at = k;
}

static long disarm(void)
{
    g_fail_at = -1;
    return g_count;
}

typedef struct {
    wl_dataset *ds;
    wl_features *f;
    wl_vec pairs;
    wl_cmpvec *vec;
    wl_options opt;
} fit_fixture;

static void fixture_open(fit_fixture *fx, int mode)
{
    const char *root = getenv("WL_SOURCE_DIR");
    assert_non_null(root);
    fx->ds = wl_dataset_create();
    assert_non_null(fx->ds);
    wl_read_options ro = wl_read_default_options();
    static const char *const lists[] = { "idn.csv", "mys.csv" };
    for (size_t i = 0; i < 2; i++) {
        char path[4096], err[512];
        snprintf(path, sizeof path, "%s/datasets/sample/%s", root, lists[i]);
        assert_int_equal(wl_dataset_read(fx->ds, path, &ro, NULL, err, sizeof err), WL_OK);
    }
    fx->opt = wl_default_options();
    fx->opt.threads = 1;
    fx->opt.mode = mode;
    fx->opt.u_samples = 20000; /* enough to fit; keeps each of the ~40 runs short */
    fx->f = wl_features_build(fx->ds, 1);
    assert_non_null(fx->f);
    wl_vec_init(&fx->pairs, sizeof(wl_pairidx));
    wl_block_stats bs;
    assert_int_equal(wl_block(fx->f, &fx->opt, &fx->pairs, &bs), WL_OK);
    assert_true(fx->pairs.len > 100);
    fx->vec = malloc(fx->pairs.len * sizeof *fx->vec);
    assert_non_null(fx->vec);
    const wl_pairidx *p = fx->pairs.data;
    for (size_t k = 0; k < fx->pairs.len; k++) wl_compare(fx->f, p[k].a, p[k].b, &fx->vec[k]);
}

static void fixture_close(fit_fixture *fx)
{
    free(fx->vec);
    wl_vec_free(&fx->pairs);
    wl_features_free(fx->f);
    wl_dataset_free(fx->ds);
}

static void assert_same_model(const wl_model *a, const wl_model *b)
{
    assert_true(a->prior == b->prior);
    assert_memory_equal(a->m, b->m, sizeof a->m);
    assert_memory_equal(a->u, b->u, sizeof a->u);
    assert_memory_equal(a->u_namesake, b->u_namesake, sizeof a->u_namesake);
    assert_memory_equal(a->rare_mean, b->rare_mean, sizeof a->rare_mean);
    assert_int_equal(a->fallback, b->fallback);
    assert_int_equal(a->em_iterations, b->em_iterations);
}

/* wl_model_fit: u from random pairs, the two sessions, the prior rounds. */
static void fit_fails_loudly(int mode)
{
    fit_fixture fx;
    fixture_open(&fx, mode);
    wl_model *ref = wl_model_new();
    assert_non_null(ref);
    arm(LONG_MAX);
    assert_int_equal(wl_model_fit(ref, fx.f, &fx.opt, fx.vec, (const uint32_t *)fx.pairs.data, fx.pairs.len), WL_OK);
    long allocs = disarm();
    assert_true(allocs >= 6); /* random pool, two sessions, the prior's patterns */
    for (long k = 0; k < allocs; k++) {
        wl_model *m = wl_model_new();
        assert_non_null(m);
        arm(k);
        wl_status st = wl_model_fit(m, fx.f, &fx.opt, fx.vec, (const uint32_t *)fx.pairs.data, fx.pairs.len);
        disarm();
        assert_true(g_failed);
        if (st != WL_NOMEM) {
            if (st != WL_OK) fail_msg("allocation %ld of %ld: status %d", k, allocs, (int)st);
            assert_same_model(m, ref); /* a failure that changed the fit must say so */
        }
        wl_model_free(m);
    }
    wl_model_free(ref);
    fixture_close(&fx);
}

static void test_fit_dedup(void **state)
{
    (void)state;
    fit_fails_loudly(WL_MODE_DEDUP);
}

/* Link counts the pairs within each source apart (one more allocation). */
static void test_fit_link(void **state)
{
    (void)state;
    fit_fails_loudly(WL_MODE_LINK);
}

/* The prior alone, as the labelled fit runs it. */
static void test_fit_prior(void **state)
{
    (void)state;
    fit_fixture fx;
    fixture_open(&fx, WL_MODE_LINK);
    wl_model *m = wl_model_new();
    assert_non_null(m);
    double prior = m->prior;
    arm(LONG_MAX);
    assert_int_equal(wl_model_fit_prior(m, fx.f, &fx.opt, fx.vec, fx.pairs.len), WL_OK);
    long allocs = disarm();
    assert_true(m->prior != prior);
    for (long k = 0; k < allocs; k++) {
        m->prior = prior;
        arm(k);
        assert_int_equal(wl_model_fit_prior(m, fx.f, &fx.opt, fx.vec, fx.pairs.len), WL_NOMEM);
        disarm();
        assert_true(m->prior == prior);
    }
    wl_model_free(m);
    fixture_close(&fx);
}

/* The labelled fit (train --labels): every allocation failed in turn gives
 * WL_NOMEM or the model of a run without the failure. Its default m came from a
 * second model it allocated, and a failed allocation there set every m from
 * 0.5 without a word. */
static void test_fit_labels(void **state)
{
    (void)state;
    fit_fixture fx;
    fixture_open(&fx, WL_MODE_LINK);
    char labels[4096], err[512];
    snprintf(labels, sizeof labels, "%s/datasets/sample/truth_pairs.csv", getenv("WL_SOURCE_DIR"));
    wl_model *ref = NULL;
    size_t used = 0;
    arm(LONG_MAX);
    assert_int_equal(wl_model_fit_labels(fx.ds, &fx.opt, labels, &ref, &used, err, sizeof err), WL_OK);
    long allocs = disarm();
    assert_non_null(ref);
    assert_true(used > 0);
    print_message("wl_model_fit_labels: %ld allocations\n", allocs);
    for (long k = 0; k < allocs; k++) {
        wl_model *m = NULL;
        arm(k);
        wl_status st = wl_model_fit_labels(fx.ds, &fx.opt, labels, &m, &used, err, sizeof err);
        disarm();
        assert_true(g_failed);
        if (st == WL_OK) assert_same_model(m, ref);
        else assert_true(m == NULL);
        wl_model_free(m);
    }
    wl_model_free(ref);
    fixture_close(&fx);
}

static wl_match pair(uint32_t a, uint32_t b, float w)
{
    wl_match m;
    memset(&m, 0, sizeof m);
    m.left = a;
    m.right = b;
    m.weight = w;
    return m;
}

static void test_best_link(void **state)
{
    (void)state;
    uint32_t rank[6] = { 0, 1, 2, 3, 4, 5 };
    wl_match p[] = { pair(0, 2, 9), pair(1, 2, 8), pair(1, 3, 7), pair(0, 3, 1), pair(4, 5, 2) };
    wl_match before[5];
    memcpy(before, p, sizeof p);
    arm(LONG_MAX);
    assert_int_equal(wl_best_link(p, 5, 6, rank), 2);
    long allocs = disarm();
    assert_true(allocs >= 1);
    for (long k = 0; k < allocs; k++) {
        memcpy(p, before, sizeof p);
        arm(k);
        assert_int_equal(wl_best_link(p, 5, 6, rank), SIZE_MAX);
        disarm();
        assert_memory_equal(p, before, sizeof p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fit_dedup),
        cmocka_unit_test(test_fit_link),
        cmocka_unit_test(test_fit_prior),
        cmocka_unit_test(test_fit_labels),
        cmocka_unit_test(test_best_link),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
