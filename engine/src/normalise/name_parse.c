/*
 * name_parse.c -- a folded name value into parts: tokens, titles dropped,
 * particles marked, joined forms split, "FAMILY, Given" order, canonical
 * variants and the keys of every part (Double Metaphone, skeleton, hashes).
 *
 * Everything works in the context's fixed buffers: no allocation per call.
 */
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "normalise/name.h"

enum { TOK_MAX = 48, TOK_WORD_MAX = 64 };

typedef struct {
    const char *s;
    const wl_lexent *lex; /* what the lexicon knows about the word, or NULL */
    uint16_t len;
    uint8_t dot;    /* followed by a dot: "b." of bin */
    uint8_t family; /* before the "FAMILY, Given" comma */
    uint8_t drop;   /* a title */
} name_tok;

typedef struct {
    wl_namectx *ctx;
    char *text; /* this call's half of ctx->text */
    name_tok tok[TOK_MAX];
    int ntok;
    size_t used; /* bytes of ctx->text in use */
} name_work;

static int is_word_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

/* Copies bytes to this call's text buffer; @return the copy or NULL when it is full. */
static const char *work_store(name_work *w, const char *s, size_t n)
{
    if (w->used + n + 1 > WL_NAME_TEXT_MAX) return NULL;
    char *d = w->text + w->used;
    memcpy(d, s, n);
    d[n] = 0;
    w->used += n + 1;
    return d;
}

/* "a/l", "s/o", "d/o": a letter, a slash, a letter, standing alone. */
static size_t slash_link_len(const char *s, size_t i, size_t n)
{
    if (i + 3 > n || s[i + 1] != '/' || !is_word_char(s[i]) || !is_word_char(s[i + 2])) return 0;
    if (i > 0 && is_word_char(s[i - 1])) return 0;
    if (i + 3 < n && is_word_char(s[i + 3])) return 0;
    return 3;
}

static size_t word_run(const char *s, size_t n, size_t p)
{
    size_t q = p;
    while (q < n && is_word_char(s[q])) q++;
    return q - p;
}

/* 1 when the hyphen at s[p] joins syllables of one word rather than two
 * names: one of the pieces it links is a single letter, which no name is
 * (Thai Chan-o-cha, RTGS chanocha; Jean-Pierre and Jong-un stay two parts).
 * start: where the piece before it began. */
static int syllable_hyphen(const char *s, size_t n, size_t start, size_t p)
{
    if (s[p] != '-' || p == start || p + 1 >= n || !is_word_char(s[p + 1])) return 0;
    return p - start == 1 || word_run(s, n, p + 1) == 1;
}

/* Reads one word at s[*i]: letters and digits; an apostrophe between letters
 * is dropped (ma'ruf = maruf, o'brien = obrien), and so is a hyphen that links
 * a one-letter syllable (syllable_hyphen). @return its length in buf. */
static size_t read_word(const char *s, size_t n, size_t *i, char *buf)
{
    size_t k = 0, p = *i, piece = p;
    size_t link = slash_link_len(s, p, n);
    if (link) {
        memcpy(buf, s + p, link);
        *i = p + link;
        return link;
    }
    while (p < n) {
        if (is_word_char(s[p])) {
            if (k < TOK_WORD_MAX) buf[k++] = s[p];
        } else if (syllable_hyphen(s, n, piece, p)) {
            piece = p + 1;
        } else if (!(s[p] == '\'' && k > 0 && p + 1 < n && is_word_char(s[p + 1]))) {
            break;
        }
        p++;
    }
    *i = p;
    return k;
}

static void tokenize(name_work *w, const char *s, size_t n, int comma_order)
{
    char buf[TOK_WORD_MAX];
    int seen_comma = 0;
    for (size_t i = 0; i < n && w->ntok < TOK_MAX;) {
        if (!is_word_char(s[i])) {
            if (s[i] == ',' && comma_order && !seen_comma) {
                seen_comma = 1;
                for (int t = 0; t < w->ntok; t++) w->tok[t].family = 1;
            }
            i++;
            continue;
        }
        size_t k = read_word(s, n, &i, buf);
        const char *copy = work_store(w, buf, k);
        if (!copy) return;
        name_tok *t = &w->tok[w->ntok++];
        *t = (name_tok){ .s = copy, .len = (uint16_t)k, .dot = (uint8_t)(i < n && s[i] == '.') };
        t->lex = wl_name_lex_find(copy, k);
        /* "Ng." with its dot is the Vietnamese abbreviation of Nguyễn; without
         * it, Ng is the Hokkien/Cantonese spelling of 黄 and 吴. */
        if (k == 2 && t->dot && memcmp(copy, "ng", 2) == 0) t->lex = wl_name_lex_find("nguyen", 6);
    }
}

