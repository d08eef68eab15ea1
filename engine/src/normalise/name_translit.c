/*
 * name_translit.c -- non-Latin scripts to Latin with ICU transliterators.
 *
 * ICU transliterators are slow to open (they compile rules) and are not
 * thread-safe, so each script's transliterator is opened once per process as a
 * prototype, under a mutex, and each context clones its own on first use
 * (utrans_clone copies the compiled rules). Scripts whose ICU default is far
 * from what the lists print get our own rules, compiled from embedded tables:
 * Arabic/Persian/Jawi, Cyrillic, Hebrew, Khmer, Burmese and Katakana (datasets/tables/name_translit_*.tsv).
 * Han and Hangul are transliterated one syllable at a time, so a personal name
 * (2-4 syllables) can be written family name first, then the given name as the
 * lists write it: joined in pinyin (李小龙 -> "li xiaolong"), one word per syllable
 * for Korean, whose romanisations hyphenate or space them (Kim Jong-un, Kim Jong Un).
 *
 * A transliterator that ICU cannot open (rules it rejects, missing ICU data, no
 * memory) leaves its script's names without a Latin reading for the rest of
 * the process: they then meet only names in the same script. That is never
 * silent: the first failure of each script is written to standard error with
 * ICU's error name, once per process, and wl_translit_failures lists them.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utrans.h>

#include "common/common.h"
#include "normalise/name.h"
#include "common/tables.h"

typedef enum {
    TR_ANY, TR_ARABIC, TR_CYRILLIC, TR_KHMER, TR_MYANMAR, TR_HAN, TR_HANGUL, TR_KANA, TR_HEBREW,
    TR_UKRAINIAN, TR_BELARUSIAN, /* Cyrillic names in those languages (cyrillic_language) */
    TR_INDIC,                    /* Devanagari, Bengali, Gurmukhi, Gujarati (name_indic.c) */
    TR_COUNT
} tr_kind;

/* An ICU id, or the name of an embedded rules table. */
static const struct {
    const char *id;
    const char *rules_table;
} tr_spec[TR_COUNT] = {
    [TR_ANY] = { "Any-Latin; Latin-ASCII", NULL },
    [TR_ARABIC] = { "wl-Arabic-Latin", "name_translit_arabic" },
    [TR_CYRILLIC] = { "wl-Cyrillic-Latin", "name_translit_cyrillic" },
    [TR_KHMER] = { "wl-Khmer-Latin", "name_translit_khmer" },
    [TR_MYANMAR] = { "wl-Myanmar-Latin", "name_translit_burmese" },
    [TR_HAN] = { "Han-Latin/Names; Latin-ASCII", NULL },
    [TR_HANGUL] = { "Hangul-Latin; Latin-ASCII", NULL },
    [TR_KANA] = { "wl-Katakana-Latin", "name_translit_kana" },
    [TR_HEBREW] = { "wl-Hebrew-Latin", "name_translit_hebrew" },
    [TR_UKRAINIAN] = { "wl-Ukrainian-Latin", "name_translit_ukrainian" },
    [TR_BELARUSIAN] = { "wl-Belarusian-Latin", "name_translit_belarusian" },
    [TR_INDIC] = { "wl-Indic-Latin", "name_translit_indic" },
};

enum { CHUNK_CP = 256, UBUF = CHUNK_CP * 2 * 12, RULES_MAX = 32768 };

struct wl_translit {
    UTransliterator *t[TR_COUNT];
    UChar buf[UBUF];
};

static UTransliterator *g_proto[TR_COUNT];
static UErrorCode g_proto_error[TR_COUNT]; /* why kind k failed; U_ZERO_ERROR: it did not */
static pthread_mutex_t g_proto_lock = PTHREAD_MUTEX_INITIALIZER;
/* wl_translit_test_rules: a rules table read as other text, to provoke a failure. */
static const char *g_test_table, *g_test_rules;

void wl_translit_test_rules(const char *table, const char *rules)
{
    pthread_mutex_lock(&g_proto_lock);
    g_test_table = table;
    g_test_rules = rules;
    pthread_mutex_unlock(&g_proto_lock);
}

