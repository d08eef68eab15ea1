/* test_doc.c -- document numbers: the golden table tests/golden/docs.tsv, the ICAO
 * 7-3-1 check digit, OCR folding and hostile bytes. */
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

static void test_golden_docs(void **state)
{
    (void)state;
    char *buf = golden_read("docs.tsv", NULL);
    int rows = 0, failures = 0;
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#') continue;
        char *f[8];
        assert_int_equal(golden_split(line, f, 8), 6);
        const char *in = golden_dash(f[0]);
        wl_doc d;
        int ret = wl_doc_normalize(in, strlen(in), &d);
        int ok = ret == atoi(f[1]) && strcmp(d.core, golden_dash(f[2])) == 0 &&
                 strcmp(d.ocr, golden_dash(f[3])) == 0 && strcmp(d.country, golden_dash(f[4])) == 0 &&
                 d.check == atoi(f[5]) && d.core_len == strlen(d.core) &&
                 d.ocr_len == strlen(d.ocr);
        if (!ok) {
            printf("docs.tsv: \"%s\": got %d %s %s %s %d, want %s %s %s %s %s\n", in, ret,
                   d.core, d.ocr, d.country, d.check, f[1], f[2], f[3], f[4], f[5]);
            failures++;
        }
        rows++;
    }
    free(buf);
    printf("docs.tsv: %d rows, %d failures\n", rows, failures);
    assert_true(rows >= 30);
    assert_int_equal(failures, 0);
}

static void test_check_digit(void **state)
{
    (void)state;
    /* ICAO Doc 9303 Part 3 worked examples and the Part 4 specimen fields */
    assert_int_equal(wl_icao_check_digit("520727", 6), 3);
    assert_int_equal(wl_icao_check_digit("L898902C3", 9), 6);
    assert_int_equal(wl_icao_check_digit("740812", 6), 2);
    assert_int_equal(wl_icao_check_digit("120415", 6), 9);
    assert_int_equal(wl_icao_check_digit("<<<<<<", 6), 0);
    assert_int_equal(wl_icao_check_digit("", 0), 0);
    assert_int_equal(wl_icao_check_digit("AB2134<<<", 9), 5);
    assert_int_equal(wl_icao_check_digit("a", 1), -1);
    assert_int_equal(wl_icao_check_digit("12-3", 4), -1);
}

/* Two writings of one number agree on the OCR key even when O/0 and I/1 differ. */
static void test_ocr_key_joins_confusions(void **state)
{
    (void)state;
    wl_doc a, b;
    assert_int_equal(wl_doc_normalize("AO1I2345", 8, &a), 1);
    assert_int_equal(wl_doc_normalize("A0112345", 8, &b), 1);
    assert_string_not_equal(a.core, b.core);
    assert_string_equal(a.ocr, b.ocr);
    /* letters without a digit look-alike survive */
    assert_int_equal(wl_doc_normalize("ACE12345", 8, &a), 1);
    assert_string_equal(a.ocr, "ACE12345");
}

/* The one OCR table: exactly the documented confusions, all to digits. */
static void test_ocr_table(void **state)
{
    (void)state;
    static const char from[] = "OQDILZSGB", to[] = "000112568";
    for (int c = 1; c < 256; c++) {
        const char *at = memchr(from, c, sizeof from - 1);
        char want = at ? to[at - from] : (char)c;
        assert_int_equal(wl_ocr_digit((char)c), want);
    }
}

static void test_hostile_bytes(void **state)
{
    (void)state;
    uint64_t x = 0x2545F4914F6CDD1Dull;
    for (int iter = 0; iter < 20000; iter++) {
        char buf[48];
        size_t n = (size_t)(iter % 47) + 1;
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            buf[i] = (char)(x >> 24);
        }
        wl_doc d;
        int r = wl_doc_normalize(buf, n, &d);
        assert_true(r == 0 || r == 1);
        assert_true(d.core_len < WL_DOC_MAX && d.core[d.core_len] == '\0');
        assert_int_equal(d.core_len, d.ocr_len);
        assert_true(d.check >= -1 && d.check <= 1);
    }
    wl_doc d;
    assert_int_equal(wl_doc_normalize(NULL, 4, &d), 0);
    assert_int_equal(wl_doc_normalize("A123", 4, NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_docs),
        cmocka_unit_test(test_check_digit),
        cmocka_unit_test(test_ocr_key_joins_confusions),
        cmocka_unit_test(test_ocr_table),
        cmocka_unit_test(test_hostile_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
