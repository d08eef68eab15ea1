/* test_store_query_one.c -- one-record queries through a warm querier
 * (wl_store_querier_run) give exactly the pairs of the full run they stand
 * for, record by record. A query of one record is where its own part counts
 * are fewest: store_query.c finds them through a 64-bit mask of their hashes
 * before any search, and a candidate part the mask wrongly left out would
 * lose the query record's count in its rarity (the name's weight and the
 * term-frequency bits move); a query of the whole list sets nearly every bit
 * of the mask and cannot show that (test_store_query.c). Forty rows of tha,
 * each alone against the store of idn and mys, with no block split. */
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
#include "store_fixture.h"

static int by_pair(const void *a, const void *b)
{
    const wl_match *x = a, *y = b;
    if (x->left != y->left) return x->left < y->left ? -1 : 1;
    return (x->right > y->right) - (x->right < y->right);
}

/* The list at path (one record) with idn and mys, linked with the query
 * record as focus, every pair sharing a block: its pairs as (0, stored index). */
static wl_match *full_run(const char *path, const wl_model *model, size_t *n_out)
{
    wl_dataset *ds = wl_dataset_create();
    wl_read_options ro = wl_read_default_options();
    char err[512];
    assert_int_equal(wl_dataset_read(ds, path, &ro, NULL, err, sizeof err), WL_OK);
    assert_int_equal(wl_dataset_size(ds), 1);
    read_sample(ds, "idn.csv", NULL);
    read_sample(ds, "mys.csv", NULL);
    size_t n = wl_dataset_size(ds);
    unsigned char *focus = calloc(n, 1);
    focus[0] = 1;
    wl_options o = wl_default_options();
    o.mode = WL_MODE_LINK;
    o.threshold = 0.0;
    o.max_partners = SIZE_MAX;
    o.max_block = 100000;
    o.focus = focus;
    o.keep_outranked = 1;
    wl_result *r = NULL;
    assert_int_equal(wl_run(ds, &o, model, NULL, NULL, &r, err, sizeof err), WL_OK);
    size_t np = wl_result_pair_count(r);
    wl_match *m = malloc((np + 1) * sizeof *m);
    for (size_t j = 0; j < np; j++) {
        wl_match x = *wl_result_pair(r, j);
        uint32_t s = x.left == 0 ? x.right : x.left;
        x.left = 0;
        x.right = s - 1;
        m[j] = x;
    }
    qsort(m, np, sizeof *m, by_pair);
    wl_result_free(r);
    wl_dataset_free(ds);
    free(focus);
    *n_out = np;
    return m;
}

static void test_one_record_queries_equal_full_runs(void **state)
{
    (void)state;
    char idx[64], dir[] = "/tmp/wl_sq1_XXXXXX", path[128], line[4096], header[4096];
    snprintf(idx, sizeof idx, "/tmp/wl_sq1_%d.idx", (int)getpid());
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/tha.csv", dir); /* the source stays "tha" */
    wl_model *model = NULL;
    wl_store_index *x = make_store(idx, 100000, &model);
    wl_store_querier *qr = NULL;
    assert_int_equal(wl_store_querier_create(x, model, &qr), WL_OK);
    char src[4096];
    snprintf(src, sizeof src, "%s/datasets/sample/tha.csv", getenv("WL_SOURCE_DIR"));
    FILE *in = fopen(src, "r");
    assert_non_null(in);
    assert_non_null(fgets(header, sizeof header, in));
    size_t pairs = 0;
    for (int row = 0; row < 40 && fgets(line, sizeof line, in); row++) {
        FILE *out = fopen(path, "w");
        assert_non_null(out);
        fputs(header, out);
        fputs(line, out);
        assert_int_equal(fclose(out), 0);
        size_t nf = 0;
        wl_match *full = full_run(path, model, &nf);
        wl_dataset *q = wl_dataset_create();
        wl_read_options ro = wl_read_default_options();
        char err[512];
        assert_int_equal(wl_dataset_read(q, path, &ro, NULL, err, sizeof err), WL_OK);
        wl_match *m = NULL;
        size_t n = 0;
        assert_int_equal(wl_store_querier_run(qr, q, 1, &m, &n, err, sizeof err), WL_OK);
        qsort(m, n, sizeof *m, by_pair);
        assert_int_equal(n, nf);
        for (size_t k = 0; k < n; k++) {
            assert_int_equal(m[k].right, full[k].right);
            assert_true(m[k].probability == full[k].probability);
            assert_true(m[k].weight == full[k].weight);
            assert_true(m[k].name_score == full[k].name_score); /* the parts' weights, by their rarity */
            assert_memory_equal(m[k].level, full[k].level, sizeof m[k].level);
            assert_memory_equal(m[k].field_weight, full[k].field_weight, sizeof m[k].field_weight);
        }
        pairs += n;
        free(m);
        free(full);
        wl_dataset_free(q);
    }
    fclose(in);
    assert_true(pairs > 200); /* enough pairs to prove something */
    unlink(path);
    rmdir(dir);
    wl_store_querier_free(qr);
    wl_model_free(model);
    wl_store_index_close(x);
    unlink(idx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_record_queries_equal_full_runs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
