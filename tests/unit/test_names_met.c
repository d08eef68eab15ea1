/* test_names_met.c -- wl_pair_names_met: the names of two records whose
 * comparison gave the pair's name level, as --explain writes them (issue 10.5:
 * explanations; with aliases the level alone does not say which names met). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "watchlink.h"
#include "compare/compare.h"
#include "features_fixture.h"

static const fx_rec g_recs[] = {
    { 0, "zaydan muhammad|abbas abu", NULL, NULL, NULL, 0, NULL, NULL },   /* the alias meets record 1 */
    { 1, "abu abbas", NULL, NULL, NULL, 0, NULL, NULL },
    { 1, "", NULL, NULL, NULL, 0, NULL, NULL },                            /* no name */
    { 0, "kim jong|smith john|jones mary", NULL, NULL, NULL, 0, NULL, NULL }, /* the second alias meets record 4 */
    { 1, "mary jones|peter pan", NULL, NULL, NULL, 0, NULL, NULL },
};
enum { N = sizeof g_recs / sizeof g_recs[0] };

static void test_alias_that_met(void **state)
{
    (void)state;
    wl_features *f = fx_build(g_recs, N);
    char l[64], r[64];
    assert_int_equal(wl_pair_names_met(f, 0, 1, l, r, sizeof l), 1);
    assert_string_equal(l, "abbas abu"); /* not the record's first name, zaydan muhammad */
    assert_string_equal(r, "abu abbas");
    assert_int_equal(wl_pair_names_met(f, 1, 0, l, r, sizeof l), 1); /* either order */
    assert_string_equal(l, "abu abbas");
    assert_string_equal(r, "abbas abu");
    assert_int_equal(wl_pair_names_met(f, 3, 4, l, r, sizeof l), 1); /* a later name of each side */
    assert_string_equal(l, "jones mary");
    assert_string_equal(r, "mary jones");
    fx_free(f);
}

/* The names shown are the ones that gave the level wl_compare reports. */
static void test_same_level_as_compare(void **state)
{
    (void)state;
    wl_features *f = fx_build(g_recs, N);
    for (uint32_t a = 0; a < N; a++)
        for (uint32_t b = 0; b < N; b++) {
            char l[64], r[64];
            wl_cmpvec v;
            wl_compare(f, a, b, &v);
            int met = wl_pair_names_met(f, a, b, l, r, sizeof l);
            assert_int_equal(met, v.level[WL_FIELD_NAME] != WL_LV_MISSING);
            if (!met) {
                assert_string_equal(l, "");
                assert_string_equal(r, "");
            }
        }
    fx_free(f);
}

static void test_no_name_and_bad_input(void **state)
{
    (void)state;
    wl_features *f = fx_build(g_recs, N);
    char l[64] = "x", r[64] = "y";
    assert_int_equal(wl_pair_names_met(f, 0, 2, l, r, sizeof l), 0); /* record 2 has no name */
    assert_string_equal(l, "");
    assert_string_equal(r, "");
    assert_int_equal(wl_pair_names_met(f, 0, N, l, r, sizeof l), 0); /* out of range */
    assert_int_equal(wl_pair_names_met(NULL, 0, 1, l, r, sizeof l), 0); /* no features kept */
    assert_string_equal(l, "");
    fx_free(f);
}

/* A name longer than the room is cut after its last whole part. */
static void test_cut_at_a_part(void **state)
{
    (void)state;
    wl_features *f = fx_build(g_recs, N);
    char l[8], r[8];
    assert_int_equal(wl_pair_names_met(f, 0, 1, l, r, sizeof l), 1);
    assert_string_equal(l, "abbas"); /* "abbas abu" needs 10 bytes */
    assert_string_equal(r, "abu"); /* "abu abbas" too */
    fx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alias_that_met),
        cmocka_unit_test(test_same_level_as_compare),
        cmocka_unit_test(test_no_name_and_bad_input),
        cmocka_unit_test(test_cut_at_a_part),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