static const wl_lexent *lex_of(const name_tok *t) { return t->lex; }

/* Two-word titles ("tan sri", "datuk seri"): @return 1 when tok[i], tok[i+1] is one. */
static int title_pair(name_work *w, int i)
{
    if (i + 1 >= w->ntok || !w->tok[i].lex || !(w->tok[i].lex->flags & WL_LEX_TITLE_HEAD)) return 0;
    char buf[2 * TOK_WORD_MAX + 1];
    size_t a = w->tok[i].len, b = w->tok[i + 1].len;
    memcpy(buf, w->tok[i].s, a);
    buf[a] = ' ';
    memcpy(buf + a + 1, w->tok[i + 1].s, b);
    const wl_lexent *e = wl_name_lex_find(buf, a + 1 + b);
    return e && (e->flags & (WL_LEX_TITLE_ANY | WL_LEX_TITLE_LEAD));
}

/* "Maung Maung", "Ma Ma": a doubled Burmese name, not an honorific. */
static int same_word(const name_work *w, int i)
{
    const name_tok *a = &w->tok[i], *b = &w->tok[i + 1];
    return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
}

/* 1 when tok[i] is the whole family part of a "FAMILY, Given" value: there
 * it is the surname the list files the person under, whatever else the word
 * can be ("TUN, Zaw Min": Tun is a Burmese name as well as a Malay title). */
static int sole_family_word(const name_work *w, int i)
{
    return w->tok[i].family && i == 0 && (i + 1 >= w->ntok || !w->tok[i + 1].family);
}

/* Marks titles: "any" ones everywhere, "lead" ones only before the first kept
 * word and when a word follows; none that is the whole family part before a
 * comma. A value made only of titles keeps them all. */
static void mark_titles(name_work *w)
{
    int kept_before = 0, kept = 0;
    for (int i = 0; i < w->ntok; i++) {
        if (sole_family_word(w, i)) {
            kept_before = 1, kept++;
            continue;
        }
        if (title_pair(w, i)) {
            w->tok[i].drop = w->tok[i + 1].drop = 1;
            i++;
            continue;
        }
        const wl_lexent *e = lex_of(&w->tok[i]);
        int any = e && (e->flags & WL_LEX_TITLE_ANY);
        int lead = e && (e->flags & WL_LEX_TITLE_LEAD) && !kept_before && i + 1 < w->ntok && !same_word(w, i);
        w->tok[i].drop = (uint8_t)(any || lead);
        if (!w->tok[i].drop) kept_before = 1, kept++;
    }
    if (kept == 0)
        for (int i = 0; i < w->ntok; i++) w->tok[i].drop = 0;
}

/* ---- parts and their keys ---- */

/* Double Metaphone and the skeleton depend on the canonical word only, and lists
 * repeat the same few thousand words: a direct-mapped cache keyed by the 64-bit
 * hash of the canonical word (the identity the later stages use anyway).
 * The codes of the spelling as written (Heng, read as 王 Wang) were tried as dm2:
 * on 10^5 generated records they cost 0.001 of precision for 0.0005 of recall,
 * so the codes stay those of the canonical word. */
enum { KEYCACHE_SLOTS = 16384 };

typedef struct {
    uint64_t h_canon, h_skel;
    uint32_t dm1, dm2, h_sound, h_spell;
} key_slot;

struct wl_keycache {
    key_slot slot[KEYCACHE_SLOTS];
};

wl_keycache *wl_keycache_new(void) { return calloc(1, sizeof(wl_keycache)); }