/* The data lines of a rules table joined by newlines, as UTF-16. */
static int32_t rules_text(const char *table, UChar *dst, int32_t cap)
{
    size_t len, fl[1];
    const char *f[1];
    wl_table_iter it;
    int test = g_test_table && !strcmp(table, g_test_table);
    const char *tdata = test ? g_test_rules : wl_table_get(table, &len);
    if (test) len = strlen(g_test_rules);
    wl_table_iter_init(&it, tdata, len);
    int32_t n = 0;
    while (wl_table_next(&it, f, fl, 1) == 1) {
        UErrorCode e = U_ZERO_ERROR;
        int32_t k = 0;
        u_strFromUTF8(dst + n, cap - n - 1, &k, f[0], (int32_t)fl[0], &e);
        if (U_FAILURE(e) || n + k + 1 >= cap) return -1;
        n += k;
        dst[n++] = '\n';
    }
    return n;
}

/* @return the prototype of kind k, or NULL with the reason in *e. */
static UTransliterator *open_proto(tr_kind k, UErrorCode *e)
{
    UChar id[64];
    u_uastrcpy(id, tr_spec[k].id);
    if (!tr_spec[k].rules_table) return utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, e);
    UChar *rules = malloc(RULES_MAX * sizeof *rules);
    if (!rules) {
        *e = U_MEMORY_ALLOCATION_ERROR;
        return NULL;
    }
    int32_t n = rules_text(tr_spec[k].rules_table, rules, RULES_MAX);
    UParseError pe;
    UTransliterator *t = NULL;
    if (n > 0) t = utrans_openU(id, -1, UTRANS_FORWARD, rules, n, &pe, e);
    else *e = U_INVALID_TABLE_FORMAT; /* no rules, or more than RULES_MAX */
    free(rules);
    if (U_FAILURE(*e) || !t) {
        if (!U_FAILURE(*e)) *e = U_INTERNAL_TRANSLITERATOR_ERROR;
        utrans_close(t);
        return NULL;
    }
    return t;
}

/* Records that kind k is lost for this process; the first time, says so. Under g_proto_lock. */
static void proto_failed(tr_kind k, UErrorCode e)
{
    if (U_FAILURE(g_proto_error[k])) return;
    g_proto_error[k] = e;
    fprintf(stderr,
            "watchlink: warning: ICU cannot open the transliterator %s (%s): names in that script "
            "get no Latin reading in this run\n",
            tr_spec[k].id, u_errorName(e));
}

/* This context's transliterator for kind k, cloned from the prototype. */
static UTransliterator *get_trans(wl_namectx *ctx, tr_kind k)
{
    if (!ctx->tr) {
        ctx->tr = calloc(1, sizeof *ctx->tr);
        if (!ctx->tr) return NULL;
    }
    if (ctx->tr->t[k]) return ctx->tr->t[k];
    pthread_mutex_lock(&g_proto_lock);
    if (!g_proto[k] && !U_FAILURE(g_proto_error[k])) {
        UErrorCode e = U_ZERO_ERROR;
        g_proto[k] = open_proto(k, &e);
        if (!g_proto[k]) proto_failed(k, e);
    }
    if (g_proto[k]) {
        UErrorCode e = U_ZERO_ERROR;
        ctx->tr->t[k] = utrans_clone(g_proto[k], &e);
        if (U_FAILURE(e)) {
            utrans_close(ctx->tr->t[k]);
            ctx->tr->t[k] = NULL;
            proto_failed(k, e);
        }
    }
    pthread_mutex_unlock(&g_proto_lock);
    return ctx->tr->t[k];
}

