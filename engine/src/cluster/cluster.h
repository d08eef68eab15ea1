/*
 * cluster.h -- entity clusters from scored pairs (stage 7): union-find with path
 * halving and union by smallest rank, so a cluster's representative is its
 * member that sorts first, whatever the thread count or input order.
 */
#ifndef WL_CLUSTER_H
#define WL_CLUSTER_H

#include "common/common.h"

typedef struct {
    size_t clusters;        /* including singletons */
    size_t largest;
    size_t flagged;         /* clusters above max_cluster members */
} wl_cluster_stats;

/**
 * rep[i] receives the record of i's cluster with the smallest rank[] (rank: a
 * total order of the records). pairs: npairs (left, right) record indices.
 */
wl_status wl_cluster(size_t n, const wl_match *pairs, size_t npairs, const uint32_t *rank,
                     size_t max_cluster, uint32_t *rep, wl_cluster_stats *st);

/**
 * Best-link filter for lists that hold each person once: keeps a pair only when
 * each side is the other's highest-weight partner (ties to the smaller rank).
 * @return the number of pairs kept, compacted at the front, order preserved;
 *         SIZE_MAX when out of memory (pairs untouched: keeping them all
 *         would hand the caller a list it did not ask for).
 */
size_t wl_best_link(wl_match *pairs, size_t npairs, size_t n, const uint32_t *rank);

/**
 * One-to-one linking: at most one partner per record in each other source.
 * Pairs are taken greedily, best first (match weight, then name score, then
 * the ranks of left and right), and a pair is kept when neither record already
 * has a partner in the other's source.
 * @param source  per record, its source index
 * @return the number of pairs kept, compacted at the front, order preserved;
 *         SIZE_MAX when out of memory (pairs untouched).
 */
size_t wl_one_to_one(wl_match *pairs, size_t npairs, const uint32_t *source, const uint32_t *rank);

/**
 * Drops the pairs across two sources that are below probability 0.9 and weaker
 * than both records' best partners in each other's source (outranked.c).
 * @param source   per record, its source index
 * @param dropped  receives the number of pairs dropped
 * @return the number of pairs kept, compacted at the front, order preserved;
 *         SIZE_MAX when out of memory (pairs untouched).
 */
size_t wl_drop_outranked(wl_match *pairs, size_t npairs, const uint32_t *source, size_t *dropped);

#endif /* WL_CLUSTER_H */
