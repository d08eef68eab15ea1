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
 *
 * Speed: the short path evaluates jaro with one division of exact integers,
 * (m²(|a|+|b|) + (m-t)|a||b|) / (3m|a||b|), instead of the oracle's three
 * (it differs from the oracle by at most 1e-15), and decides the 0.7 threshold
 * on those integers; only a ratio of exactly 0.7 asks the oracle's expression,
 * whose rounding decides there (it says "above" in 154 of 168 such cases).
 */
#include <stdlib.h>

#include "common/common.h"
#include "compare/strsim.h"
#include "compare/strsim_match.h"

#define JW_PREFIX_MAX 4
#define JW_SCALE 0.1
#define JW_THRESHOLD 0.7
#define JARO_STACK 1024 /* general path: flags on the stack up to this length */

typedef struct {
    size_t m;    /* matched bytes */
    size_t half; /* matched bytes out of order; t = half / 2 */
} jaro_counts;

static inline size_t jaro_window(size_t la, size_t lb)
{
    size_t longest = WL_MAX(la, lb);
    return longest / 2 > 0 ? longest / 2 - 1 : 0;
}

/* The oracle's expression, in its evaluation order. */
static double jaro_formula(size_t m, size_t t, size_t la, size_t lb)
{
    double dm = (double)m;
    return (dm / (double)la + dm / (double)lb + (dm - (double)t) / dm) / 3.0;
}

/* Index of the lowest set bit of x != 0 as a 64-bit value. __builtin_ctzll
 * returns an int, which GCC then sign-extends before indexing and whose
 * destination it clears first; on x86-64 one "rep bsf" (tzcnt where BMI
 * exists, bsf elsewhere: equal for x != 0) writes the whole register. */
static inline uint64_t jaro_ctz(uint64_t x)
{
#if defined(__x86_64__) && defined(__GNUC__)
    uint64_t r;
    __asm__("rep bsfq %1, %0" : "=r"(r) : "rm"(x) : "cc");
    return r;
#else
    return (uint64_t)__builtin_ctzll(x);
#endif
}

/* Length of the common prefix, at most 4. Names are mostly 4 bytes or longer:
 * then one 4-byte compare, the first differing byte found by counting trailing
 * zero bits of the XOR (little- or big-endian alike, through the byte order
 * test the compiler folds away); shorter strings go byte by byte. */
static inline size_t winkler_prefix(const char *a, const char *b, size_t shorter)
{
    if (WL_LIKELY(shorter >= JW_PREFIX_MAX)) {
        uint32_t wa, wb;
        memcpy(&wa, a, 4);
        memcpy(&wb, b, 4);
        uint32_t x = wa ^ wb;
        if (!x) return JW_PREFIX_MAX;
        const uint32_t one = 1;
        unsigned char little;
        memcpy(&little, &one, 1);
        return (size_t)(little ? jaro_ctz(x) : (uint64_t)__builtin_clz(x)) / 8;
    }
    size_t l = 0;
    while (l < shorter && a[l] == b[l]) l++;
    return l;
}

/* Winkler's boost, branch-free: l * 0.1 from a table indexed by l, or by 0
 * when off (adding an exact 0.0). The entries are the products l * 0.1 the
 * compiler folds with the same rounding as at run time, so the sum is the
 * bits of the former jaro + on * (l * 0.1 * (1 - jaro)). */
static inline double winkler_add(double jaro, int on, const char *a, const char *b, size_t shorter)
{
    static const double boost[JW_PREFIX_MAX + 1] = { 0 * JW_SCALE, 1 * JW_SCALE, 2 * JW_SCALE,
                                                      3 * JW_SCALE, 4 * JW_SCALE };
    size_t l = winkler_prefix(a, b, shorter);
    return jaro + boost[l & (0 - (size_t)on)] * (1.0 - jaro);
}

/* Short strings (<= 64 bytes, so every product fits easily in 64 bits). */
static inline double jaro_short(jaro_counts c, size_t la, size_t lb, int *above)
{
    uint64_t m = c.m, t = c.half / 2, lab = (uint64_t)la * lb;
    uint64_t num = m * m * (la + lb) + (m - t) * lab, den = 3 * m * lab;
    *above = m && (10 * num > 7 * den
                   || (10 * num == 7 * den && jaro_formula(m, t, la, lb) > JW_THRESHOLD));
    /* num, den < 2^63: the signed conversion is exact and needs no range test. */
    return m ? (double)(int64_t)num / (double)(int64_t)den : 0.0;
}

typedef struct {
    uint64_t used_a; /* a[i] matched: a shift register, a[i]'s flag enters at bit 63 */
    uint64_t free_b; /* positions of b not matched yet */
} jaro_match;

/* One match step: takes the lowest free candidate of b and records whether
 * a[i] matched. Kept to a few instructions per byte: x & -x is the lowest
 * candidate, and the sign bit of (x | -x) says "x != 0"; it is shifted into
 * used_a from the top (shift, mask, or), so no per-byte "1 << i" register is
 * kept; the caller shifts used_a down by the number of steps at the end. */
