/*
 * model_fit.c -- fitting the Fellegi-Sunter model without labels.
 *
 * u comes from random pairs (wl_model_estimate_u). m cannot be estimated by EM on
 * the blocked candidates with u held at the random estimate: candidates already
 * agree on a blocking key, so their non-matches agree far more often than random
 * pairs and EM calls every candidate a match (FEBRL dataset2: prior 1, precision
 * 0.50); nor with u free, which lets EM settle on another split (on the generated
 * cross-border sample: "same nationality and gender, similar name", precision 0.13).
 *
 * So m is estimated as Splink does (Linacre et al., "Splink: Free software for
 * probabilistic record linkage at scale", IJPDS 2022): EM runs on pairs that share
 * one strict key -- the same full date of birth, then the same canonical name --
 * among which non-matches are random with respect to the other fields, so the
 * random-pair u holds for them. The key's own field (and, for names, the fields
 * that namesakes share) is left out of its session; each field's m comes from the
 * sessions that used it (averaged where both did). The prior over all record pairs then solves M = sum of the
 * candidates' posteriors (a one-parameter EM), as matches outside the candidates
 * are what blocking already gave up.
 *
 * Thin evidence. A list of names only (or names and a nationality) has no
 * session that can teach the name's own m: the date session is empty and the
 * name session cannot judge names. EM over the name levels of the candidates
 * alone is not identifiable (one categorical variable is explained equally well
 * by any split of its levels into two classes), so the name then takes
 * THIN_NAME_M, a fixed table of how the names of one person agree across
 * watchlists (aliases and other romanisations make "all parts, another order or
 * form" as common as "exact"), and the summary says so. With a single weak field
 * the prior's fixed point also collapses towards zero: each step lowers the odds,
 * which lowers every posterior, which lowers the next step (on a names-only
 * sanctions list: prior 3e-9, no pair reported). When the fixed point ends below
 * a hundredth of the pairs with strong evidence (STRONG_BITS, a Bayes factor of
 * 256), the prior is set from those pairs instead, as Splink's
 * estimate_probability_two_random_records_match does from deterministic rules:
 * the namesakes among them stand in for the true pairs they miss. A collapse is a
 * runaway to the floor (half a match on every thin dev list seen), while on lists
 * rich in fields the strong pairs overcount: on 10^6 generated records 4.5 M
 * candidates pass 8 bits for 0.55 M true pairs, and the fixed point (0.44 M) is
 * the better estimate. So only a gap of two orders counts as a collapse.
 */
#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "score/model.h"

enum { U_ROUNDS = 4 };

typedef struct {
    uint64_t key;
    uint32_t rec;
    uint32_t ord; /* the record's rank (f->rank: source, then id), else its index */
} keyed;

/* Within a key, records by rank: which pairs a session thins out, and the order
 * its sums run in, must not depend on the order of the input rows. */
static int cmp_keyed(const void *x, const void *y)
{
    const keyed *a = x, *b = y;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    return a->ord < b->ord ? -1 : a->ord > b->ord;
}

/* Session keys; 0 means the record has none. */
static uint64_t key_dob(const wl_features *f, size_t i)
{
    size_t n;
    const wl_date *d = wl_f_dates(f, i, &n);
    for (size_t k = 0; k < n; k++)
        if (d[k].prec == WL_PREC_DAY && !(d[k].flags & WL_DATE_AMBIGUOUS)) {
            uint64_t v = (uint64_t)(uint16_t)d[k].year << 16 | (uint64_t)d[k].month << 8 | d[k].day;
            return v | 1ull << 40;
        }
    return 0;
}

static uint64_t key_name(const wl_features *f, size_t i)
{
    size_t n;
    wl_f_parts(f, i, &n);
    return n ? f->h_name[i] | 1 : 0;
}

static uint64_t mix(uint64_t a, uint64_t b) { return wl_hash_combine(a, b); }

/* m of the name levels when no session can estimate it: see the header comment. */
static const double THIN_NAME_M[WL_MAX_LEVELS] = {
    [WL_NAME_DIFFERENT] = 0.08, [WL_NAME_JW80] = 0.12, [WL_NAME_JW92] = 0.15,
    [WL_NAME_ALL_PARTS] = 0.40, [WL_NAME_EXACT] = 0.25,
};
enum { STRONG_BITS = 8 };

/* Pairs of records sharing a key, at most `cap`, deterministic: each group of
 * records with one key gives all its pairs, thinned by a hash of the pair when
 * the total would exceed cap; a group above 1,000 records keeps 1,000.
 * @return the pairs written, or SIZE_MAX when out of memory (an empty session
 *         would leave the fields' m at their defaults without a word). */
