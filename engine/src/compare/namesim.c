/*
 * namesim.c -- similarity of two names given as parts, order-free.
 *
 * 1. Part against part: equal canonical spellings 1.0; an initial against a part
 *    with that first letter 0.9; otherwise Jaro-Winkler (Winkler 1990) of the
 *    canonical spellings, or of the spellings as written if higher, raised to
 *    0.95 when a Double Metaphone code (Philips 2000) or the consonant skeleton
 *    agrees and Jaro-Winkler is at least 0.7, and to 0.9 when only the code
 *    agrees (short names romanised with other vowels: uk / ouk, nay / nei).
 *    A code agreement counts the part as matched only from Jaro-Winkler 0.8, or
 *    for parts of up to three letters whose consonants agree as well (skeleton
 *    or sound classes: uk / ouk, zhu / ju; not win / ana, both coded AN, which
 *    with soe / zea made Burmese Win Soe every part of Ana Gabriela Rubio Zea
 *    in OFAC, and 38 other false pairs there): on one-part names through another script
 *    the code alone paired iiris / araos, mag / mika, hsieh / su, and half of the
 *    Russian xlit pairs it made were wrong (F1 0.67 -> 0.78 with the rule; the
 *    skeleton, the consonants in order, is strict enough to stay at 0.7).
 *    A skeleton alone does not count below 0.7: short skeletons collide ("ali"
 *    and "lee" both have "l") and the code tells those apart.
 * 1b. A Latin spelling against a part read from another script (wl_fpart.script:
 *    Cyrillic, Arabic, Hebrew, Hangul, kana, Han, other) is priced instead by the
 *    edit costs learned for that script (name_edit.c): that similarity replaces
 *    Jaro-Winkler and the codes of 1 and 4b, and the part counts as matched from
 *    WL_NAME_EDIT_AGREE, the script's calibrated threshold. On the xlit
 *    development rows, names only, default options, F1 rose from 0.81 / 0.76 /
 *    0.68 / 0.61 / 0.65 / 0.58 to 0.91 / 0.86 / 0.85 / 0.77 / 0.82 / 0.69
 *    (Russian, Arabic, Hebrew, Korean, Japanese, Chinese), precision most: the
 *    codes had paired strangers (fikar / fukuhara) as often as true spellings.
 *    Two Latin parts, or two readings, keep the rules of 1.
 * 2. Equal canonical parts are paired first (an exact agreement is the best
 *    account of a part, and it spares the similarity computations); then joined
 *    and split parts: a part of one name equal to two adjacent parts of the
 *    other run together (abdulrahman / abdul rahman, mohdali / mohd ali) is
 *    paired with them, as an exact agreement too: it is string equality. A part
 *    with the Arabic article glued on (aldabbas) agrees with the bare name
 *    (dabbas) as a sound agreement does (glued_article_of).
 * 3. The remaining parts are paired, each used once, by an exact maximum-weight
 *    assignment: every injective map for up to three rows (names are mostly one
 *    to three parts), else the Hungarian method (Kuhn 1955, Munkres 1957; the
 *    O(n^3) shortest augmenting path form with potentials, as in Jonker &
 *    Volgenant 1987). Both are deterministic and, unlike greedy pairing, cannot
 *    be led astray by one strong pair that blocks two good ones.
 * 4. Weights: a part weighs 0.4 + 0.6·idf, idf = log2(n/freq) / log2(n) in [0, 1]
 *    (inverse document frequency, Sparck Jones 1972, scaled so the weight does
 *    not depend on the dataset size), x1.25 when the list says it is the family
 *    name, x0.5 for an initial; particles weigh 0.15. A pair weighs the mean of
 *    its two parts. The score is the weighted mean similarity over the shorter
 *    name's parts, less up to 15% for the weight of the longer name's parts left
 *    unpaired (a name inside a longer one is likely the same person, but an
 *    unexplained extra part is mild evidence against). all_parts needs two
 *    parts of the shorter name, unless the longer has only one as well.
 * 4b. A part read from Hangul, kana, Han or an abjad (WL_PART_XSCRIPT) with the
 *    same sound spelling as the other (consonant classes, vowel runs as one
 *    symbol, five symbols or more: pormanoba / formanova, stluom / strom) is
 *    matched at 0.95: those scripts fit a foreign name to their own syllables,
 *    and Jaro-Winkler of the romanisation punishes exactly what they change.
 *    Between two Latin or Cyrillic spellings the letters are the person's own,
 *    and the rule stays off (it cost OFAC 0.006 and Russian xlit 0.015 of F1).
 * 5. Parts with the same sound classes (wl_sound_classes: a name through another
 *    script and back, benier / venier) score at least 0.85, but such a part is
 *    not counted as matched: on names-only lists, random one-part names agree
 *    on their classes often enough that "every part agrees" would lose its
 *    weight (u of all_parts rose and the Russian xlit sample fell to 0 pairs).
 */
#include <assert.h>
#include <math.h>

#include "normalise/name.h"
#include "compare/name_edit.h"
#include "compare/namesim.h"
#include "compare/strsim.h"

#define SIM_INITIAL 0.9
#define SIM_PHONETIC 0.95
#define SIM_SOUND_ONLY 0.9 /* same Double Metaphone code, spellings far apart */
#define SIM_SOUND_CLASS 0.85 /* same sound classes only: a transcription through another script */
#define PHONETIC_MIN_JW 0.7
#define SPELL_FLOOR 0.95 /* same sound spelling, one side transcribed (4b above) */
#define DM_MATCH_JW 0.8 /* a code agreement below it raises the score but matches no part */
#define W_PARTICLE 0.15
#define W_FAMILY 1.25
#define W_INITIAL 0.5
#define EXTRA_PENALTY 0.15
#define MAXP WL_NAME_MAX_PARTS
_Static_assert(sizeof(((wl_name_prep *)0)->w) == MAXP * sizeof(double), "wl_name_prep holds every part's weight");

enum { K_NONE = 0, K_JW, K_INITIAL, K_PHONETIC, K_EXACT };

typedef struct {
    double sim;
    double jw;
    int kind;
} part_match;

