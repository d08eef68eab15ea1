/* store_blocks.c -- the person store's blocking index: which stored records
 * hold each blocking key, so a query finds its candidates by looking its own
 * keys up instead of blocking the whole store again.
 *
 * The blocks are those block.c builds from the same features: each kind's
 * (key, record) entries sorted, a record meeting a key once, and a block of
 * more than wl_block_split_limit records re-keyed by its second key
 * (wl_block_split_key, the split bit set). Unlike block.c it keeps every
 * block, singletons and blocks over max_block too: a query record makes a
 * singleton a pair, and the query side decides what it skips from the sizes. */
#include <stdlib.h>

#include "store/store_index.h"

enum { MAX_KEYS = 512 };

/* Drops repeated (key, record) entries of a sorted run: a record meets a key once. */
static size_t unique_entries(wl_keyent *e, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (w == 0 || e[w - 1].key != e[i].key || e[w - 1].rec != e[i].rec) e[w++] = e[i];
    return w;
}

/* One kind's entries, appended to v (unsorted). */
static int kind_entries(const wl_features *f, int kind, uint32_t common, wl_vec *v)
{
    uint64_t keys[MAX_KEYS];
    for (size_t i = 0; i < f->n; i++) {
        size_t nk = wl_block_record_keys(f, i, kind, common, keys, MAX_KEYS);
        if (wl_vec_reserve(v, v->len + nk) != 0) return -1;
        wl_keyent *e = (wl_keyent *)v->data + v->len;
        for (size_t k = 0; k < nk; k++) e[k] = (wl_keyent){ keys[k], (uint32_t)i, 0 };
        v->len += nk;
    }
    return 0;
}

/* Re-keys every run above the split limit by its records' split keys (as
 * block.c split_oversized) and notes the run's key in split. */
static int split_runs(const wl_features *f, int kind, wl_keyent *e, size_t n, size_t limit, wl_vec *split)
{
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && e[j].key == e[i].key; j++) {}
        if (j - i <= limit) continue;
        if (wl_vec_push(split, &e[i].key) != 0) return -1;
        for (size_t k = i; k < j; k++) {
            uint64_t h = wl_hash_combine(e[k].key, wl_block_split_key(f, e[k].rec, kind));
            e[k].key = wl_block_key(kind, h) | WL_KEY_SPLIT_BIT;
        }
    }
    return 0;
}

wl_status wl_sidx_blocks(const wl_features *f, const wl_sidx_params *p, int threads, uint64_t **keys,
                         uint32_t **recs, size_t *n, uint64_t **split, size_t *n_split)
{
    (void)threads;
    *keys = NULL;
    *recs = NULL;
    *split = NULL;
    *n = *n_split = 0;
    wl_vec all, sp;
    wl_vec_init(&all, sizeof(wl_keyent));
    wl_vec_init(&sp, sizeof(uint64_t));
    uint32_t common = wl_block_common_limit(p->max_block);
    size_t limit = wl_block_split_limit(p->max_block);
    wl_keyent *tmp = NULL;
    int bad = 0;
    for (int kind = 0; kind < WL_KIND_COUNT && !bad; kind++) {
        if (!(p->block_keys & (1u << kind))) continue;
        size_t from = all.len;
        bad = kind_entries(f, kind, common, &all) != 0;
        size_t m = all.len - from;
        if (bad || m == 0) continue;
        wl_keyent *t = realloc(tmp, m * sizeof *t);
        if (!t) {
            bad = 1;
            break;
        }
        tmp = t;
        wl_keyent *e = (wl_keyent *)all.data + from;
        wl_keyent_sort(e, tmp, m);
        m = unique_entries(e, m);
        all.len = from + m;
        bad = split_runs(f, kind, e, m, limit, &sp) != 0;
    }
    /* Every kind, split keys included, in one key order: a query looks a key
     * up by binary search, and a block's records stay in record order (the
     * sort is stable and each run was in record order). */
    if (!bad && all.len > 1) {
        wl_keyent *t = realloc(tmp, all.len * sizeof *t);
        if (t) {
            tmp = t;
            wl_keyent_sort(all.data, tmp, all.len);
        } else {
            bad = 1;
        }
    }
    free(tmp);
    size_t m = all.len;
    if (!bad) {
        *keys = malloc((m ? m : 1) * sizeof **keys);
        *recs = malloc((m ? m : 1) * sizeof **recs);
        bad = !*keys || !*recs;
    }
    if (!bad) {
        const wl_keyent *e = all.data;
        for (size_t q = 0; q < m; q++) {
            (*keys)[q] = e[q].key;
            (*recs)[q] = e[q].rec;
        }
        *n = m;
        uint64_t *s = sp.data;
        size_t ns = sp.len;
        /* kinds in order, each kind's runs in key order: already ascending */
        *split = malloc((ns ? ns : 1) * sizeof **split);
        if (!*split) bad = 1;
        else if (ns) memcpy(*split, s, ns * sizeof *s);
        *n_split = ns;
    }
    wl_vec_free(&all);
    wl_vec_free(&sp);
    if (bad) {
        free(*keys);
        free(*recs);
        free(*split);
        *keys = NULL;
        *recs = NULL;
        *split = NULL;
        *n = *n_split = 0;
        return WL_NOMEM;
    }
    return WL_OK;
}

