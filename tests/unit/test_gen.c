/*
 * test_gen.c -- the benchmark generator's building blocks (bench/gen_*.c):
 * error injection stays one edit and never breaks UTF-8, check digits follow
 * their published rules, pools draw by weight and by sex, dates follow each
 * country's convention. The generator is not part of the engine library, so
 * its sources are compiled in here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../bench/gen_corrupt.c"
#include "../../bench/gen_dates.c"
#include "../../bench/gen_docs.c"
#include "../../bench/gen_pool.c"

/* Optimal string alignment distance, the textbook dynamic programme. */
static int osa(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    int d[64][64];
    assert_true(la < 64 && lb < 64);
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            int c = a[i - 1] != b[j - 1];
            int v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + c < v) v = d[i - 1][j - 1] + c;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    return d[la][lb];
}

static void test_typo_is_one_edit(void **state)
{
    (void)state;
    int changed = 0;
    for (uint64_t seed = 0; seed < 2000; seed++) {
        gen_rng r;
        gen_rng_seed(&r, seed);
        char s[32] = "Suksawat";
        changed += gen_typo(s, sizeof s, &r);
        assert_true(osa("Suksawat", s) <= 1);
    }
    assert_true(changed > 1500); /* only a few draws are refused (same-letter swaps) */
}

static void test_typo_respects_capacity(void **state)
{
    (void)state;
    for (uint64_t seed = 0; seed < 500; seed++) {
        gen_rng r;
        gen_rng_seed(&r, seed);
        char s[5] = "Abcd"; /* full: a doubled letter would not fit */
        gen_typo(s, sizeof s, &r);
        assert_true(strlen(s) <= 4);
    }
}

static void test_typo_keeps_utf8(void **state)
{
    (void)state;
    for (uint64_t seed = 0; seed < 500; seed++) {
        gen_rng r;
        gen_rng_seed(&r, seed);
        char s[32] = "Nguy\xe1\xbb\x85n"; /* Nguyễn */
        gen_typo(s, sizeof s, &r);
        assert_non_null(strstr(s, "\xe1\xbb\x85"));
    }
    gen_rng r;
    gen_rng_seed(&r, 1);
    char thai[32] = "\xe0\xb8\xaa\xe0\xb8\xa1"; /* no ASCII letter: nothing to do */
    assert_int_equal(gen_typo(thai, sizeof thai, &r), 0);
    assert_string_equal(thai, "\xe0\xb8\xaa\xe0\xb8\xa1");
}

static void test_ocr_confusions(void **state)
{
    (void)state;
    static const char *const pairs[] = {"0O", "O0", "1I", "I1", "5S", "S5",
                                        "8B", "B8", "2Z", "Z2", "6G", "G6"};
    for (uint64_t seed = 0; seed < 300; seed++) {
        gen_rng r;
        gen_rng_seed(&r, seed);
        char s[16] = "A1234567";
        assert_int_equal(gen_ocr(s, &r), 1);
        int diffs = 0;
        for (int i = 0; s[i]; i++) {
            if (s[i] == "A1234567"[i]) continue;
            diffs++;
            char want[3] = {"A1234567"[i], s[i], 0};
            int known = 0;
            for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++)
                known |= !strcmp(pairs[k], want);
            assert_true(known);
        }
        assert_int_equal(diffs, 1);
    }
    gen_rng r;
    gen_rng_seed(&r, 2);
    char none[8] = "ACDE";
    assert_int_equal(gen_ocr(none, &r), 0);
}

static void test_doc_typo(void **state)
{
    (void)state;
    for (uint64_t seed = 0; seed < 500; seed++) {
        gen_rng r;
        gen_rng_seed(&r, seed);
        char s[16] = "A1234567";
        gen_doc_typo(s, &r);
        assert_true(osa("A1234567", s) <= 1);
        assert_int_equal(s[0], 'A'); /* only digits are mistyped or moved */
    }
}

static void test_upper_ascii_only(void **state)
{
    (void)state;
    char a[16] = "Tan Beng";
    gen_upper_ascii(a);
    assert_string_equal(a, "TAN BENG");
    char b[16] = "Tr\xe1\xba\xa7n"; /* Trần: left alone rather than half upper-cased */
    gen_upper_ascii(b);
    assert_string_equal(b, "Tr\xe1\xba\xa7n");
}

