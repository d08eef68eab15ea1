/* store_query.c -- screening query records against the store's index file
 * without loading the store: normalise the K query records, look their
 * blocking keys up in the index, copy only the candidates' features out of the
 * mapping, compare and score them with the store's model.
 *
 * What it equals (issue 12's rule: a full run with the frozen parameters).
 * The pairs are those of a full link run over the store's records and the
 * query records in which
 *   - the list-wide statistics are the store's frozen ones plus the query
 *     records themselves: a name part's rarity is the records holding it in
 *     the store at index time plus the query records holding it, the number of
 *     records N + K (the full run counts both lists the same way);
 *   - a block holds the stored records of the key (as frozen, re-keyed by the
 *     split key where the store's block was split) and the query records of
 *     the key, and is skipped above max_block records, as block.c does; the
 *     split decisions are the store's (frozen): a block the query records
 *     push over the split limit stays whole, where a full run over both
 *     would split it (more candidates here, never fewer);
 *   - every pair sharing a kept block is a candidate: the partner cap is not
 *     applied (it bounds the work of blocking a whole list; a query's work is
 *     its blocks), so the candidates are a superset of a capped run's, and
 *     the same set where the cap does not bind (lists under 65,536 records
 *     keep 2^21 / n partners each).
 * Each pair is compared in the order the full run compares it (the record
 * whose source sorts first on the left; the sources differ), so its levels,
 * weights and probability are the full run's to the bit. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/dataset.h"
#include "compare/compare.h"
#include "normalise/name.h"
#include "score/model.h"
#include "store/store_index.h"

/* ---- the query records' own part counts ---- */

typedef struct {
    uint64_t h;
    uint32_t n;
} hcount;

static int by_h(const void *a, const void *b)
{
    uint64_t x = ((const hcount *)a)->h, y = ((const hcount *)b)->h;
    return (x > y) - (x < y);
}

/* Each distinct canonical part of the query records with the records holding
 * it (the query features' own freq, features_freq.c). */
static hcount *query_counts(const wl_features *fq, size_t *n_out)
{
    size_t total = fq->part_start[fq->n], n = 0;
    hcount *t = malloc((total ? total : 1) * sizeof *t);
    if (!t) return NULL;
    for (size_t k = 0; k < total; k++) t[k] = (hcount){ fq->parts[k].h_canon, fq->parts[k].freq };
    qsort(t, total, sizeof *t, by_h);
    for (size_t k = 0; k < total; k++)
        if (n == 0 || t[n - 1].h != t[k].h) t[n++] = t[k];
    *n_out = n;
    return t;
}

/* As query_counts, over the records marked new (use 1: an update's new records
 * among the night's rows) only: each part once per record holding it. A record
 * marked 2 is a stored one matched again, already in the counts it has. */
static hcount *used_counts(const wl_features *fq, const unsigned char *use, size_t *n_out)
{
    size_t total = fq->part_start[fq->n], n = 0, m = 0;
    hcount *t = malloc((total ? total : 1) * sizeof *t);
    if (!t) return NULL;
    for (size_t i = 0; i < fq->n; i++) {
        if (use[i] != 1) continue;
        size_t first = m;
        for (uint32_t k = fq->part_start[i]; k < fq->part_start[i + 1]; k++) {
            uint64_t h = fq->parts[k].h_canon;
            size_t j = first;
            while (j < m && t[j].h != h) j++;
            if (j == m) t[m++] = (hcount){ h, 1 };
        }
    }
    qsort(t, m, sizeof *t, by_h);
    for (size_t k = 0; k < m; k++) {
        if (n && t[n - 1].h == t[k].h) t[n - 1].n++;
        else t[n++] = t[k];
    }
    *n_out = n;
    return t;
}

/* The query records' part counts for look-ups: every part of every
 * candidate is asked for, most of them in no query record.
 *   - mask: a bit per low six bits of the parts' hashes, which says "none"
 *     without a search while the query has few parts;
 *   - slot: with more than SEARCH_COUNTS parts (a 10^4-record query: the mask
 *     is all ones), an open-addressed table of t's places, so a look-up is a
 *     probe or two instead of a binary search over tens of thousands (the
 *     searches were a tenth of the serial part of such a query, perf). */
enum { SEARCH_COUNTS = 64 };

typedef struct {
    const hcount *t;
    size_t n;
    uint64_t mask;
    uint32_t *slot;   /* NULL, or 1 + place in t (0: empty); size slots_mask + 1 */
    size_t slots_mask;
} count_index;

static size_t slot_of(uint64_t h, size_t slots_mask) { return (size_t)(h * UINT64_C(0x9E3779B97F4A7C15) >> 32) & slots_mask; }

/* @return 0, or -1 when out of memory. */
static int count_index_init(count_index *ci, const hcount *t, size_t n)
{
    *ci = (count_index){ t, n, 0, NULL, 0 };
    for (size_t k = 0; k < n; k++) ci->mask |= UINT64_C(1) << (t[k].h & 63);
    if (n <= SEARCH_COUNTS) return 0;
    size_t slots = 2;
    while (slots < 2 * n) slots *= 2;
    if (!(ci->slot = calloc(slots, sizeof *ci->slot))) return -1;
    ci->slots_mask = slots - 1;
    for (size_t k = 0; k < n; k++) { /* t's hashes are distinct */
        size_t s = slot_of(t[k].h, ci->slots_mask);
        while (ci->slot[s]) s = (s + 1) & ci->slots_mask;
        ci->slot[s] = (uint32_t)(k + 1);
    }
    return 0;
}

/* The records of the query holding part h. */
static uint32_t count_of(const count_index *ci, uint64_t h)
{
    if (!(ci->mask >> (h & 63) & 1)) return 0;
    if (ci->slot) {
        for (size_t s = slot_of(h, ci->slots_mask); ci->slot[s]; s = (s + 1) & ci->slots_mask)
            if (ci->t[ci->slot[s] - 1].h == h) return ci->t[ci->slot[s] - 1].n;
        return 0;
    }
    size_t lo = 0, hi = ci->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ci->t[mid].h < h) lo = mid + 1;
        else hi = mid;
    }
    return lo < ci->n && ci->t[lo].h == h ? ci->t[lo].n : 0;
}