/* A query looks up some 40 keys a record in an index of ~20 entries a stored
 * record: a binary search over all of them is ~25 cache misses a key (perf:
 * 8 % of a warm one-record query at 10^5). The directory of the keys' top
 * bits (a kind's hashes are uniform below its 4 top bits) leaves a few
 * entries to search: one slot per 4 entries up to 2^18 slots (2 MB), each
 * slot's start found by galloping from the last (Bentley and Yao 1976), so
 * opening a 10^6-record store no longer walks its 20 M entries (that walk
 * and a 32 MB directory were 38 % of a one-record CLI query). The slots are
 * filled in ranges over the threads, each range starting from a binary
 * search: the same slots, a fraction of the wall time of an open. */
enum { DIR_MAX_BITS = 18, DIR_PARTS = 64 };

static int top_below(const wl_store_index *x, size_t q, unsigned bits, size_t t)
{
    return (size_t)(x->bkey[q] >> (64 - bits)) < t;
}

/* d[t] for t in [t0, t1), from q: the first entry whose top bits are >= t0. */
static void directory_range(const wl_store_index *x, unsigned bits, size_t t0, size_t t1, size_t q, size_t *d)
{
    size_t n = x->n_bkey;
    for (size_t t = t0; t < t1; t++) {
        /* the first entry at or after q whose top bits are >= t */
        if (q < n && top_below(x, q, bits, t)) {
            size_t lo = q, step = 1; /* invariant: entry lo is below t */
            while (lo + step < n && top_below(x, lo + step, bits, t)) {
                lo += step;
                step *= 2;
            }
            size_t hi = lo + step < n ? lo + step : n; /* hi is n or not below t */
            while (hi - lo > 1) {
                size_t mid = lo + (hi - lo) / 2;
                if (top_below(x, mid, bits, t)) lo = mid;
                else hi = mid;
            }
            q = hi;
        }
        d[t] = q;
    }
}

int wl_sidx_directory(wl_store_index *x)
{
    unsigned bits = 1;
    while (bits < DIR_MAX_BITS && ((size_t)1 << (bits + 2)) < x->n_bkey) bits++;
    size_t slots = (size_t)1 << bits, n = x->n_bkey;
    size_t *d = malloc((slots + 1) * sizeof *d);
    if (!d) return -1;
    /* in DIR_PARTS ranges of slots over the threads, each range's first
     * entry found by a binary search */
    long long parts = slots < DIR_PARTS ? 1 : DIR_PARTS;
#pragma omp parallel for schedule(static)
    for (long long p = 0; p < parts; p++) {
        size_t t0 = slots * (size_t)p / (size_t)parts, t1 = slots * (size_t)(p + 1) / (size_t)parts;
        size_t lo = 0, hi = n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (top_below(x, mid, bits, t0)) lo = mid + 1;
            else hi = mid;
        }
        directory_range(x, bits, t0, t1, lo, d);
    }
    d[slots] = n;
    x->bdir = d;
    x->bdir_bits = bits;
    return 0;
}

void wl_sidx_block(const wl_store_index *x, uint64_t key, size_t *lo_out, size_t *hi_out)
{
    size_t t = (size_t)(key >> (64 - x->bdir_bits));
    size_t lo = x->bdir[t], hi = x->bdir[t + 1];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (x->bkey[mid] < key) lo = mid + 1;
        else hi = mid;
    }
    /* The block's end by galloping from its start (Bentley and Yao 1976): a
     * common key's block of 10^4 entries or more, which a query skips as too
     * large, costs the log of its length, not a walk over all its entries.
     * Most blocks are short, and on the generated 10^6 store the warm
     * one-record queries took the same time either way (2.07-2.19 s against
     * 2.09-2.26 s for 9,999); it bounds the worst key, not the usual one. */
    size_t end = lo;
    if (end < x->n_bkey && x->bkey[end] == key) {
        size_t last = end, step = 1; /* invariant: bkey[last] == key */
        while (last + step < x->n_bkey && x->bkey[last + step] == key) {
            last += step;
            step *= 2;
        }
        size_t past = last + step < x->n_bkey ? last + step : x->n_bkey; /* the end or a greater key */
        while (past - last > 1) {
            size_t mid = last + (past - last) / 2;
            if (x->bkey[mid] == key) last = mid;
            else past = mid;
        }
        end = past;
    }
    *lo_out = lo;
    *hi_out = end;
}
