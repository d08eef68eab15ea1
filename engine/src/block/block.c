/* block.c -- candidate pairs from blocking keys (stage 4).
 *
 * Standard blocking (Christen, "Data Matching", 2012, ch. 4) with several keys
 * and no global pair set: for each kind, the (key, record) entries are radix
 * sorted, so every block is a run; a run above the split limit is re-keyed by
 * a second key (wl_block_split_key) and sorted again, and a sub-block above
 * max_block is dropped and counted. Singletons are dropped too.
 *
 * Then, per record a, the partner cap (meta-blocking with cardinality node
 * pruning, Papadakis et al., IEEE TKDE 2014): every record b sharing a block
 * with a, on either side, scores the summed weights of the blocks they share
 * (wl_block_weight: rarer blocks weigh more), and a keeps its `partners` best
 * (a total order: score, then lower index). A pair is a candidate when either
 * record keeps the other. Without the cap, common names make the candidates
 * grow with n^2 (blocks of "nguyen van" + year grow with the list); with it a
 * record yields at most `partners` pairs, and true pairs, which share several
 * keys or a rare one, outrank namesakes sharing one crowded key.
 *
 * Records are walked in fixed chunks whose outputs are appended in order; the
 * capped pairs are then radix sorted and made unique, so the result is sorted
 * by (a, b) and identical for any thread count. partners = 0 keeps every pair
 * sharing a block: a's partners b > a are gathered, sorted and made unique. */
#include "block/block.h"

#include <math.h>
#include <stdlib.h>
#ifdef _OPENMP
#include <omp.h>
#endif

enum { KEY_CHUNK = 4096, PAIR_CHUNK = 1024, MAX_KEYS_PER_KIND = 512, TRIM_EVERY = 32 };

typedef struct {
    size_t n_records;
    int threads;
    wl_mode mode;
    size_t max_block;
    size_t partners;          /* per-record cap on partners; 0 = every partner */
    size_t sure;              /* of those, how many are kept whatever their score (see wl_block_prune_ref) */
    const uint32_t *source;
    wl_block_stats *st;
    const uint32_t *rank, *inv; /* f->rank and its inverse; NULL: records by index */
    const unsigned char *focus; /* wl_options.focus: NULL, or nonzero for a focus record */
    unsigned char *active;      /* with focus: 1 for a focus record and every record sharing a
                                   block with one -- the only records whose partners can make a
                                   pair with a focus record */
    size_t part, parts;         /* only the pairs chosen by part `part` of `parts` of the records
                                   (whole chunks): wl_block_part */
} block_ctx;

/* With a focus set, a pair is kept only when one of its records is in it. */
static inline int pair_wanted(const block_ctx *c, uint32_t a, uint64_t b)
{
    return !c->focus || c->focus[a] || c->focus[b];
}

/* ---- one kind's entries ---- */

/* A chunk's entries are reserved for KEYS_GUESS keys a record up front and
 * the room left over handed back at the end (a shrinking realloc stays in
 * place): grown from 16 entries by half each time, a chunk was copied ~16
 * times on its way to ~12,000 entries, and those reallocs' copies were 4 % of
 * the blocking stage's instructions at 10^5 x 10^5 FEBRL-like lists. */
enum { KEYS_GUESS = 4 };

static int chunk_entries(const wl_features *f, int kind, uint32_t common, size_t lo, size_t hi, wl_vec *out)
{
    uint64_t keys[MAX_KEYS_PER_KIND];
    if (wl_vec_reserve(out, (hi - lo) * KEYS_GUESS) != 0) return -1;
    for (size_t i = lo; i < hi; i++) {
        size_t nk = wl_block_record_keys(f, i, kind, common, keys, MAX_KEYS_PER_KIND);
        if (wl_vec_reserve(out, out->len + nk) != 0) return -1;
        wl_keyent *e = (wl_keyent *)out->data + out->len;
        for (size_t k = 0; k < nk; k++) e[k] = (wl_keyent){ keys[k], (uint32_t)i, 0 };
        out->len += nk;
    }
    if (out->cap > out->len && out->len) {
        void *fit = realloc(out->data, out->len * sizeof(wl_keyent));
        if (fit) {
            out->data = fit;
            out->cap = out->len;
        }
    }
    return 0;
}

/* Generates the kind's entries in record order (fixed chunks, concatenated in order). */
static wl_status gen_entries(const wl_features *f, int kind, int threads, uint32_t common, wl_vec *out)
{
    size_t n = f->n, nchunks = (n + KEY_CHUNK - 1) / KEY_CHUNK;
    wl_vec *parts = calloc(nchunks ? nchunks : 1, sizeof *parts);
    if (!parts) return WL_NOMEM;
    int failed = 0;
#pragma omp parallel for schedule(dynamic) num_threads(threads) reduction(| : failed)
    for (size_t c = 0; c < nchunks; c++) {
        wl_vec_init(&parts[c], sizeof(wl_keyent));
        failed |= chunk_entries(f, kind, common, c * KEY_CHUNK, WL_MIN(n, (c + 1) * KEY_CHUNK), &parts[c]);
    }
    size_t total = 0;
    for (size_t c = 0; c < nchunks; c++) total += parts[c].len;
    if (!failed && wl_vec_reserve(out, total) != 0) failed = 1;
    for (size_t c = 0; c < nchunks; c++) {
        if (!failed && parts[c].len) {
            memcpy((wl_keyent *)out->data + out->len, parts[c].data, parts[c].len * sizeof(wl_keyent));
            out->len += parts[c].len;
        }
        wl_vec_free(&parts[c]);
        /* the copied chunks' pages go back as the copy grows: the kind's
         * entries are then resident once, not twice (common.h) */
        if ((c + 1) % TRIM_EVERY == 0) wl_release_free_pages();
    }
    free(parts);
    wl_release_free_pages();
    return failed ? WL_NOMEM : WL_OK;
}

