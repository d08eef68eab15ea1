/* test_run_concurrent.c -- two wl_run calls at once, on different datasets,
 * give the same pairs as when they run one after the other. The header
 * promises that calls share no state; the record and pair sorts once passed
 * their context through static globals, so concurrent runs could sort one
 * dataset by the other's ranks. (CI's ThreadSanitizer build runs this too.) */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "watchlink.h"

typedef struct {
    wl_dataset *ds;
    wl_result *res;
    wl_status st;
} job;

static wl_dataset *read_lists(const char *const *names, size_t n)
{
    const char *root = getenv("WL_SOURCE_DIR");
    assert_non_null(root);
    wl_dataset *ds = wl_dataset_create();
    assert_non_null(ds);
    wl_read_options ro = wl_read_default_options();
    for (size_t i = 0; i < n; i++) {
        char path[4096], err[512];
        snprintf(path, sizeof path, "%s/datasets/sample/%s", root, names[i]);
        wl_read_report rep;
        assert_int_equal(wl_dataset_read(ds, path, &ro, &rep, err, sizeof err), WL_OK);
    }
    return ds;
}

static void *run_job(void *arg)
{
    job *j = arg;
    wl_options o = wl_default_options();
    o.threads = 1;
    char err[512];
    j->st = wl_run(j->ds, &o, NULL, NULL, NULL, &j->res, err, sizeof err);
    return NULL;
}

static void assert_same(const wl_result *a, const wl_result *b)
{
    size_t n = wl_result_pair_count(a);
    assert_int_equal(n, wl_result_pair_count(b));
    for (size_t k = 0; k < n; k++) {
        const wl_match *x = wl_result_pair(a, k), *y = wl_result_pair(b, k);
        assert_int_equal(x->left, y->left);
        assert_int_equal(x->right, y->right);
        assert_true(x->probability == y->probability);
    }
}

static void test_two_runs_at_once(void **state)
{
    (void)state;
    const char *first[] = { "idn.csv", "mys.csv" }, *second[] = { "tha.csv" };
    job ref[2] = { { read_lists(first, 2), NULL, WL_OK }, { read_lists(second, 1), NULL, WL_OK } };
    for (int i = 0; i < 2; i++) {
        run_job(&ref[i]);
        assert_int_equal(ref[i].st, WL_OK);
        assert_true(wl_result_pair_count(ref[i].res) > 0);
    }
    for (int round = 0; round < 2; round++) {
        job now[2] = { { ref[0].ds, NULL, WL_OK }, { ref[1].ds, NULL, WL_OK } };
        pthread_t t[2];
        for (int i = 0; i < 2; i++) assert_int_equal(pthread_create(&t[i], NULL, run_job, &now[i]), 0);
        for (int i = 0; i < 2; i++) assert_int_equal(pthread_join(t[i], NULL), 0);
        for (int i = 0; i < 2; i++) {
            assert_int_equal(now[i].st, WL_OK);
            assert_same(ref[i].res, now[i].res);
            wl_result_free(now[i].res);
        }
    }
    for (int i = 0; i < 2; i++) {
        wl_result_free(ref[i].res);
        wl_dataset_free(ref[i].ds);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = { cmocka_unit_test(test_two_runs_at_once) };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
