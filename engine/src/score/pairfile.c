/* pairfile.c -- reading files of record pairs (see pairfile.h).
 *
 * The rows come from the engine's one CSV tokenizer (read/reader_csv.h), the one
 * the lists go through, so a pairs or truth file gets what a list gets: CRLF,
 * LF or CR line ends, quoted fields with doubled quotes and line breaks, a byte
 * order mark, UTF-16, gzip, comma or tab. This file once split rows itself and
 * left a CRLF file's '\r' in the string handed to strtof, so every probability
 * of a pairs file saved on Windows was "not a number" (issue 16.4). */
#include "score/pairfile.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "read/reader_csv.h"

/* ---- rows: of the CSV tokenizer, or of JSON Lines ----
 *
 * watchlink writes its pairs and clusters as JSON Lines too (--format jsonl):
 * {"left_source":"idn","left_id":"7",...,"probability":0.98,"match_weight":5.6}
 * with --explain a nested object per field. eval once refused its own output
 * ("not a pairs file"). A file whose first character (after a byte order mark
 * and blank space, gzip inflated) is '{' is read as JSON Lines
 * (https://jsonlines.org): the first object's keys are the columns, each line
 * one row, a key's string taken as it is and a number as written; keys other
 * than the columns wanted (nested --explain objects among them) are not read.
 * Parsing is jansson's (RFC 8259), duplicate keys refused. */

enum { V_OK = 0, V_MISSING = 1, V_NOT_SCALAR = 2 };

typedef struct {
    wl_csv *csv;                /* NULL: JSON Lines */
    /* JSON Lines */
    const char *text;
    size_t len, pos;
    long next_line;             /* line number of text[pos] */
    json_t *obj;                /* the current line's object */
    char **keys;                /* the first object's keys: the columns */
    size_t n_keys;
    int replay;                 /* the first object is read again as the first row */
    char (*num)[40];            /* numbers' text, per column */
    const char **jf;
    size_t *jl;
    /* the current row (or header), either kind */
    const char *const *field;
    const size_t *flen;
    unsigned char *state;       /* per column: V_*; NULL for CSV (always V_OK) */
    size_t n;
    long line;
} rows;

static void rows_free(rows *r)
{
    json_decref(r->obj);
    for (size_t k = 0; k < r->n_keys; k++) free(r->keys[k]);
    free(r->keys);
    free(r->num);
    free((void *)r->jf);
    free(r->jl);
    free(r->state);
}

static int find_col(const rows *c, const char *name)
{
    size_t want = strlen(name);
    for (size_t k = 0; k < c->n; k++)
        if (c->flen[k] == want && strncasecmp(c->field[k], name, want) == 0) return (int)k;
    return -1;
}

/* @return 1 when the text, past a UTF-8 byte order mark and blank space, starts
 * with '{': JSON Lines, never a CSV header. */
static int json_lines(const char *s, size_t n)
{
    size_t i = n >= 3 && !memcmp(s, "\xef\xbb\xbf", 3) ? 3 : 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) i++;
    return i < n && s[i] == '{';
}

/* The next non-blank line of JSON Lines as an object in r->obj. @return 1, 0
 * at the end, -1 with "name:line: reason". */
static int json_next_object(rows *r, const char *name, char *err, size_t errcap)
{
    for (;;) {
        if (r->pos >= r->len) return 0;
        const char *s = r->text + r->pos, *nl = memchr(s, '\n', r->len - r->pos);
        size_t n = nl ? (size_t)(nl - s) : r->len - r->pos;
        long line = r->next_line++;
        r->pos += n + (nl != NULL);
        if (line == 1 && n >= 3 && !memcmp(s, "\xef\xbb\xbf", 3)) s += 3, n -= 3;
        while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
        size_t b = 0;
        while (b < n && (s[b] == ' ' || s[b] == '\t')) b++;
        if (b == n) continue; /* blank line */
        json_error_t je;
        json_decref(r->obj);
        r->obj = json_loadb(s + b, n - b, JSON_REJECT_DUPLICATES, &je);
        r->line = line;
        if (!r->obj) {
            wl_set_error(err, errcap, "%s:%ld: not JSON (%s)", name, line, je.text);
            return -1;
        }
        if (!json_is_object(r->obj)) {
            wl_set_error(err, errcap, "%s:%ld: a JSON line that is not an object", name, line);
            return -1;
        }
        return 1;
    }
}

