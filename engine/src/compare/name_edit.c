/*
 * name_edit.c -- learned edit costs between a Latin spelling and a reading from
 * another script.
 *
 * A name through Cyrillic, Arabic, Hangul or kana and back changes in ways its
 * script dictates: w becomes v and j becomes y through Cyrillic (ottawa /
 * ottava, jacobi / yakobi), l becomes r through kana, Hangul adds vowels. To
 * Jaro-Winkler every such change is an error, so a true pair and a stranger
 * land in the same band. A weighted edit distance whose costs were learned
 * from true pairs (Ristad & Yianilos, "Learning string-edit distance", IEEE
 * PAMI 20(5), 1998, in its hard-EM form; scripts/learn_edit_costs.py) makes
 * the changes a script makes cheap and the others dear: on held-in validation
 * rows of each script, thresholding the cost per letter alone scored a
 * names-only F1 of 0.69 (Han) to 0.92 (Cyrillic), against 0.58 to 0.81 for the
 * levels built on Jaro-Winkler and phonetic codes.
 *
 * The cost is the Levenshtein recurrence (Wagner & Fischer 1974) with the
 * learned price of each substitution, deletion of a Latin letter and insertion
 * of a reading's letter; equal letters cost nothing. Letters outside a-z share
 * one symbol.
 *
 * Letter by letter, a transcription that rewrites a group of letters pays for
 * each: Hangul reads cook as kuk, apple as aepl, schwarzer as syuwocheo (oo ->
 * u, pp -> p, sch -> sy, er -> eo), and such true pairs fell below the
 * threshold (about 100 of the 268 Korean misses on the validation lists). So
 * the recurrence also has chunk operations, as in Brill & Moore's error model
 * ("An improved error model for noisy channel spelling correction", ACL
 * 2000): a Latin chunk of 1-3 letters read as a chunk of 0-2 letters at once,
 * at its own learned price (-log2 of the share of the Latin chunk's
 * occurrences read that way; hard EM over the letter costs, which stay as
 * they were). They only add cheaper paths. A table holds at most 12 per first
 * Latin letter, and a row of the DP looks only at those whose Latin side ends
 * there. With them, and thresholds moved only as far as keeps the validation
 * strangers let through what they were, F1 on the validation lists rose:
 * Cyrillic 0.943 -> 0.955, Arabic 0.917 -> 0.932, Hebrew 0.912 -> 0.925,
 * Hangul 0.781 -> 0.811, kana 0.872 -> 0.907, Han 0.761 -> 0.792. The pooled
 * table has none (its scripts share no chunks with the six). Each table also holds its threshold: the cost per letter
 * (cost / (la + lb)) with the best F1 on validation pairs, mapped here to the
 * similarity WL_NAME_EDIT_AGREE, so one similarity scale serves every script.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "common/tables.h"
#include "normalise/name.h"
#include "compare/name_edit.h"

enum { SYMS = 28 }; /* 0: no letter; 1..26: a..z; 27: any other byte */

/*
 * The tables' thresholds are each the best single-part F1 on validation pairs.
 * A name agrees in all its parts only when every part passes, so the best
 * threshold for whole names lies higher: on the 1,000-pair validation lists of
 * each script (names only, default options), the engine's F1 rose with the
 * threshold up to 1.3-1.5 times the table's, and beyond that the names-only
 * fit gave up on all_parts (Korean and Chinese at 1.5 times: recall 0.53 and
 * 0.10). 1.2 keeps a margin below that edge and a missed suspect is the dearer
 * error. F1 with this and the names-only u of model_fit.c (without which Han
 * already gave up at 1.2) against neither: Cyrillic 0.935 -> 0.943, Arabic
 * 0.911 -> 0.919, Hebrew 0.895 -> 0.910, Hangul 0.774 -> 0.783, kana 0.850 ->
 * 0.870, Han 0.746 -> 0.760 (bench/RESULTS.md, "Cross-script names, fifth pass").
 * Not for the pooled table ("other": Thai, Khmer, Burmese, Devanagari...),
 * whose threshold is the median of the six scripts' and which no validation
 * list of its own tuned: with the slack there the generated 10^6-record lists
 * (Thai, Khmer and Burmese names in their scripts among 8 countries' lists)
 * lost 0.022 of precision (F1 0.7934 -> 0.7830).
 */
#define AGREE_SLACK 1.2f

/* Chunk operations per first Latin letter: the tables hold at most 12
 * (scripts/learn_edit_costs.py, CHUNK_PER_LETTER); rows beyond this are dropped. */
enum { WL_CHUNKS = 16 };

