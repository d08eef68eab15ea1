/*
 * digits.c -- Unicode digits, per-character folding and the read-only word map
 * shared by the date, document and country parsers. utf8proc decodes and decomposes
 * (it carries the Unicode tables); ICU gives the value of any decimal digit (Nd).
 */
#include "common/digits.h"

#include <string.h>
#include <unicode/uchar.h>
#include <utf8proc.h>

#include "common/common.h"

size_t wl_utf8_next(const char *s, size_t n, int32_t *cp)
{
    unsigned char c = (unsigned char)s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    utf8proc_int32_t v = -1;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s,
                                          (utf8proc_ssize_t)WL_MIN(n, 4), &v);
    if (k <= 0 || v < 0) {
        *cp = -1;
        return 1;
    }
    *cp = v;
    return (size_t)k;
}

int wl_digit_value(int32_t cp)
{
    if (cp >= '0' && cp <= '9') return cp - '0';
    if (cp < 0x80 || cp > 0x10FFFF) return -1;
    if (utf8proc_category(cp) != UTF8PROC_CATEGORY_ND) return -1;
    return u_charDigitValue(cp); /* every Nd character has a digit value 0..9 */
}

static int is_latin_range(int32_t cp)
{
    /* Latin-1 Supplement, Latin Extended-A/B, IPA, Latin Extended Additional
     * (Vietnamese lives there). */
    return (cp >= 0x80 && cp < 0x250) || (cp >= 0x1E00 && cp < 0x1F00);
}

static int fold_latin(int32_t cp, int32_t out[4])
{
    switch (cp) { /* letters with a stroke have no decomposition */
    case 0x0110: case 0x0111: out[0] = 'd'; return 1; /* Đ đ (Vietnamese) */
    case 0x00D8: case 0x00F8: out[0] = 'o'; return 1; /* Ø ø */
    case 0x0141: case 0x0142: out[0] = 'l'; return 1; /* Ł ł */
    case 0x0131: out[0] = 'i'; return 1;              /* dotless ı (Turkish) */
    case 0x00C6: case 0x00E6: out[0] = 'a'; out[1] = 'e'; return 2;
    default: break;
    }
    utf8proc_int32_t buf[8];
    int last = 0;
    utf8proc_ssize_t k = utf8proc_decompose_char(
        cp, buf, 8, UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK, &last);
    if (k < 0 || k > 4) {
        out[0] = cp;
        return 1;
    }
    for (utf8proc_ssize_t i = 0; i < k; i++) out[i] = buf[i];
    return (int)k;
}

static int is_dash(int32_t cp)
{
    return (cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 || cp == 0xFE58 || cp == 0xFE63;
}

int wl_fold_cp(int32_t cp, int32_t out[4])
{
    if (cp < 0) return 0;
    if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0; /* fullwidth ASCII */
    if (cp < 0x80) {
        out[0] = (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
        return 1;
    }
    int d = wl_digit_value(cp);
    if (d >= 0) {
        out[0] = '0' + d;
        return 1;
    }
    if (is_dash(cp)) { out[0] = '-'; return 1; }
    utf8proc_category_t cat = utf8proc_category(cp);
    if (cat == UTF8PROC_CATEGORY_ZS) { out[0] = ' '; return 1; }
    if (cp >= 0x300 && cp < 0x370) return 0; /* combining accents of decomposed Latin */
    if (is_latin_range(cp)) return fold_latin(cp, out);
    if (cp >= 0x370 && cp < 0x530) { /* Greek, Cyrillic */
        out[0] = utf8proc_tolower(cp);
        return 1;
    }
    out[0] = cp;
    return 1;
}

int wl_is_word_cp(int32_t cp)
{
    if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
    utf8proc_category_t c = utf8proc_category(cp);
    return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_ME);
}

int wl_utf8_put(int32_t cp, char *out, size_t cap, size_t *len)
{
    utf8proc_uint8_t b[4];
    utf8proc_ssize_t k = utf8proc_encode_char(cp, b);
    if (k <= 0) return 0;
    if (*len + (size_t)k > cap) return -1;
    memcpy(out + *len, b, (size_t)k);
    *len += (size_t)k;
    return 0;
}

int wl_fold_key(const char *s, size_t n, char *out, size_t cap)
{
    size_t len = 0;
    for (size_t i = 0; i < n;) {
        int32_t cp, f[4];
        unsigned char b = (unsigned char)s[i];
        if (b < 0x80) { /* ASCII fast path: lower-case letters and digits kept */
            i++;
            if (b >= 'A' && b <= 'Z') b = (unsigned char)(b + 32);
            if (!((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9'))) continue;
            if (len + 1 > cap) return -1;
            out[len++] = (char)b;
            continue;
        }
        i += wl_utf8_next(s + i, n - i, &cp);
        int k = wl_fold_cp(cp, f);
        for (int j = 0; j < k; j++) {
            int keep = (f[j] >= '0' && f[j] <= '9') || wl_is_word_cp(f[j]);
            if (keep && wl_utf8_put(f[j], out, cap, &len) < 0) return -1;
        }
    }
    return (int)len;
}

/* ---- word map ---- */

void wl_wordmap_init(wl_wordmap *m, wl_wordmap_slot *slots, uint32_t nslots, char *pool,
                     size_t pool_cap)
{
    memset(slots, 0, sizeof *slots * nslots);
    m->slots = slots;
    m->mask = nslots - 1;
    m->count = 0;
    m->pool = pool;
    m->pool_used = 0;
    m->pool_cap = pool_cap;
}

/* @return the slot holding key, or the empty slot where it would go. */
static uint32_t probe(const wl_wordmap *m, const char *key, size_t len, uint64_t h)
{
    /* Linear probing; the map is never more than 3/4 full, so the loop ends. */
    for (uint32_t i = (uint32_t)h & m->mask;; i = (i + 1) & m->mask) {
        const wl_wordmap_slot *s = &m->slots[i];
        if (!s->used) return i;
        if (s->hash == h && s->len == len && memcmp(m->pool + s->off, key, len) == 0) return i;
    }
}

int wl_wordmap_put(wl_wordmap *m, const char *key, size_t len, int32_t value)
{
    if (len == 0 || len > UINT16_MAX) return -1;
    uint64_t h = wl_hash(key, len);
    wl_wordmap_slot *s = &m->slots[probe(m, key, len, h)];
    if (s->used) return 0;
    if ((m->count + 1) * 4 > (m->mask + 1) * 3 || m->pool_cap - m->pool_used < len) return -1;
    memcpy(m->pool + m->pool_used, key, len);
    s->hash = h;
    s->off = (uint32_t)m->pool_used;
    s->len = (uint16_t)len;
    s->used = 1;
    s->value = value;
    m->pool_used += len;
    m->count++;
    return 1;
}

int wl_wordmap_get(const wl_wordmap *m, const char *key, size_t len, int32_t *value)
{
    if (!m->slots || len == 0) return 0;
    const wl_wordmap_slot *s = &m->slots[probe(m, key, len, wl_hash(key, len))];
    if (!s->used) return 0;
    *value = s->value;
    return 1;
}