size_t wl_translit_failures(char *buf, size_t cap)
{
    size_t n = 0, len = 0;
    if (cap) buf[0] = '\0';
    pthread_mutex_lock(&g_proto_lock);
    for (int k = 0; k < TR_COUNT; k++) {
        if (!U_FAILURE(g_proto_error[k])) continue;
        if (cap > len) {
            int w = snprintf(buf + len, cap - len, "%s%s (%s)", n ? "; " : "", tr_spec[k].id,
                             u_errorName(g_proto_error[k]));
            len = w < 0 ? len : WL_MIN(cap - 1, len + (size_t)w);
        }
        n++;
    }
    pthread_mutex_unlock(&g_proto_lock);
    return n;
}

void wl_translit_free(wl_translit *tr)
{
    if (!tr) return;
    for (int k = 0; k < TR_COUNT; k++) utrans_close(tr->t[k]);
    free(tr);
}

/* ---- one run of one script ---- */

/* Transliterates cp[0..n) (n <= CHUNK_CP) with t, appending ASCII to out. */
static size_t trans_chunk(wl_namectx *ctx, UTransliterator *t, const int32_t *cp, size_t n, char *out, size_t cap)
{
    UChar *b = ctx->tr->buf;
    int32_t len = 0;
    for (size_t i = 0; i < n && len < UBUF - 2; i++) U16_APPEND_UNSAFE(b, len, cp[i]);
    int32_t limit = len;
    UErrorCode e = U_ZERO_ERROR;
    utrans_transUChars(t, b, &len, UBUF, 0, &limit, &e);
    if (U_FAILURE(e) || len > UBUF) return 0;
    size_t k = 0;
    for (int32_t i = 0; i < len && k + 1 < cap; i++)
        if (b[i] < 0x80) out[k++] = (char)b[i]; /* what the rules left non-ASCII is dropped */
    return k;
}

static size_t trans_run(wl_namectx *ctx, tr_kind kind, const int32_t *cp, size_t n, char *out, size_t cap)
{
    UTransliterator *t = get_trans(ctx, kind);
    if (!t) return 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i += CHUNK_CP) k += trans_chunk(ctx, t, cp + i, WL_MIN(n - i, (size_t)CHUNK_CP), out + k, cap - k);
    if (kind == TR_MYANMAR && k > 0 && out[k - 1] == ' ') k--; /* the blank after the last syllable */
    return k;
}

/* ---- Han and Hangul names: syllable by syllable ---- */

/* The passport spelling of a Korean family-name syllable, or NULL. */
static const char *korean_surname(int32_t syl, size_t *len)
{
    size_t tl, fl[2];
    const char *f[2];
    char u8[4];
    int n = 0;
    if (syl < 0x10000) {
        u8[0] = (char)(0xe0 | (syl >> 12));
        u8[1] = (char)(0x80 | ((syl >> 6) & 0x3f));
        u8[2] = (char)(0x80 | (syl & 0x3f));
        n = 3;
    }
    wl_table_iter it;
    const char *tdata = wl_table_get("name_korean_surnames", &tl);
    wl_table_iter_init(&it, tdata, tl);
    while (n && wl_table_next(&it, f, fl, 2) == 2) {
        if (fl[0] == (size_t)n && memcmp(f[0], u8, (size_t)n) == 0) {
            *len = fl[1];
            return f[1];
        }
    }
    return NULL;
}

static size_t append(char *out, size_t k, size_t cap, const char *s, size_t n)
{
    for (size_t i = 0; i < n && k + 1 < cap; i++) out[k++] = s[i];
    return k;
}

/* The final consonant of a Hangul syllable as the Revised Romanization of Korean
 * (Ministry of Culture and Tourism, 2000) writes it at the end of a syllable: ICU's
 * Hangul-Latin is the reversible transliteration (박 -> bag), names are romanised
 * (박 -> bak). Indexed by the jongseong number (Unicode 3.12, Hangul syllables). */
static const char *const hangul_final[28] = {
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l",
    "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t",
};

