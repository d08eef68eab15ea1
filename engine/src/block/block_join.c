/* block_join.c -- the candidates of a blocking spread over processes
 * (wl_block_part), joined: each process's list is sorted and holds each pair
 * once, but a pair both of whose records chose each other may have been chosen
 * in two parts. The lists are merged two by two, in rounds (log2(parts) passes
 * over the pairs), dropping the repeats; the result is the set wl_block builds
 * in one process, in the same order. Spread further (watchlink-mpi), each
 * process joins only one range of that order: every part's list is cut at
 * common splitters (wl_block_splitters, wl_block_cut), process q gets slice q
 * of every part and joins those, and the ranges in process order are the
 * joined list. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "block/block.h"

static inline int before(wl_pairidx x, wl_pairidx y) { return x.a < y.a || (x.a == y.a && x.b < y.b); }

static inline int same(wl_pairidx x, wl_pairidx y) { return x.a == y.a && x.b == y.b; }

int wl_block_sorted_unique(const wl_pairidx *p, size_t n)
{
    for (size_t k = 1; k < n; k++)
        if (!before(p[k - 1], p[k])) return 0;
    return 1;
}

/* x[0..nx) and y[0..ny) into out, each pair once. @return the pairs written. */
static size_t merge2(const wl_pairidx *x, size_t nx, const wl_pairidx *y, size_t ny, wl_pairidx *out)
{
    size_t i = 0, j = 0, w = 0;
    while (i < nx && j < ny) {
        if (same(x[i], y[j])) {
            out[w++] = x[i++];
            j++;
        } else if (before(x[i], y[j])) {
            out[w++] = x[i++];
        } else {
            out[w++] = y[j++];
        }
    }
    while (i < nx) out[w++] = x[i++];
    while (j < ny) out[w++] = y[j++];
    return w;
}

wl_status wl_block_join(const wl_pairidx *all, const size_t *counts, size_t parts, wl_vec *out)
{
    wl_vec_free(out);
    wl_vec_init(out, sizeof(wl_pairidx));
    size_t total = 0;
    for (size_t p = 0; p < parts; p++) {
        if (!wl_block_sorted_unique(all + total, counts[p])) return WL_INPUT;
        total += counts[p];
    }
    /* lists [start[p], start[p] + len[p]) in src (first the input itself);
     * each round merges neighbours into a buffer of its own. The second
     * buffer is taken only when a third round needs it (more than two lists):
     * two lists joined hold the input and one copy, not two. */
    wl_pairidx *buf[2] = { malloc((total ? total : 1) * sizeof(wl_pairidx)), NULL };
    size_t *start = malloc((parts ? parts : 1) * sizeof *start), *len = malloc((parts ? parts : 1) * sizeof *len);
    if (!buf[0] || !start || !len) {
        free(buf[0]);
        free(start);
        free(len);
        return WL_NOMEM;
    }
    size_t lists = parts, at = 0;
    for (size_t p = 0; p < parts; p++) {
        start[p] = at;
        len[p] = counts[p];
        at += counts[p];
    }
    const wl_pairidx *src = all;
    int to = 0;
    if (lists <= 1 && total) memcpy(buf[0], all, total * sizeof *buf[0]);
    if (lists <= 1) src = buf[0], to = 1;
    while (lists > 1) {
        if (!buf[to] && !(buf[to] = malloc((total ? total : 1) * sizeof(wl_pairidx)))) {
            free(buf[0]);
            free(buf[1]);
            free(start);
            free(len);
            return WL_NOMEM;
        }
        wl_pairidx *dst = buf[to];
        size_t w = 0, m = 0;
        for (size_t p = 0; p < lists; p += 2) {
            size_t n = len[p];
            if (p + 1 < lists)
                n = merge2(src + start[p], len[p], src + start[p + 1], len[p + 1], dst + w);
            else if (n) /* the odd list out moves to the next round as it is */
                memcpy(dst + w, src + start[p], n * sizeof *dst);
            start[m] = w;
            len[m++] = n;
            w += n;
        }
        src = dst;
        to ^= 1;
        lists = m;
    }
    /* the result is in buf[to ^ 1]; the other buffer, if taken, goes */
    free(buf[to]);
    free(start);
    out->data = buf[to ^ 1];
    out->len = lists ? len[0] : 0;
    out->cap = total ? total : 1;
    free(len);
    return WL_OK;
}

/* ---- cutting the candidate order into ranges, one per process ----
 * Each process holds its part's sorted pairs; the ranges are cut at common
 * splitters chosen from samples of every part, so that process q gets every
 * pair of range q (from every part: the join drops the repeats) and the ranges
 * in order are the joined list in order. */

size_t wl_block_samples(const wl_pairidx *p, size_t n, size_t k, wl_pairidx *out)
{
    if (k > n) k = n;
    for (size_t i = 0; i < k; i++) out[i] = p[i * n / k];
    return k;
}

typedef struct {
    wl_pairidx p;
    size_t weight; /* the pairs this sample stands for */
} weighted;

static int cmp_weighted(const void *x, const void *y)
{
    const weighted *u = x, *v = y;
    if (before(u->p, v->p)) return -1;
    if (before(v->p, u->p)) return 1;
    return (u->weight > v->weight) - (u->weight < v->weight); /* equal pairs: a total order all the same */
}

wl_status wl_block_splitters(const wl_pairidx *samples, const size_t *counts, const size_t *sizes, size_t parts,
                             wl_pairidx *split)
{
    const wl_pairidx past = { UINT32_MAX, UINT32_MAX };
    size_t n = 0, total = 0;
    for (size_t p = 0; p < parts; p++) {
        if (counts[p] > sizes[p] || (sizes[p] && !counts[p])) return WL_INPUT;
        n += counts[p];
        total += sizes[p];
    }
    weighted *w = malloc((n ? n : 1) * sizeof *w);
    if (!w) return WL_NOMEM;
    size_t at = 0;
    for (size_t p = 0; p < parts; p++)
        for (size_t i = 0; i < counts[p]; i++, at++) {
            w[at].p = samples[at];
            w[at].weight = (i + 1) * sizes[p] / counts[p] - i * sizes[p] / counts[p];
        }
    qsort(w, n, sizeof *w, cmp_weighted);
    /* splitter q: the first sample with at least q total / parts pairs before it */
    size_t k = 0, seen = 0;
    for (size_t q = 1; q < parts; q++) {
        size_t target = total / parts * q + total % parts * q / parts; /* total q / parts, exactly */
        while (k < n && seen + w[k].weight <= target) seen += w[k++].weight;
        /* w[k] stands for the pairs that hold the target: cut at it */
        split[q - 1] = k < n ? w[k].p : past;
    }
    free(w);
    return WL_OK;
}

/* The first index of p[0..n) not before x. */
static size_t lower_bound(const wl_pairidx *p, size_t n, wl_pairidx x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (before(p[mid], x)) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

void wl_block_cut(const wl_pairidx *p, size_t n, const wl_pairidx *split, size_t parts, size_t *send)
{
    size_t from = 0;
    for (size_t q = 0; q < parts; q++) {
        size_t to = q + 1 < parts ? lower_bound(p, n, split[q]) : n;
        if (to < from) to = from; /* splitters out of order: nothing more to q */
        send[q] = to - from;
        from = to;
    }
}
