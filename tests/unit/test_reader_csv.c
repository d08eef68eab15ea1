/* test_reader_csv.c -- the RFC 4180 tokenizer and the UTF-8 check on their own:
 * quoting, line ends, BOM, delimiter detection, chunk boundaries, the bounds on
 * fields and rows, and recovery after an unterminated quote. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "read/reader_csv.h"
#include "read/reader_utf8.h"

typedef struct {
    wl_source src;
    wl_csv csv;
} tok;

static void tok_open(tok *t, const char *data, size_t len, size_t max_field)
{
    assert_int_equal(wl_source_open_mem(&t->src, data, len), WL_SRC_OK);
    assert_int_equal(wl_csv_init(&t->csv, &t->src, 0, max_field), 0);
}

static void tok_close(tok *t)
{
    wl_csv_free(&t->csv);
    wl_source_close(&t->src);
}

static void assert_field(const wl_csv *c, size_t k, const char *want)
{
    assert_true(k < c->n_fields);
    assert_int_equal(c->flen[k], strlen(want));
    assert_memory_equal(c->field[k], want, c->flen[k]);
}

static void test_quotes_and_newlines(void **state)
{
    (void)state;
    static const char in[] = "a,b,c\n"
                             "\"x,1\",\"say \"\"hi\"\"\",\"two\nlines\"\n"
                             "plain,\"\",end\n";
    tok t;
    tok_open(&t, in, sizeof in - 1, 0);
    assert_int_equal(wl_csv_next(&t.csv), 1);
    assert_int_equal(wl_csv_delim(&t.csv), ',');
    assert_int_equal(t.csv.row_line, 1);
    assert_int_equal(wl_csv_next(&t.csv), 1);
    assert_int_equal(t.csv.row_line, 2);
    assert_int_equal(t.csv.n_fields, 3);
    assert_field(&t.csv, 0, "x,1");
    assert_field(&t.csv, 1, "say \"hi\"");
    assert_field(&t.csv, 2, "two\nlines");
    assert_int_equal(wl_csv_next(&t.csv), 1);
    assert_int_equal(t.csv.row_line, 4); /* the embedded newline counts as a line */
    assert_field(&t.csv, 0, "plain");
    assert_field(&t.csv, 1, "");
    assert_field(&t.csv, 2, "end");
    assert_int_equal(wl_csv_next(&t.csv), 0);
    tok_close(&t);
}

static void test_crlf_bom_blank_lines(void **state)
{
    (void)state;
    static const char in[] = "\xEF\xBB\xBFname,dob\r\n\r\n  \r\nAli,1970\r\n\"Bo\",\"1\r\n2\"\r\nlast,x";
    tok t;
    tok_open(&t, in, sizeof in - 1, 0);
    assert_int_equal(wl_csv_next(&t.csv), 1);
    assert_field(&t.csv, 0, "name"); /* BOM skipped */
    assert_field(&t.csv, 1, "dob");  /* CR stripped */
    assert_int_equal(wl_csv_next(&t.csv), 1);
    assert_int_equal(t.csv.row_line, 4); /* blank lines 2 and 3 are not rows */
    assert_field(&t.csv, 1, "1970");
    assert_int_equal(t.csv.raw_len, 8);
    assert_int_equal(wl_csv_next(&t.csv), 1);
    assert_field(&t.csv, 0, "Bo");
    assert_field(&t.csv, 1, "1\r\n2"); /* inside quotes the bytes are kept */
    assert_int_equal(wl_csv_next(&t.csv), 1);
    assert_int_equal(t.csv.row_line, 7);
    assert_field(&t.csv, 1, "x"); /* last line without a newline */
    assert_int_equal(wl_csv_next(&t.csv), 0);
    tok_close(&t);
}

