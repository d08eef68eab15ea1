/*
 * country.c -- nationality and gender words to codes, from datasets/tables/
 * countries.tsv (ISO 3166-1 codes, English, local and CLDR names, demonyms) and
 * genders.tsv. Each table becomes a read-only hash map of folded keys, built once
 * (pthread_once) into static storage: a lookup is one fold and one probe, with no
 * allocation and no lock after the first call.
 */
#include "normalise/country.h"

#include <pthread.h>

#include "common/common.h"
#include "common/digits.h"
#include "common/tables.h"

enum {
    COUNTRY_SLOTS = 8192, COUNTRY_POOL = 1 << 17,
    GENDER_SLOTS = 256, GENDER_POOL = 4096,
    KEY_MAX = 256, FIELDS_MAX = 64
};
/* KEY_MAX holds the longest folded word of the tables (the Burmese name of South
 * Georgia, 149 bytes); at 128 three Thai and Burmese names were dropped while
 * loading and never recognised. test_country.c test_every_table_word_found
 * checks every word of the tables against the sizes above. */

/* Values: the packed alpha-3 code in the low 24 bits, what the key is above.
 * Filler words ("national", "warga negara") are rows with the code "-". */
enum { KEY_NAME = 0, KEY_ALPHA3 = 1, KEY_ALPHA2 = 2, KEY_FILLER = 3 };

static wl_wordmap_slot g_country_slots[COUNTRY_SLOTS];
static char g_country_pool[COUNTRY_POOL];
static wl_wordmap g_countries;
static wl_wordmap_slot g_gender_slots[GENDER_SLOTS];
static char g_gender_pool[GENDER_POOL];
static wl_wordmap g_genders;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void put_key(wl_wordmap *m, const char *s, size_t n, int32_t value)
{
    char key[KEY_MAX];
    int len = wl_fold_key(s, n, key, sizeof key);
    if (len > 0) wl_wordmap_put(m, key, (size_t)len, value);
}

static int is_code(const char *s, size_t n, size_t want)
{
    if (n != want) return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < 'A' || s[i] > 'Z') return 0;
    return 1;
}

static void load_countries(void)
{
    wl_wordmap_init(&g_countries, g_country_slots, COUNTRY_SLOTS, g_country_pool,
                    sizeof g_country_pool);
    size_t len = 0;
    const char *data = wl_table_get("countries", &len);
    wl_table_iter it;
    wl_table_iter_init(&it, data, len);
    const char *f[FIELDS_MAX];
    size_t fl[FIELDS_MAX];
    int nf;
    while ((nf = wl_table_next(&it, f, fl, FIELDS_MAX)) > 0) {
        if (fl[0] == 1 && f[0][0] == '-') {
            for (int k = 2; k < nf; k++) put_key(&g_countries, f[k], fl[k], KEY_FILLER << 24);
            continue;
        }
        if (!is_code(f[0], fl[0], 3)) continue;
        int32_t code = (int32_t)wl_alpha3_pack(f[0]);
        put_key(&g_countries, f[0], 3, code | KEY_ALPHA3 << 24);
        for (int k = 1; k < nf; k++) {
            if (fl[k] == 1 && f[k][0] == '-') continue;
            int kind = (k == 1 && is_code(f[k], fl[k], 2)) ? KEY_ALPHA2 : KEY_NAME;
            put_key(&g_countries, f[k], fl[k], code | kind << 24);
        }
    }
}

static void load_genders(void)
{
    wl_wordmap_init(&g_genders, g_gender_slots, GENDER_SLOTS, g_gender_pool,
                    sizeof g_gender_pool);
    size_t len = 0;
    const char *data = wl_table_get("genders", &len);
    wl_table_iter it;
    wl_table_iter_init(&it, data, len);
    const char *f[FIELDS_MAX];
    size_t fl[FIELDS_MAX];
    int nf;
    while ((nf = wl_table_next(&it, f, fl, FIELDS_MAX)) > 0) {
        if (fl[0] != 1 || (f[0][0] != 'M' && f[0][0] != 'F')) continue;
        for (int k = 2; k < nf; k++) put_key(&g_genders, f[k], fl[k], f[0][0]);
    }
}

static void load(void)
{
    load_countries();
    load_genders();
}

static int lookup(const wl_wordmap *m, const char *s, size_t n, int32_t *v)
{
    if (!s || n == 0 || n > 4 * KEY_MAX) return 0;
    pthread_once(&g_once, load);
    char key[KEY_MAX];
    int len = wl_fold_key(s, n, key, sizeof key);
    return len > 0 && wl_wordmap_get(m, key, (size_t)len, v);
}

static int is_token_break(char c)
{
    return c == ' ' || c == '\t' || c == '/' || c == ',' || c == '(' || c == ')' || c == ':' ||
           c == '[' || c == ']' || c == '"';
}

enum { WORDS_MAX = 16, SPAN_MAX = 5 };

/* Splits s into words at spaces and punctuation. @return the count, or -1. */
static int split_words(const char *s, size_t n, size_t *b, size_t *e)
{
    int k = 0;
    size_t i = 0;
    while (i < n) {
        while (i < n && is_token_break(s[i])) i++;
        if (i == n) break;
        if (k == WORDS_MAX) return -1;
        b[k] = i;
        while (i < n && !is_token_break(s[i])) i++;
        e[k++] = i;
    }
    return k;
}

/* "Indonesian (WNI)", "MALAYSIA / MYS", "Quốc tịch Việt Nam": when the whole value
 * is not a key, it is read word by word, each time taking the longest run of
 * words that is a key ("Viet Nam", "Sri Lanka"). Filler words are skipped; every
 * other run must be a key, and all must name the same country ("Indonesia
 * Malaysia" stays unknown). */
static uint32_t by_words(const char *s, size_t n)
{
    size_t b[WORDS_MAX], e[WORDS_MAX];
    int k = split_words(s, n, b, e);
    uint32_t found = 0;
    for (int i = 0; i < k;) {
        int32_t v = 0;
        int len = WL_MIN(SPAN_MAX, k - i);
        while (len > 0 && !lookup(&g_countries, s + b[i], e[i + len - 1] - b[i], &v)) len--;
        if (len == 0) return 0;
        i += len;
        if ((uint32_t)v >> 24 == KEY_FILLER) continue;
        uint32_t code = (uint32_t)v & 0xFFFFFF;
        if (found && found != code) return 0;
        found = code;
    }
    return found;
}

uint32_t wl_country_code(const char *s, size_t n)
{
    int32_t v;
    if (!s || n == 0) return 0;
    if (!lookup(&g_countries, s, n, &v)) return n <= 4 * KEY_MAX ? by_words(s, n) : 0;
    return (uint32_t)v >> 24 == KEY_FILLER ? 0 : (uint32_t)v & 0xFFFFFF;
}

uint32_t wl_country_from_code(const char *s, size_t n)
{
    if (n != 2 && n != 3) return 0;
    int32_t v;
    if (!lookup(&g_countries, s, n, &v)) return 0;
    int kind = (int)((uint32_t)v >> 24); /* a filler is neither code kind */
    if ((n == 3 && kind != KEY_ALPHA3) || (n == 2 && kind != KEY_ALPHA2)) return 0;
    return (uint32_t)v & 0xFFFFFF;
}

char wl_gender_code(const char *s, size_t n)
{
    int32_t v;
    return lookup(&g_genders, s, n, &v) ? (char)v : 0;
}