static inline void jaro_take(jaro_match *f, uint64_t cand)
{
    uint64_t x = cand & f->free_b, neg = 0 - x;
    f->free_b ^= x & neg;
    f->used_a = (f->used_a >> 1) | ((x | neg) & (UINT64_C(1) << 63));
}

/* Transpositions: the k-th matched byte of a against the k-th matched byte
 * of b, walking both match masks from the bottom (rapidfuzz's bit-parallel
 * Jaro walks its two flag words the same way). Counting mismatches in an
 * unsigned char (m <= 64) lets setne feed the add without a widening. */
static inline jaro_counts jaro_walk(const char *a, uint64_t used_a, const char *b, uint64_t used_b)
{
    size_t m = 0;
    unsigned char half = 0;
    while (used_a) {
        half = (unsigned char)(half + (a[jaro_ctz(used_a)] != b[jaro_ctz(used_b)]));
        used_a &= used_a - 1;
        used_b &= used_b - 1;
        m++;
    }
    jaro_counts c = { m, half };
    return c;
}

/*
 * The bit-parallel matching: a (la <= 64) against b (lb <= 64), eq(src, c)
 * giving the positions of c in b. For a[i], the candidates are eq(a[i]) inside
 * the window b[i-r .. i+r] minus the positions already used; the first free
 * match is the lowest set bit. The window mask starts as bits 0..r, grows one
 * bit on top while i < r, then slides up one bit per step. Positions at or
 * past lb are never free, so eq may report them.
 */
static inline jaro_counts jaro_bits(wl_eq_fn eq, const void *src, const char *WL_RESTRICT a,
                                    size_t la, const char *WL_RESTRICT b, size_t lb)
{
    const size_t r = jaro_window(la, lb);
    const size_t end = WL_MIN(la, lb + r); /* past this, the window lies beyond b */
    const size_t grow = WL_MIN(end, r);
    const uint64_t in_b = lb == 64 ? ~UINT64_C(0) : (UINT64_C(1) << lb) - 1;
    uint64_t win = (UINT64_C(1) << (r + 1)) - 1; /* r <= 31 here */
    jaro_match f = { 0, in_b };
    size_t i = 0;
    for (; i < grow; i++, win += win + 1) jaro_take(&f, eq(src, (unsigned char)a[i]) & win);
    for (; i < end; i++, win += win) jaro_take(&f, eq(src, (unsigned char)a[i]) & win);
    /* end >= 1 steps entered used_a from the top: bring a[0]'s flag to bit 0. */
    return jaro_walk(a, f.used_a >> (64 - end), b, in_b & ~f.free_b);
}

/* Builds only the peq entries the kernel will read (those of a's and b's bytes),
 * so a plain call costs O(|a| + |b|) rather than clearing 256 words. */
static inline void peq_sparse(uint64_t *peq, const char *a, size_t la, const char *b, size_t lb)
{
    for (size_t i = 0; i < la; i++) peq[(unsigned char)a[i]] = 0;
    for (size_t j = 0; j < lb; j++) peq[(unsigned char)b[j]] = 0;
    for (size_t j = 0; j < lb; j++) peq[(unsigned char)b[j]] |= UINT64_C(1) << j;
}

/* General path for strings longer than 64 bytes: byte flags, window scan. */
static jaro_counts jaro_scan(const char *a, size_t la, const char *b, size_t lb,
                              unsigned char *fa, unsigned char *fb)
{
    const size_t r = jaro_window(la, lb);
    jaro_counts c = { 0, 0 };
    memset(fa, 0, la);
    memset(fb, 0, lb);
    for (size_t i = 0; i < la; i++) {
        size_t lo = i > r ? i - r : 0, hi = WL_MIN(i + r, lb - 1);
        for (size_t j = lo; j <= hi; j++) {
            if (!fb[j] && b[j] == a[i]) {
                fa[i] = fb[j] = 1;
                c.m++;
                break;
            }
        }
    }
    for (size_t i = 0, j = 0; i < la; i++) {
        if (!fa[i]) continue;
        while (!fb[j]) j++;
        c.half += a[i] != b[j];
        j++;
    }
    return c;
}

/* Long strings use the oracle's expression (cost is no concern there). */
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
    jaro_counts c = jaro_scan(a, la, b, lb, fa, fb);
    free(heap);
    return c.m ? jaro_formula(c.m, c.half / 2, la, lb) : 0.0;
}