static void keys_compute(wl_namepart *p)
{
    char pri[5], alt[5], skel[TOK_WORD_MAX + 1];
    wl_double_metaphone(p->canon, p->canon_len, pri, alt);
    p->dm1 = wl_dm_pack(pri);
    p->dm2 = alt[0] ? wl_dm_pack(alt) : p->dm1;
    size_t k = wl_skeleton(p->canon, p->canon_len, skel, sizeof skel);
    p->h_skel = wl_hash(skel, k);
    k = wl_sound_classes(p->canon, p->canon_len, skel, sizeof skel);
    p->h_sound = wl_sound_key(skel, k);
    k = wl_sound_spelling(p->canon, p->canon_len, skel, sizeof skel);
    p->h_spell = wl_sound_spelling_key(skel, k);
}

static void part_keys(wl_keycache *kc, wl_namepart *p)
{
    p->h_text = wl_hash(p->text, p->len);
    p->h_canon = p->len == p->canon_len && memcmp(p->text, p->canon, p->len) == 0 ? p->h_text
                                                                                   : wl_hash(p->canon, p->canon_len);
    key_slot *e = &kc->slot[p->h_canon & (KEYCACHE_SLOTS - 1)];
    if (e->h_canon == p->h_canon && p->h_canon != 0) {
        p->dm1 = e->dm1;
        p->dm2 = e->dm2;
        p->h_skel = e->h_skel;
        p->h_sound = e->h_sound;
        p->h_spell = e->h_spell;
        return;
    }
    keys_compute(p);
    *e = (key_slot){ p->h_canon, p->h_skel, p->dm1, p->dm2, p->h_sound, p->h_spell };
}

static void part_set(wl_keycache *kc, wl_namepart *p, const char *s, size_t n, uint8_t flags, const char *canon,
                     size_t canon_len)
{
    p->text = s;
    p->len = (uint16_t)n;
    p->canon = canon;
    p->canon_len = (uint16_t)canon_len;
    p->flags = flags;
    part_keys(kc, p);
}

/* Splits "abdulrahman" into a known prefix and a known rest of 3+ letters.
 * @return the prefix length, or 0. */
static size_t joined_split(const char *s, size_t n)
{
    if (n < 5 || !wl_name_lex_prefix_start((unsigned char)s[0])) return 0;
    int np;
    const wl_lexent *const *pre = wl_name_lex_prefixes(&np);
    for (int k = 0; k < np; k++) {
        size_t pl = pre[k]->len;
        if (pl + 3 > n || memcmp(s, pre[k]->word, pl) != 0) continue;
        const wl_lexent *rest = wl_name_lex_find(s + pl, n - pl);
        if (rest && (rest->flags & WL_LEX_NAME)) return pl;
    }
    return 0;
}

typedef struct {
    name_work *w;
    wl_namepart *out;
    int n, max;
    int han;        /* the value looks like a Chinese name (looks_chinese) */
    int han_family; /* the word being added stands as its family name */
} part_sink;

/* ---- Chinese names ---- */

/*
 * A value looks like a Chinese name when every word of it (initials aside) is a
 * Chinese syllable in some romanisation, or a join of such syllables: "Tan Kian
 * Ka", "Chen Jianjia", "Choon Hui Chua". Only then do the readings that are
 * ambiguous elsewhere apply: the given-name syllables of name_chinese.tsv
 * (kin, tak, man are words of other languages too), and the family spellings
 * marked "?" there (Ho is the Vietnamese Hồ, Choi the Korean 최). One Vietnamese
 * or Malay word ("Ho Van Minh", "Ho Ah Kow bin Ali") is enough to keep a value
 * out, and so is a value without a word that can be a Chinese family name
 * ("Maung Maung", "Bin Laden" are syllables too). A one-word value is kept out
 * unless it is a given-name cell: a lone
 * "Ho" in a family-name column says nothing about the rest of the name, and
 * reading it as 何 He there but as Hồ in "Ho Van Minh" from another list would
 * part the two spellings of one person.
 */
static int looks_chinese(const name_work *w, int kind, int han_script)
{
    int words = 0, family = 0;
    for (int i = 0; i < w->ntok; i++) {
        const name_tok *t = &w->tok[i];
        if (t->drop || t->len == 1) continue;
        if (!wl_han_word(t->lex, t->s, t->len)) return 0;
        words++;
        family |= t->lex && t->lex->han_family;
    }
    if (kind == WL_NAME_GIVEN || kind == WL_NAME_MIDDLE) return words >= 1;
    return words >= 2 && (family || han_script);
}

