/*
 * store_rows.h -- many rows to one INSERT statement (the person store's bulk
 * writes: index and a refit write every record, person, pair and event).
 *
 * A statement run once per row opens a cursor on the table and on each of its
 * indexes, seeks each from the root and closes and frees them again when it
 * halts: at 10^5 records ~10.5 k instructions a row, and SQLite's writing was
 * a quarter of `index`'s main thread (callgrind, bench/RESULTS.md). One
 * statement of STORE_ROWS rows ("VALUES (...),(...),...") keeps its cursors
 * open from row to row, where an append needs no seek. The rows go in in
 * the order given, each as the one-row statement would write it (same rowids,
 * same OR IGNORE and constraint rules).
 */
#ifndef WL_STORE_ROWS_H
#define WL_STORE_ROWS_H

#include "store.h"

enum { STORE_ROWS = 64 };

/* Binds row `row`'s values to parameters at .. at + cols - 1 of st. */
typedef void (*store_bind_fn)(sqlite3_stmt *st, int at, size_t row, void *arg);

/**
 * Inserts n rows: head is the statement up to VALUES ("INSERT INTO t(a, b)"),
 * each row has cols parameters, bound by bind. Inside the caller's transaction.
 * @return 0, or -1 after printing the error (what names the rows).
 */
int store_insert_rows(store *s, const char *head, int cols, size_t n, store_bind_fn bind, void *arg,
                      const char *what);

#endif
