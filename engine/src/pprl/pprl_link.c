/* pprl_link.c -- linking two encodings by Dice similarity.
 *
 * Candidates come from the keyed blocking keys the encoder wrote (records of
 * the two files meet when they share one; a key held by more than max_block
 * records on a side is skipped and counted, never allowed to blow up N^2).
 * Each candidate's Dice is one AND-popcount over the filters; a cheap bound
 * first (fzy's cheap filter before the scorer): 2 min(|a|, |b|) / (|a| + |b|)
 * is the best Dice two filters of those weights can reach, so pairs whose
 * weights are too far apart are never loaded.
 *
 * Records of the first file are cut into fixed chunks, each with its own
 * output buffer, concatenated in chunk order, then sorted: the same pairs in
 * the same order for any thread count. */
#include "pprl/pprl.h"

#include <stdlib.h>

enum { CHUNK = 256 };

struct wl_pprl_result {
    wl_pprl_pair *pairs;
    size_t n;
    wl_pprl_stats stats;
};

wl_pprl_options wl_pprl_default_options(void)
{
    wl_pprl_options o;
    memset(&o, 0, sizeof o);
    o.threshold = 0.7; /* FEBRL 4 and the sample lists, default schema: bench/RESULTS.md */
    o.max_block = 1000;
    return o;
}

void wl_pprl_result_free(wl_pprl_result *r)
{
    if (!r) return;
    free(r->pairs);
    free(r);
}

size_t wl_pprl_result_count(const wl_pprl_result *r) { return r->n; }
const wl_pprl_pair *wl_pprl_result_pair(const wl_pprl_result *r, size_t k) { return &r->pairs[k]; }
const wl_pprl_stats *wl_pprl_result_stats(const wl_pprl_result *r) { return &r->stats; }

/* ---- output order: source, then id (numbers by value), as the plain pipeline's ---- */

static int cmp_id(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    int da = la > 0 && strspn(a, "0123456789") == la, db = lb > 0 && strspn(b, "0123456789") == lb;
    if (da && db) {
        while (la > 1 && *a == '0') a++, la--;
        while (lb > 1 && *b == '0') b++, lb--;
        if (la != lb) return la < lb ? -1 : 1;
    }
    return strcmp(a, b);
}

typedef struct {
    const char *src, *id;
    uint32_t rec;          /* index in the union: a's records, then b's */
} rec_ref;

static int cmp_rec(const void *x, const void *y)
{
    const rec_ref *a = x, *b = y;
    int c = strcmp(a->src, b->src);
    if (!c) c = cmp_id(a->id, b->id);
    return c ? c : (a->rec > b->rec) - (a->rec < b->rec);
}

/* rank[r] of every record r of the union (a's first, then b's). */
static uint32_t *union_ranks(const wl_encoded *a, const wl_encoded *b)
{
    size_t n = a->n + b->n;
    rec_ref *refs = malloc((n ? n : 1) * sizeof *refs);
    uint32_t *rank = malloc((n ? n : 1) * sizeof *rank);
    if (!refs || !rank) {
        free(refs);
        free(rank);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        const wl_encoded *e = i < a->n ? a : b;
        size_t k = i < a->n ? i : i - a->n;
        refs[i] = (rec_ref){ e->source[k], e->id[k], (uint32_t)i };
    }
    qsort(refs, n, sizeof *refs, cmp_rec);
    for (size_t i = 0; i < n; i++) rank[refs[i].rec] = (uint32_t)i;
    free(refs);
    return rank;
}

/* ---- blocking ---- */

typedef struct {
    uint64_t key;
    uint32_t rec;
} key_ref;

static int cmp_key_ref(const void *x, const void *y)
{
    const key_ref *a = x, *b = y;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    return (a->rec > b->rec) - (a->rec < b->rec);
}

/* Every (key, record) of e, sorted. */
static key_ref *sorted_keys(const wl_encoded *e, size_t *n_out)
{
    size_t n = e->block_start[e->n];
    key_ref *k = malloc((n ? n : 1) * sizeof *k);
    if (!k) return NULL;
    for (size_t i = 0; i < e->n; i++)
        for (uint32_t j = e->block_start[i]; j < e->block_start[i + 1]; j++)
            k[j] = (key_ref){ e->blocks[j], (uint32_t)i };
    qsort(k, n, sizeof *k, cmp_key_ref);
    *n_out = n;
    return k;
}

