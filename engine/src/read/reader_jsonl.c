/* reader_jsonl.c -- JSON Lines lists (see reader_jsonl.h).
 *
 * A JSON Lines list is turned into CSV and read by the CSV reader, so both
 * kinds go through one set of row checks (UTF-8, field lengths, ids, roles,
 * rejects). The first object's keys are the columns, as a CSV header is: a
 * list of records of one kind writes the same keys on every line, and a key
 * the first line lacks would have no column (a later line may leave keys out:
 * those cells are empty). Each JSON line k becomes CSV line k + 1 (after the
 * header line), so the CSV reader's line numbers are one above the file's:
 * the reader takes one off (wl_reader.line_shift). Parsing is jansson's
 * (RFC 8259), with duplicate keys refused and NUL in strings refused. */
#include "read/reader_jsonl.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int wl_jsonl_path(const char *path)
{
    size_t n = strlen(path);
    if (n > 3 && !strcmp(path + n - 3, ".gz")) n -= 3;
    return (n > 6 && !strncmp(path + n - 6, ".jsonl", 6)) || (n > 7 && !strncmp(path + n - 7, ".ndjson", 7));
}

typedef struct {
    char *p;
    size_t len, cap;
    int oom;
} buf;

static void put(buf *b, const char *s, size_t n)
{
    if (b->oom) return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1) cap *= 2;
        char *q = realloc(b->p, cap);
        if (!q) {
            b->oom = 1;
            return;
        }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

/* A CSV field, always quoted (quotes doubled). A line break inside a value
 * becomes a space: it would start a new physical line and put the CSV line
 * numbers out of step with the file's (and a name has no line breaks). */
static void put_field(buf *b, const char *s, size_t n)
{
    put(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        char ch = s[i] == '\n' || s[i] == '\r' ? ' ' : s[i];
        if (ch == '"') put(b, "\"", 1);
        put(b, &ch, 1);
    }
    put(b, "\"", 1);
}

/* A scalar's text: 0 and the text, or -1 for an object or array. */
static int scalar(const json_t *v, char *tmp, size_t cap, const char **s, size_t *n)
{
    switch (json_typeof(v)) {
    case JSON_STRING: *s = json_string_value(v); *n = json_string_length(v); return 0;
    case JSON_INTEGER: *n = (size_t)snprintf(tmp, cap, "%" JSON_INTEGER_FORMAT, json_integer_value(v)); break;
    case JSON_REAL: *n = (size_t)snprintf(tmp, cap, "%.17g", json_real_value(v)); break;
    case JSON_TRUE: *n = (size_t)snprintf(tmp, cap, "true"); break;
    case JSON_FALSE: *n = (size_t)snprintf(tmp, cap, "false"); break;
    case JSON_NULL: *n = 0; break;
    default: return -1;
    }
    *s = tmp;
    return 0;
}

/* One cell: a scalar, or an array of scalars joined by ';'. @return 0, or -1
 * with the reason for a nested value. */
static int put_value(buf *b, const json_t *v, const char **why)
{
    char tmp[64];
    const char *s;
    size_t n;
    if (!json_is_array(v)) {
        if (scalar(v, tmp, sizeof tmp, &s, &n) != 0) return *why = "is an object, not a value", -1;
        put_field(b, s, n);
        return 0;
    }
    buf cell = { 0 };
    for (size_t k = 0; k < json_array_size(v); k++) {
        if (scalar(json_array_get(v, k), tmp, sizeof tmp, &s, &n) != 0) {
            free(cell.p);
            return *why = "holds an array or object inside its array", -1;
        }
        if (k) put(&cell, ";", 1);
        put(&cell, s, n);
    }
    b->oom |= cell.oom;
    put_field(b, cell.p ? cell.p : "", cell.len);
    free(cell.p);
    return 0;
}

/* Converts one object to a CSV row of the header's columns. @return 0, or -1
 * with the reason in why[0..cap). */
