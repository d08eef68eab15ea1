/*
 * name_fold.c -- any text to lowercase Latin ASCII.
 *
 * Plain ASCII (most list values) is lowercased in place of a copy: no
 * allocation, no Unicode library. Other text is
 *   1. made valid UTF-8 (an invalid byte becomes a blank, never an error),
 *   2. NFKC-normalised and case-folded by utf8proc (UAX #15, Unicode 5.18 case
 *      folding), which also turns full-width and compatibility forms into ASCII,
 *   3. cut into runs: Latin letters lose their marks (utf8proc STRIPMARK, and a
 *      short table for the letters with no decomposition: đ ø ł ß æ...), Thai and
 *      Lao go to our RTGS transcriber (name_thai.c), every other script to ICU
 *      (name_translit.c).
 * Marks are stripped per run, not up front: Thai, Lao and Indic vowel signs are
 * combining marks, and stripping them first would lose the vowels.
 * Non-ASCII results are remembered in a small per-context cache: lists repeat
 * the same names, and transliteration is the slow part.
 */
#include <stdlib.h>
#include <string.h>
#include <unicode/uscript.h>
#include <utf8proc.h>

#include "common/common.h"
#include "normalise/name.h"

enum { CACHE_SLOTS = 1024, CACHE_IN = 96, CACHE_OUT = 160 };

typedef struct {
    uint64_t h;
    uint16_t in_len, out_len;
    uint8_t used, family_first, transcribed, has_alternative, script;
    char in[CACHE_IN];
    char out[CACHE_OUT];
} cache_slot;

struct wl_foldcache {
    cache_slot slot[CACHE_SLOTS];
};

wl_foldcache *wl_foldcache_new(void) { return calloc(1, sizeof(wl_foldcache)); }

/* ---- output: an ASCII buffer that never overflows ---- */

typedef struct {
    char *p;
    size_t n, cap; /* cap counts the NUL */
} fold_out;

static void out_byte(fold_out *o, char c)
{
    if (o->n + 1 < o->cap) o->p[o->n++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static void out_str(fold_out *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x80) out_byte(o, s[i]); /* what no rule could map is dropped */
}

/* ---- step 1: valid UTF-8 ---- */

static size_t make_valid(const char *s, size_t n, char *dst)
{
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t len = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (len <= 0 || cp < 0x20 || cp == 0x7f) { /* invalid byte or control: a blank */
            dst[k++] = ' ';
            i += len > 0 ? (size_t)len : 1;
            continue;
        }
        memcpy(dst + k, s + i, (size_t)len);
        k += (size_t)len;
        i += (size_t)len;
    }
    return k;
}

/* ---- step 2: NFKC + case folding ---- */

static size_t nfkc_casefold(wl_namectx *ctx, size_t n)
{
    const utf8proc_option_t opt = UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_STABLE;
    utf8proc_ssize_t len = utf8proc_decompose((const utf8proc_uint8_t *)ctx->valid, (utf8proc_ssize_t)n,
                                              ctx->cps, WL_NAME_CP_MAX, opt);
    if (len < 0 || len > WL_NAME_CP_MAX) return 0;
    len = utf8proc_normalize_utf32(ctx->cps, len, opt);
    return len < 0 ? 0 : (size_t)len;
}

/* ---- step 3: runs ---- */

/* Latin letters with no canonical decomposition to a base letter. */
static const char *latin_extra(int32_t cp)
{
    switch (cp) {
    case 0xdf: return "ss";   /* ß */
    case 0xe6: return "ae";   /* æ */
    case 0xf0: return "d";    /* ð */
    case 0xf8: return "o";    /* ø */
    case 0xfe: return "th";   /* þ */
    case 0x111: return "d";   /* đ, Vietnamese */
    case 0x127: return "h";   /* ħ */
    case 0x131: return "i";   /* dotless ı */
    case 0x142: return "l";   /* ł */
    case 0x153: return "oe";  /* œ */
    case 0x167: return "t";   /* ŧ */
    case 0x180: return "b";   /* ƀ */
    case 0x1b4: return "y";   /* ƴ */
    case 0x2bc: case 0x2bf: case 0x2be: case 0x2019: return "'"; /* ʼ ʿ ʾ ’ */
    default: return NULL;
    }
}

static int is_mark(int32_t cp)
{
    utf8proc_category_t c = utf8proc_category(cp);
    return c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_MC || c == UTF8PROC_CATEGORY_ME || cp == 0x200c
        || cp == 0x200d;
}

