/* reader_row.c -- one data row: validated, split into role values and added to
 * the dataset, or rejected with its line and reason (see reader.h). Every row
 * ends in exactly one of the two, so rows_read == accepted + rejected. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "read/reader.h"
#include "read/reader_columns.h"
#include "read/reader_scan.h"
#include "read/reader_utf8.h"

void wl_reader_reject(wl_reader *r, long line, const char *raw, size_t raw_len, const char *fmt, ...)
{
    char reason[sizeof r->rep->reject_reason[0]];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    /* a reason cut at its buffer's end must not end inside a character */
    reason[wl_utf8_check(reason, strlen(reason))] = '\0';
    line -= r->line_shift;
    wl_read_report *rep = r->rep;
    rep->rejected++;
    if (rep->n_first_rejects < WL_REPORT_MAX_REJECTS) {
        rep->reject_line[rep->n_first_rejects] = line;
        memcpy(rep->reject_reason[rep->n_first_rejects], reason, sizeof reason);
        rep->n_first_rejects++;
    }
    if (r->opt->on_reject) r->opt->on_reject(r->opt->user, r->file, line, reason, raw, raw_len);
}

/* Blanks: ASCII white space, NO-BREAK SPACE (C2 A0), IDEOGRAPHIC SPACE (E3 80 80). */
static size_t blank_at(const char *s, size_t n)
{
    unsigned char c = (unsigned char)s[0];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f') return 1;
    if (c == 0xC2 && n >= 2 && (unsigned char)s[1] == 0xA0) return 2;
    if (c == 0xE3 && n >= 3 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0x80) return 3;
    return 0;
}

static size_t blank_before(const char *s, size_t n)
{
    unsigned char c = (unsigned char)s[n - 1];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f') return 1;
    if (c == 0xA0 && n >= 2 && (unsigned char)s[n - 2] == 0xC2) return 2;
    if (c == 0x80 && n >= 3 && (unsigned char)s[n - 3] == 0xE3 && (unsigned char)s[n - 2] == 0x80) return 3;
    return 0;
}

const char *wl_reader_trim(const char *s, size_t n, size_t *len)
{
    /* most cells start and end with a printable ASCII byte: nothing to trim */
    if (WL_LIKELY(n && (unsigned char)s[0] - 0x21u < 0x5Eu && (unsigned char)s[n - 1] - 0x21u < 0x5Eu)) {
        *len = n;
        return s;
    }
    size_t k;
    while (n && (k = blank_at(s, n)) != 0) {
        s += k;
        n -= k;
    }
    while (n && (k = blank_before(s, n)) != 0)
        n -= k;
    *len = n;
    return s;
}

static int is_multi(int role)
{
    return role == WL_ROLE_ALIAS || role == WL_ROLE_DOB || role == WL_ROLE_NATIONALITY ||
           role == WL_ROLE_DOC_NUMBER;
}

/* Doubles the row's value arrays. @return 0 or -1 when out of memory. */
static int grow_values(wl_reader *r)
{
    size_t cap = r->val_cap ? r->val_cap * 2 : 32;
    const char **v = realloc(r->val, cap * sizeof *v);
    if (!v) return -1;
    r->val = v;
    size_t *l = realloc(r->val_len, cap * sizeof *l);
    if (!l) return -1;
    r->val_len = l;
    uint8_t *ro = realloc(r->val_role, cap);
    if (!ro) return -1;
    r->val_role = ro;
    uint64_t *hs = realloc(r->val_hash, cap * sizeof *hs);
    if (!hs) return -1;
    r->val_hash = hs;
    r->val_cap = cap;
    return 0;
}

/* Appends one value of the row (inline: ten a row; the growth is apart). */
static inline int push_value(wl_reader *r, size_t *nv, int role, const char *s, size_t n)
{
    if (WL_UNLIKELY(*nv == r->val_cap) && grow_values(r) != 0) return -1;
    r->val[*nv] = s;
    r->val_len[*nv] = n;
    r->val_role[*nv] = (uint8_t)role;
    (*nv)++;
    return 0;
}

