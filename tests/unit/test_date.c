/* test_date.c -- dates of birth: the golden table tests/golden/dates.tsv, the
 * two-digit-year pivot, reading limits, hostile bytes and concurrent first use. */
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

#include <unicode/ucal.h>

#include "normalise/date.h"
#include "common/digits.h"
#include "common/tables.h"

/* Writes a reading as the golden table spells it: 1978-03-04+amb, 1960..1965. */
static void format_reading(const wl_date *d, char *out, size_t cap)
{
    int k;
    if (d->flags & WL_DATE_RANGE)
        k = snprintf(out, cap, "%d..%d", d->year, d->year_hi);
    else if (d->prec == WL_PREC_DAY)
        k = snprintf(out, cap, "%04d-%02d-%02d", d->year, d->month, d->day);
    else if (d->prec == WL_PREC_MONTH)
        k = snprintf(out, cap, "%04d-%02d", d->year, d->month);
    else
        k = snprintf(out, cap, "%04d", d->year);
    static const struct { unsigned flag; const char *name; } F[] = {
        { WL_DATE_APPROX, "+approx" }, { WL_DATE_AMBIGUOUS, "+amb" },
        { WL_DATE_BUDDHIST, "+be" },   { WL_DATE_PLACEHOLDER, "+ph" } };
    for (size_t i = 0; i < sizeof F / sizeof F[0]; i++)
        if ((d->flags & F[i].flag) && k > 0 && (size_t)k < cap)
            k += snprintf(out + k, cap - (size_t)k, "%s", F[i].name);
}

static void format_readings(const wl_date *d, int n, char *out, size_t cap)
{
    if (n == 0) { snprintf(out, cap, "-"); return; }
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        size_t len = strlen(out);
        if (i) { snprintf(out + len, cap - len, ";"); len++; }
        format_reading(&d[i], out + len, cap - len);
    }
}

static void test_golden_dates(void **state)
{
    (void)state;
    size_t len;
    char *buf = golden_read("dates.tsv", &len);
    int rows = 0, failures = 0;
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#') continue;
        char *tab = strchr(line, '\t');
        assert_non_null(tab);
        *tab = '\0';
        const char *in = golden_dash(line);
        const char *want = tab + 1;
        wl_date d[2];
        int n = wl_date_parse(in, strlen(in), d, 2);
        char got[128];
        format_readings(d, n, got, sizeof got);
        if (strcmp(got, want) != 0) {
            printf("dates.tsv: \"%s\": got %s, want %s\n", in, got, want);
            failures++;
        }
        rows++;
    }
    free(buf);
    printf("dates.tsv: %d rows, %d failures\n", rows, failures);
    assert_true(rows >= 100);
    assert_int_equal(failures, 0);
}

static void test_expand_year_pivot(void **state)
{
    (void)state;
    assert_int_equal(wl_date_expand_year(0), 2000);
    assert_int_equal(wl_date_expand_year(25), 2025);
    assert_int_equal(wl_date_expand_year(26), 1926);
    assert_int_equal(wl_date_expand_year(78), 1978);
    assert_int_equal(wl_date_expand_year(99), 1999);
    /* The same rule under another reference year: the latest year ending in yy
     * not after it. */
    assert_int_equal(wl_date_century(26, 2026), 2026);
    assert_int_equal(wl_date_century(27, 2026), 1927);
    assert_int_equal(wl_date_century(0, 2000), 2000);
    assert_int_equal(wl_date_century(1, 2000), 1901);
    assert_int_equal(wl_date_century(99, 2100), 2099);
    assert_int_equal(wl_date_century(0, 2100), 2100);
    assert_int_equal(wl_date_century(50, 1950), 1950);
    assert_int_equal(wl_date_century(51, 1950), 1851);
    assert_int_equal(wl_date_century(30, 0), 1930); /* 0: the default, 2025 */
    wl_date d[2];
    assert_int_equal(wl_date_parse_ref("12 Aug 30", 9, d, 2, 2035), 1);
    assert_int_equal(d[0].year, 2030);
    assert_int_equal(wl_date_parse_ref("12 Aug 30", 9, d, 2, 0), 1);
    assert_int_equal(d[0].year, 1930);
}