static int is_thai_lao(int32_t cp) { return cp >= 0x0e00 && cp <= 0x0eff; }

static int is_latin(int32_t cp)
{
    UErrorCode e = U_ZERO_ERROR;
    return uscript_getScript(cp, &e) == USCRIPT_LATIN || latin_extra(cp) != NULL;
}

/* A Latin letter without its marks. @return 0 when nothing ASCII came out. */
static int latin_fold(fold_out *o, int32_t cp)
{
    const char *x = latin_extra(cp);
    if (x) {
        out_str(o, x, strlen(x));
        return 1;
    }
    utf8proc_int32_t d[8];
    int bc = 0;
    utf8proc_ssize_t k = utf8proc_decompose_char(cp, d, 8, UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK, &bc);
    if (k <= 0 || k > 8) return 0;
    int any = 0;
    for (utf8proc_ssize_t i = 0; i < k; i++)
        if (d[i] < 0x80) out_byte(o, (char)d[i]), any = 1;
    return any;
}

/* Marks continue the run before them; everything else starts a new one. */
static size_t run_end(const int32_t *cp, size_t i, size_t n, int thai)
{
    size_t j = i + 1;
    while (j < n && cp[j] >= 0x80 && !is_latin(cp[j]) && (is_thai_lao(cp[j]) == thai || is_mark(cp[j]))) j++;
    return j;
}

/* The ICU script of a non-Latin code point: asked once per run. */
static UScriptCode script_code(int32_t cp)
{
    UErrorCode e = U_ZERO_ERROR;
    return uscript_getScript(cp, &e);
}

/* The wl_script of a run's script (Thai and Lao included, as OTHER). */
static int script_of(UScriptCode sc)
{
    switch (sc) {
    case USCRIPT_CYRILLIC: return WL_SCRIPT_CYRILLIC;
    case USCRIPT_ARABIC:   return WL_SCRIPT_ARABIC;
    case USCRIPT_HEBREW:   return WL_SCRIPT_HEBREW;
    case USCRIPT_HANGUL:   return WL_SCRIPT_HANGUL;
    case USCRIPT_HIRAGANA: case USCRIPT_KATAKANA: return WL_SCRIPT_KANA;
    case USCRIPT_HAN:      return WL_SCRIPT_HAN;
    default:               return WL_SCRIPT_OTHER;
    }
}

/*
 * Scripts whose transcriptions of foreign names keep the consonants and the
 * syllables but not the vowels: abjads write no short vowels (Arabic, Hebrew),
 * and Hangul, kana, Han and the Brahmic scripts of South-East Asia fit a name
 * to their own syllables (epenthetic vowels, f -> p, r -> l). Parts read from
 * them may meet their Latin spelling by sound spelling (name_skeleton.c).
 * Cyrillic, Greek and Armenian are alphabets that write a foreign name's vowels,
 * and their romanisations are compared as spelled.
 */
static int transcribing_script(UScriptCode sc)
{
    switch (sc) {
    case USCRIPT_ARABIC: case USCRIPT_HEBREW: case USCRIPT_HANGUL: case USCRIPT_HIRAGANA:
    case USCRIPT_KATAKANA: case USCRIPT_HAN: case USCRIPT_THAI: case USCRIPT_LAO:
    case USCRIPT_MYANMAR: case USCRIPT_KHMER: case USCRIPT_SYRIAC: case USCRIPT_THAANA:
        return 1;
    default:
        return 0;
    }
}

static void fold_runs(wl_namectx *ctx, const int32_t *cp, size_t n, fold_out *o)
{
    for (size_t i = 0; i < n;) {
        if (cp[i] < 0x80) {
            out_byte(o, (char)cp[i++]);
            continue;
        }
        if (is_mark(cp[i])) { /* a stray mark: Latin marks are stripped, others have no base */
            i++;
            continue;
        }
        if (is_latin(cp[i]) && latin_fold(o, cp[i])) {
            i++;
            continue;
        }
        int thai = is_thai_lao(cp[i]);
        size_t j = run_end(cp, i, n, thai);
        if (!ctx->transcribed || !ctx->script) {
            UScriptCode sc = script_code(cp[i]);
            if (transcribing_script(sc)) ctx->transcribed = 1;
            if (!ctx->script) ctx->script = script_of(sc);
        }
        char *dst = o->p + o->n;
        size_t room = o->cap - o->n;
        size_t k;
        if (!thai) k = wl_translit_run(ctx, cp + i, j - i, dst, room);
        else if (ctx->read_foreign) k = wl_thai_letters(cp + i, j - i, dst, room); /* the passport spelling */
        else k = wl_thai_romanise(cp + i, j - i, dst, room), ctx->has_alternative = 1;
        for (size_t q = 0; q < k; q++) dst[q] = (dst[q] >= 'A' && dst[q] <= 'Z') ? (char)(dst[q] + 32) : dst[q];
        o->n += k;
        i = j;
    }
}

