/* test_compare.c -- comparison vectors: level names and counts, date and
 * document levels from golden tables, nationality, gender, places, free text,
 * names over aliases, missing values, symmetry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "golden.h"

#include "compare/compare.h"
#include "features/features_build.h"
#include "features_fixture.h"
#include "common/tables.h"

static int level_of(wl_field f, const char *name, size_t n)
{
    for (int l = 0; l < wl_field_levels(f); l++)
        if (strlen(wl_level_name(f, l)) == n && !memcmp(wl_level_name(f, l), name, n)) return l;
    fail_msg("unknown level %.*s", (int)n, name);
    return -1;
}

static void one_date(const char *s, size_t n, wl_date *d)
{
    wl_vec v;
    wl_vec_init(&v, sizeof(wl_date));
    fx_acc a = { NULL, &v, 0 };
    fx_on_date(s, n, &a);
    assert_int_equal(v.len, 1);
    *d = WL_VEC_AT(&v, wl_date, 0);
    wl_vec_free(&v);
}

static void test_date_golden(void **state)
{
    (void)state;
    size_t len;
    char *buf = golden_read("compare_dates.tsv", &len);
    wl_table_iter it;
    wl_table_iter_init(&it, buf, len);
    const char *fl[4];
    size_t fn[4];
    int rows = 0;
    while (wl_table_next(&it, fl, fn, 4) == 4) {
        wl_date x, y;
        one_date(fl[0], fn[0], &x);
        one_date(fl[1], fn[1], &y);
        int want = level_of(WL_FIELD_DOB, fl[2], fn[2]), swap, swap2;
        int got = wl_cmp_date(&x, &y, &swap), back = wl_cmp_date(&y, &x, &swap2);
        if (got != want || swap != fl[3][0] - '0')
            fail_msg("%.*s vs %.*s: %s (swap %d), want %.*s", (int)fn[0], fl[0], (int)fn[1], fl[1],
                     wl_level_name(WL_FIELD_DOB, got), swap, (int)fn[2], fl[2]);
        assert_int_equal(back, got); /* symmetric */
        assert_int_equal(swap2, swap);
        rows++;
    }
    assert_true(rows >= 20);
    free(buf);
}

static void test_doc_golden(void **state)
{
    (void)state;
    size_t len;
    char *buf = golden_read("compare_docs.tsv", &len);
    wl_table_iter it;
    wl_table_iter_init(&it, buf, len);
    const char *fl[3];
    size_t fn[3];
    int rows = 0;
    while (wl_table_next(&it, fl, fn, 3) == 3) {
        int want = level_of(WL_FIELD_DOC, fl[2], fn[2]);
        int got = wl_cmp_doc(fl[0], fn[0], fl[1], fn[1]);
        if (got != want)
            fail_msg("%.*s vs %.*s: %s, want %.*s", (int)fn[0], fl[0], (int)fn[1], fl[1],
                     wl_level_name(WL_FIELD_DOC, got), (int)fn[2], fl[2]);
        assert_int_equal(wl_cmp_doc(fl[1], fn[1], fl[0], fn[0]), got);
        rows++;
    }
    assert_true(rows >= 10);
    assert_int_equal(wl_cmp_doc("", 0, "A1", 2), WL_LV_MISSING);
    free(buf);
}

static void test_level_names(void **state)
{
    (void)state;
    assert_int_equal(wl_field_levels(WL_FIELD_NAME), 6);
    assert_int_equal(wl_field_levels(WL_FIELD_DOB), 6);
    assert_int_equal(wl_field_levels(WL_FIELD_DOC), 4);
    assert_int_equal(wl_field_levels(WL_FIELD_NAT), 3);
    assert_int_equal(wl_field_levels(WL_FIELD_GENDER), 3);
    assert_int_equal(wl_field_levels(WL_FIELD_POB), 4);
    assert_int_equal(wl_field_levels(WL_FIELD_TEXT), 4);
    assert_int_equal(wl_field_levels(WL_FIELD_COUNT), 0);
    for (int f = 0; f < WL_FIELD_COUNT; f++) {
        assert_string_equal(wl_level_name((wl_field)f, 0), "missing");
        assert_true(wl_field_levels((wl_field)f) <= WL_MAX_LEVELS);
        assert_null(wl_level_name((wl_field)f, wl_field_levels((wl_field)f)));
    }
    assert_string_equal(wl_level_name(WL_FIELD_NAME, WL_NAME_EXACT), "exact");
    assert_string_equal(wl_level_name(WL_FIELD_NAME, WL_NAME_ALL_PARTS), "all_parts");
    assert_string_equal(wl_level_name(WL_FIELD_NAME, WL_NAME_JW92), "jw92");
    assert_string_equal(wl_level_name(WL_FIELD_DOB, WL_DOB_TYPO), "typo");
    assert_string_equal(wl_level_name(WL_FIELD_DOC, WL_DOC_ONE_EDIT), "one_edit");
    assert_string_equal(wl_level_name(WL_FIELD_NAT, WL_CODE_MATCH), "match");
    assert_null(wl_level_name(WL_FIELD_DOB, -1));
}

