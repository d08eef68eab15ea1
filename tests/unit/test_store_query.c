/* test_store_query.c -- screening through the index file (wl_store_query,
 * engine/src/store/store_query.c) gives exactly the pairs of the full run it
 * stands for: a link run over the stored lists and the query list with the
 * store's model, focus on the query records, every pair sharing a block
 * (no partner cap) -- same pairs, probabilities, weights, levels and field
 * weights -- when the frozen statistics are the full run's (the store's lists
 * are those the index was made from) and no block is split; on 1 and 2
 * threads. With splits, the store's frozen split decisions keep some blocks
 * whole that the full run splits: a superset of its pairs, same values. */
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
#include "compare/compare.h"
#include "features/featureset.h"
#include "normalise/name.h"
#include "store_fixture.h"

static int by_pair(const void *a, const void *b)
{
    const wl_match *x = a, *y = b;
    if (x->left != y->left) return x->left < y->left ? -1 : 1;
    return (x->right > y->right) - (x->right < y->right);
}

/* The full run over idn, mys and the query list (query records first, so
 * their indices are the query's; stored records follow in the index's order,
 * which is the dataset order idn, mys). Its pairs holding a query record, as
 * (query index, stored index), sorted. */
static wl_match *full_run(const wl_model *model, size_t max_block, const char *qfile, const char *qsource,
                          size_t *n_out, size_t *n_query)
{
    wl_dataset *ds = wl_dataset_create();
    read_sample(ds, qfile, qsource);
    size_t nq = wl_dataset_size(ds);
    read_sample(ds, "idn.csv", NULL);
    read_sample(ds, "mys.csv", NULL);
    size_t n = wl_dataset_size(ds);
    unsigned char *focus = calloc(n, 1);
    memset(focus, 1, nq);
    wl_options o = wl_default_options();
    o.mode = WL_MODE_LINK;
    o.threshold = 0.0;
    o.max_partners = SIZE_MAX; /* every pair sharing a block */
    if (max_block) o.max_block = max_block;
    o.focus = focus;
    o.keep_outranked = 1; /* a query reports every stored partner (screening) */
    wl_result *r = NULL;
    char err[512];
    assert_int_equal(wl_run(ds, &o, model, NULL, NULL, &r, err, sizeof err), WL_OK);
    size_t np = wl_result_pair_count(r), k = 0;
    wl_match *m = malloc((np + 1) * sizeof *m);
    for (size_t j = 0; j < np; j++) {
        wl_match x = *wl_result_pair(r, j);
        int lq = x.left < nq, rq = x.right < nq;
        assert_true(lq != rq); /* link, focus: one query and one stored record */
        uint32_t q = lq ? x.left : x.right, s = lq ? x.right : x.left;
        x.left = q;
        x.right = (uint32_t)(s - nq);
        m[k++] = x;
    }
    qsort(m, k, sizeof *m, by_pair);
    wl_result_free(r);
    wl_dataset_free(ds);
    free(focus);
    *n_out = k;
    *n_query = nq;
    return m;
}

static void assert_same_pairs(const wl_match *a, size_t na, const wl_match *b, size_t nb)
{
    assert_int_equal(na, nb);
    for (size_t k = 0; k < na; k++) {
        assert_int_equal(a[k].left, b[k].left);
        assert_int_equal(a[k].right, b[k].right);
        assert_true(a[k].probability == b[k].probability);
        assert_true(a[k].weight == b[k].weight);
        assert_memory_equal(a[k].level, b[k].level, sizeof a[k].level);
        assert_memory_equal(a[k].field_weight, b[k].field_weight, sizeof a[k].field_weight);
    }
}

/* Every pair of a is in b with the same values (b sorted like a). */
static void assert_subset(const wl_match *a, size_t na, const wl_match *b, size_t nb)
{
    size_t j = 0;
    for (size_t k = 0; k < na; k++) {
        while (j < nb && by_pair(&b[j], &a[k]) < 0) j++;
        assert_true(j < nb);
        assert_int_equal(a[k].left, b[j].left);
        assert_int_equal(a[k].right, b[j].right);
        assert_true(a[k].probability == b[j].probability);
        assert_true(a[k].weight == b[j].weight);
        assert_memory_equal(a[k].level, b[j].level, sizeof a[k].level);
    }
}

