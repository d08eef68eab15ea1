/* store_decisions.c -- the decisions CSV, conflicts and constrained clustering
 * of the person store (see store_decisions.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store_decisions.h"

static const char *const COLUMN_NAMES[DEC_COLUMNS] = { "left_source", "left_id", "right_source",
                                                       "right_id",    "decision", "note" };

/* ---- the CSV ---- */

/* One parsed row: fields as (start, length) into a scratch buffer. */
typedef struct {
    char *buf;        /* unescaped bytes of the fields, each NUL-terminated */
    size_t len, cap;
    size_t start[DEC_COLUMNS + 1];
    size_t n_fields;  /* may exceed DEC_COLUMNS + 1: only counted then */
    const char *bad;  /* the first problem of the row, or NULL */
} csv_row;

static int put(csv_row *r, char c)
{
    if (r->len == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 256;
        char *g = realloc(r->buf, cap);
        if (!g) return -1;
        r->buf = g;
        r->cap = cap;
    }
    r->buf[r->len++] = c;
    return 0;
}

static int is_blank(char c) { return c == ' ' || c == '\t'; }

/* Ends the current field: trims an unquoted field's blanks, checks its length. */
static int end_field(csv_row *r, int quoted)
{
    size_t s = r->n_fields <= DEC_COLUMNS ? r->start[r->n_fields] : 0;
    if (r->n_fields <= DEC_COLUMNS) {
        if (!quoted)
            while (r->len > s && is_blank(r->buf[r->len - 1])) r->len--;
        if (r->len - s > DEC_MAX_FIELD && !r->bad) r->bad = "a field is longer than 64 KiB";
        if (put(r, '\0') != 0) return -1;
    }
    r->n_fields++;
    if (r->n_fields <= DEC_COLUMNS) r->start[r->n_fields] = r->len;
    return 0;
}

/* Reads one row from data[*pos..len) into r; *line advances over its line
 * breaks. @return 1 for a row, 0 at the end of the data, -1 out of memory. */
static int read_row(const char *data, size_t len, size_t *pos, long *line, csv_row *r)
{
    size_t p = *pos;
    r->len = 0;
    r->n_fields = 0;
    r->start[0] = 0;
    r->bad = NULL;
    if (p >= len) return 0;
    int quoted = 0, in_quotes = 0, after_quote = 0, at_start = 1;
    for (;;) {
        if (p >= len) {
            if (in_quotes && !r->bad) r->bad = "a quoted field is not closed before the end of the file";
            break;
        }
        char c = data[p++];
        if (in_quotes) {
            if (c == '"' && p < len && data[p] == '"') {
                p++;
                if (put(r, '"') != 0) return -1;
            } else if (c == '"') {
                in_quotes = 0;
                after_quote = 1;
            } else {
                if (c == '\n') ++*line;
                if (c == '\0' && !r->bad) r->bad = "a NUL byte";
                if (put(r, c) != 0) return -1;
            }
            continue;
        }
        if (c == ',' || c == '\n' || (c == '\r' && p < len && data[p] == '\n')) {
            if (end_field(r, quoted) != 0) return -1;
            quoted = after_quote = 0;
            at_start = 1;
            if (c == ',') continue;
            if (c == '\r') p++;
            ++*line;
            *pos = p;
            return 1;
        }
        if (c == '"' && at_start) {
            quoted = in_quotes = 1;
            at_start = 0;
            continue;
        }
        if (at_start && is_blank(c)) continue; /* blanks before a field */
        at_start = 0;
        if (after_quote && !is_blank(c) && !r->bad) r->bad = "text after a closing quote";
        if (c == '"' && !r->bad) r->bad = "a quote inside an unquoted field";
        if (c == '\0' && !r->bad) r->bad = "a NUL byte";
        if (!after_quote && put(r, c) != 0) return -1;
    }
    if (end_field(r, quoted) != 0) return -1;
    *pos = p;
    return 1;
}

static const char *field(const csv_row *r, size_t k) { return r->buf + r->start[k]; }

static int blank_row(const csv_row *r) { return r->n_fields == 1 && !field(r, 0)[0] && !r->bad; }

