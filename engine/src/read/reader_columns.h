/*
 * reader_columns.h -- header names to roles (stage 1, read): synonyms from the
 * datasets/tables/columns.tsv table, then "role=column" overrides (--map).
 * Internal: not API.
 */
#ifndef WL_READER_COLUMNS_H
#define WL_READER_COLUMNS_H

#include <stddef.h>

#include "watchlink.h"

/**
 * Normalises a header name for lookup: blanks trimmed, ASCII lower case, and
 * space, '-' and '.' turned into '_' (runs of them collapse to one).
 * @return the length written to out (at most cap - 1; out is NUL-terminated).
 */
size_t wl_column_normalise(const char *name, size_t len, char *out, size_t cap);

/** @return the role a header name maps to by synonym, or -1 when it has none. */
int wl_column_role(const char *name, size_t len);

/**
 * Maps every header column to a role (or -1) and applies the overrides.
 * An override "role=column" gives the column (matched after normalisation) that
 * role; other columns lose it unless the role allows several columns (text,
 * alias). The role "ignore" (or "none") drops a column.
 * @param lens   lengths of the names, or NULL when they are NUL-terminated
 * @param roles  receives n entries
 * @return WL_OK, or WL_USAGE with err naming the unknown role or column.
 */
wl_status wl_columns_map(const char *const *names, const size_t *lens, size_t n, const char *const *map,
                         size_t n_map, int *roles, char *err, size_t errcap);

/** @return 1 when a role can identify a person by name (full_name, given_name,
 *  family_name, alias, mrz). */
int wl_role_is_name(int role);

#endif /* WL_READER_COLUMNS_H */