/* The family name of a Chinese name written in one value: the first word, or the
 * last when only the last can be a family name ("Choon Hui Chua"). @return its
 * token index. */
static int han_family_token(const name_work *w)
{
    int first = -1, last = -1;
    for (int i = 0; i < w->ntok; i++) {
        if (w->tok[i].drop || w->tok[i].len == 1) continue;
        if (first < 0) first = i;
        last = i;
    }
    if (first < 0) return -1;
    const wl_lexent *f = w->tok[first].lex, *l = w->tok[last].lex;
    if (!(f && f->han_family) && l && l->han_family) return last;
    return first;
}

/* The pinyin of a word made of several syllables, each read as a given-name
 * syllable (or a family one for a joined family name): "kinka" -> "jianjia".
 * @return its length in buf, or 0 when the word does not cut or reads as itself. */
static size_t han_joined_canon(const char *s, size_t n, int family, char *buf, size_t cap)
{
    const wl_lexent *seg[WL_HAN_MAX_SYLLABLES];
    int ns = wl_han_segment(s, n, seg);
    size_t k = 0;
    for (int i = 0; i < ns; i++) {
        const wl_lexent *r = wl_han_reading(seg[i], family);
        if (k + r->len >= cap) return 0;
        memcpy(buf + k, r->word, r->len);
        k += r->len;
    }
    return k == n && memcmp(buf, s, n) == 0 ? 0 : k;
}

/* Sets *canon to the pinyin reading of s[0..n) in a Chinese name. */
static void han_canon(part_sink *ps, const char *s, size_t n, const wl_lexent *e, const char **canon,
                      size_t *canon_len)
{
    if (e && (e->flags & (WL_LEX_HAN | WL_LEX_PINYIN))) {
        const wl_lexent *r = wl_han_reading(e, ps->han_family);
        *canon = r->word;
        *canon_len = r->len;
        return;
    }
    char tmp[TOK_WORD_MAX + 1];
    size_t m = han_joined_canon(s, n, ps->han_family, tmp, sizeof tmp);
    const char *c = m ? work_store(ps->w, tmp, m) : NULL;
    if (c) *canon = c, *canon_len = m;
}

/* Adds a part; e is the word's lexicon entry (NULL: not in the lexicon, and then
 * an old Indonesian spelling gets its modern one as canonical form). */
static void sink_add(part_sink *ps, const char *s, size_t n, uint8_t flags, const wl_lexent *e)
{
    if (ps->n >= ps->max) return;
    const char *canon = e ? e->canon : s;
    size_t canon_len = e ? e->canon_len : n;
    if (ps->han && !(flags & (WL_PART_PARTICLE | WL_PART_INITIAL))) {
        han_canon(ps, s, n, e, &canon, &canon_len);
        part_set(ps->w->ctx->keys, &ps->out[ps->n++], s, n, flags, canon, canon_len);
        return;
    }
    char tmp[TOK_WORD_MAX + 1];
    size_t m = e ? 0 : wl_name_respell(s, n, tmp, sizeof tmp);
    if (m) {
        const wl_lexent *re = wl_name_lex_find(tmp, m);
        const char *c = re ? re->canon : work_store(ps->w, tmp, m);
        if (c) canon = c, canon_len = re ? re->canon_len : m;
    }
    part_set(ps->w->ctx->keys, &ps->out[ps->n++], s, n, flags, canon, canon_len);
}