static size_t run_end(const wl_keyent *e, size_t n, size_t i)
{
    size_t j = i + 1;
    while (j < n && e[j].key == e[i].key) j++;
    return j;
}

/* Drops repeated (key, record) entries: a record meets a key once. */
static size_t dedup_entries(wl_keyent *e, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (w == 0 || e[w - 1].key != e[i].key || e[w - 1].rec != e[i].rec) e[w++] = e[i];
    return w;
}

/* Re-keys the records of every block above the limit by their split key and
 * sorts that run alone (tmp: scratch for it), which puts each sub-block's
 * records together, still in record order. The array is then no longer sorted
 * as a whole, but every block is still one run, which is all later steps
 * need: a sub-key hashes the block's key, so two runs never share one, and
 * the split bit keeps sub-keys apart from unsplit keys; and only the split
 * runs' entries are sorted again, not the whole kind's.
 * @return the number of blocks split. */
static size_t split_oversized(const wl_features *f, int kind, wl_keyent *e, size_t n, size_t max, wl_keyent *tmp)
{
    size_t split = 0;
    for (size_t i = 0, j; i < n; i = j) {
        j = run_end(e, n, i);
        if (j - i <= max) continue;
        split++;
        for (size_t k = i; k < j; k++) {
            uint64_t h = wl_hash_combine(e[k].key, wl_block_split_key(f, e[k].rec, kind));
            e[k].key = wl_block_key(kind, h) | WL_KEY_SPLIT_BIT;
        }
        wl_keyent_sort(e + i, tmp, j - i);
    }
    return split;
}

static int cmp_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return (a > b) - (a < b);
}

/* Pairs a skipped block held, counting only cross-source pairs in link mode. */
static size_t block_pairs(const block_ctx *c, const wl_keyent *e, size_t s, uint32_t *scratch)
{
    size_t all = s * (s - 1) / 2;
    if (c->mode != WL_MODE_LINK) return all;
    for (size_t k = 0; k < s; k++) scratch[k] = c->source[e[k].rec];
    qsort(scratch, s, sizeof *scratch, cmp_u32);
    size_t same = 0;
    for (size_t i = 0, j; i < s; i = j) {
        for (j = i + 1; j < s && scratch[j] == scratch[i]; j++) {}
        same += (j - i) * (j - i - 1) / 2;
    }
    return all - same;
}

/* Keeps the blocks worth walking (2..max records); counts what is skipped. */
static wl_status keep_blocks(const block_ctx *c, wl_keyent *e, size_t n, size_t *kept)
{

    uint32_t *scratch = NULL;
    size_t w = 0;
    for (size_t i = 0, j; i < n; i = j) {
        j = run_end(e, n, i);
        size_t s = j - i;
        if (s < 2) continue;
        if (s > c->max_block) {
            if (c->mode == WL_MODE_LINK && !scratch && !(scratch = malloc(c->n_records * sizeof *scratch)))
                return WL_NOMEM;
            c->st->skipped_blocks++;
            c->st->skipped_pairs += block_pairs(c, e + i, s, scratch);
            continue;
        }
        c->st->blocks++;
        memmove(e + w, e + i, s * sizeof *e);
        w += s;
    }
    free(scratch);
    *kept = w;
    return WL_OK;
}

/* ---- blocks kept ---- */

/* A block: its run of entries and its weight. */
typedef struct {
    uint32_t beg, end;
    uint16_t w;                   /* wl_block_weight: <= 16 log2(2^32) */
    uint16_t guard;               /* 1: sharing it guards a partner from pruning (any block but a
                                     document block of more than WL_BLOCK_DOC_CROWD records) */
} blockinfo;

/* What blocking keeps of every kind: each kept entry's record and each block's
 * run of them. The kinds append to it as they finish, so a kind's 16-byte
 * (key, record) entries live only while that kind is sorted and filtered; the
 * kinds kept before it take 4 bytes an entry (plus 12 a block), not 16. */
typedef struct {
    wl_vec rec;                   /* uint32_t per kept entry, kinds in order */
    wl_vec blk;                   /* blockinfo per kept block, in entry order */
} kept_blocks;

/* Appends the kept runs of one kind's entries e[0..n) (every block one run) to
 * kb: their records, and per block its run, weight and guard. */