static void test_max_limits_readings(void **state)
{
    (void)state;
    wl_date d[2];
    memset(d, 0x55, sizeof d);
    assert_int_equal(wl_date_parse("04/03/1978", 10, d, 1), 1);
    assert_int_equal(d[0].month, 3); /* day-first reading comes first */
    assert_int_equal(d[0].day, 4);
    assert_int_equal(d[1].year, 0x5555); /* untouched past max */
    assert_int_equal(wl_date_parse("04/03/1978", 10, d, 0), 0);
    /* 12 Safar 1266 AH falls in 1849 (not a date of birth), 2 Dhu al-Hijjah 1266 in
     * 1850: asking for one reading still finds the valid one. */
    assert_int_equal(wl_date_parse("12/2/1266 AH", 12, d, 2), 1);
    assert_int_equal(wl_date_parse("12/2/1266 AH", 12, d, 1), 1);
    assert_int_equal(d[0].year, 1850);
    assert_int_equal(wl_date_parse(NULL, 10, d, 2), 0);
}

static void test_range_fields(void **state)
{
    (void)state;
    wl_date d[2];
    assert_int_equal(wl_date_parse("1960-1965", 9, d, 2), 1);
    assert_int_equal(d[0].year, 1960);
    assert_int_equal(d[0].year_hi, 1965);
    assert_int_equal(d[0].prec, WL_PREC_YEAR);
    assert_true(d[0].flags & WL_DATE_RANGE);
    assert_int_equal(wl_date_parse("1978", 4, d, 2), 1);
    assert_int_equal(d[0].year_hi, 1978);
    assert_false(d[0].flags & WL_DATE_RANGE);
}

static void test_length_is_respected(void **state)
{
    (void)state;
    /* only the first n bytes count: no reading past them */
    wl_date d[2];
    const char *s = "1978-03-04";
    assert_int_equal(wl_date_parse(s, 4, d, 2), 1);
    assert_int_equal(d[0].prec, WL_PREC_YEAR);
    char big[600];
    memset(big, '1', sizeof big);
    assert_int_equal(wl_date_parse(big, sizeof big, d, 2), 0);
}

/* Hostile bytes: every reading that comes back obeys the invariants. */
static void test_random_bytes(void **state)
{
    (void)state;
    uint64_t x = 88172645463325252ull;
    static const char alphabet[] = "0123456789/-. ~?abcMarJnBE\xE0\xB8\x81\xC3\xA9\xFF";
    for (int iter = 0; iter < 20000; iter++) {
        char buf[24];
        size_t n = (size_t)(iter % 23) + 1;
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            buf[i] = alphabet[x % (sizeof alphabet - 1)];
        }
        wl_date d[2];
        int k = wl_date_parse(buf, n, d, 2);
        assert_true(k >= 0 && k <= 2);
        for (int i = 0; i < k; i++) {
            assert_true(d[i].month <= 12 && d[i].day <= 31);
            assert_true(d[i].year_hi >= d[i].year);
            assert_true(d[i].prec >= WL_PREC_YEAR && d[i].prec <= WL_PREC_DAY);
        }
    }
}

static void *parse_many(void *arg)
{
    int *ok = arg;
    for (int i = 0; i < 200; i++) {
        wl_date d[2];
        *ok &= wl_date_parse("4 Mac 1978", 10, d, 2) == 1 && d[0].month == 3;
    }
    return NULL;
}

/* The word table is built on first use: concurrent first calls all see it. */
static void test_concurrent_first_use(void **state)
{
    (void)state;
    pthread_t t[4];
    int ok[4] = { 1, 1, 1, 1 };
    for (int i = 0; i < 4; i++) assert_int_equal(pthread_create(&t[i], NULL, parse_many, &ok[i]), 0);
    for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
    for (int i = 0; i < 4; i++) assert_true(ok[i]);
}

/* JDN of a date in an ICU calendar ("en@calendar=islamic-civil"): the oracle for
 * date_calendar.c, which computes both calendars without ICU. */
