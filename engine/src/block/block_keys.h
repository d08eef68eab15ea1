/*
 * block_keys.h -- the blocking keys of one record (stage 4, block_keys.c): the
 * key kinds, how a key is made, and the second key that splits a crowded block.
 * block.c builds the blocks from them; the keys know nothing of blocks, so this
 * header includes only the features.
 */
#ifndef WL_BLOCK_KEYS_H
#define WL_BLOCK_KEYS_H

#include "features/featureset.h"

/* Key kinds. The kind sits in the top 3 bits of a key so that sorting keys
 * sorts kinds first (and keys of two kinds never collide); bit 60 marks a key
 * re-keyed by a split. */
enum {
    WL_KIND_PHONETIC_YEAR = 0, WL_KIND_PART_PAIR, WL_KIND_DOC, WL_KIND_FULL_NAME,
    WL_KIND_SKELETON_NAT, WL_KIND_PART_DOB, WL_KIND_COUNT
};
#define WL_KEY_KIND_SHIFT 61
#define WL_KEY_SPLIT_BIT  ((uint64_t)1 << 60)
#define WL_KEY_HASH_MASK  (WL_KEY_SPLIT_BIT - 1)

/* Shortest document key that also gets its one-deletion variants as keys. */
enum { WL_BLOCK_DOC_MIN_EDIT = 6 };
/* Widest year range (year_hi - year) still expanded into one key per year. */
enum { WL_BLOCK_MAX_RANGE_YEARS = 6 };

/** @return a key of kind `kind` for hash h (kind in the top bits). */
static inline uint64_t wl_block_key(int kind, uint64_t h)
{
    return ((uint64_t)kind << WL_KEY_KIND_SHIFT) | (h & WL_KEY_HASH_MASK);
}

/**
 * Writes record i's keys of one kind into out (duplicates possible, unsorted).
 * common: a part held by more records than this is a crowd: it gives no
 * phonetic+year key unless it is the record's rarest part, and two crowd
 * parts make no part pair or skeleton pair unless the name has nothing rarer
 * (their blocks would hold thousands of different persons that other keys
 * already tell apart); 0 means no limit.
 * @return the number of keys written, at most cap (extra keys are dropped:
 *         cap is sized so that only pathological records reach it).
 */
size_t wl_block_record_keys(const wl_features *f, size_t i, int kind, uint32_t common, uint64_t *out,
                            size_t cap);

/** Second key that splits an oversized block of kind `kind`: the first year of
 * birth; without one, for part-pair keys the first sound class of the rarest
 * name part, for the others (and for keys that hold the year already) that part. */
uint64_t wl_block_split_key(const wl_features *f, size_t i, int kind);

#endif /* WL_BLOCK_KEYS_H */