/* The current object's values in the columns' order. */
static void json_fields(rows *r)
{
    for (size_t k = 0; k < r->n_keys; k++) {
        json_t *v = json_object_get(r->obj, r->keys[k]);
        r->jf[k] = "";
        r->jl[k] = 0;
        r->state[k] = v ? V_OK : V_MISSING;
        if (!v) continue;
        switch (json_typeof(v)) {
        case JSON_STRING: r->jf[k] = json_string_value(v); r->jl[k] = json_string_length(v); break;
        case JSON_INTEGER:
            r->jl[k] = (size_t)snprintf(r->num[k], sizeof r->num[k], "%" JSON_INTEGER_FORMAT, json_integer_value(v));
            r->jf[k] = r->num[k];
            break;
        case JSON_REAL:
            r->jl[k] = (size_t)snprintf(r->num[k], sizeof r->num[k], "%.17g", json_real_value(v));
            r->jf[k] = r->num[k];
            break;
        case JSON_NULL: break;
        default: r->state[k] = V_NOT_SCALAR; break; /* true/false, arrays, objects: no id or probability */
        }
    }
    r->field = r->jf;
    r->flen = r->jl;
    r->n = r->n_keys;
}

/* The first object's keys as the header row. @return 1, 0 (no object), -1, -2. */
static int json_header(rows *r, const char *name, char *err, size_t errcap)
{
    int rc = json_next_object(r, name, err, errcap);
    if (rc <= 0) return rc;
    size_t n = json_object_size(r->obj);
    r->keys = calloc(n ? n : 1, sizeof *r->keys);
    r->num = calloc(n ? n : 1, sizeof *r->num);
    r->jf = calloc(n ? n : 1, sizeof *r->jf);
    r->jl = calloc(n ? n : 1, sizeof *r->jl);
    r->state = calloc(n ? n : 1, 1);
    if (!r->keys || !r->num || !r->jf || !r->jl || !r->state) return -2;
    const char *key;
    json_t *v;
    json_object_foreach(r->obj, key, v) {
        (void)v;
        if (!(r->keys[r->n_keys] = strdup(key))) return -2;
        r->jf[r->n_keys] = r->keys[r->n_keys];
        r->jl[r->n_keys] = strlen(key);
        r->n_keys++;
    }
    r->field = r->jf;
    r->flen = r->jl;
    r->n = r->n_keys;
    r->replay = 1;
    return 1;
}

typedef struct {
    int ls, li, rs, ri, prob;   /* column indexes; -1 when absent */
    int cl, src, id;            /* a clusters file: cluster_id, source, id (cl < 0: a pairs file) */
    int dice;                   /* prob is the "dice" column of an encoded link */
} columns;

/* The tokenizer's verdict on a row, as a reason (NULL when the row is whole). */
static const char *row_problem(const wl_csv *c, char *buf, size_t cap)
{
    switch (c->row_err) {
    case WL_CSV_ROW_OK: return NULL;
    case WL_CSV_ROW_UNTERMINATED: return "unterminated quote";
    case WL_CSV_ROW_QUOTE_TOO_LONG:
        snprintf(buf, cap, "quote still open after %zu bytes (unterminated quote?)", c->row_cap);
        return buf;
    case WL_CSV_ROW_TOO_LONG: snprintf(buf, cap, "row longer than %zu bytes", c->row_cap); return buf;
    case WL_CSV_ROW_FIELD_TOO_LONG:
        snprintf(buf, cap, "field %zu longer than %zu bytes", c->err_field + 1, c->max_field);
        return buf;
    case WL_CSV_ROW_TOO_MANY_FIELDS: return "more than 4096 fields";
    }
    return "unreadable row";
}

/* Advances to the next row. @return 1 with a whole row, 0 at the end, -1 with
 * "name:line: reason" in err, -2 out of memory. */