/* One chunk operation: Latin a[0..la) read as b[0..lb) at once. */
typedef struct {
    char a[3], b[2];
    unsigned char la, lb;
    float cost;
    uint32_t akey;          /* a[0..la) and la packed (chunk_key): one compare finds a row's chunks */
    unsigned char bs0, bs1; /* sym_of of b[0], b[1] (0: none): the columns a chunk reaches */
} edit_chunk;

typedef struct {
    float cost[SYMS][SYMS]; /* [Latin symbol][reading symbol]; [0][y] inserts y, [x][0] deletes x;
                               [x][x] (x > 0) is 0: equal letters cost nothing (load) */
    float threshold;        /* cost per letter at WL_NAME_EDIT_AGREE; 0: no table */
    edit_chunk chunk[26][WL_CHUNKS]; /* by first Latin letter */
    unsigned char nchunk[26];
} edit_table;

static edit_table g_edit[WL_SCRIPT_COUNT];
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static int sym_of(unsigned char c)
{
    return c >= 'a' && c <= 'z' ? c - 'a' + 1 : 27;
}

/* Bytes s[0..n) (n <= 3) and n in one word: a chunk's Latin side against
 * the letters that end at a row of the DP, without a memcmp call. */
static uint32_t chunk_key(const char *s, size_t n)
{
    uint32_t k = (uint32_t)n << 24;
    for (size_t m = 0; m < n; m++) k |= (uint32_t)(unsigned char)s[m] << (8 * m);
    return k;
}

static int table_sym(const char *f, size_t n)
{
    if (n != 1) return -1;
    if (f[0] == '-') return 0;
    if (f[0] == '?') return 27;
    return f[0] >= 'a' && f[0] <= 'z' ? f[0] - 'a' + 1 : -1;
}

static int az(const char *f, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (f[k] < 'a' || f[k] > 'z') return 0;
    return 1;
}

/* A row "Latin chunk, reading chunk, cost" with 2-3 Latin letters or 2 reading
 * letters ('-': none); 1 when it was one. */
static int load_chunk(edit_table *t, const char *a, size_t la, const char *b, size_t lb, float x)
{
    if (lb == 1 && b[0] == '-') lb = 0;
    if (la < 1 || la > 3 || lb > 2 || (la == 1 && lb < 2)) return 0;
    if (!az(a, la) || !az(b, lb) || !(x >= 0.0f) || x > 64.0f) return 1;
    int c = a[0] - 'a';
    if (t->nchunk[c] >= WL_CHUNKS) return 1;
    edit_chunk *k = &t->chunk[c][t->nchunk[c]++];
    memcpy(k->a, a, la);
    memcpy(k->b, b, lb);
    k->la = (unsigned char)la;
    k->lb = (unsigned char)lb;
    k->cost = x;
    k->akey = chunk_key(a, la);
    k->bs0 = (unsigned char)(lb > 0 ? sym_of((unsigned char)b[0]) : 0);
    k->bs1 = (unsigned char)(lb > 1 ? sym_of((unsigned char)b[1]) : 0);
    return 1;
}

static void load_one(edit_table *t, const char *name)
{
    size_t tl, fl[3];
    const char *f[3];
    const char *data = wl_table_get(name, &tl);
    if (!data) return;
    wl_table_iter it;
    wl_table_iter_init(&it, data, tl);
    int nf;
    while ((nf = wl_table_next(&it, f, fl, 3)) > 0) {
        char num[32];
        const char *v = nf == 2 ? f[1] : f[2];
        size_t vl = nf == 2 ? fl[1] : fl[2];
        if (nf < 2 || vl == 0 || vl >= sizeof num) continue;
        memcpy(num, v, vl);
        num[vl] = 0;
        float x = strtof(num, NULL);
        if (nf == 2 && fl[0] == 9 && !memcmp(f[0], "threshold", 9)) {
            t->threshold = x > 0.0f ? x * AGREE_SLACK : 0.0f;
            continue;
        }
        if (nf == 3 && load_chunk(t, f[0], fl[0], f[1], fl[1], x)) continue;
        int a = table_sym(f[0], fl[0]), b = nf == 3 ? table_sym(f[1], fl[1]) : -1;
        if (a < 0 || b < 0 || (a == 0 && b == 0) || !(x >= 0.0f) || x > 64.0f) continue;
        t->cost[a][b] = x;
    }
}