/* Splits a multi-valued cell on ';' or '|'; every value trimmed, empty ones dropped. */
static int push_multi(wl_reader *r, size_t *nv, int role, const char *s, size_t n)
{
    const char *end = s + n;
    while (s < end) {
        const char *p = wl_scan2(s, end, ';', '|');
        size_t tl;
        const char *t = wl_reader_trim(s, (size_t)(p - s), &tl);
        if (tl && push_value(r, nv, role, t, tl) != 0) return -1;
        s = p + 1;
    }
    return 0;
}

/* Names quoted in reasons are cut at 40 bytes, on a character boundary. */
static int name_len(const char *s)
{
    return (int)wl_utf8_cut(s, strlen(s), 40);
}

/* Checks the tokenizer's verdict, the field count and the bytes. @return 1 when
 * the row was rejected. */
static int reject_malformed(wl_reader *r, const wl_csv *c)
{
    long line = c->row_line;
    switch (c->row_err) {
    case WL_CSV_ROW_OK:
        break;
    case WL_CSV_ROW_UNTERMINATED:
        wl_reader_reject(r, line, c->raw, c->raw_len, "unterminated quote");
        return 1;
    case WL_CSV_ROW_QUOTE_TOO_LONG:
        wl_reader_reject(r, line, c->raw, c->raw_len,
                         "quote still open after %zu bytes (unterminated quote?)", c->row_cap);
        return 1;
    case WL_CSV_ROW_TOO_LONG:
        wl_reader_reject(r, line, c->raw, c->raw_len, "row longer than %zu bytes", c->row_cap);
        return 1;
    case WL_CSV_ROW_FIELD_TOO_LONG:
        wl_reader_reject(r, line, c->raw, c->raw_len, "field %zu%s%.*s%s longer than %zu bytes",
                         c->err_field + 1, c->err_field < r->n_cols ? " '" : "",
                         c->err_field < r->n_cols ? name_len(r->col_name[c->err_field]) : 0,
                         c->err_field < r->n_cols ? r->col_name[c->err_field] : "",
                         c->err_field < r->n_cols ? "'" : "", r->max_field);
        return 1;
    case WL_CSV_ROW_TOO_MANY_FIELDS:
        wl_reader_reject(r, line, c->raw, c->raw_len,
                         "wrong field count: more than %d fields, header has %zu", WL_CSV_MAX_FIELDS,
                         r->n_cols);
        return 1;
    }
    if (c->n_fields != r->n_cols) {
        wl_reader_reject(r, line, c->raw, c->raw_len, "wrong field count: %zu fields, header has %zu",
                         c->n_fields, r->n_cols);
        return 1;
    }
    if (WL_LIKELY(wl_utf8_check(c->raw, c->raw_len) == c->raw_len)) return 0;
    for (size_t k = 0; k < c->n_fields; k++) {
        size_t off = wl_utf8_check(c->field[k], c->flen[k]);
        if (off == c->flen[k]) continue;
        wl_reader_reject(r, line, c->raw, c->raw_len, "%s in field %zu '%.*s' (byte %zu)",
                         c->field[k][off] == '\0' ? "NUL byte" : "invalid UTF-8", k + 1,
                         name_len(r->col_name[k]), r->col_name[k], off + 1);
        return 1;
    }
    wl_reader_reject(r, line, c->raw, c->raw_len, "invalid UTF-8 or NUL byte");
    return 1;
}

/* The source of a row: the options' name, else its source column, else the
 * default (wl_read_options.default_source or the file's), added to the dataset
 * when a row first takes it. The last column value is remembered: lists
 * rarely switch source. */
