/* pprl_score.c -- a field-level Fellegi-Sunter model over the segments of
 * version 2 encodings.
 *
 * One Dice over a whole CLK cannot tell a namesake of the same birth year from
 * a true pair with a mistyped date: every field's bits are pooled. With a
 * segment per field, each field's Dice is cut into agreement levels and the
 * pair's weight is the sum over fields of log2(m / u) (Fellegi and Sunter, "A
 * theory for record linkage", JASA 1969), as the plain pipeline scores fields;
 * a field empty on either side adds 0 (missing is not disagreement).
 *
 * u, the share of non-matching pairs at each level, comes from record pairs
 * drawn at random (almost all of them non-matches), and is held fixed while EM
 * (Dempster, Laird and Rubin 1977; Winkler 1988 for record linkage) fits m and
 * the prior over the candidate pairs: the blocked candidates are a biased
 * sample, and EM fitting u on them drifted (a prototype on the generated lists,
 * bench/RESULTS.md issue 13). Weights are made non-increasing down the levels
 * (a closer Dice never counts less), and a field whose fit is not better than
 * chance (m below u at the top level) keeps default tables.
 *
 * Everything here runs on counts of integer patterns, in a fixed order: the
 * model, hence the scores, is the same for any thread count. */
#include "pprl/pprl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { N_SAMPLE = 200000, EM_MAX_ITER = 200, MIN_FIT_PAIRS = 200 };

/* The Dirichlet prior's weight on m, as a share of the matches' mass: 0.05,
 * 0.2 and 0.5 gave best F1 0.795, 0.810 and 0.801 on the generated idn x mys
 * lists (bench/RESULTS.md, issue 13). */
#define PRIOR_SHARE 0.2

/* Dice bands, in hundredths: level l holds Dice >= g_band[l] (level 3 is not a band). */
static const uint32_t g_band[WL_PPRL_LEVELS - 1] = { 95, 85, 70, 0, 55, 40 };

/*
 * Levels 0-2 are Dice bands. Below Dice 0.7, a segment whose smaller side lies
 * (nine tenths or more of its bits) inside the other's is level 3, whatever
 * its Dice: a year of birth against the full date with that year, "Siti"
 * against "Siti binti Ahmad", one document against two. That is how one
 * person's record is thinner on one list (the plain comparator's year_only and
 * all_parts levels), and its Dice, 0.25-0.5, fell among random pairs'. The
 * other pairs below 0.7 are levels 4-6 by Dice. On the generated idn x mys
 * lists this took F1 at the default threshold from 0.786 to 0.818
 * (bench/RESULTS.md, issue 13). Weights never rise down the levels, so a
 * partial overlap never counts more than a containment.
 */
int wl_pprl_level(uint32_t c, uint32_t pa, uint32_t pb)
{
    if (!pa || !pb) return WL_PPRL_MISSING;
    uint64_t d = 200ull * c, s = (uint64_t)(pa + pb);
    int l = 0;
    while (l < 3 && d < (uint64_t)g_band[l] * s) l++;
    if (l < 3) return l;
    if (10ull * c >= 9ull * (pa < pb ? pa : pb)) return 3;
    for (l = 4; l < WL_PPRL_LEVELS - 1 && d < (uint64_t)g_band[l] * s;) l++;
    return l;
}

/*
 * Two segments that agree closely but hold few bits agree on less than the
 * field usually carries: a year of birth on both sides (the token of the year
 * alone) is "the years agree", not an exact date, and random pairs of
 * year-only records met at Dice 1 often enough to raise u of the top dob level
 * tenfold over an exact date's (generated idn x mys lists, bench/RESULTS.md
 * issue 13). Such an agreement takes level 3, with a year against a full
 * date: the plain comparator's year_only level says the same of both.
 */
int wl_pprl_level_thin(uint32_t c, uint32_t pa, uint32_t pb, uint32_t thin)
{
    int l = wl_pprl_level(c, pa, pb);
    return l < 3 && pa < thin && pb < thin ? 3 : l;
}