static int next_row(rows *r, const char *name, char *err, size_t errcap)
{
    if (!r->csv) {
        int rc = r->replay ? 1 : json_next_object(r, name, err, errcap);
        r->replay = 0;
        if (rc == 1) json_fields(r);
        return rc;
    }
    wl_csv *c = r->csv;
    int k = wl_csv_next(c);
    if (k == 0) return 0;
    if (k < 0) {
        wl_set_error(err, errcap, "%s:%ld: %s", name, c->line, wl_source_strerror(k));
        return k == WL_SRC_NOMEM ? -2 : -1;
    }
    r->field = c->field;
    r->flen = c->flen;
    r->n = WL_MIN(c->n_fields, c->field_cap);
    r->line = c->row_line;
    char buf[128];
    const char *why = row_problem(c, buf, sizeof buf);
    if (!why) return 1;
    wl_set_error(err, errcap, "%s:%ld: %s", name, c->row_line, why);
    return -1;
}

/* Whether column k of the current row holds a value (a JSON line may leave a
 * key out, or give an array). @return 0, or -1 with the reason. */
static int has_value(const rows *r, int k, const char *name, char *err, size_t errcap)
{
    if (k < 0 || !r->state || r->state[k] == V_OK) return 0;
    wl_set_error(err, errcap, "%s:%ld: \"%s\" %s", name, r->line, r->keys[k],
                 r->state[k] == V_MISSING ? "is missing" : "is not a string or a number");
    return -1;
}

static int read_header(rows *in, const char *name, columns *c, int flags, char *err, size_t errcap)
{
    int rc = in->csv ? next_row(in, name, err, errcap) : json_header(in, name, err, errcap);
    if (rc == 0) wl_set_error(err, errcap, "%s:1: %s", name, in->csv ? "no header" : "no JSON object");
    if (rc <= 0) return rc == -2 ? -2 : -1;
    c->ls = find_col(in, "left_source");
    c->li = find_col(in, "left_id");
    c->rs = find_col(in, "right_source");
    c->ri = find_col(in, "right_id");
    c->prob = find_col(in, "probability");
    /* An encoded link (watchlink match A.enc B.enc, issue 13) scores a pair by the
     * Dice coefficient of its Bloom filters, in [0, 1] like a probability: eval
     * reads it in the probability's place, so its threshold table is over Dice. */
    c->dice = 0;
    if (c->prob < 0 && (c->prob = find_col(in, "dice")) >= 0) c->dice = 1;
    c->cl = c->src = c->id = -1;
    if (c->li < 0 || c->ri < 0) {
        int cl = find_col(in, "cluster_id"), id = find_col(in, "id");
        if (cl >= 0 && id >= 0) {
            if (!(flags & WL_PF_CLUSTERS)) {
                wl_set_error(err, errcap, "%s:%ld: a clusters file (cluster_id,source,id), not a pairs file "
                                          "(left_source,left_id,right_source,right_id)", name, in->line);
                return -1;
            }
            c->cl = cl;
            c->id = id;
            c->src = find_col(in, "source");
            return 0;
        }
        /* Two id columns of one source (rec_id_1,rec_id_2): only a file of exactly
         * two columns. A clusters file (cluster_id,source,id) was once read so,
         * its cluster ids and sources taken for record ids: 0 of 5,555 found. */
        if (in->n != 2 || (flags & WL_PF_NEED_PROB)) {
            wl_set_error(err, errcap, "%s:%ld: not a pairs file: expected left_id and right_id %s%s", name,
                         in->line, in->csv ? "columns" : "keys", flags & WL_PF_CLUSTERS ? ", or cluster_id and id" : "");
            return -1;
        }
        c->li = 0; /* two-column truth: rec_id_1,rec_id_2 of one source */
        c->ri = 1;
        c->ls = c->rs = -1;
    }
    return 0;
}

/* A probability field as a number in [0, 1]. @return 0, or -1. */
static int parse_prob(const char *s, size_t n, float *out)
{
    char buf[64]; /* fields are not NUL-terminated: strtof reads a copy */
    if (n == 0 || n >= sizeof buf) return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *end;
    errno = 0;
    *out = strtof(buf, &end);
    return *end || errno || !(*out >= 0.0f && *out <= 1.0f) ? -1 : 0;
}