static uint32_t row_source(wl_reader *r, const char *s, size_t n)
{
    if (r->opt->source || n == 0) {
        if (r->source == UINT32_MAX && wl_reader_flush(r) == WL_OK)
            r->source = wl_ds_source_index(r->ds, r->source_name, strlen(r->source_name));
        return r->source;
    }
    if (r->row_source_len == n) {
        const char *last = r->ds->pool + r->ds->sources[r->row_source_idx];
        if (memcmp(last, s, n) == 0) return r->row_source_idx;
    }
    /* a source name not seen just before may be new to the pool: the queued
     * rows go first, so the pool keeps the order of the rows */
    if (wl_reader_flush(r) != WL_OK) return UINT32_MAX;
    uint32_t idx = wl_ds_source_index(r->ds, s, n);
    if (idx == UINT32_MAX) return UINT32_MAX;
    r->row_source_idx = idx;
    r->row_source_len = n;
    return idx;
}

/* The checks of reject_malformed that pass for almost every row. */
static int row_well_formed(const wl_reader *r, const wl_csv *c)
{
    return c->row_err == WL_CSV_ROW_OK && c->n_fields == r->n_cols &&
           wl_utf8_check(c->raw, c->raw_len) == c->raw_len;
}

/* Collects the row's values in column order. @return -1 when out of memory. */
static int collect(wl_reader *r, const wl_csv *c, size_t *nv, uint32_t *mask, const char **id, size_t *id_len,
                   const char **src, size_t *src_len)
{
    for (size_t k = 0; k < r->n_cols; k++) {
        int role = r->roles[k];
        if (role < 0) continue;
        size_t tl;
        const char *t = wl_reader_trim(c->field[k], c->flen[k], &tl);
        if (role == WL_ROLE_ID || role == WL_ROLE_SOURCE) {
            if ((long)k == r->id_col) {
                *id = t;
                *id_len = tl;
            }
            if ((long)k == r->source_col) {
                *src = t;
                *src_len = tl;
            }
            if (tl) *mask |= 1u << role;
            continue;
        }
        size_t before = *nv;
        int rc = is_multi(role) ? push_multi(r, nv, role, t, tl) : (tl ? push_value(r, nv, role, t, tl) : 0);
        if (rc != 0) return -1;
        if (*nv > before) *mask |= 1u << role;
    }
    return 0;
}

/* A record needs something that can identify a person: a name, or a document
 * number (a watchlist entry known only by a passport number is still a suspect,
 * and blocking on the document key can find it). */
static int has_identity(uint32_t mask)
{
    const uint32_t names = 1u << WL_ROLE_FULL_NAME | 1u << WL_ROLE_GIVEN_NAME | 1u << WL_ROLE_FAMILY_NAME |
                           1u << WL_ROLE_ALIAS | 1u << WL_ROLE_MRZ | 1u << WL_ROLE_DOC_NUMBER;
    return (mask & names) != 0;
}

/* ---- the batch of pending rows ----
 *
 * Interning every value in one table of the whole pool made the probe the
 * reader's bottleneck at 10^6 rows (perf: 39 % of a plain read in the probe
 * loop, 2/3 of the time in storing): the table of every distinct string no
 * longer fits the cache and ids and document numbers are new strings whose
 * probes miss. Interning only saves memory (everything downstream reads
 * values as text), so values are now copied to the pool, and a small
 * direct-mapped cache per role of the values seen recently (VCACHE entries)
 * shares the copies of the frequent ones: given names, nationalities, sexes,
 * places stay shared, an id or a passport number is written once as it was
 * anyway. Duplicate ids are found in the (source, id) index, kept current.
 *
 * The index probe is the one cache miss left per row, so rows are queued:
 * their hashes are computed and their index slots prefetched when they are
 * queued, and BATCH_ROWS rows later they are stored in row order. Every
 * rejection first stores the queue, so rejections and records interleave as
 * the rows do. */
