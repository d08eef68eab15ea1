/* cluster.c -- union-find clustering and the mutual best-link filter. */
#include "cluster/cluster.h"

#include <stdlib.h>
#include <string.h>

static uint32_t find(uint32_t *parent, uint32_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]]; /* path halving (Tarjan and van Leeuwen 1984) */
        x = parent[x];
    }
    return x;
}

/* Pairs in merge order: strongest first, ties by the records' ranks. */
typedef struct {
    float w;
    uint32_t ra, rb; /* ranks of left and right */
    uint32_t k;      /* index in pairs */
} edge_ref;

static int cmp_edge(const void *x, const void *y)
{
    const edge_ref *a = x, *b = y;
    if (a->w != b->w) return a->w > b->w ? -1 : 1;
    if (a->ra != b->ra) return a->ra < b->ra ? -1 : 1;
    return a->rb < b->rb ? -1 : a->rb > b->rb;
}

typedef struct {
    uint32_t *parent, *size, *next, *tail; /* union-find, member lists (next/tail of roots) */
    uint32_t *adj_start, *adj;             /* the kept pairs as adjacency lists */
} cl_state;

/* Kept pairs between the clusters of roots a and b, walking the smaller one. */
static size_t edges_between(cl_state *c, uint32_t a, uint32_t b)
{
    if (c->size[a] > c->size[b]) {
        uint32_t t = a;
        a = b;
        b = t;
    }
    size_t e = 0;
    for (uint32_t x = a; x != UINT32_MAX; x = c->next[x])
        for (uint32_t q = c->adj_start[x]; q < c->adj_start[x + 1]; q++)
            e += find(c->parent, c->adj[q]) == b;
    return e;
}

/*
 * Clusters without chains. Plain union-find over the pairs above the threshold
 * (single linkage) lets a chain of namesakes join different people: A ~ B on
 * one alias, B ~ C on another... (a names-only sanctions list made one cluster
 * of 3,810 records). So pairs are merged strongest first, and two clusters
 * merge only when at least half of the record pairs across them are kept
 * pairs (WL_CHAIN_DENSITY): a record joins a group when it matches most of it,
 * not one member. This is the average-linkage stopping rule of hierarchical
 * clustering applied to the match graph (see Hassanzadeh et al., "Framework
 * for evaluating clustering algorithms in duplicate detection", VLDB 2009,
 * on why single linkage over-merges). Pairs are reported as scored; only the
 * clusters are affected.
 */
#define WL_CHAIN_DENSITY 0.5

wl_status wl_cluster(size_t n, const wl_match *pairs, size_t npairs, const uint32_t *rank,
                     size_t max_cluster, uint32_t *rep, wl_cluster_stats *st)
{
    size_t nn = n ? n : 1;
    cl_state c = { rep, calloc(nn, sizeof(uint32_t)), malloc(nn * sizeof(uint32_t)),
                   malloc(nn * sizeof(uint32_t)), calloc(nn + 1, sizeof(uint32_t)),
                   malloc((npairs ? 2 * npairs : 1) * sizeof(uint32_t)) };
    edge_ref *order = malloc((npairs ? npairs : 1) * sizeof *order);
    wl_status status = WL_OK;
    if (!c.size || !c.next || !c.tail || !c.adj_start || !c.adj || !order) {
        status = WL_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        rep[i] = (uint32_t)i;
        c.size[i] = 1;
        c.next[i] = UINT32_MAX;
        c.tail[i] = (uint32_t)i;
    }
    for (size_t k = 0; k < npairs; k++) {
        c.adj_start[pairs[k].left + 1]++;
        c.adj_start[pairs[k].right + 1]++;
    }
    for (size_t i = 0; i < n; i++) c.adj_start[i + 1] += c.adj_start[i];
    {
        uint32_t *fill = c.tail; /* borrowed as a fill cursor, reset below */
        for (size_t i = 0; i < n; i++) fill[i] = c.adj_start[i];
        for (size_t k = 0; k < npairs; k++) {
            c.adj[fill[pairs[k].left]++] = pairs[k].right;
            c.adj[fill[pairs[k].right]++] = pairs[k].left;
        }
        for (size_t i = 0; i < n; i++) c.tail[i] = (uint32_t)i;
    }
    for (size_t k = 0; k < npairs; k++)
        order[k] = (edge_ref){ pairs[k].weight, rank[pairs[k].left], rank[pairs[k].right], (uint32_t)k };
    qsort(order, npairs, sizeof *order, cmp_edge);
    for (size_t q = 0; q < npairs; q++) {
        const wl_match *p = &pairs[order[q].k];
        uint32_t a = find(rep, p->left), b = find(rep, p->right);
        if (a == b) continue;
        double across = (double)c.size[a] * c.size[b];
        if (across > 1 && (double)edges_between(&c, a, b) < WL_CHAIN_DENSITY * across) continue;
        /* The root is always the member of smallest rank: deterministic ids. */
        if (rank[a] > rank[b]) {
            uint32_t t = a;
            a = b;
            b = t;
        }
        rep[b] = a;
        c.size[a] += c.size[b];
        c.next[c.tail[a]] = b;
        c.tail[a] = c.tail[b];
    }
    memset(st, 0, sizeof *st);
    for (size_t i = 0; i < n; i++) rep[i] = find(rep, (uint32_t)i);
    memset(c.size, 0, nn * sizeof *c.size);
    for (size_t i = 0; i < n; i++) c.size[rep[i]]++;
    for (size_t i = 0; i < n; i++) {
        if (!c.size[i]) continue;
        st->clusters++;
        if (c.size[i] > st->largest) st->largest = c.size[i];
        if (max_cluster && c.size[i] > max_cluster) st->flagged++;
    }
done:
    free(c.size);
    free(c.next);
    free(c.tail);
    free(c.adj_start);
    free(c.adj);
    free(order);
    return status;
}

