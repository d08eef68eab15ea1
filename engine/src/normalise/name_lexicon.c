/*
 * name_lexicon.c -- the word lists of name normalisation, loaded once per process
 * from the embedded tables name_titles, name_particles, name_org_words,
 * name_variants, name_joined, name_chinese and name_pinyin (datasets/tables/),
 * into one
 * open-addressing hash table keyed by
 * XXH3 of the word, so a lookup costs one hash and usually one probe.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "normalise/name.h"
#include "common/tables.h"

enum { LEX_MAX_FIELDS = 64, LEX_MAX_WORD = 64, LEX_MAX_PREFIXES = 64 };

typedef struct {
    wl_lexent *slots; /* open addressing, linear probing; word == NULL: empty */
    uint64_t *hashes;
    size_t mask;
    const wl_lexent *prefixes[LEX_MAX_PREFIXES];
    int nprefixes;
    uint8_t prefix_start[256];
    wl_arena strings;
} wl_lexicon;

static wl_lexicon g_lex;
static int g_lex_status = -1;
static pthread_once_t g_lex_once = PTHREAD_ONCE_INIT;

static wl_lexent *lex_slot(const char *s, size_t n, uint64_t h)
{
    for (size_t i = h & g_lex.mask;; i = (i + 1) & g_lex.mask) {
        wl_lexent *e = &g_lex.slots[i];
        if (!e->word) return e;
        if (g_lex.hashes[i] == h && e->len == n && memcmp(e->word, s, n) == 0) return e;
    }
}

/* Finds or adds s[0..n). @return the entry, or NULL when out of memory or too long. */
static wl_lexent *lex_add(const char *s, size_t n)
{
    if (n == 0 || n > LEX_MAX_WORD) return NULL;
    uint64_t h = wl_hash(s, n);
    wl_lexent *e = lex_slot(s, n, h);
    if (e->word) return e;
    char *w = wl_arena_strdup(&g_lex.strings, s, n);
    if (!w) return NULL;
    g_lex.hashes[e - g_lex.slots] = h;
    e->word = e->canon = w;
    e->len = e->canon_len = (uint16_t)n;
    return e;
}

static size_t lex_count_words(void)
{
    static const char *const names[] = { "name_titles", "name_particles", "name_variants", "name_joined",
                                         "name_chinese", "name_pinyin",    "name_org_words" };
    size_t words = 0;
    for (size_t t = 0; t < WL_ARRAY_SIZE(names); t++) {
        size_t len;
        const char *d = wl_table_get(names[t], &len);
        for (size_t i = 0; d && i < len; i++) words += d[i] == '\t' || d[i] == '\n';
    }
    return words;
}

static int lex_alloc(void)
{
    size_t cap = 64;
    while (cap < 2 * lex_count_words() + 64) cap <<= 1;
    g_lex.slots = calloc(cap, sizeof *g_lex.slots);
    g_lex.hashes = calloc(cap, sizeof *g_lex.hashes);
    g_lex.mask = cap - 1;
    wl_arena_init(&g_lex.strings);
    return g_lex.slots && g_lex.hashes ? 0 : -1;
}

/* word [<TAB> kind [<TAB> note]]: the word gets kind_flags when its second
 * field is `kind`, else flags; with head_flags, the first word of a phrase
 * ("datuk" of "datuk seri") gets those too, so that the parser looks further. */
static int lex_load_words(const char *table, uint16_t flags, const char *kind, uint16_t kind_flags,
                          uint16_t head_flags)
{
    size_t len, fl[2], kl = kind ? strlen(kind) : 0;
    const char *f[2];
    wl_table_iter it;
    const char *tdata = wl_table_get(table, &len);
    wl_table_iter_init(&it, tdata, len);
    int nf;
    while ((nf = wl_table_next(&it, f, fl, 2)) >= 1) {
        wl_lexent *e = lex_add(f[0], fl[0]);
        if (!e) return -1;
        int is_kind = kind && nf >= 2 && fl[1] == kl && memcmp(f[1], kind, kl) == 0;
        e->flags |= is_kind ? kind_flags : flags;
        const char *sp = head_flags ? memchr(f[0], ' ', fl[0]) : NULL;
        wl_lexent *head = sp ? lex_add(f[0], (size_t)(sp - f[0])) : NULL;
        if (sp && !head) return -1;
        if (head) head->flags |= head_flags;
    }
    return 0;
}

/* title <TAB> lead|any: a title, and whether it may only lead a name. */
static int lex_load_titles(void)
{
    return lex_load_words("name_titles", WL_LEX_TITLE_ANY, "lead", WL_LEX_TITLE_LEAD, WL_LEX_TITLE_HEAD);
}

static int lex_load_particles(void)
{
    return lex_load_words("name_particles", WL_LEX_PARTICLE, NULL, 0, 0);
}

/* word <TAB> form|weak <TAB> note: the words of organisations' legal forms. */
static int lex_load_org_words(void)
{
    return lex_load_words("name_org_words", WL_LEX_ORG, "weak", WL_LEX_ORG | WL_LEX_ORG_WEAK, 0);
}