/*
 * Theophoric compounds, "X al-Din" (of the faith) and "X Allah" (of God): Nur
 * al-Din, Badr al-Din, Nasr Allah, Hayat Ullah (Wikipedia, "Arabic name";
 * "Malay names" for the -udin of Kamarudin). Lists write them apart,
 * hyphenated or joined with the article assimilated: Noureddine, Badreddine,
 * Salahuddin, Kamarudin, Nasrallah, Hayatullah, Ruhollah (Persian). The OFAC
 * and EU alias lists hold about 800 joined forms and 100 written apart, and
 * one person is often written both ways (Hayatullah / Hayat Ullah, Safieddine /
 * Safi al-Din), which then shared no part. Every form becomes one part whose
 * canonical spelling is the first name and "uddin" or "allah": badreddine and
 * badr al din both read badruddin. One part, not two: a name written in Han
 * or Hebrew reads back as one word (庫拉馬拉, kulamala), and the comparison
 * across scripts pairs words. A first name of under three letters is no
 * stem (Aladdin, mullah); a one-word "abd...allah" keeps its lexicon form
 * (Abdullah is a name of its own); -udin needs a consonant before it
 * (Kamarudin, Zainudin; not the French Renaudin, Gaudin).
 */
enum { THEO_NONE = 0, THEO_DIN, THEO_ALLAH };

static const char *const theo_canon[] = { "", "uddin", "allah" };

static int is_vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

static int ends_with(const char *s, size_t n, const char *end, size_t m)
{
    return n >= m && memcmp(s + n - m, end, m) == 0;
}

/* Where the "-al-din" of s[0..n) starts: a vowel, then l, d or nothing, then
 * din, dine, deen or diin (eddine, uddin, addeen, aldin, eldin); a single d
 * only after a u that follows a consonant (Kamarudin). @return n when none. */
static size_t din_tail(const char *s, size_t n)
{
    static const char *const core[] = { "dine", "deen", "diin", "din" };
    for (size_t k = 0; k < WL_ARRAY_SIZE(core); k++) {
        size_t m = strlen(core[k]);
        if (!ends_with(s, n, core[k], m) || n < m + 2) continue;
        size_t p = n - m;
        int joint = s[p - 1] == 'd' || s[p - 1] == 'l';
        if (joint) p--;
        if (p == 0 || !is_vowel(s[p - 1])) return n;
        p--;
        if (!joint && !(s[p] == 'u' && p > 0 && !is_vowel(s[p - 1]))) return n;
        return p;
    }
    return n;
}

/* The theophoric kind s[0..n) ends with, *stem receiving the length before the
 * suffix (0: the word is a second half alone, "Ullah", "Eddine"); THEO_NONE.
 * "allh" is Allah read from Arabic script (الله), which writes no vowels. */
static int theophoric_suffix(const char *s, size_t n, size_t *stem)
{
    static const char *const allah[] = { "allah", "ullah", "ollah", "allh" };
    for (size_t k = 0; k < WL_ARRAY_SIZE(allah); k++)
        if (ends_with(s, n, allah[k], strlen(allah[k]))) {
            *stem = n - strlen(allah[k]);
            return THEO_ALLAH;
        }
    *stem = din_tail(s, n);
    return *stem < n ? THEO_DIN : THEO_NONE;
}

static int tok_is(const name_tok *t, const char *word)
{
    size_t n = strlen(word);
    return t->len == n && memcmp(t->s, word, n) == 0;
}

/* A first name of a compound: three letters or more, letters only. */
static int theophoric_stem(const char *s, size_t n)
{
    if (n < 3) return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < 'a' || s[i] > 'z') return 0;
    return 1;
}

/* The compound's second half written apart after word i: "allah" or "ullah",
 * "eddine" or "uddin", or an article and "din" ("al din", "ud din", "ad
 * deen"). @return its kind, *last receiving its last word; THEO_NONE. */
static int theophoric_tail(const name_work *w, int i, int *last)
{
    int j = i + 1;
    while (j < w->ntok && w->tok[j].drop) j++;
    if (j >= w->ntok) return THEO_NONE;
    const name_tok *t = &w->tok[j];
    size_t stem;
    int kind = theophoric_suffix(t->s, t->len, &stem);
    if (kind != THEO_NONE && stem == 0) {
        *last = j;
        return kind;
    }
    static const char *const article[] = { "al", "el", "ul", "ud", "ad", "ed", "un" };
    int art = 0;
    for (size_t k = 0; k < WL_ARRAY_SIZE(article) && !art; k++) art = tok_is(t, article[k]);
    int d = j + 1;
    while (d < w->ntok && w->tok[d].drop) d++;
    if (!art || d >= w->ntok) return THEO_NONE;
    t = &w->tok[d];
    *last = d;
    if (tok_is(t, "din") || tok_is(t, "deen") || tok_is(t, "dine") || tok_is(t, "diin")) return THEO_DIN;
    return tok_is(&w->tok[j], "al") && tok_is(t, "lh") ? THEO_ALLAH : THEO_NONE; /* الله read "al lh" */
}

