/*
 * tables.h -- data tables compiled in from datasets/tables/NAME.tsv (see
 * cmake/embed_tables.cmake). Each table is UTF-8 text: '#' starts a comment
 * line, fields are tab-separated, blank lines are skipped.
 */
#ifndef WL_TABLES_H
#define WL_TABLES_H

#include <stddef.h>

/** @return the bytes of table NAME (file name without .tsv) and its length, or NULL. */
const char *wl_table_get(const char *name, size_t *len);

/* Iterates the data lines of a table: fields split on tabs into f[0..max). */
typedef struct {
    const char *p, *end;
    long line;
} wl_table_iter;

void wl_table_iter_init(wl_table_iter *it, const char *data, size_t len);
/** @return the number of fields of the next data line (0 at the end); field
 *  k is f[k] with length flen[k], not NUL-terminated. */
int wl_table_next(wl_table_iter *it, const char **f, size_t *flen, int max);

#endif