/* Hands one data row to fn. @return fn's result, or -1 with err. */
static int pair_row(const rows *in, const columns *c, const char *name,
                    int (*fn)(void *user, const wl_pairrow *row), void *user, char *err, size_t errcap)
{
    long line = in->line;
    int n = (int)in->n;
    if (c->li >= n || c->ri >= n || c->ls >= n || c->rs >= n || c->prob >= n) {
        wl_set_error(err, errcap, "%s:%ld: expected more fields, found %d", name, line, n);
        return -1;
    }
    if (has_value(in, c->ls, name, err, errcap) || has_value(in, c->li, name, err, errcap) ||
        has_value(in, c->rs, name, err, errcap) || has_value(in, c->ri, name, err, errcap) ||
        has_value(in, c->prob, name, err, errcap))
        return -1;
    const char *const *f = in->field;
    const size_t *fl = in->flen;
    wl_pairrow r = { c->ls >= 0 ? f[c->ls] : "", f[c->li], c->rs >= 0 ? f[c->rs] : "", f[c->ri],
                     c->ls >= 0 ? fl[c->ls] : 0, fl[c->li], c->rs >= 0 ? fl[c->rs] : 0, fl[c->ri],
                     1.0f, line };
    if (c->prob >= 0 && parse_prob(f[c->prob], fl[c->prob], &r.prob) != 0) {
        wl_set_error(err, errcap, "%s:%ld: %s is not a number in [0, 1]", name, line, c->dice ? "dice" : "probability");
        return -1;
    }
    return fn(user, &r);
}

/* ---- clusters files ---- */

typedef struct {
    uint64_t cl;        /* hash of the cluster id */
    size_t row;         /* input order, for a stable sort */
    const char *s, *i;  /* copies in the arena */
    size_t sl, il;
    long line;
} member;

static int cmp_member(const void *x, const void *y)
{
    const member *a = x, *b = y;
    if (a->cl != b->cl) return a->cl < b->cl ? -1 : 1;
    return (a->row > b->row) - (a->row < b->row);
}

static char *keep(wl_arena *a, const char *s, size_t n)
{
    char *p = wl_arena_alloc(a, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = 0;
    }
    return p;
}

/* Every member as a pair with itself, then every pair within each cluster. */
static int cluster_rows(rows *in, const columns *c, const char *name,
                        int (*fn)(void *user, const wl_pairrow *row), void *user, char *err, size_t errcap)
{
    wl_vec m;
    wl_vec_init(&m, sizeof(member));
    wl_arena a;
    wl_arena_init(&a);
    int rc;
    while ((rc = next_row(in, name, err, errcap)) == 1) {
        int n = (int)in->n;
        if (c->cl >= n || c->id >= n || c->src >= n) {
            wl_set_error(err, errcap, "%s:%ld: expected more fields, found %d", name, in->line, n);
            rc = -1;
            break;
        }
        if (has_value(in, c->cl, name, err, errcap) || has_value(in, c->id, name, err, errcap) ||
            has_value(in, c->src, name, err, errcap)) {
            rc = -1;
            break;
        }
        const char *const *f = in->field;
        const size_t *fl = in->flen;
        member x = { wl_hash(f[c->cl], fl[c->cl]), m.len, keep(&a, c->src >= 0 ? f[c->src] : "", c->src >= 0 ? fl[c->src] : 0),
                     keep(&a, f[c->id], fl[c->id]), c->src >= 0 ? fl[c->src] : 0, fl[c->id], in->line };
        if (!x.s || !x.i || wl_vec_push(&m, &x) != 0) {
            rc = -2;
            break;
        }
    }
    member *v = m.data;
    if (rc == 0 && m.len > 1) qsort(v, m.len, sizeof *v, cmp_member);
    for (size_t k = 0; rc == 0 && k < m.len; k++) {
        wl_pairrow r = { v[k].s, v[k].i, v[k].s, v[k].i, v[k].sl, v[k].il, v[k].sl, v[k].il, 1.0f, v[k].line };
        rc = fn(user, &r);
    }
    for (size_t s = 0, t; rc == 0 && s < m.len; s = t) {
        for (t = s + 1; t < m.len && v[t].cl == v[s].cl; t++) {}
        for (size_t x = s; x < t && rc == 0; x++)
            for (size_t y = x + 1; y < t && rc == 0; y++) {
                wl_pairrow r = { v[x].s, v[x].i, v[y].s, v[y].i, v[x].sl, v[x].il, v[y].sl, v[y].il, 1.0f, v[y].line };
                rc = fn(user, &r);
            }
    }
    wl_vec_free(&m);
    wl_arena_free(&a);
    return rc;
}

