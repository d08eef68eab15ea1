/*
 * strsim_levenshtein.c -- Levenshtein and optimal string alignment (OSA, the
 * "restricted" Damerau distance: adjacent transpositions, no edit of a
 * transposed pair) distances with a cutoff.
 *
 * Plan, cheapest test first (as rapidfuzz-cpp's Levenshtein_impl.hpp does):
 *   1. the length difference alone exceeds max: return max + 1;
 *   2. strip the common prefix and suffix (they never change either distance);
 *   3. shorter side <= 64 bytes: Myers' bit-vector algorithm in Hyyrö's
 *      formulation (H. Hyyrö, "A bit-vector algorithm for computing Levenshtein
 *      and Damerau edit distances", Nordic J. Computing 10(1), 2003), with its
 *      transposition term for OSA; one 64-bit word holds a whole DP column;
 *   4. otherwise a DP restricted to the diagonal band |i - j| <= max (Ukkonen
 *      1985), with the rows on the stack up to 512 cells.
 */
#include <limits.h>
#include <stdlib.h>

#include "common/common.h"
#include "compare/strsim.h"
#include "compare/strsim_match.h"

#define BAND_STACK 512

typedef struct {
    const char *a, *b; /* a is the pattern (the shorter side on the plain path) */
    size_t la, lb;
} strsim_pair;

/* max < 0 means unbounded; no distance exceeds the longer length. */
static int clamp_max(int max, size_t la, size_t lb)
{
    size_t longest = WL_MAX(la, lb);
    if (longest >= (size_t)INT_MAX) longest = (size_t)INT_MAX - 1;
    if (max < 0 || (size_t)max > longest) return (int)longest;
    return max;
}

static size_t length_gap(size_t la, size_t lb) { return la > lb ? la - lb : lb - la; }

static size_t common_prefix(const char *a, size_t la, const char *b, size_t lb)
{
    size_t n = WL_MIN(la, lb), k = 0;
    while (k < n && a[k] == b[k]) k++;
    return k;
}

static size_t common_suffix(const char *a, size_t la, const char *b, size_t lb)
{
    size_t n = WL_MIN(la, lb), k = 0;
    while (k < n && a[la - 1 - k] == b[lb - 1 - k]) k++;
    return k;
}

/* Strips the common affixes and orders the pair so that a is the shorter. */
static strsim_pair strip_affixes(const char *a, size_t la, const char *b, size_t lb)
{
    size_t p = common_prefix(a, la, b, lb);
    size_t s = common_suffix(a + p, la - p, b + p, lb - p);
    strsim_pair q = { a + p, b + p, la - p - s, lb - p - s };
    if (q.la > q.lb) {
        strsim_pair t = { q.b, q.a, q.lb, q.la };
        q = t;
    }
    return q;
}

/*
 * One column step of Hyyrö's algorithm. vp/vn are the vertical +1/-1 deltas of
 * the current column, d0 the diagonal-zero vector, eq the pattern-match vector
 * of the text byte, eq_prev that of the previous text byte (OSA only). The
 * transposition term (Hyyrö 2003, fig. 6) sets D0 where a[i-1..i] = b[j..j-1]
 * reversed and the previous diagonal step was not free.
 */
typedef struct {
    uint64_t vp, vn, d0, eq_prev;
    int dist;
} hyyro_state;

static inline void hyyro_step(hyyro_state *st, uint64_t eq, uint64_t last, int osa)
{
    uint64_t vp = st->vp, vn = st->vn;
    uint64_t x = eq | vn;
    uint64_t d0 = (((x & vp) + vp) ^ vp) | x;
    if (osa) d0 |= ((~st->d0 & eq) << 1) & st->eq_prev;
    uint64_t hp = vn | ~(d0 | vp);
    uint64_t hn = vp & d0;
    st->dist += (hp & last) != 0;
    st->dist -= (hn & last) != 0;
    hp = (hp << 1) | 1; /* row 0 grows by one per column */
    hn <<= 1;
    st->vp = hn | ~(d0 | hp);
    st->vn = hp & d0;
    st->d0 = d0;
    st->eq_prev = eq;
}

/*
 * Pattern of m (1..64) bytes whose match vector for byte c is
 * (eq(src, c) >> shift) & mask; text t[0..n). Returns the distance, or max + 1.
 */
static inline int hyyro_run(wl_eq_fn eq, const void *src, unsigned shift, size_t m,
                            const char *WL_RESTRICT t, size_t n, int max, int osa)
{
    const uint64_t mask = m == 64 ? ~UINT64_C(0) : (UINT64_C(1) << m) - 1;
    const uint64_t last = UINT64_C(1) << (m - 1);
    hyyro_state st = { mask, 0, 0, 0, (int)m };
    for (size_t j = 0; j < n; j++) {
        uint64_t e = (eq(src, (unsigned char)t[j]) >> shift) & mask;
        hyyro_step(&st, e, last, osa);
        /* The last row falls by at most one per remaining column. */
        if (WL_UNLIKELY((size_t)st.dist > (size_t)max + (n - 1 - j))) return max + 1;
    }
    return st.dist <= max ? st.dist : max + 1;
}