/* One side of the comparison: its parts, the text they point into, weights. */
typedef struct {
    const wl_fpart *p;
    size_t n;
    const double *w;    /* the parts' weights (wl_name_prep.w) */
    uint8_t used[MAXP]; /* paired by a join */
    /* For joins, as bit sets of lengths (bit len & 63): the lengths of the parts
     * that may be a join (neither particle nor initial), either spelling, and
     * the lengths two adjacent parts add up to. A part of one name can be two of
     * the other run together only if lens of one meets sums of the other. */
    uint64_t lens, sums;
    double whole; /* the sum of w, in part order */
    /* Counted at init and as parts are paired, so the counts below need no
     * walk over the parts: those that are not particles, any patronymic
     * flag, and the parts paired (of them not particles). */
    int np, n_used, np_used;
    int patronymic;
} name_side;


static const char *canon_of(const wl_features *f, const wl_fpart *p) { return wl_f_str(f, p->canon); }
static const char *text_of(const wl_features *f, const wl_fpart *p) { return wl_f_str(f, p->str); }

static int is_particle(const wl_fpart *p) { return (p->flags & WL_PART_PARTICLE) != 0; }
static int is_initial(const wl_fpart *p) { return (p->flags & WL_PART_INITIAL) || p->canon_len == 1; }

/* log2 of x >= 1 to about 0.01: the exponent from the leading bit, the
 * fraction by linear interpolation between powers of two, which is plenty for
 * a weight and costs no call into libm on the hot path. */
static double log2_approx(uint64_t x)
{
    if (x < 2) return 0.0;
    int e = 63 - __builtin_clzll(x);
    /* x / 2^e - 1 in [0, 1): the bits below the leading one, as a fraction */
    double frac = (double)(x << (63 - e) << 1) * 0x1p-64;
    return (double)e + frac * (1.0 + 0.344 * (1.0 - frac)); /* bends towards log2(1 + f) */
}

static double idf_of(double log2_n, double inv_log2_n, uint32_t freq)
{
    if (log2_n <= 0.0) return 1.0;
    double r = (log2_n - log2_approx(freq)) * inv_log2_n;
    return r < 0.0 ? 0.0 : r > 1.0 ? 1.0 : r;
}

/*
 * A memo of idf by (population, frequency), per thread: a one-record query
 * weighs its own parts again against each of its ~140 candidates, and common
 * parts recur across candidates and queries. idf is a function of the two
 * numbers alone (log2_n and its inverse come from n), so a hit is the value
 * computed again; frequency 0 (read as 1) marks the empty entries.
 */
enum { IDF_MEMO_BITS = 10 };

typedef struct {
    uint64_t n;
    uint32_t freq;
    double idf;
} idf_memo_entry;

static _Thread_local idf_memo_entry g_idf_memo[1u << IDF_MEMO_BITS];

static double idf(uint64_t n, double log2_n, double inv_log2_n, const wl_fpart *p)
{
    uint32_t freq = p->freq ? p->freq : 1u;
    idf_memo_entry *e = &g_idf_memo[(freq * 0x9E3779B1u) >> (32 - IDF_MEMO_BITS)];
    if (e->freq == freq && e->n == n) return e->idf;
    double r = idf_of(log2_n, inv_log2_n, freq);
    *e = (idf_memo_entry){ n, freq, r };
    return r;
}

static double part_weight(uint64_t n, double log2_n, double inv_log2_n, const wl_fpart *p)
{
    if (is_particle(p)) return W_PARTICLE;
    double w = 0.4 + 0.6 * idf(n, log2_n, inv_log2_n, p);
    if (p->flags & WL_PART_FAMILY) w *= W_FAMILY;
    if (is_initial(p)) w *= W_INITIAL;
    return w;
}

/* WL_DM_VOWEL_ONLY never agrees: two such parts counted as one name, and
 * Burmese Khin Maung Oo and Khin Maung Aye agreed on all their parts (OFAC
 * against EU, 0.92). */
static int dm_same(uint32_t a, uint32_t b) { return a && a == b && a != WL_DM_VOWEL_ONLY; }

static int dm_agree(const wl_fpart *x, const wl_fpart *y)
{
    /* most pairs share no code: one branch for the four equalities */
    if (!((x->dm1 == y->dm1) | (x->dm1 == y->dm2) | (x->dm2 == y->dm1) | (x->dm2 == y->dm2))) return 0;
    return dm_same(x->dm1, y->dm1) || dm_same(x->dm1, y->dm2) || dm_same(x->dm2, y->dm1)
           || dm_same(x->dm2, y->dm2);
}

/* The same consonants by sound class (wl_sound_classes): how a name written in
 * Hangul, kana, Han or Cyrillic and romanised back still meets its Latin
 * spelling (benier / venier, polest / forest). Two classes alone collide too
 * often (oliwa / alla), so they count only with a fair Jaro-Winkler. */
static int sound_agree(const wl_fpart *x, const wl_fpart *y, double jw)
{
    if (!x->h_sound || x->h_sound != y->h_sound) return 0;
    return wl_sound_len(x->h_sound) >= 3 || jw >= PHONETIC_MIN_JW;
}

/* An initial against a part: its letter against the part's first letter
 * (either spelling: "m" stands for mohd as well as for its canon muhammad). */
static part_match initial_match(const wl_features *f, const wl_fpart *ini, const wl_fpart *o)
{
    char c = canon_of(f, ini)[0];
    part_match m = { 0.0, 0.0, K_NONE };
    if ((o->canon_len && canon_of(f, o)[0] == c) || (o->len && text_of(f, o)[0] == c)) {
        m.sim = m.jw = SIM_INITIAL;
        m.kind = K_INITIAL;
    }
    return m;
}

static int has_variant(const wl_features *f, const wl_fpart *p)
{
    return p->str != p->canon
           && (p->len != p->canon_len || memcmp(text_of(f, p), canon_of(f, p), p->len) != 0);
}

/*
 * A memo of Jaro-Winkler between canonical spellings, per thread. Candidate
 * pairs come sorted by their first record, whose parts meet the same common
 * parts of the other side again and again (muhammad, nguyen, binti...), and a
 * canonical hash names its spelling (h_canon is XXH3 of it), so the pair of
 * hashes names the result. Direct-mapped, overwritten on a clash: the result
 * is the same whether it comes from here or from the kernel, so the thread
 * count and the order of pairs cannot change it. Never asked for x == y (equal
 * parts are settled before), so the zeroed entries match no query.
 */