/* [*lo, *hi) of the entries holding key. */
static void key_range(const key_ref *k, size_t n, uint64_t key, size_t *lo, size_t *hi)
{
    size_t l = 0, h = n;
    while (l < h) {
        size_t m = l + (h - l) / 2;
        if (k[m].key < key) l = m + 1;
        else h = m;
    }
    *lo = l;
    for (h = l; h < n && k[h].key == key; h++) {}
    *hi = h;
}

/* Distinct keys held by more than max records. */
static size_t count_big(const key_ref *k, size_t nk, size_t max)
{
    size_t big = 0;
    for (size_t s = 0, e; s < nk; s = e) {
        for (e = s; e < nk && k[e].key == k[s].key; e++) {}
        big += e - s > max;
    }
    return big;
}

typedef struct {
    const wl_encoded *a, *b;
    const key_ref *ka, *kb;
    size_t nka, nkb;
    const wl_pprl_options *opt;
    int kernel;           /* wl_pprl_kernel_best() */
} link_ctx;

static int cmp_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return (a > b) - (a < b);
}

/* The b records sharing an unskipped key with a's record i, sorted and distinct. */
static int candidates_of(const link_ctx *c, size_t i, wl_vec *cand)
{
    const wl_encoded *a = c->a;
    cand->len = 0;
    for (uint32_t j = a->block_start[i]; j < a->block_start[i + 1]; j++) {
        size_t lo, hi, alo, ahi;
        key_range(c->kb, c->nkb, a->blocks[j], &lo, &hi);
        if (lo == hi || hi - lo > c->opt->max_block) continue;
        key_range(c->ka, c->nka, a->blocks[j], &alo, &ahi);
        if (ahi - alo > c->opt->max_block) continue;
        if (wl_vec_reserve(cand, cand->len + (hi - lo)) != 0) return -1;
        for (size_t k = lo; k < hi; k++) WL_VEC_AT(cand, uint32_t, cand->len++) = c->kb[k].rec;
    }
    if (cand->len > 1) qsort(cand->data, cand->len, sizeof(uint32_t), cmp_u32);
    size_t u = 0;
    for (size_t k = 0; k < cand->len; k++)
        if (!u || WL_VEC_AT(cand, uint32_t, k) != WL_VEC_AT(cand, uint32_t, u - 1))
            WL_VEC_AT(cand, uint32_t, u++) = WL_VEC_AT(cand, uint32_t, k);
    cand->len = u;
    return 0;
}

/* Per-thread scratch: candidates and the scan's hits. */
typedef struct {
    wl_vec cand, hit_j, hit_d;
} scratch;

/* Compares record i of a with b's records cand[0..n) (or all of b when cand is NULL). */
static int compare_one(const link_ctx *c, size_t i, const uint32_t *cand, size_t n, wl_vec *out, scratch *sc,
                       size_t *compared)
{
    const wl_encoded *a = c->a;
    if (wl_vec_reserve(&sc->hit_j, n ? n : 1) || wl_vec_reserve(&sc->hit_d, n ? n : 1)) return -1;
    uint32_t *hj = sc->hit_j.data;
    float *hd = sc->hit_d.data;
    uint32_t hits = wl_pprl_scan_with(c->kernel, a->bits + i * a->words, a->pop[i], c->b, cand, n,
                                      c->opt->threshold, hj, hd, compared);
    for (uint32_t k = 0; k < hits; k++) {
        wl_pprl_pair p = { (uint32_t)i, hj[k], hd[k], 0 };
        if (wl_vec_push(out, &p) != 0) return -1;
    }
    return 0;
}

/* qsort has no context argument in C17 and a static one would make two calls
 * race: the sort keys travel with the pairs. */
typedef struct {
    wl_pprl_pair p;
    uint32_t left, right; /* ranks in output order */
} keyed_pair;

static int cmp_keyed_out(const void *x, const void *y)
{
    const keyed_pair *p = x, *q = y;
    if (p->left != q->left) return p->left < q->left ? -1 : 1;
    return (p->right > q->right) - (p->right < q->right);
}

