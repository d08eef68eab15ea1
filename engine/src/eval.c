/* eval.c -- evaluation of predicted pairs against truth (watchlink eval). Pairs are
 * reduced to 64-bit keys of the unordered pair of (source, id) records; the truth
 * keys are sorted once and each prediction is a binary search. */
#include "eval.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

enum { MAX_FIELDS = 64 };

struct wl_eval {
    uint64_t *truth;        /* sorted, unique */
    size_t n_truth;
    uint64_t *pred;         /* unique predicted keys */
    float *prob;            /* their highest probability */
    uint8_t *hit;           /* 1 when in the truth */
    size_t n_pred;
};

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

static uint64_t record_key(const char *src, size_t ls, const char *id, size_t li)
{
    return wl_hash_combine(wl_hash(src, ls), wl_hash(id, li));
}

static uint64_t pair_key(uint64_t a, uint64_t b)
{
    return a < b ? wl_hash_combine(a, b) : wl_hash_combine(b, a);
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

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int read_header(csv_in *in, const char *name, columns *c, int need_prob, char *err, size_t errcap)
{
    const char *f[MAX_FIELDS];
    size_t fl[MAX_FIELDS];
    int n = csv_next(in, f, fl, MAX_FIELDS);
    if (n <= 0) {
        wl_set_error(err, errcap, "%s:1: no header", name);
        return -1;
    }
    c->ls = find_col(f, fl, n, "left_source");
    c->li = find_col(f, fl, n, "left_id");
    c->rs = find_col(f, fl, n, "right_source");
    c->ri = find_col(f, fl, n, "right_id");
    c->prob = find_col(f, fl, n, "probability");
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
static int read_pairs(const char *text, size_t len, const char *name, int use_sources,
                      int need_prob, wl_vec *keys, wl_vec *probs, int *has_sources, char *err,
                      size_t errcap)
{
    char *scratch = malloc(len * 2 + 2);
    if (!scratch) return -2;
    csv_in in = { text, text + len, 0, scratch, len * 2 + 2 };
    columns c = { -1, -1, -1, -1, -1 };
    int rc = read_header(&in, name, &c, need_prob, err, errcap);
    if (has_sources) *has_sources = c.ls >= 0 && c.rs >= 0;
    if (!use_sources) c.ls = c.rs = -1;
    const char *f[MAX_FIELDS];
    size_t fl[MAX_FIELDS];
    int n;
    while (rc == 0 && (n = csv_next(&in, f, fl, MAX_FIELDS)) != 0) {
        long line = in.line;
        if (n < 0) {
            wl_set_error(err, errcap, "%s:%ld: unterminated quote", name, line);
            rc = -1;
        } else if (n == 1 && fl[0] == 0) {
            continue; /* blank line */
        } else if (c.li >= n || c.ri >= n || c.ls >= n || c.rs >= n || c.prob >= n) {
            wl_set_error(err, errcap, "%s:%ld: expected more fields, found %d", name, line, n);
            rc = -1;
        } else {
            uint64_t a = record_key(c.ls >= 0 ? f[c.ls] : "", c.ls >= 0 ? fl[c.ls] : 0, f[c.li], fl[c.li]);
            uint64_t b = record_key(c.rs >= 0 ? f[c.rs] : "", c.rs >= 0 ? fl[c.rs] : 0, f[c.ri], fl[c.ri]);
            uint64_t k = pair_key(a, b);
            float p = 1.0f;
            if (c.prob >= 0) {
                char *end;
                errno = 0;
                p = strtof(f[c.prob], &end);
                if (end == f[c.prob] || *end || errno || !(p >= 0.0f && p <= 1.0f)) {
                    wl_set_error(err, errcap, "%s:%ld: probability is not a number in [0, 1]", name, line);
                    rc = -1;
                    break;
                }
            }
            if (wl_vec_push(keys, &k) != 0 || (probs && wl_vec_push(probs, &p) != 0)) rc = -2;
        }
        in.scratch = scratch; /* fields are consumed: reuse the space */
    }
    free(scratch);
    return rc;
}

static int build(wl_eval *e, wl_vec *tk, wl_vec *pk, wl_vec *pp)
{
    qsort(tk->data, tk->len, sizeof(uint64_t), cmp_u64);
    uint64_t *t = tk->data;
    size_t u = 0;
    for (size_t k = 0; k < tk->len; k++)
        if (u == 0 || t[u - 1] != t[k]) t[u++] = t[k];
    e->truth = t;
    e->n_truth = u;
    tk->data = NULL;
    /* Unique predictions keep their highest probability. */
    size_t n = pk->len;
    uint64_t *keys = pk->data;
    float *p = pp->data;
    e->pred = malloc((n ? n : 1) * sizeof *e->pred);
    e->prob = malloc((n ? n : 1) * sizeof *e->prob);
    e->hit = malloc(n ? n : 1);
    if (!e->pred || !e->prob || !e->hit) return -2;
    /* Sort prediction keys with their probabilities (pairs of key and index). */
    uint64_t *sorted = malloc((n ? n : 1) * sizeof(uint64_t) * 2);
    if (!sorted) return -2;
    for (size_t k = 0; k < n; k++) sorted[2 * k] = keys[k], sorted[2 * k + 1] = k;
    qsort(sorted, n, 2 * sizeof(uint64_t), cmp_u64);
    size_t m = 0;
    for (size_t k = 0; k < n; k++) {
        uint64_t key = sorted[2 * k];
        float prob = p[sorted[2 * k + 1]];
        if (m && e->pred[m - 1] == key) {
            if (prob > e->prob[m - 1]) e->prob[m - 1] = prob;
            continue;
        }
        e->pred[m] = key;
        e->prob[m] = prob;
        e->hit[m] = bsearch(&key, e->truth, e->n_truth, sizeof key, cmp_u64) != NULL;
        m++;
    }
    e->n_pred = m;
    free(sorted);
    return 0;
}

wl_status wl_eval_parse(const char *truth, size_t truth_len, const char *truth_name,
                        const char *pairs, size_t pairs_len, const char *pairs_name,
                        wl_eval **out, char *err, size_t errcap)
{
    *out = NULL;
    wl_vec tk, pk, pp;
    wl_vec_init(&tk, sizeof(uint64_t));
    wl_vec_init(&pk, sizeof(uint64_t));
    wl_vec_init(&pp, sizeof(float));
    int truth_sources = 0;
    /* Truth without sources: compare by id alone, on both sides. */
    wl_vec probe;
    wl_vec_init(&probe, sizeof(uint64_t));
    int rc = read_pairs(truth, truth_len, truth_name, 1, 0, &probe, NULL, &truth_sources, err, errcap);
    wl_vec_free(&probe);
    if (rc == 0) rc = read_pairs(truth, truth_len, truth_name, truth_sources, 0, &tk, NULL, NULL, err, errcap);
    if (rc == 0) rc = read_pairs(pairs, pairs_len, pairs_name, truth_sources, 1, &pk, &pp, NULL, err, errcap);
    wl_eval *e = NULL;
    if (rc == 0 && !(e = calloc(1, sizeof *e))) rc = -2;
    if (rc == 0) rc = build(e, &tk, &pk, &pp);
    wl_vec_free(&tk);
    wl_vec_free(&pk);
    wl_vec_free(&pp);
    if (rc != 0) {
        wl_eval_free(e);
        if (rc == -2) wl_set_error(err, errcap, "out of memory");
        return rc == -2 ? WL_NOMEM : WL_FORMAT;
    }
    *out = e;
    return WL_OK;
}

static char *slurp(const char *path, size_t *len, char *err, size_t errcap)
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

wl_status wl_eval_load(const char *truth_path, const char *pairs_path, wl_eval **out, char *err,
                       size_t errcap)
{
    size_t tl = 0, pl = 0;
    *out = NULL;
    char *t = slurp(truth_path, &tl, err, errcap);
    if (!t) return WL_IO;
    char *p = slurp(pairs_path, &pl, err, errcap);
    if (!p) {
        free(t);
        return WL_IO;
    }
    wl_status st = wl_eval_parse(t, tl, truth_path, p, pl, pairs_path, out, err, errcap);
    free(t);
    free(p);
    return st;
}

void wl_eval_free(wl_eval *e)
{
    if (!e) return;
    free(e->truth);
    free(e->pred);
    free(e->prob);
    free(e->hit);
    free(e);
}

wl_eval_row wl_eval_at(const wl_eval *e, double threshold)
{
    wl_eval_row r = { 0 };
    r.true_pairs = e->n_truth;
    for (size_t k = 0; k < e->n_pred; k++) {
        if (!(e->prob[k] >= threshold)) continue;
        r.predicted++;
        r.true_positive += e->hit[k];
    }
    r.precision = r.predicted ? (double)r.true_positive / (double)r.predicted : 0.0;
    r.recall = r.true_pairs ? (double)r.true_positive / (double)r.true_pairs : 0.0;
    r.f1 = r.precision + r.recall > 0 ? 2 * r.precision * r.recall / (r.precision + r.recall) : 0.0;
    return r;
}
