/*
 * block.h -- candidate pairs (stage 4). Several keys per record; a block above
 * the split limit is split by a second key, and a sub-block above max_block
 * records is skipped and counted. Each record then keeps its best partners
 * over all its blocks (the blocks they share, weighted by rarity), and a pair
 * is a candidate when either of its records keeps the other: the candidates
 * grow linearly with the records however crowded the names are.
 */
#ifndef WL_BLOCK_H
#define WL_BLOCK_H

#include "block/block_keys.h"
#include "features/featureset.h"

typedef struct {
    size_t keys;            /* (key, record) entries */
    size_t blocks;          /* blocks with two or more records */
    size_t split_blocks;    /* blocks above the limit that were split */
    size_t skipped_blocks;  /* blocks still above the limit after splitting */
    size_t skipped_pairs;   /* pairs those skipped blocks held */
    size_t union_pairs;     /* distinct pairs sharing a block, before the partner cap */
    size_t candidates;      /* distinct candidate pairs */
} wl_block_stats;

/**
 * Builds the candidate pairs of f under opt (mode, block_keys, max_block,
 * threads). pairs receives wl_pairidx sorted by (a, b), each pair once.
 */
wl_status wl_block(const wl_features *f, const wl_options *opt, wl_vec *pairs, wl_block_stats *st);

/**
 * wl_block spread over processes: the candidates chosen by the records of part
 * `part` of `parts` (whole chunks of records, the parts in record order), each
 * pair once, sorted by (a, b). Every process needs all of f (a record's best
 * partners are chosen over all its blocks). wl_block_join of every part's
 * pairs gives wl_block's. The statistics other than union_pairs and
 * candidates are the whole run's.
 */
wl_status wl_block_part(const wl_features *f, const wl_options *opt, size_t part, size_t parts, wl_vec *pairs,
                        wl_block_stats *st);

/**
 * The union of `parts` lists of pairs, each sorted by (a, b) with no repeats,
 * given concatenated (all; counts[p] pairs in list p): one list, sorted, each
 * pair once (a pair two records chose may sit in two lists). out receives
 * wl_pairidx. @return WL_OK; WL_INPUT when a list is not sorted; WL_NOMEM.
 */
wl_status wl_block_join(const wl_pairidx *all, const size_t *counts, size_t parts, wl_vec *out);
/** @return 1 when p[0..n) is sorted by (a, b) with no repeats, else 0. */
int wl_block_sorted_unique(const wl_pairidx *p, size_t n);

/**
 * Up to k pairs of p[0..n) (sorted), evenly spaced: p[i n / k] for i < k (all
 * of them when n <= k), into out. Sample i stands for the pairs from index
 * i n / k to (i + 1) n / k (wl_block_splitters). @return the samples written.
 */
size_t wl_block_samples(const wl_pairidx *p, size_t n, size_t k, wl_pairidx *out);

/**
 * The parts - 1 splitters that cut the candidate order into `parts` ranges of
 * about equal size, from every part's samples (wl_block_samples; counts[p]
 * samples of part p, which holds sizes[p] pairs, concatenated in part order).
 * Range q holds the pairs x with split[q - 1] <= x < split[q] (the first range
 * from the start, the last to the end); a splitter past every pair is
 * (UINT32_MAX, UINT32_MAX), and equal splitters leave a range empty. Integer
 * arithmetic only, so every process computes the same splitters from the same
 * samples. @return WL_OK; WL_INPUT when counts[p] > sizes[p]; WL_NOMEM.
 */
wl_status wl_block_splitters(const wl_pairidx *samples, const size_t *counts, const size_t *sizes, size_t parts,
                             wl_pairidx *split);

/**
 * How many of p[0..n) (sorted) fall in each of the parts ranges that split
 * (parts - 1 splitters, wl_block_splitters) cuts: send[q]; the ranges are
 * consecutive slices of p. A pair two parts hold goes to the same range from
 * both, so the union of range q is the join of what each part sends to q.
 */
void wl_block_cut(const wl_pairidx *p, size_t n, const wl_pairidx *split, size_t parts, size_t *send);

/**
 * wl_block with an explicit cap: each record keeps its `partners` best
 * partners (wl_block_weight summed over the blocks they share; ties to the
 * lower record index) and a pair is a candidate when either record keeps the
 * other. partners = 0 keeps every pair that shares a block.
 */
wl_status wl_block_capped(const wl_features *f, const wl_options *opt, size_t partners, wl_vec *pairs,
                          wl_block_stats *st);

/**
 * wl_block_capped, then of each record's kept partners only the `sure` best,
 * those sharing a name or date key (any kind but WL_KIND_DOC) or a document
 * block of two records, and those scoring at least half its best partner's stay (weighted node pruning of chance
 * document collisions, block.c prune_weak); sure >= partners is wl_block_capped.
 */
wl_status wl_block_pruned(const wl_features *f, const wl_options *opt, size_t partners, size_t sure,
                          wl_vec *pairs, wl_block_stats *st);

/* ---- internals shared by block*.c and their tests ---- */

/* A block larger than this is split when opt->max_block is 0. */
enum { WL_BLOCK_DEFAULT_MAX = 1000 };
/* Partners each record keeps in wl_block. On the generated 8-country lists
 * (10^5 records) 24 / 32 / 40 kept 0.959 / 0.961 / 0.963 of the true pairs
 * (0.972 uncapped) with 1.4 / 1.6 / 1.9 M candidates (7.7 M uncapped); at 10^6
 * 32 gives 19 M candidates instead of 92 M. */
