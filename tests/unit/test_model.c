/* test_model.c -- Fellegi-Sunter EM recovers known parameters, and scoring (the
 * JSON model file is tested in test_model_json.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "score/model.h"

static uint64_t g_rng = 12345;

static double uniform(void)
{
    g_rng ^= g_rng << 13;
    g_rng ^= g_rng >> 7;
    g_rng ^= g_rng << 17;
    return (double)(g_rng >> 11) / 9007199254740992.0;
}

static int draw(const double *p, int L)
{
    double x = uniform(), c = 0.0;
    for (int l = 1; l < L; l++) {
        c += p[l];
        if (x < c) return l;
    }
    return L - 1;
}

/* Vectors drawn from a known model: EM with u fixed must find m and the prior. */
static void test_em_recovers_m_and_prior(void **state)
{
    (void)state;
    wl_model *truth = wl_model_new();
    assert_non_null(truth);
    truth->prior = 0.08;
    for (int f = 0; f < WL_FIELD_COUNT; f++) {
        int L = truth->levels[f];
        for (int l = 1; l < L; l++) {
            truth->m[f][l] = l == L - 1 ? 0.7 : 0.3 / (L - 2);
            truth->u[f][l] = l == 1 ? 0.85 : 0.15 / (L - 2);
        }
    }
    size_t n = 200000;
    wl_cmpvec *v = calloc(n, sizeof *v);
    assert_non_null(v);
    for (size_t k = 0; k < n; k++) {
        int match = uniform() < truth->prior;
        for (int f = 0; f < WL_FIELD_COUNT; f++)
            v[k].level[f] = (uint8_t)draw(match ? truth->m[f] : truth->u[f], truth->levels[f]);
        if (k % 10 == 0) v[k].level[WL_FIELD_DOC] = 0; /* some missing values */
    }
    wl_model *fit = wl_model_new();
    memcpy(fit->u, truth->u, sizeof fit->u);
    int it = wl_model_em(fit, v, n, 500);
    assert_true(it > 1);
    assert_true(fabs(fit->prior - truth->prior) < 0.01);
    for (int f = 0; f < WL_FIELD_COUNT; f++)
        for (int l = 1; l < truth->levels[f]; l++)
            assert_true(fabs(fit->m[f][l] - truth->m[f][l]) < 0.03);
    free(v);
    wl_model_free(truth);
    wl_model_free(fit);
}

static void test_weight_is_log2_bayes_factor(void **state)
{
    (void)state;
    wl_model *m = wl_model_new();
    m->prior = 0.5; /* prior odds 1: weight = sum of field weights */
    wl_cmpvec v;
    memset(&v, 0, sizeof v);
    v.level[WL_FIELD_DOB] = (uint8_t)(m->levels[WL_FIELD_DOB] - 1);
    float fw[WL_FIELD_COUNT];
    double w = wl_model_weight(m, &v, fw);
    int top = m->levels[WL_FIELD_DOB] - 1;
    assert_true(fabs(w - log2(m->m[WL_FIELD_DOB][top] / m->u[WL_FIELD_DOB][top])) < 1e-9);
    assert_true(fw[WL_FIELD_NAME] == 0.0f); /* missing adds nothing */
    assert_true(fabs(wl_model_probability(0.0) - 0.5) < 1e-12);
    assert_true(fabs(wl_model_probability(log2(3.0)) - 0.75) < 1e-12);
    wl_model_free(m);
}

/* The table of weights gives the same bits as computing them (wl_model_bits):
 * every level of every field, with and without the namesake u, and the prior,
 * the rarity adjustment and the per-field weights on top. */