enum { BATCH_ROWS = 64, BATCH_TEXT = 64 * 1024, VCACHE = 1024, VCACHE_AFTER = 64 };

struct wl_pending_row {
    long line;
    uint32_t source, mask;
    size_t id_at, id_len, raw_at, raw_len;
    size_t val0, nv; /* values bval[val0 .. val0 + nv) */
    uint64_t id_hash;
};

/* One slot of the per-role value cache. */
struct wl_vcache_slot {
    uint64_t hash;
    uint32_t off, len; /* pool copy; len 0: empty */
};

void wl_reader_batch_free(wl_reader *r)
{
    free(r->brow);
    free(r->bval_at);
    free(r->bval_len);
    free(r->bval_role);
    free(r->bval_hash);
    free(r->bval_off);
    free(r->btext);
    free(r->vcache);
    r->brow = NULL;
    r->bval_at = r->bval_len = NULL;
    r->bval_role = NULL;
    r->bval_hash = NULL;
    r->bval_off = NULL;
    r->btext = NULL;
    r->vcache = NULL;
}

/* Copies s[0..n) to the batch text. @return its offset, or SIZE_MAX when out of memory. */
static size_t btext_put(wl_reader *r, const char *s, size_t n)
{
    if (r->btext_len + n > r->btext_cap) {
        size_t cap = r->btext_cap ? r->btext_cap : BATCH_TEXT + 4096;
        while (cap < r->btext_len + n)
            cap *= 2;
        char *t = realloc(r->btext, cap);
        if (!t) return SIZE_MAX;
        r->btext = t;
        r->btext_cap = cap;
    }
    size_t at = r->btext_len;
    if (n) memcpy(r->btext + at, s, n);
    r->btext_len += n;
    return at;
}

static int bval_reserve(wl_reader *r, size_t need)
{
    if (need <= r->bval_cap) return 0;
    size_t cap = r->bval_cap ? r->bval_cap : 1024;
    while (cap < need)
        cap *= 2;
    size_t *at = realloc(r->bval_at, cap * sizeof *at);
    if (!at) return -1;
    r->bval_at = at;
    size_t *len = realloc(r->bval_len, cap * sizeof *len);
    if (!len) return -1;
    r->bval_len = len;
    uint8_t *ro = realloc(r->bval_role, cap);
    if (!ro) return -1;
    r->bval_role = ro;
    uint64_t *hs = realloc(r->bval_hash, cap * sizeof *hs);
    if (!hs) return -1;
    r->bval_hash = hs;
    uint32_t *of = realloc(r->bval_off, cap * sizeof *of);
    if (!of) return -1;
    r->bval_off = of;
    r->bval_cap = cap;
    return 0;
}

/* The pool offset of a value: the copy of the same text held in the role's
 * cache, else a new copy (which then takes the cache slot). @return the offset
 * or UINT32_MAX when out of memory. */
static uint32_t value_off(wl_reader *r, int role, const char *s, size_t n, uint64_t hv)
{
    /* A file's first rows are copied without the cache: clearing a role's
     * table (16 KiB) cost more than the few copies it could share, and a
     * screening service reads a file of one row per query (callgrind: 86,000
     * of the 1.2 M instructions of a warm one-record query went to memset). */
    if (r->rep->accepted < VCACHE_AFTER) return wl_ds_append(r->ds, s, n);
    if (!r->vcache_clear[role]) { /* see queue: zeroed on the role's first value */
        memset(&r->vcache[(size_t)role * VCACHE], 0, VCACHE * sizeof *r->vcache);
        r->vcache_clear[role] = 1;
    }
    struct wl_vcache_slot *c = &r->vcache[(size_t)role * VCACHE + (hv & (VCACHE - 1))];
    if (c->hash == hv && c->len == n && memcmp(r->ds->pool + c->off, s, n) == 0) return c->off;
    uint32_t off = wl_ds_append(r->ds, s, n);
    if (off != UINT32_MAX) {
        c->hash = hv;
        c->off = off;
        c->len = (uint32_t)n;
    }
    return off;
}

