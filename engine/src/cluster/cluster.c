/* cluster.c -- union-find clustering and the mutual best-link filter. */
#include "cluster/cluster.h"

#include <stdlib.h>

static uint32_t find(uint32_t *parent, uint32_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]]; /* path halving (Tarjan and van Leeuwen 1984) */
        x = parent[x];
    }
    return x;
}

wl_status wl_cluster(size_t n, const wl_match *pairs, size_t npairs, const uint32_t *rank,
                     size_t max_cluster, uint32_t *rep, wl_cluster_stats *st)
{
    uint32_t *size = calloc(n ? n : 1, sizeof *size);
    if (!size) return WL_NOMEM;
    for (size_t i = 0; i < n; i++) rep[i] = (uint32_t)i;
    for (size_t k = 0; k < npairs; k++) {
        uint32_t a = find(rep, pairs[k].left), b = find(rep, pairs[k].right);
        if (a == b) continue;
        /* The root is always the member of smallest rank: deterministic ids. */
        if (rank[a] < rank[b]) rep[b] = a;
        else rep[a] = b;
    }
    memset(st, 0, sizeof *st);
    for (size_t i = 0; i < n; i++) {
        rep[i] = find(rep, (uint32_t)i);
        size[rep[i]]++;
    }
    for (size_t i = 0; i < n; i++) {
        if (!size[i]) continue;
        st->clusters++;
        if (size[i] > st->largest) st->largest = size[i];
        if (max_cluster && size[i] > max_cluster) st->flagged++;
    }
    free(size);
    return WL_OK;
}

/* Is candidate (partner p, weight w) better than the current best (b, bw)? */
static int better(float w, uint32_t p, float bw, uint32_t b, const uint32_t *rank)
{
    if (b == UINT32_MAX || w > bw) return 1;
    return w == bw && rank[p] < rank[b];
}

size_t wl_best_link(wl_match *pairs, size_t npairs, size_t n, const uint32_t *rank)
{
    uint32_t *best = malloc((n ? n : 1) * sizeof *best);
    float *bw = malloc((n ? n : 1) * sizeof *bw);
    if (!best || !bw) {
        free(best);
        free(bw);
        return npairs; /* without memory, keep every pair: recall first */
    }
    for (size_t i = 0; i < n; i++) best[i] = UINT32_MAX, bw[i] = 0;
    for (size_t k = 0; k < npairs; k++) {
        uint32_t a = pairs[k].left, b = pairs[k].right;
        float w = pairs[k].weight;
        if (better(w, b, bw[a], best[a], rank)) best[a] = b, bw[a] = w;
        if (better(w, a, bw[b], best[b], rank)) best[b] = a, bw[b] = w;
    }
    size_t kept = 0;
    for (size_t k = 0; k < npairs; k++)
        if (best[pairs[k].left] == pairs[k].right && best[pairs[k].right] == pairs[k].left)
            pairs[kept++] = pairs[k];
    free(best);
    free(bw);
    return kept;
}