static size_t session_pairs(const wl_features *f, const wl_options *opt,
                            uint64_t (*key)(const wl_features *, size_t), wl_pairidx *out, size_t cap)
{
    keyed *e = malloc((f->n ? f->n : 1) * sizeof *e);
    if (!e) return SIZE_MAX;
    size_t m = 0;
    for (size_t i = 0; i < f->n; i++) {
        uint64_t k = key(f, i);
        if (k) e[m++] = (keyed){ mix(k, 0x5E55), (uint32_t)i, f->rank ? f->rank[i] : (uint32_t)i };
    }
    qsort(e, m, sizeof *e, cmp_keyed);
    double total = 0.0;
    for (size_t s = 0, t; s < m; s = t) {
        for (t = s + 1; t < m && e[t].key == e[s].key; t++) {}
        double g = (double)WL_MIN(t - s, 1000);
        total += g * (g - 1) / 2;
    }
    uint64_t keep = total <= (double)cap ? UINT64_MAX : (uint64_t)((double)cap / total * 18446744073709551615.0);
    size_t n = 0;
    int link = opt->mode == WL_MODE_LINK;
    for (size_t s = 0, t; s < m; s = t) {
        for (t = s + 1; t < m && e[t].key == e[s].key; t++) {}
        size_t end = WL_MIN(t, s + 1000);
        for (size_t a = s; a < end; a++)
            for (size_t b = a + 1; b < end && n < cap; b++) {
                uint32_t ra = e[a].rec, rb = e[b].rec;
                if (link && f->source[ra] == f->source[rb]) continue;
                if (mix(e[a].ord, e[b].ord) > keep) continue;
                out[n++] = (wl_pairidx){ ra, rb };
            }
    }
    free(e);
    return n;
}

/* Fields (bit f) whose agreement namesakes share (wl_field_desc.namesake):
 * nationality, gender (given names are gendered), place of birth. */
static unsigned namesake_fields(void)
{
    unsigned bits = 0;
    for (int f = 0; f < WL_FIELD_COUNT; f++) bits |= (unsigned)wl_fields[f].namesake << f;
    return bits;
}

/* Among the session's pairs, the level distribution of the namesake fields over
 * the likely non-matches (weights 1 - posterior under the session's model). */
static void namesake_u(wl_model *out, const wl_cmpvec *v, const uint8_t (*saved)[WL_FIELD_COUNT], size_t n)
{
    double cnt[WL_FIELD_COUNT][WL_MAX_LEVELS] = { { 0 } };
    wl_model_bits b;
    wl_model_bits_fill(out, &b);
    for (size_t k = 0; k < n; k++) {
        double w = 1.0 - wl_model_probability(b.prior_bits + wl_model_evidence_bits(out, &b, &v[k]));
        for (int fi = 0; fi < WL_FIELD_COUNT; fi++) cnt[fi][saved[k][fi]] += w;
    }
    for (int fi = 0; fi < WL_FIELD_COUNT; fi++) {
        int L = out->levels[fi];
        double den = 0.0;
        for (int l = 1; l < L; l++) den += cnt[fi][l];
        for (int l = 1; l < L; l++)
            out->u_namesake[fi][l] = wl_fields[fi].namesake && den >= 50.0
                                         ? fmin(fmax((cnt[fi][l] + 0.5) / (den + 0.5 * (L - 1)), 1e-6), 1 - 1e-6)
                                         : out->u[fi][l];
    }
    out->has_namesake = 1;
}

/* EM on one session: m of the fields in `use` (bit f), u held at the random estimate. */
static int run_session(const wl_model *base, const wl_features *f, const wl_options *opt,
                       uint64_t (*key)(const wl_features *, size_t), unsigned use, wl_model *out)
{
    /* A session needs enough pairs to see every level of every field, not all of
     * them: a quarter of the random-pair budget keeps the fit cheap at any size. */
    size_t cap = (opt->u_samples ? opt->u_samples : 1000000) / 4 + 1000;
    wl_pairidx *pairs = malloc(cap * sizeof *pairs);
    wl_cmpvec *v = malloc(cap * sizeof *v);
    uint8_t (*saved)[WL_FIELD_COUNT] = malloc(cap * sizeof *saved);
    if (!pairs || !v || !saved) {
        free(pairs);
        free(v);
        free(saved);
        return -1;
    }
    size_t n = session_pairs(f, opt, key, pairs, cap);
    if (n == SIZE_MAX) {
        free(pairs);
        free(v);
        free(saved);
        return -1;
    }
    long long nn = (long long)n;
#pragma omp parallel for schedule(static) num_threads(wl_thread_count(opt->threads))
    for (long long k = 0; k < nn; k++) {
        /* EM and the namesake u read a vector's levels alone */
        wl_compare_levels(f, pairs[k].a, pairs[k].b, saved[k]);
        memset(&v[k], 0, sizeof v[k]);
        for (int fi = 0; fi < WL_FIELD_COUNT; fi++)
            if (use & (1u << fi)) v[k].level[fi] = saved[k][fi]; /* else not evidence in this session */
    }
    *out = *base;
    int it = n ? wl_model_em(out, v, n, opt->em_iterations > 0 ? opt->em_iterations : 100) : 0;
    if (it > 0 && key == key_name) namesake_u(out, v, (const uint8_t (*)[WL_FIELD_COUNT])saved, n);
    if (it < 0) it = -1; /* out of memory */
    free(pairs);
    free(v);
    free(saved);
    return it;
}

/* The record pairs the prior is a rate over. @return WL_NOMEM when out of memory
 * (counting the pairs within sources as well would shrink the prior). */
