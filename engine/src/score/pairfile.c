/* pairfile.c -- reading files of record pairs (see pairfile.h). */
#include "score/pairfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

enum { MAX_FIELDS = 64 };

/* ---- a small RFC 4180 record splitter over a buffer ---- */
typedef struct {
    const char *p, *end;
    long line;
    char *scratch;          /* unquoted field text, NUL-separated */
    size_t cap;
} csv_in;

/* Ends the field that started at *start: stores it when there is a slot. */
static void end_field(const char **f, size_t *fl, int *n, int max, char **start, char **out)
{
    size_t len = (size_t)(*out - *start);
    if (len && (*start)[len - 1] == '\r') len--;
    if (*n < max) {
        f[*n] = *start;
        fl[*n] = len;
    }
    *(*out)++ = '\0';
    (*n)++;
    *start = *out;
}

/* Reads one record into f[]/fl[] (pointers into scratch; fields past max are
 * counted, not stored). @return fields, 0 at the end, -1 on an unterminated quote. */
static int csv_next(csv_in *in, const char **f, size_t *fl, int max)
{
    if (in->p >= in->end) return 0;
    in->line++;
    char *out = in->scratch, *start = out;
    const char *s = in->p;
    int n = 0, quoted = 0, ended = 0;
    while (s < in->end && !ended) {
        char c = *s++;
        if (quoted) {
            if (c != '"') {
                if (c == '\n') in->line++;
                *out++ = c;
            } else if (s < in->end && *s == '"') {
                *out++ = '"';
                s++;
            } else {
                quoted = 0;
            }
        } else if (c == '"') {
            quoted = 1;
        } else if (c == ',' || c == '\n') {
            end_field(f, fl, &n, max, &start, &out);
            ended = c == '\n';
        } else {
            *out++ = c;
        }
    }
    if (!ended) end_field(f, fl, &n, max, &start, &out);
    in->scratch = out; /* fields of this record stay valid */
    in->p = s;
    return quoted ? -1 : n;
}

static int find_col(const char **f, const size_t *fl, int n, const char *name)
{
    for (int k = 0; k < n; k++)
        if (strlen(name) == fl[k] && strncasecmp(f[k], name, fl[k]) == 0) return k;
    return -1;
}

typedef struct {
    int ls, li, rs, ri, prob;   /* column indexes; -1 when absent */
} columns;

static int read_header(csv_in *in, const char *name, columns *c, int need_prob, char *err, size_t errcap)
{
    const char *f[MAX_FIELDS];
    size_t fl[MAX_FIELDS];
    int n = csv_next(in, f, fl, MAX_FIELDS);
    if (n <= 0) {
        wl_set_error(err, errcap, "%s:1: no header", name);
        return -1;
    }
    int stored = n < MAX_FIELDS ? n : MAX_FIELDS; /* fields past MAX_FIELDS are counted only */
    c->ls = find_col(f, fl, stored, "left_source");
    c->li = find_col(f, fl, stored, "left_id");
    c->rs = find_col(f, fl, stored, "right_source");
    c->ri = find_col(f, fl, stored, "right_id");
    c->prob = find_col(f, fl, stored, "probability");
    if (c->li < 0 || c->ri < 0) {
        if (n < 2 || need_prob) {
            wl_set_error(err, errcap, "%s:1: expected left_id and right_id columns", name);
            return -1;
        }
        c->li = 0; /* two-column truth: rec_id_1,rec_id_2 of one source */
        c->ri = 1;
        c->ls = c->rs = -1;
    }
    return 0;
}

/* Reads every pair of a file: keys[] and, when wanted, probabilities. */
int wl_pairfile_each(const char *text, size_t len, const char *name, int need_prob,
                     int (*fn)(void *user, const wl_pairrow *row), void *user, int *has_sources,
                     char *err, size_t errcap)
{
    char *scratch = malloc(len * 2 + 2);
    if (!scratch) return -2;
    csv_in in = { text, text + len, 0, scratch, len * 2 + 2 };
    columns c = { -1, -1, -1, -1, -1 };
    int rc = read_header(&in, name, &c, need_prob, err, errcap);
    if (has_sources) *has_sources = c.ls >= 0 && c.rs >= 0;
    const char *f[MAX_FIELDS];
    size_t fl[MAX_FIELDS];
    int n;
    while (rc == 0 && (n = csv_next(&in, f, fl, MAX_FIELDS)) != 0) {
        long line = in.line;
        in.scratch = scratch; /* the fields stay valid until the next record */
        if (n < 0) {
            wl_set_error(err, errcap, "%s:%ld: unterminated quote", name, line);
            rc = -1;
        } else if (n == 1 && fl[0] == 0) {
            continue; /* blank line */
        } else if (c.li >= n || c.ri >= n || c.ls >= n || c.rs >= n || c.prob >= n) {
            wl_set_error(err, errcap, "%s:%ld: expected more fields, found %d", name, line, n);
            rc = -1;
        } else {
            wl_pairrow r = { c.ls >= 0 ? f[c.ls] : "", f[c.li], c.rs >= 0 ? f[c.rs] : "", f[c.ri],
                             c.ls >= 0 ? fl[c.ls] : 0, fl[c.li], c.rs >= 0 ? fl[c.rs] : 0, fl[c.ri],
                             1.0f, line };
            if (c.prob >= 0) {
                char *end;
                errno = 0;
                r.prob = strtof(f[c.prob], &end);
                if (end == f[c.prob] || *end || errno || !(r.prob >= 0.0f && r.prob <= 1.0f)) {
                    wl_set_error(err, errcap, "%s:%ld: probability is not a number in [0, 1]", name, line);
                    rc = -1;
                    break;
                }
            }
            rc = fn(user, &r);
        }
    }
    free(scratch);
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

