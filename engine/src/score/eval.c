/* eval.c -- evaluation of predicted pairs against truth (watchlink eval). Pairs are
 * reduced to 64-bit keys of the unordered pair of (source, id) records; the truth
 * keys are sorted once and each prediction is a binary search. */
#include "score/eval.h"
#include "score/pairfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>


struct wl_eval {
    uint64_t *truth;        /* sorted, unique */
    size_t n_truth;
    uint64_t *pred;         /* unique predicted keys */
    float *prob;            /* their highest probability */
    uint8_t *hit;           /* 1 when in the truth */
    size_t n_pred;
    /* For B-cubed: the records each file names (wl_pair_record_key) and the
     * pairs as two record keys (predicted ones with their probability). */
    wl_vec t_rec, p_rec, t_edge, p_edge, p_edge_prob;
};

static uint64_t pair_key(uint64_t a, uint64_t b)
{
    return a < b ? wl_hash_combine(a, b) : wl_hash_combine(b, a);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

typedef struct {
    int use_sources;
    wl_vec *keys, *probs;
    wl_vec *recs, *edges, *edge_probs; /* may be NULL */
} key_sink;

static int add_key(void *user, const wl_pairrow *r)
{
    key_sink *k = user;
    const char *ls = k->use_sources ? r->ls : "", *rs = k->use_sources ? r->rs : "";
    size_t lsl = k->use_sources ? r->ls_len : 0, rsl = k->use_sources ? r->rs_len : 0;
    uint64_t a = wl_pair_record_key(ls, lsl, r->li, r->li_len), b = wl_pair_record_key(rs, rsl, r->ri, r->ri_len);
    if (k->recs && (wl_vec_push(k->recs, &a) != 0 || wl_vec_push(k->recs, &b) != 0)) return -2;
    if (a == b) return 0; /* a cluster member on its own: the record exists, no pair */
    uint64_t key = pair_key(a, b), e[2] = { a, b };
    if (wl_vec_push(k->keys, &key) != 0) return -2;
    if (k->probs && wl_vec_push(k->probs, &r->prob) != 0) return -2;
    if (k->edges && (wl_vec_push(k->edges, &e[0]) != 0 || wl_vec_push(k->edges, &e[1]) != 0)) return -2;
    if (k->edge_probs && wl_vec_push(k->edge_probs, &r->prob) != 0) return -2;
    return 0;
}

/* Pairs or clusters files, either side (a clusters file gives its implied pairs). */
static int read_pairs(const char *text, size_t len, const char *name, int use_sources, int need_prob,
                      wl_vec *keys, wl_vec *probs, key_sink *more, int *has_sources, char *err, size_t errcap)
{
    key_sink k = { use_sources, keys, probs, more ? more->recs : NULL, more ? more->edges : NULL,
                   more ? more->edge_probs : NULL };
    int flags = WL_PF_CLUSTERS | (need_prob ? WL_PF_NEED_PROB : 0);
    return wl_pairfile_each(text, len, name, flags, add_key, &k, has_sources, err, errcap);
}

static int build(wl_eval *e, wl_vec *tk, wl_vec *pk, wl_vec *pp)
{
    if (tk->len > 1) qsort(tk->data, tk->len, sizeof(uint64_t), cmp_u64); /* NULL when empty */
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
        e->hit[m] = e->n_truth && bsearch(&key, e->truth, e->n_truth, sizeof key, cmp_u64) != NULL;
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
    int rc = read_pairs(truth, truth_len, truth_name, 1, 0, &probe, NULL, NULL, &truth_sources, err, errcap);
    wl_vec_free(&probe);
    wl_eval *e = calloc(1, sizeof *e);
    if (!e) rc = -2;
    else {
        wl_vec_init(&e->t_rec, sizeof(uint64_t));
        wl_vec_init(&e->p_rec, sizeof(uint64_t));
        wl_vec_init(&e->t_edge, sizeof(uint64_t));
        wl_vec_init(&e->p_edge, sizeof(uint64_t));
        wl_vec_init(&e->p_edge_prob, sizeof(float));
    }
    key_sink tm = { 0, NULL, NULL, e ? &e->t_rec : NULL, e ? &e->t_edge : NULL, NULL };
    key_sink pm = { 0, NULL, NULL, e ? &e->p_rec : NULL, e ? &e->p_edge : NULL, e ? &e->p_edge_prob : NULL };
    if (rc == 0) rc = read_pairs(truth, truth_len, truth_name, truth_sources, 0, &tk, NULL, &tm, NULL, err, errcap);
    /* A clusters file has no probability column: its pairs count as 1. */
    if (rc == 0) rc = read_pairs(pairs, pairs_len, pairs_name, truth_sources, 1, &pk, &pp, &pm, NULL, err, errcap);
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

wl_status wl_eval_load(const char *truth_path, const char *pairs_path, wl_eval **out, char *err,
                       size_t errcap)
{
    size_t tl = 0, pl = 0;
    *out = NULL;
    char *t = wl_slurp(truth_path, &tl, err, errcap);
    if (!t) return WL_IO;
    char *p = wl_slurp(pairs_path, &pl, err, errcap);
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
    wl_vec_free(&e->t_rec);
    wl_vec_free(&e->p_rec);
    wl_vec_free(&e->t_edge);
    wl_vec_free(&e->p_edge);
    wl_vec_free(&e->p_edge_prob);
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

/* ---- B-cubed ---- */

static size_t find_root(size_t *parent, size_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]]; /* path halving */
        x = parent[x];
    }
    return x;
}