static size_t fold_unicode(wl_namectx *ctx, const char *s, size_t n, char *out, size_t cap)
{
    fold_out o = { out, 0, cap };
    size_t v = make_valid(s, n, ctx->valid);
    size_t ncp = nfkc_casefold(ctx, v);
    ctx->cyrillic = wl_cyrillic_language(ctx->cps, ncp);
    fold_runs(ctx, ctx->cps, ncp, &o);
    out[o.n] = 0;
    return o.n;
}

/* ---- the cache of recent non-ASCII values ---- */

static cache_slot *cache_find(wl_namectx *ctx, const char *s, size_t n, uint64_t h)
{
    cache_slot *c = &ctx->cache->slot[h & (CACHE_SLOTS - 1)];
    return c->used && c->h == h && c->in_len == n && memcmp(c->in, s, n) == 0 ? c : NULL;
}

static void cache_put(wl_namectx *ctx, const char *s, size_t n, uint64_t h, const char *out, size_t k)
{
    if (n > CACHE_IN || k > CACHE_OUT) return;
    cache_slot *c = &ctx->cache->slot[h & (CACHE_SLOTS - 1)];
    c->used = 1;
    c->h = h;
    c->in_len = (uint16_t)n;
    c->out_len = (uint16_t)k;
    c->family_first = (uint8_t)ctx->family_first;
    c->transcribed = (uint8_t)ctx->transcribed;
    c->script = (uint8_t)ctx->script;
    c->has_alternative = (uint8_t)ctx->has_alternative;
    memcpy(c->in, s, n);
    memcpy(c->out, out, k);
}

/* ---- entry points ---- */

static size_t fold_ascii(const char *s, size_t n, char *out, size_t cap)
{
    size_t k = WL_MIN(n, cap - 1);
    for (size_t i = 0; i < k; i++) {
        char c = s[i];
        out[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    out[k] = 0;
    return k;
}

static int all_ascii(const char *s, size_t n)
{
    unsigned char acc = 0;
    for (size_t i = 0; i < n; i++) acc |= (unsigned char)s[i];
    return acc < 0x80;
}

/* Cuts at most WL_NAME_IN_MAX bytes, backing off to a character boundary. */
static size_t clip_input(const char *s, size_t n)
{
    if (n <= WL_NAME_IN_MAX) return n;
    n = WL_NAME_IN_MAX;
    while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80) n--;
    return n;
}

size_t wl_name_fold(wl_namectx *ctx, const char *s, size_t n, char *out, size_t cap)
{
    if (!out || cap == 0) return 0;
    out[0] = 0;
    ctx->family_first = 0;
    ctx->transcribed = 0;
    ctx->script = WL_SCRIPT_LATIN;
    ctx->has_alternative = 0;
    if (!s) return 0;
    n = clip_input(s, n);
    if (WL_LIKELY(all_ascii(s, n))) return fold_ascii(s, n, out, cap);
    if (ctx->read_foreign) return fold_unicode(ctx, s, n, out, cap); /* another reading: not cached */
    uint64_t h = wl_hash(s, n);
    const cache_slot *c = cache_find(ctx, s, n, h);
    if (c && c->out_len < cap) {
        memcpy(out, c->out, c->out_len);
        out[c->out_len] = 0;
        ctx->family_first = c->family_first;
        ctx->transcribed = c->transcribed;
        ctx->script = c->script;
        ctx->has_alternative = c->has_alternative;
        return c->out_len;
    }
    size_t k = fold_unicode(ctx, s, n, out, cap);
    cache_put(ctx, s, n, h, out, k);
    return k;
}

size_t wl_text_fold(wl_namectx *ctx, const char *s, size_t n, char *out, size_t cap)
{
    if (!ctx) return 0;
    return wl_name_fold(ctx, s, n, out, cap);
}