enum { JW_MEMO_BITS = 14 };

typedef struct {
    uint64_t x, y;
    double jw;
} jw_memo_entry;

static _Thread_local jw_memo_entry g_jw_memo[1u << JW_MEMO_BITS];

unsigned wl_namesim_memo_slot(uint64_t hx, uint64_t hy)
{
    return (unsigned)((hx ^ (hy * UINT64_C(0x9E3779B97F4A7C15))) >> (64 - JW_MEMO_BITS));
}

static double canon_jw(const wl_features *f, const wl_fpart *x, const wl_fpart *y)
{
    jw_memo_entry *e = &g_jw_memo[wl_namesim_memo_slot(x->h_canon, y->h_canon)];
    if (e->x == x->h_canon && e->y == y->h_canon) return e->jw;
    double jw = wl_jaro_winkler(canon_of(f, x), x->canon_len, canon_of(f, y), y->canon_len);
    e->x = x->h_canon;
    e->y = y->h_canon;
    e->jw = jw;
    return jw;
}

/* Jaro-Winkler of the canonical spellings, or of the spellings as written when
 * that is higher: a canonical table maps each spelling to one variant, and two
 * close spellings can land on different ones (lym / lim -> lin). */
/* has_variant of a part, asked once per part rather than once per pair of
 * parts (it reads the text): *v is -1 until then. */
static int variant_once(const wl_features *f, const wl_fpart *p, int8_t *v)
{
    if (*v < 0) *v = (int8_t)has_variant(f, p);
    return *v;
}

/*
 * A memo of Jaro-Winkler between the spellings as written, per thread: about
 * as many pairs need it as need the canonical one (mohammed / muhammad), and
 * there is no hash of the spelling as written to name them, so each entry
 * keeps its two spellings whole (spell_words) and a hit compares them. The
 * slot comes from the canonical hashes and the lengths; a clash of slots
 * overwrites and costs one recomputation, never another pair's value.
 * Spellings longer than RAW_MEMO_LEN bytes (run-together names) and empty
 * ones skip it; length 0 marks the empty entries.
 */
enum { RAW_MEMO_BITS = 12, RAW_MEMO_LEN = 16 };

typedef struct {
    uint64_t lo, hi;
} spell_key;

/* A spelling of 1..16 bytes as two words that, with its length, are the whole
 * spelling: its first and last 8 bytes (overlapping below 16), or first and
 * last 4 below 8, or its bytes below 4. Only the spelling's own bytes are
 * read, never the NUL or the text after it. */
static spell_key spell_words(const char *s, size_t n)
{
    spell_key k = { 0, 0 };
    if (n >= 8) {
        memcpy(&k.lo, s, 8);
        memcpy(&k.hi, s + n - 8, 8);
    } else if (n >= 4) {
        uint32_t lo, hi;
        memcpy(&lo, s, 4);
        memcpy(&hi, s + n - 4, 4);
        k.lo = lo;
        k.hi = hi;
    } else {
        for (size_t i = 0; i < n; i++) k.lo |= (uint64_t)(unsigned char)s[i] << (8 * i);
    }
    return k;
}

typedef struct {
    spell_key x, y;
    double jw;
    uint8_t lx, ly;
} raw_memo_entry;

static _Thread_local raw_memo_entry g_raw_memo[1u << RAW_MEMO_BITS];

static __attribute__((noinline)) double raw_jw(const wl_features *f, const wl_fpart *x, const wl_fpart *y)
{
    const char *tx = text_of(f, x), *ty = text_of(f, y);
    size_t lx = x->len, ly = y->len;
    if (lx == 0 || ly == 0 || lx > RAW_MEMO_LEN || ly > RAW_MEMO_LEN) return wl_jaro_winkler(tx, lx, ty, ly);
    unsigned slot = (unsigned)(((x->h_canon + lx) ^ ((y->h_canon + ly) * UINT64_C(0x9E3779B97F4A7C15)))
                               >> (64 - RAW_MEMO_BITS));
    raw_memo_entry *e = &g_raw_memo[slot];
    spell_key kx = spell_words(tx, lx), ky = spell_words(ty, ly);
    if (e->lx == lx && e->ly == ly && e->x.lo == kx.lo && e->x.hi == kx.hi && e->y.lo == ky.lo && e->y.hi == ky.hi)
        return e->jw;
    double jw = wl_jaro_winkler(tx, lx, ty, ly);
    *e = (raw_memo_entry){ kx, ky, jw, (uint8_t)lx, (uint8_t)ly };
    return jw;
}

/*
 * A memo of the script-cost similarity (name_edit.c), per thread, as the one
 * of the spellings as written: a query part meets the same reading in many
 * candidates (three calls in ten repeat one of the same query), and each call
 * prices a whole edit table (~1,000 instructions). The similarity is a
 * function of the script and the two spellings alone, which an entry keeps
 * whole; the slot comes from the canonical hashes, lengths and script.
 */
enum { EDIT_MEMO_BITS = 10 };

typedef struct {
    spell_key lat, rd;
    double sim;
    uint8_t llat, lrd, script;
} edit_memo_entry;

static _Thread_local edit_memo_entry g_edit_memo[1u << EDIT_MEMO_BITS];

static double edit_similarity(const wl_features *f, const wl_fpart *lat, const wl_fpart *rd)
{
    const char *tl = text_of(f, lat), *tr = text_of(f, rd);
    size_t ll = lat->len, lr = rd->len;
    if (ll == 0 || lr == 0 || ll > RAW_MEMO_LEN || lr > RAW_MEMO_LEN)
        return wl_name_edit_similarity(rd->script, tl, ll, tr, lr);
    uint64_t h = (lat->h_canon + ll) ^ ((rd->h_canon + lr + rd->script) * UINT64_C(0x9E3779B97F4A7C15));
    edit_memo_entry *e = &g_edit_memo[h >> (64 - EDIT_MEMO_BITS)];
    spell_key kl = spell_words(tl, ll), kr = spell_words(tr, lr);
    if (e->llat == ll && e->lrd == lr && e->script == rd->script && e->lat.lo == kl.lo && e->lat.hi == kl.hi
        && e->rd.lo == kr.lo && e->rd.hi == kr.hi)
        return e->sim;
    double sim = wl_name_edit_similarity(rd->script, tl, ll, tr, lr);
    *e = (edit_memo_entry){ kl, kr, sim, (uint8_t)ll, (uint8_t)lr, (uint8_t)rd->script };
    return sim;
}