/* Adds the compound of stem s[0..n) and kind as one part: text as written
 * (joined), canonical spelling stem + "uddin" / "allah" in its lexicon form. */
static void emit_theophoric(name_work *w, part_sink *ps, const char *text, size_t tn, const char *s, size_t n,
                            int kind, uint8_t flags)
{
    char buf[2 * TOK_WORD_MAX];
    const char *sfx = theo_canon[kind];
    size_t m = strlen(sfx);
    if (n + m > sizeof buf) n = sizeof buf - m; /* words are at most TOK_WORD_MAX: never */
    memcpy(buf, s, n);
    memcpy(buf + n, sfx, m);
    const wl_lexent *e = wl_name_lex_find(buf, n + m);
    const char *canon = e ? e->canon : work_store(w, buf, n + m);
    if (!canon || ps->n >= ps->max) return;
    part_set(w->ctx->keys, &ps->out[ps->n++], text, tn, flags, canon, e ? e->canon_len : n + m);
}

/* A word into one part, or two when it is a joined form (of itself or of its
 * canonical spelling: "abdurahman" -> abdulrahman -> abdul + rahman). */
static void emit_word(name_work *w, part_sink *ps, const name_tok *t, uint8_t flags)
{
    const char *src = t->s;
    size_t sn = t->len, pl = joined_split(t->s, t->len);
    const wl_lexent *e = t->lex;
    if (!pl && e && e->canon != e->word && (pl = joined_split(e->canon, e->canon_len)) != 0) {
        src = e->canon;
        sn = e->canon_len;
    }
    size_t stem;
    int theo = ps->han ? THEO_NONE : theophoric_suffix(t->s, t->len, &stem);
    if (!pl && theo != THEO_NONE && theophoric_stem(t->s, stem) && memcmp(t->s, "abd", 3) != 0) {
        emit_theophoric(w, ps, t->s, t->len, t->s, stem, theo, flags);
        return;
    }
    if (!pl) {
        sink_add(ps, t->s, t->len, flags, e);
        return;
    }
    const char *a = work_store(w, src, pl), *b = work_store(w, src + pl, sn - pl);
    if (!a || !b) return;
    const wl_lexent *pe = wl_name_lex_find(a, pl);
    uint8_t pf = (uint8_t)(flags | WL_PART_SPLIT | (pe && (pe->flags & WL_LEX_PARTICLE) ? WL_PART_PARTICLE : 0));
    sink_add(ps, a, pl, pf, pe);
    sink_add(ps, b, sn - pl, (uint8_t)(flags | WL_PART_SPLIT), wl_name_lex_find(b, sn - pl));
}

/* Particles weigh little, but a value that is nothing else keeps them as names,
 * and the last word is a name ("Hoang Le"). */
static int is_particle(const name_work *w, int i, int last_kept, int n_plain)
{
    const name_tok *t = &w->tok[i];
    if (i == last_kept || n_plain == 0) return 0;
    /* "b." is bin; any other letter with its dot is an initial, never the
     * particle it spells without one ("Imad Y. H." is no "Garcia y Lopez"). */
    if (t->len == 1 && (t->s[0] == 'b' || t->dot)) return t->s[0] == 'b' && t->dot;
    const wl_lexent *e = lex_of(t);
    return e && (e->flags & WL_LEX_PARTICLE);
}

/* East Slavic patronymics (Ivanovich, Petrovna, Volodymyrivna): a father's name
 * that one list writes and another leaves out, so it weighs like a particle.
 * The EU lists write one person's patronymic in each member state's
 * transliteration, and a form missed here was a plain part against the other
 * list's particle, which never pair: Vladimirovitj (Swedish, Danish), Wladimirowitsch
 * (German), Vladimirovitch (French), Vladimirovič (Czech, folded to -ovic),
 * Leanidavich and Mikalaeuna (Belarusian), Vjatjeslavovytj (Ukrainian in Swedish):
 * the 3-word Latin names of eu/alias_records.csv hold 390 -ovitj, 386 -evitj, 95 -avitj,
 * 92 -avich, 89 -ovytj, 28 -itsch and 30 -auna/-euna middle words. */