/* The header's columns: col[k] is the field index of column k, or -1. */
static int read_header(const csv_row *r, int *col, const char *name, char *err, size_t errcap)
{
    for (int k = 0; k < DEC_COLUMNS; k++) col[k] = -1;
    if (r->bad || r->n_fields > DEC_COLUMNS) {
        snprintf(err, errcap, "%s:1: the header must name left_source,left_id,right_source,right_id,decision"
                 " and optionally note", name);
        return -1;
    }
    for (size_t j = 0; j < r->n_fields; j++) {
        int k = 0;
        while (k < DEC_COLUMNS && strcasecmp(field(r, j), COLUMN_NAMES[k])) k++;
        if (k == DEC_COLUMNS || col[k] >= 0) {
            snprintf(err, errcap, "%s:1: %s column '%.60s' in the header (wanted left_source,left_id,"
                     "right_source,right_id,decision[,note])", name, k == DEC_COLUMNS ? "unknown" : "repeated",
                     field(r, j));
            return -1;
        }
        col[k] = (int)j;
    }
    for (int k = 0; k < DEC_NOTE; k++)
        if (col[k] < 0) {
            snprintf(err, errcap, "%s:1: no '%s' column in the header", name, COLUMN_NAMES[k]);
            return -1;
        }
    return 0;
}

/* @return NULL when the row is a good decision (filled into d), else the reason. */
static const char *to_decision(const csv_row *r, const int *col, size_t n_cols, dec_row *d, char *why,
                               size_t whycap)
{
    if (r->bad) return r->bad;
    /* A last note column may be left out of a row. */
    int short_note = col[DEC_NOTE] == (int)n_cols - 1 && r->n_fields == n_cols - 1;
    if (r->n_fields != n_cols && !short_note) {
        snprintf(why, whycap, "%zu fields, the header has %zu", r->n_fields, n_cols);
        return why;
    }
    for (int k = 0; k < DEC_DECISION; k++)
        if (!field(r, (size_t)col[k])[0]) {
            snprintf(why, whycap, "empty %s", COLUMN_NAMES[k]);
            return why;
        }
    const char *dec = field(r, (size_t)col[DEC_DECISION]);
    if (strcmp(dec, "match") && strcmp(dec, "not_match")) {
        snprintf(why, whycap, "decision '%.40s' is neither match nor not_match", dec);
        return why;
    }
    const char *ls = field(r, (size_t)col[0]), *li = field(r, (size_t)col[1]);
    const char *rs = field(r, (size_t)col[2]), *ri = field(r, (size_t)col[3]);
    int c = strcmp(ls, rs);
    if (!c) c = strcmp(li, ri);
    if (!c) return "the same record on both sides";
    int swap = c > 0;
    const char *v[DEC_COLUMNS] = { swap ? rs : ls, swap ? ri : li, swap ? ls : rs, swap ? li : ri, dec,
                                   col[DEC_NOTE] >= 0 && !short_note ? field(r, (size_t)col[DEC_NOTE]) : "" };
    for (int k = 0; k < DEC_COLUMNS; k++)
        if (!(d->f[k] = strdup(v[k]))) return "";
    d->match = !strcmp(dec, "match");
    return NULL;
}

void dec_rows_free(dec_row *rows, size_t n)
{
    for (size_t i = 0; rows && i < n; i++)
        for (int k = 0; k < DEC_COLUMNS; k++) free(rows[i].f[k]);
    free(rows);
}

int dec_parse(const char *data, size_t len, const char *name, dec_row **rows, size_t *n,
              dec_reject_fn on_reject, void *user, char *err, size_t errcap)
{
    csv_row r = { 0 };
    size_t pos = 0, cap = 0, count = 0;
    long line = 1;
    int col[DEC_COLUMNS], rc;
    dec_row *out = NULL;
    *rows = NULL;
    *n = 0;
    if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) pos = 3;
    rc = read_row(data, len, &pos, &line, &r);
    if (rc == 0) snprintf(err, errcap, "%s: empty file (no header)", name);
    if (rc <= 0 || read_header(&r, col, name, err, errcap) != 0) goto fail;
    size_t n_cols = r.n_fields;
    for (;;) {
        long first = line;
        rc = read_row(data, len, &pos, &line, &r);
        if (rc < 0) goto fail;
        if (rc == 0) break;
        if (blank_row(&r)) continue;
        if (count == cap) {
            cap = cap ? 2 * cap : 64;
            dec_row *g = realloc(out, cap * sizeof *g);
            if (!g) goto fail;
            out = g;
        }
        char why[160];
        memset(&out[count], 0, sizeof out[count]);
        const char *bad = to_decision(&r, col, n_cols, &out[count], why, sizeof why);
        if (bad && !bad[0]) {
            count++;
            goto fail;
        }
        if (bad) {
            for (int k = 0; k < DEC_COLUMNS; k++) free(out[count].f[k]);
            if (on_reject) on_reject(user, first, bad);
            continue;
        }
        out[count++].line = first;
    }
    free(r.buf);
    *rows = out;
    *n = count;
    return 0;
