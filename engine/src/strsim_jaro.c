/*
 * strsim_jaro.c -- Jaro and Jaro-Winkler similarity.
 *
 * Definitions (Jaro 1989; Winkler 1990, as in the Census Bureau's strcmp95.c and
 * python-jellyfish, our test oracle):
 *   - two characters match when equal and at most max(|a|,|b|)/2 - 1 apart, each
 *     character of b used once, the characters of a taken in order and each one
 *     taking the first free match in b;
 *   - t = (matched characters that are out of order) / 2, integer division as in
 *     strcmp95;
 *   - jaro = (m/|a| + m/|b| + (m - t)/m) / 3, and 0 when m = 0 or a string is
 *     empty (so two empty strings give 0, like jellyfish);
 *   - Winkler: when jaro > 0.7, add l * 0.1 * (1 - jaro) for a common prefix of
 *     l <= 4 characters (jellyfish's long_tolerance is off by default, so it is
 *     not applied here either).
 *
 * Strings of up to 64 bytes take the bit-parallel path: a pattern-match vector
 * per byte value holds the positions of that byte in b, so the first free match
 * of a[i] inside its window is the lowest set bit of (peq[a[i]] & window & ~used).
 * Longer strings take a plain flag-array scan.
 */
#include <stdlib.h>

#include "common.h"
#include "strsim.h"

#define JW_PREFIX_MAX 4
#define JW_SCALE 0.1
#define JW_THRESHOLD 0.7
#define JARO_STACK 1024 /* general path: flags on the stack up to this length */

static size_t jaro_window(size_t la, size_t lb)
{
    size_t longest = WL_MAX(la, lb);
    return longest / 2 > 0 ? longest / 2 - 1 : 0;
}

/* Same expression, same evaluation order as the oracle, so results agree to the bit. */
static double jaro_formula(size_t m, size_t t, size_t la, size_t lb)
{
    double dm = (double)m;
    return (dm / (double)la + dm / (double)lb + (dm - (double)t) / dm) / 3.0;
}

static double winkler_boost(double jaro, const char *a, size_t la, const char *b, size_t lb)
{
    if (!(jaro > JW_THRESHOLD)) return jaro;
    size_t lim = WL_MIN(WL_MIN(la, lb), (size_t)JW_PREFIX_MAX);
    size_t l = 0;
    while (l < lim && a[l] == b[l]) l++;
    return l ? jaro + (double)l * JW_SCALE * (1.0 - jaro) : jaro;
}

/* Positions lo..hi (inclusive, hi <= 63) as a bit mask. */
static inline uint64_t bit_range(size_t lo, size_t hi)
{
    uint64_t upto_hi = hi >= 63 ? ~UINT64_C(0) : (UINT64_C(1) << (hi + 1)) - 1;
    return upto_hi & ~((UINT64_C(1) << lo) - 1);
}

/*
 * The bit-parallel kernel: a (la <= 64) against b (lb <= 64) given b's
 * pattern-match vectors peq. Returns jaro similarity.
 */
static double jaro_bits(const uint64_t *WL_RESTRICT peq, const char *WL_RESTRICT a, size_t la,
                        const char *WL_RESTRICT b, size_t lb)
{
    const size_t r = jaro_window(la, lb);
    uint64_t used_b = 0, used_a = 0;
    size_t end = WL_MIN(la, lb + r); /* past this, the window lies beyond b */
    for (size_t i = 0; i < end; i++) {
        size_t lo = i > r ? i - r : 0;
        size_t hi = WL_MIN(i + r, lb - 1);
        uint64_t x = peq[(unsigned char)a[i]] & bit_range(lo, hi) & ~used_b;
        if (x) {
            used_b |= x & (0 - x);
            used_a |= UINT64_C(1) << i;
        }
    }
    if (!used_a) return 0.0;
    size_t m = (size_t)__builtin_popcountll(used_a), half = 0;
    /* Walk the flagged positions of both strings in step: the k-th matched
     * byte of a against the k-th matched byte of b. */
    while (used_a) {
        size_t i = (size_t)__builtin_ctzll(used_a), j = (size_t)__builtin_ctzll(used_b);
        half += a[i] != b[j];
        used_a &= used_a - 1;
        used_b &= used_b - 1;
    }
    return jaro_formula(m, half / 2, la, lb);
}