static wl_status keep_runs(const block_ctx *c, const wl_keyent *e, size_t n, kept_blocks *kb)
{
    size_t nb = 0;
    for (size_t i = 0; i < n; i = run_end(e, n, i)) nb++;
    size_t base = kb->rec.len;
    if (base + n >= UINT32_MAX || kb->blk.len + nb >= UINT32_MAX) return WL_INPUT; /* 32-bit positions */
    if (wl_vec_reserve(&kb->rec, base + n) != 0 || wl_vec_reserve(&kb->blk, kb->blk.len + nb) != 0)
        return WL_NOMEM;
    uint32_t *rec = (uint32_t *)kb->rec.data + base;
    for (size_t q = 0; q < n; q++) rec[q] = e[q].rec;
    blockinfo *bl = (blockinfo *)kb->blk.data + kb->blk.len;
    for (size_t i = 0, j; i < n; i = j) {
        j = run_end(e, n, i);
        uint16_t guard = (e[i].key >> WL_KEY_KIND_SHIFT) != WL_KIND_DOC || j - i <= WL_BLOCK_DOC_CROWD;
        *bl++ = (blockinfo){ (uint32_t)(base + i), (uint32_t)(base + j), (uint16_t)wl_block_weight(j - i, c->n_records),
                             guard };
    }
    kb->rec.len += n;
    kb->blk.len += nb;
    return WL_OK;
}

/* Builds, sorts, splits and filters one kind's entries, appending its blocks to kb. */
static wl_status kind_blocks(const block_ctx *c, const wl_features *f, int kind, kept_blocks *kb)
{
    wl_vec v;
    wl_vec_init(&v, sizeof(wl_keyent));
    wl_status st = gen_entries(f, kind, c->threads, wl_block_common_limit(c->max_block), &v);
    wl_keyent *tmp = NULL;
    if (st == WL_OK && v.len > 1 && !(tmp = malloc(v.len * sizeof *tmp))) st = WL_NOMEM;
    if (st == WL_OK) {
        wl_keyent *e = v.data;
        c->st->keys += v.len;
        wl_keyent_sort_mt(e, tmp, v.len, c->threads);
        size_t n = dedup_entries(e, v.len), kept = 0;
        c->st->split_blocks += split_oversized(f, kind, e, n, wl_block_split_limit(c->max_block), tmp);
        free(tmp);
        tmp = NULL;
        st = keep_blocks(c, e, n, &kept);
        if (st == WL_OK) st = keep_runs(c, e, kept, kb);
    }
    free(tmp);
    wl_vec_free(&v);
    return st;
}

/* ---- per-record key lists ---- */

uint32_t wl_block_weight(size_t size, size_t records)
{
    if (size == 0 || size >= records) return 1;
    double w = 16.0 * log2((double)records / (double)size);
    return w < 1.0 ? 1u : (uint32_t)(w + 0.5);
}


/* The blocks as runs of records, and each record's blocks (block numbers, in
 * key order). 10 bytes per entry (record, source, the record's block number):
 * the records and blocks come from kept_blocks, the rest is built from them.
 * At 2 x 10^6 FEBRL-like records (30 M entries) the blocking stage once peaked
 * at 38 bytes an entry, 1.1 GB, with the 16-byte entries of every kind and a
 * 16-byte (run, position, weight) per record's block alive together. */
typedef struct {
    size_t n;
    uint32_t *ent_rec;            /* per entry: record; a block's run is in record order */
    uint16_t *ent_src;            /* link mode: per entry, its record's source (read in
                                     sequence; NULL: look it up in the sources) */
    blockinfo *blk;               /* per block */
    uint32_t *rk_start;           /* per record: its run in rk_blk */
    uint32_t *rk_blk;             /* each record's blocks */
} keylists;

static void keylists_free(keylists *k)
{
    free(k->ent_rec);
    free(k->ent_src);
    free(k->blk);
    free(k->rk_start);
    free(k->rk_blk);
}

/* In link mode each partner met is checked for its source: a random read of
 * the per-record sources for every (block, partner) visit, ~30 M at 2 x 10^6
 * records. A per-entry copy, read in sequence with the records, replaces it
 * (2 bytes an entry; lists beyond 65,535 sources keep the lookup). */
static wl_status keylists_sources(const block_ctx *c, const uint32_t *rec, size_t m, keylists *k)
{
    if (c->mode != WL_MODE_LINK || m == 0) return WL_OK;
    for (size_t r = 0; r < c->n_records; r++)
        if (c->source[r] > UINT16_MAX) return WL_OK;
    if (!(k->ent_src = malloc(m * sizeof *k->ent_src))) return WL_NOMEM;
    for (size_t q = 0; q < m; q++) k->ent_src[q] = (uint16_t)c->source[rec[q]];
    return WL_OK;
}

static inline uint32_t entry_source(const block_ctx *c, const keylists *k, uint32_t q, uint32_t b)
{
    return k->ent_src ? k->ent_src[q] : c->source[b];
}

