/* reader_utf8.c -- UTF-8 well-formedness check with an ASCII fast path.
 *
 * Watchlists are mostly ASCII, so eight bytes are tested at a time: a word with
 * no high bit set and no zero byte is plain ASCII text (the zero-byte test is the
 * classic (v - 0x01..) & ~v & 0x80.. trick from Bit Twiddling Hacks, "Determine if
 * a word has a zero byte"). Other bytes follow Table 3-7 of the Unicode Standard
 * (well-formed UTF-8 byte sequences), which is also RFC 3629 section 4.
 * With SSE2 (the x86-64 baseline) sixteen bytes are one load, an OR with their
 * compare to zero and a movemask (reader_scan.h): a third of the word test's
 * instructions per byte; the movemask also says where the first byte that is
 * not plain ASCII is, so the ASCII bytes next to a name's accented or
 * non-Latin characters are skipped in one step, not one by one. */
#include "read/reader_utf8.h"

#include "read/reader_scan.h"

#include <stdint.h>
#include <string.h>

#define ONES  0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* @return the length of the well-formed sequence at s (n bytes left), or 0. */
static size_t sequence_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c < 0x80) return c ? 1 : 0;
    if (c < 0xC2 || c > 0xF4) return 0; /* continuation, overlong C0/C1, beyond U+10FFFF */
    /* Table 3-7: the lead byte gives the length and the range of the second byte
     * (E0: no overlong, ED: no surrogates, F0: no overlong, F4: <= U+10FFFF). */
    size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    unsigned char lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
    unsigned char hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
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
#if WL_SCAN_SSE2
    /* 32 bytes a step while the text is plain ASCII: two loads, one branch */
    while (i + 32 <= n && wl_plain16_sse2(s + i) & wl_plain16_sse2(s + i + 16))
        i += 32;
#else
    /* 32 bytes a step while the text is plain ASCII: four words, one branch */
    while (i + 32 <= n &&
           (not_plain(s + i) | not_plain(s + i + 8) | not_plain(s + i + 16) | not_plain(s + i + 24)) == 0)
        i += 32;
#endif
    while (i < n) {
#if WL_SCAN_SSE2
        if (i + 16 <= n) {
            /* the plain bytes before the first other one are skipped at once:
             * after a character of a name, its ASCII neighbours are not
             * taken one by one */
            unsigned m = wl_notplain16_sse2(s + i);
            if (m == 0) {
                i += 16;
                continue;
            }
            i += (size_t)__builtin_ctz(m);
        } else
#endif
        if (i + 8 <= n && not_plain(s + i) == 0) {
            i += 8;
            continue;
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