/* Inlined into every cell of pair_rest (the canonical memo's hit is most of
 * its calls); the spellings as written stay a call of their own. */
static inline __attribute__((always_inline)) double spelling_jw(const wl_features *f, const wl_fpart *x, int8_t *vx,
                                                                const wl_fpart *y, int8_t *vy)
{
    double jw = canon_jw(f, x, y);
    if (jw < 1.0 && (variant_once(f, x, vx) || variant_once(f, y, vy))) {
        double raw = raw_jw(f, x, y);
        if (raw > jw) jw = raw;
    }
    return jw;
}

/* The Arabic article glued to a name, as Gulf passports and several lists write
 * it (aldabbas, alshehri, elkaddafi), against the name without it: 1 when one
 * canonical spelling is "al" or "el" and then exactly the other. Only for a rest
 * of five letters or more, so that albert / bert or elena / ena never meet; the
 * blocking keys index the bare name the same way (block_keys.c other_spellings). */
static int glued_article_of(const wl_features *f, const wl_fpart *x, const wl_fpart *y)
{
    const wl_fpart *g = x->canon_len == y->canon_len + 2 ? x : y->canon_len == x->canon_len + 2 ? y : NULL;
    if (!g || g->canon_len < 7) return 0;
    const wl_fpart *o = g == x ? y : x;
    const char *c = canon_of(f, g);
    return (c[0] == 'a' || c[0] == 'e') && c[1] == 'l' && !memcmp(c + 2, canon_of(f, o), o->canon_len);
}

/* Part x against part y; vx, vy: their has_variant memos (variant_once).
 * Inlined: pair_rest calls it for every cell, and the call with its 24-byte
 * result was a tenth of the cell's cost. */
static inline __attribute__((always_inline)) part_match part_similarity(const wl_features *f, const wl_fpart *x,
                                                                        int8_t *vx, const wl_fpart *y, int8_t *vy)
{
    part_match m = { 1.0, 1.0, K_EXACT };
    if (x->h_canon == y->h_canon) return m;
    if (is_particle(x) != is_particle(y)) { /* "bin" is no spelling of "binh" */
        m.sim = m.jw = 0.0;
        m.kind = K_NONE;
        return m;
    }
    if (is_initial(x)) return initial_match(f, x, y);
    if (is_initial(y)) return initial_match(f, y, x);
    if ((x->script == WL_SCRIPT_LATIN) != (y->script == WL_SCRIPT_LATIN)) {
        /* A Latin spelling against a reading from another script: priced by
         * what that script does to names (name_edit.c, 1b above). */
        const wl_fpart *lat = x->script == WL_SCRIPT_LATIN ? x : y, *rd = lat == x ? y : x;
        double s = edit_similarity(f, lat, rd);
        if (s >= 0.0) {
            m.sim = m.jw = s;
            m.kind = s >= WL_NAME_EDIT_AGREE ? K_PHONETIC : K_JW;
            return m;
        }
    }
    m.jw = spelling_jw(f, x, vx, y, vy);
    m.sim = m.jw;
    m.kind = K_JW;
    double floor = 0.0;
    int agree = 0;
    if (x->h_skel == y->h_skel && m.jw >= PHONETIC_MIN_JW) {
        floor = SIM_PHONETIC;
        agree = 1;
    } else if (dm_agree(x, y)) {
        floor = m.jw >= PHONETIC_MIN_JW ? SIM_PHONETIC : SIM_SOUND_ONLY;
        agree = m.jw >= DM_MATCH_JW || (x->canon_len <= 3 && y->canon_len <= 3
                                           && (x->h_skel == y->h_skel || (x->h_sound && x->h_sound == y->h_sound)));
    }
    if (!agree && x->h_spell && x->h_spell == y->h_spell && ((x->flags | y->flags) & WL_PART_XSCRIPT)) {
        floor = SPELL_FLOOR; /* the same sound spelling: a transcription (wl_sound_spelling) */
        agree = 1;
    }
    if (!agree && glued_article_of(f, x, y)) {
        floor = SIM_PHONETIC;
        agree = 1;
    }
    if (floor > 0.0) {
        m.sim = m.jw > floor ? m.jw : floor;
        if (agree) m.kind = K_PHONETIC;
    } else if (sound_agree(x, y, m.jw) && m.jw < SIM_SOUND_CLASS) {
        m.sim = SIM_SOUND_CLASS; /* raises the score, but is no agreement of the part */
    }
    return m;
}

/* ---- joined and split parts ---- */

static int spelled_as_two(const char *s, size_t n, const char *x, size_t nx, const char *y, size_t ny)
{
    return nx && ny && n == nx + ny && !memcmp(s, x, nx) && !memcmp(s + nx, y, ny);
}

/* 1 when part j of one name is parts k, k+1 of the other run together, in
 * either the normalised or the canonical spellings. The lengths are compared
 * first: they settle almost every pair without touching the text. */
static int is_join(const wl_features *f, const wl_fpart *j, const wl_fpart *k)
{
    const wl_fpart *k1 = k + 1;
    if (j->len == k->len + k1->len
        && spelled_as_two(text_of(f, j), j->len, text_of(f, k), k->len, text_of(f, k1), k1->len))
        return 1;
    return j->canon_len == k->canon_len + k1->canon_len
           && spelled_as_two(canon_of(f, j), j->canon_len, canon_of(f, k), k->canon_len,
                             canon_of(f, k1), k1->canon_len);
}

typedef struct {
    double score_sum, weight_sum; /* over the pairs made */
    double jw_min;
    float rare_bits;
    int n_matched, n_pairs_np; /* matched / made pairs, particles aside */
    int fixed;                 /* pairs made before the assignment, particles aside */
} pairing;

