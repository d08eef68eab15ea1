/* outranked.c -- drop a doubtful pair whose two records are each better
 * explained by another partner (stage 7, before clustering).
 *
 * A watchlist mostly holds a person once, so across two lists a record has
 * mostly one true partner. When a pair (a, b) is weaker than a's best partner
 * in b's list AND weaker than b's best partner in a's list, both records have
 * a better explanation, and the pair is most often a namesake: this is the
 * exclusivity that bipartite record linkage models build in (Sadinle,
 * "Bayesian estimation of bipartite matchings for record linkage", JASA 2017),
 * taken here only where it is nearly free. Unlike --one-to-one or --best-link,
 * a pair that is the best of either record stays, so a person listed twice on
 * one side keeps both links (each copy's best partner is the one record on the
 * other side), and a pair the model is sure of (probability >= SURE) stays
 * whatever else is there.
 *
 * Measured on the development data (bench/RESULTS.md, "Outranked pairs"): the
 * 1,000-name cross-script samples gain 0.02-0.04 F1 each at a recall cost of at
 * most 0.006; generated lists with repeated persons on both sides, where the
 * rule has the most to lose, gain 0.004.
 *
 * Pairs of one source (a dedup within one list) are never touched: several
 * records of one person there are the point of the run. The best weights are
 * maxima over a set, so the result does not depend on the pairs' order or the
 * thread count. */
#include <math.h>
#include <stdlib.h>

#include "cluster/cluster.h"

/* log2(0.9 / 0.1): a pair reported at 0.9 or more is never dropped. */
#define SURE_WEIGHT 3.1699250014423126

typedef struct {
    uint64_t key; /* record << 32 | other source, plus one; 0: empty */
    float best;
} best_slot;

static best_slot *slot_of(best_slot *t, size_t mask, uint64_t key)
{
    key += 1;
    for (size_t h = (size_t)wl_hash_combine(key, 0x0B7Au) & mask;; h = (h + 1) & mask)
        if (t[h].key == key || t[h].key == 0) {
            t[h].key = key;
            return &t[h];
        }
}

static void raise_best(best_slot *t, size_t mask, uint64_t key, float w)
{
    best_slot *s = slot_of(t, mask, key);
    if (s->best < w) s->best = w;
}

size_t wl_drop_outranked(wl_match *pairs, size_t npairs, const uint32_t *source, size_t *dropped)
{
    *dropped = 0;
    if (npairs == 0) return 0;
    size_t cap = 16;
    while (cap < 4 * npairs) cap <<= 1;
    best_slot *t = malloc(cap * sizeof *t);
    if (!t) return SIZE_MAX;
    for (size_t h = 0; h < cap; h++) t[h] = (best_slot){ 0, -INFINITY };
    for (size_t k = 0; k < npairs; k++) {
        const wl_match *m = &pairs[k];
        if (source[m->left] == source[m->right]) continue;
        raise_best(t, cap - 1, (uint64_t)m->left << 32 | source[m->right], m->weight);
        raise_best(t, cap - 1, (uint64_t)m->right << 32 | source[m->left], m->weight);
    }
    size_t kept = 0;
    for (size_t k = 0; k < npairs; k++) {
        const wl_match *m = &pairs[k];
        int drop = source[m->left] != source[m->right] && m->weight < SURE_WEIGHT
                   && m->weight < slot_of(t, cap - 1, (uint64_t)m->left << 32 | source[m->right])->best
                   && m->weight < slot_of(t, cap - 1, (uint64_t)m->right << 32 | source[m->left])->best;
        if (drop) (*dropped)++;
        else pairs[kept++] = *m;
    }
    free(t);
    return kept;
}

size_t wl_matches_drop_outranked(wl_match *pairs, size_t npairs, const uint32_t *source)
{
    size_t dropped;
    return wl_drop_outranked(pairs, npairs, source, &dropped);
}