/* The descriptors (compare.c wl_fields) are the one place a field is said:
 * every field has a name that is its public name, a comparator, levels within
 * bounds, and model roles that name one of its levels; together they build
 * every blocking key kind, and no field claims a kind that does not exist. */
static void test_field_descriptors(void **state)
{
    (void)state;
    unsigned kinds = 0;
    for (int f = 0; f < WL_FIELD_COUNT; f++) {
        const wl_field_desc *d = &wl_fields[f];
        int L = wl_field_levels((wl_field)f);
        assert_string_equal(d->name, wl_field_name((wl_field)f));
        assert_non_null(d->compare);
        assert_true(L >= 3); /* missing, a disagreement, an agreement */
        assert_true(d->identifying < L && d->close < L && d->tf < L);
        for (int g = 0; g < f; g++) assert_true(strcmp(d->name, wl_fields[g].name) != 0);
        assert_int_equal(d->block_keys & ~(unsigned)WL_BLOCK_DEFAULT, 0);
        kinds |= d->block_keys;
    }
    assert_int_equal(kinds, WL_BLOCK_DEFAULT);
    assert_null(wl_field_name(WL_FIELD_COUNT));
    /* What each field reads of the features: something, and only features that
     * exist. Every feature is read by a field or is the stages' own bookkeeping
     * (whether a record has a name, its list, its name hash for the fit, the
     * text its tokens are cut from), so a feature added without a field that
     * reads it, or a field that does not say what it reads, fails here. */
    const unsigned all = (1u << WL_FEATURE_COUNT) - 1;
    unsigned read = WL_FEAT_N_NAMES | WL_FEAT_SOURCE | WL_FEAT_H_NAME | WL_FEAT_FREE_TEXT;
    for (int f = 0; f < WL_FIELD_COUNT; f++) {
        assert_int_not_equal(wl_fields[f].features, 0);
        assert_int_equal(wl_fields[f].features & ~all, 0);
        read |= wl_fields[f].features;
    }
    assert_int_equal(read, all);
    /* and every feature a field reads is written from some input role
     * (features_record.c g_roles), or is the record's list */
    unsigned written = WL_FEAT_SOURCE;
    for (int r = 0; r < WL_ROLE_COUNT; r++) written |= wl_features_role_writes(r);
    for (int f = 0; f < WL_FIELD_COUNT; f++) assert_int_equal(wl_fields[f].features & ~written, 0);
    /* the model's roles, by level name */
    assert_string_equal(wl_level_name(WL_FIELD_NAME, wl_fields[WL_FIELD_NAME].tf), "jw92");
    assert_string_equal(wl_level_name(WL_FIELD_NAME, wl_fields[WL_FIELD_NAME].close), "jw92");
    assert_string_equal(wl_level_name(WL_FIELD_DOC, wl_fields[WL_FIELD_DOC].identifying), "one_edit");
}

