/* store_rows.c -- many rows to one INSERT statement (store_rows.h). */
#include <stdlib.h>
#include <string.h>

#include "store_rows.h"

/* "HEAD VALUES (?,..,?),...,(?,..,?)": rows rows of cols parameters. */
static sqlite3_stmt *prepare_rows(store *s, const char *head, int cols, size_t rows)
{
    size_t len = strlen(head), cap = len + 8 + rows * (2 * (size_t)cols + 2);
    char *sql = malloc(cap), *o = sql;
    if (!sql) return NULL;
    memcpy(o, head, len);
    o += len;
    memcpy(o, " VALUES ", 8);
    o += 8;
    for (size_t r = 0; r < rows; r++) {
        if (r) *o++ = ',';
        *o++ = '(';
        for (int c = 0; c < cols; c++) {
            if (c) *o++ = ',';
            *o++ = '?';
        }
        *o++ = ')';
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, (int)(o - sql), &st, NULL) != SQLITE_OK) st = NULL;
    free(sql);
    return st;
}

/* Binds rows [from, from + rows) to st, runs it and resets it. @return 0, or
 * -1 after printing the error. */
static int run_rows(store *s, sqlite3_stmt *st, int cols, size_t from, size_t rows, store_bind_fn bind, void *arg,
                    const char *what)
{
    for (size_t r = 0; r < rows; r++) bind(st, 1 + (int)r * cols, from + r, arg);
    if (sqlite3_step(st) == SQLITE_DONE) return sqlite3_reset(st), 0;
    cli_error("%s: writing %s: %s", s->path, what, sqlite3_errmsg(s->db));
    sqlite3_reset(st);
    return -1;
}

/* The statement of rows rows, or NULL after printing the error. */
static sqlite3_stmt *prepared(store *s, const char *head, int cols, size_t rows, const char *what)
{
    sqlite3_stmt *st = prepare_rows(s, head, cols, rows);
    if (!st) cli_error("%s: writing %s: %s", s->path, what, sqlite3_errmsg(s->db));
    return st;
}

int store_insert_rows(store *s, const char *head, int cols, size_t n, store_bind_fn bind, void *arg,
                      const char *what)
{
    size_t full = n / STORE_ROWS, tail = n % STORE_ROWS;
    sqlite3_stmt *st = full ? prepared(s, head, cols, STORE_ROWS, what) : NULL;
    int rc = full && !st ? -1 : 0;
    for (size_t b = 0; rc == 0 && b < full; b++)
        rc = run_rows(s, st, cols, b * STORE_ROWS, STORE_ROWS, bind, arg, what);
    sqlite3_finalize(st);
    st = rc == 0 && tail ? prepared(s, head, cols, tail, what) : NULL;
    if (rc == 0 && tail) rc = st ? run_rows(s, st, cols, full * STORE_ROWS, tail, bind, arg, what) : -1;
    sqlite3_finalize(st);
    return rc;
}
