/* reader_utf8.c -- UTF-8 well-formedness check with an ASCII fast path.
 *
 * Watchlists are mostly ASCII, so eight bytes are tested at a time: a word with
 * no high bit set and no zero byte is plain ASCII text (the zero-byte test is the
 * classic (v - 0x01..) & ~v & 0x80.. trick from Bit Twiddling Hacks, "Determine if
 * a word has a zero byte"). Other bytes follow Table 3-7 of the Unicode Standard
 * (well-formed UTF-8 byte sequences), which is also RFC 3629 section 4. */
#include "reader_utf8.h"

#include <stdint.h>
#include <string.h>

#define ONES  0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* @return the length of the well-formed sequence at s (n bytes left), or 0. */
static size_t sequence_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c < 0x80) return c ? 1 : 0;
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte (Table 3-7) */
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c == 0xE0) {
        len = 3;
        lo = 0xA0;
    } else if (c >= 0xE1 && c <= 0xEC)
        len = 3;
    else if (c == 0xED) {
        len = 3;
        hi = 0x9F;
    } /* no surrogates */
    else if (c >= 0xEE && c <= 0xEF)
        len = 3;
    else if (c == 0xF0) {
        len = 4;
        lo = 0x90;
    } else if (c >= 0xF1 && c <= 0xF3)
        len = 4;
    else if (c == 0xF4) {
        len = 4;
        hi = 0x8F;
    } /* nothing above U+10FFFF */
    else
        return 0;
    if (n < len || s[1] < lo || s[1] > hi) return 0;
    for (size_t k = 2; k < len; k++)
        if (s[k] < 0x80 || s[k] > 0xBF) return 0;
    return len;
}

/* @return non-zero when the 8 bytes at p hold a high bit or a zero byte. */
static inline uint64_t not_plain(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return (v | ((v - ONES) & ~v)) & HIGHS;
}

size_t wl_utf8_check(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    /* 32 bytes a step while the text is plain ASCII: four words, one branch */
    while (i + 32 <= n &&
           (not_plain(s + i) | not_plain(s + i + 8) | not_plain(s + i + 16) | not_plain(s + i + 24)) == 0)
        i += 32;
    while (i < n) {
        if (i + 8 <= n) {
            uint64_t v;
            memcpy(&v, s + i, 8);
            if (((v | ((v - ONES) & ~v)) & HIGHS) == 0) {
                i += 8;
                continue;
            }
        }
        size_t len = sequence_len(s + i, n - i);
        if (len == 0) return i;
        i += len;
    }
    return n;
}

size_t wl_utf8_cut(const char *s, size_t n, size_t max)
{
    if (n <= max) return n;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--; /* 10xxxxxx: continuation */
    return max;
}