/* Builds k from the kept blocks, taking over their arrays. */
static wl_status keylists_build(const block_ctx *c, kept_blocks *kb, size_t n, keylists *k)
{
    size_t m = kb->rec.len, nb = kb->blk.len;
    memset(k, 0, sizeof *k);
    k->n = n;
    k->ent_rec = kb->rec.data;
    k->blk = kb->blk.data;
    wl_vec_init(&kb->rec, sizeof(uint32_t));
    wl_vec_init(&kb->blk, sizeof(blockinfo));
    /* the vectors grew by half again: hand back their slack before the
     * per-record lists are allocated beside them */
    uint32_t *er = realloc(k->ent_rec, (m ? m : 1) * sizeof *k->ent_rec);
    if (er) k->ent_rec = er;
    blockinfo *bi = realloc(k->blk, (nb ? nb : 1) * sizeof *k->blk);
    if (bi) k->blk = bi;
    if (!er || !bi) return WL_NOMEM;
    if (keylists_sources(c, k->ent_rec, m, k) != WL_OK) return WL_NOMEM;
    if (!(k->rk_start = calloc(n + 1, sizeof *k->rk_start))) return WL_NOMEM;
    for (size_t q = 0; q < m; q++) k->rk_start[k->ent_rec[q] + 1]++;
    for (size_t r = 0; r < n; r++) k->rk_start[r + 1] += k->rk_start[r];
    k->rk_blk = malloc((m ? m : 1) * sizeof *k->rk_blk);
    uint32_t *fill = malloc((n ? n : 1) * sizeof *fill);
    if (!k->rk_blk || !fill) {
        free(fill);
        return WL_NOMEM;
    }
    if (n) memcpy(fill, k->rk_start, n * sizeof *fill);
    for (size_t b = 0; b < nb; b++)
        for (uint32_t q = k->blk[b].beg; q < k->blk[b].end; q++) k->rk_blk[fill[k->ent_rec[q]]++] = (uint32_t)b;
    free(fill);
    return WL_OK;
}

/* ---- pair emission: every partner (no cap) ---- */

/* Appends every pair (a, b > a) of a's blocks, each b once, as (a << 32 | b).
 * bs is scratch for the partners (twice their count: the radix sort's buffer). */
static int record_pairs(const block_ctx *c, const keylists *k, uint32_t a, wl_vec *bs, wl_vec *out)
{
    const uint32_t sa = c->source[a];
    bs->len = 0;
    for (uint32_t t = k->rk_start[a]; t < k->rk_start[a + 1]; t++) {
        blockinfo bl = k->blk[k->rk_blk[t]];
        if (bl.end - bl.beg > 1 && wl_vec_reserve(bs, bs->len + (bl.end - bl.beg - 1)) != 0) return -1;
        uint64_t *dst = bs->data;
        /* Entries of a block are in record order: skip to those after a's (b > a). */
        uint32_t q = bl.beg;
        while (q < bl.end && k->ent_rec[q] <= a) q++;
        for (; q < bl.end; q++) {
            uint32_t b = k->ent_rec[q];
            if (c->mode == WL_MODE_LINK && sa == entry_source(c, k, q, b)) continue;
            dst[bs->len++] = b;
        }
    }
    size_t m = bs->len;
    if (wl_vec_reserve(bs, 2 * m) != 0 || wl_vec_reserve(out, out->len + m) != 0) return -1;
    uint64_t *b = bs->data;
    wl_u64_sort(b, b + m, m, 0);
    uint64_t *o = (uint64_t *)out->data + out->len;
    size_t w = 0;
    for (size_t q = 0; q < m; q++)
        if ((q == 0 || b[q] != b[q - 1]) && pair_wanted(c, a, b[q])) o[w++] = (uint64_t)a << 32 | b[q];
    out->len += w;
    return 0;
}

/* ---- pair emission: each record's best partners (the cap) ---- */

/* Per-thread scratch of the capped path: the partners met (as b << 32, then
 * b << 32 | score) and a dense score per record, zero between records: the
 * summed weight in the low 15 bits, and bit 15 set once a guarding block is
 * shared (blockinfo.guard). 16 bits: the reads of it are random, so half the
 * bytes is half the cache it needs (4 MB per thread at 2 x 10^6 records). */
enum { SCORE_GUARD = 0x8000, SCORE_SUM = 0x7FFF };
typedef struct {
    wl_vec ws;
    uint16_t *score;
} partner_scratch;

/* Every record sharing a block with a, on both sides, with the summed weights
 * of the blocks they share, into sc->ws as (b << 32 | score). Summing into a
 * dense array costs one read-modify-write per (block, partner) met instead of
 * sorting all of them by partner. */
