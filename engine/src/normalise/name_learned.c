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
 * Each table becomes one array sorted by code point, built once (pthread_once)
 * from the embedded table; a lookup is a binary search.
 */
#include <pthread.h>
#include <stdlib.h>

#include "common/common.h"
#include "common/tables.h"
#include "normalise/name.h"

typedef struct {
    int32_t cp;
    uint8_t len;
    const char *reading; /* into the embedded table: not NUL-terminated */
} learned;

typedef struct {
    learned *e;
    size_t n;
} learned_table;

static learned_table g_tables[3];
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

/* The code point of a UTF-8 character of exactly n bytes, or -1. */
static int32_t utf8_one(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n == 2 && (u[0] & 0xe0) == 0xc0) return ((u[0] & 0x1f) << 6) | (u[1] & 0x3f);
    if (n == 3 && (u[0] & 0xf0) == 0xe0) return ((u[0] & 0x0f) << 12) | ((u[1] & 0x3f) << 6) | (u[2] & 0x3f);
    if (n == 4 && (u[0] & 0xf8) == 0xf0)
        return ((u[0] & 0x07) << 18) | ((u[1] & 0x3f) << 12) | ((u[2] & 0x3f) << 6) | (u[3] & 0x3f);
    return -1;
}

static int by_cp(const void *a, const void *b)
{
    int32_t x = ((const learned *)a)->cp, y = ((const learned *)b)->cp;
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
        int32_t cp = utf8_one(f[0], fl[0]);
        if (cp < 0 || fl[1] == 0 || fl[1] > 8) continue;
        t->e[t->n++] = (learned){ cp, (uint8_t)fl[1], f[1] };
    }
    qsort(t->e, t->n, sizeof *t->e, by_cp);
}

static void load(void)
{
    load_one(&g_tables[WL_LEARNED_HAN], "name_learned_han");
    load_one(&g_tables[WL_LEARNED_CYRILLIC], "name_learned_cyrillic");
    load_one(&g_tables[WL_LEARNED_HANGUL], "name_learned_hangul");
}

const char *wl_learned_letters(wl_learned_script script, int32_t cp, size_t *len)
{
    pthread_once(&g_once, load);
    if ((unsigned)script > WL_LEARNED_HANGUL) return NULL;
    const learned_table *t = &g_tables[script];
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->e[mid].cp < cp) lo = mid + 1;
        else hi = mid;
    }
    if (lo == t->n || t->e[lo].cp != cp) return NULL;
    *len = t->e[lo].len;
    return t->e[lo].reading;
}
