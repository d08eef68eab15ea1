/* compare.c -- comparison vectors (stage 5): one level per field for a pair of
 * records, the best over every pairing of their multiple values (names and
 * aliases, date readings, documents, nationalities). Fields missing on either
 * side are level 0, which the Fellegi-Sunter score treats as no evidence
 * (Fellegi & Sunter 1969; missing values as in Splink's "null level"). */
#include <math.h>
#include <string.h>

#include "compare/compare.h"

#include "block/block.h"
#include "normalise/name.h"
#include "compare/namesim.h"

/* ---- names ---- */

static int name_level(const wl_namesim *s)
{
    if (s->exact) return WL_NAME_EXACT;
    if (s->all_parts) return WL_NAME_ALL_PARTS;
    if (s->score >= 0.92f) return WL_NAME_JW92;
    if (s->score >= 0.80f) return WL_NAME_JW80;
    return WL_NAME_DIFFERENT;
}

/* Splits a record's parts into names (runs of one name_no): starts[k] is where
 * name k begins, starts[n] the end. @return the number of names (bounded). */
static size_t name_runs(const wl_fpart *p, size_t np, uint32_t *starts)
{
    size_t n = 0;
    for (size_t k = 0; k < np && n < WL_CMP_MAX_NAMES; k++)
        if (k == 0 || p[k].name_no != p[k - 1].name_no) starts[n++] = (uint32_t)k;
    starts[n] = (uint32_t)np;
    return n;
}

/* name_runs of record i's parts: a record of one name (f->n_names, where
 * the features have it: the parts of one name share name_no 0) is one run
 * without a walk over its parts, which every pair made for both records. */
static size_t record_runs(const wl_features *f, uint32_t i, const wl_fpart *p, size_t np, uint32_t *starts)
{
    if (f->n_names && f->n_names[i] == 1 && np) {
        starts[0] = 0;
        starts[1] = (uint32_t)np;
        return 1;
    }
    return name_runs(p, np, starts);
}

/* The names of a record, its second readings left out (they are one name). */
static size_t names_proper(const wl_fpart *p, const uint32_t *starts, size_t runs)
{
    size_t n = 0;
    for (size_t k = 0; k < runs; k++) n += !(p[starts[k]].flags & WL_PART_READING);
    return n;
}

/*
 * Best level over every (name of a, name of b); ties go to the higher score.
 *
 * A record with many aliases gets many chances to meet a stranger: the best
 * of k name pairs reaches a level about k times as often by chance as one
 * pair does (1 - (1 - u)^k ~ k u), and each further alias of a watchlist
 * entry is one more such chance. The rarity evidence of the best pair
 * (name_rare) therefore loses log2 k bits, k the name pairs compared (second
 * readings of one written name not counted). The model subtracts the
 * non-matches' mean of name_rare per level (wl_model_tf_means), so this is a
 * correction relative to the pairs typical of the lists, not a fixed
 * penalty: the Bonferroni correction of the best of k tests, as record
 * linkage of alias lists has no other count of its chances. On the
 * development lists split into one row per person and side
 * (scripts/link_proxy.py), EU F1 0.877 -> 0.888 and OFAC 0.737 -> 0.744,
 * precision and recall both higher (bench/RESULTS.md).
 */
/*
 * The first records' name preparations (wl_name_prep: weights, join sets...),
 * kept while one window is compared. A window of pairs sorted by their first
 * record holds a few hundred first records of ~18 pairs each (dedup of the
 * generated 10^5 lists), so each was prepared ~18 times: side_init was a tenth
 * of a pair's instructions. Direct-mapped by record index: the first records
 * of a window are a run of neighbouring indices, which do not clash below
 * PREP_SLOTS of them. f is the same through a window, so an entry stays right.
 */
enum { PREP_SLOTS = 1024 };

typedef struct {
    uint32_t rec; /* UINT32_MAX: empty */
    wl_name_prep prep;
} prep_slot;