/* The query: the sample list qfile under qsource (NULL: its file name), on 1
 * and 2 threads, each run more than min_pairs pairs and the two the same.
 * exact: the full run splits no block the store did not (a block limit no
 * block reaches); else the query's pairs are a superset of the full run's,
 * each with the full run's values. */
static void check_query(size_t max_block, int exact, const char *qfile, const char *qsource, size_t min_pairs)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/wl_sq_%d.idx", (int)getpid());
    wl_model *model = NULL;
    wl_store_index *x = make_store(path, max_block, &model);
    size_t nf = 0, nq = 0;
    wl_match *full = full_run(model, max_block, qfile, qsource, &nf, &nq);
    assert_true(nf > 1000); /* enough pairs to prove something */
    wl_dataset *q = wl_dataset_create();
    read_sample(q, qfile, qsource);
    assert_int_equal(wl_dataset_size(q), nq);
    wl_match *one = NULL;
    size_t n_one = 0;
    for (int threads = 1; threads <= 2; threads++) {
        wl_match *m = NULL;
        size_t n = 0;
        char err[512];
        assert_int_equal(wl_store_query(x, q, model, threads, &m, &n, err, sizeof err), WL_OK);
        assert_true(n > min_pairs);
        if (exact) assert_same_pairs(full, nf, m, n);
        else {
            assert_subset(full, nf, m, n);
            assert_true(n > nf); /* the blocks the query records pushed over the split limit */
        }
        if (one) assert_same_pairs(one, n_one, m, n); /* 2 threads: the 1-thread answer */
        else one = m, n_one = n, m = NULL;
        free(m);
    }
    free(one);
    wl_dataset_free(q);
    free(full);
    wl_model_free(model);
    wl_store_index_close(x);
    unlink(path);
}

static void check(size_t max_block, int exact) { check_query(max_block, exact, "tha.csv", NULL, 1000); }

static void test_equals_full_run(void **state)
{
    (void)state;
    check(100000, 1); /* split limit 6,250: no block of the sample is split */
}

/* The default limit splits blocks above 62 records. The store's split
 * decisions are frozen: a block of 50 stored records and 20 query records
 * stays whole here, where the full run over both splits it. */
static void test_superset_with_frozen_splits(void **state)
{
    (void)state;
    check(0, 0);
}

/* A query large enough for the threaded steps of a large query at 2 threads,
 * above all the pairs' orientation (score(): more than WL_COMPARE_WINDOW
 * pairs, oriented in ranges over the threads, each range with its own hints
 * and its own memo of the last source comparison). The query is the idn
 * sample again under the source "jidn", which sorts between the store's idn
 * and mys: a query record is compared right of its idn partners and left of
 * its mys ones, and the order shows in the values (a few of these pairs
 * score otherwise compared the other way round: this test fails
 * when every pair of the threaded step is turned round, where the tha query,
 * whose pairs all have the query record right, does not). Equal to the full
 * run and, pair for pair, to the 1-thread query. */
static void test_large_query_both_orders(void **state)
{
    (void)state;
    check_query(100000, 1, "idn.csv", "jidn", WL_COMPARE_WINDOW);
}

static void test_refused_without_model(void **state)
{
    (void)state;
    wl_match *m = (wl_match *)1;
    size_t n = 7;
    char err[512] = "";
    assert_int_equal(wl_store_query(NULL, NULL, NULL, 1, &m, &n, err, sizeof err), WL_USAGE);
    assert_null(m);
    assert_int_equal(n, 0);
    assert_true(strstr(err, "no index") != NULL);
}

/* wl_features_build_with (one thread, the caller's context kept across calls)
 * gives wl_features_build's features byte for byte. */