/* Is candidate (partner p, weight w) better than the current best (b, bw)? */
static int better(float w, float ns, uint32_t p, float bw, float bns, uint32_t b, const uint32_t *rank)
{
    if (b == UINT32_MAX || w > bw) return 1;
    if (w < bw) return 0;
    if (ns != bns) return ns > bns; /* same weight: the closer names */
    return rank[p] < rank[b];
}

size_t wl_best_link(wl_match *pairs, size_t npairs, size_t n, const uint32_t *rank)
{
    uint32_t *best = malloc((n ? n : 1) * sizeof *best);
    float *bw = malloc((n ? n : 1) * sizeof *bw), *bns = malloc((n ? n : 1) * sizeof *bns);
    if (!best || !bw || !bns) {
        free(best);
        free(bw);
        free(bns);
        return SIZE_MAX;
    }
    for (size_t i = 0; i < n; i++) best[i] = UINT32_MAX, bw[i] = 0, bns[i] = 0;
    for (size_t k = 0; k < npairs; k++) {
        uint32_t a = pairs[k].left, b = pairs[k].right;
        float w = pairs[k].weight, ns = pairs[k].name_score;
        if (better(w, ns, b, bw[a], bns[a], best[a], rank)) best[a] = b, bw[a] = w, bns[a] = ns;
        if (better(w, ns, a, bw[b], bns[b], best[b], rank)) best[b] = a, bw[b] = w, bns[b] = ns;
    }
    size_t kept = 0;
    for (size_t k = 0; k < npairs; k++)
        if (best[pairs[k].left] == pairs[k].right && best[pairs[k].right] == pairs[k].left)
            pairs[kept++] = pairs[k];
    free(best);
    free(bw);
    free(bns);
    return kept;
}

/* ---- one-to-one ---- */

/* A pair's place in the greedy order, with what decides it copied in: qsort
 * has no context argument, and a global one would race between runs. */
typedef struct {
    float w, ns;
    uint32_t ra, rb;
    size_t k;
} strength;

static int cmp_strength(const void *x, const void *y)
{
    const strength *a = x, *b = y;
    if (a->w != b->w) return a->w > b->w ? -1 : 1;
    if (a->ns != b->ns) return a->ns > b->ns ? -1 : 1;
    if (a->ra != b->ra) return a->ra < b->ra ? -1 : 1;
    return (a->rb > b->rb) - (a->rb < b->rb);
}

/* Open addressing over (record, other source) keys, each stored plus one so
 * that 0 marks an empty slot. @return 1 when the key was there already. */
static int taken_add(uint64_t *slot, size_t mask, uint64_t key)
{
    key += 1;
    for (size_t h = (size_t)wl_hash_combine(key, 0x31u) & mask;; h = (h + 1) & mask) {
        if (slot[h] == key) return 1;
        if (slot[h] == 0) {
            slot[h] = key;
            return 0;
        }
    }
}

static int taken_has(const uint64_t *slot, size_t mask, uint64_t key)
{
    key += 1;
    for (size_t h = (size_t)wl_hash_combine(key, 0x31u) & mask;; h = (h + 1) & mask) {
        if (slot[h] == key) return 1;
        if (slot[h] == 0) return 0;
    }
}

/* The greedy assignment by decreasing weight is within a factor two of the
 * best total weight (the classic bound for greedy matching) and, unlike the
 * optimal one, keeps a pair whose two records are each other's best whatever
 * the rest of the list holds: what an analyst reading the pair expects. */
size_t wl_one_to_one(wl_match *pairs, size_t npairs, const uint32_t *source, const uint32_t *rank)
{
    if (npairs == 0) return 0;
    size_t cap = 16;
    while (cap < 4 * npairs) cap <<= 1;
    strength *idx = malloc(npairs * sizeof *idx);
    uint64_t *slot = calloc(cap, sizeof *slot);
    uint8_t *keep = calloc(npairs, 1);
    if (!idx || !slot || !keep) {
        free(idx);
        free(slot);
        free(keep);
        return SIZE_MAX;
    }
    for (size_t k = 0; k < npairs; k++)
        idx[k] = (strength){ pairs[k].weight, pairs[k].name_score, rank[pairs[k].left], rank[pairs[k].right], k };
    qsort(idx, npairs, sizeof *idx, cmp_strength);
    for (size_t t = 0; t < npairs; t++) {
        const wl_match *m = &pairs[idx[t].k];
        uint64_t ka = (uint64_t)m->left << 32 | source[m->right];
        uint64_t kb = (uint64_t)m->right << 32 | source[m->left];
        if (taken_has(slot, cap - 1, ka) || taken_has(slot, cap - 1, kb)) continue;
        taken_add(slot, cap - 1, ka);
        taken_add(slot, cap - 1, kb);
        keep[idx[t].k] = 1;
    }
    size_t kept = 0;
    for (size_t k = 0; k < npairs; k++)
        if (keep[k]) pairs[kept++] = pairs[k];
    free(idx);
    free(slot);
    free(keep);
    return kept;
}