static wl_status all_pairs(const wl_features *f, const wl_options *opt, double *out)
{
    double n = (double)f->n, pairs = n * (n - 1) / 2;
    *out = pairs;
    if (opt->mode != WL_MODE_LINK) return WL_OK;
    /* Link: subtract the pairs within each source. */
    size_t ns = f->ds->n_sources;
    double *cnt = calloc(ns ? ns : 1, sizeof *cnt);
    if (!cnt) return WL_NOMEM;
    for (size_t i = 0; i < f->n; i++) cnt[f->source[i]] += 1.0;
    for (size_t s = 0; s < ns; s++) pairs -= cnt[s] * (cnt[s] - 1) / 2;
    free(cnt);
    *out = pairs > 1 ? pairs : 1;
    return WL_OK;
}

/* ---- the passes over the candidates, cut into parts ----
 *
 * The prior, the strong pairs, a thin name's closest candidates and the
 * name-rarity means read every candidate. A distributed run holds them in
 * parts, one range per process, so each pass is cut in three: what a part
 * collects from its own candidates, how the parts' results are combined
 * (wl_stage_reduce, the driver's: MPI_Allreduce, MPI_Gatherv, MPI_Bcast), and
 * what every part then computes from the combined result, the same on each.
 * One process runs the same passes with nothing to combine (ONE_PART). Only
 * integers are combined -- counts, fixed-point sums, record maxima, the strong
 * pairs themselves -- so the combined result, and every double computed from
 * it, is the same however the candidates are cut: a sum of doubles part by
 * part would round differently for every cut. docs/scale-out.md gives the
 * volumes.
 */

static int one_sum(void *user, int64_t *v, size_t n)
{
    (void)user;
    (void)v;
    (void)n;
    return 0;
}

static int one_max(void *user, uint16_t *v, size_t n)
{
    (void)user;
    (void)v;
    (void)n;
    return 0;
}

static int one_bcast(void *user, void *p, size_t len)
{
    (void)user;
    (void)p;
    (void)len;
    return 0;
}

static int one_gather(void *user, const void *mine, size_t len, void **all, size_t *total)
{
    (void)user;
    *all = malloc(len ? len : 1);
    *total = *all ? len : 0;
    if (*all && len) memcpy(*all, mine, len);
    return *all ? 0 : -1;
}

/* One part, the whole: what the single process combines with. */
static const wl_stage_reduce ONE_PART = { NULL, 0, 1, one_sum, one_max, one_bcast, one_gather };

/* A part's candidates, and the counts of every part's. */
typedef struct {
    const wl_stage_reduce *red;
    const wl_cmpvec *cand;
    const uint32_t *ab;     /* the part's records, 2 per candidate; NULL when some part has none */
    size_t n;               /* the part's candidates */
    size_t total;           /* every part's */
    double pairs;           /* the record pairs the prior is a rate over (all_pairs) */
    size_t n_patterns, stride[WL_FIELD_COUNT];
    int64_t *local;         /* the part's candidates per pattern of levels, then every part's (summed in place) */
    double *count;          /* every part's: exact integers */
    double *bits;           /* scratch: evidence per pattern under the current model */
} cand_parts;

/* Whether any part failed: every part learns it at the same point (a sum),
 * so that none goes on to a collective the others have left. */
static int any_failed(const wl_stage_reduce *red, int failed)
{
    int64_t v = failed != 0;
    return red->sum(red->user, &v, 1) != 0 || v != 0;
}

static size_t pattern_id(const cand_parts *cp, const wl_cmpvec *v)
{
    size_t id = 0;
    for (int f = 0; f < WL_FIELD_COUNT; f++) id += v->level[f] * cp->stride[f];
    return id;
}

/* A vector with the levels of pattern id: a candidate's evidence reads its
 * levels only (wl_model_evidence_bits), so this one's is every such
 * candidate's, to the bit. */
static void pattern_vec(const cand_parts *cp, const wl_model *m, size_t id, wl_cmpvec *v)
{
    memset(v, 0, sizeof *v);
    for (int f = 0; f < WL_FIELD_COUNT; f++) v->level[f] = (uint8_t)(id / cp->stride[f] % (size_t)m->levels[f]);
}

static void cand_parts_free(cand_parts *cp)
{
    free(cp->local);
    free(cp->count);
    free(cp->bits);
}

/* Counts every part's candidates per pattern of levels (they do not depend on
 * the model: once per fit). Whether the parts hold their records (ab) is
 * agreed: a part without any candidate may have none.
 * @return WL_OK; WL_NOMEM when some part failed (every part returns it). */
