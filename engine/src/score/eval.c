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
} key_sink;

static int add_key(void *user, const wl_pairrow *r)
{
    key_sink *k = user;
    const char *ls = k->use_sources ? r->ls : "", *rs = k->use_sources ? r->rs : "";
    size_t lsl = k->use_sources ? r->ls_len : 0, rsl = k->use_sources ? r->rs_len : 0;
    uint64_t key = pair_key(wl_pair_record_key(ls, lsl, r->li, r->li_len), wl_pair_record_key(rs, rsl, r->ri, r->ri_len));
    if (wl_vec_push(k->keys, &key) != 0) return -2;
    if (k->probs && wl_vec_push(k->probs, &r->prob) != 0) return -2;
    return 0;
}

static int read_pairs(const char *text, size_t len, const char *name, int use_sources,
                      int need_prob, wl_vec *keys, wl_vec *probs, int *has_sources, char *err,
                      size_t errcap)
{
    key_sink k = { use_sources, keys, probs };
    return wl_pairfile_each(text, len, name, need_prob, add_key, &k, has_sources, err, errcap);
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
