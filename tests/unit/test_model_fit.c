/* The fit's collapse rule for the prior (score/model_fit.c), on the figures
 * that motivated it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>

#include <cmocka.h>

#include "score/model.h"

static void test_floor_is_a_collapse(void **state)
{
    (void)state;
    /* Names-only sanctions list: EM ran down to half a match. */
    assert_true(wl_fit_prior_collapsed(0.5, 25490.0));
    /* 2,000-row cross-script link: 0.5 against 62 strong pairs. */
    assert_true(wl_fit_prior_collapsed(0.5, 62.0));
    /* 60 names against the same 60 in another script: 0.5 against 25. */
    assert_true(wl_fit_prior_collapsed(0.5, 25.0));
    /* One strong pair is no evidence that the floor is wrong. */
    assert_false(wl_fit_prior_collapsed(0.5, 1.0));
}

static void test_rich_lists_keep_their_fixed_point(void **state)
{
    (void)state;
    /* 10^6 generated records: 0.44 M matches estimated, 4.46 M candidates above
     * 8 bits (most of them namesakes); a tenth-rule replaced the estimate and
     * dropped precision from 0.84 to 0.69. */
    assert_false(wl_fit_prior_collapsed(4.418e5, 4.46e6));
    /* EU aliases: 21 k against 27 k. */
    assert_false(wl_fit_prior_collapsed(2.137e4, 2.764e4));
    assert_false(wl_fit_prior_collapsed(0.0, 0.0));
}

/* Two lists of a thousand names, each with one partner: a tenth of a percent
 * of random pairs are matches, and they were counted into u. */
static void test_u_without_matches(void **state)
{
    (void)state;
    wl_model *m = wl_model_new();
    assert_non_null(m);
    m->u_pairs = 1000000;
    m->prior = 1e-3;
    const int L = m->levels[WL_FIELD_DOB];
    const int top = L - 1;
    for (int l = 1; l < L; l++) m->u[WL_FIELD_DOB][l] = l == top ? 4e-4 : (1.0 - 4e-4) / (L - 2);
    m->m[WL_FIELD_DOB][top] = 0.4;
    double raw[WL_FIELD_COUNT][WL_MAX_LEVELS];
    memcpy(raw, m->u, sizeof raw);
    assert_int_equal(wl_model_u_without_matches(m, (const double(*)[WL_MAX_LEVELS])raw), 1);
    /* every random agreement was a match: u falls, but not below one standard
     * error of the 400 agreements counted, sqrt(400) / 10^6 (it was 0.5 / 10^6,
     * and an exact date of birth on the EU aliases weighed 20.4 bits, where two
     * strangers share a birthday about once in 20,000 pairs) */
    assert_true(m->u[WL_FIELD_DOB][top] > 1.99e-5 && m->u[WL_FIELD_DOB][top] < 2.01e-5);
    double sum = 0.0;
    for (int l = 1; l < L; l++) sum += m->u[WL_FIELD_DOB][l];
    assert_true(sum > 0.999999 && sum < 1.000001);

    /* At 10^6 records the prior is 10^-6: nothing moves. */
    memcpy(m->u, raw, sizeof raw);
    m->prior = 1e-6;
    assert_int_equal(wl_model_u_without_matches(m, (const double(*)[WL_MAX_LEVELS])raw), 0);

    /* The thin-evidence name m is a guess: the name's u is left as counted. */
    m->prior = 1e-3;
    m->fallback = WL_FIT_NAME_M;
    const int nt = m->levels[WL_FIELD_NAME] - 1;
    raw[WL_FIELD_NAME][nt] = m->u[WL_FIELD_NAME][nt] = 4e-4;
    m->m[WL_FIELD_NAME][nt] = 0.4;
    wl_model_u_without_matches(m, (const double(*)[WL_MAX_LEVELS])raw);
    assert_true(m->u[WL_FIELD_NAME][nt] == 4e-4);
    wl_model_free(m);
}

/* Names-only dedup of an alias list: prior x m comes out of the name's u as
 * counted, each level keeping at least half; the prior stays. */