/* A rare part agrees in another spelling as often as in the same one across
 * lists (Kawtharani / Kawtarani, Saidi / Sa'idi): a close pair of parts (a
 * phonetic, script-cost or sound agreement, or Jaro-Winkler at the jw80 level's
 * bound) brings its rarity scaled by its similarity. Counting exact parts only
 * left such a pair with the rarity of its "Muhammad" (OFAC aliases: with the
 * adjustment on exact parts alone, the best F1 fell from 0.51 to 0.49; with
 * close parts too it rose to 0.55). */
#define RARE_FUZZY_SIM 0.80

/* The rarity bits log2(n / freq), through a memo by (n, freq) per thread
 * like idf's: they are a function of the two numbers alone, and the common
 * parts that agree recur pair after pair (frequency 0 marks the empty
 * entries; the frequency asked is at least 1). */
typedef struct {
    uint64_t n;
    uint32_t freq;
    float bits;
} rare_memo_entry;

static _Thread_local rare_memo_entry g_rare_memo[1u << IDF_MEMO_BITS];

static float rare_of_freq(const wl_features *f, uint32_t freq)
{
    if (f->n == 0) return 0.0f;
    freq = WL_MAX(freq, 1u);
    rare_memo_entry *e = &g_rare_memo[(freq * 0x9E3779B1u) >> (32 - IDF_MEMO_BITS)];
    if (e->freq == freq && e->n == f->n) return e->bits;
    double bits = log2((double)f->n / (double)freq);
    float r = bits > 0.0 ? (float)bits : 0.0f;
    *e = (rare_memo_entry){ f->n, freq, r };
    return r;
}

static float rare_evidence(const wl_features *f, const wl_fpart *x, const wl_fpart *y)
{
    return rare_of_freq(f, WL_MAX(x->freq, y->freq));
}

/* Adds the pair (x of the shorter side, y of the longer) to the totals. */
static void add_pair(const wl_features *f, const wl_fpart *x, double wx, const wl_fpart *y, double wy,
                     const part_match *m, pairing *acc)
{
    double w = 0.5 * (wx + wy);
    acc->score_sum += w * m->sim;
    acc->weight_sum += w;
    if (m->kind == K_EXACT) acc->rare_bits += rare_evidence(f, x, y);
    else if (m->kind == K_PHONETIC || (m->kind == K_JW && m->sim >= RARE_FUZZY_SIM))
        acc->rare_bits += (float)m->sim * rare_evidence(f, x, y);
    if (is_particle(x)) return;
    acc->n_pairs_np++;
    if (m->kind >= K_INITIAL) acc->n_matched++;
    if (m->jw < acc->jw_min) acc->jw_min = m->jw;
}

/* Part i of s is paired (by an equal part or a join). */
static void mark_used(name_side *s, size_t i)
{
    s->used[i] = 1;
    s->n_used++;
    s->np_used += !is_particle(&s->p[i]);
}

/*
 * Equal canonical parts are paired first, before any similarity is computed:
 * an exact agreement is the best account of a part, and taking it out makes
 * the assignment smaller and spares most Jaro-Winkler calls on the pairs that
 * matter (those that match). Duplicates pair in order.
 */
static void pair_exact(const wl_features *f, name_side *x, name_side *y, pairing *acc)
{
    static const part_match same = { 1.0, 1.0, K_EXACT };
    for (size_t i = 0; i < x->n; i++) {
        for (size_t j = 0; j < y->n; j++) {
            if (y->used[j] || x->p[i].h_canon != y->p[j].h_canon) continue;
            mark_used(x, i);
            mark_used(y, j);
            add_pair(f, &x->p[i], x->w[i], &y->p[j], y->w[j], &same, acc);
            acc->fixed += !is_particle(&x->p[i]);
            break;
        }
    }
}

/* Pairs each unused part of `one` with two unused adjacent parts of `two`.
 * Called only when one->lens meets two->sums (wl_name_similarity). */
static void pair_joins(const wl_features *f, name_side *one, name_side *two, pairing *acc)
{
    /* A part of `one` of no length in two->sums cannot be a join, and most are not. */
    const uint64_t sums = two->sums;
    for (size_t j = 0; j < one->n; j++) {
        const wl_fpart *pj = &one->p[j];
        if (!((sums >> (pj->len & 63)) & 1) && !((sums >> (pj->canon_len & 63)) & 1)) continue;
        if (one->used[j] || is_particle(pj) || is_initial(pj)) continue;
        for (size_t k = 0; k + 1 < two->n; k++) {
            if (two->used[k] || two->used[k + 1] || !is_join(f, pj, &two->p[k])) continue;
            mark_used(one, j);
            mark_used(two, k);
            mark_used(two, k + 1);
            acc->score_sum += one->w[j];
            acc->weight_sum += one->w[j];
            /* The joined name is as rare as its run-together spelling or its
             * rarer half, whichever is commoner (most lists write it apart). */
            const wl_fpart *k0 = &two->p[k], *k1 = &two->p[k + 1];
            acc->rare_bits += rare_of_freq(f, WL_MAX(pj->freq, WL_MIN(k0->freq, k1->freq)));
            acc->n_matched++;
            acc->n_pairs_np++;
            acc->fixed++;
            break;
        }
    }
}

/* ---- maximum-weight assignment ---- */

/*
 * Minimum-cost assignment of rows 1..r to distinct columns 1..c (r <= c) by
 * shortest augmenting paths with potentials u, v; cost is 1-based with stride
 * MAXP + 1. On return row_at[j] is the row given column j (0: none).
 */
static void assign_min_cost(const double *cost, int r, int c, int *row_at)
{
    double u[MAXP + 1] = { 0 }, v[MAXP + 1] = { 0 }, minv[MAXP + 1];
    int way[MAXP + 1] = { 0 };
    uint8_t done[MAXP + 1];
    for (int j = 0; j <= c; j++) row_at[j] = 0;
    for (int i = 1; i <= r; i++) {
        int j0 = 0;
        row_at[0] = i;
        for (int j = 0; j <= c; j++) {
            minv[j] = HUGE_VAL;
            done[j] = 0;
        }
        /* Grow the tree of tight edges until a free column is reached. */
        do {
            done[j0] = 1;
            int i0 = row_at[j0], j1 = 0;
            double delta = HUGE_VAL;
            for (int j = 1; j <= c; j++) {
                if (done[j]) continue;
                double cur = cost[i0 * (MAXP + 1) + j] - u[i0] - v[j];
                if (cur < minv[j]) {
                    minv[j] = cur;
                    way[j] = j0;
                }
                if (minv[j] < delta) {
                    delta = minv[j];
                    j1 = j;
                }
            }
            for (int j = 0; j <= c; j++) {
                if (done[j]) {
                    u[row_at[j]] += delta;
                    v[j] -= delta;
                } else {
                    minv[j] -= delta;
                }
            }
            j0 = j1;
        } while (row_at[j0] != 0);
        /* Flip the augmenting path. */
        do {
            int j1 = way[j0];
            row_at[j0] = row_at[j1];
            j0 = j1;
        } while (j0);
    }
}