/* Bare CR line ends (classic Mac OS): rows and line numbers as with LF. */
static void test_cr_line_ends(void **state)
{
    (void)state;
    static const char in[] = "id,name\r1,\"Ah\rmad\"\r\r2,Budi\r";
    tok t;
    tok_open(&t, in, sizeof in - 1, 0);
    assert_int_equal(wl_csv_next(&t.csv), 1);
    assert_int_equal(t.csv.cr_lines, 1);
    assert_field(&t.csv, 1, "name");
    assert_int_equal(wl_csv_next(&t.csv), 1);
    assert_int_equal(t.csv.row_line, 2);
    assert_field(&t.csv, 1, "Ah\nmad");
    assert_int_equal(wl_csv_next(&t.csv), 1);
    assert_int_equal(t.csv.row_line, 5); /* the blank line 4 is skipped */
    assert_field(&t.csv, 1, "Budi");
    assert_int_equal(wl_csv_next(&t.csv), 0);
    tok_close(&t);
    /* an LF file with a stray CR inside a field stays an LF file */
    static const char lf[] = "id,name\n1,A\rB\n";
    tok_open(&t, lf, sizeof lf - 1, 0);
    assert_int_equal(wl_csv_next(&t.csv), 1);
    assert_int_equal(t.csv.cr_lines, 0);
    assert_int_equal(wl_csv_next(&t.csv), 1);
    assert_field(&t.csv, 1, "A\rB");
    tok_close(&t);
}

/* UTF-16 with a byte order mark (Excel's "Unicode Text"), either byte order,
 * comes out as UTF-8: Thai, Vietnamese, a surrogate pair (U+1F600), quotes. */
static void check_utf16(const char *in, size_t len, int which)
{
    tok t;
    tok_open(&t, in, len, 0);
    assert_int_equal(wl_csv_next(&t.csv), 1);
    assert_int_equal(t.csv.utf16, which);
    assert_int_equal(wl_csv_delim(&t.csv), '\t');
    assert_field(&t.csv, 1, "name");
    assert_int_equal(wl_csv_next(&t.csv), 1);
    assert_field(&t.csv, 1, "\xE0\xB8\xAA\xE0\xB8\xA1\xE0\xB8\x8A\xE0\xB8\xB2\xE0\xB8\xA2 \xF0\x9F\x98\x80");
    assert_int_equal(wl_csv_next(&t.csv), 1);
    assert_int_equal(t.csv.row_line, 3);
    assert_field(&t.csv, 1, "Nguy\xE1\xBB\x85n, V\xC4\x83n");
    assert_int_equal(wl_csv_next(&t.csv), 0);
    tok_close(&t);
}

static void test_utf16(void **state)
{
    (void)state;
    static const char le[] =
        "\xFF\xFE\x69\x00\x64\x00\x09\x00\x6E\x00\x61\x00\x6D\x00\x65\x00\x0D\x00\x0A\x00\x31\x00\x09\x00\x2A"
        "\x0E\x21\x0E\x0A\x0E\x32\x0E\x22\x0E\x20\x00\x3D\xD8\x00\xDE\x0D\x00\x0A\x00\x32\x00\x09\x00\x22\x00"
        "\x4E\x00\x67\x00\x75\x00\x79\x00\xC5\x1E\x6E\x00\x2C\x00\x20\x00\x56\x00\x03\x01\x6E\x00\x22\x00\x0D"
        "\x00\x0A\x00";
    static const char be[] =
        "\xFE\xFF\x00\x69\x00\x64\x00\x09\x00\x6E\x00\x61\x00\x6D\x00\x65\x00\x0D\x00\x0A\x00\x31\x00\x09\x0E"
        "\x2A\x0E\x21\x0E\x0A\x0E\x32\x0E\x22\x00\x20\xD8\x3D\xDE\x00\x00\x0D\x00\x0A\x00\x32\x00\x09\x00\x22"
        "\x00\x4E\x00\x67\x00\x75\x00\x79\x1E\xC5\x00\x6E\x00\x2C\x00\x20\x00\x56\x01\x03\x00\x6E\x00\x22\x00"
        "\x0D\x00\x0A";
    check_utf16(le, sizeof le - 1, 1);
    check_utf16(be, sizeof be - 1, 2);
    /* an unpaired surrogate and a dangling odd byte become invalid UTF-8 (FF) */
    static const char bad[] = "\xFF\xFEn\0\n\0\x00\xD8x\0\n\0y";
    tok t;
    tok_open(&t, bad, sizeof bad - 1, 0);
    assert_int_equal(wl_csv_next(&t.csv), 1);
    assert_int_equal(wl_csv_next(&t.csv), 1);
    assert_field(&t.csv, 0, "\xFFx");
    assert_int_equal(wl_csv_next(&t.csv), 1);
    assert_field(&t.csv, 0, "\xFF");
    assert_int_equal(wl_csv_next(&t.csv), 0);
    tok_close(&t);
}