void wl_pprl_model_thin(wl_pprl_model *md, const wl_encoded *a, const uint32_t *pop_a, const wl_encoded *b,
                        const uint32_t *pop_b)
{
    for (int s = 0; s < a->n_seg; s++) {
        /* a counting sort of the popcounts (at most the segment's bits): the
         * median of the union, whatever the argument order */
        uint32_t bits = a->seg[s].words * 64u;
        size_t *hist = calloc((size_t)bits + 1, sizeof *hist), n = 0;
        md->thin[s] = 0;
        if (!hist) continue; /* no bound: every level as Dice gives it */
        for (int side = 0; side < 2; side++) {
            const wl_encoded *e = side ? b : a;
            const uint32_t *pop = side ? pop_b : pop_a;
            for (size_t i = 0; i < e->n; i++) {
                uint32_t v = pop[i * (size_t)a->n_seg + (size_t)s];
                if (v && v <= bits) hist[v]++, n++;
            }
        }
        size_t seen = 0;
        for (uint32_t v = 1; n && v <= bits; v++)
            if ((seen += hist[v]) * 2 >= n) {
                md->thin[s] = v / 2;
                break;
            }
        free(hist);
    }
}

/* Defaults for lists too small to sample or fit: per field, levels 0..5.
 * u: a field with few values (gender, nationality) agrees by chance often. */
static const double g_u_default[WL_PPRL_F_COUNT][WL_PPRL_LEVELS] = {
    { 0.0005, 0.001, 0.003, 0.002, 0.01, 0.04, 0.9435 },   /* name */
    { 0.0005, 0.001, 0.002, 0.01, 0.01, 0.08, 0.8965 },    /* dob */
    { 0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.01, 0.9862 }, /* doc */
    { 0.3, 0.05, 0.05, 0.05, 0.05, 0.05, 0.45 },           /* nationality */
    { 0.5, 0.001, 0.001, 0.001, 0.001, 0.001, 0.495 },     /* gender */
    { 0.01, 0.005, 0.01, 0.005, 0.02, 0.05, 0.9 },         /* place of birth */
    { 0.0005, 0.001, 0.003, 0.002, 0.01, 0.04, 0.9435 },   /* text */
};
static const double g_m_default[WL_PPRL_F_COUNT][WL_PPRL_LEVELS] = {
    { 0.6, 0.15, 0.1, 0.04, 0.05, 0.03, 0.03 },
    { 0.65, 0.05, 0.08, 0.1, 0.05, 0.04, 0.03 },
    { 0.6, 0.15, 0.1, 0.03, 0.04, 0.03, 0.05 },
    { 0.9, 0.02, 0.02, 0.01, 0.01, 0.02, 0.02 },
    { 0.95, 0.005, 0.005, 0.002, 0.003, 0.005, 0.03 },
    { 0.7, 0.1, 0.05, 0.03, 0.04, 0.04, 0.04 },
    { 0.5, 0.15, 0.1, 0.05, 0.05, 0.05, 0.1 },
};

/* SplitMix64 (Steele, Lea and Flood, OOPSLA 2014): the k-th draw is a function
 * of k alone, so the sample is the same however it is computed. */