static void test_tokens_and_places(void **state)
{
    (void)state;
    uint64_t a[10], b[11];
    for (int i = 0; i < 10; i++) a[i] = b[i] = (uint64_t)i * 7;
    assert_int_equal(wl_cmp_tokens(a, 10, b, 10), WL_TEXT_NEAR_IDENTICAL);
    b[10] = 1000; /* one extra token out of 11: 10/11 >= 0.9 */
    assert_int_equal(wl_cmp_tokens(a, 10, b, 11), WL_TEXT_NEAR_IDENTICAL);
    assert_int_equal(wl_cmp_tokens(a, 5, b + 3, 8), WL_TEXT_DIFFERENT);  /* 2 of 8 */
    assert_int_equal(wl_cmp_tokens(a, 6, b + 2, 8), WL_TEXT_SIMILAR);    /* 4 of 8 */
    assert_int_equal(wl_cmp_tokens(a, 0, b, 3), WL_LV_MISSING);
    assert_int_equal(wl_cmp_place("kuala lumpur", 12, "kuala lumpur", 12), WL_POB_EXACT);
    assert_int_equal(wl_cmp_place("kuala lumpur", 12, "kuala lumpor", 12), WL_POB_JW88);
    assert_int_equal(wl_cmp_place("kuala lumpur", 12, "bangkok", 7), WL_POB_DIFFERENT);
    assert_int_equal(wl_cmp_place("", 0, "bangkok", 7), WL_LV_MISSING);
}

static const fx_rec g_recs[] = {
    { 0, "muhammad bin ali|abu bakar", "1978-03-04", "A1234567", "MYS;IDN", 'M', "kuala lumpur", "jalan ampang 12 kuala lumpur" },
    { 1, "ali muhammad", "1978-04-03?;1978-03-04?", "A1234568", "IDN", 'M', "kuala lumpor", "jalan ampang 12 kuala lumpur" },
    { 1, "abu bakar", "1978", "MYS:A1234567", "THA", 'F', "bangkok", "soi 5 bangkok" },
    { 2, "", NULL, NULL, NULL, 0, NULL, NULL },
    { 2, "somchai jaidee", "1978-04-03", "Z9", "THA", 'M', NULL, NULL },
};

/* Records with one and several dates and documents: the wl_crec path (the
 * first date and document inline) must give the arrays' vectors. */
static const fx_rec g_crec_recs[] = {
    { 0, "muhammad bin ali|abu bakar", "1978-03-04", "A1234567", "MYS;IDN", 'M', "kuala lumpur", "jalan ampang 12 kuala lumpur" },
    { 1, "ali muhammad", "1978-04-03?;1978-03-04?", "A1234568;B7654321", "IDN", 'M', "kuala lumpor", "jalan ampang 12" },
    { 1, "abu bakar", "1978", "MYS:A1234567", "THA", 'F', "bangkok", "soi 5 bangkok" },
    { 2, "", NULL, NULL, NULL, 0, NULL, NULL },
    { 2, "somchai jaidee", "1978-04-03", "Z9", "THA", 'M', NULL, NULL },
    { 0, "nguyen van an", "03/04/1978;1979", "B7654321", NULL, 0, NULL, "hanoi" },
    { 1, "an nguyen", "1978-04-03", "B7654321", "VNM", 'M', "ha noi", NULL },
};

static void test_crec_and_run_same_vectors(void **state)
{
    (void)state;
    enum { N = sizeof g_crec_recs / sizeof g_crec_recs[0] };
    wl_features *f = fx_build(g_crec_recs, N);
    uint32_t ab[2 * N * N];
    wl_cmpvec plain[N * N], cached[N * N], run[N * N];
    for (uint32_t a = 0, k = 0; a < N; a++)
        for (uint32_t b = 0; b < N; b++, k++) {
            ab[2 * k] = a;
            ab[2 * k + 1] = b;
            wl_compare(f, a, b, &plain[k]); /* no wl_crec: the arrays */
        }
    assert_null(f->crec);
    assert_int_equal(wl_features_build_crec(f), 0);
    assert_non_null(f->crec);
    for (size_t k = 0; k < (size_t)N * N; k++) wl_compare(f, ab[2 * k], ab[2 * k + 1], &cached[k]);
    wl_compare_run(f, ab, (size_t)N * N, run); /* 49 pairs: the prefetch distances are reached */
    for (size_t k = 0; k < (size_t)N * N; k++) {
        assert_memory_equal(plain[k].level, cached[k].level, WL_FIELD_COUNT);
        assert_int_equal(plain[k].dob_swap, cached[k].dob_swap);
        assert_true(plain[k].name_rare == cached[k].name_rare);
        assert_memory_equal(plain[k].level, run[k].level, WL_FIELD_COUNT);
        assert_int_equal(plain[k].dob_swap, run[k].dob_swap);
        assert_true(plain[k].name_rare == run[k].name_rare);
    }
    /* wl_compare_pairs: the same levels at 1 and 2 threads */
    uint8_t l1[N * N * WL_FIELD_COUNT], l2[N * N * WL_FIELD_COUNT];
    assert_int_equal(wl_compare_pairs(f, ab, (size_t)N * N, 1, l1), WL_OK);
    assert_int_equal(wl_compare_pairs(f, ab, (size_t)N * N, 2, l2), WL_OK);
    assert_memory_equal(l1, l2, sizeof l1);
    for (size_t k = 0; k < (size_t)N * N; k++) assert_memory_equal(l1 + k * WL_FIELD_COUNT, plain[k].level, WL_FIELD_COUNT);
    fx_free(f);
}