static wl_status cand_parts_open(cand_parts *cp, const wl_model *m, const wl_features *f, const wl_options *opt,
                                 const wl_stage_reduce *red, const wl_cmpvec *cand, const uint32_t *ab, size_t n)
{
    memset(cp, 0, sizeof *cp);
    cp->red = red;
    cp->cand = cand;
    cp->n = n;
    cp->n_patterns = 1;
    for (int fi = 0; fi < WL_FIELD_COUNT; fi++) {
        cp->stride[fi] = cp->n_patterns;
        cp->n_patterns *= (size_t)m->levels[fi];
    }
    cp->local = calloc(cp->n_patterns, sizeof *cp->local);
    cp->count = malloc(cp->n_patterns * sizeof *cp->count);
    cp->bits = malloc(cp->n_patterns * sizeof *cp->bits);
    int failed = !cp->local || !cp->count || !cp->bits || all_pairs(f, opt, &cp->pairs) != WL_OK;
    /* failed, candidates, parts with candidates but no records */
    int64_t head[3] = { failed, (int64_t)n, !ab && n > 0 };
    if (red->sum(red->user, head, 3) != 0 || head[0] != 0) {
        cand_parts_free(cp);
        return WL_NOMEM;
    }
    cp->total = (size_t)head[1];
    cp->ab = head[2] ? NULL : ab;
    for (size_t k = 0; k < n; k++) cp->local[pattern_id(cp, &cand[k])]++;
    if (red->sum(red->user, cp->local, cp->n_patterns) != 0) {
        cand_parts_free(cp);
        return WL_NOMEM;
    }
    for (size_t id = 0; id < cp->n_patterns; id++) cp->count[id] = (double)cp->local[id];
    return WL_OK;
}

/* The prior over all record pairs: the number of matches M is the sum of the
 * candidates' posteriors under prior odds M / (pairs - M); iterate from M = all
 * candidates down to the largest fixed point. The evidence of a candidate
 * depends only on its levels, so this runs over the few thousand patterns seen,
 * each with its count, not over millions of candidates. */
static void fit_prior(wl_model *m, const cand_parts *cp)
{
    if (cp->total == 0) return;
    const double pairs = cp->pairs;
    for (size_t id = 0; id < cp->n_patterns; id++) {
        if (cp->count[id] == 0.0) continue;
        wl_cmpvec v;
        pattern_vec(cp, m, id, &v);
        cp->bits[id] = wl_model_evidence(m, &v);
    }
    double M = (double)cp->total;
    for (int it = 0; it < 1000; it++) {
        double odds = M / fmax(pairs - M, 1.0), sum = 0.0;
        for (size_t id = 0; id < cp->n_patterns; id++) {
            if (cp->count[id] == 0.0) continue;
            double b = odds * exp2(fmin(cp->bits[id], 1000.0));
            sum += cp->count[id] * (isinf(b) ? 1.0 : b / (1.0 + b));
        }
        double done = fabs(sum - M) <= 1e-6 * fmax(M, 1.0);
        M = sum;
        if (done) break;
    }
    M = fmax(M, 0.5); /* at least half a match: the prior is never zero */
    m->prior = fmin(fmax(M / pairs, 1e-15), 0.5);
}

typedef struct {
    double bits;
    uint32_t a, b;   /* records */
    uint32_t ra, rb; /* their ranks: the order of equal evidence, free of the input order */
} strong_pair;

static int cmp_strong(const void *x, const void *y)
{
    const strong_pair *p = x, *q = y;
    if (p->bits != q->bits) return p->bits > q->bits ? -1 : 1;
    if (p->ra != q->ra) return p->ra < q->ra ? -1 : 1;
    return (p->rb > q->rb) - (p->rb < q->rb);
}

/* The slot of key (a record with a partner in one other source) in the
 * open-addressing set `set` (cap a power of two, 0 = empty, keys never 0):
 * where it is, or the empty slot where it would go. */
static uint64_t *slot_of(uint64_t *set, size_t cap, uint64_t key)
{
    size_t i = (size_t)wl_hash_combine(key, 0x74616b65u) & (cap - 1);
    while (set[i] != 0 && set[i] != key) i = (i + 1) & (cap - 1);
    return &set[i];
}

/* The greedy one-to-one matching of the ns strong pairs of every part (g: a,
 * b and pattern, 3 per pair; cp->bits their evidence), strongest first, ties
 * by rank: a total order, so the parts' order does not matter.
 * @return the matches, or -1 when out of memory. */
static double strong_greedy(const cand_parts *cp, const wl_features *f, const uint32_t *g, size_t ns)
{
    size_t cap = 16;
    while (cap < 4 * ns) cap *= 2;
    strong_pair *sp = malloc((ns ? ns : 1) * sizeof *sp);
    uint64_t *set = calloc(cap, sizeof *set);
    if (!sp || !set) {
        free(sp);
        free(set);
        return -1.0;
    }
    for (size_t k = 0; k < ns; k++) {
        uint32_t a = g[3 * k], b = g[3 * k + 1];
        sp[k] = (strong_pair){ cp->bits[g[3 * k + 2]], a, b, f->rank ? f->rank[a] : a, f->rank ? f->rank[b] : b };
    }
    qsort(sp, ns, sizeof *sp, cmp_strong);
    double matches = 0.0;
    for (size_t k = 0; k < ns; k++) {
        /* key: record + 1 (never 0) with the partner's source */
        uint64_t ka = ((uint64_t)sp[k].a + 1) << 24 | (f->source[sp[k].b] & 0xffffffu);
        uint64_t kb = ((uint64_t)sp[k].b + 1) << 24 | (f->source[sp[k].a] & 0xffffffu);
        uint64_t *sa = slot_of(set, cap, ka);
        if (*sa) continue; /* a has its partner in b's list */
        uint64_t *sb = slot_of(set, cap, kb);
        if (*sb) continue;
        *sb = kb;
        *slot_of(set, cap, ka) = ka; /* looked up again: inserting kb may have filled sa */
        matches += 1.0;
    }
    free(sp);
    free(set);
    return matches;
}

