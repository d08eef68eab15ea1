/* test_api.c -- version, status messages and role names come from one table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/common.h"
#include "common/tables.h"

static void test_version(void **state)
{
    (void)state;
    char buf[32];
    snprintf(buf, sizeof buf, "%d.%d.%d", WL_VERSION_MAJOR, WL_VERSION_MINOR, WL_VERSION_PATCH);
    assert_string_equal(wl_version(), buf);
}

static void test_status_messages(void **state)
{
    (void)state;
    assert_string_equal(wl_strerror(WL_OK), "success");
    assert_string_equal(wl_strerror(WL_NOMEM), "out of memory");
    for (int s = 0; s < WL_STATUS_COUNT; s++) assert_non_null(wl_strerror((wl_status)s));
    assert_string_equal(wl_strerror((wl_status)999), "unknown status");
}

static void test_roles_round_trip(void **state)
{
    (void)state;
    for (int r = 0; r < WL_ROLE_COUNT; r++)
        assert_int_equal(wl_role_from_name(wl_role_name((wl_role)r)), r);
    assert_int_equal(wl_role_from_name("GIVEN_NAME"), WL_ROLE_GIVEN_NAME);
    assert_int_equal(wl_role_from_name("nope"), -1);
    assert_null(wl_role_name(WL_ROLE_COUNT));
}

static void test_arena_and_vec(void **state)
{
    (void)state;
    wl_arena a;
    wl_arena_init(&a);
    char *s = wl_arena_strdup(&a, "hello", 5);
    assert_string_equal(s, "hello");
    void *big = wl_arena_alloc(&a, 3u << 20); /* larger than a block */
    assert_non_null(big);
    assert_int_equal((uintptr_t)big % 16, 0);
    wl_arena_free(&a);

    wl_vec v;
    wl_vec_init(&v, sizeof(int));
    for (int i = 0; i < 1000; i++) assert_int_equal(wl_vec_push(&v, &i), 0);
    assert_int_equal(v.len, 1000);
    assert_int_equal(WL_VEC_AT(&v, int, 999), 999);
    wl_vec_free(&v);
}

static void test_table_iter(void **state)
{
    (void)state;
    const char text[] = "# comment\n\na\tb\tc\r\nd\n";
    wl_table_iter it;
    wl_table_iter_init(&it, text, sizeof text - 1);
    const char *f[4];
    size_t fl[4];
    assert_int_equal(wl_table_next(&it, f, fl, 4), 3);
    assert_int_equal(fl[2], 1);
    assert_memory_equal(f[2], "c", 1);
    assert_int_equal(wl_table_next(&it, f, fl, 4), 1);
    assert_int_equal(wl_table_next(&it, f, fl, 4), 0);
    assert_null(wl_table_get("no-such-table", NULL));
}

/* The public cached kernels give the plain kernels' values, query after query. */
static void test_cached_kernels_match_plain(void **state)
{
    (void)state;
    static const char *const q[] = { "muhammad", "nguyen", "", "abdulrahman" };
    static const char *const c[] = { "mohammed", "nguyn", "muhamad", "", "abdul rahman", "x" };
    wl_cached *h = wl_cached_create();
    assert_non_null(h);
    for (size_t i = 0; i < WL_ARRAY_SIZE(q); i++) {
        wl_cached_set(h, q[i], strlen(q[i]));
        for (size_t j = 0; j < WL_ARRAY_SIZE(c); j++) {
            size_t la = strlen(q[i]), lb = strlen(c[j]);
            assert_true(wl_cached_jaro_winkler(h, c[j], lb) == wl_jaro_winkler(q[i], la, c[j], lb));
            for (int max = -1; max <= 3; max++) {
                assert_int_equal(wl_cached_levenshtein(h, c[j], lb, max), wl_levenshtein(q[i], la, c[j], lb, max));
                assert_int_equal(wl_cached_osa(h, c[j], lb, max), wl_osa(q[i], la, c[j], lb, max));
            }
        }
    }
    assert_int_equal(wl_levenshtein("kitten", 6, "sitting", 7, -1), 3);
    assert_int_equal(wl_levenshtein("kitten", 6, "sitting", 7, 1), 2); /* max + 1 */
    assert_int_equal(wl_osa("ca", 2, "ac", 2, -1), 1);
    wl_cached_free(h);
    wl_cached_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_status_messages),
        cmocka_unit_test(test_roles_round_trip),
        cmocka_unit_test(test_arena_and_vec),
        cmocka_unit_test(test_table_iter),
        cmocka_unit_test(test_cached_kernels_match_plain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