/* The slots of one side of the pairs: mask + 1 of them (a power of two), or none. */
typedef struct {
    prep_slot *slot; /* NULL: nothing kept for this side */
    uint32_t mask;
} prep_side;

/* What a walk over pairs keeps: a window (compare_window) its first records'
 * (PREP_SLOTS), a short run (wl_compare_run, a one-record store query: the
 * query is the same side of every pair) the last record of each side. */
typedef struct {
    prep_side a, b;
} prep_cache;

/* A record's one name (n parts, n <= WL_NAME_MAX_PARTS) prepared, from the cache. */
static const wl_name_prep *prep_of(const wl_features *f, const prep_side *c, uint32_t rec, const wl_fpart *p,
                                   size_t n)
{
    prep_slot *e = &c->slot[rec & c->mask];
    if (e->rec != rec) {
        wl_name_prepare(f, p, n, &e->prep);
        e->rec = rec;
    }
    return &e->prep;
}

/* compare_names, a's and b's names prepared from cache (NULL: none) when they have one name. */
/* met (NULL: not wanted) receives the part ranges [start, end) of the two names
 * whose comparison gave the level: a's in met[0..1], b's in met[2..3]. */
static int compare_names_with(const wl_features *f, uint32_t a, uint32_t b, wl_cmpvec *out, const prep_cache *cache,
                              uint32_t *met)
{
    size_t na, nb;
    const wl_fpart *pa = wl_f_parts(f, a, &na), *pb = wl_f_parts(f, b, &nb);
    uint32_t sa[WL_CMP_MAX_NAMES + 1], sb[WL_CMP_MAX_NAMES + 1];
    size_t ra = record_runs(f, a, pa, na, sa), rb = record_runs(f, b, pb, nb, sb);
    int best = WL_LV_MISSING;
    float best_score = -1.0f;
    out->name_rare = 0.0f;
    /* a's (b's) one name, as the loop below passes it (ca (cb) of its only run) */
    const wl_name_prep *prep_a = cache && cache->a.slot && ra == 1 && rb > 0
                                     ? prep_of(f, &cache->a, a, pa, WL_MIN(na, (size_t)WL_NAME_MAX_PARTS))
                                     : NULL;
    const wl_name_prep *prep_b = cache && cache->b.slot && rb == 1 && ra > 0
                                     ? prep_of(f, &cache->b, b, pb, WL_MIN(nb, (size_t)WL_NAME_MAX_PARTS))
                                     : NULL;
    for (size_t i = 0; i < ra && best < WL_NAME_EXACT; i++)
        for (size_t j = 0; j < rb && best < WL_NAME_EXACT; j++) {
            size_t ca = WL_MIN(sa[i + 1] - sa[i], (size_t)WL_NAME_MAX_PARTS);
            size_t cb = WL_MIN(sb[j + 1] - sb[j], (size_t)WL_NAME_MAX_PARTS);
            wl_namesim s;
            wl_name_similarity_prep(f, pa + sa[i], ca, prep_a, pb + sb[j], cb, prep_b, &s);
            int lv = name_level(&s);
            if (lv > best || (lv == best && s.score > best_score)) {
                best = lv;
                best_score = s.score;
                out->name_rare = s.rare_bits;
                if (met) {
                    met[0] = sa[i];
                    met[1] = sa[i] + (uint32_t)ca;
                    met[2] = sb[j];
                    met[3] = sb[j] + (uint32_t)cb;
                }
            }
        }
    out->name_q = (uint8_t)(best_score > 0.0f ? best_score * 255.0f + 0.5f : 0.0f);
    size_t k = names_proper(pa, sa, ra) * names_proper(pb, sb, rb);
    if (k > 1) out->name_rare -= log2f((float)k);
    return best;
}

static int compare_names(const wl_features *f, uint32_t a, uint32_t b, const wl_crec *crec_a, const wl_crec *crec_b,
                         wl_cmpvec *out)
{
    (void)crec_a; /* the parts are found through part_start */
    (void)crec_b;
    return compare_names_with(f, a, b, out, NULL, NULL);
}

/* ---- dates, documents, codes ---- */