static uint64_t frozen_count(const wl_store_index *x, uint64_t h)
{
    size_t lo = 0, hi = x->n_freq;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (x->freq[mid].h < h) lo = mid + 1;
        else hi = mid;
    }
    return lo < x->n_freq && x->freq[lo].h == h ? x->freq[lo].records : 0;
}

static uint32_t sat32(uint64_t v) { return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v; }

/* ---- candidates from the blocking index ---- */

static int in_split(const wl_store_index *x, uint64_t key)
{
    size_t lo = 0, hi = x->n_bsplit;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (x->bsplit[mid] < key) lo = mid + 1;
        else hi = mid;
    }
    return lo < x->n_bsplit && x->bsplit[lo] == key;
}

static int has_identity(const wl_features *f, size_t i)
{
    return f->n_names[i] != 0 || f->doc_start[i + 1] != f->doc_start[i];
}

static int cmp_u32_asc(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* The query records' (key, record) entries, split keys as the store split. */
static wl_status query_entries(const wl_store_index *x, const wl_features *fq, const unsigned char *use,
                               wl_vec *out)
{
    uint64_t keys[512];
    uint32_t common = wl_block_common_limit((size_t)x->head.p.max_block);
    for (size_t i = 0; i < fq->n; i++) {
        if ((use && !use[i]) || !has_identity(fq, i)) continue;
        for (int kind = 0; kind < WL_KIND_COUNT; kind++) {
            if (!(x->head.p.block_keys & (1u << kind))) continue;
            size_t nk = wl_block_record_keys(fq, i, kind, common, keys, 512);
            for (size_t a = 0; a < nk; a++) {
                uint64_t k = keys[a];
                if (in_split(x, k))
                    k = wl_block_key(kind, wl_hash_combine(k, wl_block_split_key(fq, i, kind))) | WL_KEY_SPLIT_BIT;
                wl_keyent e = { k, (uint32_t)i, 0 };
                if (wl_vec_push(out, &e) != 0) return WL_NOMEM;
            }
        }
    }
    return WL_OK;
}

/* (key, record) entries of f (records in use), sorted by key then record, each once. */
static wl_status sorted_entries(const wl_store_index *x, const wl_features *f, const unsigned char *use, wl_vec *e)
{
    wl_status st = query_entries(x, f, use, e);
    wl_keyent *v = e->data;
    size_t n = e->len, w = 0;
    if (st == WL_OK && n > 1) { /* by key, records ascending within (pushed in order; the sort is stable) */
        wl_keyent *tmp = malloc(n * sizeof *tmp);
        if (tmp) wl_keyent_sort(v, tmp, n);
        else st = WL_NOMEM;
        free(tmp);
    }
    for (size_t i = 0; st == WL_OK && i < n; i++) /* a record meets a key once */
        if (w == 0 || v[w - 1].key != v[i].key || v[w - 1].rec != v[i].rec) v[w++] = v[i];
    e->len = w;
    return st;
}

/* The first entry of v[0..n) with a key >= key. */
static size_t entry_lower(const wl_keyent *v, size_t n, uint64_t key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].key < key) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* What block_pairs reads: the index, the query's sorted entries v and the
 * later records' dv, the numbering's N and D, and whether the query's records
 * pair among themselves. */
typedef struct {
    const wl_store_index *x;
    const wl_keyent *v, *dv;
    size_t w, nd, N, D;
    int among;
} block_src;

/* The candidate pairs of the entries v[from, to) (whole keys: a key's entries
 * all inside), appended to pairs in key order. */
static wl_status block_pairs(const block_src *b, size_t from, size_t to, wl_vec *pairs)
{
    const wl_store_index *x = b->x;
    const wl_keyent *v = b->v, *dv = b->dv;
    size_t N = b->N, D = b->D;
    int among = b->among;
    for (size_t i = from, j; i < to; i = j) {
        for (j = i + 1; j < to && v[j].key == v[i].key; j++) {}
        size_t lo, hi, dlo = entry_lower(dv, b->nd, v[i].key), dhi = dlo;
        while (dhi < b->nd && dv[dhi].key == v[i].key) dhi++;
        wl_sidx_block(x, v[i].key, &lo, &hi);
        size_t others = (hi - lo) + (dhi - dlo);
        if (others + (j - i) > x->head.p.max_block) continue;  /* skipped, as block.c skips it */
        if (others == 0 && (!among || j - i < 2)) continue;    /* nothing to pair */
        for (size_t q = i; q < j; q++) {
            /* room for all the record's pairs in the block at once, then plain
             * stores (a push per pair was a tenth of a one-record query) */
            size_t most = (hi - lo) + (dhi - dlo) + (among ? j - q - 1 : 0);
            if (wl_vec_reserve(pairs, pairs->len + most) != 0) return WL_NOMEM;
            uint64_t left = (uint64_t)v[q].rec << 32, *out = (uint64_t *)pairs->data + pairs->len;
            size_t n = 0;
            for (size_t s = lo; s < hi; s++) {
                uint32_t r = x->brec[s];
                if (!(x->ident[r / 64] >> (r % 64) & 1)) continue; /* has_identity, precomputed */
                out[n++] = left | r;
            }
            for (size_t t = dlo; t < dhi; t++) /* entries hold records with identity only */
                out[n++] = left | (N + dv[t].rec);
            for (size_t q2 = q + 1; among && q2 < j; q2++) out[n++] = left | (N + D + v[q2].rec);
            pairs->len += n;
        }
    }
    return WL_OK;
}

/* Above this many query entries the keys are looked up over the threads. */
enum { SERIAL_ENTRIES = 4096, PARTS_PER_THREAD = 8 };

/* Every key's candidate pairs, in key order. Over the threads for a large
 * query: the keys cut into ranges of whole keys, each range's pairs into a
 * vector of its own, the vectors joined in range order -- the same array as
 * one pass makes (a 10^4-record query's look-ups, 400 k keys, were the
 * largest part of its serial time, perf). */