static int put_row(buf *b, json_t *obj, const char *const *keys, size_t n_keys, char *why, size_t cap)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) {
        size_t c = 0;
        while (c < n_keys && strcmp(keys[c], k)) c++;
        if (c == n_keys) {
            snprintf(why, cap, "key '%.40s' is not a key of the first object (the columns)", k);
            return -1;
        }
    }
    size_t start = b->len;
    for (size_t c = 0; c < n_keys; c++) {
        if (c) put(b, ",", 1);
        const char *reason = NULL;
        json_t *val = json_object_get(obj, keys[c]);
        if (val && put_value(b, val, &reason) != 0) {
            snprintf(why, cap, "the value of '%.40s' %s", keys[c], reason);
            b->len = start;
            return -1;
        }
    }
    return 0;
}

/* Parses one line as an object. @return it, or NULL with the reason. */
static json_t *parse_line(const char *s, size_t n, char *why, size_t cap)
{
    json_error_t e;
    json_t *v = json_loadb(s, n, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &e);
    if (!v) {
        snprintf(why, cap, "not JSON: %.100s (column %d)", e.text, e.column);
        return NULL;
    }
    if (!json_is_object(v)) {
        snprintf(why, cap, "not a JSON object");
        json_decref(v);
        return NULL;
    }
    return v;
}

static int blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r') return 0;
    return 1;
}

wl_status wl_jsonl_to_csv(wl_reader *r, const char *data, size_t len, char **out, size_t *out_len, char *err,
                          size_t errcap)
{
    buf b = { 0 }, rows = { 0 };
    const char **keys = NULL;
    size_t n_keys = 0;
    json_t *first = NULL;
    wl_status st = WL_OK;
    long line = 0;
    if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) data += 3, len -= 3;
    for (size_t pos = 0; pos < len && st == WL_OK;) {
        const char *s = data + pos, *nl = memchr(s, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - s) : len - pos;
        pos += n + 1;
        line++;
        size_t raw_n = n && s[n - 1] == '\r' ? n - 1 : n;
        if (blank(s, n)) { /* a blank line: not a row, as in CSV */
            put(&rows, "\n", 1);
            continue;
        }
        char why[160];
        json_t *obj = parse_line(s, raw_n, why, sizeof why);
        if (!first) {
            if (!obj) {
                wl_set_error(err, errcap, "%s:%ld: the first line gives the columns, but it is %s", r->file, line,
                             why);
                st = WL_FORMAT;
                break;
            }
            first = obj;
            n_keys = json_object_size(obj);
            keys = malloc((n_keys ? n_keys : 1) * sizeof *keys);
            if (!keys) {
                st = WL_NOMEM;
                break;
            }
            size_t c = 0;
            const char *k;
            json_t *v;
            json_object_foreach(first, k, v) {
                (void)v;
                keys[c++] = k;
            }
            for (c = 0; c < n_keys; c++) {
                if (c) put(&b, ",", 1);
                put_field(&b, keys[c], strlen(keys[c]));
            }
            put(&b, "\n", 1);
        }
        if (obj && put_row(&rows, obj, keys, n_keys, why, sizeof why) == 0) {
            put(&rows, "\n", 1);
        } else { /* rejected here, with the JSON line itself; a blank CSV line keeps the count */
            r->rep->rows_read++;
            wl_reader_reject(r, line, s, raw_n, "%s", why);
            put(&rows, "\n", 1);
        }
        if (obj != first) json_decref(obj);
    }
    if (st == WL_OK && !first) {
        wl_set_error(err, errcap, "%s: empty file (no JSON object)", r->file);
        st = WL_FORMAT;
    }
    if (st == WL_OK) put(&b, rows.p ? rows.p : "", rows.len);
    if (st == WL_OK && (b.oom || rows.oom)) st = WL_NOMEM;
    free(rows.p);
    free(keys);
    json_decref(first);
    if (st != WL_OK) {
        free(b.p);
        return st;
    }
    *out = b.p;
    *out_len = b.len;
    return WL_OK;
}