/* One syllable (Han character or Hangul block) as ASCII letters without blanks. */
static size_t syllable(wl_namectx *ctx, tr_kind kind, int32_t cp, char *out, size_t cap)
{
    char tmp[32];
    const char *fin = "";
    if (kind == TR_HANGUL && cp >= 0xac00 && cp <= 0xd7a3) { /* open syllable + romanised final */
        int32_t jong = (cp - 0xac00) % 28;
        fin = hangul_final[jong];
        cp -= jong;
    }
    size_t n = trans_run(ctx, kind, &cp, 1, tmp, sizeof tmp), k = 0;
    for (size_t i = 0; i < n && k + 1 < cap; i++)
        if (tmp[i] != ' ' && tmp[i] != '-' && tmp[i] != '\'') out[k++] = tmp[i];
    return append(out, k, cap, fin, strlen(fin));
}

/* A 2-4 syllable Han or Hangul run is a personal name: family name (one syllable,
 * two for a four-syllable name), a blank, then the given name (one word in pinyin,
 * a word per syllable in Korean). */
/* 1 when cp[0..2) is a Chinese compound family name (name_han_compound.tsv). */
static int han_compound(const int32_t *cp)
{
    char u8[8];
    int n = 0;
    for (int i = 0; i < 2; i++) {
        if (cp[i] < 0x800 || cp[i] > 0xffff) return 0;
        u8[n++] = (char)(0xe0 | (cp[i] >> 12));
        u8[n++] = (char)(0x80 | ((cp[i] >> 6) & 0x3f));
        u8[n++] = (char)(0x80 | (cp[i] & 0x3f));
    }
    size_t tl, fl[1];
    const char *f[1];
    const char *tdata = wl_table_get("name_han_compound", &tl);
    wl_table_iter it;
    wl_table_iter_init(&it, tdata, tl);
    while (wl_table_next(&it, f, fl, 1) == 1)
        if (fl[0] == (size_t)n && memcmp(f[0], u8, (size_t)n) == 0) return 1;
    return 0;
}

static size_t cjk_name(wl_namectx *ctx, tr_kind kind, const int32_t *cp, size_t n, char *out, size_t cap)
{
    size_t fam = n == 4 || (kind == TR_HAN && n == 3 && han_compound(cp)) ? 2 : 1, k = 0, sl = 0;
    const char *sur = kind == TR_HANGUL && fam == 1 ? korean_surname(cp[0], &sl) : NULL;
    for (size_t i = 0; i < n; i++) {
        if (i == fam || (i > fam && kind == TR_HANGUL)) k = append(out, k, cap, " ", 1);
        if (i == 0 && sur) k = append(out, k, cap, sur, sl);
        else k += syllable(ctx, kind, cp[i], out + k, cap - k);
    }
    ctx->family_first = 1;
    return k;
}

static int is_syllable_run(const int32_t *cp, size_t n, tr_kind kind)
{
    UErrorCode e = U_ZERO_ERROR;
    UScriptCode want = kind == TR_HAN ? USCRIPT_HAN : USCRIPT_HANGUL;
    for (size_t i = 0; i < n; i++)
        if (uscript_getScript(cp[i], &e) != want) return 0;
    return n >= 2 && n <= 4;
}

/* ---- transcribed foreign names ---- */

/* A foreign name written in Han characters or Hangul (Waisbren 維斯伯恩, Forest
 * 포레스트) is one word of the source language: romanised syllable by syllable and
 * split into family and given name it can never meet its Latin spelling. Such a
 * name is written as one word, and the syllables that only carry a consonant of
 * the source (Chinese 斯 si for s, Korean 스 seu for s, Japanese ス su for s) give
 * that consonant alone: "weisboen" and "porest" are a few edits from waisbren and
 * forest, "weisiboen" and "po le seu teu" are not. A Han character takes the
 * letters learned from Latin / Han name pairs when name_learned.c has them
 * (維斯伯恩 visberen), else the reading of name_han_transcription.tsv, else its
 * pinyin; a Han run read as a Chinese name gets that reading as an alias too
 * (wl_name_parse_alternative). */

typedef struct {
    int found, strong;
    const char *reading; /* NULL: the character's pinyin */
    size_t len;
} han_tr;