fail:
    if (rc < 0 || !err[0]) snprintf(err, errcap, "%s: out of memory", name);
    free(r.buf);
    dec_rows_free(out, count);
    return -1;
}

/* ---- union-find ---- */

static size_t find(size_t *parent, size_t x)
{
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
}

static void join(size_t *parent, size_t a, size_t b)
{
    a = find(parent, a);
    b = find(parent, b);
    if (a != b) parent[a > b ? a : b] = a < b ? a : b;
}

/* ---- conflicts ---- */

typedef struct {
    size_t *head, *next, *to, *via; /* adjacency lists of the match graph */
} graph;

/* The shortest chain of matches from a to b (breadth first). @return its length. */
static size_t chain(const graph *g, size_t n_nodes, size_t a, size_t b, size_t *prev_edge, size_t *queue,
                    size_t *out)
{
    for (size_t i = 0; i < n_nodes; i++) prev_edge[i] = SIZE_MAX;
    size_t qh = 0, qt = 0;
    queue[qt++] = a;
    prev_edge[a] = SIZE_MAX - 1;
    while (qh < qt && prev_edge[b] == SIZE_MAX) {
        size_t x = queue[qh++];
        for (size_t e = g->head[x]; e != SIZE_MAX; e = g->next[e])
            if (prev_edge[g->to[e]] == SIZE_MAX) {
                prev_edge[g->to[e]] = e;
                queue[qt++] = g->to[e];
            }
    }
    size_t len = 0;
    for (size_t x = b; x != a && prev_edge[x] < SIZE_MAX - 1; x = g->to[prev_edge[x] ^ 1])
        out[len++] = g->via[prev_edge[x]];
    for (size_t i = 0; i < len / 2; i++) {
        size_t t = out[i];
        out[i] = out[len - 1 - i];
        out[len - 1 - i] = t;
    }
    return len;
}

long dec_conflicts(size_t n_nodes, const dec_link *links, size_t n_links,
                   void (*on_conflict)(void *user, size_t not_match, const size_t *chain, size_t len),
                   void *user)
{
    size_t m = n_nodes ? n_nodes : 1, e2 = 2 * n_links + 1;
    size_t *parent = malloc(m * sizeof *parent), *prev = malloc(m * sizeof *prev);
    size_t *queue = malloc(m * sizeof *queue), *out = malloc(m * sizeof *out);
    graph g = { malloc(m * sizeof(size_t)), malloc(e2 * sizeof(size_t)), malloc(e2 * sizeof(size_t)),
                malloc(e2 * sizeof(size_t)) };
    long found = -1;
    if (!parent || !prev || !queue || !out || !g.head || !g.next || !g.to || !g.via) goto done;
    for (size_t i = 0; i < n_nodes; i++) parent[i] = i, g.head[i] = SIZE_MAX;
    /* Edge 2k goes a -> b, 2k + 1 goes b -> a, so e ^ 1 is the way back. */
    for (size_t k = 0; k < n_links; k++) {
        if (!links[k].match) continue;
        join(parent, links[k].a, links[k].b);
        size_t ends[2] = { links[k].a, links[k].b };
        for (int s = 0; s < 2; s++) {
            size_t e = 2 * k + (size_t)s;
            g.to[e] = ends[!s];
            g.via[e] = k;
            g.next[e] = g.head[ends[s]];
            g.head[ends[s]] = e;
        }
    }
    found = 0;
    for (size_t k = 0; k < n_links; k++) {
        if (links[k].match || find(parent, links[k].a) != find(parent, links[k].b)) continue;
        found++;
        if (on_conflict)
            on_conflict(user, k, out, chain(&g, n_nodes, links[k].a, links[k].b, prev, queue, out));
    }
done:
    free(parent);
    free(prev);
    free(queue);
    free(out);
    free(g.head);
    free(g.next);
    free(g.to);
    free(g.via);
    return found;
}