static void test_weight_from_table_is_the_same(void **state)
{
    (void)state;
    wl_model *m = wl_model_new();
    m->prior = 3e-4;
    m->has_namesake = 1;
    for (int f = 0; f < WL_FIELD_COUNT; f++)
        for (int l = 1; l < m->levels[f]; l++) m->u_namesake[f][l] = m->u[f][l] * (0.5 + uniform());
    m->rare_mean[m->levels[WL_FIELD_NAME] - 1] = 6.0;
    wl_model_bits b;
    wl_model_bits_fill(m, &b);
    for (int k = 0; k < 5000; k++) {
        wl_cmpvec v;
        memset(&v, 0, sizeof v);
        for (int f = 0; f < WL_FIELD_COUNT; f++) v.level[f] = (uint8_t)(uniform() * m->levels[f]);
        v.name_rare = (float)(uniform() * 20.0);
        float fw[WL_FIELD_COUNT], fb[WL_FIELD_COUNT];
        double w = wl_model_weight(m, &v, fw), wb = wl_model_weight_bits(m, &b, &v, fb);
        assert_memory_equal(&w, &wb, sizeof w);
        assert_memory_equal(fw, fb, sizeof fw);
        double e = wl_model_evidence(m, &v), eb = wl_model_evidence_bits(m, &b, &v);
        assert_memory_equal(&e, &eb, sizeof e);
    }
    /* and the table follows the model it was filled from, not another */
    wl_cmpvec v;
    memset(&v, 0, sizeof v);
    v.level[WL_FIELD_DOB] = (uint8_t)(m->levels[WL_FIELD_DOB] - 1);
    m->m[WL_FIELD_DOB][v.level[WL_FIELD_DOB]] /= 2;
    assert_true(wl_model_weight(m, &v, NULL) < wl_model_weight_bits(m, &b, &v, NULL));
    wl_model_free(m);
}

static void test_tf_adjustment_favours_rare_names(void **state)
{
    (void)state;
    wl_model *m = wl_model_new();
    wl_cmpvec common, rare;
    memset(&common, 0, sizeof common);
    common.level[WL_FIELD_NAME] = (uint8_t)(m->levels[WL_FIELD_NAME] - 1);
    rare = common;
    m->rare_mean[common.level[WL_FIELD_NAME]] = 10.0;
    common.name_rare = 4.0f;  /* Muhammad Tan */
    rare.name_rare = 30.0f;   /* a rare family name */
    assert_true(wl_model_weight(m, &rare, NULL) > wl_model_weight(m, &common, NULL));
    /* The adjustment is capped. */
    rare.name_rare = 1e6f;
    double base = wl_model_weight(m, &common, NULL) - m->tf_scale * (4.0 - 10.0);
    assert_true(wl_model_weight(m, &rare, NULL) - base <= m->tf_cap + 1e-9);
    wl_model_free(m);
}

/* The reference of the adjustment is the rarity of chance agreements (pairs
 * weighted as non-matches), not of the likely matches: a rare name then gains
 * against the Muhammad Alis that make up u, which the matches' own mean (higher)
 * took back. */
static void test_tf_mean_of_non_matches(void **state)
{
    (void)state;
    wl_model *m = wl_model_new();
    m->prior = 1e-3;
    const int top = m->levels[WL_FIELD_NAME] - 1;
    wl_cmpvec v[4];
    memset(v, 0, sizeof v);
    for (int k = 0; k < 4; k++) v[k].level[WL_FIELD_NAME] = (uint8_t)top;
    /* two matches (the date agrees), rare names; two namesakes (it does not) */
    v[0].level[WL_FIELD_DOB] = v[1].level[WL_FIELD_DOB] = (uint8_t)(m->levels[WL_FIELD_DOB] - 1);
    v[2].level[WL_FIELD_DOB] = v[3].level[WL_FIELD_DOB] = WL_DOB_MISMATCH;
    v[0].name_rare = v[1].name_rare = 30.0f;
    v[2].name_rare = v[3].name_rare = 8.0f;
    wl_model_tf_means(m, v, 4);
    assert_true(m->rare_mean[top] > 7.9 && m->rare_mean[top] < 9.0);
    wl_model_free(m);
}

