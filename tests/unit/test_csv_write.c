/* test_csv_write.c -- the one CSV writer (common/csv_write.c,
 * wl_csv_write_field) that pairs, clusters, rejects, normalize, store exports
 * and the generated lists go through (issue 16, consolidation). Its quoting
 * rules by table, and a property: any bytes written as fields of one row are
 * read back by the engine's own tokenizer (read/reader_csv.c) as the same
 * fields. Edge blanks are the reader's to trim, so the writer quotes them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "read/reader_csv.h"
#include "watchlink.h"

/* What wl_csv_write_field makes of n bytes of s. */
static char *written(const char *s, size_t n, size_t *len)
{
    char *buf = NULL;
    size_t cap = 0;
    FILE *m = open_memstream(&buf, &cap);
    assert_non_null(m);
    wl_csv_write_field(m, s, n);
    assert_int_equal(fclose(m), 0);
    *len = cap;
    return buf;
}

static void test_quoting_rules(void **state)
{
    (void)state;
    static const struct { const char *in; size_t n; const char *out; size_t out_n; } rows[] = {
        { "plain", 5, "plain", 5 },
        { "", 0, "", 0 },
        { "a,b", 3, "\"a,b\"", 5 },
        { "say \"hi\"", 8, "\"say \"\"hi\"\"\"", 12 },
        { "\"", 1, "\"\"\"\"", 4 },
        { "two\nlines", 9, "\"two\nlines\"", 11 },
        { "cr\r", 3, "\"cr\r\"", 5 },
        { "nul\0byte", 8, "\"nul\0byte\"", 10 },
        { " lead", 5, "\" lead\"", 7 },
        { "trail ", 6, "\"trail \"", 8 },
        { "\t", 1, "\"\t\"", 3 },
        { "in side", 7, "in side", 7 },
        { "tab\tx;y|z", 9, "tab\tx;y|z", 9 }, /* other delimiters: the header fixed ',' */
        { "Ахмед", 10, "Ахмед", 10 },
    };
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
        size_t len;
        char *got = written(rows[k].in, rows[k].n, &len);
        assert_int_equal(len, rows[k].out_n);
        assert_memory_equal(got, rows[k].out, len);
        free(got);
    }
}

/* Random rows of random bytes (weighted towards the bytes that need quoting),
 * written field by field and read back by wl_csv. */
static void test_round_trip_through_the_tokenizer(void **state)
{
    (void)state;
    static const char alphabet[] = "ab ,\"\r\n\0;|\t\xc3\xa9x";
    uint64_t seed = 0x9e3779b97f4a7c15u;
    for (int row = 0; row < 2000; row++) {
        char field[4][24];
        size_t flen[4];
        int nf = 1 + row % 4;
        char *buf = NULL;
        size_t cap = 0;
        FILE *m = open_memstream(&buf, &cap);
        assert_non_null(m);
        /* a header of plain names fixes the delimiter to ',' */
        fputs(nf == 1 ? "h\n" : nf == 2 ? "h,i\n" : nf == 3 ? "h,i,j\n" : "h,i,j,k\n", m);
        for (int k = 0; k < nf; k++) {
            seed = seed * 6364136223846793005u + 1442695040888963407u;
            flen[k] = 1 + (size_t)(seed >> 59) % 20; /* never empty: a blank row is no row */
            for (size_t j = 0; j < flen[k]; j++) {
                seed = seed * 6364136223846793005u + 1442695040888963407u;
                field[k][j] = alphabet[(seed >> 33) % (sizeof alphabet - 1)];
            }
            if (k) fputc(',', m);
            wl_csv_write_field(m, field[k], flen[k]);
        }
        fputc('\n', m);
        assert_int_equal(fclose(m), 0);
        wl_source src;
        wl_csv c;
        assert_int_equal(wl_source_open_mem(&src, buf, cap), WL_SRC_OK);
        assert_int_equal(wl_csv_init(&c, &src, 0, 1024), 0);
        assert_int_equal(wl_csv_next(&c), 1); /* the header */
        assert_int_equal(wl_csv_next(&c), 1);
        assert_int_equal(c.row_err, WL_CSV_ROW_OK);
        assert_int_equal(c.n_fields, (size_t)nf);
        for (int k = 0; k < nf; k++) {
            assert_int_equal(c.flen[k], flen[k]);
            assert_memory_equal(c.field[k], field[k], flen[k]);
        }
        assert_int_equal(wl_csv_next(&c), 0);
        wl_csv_free(&c);
        wl_source_close(&src);
        free(buf);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quoting_rules),
        cmocka_unit_test(test_round_trip_through_the_tokenizer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