static wl_status all_block_pairs(const block_src *b, int threads, wl_vec *pairs)
{
    size_t parts = threads > 1 && b->w > SERIAL_ENTRIES ? (size_t)threads * PARTS_PER_THREAD : 1;
    if (parts == 1) return block_pairs(b, 0, b->w, pairs);
    wl_vec *pv = calloc(parts, sizeof *pv);
    size_t *cut = malloc((parts + 1) * sizeof *cut);
    if (!pv || !cut) {
        free(pv);
        free(cut);
        return WL_NOMEM;
    }
    cut[0] = 0;
    for (size_t k = 1; k < parts; k++) { /* at a key's first entry */
        size_t c = b->w * k / parts;
        while (c < b->w && b->v[c].key == b->v[c - 1].key) c++;
        cut[k] = c > cut[k - 1] ? c : cut[k - 1];
    }
    cut[parts] = b->w;
    int failed = 0;
    long long np = (long long)parts;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1) reduction(| : failed)
    for (long long k = 0; k < np; k++) {
        wl_vec_init(&pv[k], sizeof(uint64_t));
        failed |= block_pairs(b, cut[k], cut[k + 1], &pv[k]) != WL_OK;
    }
    size_t total = pairs->len;
    for (size_t k = 0; k < parts; k++) total += pv[k].len;
    if (!failed && wl_vec_reserve(pairs, total) != 0) failed = 1;
    for (size_t k = 0; k < parts; k++) {
        if (!failed && pv[k].len) {
            memcpy((uint64_t *)pairs->data + pairs->len, pv[k].data, pv[k].len * sizeof(uint64_t));
            pairs->len += pv[k].len;
        }
        wl_vec_free(&pv[k]);
    }
    free(pv);
    free(cut);
    return failed ? WL_NOMEM : WL_OK;
}

/* Candidate pairs (query record << 32 | other), sorted and distinct; other
 * numbers the index's records 0..N-1, the later records N..N+D-1 and, with
 * among, the query records N+D.. (each such pair once, the first record left). */
static wl_status candidates(const wl_store_index *x, const wl_features *fq, const unsigned char *use,
                            const wl_features *fd, int among, int threads, wl_vec *pairs)
{
    wl_vec e, de;
    wl_vec_init(&e, sizeof(wl_keyent));
    wl_vec_init(&de, sizeof(wl_keyent));
    wl_status st = sorted_entries(x, fq, use, &e);
    if (st == WL_OK && fd) st = sorted_entries(x, fd, NULL, &de);
    block_src b = { .x = x, .v = e.data, .dv = de.data, .w = e.len, .nd = de.len, .N = x->f.n, .D = fd ? fd->n : 0, .among = among };
    if (st == WL_OK) st = all_block_pairs(&b, threads, pairs);
    wl_vec_free(&e);
    wl_vec_free(&de);
    if (st != WL_OK) return st;
    uint64_t *p = pairs->data;
    /* radix, or a merge of the blocks' ascending runs for a few records (the
     * qsort of a 10^4-record query's pairs was a tenth of its time) */
    if (wl_pair_sort(p, pairs->len, fq->n, threads) != 0) return WL_NOMEM;
    size_t w = 0;
    for (size_t k = 0; k < pairs->len; k++)
        if (w == 0 || p[w - 1] != p[k]) p[w++] = p[k];
    pairs->len = w;
    return WL_OK;
}

/* ---- the compared records, copied into features of their own ---- */

enum { SERIAL_COPIES = 4096 }; /* below this, copied on the calling thread */

typedef struct {
    const wl_features *f;
    uint32_t i;
    wl_sidx_span span; /* its text bytes (wl_sidx_text_span; the index file's tspan) */
} src_rec;

/* Record r of src into g at its places (g's run starts and text offset tat
 * already laid out). */
static void copy_one(wl_features *g, const src_rec *src, size_t r, uint32_t at)
{
    const wl_features *f = src[r].f;
    size_t i = src[r].i;
    uint32_t lo = src[r].span.lo, hi = src[r].span.hi;
    uint32_t delta = at - lo; /* mod 2^32: the rebase adds it */
    memcpy(g->text + at, f->text + lo, hi - lo);
#define RUN_(id, start, data, type, rebase)                                         \
    {                                                                              \
        uint32_t b0 = f->start[i], c = f->start[i + 1] - b0, d0 = g->start[r];     \
        if (c == 1) { /* most runs: an assignment, not a call to memcpy */       \
            g->data[d0] = f->data[b0];                                             \
            rebase(g->data + d0, c, delta);                                        \
        } else if (c) {                                                            \
            memcpy(g->data + d0, f->data + b0, c * sizeof(type));                  \
            rebase(g->data + d0, c, delta);                                        \
        }                                                                          \
    }
    WL_FEATURE_RUNS(RUN_)
#undef RUN_
#define COL_(id, array, type, rebase)                                               \
    g->array[r] = f->array[i];                                                     \
    rebase(g->array, r, r + 1, delta);
    WL_FEATURE_COLUMNS(COL_)
#undef COL_
}

/* Features holding the records src[0..m) in that order, each copied with its
 * text (offsets moved by the lines' rebase functions). The places are laid
 * out first, then the records copied over the threads: the copies of a
 * 10^4-record query's ~10^6 candidates, on one core, were a sixth of its
 * serial time (perf). */
