/* test_release_values.c -- wl_dataset_release_values: a run over a dataset
 * that asked for it frees the values once normalised (issue 11, memory at
 * 10^6 x 10^6) and gives the same result as a run that keeps them; ids and
 * sources survive the move to the smaller pool, and the dataset can still take
 * another list (the source names are found again, duplicate ids rejected). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/dataset.h"
#include "watchlink.h"

static void read_list(wl_dataset *ds, const char *name, wl_read_report *rep)
{
    const char *root = getenv("WL_SOURCE_DIR");
    assert_non_null(root);
    wl_read_options ro = wl_read_default_options();
    char path[4096], err[512];
    snprintf(path, sizeof path, "%s/datasets/sample/%s", root, name);
    assert_int_equal(wl_dataset_read(ds, path, &ro, rep, err, sizeof err), WL_OK);
}

static wl_dataset *two_lists(void)
{
    wl_dataset *ds = wl_dataset_create();
    assert_non_null(ds);
    wl_read_report rep;
    read_list(ds, "idn.csv", &rep);
    read_list(ds, "mys.csv", &rep);
    return ds;
}

static wl_result *run(wl_dataset *ds, int threads)
{
    wl_options o = wl_default_options();
    o.threads = threads;
    wl_result *r = NULL;
    char err[512] = "";
    assert_int_equal(wl_run(ds, &o, NULL, NULL, NULL, &r, err, sizeof err), WL_OK);
    return r;
}

static void test_run_releases_values(void **state)
{
    (void)state;
    for (int threads = 1; threads <= 2; threads++) {
        wl_dataset *keep = two_lists(), *drop = two_lists();
        size_t n = wl_dataset_size(keep), pool_before = drop->pool_len;
        wl_dataset_release_values(drop);
        assert_int_equal(wl_dataset_values_released(drop), 0); /* only once a run normalised it */
        wl_result *a = run(keep, threads), *b = run(drop, threads);

        /* the same pairs, probabilities and clusters */
        assert_int_equal(wl_result_pair_count(a), wl_result_pair_count(b));
        assert_true(wl_result_pair_count(a) > 100);
        for (size_t k = 0; k < wl_result_pair_count(a); k++) {
            const wl_match *x = wl_result_pair(a, k), *y = wl_result_pair(b, k);
            assert_int_equal(x->left, y->left);
            assert_int_equal(x->right, y->right);
            assert_true(x->probability == y->probability);
            assert_true(x->weight == y->weight);
            assert_memory_equal(x->level, y->level, sizeof x->level);
        }
        for (size_t i = 0; i < n; i++) {
            assert_int_equal(wl_result_cluster(a, i), wl_result_cluster(b, i));
            assert_int_equal(wl_result_record(a, i), wl_result_record(b, i));
        }

        /* ids and sources as read; the values gone, their memory too */
        assert_int_equal(wl_dataset_values_released(keep), 0);
        assert_int_equal(wl_dataset_values_released(drop), 1);
        size_t named = 0;
        for (size_t i = 0; i < n; i++) {
            assert_string_equal(wl_dataset_id(keep, i), wl_dataset_id(drop, i));
            assert_string_equal(wl_dataset_source(keep, i), wl_dataset_source(drop, i));
            named += wl_dataset_count(keep, i, WL_ROLE_FULL_NAME);
            assert_int_equal(wl_dataset_count(drop, i, WL_ROLE_FULL_NAME), 0);
            assert_null(wl_dataset_value(drop, i, WL_ROLE_FULL_NAME, 0));
        }
        assert_true(named > n / 2);
        assert_null(drop->cells);
        assert_int_equal(drop->n_cells, 0);
        assert_null(drop->id_slots); /* rebuilt by the next lookup, below */
        assert_true(drop->pool_len * 2 < pool_before);

        /* a second run over the released dataset is refused, not run on nothing */
        wl_options o = wl_default_options();
        wl_result *again = NULL;
        char err[512] = "";
        assert_int_equal(wl_run(drop, &o, NULL, NULL, NULL, &again, err, sizeof err), WL_USAGE);
        assert_null(again);
        assert_non_null(strstr(err, "released"));
        wl_stages *st = NULL;
        assert_int_equal(wl_stage_prepare(drop, &o, &st, err, sizeof err), WL_USAGE);
        assert_null(st);

        /* the dataset still reads: the same list again finds its source and
         * rejects every row as a duplicate id; a new list keeps its values */
        size_t sources = wl_dataset_source_count(drop);
        wl_read_report rep;
        read_list(drop, "idn.csv", &rep);
        assert_int_equal(wl_dataset_source_count(drop), sources);
        assert_true(rep.rows_read > 0);
        assert_int_equal(rep.accepted, 0);
        assert_int_equal(rep.rejected, rep.rows_read);
        read_list(drop, "tha.csv", &rep);
        assert_int_equal(wl_dataset_source_count(drop), sources + 1);
        assert_true(rep.accepted > 0);
        assert_int_equal(wl_dataset_size(drop), n + rep.accepted);
        assert_true(drop->n_cells > 0 && drop->cell_start[n + 1] > 0); /* the new list's values kept */
        assert_string_equal(wl_dataset_id(drop, 0), wl_dataset_id(keep, 0));

        wl_result_free(a);
        wl_result_free(b);
        wl_dataset_free(keep);
        wl_dataset_free(drop);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = { cmocka_unit_test(test_run_releases_values) };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
