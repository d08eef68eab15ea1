/* test_country.c -- nationality and gender codes: the golden table
 * tests/golden/nationalities.tsv, strict code lookup, genders, table sanity and
 * concurrent first use. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <cmocka.h>

#include "golden.h"

#include "normalise/country.h"
#include "common/tables.h"

static void test_golden_nationalities(void **state)
{
    (void)state;
    char *buf = golden_read("nationalities.tsv", NULL);
    int rows = 0, failures = 0;
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#') continue;
        char *tab = strchr(line, '\t');
        assert_non_null(tab);
        *tab = '\0';
        const char *in = golden_dash(line);
        char got[4] = "-";
        uint32_t c = wl_country_code(in, strlen(in));
        if (c) wl_alpha3_unpack(c, got);
        if (strcmp(got, tab + 1) != 0) {
            printf("nationalities.tsv: \"%s\": got %s, want %s\n", in, got, tab + 1);
            failures++;
        }
        rows++;
    }
    free(buf);
    printf("nationalities.tsv: %d rows, %d failures\n", rows, failures);
    assert_true(rows >= 50);
    assert_int_equal(failures, 0);
}

/* Every ISO row of the table maps its own alpha-3 and alpha-2 back to itself. */
static void test_every_iso_row_round_trips(void **state)
{
    (void)state;
    size_t len;
    const char *data = wl_table_get("countries", &len);
    assert_non_null(data);
    wl_table_iter it;
    wl_table_iter_init(&it, data, len);
    const char *f[4];
    size_t fl[4];
    int rows = 0;
    while (wl_table_next(&it, f, fl, 4) >= 3) {
        if (fl[1] != 2) continue;
        uint32_t c = wl_alpha3_pack(f[0]);
        assert_int_equal(wl_country_code(f[0], 3), c);
        assert_int_equal(wl_country_from_code(f[0], 3), c);
        assert_int_equal(wl_country_from_code(f[1], 2), c);
        assert_int_equal(wl_country_code(f[2], fl[2]), c);
        rows++;
    }
    assert_int_equal(rows, 249); /* ISO 3166-1 as of iso-codes 4.15 */
}

/* Every word of the tables is found. The maps are fixed arrays filled at first
 * use (country.c); a table that outgrew them would lose its last words without
 * a sound -- nationalities and genders silently unread, worse matches -- so the
 * sizes are checked here against the embedded tables (countries use about 65 %
 * of the key slots). */
static int table_words_missing(const char *table, int first, int (*found)(const char *, size_t))
{
    size_t len;
    const char *data = wl_table_get(table, &len);
    assert_non_null(data);
    wl_table_iter it;
    wl_table_iter_init(&it, data, len);
    const char *f[64];
    size_t fl[64];
    int nf, missing = 0, words = 0;
    while ((nf = wl_table_next(&it, f, fl, 64)) > 0) {
        if (fl[0] == 1 && f[0][0] == '-') continue; /* filler words: not keys of a code */
        for (int k = first; k < nf; k++) {
            if (fl[k] == 1 && f[k][0] == '-') continue;
            words++;
            if (!found(f[k], fl[k])) {
                if (missing++ < 5) printf("%s: '%.*s' not found\n", table, (int)fl[k], f[k]);
            }
        }
    }
    assert_true(words > 50);
    return missing;
}

static int country_found(const char *s, size_t n) { return wl_country_code(s, n) != 0; }
static int gender_found(const char *s, size_t n) { return wl_gender_code(s, n) != 0; }

static void test_every_table_word_found(void **state)
{
    (void)state;
    assert_int_equal(table_words_missing("countries", 2, country_found), 0);
    assert_int_equal(table_words_missing("genders", 2, gender_found), 0);
}