static const char *const patronymic_suffix[] = {
    "owitsch", "ewitsch", "ovitch", "evitch", "ovich", "evich", "avich", "ovych", "evych", "ovitj", "evitj",
    "avitj",   "ovytj",   "evytj",  "ichna",  "ovic",  "evic",  "ovna",  "evna",  "ivna",  "auna",  "euna",  "awna",
};

size_t wl_patronymic_stem(const char *s, size_t len)
{
    if (len < 7) return 0;
    for (size_t k = 0; k < WL_ARRAY_SIZE(patronymic_suffix); k++) { /* longest first */
        size_t n = strlen(patronymic_suffix[k]);
        if (memcmp(s + len - n, patronymic_suffix[k], n) == 0) return len - n;
    }
    return 0;
}

static int is_patronymic(const name_tok *t) { return wl_patronymic_stem(t->s, t->len) != 0; }

/* Only where a patronymic stands: between given and family name, last after the
 * comma of "FAMILY, Given Patronymic", or in a middle-name column. The last word
 * of a plain full name may be a surname (Roman Abramovich). */
static int patronymic_place(int kind, const name_tok *t, int i, int first, int last, int comma)
{
    if (kind == WL_NAME_MIDDLE) return 1;
    if (kind != WL_NAME_FULL) return 0;
    if (comma) return !t->family && i == last && i != first;
    return i != first && i != last;
}

static uint8_t kind_flags(int kind, const name_tok *t, int index, int family_first)
{
    if (kind == WL_NAME_FAMILY) return WL_PART_FAMILY;
    if (kind == WL_NAME_GIVEN || kind == WL_NAME_MIDDLE) return WL_PART_GIVEN;
    if (t->family) return WL_PART_FAMILY;
    if (family_first) return index == 0 ? WL_PART_FAMILY : WL_PART_GIVEN;
    return 0;
}

/* Flags GIVEN the words after the comma once a comma split the value. */
static int any_family(const name_work *w)
{
    for (int i = 0; i < w->ntok; i++)
        if (w->tok[i].family) return 1;
    return 0;
}

/* "Abd al-Rahman" is "Abdul Rahman": the article after abd/abdul/abdel is part of
 * that word, not a particle of its own. */
static int abd_article(const name_work *w, int prev, int i)
{
    const name_tok *t = &w->tok[i];
    if (!(t->len == 2 && (memcmp(t->s, "al", 2) == 0 || memcmp(t->s, "el", 2) == 0 || memcmp(t->s, "ul", 2) == 0)))
        return 0;
    const wl_lexent *e = lex_of(&w->tok[prev]);
    return e && e->canon_len == 5 && memcmp(e->canon, "abdul", 5) == 0 && i + 1 < w->ntok;
}

static int is_org_word(const name_tok *t)
{
    const wl_lexent *e = lex_of(t);
    return e && (e->flags & WL_LEX_ORG);
}