/* wl_compare calls the comparators by name (compare.c); the vector must be
 * the one the descriptors give, field by field in wl_field order, on every
 * pair of the fixture records, with and without the wl_crec lines. */
static void test_compare_follows_descriptors(void **state)
{
    (void)state;
    enum { N = sizeof g_crec_recs / sizeof g_crec_recs[0] };
    wl_features *f = fx_build(g_crec_recs, N);
    for (int built = 0; built < 2; built++) {
        if (built) assert_int_equal(wl_features_build_crec(f), 0);
        size_t named = 0;
        for (uint32_t a = 0; a < N; a++)
            for (uint32_t b = 0; b < N; b++) {
                wl_cmpvec got, want;
                wl_compare(f, a, b, &got);
                wl_crec ca = wl_f_crec(f, a), cb = wl_f_crec(f, b);
                memset(&want, 0, sizeof want);
                for (int k = 0; k < WL_FIELD_COUNT; k++)
                    want.level[k] = (uint8_t)wl_fields[k].compare(f, a, b, &ca, &cb, &want);
                assert_memory_equal(got.level, want.level, WL_FIELD_COUNT);
                assert_int_equal(got.dob_swap, want.dob_swap);
                assert_int_equal(got.name_q, want.name_q);
                assert_true(got.name_rare == want.name_rare);
                named += want.level[WL_FIELD_NAME] != WL_LV_MISSING;
            }
        assert_true(named > 0);
    }
    fx_free(f);
}

/* A short run (wl_compare_run, and wl_compare_window below its sorting size:
 * a one-record store query) keeps the last record of each side prepared
 * (compare.c prep_cache): one record as the first of every pair, then as the
 * second, then both changing, must give wl_compare's vectors whole. */
static void test_short_run_keeps_last_names(void **state)
{
    (void)state;
    enum { N = sizeof g_crec_recs / sizeof g_crec_recs[0], P = 3 * N * N };
    wl_features *f = fx_build(g_crec_recs, N);
    assert_int_equal(wl_features_build_crec(f), 0);
    uint32_t ab[2 * P];
    size_t k = 0;
    for (uint32_t q = 0; q < N; q++)
        for (uint32_t j = 0; j < N; j++, k++) { /* q first, q second, then neither fixed */
            ab[2 * k] = q;
            ab[2 * k + 1] = j;
            ab[2 * (N * N + k)] = j;
            ab[2 * (N * N + k) + 1] = q;
            ab[2 * (2 * N * N + k)] = (q * 3 + j) % N;
            ab[2 * (2 * N * N + k) + 1] = (j * 5 + q) % N;
        }
    wl_cmpvec run[P], win[P];
    wl_compare_run(f, ab, P, run);
    wl_compare_window(f, ab, P, win); /* P < 512: walked as given, through wl_compare_run */
    for (k = 0; k < P; k++) {
        wl_cmpvec v;
        wl_compare(f, ab[2 * k], ab[2 * k + 1], &v);
        assert_memory_equal(run[k].level, v.level, WL_FIELD_COUNT);
        assert_memory_equal(win[k].level, v.level, WL_FIELD_COUNT);
        assert_int_equal(run[k].dob_swap, v.dob_swap);
        assert_int_equal(run[k].name_q, v.name_q);
        assert_int_equal(win[k].name_q, v.name_q);
        assert_true(run[k].name_rare == v.name_rare);
        assert_true(win[k].name_rare == v.name_rare);
    }
    fx_free(f);
}