/* Adds one pending row under (source, id), or rejects it as a duplicate id.
 * @return WL_OK or WL_NOMEM. */
static wl_status store(wl_reader *r, const struct wl_pending_row *p)
{
    const char *id = r->btext + p->id_at;
    size_t id_len = p->id_len;
    size_t dup = wl_ds_find_id_hashed(r->ds, p->source, id, id_len, p->id_hash);
    if (dup == SIZE_MAX - 1) return WL_NOMEM;
    if (dup != SIZE_MAX) {
        const char *dsrc = wl_dataset_source(r->ds, dup);
        wl_reader_reject(r, p->line, r->btext + p->raw_at, p->raw_len, "duplicate id '%.*s' in source '%.*s'",
                         (int)wl_utf8_cut(id, id_len, 40), id, name_len(dsrc), dsrc);
        return WL_OK;
    }
    uint32_t id_off = wl_ds_append(r->ds, id, id_len);
    if (id_off == UINT32_MAX) return WL_NOMEM;
    size_t v = p->val0;
    for (size_t k = v; k < v + p->nv; k++) {
        r->bval_off[k] = value_off(r, r->bval_role[k], r->btext + r->bval_at[k], r->bval_len[k], r->bval_hash[k]);
        if (r->bval_off[k] == UINT32_MAX) return WL_NOMEM;
    }
    size_t rec = wl_ds_add_record_offsets(r->ds, p->source, id_off, r->bval_role + v, r->bval_off + v,
                                          r->bval_len + v, p->nv);
    if (rec == SIZE_MAX || wl_ds_id_added(r->ds, rec, p->id_hash) != 0) return WL_NOMEM;
    r->rep->accepted++;
    for (int role = 0; p->mask >> role; role++)
        r->rep->filled[role] += p->mask >> role & 1u;
    return WL_OK;
}

wl_status wl_reader_flush(wl_reader *r)
{
    wl_status st = WL_OK;
    for (size_t i = 0; i < r->n_brow && st == WL_OK; i++)
        st = store(r, &r->brow[i]);
    r->n_brow = r->n_bval = r->btext_len = 0;
    return st;
}

/* The batch text offset of s[0..n): inside the row's raw bytes, already
 * copied at raw_at, when s lies there (most values: the tokenizer leaves
 * fields in its buffer unless a quote is unescaped), else a copy of its own
 * (unescaped text, a generated id). One copy a row instead of one a value.
 * @return the offset, or SIZE_MAX when out of memory. */
static inline size_t in_raw(wl_reader *r, const wl_csv *c, size_t raw_at, const char *s, size_t n)
{
    /* addresses compared as integers: s may lie in another object */
    uintptr_t off = (uintptr_t)s - (uintptr_t)c->raw;
    if (n <= c->raw_len && off <= c->raw_len - n) return raw_at + (size_t)off;
    return btext_put(r, s, n);
}

/* Queues a valid row (values collected in r->val); stores the batch when it is
 * full. @return WL_OK or WL_NOMEM. */