/*
 * How many matches the pairs with strong evidence suggest: one per such pair
 * (a person with k records has k(k-1)/2 pairs). When linking, a record has at
 * most one true partner in each other list, so the strong pairs are taken one
 * to one, strongest first (a greedy maximal matching, per pair of lists): a
 * namesake who shares "muhammad ali" with forty records of the other list is
 * one match at most, not forty. On the bundled Indonesian and Malaysian
 * samples cut to names only, 3,300 strong pairs held 932 true ones; counting
 * them all (capped at half the records) put the prior at twice the truth and
 * every all_parts pair above the threshold at 13 % precision.
 * From parts: the count from the patterns' counts; the matching, which needs
 * the pairs, on part 0 from every part's strong pairs (far fewer than the
 * candidates), its count then sent to every part.
 * @return the count, or -1 when out of memory (on any part).
 */
static double strong_matches(const wl_model *m, const wl_features *f, const wl_options *opt, const cand_parts *cp)
{
    wl_model_bits mb;
    wl_model_bits_fill(m, &mb);
    size_t ns = 0;
    for (size_t id = 0; id < cp->n_patterns; id++) {
        if (cp->count[id] == 0.0) continue;
        wl_cmpvec v;
        pattern_vec(cp, m, id, &v);
        cp->bits[id] = wl_model_evidence_bits(m, &mb, &v);
        if (cp->bits[id] >= STRONG_BITS) ns += (size_t)cp->count[id];
    }
    if (opt->mode != WL_MODE_LINK || ns == 0) return (double)ns;
    if (!cp->ab) return fmin((double)ns, (double)f->n / 2); /* no pairs given: the plain bound */
    const wl_stage_reduce *red = cp->red;
    size_t mine = 0;
    for (size_t k = 0; k < cp->n; k++) mine += cp->bits[pattern_id(cp, &cp->cand[k])] >= STRONG_BITS;
    uint32_t *g = malloc((mine ? mine : 1) * 3 * sizeof *g);
    if (any_failed(red, !g)) {
        free(g);
        return -1.0;
    }
    size_t j = 0;
    for (size_t k = 0; k < cp->n; k++) {
        size_t id = pattern_id(cp, &cp->cand[k]);
        if (cp->bits[id] < STRONG_BITS) continue;
        g[j++] = cp->ab[2 * k];
        g[j++] = cp->ab[2 * k + 1];
        g[j++] = (uint32_t)id;
    }
    void *all = NULL;
    size_t bytes = 0;
    int failed = red->gather(red->user, g, j * sizeof *g, &all, &bytes) != 0;
    free(g);
    double matches = 0.0;
    if (!failed && red->part == 0) {
        assert(bytes == ns * 3 * sizeof *g);
        matches = strong_greedy(cp, f, all, bytes / (3 * sizeof *g));
    }
    free(all);
    if (any_failed(red, failed) || red->bcast(red->user, &matches, sizeof matches) != 0) return -1.0;
    return matches;
}

/* Below a hundredth of the strong pairs; or at the fixed point's floor of half a
 * match while two or more pairs carry strong evidence: on two lists of 60 names
 * the fixed point ran down to 0.5 against 25 strong pairs (not a hundredth), and
 * the prior of 1.4e-4 put every pair under the threshold. */
int wl_fit_prior_collapsed(double fixed_point, double strong)
{
    return fixed_point < 0.01 * strong || (fixed_point <= 0.5 + 1e-9 && strong >= 2.0);
}

static wl_status fit_prior_or_fallback(wl_model *m, const wl_features *f, const wl_options *opt,
                                       const cand_parts *cp)
{
    const double pairs = cp->pairs;
    fit_prior(m, cp);
    double strong = strong_matches(m, f, opt, cp);
    if (strong < 0.0) return WL_NOMEM;
    m->fallback &= ~(unsigned)WL_FIT_PRIOR;
    if (wl_fit_prior_collapsed(m->prior * pairs, strong)) {
        m->prior = fmin(fmax(strong / pairs, 1e-15), 0.5);
        m->fallback |= WL_FIT_PRIOR;
    }
    return WL_OK;
}

