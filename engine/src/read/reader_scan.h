/*
 * reader_scan.h -- byte-class scans for the CSV tokenizer and the UTF-8 check
 * (stage 1, read). Internal: not API.
 *
 * The tokenizer looks for the first of two or three bytes (delimiter, quote,
 * line feed) from the start of each field. Fields are short (8-10 bytes in a
 * watchlist), so a call to memchr per byte kind and field cost more than the
 * bytes themselves, and a byte loop tests every byte twice. These scans test 16
 * bytes at once with SSE2 compares and a movemask (the technique of simdjson's
 * and simdcsv's stage 1, Langdale and Lemire, "Parsing Gigabytes of JSON per
 * Second", 2019), part of the x86-64 baseline so no -m flag is needed, with a
 * portable 8-byte word fallback (SWAR: a byte equal to c is a zero byte of
 * v ^ c*0x01..01, found exactly with the carry-free test of Bit Twiddling
 * Hacks, "Determine if a word has a zero byte", so no false positive above it).
 * Every scan reads only [p, e): whole blocks while 16 (or 8) bytes are left,
 * the tail byte by byte, so a scan never reads past the buffer's end.
 *
 * Both variants are always compiled (the SSE2 one where the target has it) so
 * that the unit test checks each against a plain loop (test_reader_scan.c).
 */
#ifndef WL_READER_SCAN_H
#define WL_READER_SCAN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#define WL_SCAN_SSE2 1
#else
#define WL_SCAN_SSE2 0
#endif

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define WL_SCAN_SWAR 1
#else
#define WL_SCAN_SWAR 0 /* the word scan's byte order is little-endian's */
#endif

/* The first of a, b, c in [p, e), or e: the plain loop the others must equal. */
static inline const char *wl_scan3_bytes(const char *p, const char *e, char a, char b, char c)
{
    for (; p < e; p++)
        if (*p == a || *p == b || *p == c) return p;
    return e;
}

#if WL_SCAN_SWAR
/* High bit set in each byte of v that is zero, and only there (no borrow
 * between bytes: the low seven bits are added apart from the high one). */
static inline uint64_t wl_scan_zero_bytes(uint64_t v)
{
    const uint64_t low7 = 0x7F7F7F7F7F7F7F7Full;
    return ~(((v & low7) + low7) | v | low7);
}

static inline const char *wl_scan3_swar(const char *p, const char *e, char a, char b, char c)
{
    const uint64_t ones = 0x0101010101010101ull;
    const uint64_t va = ones * (unsigned char)a, vb = ones * (unsigned char)b, vc = ones * (unsigned char)c;
    while (e - p >= 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        uint64_t m = wl_scan_zero_bytes(v ^ va) | wl_scan_zero_bytes(v ^ vb) | wl_scan_zero_bytes(v ^ vc);
        if (m) return p + (__builtin_ctzll(m) >> 3);
        p += 8;
    }
    return wl_scan3_bytes(p, e, a, b, c);
}
#endif

#if WL_SCAN_SSE2
static inline const char *wl_scan3_sse2(const char *p, const char *e, char a, char b, char c)
{
    const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b), vc = _mm_set1_epi8(c);
    while (e - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb)),
                                   _mm_cmpeq_epi8(v, vc));
        unsigned m = (unsigned)_mm_movemask_epi8(hit);
        if (m) return p + __builtin_ctz(m);
        p += 16;
    }
#if WL_SCAN_SWAR
    return wl_scan3_swar(p, e, a, b, c); /* a short field's last bytes: a word, then bytes */
#else
    return wl_scan3_bytes(p, e, a, b, c);
#endif
}
#endif

/** @return the first byte of [p, e) equal to a, b or c, or e when there is none. */
static inline const char *wl_scan3(const char *p, const char *e, char a, char b, char c)
{
#if WL_SCAN_SSE2
    return wl_scan3_sse2(p, e, a, b, c);
#elif WL_SCAN_SWAR
    return wl_scan3_swar(p, e, a, b, c);
#else
    return wl_scan3_bytes(p, e, a, b, c);
#endif
}

/** @return the first byte of [p, e) equal to a or b, or e. */
static inline const char *wl_scan2(const char *p, const char *e, char a, char b)
{
    return wl_scan3(p, e, a, b, b);
}

/* ASCII and NUL-free: no byte with its high bit set and no zero byte. */

static inline int wl_plain16_bytes(const unsigned char *s)
{
    for (int k = 0; k < 16; k++)
        if (s[k] == 0 || s[k] >= 0x80) return 0;
    return 1;
}

#if WL_SCAN_SSE2
static inline int wl_plain16_sse2(const unsigned char *s)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
    /* the sign bits are the high bits; a compare with zero marks NULs */
    return _mm_movemask_epi8(_mm_or_si128(v, _mm_cmpeq_epi8(v, _mm_setzero_si128()))) == 0;
}
#endif

#if WL_SCAN_SSE2
/* @return a bit per byte of the 16 at s that is not plain (high bit or NUL):
 * the ASCII bytes before the first one need no further look. */
static inline unsigned wl_notplain16_sse2(const unsigned char *s)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
    return (unsigned)_mm_movemask_epi8(_mm_or_si128(v, _mm_cmpeq_epi8(v, _mm_setzero_si128())));
}
#endif

/** @return 1 when the 16 bytes at s are ASCII without a NUL byte. */
static inline int wl_plain16(const unsigned char *s)
{
#if WL_SCAN_SSE2
    return wl_plain16_sse2(s);
#else
    return wl_plain16_bytes(s);
#endif
}

#endif /* WL_READER_SCAN_H */
