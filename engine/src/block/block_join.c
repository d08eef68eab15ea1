/* block_join.c -- the candidates of a blocking spread over processes
 * (wl_block_part), joined: each process's list is sorted and holds each pair
 * once, but a pair both of whose records chose each other may have been chosen
 * in two parts. The lists are merged two by two, in rounds (log2(parts) passes
 * over the pairs), dropping the repeats; the result is the set wl_block builds
 * in one process, in the same order. */
#include <stdlib.h>
#include <string.h>

#include "block/block.h"

static inline int before(wl_pairidx x, wl_pairidx y) { return x.a < y.a || (x.a == y.a && x.b < y.b); }

static inline int same(wl_pairidx x, wl_pairidx y) { return x.a == y.a && x.b == y.b; }

static int sorted_unique(const wl_pairidx *p, size_t n)
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
        if (!sorted_unique(all + total, counts[p])) return WL_INPUT;
        total += counts[p];
    }
    /* lists [start[p], start[p] + len[p]) in cur; each round merges neighbours into nxt */
    wl_pairidx *cur = malloc((total ? total : 1) * sizeof *cur), *nxt = malloc((total ? total : 1) * sizeof *nxt);
    size_t *start = malloc((parts ? parts : 1) * sizeof *start), *len = malloc((parts ? parts : 1) * sizeof *len);
    if (!cur || !nxt || !start || !len) {
        free(cur);
        free(nxt);
        free(start);
        free(len);
        return WL_NOMEM;
    }
    if (total) memcpy(cur, all, total * sizeof *cur);
    size_t lists = parts, at = 0;
    for (size_t p = 0; p < parts; p++) {
        start[p] = at;
        len[p] = counts[p];
        at += counts[p];
    }
    while (lists > 1) {
        size_t w = 0, m = 0;
        for (size_t p = 0; p < lists; p += 2) {
            size_t n = len[p];
            if (p + 1 < lists)
                n = merge2(cur + start[p], len[p], cur + start[p + 1], len[p + 1], nxt + w);
            else if (n) /* the odd list out moves to the next round as it is */
                memcpy(nxt + w, cur + start[p], n * sizeof *nxt);
            start[m] = w;
            len[m++] = n;
            w += n;
        }
        wl_pairidx *t = cur;
        cur = nxt;
        nxt = t;
        lists = m;
    }
    free(nxt);
    free(start);
    out->data = cur;
    out->len = lists ? len[0] : 0;
    out->cap = total ? total : 1;
    free(len);
    return WL_OK;
}
