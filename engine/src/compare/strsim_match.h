/*
 * strsim_match.h -- "where does byte c occur in s": the pattern-match bit
 * vectors of the bit-parallel kernels (strsim_jaro.c, strsim_levenshtein.c).
 * Either a 256-entry table built once (cached forms), or, for an s of up to 16
 * bytes, one SSE2 byte compare of c against s held in a vector, which costs a
 * few instructions per lookup and nothing to set up (plain forms). Internal.
 */
#ifndef WL_STRSIM_MATCH_H
#define WL_STRSIM_MATCH_H

#include <stdint.h>
#include <string.h>

typedef uint64_t (*wl_eq_fn)(const void *src, unsigned char c);

static inline uint64_t wl_eq_table(const void *src, unsigned char c)
{
    return ((const uint64_t *)src)[c];
}

#if defined(__SSE2__)
#include <emmintrin.h>
#define WL_EQ_VECTOR 16 /* longest s the vector lookup holds */

/* s[0..n), n <= 16, into v (zeroed beyond n) with fixed-size copies only:
 * two overlapping 8- or 4-byte moves rather than a call to memcpy. */
static inline void wl_eq_load(unsigned char *v, const char *s, size_t n)
{
    memset(v, 0, WL_EQ_VECTOR);
    if (n >= 8) {
        memcpy(v, s, 8);
        memcpy(v + n - 8, s + n - 8, 8);
    } else if (n >= 4) {
        memcpy(v, s, 4);
        memcpy(v + n - 4, s + n - 4, 4);
    } else {
        for (size_t i = 0; i < n; i++) v[i] = (unsigned char)s[i];
    }
}

/* The padding bytes are NUL and match a NUL c: callers mask to s's length. */
static inline uint64_t wl_eq_vector(const void *src, unsigned char c)
{
    __m128i v;
    memcpy(&v, src, sizeof v);
    return (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)c)));
}
#endif

#endif /* WL_STRSIM_MATCH_H */