static void emit_all(name_work *w, part_sink *ps, int kind, int family_first)
{
    int first_kept = -1, last_kept = -1, n_plain = 0, n_form = 0, n_org = 0;
    for (int i = 0; i < w->ntok; i++) {
        if (w->tok[i].drop) continue;
        if (first_kept < 0) first_kept = i;
        last_kept = i;
        const wl_lexent *e = lex_of(&w->tok[i]);
        if (!(e && (e->flags & WL_LEX_PARTICLE)) && w->tok[i].len > 1) n_plain++;
        if (e && (e->flags & WL_LEX_ORG)) {
            n_org++;
            n_form += !(e->flags & WL_LEX_ORG_WEAK);
        }
    }
    /* An organisation's legal form around its name ("Belaeronavigatsia
     * przedsiebiorstwo panstwowe", "OJSC Belaz") weighs like a particle, so
     * the name keys and compares on what the languages share: the name. So
     * does a one-letter word there, a preposition of the form (Croatian
     * "poduzece u drzavnom vlasnistvu", Slovene "v drzavni lasti"), not an
     * initial. A name of legal-form words alone keeps them as they are. */
    int org = n_form > 0 && n_plain > n_org;
    int comma = kind == WL_NAME_FULL && any_family(w);
    int index = 0, prev = -1;
    int han_fam = ps->han && kind == WL_NAME_FULL && !comma ? (family_first ? first_kept : han_family_token(w)) : -1;
    for (int i = 0; i < w->ntok; i++) {
        const name_tok *t = &w->tok[i];
        if (t->drop) continue;
        if (prev >= 0 && abd_article(w, prev, i)) continue;
        prev = i;
        uint8_t f = kind_flags(kind, t, index++, family_first);
        if (comma && !t->family) f = WL_PART_GIVEN;
        ps->han_family = kind == WL_NAME_FAMILY || (comma && t->family) || i == han_fam;
        /* In a Chinese name "bin" is the syllable 彬, not "son of". */
        if (is_patronymic(t) && patronymic_place(kind, t, i, first_kept, last_kept, comma))
            f |= WL_PART_PARTICLE | WL_PART_PATRONYMIC;
        else if ((org && (is_org_word(t) || t->len == 1)) || (!ps->han && is_particle(w, i, last_kept, n_plain)))
            f |= WL_PART_PARTICLE;
        else if (t->len == 1) f |= WL_PART_INITIAL;
        int last, theo = THEO_NONE;
        if (!(f & (WL_PART_PARTICLE | WL_PART_INITIAL)) && !ps->han && theophoric_stem(t->s, t->len))
            theo = theophoric_tail(w, i, &last);
        if (theo != THEO_NONE) { /* "nasr allah", "badr al din": one part */
            char buf[TOK_WORD_MAX + 1];
            size_t tn = 0;
            for (int k = i; k <= last && tn + w->tok[k].len <= TOK_WORD_MAX; k++) {
                if (w->tok[k].drop) continue;
                memcpy(buf + tn, w->tok[k].s, w->tok[k].len);
                tn += w->tok[k].len;
            }
            const char *text = work_store(w, buf, tn);
            if (text) emit_theophoric(w, ps, text, tn, t->s, t->len, theo, f);
            i = last;
            prev = last;
        } else if (f & (WL_PART_PARTICLE | WL_PART_INITIAL)) sink_add(ps, t->s, t->len, f, t->lex);
        else emit_word(w, ps, t, f);
    }
}

int wl_name_parse(wl_namectx *ctx, const char *s, size_t n, int kind, wl_namepart *out, int max)
{
    if (!ctx || !s || !out || max <= 0 || wl_name_lex_init() != 0) return 0;
    size_t fn = wl_name_fold(ctx, s, n, ctx->fold, sizeof ctx->fold);
    name_work w; /* tok[] is written before it is read: no need to clear it */
    w.ctx = ctx;
    ctx->text_turn ^= 1;
    w.text = ctx->text[ctx->text_turn];
    w.ntok = 0;
    w.used = 0;
    tokenize(&w, ctx->fold, fn, kind == WL_NAME_FULL);
    mark_titles(&w);
    part_sink ps = { &w, out, 0, WL_MIN(max, (int)WL_NAME_MAX_PARTS), looks_chinese(&w, kind, ctx->family_first), 0 };
    emit_all(&w, &ps, kind, kind == WL_NAME_FULL && ctx->family_first);
    for (int k = 0; k < ps.n; k++) {
        out[k].script = (uint8_t)ctx->script;
        if (ctx->transcribed) out[k].flags |= WL_PART_XSCRIPT;
    }
    return ps.n;
}

int wl_name_parse_alternative(wl_namectx *ctx, const char *s, size_t n, int kind, wl_namepart *out, int max)
{
    if (!ctx || !ctx->has_alternative) return 0;
    /* ctx->fold still holds the first reading: an equal second one is no alias. */
    uint64_t first = wl_hash(ctx->fold, strlen(ctx->fold));
    ctx->read_foreign = 1;
    int got = wl_name_parse(ctx, s, n, kind, out, max);
    ctx->read_foreign = 0;
    ctx->has_alternative = 0;
    return wl_hash(ctx->fold, strlen(ctx->fold)) == first ? 0 : got;
}