static void load(void)
{
    static const char *const names[WL_SCRIPT_COUNT] = {
        [WL_SCRIPT_CYRILLIC] = "name_edit_cyrillic", [WL_SCRIPT_ARABIC] = "name_edit_arabic",
        [WL_SCRIPT_HEBREW] = "name_edit_hebrew",     [WL_SCRIPT_HANGUL] = "name_edit_hangul",
        [WL_SCRIPT_KANA] = "name_edit_kana",         [WL_SCRIPT_HAN] = "name_edit_han",
        [WL_SCRIPT_OTHER] = "name_edit_other",
    };
    for (int s = 1; s < WL_SCRIPT_COUNT; s++) {
        load_one(&g_edit[s], names[s]);
        /* Equal letters cost nothing, whatever a table says of them (two
         * bytes outside a-z share symbol 27 and count as equal): with the
         * diagonal 0 the DP adds cost[x][y] without asking x == y. */
        for (int x = 1; x < SYMS; x++) g_edit[s].cost[x][x] = 0.0f;
    }
    g_edit[WL_SCRIPT_OTHER].threshold /= AGREE_SLACK; /* no slack for the pooled table: see AGREE_SLACK */
}

static const edit_table *table_for(int script)
{
    if (script <= WL_SCRIPT_LATIN || script >= WL_SCRIPT_COUNT) return NULL;
    pthread_once(&g_once, load);
    const edit_table *t = &g_edit[script];
    return t->threshold > 0.0f ? t : NULL;
}

static double edit_cost_ref(const edit_table *t, const char *a, size_t la, const char *b, size_t lb)
{
    /* The recurrence as written: the reference edit_cost is checked against. */
    /* Chunk operations reach back up to 3 rows and 2 columns: the whole matrix. */
    float d[WL_NAME_EDIT_MAX + 1][WL_NAME_EDIT_MAX + 1];
    int sb[WL_NAME_EDIT_MAX];
    for (size_t j = 0; j < lb; j++) sb[j] = sym_of((unsigned char)b[j]);
    d[0][0] = 0.0f;
    for (size_t j = 1; j <= lb; j++) d[0][j] = d[0][j - 1] + t->cost[0][sb[j - 1]];
    for (size_t i = 1; i <= la; i++) {
        int x = sym_of((unsigned char)a[i - 1]);
        const float *cx = t->cost[x];
        /* The chunk operations whose Latin side ends here. */
        const edit_chunk *here[3 * WL_CHUNKS];
        int nh = 0;
        for (size_t n = 1; n <= 3 && n <= i; n++) {
            const char *s = a + i - n;
            if (*s < 'a' || *s > 'z') continue;
            int c = *s - 'a';
            for (int q = 0; q < t->nchunk[c]; q++) {
                const edit_chunk *k = &t->chunk[c][q];
                if (k->la == n && !memcmp(k->a, s, n)) here[nh++] = k;
            }
        }
        d[i][0] = d[i - 1][0] + cx[0];
        for (int q = 0; q < nh; q++)
            if (here[q]->lb == 0 && d[i - here[q]->la][0] + here[q]->cost < d[i][0])
                d[i][0] = d[i - here[q]->la][0] + here[q]->cost;
        for (size_t j = 1; j <= lb; j++) {
            int y = sb[j - 1];
            float sub = d[i - 1][j - 1] + (x == y ? 0.0f : cx[y]);
            float del = d[i - 1][j] + cx[0];
            float ins = d[i][j - 1] + t->cost[0][y];
            float best = sub < del ? sub : del;
            best = best < ins ? best : ins;
            for (int q = 0; q < nh; q++) {
                const edit_chunk *k = here[q];
                if (k->lb > j || memcmp(k->b, b + j - k->lb, k->lb)) continue;
                float c = d[i - k->la][j - k->lb] + k->cost;
                if (c < best) best = c;
            }
            d[i][j] = best;
        }
    }
    return d[la][lb];
}

/*
 * The chunk operations of row i (Latin side ending at a[i - 1]) into here,
 * each with the columns j (bits) where its reading side ends at b[j - 1]
 * (pos[y]: the columns whose b[j - 1] has symbol y). @return their number;
 * *any is the union of their columns.
 */
static int row_chunks(const edit_table *t, const char *a, size_t i, const uint64_t *pos, uint64_t cols,
                      const edit_chunk **here, uint64_t *at, uint64_t *any)
{
    int nh = 0;
    uint64_t u = 0;
    for (size_t n = 1; n <= 3 && n <= i; n++) {
        const char *s = a + i - n;
        if (*s < 'a' || *s > 'z') continue;
        int c = *s - 'a';
        uint32_t key = chunk_key(s, n);
        for (int q = 0; q < t->nchunk[c]; q++) {
            const edit_chunk *k = &t->chunk[c][q];
            if (k->akey != key) continue;
            /* lb 0: every column; 1: b[j-1] = b0; 2: b[j-2] = b0 and b[j-1] = b1 */
            uint64_t m = k->lb == 0 ? cols : k->lb == 1 ? pos[k->bs0] : (pos[k->bs0] << 1) & pos[k->bs1];
            here[nh] = k;
            at[nh++] = m;
            u |= m;
        }
    }
    *any = u;
    return nh;
}