/* Each comparator looks at a's side first and touches b's arrays only when a
 * has a value: b is a random record, and its loads are what a pair costs. The
 * runs are found through the records' wl_crec (one line each); a single date
 * or document on both sides is compared from the wl_crec alone. */

static int compare_dates(const wl_features *f, uint32_t ia, uint32_t ib, const wl_crec *a, const wl_crec *b,
                         wl_cmpvec *out)
{
    (void)ia;
    (void)ib;
    int best = WL_LV_MISSING, best_swap = 0;
    if (a->n_date && b->n_date) {
        const wl_date *da = a->n_date == 1 ? &a->date0 : f->dates + a->date;
        const wl_date *db = b->n_date == 1 ? &b->date0 : f->dates + b->date;
        for (size_t i = 0; i < a->n_date; i++)
            for (size_t j = 0; j < b->n_date; j++) {
                int swap, lv = wl_cmp_date(&da[i], &db[j], &swap);
                if (lv > best) {
                    best = lv;
                    best_swap = swap;
                }
            }
    }
    out->dob_swap = (uint8_t)best_swap;
    return best;
}

static int compare_docs(const wl_features *f, uint32_t ia, uint32_t ib, const wl_crec *a, const wl_crec *b,
                        wl_cmpvec *out)
{
    (void)ia;
    (void)ib;
    (void)out;
    if (!a->n_doc || !b->n_doc) return WL_LV_MISSING;
    /* Cheap filter first: equal hashes settle the common exact case. */
    if (a->n_doc == 1 && b->n_doc == 1 && a->doc0_h == b->doc0_h && a->doc0_len == b->doc0_len)
        return WL_DOC_EXACT;
    const wl_fdoc *da = f->docs + a->doc, *db = f->docs + b->doc;
    int best = WL_LV_MISSING;
    for (size_t i = 0; i < a->n_doc && best < WL_DOC_EXACT; i++)
        for (size_t j = 0; j < b->n_doc && best < WL_DOC_EXACT; j++) {
            int lv = da[i].h_ocr == db[j].h_ocr && da[i].len == db[j].len
                         ? WL_DOC_EXACT
                         : wl_cmp_doc(wl_f_str(f, da[i].str), da[i].len, wl_f_str(f, db[j].str), db[j].len);
            best = WL_MAX(best, lv);
        }
    return best;
}

static int compare_nats(const wl_features *f, uint32_t ia, uint32_t ib, const wl_crec *a, const wl_crec *b,
                        wl_cmpvec *out)
{
    (void)ia;
    (void)ib;
    (void)out;
    if (!a->n_nat || !b->n_nat) return WL_LV_MISSING;
    const uint32_t *xa = f->nats + a->nat, *xb = f->nats + b->nat;
    for (size_t i = 0; i < a->n_nat; i++)
        for (size_t j = 0; j < b->n_nat; j++)
            if (xa[i] == xb[j]) return WL_CODE_MATCH;
    return WL_CODE_MISMATCH;
}

static int compare_gender(const wl_features *f, uint32_t ia, uint32_t ib, const wl_crec *a, const wl_crec *b,
                          wl_cmpvec *out)
{
    (void)f;
    (void)ia;
    (void)ib;
    (void)out;
    if (!a->gender || !b->gender) return WL_LV_MISSING;
    return a->gender == b->gender ? WL_CODE_MATCH : WL_CODE_MISMATCH;
}

static int compare_pob(const wl_features *f, uint32_t ia, uint32_t ib, const wl_crec *a, const wl_crec *b,
                       wl_cmpvec *out)
{
    (void)ia;
    (void)ib;
    (void)out;
    if (a->pob == UINT32_MAX || b->pob == UINT32_MAX) return WL_LV_MISSING;
    const char *x = wl_f_str(f, a->pob), *y = wl_f_str(f, b->pob);
    return wl_cmp_place(x, strlen(x), y, strlen(y));
}