/* ---- constrained clustering ---- */

/* qsort has no context argument in C11; the command is single-threaded here. */
static const dec_pair *g_sort_pairs;

/* The engine's merge order (engine/src/cluster/cluster.c): strongest first,
 * ties by the records' output positions. */
static int by_weight(const void *a, const void *b)
{
    const dec_pair *x = &g_sort_pairs[*(const size_t *)a], *y = &g_sort_pairs[*(const size_t *)b];
    if (x->weight != y->weight) return x->weight > y->weight ? -1 : 1;
    if (x->a != y->a) return x->a < y->a ? -1 : 1;
    return (x->b > y->b) - (x->b < y->b);
}

static int by_link(const void *a, const void *b)
{
    const dec_link *x = a, *y = b;
    if (x->a != y->a) return x->a < y->a ? -1 : 1;
    return (x->b > y->b) - (x->b < y->b);
}

typedef struct {
    size_t *parent, *size, *next, *tail; /* union-find with member lists (next/tail of roots) */
    size_t *adj_start, *adj;             /* the kept pairs as adjacency lists */
    unsigned char *flag;                 /* a set holding an end of a cannot-link */
    size_t *cannot_start, *cannot_adj;   /* the cannot-links as adjacency lists */
} cl_state;

/* Kept pairs between the sets of roots a and b, walking the smaller one. */
static size_t edges_between(cl_state *c, size_t a, size_t b)
{
    if (c->size[a] > c->size[b]) {
        size_t t = a;
        a = b;
        b = t;
    }
    size_t e = 0;
    for (size_t x = a; x != SIZE_MAX; x = c->next[x])
        for (size_t q = c->adj_start[x]; q < c->adj_start[x + 1]; q++) e += find(c->parent, c->adj[q]) == b;
    return e;
}

/* 1 when the sets rooted at ra and rb hold the two ends of a cannot-link: the
 * cannot-links of the smaller set's members, walked. */
static int cannot_join(cl_state *c, size_t ra, size_t rb)
{
    if (!c->flag[ra] || !c->flag[rb]) return 0;
    if (c->size[ra] > c->size[rb]) {
        size_t t = ra;
        ra = rb;
        rb = t;
    }
    for (size_t x = ra; x != SIZE_MAX; x = c->next[x])
        for (size_t q = c->cannot_start[x]; q < c->cannot_start[x + 1]; q++)
            if (find(c->parent, c->cannot_adj[q]) == rb) return 1;
    return 0;
}

static void merge(cl_state *c, size_t a, size_t b)
{
    a = find(c->parent, a);
    b = find(c->parent, b);
    if (a == b) return;
    if (a > b) {
        size_t t = a;
        a = b;
        b = t;
    }
    c->parent[b] = a;
    c->size[a] += c->size[b];
    c->next[c->tail[a]] = b;
    c->tail[a] = c->tail[b];
    c->flag[a] |= c->flag[b];
}

/* The pairs a decision does not rule out, as adjacency lists. */
static void build_adjacency(cl_state *c, size_t n, const dec_pair *pairs, size_t n_pairs, const unsigned char *kept)
{
    for (size_t p = 0; p < n_pairs; p++)
        if (kept[p]) c->adj_start[pairs[p].a + 1]++, c->adj_start[pairs[p].b + 1]++;
    for (size_t i = 0; i < n; i++) c->adj_start[i + 1] += c->adj_start[i];
    for (size_t i = 0; i < n; i++) c->tail[i] = c->adj_start[i]; /* fill cursor, reset by the caller */
    for (size_t p = 0; p < n_pairs; p++)
        if (kept[p]) c->adj[c->tail[pairs[p].a]++] = pairs[p].b, c->adj[c->tail[pairs[p].b]++] = pairs[p].a;
}

/*
 * The engine's rule (cluster.c, after Hassanzadeh et al. 2009): pairs merged
 * strongest first, two sets only when at least half the record pairs across
 * them are pairs, so a chain of namesakes does not join different people. The
 * decisions add: the must-links are merged first, whatever the pairs; a pair a
 * not_match rules out is no pair; two sets holding the ends of a not_match are
 * never merged. Without decisions this is the engine's partition exactly.
 */