static void test_strict_codes(void **state)
{
    (void)state;
    assert_int_equal(wl_country_from_code("IDN", 3), wl_alpha3_pack("IDN"));
    assert_int_equal(wl_country_from_code("id", 2), wl_alpha3_pack("IDN"));
    assert_int_equal(wl_country_from_code("UK", 2), 0);   /* a name key, not ISO */
    assert_int_equal(wl_country_from_code("GBD", 3), 0);  /* ICAO only */
    assert_int_equal(wl_country_from_code("XYZ", 3), 0);
    assert_int_equal(wl_country_from_code("Indonesia", 9), 0);
    assert_int_equal(wl_country_code("UK", 2), wl_alpha3_pack("GBR"));
    assert_int_equal(wl_country_code(NULL, 3), 0);
}

static void test_genders(void **state)
{
    (void)state;
    static const struct { const char *in; char want; } G[] = {
        { "M", 'M' }, { "f", 'F' }, { "Male", 'M' }, { "FEMALE", 'F' }, { "man", 'M' },
        { "woman", 'F' }, { "L", 'M' }, { "P", 'F' }, { "laki-laki", 'M' },
        { "Laki Laki", 'M' }, { "perempuan", 'F' }, { "lelaki", 'M' }, { "wanita", 'F' },
        { "pria", 'M' }, { "ชาย", 'M' }, { "หญิง", 'F' }, { "nam", 'M' }, { "nữ", 'F' },
        { "Nữ", 'F' }, { "lalaki", 'M' }, { "babae", 'F' }, { "мужской", 'M' },
        { "Женский", 'F' }, { "男", 'M' }, { "女", 'F' }, { "ប្រុស", 'M' }, { "ស្រី", 'F' },
        { "LK", 'M' }, { "PR", 'F' }, { "ذكر", 'M' }, { "أنثى", 'F' }, { "1", 'M' },
        { "2", 'F' }, { "0", 0 }, { "9", 0 }, { "X", 0 }, { "U", 0 }, { "unknown", 0 }, { "", 0 }, { "<", 0 }, { "MF", 0 },
    };
    for (size_t i = 0; i < sizeof G / sizeof G[0]; i++) {
        char got = wl_gender_code(G[i].in, strlen(G[i].in));
        if (got != G[i].want) printf("gender \"%s\": got %d\n", G[i].in, got);
        assert_int_equal(got, G[i].want);
    }
}

/* Any bytes: no crash, and a code, when one comes back, is three capital letters. */
static void test_hostile_bytes(void **state)
{
    (void)state;
    uint64_t x = 0x853C49E6748FEA9Bull;
    for (int iter = 0; iter < 20000; iter++) {
        char buf[40];
        size_t n = (size_t)(iter % 39) + 1;
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            buf[i] = (char)(x >> 32);
        }
        uint32_t c = wl_country_code(buf, n);
        if (c) {
            char a[4];
            wl_alpha3_unpack(c, a);
            for (int k = 0; k < 3; k++) assert_true(a[k] >= 'A' && a[k] <= 'Z');
        }
        char g = wl_gender_code(buf, n);
        assert_true(g == 0 || g == 'M' || g == 'F');
    }
    char big[5000];
    memset(big, 'a', sizeof big);
    assert_int_equal(wl_country_code(big, sizeof big), 0);
}

static void *lookup_many(void *arg)
{
    int *ok = arg;
    for (int i = 0; i < 500; i++)
        *ok &= wl_country_code("Việt Nam", strlen("Việt Nam")) == wl_alpha3_pack("VNM") &&
               wl_gender_code("F", 1) == 'F';
    return NULL;
}

static void test_concurrent_first_use(void **state)
{
    (void)state;
    pthread_t t[4];
    int ok[4] = { 1, 1, 1, 1 };
    for (int i = 0; i < 4; i++) assert_int_equal(pthread_create(&t[i], NULL, lookup_many, &ok[i]), 0);
    for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
    for (int i = 0; i < 4; i++) assert_true(ok[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_concurrent_first_use),
        cmocka_unit_test(test_golden_nationalities),
        cmocka_unit_test(test_every_iso_row_round_trips),
        cmocka_unit_test(test_every_table_word_found),
        cmocka_unit_test(test_strict_codes),
        cmocka_unit_test(test_genders),
        cmocka_unit_test(test_hostile_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