/* UTF-16 across many reads: surrogate pairs split by every possible chunk edge. */
static void test_utf16_chunks(void **state)
{
    (void)state;
    size_t rows = 60000, n = 2;
    unsigned char *in = malloc(rows * 24 + 16);
    assert_non_null(in);
    in[0] = 0xFF;
    in[1] = 0xFE;
    static const unsigned short head[] = {'a', '\n'};
    for (size_t k = 0; k < 2; k++, n += 2) {
        in[n] = (unsigned char)head[k];
        in[n + 1] = 0;
    }
    for (size_t i = 0; i < rows; i++) {
        /* "x" U+1F600 (D83D DE00) "y" digit "\n", or without the emoji every 3rd row:
         * rows of 10 and 6 bytes move the pairs across the 64 KiB refills */
        unsigned short u[6] = {'x', 0xD83D, 0xDE00, 'y', (unsigned short)('0' + i % 10), '\n'};
        size_t from = i % 3 ? 0 : 3;
        for (size_t k = from; k < 6; k++, n += 2) {
            in[n] = (unsigned char)(u[k] & 0xFF);
            in[n + 1] = (unsigned char)(u[k] >> 8);
        }
    }
    tok t;
    tok_open(&t, (const char *)in, n, 0);
    assert_int_equal(wl_csv_next(&t.csv), 1);
    for (size_t i = 0; i < rows; i++) {
        assert_int_equal(wl_csv_next(&t.csv), 1);
        char want[16];
        snprintf(want, sizeof want, i % 3 ? "x\xF0\x9F\x98\x80y%zu" : "y%zu", i % 10);
        assert_field(&t.csv, 0, want);
    }
    assert_int_equal(wl_csv_next(&t.csv), 0);
    tok_close(&t);
    free(in);
}

static void test_tab_detection(void **state)
{
    (void)state;
    static const char in[] = "id\tname, with comma\tdob\n1\tA, B\t1970\n";
    tok t;
    tok_open(&t, in, sizeof in - 1, 0);
    assert_int_equal(wl_csv_next(&t.csv), 1);
    assert_int_equal(wl_csv_delim(&t.csv), '\t');
    assert_int_equal(t.csv.n_fields, 3);
    assert_int_equal(wl_csv_next(&t.csv), 1);
    assert_field(&t.csv, 1, "A, B");
    tok_close(&t);
}

static void test_space_before_quote(void **state)
{
    (void)state;
    static const char in[] = "id, \"name\",  \"a, b\"\n";
    tok t;
    tok_open(&t, in, sizeof in - 1, 0);
    assert_int_equal(wl_csv_next(&t.csv), 1);
    assert_int_equal(t.csv.n_fields, 3);
    assert_field(&t.csv, 1, "name");
    assert_field(&t.csv, 2, "a, b");
    tok_close(&t);
}

static void test_lenient_text_after_quote(void **state)
{
    (void)state;
    static const char in[] = "a,b\n\"ab\"cd,O\"Brien\n";
    tok t;
    tok_open(&t, in, sizeof in - 1, 0);
    assert_int_equal(wl_csv_next(&t.csv), 1);
    assert_int_equal(wl_csv_next(&t.csv), 1);
    assert_int_equal(t.csv.row_err, WL_CSV_ROW_OK);
    assert_field(&t.csv, 0, "abcd");
    assert_field(&t.csv, 1, "O\"Brien"); /* a quote inside an unquoted field is text */
    tok_close(&t);
}