/* Up to three rows and six columns (wl_assign_max): every injective map of
 * rows to columns (at most 6·5·4 = 120 for three rows, usually 3·2·1), the
 * first best kept. Names of one to three parts are nearly all the traffic,
 * and this is cheaper than potentials. */
static void assign_small(const double *w, int rows, int cols, int *col_of)
{
    double best = -HUGE_VAL;
    /* One and two rows (most names) walk only their own loops; the maps, the
     * sums and the first best are those of the three loops below (adding 0.0
     * changes no comparison). */
    if (rows == 1) {
        for (int j0 = 0; j0 < cols; j0++)
            if (w[j0] > best) {
                best = w[j0];
                col_of[0] = j0;
            }
        return;
    }
    if (rows == 2) {
        for (int j0 = 0; j0 < cols; j0++)
            for (int j1 = 0; j1 < cols; j1++) {
                if (j1 == j0) continue;
                double v = w[j0] + w[cols + j1];
                if (v > best) {
                    best = v;
                    col_of[0] = j0;
                    col_of[1] = j1;
                }
            }
        return;
    }
    int j1_end = rows > 1 ? cols : 1, j2_end = rows > 2 ? cols : 1;
    for (int j0 = 0; j0 < cols; j0++)
        for (int j1 = 0; j1 < j1_end; j1++) {
            if (rows > 1 && j1 == j0) continue;
            for (int j2 = 0; j2 < j2_end; j2++) {
                if (rows > 2 && (j2 == j0 || j2 == j1)) continue;
                double v = w[j0] + (rows > 1 ? w[cols + j1] : 0.0)
                           + (rows > 2 ? w[2 * cols + j2] : 0.0);
                if (v > best) {
                    best = v;
                    col_of[0] = j0;
                    if (rows > 1) col_of[1] = j1;
                    if (rows > 2) col_of[2] = j2;
                }
            }
        }
}

void wl_assign_max(const double *w, int rows, int cols, int *col_of)
{
    if (rows <= 3 && cols <= 6) {
        assign_small(w, rows, cols, col_of);
        return;
    }
    double cost[(MAXP + 1) * (MAXP + 1)];
    int row_at[MAXP + 1];
    assert(rows <= cols && cols <= MAXP);
    cost[0] = 0.0; /* row 0 is never read; written so GCC sees the array set */
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++) cost[(i + 1) * (MAXP + 1) + j + 1] = -w[i * cols + j];
    assign_min_cost(cost, rows, cols, row_at);
    for (int j = 1; j <= cols; j++)
        if (row_at[j]) col_of[row_at[j] - 1] = j - 1;
}

/* The parts of a side not taken by joins, as indices. */
static int free_parts(const name_side *s, int *idx)
{
    int k = 0;
    for (size_t j = 0; j < s->n; j++)
        if (!s->used[j]) idx[k++] = (int)j;
    return k;
}

/*
 * Pairs the free parts of the shorter side s (rows) with those of the longer
 * side l (columns). Returns the weight of l's parts left unpaired.
 */
static double pair_rest(const wl_features *f, const name_side *s, const name_side *l, pairing *acc)
{
    int ri[MAXP], ci[MAXP], col_of[MAXP];
    int r = free_parts(s, ri), c = free_parts(l, ci);
    double left = 0.0;
    if (r == 0) {
        for (int j = 0; j < c; j++) left += l->w[ci[j]];
        return left;
    }
    double gain[MAXP * MAXP]; /* r x c: the weighted similarity of each pair */
    part_match m[MAXP][MAXP];
    int8_t var_s[MAXP], var_l[MAXP];
    memset(var_s, -1, sizeof var_s);
    memset(var_l, -1, sizeof var_l);
    gain[0] = 0.0; /* set below too; written first so GCC sees the array set */
    for (int i = 0; i < r; i++)
        for (int j = 0; j < c; j++) {
            m[i][j] = part_similarity(f, &s->p[ri[i]], &var_s[i], &l->p[ci[j]], &var_l[j]);
            gain[i * c + j] = 0.5 * (s->w[ri[i]] + l->w[ci[j]]) * m[i][j].sim;
        }
    wl_assign_max(gain, r, c, col_of);
    uint8_t taken[MAXP] = { 0 };
    for (int i = 0; i < r; i++) {
        int j = col_of[i];
        taken[j] = 1;
        add_pair(f, &s->p[ri[i]], s->w[ri[i]], &l->p[ci[j]], l->w[ci[j]], &m[i][j], acc);
    }
    for (int j = 0; j < c; j++)
        if (!taken[j]) left += l->w[ci[j]];
    return left;
}

/* ---- the whole comparison ---- */

/* The join length sets of the name p (n parts), as name_side keeps them:
 * prep_init's, and wl_name_surely_different's, which must see the same. */
static void join_sets(const wl_fpart *p, size_t n, uint64_t *lens, uint64_t *sums)
{
    *lens = *sums = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_particle(&p[i]) && !is_initial(&p[i]))
            *lens |= UINT64_C(1) << (p[i].len & 63) | UINT64_C(1) << (p[i].canon_len & 63);
        if (i + 1 < n) {
            *sums |= UINT64_C(1) << ((p[i].len + p[i + 1].len) & 63);
            *sums |= UINT64_C(1) << ((p[i].canon_len + p[i + 1].canon_len) & 63);
        }
    }
}

/* What a name brings to every comparison, from its parts alone (n <= MAXP):
 * the weights (4. above), their sum in part order, the join length sets, the
 * count of parts that are not particles, any patronymic, and the sum of the
 * canonical hashes name_before orders by. */