static wl_features *copy_records(const src_rec *src, size_t m, int threads)
{
    wl_features *g = calloc(1, sizeof *g);
    if (!g) return NULL;
    g->n = m;
    size_t len[WL_FRUN_COUNT] = { 0 }, text = 0;
    int ok = 1;
    for (size_t r = 0; r < m; r++) {
        const wl_features *f = src[r].f;
        size_t i = src[r].i, k = 0;
#define RUN_(id, start, data, type, rebase) len[k++] += f->start[i + 1] - f->start[i];
        WL_FEATURE_RUNS(RUN_)
#undef RUN_
        text += src[r].span.hi - src[r].span.lo;
    }
    if (ok && text >= UINT32_MAX) ok = 0;
    if (ok) {
        size_t k = 0;
#define RUN_(id, start, data, type, rebase)                                         \
    ok &= (g->start = calloc(m + 1, sizeof *g->start)) != NULL;                    \
    ok &= (g->data = malloc((len[k] ? len[k] : 1) * sizeof(type))) != NULL;        \
    k++;
        WL_FEATURE_RUNS(RUN_)
#undef RUN_
#define COL_(id, array, type, rebase) ok &= (g->array = calloc(m + 1, sizeof(type))) != NULL;
        WL_FEATURE_COLUMNS(COL_)
#undef COL_
        ok &= (g->text = malloc(text ? text : 1)) != NULL;
    }
    uint32_t *tat = ok ? malloc((m ? m : 1) * sizeof *tat) : NULL;
    ok &= tat != NULL;
    for (size_t r = 0; ok && r < m; r++) {
        const wl_features *f = src[r].f;
        size_t i = src[r].i;
        tat[r] = (uint32_t)g->text_len;
        g->text_len += src[r].span.hi - src[r].span.lo;
#define RUN_(id, start, data, type, rebase) g->start[r + 1] = g->start[r] + (f->start[i + 1] - f->start[i]);
        WL_FEATURE_RUNS(RUN_)
#undef RUN_
    }
    long long mm = ok ? (long long)m : 0;
#pragma omp parallel for num_threads(threads) schedule(static) if (mm > SERIAL_COPIES)
    for (long long r = 0; r < mm; r++) copy_one(g, src, (size_t)r, tat[r]);
    free(tat);
    g->text_cap = g->text_len;
    if (!ok) {
        wl_features_free(g);
        return NULL;
    }
    return g;
}

/* ---- the query ---- */

typedef struct {
    const wl_store_index *x;
    const wl_dataset *q, *d;   /* d: records stored after the index file (may be NULL) */
    const unsigned char *use;  /* NULL, or the records of q taking part: 1 new, 2 stored again */
    int among;                 /* 1: pairs among q's records too (an update) */
    const wl_model *m;
    int threads;
    wl_features *fq, *fd, *g;
    uint32_t *qrank;           /* among: q's records' places in output order */
    hcount *qc;
    size_t n_qc;
    count_index ci;        /* look-ups in qc */
    wl_vec pairs;          /* query << 32 | other (candidates) */
    uint32_t *cand;        /* the other records compared (index's, then later ones), ascending */
    size_t n_cand;
    /* with many pairs: cand as a bitmap over the other records, and the
     * candidates before each word, so a record's place in cand is a popcount */
    uint64_t *seen;
    uint32_t *seen_rank;
    const wl_model_bits *bits; /* NULL, or m's level weights filled already (a querier's) */
    char **names;              /* NULL, or (--explain) 2 per pair: the names that met (wl_store_screen) */
    double names_at;           /* the pairs named: probability >= names_at, or the document exact */
    int screen;                /* 1: only the pairs at or above threshold or with the document exact */
    double threshold;
} query_ctx;

/* The source names of the store (section "sources", NUL-separated in source
 * order), source s's. */
static const char *stored_source(const wl_store_index *x, uint32_t s)
{
    return s < x->n_sources ? x->sources + x->source_at[s] : "";
}

static wl_status build(query_ctx *c)
{
    const wl_store_index *x = c->x;
    size_t K = c->fq->n, N = x->f.n, D = c->fd ? c->fd->n : 0, used = K;
    c->qc = c->use ? used_counts(c->fq, c->use, &c->n_qc) : query_counts(c->fq, &c->n_qc);
    if (!c->qc || count_index_init(&c->ci, c->qc, c->n_qc) != 0) return WL_NOMEM;
    if (c->use) {
        used = 0;
        for (size_t i = 0; i < K; i++) used += c->use[i] == 1; /* 2: counted already */
    }
    /* the query records' rarity: the store's frozen count plus their own */
    for (size_t k = 0; k < c->fq->part_start[K]; k++) {
        wl_fpart *p = &c->fq->parts[k];
        p->freq = sat32(frozen_count(x, p->h_canon) + (c->use ? count_of(&c->ci, p->h_canon) : p->freq));
    }
    wl_status st = candidates(x, c->fq, c->use, c->fd, c->among, c->threads, &c->pairs);
    if (st != WL_OK) return st;
    const uint64_t *p = c->pairs.data;
    size_t np = c->pairs.len, M = N + D;
    c->cand = malloc((np ? np : 1) * sizeof *c->cand);
    if (!c->cand) return WL_NOMEM;
    if (np > M / 256) { /* many pairs: a bitmap over the stored records, read in order */
        uint64_t *seen = c->seen = calloc(M / 64 + 1, sizeof *seen);
        c->seen_rank = malloc((M / 64 + 1) * sizeof *c->seen_rank);
        if (!seen || !c->seen_rank) return WL_NOMEM;
        for (size_t k = 0; k < np; k++) {
            uint32_t o = (uint32_t)p[k];
            if (o < M) seen[o / 64] |= 1ull << (o % 64);
        }
        for (size_t wd = 0; wd <= M / 64; wd++) {
            c->seen_rank[wd] = (uint32_t)c->n_cand;
            for (uint64_t b = seen[wd]; b; b &= b - 1)
                c->cand[c->n_cand++] = (uint32_t)(wd * 64 + (size_t)__builtin_ctzll(b));
        }
    } else {
        size_t m = 0;
        for (size_t k = 0; k < np; k++)
            if ((uint32_t)p[k] < M) c->cand[m++] = (uint32_t)p[k];
        /* a query of one record: its pairs' others come sorted already */
        int sorted = 1;
        for (size_t k = 1; k < m && sorted; k++) sorted = c->cand[k - 1] <= c->cand[k];
        if (!sorted) qsort(c->cand, m, sizeof *c->cand, cmp_u32_asc);
        for (size_t k = 0; k < m; k++)
            if (c->n_cand == 0 || c->cand[c->n_cand - 1] != c->cand[k]) c->cand[c->n_cand++] = c->cand[k];
    }
    src_rec *src = malloc((K + c->n_cand + 1) * sizeof *src);
    if (!src) return WL_NOMEM;
    for (size_t i = 0; i < K; i++) src[i] = (src_rec){ c->fq, (uint32_t)i, wl_sidx_text_span(c->fq, i) };
    for (size_t j = 0; j < c->n_cand; j++) {
        uint32_t o = c->cand[j];
        src[K + j] = o < N ? (src_rec){ &x->f, o, x->tspan[o] }
                           : (src_rec){ c->fd, o - (uint32_t)N, wl_sidx_text_span(c->fd, o - N) };
    }
    c->g = copy_records(src, K + c->n_cand, c->threads);
    free(src);
    if (!c->g) return WL_NOMEM;
    /* The comparator's one-line records, built once while g->n still counts
     * the records copied: without them each pair assembled both of its
     * records' wl_crec from the arrays (features_crec.c), the query record's
     * once per candidate. They hold no rarity, so the update below leaves
     * them right. */
    if (wl_features_build_crec(c->g) != 0) return WL_NOMEM;
    /* the stored records' rarity: frozen (copied for the index's records,
     * looked up for the later ones) plus the query records holding the part */
    long long nc = (long long)c->n_cand;
#pragma omp parallel for num_threads(c->threads) schedule(static) if (nc > SERIAL_COPIES)
    for (long long j = 0; j < nc; j++) { /* each candidate's own parts */
        int later = c->cand[j] >= N;
        for (uint32_t k = c->g->part_start[K + j]; k < c->g->part_start[K + j + 1]; k++) {
            wl_fpart *q = &c->g->parts[k];
            uint64_t frozen = later ? frozen_count(x, q->h_canon) : q->freq;
            q->freq = sat32(frozen + count_of(&c->ci, q->h_canon));
        }
    }
    /* The population the rarities are out of: the store's records and the
     * query's, as a full run over both counts them. The arrays hold only the
     * K + C records copied; f->n is read as the population (namesim.c, the
     * inverse document frequency) and nothing walks the records up to it here. */
    c->g->n = (size_t)x->head.p.records + used;
    return WL_OK;
}