enum { WL_BLOCK_DEFAULT_PARTNERS = 32 };
/* The cap bounds the work, n x partners candidates. A list small enough that
 * n x 32 stays under this budget (65,536 records) keeps budget / n partners per
 * record instead: 2 M candidates compare in about a second on one core, and an
 * alias-heavy watchlist keeps one person's spellings together (the EU alias
 * records, 10,360 rows with 145 spellings of one person, 41 of another: 32
 * partners scored F1 0.76 and split them, 202 score 0.89). Lists of 65,536
 * records and more keep 32, as before. */
enum { WL_BLOCK_PARTNER_BUDGET = 1 << 21 };

/** Partners per record when wl_options.max_partners is 0, for n records. */
static inline size_t wl_block_default_partners(size_t n)
{
    size_t p = n ? (size_t)WL_BLOCK_PARTNER_BUDGET / n : (size_t)WL_BLOCK_PARTNER_BUDGET;
    return p > WL_BLOCK_DEFAULT_PARTNERS ? p : WL_BLOCK_DEFAULT_PARTNERS;
}
/* Partners a record keeps whatever they share; beyond them a partner met only
 * through document blocks of 3+ records must score at least half the best's
 * (wl_block_pruned; figures in bench/RESULTS.md, "Scale"). */
enum { WL_BLOCK_SURE_PARTNERS = 4 };
/* A document block of more records than this is crowded by chance (a short
 * number's deletion variants as lists grow); one of at most this many may be
 * one person's records in several lists, and guards its partners from pruning. */
enum { WL_BLOCK_DOC_CROWD = 8 };
/** Blocks above this many records (max_block / 16) are split by a second key,
 * then skipped only if a sub-block still exceeds max_block. Refining blocks
 * below the skip limit keeps the pair count near-linear: a block of 500 "nguyen
 * van" is 125,000 pairs, nearly all of them different persons, and the true
 * pairs among them share a birth year or another key. Blocks of 64 to 250
 * records held 60 % of the work of the partner cap at 10^6 (each record meets
 * every member); splitting them (max_block / 16 instead of / 4) cut the
 * uncapped candidates at 10^6 from 92 M to 43 M for 0.013 of pair
 * completeness, and under the cap costs 0.001 at 10^5. */
static inline size_t wl_block_split_limit(size_t max_block)
{
    return max_block / 16 > 1 ? max_block / 16 : 1;
}

/** The `common` limit wl_block uses for a block limit: max_block itself. Then a
 * phonetic+year block holds about max_block / 50 records (the years of birth
 * of a list spread over ~50), and the pairs per record stay bounded as lists
 * grow, which keeps blocking near-linear. */
static inline uint32_t wl_block_common_limit(size_t max_block)
{
    return max_block > UINT32_MAX ? UINT32_MAX : (uint32_t)max_block;
}

/**
 * Evidence that two records sharing a block of `size` records (out of
 * `records`) are one person: 16 log2(records / size), at least 1. It is the
 * Fellegi-Sunter weight of agreeing on the key with m ~ 1 and u = size /
 * records, the chance that a random record is in the block (an IDF of the
 * key). Summing it over shared blocks and keeping each record's best edges is
 * meta-blocking with cardinality node pruning (Papadakis, Koutrika, Palpanas &
 * Nejdl, "Meta-Blocking: Taking Entity Resolution to the Next Level", IEEE
 * TKDE 26(8), 2014).
 */
uint32_t wl_block_weight(size_t size, size_t records);

typedef struct {
    uint64_t key;
    uint32_t rec;
    uint32_t aux;
} wl_keyent;

/** Stable LSD radix sort of n entries by key; tmp holds n entries. */
void wl_keyent_sort(wl_keyent *v, wl_keyent *tmp, size_t n);

/** wl_keyent_sort on up to `threads` threads: the same order (the stable sort
 * is unique). tmp holds n entries. Small arrays are sorted serially. */
void wl_keyent_sort_mt(wl_keyent *v, wl_keyent *tmp, size_t n, int threads);

/** The partner pruning of a record's kept partners, as ranks (score << 48 |
 * (UINT32_MAX - partner's rank) << 16 | guard bit) in v[0..kept): keeps the
 * `sure` best and every other that scores at least half the best or carries
 * the guard bit (block.c, wl_block_prune_ref's comment). @return how many
 * remain, in v[0..). The reference sorts v best first; wl_block_prune keeps
 * the same set in the order found. */
size_t wl_block_prune_ref(uint64_t *v, size_t kept, size_t sure);
size_t wl_block_prune(uint64_t *v, size_t kept, size_t sure);

/** Sorts n values by their bytes first_byte..7 (little-endian order: 4 sorts
 * by the high 32 bits only), stably; tmp holds n values. */
void wl_u64_sort(uint64_t *v, uint64_t *tmp, size_t n, int first_byte);

/** Sorts n pair values (a << 32 | b, every a < records) ascending in place,
 * with scratch for 1/256th or so of them per thread. Deterministic for any
 * thread count. @return 0, or -1 when out of memory (v then holds the same
 * values in another order). */
int wl_pair_sort(uint64_t *v, size_t n, size_t records, int threads);

#endif /* WL_BLOCK_H */
