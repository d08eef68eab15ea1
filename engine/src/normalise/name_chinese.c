/*
 * name_chinese.c -- Chinese name syllables across romanisations: one person is
 * Chen Jianjia on a PRC passport, Tan Kian Ka on a Singapore list and Chan Kin Ka
 * in Hong Kong. name_chinese.tsv keys each spelling to its Hanyu Pinyin, and
 * name_pinyin.tsv lists the pinyin syllables; this file reads a word as syllables
 * and picks the reading of a syllable by where it stands in the name.
 *
 * Why readings depend on the place: the same Latin syllable is often a family
 * name in one dialect and a given-name syllable in another (Heng: 王 Wang as a
 * Teochew family name, 兴 Xing as a Hokkien given name; Chee: 徐 Xu and 志 Zhi).
 * Which one applies is decided by name_parse.c, only for names that look Chinese.
 */
#include <string.h>

#include "common/common.h"
#include "normalise/name.h"

enum { HAN_SYL_MIN = 2, HAN_SYL_MAX = 6 }; /* letters of one syllable: "ng" .. "zhuang" */

static int is_syllable(const wl_lexent *e) { return e && (e->flags & (WL_LEX_HAN | WL_LEX_PINYIN)); }

static int is_vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

/* A syllable inside a joined word has a vowel (not "ng": nguyen is not ng-uy-en),
 * and one after the first starts with a consonant: pinyin writes an apostrophe
 * before a syllable starting with a, o or e (Xi'an, Tian'anmen; Hanyu Pinyin
 * orthography rules, GB/T 16159), so "maung" is not ma-ung. */
static int may_join(const char *s, size_t k, int depth)
{
    if (depth > 0 && is_vowel(s[0])) return 0;
    for (size_t i = 0; i < k; i++)
        if (is_vowel(s[i]) || s[i] == 'y') return 1;
    return 0;
}

/* Depth-first cut of s[0..n) into syllables, longer first syllables tried first;
 * at most HAN_SYL_MAX - 1 tries per level and WL_HAN_MAX_SYLLABLES levels, so
 * the work is bounded (5^4 lookups) whatever the input. */
static int cut(const char *s, size_t n, const wl_lexent **seg, int depth)
{
    if (n == 0) return depth;
    if (depth == WL_HAN_MAX_SYLLABLES) return 0;
    for (size_t k = WL_MIN((size_t)HAN_SYL_MAX, n); k >= HAN_SYL_MIN; k--) {
        if (!may_join(s, k, depth)) continue;
        const wl_lexent *e = wl_name_lex_find(s, k);
        if (!is_syllable(e)) continue;
        seg[depth] = e;
        int got = cut(s + k, n - k, seg, depth + 1);
        if (got) return got;
    }
    return 0;
}

int wl_han_segment(const char *s, size_t n, const wl_lexent **seg)
{
    if (n < 2 * HAN_SYL_MIN || n > (size_t)WL_HAN_MAX_SYLLABLES * HAN_SYL_MAX) return 0;
    int got = cut(s, n, seg, 0);
    return got >= 2 ? got : 0;
}

int wl_han_word(const wl_lexent *e, const char *s, size_t n)
{
    const wl_lexent *seg[WL_HAN_MAX_SYLLABLES];
    return is_syllable(e) || wl_han_segment(s, n, seg) > 0;
}

/* As a family name: the family reading, else the given one (金 Kim is a Hokkien
 * given syllable and a family name). As a given syllable: the given reading; a
 * pinyin syllable stands for itself (Chun is 春 there, not the family 陈 of the
 * Korean/Hakka spelling); else the family reading (Lim -> lin). */
const wl_lexent *wl_han_reading(const wl_lexent *e, int family)
{
    if (family) return e->han_family ? e->han_family : e->han_given ? e->han_given : e;
    if (e->han_given) return e->han_given;
    if (e->flags & WL_LEX_PINYIN) return e;
    return e->han_family ? e->han_family : e;
}