static void prep_init(const wl_features *f, const wl_fpart *p, size_t n, wl_name_prep *pr)
{
    uint64_t pop = f->n, hsum = 0;
    double log2_n = log2_approx(pop), inv = log2_n > 0.0 ? 1.0 / log2_n : 0.0;
    double whole = 0.0;
    int np = 0, flags = 0;
    for (size_t i = 0; i < n; i++) {
        pr->w[i] = part_weight(pop, log2_n, inv, &p[i]);
        whole += pr->w[i];
        hsum += p[i].h_canon;
        np += !is_particle(&p[i]);
        flags |= p[i].flags;
    }
    join_sets(p, n, &pr->lens, &pr->sums);
    pr->hsum = hsum;
    pr->whole = whole;
    pr->np = np;
    pr->patronymic = (flags & WL_PART_PATRONYMIC) != 0;
}

void wl_name_prepare(const wl_features *f, const wl_fpart *p, size_t n, wl_name_prep *out)
{
    prep_init(f, p, WL_MIN(n, (size_t)MAXP), out);
}

static void side_init(name_side *s, const wl_fpart *p, size_t n, const wl_name_prep *pr)
{
    s->p = p;
    s->n = n;
    s->w = pr->w;
    memset(s->used, 0, sizeof s->used);
    s->lens = pr->lens;
    s->sums = pr->sums;
    s->whole = pr->whole;
    s->np = pr->np;
    s->n_used = s->np_used = 0;
    s->patronymic = pr->patronymic;
}

/* The parts of a side not taken by equal parts or joins (*all), and of those
 * the ones that are not particles (*np). */
static void free_counts(const name_side *s, int *all, int *np)
{
    *all = (int)s->n - s->n_used;
    *np = s->np - s->np_used;
}

/* Orders two names whatever order they come in: fewer parts first, then by
 * their canonical hashes, then by their spellings. */
static int name_before(const wl_features *f, const wl_fpart *a, size_t na, uint64_t ka, const wl_fpart *b,
                       size_t nb, uint64_t kb)
{
    if (na != nb) return na < nb;
    if (ka != kb) return ka < kb; /* the sums of the canonical hashes (wl_name_prep.hsum) */
    for (size_t k = 0; k < na; k++) {
        int c = strcmp(text_of(f, &a[k]), text_of(f, &b[k]));
        if (c) return c < 0;
    }
    return 1;
}

/*
 * Two patronymics that disagree (Sergei Pavlovich Ivanov, Sergei Borisovich
 * Ivanov): a father's name is left out by many lists, so a patronymic weighs
 * like a particle, but where both names give one, a different one is a
 * different father -- two namesakes, not one person in two spellings. Such
 * names agree neither exactly nor in all parts, and score at most
 * PATRONYMIC_CAP, the jw80 level. On the EU travel-ban names, Latin rows
 * against Cyrillic rows, names only: P 0.976 -> 0.982, R 0.442 -> 0.449.
 * Spellings of one patronymic (Valeryevich, Valerievich, Валерьевич) agree by
 * the part comparison itself; one father's name in two languages (Belarusian
 * Ryhoravich, Russian Grigoryevich: 0.78 whole) by its stem, the ending
 * aside (ryhor / grigory 0.68, uladzimir / vladimir 0.88), where different
 * fathers fall far lower (pavl / boris 0, petr / pavl 0.5).
 */
#define PATRONYMIC_CAP 0.90f
#define PATRONYMIC_AGREE 0.85
#define PATRONYMIC_STEM_AGREE 0.60

static int patronymics_disagree(const wl_features *f, const wl_fpart *a, size_t na, const wl_fpart *b, size_t nb)
{
    int ha = 0, hb = 0;
    for (size_t i = 0; i < na; i++) ha |= (a[i].flags & WL_PART_PATRONYMIC) != 0;
    for (size_t j = 0; j < nb; j++) hb |= (b[j].flags & WL_PART_PATRONYMIC) != 0;
    if (!ha || !hb) return 0;
    for (size_t i = 0; i < na; i++) {
        if (!(a[i].flags & WL_PART_PATRONYMIC)) continue;
        for (size_t j = 0; j < nb; j++) {
            if (!(b[j].flags & WL_PART_PATRONYMIC)) continue;
            int8_t va = -1, vb = -1;
            part_match m = part_similarity(f, &a[i], &va, &b[j], &vb);
            if (m.kind >= K_PHONETIC || m.sim >= PATRONYMIC_AGREE) return 0;
            /* the fathers' names themselves, endings aside */
            const char *ta = text_of(f, &a[i]), *tb = text_of(f, &b[j]);
            size_t sa = wl_patronymic_stem(ta, a[i].len), sb = wl_patronymic_stem(tb, b[j].len);
            if (sa && sb && wl_jaro_winkler(ta, sa, tb, sb) >= PATRONYMIC_STEM_AGREE) return 0;
        }
    }
    return 1;
}

/*
 * The cheap exit of a levels-only comparison (wl_compare_levels): names that
 * surely compare at "different", told without the weights, the memos, the
 * Jaro-Winkler kernel or the assignment. The score is base x (1 - penalty),
 * base the weighted mean of the similarities of the pairs of parts made, each
 * weight positive, so it is at most the largest similarity any two parts can
 * have. No pair of parts can reach SURELY_LOW when none is equal (pair_exact)
 * and every pair of parts takes part_similarity's plain Jaro-Winkler path --
 * no initial, no reading priced by its script, no skeleton, code, sound
 * spelling or sound class in common (those raise the similarity to a floor or
 * count the part as matched) -- with a Jaro-Winkler bound
 * (wl_jaro_winkler_bound, of the canonical and of the written spellings) under
 * it. Then no part is matched (exact and all_parts need one) and the score is
 * under 0.80: "different" -- when no part is a join either (pair_joins pairs
 * it as equal; the length sets of prep_init do not meet). The bound alone
 * does not see every join: the part bintiali against the particle binti is 0
 * (a particle against a name), against ali under the bound (test_compare_levels).
 * SURELY_LOW sits under 0.80f by more than a float's step there (6e-8), so the
 * rounding of the score's sums and of its conversion to float cannot lift a
 * score over the level's bound.
 */
#define SURELY_LOW 0.7999