static void test_u_thin_dedup(void **state)
{
    (void)state;
    wl_model *m = wl_model_new();
    assert_non_null(m);
    const int L = m->levels[WL_FIELD_NAME];
    m->prior = 1.73e-4; /* OFAC aliases */
    double raw[WL_MAX_LEVELS] = { 0 };
    for (int l = 1; l < L; l++) raw[l] = l == WL_NAME_DIFFERENT ? 1.0 - 3.5e-4 : 0.0;
    raw[WL_NAME_ALL_PARTS] = 1.66e-4; /* 2.8 times what strangers show */
    raw[WL_NAME_EXACT] = 4e-5;
    raw[WL_NAME_JW92] = 1e-4;
    raw[WL_NAME_JW80] = 4.4e-5;
    m->m[WL_FIELD_NAME][WL_NAME_ALL_PARTS] = 0.40;
    m->m[WL_FIELD_NAME][WL_NAME_EXACT] = 0.25;
    m->m[WL_FIELD_NAME][WL_NAME_JW92] = 0.15;
    wl_model_u_thin_dedup(m, raw);
    double *u = m->u[WL_FIELD_NAME];
    /* all_parts: 1.66e-4 - 0.4 * 1.73e-4 = 9.7e-5 */
    assert_true(fabs(u[WL_NAME_ALL_PARTS] - 9.68e-5) < 1e-6);
    /* exact: 4e-5 - 4.3e-5 < 0, kept at half of what was counted */
    assert_true(fabs(u[WL_NAME_EXACT] - 2e-5) < 1e-7);
    double sum = 0.0;
    for (int l = 1; l < L; l++) sum += u[l];
    assert_true(sum > 0.999999 && sum < 1.000001);
    assert_true(m->prior == 1.73e-4);
    wl_model_free(m);
}

/* Names-only linking: each level's u loses the closest candidates; at jw92
 * and all_parts it is no more than the strangers blocking proposed there, and
 * exact keeps the random pairs' count. */
static void test_u_thin_link(void **state)
{
    (void)state;
    wl_model *m = wl_model_new();
    assert_non_null(m);
    const int L = m->levels[WL_FIELD_NAME];
    const double pairs = 1e6; /* two lists of a thousand names */
    m->u_pairs = 1000000;
    double *u = m->u[WL_FIELD_NAME];
    for (int l = 1; l < L; l++) u[l] = 0.0;
    u[WL_NAME_ALL_PARTS] = 9.42e-4; /* the xlit Chinese validation lists' counts */
    u[WL_NAME_EXACT] = 7.45e-5;
    u[WL_NAME_JW92] = 3.5e-6;
    u[WL_NAME_JW80] = 0.0879;
    u[WL_NAME_DIFFERENT] = 1.0 - 0.0879 - 9.42e-4 - 7.45e-5 - 3.5e-6;
    double proposed[WL_MAX_LEVELS] = { 0 }, closest[WL_MAX_LEVELS] = { 0 };
    proposed[WL_NAME_ALL_PARTS] = 723, closest[WL_NAME_ALL_PARTS] = 550;
    proposed[WL_NAME_EXACT] = 60, closest[WL_NAME_EXACT] = 40; /* exact: from the random pairs */
    proposed[WL_NAME_JW92] = 2;
    wl_model_u_thin_link(m, proposed, closest, pairs);
    double sum = 0.0;
    for (int l = 1; l < L; l++) sum += u[l];
    assert_true(sum > 0.999999 && sum < 1.000001);
    /* all_parts: (723 - 550) / 10^6 as proposed, below (942 - 550) / 10^6 counted */
    assert_true(fabs(u[WL_NAME_ALL_PARTS] - 1.73e-4) < 2e-6);
    /* exact: (74.5 - 40) / 10^6 from the random pairs, not (60 - 40) / 10^6 */
    assert_true(fabs(u[WL_NAME_EXACT] - 3.45e-5) < 1e-6);
    /* jw92: the 2 proposed, under the 3.5 counted */
    assert_true(fabs(u[WL_NAME_JW92] - 2e-6) < 1e-7);
    /* nothing below the half-pair floor */
    proposed[WL_NAME_ALL_PARTS] = 500, closest[WL_NAME_ALL_PARTS] = 500;
    wl_model_u_thin_link(m, proposed, closest, pairs);
    assert_true(u[WL_NAME_ALL_PARTS] >= 0.5 / 1000001.0 * 0.999);
    wl_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_floor_is_a_collapse),
        cmocka_unit_test(test_rich_lists_keep_their_fixed_point),
        cmocka_unit_test(test_u_without_matches),
        cmocka_unit_test(test_u_thin_dedup),
        cmocka_unit_test(test_u_thin_link),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