static size_t cand_index(const query_ctx *c, uint32_t b)
{
    if (c->seen) {
        uint64_t below = c->seen[b / 64] & ((UINT64_C(1) << (b % 64)) - 1);
        return c->seen_rank[b / 64] + (size_t)__builtin_popcountll(below);
    }
    size_t lo = 0, hi = c->n_cand;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->cand[mid] < b) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static void fill_match(const wl_model *model, const wl_model_bits *bits, uint64_t pair, const wl_cmpvec *v,
                       wl_match *r)
{
    memset(r, 0, sizeof *r);
    r->left = (uint32_t)(pair >> 32);
    r->right = (uint32_t)pair;
    r->weight = (float)wl_model_weight_bits(model, bits, v, r->field_weight);
    r->probability = (float)wl_model_probability(r->weight);
    r->name_score = (float)v->name_q / 255.0f;
    memcpy(r->level, v->level, sizeof r->level);
}

/* ab[2k], ab[2k + 1]: pair k's records in g, in the order the full run
 * compares them, for k in [from, to). */
static void orient_range(const query_ctx *c, size_t from, size_t to, uint32_t *ab)
{
    const uint64_t *p = c->pairs.data;
    size_t K = c->fq->n, N = c->x->f.n, D = c->fd ? c->fd->n : 0;
    /* The pairs come sorted by (query record, other), and the others of one
     * query record are mostly consecutive candidates: the place after the
     * previous pair's is tried before a search. The source names are a few,
     * shared by many pairs: the last comparison is kept, by the names'
     * addresses (the same strings give the same answer). */
    size_t next = 0;
    const char *last_qs = NULL, *last_os = NULL;
    int last_first = 0;
    for (size_t k = from; k < to; k++) {
        uint32_t qi = (uint32_t)(p[k] >> 32), o = (uint32_t)p[k], gi;
        /* the full run compares (the record that sorts first, the other)
         * (pipeline/run.c wl_run_orient): of two sources, the source name
         * decides; of one, the stored record (older) comes first, and of two
         * query records their place in output order */
        const char *qs = c->q->pool + c->q->sources[c->q->source[qi]];
        int query_first;
        if (o < N + D) {
            size_t at = next < c->n_cand && c->cand[next] == o ? next : cand_index(c, o);
            next = at + 1;
            gi = (uint32_t)(K + at);
            /* the copy's source column, read in order: the index file's is
             * a cache miss a pair (a tenth of a 10^4-record query's serial part) */
            const char *os = o < N ? stored_source(c->x, c->g->source[gi]) : wl_dataset_source(c->d, o - N);
            if (qs != last_qs || os != last_os) {
                last_qs = qs;
                last_os = os;
                last_first = strcmp(qs, os) < 0;
            }
            query_first = last_first;
        } else {
            gi = o - (uint32_t)(N + D);
            query_first = c->qrank[qi] < c->qrank[gi];
        }
        ab[2 * k] = query_first ? qi : gi;
        ab[2 * k + 1] = query_first ? gi : qi;
    }
}

/* The names that met (--explain) of the pairs a screening may report: at or
 * above names_at, or with the document exact (the CLI's document short cut),
 * found in g, which holds both records with the rarities the pair was scored
 * with (wl_pair_names_met walks compare_names_with itself, so the names are the
 * ones that gave the level). names[2k]: pair k's query record's (the pair's
 * left), names[2k + 1] the other's, whichever the full run compared first.
 * @return 0, or -1 when out of memory (the names made so far stay, for the
 * caller to free). */
static int name_pairs(query_ctx *c, const uint32_t *ab, const wl_match *m)
{
    long long n = (long long)c->pairs.len;
    int failed = 0;
#pragma omp parallel for num_threads(c->threads) schedule(dynamic, 256) reduction(| : failed) if (n > WL_COMPARE_WINDOW)
    for (long long k = 0; k < n; k++) {
        if (!(m[k].probability >= c->names_at) && m[k].level[WL_FIELD_DOC] != WL_DOC_EXACT) continue;
        char a[1024], b[1024];
        wl_pair_names_met(c->g, ab[2 * k], ab[2 * k + 1], a, b, sizeof a);
        int left_first = ab[2 * k] == m[k].left; /* the query record compared first */
        c->names[2 * k] = strdup(left_first ? a : b);
        c->names[2 * k + 1] = strdup(left_first ? b : a);
        failed |= !c->names[2 * k] || !c->names[2 * k + 1];
    }
    return failed ? -1 : 0;
}