/* Part x against part y is surely under SURELY_LOW and no agreement. */
static int parts_surely_low(const wl_features *f, const wl_fpart *x, const wl_fpart *y)
{
    if (x->h_canon == y->h_canon) return 0;
    if (is_particle(x) != is_particle(y)) return 1; /* part_similarity: 0 */
    if (is_initial(x) || is_initial(y)) return 0;
    if ((x->script == WL_SCRIPT_LATIN) != (y->script == WL_SCRIPT_LATIN)) return 0;
    if (x->h_skel == y->h_skel || dm_agree(x, y)) return 0;
    if (x->h_spell && x->h_spell == y->h_spell && ((x->flags | y->flags) & WL_PART_XSCRIPT)) return 0;
    if (x->h_sound && x->h_sound == y->h_sound) return 0;
    if (wl_jaro_winkler_bound(canon_of(f, x), x->canon_len, canon_of(f, y), y->canon_len) >= SURELY_LOW) return 0;
    if (!has_variant(f, x) && !has_variant(f, y)) return 1;
    return wl_jaro_winkler_bound(text_of(f, x), x->len, text_of(f, y), y->len) < SURELY_LOW;
}

int wl_name_surely_different(const wl_features *f, const wl_fpart *a, size_t na, const wl_fpart *b, size_t nb)
{
    na = WL_MIN(na, (size_t)MAXP);
    nb = WL_MIN(nb, (size_t)MAXP);
    if (!na || !nb) return 1; /* wl_name_similarity: all zero */
    uint64_t lens_a, sums_a, lens_b, sums_b;
    join_sets(a, na, &lens_a, &sums_a);
    join_sets(b, nb, &lens_b, &sums_b);
    if ((lens_a & sums_b) || (lens_b & sums_a)) return 0;
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nb; j++)
            if (!parts_surely_low(f, &a[i], &b[j])) return 0;
    return 1;
}

void wl_name_similarity(const wl_features *f, const wl_fpart *a, size_t na, const wl_fpart *b,
                        size_t nb, wl_namesim *out)
{
    wl_name_similarity_prep(f, a, na, NULL, b, nb, NULL, out);
}

void wl_name_similarity_prep(const wl_features *f, const wl_fpart *a, size_t na, const wl_name_prep *pa,
                             const wl_fpart *b, size_t nb, const wl_name_prep *pb, wl_namesim *out)
{
    memset(out, 0, sizeof *out);
    na = WL_MIN(na, (size_t)MAXP);
    nb = WL_MIN(nb, (size_t)MAXP);
    if (!na || !nb) return;
    wl_name_prep own_a, own_b; /* the preparations the caller did not keep */
    if (!pa) {
        prep_init(f, a, na, &own_a);
        pa = &own_a;
    }
    if (!pb) {
        prep_init(f, b, nb, &own_b);
        pb = &own_b;
    }
    /* The greedy steps (equal parts, joins) and the ties between two shorter
     * names see the names in one order: without it, a pair of records could
     * score all_parts one way and jw80 the other (53 of 3 million random OFAC /
     * EU pairs), and a pair's level hung on which record came first. */
    if (!name_before(f, a, na, pa->hsum, b, nb, pb->hsum)) {
        const wl_fpart *t = a;
        a = b;
        b = t;
        size_t tn = na;
        na = nb;
        nb = tn;
        const wl_name_prep *tp = pa;
        pa = pb;
        pb = tp;
    }
    name_side sa, sb;
    side_init(&sa, a, na, pa);
    side_init(&sb, b, nb, pb);
    pairing acc = { 0.0, 0.0, 1.0, 0.0f, 0, 0, 0 };
    pair_exact(f, &sa, &sb, &acc);
    /* A part of one name of no length in the other's sums cannot be a join,
     * and most names have none: asked here, before the call. */
    if (sa.lens & sb.sums) pair_joins(f, &sa, &sb, &acc);
    if (sb.lens & sa.sums) pair_joins(f, &sb, &sa, &acc);

    /* The shorter name: fewer parts left to pair, then fewer that are not
     * particles (so the count is the same whichever name comes first), then a. */
    const name_side *s = &sa, *l = &sb;
    int fa, fb, npa, npb;
    free_counts(&sa, &fa, &npa);
    free_counts(&sb, &fb, &npb);
    if (fb < fa || (fb == fa && npb < npa)) {
        s = &sb;
        l = &sa;
    }
    int n_shorter = acc.fixed + (s == &sa ? npa : npb), n_longer = acc.fixed + (s == &sa ? npb : npa);
    double left = pair_rest(f, s, l, &acc);
    double base = acc.weight_sum > 0.0 ? acc.score_sum / acc.weight_sum : 0.0;
    double whole = l->whole;
    double penalty = whole > 0.0 ? EXTRA_PENALTY * left / whole : 0.0;
    double score = base * (1.0 - penalty);

    out->score = (float)(score < 0.0 ? 0.0 : score > 1.0 ? 1.0 : score);
    /* Equal parts were paired greedily, which pairs them all exactly when the
     * multisets agree: same canonical parts, particles aside. A join is string
     * equality too (Wu Derong, Wu De Rong; Abdulrahman, Abdul Rahman): the
     * names agree exactly when equal parts and joins took every part of both. */
    out->exact = (uint8_t)(sa.np > 0 && sa.np_used == sa.np && sb.np_used == sb.np);
    out->n_shorter = (uint8_t)n_shorter;
    out->n_matched = (uint8_t)acc.n_matched;
    /* One part found inside a longer name is one shared token, not "all parts":
     * single-part aliases (Tan, Lee, Muhammad) would otherwise agree with half
     * a list. It still scores high, by the weighted similarity above. */
    out->all_parts = (uint8_t)(n_shorter > 0 && acc.n_matched == n_shorter
                               && (n_shorter >= 2 || n_longer <= 1));
    out->jw_min = acc.n_pairs_np ? (float)acc.jw_min : 0.0f;
    out->rare_bits = acc.rare_bits;
    if (sa.patronymic && sb.patronymic && patronymics_disagree(f, a, na, b, nb)) {
        out->exact = out->all_parts = 0;
        if (out->score > PATRONYMIC_CAP) out->score = PATRONYMIC_CAP;
    }
}