/*
 * u without the matches. u is counted over random pairs, and a fraction prior
 * of those are true matches, which agree as m says: what is counted is
 * (1 - prior) u + prior m. On 10^6 records the prior is about 10^-6 and the
 * difference is nothing; on two lists of a thousand names each holding one
 * partner the prior is 10^-3, as large as u of an exact name, and u(exact)
 * came out 4e-4 where random pairs agree 0 times in a million: the matches
 * were counted as namesakes, and exact names scored a probability of 0.19
 * although all 316 were true. Solving the mixture for u (floored at the
 * half-pair smoothing of the count) gives them their weight back; the prior
 * is then fitted again with the new u, U_ROUNDS times at most. Only fields
 * whose m the lists estimated are solved so. The solution is floored at one
 * standard error of the count it came from (sqrt(count) / pairs): when prior x
 * m takes all of a count, what is left is below what the sample can tell, and
 * the half-pair floor made an exact date of birth on the EU aliases weigh 20.4
 * bits (u 5e-7, where two strangers share a birthday about once in 20,000
 * pairs); now 15.1.
 * @return 1 when some u moved by more than 1%.
 */
int wl_model_u_without_matches(wl_model *m, const double (*u_raw)[WL_MAX_LEVELS])
{
    double pi = m->prior, floor = 0.5 / ((double)m->u_pairs + 1.0);
    int moved = 0;
    if (m->u_pairs == 0 || !(pi > 0.0) || pi >= 0.5) return 0;
    for (int fi = 0; fi < WL_FIELD_COUNT; fi++) {
        /* m must be the lists' own: the thin-evidence defaults are a guess, and
         * subtracting a guess took u of a level to its floor (jw92 scored 18 bits). */
        if (fi == WL_FIELD_NAME && (m->fallback & WL_FIT_NAME_M)) continue;
        int L = m->levels[fi];
        double u[WL_MAX_LEVELS] = { 0 }, sum = 0.0;
        for (int l = 1; l < L; l++) {
            /* no lower than one standard error of the count it came from */
            double se = sqrt(u_raw[fi][l] / (double)m->u_pairs);
            u[l] = fmax((u_raw[fi][l] - pi * m->m[fi][l]) / (1.0 - pi), fmax(floor, se));
            sum += u[l];
        }
        for (int l = 1; l < L; l++) {
            double v = u[l] / sum;
            if (fabs(v - m->u[fi][l]) > 0.01 * m->u[fi][l]) moved = 1;
            m->u[fi][l] = v;
        }
    }
    return moved;
}

/*
 * u of a thin name without its matches, when deduplicating. An alias list holds
 * a person's names as rows of their own, so a random pair of its records is a
 * match far more often than on a list of people (OFAC aliases: 34,384 true
 * pairs in 1.5 * 10^8, 2.3e-4), and those matches, counted as strangers who
 * agree, took u of all_parts to 2.8 times what strangers show: every names-only
 * probability was under-confident (reported 0.2-0.3, true 0.54). The name's m
 * is the THIN_NAME_M guess, so u_without_matches leaves it alone, and solving
 * the mixture with the guess inside the prior's fit let the fixed point run
 * down (prior 9.6e-6, F1 0.25). So it is done once, after the prior is settled
 * and without fitting the prior again, and each level keeps at least half of
 * what was counted: a guess moves a weight by one bit at most. Reported 0.2-0.3
 * is then 0.57 true, 0.4-0.5 is 0.83 and 0.5-0.6 is 0.89 on the OFAC aliases.
 */
void wl_model_u_thin_dedup(wl_model *m, const double *u_raw)
{
    double pi = m->prior, sum = 0.0, u[WL_MAX_LEVELS] = { 0 };
    int L = m->levels[WL_FIELD_NAME];
    if (!(pi > 0.0) || pi >= 0.5) return;
    for (int l = 1; l < L; l++) {
        u[l] = fmax((u_raw[l] - pi * m->m[WL_FIELD_NAME][l]) / (1.0 - pi), 0.5 * u_raw[l]);
        sum += u[l];
    }
    if (!(sum > 0.0)) return;
    for (int l = 1; l < L; l++) m->u[WL_FIELD_NAME][l] = u[l] / sum;
}

/*
 * u of a thin name without its matches. u is counted over random pairs, and on
 * two small lists a random pair is often a match: 360 names against the same
 * 360 in another script make one pair in 360 a match, and u of all_parts came
 * out ten times what strangers show, its weight under the strong-evidence bar,
 * and the run reported no pair at all. The name's m is a guess there, so
 * wl_model_u_without_matches does not subtract prior x m; what is subtracted is
 * what the lists show: the candidate pairs that are each other's closest
 * (highest name level, then score, over all of each record's candidates), at
 * jw92 and above, as a share of all record pairs. On lists of millions that
 * share is a millionth of u and changes nothing. Only when linking: there a
 * record has one partner per list, and its closest candidate is the likely
 * one. A deduplicated alias list holds a person's many names, the closest pair
 * says little, and on the OFAC aliases the subtraction let the prior's fixed
 * point run down to 1.2e-5 (F1 0.51 -> 0.09).
 *
 * Only candidates are ever scored, so what a name level must weigh is how
 * often strangers reach it *and* are proposed by blocking: P(level, candidate |
 * non-match), with P(candidate | level, match) taken as 1 at these levels
 * (the blocking keys are built from the parts that agree). That is the
 * candidates at the level that are not each other's closest, over all pairs,
 * when it is below the random pairs' count. Random pairs of two lists of a
 * thousand names across scripts reach all_parts 940 times in 10^6, and blocking
 * proposes 723 pairs at that level, 550 of them each other's closest: u 3.9e-4
 * from the random pairs, 1.7e-4 as proposed. Without it an all_parts pair
 * scored 0.6 bits above the reporting threshold, and a part comparison a little
 * more lenient (more strangers at all_parts) put all 740 all_parts pairs under
 * it (xlit Chinese validation lists: recall 0.10, 0.70 with this rule;
 * bench/RESULTS.md). Not at exact: blocking proposes nearly every pair of
 * equal names (774 of the 874 strangers' share on the Malay names-only
 * samples), the few it drops are the crowds the partner cap cut, and what the
 * closest leave of so small a count made exact names over-confident there
 * (F1 0.63 -> 0.57). Taking the likely matches one to one instead of as
 * mutual closest moved no F1 and no calibration band by more than 0.03.
 */
