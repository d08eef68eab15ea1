/*
 * name_learned.c -- learned readings of the characters Chinese and Russian use
 * to write foreign names (datasets/tables/name_learned_{han,cyrillic}.tsv, made
 * by scripts/learn_transcriptions.py from Latin / Han and Latin / Cyrillic pairs
 * of Wikidata person names).
 *
 * A transcription fits a foreign name to the script's syllables by convention,
 * and the convention is per character: 斯 writes an s, 特 a t, 罗 ro. Pinyin gives
 * the syllable as Chinese says it (si, te, luo), which is what the Latin spelling
 * of the name is not; the learned letters are what it most often is. On the last
 * 1,000 development rows, the whole reading equals the Latin token for 90
 * Chinese names against 31 with pinyin, and is within Jaro-Winkler 0.9 for 349
 * against 174 (xlit F1 0.45 -> 0.55). The same learning for Hangul lowered
 * Korean F1 (0.584 -> 0.575): the Revised Romanization with our loanword rules
 * and sound spellings already meets most Latin spellings, so Hangul keeps them.
 *
 * Cyrillic writes a Russian name by the romanisation tables (Хабаров khabarov),
 * and a foreign one by how it sounds (Хакудзю for Hakuju, Джемерсон for
 * Jamerson). The learned letters (х h, ж j) are the second reading of a Cyrillic
 * name, an alias: on the development rows, the best of the two readings is
 * within Jaro-Winkler 0.92 of the Latin token for 648 names against 603 with
 * the tables alone, at the same rate of random pairs (1 in 30,000).
 *
 * Japanese katakana gets the same second reading; there a unit is a kana with
 * the small kana, sokuon or long mark after it (キャ, カー), as the tables hold.
 *
 * Each table becomes one array sorted by unit, built once (pthread_once) from
 * the embedded table; a lookup is a binary search.
 */
#include <pthread.h>
#include <stdlib.h>

#include "common/common.h"
#include "common/tables.h"
#include "normalise/name.h"

typedef struct {
    uint64_t key;        /* unit_key of its one or two characters */
    uint8_t len;
    const char *reading; /* into the embedded table: not NUL-terminated */
} learned;

typedef struct {
    learned *e;
    size_t n;
} learned_table;

static learned_table g_tables[6];
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

/* A unit is one character, or a kana with the small kana or mark that
 * modifies it (キャ, カー): two code points of 21 bits side by side. */
static uint64_t unit_key(int32_t a, int32_t b) { return ((uint64_t)(uint32_t)a << 21) | (uint32_t)b; }

/* Decodes the UTF-8 character at s[*i] (n bytes in all). @return it, or -1. */
static int32_t utf8_next(const char *s, size_t n, size_t *i)
{
    const unsigned char *u = (const unsigned char *)s + *i;
    size_t left = n - *i;
    if (left >= 2 && (u[0] & 0xe0) == 0xc0) {
        *i += 2;
        return ((u[0] & 0x1f) << 6) | (u[1] & 0x3f);
    }
    if (left >= 3 && (u[0] & 0xf0) == 0xe0) {
        *i += 3;
        return ((u[0] & 0x0f) << 12) | ((u[1] & 0x3f) << 6) | (u[2] & 0x3f);
    }
    if (left >= 4 && (u[0] & 0xf8) == 0xf0) {
        *i += 4;
        return ((u[0] & 0x07) << 18) | ((u[1] & 0x3f) << 12) | ((u[2] & 0x3f) << 6) | (u[3] & 0x3f);
    }
    return -1;
}

/* The key of a table's first field: one or two characters, else 0. */
static uint64_t field_key(const char *s, size_t n)
{
    size_t i = 0;
    int32_t a = utf8_next(s, n, &i), b = 0;
    if (a <= 0) return 0;
    if (i < n && (b = utf8_next(s, n, &i)) <= 0) return 0;
    return i == n ? unit_key(a, b) : 0;
}

static int by_key(const void *a, const void *b)
{
    uint64_t x = ((const learned *)a)->key, y = ((const learned *)b)->key;
    return (x > y) - (x < y);
}

static void load_one(learned_table *t, const char *name)
{
    size_t tl, fl[2], cap = 0;
    const char *f[2];
    const char *data = wl_table_get(name, &tl);
    wl_table_iter it;
    wl_table_iter_init(&it, data, tl);
    while (wl_table_next(&it, f, fl, 2) == 2) cap++;
    t->e = cap ? malloc(cap * sizeof *t->e) : NULL;
    if (!t->e) return; /* out of memory: no learned readings, the rules still apply */
    wl_table_iter_init(&it, data, tl);
    while (wl_table_next(&it, f, fl, 2) == 2) {
        uint64_t key = field_key(f[0], fl[0]);
        if (!key || fl[1] == 0 || fl[1] > 8) continue;
        t->e[t->n++] = (learned){ key, (uint8_t)fl[1], f[1] };
    }
    qsort(t->e, t->n, sizeof *t->e, by_key);
}

static void load(void)
{
    load_one(&g_tables[WL_LEARNED_HAN], "name_learned_han");
    load_one(&g_tables[WL_LEARNED_CYRILLIC], "name_learned_cyrillic");
    load_one(&g_tables[WL_LEARNED_HANGUL], "name_learned_hangul");
    load_one(&g_tables[WL_LEARNED_KANA], "name_learned_kana");
    load_one(&g_tables[WL_LEARNED_ARABIC], "name_learned_arabic");
    load_one(&g_tables[WL_LEARNED_HEBREW], "name_learned_hebrew");
}

const char *wl_learned_unit(wl_learned_script script, int32_t cp, int32_t next, size_t *len)
{
    pthread_once(&g_once, load);
    if ((unsigned)script > WL_LEARNED_HEBREW || cp <= 0 || next < 0) return NULL;
    const learned_table *t = &g_tables[script];
    uint64_t key = unit_key(cp, next);
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->e[mid].key < key) lo = mid + 1;
        else hi = mid;
    }
    if (lo == t->n || t->e[lo].key != key) return NULL;
    *len = t->e[lo].len;
    return t->e[lo].reading;
}

const char *wl_learned_letters(wl_learned_script script, int32_t cp, size_t *len)
{
    return wl_learned_unit(script, cp, 0, len);
}
