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
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "read/reader_csv.h"

static int find_col(const wl_csv *c, const char *name)
{
    size_t want = strlen(name), n = WL_MIN(c->n_fields, c->field_cap);
    for (size_t k = 0; k < n; k++)
        if (c->flen[k] == want && strncasecmp(c->field[k], name, want) == 0) return (int)k;
    return -1;
}

typedef struct {
    int ls, li, rs, ri, prob;   /* column indexes; -1 when absent */
    int cl, src, id;            /* a clusters file: cluster_id, source, id (cl < 0: a pairs file) */
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
static int next_row(wl_csv *c, const char *name, char *err, size_t errcap)
{
    int k = wl_csv_next(c);
    if (k == 0) return 0;
    if (k < 0) {
        wl_set_error(err, errcap, "%s:%ld: %s", name, c->line, wl_source_strerror(k));
        return k == WL_SRC_NOMEM ? -2 : -1;
    }
    char buf[128];
    const char *why = row_problem(c, buf, sizeof buf);
    if (!why) return 1;
    wl_set_error(err, errcap, "%s:%ld: %s", name, c->row_line, why);
    return -1;
}

static int read_header(wl_csv *in, const char *name, columns *c, int flags, char *err, size_t errcap)
{
    int rc = next_row(in, name, err, errcap);
    if (rc == 0) wl_set_error(err, errcap, "%s:1: no header", name);
    if (rc <= 0) return rc == -2 ? -2 : -1;
    c->ls = find_col(in, "left_source");
    c->li = find_col(in, "left_id");
    c->rs = find_col(in, "right_source");
    c->ri = find_col(in, "right_id");
    c->prob = find_col(in, "probability");
    c->cl = c->src = c->id = -1;
    if (c->li < 0 || c->ri < 0) {
        int cl = find_col(in, "cluster_id"), id = find_col(in, "id");
        if (cl >= 0 && id >= 0) {
            if (!(flags & WL_PF_CLUSTERS)) {
                wl_set_error(err, errcap, "%s:%ld: a clusters file (cluster_id,source,id), not a pairs file "
                                          "(left_source,left_id,right_source,right_id)", name, in->row_line);
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
        if (in->n_fields != 2 || (flags & WL_PF_NEED_PROB)) {
            wl_set_error(err, errcap, "%s:%ld: not a pairs file: expected left_id and right_id columns%s", name,
                         in->row_line, flags & WL_PF_CLUSTERS ? ", or cluster_id and id" : "");
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
static int pair_row(const wl_csv *in, const columns *c, const char *name,
                    int (*fn)(void *user, const wl_pairrow *row), void *user, char *err, size_t errcap)
{
    long line = in->row_line;
    int n = (int)in->n_fields;
    if (c->li >= n || c->ri >= n || c->ls >= n || c->rs >= n || c->prob >= n) {
        wl_set_error(err, errcap, "%s:%ld: expected more fields, found %d", name, line, n);
        return -1;
    }
    const char *const *f = in->field;
    const size_t *fl = in->flen;
    wl_pairrow r = { c->ls >= 0 ? f[c->ls] : "", f[c->li], c->rs >= 0 ? f[c->rs] : "", f[c->ri],
                     c->ls >= 0 ? fl[c->ls] : 0, fl[c->li], c->rs >= 0 ? fl[c->rs] : 0, fl[c->ri],
                     1.0f, line };
    if (c->prob >= 0 && parse_prob(f[c->prob], fl[c->prob], &r.prob) != 0) {
        wl_set_error(err, errcap, "%s:%ld: probability is not a number in [0, 1]", name, line);
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
static int cluster_rows(wl_csv *in, const columns *c, const char *name,
                        int (*fn)(void *user, const wl_pairrow *row), void *user, char *err, size_t errcap)
{
    wl_vec m;
    wl_vec_init(&m, sizeof(member));
    wl_arena a;
    wl_arena_init(&a);
    int rc;
    while ((rc = next_row(in, name, err, errcap)) == 1) {
        int n = (int)in->n_fields;
        if (c->cl >= n || c->id >= n || c->src >= n) {
            wl_set_error(err, errcap, "%s:%ld: expected more fields, found %d", name, in->row_line, n);
            rc = -1;
            break;
        }
        const char *const *f = in->field;
        const size_t *fl = in->flen;
        member x = { wl_hash(f[c->cl], fl[c->cl]), m.len, keep(&a, c->src >= 0 ? f[c->src] : "", c->src >= 0 ? fl[c->src] : 0),
                     keep(&a, f[c->id], fl[c->id]), c->src >= 0 ? fl[c->src] : 0, fl[c->id], in->row_line };
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

/* Reads every pair of a file: keys[] and, when wanted, probabilities. */
int wl_pairfile_each(const char *text, size_t len, const char *name, int flags,
                     int (*fn)(void *user, const wl_pairrow *row), void *user, int *has_sources,
                     char *err, size_t errcap)
{
    wl_source src;
    wl_csv in;
    int st = wl_source_open_mem(&src, text, len);
    if (st != WL_SRC_OK) {
        wl_source_close(&src);
        wl_set_error(err, errcap, "%s: %s", name, wl_source_strerror(st));
        return st == WL_SRC_NOMEM ? -2 : -1;
    }
    if (wl_csv_init(&in, &src, 0, 0) != 0) {
        wl_source_close(&src);
        return -2;
    }
    columns c = { -1, -1, -1, -1, -1, -1, -1, -1 };
    int rc = read_header(&in, name, &c, flags, err, errcap);
    if (has_sources) *has_sources = c.cl >= 0 ? c.src >= 0 : c.ls >= 0 && c.rs >= 0;
    if (rc == 0 && c.cl >= 0) rc = cluster_rows(&in, &c, name, fn, user, err, errcap);
    else
        while (rc == 0 && (rc = next_row(&in, name, err, errcap)) == 1)
            rc = pair_row(&in, &c, name, fn, user, err, errcap);
    wl_csv_free(&in);
    wl_source_close(&src);
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