static int cmp_keyed_best(const void *x, const void *y)
{
    const keyed_pair *p = x, *q = y;
    if (p->p.dice != q->p.dice) return p->p.dice > q->p.dice ? -1 : 1;
    return cmp_keyed_out(x, y);
}

/* Compares the records of chunk ch of a with their candidates into buf. */
static int link_chunk(const link_ctx *c, size_t ch, wl_vec *buf, scratch *sc, size_t *compared)
{
    wl_vec_init(buf, sizeof(wl_pprl_pair));
    size_t end = WL_MIN(c->a->n, (ch + 1) * CHUNK);
    for (size_t i = ch * CHUNK; i < end; i++) {
        int rc = c->opt->all_pairs ? compare_one(c, i, NULL, c->b->n, buf, sc, compared)
                                   : candidates_of(c, i, &sc->cand) ||
                                         compare_one(c, i, sc->cand.data, sc->cand.len, buf, sc, compared);
        if (rc) return 1;
    }
    return 0;
}

/* Greedy one-to-one: best Dice first, ties by output order; a record keeps its first. */
static size_t one_to_one(keyed_pair *kp, size_t n, size_t na, size_t nb, int *failed)
{
    uint8_t *used_a = calloc(na + 1, 1), *used_b = calloc(nb + 1, 1);
    size_t kept = 0;
    if (!used_a || !used_b) {
        *failed = 1;
    } else {
        qsort(kp, n, sizeof *kp, cmp_keyed_best);
        for (size_t k = 0; k < n; k++) {
            if (used_a[kp[k].p.a] || used_b[kp[k].p.b]) continue;
            used_a[kp[k].p.a] = used_b[kp[k].p.b] = 1;
            kp[kept++] = kp[k];
        }
    }
    free(used_a);
    free(used_b);
    return kept;
}

/* A pair with its output-order key. (Written field by field: GCC 12's vectoriser
 * crashed on the struct-literal form of this loop at -O3.) */
static void key_pair(keyed_pair *kp, const wl_pprl_pair *p, const uint32_t *rank, size_t na)
{
    uint32_t ra = rank[p->a], rb = rank[na + p->b];
    kp->p = *p;
    kp->p.a_first = ra < rb;
    kp->left = ra < rb ? ra : rb;
    kp->right = ra < rb ? rb : ra;
}

static wl_status finish(wl_pprl_result *r, const wl_encoded *a, const wl_encoded *b, wl_vec *all,
                        const wl_pprl_options *opt)
{
    uint32_t *rank = union_ranks(a, b);
    size_t n = all->len;
    keyed_pair *kp = malloc((n ? n : 1) * sizeof *kp);
    int failed = !rank || !kp;
    for (size_t k = 0; !failed && k < n; k++) key_pair(&kp[k], &WL_VEC_AT(all, wl_pprl_pair, k), rank, a->n);
    if (!failed && opt->one_to_one) n = one_to_one(kp, n, a->n, b->n, &failed);
    if (!failed) {
        qsort(kp, n, sizeof *kp, cmp_keyed_out);
        r->pairs = malloc((n ? n : 1) * sizeof *r->pairs);
        failed = !r->pairs;
    }
    for (size_t k = 0; !failed && k < n; k++) r->pairs[k] = kp[k].p;
    r->n = failed ? 0 : n;
    free(rank);
    free(kp);
    return failed ? WL_NOMEM : WL_OK;
}

/* The chunks' pairs, in chunk order, into all (the buffers are freed). */
static int concat(wl_vec *bufs, size_t n, wl_vec *all)
{
    size_t total = 0;
    int failed = 0;
    for (size_t ch = 0; ch < n; ch++) total += bufs[ch].len;
    if (wl_vec_reserve(all, total ? total : 1) != 0) failed = 1;
    for (size_t ch = 0; ch < n; ch++) {
        if (!failed && bufs[ch].len) {
            memcpy((char *)all->data + all->len * all->elem, bufs[ch].data, bufs[ch].len * all->elem);
            all->len += bufs[ch].len;
        }
        wl_vec_free(&bufs[ch]);
    }
    return failed ? -1 : 0;
}