static void test_thai_id_check_digit(void **state)
{
    (void)state;
    /* Weights 13..2 over the first 12 digits; check = (11 - sum mod 11) mod 10.
     * 1-2345-67890-12: sum = 1*13 + 2*12 + ... + 2*2 = 352 = 32 * 11 -> 11 mod 10 = 1. */
    assert_int_equal(gen_thai_id_check("123456789012"), 1);
    assert_int_equal(gen_thai_id_check("000000000000"), 1); /* (11 - 0) mod 10 */
    assert_int_equal(gen_thai_id_check("100000000000"), 9); /* 13 mod 11 = 2 -> 11 - 2 */
}

static void test_nric_letter(void **state)
{
    (void)state;
    /* S1234567D is the usual worked example of the NRIC checksum. */
    assert_int_equal(gen_nric_letter('S', "1234567"), 'D');
    /* T adds 4 to the sum: 106 + 4 = 110, 110 mod 11 = 0 -> J. */
    assert_int_equal(gen_nric_letter('T', "1234567"), 'J');
}

static void test_national_ids_have_their_shapes(void **state)
{
    (void)state;
    gen_person p;
    memset(&p, 0, sizeof p);
    p.year = 1985;
    p.month = 3;
    p.day = 4;
    p.sex = 'F';
    p.region = 123456;
    gen_rng r;
    gen_rng_seed(&r, 9);
    char id[32];
    p.nat = GEN_IDN;
    gen_national_id(&p, &r, id, sizeof id);
    assert_int_equal(strlen(id), 16);
    assert_memory_equal(id + 6, "440385", 6); /* day + 40 for a woman, month, year */
    p.nat = GEN_MYS;
    gen_national_id(&p, &r, id, sizeof id);
    assert_int_equal(strlen(id), 14);
    assert_memory_equal(id, "850304-", 7);
    assert_int_equal((id[13] - '0') % 2, 0); /* even last digit: a woman */
    p.nat = GEN_THA;
    gen_national_id(&p, &r, id, sizeof id);
    assert_int_equal(strlen(id), 13);
    assert_int_equal(id[12] - '0', gen_thai_id_check(id));
    p.nat = GEN_VNM;
    gen_national_id(&p, &r, id, sizeof id);
    assert_int_equal(strlen(id), 12);
    assert_memory_equal(id + 3, "185", 3); /* 1 = woman born in the 1900s, 85 */
    p.nat = GEN_SGP;
    gen_national_id(&p, &r, id, sizeof id);
    assert_int_equal(strlen(id), 9);
    assert_memory_equal(id, "S85", 3);
    assert_int_equal(id[8], gen_nric_letter('S', id + 1));
    p.nat = GEN_CHN;
    gen_national_id(&p, &r, id, sizeof id);
    assert_string_equal(id, "");
}

static gen_pool parse(const char *text)
{
    gen_pool p;
    char err[256];
    assert_int_equal(gen_pool_parse(&p, "t", strdup(text), err, sizeof err), 0);
    return p;
}

static void test_pool_weights_and_sex(void **state)
{
    (void)state;
    gen_pool p = parse("# provenance\nweight\tlatin\tvariants\tgender\n1\tAli\t\tm\n9\tSiti\tSity;Sitti\tf\n"
                       "5\tSam\t\tu\n");
    assert_int_equal(p.n_rows, 3);
    assert_int_equal(p.c_variants, 2);
    gen_rng r;
    gen_rng_seed(&r, 5);
    int count[3] = {0};
    for (int i = 0; i < 15000; i++)
        count[gen_pool_pick(&p, &r, 0)]++;
    /* 1 : 9 : 5 within a few percent */
    assert_in_range(count[0], 800, 1200);
    assert_in_range(count[1], 8500, 9500);
    assert_in_range(count[2], 4600, 5400);
    for (int i = 0; i < 1000; i++) {
        assert_int_not_equal(gen_pool_pick(&p, &r, 'M'), 1); /* never Siti for a man */
        assert_int_not_equal(gen_pool_pick(&p, &r, 'F'), 0); /* never Ali for a woman */
    }
    int seen[2] = {0};
    for (int i = 0; i < 200; i++) {
        char v[16] = "";
        assert_int_equal(gen_pick_variant(gen_pool_cell(&p, 1, p.c_variants), &r, v, sizeof v), 1);
        seen[0] |= !strcmp(v, "Sity");
        seen[1] |= !strcmp(v, "Sitti");
        assert_null(strchr(v, ';'));
    }
    assert_true(seen[0] && seen[1]);
    char v[16] = "";
    assert_int_equal(gen_pick_variant(gen_pool_cell(&p, 0, p.c_variants), &r, v, sizeof v), 0);
    gen_pool_free(&p);
}

