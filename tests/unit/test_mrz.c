/* test_mrz.c -- machine-readable zones: the golden table tests/golden/mrz.tsv (ICAO
 * specimens and constructed zones with broken check digits), separators, and
 * hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "golden.h"

#include "normalise/doc.h"

/* "|" joins lines with a newline; the two characters "\r\n" stand for CR LF. */
static size_t unescape(const char *s, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; s[i] && k + 2 < cap; i++) {
        if (s[i] == '|') out[k++] = '\n';
        else if (s[i] == '\\' && s[i + 1] == 'r') { out[k++] = '\r'; i++; }
        else if (s[i] == '\\' && s[i + 1] == 'n') { out[k++] = '\n'; i++; }
        else out[k++] = s[i];
    }
    out[k] = '\0';
    return k;
}

static int check_row(char **f, int nf)
{
    char in[512], why[160];
    size_t n = unescape(f[0], in, sizeof in);
    wl_mrz m;
    int ret = wl_mrz_parse(in, n, &m, why, sizeof why);
    const char *want_why = nf > 11 ? f[11] : "";
    char sex[2] = { m.sex, 0 };
    int ok = ret == atoi(f[1]) && m.format == atoi(f[2]) && strcmp(m.family, f[3]) == 0 &&
             strcmp(m.given, f[4]) == 0 && strcmp(m.doc_number, f[5]) == 0 &&
             strcmp(m.nationality, f[6]) == 0 && strcmp(m.dob, f[7]) == 0 &&
             strcmp(sex, f[8]) == 0 && strcmp(m.expiry, f[9]) == 0 &&
             m.checks_ok == atoi(f[10]) && strstr(why, want_why) != NULL &&
             (want_why[0] != '\0' || why[0] == '\0');
    if (!ok)
        printf("mrz.tsv: %s\n  got %d f%d [%s] [%s] %s %s %s %s %s ok=%d why=%s\n", f[0], ret,
               m.format, m.family, m.given, m.doc_number, m.nationality, m.dob, sex, m.expiry,
               m.checks_ok, why);
    return ok;
}

static void test_golden_mrz(void **state)
{
    (void)state;
    char *buf = golden_read("mrz.tsv", NULL);
    int rows = 0, failures = 0;
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#') continue;
        char *f[12];
        int nf = golden_split(line, f, 12);
        assert_true(nf >= 11);
        failures += !check_row(f, nf);
        rows++;
    }
    free(buf);
    printf("mrz.tsv: %d rows, %d failures\n", rows, failures);
    assert_true(rows >= 20);
    assert_int_equal(failures, 0);
}

static const char TD3[] = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
                          "L898902C36UTO7408122F1204159ZE184226B<<<<<10";

static void test_specimen_fields(void **state)
{
    (void)state;
    wl_mrz m;
    char why[64];
    assert_int_equal(wl_mrz_parse(TD3, strlen(TD3), &m, why, sizeof why), 1);
    assert_int_equal(m.format, 3);
    assert_string_equal(m.doc_code, "P");
    assert_string_equal(m.issuer, "UTO");
    assert_int_equal(m.sex, 'F');
    assert_int_equal(m.checks_ok, 1);
    assert_string_equal(why, "");
    /* a NULL or zero-sized reason buffer is fine */
    assert_int_equal(wl_mrz_parse(TD3, strlen(TD3), &m, NULL, 0), 1);
    assert_int_equal(wl_mrz_parse("P<", 2, &m, NULL, 0), 0);
    assert_int_equal(wl_mrz_parse(NULL, 0, &m, why, sizeof why), 0);
}

/* Every single-character change of the lower line is caught by some check digit
 * or changes a field, unless it touches a filler-only region. */
static void test_every_digit_flip_detected(void **state)
{
    (void)state;
    char z[sizeof TD3];
    int detected = 0, tried = 0;
    for (size_t i = 44; i < 88; i++) {
        if (TD3[i] < '0' || TD3[i] > '9') continue;
        memcpy(z, TD3, sizeof TD3);
        z[i] = (char)('0' + (TD3[i] - '0' + 1) % 10);
        wl_mrz m;
        assert_int_equal(wl_mrz_parse(z, 88, &m, NULL, 0), 1);
        detected += m.checks_ok == 0;
        tried++;
    }
    assert_int_equal(detected, tried);
}

static void test_hostile_input(void **state)
{
    (void)state;
    uint64_t x = 0x9E3779B97F4A7C15ull;
    static const char alphabet[] = "ABCMFP<0123456789\n \r\xC3";
    for (int iter = 0; iter < 5000; iter++) {
        char buf[100];
        size_t n = 85 + (size_t)(iter % 10);
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            buf[i] = alphabet[x % (sizeof alphabet - 1)];
        }
        wl_mrz m;
        char why[80];
        int r = wl_mrz_parse(buf, n, &m, why, sizeof why);
        assert_true(r == 0 || r == 1);
        if (r == 0) assert_true(why[0] != '\0');
        assert_true(strlen(m.family) < sizeof m.family && strlen(m.given) < sizeof m.given);
        assert_true(m.sex == 0 || m.sex == 'M' || m.sex == 'F');
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_mrz),
        cmocka_unit_test(test_specimen_fields),
        cmocka_unit_test(test_every_digit_flip_detected),
        cmocka_unit_test(test_hostile_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
