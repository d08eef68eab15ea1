/*
 * test_compare_levels.c -- the fit's levels-only comparison (issue 11):
 * wl_compare_levels gives wl_compare's levels, field for field, and the cheap
 * exit under it, wl_name_surely_different, says "different" only for names
 * wl_name_similarity scores at that level. On the bundled sample lists
 * (Indonesian, Malay and Thai names, aliases, romanisations), every pair of
 * their first records and random pairs of all, with and without the built
 * per-record lines (wl_crec).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/dataset.h"
#include "compare/compare.h"
#include "compare/namesim.h"
#include "features/featureset.h"
#include "normalise/name.h"
#include "watchlink.h"
#include "features_fixture.h"

static wl_dataset *g_ds;
static wl_features *g_f;

static int setup(void **state)
{
    (void)state;
    const char *root = getenv("WL_SOURCE_DIR");
    if (!root) return -1;
    static const char *const names[] = { "idn.csv", "mys.csv", "tha.csv" };
    g_ds = wl_dataset_create();
    if (!g_ds) return -1;
    for (int i = 0; i < 3; i++) {
        char path[4096], err[512];
        snprintf(path, sizeof path, "%s/datasets/sample/%s", root, names[i]);
        wl_read_options ro = wl_read_default_options();
        if (wl_dataset_read(g_ds, path, &ro, NULL, err, sizeof err) != WL_OK) return -1;
    }
    g_f = wl_features_build(g_ds, 1);
    return g_f ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    wl_features_free(g_f);
    wl_dataset_free(g_ds);
    return 0;
}

static uint64_t g_seed = 42;

static uint32_t rnd(uint32_t n)
{
    uint64_t z = (g_seed += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (uint32_t)((z ^ (z >> 31)) % n);
}

typedef struct {
    size_t pairs, different, other;
} tally;

static void check_pair(uint32_t a, uint32_t b, tally *t)
{
    wl_cmpvec v;
    uint8_t lv[WL_FIELD_COUNT];
    wl_compare(g_f, a, b, &v);
    wl_compare_levels(g_f, a, b, lv);
    for (int fi = 0; fi < WL_FIELD_COUNT; fi++)
        if (lv[fi] != v.level[fi])
            fail_msg("records %u, %u: field %s level %d, wl_compare %d", a, b, wl_field_name((wl_field)fi), lv[fi],
                     v.level[fi]);
    t->pairs++;
    t->different += v.level[WL_FIELD_NAME] == WL_NAME_DIFFERENT;
    t->other += v.level[WL_FIELD_NAME] > WL_NAME_DIFFERENT;
}

static void pairs_agree(void)
{
    tally t = { 0, 0, 0 };
    uint32_t n = (uint32_t)g_f->n;
    for (uint32_t a = 0; a < 300; a++)
        for (uint32_t b = 0; b < n; b += 7) check_pair(a, b, &t);
    for (int k = 0; k < 200000; k++) check_pair(rnd(n), rnd(n), &t);
    /* both sides of the exit were taken */
    assert_true(t.different > t.pairs / 2);
    assert_true(t.other > 1000);
}

static void test_levels_as_compare(void **state)
{
    (void)state;
    assert_non_null(g_f->crec);
    pairs_agree();
    /* the same without the per-record lines: the comparators assemble them */
    wl_crec *crec = g_f->crec;
    g_f->crec = NULL;
    pairs_agree();
    g_f->crec = crec;
}

/* The exit itself, name against name: when it says "different", the full
 * similarity agrees (no exact, no all_parts, a score under jw80's 0.80), and
 * it says so for most random names (else it would save nothing). */
static void test_surely_different_exact(void **state)
{
    (void)state;
    uint32_t n = (uint32_t)g_f->n;
    size_t decided = 0, asked = 0, undecided_high = 0;
    for (int k = 0; k < 300000; k++) {
        size_t na, nb;
        uint32_t a = rnd(n), b = rnd(n);
        const wl_fpart *pa = wl_f_parts(g_f, a, &na), *pb = wl_f_parts(g_f, b, &nb);
        /* a name is a run of one name_no: take each record's first */
        size_t ca = 0, cb = 0;
        while (ca < na && pa[ca].name_no == pa[0].name_no) ca++;
        while (cb < nb && pb[cb].name_no == pb[0].name_no) cb++;
        ca = ca < WL_NAME_MAX_PARTS ? ca : WL_NAME_MAX_PARTS;
        cb = cb < WL_NAME_MAX_PARTS ? cb : WL_NAME_MAX_PARTS;
        if (!ca || !cb) continue;
        wl_namesim s;
        wl_name_similarity(g_f, pa, ca, pb, cb, &s);
        int low = !s.exact && !s.all_parts && s.score < 0.80f;
        asked++;
        if (wl_name_surely_different(g_f, pa, ca, pb, cb)) {
            if (!low)
                fail_msg("records %u, %u: said different, but exact %d all_parts %d score %.9g", a, b, s.exact,
                         s.all_parts, (double)s.score);
            decided++;
        } else {
            undecided_high += !low;
        }
    }
    print_message("surely different: %zu of %zu name pairs\n", decided, asked);
    assert_true(decided > asked / 4);
    assert_true(undecided_high > 0);
}