static int compare_text(const wl_features *f, uint32_t ia, uint32_t ib, const wl_crec *a, const wl_crec *b,
                        wl_cmpvec *out)
{
    (void)ia;
    (void)ib;
    (void)out;
    if (!a->n_tok) return WL_LV_MISSING;
    return wl_cmp_tokens(f->toks + a->tok, a->n_tok, b->n_tok ? f->toks + b->tok : NULL, b->n_tok);
}

/* ---- the descriptors ---- */

const wl_field_desc wl_fields[WL_FIELD_COUNT] = {
    /* .features: what the comparator reads (WL_FEATURE_RUNS / _COLUMNS, featureset.h)
     * features: name parts with their keys and rarity (wl_fpart, per name and alias) */
    [WL_FIELD_NAME] = { .name = "name",
                        .level = { "missing", "different", "jw80", "jw92", "all_parts", "exact" },
                        .compare = compare_names,
                        .features = WL_FEAT_PARTS,
                        .block_keys = WL_BLOCK_PHONETIC_YEAR | WL_BLOCK_PART_PAIR | WL_BLOCK_FULL_NAME |
                                      WL_BLOCK_SKELETON_NAT | WL_BLOCK_PART_DOB,
                        .identifying = WL_NAME_ALL_PARTS, .close = WL_NAME_JW92, .tf = WL_NAME_JW92 },
    /* features: date readings (wl_date: precision, ranges, ambiguous order) */
    [WL_FIELD_DOB] = { .name = "dob",
                       .level = { "missing", "mismatch", "within_1y", "year_only", "typo", "exact" },
                       .compare = compare_dates,
                       .features = WL_FEAT_DATES,
                       .block_keys = WL_BLOCK_PHONETIC_YEAR | WL_BLOCK_PART_DOB,
                       .identifying = WL_DOB_TYPO },
    /* features: documents (wl_fdoc: OCR-folded key, core, check digit, country) */
    [WL_FIELD_DOC] = { .name = "doc",
                       .level = { "missing", "mismatch", "one_edit", "exact" },
                       .compare = compare_docs,
                       .features = WL_FEAT_DOCS,
                       .block_keys = WL_BLOCK_DOC,
                       .identifying = WL_DOC_ONE_EDIT },
    /* features: packed ISO 3166-1 alpha-3 codes (f->nats) */
    [WL_FIELD_NAT] = { .name = "nationality",
                       .level = { "missing", "mismatch", "match" },
                       .compare = compare_nats,
                       .features = WL_FEAT_NATS,
                       .block_keys = WL_BLOCK_SKELETON_NAT,
                       .namesake = 1 },
    /* features: one code per record (f->gender) */
    [WL_FIELD_GENDER] = { .name = "gender",
                          .level = { "missing", "mismatch", "match" },
                          .compare = compare_gender,
                          .features = WL_FEAT_GENDER,
                          .namesake = 1 },
    /* features: the folded place (f->pob, a string in f->text) */
    [WL_FIELD_POB] = { .name = "place_of_birth",
                       .level = { "missing", "different", "jw88", "exact" },
                       .compare = compare_pob,
                       .features = WL_FEAT_POB,
                       .namesake = 1 },
    /* features: sorted distinct token hashes of the text columns (f->toks) */
    [WL_FIELD_TEXT] = { .name = "text",
                        .level = { "missing", "different", "similar", "near_identical" },
                        .compare = compare_text,
                        .features = WL_FEAT_TOKS },
};

int wl_field_levels(wl_field f)
{
    if ((unsigned)f >= WL_FIELD_COUNT) return 0;
    int n = 0;
    while (n < WL_MAX_LEVELS && wl_fields[f].level[n]) n++;
    return n;
}

const char *wl_level_name(wl_field f, int level)
{
    if (level < 0 || level >= wl_field_levels(f)) return NULL;
    return wl_fields[f].level[level];
}