static long icu_jdn(UCalendar *cal, int y, int m, int d)
{
    UErrorCode e = U_ZERO_ERROR;
    ucal_clear(cal);
    ucal_setDate(cal, y, m - 1, d, &e);
    UDate ms = ucal_getMillis(cal, &e);
    assert_true(U_SUCCESS(e));
    return (long)(ms / 86400000.0) + 2440588L;
}

static void check_calendar(const char *locale, int cal_id, int y0, int y1)
{
    static const UChar UTC[] = { 'U', 'T', 'C', 0 };
    UErrorCode e = U_ZERO_ERROR;
    UCalendar *cal = ucal_open(UTC, 3, locale, UCAL_DEFAULT, &e);
    assert_true(U_SUCCESS(e));
    for (int y = y0; y <= y1; y++)
        for (int m = 1; m <= 12; m++) {
            int days = wl_date_calendar_month_days(cal_id, y, m);
            assert_true(days >= 29 && days <= 31);
            for (int d = 1; d <= days; d += days - 1) { /* first and last day */
                long jdn;
                assert_int_equal(wl_date_calendar_to_jdn(cal_id, y, m, d, &jdn), 0);
                assert_int_equal(jdn, icu_jdn(cal, y, m, d));
            }
            long jdn;
            assert_int_equal(wl_date_calendar_to_jdn(cal_id, y, m, days + 1, &jdn), -1);
        }
    ucal_close(cal);
}

static void test_hijri_calendars_match_icu(void **state)
{
    (void)state;
    check_calendar("en@calendar=islamic-civil", WL_CAL_ISLAMIC, 1300, 1450);
    /* Every Solar Hijri year the parser accepts: Nowruz is arithmetic now. */
    check_calendar("en@calendar=persian", WL_CAL_PERSIAN, 1200, 1500);
}

static void test_gregorian_jdn_round_trip(void **state)
{
    (void)state;
    assert_int_equal(wl_jdn_from_gregorian(2000, 1, 1), 2451545); /* J2000.0 day */
    assert_int_equal(wl_jdn_from_gregorian(1970, 1, 1), 2440588);
    for (long j = 2400000; j < 2480000; j += 7) {
        int y, m, d;
        wl_gregorian_from_jdn(j, &y, &m, &d);
        assert_int_equal(wl_jdn_from_gregorian(y, m, d), j);
    }
}

/* digits.c: the shared Unicode helpers the date, document and country parsers use. */
static void test_digit_values(void **state)
{
    (void)state;
    static const int32_t ZEROS[] = { 0x30, 0x660, 0x6F0, 0x966, 0xE50, 0xED0, 0x1040, 0x17E0, 0xFF10 };
    for (size_t i = 0; i < sizeof ZEROS / sizeof ZEROS[0]; i++) {
        assert_int_equal(wl_digit_value(ZEROS[i]), 0);
        assert_int_equal(wl_digit_value(ZEROS[i] + 9), 9);
    }
    assert_int_equal(wl_digit_value('a'), -1);
    assert_int_equal(wl_digit_value(0x0E01), -1); /* Thai letter ko kai */
    assert_int_equal(wl_digit_value(-1), -1);
}

static void test_fold(void **state)
{
    (void)state;
    int32_t f[4];
    assert_int_equal(wl_fold_cp(0xDF, f), 2); /* ß -> ss */
    assert_int_equal(f[0], 's');
    assert_int_equal(wl_fold_cp(0x110, f), 1); /* Đ -> d */
    assert_int_equal(f[0], 'd');
    assert_int_equal(wl_fold_cp(0xFF21, f), 1); /* fullwidth A -> a */
    assert_int_equal(f[0], 'a');
    assert_int_equal(wl_fold_cp(0x2013, f), 1); /* en dash -> - */
    assert_int_equal(f[0], '-');
    assert_int_equal(wl_fold_cp(0x301, f), 0); /* a lone combining acute is dropped */
    assert_int_equal(wl_fold_cp(0x0E21, f), 1); /* Thai kept as it is */
    assert_int_equal(f[0], 0x0E21);
    char key[32];
    int n = wl_fold_key("Việt Nam", strlen("Việt Nam"), key, sizeof key);
    assert_int_equal(n, 7);
    assert_memory_equal(key, "vietnam", 7);
    assert_int_equal(wl_fold_key("Ab-C.1", 6, key, sizeof key), 4);
    assert_memory_equal(key, "abc1", 4);
    assert_int_equal(wl_fold_key("abcdef", 6, key, 3), -1); /* does not fit */
    int32_t cp;
    assert_int_equal(wl_utf8_next("\xE0\xB8", 2, &cp), 1); /* truncated sequence */
    assert_int_equal(cp, -1);
    assert_int_equal(wl_utf8_next("\xE0\xB8\x81", 3, &cp), 3);
    assert_int_equal(cp, 0x0E01);
}