/* Hand-built names at the exit's edges (features_fixture.h): joined and split
 * parts whose halves are short (mo hdali / mohdali) or a particle (binti ali /
 * bintiali: the bound alone passes it), initials, particles on one
 * side only, two patronymics, variants spelled apart from their canon, aliases,
 * multi-byte spellings, a record without a name. Every ordered pair gives
 * wl_compare's levels; a join is never "surely different". */
static const fx_rec g_edge[] = {
    { 0, "abdulrahman ali", "1970-01-02", NULL, "MYS", 'm', NULL, NULL },
    { 1, "abdul rahman ali", "1970-01-02", NULL, "MYS", 'm', NULL, NULL },
    { 0, "mohdali bin yusof", NULL, "A123", NULL, 0, NULL, NULL },
    { 1, "mo hdali yusof", NULL, "A124", NULL, 0, NULL, NULL },
    { 0, "wu derong", NULL, NULL, NULL, 0, NULL, NULL },
    { 1, "wu de rong|derong wu", NULL, NULL, NULL, 0, NULL, NULL },
    { 0, "s pavlovich ivanov", NULL, NULL, NULL, 0, NULL, NULL },
    { 1, "sergei borisovich ivanov", NULL, NULL, NULL, 0, NULL, NULL },
    { 0, "mohd=muhammad tan", NULL, NULL, NULL, 0, NULL, NULL },
    { 1, "muhamad=muhammad lim|lym=lin", NULL, NULL, NULL, 0, NULL, NULL },
    { 0, "nguy\xe1\xbb\x85n=nguyen van an", NULL, NULL, NULL, 0, NULL, NULL },
    { 1, "an nguyen", NULL, NULL, NULL, 0, NULL, NULL },
    { 0, "bintiali", NULL, NULL, NULL, 0, NULL, NULL },
    { 1, "binti ali", NULL, NULL, NULL, 0, NULL, NULL },
    { 0, "binti", NULL, NULL, NULL, 0, NULL, NULL },
    { 1, "bint", NULL, NULL, NULL, 0, NULL, NULL },
    { 0, "", "1980", NULL, NULL, 0, NULL, NULL },
    { 1, "zzyzx qwv", NULL, NULL, NULL, 0, NULL, NULL },
};

static void test_levels_edges(void **state)
{
    (void)state;
    const size_t n = sizeof g_edge / sizeof g_edge[0];
    wl_features *f = fx_build(g_edge, n);
    size_t joins = 0;
    for (uint32_t a = 0; a < n; a++)
        for (uint32_t b = 0; b < n; b++) {
            wl_cmpvec v;
            uint8_t lv[WL_FIELD_COUNT];
            wl_compare(f, a, b, &v);
            wl_compare_levels(f, a, b, lv);
            assert_memory_equal(lv, v.level, WL_FIELD_COUNT);
        }
    /* the joins themselves (records 0/1, 2/3, 4/5, 12/13): never "surely different" */
    static const uint32_t join_at[] = { 0, 2, 4, 12 };
    for (size_t k = 0; k < sizeof join_at / sizeof join_at[0]; k++) {
        uint32_t a = join_at[k];
        size_t na, nb;
        const wl_fpart *pa = wl_f_parts(f, a, &na), *pb = wl_f_parts(f, a + 1, &nb);
        joins += !wl_name_surely_different(f, pa, na, pb, nb) && !wl_name_surely_different(f, pb, nb, pa, na);
    }
    assert_int_equal(joins, 4);
    fx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_surely_different_exact),
        cmocka_unit_test(test_levels_as_compare),
        cmocka_unit_test(test_levels_edges),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