/* The fields after the name of wl_compare, into out (zeroed by the caller). */
static void compare_rest(const wl_features *f, uint32_t a, uint32_t b, wl_cmpvec *out)
{
    /* the built wl_crec read in place; else assembled from the arrays */
    wl_crec ca, cb;
    const wl_crec *ra = &ca, *rb = &cb;
    if (f->crec) {
        ra = &f->crec[a];
        rb = &f->crec[b];
    } else {
        ca = wl_f_crec(f, a);
        cb = wl_f_crec(f, b);
    }
    out->level[WL_FIELD_DOB] = (uint8_t)compare_dates(f, a, b, ra, rb, out);
    out->level[WL_FIELD_DOC] = (uint8_t)compare_docs(f, a, b, ra, rb, out);
    out->level[WL_FIELD_NAT] = (uint8_t)compare_nats(f, a, b, ra, rb, out);
    out->level[WL_FIELD_GENDER] = (uint8_t)compare_gender(f, a, b, ra, rb, out);
    out->level[WL_FIELD_POB] = (uint8_t)compare_pob(f, a, b, ra, rb, out);
    out->level[WL_FIELD_TEXT] = (uint8_t)compare_text(f, a, b, ra, rb, out);
}

/* wl_compare, with the first records' name preparations kept in cache (NULL: none). */
static void compare_pair(const wl_features *f, uint32_t a, uint32_t b, wl_cmpvec *out, const prep_cache *cache)
{
    memset(out, 0, sizeof *out);
    /* The descriptors' comparators, called by name rather than through
     * wl_fields[k].compare: direct calls the compiler can inline (gender,
     * nationality and the cheap exits of the others), where seven indirect
     * calls with six arguments each were 4 % of a pair's instructions
     * (bench/RESULTS.md, "Compare, second pass"). test_compare checks this
     * against the descriptors, field by field. */
    _Static_assert(WL_FIELD_COUNT == 7, "a field added to wl_fields is compared here too");
    out->level[WL_FIELD_NAME] = (uint8_t)compare_names_with(f, a, b, out, cache, NULL);
    compare_rest(f, a, b, out);
}

void wl_compare(const wl_features *f, uint32_t a, uint32_t b, wl_cmpvec *out)
{
    compare_pair(f, a, b, out, NULL);
}

/* Whether every name of a meets every name of b surely at "different"
 * (wl_name_surely_different), each name cut to WL_NAME_MAX_PARTS parts as
 * compare_names_with cuts it; 0 when either record has no name. */
static int names_surely_different(const wl_features *f, uint32_t a, uint32_t b)
{
    size_t na, nb;
    const wl_fpart *pa = wl_f_parts(f, a, &na), *pb = wl_f_parts(f, b, &nb);
    uint32_t sa[WL_CMP_MAX_NAMES + 1], sb[WL_CMP_MAX_NAMES + 1];
    size_t ra = record_runs(f, a, pa, na, sa), rb = record_runs(f, b, pb, nb, sb);
    if (!ra || !rb) return 0;
    for (size_t i = 0; i < ra; i++)
        for (size_t j = 0; j < rb; j++) {
            size_t ca = WL_MIN(sa[i + 1] - sa[i], (size_t)WL_NAME_MAX_PARTS);
            size_t cb = WL_MIN(sb[j + 1] - sb[j], (size_t)WL_NAME_MAX_PARTS);
            if (!wl_name_surely_different(f, pa + sa[i], ca, pb + sb[j], cb)) return 0;
        }
    return 1;
}

/*
 * The levels of wl_compare alone, for the fit, which counts levels and reads
 * nothing else of a vector (u from random pairs, EM over the sessions'
 * patterns). Random pairs are strangers, whose names nearly always disagree:
 * where the names surely compare at "different" (namesim.c, a bound on every
 * pair of parts) the name's level is set without scoring them, which is the
 * level compare_names_with gives (the best over the name pairs, each one
 * "different"); name_q and name_rare are not computed. Every other pair, and
 * every other field, is compared as by wl_compare.
 */