static void test_wordmap(void **state)
{
    (void)state;
    wl_wordmap_slot slots[8];
    char pool[16];
    wl_wordmap m;
    wl_wordmap_init(&m, slots, 8, pool, sizeof pool);
    assert_int_equal(wl_wordmap_put(&m, "jan", 3, 1), 1);
    assert_int_equal(wl_wordmap_put(&m, "jan", 3, 9), 0); /* first value wins */
    assert_int_equal(wl_wordmap_put(&m, "feb", 3, 2), 1);
    int32_t v = 0;
    assert_int_equal(wl_wordmap_get(&m, "jan", 3, &v), 1);
    assert_int_equal(v, 1);
    assert_int_equal(wl_wordmap_get(&m, "ja", 2, &v), 0);
    assert_int_equal(wl_wordmap_put(&m, "mar", 3, 3), 1);
    assert_int_equal(wl_wordmap_put(&m, "apr", 3, 4), 1);
    assert_int_equal(wl_wordmap_put(&m, "may", 3, 5), 1);
    assert_int_equal(wl_wordmap_put(&m, "jun", 3, 6), -1); /* pool of 16 bytes is full */
    assert_int_equal(wl_wordmap_put(&m, "", 0, 6), -1);
    for (int i = 0; i < 8; i++) assert_true(slots[i].used == 0 || slots[i].len == 3);
}

/* Every word of months.tsv is found after folding: the word map is a fixed
 * array filled at first use (date_words.c), and a table that outgrew it would
 * lose words silently. */
static void test_every_date_word_found(void **state)
{
    (void)state;
    size_t len;
    const char *data = wl_table_get("months", &len);
    assert_non_null(data);
    wl_table_iter it;
    wl_table_iter_init(&it, data, len);
    const char *f[64];
    size_t fl[64];
    int nf, words = 0, missing = 0;
    while ((nf = wl_table_next(&it, f, fl, 64)) > 0) {
        for (int k = 3; k < nf; k++) {
            char key[256];
            int n = wl_fold_key(f[k], fl[k], key, sizeof key);
            int v;
            words++;
            if (n <= 0 || !wl_date_word(key, (size_t)n, &v)) {
                if (missing++ < 5) printf("months: '%.*s' not found\n", (int)fl[k], f[k]);
            }
        }
    }
    assert_true(words > 500);
    assert_int_equal(missing, 0);
}

static void test_date_words(void **state)
{
    (void)state;
    int v = 0;
    assert_int_equal(wl_date_word("ogos", 4, &v), WL_DW_MONTH);
    assert_int_equal(v, 8);
    assert_int_equal(wl_date_word("sekitar", 7, &v), WL_DW_APPROX);
    assert_int_equal(wl_date_word("nope", 4, &v), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_concurrent_first_use),
        cmocka_unit_test(test_golden_dates),
        cmocka_unit_test(test_expand_year_pivot),
        cmocka_unit_test(test_max_limits_readings),
        cmocka_unit_test(test_range_fields),
        cmocka_unit_test(test_length_is_respected),
        cmocka_unit_test(test_random_bytes),
        cmocka_unit_test(test_date_words),
        cmocka_unit_test(test_every_date_word_found),
        cmocka_unit_test(test_hijri_calendars_match_icu),
        cmocka_unit_test(test_gregorian_jdn_round_trip),
        cmocka_unit_test(test_digit_values),
        cmocka_unit_test(test_fold),
        cmocka_unit_test(test_wordmap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