/* The bytes of a gzip text, inflated (caller frees). @return NULL with err. */
static char *inflate_all(const char *text, size_t len, const char *name, size_t *out_len, int *oom, char *err,
                         size_t errcap)
{
    wl_source src;
    int st = wl_source_open_mem(&src, text, len);
    size_t cap = 1 << 16, n = 0;
    char *buf = st == WL_SRC_OK ? malloc(cap) : NULL;
    long got = 0;
    while (buf && (got = wl_source_read(&src, buf + n, cap - n)) > 0) {
        n += (size_t)got;
        if (n == cap) {
            char *b2 = cap <= SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
            if (!b2) {
                free(buf);
                buf = NULL;
                got = WL_SRC_NOMEM;
                break;
            }
            buf = b2;
            cap *= 2;
        }
    }
    wl_source_close(&src);
    if (st != WL_SRC_OK || !buf || got < 0) {
        int code = st != WL_SRC_OK ? st : buf ? (int)got : WL_SRC_NOMEM;
        *oom = code == WL_SRC_NOMEM;
        wl_set_error(err, errcap, "%s: %s", name, wl_source_strerror(code));
        free(buf);
        return NULL;
    }
    *out_len = n;
    return buf;
}

/* Reads every pair of a file: keys[] and, when wanted, probabilities. */
int wl_pairfile_each(const char *text, size_t len, const char *name, int flags,
                     int (*fn)(void *user, const wl_pairrow *row), void *user, int *has_sources,
                     char *err, size_t errcap)
{
    /* A gzip file is inflated first to see what it holds. */
    char *plain = NULL;
    size_t plain_len = 0;
    if (len >= 2 && (unsigned char)text[0] == 0x1f && (unsigned char)text[1] == 0x8b) {
        int oom = 0;
        if (!(plain = inflate_all(text, len, name, &plain_len, &oom, err, errcap))) return oom ? -2 : -1;
        text = plain;
        len = plain_len;
    }
    rows r;
    memset(&r, 0, sizeof r);
    wl_source src;
    wl_csv in;
    int csv = !json_lines(text, len);
    if (csv) {
        int st = wl_source_open_mem(&src, text, len);
        if (st != WL_SRC_OK) {
            wl_source_close(&src);
            free(plain);
            wl_set_error(err, errcap, "%s: %s", name, wl_source_strerror(st));
            return st == WL_SRC_NOMEM ? -2 : -1;
        }
        if (wl_csv_init(&in, &src, 0, 0) != 0) {
            wl_source_close(&src);
            free(plain);
            return -2;
        }
        r.csv = &in;
    } else {
        r.text = text;
        r.len = len;
        r.next_line = 1;
    }
    columns c = { -1, -1, -1, -1, -1, -1, -1, -1, 0 };
    int rc = read_header(&r, name, &c, flags, err, errcap);
    if (has_sources) *has_sources = c.cl >= 0 ? c.src >= 0 : c.ls >= 0 && c.rs >= 0;
    if (rc == 0 && c.cl >= 0) rc = cluster_rows(&r, &c, name, fn, user, err, errcap);
    else
        while (rc == 0 && (rc = next_row(&r, name, err, errcap)) == 1)
            rc = pair_row(&r, &c, name, fn, user, err, errcap);
    if (csv) {
        wl_csv_free(&in);
        wl_source_close(&src);
    }
    rows_free(&r);
    free(plain);
    return rc;
}

char *wl_slurp(const char *path, size_t *len, char *err, size_t errcap)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        wl_set_error(err, errcap, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *b2 = realloc(buf, cap * 2);
            if (!b2) { free(buf); buf = NULL; break; }
            buf = b2;
            cap *= 2;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf || bad) {
        wl_set_error(err, errcap, "%s: %s", path, buf ? "read error (a directory?)" : "out of memory");
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