/* Builds only the peq entries the kernel will read (those of a's and b's bytes),
 * so a plain call costs O(|a| + |b|) rather than clearing 256 words. */
static void peq_sparse(uint64_t *peq, const char *a, size_t la, const char *b, size_t lb)
{
    for (size_t i = 0; i < la; i++) peq[(unsigned char)a[i]] = 0;
    for (size_t j = 0; j < lb; j++) peq[(unsigned char)b[j]] = 0;
    for (size_t j = 0; j < lb; j++) peq[(unsigned char)b[j]] |= UINT64_C(1) << j;
}

/* General path for strings longer than 64 bytes: byte flags, window scan. */
static double jaro_flags(const char *a, size_t la, const char *b, size_t lb,
                         unsigned char *fa, unsigned char *fb)
{
    const size_t r = jaro_window(la, lb);
    memset(fa, 0, la);
    memset(fb, 0, lb);
    size_t m = 0;
    for (size_t i = 0; i < la; i++) {
        size_t lo = i > r ? i - r : 0, hi = WL_MIN(i + r, lb - 1);
        for (size_t j = lo; j <= hi && lo < lb; j++) {
            if (!fb[j] && b[j] == a[i]) {
                fa[i] = fb[j] = 1;
                m++;
                break;
            }
        }
    }
    if (!m) return 0.0;
    size_t half = 0, j = 0;
    for (size_t i = 0; i < la; i++) {
        if (!fa[i]) continue;
        while (!fb[j]) j++;
        half += a[i] != b[j];
        j++;
    }
    return jaro_formula(m, half / 2, la, lb);
}

static double jaro_long(const char *a, size_t la, const char *b, size_t lb)
{
    unsigned char stack_flags[2 * JARO_STACK];
    unsigned char *fa = stack_flags, *fb = stack_flags + JARO_STACK, *heap = NULL;
    if (la > JARO_STACK || lb > JARO_STACK) {
        heap = malloc(la + lb);
        if (!heap) return 0.0; /* documented in strsim.h: out of memory gives 0 */
        fa = heap;
        fb = heap + la;
    }
    double s = jaro_flags(a, la, b, lb, fa, fb);
    free(heap);
    return s;
}

double wl_jaro(const char *a, size_t la, const char *b, size_t lb)
{
    if (!la || !lb) return 0.0;
    if (la > 64 || lb > 64) return jaro_long(a, la, b, lb);
    uint64_t peq[256];
    peq_sparse(peq, a, la, b, lb);
    return jaro_bits(peq, a, la, b, lb);
}

double wl_jaro_winkler(const char *a, size_t la, const char *b, size_t lb)
{
    return winkler_boost(wl_jaro(a, la, b, lb), a, la, b, lb);
}

void wl_strsim_prepare(wl_strsim_cached *c, const char *s, size_t len)
{
    memset(c->peq, 0, sizeof c->peq);
    c->s = s;
    c->len = len;
    if (len > 64) return; /* the cached forms fall back to the plain ones */
    for (size_t i = 0; i < len; i++) c->peq[(unsigned char)s[i]] |= UINT64_C(1) << i;
}

/* Jaro is symmetric (the first-free-match rule yields the same matched
 * positions from either side), so b may play the role of a here; the tests
 * check cached == plain on random pairs. */
double wl_jaro_cached(const wl_strsim_cached *c, const char *b, size_t lb)
{
    if (!c->len || !lb) return 0.0;
    if (c->len > 64 || lb > 64) return jaro_long(c->s, c->len, b, lb);
    return jaro_bits(c->peq, b, lb, c->s, c->len);
}

double wl_jaro_winkler_cached(const wl_strsim_cached *c, const char *b, size_t lb)
{
    return winkler_boost(wl_jaro_cached(c, b, lb), c->s, c->len, b, lb);
}