void wl_model_u_thin_link(wl_model *m, const double *proposed, const double *closest, double pairs)
{
    const int L = m->levels[WL_FIELD_NAME];
    double floor = 0.5 / ((double)m->u_pairs + 1.0), sum = 0.0, u[WL_MAX_LEVELS] = { 0 };
    for (int l = 1; l < L; l++) {
        u[l] = m->u[WL_FIELD_NAME][l] - closest[l] / pairs;
        if (l >= L - 3 && l < L - 1) u[l] = fmin(u[l], (proposed[l] - closest[l]) / pairs);
        u[l] = fmax(u[l], floor);
        sum += u[l];
    }
    for (int l = 1; l < L; l++) m->u[WL_FIELD_NAME][l] = u[l] / sum;
}

/* wl_model_u_thin_link's counts: the candidates at each of the top three name
 * levels, and those of them that are each other's closest. From parts: each
 * record's closest candidate is the maximum over every part's (a maximum per
 * record, combined over the parts), then each part counts its own candidates.
 * @return 0, or -1 when out of memory (on any part). */
static int thin_name_u(wl_model *m, const wl_features *f, const wl_options *opt, const cand_parts *cp)
{
    if (opt->mode != WL_MODE_LINK || !cp->ab || cp->total == 0 || m->u_pairs == 0) return 0;
    const wl_stage_reduce *red = cp->red;
    const wl_cmpvec *cand = cp->cand;
    const uint32_t *ab = cp->ab;
    uint16_t *best = calloc(f->n ? f->n : 1, sizeof *best);
    if (any_failed(red, !best)) {
        free(best);
        return -1;
    }
    for (size_t k = 0; k < cp->n; k++) {
        uint16_t key = (uint16_t)(cand[k].level[WL_FIELD_NAME] << 8 | cand[k].name_q);
        if (key > best[ab[2 * k]]) best[ab[2 * k]] = key;
        if (key > best[ab[2 * k + 1]]) best[ab[2 * k + 1]] = key;
    }
    if (red->max(red->user, best, f->n) != 0) {
        free(best);
        return -1;
    }
    int64_t cnt[2][WL_MAX_LEVELS] = { { 0 } }; /* proposed, closest */
    const int L = m->levels[WL_FIELD_NAME];
    for (size_t k = 0; k < cp->n; k++) {
        int l = cand[k].level[WL_FIELD_NAME];
        if (l < L - 3 || l >= L) continue;
        uint16_t key = (uint16_t)(l << 8 | cand[k].name_q);
        cnt[0][l]++;
        if (key == best[ab[2 * k]] && key == best[ab[2 * k + 1]]) cnt[1][l]++;
    }
    free(best);
    if (red->sum(red->user, &cnt[0][0], 2 * WL_MAX_LEVELS) != 0) return -1;
    double closest[WL_MAX_LEVELS] = { 0 }, proposed[WL_MAX_LEVELS] = { 0 };
    for (int l = 0; l < WL_MAX_LEVELS; l++) {
        proposed[l] = (double)cnt[0][l];
        closest[l] = (double)cnt[1][l];
    }
    wl_model_u_thin_link(m, proposed, closest, cp->pairs);
    return 0;
}

/* wl_model_tf_means over every part's candidates: each part's fixed-point
 * sums (wl_model_tf_sums: integers, so their sum is the same however the
 * candidates are cut) combined, then the means, which are the ones
 * wl_model_tf_means gives over all candidates, to the bit (tested in
 * tests/unit/test_fit_parts.c). @return 0, or -1 when the sum failed. */
static int tf_means_parts(wl_model *m, const cand_parts *cp)
{
    int64_t sums[WL_MAX_LEVELS][4];
    wl_model_tf_sums(m, cp->cand, cp->n, sums);
    if (cp->red->sum(cp->red->user, &sums[0][0], 4 * WL_MAX_LEVELS) != 0) return -1;
    wl_model_tf_means_of(m, (const int64_t(*)[4])sums);
    return 0;
}

/* What the fit reads of the records and not of the candidates: u from random
 * pairs, m from the sessions. */
