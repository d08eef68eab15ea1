/*
 * store_json.h -- the records' fields as JSON text, written directly rather
 * than through jansson's tree (store.c store_fields_json).
 *
 * Every record a store takes is written so, and update compares the text
 * with the stored one to find changed rows, so the bytes must be jansson's
 * (json_dumps with JSON_COMPACT | JSON_PRESERVE_ORDER): no blanks, keys in
 * insertion order, '"' and '\' escaped with a backslash, the control
 * characters as \b \f \n \r \t or \u00XX (upper-case hex), everything else,
 * UTF-8 included, as it is. jansson refuses a string that is not valid UTF-8
 * (json_stringn gives NULL and the value is dropped); store_json_utf8 says
 * when to leave a record to jansson, so that case too stays as it was.
 * Building the tree took ~34 k instructions a record (10^4 records of an
 * update: 0.34 G on its main thread); this writer takes a few hundred.
 */
#ifndef WL_STORE_JSON_H
#define WL_STORE_JSON_H

#include <stddef.h>

/** @return 1 when s[0..n) is valid UTF-8 as jansson checks it (no overlong
 * forms, no surrogates, nothing above U+10FFFF), else 0. */
int store_json_utf8(const char *s, size_t n);

/** The room store_json_string needs for n bytes: each may become 6. */
#define STORE_JSON_ROOM(n) (6 * (n) + 2)

/**
 * Writes s[0..n) (valid UTF-8) as a quoted JSON string at out, which has room
 * for STORE_JSON_ROOM(n) bytes. @return the bytes written (no NUL).
 */
size_t store_json_string(char *out, const char *s, size_t n);

#endif