/* The adjustment reaches every level from tf_from up (all_parts: a rare family
 * name in another order or spelling), and none below it: jw80 is too loose for
 * the rarity of what agrees to tell. */
static void test_tf_from_all_parts(void **state)
{
    (void)state;
    wl_model *m = wl_model_new();
    assert_int_equal(m->tf_from, WL_NAME_JW92);
    wl_cmpvec v;
    memset(&v, 0, sizeof v);
    v.level[WL_FIELD_NAME] = WL_NAME_ALL_PARTS;
    m->rare_mean[WL_NAME_ALL_PARTS] = 10.0;
    v.name_rare = 10.0f;
    double at_mean = wl_model_weight(m, &v, NULL);
    v.name_rare = 14.0f;
    assert_true(fabs(wl_model_weight(m, &v, NULL) - at_mean - m->tf_scale * 4.0) < 1e-6);
    /* a model that adjusts exact names only (tf_from at exact) leaves it alone */
    m->tf_from = WL_NAME_EXACT;
    assert_true(fabs(wl_model_weight(m, &v, NULL) - at_mean) < 1e-9);
    m->tf_from = WL_NAME_JW92;
    v.level[WL_FIELD_NAME] = WL_NAME_JW80;
    m->rare_mean[WL_NAME_JW80] = 10.0;
    double jw80 = wl_model_weight(m, &v, NULL);
    v.name_rare = 30.0f;
    assert_true(wl_model_weight(m, &v, NULL) == jw80);
    wl_model_free(m);
}

/* Closer agreement never weighs less: a level whose m/u falls below the level
 * under it is pooled with it (names-only lists: exact m 0.25 with u 1e-4 under
 * all_parts m 0.40 with u 1e-4), the sum of m is kept and u is not touched. */
static void test_monotone_levels(void **state)
{
    (void)state;
    wl_model *m = wl_model_new();
    assert_non_null(m);
    const int f = WL_FIELD_NAME, L = m->levels[f];
    double m0[] = { 0.0, 0.08, 0.12, 0.15, 0.40, 0.25 }, u0[] = { 0.0, 0.97, 0.02, 0.0098, 1e-4, 1e-4 };
    assert_int_equal(L, 6);
    for (int l = 1; l < L; l++) m->m[f][l] = m0[l], m->u[f][l] = u0[l];
    double sum_before = 0.0, sum_after = 0.0;
    for (int l = 1; l < L; l++) sum_before += m->m[f][l];
    wl_model_monotone(m);
    for (int l = 1; l < L; l++) sum_after += m->m[f][l];
    assert_true(fabs(sum_before - sum_after) < 1e-9);
    for (int l = 2; l < L; l++)
        assert_true(log2(m->m[f][l] / m->u[f][l]) >= log2(m->m[f][l - 1] / m->u[f][l - 1]) - 1e-9);
    /* exact and all_parts pooled: both (0.40 + 0.25) / 2e-4 */
    assert_true(fabs(m->m[f][5] / m->u[f][5] - 3250.0) < 1e-6);
    assert_true(fabs(m->m[f][4] / m->u[f][4] - 3250.0) < 1e-6);
    for (int l = 1; l < L; l++) assert_true(m->u[f][l] == u0[l]);
    /* Already monotone: nothing moves. */
    double before[WL_MAX_LEVELS];
    for (int l = 1; l < L; l++) before[l] = m->m[f][l];
    wl_model_monotone(m);
    for (int l = 1; l < L; l++) assert_true(m->m[f][l] == before[l]);
    wl_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_em_recovers_m_and_prior),
        cmocka_unit_test(test_weight_is_log2_bayes_factor),
        cmocka_unit_test(test_monotone_levels),
        cmocka_unit_test(test_tf_adjustment_favours_rare_names),
        cmocka_unit_test(test_tf_from_all_parts),
        cmocka_unit_test(test_weight_from_table_is_the_same),
        cmocka_unit_test(test_tf_mean_of_non_matches),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