static int utf8_bmp(int32_t cp, char *u8)
{
    if (cp < 0x800 || cp > 0xffff) return 0;
    u8[0] = (char)(0xe0 | (cp >> 12));
    u8[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
    u8[2] = (char)(0x80 | (cp & 0x3f));
    return 3;
}

static han_tr han_transcription(int32_t cp)
{
    han_tr r = { 0, 0, NULL, 0 };
    char u8[4];
    size_t tl, fl[3];
    const char *f[3];
    if (!utf8_bmp(cp, u8)) return r;
    const char *tdata = wl_table_get("name_han_transcription", &tl);
    wl_table_iter it;
    wl_table_iter_init(&it, tdata, tl);
    while (wl_table_next(&it, f, fl, 3) == 3) {
        if (fl[0] != 3 || memcmp(f[0], u8, 3) != 0) continue;
        r.found = 1;
        r.strong = f[1][0] == 's';
        if (!(fl[2] == 1 && f[2][0] == '=')) {
            r.reading = f[2];
            r.len = fl[2];
        }
        break;
    }
    return r;
}

/* A Han run is a transcription when every character is a transcription
 * character, when two or more are ones native names rarely use, or when it is
 * longer than a Chinese name (four characters without a compound family name). */
static int han_foreign(const int32_t *cp, size_t n)
{
    if (n >= 5 || (n == 4 && !han_compound(cp))) return 1;
    size_t all = 0, strong = 0;
    for (size_t i = 0; i < n; i++) {
        han_tr t = han_transcription(cp[i]);
        all += (size_t)t.found;
        strong += (size_t)t.strong;
    }
    return (n >= 2 && all == n) || strong >= 2;
}

static size_t han_loanword(wl_namectx *ctx, const int32_t *cp, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < cap; i++) {
        size_t ll;
        const char *learned = wl_learned_letters(WL_LEARNED_HAN, cp[i], &ll);
        han_tr t = learned ? (han_tr){ 1, 0, learned, ll } : han_transcription(cp[i]);
        if (t.reading) k = append(out, k, cap, t.reading, t.len);
        else k += syllable(ctx, TR_HAN, cp[i], out + k, cap - k);
    }
    return k;
}

/* Hangul syllable blocks: (initial * 21 + vowel) * 28 + final (Unicode 3.12). */
enum { HANGUL_EU = 18, HANGUL_SILENT = 11, HANGUL_FINAL_L = 8 };

/* Initial consonants as loanword transcription uses them before the epenthetic
 * ㅡ: 즈 stands for z and 츠 for ts (Jones 존스, Schwarz 슈바르츠). */
static const char *const hangul_initial_loan[19] = {
    "g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "z", "jj", "ts", "k", "t", "p", "h",
};

/* 1 when syllable cp is a consonant with the epenthetic ㅡ of loanwords (스 트 르
 * 브, and 를 슬 with a final ㄹ): Korean writes a consonant cluster or a final
 * consonant of a foreign word so, and native given names almost never. */
static int hangul_epenthetic(int32_t cp)
{
    if (cp < 0xac00 || cp > 0xd7a3) return 0;
    int32_t s = cp - 0xac00, fin = s % 28, vowel = (s / 28) % 21, ini = s / (28 * 21);
    return vowel == HANGUL_EU && ini != HANGUL_SILENT && (fin == 0 || fin == HANGUL_FINAL_L);
}

/* A Hangul run is a Korean name when it has three syllables, the first a family
 * name, and no epenthetic syllable; else it is a foreign name or a name part
 * (two syllables: a given name or a short full name, both written joined or
 * hyphenated in Latin, Jong-un). */
static int hangul_foreign(const int32_t *cp, size_t n)
{
    size_t sl;
    for (size_t i = 0; i < n; i++)
        if (hangul_epenthetic(cp[i])) return 1;
    return n != 3 || !korean_surname(cp[0], &sl);
}

/* A Hangul run read with the letters learned from foreign names (the other
 * reading, wl_name_parse_alternative): a syllable without them keeps its
 * Revised Romanization. */