/*
 * The recurrence of edit_cost_ref with the same minima in each cell, so the
 * same floats: the chunks of a row are found by one packed compare each
 * (chunk_key) rather than a memcmp call, the columns each reaches by symbol
 * bit masks rather than a memcmp per cell, and the substitution reads the
 * table's 0 diagonal rather than testing x == y. On the generated 10^5
 * benchmark (Thai, Khmer and Burmese readings) it was a tenth of a pair's
 * instructions (bench/RESULTS.md, "Compare, second pass").
 */
static double edit_cost(const edit_table *t, const char *a, size_t la, const char *b, size_t lb)
{
    float d[WL_NAME_EDIT_MAX + 1][WL_NAME_EDIT_MAX + 1], ins[WL_NAME_EDIT_MAX + 1];
    int sb[WL_NAME_EDIT_MAX];
    uint64_t pos[SYMS] = { 0 };
    _Static_assert(WL_NAME_EDIT_MAX + 1 < 64, "columns fit a 64-bit mask");
    for (size_t j = 1; j <= lb; j++) {
        sb[j - 1] = sym_of((unsigned char)b[j - 1]);
        pos[sb[j - 1]] |= UINT64_C(1) << j;
        ins[j] = t->cost[0][sb[j - 1]];
    }
    const uint64_t cols = ((UINT64_C(1) << lb) - 1) << 1; /* columns 1..lb */
    d[0][0] = 0.0f;
    for (size_t j = 1; j <= lb; j++) d[0][j] = d[0][j - 1] + ins[j];
    for (size_t i = 1; i <= la; i++) {
        const float *cx = t->cost[sym_of((unsigned char)a[i - 1])];
        const edit_chunk *here[3 * WL_CHUNKS];
        uint64_t at[3 * WL_CHUNKS], any;
        int nh = row_chunks(t, a, i, pos, cols, here, at, &any);
        float *row = d[i];
        const float *up = d[i - 1];
        row[0] = up[0] + cx[0];
        for (int q = 0; q < nh; q++)
            if (here[q]->lb == 0 && d[i - here[q]->la][0] + here[q]->cost < row[0])
                row[0] = d[i - here[q]->la][0] + here[q]->cost;
        const float del_cost = cx[0];
        for (size_t j = 1; j <= lb; j++) {
            float sub = up[j - 1] + cx[sb[j - 1]];
            float del = up[j] + del_cost;
            float in = row[j - 1] + ins[j];
            float best = sub < del ? sub : del;
            best = best < in ? best : in;
            if (WL_UNLIKELY((any >> j) & 1))
                for (int q = 0; q < nh; q++) {
                    if (!((at[q] >> j) & 1)) continue;
                    float c = d[i - here[q]->la][j - here[q]->lb] + here[q]->cost;
                    if (c < best) best = c;
                }
            row[j] = best;
        }
    }
    return d[la][lb];
}

double wl_name_edit_cost(int script, const char *a, size_t la, const char *b, size_t lb)
{
    const edit_table *t = table_for(script);
    if (!t || la == 0 || lb == 0 || la > WL_NAME_EDIT_MAX || lb > WL_NAME_EDIT_MAX) return -1.0;
    return edit_cost(t, a, la, b, lb);
}

double wl_name_edit_cost_ref(int script, const char *a, size_t la, const char *b, size_t lb)
{
    const edit_table *t = table_for(script);
    if (!t || la == 0 || lb == 0 || la > WL_NAME_EDIT_MAX || lb > WL_NAME_EDIT_MAX) return -1.0;
    return edit_cost_ref(t, a, la, b, lb);
}

double wl_name_edit_similarity(int script, const char *a, size_t la, const char *b, size_t lb)
{
    const edit_table *t = table_for(script);
    if (!t || la == 0 || lb == 0 || la > WL_NAME_EDIT_MAX || lb > WL_NAME_EDIT_MAX) return -1.0;
    double per_letter = edit_cost(t, a, la, b, lb) / (double)(la + lb);
    /* Linear in the cost per letter: 1 at no cost, WL_NAME_EDIT_AGREE at the
     * threshold, 0.80 (the fuzzy name level) at 2.5 times it. */
    double s = 1.0 - (1.0 - WL_NAME_EDIT_AGREE) * per_letter / t->threshold;
    return s < 0.0 ? 0.0 : s;
}