static int weighted_partners(const block_ctx *c, const keylists *k, uint32_t a, partner_scratch *sc)
{
    wl_vec *ws = &sc->ws;
    uint16_t *score = sc->score;
    const uint32_t sa = c->source[a]; /* held: the score stores might alias the sources */
    const int link = c->mode == WL_MODE_LINK;
    ws->len = 0;
    uint32_t t0 = k->rk_start[a], te = k->rk_start[a + 1];
    for (uint32_t t = t0; t + 1 < te && t < t0 + 2; t++) __builtin_prefetch(&k->blk[k->rk_blk[t + 1]]);
    for (uint32_t t = t0; t < te; t++) {
        blockinfo bl = k->blk[k->rk_blk[t]];
        /* the next blocks' runs sit elsewhere: fetch them meanwhile */
        if (t + 3 < te) __builtin_prefetch(&k->blk[k->rk_blk[t + 3]]);
        if (t + 1 < te) {
            uint32_t nb = k->blk[k->rk_blk[t + 1]].beg;
            __builtin_prefetch(&k->ent_rec[nb]);
            if (k->ent_src) __builtin_prefetch(&k->ent_src[nb]);
        }
        if (wl_vec_reserve(ws, ws->len + (bl.end - bl.beg)) != 0) return -1;
        uint64_t *dst = ws->data;
        const uint32_t guard = bl.guard ? SCORE_GUARD : 0;
        for (uint32_t q = bl.beg; q < bl.end; q++) {
            uint32_t b = k->ent_rec[q];
            if (b == a || (link && sa == entry_source(c, k, q, b))) continue;
            uint32_t old = score[b];
            if (old == 0) dst[ws->len++] = (uint64_t)b << 32;
            /* Saturating: a sum past 32,767 (a hundred shared blocks) is
             * already the best there is. w >= 1, so a partner met is nonzero. */
            uint32_t sum = WL_MIN((old & SCORE_SUM) + bl.w, (uint32_t)SCORE_SUM);
            score[b] = (uint16_t)((old & SCORE_GUARD) | guard | sum);
        }
    }
    uint64_t *v = ws->data;
    for (size_t q = 0; q < ws->len; q++) {
        uint32_t b = (uint32_t)(v[q] >> 32);
        v[q] |= score[b];
        score[b] = 0;
    }
    return 0;
}

/* Rank of a partner: higher score first, then the record that sorts first by
 * (source, id) -- a total order that neither the order partners were met in
 * nor the order of the input rows can change (with equal scores, the record
 * index made `dedup idn mys tha` and `dedup tha idn mys` keep different
 * partners at the cap). The guard bit rides in bit 0 (b is unique, so it never
 * decides the order). */
static uint64_t partner_rank(const block_ctx *c, uint64_t bw)
{
    uint64_t b = bw >> 32, r = c->rank ? c->rank[b] : b;
    return (bw & SCORE_SUM) << 48 | (UINT32_MAX - r) << 16 | (uint64_t)((bw & SCORE_GUARD) != 0);
}

static uint32_t rank_score(uint64_t rank)
{
    return (uint32_t)(rank >> 48);
}

static uint32_t rank_record(const block_ctx *c, uint64_t rank)
{
    uint32_t r = UINT32_MAX - (uint32_t)(rank >> 16);
    return c->inv ? c->inv[r] : r;
}

static void heap_down(uint64_t *h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, s = i;
        if (l < n && h[l] < h[s]) s = l;
        if (r < n && h[r] < h[s]) s = r;
        if (s == i) return;
        uint64_t t = h[i];
        h[i] = h[s];
        h[s] = t;
        i = s;
    }
}

/* Keeps the `cap` best-ranked of v's n partners in v[0..cap) (as ranks, in a
 * min-heap: the weakest kept partner on top). @return how many were kept. */
static size_t best_partners(const block_ctx *c, uint64_t *v, size_t n, size_t cap)
{
    size_t h = WL_MIN(n, cap);
    for (size_t q = 0; q < n; q++) v[q] = partner_rank(c, v[q]);
    for (size_t q = h / 2; q-- > 0;) heap_down(v, h, q);
    for (size_t q = h; q < n; q++)
        if (v[q] > v[0]) {
            v[0] = v[q];
            heap_down(v, h, 0);
        }
    return h;
}

/* Of the kept partners (ranks in v[0..kept)), keeps the `sure` best and
 * drops the others that share nothing with the record but document blocks of
 * more than WL_BLOCK_DOC_CROWD records, and score under half its best
 * partner's: weighted node pruning with the node's best edge as the yardstick
 * (Papadakis et al. 2014 prune by the mean edge weight), restricted to what
 * chance explains. The deletion neighbourhood of a short number (block_keys.c)
 * crowds as lists grow: at 10^6 x 10^6 FEBRL-like lists a 7-digit number's
 * 6-digit variants each hold ~14 records (14 M variants in 10^6 values), so
 * every record met ~90 strangers through them, and they filled its cap: 37.7 M
 * candidates against 1.27 M at 10^5. A number shared by a few records may be
 * one person in several lists, and a true partner sharing a near-identical one
 * also shares a name or date key, or outscores the strangers. Partners met
 * through a name or date key are never pruned: aliases of one person in
 * another script may share one crowded name key and nothing else (pruning
 * those cost the EU alias records 0.1 of F1), and the `sure` best stay
 * whatever they share.
 * @return how many remain in v[0..). */
size_t wl_block_prune_ref(uint64_t *v, size_t kept, size_t sure)
{
    if (kept <= sure) return kept;
    for (size_t q = 1; q < kept; q++) { /* best first (kept <= the cap: a few dozen) */
        uint64_t x = v[q];
        size_t j = q;
        for (; j > 0 && v[j - 1] < x; j--) v[j] = v[j - 1];
        v[j] = x;
    }
    uint32_t best = rank_score(v[0]);
    size_t w = sure;
    for (size_t q = sure; q < kept; q++)
        if (2 * rank_score(v[q]) >= best || (v[q] & 1)) v[w++] = v[q];
    return w;
}