static size_t hangul_learned(wl_namectx *ctx, const int32_t *cp, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < cap; i++) {
        size_t ll;
        const char *l = wl_learned_letters(WL_LEARNED_HANGUL, cp[i], &ll);
        if (l) k = append(out, k, cap, l, ll);
        else k += syllable(ctx, TR_HANGUL, cp[i], out + k, cap - k);
    }
    return k;
}

static size_t hangul_loanword(wl_namectx *ctx, const int32_t *cp, size_t n, char *out, size_t cap)
{
    size_t k = 0, sl = 0;
    const char *sur = n == 2 && !hangul_epenthetic(cp[0]) && !hangul_epenthetic(cp[1]) ? korean_surname(cp[0], &sl) : NULL;
    for (size_t i = 0; i < n && k + 1 < cap; i++) {
        if (i == 0 && sur) {
            k = append(out, k, cap, sur, sl);
        } else if (hangul_epenthetic(cp[i])) {
            int32_t s = cp[i] - 0xac00;
            const char *c = hangul_initial_loan[s / (28 * 21)];
            k = append(out, k, cap, c, strlen(c));
            if (s % 28 == HANGUL_FINAL_L) k = append(out, k, cap, "l", 1);
        } else {
            k += syllable(ctx, TR_HANGUL, cp[i], out + k, cap - k);
        }
    }
    return k;
}

/* Katakana writes a foreign consonant cluster or final consonant with the vowel
 * u (o after t and d): ミュンスター myunsuta for Münster. The vowel goes when a
 * consonant or the end of the word follows, as Hepburn output lets us see. */
static int kana_consonant(char c) { return c >= 'a' && c <= 'z' && !strchr("aeiouy", c); }

static size_t kana_epenthesis(char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i], prev = k ? s[k - 1] : 0, next = i + 1 < n ? s[i + 1] : 0;
        int end = next == 0 || next == ' ';
        int after = (c == 'u' && prev && strchr("skgpbfmrz", prev)) || (c == 'o' && (prev == 't' || prev == 'd'));
        if (after && k >= 1 && (end || kana_consonant(next)) && next != 'n' && kana_consonant(prev)) continue;
        if (k && c == prev && strchr("aeiou", c)) continue; /* a long vowel, written once */
        s[k++] = c;
    }
    return k;
}

/* ---- dispatch by script ---- */

static tr_kind kind_of(int32_t cp, tr_kind cur)
{
    UErrorCode e = U_ZERO_ERROR;
    switch (uscript_getScript(cp, &e)) {
    case USCRIPT_ARABIC: return TR_ARABIC;
    case USCRIPT_CYRILLIC: return TR_CYRILLIC;
    case USCRIPT_KHMER: return TR_KHMER;
    case USCRIPT_MYANMAR: return TR_MYANMAR;
    case USCRIPT_HAN: return TR_HAN;
    case USCRIPT_HANGUL: return TR_HANGUL;
    case USCRIPT_KATAKANA: return TR_KANA;
    case USCRIPT_HEBREW: return TR_HEBREW;
    case USCRIPT_DEVANAGARI: case USCRIPT_BENGALI: case USCRIPT_GURMUKHI: case USCRIPT_GUJARATI: return TR_INDIC;
    case USCRIPT_COMMON: case USCRIPT_INHERITED: return cur; /* marks and joiners stay in their run */
    default: return TR_ANY;
    }
}

static int is_cyrillic(tr_kind k) { return k == TR_CYRILLIC || k == TR_UKRAINIAN || k == TR_BELARUSIAN; }

/*
 * The language of a name written in Cyrillic, from the letters only one of them
 * writes, so that each is read the way its own passports and the lists' Latin
 * rows spell it: Галина Данильченко is Halyna Danylchenko in Ukrainian, and
 * read as Russian (Galina Danilchenko) it met neither the EU's Latin row nor its
 * Swedish one (Danyltjenko); Аляксандр Рыгоравіч is Aliaksandr Ryhoravich, not
 * Aliaksandr Rygoravich. Ukrainian writes ї, є and ґ, and і beside и; Belarusian
 * writes ў, and і but never и; Russian writes none of ї є ґ ў і. Of the EU
 * travel-ban list's 1,891 Cyrillic names, 208 read as Ukrainian and 158 as
 * Belarusian by this rule. The whole value decides (name_fold.c asks before
 * its runs, which end at each space), not each word.
 */