static void assert_same_features(const wl_features *a, const wl_features *b)
{
    assert_int_equal(a->n, b->n);
    assert_int_equal(a->text_len, b->text_len);
    assert_memory_equal(a->text, b->text, a->text_len);
#define RUN_(id, start, data, type, rebase)                                        \
    assert_memory_equal(a->start, b->start, (a->n + 1) * sizeof *a->start);       \
    if (a->start[a->n]) assert_memory_equal(a->data, b->data, a->start[a->n] * sizeof(type));
    WL_FEATURE_RUNS(RUN_)
#undef RUN_
#define COL_(id, array, type, rebase) assert_memory_equal(a->array, b->array, a->n * sizeof(type));
    WL_FEATURE_COLUMNS(COL_)
#undef COL_
}

/* A warm querier (one name context, its transliterators opened by the first
 * query) answers each one-record query exactly as a fresh wl_store_query does,
 * whatever it normalised before; its one-thread features are the parallel
 * build's. Records with non-Latin text, so the transliterators are used. */
static void test_querier_reuses_context(void **state)
{
    (void)state;
    char path[64], one[64], err[512];
    snprintf(path, sizeof path, "/tmp/wl_sq_%d.idx", (int)getpid());
    snprintf(one, sizeof one, "/tmp/wl_sq_%d_one.csv", (int)getpid());
    wl_model *model = NULL;
    wl_store_index *x = make_store(path, 100000, &model);
    wl_store_querier *qr = NULL;
    assert_int_equal(wl_store_querier_create(x, model, &qr), WL_OK);
    wl_namectx *ctx = wl_namectx_create();
    assert_non_null(ctx);
    char list[4096], header[4096], line[4096];
    snprintf(list, sizeof list, "%s/datasets/sample/tha.csv", getenv("WL_SOURCE_DIR"));
    FILE *f = fopen(list, "r");
    assert_non_null(f);
    assert_non_null(fgets(header, sizeof header, f));
    int asked = 0, hits = 0;
    while (asked < 40 && fgets(line, sizeof line, f)) {
        int foreign = 0;
        for (const unsigned char *s = (const unsigned char *)line; *s; s++) foreign |= *s >= 0x80;
        if (!foreign) continue;
        FILE *o = fopen(one, "w");
        assert_non_null(o);
        fputs(header, o);
        fputs(line, o);
        fclose(o);
        wl_dataset *q = wl_dataset_create();
        wl_read_options ro = wl_read_default_options();
        wl_read_report rep;
        assert_int_equal(wl_dataset_read(q, one, &ro, &rep, err, sizeof err), WL_OK);
        wl_features *serial = wl_features_build_with(q, ctx), *par = wl_features_build(q, 2);
        assert_non_null(serial);
        assert_non_null(par);
        assert_same_features(serial, par);
        wl_features_free(serial);
        wl_features_free(par);
        wl_match *warm = NULL, *fresh = NULL;
        size_t nw = 0, nf = 0;
        assert_int_equal(wl_store_querier_run(qr, q, 2, &warm, &nw, err, sizeof err), WL_OK);
        assert_int_equal(wl_store_query(x, q, model, 1, &fresh, &nf, err, sizeof err), WL_OK);
        qsort(warm, nw, sizeof *warm, by_pair);
        qsort(fresh, nf, sizeof *fresh, by_pair);
        assert_same_pairs(fresh, nf, warm, nw);
        hits += nw > 0;
        free(warm);
        free(fresh);
        wl_dataset_free(q);
        asked++;
    }
    fclose(f);
    assert_int_equal(asked, 40);
    assert_true(hits > 10); /* the queries meet stored records */
    wl_namectx_free(ctx);
    wl_store_querier_free(qr);
    wl_model_free(model);
    wl_store_index_close(x);
    unlink(path);
    unlink(one);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equals_full_run),
        cmocka_unit_test(test_superset_with_frozen_splits),
        cmocka_unit_test(test_large_query_both_orders),
        cmocka_unit_test(test_refused_without_model),
        cmocka_unit_test(test_querier_reuses_context),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