/*
 * wl_block_prune_ref's set without its sort: the `sure` best ranks are found
 * by keeping a sorted list of the best `sure` seen (a few compares for most
 * ranks, which fall below its last), then one pass keeps every rank at or
 * above the sure-th best, or passing the test. Ranks are unique (they hold
 * the partner's rank), so "at or above the sure-th best" is "among the sure
 * best". The order of v[0..kept) is left as found, not sorted: the pairs are
 * sorted and made unique after all records (finish_pairs), so only the set
 * counts. The insertion sort of up to 32 ranks per record was 6 % of the
 * blocking stage's instructions at 10^5 x 10^5 FEBRL-like lists.
 */
enum { PRUNE_TOP_MAX = 64 };

size_t wl_block_prune(uint64_t *v, size_t kept, size_t sure)
{
    if (kept <= sure) return kept;
    if (sure > PRUNE_TOP_MAX) return wl_block_prune_ref(v, kept, sure);
    uint64_t top[PRUNE_TOP_MAX + 1], best_rank = 0;
    size_t nt = 0;
    /* From the end: best_partners leaves a min-heap, whose leaves (the back
     * half) hold the larger ranks, so the list fills with good ranks early
     * and most of the others fail its first compare. */
    for (size_t q = kept; q-- > 0;) {
        uint64_t x = v[q];
        best_rank = x > best_rank ? x : best_rank;
        if (nt == sure && (sure == 0 || x < top[sure - 1])) continue;
        size_t j = nt < sure ? nt++ : sure - 1; /* the last one falls off a full list */
        for (; j > 0 && top[j - 1] < x; j--) top[j] = top[j - 1];
        top[j] = x;
    }
    const uint32_t best = rank_score(best_rank);
    const uint64_t floor = sure ? top[sure - 1] : UINT64_MAX; /* no rank reaches UINT64_MAX */
    size_t w = 0;
    for (size_t q = 0; q < kept; q++)
        if (v[q] >= floor || 2 * rank_score(v[q]) >= best || (v[q] & 1)) v[w++] = v[q];
    return w;
}

/* Appends a's best partners as (min << 32 | max); a pair chosen by both of its
 * records comes out twice and is made unique after all records are done. */
static int record_best_pairs(const block_ctx *c, const keylists *k, uint32_t a, partner_scratch *sc, wl_vec *out,
                             size_t *union_pairs)
{
    if (weighted_partners(c, k, a, sc) != 0) return -1;
    uint64_t *v = sc->ws.data;
    size_t np = sc->ws.len;
    for (size_t q = 0; q < np; q++) *union_pairs += (v[q] >> 32) > a && pair_wanted(c, a, v[q] >> 32);
    size_t kept = wl_block_prune(v, best_partners(c, v, np, c->partners), c->sure);
    if (kept == 0) return 0; /* out->data may still be NULL: no pointer arithmetic on it */
    if (wl_vec_reserve(out, out->len + kept) != 0) return -1;
    uint64_t *o = (uint64_t *)out->data + out->len;
    size_t w = 0;
    for (size_t q = 0; q < kept; q++) {
        uint64_t b = rank_record(c, v[q]);
        if (pair_wanted(c, a, b)) o[w++] = b > a ? (uint64_t)a << 32 | b : b << 32 | a;
    }
    out->len += w;
    return 0;
}

/* Appends the chunks' pairs in order and frees them. @return -1 when out of memory. */
static int append_chunks(wl_vec *parts, size_t lo, size_t hi, wl_vec *pairs, int failed)
{
    size_t total = pairs->len;
    for (size_t ch = lo; ch < hi; ch++) total += parts[ch].len;
    if (!failed && wl_vec_reserve(pairs, total) != 0) failed = 1;
    for (size_t ch = lo; ch < hi; ch++) {
        if (!failed && parts[ch].len) {
            memcpy((uint64_t *)pairs->data + pairs->len, parts[ch].data, parts[ch].len * sizeof(uint64_t));
            pairs->len += parts[ch].len;
        }
        wl_vec_free(&parts[ch]);
    }
    return failed ? -1 : 0;
}

/* Pairs a record is expected to add to its chunk's buffer, reserved up front
 * for the chunk (the buffer lives until its wave is appended): a few
 * reallocs' copies instead of ~15 from 16 values up. */
enum { PAIRS_GUESS = 16 };

static int chunk_pairs(const block_ctx *c, const keylists *k, size_t ch, partner_scratch *sc, wl_vec *out,
                       size_t *union_pairs)
{
    size_t hi = WL_MIN(k->n, (ch + 1) * PAIR_CHUNK);
    /* not with a focus set: its chunks hold a few pairs, if any */
    if (!c->active && ch * PAIR_CHUNK < hi && wl_vec_reserve(out, (hi - ch * PAIR_CHUNK) * PAIRS_GUESS) != 0)
        return -1;
    for (size_t a = ch * PAIR_CHUNK; a < hi; a++) {
        if (c->active && !c->active[a]) continue; /* its pairs hold no focus record */
        int r = c->partners ? record_best_pairs(c, k, (uint32_t)a, sc, out, union_pairs)
                            : record_pairs(c, k, (uint32_t)a, &sc->ws, out);
        if (r != 0) return -1;
    }
    return 0;
}