void wl_compare_levels(const wl_features *f, uint32_t a, uint32_t b, uint8_t level[WL_FIELD_COUNT])
{
    wl_cmpvec v;
    if (names_surely_different(f, a, b)) {
        memset(&v, 0, sizeof v);
        v.level[WL_FIELD_NAME] = WL_NAME_DIFFERENT;
        compare_rest(f, a, b, &v);
    } else {
        compare_pair(f, a, b, &v, NULL);
    }
    memcpy(level, v.level, WL_FIELD_COUNT);
}

/* ---- walking many pairs ---- */

/* Below this many pairs a window is walked as given: its records are a few
 * hundred at most, which stay in cache whatever the order, and the sort and
 * the copies cost more than they save (a one-record store query's ~140 pairs
 * spent 18,000 instructions on them, 2 % of the query). */
enum { SMALL_WINDOW = 512 };

/* Software prefetch of the second records (wl_compare_run): their wl_crec
 * PF_CREC pairs ahead, then, once it has arrived, the runs and spellings it
 * points at PF_RUNS pairs ahead. The distances cover a memory latency with a
 * few pairs of work (~1-2 us each) in between. */
enum { PF_CREC = 16, PF_RUNS = 6 };

static inline void pf(const void *p)
{
    __builtin_prefetch(p, 0, 3);
}

static void prefetch_runs(const wl_features *f, uint32_t b)
{
    const wl_crec *c = &f->crec[b];
    pf(&f->part_start[b]); /* compare_names finds the parts through it */
    if (c->n_part) {
        const wl_fpart *p = f->parts + c->part;
        pf(p);
        pf((const char *)(p + c->n_part) - 1);
        for (size_t k = 0; k < c->n_part && k < 3; k++) pf(f->text + p[k].canon);
    }
    if (c->n_date > 1) pf(f->dates + c->date);
    if (c->n_doc) pf(f->docs + c->doc);
    if (c->n_nat) pf(f->nats + c->nat);
    if (c->n_tok) pf(f->toks + c->tok);
    if (c->pob != UINT32_MAX) pf(f->text + c->pob);
}

/* Who decides, from a pair's fields but the name, whether its name is scored
 * (wl_compare_window_kept); NULL: every pair is compared whole. */
typedef struct {
    wl_compare_keep_fn keep;
    void *arg;
    unsigned char *skipped; /* the run's own flags */
} keep_rule;

static void compare_run(const wl_features *f, const uint32_t *ab, size_t n, wl_cmpvec *out, const prep_cache *cache,
                        const keep_rule *kr)
{
    /* A run of fewer than SMALL_WINDOW pairs is not worth the prefetches:
     * its few hundred records stay in cache once read (wl_compare_window). */
    const int prefetch = f->crec != NULL && n >= SMALL_WINDOW;
    for (size_t k = 0; k < n; k++) {
        if (prefetch) {
            if (k + PF_CREC < n) pf(&f->crec[ab[2 * (k + PF_CREC) + 1]]);
            if (k + PF_RUNS < n) prefetch_runs(f, ab[2 * (k + PF_RUNS) + 1]);
        }
        if (!kr) {
            compare_pair(f, ab[2 * k], ab[2 * k + 1], &out[k], cache);
            continue;
        }
        /* the cheap fields first; the name (most of a pair's cost) only when
         * the caller may still want the pair. The fields are independent, so
         * the vector of a kept pair is compare_pair's. */
        memset(&out[k], 0, sizeof out[k]);
        compare_rest(f, ab[2 * k], ab[2 * k + 1], &out[k]);
        kr->skipped[k] = !kr->keep(&out[k], kr->arg);
        if (!kr->skipped[k]) {
            int lv = compare_names_with(f, ab[2 * k], ab[2 * k + 1], &out[k], cache, NULL);
            out[k].level[WL_FIELD_NAME] = (uint8_t)lv;
        }
    }
}

void wl_compare_run(const wl_features *f, const uint32_t *ab, size_t n, wl_cmpvec *out)
{
    prep_slot last[2] = { { .rec = UINT32_MAX }, { .rec = UINT32_MAX } };
    const prep_cache cache = { { &last[0], 0 }, { &last[1], 0 } };
    compare_run(f, ab, n, out, &cache, NULL);
}

