/*
 * date_words.c -- the words of written dates: month names in the languages of the
 * region (CLDR), approximation and era markers, range connectors and the
 * day/month/year markers of Vietnamese and CJK dates. Loaded once from
 * datasets/tables/months.tsv into a read-only hash map (pthread_once), so that
 * wl_date_parse never allocates.
 */
#include <pthread.h>
#include <string.h>

#include "normalise/date.h"
#include "common/digits.h"
#include "common/tables.h"

enum { MAP_SLOTS = 2048, MAP_POOL = 32768, WORD_MAX = 64 };

static wl_wordmap_slot g_slots[MAP_SLOTS];
static char g_pool[MAP_POOL];
static wl_wordmap g_map;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static const struct { const char *name; int kind; } KINDS[] = {
    { "month", WL_DW_MONTH }, { "approx", WL_DW_APPROX }, { "be", WL_DW_BE },
    { "ce", WL_DW_CE },       { "range", WL_DW_RANGE },   { "between", WL_DW_BETWEEN },
    { "dmark", WL_DW_DMARK }, { "mmark", WL_DW_MMARK },   { "ymark", WL_DW_YMARK },
    { "dsuf", WL_DW_DSUF },   { "msuf", WL_DW_MSUF },     { "ysuf", WL_DW_YSUF },
    { "ord", WL_DW_ORD },     { "ignore", WL_DW_IGNORE }, { "zero", WL_DW_ZERO },
    { "decade", WL_DW_DECADE }, { "ah", WL_DW_AH },         { "sh", WL_DW_SH },
    { "ahmonth", WL_DW_AHMONTH }, { "shmonth", WL_DW_SHMONTH }, { "era", WL_DW_ERA },
};

static int kind_of(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof KINDS / sizeof KINDS[0]; i++)
        if (strlen(KINDS[i].name) == n && memcmp(KINDS[i].name, s, n) == 0) return KINDS[i].kind;
    return 0;
}

/* Folds a table word the way the tokenizer folds input: wl_fold_key drops the dots
 * of "ม.ค." and "B.E." and the hyphen of "kira-kira". */
static void add_word(const char *w, size_t n, int kind, int value)
{
    char key[WORD_MAX];
    int len = wl_fold_key(w, n, key, sizeof key);
    if (len > 0) wl_wordmap_put(&g_map, key, (size_t)len, kind << 8 | value);
}

static void load(void)
{
    wl_wordmap_init(&g_map, g_slots, MAP_SLOTS, g_pool, sizeof g_pool);
    size_t len = 0;
    const char *data = wl_table_get("months", &len);
    wl_table_iter it;
    wl_table_iter_init(&it, data, len);
    const char *f[32];
    size_t fl[32];
    int nf;
    while ((nf = wl_table_next(&it, f, fl, 32)) > 0) {
        int kind = kind_of(f[0], fl[0]);
        if (!kind || nf < 4) continue;
        int value = 0;
        for (size_t i = 0; i < fl[1] && f[1][i] >= '0' && f[1][i] <= '9'; i++)
            value = value * 10 + (f[1][i] - '0');
        for (int k = 3; k < nf; k++) add_word(f[k], fl[k], kind, value & 0xFF);
    }
}

int wl_date_word(const char *folded, size_t len, int *value)
{
    pthread_once(&g_once, load);
    int32_t v;
    if (!wl_wordmap_get(&g_map, folded, len, &v)) return 0;
    *value = v & 0xFF;
    return v >> 8;
}