static uint64_t splitmix(uint64_t k)
{
    uint64_t z = k * 0x9e3779b97f4a7c15ull + 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/*
 * A crowded name. u of a name level is the share of random pairs reaching it,
 * the same for every name; but two "Ahmad Muhammad"s agree by chance far more
 * often than two rare names (Winkler's frequency-based matching, "Using the EM
 * algorithm for weight computation in the Fellegi-Sunter model of record
 * linkage", 1988; Splink's term-frequency adjustments use the value's
 * frequency in both inputs together). Without the names, the crowd shows in
 * the encodings: x's candidates in y's file whose name reaches level l, and
 * y's in x's file, out of both files' records, are how often such a name
 * occurs, each record leaving the other out (a name held once on each side
 * is no crowd, whatever the files' sizes).
 */
double wl_pprl_crowd_u(const uint32_t *near_x, size_t n_y, const uint32_t *near_y, size_t n_x, int l)
{
    if (!n_x || !n_y) return 0.0;
    double kx = near_x[l] ? (double)near_x[l] - 1.0 : 0.0, ky = near_y[l] ? (double)near_y[l] - 1.0 : 0.0;
    return (kx + ky) / ((double)n_x + (double)n_y);
}

/*
 * A crowded agreement is scored as the level whose chance agreement it
 * matches: its weight falls, and, as the counting pass and the u sample see
 * the same levels, EM no longer takes a crowd of namesakes (exact common
 * names, other dates) for matches, which had pulled m of an exact date of
 * birth down to 0.30 where the true pairs hold 0.70 (generated idn x mys
 * lists, bench/RESULTS.md issue 13). Only ever lowered: raising rare names
 * promoted same-name relatives (third pass).
 */
int wl_pprl_demote(const double *u_raw, int l, double u_crowd)
{
    while (l < WL_PPRL_LEVELS - 1 && u_raw[l] < u_crowd) l++;
    return l;
}

/* The name level of a pair drawn in model_u, crowd-corrected when near is given. */
static int sample_level(const wl_pprl_model *md, int s, int l, const uint32_t *near_a, const uint32_t *near_b,
                        size_t na, size_t nb, uint32_t i, uint32_t j)
{
    if (s != md->name_seg || !near_a || l >= WL_PPRL_LEVELS) return l;
    double u = wl_pprl_crowd_u(near_a + (size_t)i * WL_PPRL_LEVELS, nb, near_b + (size_t)j * WL_PPRL_LEVELS, na, l);
    return wl_pprl_demote(md->u_name_raw, l, u);
}

void wl_pprl_model_u(wl_pprl_model *md, const wl_encoded *a, const wl_encoded *b, const uint32_t *seg_pop_a,
                     const uint32_t *seg_pop_b, const uint32_t *order_a, const uint32_t *order_b, int kernel,
                     const uint32_t *near_a, const uint32_t *near_b)
{
    int ns = a->n_seg;
    md->n_seg = ns;
    /* a sample of random pairs is mostly non-matches only when the lists are
     * large; on small lists the defaults are the better guess */
    int sample = a->n && b->n && (double)a->n * (double)b->n >= 40000.0;
    /* Round 0 tallies the levels as Dice gives them; round 1, with crowds,
     * the name's corrected levels, which need round 0's u of the name. */
    for (int round = 0; round < 2; round++) {
        if (round == 1 && (!near_a || md->name_seg < 0)) break;
        uint64_t cnt[WL_PPRL_F_COUNT][WL_PPRL_LEVELS] = { { 0 } };
        for (uint64_t k = 0; sample && k < N_SAMPLE; k++) {
            uint64_t h = splitmix(k);
            uint32_t i = order_a[(h >> 32) % a->n], j = order_b[(h & 0xffffffffu) % b->n];
            uint32_t c[WL_PPRL_F_COUNT];
            wl_pprl_seg_counts_with(kernel, a->bits + (size_t)i * a->words, b->bits + (size_t)j * b->words, a->seg,
                                    ns, c);
            for (int s = 0; s < ns; s++) {
                int l = wl_pprl_level_thin(c[s], seg_pop_a[(size_t)i * ns + s], seg_pop_b[(size_t)j * ns + s],
                                           md->thin[s]);
                if (round == 1) l = sample_level(md, s, l, near_a, near_b, a->n, b->n, i, j);
                if (l < WL_PPRL_LEVELS) cnt[s][l]++;
            }
        }
        for (int s = 0; s < ns; s++) {
            if (round == 1 && s != md->name_seg) continue;
            int f = a->seg[s].field;
            uint64_t tot = 0;
            for (int l = 0; l < WL_PPRL_LEVELS; l++) tot += cnt[s][l];
            for (int l = 0; l < WL_PPRL_LEVELS; l++)
                /* add-one smoothing: a level no sampled pair reached is rare, not impossible */
                md->u[s][l] = tot >= 1000 ? ((double)cnt[s][l] + 1.0) / ((double)tot + WL_PPRL_LEVELS)
                                          : g_u_default[f][l];
            if (round == 0 && s == md->name_seg) memcpy(md->u_name_raw, md->u[s], sizeof md->u_name_raw);
        }
    }
}

/* w = log2(m / u), made non-increasing down the levels. */
static void make_weights(wl_pprl_model *md)
{
    for (int s = 0; s < md->n_seg; s++)
        for (int l = 0; l < WL_PPRL_LEVELS; l++) {
            md->w[s][l] = log2(md->m[s][l] / md->u[s][l]);
            if (l && md->w[s][l] > md->w[s][l - 1]) md->w[s][l] = md->w[s][l - 1];
        }
    md->w_prior = log2(md->prior / (1.0 - md->prior));
}

void wl_pprl_model_fit(wl_pprl_model *md, const wl_encoded *a, const uint64_t *hist, size_t n_patterns, size_t n_a,
                       size_t n_b)
{
    int ns = md->n_seg;
    size_t n_pat = 0;
    double total = 0;
    for (size_t p = 0; p < n_patterns; p++)
        if (hist[p]) n_pat++, total += (double)hist[p];
    for (int s = 0; s < ns; s++)
        for (int l = 0; l < WL_PPRL_LEVELS; l++) md->m[s][l] = g_m_default[a->seg[s].field][l];
    /* The prior is over all n_a x n_b record pairs, the population u was
     * sampled from, not over the candidates: the blocking that made the
     * candidates also made their non-matches agree on names far more often
     * than random pairs, and a prior over the candidates (with u from random
     * pairs) let EM take namesakes for matches (F1 0.40 on the generated
     * lists). Pairs never compared are taken as non-matches. At most about one
     * partner per record of the smaller list: the prior's ceiling. */
    double pairs = (double)n_a * (double)n_b;
    double p_max = pairs > 0 ? (double)WL_MIN(n_a, n_b) / pairs : 0.5;
    p_max = p_max < 1e-12 ? 1e-12 : p_max > 0.5 ? 0.5 : p_max;
    md->prior = p_max / 2;
    md->iterations = 0;
    md->fallback = 0;
    uint32_t *pat = malloc((n_pat ? n_pat : 1) * sizeof *pat);
    double *cnt = malloc((n_pat ? n_pat : 1) * sizeof *cnt);
    if (!pat || !cnt || total < MIN_FIT_PAIRS) {
        md->fallback = ns; /* too few candidates to fit: the defaults */
        free(pat);
        free(cnt);
        make_weights(md);
        return;
    }
    for (size_t p = 0, k = 0; p < n_patterns; p++)
        if (hist[p]) pat[k] = (uint32_t)p, cnt[k++] = (double)hist[p];
    double m[WL_PPRL_F_COUNT][WL_PPRL_LEVELS], prior = md->prior;
    memcpy(m, md->m, sizeof m);
    for (int it = 0; it < EM_MAX_ITER; it++) {
        double acc[WL_PPRL_F_COUNT][WL_PPRL_LEVELS] = { { 0 } }, g_sum = 0;
        double lp = log(prior), lq = log1p(-prior);
        for (size_t k = 0; k < n_pat; k++) {
            double lm = lp, lu = lq;
            for (int s = 0; s < ns; s++) {
                int l = (int)(pat[k] >> (WL_PPRL_LEVEL_BITS * s)) & 7;
                if (l >= WL_PPRL_LEVELS) continue;
                lm += log(m[s][l]);
                lu += log(md->u[s][l]);
            }
            double g = 1.0 / (1.0 + exp(lu - lm)); /* P(match | pattern) */
            double gc = g * cnt[k];
            g_sum += gc;
            for (int s = 0; s < ns; s++) {
                int l = (int)(pat[k] >> (WL_PPRL_LEVEL_BITS * s)) & 7;
                if (l < WL_PPRL_LEVELS) acc[s][l] += gc;
            }
        }
        double delta = 0;
        for (int s = 0; s < ns; s++) {
            /* a Dirichlet prior towards the default m, worth a share of the
             * matches' mass: a level no likely match reached this round keeps
             * a little weight, so no field's disagreement becomes a veto */
            double t = 0, k = PRIOR_SHARE * g_sum + 1.0;
            for (int l = 0; l < WL_PPRL_LEVELS; l++) t += acc[s][l];
            for (int l = 0; l < WL_PPRL_LEVELS; l++) {
                double v = (acc[s][l] + k * g_m_default[a->seg[s].field][l]) / (t + k);
                delta = fmax(delta, fabs(v - m[s][l]));
                m[s][l] = v;
            }
        }
        double np = pairs > 0 ? g_sum / pairs : 0.5;
        np = np < 1e-14 ? 1e-14 : np > p_max ? p_max : np;
        delta = fmax(delta, fabs(np - prior) / prior);
        prior = np;
        md->iterations = it + 1;
        if (!(delta > 1e-7)) break; /* converged (or NaN: checked below) */
    }
    int bad_prior = !isfinite(prior);
    if (!bad_prior) md->prior = prior;
    for (int s = 0; s < ns; s++) {
        int ok = !bad_prior && isfinite(m[s][0]) && m[s][0] > md->u[s][0];
        for (int l = 0; ok && l < WL_PPRL_LEVELS; l++) ok = isfinite(m[s][l]) && m[s][l] > 0;
        if (ok) memcpy(md->m[s], m[s], sizeof m[s]);
        else md->fallback++;
    }
    free(pat);
    free(cnt);
    make_weights(md);
}