static void test_pool_rejects_bad_files(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",                                 /* nothing */
        "weight\tlatin\n",                  /* no rows */
        "name\tweight\nx\t1\n",             /* weight not first */
        "weight\tlatin\n0\tZero\n",         /* zero weight */
        "weight\tlatin\nabc\tX\n",          /* not a number */
        "weight\tlatin\tgender\n3\tA\tm\n", /* no row for women */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        gen_pool p;
        char err[256] = "";
        assert_int_equal(gen_pool_parse(&p, "t", strdup(bad[i]), err, sizeof err), -1);
        assert_true(err[0] != '\0');
    }
}

static void test_phl_dates_are_month_first(void **state)
{
    (void)state;
    gen_person p;
    memset(&p, 0, sizeof p);
    p.year = 1982;
    p.month = 3;
    p.day = 24;
    int numeric = 0;
    for (uint64_t seed = 0; seed < 400; seed++) {
        gen_rng r;
        gen_rng_seed(&r, seed);
        char out[48];
        gen_dob_render(&p, GEN_PHL, 0, &r, out, sizeof out);
        int a, b, y;
        if (sscanf(out, "%d/%d/%d", &a, &b, &y) == 3) {
            numeric++;
            /* 03/24/1982, or a record-level error: 1 January, a mistyped day */
            assert_true((a == 3 && b >= 20 && b <= 28) || (a == 1 && b == 1));
        }
    }
    assert_true(numeric > 200);
}

static void test_thai_script_dates_use_buddhist_era(void **state)
{
    (void)state;
    gen_person p;
    memset(&p, 0, sizeof p);
    p.year = 1987;
    p.month = 11;
    p.day = 27;
    int ranges = 0;
    for (uint64_t seed = 0; seed < 3000; seed++) {
        gen_rng r;
        gen_rng_seed(&r, seed);
        char out[48];
        gen_dob_render(&p, GEN_THA, 1, &r, out, sizeof out);
        if (!out[0]) continue;  /* missing */
        size_t n = strlen(out); /* every format ends with the year */
        assert_true(n >= 4);
        int year = atoi(out + n - 4);
        const char *range = strstr(out, "-");
        if (!range) range = strstr(out, " to ");
        if (range && n == 9 + (range[0] == ' ' ? 3u : 0u)) {
            /* a range of years holds the true one: 2530 = 1987 + 543 */
            assert_true(atoi(out) <= 2530 && year >= 2530);
            ranges++;
        } else {
            assert_in_range(year, 2529, 2531); /* BE = CE + 543, give or take a year error */
        }
    }
    assert_true(ranges > 0); /* GEN_RATE_DOB_RANGE: about 15 in 3,000 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_typo_is_one_edit),
        cmocka_unit_test(test_typo_respects_capacity),
        cmocka_unit_test(test_typo_keeps_utf8),
        cmocka_unit_test(test_ocr_confusions),
        cmocka_unit_test(test_doc_typo),
        cmocka_unit_test(test_upper_ascii_only),
        cmocka_unit_test(test_thai_id_check_digit),
        cmocka_unit_test(test_nric_letter),
        cmocka_unit_test(test_national_ids_have_their_shapes),
        cmocka_unit_test(test_pool_weights_and_sex),
        cmocka_unit_test(test_pool_rejects_bad_files),
        cmocka_unit_test(test_phl_dates_are_month_first),
        cmocka_unit_test(test_thai_script_dates_use_buddhist_era),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