/* wl_compare_pairs and wl_compare_window walk each window of pairs in the
 * order of their second record and write every vector back to its pair's
 * place: over 40,000 pairs
 * (three windows, the last one partial) in a scrambled order, many repeating
 * one second record, every pair's levels must be wl_compare's of that pair,
 * at 1 and 2 threads. */
static void test_compare_pairs_window_order(void **state)
{
    (void)state;
    enum { N = sizeof g_crec_recs / sizeof g_crec_recs[0], P = 40000 };
    wl_features *f = fx_build(g_crec_recs, N);
    assert_int_equal(wl_features_build_crec(f), 0);
    uint32_t *ab = malloc(2 * P * sizeof *ab);
    uint8_t *l1 = malloc((size_t)P * WL_FIELD_COUNT), *l2 = malloc((size_t)P * WL_FIELD_COUNT);
    assert_non_null(ab);
    assert_non_null(l1);
    assert_non_null(l2);
    uint32_t x = 12345;
    for (size_t k = 0; k < P; k++) {
        x = x * 1103515245u + 12345u; /* a fixed LCG: the pairs in no order */
        ab[2 * k] = (uint32_t)(k * N / P);
        ab[2 * k + 1] = (x >> 16) % N;
    }
    assert_int_equal(wl_compare_pairs(f, ab, P, 1, l1), WL_OK);
    assert_int_equal(wl_compare_pairs(f, ab, P, 2, l2), WL_OK);
    assert_memory_equal(l1, l2, (size_t)P * WL_FIELD_COUNT);
    size_t differ = 0;
    for (size_t k = 0; k < P; k++) {
        wl_cmpvec v;
        wl_compare(f, ab[2 * k], ab[2 * k + 1], &v);
        assert_memory_equal(l1 + k * WL_FIELD_COUNT, v.level, WL_FIELD_COUNT);
        differ += k > 0 && memcmp(l1 + k * WL_FIELD_COUNT, l1 + (k - 1) * WL_FIELD_COUNT, WL_FIELD_COUNT) != 0;
    }
    assert_true(differ > P / 4); /* the pairs' vectors vary: a misplaced one shows */
    /* wl_compare_window (the pipeline's walk): whole vectors, one window */
    wl_cmpvec *win = malloc(WL_COMPARE_WINDOW * sizeof *win);
    assert_non_null(win);
    wl_compare_window(f, ab + 2 * 7, WL_COMPARE_WINDOW, win);
    for (size_t k = 0; k < WL_COMPARE_WINDOW; k++) {
        wl_cmpvec v;
        wl_compare(f, ab[2 * (k + 7)], ab[2 * (k + 7) + 1], &v);
        assert_memory_equal(win[k].level, v.level, WL_FIELD_COUNT);
        assert_int_equal(win[k].dob_swap, v.dob_swap);
        assert_int_equal(win[k].name_q, v.name_q);
        assert_true(win[k].name_rare == v.name_rare);
    }
    free(win);
    free(ab);
    free(l1);
    free(l2);
    fx_free(f);
}

/* The best of k name pairs loses log2 k bits of rarity evidence (compare.c):
 * four names against one is 2 bits; a second reading of one written name
 * (WL_PART_READING) is not a further chance. */
static const fx_rec g_alias_recs[] = {
    { 0, "kamil zarnowski", NULL, NULL, NULL, 0, NULL, NULL },
    { 0, "kamil zarnowski|ahmad tan|li wei|john smith", NULL, NULL, NULL, 0, NULL, NULL },
    { 1, "kamil zarnowski", NULL, NULL, NULL, 0, NULL, NULL },
    { 0, "wang wei|wangwei|kamil zarnowski", NULL, NULL, NULL, 0, NULL, NULL },
};