/* canonical <TAB> variant...: every spelling points at the canonical one. */
static int lex_load_variants(void)
{
    size_t len, fl[LEX_MAX_FIELDS];
    const char *f[LEX_MAX_FIELDS];
    wl_table_iter it;
    const char *tdata = wl_table_get("name_variants", &len);
    wl_table_iter_init(&it, tdata, len);
    int nf;
    while ((nf = wl_table_next(&it, f, fl, LEX_MAX_FIELDS)) > 0) {
        wl_lexent *c = lex_add(f[0], fl[0]);
        if (!c) return -1;
        c->flags |= WL_LEX_NAME;
        for (int k = 1; k < nf; k++) {
            if (fl[k] == 0) continue;
            wl_lexent *v = lex_add(f[k], fl[k]);
            if (!v) return -1;
            v->flags |= WL_LEX_NAME;
            v->canon = c->word;
            v->canon_len = c->len;
        }
    }
    return 0;
}

/* kind <TAB> pinyin <TAB> spelling...: family rows give every spelling the pinyin
 * as its canonical form, except "?x" spellings (also non-Chinese names), which get
 * it only as their reading inside a Chinese name; given rows give readings only. */
static int lex_load_chinese_row(const char **f, const size_t *fl, int nf)
{
    int family = fl[0] == 6 && memcmp(f[0], "family", 6) == 0;
    wl_lexent *p = lex_add(f[1], fl[1]);
    if (!p) return -1;
    p->flags |= WL_LEX_HAN | (family ? WL_LEX_NAME : 0);
    for (int k = 1; k < nf; k++) {
        int ambiguous = fl[k] > 1 && f[k][0] == '?';
        wl_lexent *v = k == 1 ? p : lex_add(f[k] + ambiguous, fl[k] - (size_t)ambiguous);
        if (!v) return -1;
        v->flags |= WL_LEX_HAN;
        if (!family) {
            if (!v->han_given) v->han_given = p;
            continue;
        }
        v->flags |= WL_LEX_NAME;
        if (!v->han_family) v->han_family = p;
        if (k > 1 && !ambiguous) {
            v->canon = p->word;
            v->canon_len = p->len;
        }
    }
    return 0;
}

static int lex_load_chinese(void)
{
    size_t len, fl[LEX_MAX_FIELDS];
    const char *f[LEX_MAX_FIELDS];
    wl_table_iter it;
    const char *tdata = wl_table_get("name_chinese", &len);
    wl_table_iter_init(&it, tdata, len);
    int nf;
    while ((nf = wl_table_next(&it, f, fl, LEX_MAX_FIELDS)) > 0)
        if (nf >= 2 && lex_load_chinese_row(f, fl, nf) != 0) return -1;
    return 0;
}

static int lex_load_pinyin(void)
{
    size_t len, fl[1];
    const char *f[1];
    wl_table_iter it;
    const char *tdata = wl_table_get("name_pinyin", &len);
    wl_table_iter_init(&it, tdata, len);
    while (wl_table_next(&it, f, fl, 1) >= 1) {
        wl_lexent *e = lex_add(f[0], fl[0]);
        if (!e) return -1;
        e->flags |= WL_LEX_PINYIN;
    }
    return 0;
}

static int lex_longer_first(const void *a, const void *b)
{
    const wl_lexent *x = *(const wl_lexent *const *)a, *y = *(const wl_lexent *const *)b;
    if (x->len != y->len) return x->len > y->len ? -1 : 1;
    return strcmp(x->word, y->word);
}

static int lex_load_joined(void)
{
    size_t len, fl[3];
    const char *f[3];
    wl_table_iter it;
    const char *tdata = wl_table_get("name_joined", &len);
    wl_table_iter_init(&it, tdata, len);
    while (wl_table_next(&it, f, fl, 3) >= 2) {
        wl_lexent *e = lex_add(f[0], fl[0]);
        if (!e) return -1;
        int prefix = fl[1] == 6 && memcmp(f[1], "prefix", 6) == 0;
        if (prefix && !(e->flags & WL_LEX_PREFIX) && g_lex.nprefixes < LEX_MAX_PREFIXES) {
            g_lex.prefixes[g_lex.nprefixes++] = e;
            g_lex.prefix_start[(unsigned char)e->word[0]] = 1;
        }
        e->flags |= prefix ? WL_LEX_PREFIX : WL_LEX_NAME;
    }
    qsort(g_lex.prefixes, (size_t)g_lex.nprefixes, sizeof g_lex.prefixes[0], lex_longer_first);
    return 0;
}

static void lex_build(void)
{
    if (lex_alloc() == 0 && lex_load_titles() == 0 && lex_load_particles() == 0 && lex_load_org_words() == 0 &&
        lex_load_variants() == 0
        && lex_load_joined() == 0 && lex_load_chinese() == 0 && lex_load_pinyin() == 0)
        g_lex_status = 0;
}

int wl_name_lex_init(void)
{
    pthread_once(&g_lex_once, lex_build);
    return g_lex_status;
}

const wl_lexent *wl_name_lex_find(const char *s, size_t n)
{
    if (n == 0 || n > LEX_MAX_WORD || g_lex_status != 0) return NULL;
    const wl_lexent *e = lex_slot(s, n, wl_hash(s, n));
    return e->word ? e : NULL;
}

const wl_lexent *const *wl_name_lex_prefixes(int *count)
{
    *count = g_lex_status == 0 ? g_lex.nprefixes : 0;
    return g_lex.prefixes;
}

int wl_name_lex_prefix_start(unsigned char c) { return g_lex.prefix_start[c]; }