size_t dec_cluster(size_t n, const dec_pair *pairs, size_t n_pairs, const dec_link *links, size_t n_links,
                   size_t *label, unsigned char *kept)
{
    size_t m = n ? n : 1, np = n_pairs ? n_pairs : 1, clusters = SIZE_MAX;
    dec_link *cannot = malloc((n_links ? n_links : 1) * sizeof *cannot);
    cl_state c = { malloc(m * sizeof(size_t)), malloc(m * sizeof(size_t)), malloc(m * sizeof(size_t)),
                   malloc(m * sizeof(size_t)), calloc(m + 1, sizeof(size_t)), malloc(2 * np * sizeof(size_t)),
                   calloc(m, 1), calloc(m + 1, sizeof(size_t)), malloc(2 * (n_links ? n_links : 1) * sizeof(size_t)) };
    size_t nc = 0;
    size_t *order = malloc(np * sizeof *order);
    unsigned char *keep = kept ? kept : malloc(np);
    if (!cannot || !c.parent || !c.size || !c.next || !c.tail || !c.adj_start || !c.adj || !c.flag || !order ||
        !keep || !c.cannot_start || !c.cannot_adj)
        goto done;
    for (size_t k = 0; k < n_links; k++) {
        uint32_t a = links[k].a < links[k].b ? links[k].a : links[k].b;
        uint32_t b = links[k].a < links[k].b ? links[k].b : links[k].a;
        if (!links[k].match) cannot[nc++] = (dec_link){ a, b, 0 };
    }
    qsort(cannot, nc, sizeof *cannot, by_link);
    for (size_t k = 0; k < nc; k++) c.cannot_start[cannot[k].a + 1]++, c.cannot_start[cannot[k].b + 1]++;
    for (size_t i = 0; i < n; i++) c.cannot_start[i + 1] += c.cannot_start[i];
    for (size_t i = 0; i < n; i++) c.tail[i] = c.cannot_start[i]; /* fill cursor, reset below */
    for (size_t k = 0; k < nc; k++)
        c.cannot_adj[c.tail[cannot[k].a]++] = cannot[k].b, c.cannot_adj[c.tail[cannot[k].b]++] = cannot[k].a;
    for (size_t p = 0; p < n_pairs; p++) {
        dec_link key = { pairs[p].a < pairs[p].b ? pairs[p].a : pairs[p].b,
                         pairs[p].a < pairs[p].b ? pairs[p].b : pairs[p].a, 0 };
        keep[p] = !bsearch(&key, cannot, nc, sizeof *cannot, by_link);
        order[p] = p;
    }
    build_adjacency(&c, n, pairs, n_pairs, keep);
    for (size_t i = 0; i < n; i++) c.parent[i] = i, c.size[i] = 1, c.next[i] = SIZE_MAX, c.tail[i] = i;
    for (size_t k = 0; k < nc; k++) c.flag[cannot[k].a] = c.flag[cannot[k].b] = 1;
    for (size_t k = 0; k < n_links; k++)
        if (links[k].match) merge(&c, links[k].a, links[k].b);
    g_sort_pairs = pairs;
    qsort(order, n_pairs, sizeof *order, by_weight);
    for (size_t j = 0; j < n_pairs; j++) {
        const dec_pair *pp = &pairs[order[j]];
        size_t a = find(c.parent, pp->a), b = find(c.parent, pp->b);
        if (!keep[order[j]] || a == b || cannot_join(&c, a, b)) continue;
        double across = (double)c.size[a] * (double)c.size[b];
        if (across > 1 && (double)edges_between(&c, a, b) < 0.5 * across) continue;
        merge(&c, a, b);
    }
    /* Numbered by first member: a set's number is issued at its first record. */
    size_t next = 0;
    for (size_t i = 0; i < n; i++) c.size[i] = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        size_t r = find(c.parent, i);
        if (c.size[r] == SIZE_MAX) c.size[r] = next++;
        label[i] = c.size[r];
    }
    clusters = next;
done:
    free(c.parent);
    free(c.size);
    free(c.next);
    free(c.tail);
    free(c.adj_start);
    free(c.adj);
    free(c.flag);
    free(c.cannot_start);
    free(c.cannot_adj);
    free(cannot);
    free(order);
    if (keep != kept) free(keep);
    return clusters;
}