/* What a screening keeps of a pair, told from its fields but the name: the
 * most its weight can be (screen_keep) against the least a kept pair's is. */
typedef struct {
    const wl_model *m;
    const wl_model_bits *bits;
    double need;     /* below this weight a pair's probability is surely below the threshold */
    double name_max; /* the most the name can add: its best level with the whole rarity bonus */
} screen_rule;

static screen_rule screen_rule_of(const wl_model *m, const wl_model_bits *bits, double t)
{
    screen_rule r = { m, bits, -INFINITY, 0.0 }; /* name_max set below */
    /* The threshold is met by a pair's float probability, rounded from the
     * double of its float weight: t shrunk by far more than a float's rounding
     * (relative 6e-8) and the weight's bound by 0.01 bits, so no pair at or
     * above t is refused for a rounding. t <= 0 or >= 1: nothing refused
     * (every pair is at or above 0; a probability of 1 is a rounding). */
    double ts = t * (1.0 - 1e-6);
    if (t > 0.0 && t < 1.0 && ts > 0.0) r.need = log2(ts / (1.0 - ts)) - 0.01;
    /* every level, missing (0) included: a model may adjust from any level.
     * The name's weight is never read from the namesake row (model.c namesake_row). */
    r.name_max = m->tf_from <= 0 ? m->tf_cap : 0.0;
    for (int l = 1; l < m->levels[WL_FIELD_NAME] && l < WL_MAX_LEVELS; l++) {
        double w = bits->w[WL_FIELD_NAME][l] + (l >= m->tf_from ? m->tf_cap : 0.0);
        if (w > r.name_max) r.name_max = w;
    }
    return r;
}

/* Whether a pair with the fields but the name of v may be kept: its document
 * exact (the CLI's short cut takes it at any probability), or its weight's
 * bound -- the prior, the name's most, each other field's level at the larger
 * of its two rows (the namesake row is read when the names agree closely) --
 * summed in wl_model_weight_bits' order: a rounded sum of larger terms is no
 * smaller, so a refused pair's weight is below the bound. */
static int screen_keep(const wl_cmpvec *v, void *arg)
{
    const screen_rule *r = arg;
    if (v->level[WL_FIELD_DOC] == WL_DOC_EXACT) return 1;
    double w = r->bits->prior_bits + r->name_max;
    for (int f = 1; f < WL_FIELD_COUNT; f++) {
        int l = v->level[f];
        if (!l) continue;
        double a = r->bits->w[f][l], b = r->m->has_namesake ? r->bits->w_namesake[f][l] : a;
        w += a > b ? a : b;
    }
    return w >= r->need;
}

/* A screening's pairs: those at or above the threshold or with the document
 * exact, compacted in order (m, the pairs and their orders ab alike). */
static size_t screen_compact(query_ctx *c, const unsigned char *skipped, uint32_t *ab, wl_match *m)
{
    uint64_t *p = c->pairs.data;
    size_t w = 0;
    for (size_t k = 0; k < c->pairs.len; k++) {
        if (skipped[k]) continue;
        if (!(m[k].probability >= c->threshold) && m[k].level[WL_FIELD_DOC] != WL_DOC_EXACT) continue;
        m[w] = m[k];
        p[w] = p[k];
        ab[2 * w] = ab[2 * k];
        ab[2 * w + 1] = ab[2 * k + 1];
        w++;
    }
    c->pairs.len = w;
    return w;
}

static wl_status score(query_ctx *c, wl_match **out)
{
    size_t np = c->pairs.len;
    const uint64_t *p = c->pairs.data;
    uint32_t *ab = malloc((np ? np : 1) * 2 * sizeof *ab);
    wl_match *m = malloc((np ? np : 1) * sizeof *m);
    if (!ab || !m) {
        free(ab);
        free(m);
        return WL_NOMEM;
    }
    /* over the threads for many pairs: each pair's order is its own, and
     * the look-ups of 1.4 M pairs were a tenth of a 10^4-record query's
     * serial time; ranges of pairs, each with its own hints */
    long long nr = np > WL_COMPARE_WINDOW ? (long long)c->threads * 8 : 1;
#pragma omp parallel for num_threads(c->threads) schedule(dynamic, 1) if (nr > 1)
    for (long long r = 0; r < nr; r++) orient_range(c, np * (size_t)r / (size_t)nr, np * (size_t)(r + 1) / (size_t)nr, ab);
    long long n = (long long)np;
    const long long blk = WL_COMPARE_WINDOW;
    wl_model_bits own;
    const wl_model_bits *bits = c->bits;
    if (!bits) {
        wl_model_bits_fill(c->m, &own);
        bits = &own;
    }
    int failed = 0;
    /* a screening: a pair that cannot reach the threshold is refused before
     * its name is scored (skipped[k]); the others as without */
    screen_rule rule = screen_rule_of(c->m, bits, c->threshold);
    unsigned char *skipped = c->screen ? calloc(np ? np : 1, 1) : NULL;
    if (c->screen && !skipped) failed = 1;
    /* Each window's vectors are scored as soon as they are compared: no vector
     * array for all the pairs (a 10^4-record query's 1.4 M pairs made 30 MB of
     * fresh pages to fault in and clear). One window (a one-record query's few
     * dozen pairs): no thread team. */
#pragma omp parallel num_threads(c->threads) if (n > blk)
    {
        wl_cmpvec *vec = malloc((size_t)(n < blk ? (n ? n : 1) : blk) * sizeof *vec);
        if (!vec) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(static)
        for (long long k = 0; k < n; k += blk) {
            if (!vec || (c->screen && !skipped)) continue;
            size_t w = (size_t)(k + blk < n ? blk : n - k);
            if (skipped) wl_compare_window_kept(c->g, &ab[2 * k], w, screen_keep, &rule, vec, skipped + k);
            else wl_compare_window(c->g, &ab[2 * k], w, vec);
            for (size_t j = 0; j < w; j++)
                if (!skipped || !skipped[k + (long long)j])
                    fill_match(c->m, bits, p[k + (long long)j], &vec[j], &m[k + (long long)j]);
        }
        free(vec);
    }
    if (!failed && skipped) screen_compact(c, skipped, ab, m);
    free(skipped);
    if (!failed && c->names && name_pairs(c, ab, m) != 0) failed = 1;
    free(ab);
    if (failed) {
        free(m);
        return WL_NOMEM;
    }
    *out = m;
    return WL_OK;
}