static void test_unterminated_quote_resyncs(void **state)
{
    (void)state;
    static const char in[] = "a,b\n1,\"open\n2,y\n3,z\n";
    tok t;
    tok_open(&t, in, sizeof in - 1, 0);
    assert_int_equal(wl_csv_next(&t.csv), 1);
    assert_int_equal(wl_csv_next(&t.csv), 1);
    assert_int_equal(t.csv.row_err, WL_CSV_ROW_UNTERMINATED);
    assert_int_equal(t.csv.row_line, 2);
    assert_int_equal(t.csv.raw_len, 7);
    assert_memory_equal(t.csv.raw, "1,\"open", 7);
    /* the lines the open quote swallowed are read again as rows */
    assert_int_equal(wl_csv_next(&t.csv), 1);
    assert_int_equal(t.csv.row_line, 3);
    assert_field(&t.csv, 1, "y");
    assert_int_equal(wl_csv_next(&t.csv), 1);
    assert_int_equal(t.csv.row_line, 4);
    assert_int_equal(wl_csv_next(&t.csv), 0);
    tok_close(&t);
}

static void test_field_too_long(void **state)
{
    (void)state;
    static const char in[] = "a,b\n123456,x\n12345,\"123456\"\nok,ok\n";
    tok t;
    tok_open(&t, in, sizeof in - 1, 5);
    assert_int_equal(wl_csv_next(&t.csv), 1);
    assert_int_equal(wl_csv_next(&t.csv), 1);
    assert_int_equal(t.csv.row_err, WL_CSV_ROW_FIELD_TOO_LONG);
    assert_int_equal(t.csv.err_field, 0);
    assert_int_equal(wl_csv_next(&t.csv), 1);
    assert_int_equal(t.csv.row_err, WL_CSV_ROW_FIELD_TOO_LONG);
    assert_int_equal(t.csv.err_field, 1);
    assert_int_equal(wl_csv_next(&t.csv), 1);
    assert_int_equal(t.csv.row_err, WL_CSV_ROW_OK);
    tok_close(&t);
}

/* A line longer than the row bound is reported and skipped, not buffered whole. */
static void test_row_too_long(void **state)
{
    (void)state;
    size_t big = 3u << 20;
    char *in = malloc(big + 64);
    assert_non_null(in);
    size_t n = 0;
    memcpy(in, "a,b\n", 4);
    n = 4;
    memset(in + n, 'x', big);
    n += big;
    memcpy(in + n, "\n1,2\n", 5);
    n += 5;
    tok t;
    tok_open(&t, in, n, 0);
    assert_int_equal(wl_csv_next(&t.csv), 1);
    assert_int_equal(wl_csv_next(&t.csv), 1);
    assert_int_equal(t.csv.row_err, WL_CSV_ROW_TOO_LONG);
    assert_int_equal(t.csv.row_line, 2);
    assert_int_equal(wl_csv_next(&t.csv), 1);
    assert_int_equal(t.csv.row_err, WL_CSV_ROW_OK);
    assert_int_equal(t.csv.row_line, 3);
    assert_field(&t.csv, 1, "2");
    assert_int_equal(wl_csv_next(&t.csv), 0);
    assert_true(t.csv.cap <= t.csv.row_cap + (1u << 20)); /* the buffer stayed bounded */
    tok_close(&t);
    free(in);
}