static int same_encoding(const wl_encoded *a, const wl_encoded *b, char *err, size_t errcap)
{
    if (strcmp(a->schema_fp, b->schema_fp)) {
        wl_set_error(err, errcap,
                     "%s and %s were encoded with different schemas (fingerprints %s and %s): both "
                     "parties must encode with the same schema file",
                     a->name[0] ? a->name : "the first encoding", b->name[0] ? b->name : "the second encoding",
                     a->schema_fp, b->schema_fp);
        return -1;
    }
    if (strcmp(a->key_fp, b->key_fp)) {
        wl_set_error(err, errcap,
                     "%s and %s were encoded with different keys (key fingerprints %s and %s): both "
                     "parties must encode with the same shared key",
                     a->name[0] ? a->name : "the first encoding", b->name[0] ? b->name : "the second encoding",
                     a->key_fp, b->key_fp);
        return -1;
    }
    if (a->words != b->words) {
        wl_set_error(err, errcap, "the encodings' filters differ in length (%zu and %zu bits)", a->words * 64,
                     b->words * 64);
        return -1;
    }
    return 0;
}

wl_status wl_pprl_link(const wl_encoded *a, const wl_encoded *b, const wl_pprl_options *opt_in,
                       wl_pprl_result **out, char *err, size_t errcap)
{
    *out = NULL;
    wl_pprl_options opt = opt_in ? *opt_in : wl_pprl_default_options();
    if (!opt.max_block) opt.max_block = 1000;
    if (!(opt.threshold >= 0.0 && opt.threshold <= 1.0)) {
        wl_set_error(err, errcap, "the Dice threshold must be between 0 and 1");
        return WL_USAGE;
    }
    if (same_encoding(a, b, err, errcap) != 0) return WL_INPUT;
    double t0 = wl_now();
    wl_pprl_result *r = calloc(1, sizeof *r);
    link_ctx c = { a, b, NULL, NULL, 0, 0, &opt, wl_pprl_kernel_best() };
    key_ref *ka = NULL, *kb = NULL;
    if (!r) return WL_NOMEM;
    /* A schema without blocking keys ("blocking": false, which hides even which
     * records share a key) leaves nothing to block on: every pair is compared. */
    if (a->block_start[a->n] == 0 || b->block_start[b->n] == 0) opt.all_pairs = 1;
    if (!opt.all_pairs) {
        ka = sorted_keys(a, &c.nka);
        kb = sorted_keys(b, &c.nkb);
        c.ka = ka;
        c.kb = kb;
        if (!ka || !kb) {
            free(ka);
            free(kb);
            free(r);
            return WL_NOMEM;
        }
        r->stats.skipped_keys = count_big(ka, c.nka, opt.max_block) + count_big(kb, c.nkb, opt.max_block);
    }
    size_t n_chunks = (a->n + CHUNK - 1) / CHUNK;
    wl_vec *bufs = calloc(n_chunks ? n_chunks : 1, sizeof *bufs);
    size_t compared = 0;
    int failed = !bufs, nt = wl_thread_count(opt.threads);
    if (!failed) {
#pragma omp parallel num_threads(nt) reduction(+ : compared) reduction(| : failed)
        {
            scratch sc;
            wl_vec_init(&sc.cand, sizeof(uint32_t));
            wl_vec_init(&sc.hit_j, sizeof(uint32_t));
            wl_vec_init(&sc.hit_d, sizeof(float));
#pragma omp for schedule(dynamic)
            for (size_t ch = 0; ch < n_chunks; ch++)
                failed |= link_chunk(&c, ch, &bufs[ch], &sc, &compared);
            wl_vec_free(&sc.cand);
            wl_vec_free(&sc.hit_j);
            wl_vec_free(&sc.hit_d);
        }
    }
    free(ka);
    free(kb);
    wl_vec all;
    wl_vec_init(&all, sizeof(wl_pprl_pair));
    if (bufs && concat(bufs, n_chunks, &all) != 0) failed = 1;
    free(bufs);
    wl_status st = failed ? WL_NOMEM : finish(r, a, b, &all, &opt);
    wl_vec_free(&all);
    if (st != WL_OK) {
        wl_pprl_result_free(r);
        wl_set_error(err, errcap, "out of memory linking the encodings");
        return st;
    }
    r->stats.candidates = compared;
    r->stats.pairs = r->n;
    r->stats.seconds = wl_now() - t0;
    *out = r;
    return WL_OK;
}