/* A warm caller's state between queries: the name context, so a query of a
 * few records does not reopen ICU's transliterators (name_translit.c; opening
 * them was most of a one-record query's 23.6 ms, bench/RESULTS.md). */
struct wl_store_querier {
    const wl_store_index *x;
    const wl_model *m;
    wl_namectx *ctx;
    wl_model_bits bits; /* m's level weights (log2 m/u), filled once, not per query: m does not change */
};

/* Up to this many query records are normalised on the calling thread with the
 * querier's context; more are spread over the threads (contexts of their own,
 * opened per call: negligible against that many records). */
enum { SERIAL_RECORDS = 256 };

/* A name in each script the folding transliterates (name_translit.c's kinds:
 * Arabic, Russian, Ukrainian and Belarusian Cyrillic, Khmer, Myanmar, Han,
 * Hangul, Katakana, Hebrew, Devanagari, and Greek through Any-Latin). ICU
 * compiles a script's transliterator the first time a name in it comes, once
 * a process: 150 M instructions (~45 ms) for the first, its registry included,
 * which fell inside a warm service's timed queries (the bench's 10^4 arrivals
 * hold 51 Cyrillic names; the first came at query 21). */
static const char *const WARM_NAMES[] = {
    "\xd9\x85\xd8\xad\xd9\x85\xd8\xaf",                   /* Arabic */
    "\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd",                   /* Russian */
    "\xd0\x87\xd0\xb6\xd0\xb0\xd0\xba \xd0\x84\xd0\xb2\xd0\xb0", /* Ukrainian (yi, ye) */
    "\xd0\x8e\xd0\xbb\xd0\xb0\xd0\xb4\xd0\xb0",            /* Belarusian (short u) */
    "\xe1\x9e\x9f\xe1\x9e\xbb\xe1\x9e\x81",                          /* Khmer */
    "\xe1\x80\xa1\xe1\x80\xb1\xe1\x80\xac\xe1\x80\x84\xe1\x80\xba",            /* Myanmar */
    "\xe7\x8e\x8b\xe4\xbc\x9f",                                 /* Han */
    "\xea\xb9\x80\xeb\xaf\xbc\xec\x88\x98",                          /* Hangul */
    "\xe3\x82\xbf\xe3\x83\x8a\xe3\x82\xab",                          /* Katakana */
    "\xd7\x9b\xd7\x94\xd7\x9f",                          /* Hebrew */
    "\xe0\xa4\xb0\xe0\xa4\xbe\xe0\xa4\xae",                          /* Devanagari */
    "\xce\x9d\xce\xaf\xce\xba\xce\xbf\xcf\x82",            /* Greek */
};

/* Folds one name of each script with ctx, so its transliterators are compiled
 * and cloned before the service's first query, not during one. The folds'
 * results are dropped: a transliterator keeps no state between names. */
static void warm_scripts(wl_namectx *ctx)
{
    char out[1024];
    for (size_t k = 0; k < sizeof WARM_NAMES / sizeof *WARM_NAMES; k++)
        wl_name_fold(ctx, WARM_NAMES[k], strlen(WARM_NAMES[k]), out, sizeof out);
}

/* warm: compile every script's transliterator now (a service's querier), or
 * as names need them (wl_store_query's querier of one call). */
static wl_status querier_open(const wl_store_index *x, const wl_model *m, int warm, wl_store_querier **out)
{
    *out = NULL;
    if (!x || !m) return WL_USAGE;
    wl_store_querier *qr = calloc(1, sizeof *qr);
    if (!qr) return WL_NOMEM;
    qr->x = x;
    qr->m = m;
    if (!(qr->ctx = wl_namectx_create())) {
        free(qr);
        return WL_NOMEM;
    }
    if (warm) warm_scripts(qr->ctx);
    wl_model_bits_fill(m, &qr->bits);
    *out = qr;
    return WL_OK;
}

wl_status wl_store_querier_create(const wl_store_index *x, const wl_model *m, wl_store_querier **out)
{
    return querier_open(x, m, 1, out);
}

void wl_store_querier_free(wl_store_querier *qr)
{
    if (!qr) return;
    wl_namectx_free(qr->ctx);
    free(qr);
}

/* The features of q the match reads, from the caller's fq (q's own features,
 * built already): a view of fq's arrays but for the name parts, copied, whose
 * rarity build() rewrites. Freed by free_view. */
static wl_features *view_of(const wl_features *fq)
{
    wl_features *v = malloc(sizeof *v);
    size_t np = fq->part_start[fq->n];
    wl_fpart *parts = malloc((np ? np : 1) * sizeof *parts);
    if (!v || !parts) {
        free(v);
        free(parts);
        return NULL;
    }
    *v = *fq;
    if (np) memcpy(parts, fq->parts, np * sizeof *parts);
    v->parts = parts;
    return v;
}

static void free_view(wl_features *v)
{
    if (!v) return;
    free(v->parts);
    free(v);
}

/* One match of q (its records in use) against the index, the later records d
 * and, with among, each other. ctx (may be NULL): a warm name context for a
 * small q, and bits (may be NULL) m's level weights. given (may be NULL): q's
 * features, built by the caller. */