static void compare_run_kept(const wl_features *f, const uint32_t *ab, size_t n, wl_cmpvec *out, const keep_rule *kr)
{
    prep_slot last[2] = { { .rec = UINT32_MAX }, { .rec = UINT32_MAX } };
    const prep_cache cache = { { &last[0], 0 }, { &last[1], 0 } };
    compare_run(f, ab, n, out, &cache, kr);
}

/* Candidates come sorted by their first record, so within a window of W pairs
 * the first records are a few neighbours (W / partners of them) while the
 * second records are spread over the whole list: each one a cache and TLB
 * miss on its wl_crec, parts and spellings. Walking the window in the order
 * of the second record turns those into one ascending sweep, which the
 * hardware prefetcher follows and in which neighbouring records share lines
 * and pages, while the few first records stay in cache (the "sorted by one
 * side" order of issue 11; cf. cache-conscious joins, Shatdal, Kant &
 * Naughton, VLDB 1994). Each pair's vector is written back to its own place,
 * and a vector depends on its pair alone, so the output is the same bytes. */
enum { WINDOW_BITS = 14, WINDOW = WL_COMPARE_WINDOW };
_Static_assert(WL_COMPARE_WINDOW == 1 << WINDOW_BITS, "window positions take WINDOW_BITS");

typedef struct {
    uint64_t *key, *tmp; /* (b << WINDOW_BITS | position in the window), and sort scratch */
    uint32_t *ab;        /* the window's pairs in b order */
    wl_cmpvec *vec;      /* their vectors */
    prep_slot *prep;     /* the first records' name preparations (NULL: none kept) */
    unsigned char *flag; /* with a keep rule: the pairs skipped, in b order (NULL: none allocated) */
} window_buf;

static int window_alloc(window_buf *w)
{
    w->key = malloc(WINDOW * sizeof *w->key);
    w->tmp = malloc(WINDOW * sizeof *w->tmp);
    w->ab = malloc(2 * WINDOW * sizeof *w->ab);
    w->vec = malloc(WINDOW * sizeof *w->vec);
    w->prep = malloc(PREP_SLOTS * sizeof *w->prep); /* optional: without it, no cache */
    w->flag = NULL;
    return w->key && w->tmp && w->ab && w->vec ? 0 : -1;
}

static void window_free(window_buf *w)
{
    free(w->key);
    free(w->tmp);
    free(w->ab);
    free(w->vec);
    free(w->prep);
    free(w->flag);
}

/* Compares the n <= WINDOW pairs ab in the window order, writing each pair's
 * vector to out[k] (when out) and its levels to levels[k] (when levels). */
static void compare_window(const wl_features *f, const uint32_t *ab, size_t n, window_buf *w, uint8_t *levels,
                           wl_cmpvec *out, const keep_rule *kr)
{
    for (size_t k = 0; k < n; k++) w->key[k] = (uint64_t)ab[2 * k + 1] << WINDOW_BITS | k;
    wl_u64_sort(w->key, w->tmp, n, 0);
    for (size_t k = 0; k < n; k++) {
        size_t at = (size_t)(w->key[k] & (WINDOW - 1));
        w->ab[2 * k] = ab[2 * at];
        w->ab[2 * k + 1] = ab[2 * at + 1];
    }
    for (size_t k = 0; w->prep && k < PREP_SLOTS; k++) w->prep[k].rec = UINT32_MAX;
    /* the second records, in ascending order, rarely repeat: none kept */
    const prep_cache cache = { { w->prep, PREP_SLOTS - 1 }, { NULL, 0 } };
    /* with a keep rule, the flags in window order go to w->flag first */
    keep_rule wkr = kr ? (keep_rule){ kr->keep, kr->arg, w->flag } : (keep_rule){ NULL, NULL, NULL };
    compare_run(f, w->ab, n, w->vec, &cache, kr ? &wkr : NULL);
    for (size_t k = 0; levels && k < n; k++)
        memcpy(levels + (w->key[k] & (WINDOW - 1)) * WL_FIELD_COUNT, w->vec[k].level, WL_FIELD_COUNT);
    for (size_t k = 0; out && k < n; k++) out[w->key[k] & (WINDOW - 1)] = w->vec[k];
    for (size_t k = 0; kr && k < n; k++) kr->skipped[w->key[k] & (WINDOW - 1)] = w->flag[k];
}