/* An open quote followed by megabytes of lines: bounded, then resynchronised. */
static void test_unterminated_quote_bounded(void **state)
{
    (void)state;
    size_t rows = 400000;
    char *in = malloc(16 + rows * 8);
    assert_non_null(in);
    size_t n = 0;
    n += (size_t)sprintf(in, "a,b\n1,\"x\n");
    for (size_t i = 0; i < rows; i++)
        n += (size_t)sprintf(in + n, "%06zu,\n", i % 1000000);
    tok t;
    tok_open(&t, in, n, 0);
    assert_int_equal(wl_csv_next(&t.csv), 1);
    assert_int_equal(wl_csv_next(&t.csv), 1);
    assert_int_equal(t.csv.row_err, WL_CSV_ROW_QUOTE_TOO_LONG);
    assert_int_equal(t.csv.row_line, 2);
    size_t ok = 0;
    while (wl_csv_next(&t.csv) == 1)
        ok += t.csv.row_err == WL_CSV_ROW_OK;
    assert_int_equal(ok, rows); /* every following line still read */
    tok_close(&t);
    free(in);
}

static void test_too_many_fields(void **state)
{
    (void)state;
    size_t n = WL_CSV_MAX_FIELDS + 10;
    char *in = malloc(n + 16);
    assert_non_null(in);
    memcpy(in, "a\n", 2);
    memset(in + 2, ',', n);
    in[2 + n] = '\n';
    tok t;
    tok_open(&t, in, n + 3, 0);
    assert_int_equal(wl_csv_next(&t.csv), 1);
    assert_int_equal(wl_csv_next(&t.csv), 1);
    assert_int_equal(t.csv.row_err, WL_CSV_ROW_TOO_MANY_FIELDS);
    assert_int_equal(t.csv.n_fields, n + 1);
    tok_close(&t);
    free(in);
}

/* Rows straddle the 1 MiB read chunks: every row must come out whole. */
static void test_chunk_boundaries(void **state)
{
    (void)state;
    size_t rows = 150000;
    char *in = malloc(32 + rows * 40);
    assert_non_null(in);
    size_t n = (size_t)sprintf(in, "id,name\n");
    for (size_t i = 0; i < rows; i++)
        n += (size_t)(i % 3 ? sprintf(in + n, "%zu,name number %zu\n", i, i)
                            : sprintf(in + n, "%zu,\"quoted\n%zu\"\n", i, i));
    tok t;
    tok_open(&t, in, n, 0);
    assert_int_equal(wl_csv_next(&t.csv), 1);
    char want[64];
    long line = 2;
    for (size_t i = 0; i < rows; i++) {
        assert_int_equal(wl_csv_next(&t.csv), 1);
        assert_int_equal(t.csv.row_line, line);
        line += i % 3 ? 1 : 2;
        snprintf(want, sizeof want, i % 3 ? "name number %zu" : "quoted\n%zu", i);
        assert_field(&t.csv, 1, want);
    }
    assert_int_equal(wl_csv_next(&t.csv), 0);
    tok_close(&t);
    free(in);
}

static void test_utf8_check(void **state)
{
    (void)state;
    const char *ok = "Nguyễn Văn An สมชาย 𝔸";
    assert_int_equal(wl_utf8_check(ok, strlen(ok)), strlen(ok));
    assert_int_equal(wl_utf8_check("abc\xC0\xAF", 5), 3);         /* overlong '/' */
    assert_int_equal(wl_utf8_check("ab\xED\xA0\x80", 5), 2);      /* surrogate */
    assert_int_equal(wl_utf8_check("\xF4\x90\x80\x80", 4), 0);    /* above U+10FFFF */
    assert_int_equal(wl_utf8_check("abcdef\xE2\x82", 8), 6);      /* cut sequence */
    assert_int_equal(wl_utf8_check("abcdefgh\x80", 9), 8);        /* stray continuation */
    assert_int_equal(wl_utf8_check("abcdefghijk\0mnop", 16), 11); /* NUL in the fast path */
    assert_int_equal(wl_utf8_check("ab\0", 3), 2);                /* NUL in the tail */
    assert_int_equal(wl_utf8_check("", 0), 0);
    assert_int_equal(wl_utf8_check("\xF0\x9F\x98\x80", 4), 4);
    assert_int_equal(wl_utf8_check("\xF5\x80\x80\x80", 4), 0);
}