int wl_cyrillic_language(const int32_t *cp, size_t n)
{
    int i_dot = 0, i_plain = 0, uk = 0, be = 0;
    for (size_t k = 0; k < n; k++) {
        int32_t c = cp[k];
        if (c == 0x0456 || c == 0x0406) i_dot = 1;                          /* і */
        else if (c == 0x0438 || c == 0x0418) i_plain = 1;                   /* и */
        else if (c == 0x0457 || c == 0x0407 || c == 0x0454 || c == 0x0404 || c == 0x0491 || c == 0x0490)
            uk = 1;                                                         /* ї є ґ */
        else if (c == 0x045e || c == 0x040e) be = 1;                        /* ў */
    }
    if (be) return WL_CYRILLIC_BELARUSIAN;
    if (uk || (i_dot && i_plain)) return WL_CYRILLIC_UKRAINIAN;
    if (i_dot) return WL_CYRILLIC_BELARUSIAN;
    return WL_CYRILLIC_RUSSIAN;
}

/* The dots that separate the words of a foreign name in Chinese and Japanese
 * (迈克尔·杰克逊, マイケル・ジャクソン). */
static int name_separator(int32_t cp)
{
    return cp == 0x00b7 || cp == 0x30fb || cp == 0x2027 || cp == 0x2e31 || cp == 0x318d || cp == 0x3000;
}

/* foreign: the name has a separator dot, which only foreign names carry */
static size_t cjk_run(wl_namectx *ctx, tr_kind kind, const int32_t *cp, size_t n, int foreign, char *out, size_t cap)
{
    if (kind == TR_HAN && (foreign || (n >= 2 && (ctx->read_foreign || han_foreign(cp, n)))))
        return han_loanword(ctx, cp, n, out, cap);
    if (kind == TR_HAN && is_syllable_run(cp, n, kind)) ctx->has_alternative = 1;
    if (kind == TR_HANGUL && ctx->read_foreign) return hangul_learned(ctx, cp, n, out, cap);
    if (kind == TR_HANGUL) ctx->has_alternative = 1;
    if (kind == TR_HANGUL && (foreign || hangul_foreign(cp, n))) return hangul_loanword(ctx, cp, n, out, cap);
    if (is_syllable_run(cp, n, kind)) return cjk_name(ctx, kind, cp, n, out, cap);
    return trans_run(ctx, kind, cp, n, out, cap);
}

/* Small kana, sokuon and the long-vowel mark: they modify the kana before them. */
static int kana_attaches(int32_t c)
{
    return c == 0x30e3 || c == 0x30e5 || c == 0x30e7 || c == 0x30a1 || c == 0x30a3 || c == 0x30a5 || c == 0x30a7
           || c == 0x30a9 || c == 0x30c3 || c == 0x30fc;
}

/* A katakana run read with the learned letters, unit by unit (a kana and the one
 * that modifies it, else the kana alone); a unit the table lacks keeps our
 * rules' reading (with the epenthetic vowel dropped). */
static size_t kana_learned(wl_namectx *ctx, const int32_t *cp, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < cap;) {
        size_t ll, step = 1;
        const char *l = NULL;
        if (i + 1 < n && kana_attaches(cp[i + 1]) && !kana_attaches(cp[i])
            && (l = wl_learned_unit(WL_LEARNED_KANA, cp[i], cp[i + 1], &ll)) != NULL)
            step = 2;
        if (!l) l = wl_learned_letters(WL_LEARNED_KANA, cp[i], &ll);
        if (l) {
            k = append(out, k, cap, l, ll);
        } else {
            size_t m = trans_run(ctx, TR_KANA, cp + i, 1, out + k, cap - k);
            k += kana_epenthesis(out + k, m);
        }
        i += step;
    }
    return k;
}

