/* test_store_rows.c -- many rows to one INSERT (cli/store_rows.c): every row
 * goes in once, in the order given (rowids handed out in that order), for
 * counts below, at and around the rows per statement; a constraint failure
 * is reported, not passed over. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "store_rows.h"

/* The command line's error printer (cli/common.c), counted here. */
static int g_errors;
void cli_error(const char *fmt, ...)
{
    (void)fmt;
    g_errors++;
}

typedef struct {
    int64_t key[1024];
    char text[1024][24]; /* "v" and any size_t: no truncation for -Wformat-truncation */
} rows;

static void bind_row(sqlite3_stmt *st, int at, size_t row, void *arg)
{
    const rows *r = arg;
    sqlite3_bind_int64(st, at, r->key[row]);
    sqlite3_bind_text(st, at + 1, r->text[row], -1, SQLITE_STATIC);
}

static store open_store(void)
{
    store s = { NULL, ":memory:" };
    assert_int_equal(sqlite3_open(":memory:", &s.db), SQLITE_OK);
    /* seq: the rowid SQLite hands out, in the order the rows arrive */
    assert_int_equal(sqlite3_exec(s.db, "CREATE TABLE t(seq INTEGER PRIMARY KEY, k INTEGER NOT NULL, v TEXT NOT NULL"
                                        " UNIQUE)", NULL, NULL, NULL), SQLITE_OK);
    return s;
}

static void fill(rows *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        r->key[i] = (int64_t)(n - i) * 7; /* descending: the order given, not the keys', must be kept */
        snprintf(r->text[i], sizeof r->text[i], "v%zu", i);
    }
}

static void test_every_row_once_in_order(void **state)
{
    (void)state;
    static rows r;
    const size_t counts[] = { 0, 1, STORE_ROWS - 1, STORE_ROWS, STORE_ROWS + 1, 3 * STORE_ROWS + 5, 1024 };
    for (size_t c = 0; c < sizeof counts / sizeof *counts; c++) {
        size_t n = counts[c];
        store s = open_store();
        fill(&r, n);
        g_errors = 0;
        assert_int_equal(store_insert_rows(&s, "INSERT INTO t(k, v)", 2, n, bind_row, &r, "rows"), 0);
        assert_int_equal(g_errors, 0);
        sqlite3_stmt *st;
        assert_int_equal(sqlite3_prepare_v2(s.db, "SELECT seq, k, v FROM t ORDER BY seq", -1, &st, NULL), SQLITE_OK);
        size_t got = 0;
        while (sqlite3_step(st) == SQLITE_ROW) {
            assert_true(got < n);
            assert_int_equal(sqlite3_column_int64(st, 0), (int64_t)got + 1);
            assert_int_equal(sqlite3_column_int64(st, 1), r.key[got]);
            assert_string_equal((const char *)sqlite3_column_text(st, 2), r.text[got]);
            got++;
        }
        sqlite3_finalize(st);
        assert_int_equal(got, n);
        sqlite3_close(s.db);
    }
}

static void test_failure_is_reported(void **state)
{
    (void)state;
    static rows r;
    size_t n = 2 * STORE_ROWS + 3;
    store s = open_store();
    fill(&r, n);
    strcpy(r.text[STORE_ROWS + 2], r.text[1]); /* a duplicate in the second statement */
    g_errors = 0;
    assert_int_equal(store_insert_rows(&s, "INSERT INTO t(k, v)", 2, n, bind_row, &r, "rows"), -1);
    assert_int_equal(g_errors, 1);
    strcpy(r.text[STORE_ROWS + 2], "fresh");
    strcpy(r.text[n - 1], r.text[0]); /* and in the tail */
    sqlite3_exec(s.db, "DELETE FROM t", NULL, NULL, NULL);
    g_errors = 0;
    assert_int_equal(store_insert_rows(&s, "INSERT INTO t(k, v)", 2, n, bind_row, &r, "rows"), -1);
    assert_int_equal(g_errors, 1);
    sqlite3_close(s.db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_row_once_in_order),
        cmocka_unit_test(test_failure_is_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