static void test_alias_pairs_counted(void **state)
{
    (void)state;
    wl_features *f = fx_build(g_alias_recs, sizeof g_alias_recs / sizeof g_alias_recs[0]);
    for (size_t k = f->part_start[3]; k < f->part_start[4]; k++)
        if (f->parts[k].name_no == 1) f->parts[k].flags |= WL_PART_READING; /* as features_record.c marks it */
    wl_cmpvec one, four, read;
    wl_compare(f, 0, 2, &one);
    wl_compare(f, 1, 2, &four);
    wl_compare(f, 3, 2, &read);
    assert_int_equal(one.level[WL_FIELD_NAME], WL_NAME_EXACT);
    assert_int_equal(four.level[WL_FIELD_NAME], WL_NAME_EXACT);
    assert_int_equal(read.level[WL_FIELD_NAME], WL_NAME_EXACT);
    assert_float_equal(four.name_rare, one.name_rare - 2.0f, 1e-4);
    assert_float_equal(read.name_rare, one.name_rare - 1.0f, 1e-4); /* 2 names, not 3 */
    fx_free(f);
}

static void test_compare_records(void **state)
{
    (void)state;
    wl_features *f = fx_build(g_recs, sizeof g_recs / sizeof g_recs[0]);
    wl_cmpvec v;
    wl_compare(f, 0, 1, &v);
    assert_int_equal(v.level[WL_FIELD_DOB], WL_DOB_EXACT);  /* best of the two readings */
    assert_int_equal(v.dob_swap, 0);
    assert_int_equal(v.level[WL_FIELD_DOC], WL_DOC_ONE_EDIT);
    assert_int_equal(v.level[WL_FIELD_NAT], WL_CODE_MATCH); /* IDN shared */
    assert_int_equal(v.level[WL_FIELD_GENDER], WL_CODE_MATCH);
    assert_int_equal(v.level[WL_FIELD_POB], WL_POB_JW88);
    assert_int_equal(v.level[WL_FIELD_TEXT], WL_TEXT_NEAR_IDENTICAL);
    assert_true(v.level[WL_FIELD_NAME] >= WL_NAME_ALL_PARTS);

    wl_compare(f, 0, 2, &v);   /* the alias is the other record's name */
    assert_int_equal(v.level[WL_FIELD_NAME], WL_NAME_EXACT);
    assert_int_equal(v.level[WL_FIELD_DOB], WL_DOB_YEAR_ONLY);
    assert_int_equal(v.level[WL_FIELD_DOC], WL_DOC_EXACT);
    assert_int_equal(v.level[WL_FIELD_NAT], WL_CODE_MISMATCH);
    assert_int_equal(v.level[WL_FIELD_GENDER], WL_CODE_MISMATCH);
    assert_int_equal(v.level[WL_FIELD_POB], WL_POB_DIFFERENT);
    assert_int_equal(v.level[WL_FIELD_TEXT], WL_TEXT_DIFFERENT);

    wl_compare(f, 0, 4, &v);   /* day and month swapped */
    assert_int_equal(v.level[WL_FIELD_DOB], WL_DOB_TYPO);
    assert_int_equal(v.dob_swap, 1);
    assert_int_equal(v.level[WL_FIELD_DOC], WL_DOC_MISMATCH);
    assert_int_equal(v.level[WL_FIELD_POB], WL_LV_MISSING);
    assert_int_equal(v.level[WL_FIELD_NAME], WL_NAME_DIFFERENT);

    wl_compare(f, 0, 3, &v);   /* nothing on one side: every field missing */
    for (int k = 0; k < WL_FIELD_COUNT; k++) assert_int_equal(v.level[k], WL_LV_MISSING);
    assert_true(v.name_rare == 0.0f);

    /* Symmetric: the same vector either way round. */
    for (uint32_t a = 0; a < f->n; a++)
        for (uint32_t b = 0; b < f->n; b++) {
            wl_cmpvec x, y;
            wl_compare(f, a, b, &x);
            wl_compare(f, b, a, &y);
            assert_memory_equal(x.level, y.level, sizeof x.level);
            assert_int_equal(x.dob_swap, y.dob_swap);
        }
    fx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_level_names),
        cmocka_unit_test(test_field_descriptors),
        cmocka_unit_test(test_date_golden),
        cmocka_unit_test(test_doc_golden),
        cmocka_unit_test(test_tokens_and_places),
        cmocka_unit_test(test_compare_records),
        cmocka_unit_test(test_alias_pairs_counted),
        cmocka_unit_test(test_crec_and_run_same_vectors),
        cmocka_unit_test(test_compare_follows_descriptors),
        cmocka_unit_test(test_short_run_keeps_last_names),
        cmocka_unit_test(test_compare_pairs_window_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