/* Chunks of records go to the threads in waves; after each wave its buffers
 * are appended in chunk order and freed, so the pairs exist about once in
 * memory (plus one wave), not twice. pairs receives (a << 32 | b) values. */
static int thread_index(void)
{
#ifdef _OPENMP
    return omp_get_thread_num();
#else
    return 0;
#endif
}

/* The per-thread scratch lives across all waves: allocated (and its pages
 * zeroed by the kernel) once, not once per wave. Per wave it cost 2 x 8 MB of
 * fresh zero pages 120 times at 2 x 10^6 records (perf: clear_page 8.6 % of
 * the blocking run). The scores return to zero after every record. */
static wl_status emit_pairs(const block_ctx *c, const keylists *k, wl_vec *pairs)
{
    size_t n = k->n, nchunks = (n + PAIR_CHUNK - 1) / PAIR_CHUNK, wave = (size_t)c->threads * 8;
    size_t c_lo = nchunks * c->part / c->parts, c_hi = nchunks * (c->part + 1) / c->parts;
    wl_vec *parts = calloc(nchunks ? nchunks : 1, sizeof *parts);
    size_t *uni = calloc(nchunks ? nchunks : 1, sizeof *uni);
    partner_scratch *scr = calloc((size_t)c->threads, sizeof *scr);
    int failed = !parts || !uni || !scr;
    for (int t = 0; t < c->threads && !failed; t++) {
        wl_vec_init(&scr[t].ws, sizeof(uint64_t));
        if (c->partners && !(scr[t].score = calloc(n ? n : 1, sizeof *scr[t].score))) failed = 1;
    }
    for (size_t w0 = c_lo; w0 < c_hi && !failed; w0 += wave) {
        size_t w1 = WL_MIN(c_hi, w0 + wave);
#pragma omp parallel num_threads(c->threads) reduction(| : failed)
        {
            partner_scratch *sc = &scr[thread_index()];
#pragma omp for schedule(dynamic)
            for (size_t ch = w0; ch < w1; ch++) {
                wl_vec_init(&parts[ch], sizeof(uint64_t));
                if (!failed) failed |= chunk_pairs(c, k, ch, sc, &parts[ch], &uni[ch]);
            }
        }
        failed = append_chunks(parts, w0, w1, pairs, failed) != 0;
    }
    for (int t = 0; scr && t < c->threads; t++) {
        wl_vec_free(&scr[t].ws);
        free(scr[t].score);
    }
    free(scr);
    /* Pairs in the union of the blocks, before the cap (uncapped: all of them). */
    for (size_t ch = 0; ch < nchunks && uni; ch++) c->st->union_pairs += uni[ch];
    if (!c->partners) c->st->union_pairs = pairs->len;
    free(uni);
    free(parts);
    wl_release_free_pages(); /* the waves' chunk buffers */
    return failed ? WL_NOMEM : WL_OK;
}

/* Sorts the capped pairs by (a, b) and drops the repeats; the uncapped path
 * already emits them sorted and unique. Then turns (a << 32 | b) values into
 * wl_pairidx in place (both are 8 bytes). */

/* Sorts the capped pairs by (a, b) and drops the repeats; the uncapped path
 * already emits them sorted and unique. Then turns (a << 32 | b) values into
 * wl_pairidx in place (both are 8 bytes). */
static wl_status finish_pairs(const block_ctx *c, wl_vec *pairs)
{
    size_t n = pairs->len, w = 0;
    if (c->partners && n > 1) {
        uint64_t *sorted = pairs->data;
        if (wl_pair_sort(sorted, n, c->n_records, c->threads) != 0) return WL_NOMEM;
        for (size_t q = 0; q < n; q++)
            if (w == 0 || sorted[w - 1] != sorted[q]) sorted[w++] = sorted[q];
        pairs->len = n = w;
        /* A pair both of its records chose came twice: the repeats'
         * room goes back before the stages after. */
        uint64_t *fit = realloc(sorted, w * sizeof *fit);
        if (fit) {
            pairs->data = fit;
            pairs->cap = w;
        }
    }
    const uint64_t *v = pairs->data;
    _Static_assert(sizeof(wl_pairidx) == sizeof(uint64_t), "wl_pairidx layout");
    wl_pairidx *p = pairs->data;
    for (size_t q = 0; q < n; q++) {
        uint64_t x = v[q];
        p[q] = (wl_pairidx){ (uint32_t)(x >> 32), (uint32_t)x };
    }
    pairs->elem = sizeof(wl_pairidx);
    return WL_OK;
}

/* ---- focus ---- */

/* Marks the focus records and every record sharing a kept block with one. A
 * pair (a, b) is a candidate when a keeps b or b keeps a among its best
 * partners; both choices are made over every block, as without focus, so only
 * who chooses is narrowed: a record outside this set shares no block with a
 * focus record and can keep none. Cost: the focus records' blocks, each at
 * most max_block records. */
static wl_status mark_active(block_ctx *c, const keylists *k)
{
    if (!c->focus) return WL_OK;
    if (!(c->active = calloc(k->n ? k->n : 1, 1))) return WL_NOMEM;
    for (size_t a = 0; a < k->n; a++) {
        if (!c->focus[a]) continue;
        c->active[a] = 1;
        for (uint32_t t = k->rk_start[a]; t < k->rk_start[a + 1]; t++) {
            blockinfo bl = k->blk[k->rk_blk[t]];
            for (uint32_t q = bl.beg; q < bl.end; q++) c->active[k->ent_rec[q]] = 1;
        }
    }
    return WL_OK;
}