static wl_status queue(wl_reader *r, const wl_csv *c, uint32_t source, const char *id, size_t id_len, size_t nv,
                       uint32_t mask)
{
    if (!r->brow && !(r->brow = malloc(BATCH_ROWS * sizeof *r->brow))) return WL_NOMEM;
    /* Not calloc: a file of a few rows (a screening service reads one per
     * query) would clear every role's table, 0.6 MB, for a handful of values;
     * value_off clears a role's table on its first value instead. */
    if (!r->vcache) {
        if (!(r->vcache = malloc((size_t)WL_ROLE_COUNT * VCACHE * sizeof *r->vcache))) return WL_NOMEM;
        memset(r->vcache_clear, 0, sizeof r->vcache_clear);
    }
    if (bval_reserve(r, r->n_bval + nv) != 0) return WL_NOMEM;
    /* room for the queued rows too: a slot prefetched now must not move */
    if (wl_ds_id_reserve(r->ds, r->n_brow + 1) != 0) return WL_NOMEM;
    struct wl_pending_row *p = &r->brow[r->n_brow];
    p->line = c->row_line;
    p->source = source;
    p->mask = mask;
    p->id_len = id_len;
    p->raw_len = c->raw_len;
    p->val0 = r->n_bval;
    p->nv = nv;
    if ((p->raw_at = btext_put(r, c->raw, c->raw_len)) == SIZE_MAX) return WL_NOMEM;
    if ((p->id_at = in_raw(r, c, p->raw_at, id, id_len)) == SIZE_MAX) return WL_NOMEM;
    p->id_hash = wl_ds_id_hash(source, id, id_len);
    wl_ds_id_prefetch(r->ds, p->id_hash);
    for (size_t k = 0; k < nv; k++) {
        size_t j = r->n_bval + k;
        if ((r->bval_at[j] = in_raw(r, c, p->raw_at, r->val[k], r->val_len[k])) == SIZE_MAX) return WL_NOMEM;
        r->bval_len[j] = r->val_len[k];
        r->bval_role[j] = r->val_role[k];
        r->bval_hash[j] = wl_hash(r->val[k], r->val_len[k]);
    }
    r->n_bval += nv;
    r->n_brow++;
    if (r->n_brow == BATCH_ROWS || r->btext_len >= BATCH_TEXT) return wl_reader_flush(r);
    return WL_OK;
}

wl_status wl_reader_row(wl_reader *r, const wl_csv *c)
{
    r->rep->rows_read++;
    r->data_row++;
    if (WL_UNLIKELY(!row_well_formed(r, c))) {
        if (wl_reader_flush(r) != WL_OK) return WL_NOMEM;
        (void)reject_malformed(r, c);
        return WL_OK;
    }
    size_t nv = 0, id_len = 0, src_len = 0;
    uint32_t mask = 0;
    const char *id = NULL, *src = NULL;
    if (collect(r, c, &nv, &mask, &id, &id_len, &src, &src_len) != 0) return WL_NOMEM;
    if (!has_identity(mask)) {
        if (wl_reader_flush(r) != WL_OK) return WL_NOMEM;
        wl_reader_reject(r, c->row_line, c->raw, c->raw_len,
                         "no name and no document number (full_name, given_name, family_name, "
                         "alias, mrz or doc_number)");
        return WL_OK;
    }
    /* No id column: the data row number. A blank cell of an id column gets
     * "@line:" and its file line instead: a row number could be another row's
     * real id, so the prefix is reserved and a real id that starts with it is
     * rejected (README, Input). */
    char rowno[32];
    if (r->id_col >= 0 && id_len >= sizeof WL_BLANK_ID_PREFIX - 1 &&
        !memcmp(id, WL_BLANK_ID_PREFIX, sizeof WL_BLANK_ID_PREFIX - 1)) {
        if (wl_reader_flush(r) != WL_OK) return WL_NOMEM;
        wl_reader_reject(r, c->row_line, c->raw, c->raw_len,
                         "id starts with '" WL_BLANK_ID_PREFIX "', kept for rows with a blank id");
        return WL_OK;
    }
    if (!id || id_len == 0) {
        id_len = r->id_col >= 0 ? (size_t)snprintf(rowno, sizeof rowno, WL_BLANK_ID_PREFIX "%ld", c->row_line)
                                : (size_t)snprintf(rowno, sizeof rowno, "%zu", r->data_row);
        id = rowno;
    }
    uint32_t source = row_source(r, src, src_len);
    if (source == UINT32_MAX) return WL_NOMEM;
    return queue(r, c, source, id, id_len, nv, mask);
}