static wl_status fit_from_records(wl_model *m, const wl_features *f, const wl_options *opt)
{
    wl_status st = wl_model_estimate_u(m, f, opt);
    if (st != WL_OK) return st;
    /* Pairs sharing a date of birth are random with respect to every other field.
     * Pairs sharing a name are not: namesakes share nationality, gender (given
     * names are gendered) and often birthplace far more than random pairs do, so
     * that session uses only the fields a name says nothing about. */
    const unsigned all = (1u << WL_FIELD_COUNT) - 1;
    const unsigned by_name_fields = all & ~(1u << WL_FIELD_NAME) & ~namesake_fields(); /* dob, doc, text */
    wl_model by_dob, by_name;
    int it1 = run_session(m, f, opt, key_dob, all & ~(1u << WL_FIELD_DOB), &by_dob);
    int it2 = run_session(m, f, opt, key_name, by_name_fields, &by_name);
    if (it1 < 0 || it2 < 0) return WL_NOMEM;
    for (int fi = 0; fi < WL_FIELD_COUNT; fi++) {
        int in1 = it1 > 0 && fi != WL_FIELD_DOB;
        int in2 = it2 > 0 && (by_name_fields & (1u << fi));
        for (int l = 1; l < m->levels[fi]; l++) {
            if (in1 && in2) m->m[fi][l] = (by_dob.m[fi][l] + by_name.m[fi][l]) / 2;
            else if (in1) m->m[fi][l] = by_dob.m[fi][l];
            else if (in2) m->m[fi][l] = by_name.m[fi][l];
        }
    }
    if (it2 > 0 && by_name.has_namesake) {
        memcpy(m->u_namesake, by_name.u_namesake, sizeof m->u_namesake);
        m->has_namesake = 1;
    }
    m->em_iterations = it1 + it2;
    m->fallback = 0;
    if (it1 <= 0) {
        memcpy(m->m[WL_FIELD_NAME], THIN_NAME_M, sizeof THIN_NAME_M);
        m->fallback |= WL_FIT_NAME_M;
    }
    return WL_OK;
}

/* What the fit reads of the candidates, from parts: the prior (refitted with u
 * without the matches, U_ROUNDS times at most), a thin name's u, the
 * name-rarity means. */
static wl_status fit_from_candidates(wl_model *m, const wl_features *f, const wl_options *opt,
                                     const cand_parts *cp)
{
    if ((m->fallback & WL_FIT_NAME_M) && thin_name_u(m, f, opt, cp) != 0) return WL_NOMEM;
    double u_raw[WL_FIELD_COUNT][WL_MAX_LEVELS];
    memcpy(u_raw, m->u, sizeof u_raw);
    for (int round = 0; round < U_ROUNDS; round++) {
        wl_status st = fit_prior_or_fallback(m, f, opt, cp);
        if (st != WL_OK) return st;
        if (!wl_model_u_without_matches(m, (const double(*)[WL_MAX_LEVELS])u_raw)) break;
    }
    if ((m->fallback & WL_FIT_NAME_M) && opt->mode != WL_MODE_LINK) wl_model_u_thin_dedup(m, u_raw[WL_FIELD_NAME]);
    wl_model_monotone(m);
    if (tf_means_parts(m, cp) != 0) return WL_NOMEM;
    m->em_pairs = cp->total;
    return WL_OK;
}

wl_status wl_model_fit_parts(wl_model *m, const wl_features *f, const wl_options *opt, const wl_cmpvec *cand,
                             const uint32_t *ab, size_t n, const wl_stage_reduce *red)
{
    if (!red) red = &ONE_PART;
    /* Part 0 alone reads the records (they are every part's: the same u and
     * sessions), the others wait for its model. */
    int64_t st = red->part == 0 ? (int64_t)fit_from_records(m, f, opt) : (int64_t)WL_OK;
    if (red->bcast(red->user, &st, sizeof st) != 0) return WL_NOMEM;
    if (st != WL_OK) return (wl_status)st;
    if (red->bcast(red->user, m, sizeof *m) != 0) return WL_NOMEM;
    cand_parts cp;
    wl_status rc = cand_parts_open(&cp, m, f, opt, red, cand, ab, n);
    if (rc != WL_OK) return rc;
    rc = fit_from_candidates(m, f, opt, &cp);
    cand_parts_free(&cp);
    /* Every part computed the same doubles from the same integers; part 0's
     * bytes go to all the same, so that ranks on machines whose maths
     * libraries round differently still score with one model. */
    if (rc == WL_OK && red->bcast(red->user, m, sizeof *m) != 0) rc = WL_NOMEM;
    return rc;
}

wl_status wl_model_fit(wl_model *m, const wl_features *f, const wl_options *opt,
                       const wl_cmpvec *cand, const uint32_t *ab, size_t n_cand)
{
    return wl_model_fit_parts(m, f, opt, cand, ab, n_cand, NULL);
}

wl_status wl_model_fit_prior(wl_model *m, const wl_features *f, const wl_options *opt,
                             const wl_cmpvec *cand, size_t n)
{
    cand_parts cp;
    wl_status st = cand_parts_open(&cp, m, f, opt, &ONE_PART, cand, NULL, n);
    if (st != WL_OK) return st;
    fit_prior(m, &cp);
    cand_parts_free(&cp);
    return WL_OK;
}