/* A Cyrillic, Arabic or Hebrew run read as a transcribed foreign name: each
 * letter gives its learned Latin letters (name_learned.c), a letter without
 * them its reading by our rules (ь and й among them). */
static size_t letters_learned(wl_namectx *ctx, tr_kind kind, const int32_t *cp, size_t n, char *out, size_t cap)
{
    wl_learned_script sc = is_cyrillic(kind) ? WL_LEARNED_CYRILLIC
                           : kind == TR_ARABIC ? WL_LEARNED_ARABIC
                                               : WL_LEARNED_HEBREW;
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < cap; i++) {
        size_t ll;
        const char *l = wl_learned_letters(sc, cp[i], &ll);
        if (l) k = append(out, k, cap, l, ll);
        else k += trans_run(ctx, kind, cp + i, 1, out + k, cap - k);
    }
    return k;
}

size_t wl_translit_run(wl_namectx *ctx, const int32_t *cp, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    int foreign = 0;
    for (size_t i = 0; i < n; i++) foreign |= name_separator(cp[i]);
    tr_kind cyrillic = ctx->cyrillic == WL_CYRILLIC_UKRAINIAN    ? TR_UKRAINIAN
                       : ctx->cyrillic == WL_CYRILLIC_BELARUSIAN ? TR_BELARUSIAN
                                                                 : TR_CYRILLIC;
    for (size_t i = 0; i < n && k + 1 < cap;) {
        if (name_separator(cp[i])) {
            k = append(out, k, cap, " ", 1);
            i++;
            continue;
        }
        tr_kind kind = kind_of(cp[i], TR_ANY);
        size_t j = i + 1;
        while (j < n && !name_separator(cp[j]) && kind_of(cp[j], kind) == kind) j++;
        if (kind == TR_CYRILLIC) kind = cyrillic;
        if (kind == TR_HAN || kind == TR_HANGUL) {
            k += cjk_run(ctx, kind, cp + i, j - i, foreign, out + k, cap - k);
        } else if (kind == TR_KANA && ctx->read_foreign) {
            k += kana_learned(ctx, cp + i, j - i, out + k, cap - k);
        } else if (kind == TR_KANA) {
            size_t m = trans_run(ctx, kind, cp + i, j - i, out + k, cap - k);
            k += kana_epenthesis(out + k, m);
            ctx->has_alternative = 1;
        } else if ((kind == TR_UKRAINIAN || kind == TR_BELARUSIAN) && ctx->read_foreign) {
            /* The other reading of a Ukrainian or Belarusian name is the Russian
             * romanisation many lists still use for these persons (LUKASHENKO,
             * Aleksandr Grigoryevich), not a foreign name's learned letters. */
            k += trans_run(ctx, TR_CYRILLIC, cp + i, j - i, out + k, cap - k);
        } else if (is_cyrillic(kind) || kind == TR_ARABIC || kind == TR_HEBREW) {
            k += ctx->read_foreign ? letters_learned(ctx, kind, cp + i, j - i, out + k, cap - k)
                                   : trans_run(ctx, kind, cp + i, j - i, out + k, cap - k);
            ctx->has_alternative = 1;
        } else if (kind == TR_INDIC) {
            /* The vowels Hindi, Punjabi, Bengali and Gujarati names do not say
             * are marked dead first (name_indic.c); a run too long for the
             * buffer keeps every vowel. */
            int32_t said[2 * CHUNK_CP];
            size_t m = j - i <= CHUNK_CP ? wl_indic_schwa(cp + i, j - i, said, WL_ARRAY_SIZE(said)) : 0;
            k += m ? trans_run(ctx, kind, said, m, out + k, cap - k) : trans_run(ctx, kind, cp + i, j - i, out + k, cap - k);
        } else {
            k += trans_run(ctx, kind, cp + i, j - i, out + k, cap - k);
        }
        i = j;
    }
    if (k < cap) out[k] = 0;
    return k;
}