static wl_status match_run(const wl_store_index *x, const wl_model *m, wl_namectx *ctx, const wl_model_bits *bits,
                           const wl_dataset *q,
                           const wl_features *given, const wl_dataset *d, const unsigned char *use, int among,
                           int threads, const double *screen_at, char ***names, wl_match **pairs, size_t *n,
                           char *err, size_t errcap)
{
    query_ctx c;
    memset(&c, 0, sizeof c);
    c.x = x;
    c.q = q;
    c.d = d && wl_dataset_size(d) ? d : NULL;
    c.use = use;
    c.among = among;
    c.m = m;
    c.bits = bits;
    c.threads = wl_thread_count(threads);
    wl_vec_init(&c.pairs, sizeof(uint64_t));
    wl_status st = WL_OK;
    c.fq = given ? view_of(given)
         : ctx && q->n <= SERIAL_RECORDS ? wl_features_build_with(q, ctx) : wl_features_build(q, c.threads);
    if (!c.fq) st = WL_NOMEM;
    if (st == WL_OK && c.d && !(c.fd = wl_features_build(c.d, c.threads))) st = WL_NOMEM;
    uint32_t *order = NULL;
    if (st == WL_OK && among && !(c.qrank = wl_dataset_ranks(q, &order))) st = WL_NOMEM;
    free(order);
    if (st == WL_OK) st = build(&c);
    if (st == WL_OK && names && !(c.names = calloc(2 * (c.pairs.len ? c.pairs.len : 1), sizeof *c.names)))
        st = WL_NOMEM;
    c.screen = screen_at != NULL;
    c.threshold = screen_at ? *screen_at : 0.0;
    c.names_at = c.threshold;
    if (st == WL_OK) st = score(&c, pairs);
    if (names && st == WL_OK) *names = c.names;
    else if (names) wl_store_names_free(c.names, c.pairs.len); /* the names made: pairs.len pairs' worth at most */
    if (st == WL_OK) *n = c.pairs.len;
    else wl_set_error(err, errcap, "query failed: %s", wl_strerror(st));
    if (given) free_view(c.fq);
    else wl_features_free(c.fq);
    wl_features_free(c.fd);
    wl_features_free(c.g);
    wl_vec_free(&c.pairs);
    free(c.qrank);
    free(c.qc);
    free(c.ci.slot);
    free(c.cand);
    free(c.seen);
    free(c.seen_rank);
    return st;
}

wl_status wl_store_querier_run(wl_store_querier *qr, const wl_dataset *q, int threads, wl_match **pairs,
                               size_t *n, char *err, size_t errcap)
{
    *pairs = NULL;
    *n = 0;
    if (!qr || !q) {
        wl_set_error(err, errcap, "wl_store_query: no index, query or model");
        return WL_USAGE;
    }
    return match_run(qr->x, qr->m, qr->ctx, &qr->bits, q, NULL, NULL, NULL, 0, threads, NULL, NULL, pairs, n, err,
                     errcap);
}

wl_status wl_store_match(const wl_store_index *x, const wl_dataset *later, const wl_dataset *q,
                         const unsigned char *use, int among, const wl_model *m, int threads, wl_match **pairs,
                         size_t *n, char *err, size_t errcap)
{
    *pairs = NULL;
    *n = 0;
    if (!x || !q || !m) {
        wl_set_error(err, errcap, "wl_store_match: no index, query or model");
        return WL_USAGE;
    }
    return match_run(x, m, NULL, NULL, q, NULL, later, use, among, threads, NULL, NULL, pairs, n, err, errcap);
}

wl_status wl_store_match_features(const wl_store_index *x, const wl_dataset *later, const wl_dataset *q,
                                  const wl_features *fq, const unsigned char *use, int among, const wl_model *m,
                                  int threads, wl_match **pairs, size_t *n, char *err, size_t errcap)
{
    *pairs = NULL;
    *n = 0;
    if (!x || !q || !fq || fq->n != q->n || !m) {
        wl_set_error(err, errcap, "wl_store_match: no index, query, its features or model");
        return WL_USAGE;
    }
    return match_run(x, m, NULL, NULL, q, fq, later, use, among, threads, NULL, NULL, pairs, n, err, errcap);
}

wl_status wl_store_screen(const wl_store_index *x, const wl_dataset *later, const wl_dataset *q, const wl_features *fq,
                          const wl_model *m, int threads, double threshold, wl_match **pairs, size_t *n, char ***names,
                          char *err, size_t errcap)
{
    *pairs = NULL;
    *n = 0;
    if (names) *names = NULL;
    if (!x || !q || !fq || fq->n != q->n || !m) {
        wl_set_error(err, errcap, "wl_store_screen: no index, query, its features or model");
        return WL_USAGE;
    }
    return match_run(x, m, NULL, NULL, q, fq, later, NULL, 0, threads, &threshold, names, pairs, n, err, errcap);
}

wl_status wl_store_querier_screen(wl_store_querier *qr, const wl_dataset *q, int threads, double threshold,
                                  wl_match **pairs, size_t *n, char *err, size_t errcap)
{
    *pairs = NULL;
    *n = 0;
    if (!qr || !q) {
        wl_set_error(err, errcap, "wl_store_querier_screen: no querier or query");
        return WL_USAGE;
    }
    return match_run(qr->x, qr->m, qr->ctx, &qr->bits, q, NULL, NULL, NULL, 0, threads, &threshold, NULL, pairs, n,
                     err, errcap);
}

void wl_store_names_free(char **names, size_t n)
{
    for (size_t k = 0; names && k < 2 * n; k++) free(names[k]);
    free(names);
}

wl_status wl_store_query(const wl_store_index *x, const wl_dataset *q, const wl_model *m, int threads,
                         wl_match **pairs, size_t *n, char *err, size_t errcap)
{
    *pairs = NULL;
    *n = 0;
    if (!x || !q || !m) {
        wl_set_error(err, errcap, "wl_store_query: no index, query or model");
        return WL_USAGE;
    }
    wl_store_querier *qr = NULL;
    wl_status st = querier_open(x, m, 0, &qr);
    if (st == WL_OK) st = wl_store_querier_run(qr, q, threads, pairs, n, err, errcap);
    else wl_set_error(err, errcap, "query failed: %s", wl_strerror(st));
    wl_store_querier_free(qr);
    return st;
}