static inline double jaro_plain(const char *a, size_t la, const char *b, size_t lb, int *above)
{
    if (WL_UNLIKELY(!la || !lb)) {
        *above = 0;
        return 0.0;
    }
    if (WL_UNLIKELY(la > 64 || lb > 64)) {
        double j = jaro_long(a, la, b, lb);
        *above = j > JW_THRESHOLD;
        return j;
    }
#if defined(WL_EQ_VECTOR)
    /* Jaro is symmetric: let the shorter string be the vector side. */
    if (WL_MIN(la, lb) <= WL_EQ_VECTOR) {
        const char *s = la <= lb ? a : b, *t = la <= lb ? b : a;
        size_t ls = WL_MIN(la, lb), lt = WL_MAX(la, lb);
        unsigned char v[WL_EQ_VECTOR];
        wl_eq_load(v, s, ls);
        return jaro_short(jaro_bits(wl_eq_vector, v, t, lt, s, ls), lt, ls, above);
    }
#endif
    uint64_t peq[256];
    peq_sparse(peq, a, la, b, lb);
    return jaro_short(jaro_bits(wl_eq_table, peq, a, la, b, lb), la, lb, above);
}

double wl_jaro(const char *a, size_t la, const char *b, size_t lb)
{
    int above;
    return jaro_plain(a, la, b, lb, &above);
}

double wl_jaro_winkler(const char *a, size_t la, const char *b, size_t lb)
{
    int above;
    double j = jaro_plain(a, la, b, lb, &above);
    return winkler_add(j, above, a, b, WL_MIN(la, lb));
}

/* Fills a table whose entries are all zero. */
static void prepare_fill(wl_strsim_cached *c, const char *s, size_t len)
{
    c->s = s;
    c->len = len;
    if (len > 64) return; /* the cached forms fall back to the plain ones */
    for (size_t i = 0; i < len; i++) c->peq[(unsigned char)s[i]] |= UINT64_C(1) << i;
}

void wl_strsim_prepare(wl_strsim_cached *c, const char *s, size_t len)
{
    memset(c->peq, 0, sizeof c->peq);
    prepare_fill(c, s, len);
}

void wl_strsim_reprepare(wl_strsim_cached *c, const unsigned char *old, size_t old_len, const char *s,
                         size_t len)
{
    for (size_t i = 0; i < old_len; i++) c->peq[old[i]] = 0;
    prepare_fill(c, s, len);
}

/* Jaro is symmetric (the first-free-match rule yields the same matched
 * positions from either side, and the formula is symmetric), so b plays the
 * role of a here; the tests check cached == plain to the bit. */
static inline double jaro_cached(const wl_strsim_cached *c, const char *b, size_t lb, int *above)
{
    if (WL_UNLIKELY(!c->len || !lb || c->len > 64 || lb > 64))
        return jaro_plain(c->s, c->len, b, lb, above);
    return jaro_short(jaro_bits(wl_eq_table, c->peq, b, lb, c->s, c->len), lb, c->len, above);
}

double wl_jaro_cached(const wl_strsim_cached *c, const char *b, size_t lb)
{
    int above;
    return jaro_cached(c, b, lb, &above);
}

double wl_jaro_winkler_cached(const wl_strsim_cached *c, const char *b, size_t lb)
{
    int above;
    double j = jaro_cached(c, b, lb, &above);
    return winkler_add(j, above, c->s, b, WL_MIN(c->len, lb));
}

/*
 * An upper bound of wl_jaro_winkler(a, b) from counts alone (issue 11's cheap
 * prefilter, in the manner of fzy's match.c: a cheap test before the scorer).
 * A matched byte of a is matched to an equal byte of b, each used once, so
 * Jaro's m is at most c, the size of the two strings' byte multisets'
 * intersection, and (m - t) / m is at most 1:
 *     jaro <= (c/|a| + c/|b| + 1) / 3,  and jaro = 0 when c = 0.
 * Winkler's step j + 0.1 l (1 - j) rises with j, and is applied or not
 * (jaro above 0.7), so it is bounded by the step applied to that bound with l
 * the strings' common prefix (at most 4). Bytes are counted, as the kernel
 * compares bytes: a multi-byte character is its bytes. The bound is raised by
 * 1e-12, far above the kernels' rounding (a few ulps, ~1e-16), so it holds for
 * the doubles they return, on the short and the long path alike.
 */
double wl_jaro_winkler_bound(const char *a, size_t la, const char *b, size_t lb)
{
    if (!la || !lb) return 0.0;
    uint32_t cnt[256]; /* only the entries of a's and b's bytes are set and read */
    const unsigned char *ua = (const unsigned char *)a, *ub = (const unsigned char *)b;
    for (size_t j = 0; j < lb; j++) cnt[ub[j]] = 0;
    for (size_t i = 0; i < la; i++) cnt[ua[i]] = 0;
    for (size_t i = 0; i < la; i++) cnt[ua[i]]++;
    size_t c = 0;
    for (size_t j = 0; j < lb; j++) {
        uint32_t *k = &cnt[ub[j]];
        c += *k != 0;
        *k -= *k != 0;
    }
    if (!c) return 0.0; /* no byte in common: m = 0, jaro and Jaro-Winkler 0 */
    double j = ((double)c / (double)la + (double)c / (double)lb + 1.0) / 3.0;
    size_t l = 0, shorter = WL_MIN(WL_MIN(la, lb), (size_t)JW_PREFIX_MAX);
    while (l < shorter && a[l] == b[l]) l++;
    return j + (double)l * JW_SCALE * (1.0 - j) + 1e-12;
}
