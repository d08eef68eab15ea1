/* test_run_order.c -- the output order of records (wl_result_record): source
 * name, then id with all-digit ids by value, else byte-wise, then input order.
 * The pipeline sorts precomputed keys (numbers, 8-byte prefixes) for speed;
 * this checks them against the rule written out plainly, on ids where the
 * shortcuts could go wrong: leading zeros, equal values, numbers beyond 64
 * bits, ids sharing their first 8 bytes, prefixes of each other. */
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

static const char *const g_ids[] = {
    "10", "9", "0010", "009", "123456789012345678901", "123456789012345678900", "99999999999999999999",
    "18446744073709551615", "18446744073709551616", "rec-12345678-b", "rec-12345678-a", "rec-2",
    "ab", "abc", "a", "Z1", "0", "00", "1e5", "-3",
};

static int is_digits(const char *s)
{
    return *s && strspn(s, "0123456789") == strlen(s);
}

/* The rule, plainly (as cmp_id in run.c was first written). */
static int ref_cmp_id(const char *a, const char *b)
{
    if (is_digits(a) && is_digits(b)) {
        while (a[1] && *a == '0') a++;
        while (b[1] && *b == '0') b++;
        size_t la = strlen(a), lb = strlen(b);
        if (la != lb) return la < lb ? -1 : 1;
    }
    return strcmp(a, b);
}

static const wl_dataset *g_ds;

static int ref_cmp(const void *x, const void *y)
{
    size_t a = *(const size_t *)x, b = *(const size_t *)y;
    int c = strcmp(wl_dataset_source(g_ds, a), wl_dataset_source(g_ds, b));
    if (!c) c = ref_cmp_id(wl_dataset_id(g_ds, a), wl_dataset_id(g_ds, b));
    return c ? c : (a < b ? -1 : a > b);
}

static void write_list(const char *path, size_t from)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "id,full_name,dob\n");
    size_t n = sizeof g_ids / sizeof g_ids[0];
    for (size_t k = 0; k < n; k++)
        fprintf(f, "%s,name%zu person%zu,19%02zu-01-01\n", g_ids[(k + from) % n], k % 3, k % 5, k);
    fclose(f);
}

static void test_record_order(void **state)
{
    (void)state;
    char dir[] = "/tmp/wl_order_XXXXXX", pb[64], pa[64];
    assert_non_null(mkdtemp(dir));
    snprintf(pb, sizeof pb, "%s/b_list.csv", dir); /* read first: source index 0, but sorts second */
    snprintf(pa, sizeof pa, "%s/a_list.csv", dir);
    write_list(pb, 0);
    write_list(pa, 7);
    wl_dataset *ds = wl_dataset_create();
    wl_read_options ro = wl_read_default_options();
    char err[256];
    assert_int_equal(wl_dataset_read(ds, pb, &ro, NULL, err, sizeof err), WL_OK);
    assert_int_equal(wl_dataset_read(ds, pa, &ro, NULL, err, sizeof err), WL_OK);
    size_t n = wl_dataset_size(ds);
    assert_int_equal(n, 2 * sizeof g_ids / sizeof g_ids[0]);
    wl_options o = wl_default_options();
    o.threads = 1;
    wl_result *r = NULL;
    assert_int_equal(wl_run(ds, &o, NULL, NULL, NULL, &r, err, sizeof err), WL_OK);
    size_t *want = malloc(n * sizeof *want);
    for (size_t i = 0; i < n; i++) want[i] = i;
    g_ds = ds;
    qsort(want, n, sizeof *want, ref_cmp);
    for (size_t k = 0; k < n; k++) assert_int_equal(wl_result_record(r, k), want[k]);
    free(want);
    wl_result_free(r);
    wl_dataset_free(ds);
    unlink(pa);
    unlink(pb);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