/* Band DP for long strings: three rolling rows (OSA reads two rows back). */
static int band_rows(strsim_pair q, int k, int osa, int *r0, int *r1, int *r2)
{
    const int big = k + 1;
    const size_t la = q.la, lb = q.lb, uk = (size_t)k;
    int *prev2 = r0, *prev = r1, *cur = r2;
    for (size_t j = 0; j <= lb; j++) {
        prev[j] = j <= uk ? (int)j : big;
        prev2[j] = big;
        cur[j] = big;
    }
    for (size_t i = 1; i <= la; i++) {
        size_t jlo = i > uk ? i - uk : 1, jhi = WL_MIN(lb, i + uk);
        cur[jlo - 1] = jlo == 1 && i <= uk ? (int)i : big;
        int row_min = cur[jlo - 1];
        for (size_t j = jlo; j <= jhi; j++) {
            int cost = q.a[i - 1] != q.b[j - 1];
            int v = WL_MIN(prev[j - 1] + cost, WL_MIN(prev[j], cur[j - 1]) + 1);
            if (osa && i > 1 && j > 1 && q.a[i - 1] == q.b[j - 2] && q.a[i - 2] == q.b[j - 1])
                v = WL_MIN(v, prev2[j - 2] + 1);
            cur[j] = WL_MIN(v, big);
            row_min = WL_MIN(row_min, cur[j]);
        }
        if (jhi < lb) cur[jhi + 1] = big;
        if (row_min > k) return big;
        int *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb];
}

static int band_distance(strsim_pair q, int k, int osa)
{
    int stack_rows[3 * BAND_STACK];
    int *rows = stack_rows, *heap = NULL;
    size_t w = q.lb + 1;
    if (w > BAND_STACK) {
        heap = malloc(3 * w * sizeof *heap);
        if (!heap) return -1; /* documented in strsim.h */
        rows = heap;
    }
    int d = band_rows(q, k, osa, rows, rows + w, rows + 2 * w);
    free(heap);
    return d;
}

static void peq_build(uint64_t *peq, const char *p, size_t m, const char *t, size_t n)
{
    for (size_t j = 0; j < n; j++) peq[(unsigned char)t[j]] = 0;
    for (size_t i = 0; i < m; i++) peq[(unsigned char)p[i]] = 0;
    for (size_t i = 0; i < m; i++) peq[(unsigned char)p[i]] |= UINT64_C(1) << i;
}

static int edit_distance(const char *a, size_t la, const char *b, size_t lb, int max, int osa)
{
    int k = clamp_max(max, la, lb);
    if (length_gap(la, lb) > (size_t)k) return k + 1;
    strsim_pair q = strip_affixes(a, la, b, lb);
    if (q.la == 0) return (int)q.lb; /* <= k: the gap test above */
#if defined(WL_EQ_VECTOR)
    if (q.la <= WL_EQ_VECTOR) {
        unsigned char v[WL_EQ_VECTOR];
        wl_eq_load(v, q.a, q.la);
        return hyyro_run(wl_eq_vector, v, 0, q.la, q.b, q.lb, k, osa);
    }
#endif
    if (q.la <= 64) {
        uint64_t peq[256];
        peq_build(peq, q.a, q.la, q.b, q.lb);
        return hyyro_run(wl_eq_table, peq, 0, q.la, q.b, q.lb, k, osa);
    }
    return band_distance(q, k, osa);
}

/* A clamped max keeps the distance exact; report "above" against the caller's max. */
static int above_max(int d, int max) { return max >= 0 && d > max ? max + 1 : d; }

int wl_levenshtein(const char *a, size_t la, const char *b, size_t lb, int max)
{
    return above_max(edit_distance(a, la, b, lb, max, 0), max);
}

int wl_osa(const char *a, size_t la, const char *b, size_t lb, int max)
{
    return above_max(edit_distance(a, la, b, lb, max, 1), max);
}

/*
 * The cached side is always the pattern: after stripping p prefix bytes its
 * match vectors are those of the whole string shifted right by p and masked to
 * the remaining length, so nothing is rebuilt per call.
 */
static int edit_distance_cached(const wl_strsim_cached *c, const char *b, size_t lb, int max,
                                int osa)
{
    if (c->len > 64) return edit_distance(c->s, c->len, b, lb, max, osa);
    int k = clamp_max(max, c->len, lb);
    if (length_gap(c->len, lb) > (size_t)k) return k + 1;
    size_t p = common_prefix(c->s, c->len, b, lb);
    size_t s = common_suffix(c->s + p, c->len - p, b + p, lb - p);
    size_t m = c->len - p - s, n = lb - p - s;
    if (m == 0) return (int)n;
    if (n == 0) return (int)m;
    return hyyro_run(wl_eq_table, c->peq, (unsigned)p, m, b + p, n, k, osa);
}

int wl_levenshtein_cached(const wl_strsim_cached *c, const char *b, size_t lb, int max)
{
    return above_max(edit_distance_cached(c, b, lb, max, 0), max);
}

int wl_osa_cached(const wl_strsim_cached *c, const char *b, size_t lb, int max)
{
    return above_max(edit_distance_cached(c, b, lb, max, 1), max);
}