static size_t index_of(const uint64_t *u, size_t n, uint64_t key)
{
    const uint64_t *p = bsearch(&key, u, n, sizeof key, cmp_u64);
    return (size_t)(p - u);
}

/* Clusters as union-find over u[0..n) from edges (record-key pairs), those with
 * a probability >= threshold when probs is given. root[i]: i's cluster. */
static void clusters_of(const uint64_t *u, size_t n, const wl_vec *edges, const wl_vec *probs, double threshold,
                        size_t *root)
{
    const uint64_t *e = edges->data;
    const float *p = probs ? probs->data : NULL;
    for (size_t i = 0; i < n; i++) root[i] = i;
    for (size_t k = 0; k + 1 < edges->len; k += 2) {
        if (p && !(p[k / 2] >= threshold)) continue;
        size_t a = find_root(root, index_of(u, n, e[k])), b = find_root(root, index_of(u, n, e[k + 1]));
        if (a != b) root[a < b ? b : a] = a < b ? a : b;
    }
    for (size_t i = 0; i < n; i++) root[i] = find_root(root, i);
}

static int cmp_pair_sz(const void *x, const void *y)
{
    const size_t *a = x, *b = y;
    if (a[0] != b[0]) return a[0] < b[0] ? -1 : 1;
    return (a[1] > b[1]) - (a[1] < b[1]);
}

/*
 * B-cubed precision and recall (Bagga & Baldwin 1998, "Entity-based
 * cross-document coreferencing using the vector space model"): per record, the
 * share of its predicted cluster that is truly its entity, and the share of its
 * entity that its predicted cluster holds, averaged over the records. The
 * records are those either file names; one missing from a file is a singleton
 * there (a pairs file names only paired records: pass --clusters output, which
 * lists every record, for the complete figure).
 */
wl_eval_row wl_eval_bcubed(const wl_eval *e, double threshold)
{
    wl_eval_row r = { 0 };
    size_t n = e->t_rec.len + e->p_rec.len;
    uint64_t *u = malloc((n ? n : 1) * sizeof *u);
    size_t *rt = malloc((n ? n : 1) * sizeof *rt), *rp = malloc((n ? n : 1) * sizeof *rp);
    size_t *st = calloc(n ? n : 1, sizeof *st), *sp = calloc(n ? n : 1, sizeof *sp);
    size_t(*both)[2] = malloc((n ? n : 1) * sizeof *both);
    if (!u || !rt || !rp || !st || !sp || !both) goto out;
    if (e->t_rec.len) memcpy(u, e->t_rec.data, e->t_rec.len * sizeof *u);
    if (e->p_rec.len) memcpy(u + e->t_rec.len, e->p_rec.data, e->p_rec.len * sizeof *u);
    if (n > 1) qsort(u, n, sizeof *u, cmp_u64);
    size_t m = 0;
    for (size_t k = 0; k < n; k++)
        if (m == 0 || u[m - 1] != u[k]) u[m++] = u[k];
    clusters_of(u, m, &e->t_edge, NULL, 0.0, rt);
    clusters_of(u, m, &e->p_edge, &e->p_edge_prob, threshold, rp);
    for (size_t i = 0; i < m; i++) {
        st[rt[i]]++;
        sp[rp[i]]++;
        both[i][0] = rp[i];
        both[i][1] = rt[i];
    }
    if (m > 1) qsort(both, m, sizeof *both, cmp_pair_sz);
    double p = 0.0, rc = 0.0;
    for (size_t s = 0, t; s < m; s = t) {
        for (t = s + 1; t < m && both[t][0] == both[s][0] && both[t][1] == both[s][1]; t++) {}
        double nij = (double)(t - s);
        p += nij * nij / (double)sp[both[s][0]];
        rc += nij * nij / (double)st[both[s][1]];
    }
    r.true_pairs = m; /* records */
    r.precision = m ? p / (double)m : 0.0;
    r.recall = m ? rc / (double)m : 0.0;
    r.f1 = r.precision + r.recall > 0 ? 2 * r.precision * r.recall / (r.precision + r.recall) : 0.0;
out:
    free(u);
    free(rt);
    free(rp);
    free(st);
    free(sp);
    free(both);
    return r;
}