/* Reference: decode by the definition (RFC 3629 section 3) and check the code
 * point is the shortest form, not a surrogate, at most U+10FFFF. */
static int ref_valid(const unsigned char *b, size_t len)
{
    static const unsigned char mark[] = {0, 0, 0xC0, 0xE0, 0xF0};
    static const unsigned long min[] = {0, 0, 0x80, 0x800, 0x10000};
    if ((b[0] & (0xFF << (7 - len))) != mark[len]) return 0;
    unsigned long cp = b[0] & (0x7Fu >> len);
    for (size_t k = 1; k < len; k++) {
        if ((b[k] & 0xC0) != 0x80) return 0;
        cp = cp << 6 | (b[k] & 0x3F);
    }
    return cp >= min[len] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
}

/* Every 2- and 3-byte sequence, and 4-byte ones over every lead and second
 * byte, against the reference. */
static void test_utf8_exhaustive(void **state)
{
    (void)state;
    unsigned char b[4];
    for (unsigned x = 0xC0; x < 0x100; x++)
        for (unsigned y = 0; y < 0x100; y++) {
            b[0] = (unsigned char)x;
            b[1] = (unsigned char)y;
            int want = x < 0xE0 && ref_valid(b, 2);
            if ((wl_utf8_check((const char *)b, 2) == 2) != want) fail_msg("%02X %02X", x, y);
            for (unsigned z = 0; z < 0x100 && x >= 0xE0 && x < 0xF0; z++) {
                b[2] = (unsigned char)z;
                want = ref_valid(b, 3);
                if ((wl_utf8_check((const char *)b, 3) == 3) != want) fail_msg("%02X %02X %02X", x, y, z);
            }
            static const unsigned char tails[] = {0x00, 0x7F, 0x80, 0xA5, 0xBF, 0xC0, 0xFF};
            for (size_t i = 0; i < sizeof tails && x >= 0xF0; i++)
                for (size_t j = 0; j < sizeof tails; j++) {
                    b[2] = tails[i];
                    b[3] = tails[j];
                    want = ref_valid(b, 4);
                    if ((wl_utf8_check((const char *)b, 4) == 4) != want)
                        fail_msg("%02X %02X %02X %02X", x, y, b[2], b[3]);
                }
        }
}

static void test_utf8_cut(void **state)
{
    (void)state;
    const char *s = "aไทย"; /* 1 + 3 * 3 bytes */
    assert_int_equal(wl_utf8_cut(s, 10, 20), 10);
    assert_int_equal(wl_utf8_cut(s, 10, 4), 4); /* a + one Thai letter */
    assert_int_equal(wl_utf8_cut(s, 10, 5), 4); /* never inside a letter */
    assert_int_equal(wl_utf8_cut(s, 10, 6), 4);
    assert_int_equal(wl_utf8_cut(s, 10, 7), 7);
    assert_int_equal(wl_utf8_cut(s, 10, 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quotes_and_newlines),
        cmocka_unit_test(test_crlf_bom_blank_lines),
        cmocka_unit_test(test_cr_line_ends),
        cmocka_unit_test(test_utf16),
        cmocka_unit_test(test_utf16_chunks),
        cmocka_unit_test(test_tab_detection),
        cmocka_unit_test(test_space_before_quote),
        cmocka_unit_test(test_lenient_text_after_quote),
        cmocka_unit_test(test_unterminated_quote_resyncs),
        cmocka_unit_test(test_field_too_long),
        cmocka_unit_test(test_row_too_long),
        cmocka_unit_test(test_unterminated_quote_bounded),
        cmocka_unit_test(test_too_many_fields),
        cmocka_unit_test(test_chunk_boundaries),
        cmocka_unit_test(test_utf8_check),
        cmocka_unit_test(test_utf8_exhaustive),
        cmocka_unit_test(test_utf8_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
