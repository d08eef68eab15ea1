/*
 * block.h -- candidate pairs (stage 4). Several keys per record; pairs are the
 * union over keys, each produced once (a pair is emitted only by the first key,
 * in key order, that both records share), generated block by block; a block
 * above max_block records is split by a second key or skipped and counted.
 */
#ifndef WL_BLOCK_H
#define WL_BLOCK_H

#include "featureset.h"

typedef struct {
    uint32_t a, b;      /* record indices, a < b */
} wl_pairidx;

typedef struct {
    size_t keys;            /* (key, record) entries */
    size_t blocks;          /* blocks with two or more records */
    size_t split_blocks;    /* blocks above the limit that were split */
    size_t skipped_blocks;  /* blocks still above the limit after splitting */
    size_t skipped_pairs;   /* pairs those skipped blocks held */
    size_t candidates;      /* distinct candidate pairs */
} wl_block_stats;

/**
 * Builds the candidate pairs of f under opt (mode, block_keys, max_block,
 * threads). pairs receives wl_pairidx sorted by (a, b), each pair once.
 */
wl_status wl_block(const wl_features *f, const wl_options *opt, wl_vec *pairs, wl_block_stats *st);

#endif /* WL_BLOCK_H */