void wl_compare_window(const wl_features *f, const uint32_t *ab, size_t n, wl_cmpvec *out)
{
    window_buf w = { NULL, NULL, NULL, NULL, NULL, NULL };
    if (n <= WINDOW && n >= SMALL_WINDOW && window_alloc(&w) == 0) compare_window(f, ab, n, &w, NULL, out, NULL);
    else wl_compare_run(f, ab, n, out); /* the same vectors, in the given order */
    window_free(&w);
}

void wl_compare_window_kept(const wl_features *f, const uint32_t *ab, size_t n, wl_compare_keep_fn keep, void *arg,
                            wl_cmpvec *out, unsigned char *skipped)
{
    const keep_rule kr = { keep, arg, skipped };
    window_buf w = { NULL, NULL, NULL, NULL, NULL, NULL };
    if (n <= WINDOW && n >= SMALL_WINDOW && window_alloc(&w) == 0 && (w.flag = malloc(n)) != NULL)
        compare_window(f, ab, n, &w, NULL, out, &kr);
    else compare_run_kept(f, ab, n, out, &kr); /* the same vectors and flags, in the given order */
    window_free(&w);
}

wl_status wl_compare_pairs(const wl_features *f, const uint32_t *pairs, size_t n, int threads,
                           uint8_t *levels)
{
    long long nwin = (long long)((n + WINDOW - 1) / WINDOW);
    int t = wl_thread_count(threads), failed = 0;
#pragma omp parallel num_threads(t) reduction(| : failed)
    {
        window_buf w;
        if (window_alloc(&w) != 0) failed = 1;
#pragma omp for schedule(static, 1)
        for (long long c = 0; c < nwin; c++) {
            size_t lo = (size_t)c * WINDOW, m = WL_MIN(n - lo, (size_t)WINDOW);
            if (!failed)
                compare_window(f, pairs + 2 * lo, m, &w, levels ? levels + lo * WL_FIELD_COUNT : NULL, NULL, NULL);
        }
        window_free(&w);
    }
    return failed ? WL_NOMEM : WL_OK;
}

/* The names that met, for --explain (wl_pair_names_met in watchlink.h): the
 * loop of compare_names_with itself, so the names shown are the ones that gave
 * the level, ties included. The parts are written as normalised, blank
 * between, a second reading of a written name (Han, Hangul) as its own name. */
static void write_parts(const wl_features *f, const wl_fpart *p, uint32_t lo, uint32_t hi, char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    for (uint32_t k = lo; k < hi; k++) {
        const char *t = wl_f_str(f, p[k].str);
        size_t lt = strlen(t);
        if (n + (k > lo) + lt + 1 > cap) break; /* cut at a part: never half a UTF-8 sequence */
        if (k > lo) out[n++] = ' ';
        memcpy(out + n, t, lt + 1);
        n += lt;
    }
}

int wl_pair_names_met(const wl_features *f, size_t a, size_t b, char *left, char *right, size_t cap)
{
    if (!cap) return 0;
    left[0] = right[0] = '\0';
    if (!f || a >= f->n || b >= f->n) return 0;
    wl_cmpvec v;
    uint32_t met[4] = { 0, 0, 0, 0 };
    if (compare_names_with(f, (uint32_t)a, (uint32_t)b, &v, NULL, met) == WL_LV_MISSING) return 0;
    size_t na, nb;
    const wl_fpart *pa = wl_f_parts(f, (uint32_t)a, &na), *pb = wl_f_parts(f, (uint32_t)b, &nb);
    write_parts(f, pa, met[0], met[1], left, cap);
    write_parts(f, pb, met[2], met[3], right, cap);
    return 1;
}