/* ---- driver ---- */

static wl_status collect_blocks(const block_ctx *c, const wl_features *f, unsigned mask, kept_blocks *kb)
{
    for (int kind = 0; kind < WL_KIND_COUNT; kind++) {
        if (!(mask & (1u << kind))) continue;
        wl_status st = kind_blocks(c, f, kind, kb);
        if (st != WL_OK) return st;
    }
    return WL_OK;
}

static wl_status block_part(const wl_features *f, const wl_options *opt, size_t partners, size_t sure,
                            size_t part, size_t parts, wl_vec *pairs, wl_block_stats *st);

wl_status wl_block_part(const wl_features *f, const wl_options *opt, size_t part, size_t parts, wl_vec *pairs,
                        wl_block_stats *st)
{
    size_t partners = opt->max_partners ? opt->max_partners : wl_block_default_partners(f->n);
    if (partners == SIZE_MAX) partners = 0; /* wl_block_capped: 0 keeps every pair */
    return block_part(f, opt, partners, WL_BLOCK_SURE_PARTNERS, part, parts, pairs, st);
}

wl_status wl_block(const wl_features *f, const wl_options *opt, wl_vec *pairs, wl_block_stats *st)
{
    return wl_block_part(f, opt, 0, 1, pairs, st);
}

wl_status wl_block_capped(const wl_features *f, const wl_options *opt, size_t partners, wl_vec *pairs,
                          wl_block_stats *st)
{
    return wl_block_pruned(f, opt, partners, partners, pairs, st);
}

static wl_status block_part(const wl_features *f, const wl_options *opt, size_t partners, size_t sure,
                            size_t part, size_t parts, wl_vec *pairs, wl_block_stats *st)
{
    wl_vec_free(pairs);
    wl_vec_init(pairs, sizeof(uint64_t));
    memset(st, 0, sizeof *st);
    if (!f || !opt || part >= parts) return WL_USAGE;
    if (f->n >= UINT32_MAX) return WL_INPUT;
    block_ctx c = { f->n, wl_thread_count(opt->threads), opt->mode,
                    opt->max_block ? opt->max_block : WL_BLOCK_DEFAULT_MAX, partners, sure, f->source, st,
                    NULL, NULL, opt->focus, NULL, part, parts };
    uint32_t *inv = NULL;
    if (f->rank && f->n) {
        inv = malloc(f->n * sizeof *inv);
        if (!inv) return WL_NOMEM;
        for (size_t i = 0; i < f->n; i++) inv[f->rank[i]] = (uint32_t)i;
        c.rank = f->rank;
        c.inv = inv;
    }
    kept_blocks kb;
    wl_vec_init(&kb.rec, sizeof(uint32_t));
    wl_vec_init(&kb.blk, sizeof(blockinfo));
    wl_status s = collect_blocks(&c, f, opt->block_keys, &kb);
    keylists k;
    memset(&k, 0, sizeof k);
    if (s == WL_OK) s = keylists_build(&c, &kb, f->n, &k);
    wl_vec_free(&kb.rec);
    wl_vec_free(&kb.blk);
    if (s == WL_OK) s = mark_active(&c, &k);
    if (s == WL_OK) s = emit_pairs(&c, &k, pairs);
    free(c.active);
    keylists_free(&k);
    if (s == WL_OK) s = finish_pairs(&c, pairs);
    free(inv);
    if (s != WL_OK) wl_vec_free(pairs);
    st->candidates = pairs->len;
    return s;
}

wl_status wl_block_pruned(const wl_features *f, const wl_options *opt, size_t partners, size_t sure,
                          wl_vec *pairs, wl_block_stats *st)
{
    return block_part(f, opt, partners, sure, 0, 1, pairs, st);
}

wl_status wl_candidates(const wl_features *f, const wl_options *opt, uint32_t **pairs, size_t *n,
                        wl_block_report *report)
{
    *pairs = NULL;
    *n = 0;
    wl_vec v;
    wl_vec_init(&v, sizeof(wl_pairidx));
    wl_block_stats st;
    memset(&st, 0, sizeof st);
    wl_status s = wl_block(f, opt, &v, &st);
    if (report) {
        report->keys = st.keys;
        report->blocks = st.blocks;
        report->split_blocks = st.split_blocks;
        report->skipped_blocks = st.skipped_blocks;
        report->skipped_pairs = st.skipped_pairs;
        report->candidates = st.candidates;
    }
    if (s != WL_OK) return s;
    /* wl_pairidx is two uint32_t: the array already is (left, right) pairs. */
    _Static_assert(sizeof(wl_pairidx) == 2 * sizeof(uint32_t), "wl_pairidx layout");
    *pairs = v.data;
    *n = v.len;
    if (!*pairs) *pairs = malloc(sizeof(uint32_t) * 2); /* a valid pointer even when empty */
    return *pairs ? WL_OK : WL_NOMEM;
}
