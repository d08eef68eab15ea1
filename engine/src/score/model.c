/* model.c -- Fellegi-Sunter parameters: u from random pairs, m and the prior by
 * EM over pattern counts, and scoring (see model.h for the references). */
#include "score/model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Probabilities are kept inside (EPS, 1 - EPS) so that no weight is infinite. */
#define P_EPS 1e-6

static double clamp_p(double p) { return p < P_EPS ? P_EPS : (p > 1 - P_EPS ? 1 - P_EPS : p); }

/* Before EM, m puts most of its mass on the best levels (a match mostly agrees),
 * decreasing geometrically towards disagreement. */
static void default_m(wl_model *m, int f)
{
    int L = m->levels[f];
    double w = 1.0, sum = 0.0;
    for (int l = L - 1; l >= 1; l--) {
        m->m[f][l] = w;
        sum += w;
        w *= 0.25;
    }
    for (int l = 1; l < L; l++) m->m[f][l] /= sum;
}

/* Until estimated, u mirrors m: random pairs mostly disagree. */
static void default_u(wl_model *m, int f)
{
    int L = m->levels[f];
    double w = 1.0, sum = 0.0;
    for (int l = 1; l < L; l++) {
        m->u[f][l] = w;
        sum += w;
        w *= 0.1;
    }
    for (int l = 1; l < L; l++) m->u[f][l] /= sum;
}

wl_model *wl_model_new(void)
{
    wl_model *m = malloc(sizeof *m);
    if (m) wl_model_init(m);
    return m;
}

void wl_model_init(wl_model *m)
{
    memset(m, 0, sizeof *m);
    m->version = WL_MODEL_VERSION;
    m->prior = 1e-3;
    m->tf_scale = 0.5;
    m->tf_cap = 6.0;
    m->tf_from = wl_fields[WL_FIELD_NAME].tf;
    for (int f = 0; f < WL_FIELD_COUNT; f++) {
        m->levels[f] = wl_field_levels((wl_field)f);
        default_m(m, f);
        default_u(m, f);
    }
}

void wl_model_free(wl_model *m) { free(m); }

/* ---- u from random pairs ---- */

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Records the random pairs are drawn from: pairs of a random subset of this many
 * records are still nearly independent (2 * 10^8 possible pairs for 10^6 drawn),
 * and the subset's features stay in cache, where pairs of the whole dataset would
 * miss it twice per pair. */
enum { U_POOL = 20000 };

/* A seeded random subset of min(n, U_POOL) records, in a random order. The
 * subset and its order come from a seeded hash of each record's (source, id),
 * never from its position, so the same lists give the same u -- and the same
 * bytes out -- whatever the order of the lists and of their rows. A single
 * list is keyed by its ids alone: its source is a file name by default, and
 * the bundled Thai sample deduplicated as tha.csv gave 169 pairs, as
 * other.csv 166 (a nightly list named by its date would have drawn other
 * pairs every night). Of several lists the source must stay in the key (one
 * id may be in two lists), so renaming one of them still draws other pairs:
 * on names-only lists that moved the pairs reported at 0.9 or more between
 * 84 % and 93 % true (tests/e2e/test_names_only.sh's lists, four draws). */
typedef struct {
    uint64_t key, tie;
    uint32_t rec;
} pool_ref;

static int cmp_pool_ref(const void *x, const void *y)
{
    const pool_ref *a = x, *b = y;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    if (a->tie != b->tie) return a->tie < b->tie ? -1 : 1;
    return a->rec < b->rec ? -1 : a->rec > b->rec; /* only on a 64-bit collision */
}

static uint32_t *random_pool(const wl_features *f, uint64_t seed, size_t *m)
{
    size_t n = f->n;
    pool_ref *refs = malloc((n ? n : 1) * sizeof *refs);
    if (!refs) return NULL;
    int one_source = 1;
    for (size_t i = 1; i < n && one_source; i++) one_source = f->source[i] == f->source[0];
    for (size_t i = 0; i < n; i++) {
        const char *src = wl_dataset_source(f->ds, i), *id = wl_dataset_id(f->ds, i);
        uint64_t hid = wl_hash_seed(id, strlen(id), seed);
        uint64_t both = wl_hash_combine(wl_hash_seed(src, strlen(src) + 1, seed), hid); /* NUL ends the source */
        refs[i] = (pool_ref){ one_source ? hid : both, both, (uint32_t)i };
    }
    qsort(refs, n, sizeof *refs, cmp_pool_ref);
    *m = n < U_POOL ? n : U_POOL;
    uint32_t *idx = malloc((*m ? *m : 1) * sizeof *idx);
    if (idx)
        for (size_t i = 0; i < *m; i++) idx[i] = refs[i].rec;
    free(refs);
    return idx;
}

/* Fills pairs with every admissible pair when there are at most `want`, else with
 * `want` seeded random pairs of a random pool of records. @return the pairs
 * written, or SIZE_MAX when out of memory (no pairs would keep the default u). */
static size_t sample_pairs(const wl_features *f, const wl_options *opt, wl_pairidx *pairs,
                           size_t want)
{
    size_t n = f->n, k = 0;
    int link = opt->mode == WL_MODE_LINK;
    double all = (double)n * (double)(n - 1) / 2.0;
    uint64_t s = opt->seed;
    size_t m;
    uint32_t *pool = random_pool(f, s, &m);
    if (!pool) return SIZE_MAX;
    /* Every pair is given to wl_compare in pool order (a hash of source and
     * id), not record order: the name comparison is not symmetric for a few
     * records with many aliases, and record order follows the order of the
     * lists (OFAC and EU swapped moved 6 of 10^6 pairs to another name level). */
    if (all <= (double)want) { /* then n < U_POOL: the pool holds every record */
        for (size_t pa = 0; pa < m; pa++)
            for (size_t pb = pa + 1; pb < m; pb++)
                if (!link || f->source[pool[pa]] != f->source[pool[pb]])
                    pairs[k++] = (wl_pairidx){ pool[pa], pool[pb] };
        free(pool);
        return k;
    }
    size_t tries = 0, max_tries = want * 20;
    while (k < want && tries++ < max_tries) {
        size_t pa = splitmix64(&s) % m, pb = splitmix64(&s) % m;
        uint32_t a = pool[pa], b = pool[pb];
        if (a == b || (link && f->source[a] == f->source[b])) continue;
        pairs[k++] = pa < pb ? (wl_pairidx){ a, b } : (wl_pairidx){ b, a };
    }
    free(pool);
    return k;
}

wl_status wl_model_estimate_u(wl_model *m, const wl_features *f, const wl_options *opt)
{
    if (f->n < 2) return WL_OK;
    size_t want = opt->u_samples ? opt->u_samples : 1000000;
    wl_pairidx *pairs = malloc(want * sizeof *pairs);
    uint8_t (*v)[WL_FIELD_COUNT] = malloc(want * sizeof *v); /* the pairs' levels: all u counts */
    if (!pairs || !v) {
        free(pairs);
        free(v);
        return WL_NOMEM;
    }
    size_t n = sample_pairs(f, opt, pairs, want);
    if (n == SIZE_MAX) {
        free(pairs);
        free(v);
        return WL_NOMEM;
    }
    long long np = (long long)n;
#pragma omp parallel for schedule(static) num_threads(wl_thread_count(opt->threads))
    for (long long k = 0; k < np; k++) wl_compare_levels(f, pairs[k].a, pairs[k].b, v[k]);

    double count[WL_FIELD_COUNT][WL_MAX_LEVELS] = { { 0 } };
    for (size_t k = 0; k < n; k++)
        for (int fi = 0; fi < WL_FIELD_COUNT; fi++) count[fi][v[k][fi]] += 1.0;
    for (int fi = 0; fi < WL_FIELD_COUNT; fi++) {
        int L = m->levels[fi];
        double seen = 0.0;
        for (int l = 1; l < L; l++) seen += count[fi][l];
        if (seen < 1.0) continue; /* field never present: keep the defaults */
        /* Add-half smoothing: a level never seen among random pairs is rare, not impossible. */
        for (int l = 1; l < L; l++)
            m->u[fi][l] = clamp_p((count[fi][l] + 0.5) / (seen + 0.5 * (L - 1)));
    }
    m->u_pairs = n;
    free(pairs);
    free(v);
    return WL_OK;
}

/* ---- EM over pattern counts ---- */

typedef struct {
    size_t n_patterns;
    size_t stride[WL_FIELD_COUNT];
    double *count;       /* pairs per pattern */
    double *g;           /* posterior match probability per pattern */
    double m0[WL_FIELD_COUNT][WL_MAX_LEVELS];   /* pseudo-count shapes: the defaults */
} patterns;

/* Pseudo-pairs behind each m estimate. */
#define M_PSEUDO 20.0

static size_t pattern_of(const patterns *p, const wl_cmpvec *v)
{
    size_t id = 0;
    for (int f = 0; f < WL_FIELD_COUNT; f++) id += v->level[f] * p->stride[f];
    return id;
}

static int level_of(const patterns *p, const wl_model *m, size_t id, int f)
{
    return (int)((id / p->stride[f]) % (size_t)m->levels[f]);
}

static int patterns_init(patterns *p, const wl_model *m, const wl_cmpvec *v, size_t n)
{
    p->n_patterns = 1;
    for (int f = 0; f < WL_FIELD_COUNT; f++) {
        p->stride[f] = p->n_patterns;
        p->n_patterns *= (size_t)m->levels[f];
    }
    p->count = calloc(p->n_patterns, sizeof *p->count);
    p->g = calloc(p->n_patterns, sizeof *p->g);
    if (!p->count || !p->g) return -1;
    for (size_t k = 0; k < n; k++) p->count[pattern_of(p, &v[k])] += 1.0;
    return 0;
}

/* E-step for one pattern: P(match | pattern) under the current parameters. */
static double posterior(const wl_model *m, const patterns *p, size_t id)
{
    double lm = log(m->prior), lu = log(1 - m->prior);
    for (int f = 0; f < WL_FIELD_COUNT; f++) {
        int l = level_of(p, m, id, f);
        if (l == 0) continue; /* missing: no evidence either way */
        lm += log(m->m[f][l]);
        lu += log(m->u[f][l]);
    }
    double d = lu - lm;
    return d > 700 ? 0.0 : 1.0 / (1.0 + exp(d));
}

/* Re-estimates one field's m from its posterior-weighted counts. @return the largest change. */
static double m_step_field(double *x, const double *cnt, int L, const double *x0, double alpha)
{
    double den = 0.0, delta = 0.0;
    for (int l = 1; l < L; l++) den += cnt[l];
    if (den <= 0.0) return 0.0;
    for (int l = 1; l < L; l++) {
        /* Dirichlet pseudo-counts (alpha pairs spread as x0): with a few dozen
         * pairs the estimate stays near x0 instead of swinging to 0 or 1; with
         * thousands they vanish. They also keep an unseen level possible. */
        double nx = clamp_p((cnt[l] + alpha * x0[l]) / (den + alpha));
        delta = fmax(delta, fabs(nx - x[l]));
        x[l] = nx;
    }
    return delta;
}

/* M-step from the posteriors p->g: m and the prior (u stays at the random-pair
 * estimate: model_fit.c says why). @return the largest change of any parameter. */
static double m_step(wl_model *m, const patterns *p)
{
    double num[WL_FIELD_COUNT][WL_MAX_LEVELS] = { { 0 } };
    double total = 0.0, matched = 0.0;
    for (size_t id = 0; id < p->n_patterns; id++) {
        if (p->count[id] == 0.0) continue;
        double cg = p->count[id] * p->g[id];
        total += p->count[id];
        matched += cg;
        for (int f = 0; f < WL_FIELD_COUNT; f++) num[f][level_of(p, m, id, f)] += cg;
    }
    double delta = 0.0;
    for (int f = 0; f < WL_FIELD_COUNT; f++)
        delta = fmax(delta, m_step_field(m->m[f], num[f], m->levels[f], p->m0[f], M_PSEUDO));
    double prior = total > 0 ? clamp_p(matched / total) : m->prior;
    delta = fmax(delta, fabs(prior - m->prior));
    m->prior = prior;
    return delta;
}

static void e_step(const wl_model *m, patterns *p)
{
    for (size_t id = 0; id < p->n_patterns; id++)
        if (p->count[id] > 0.0) p->g[id] = posterior(m, p, id);
}

/* The starting split: a candidate is taken as a match when at least two of the
 * identifying fields (name, date of birth, document) sit at one of their two best
 * levels. Started from parameters alone, EM can settle on another split of the
 * candidates (same nationality and gender with a similar name, for one); a start
 * near the intended classes keeps it on the linkage solution (Winkler 1988 warns
 * that EM finds the split the data make most prominent, not always the match one). */
static void seed_posteriors(const wl_model *m, patterns *p)
{
    for (size_t id = 0; id < p->n_patterns; id++) {
        if (p->count[id] == 0.0) continue;
        int strong = 0;
        for (int f = 0; f < WL_FIELD_COUNT; f++) {
            int from = wl_fields[f].identifying; /* name all_parts, dob typo, doc one_edit */
            strong += from > 0 && level_of(p, m, id, f) >= from;
        }
        p->g[id] = strong >= 2 ? 0.99 : 0.01;
    }
}

int wl_model_em(wl_model *m, const wl_cmpvec *v, size_t n, int max_iter)
{
    patterns p = { 0 };
    if (n == 0) return 0;
    wl_model *ref = patterns_init(&p, m, v, n) == 0 ? wl_model_new() : NULL;
    if (!ref) {
        free(p.count);
        free(p.g);
        return -1;
    }
    memcpy(p.m0, ref->m, sizeof p.m0);
    wl_model_free(ref);
    seed_posteriors(m, &p);
    m_step(m, &p);
    int it = 0;
    while (it < max_iter) {
        it++;
        e_step(m, &p);
        if (m_step(m, &p) < 1e-7) break;
    }
    m->em_iterations = it;
    m->em_pairs = n;
    free(p.count);
    free(p.g);
    return it;
}

/* ---- scoring ---- */

/* Sums of doubles in fixed point (2^-32 units, 128-bit): integer addition is
 * associative, so a sum over the candidates is the same whatever their order --
 * the candidates come in the order of the input rows, and a float sum in that
 * order would change the last digits of every probability with the row order. */
__extension__ typedef __int128 exact_sum;
#define EXACT_ONE 4294967296.0
static inline exact_sum exact_of(double x) { return (exact_sum)llround(x * EXACT_ONE); }

/* An exact sum as two 64-bit integers, low 32 bits and the rest, so that
 * parts of a distributed run can add theirs with 64-bit sums (MPI has no
 * 128-bit type): the low halves of 2^31 parts cannot overflow, the high ones
 * hold 2^95. */
static void exact_split(exact_sum x, int64_t *hi, int64_t *lo)
{
    exact_sum low = x & (exact_sum)0xffffffffu;
    *lo = (int64_t)low;
    *hi = (int64_t)((x - low) / ((exact_sum)1 << 32));
}

static exact_sum exact_join(int64_t hi, int64_t lo) { return (exact_sum)hi * ((exact_sum)1 << 32) + lo; }

/*
 * The reference the rarity adjustment is measured from, per name level: the mean
 * name_rare of the candidates weighted as non-matches (1 - posterior). u of a
 * level is the chance that two different persons agree so, and most such pairs
 * agree through common names; a pair agreeing through rarer parts than theirs is
 * less likely a chance agreement by about 2^(rarity - mean) (Splink's u of a
 * value, freq / n, against the level's u). The mean of the likely matches used
 * before sat higher (people on lists are mostly not Muhammad Ali), so a typical
 * true pair lost weight it had earned: on the generated 10^5 lists pairs
 * reported at 0.1-0.2 were 47 % true and at 0.4-0.5 78 % (now 23 % and 52 %),
 * and EU aliases F1 0.907 -> 0.917, FEBRL 2 0.997 -> 0.996 (P 1.000 -> 0.996).
 * With names only every candidate of a level has one posterior, and both means
 * are the plain mean.
 */
void wl_model_tf_sums(const wl_model *m, const wl_cmpvec *v, size_t n, int64_t sums[WL_MAX_LEVELS][4])
{
    exact_sum sum[WL_MAX_LEVELS] = { 0 }, w[WL_MAX_LEVELS] = { 0 };
    wl_model_bits b;
    wl_model_bits_fill(m, &b);
    for (size_t k = 0; k < n; k++) {
        int l = v[k].level[WL_FIELD_NAME];
        if (l < m->tf_from) continue;
        double g = wl_model_probability(b.prior_bits + wl_model_evidence_bits(m, &b, &v[k]));
        double q = 1.0 - g; /* the pair's weight as a non-match */
        sum[l] += exact_of(q * v[k].name_rare);
        w[l] += exact_of(q);
    }
    for (int l = 0; l < WL_MAX_LEVELS; l++) {
        exact_split(sum[l], &sums[l][0], &sums[l][1]);
        exact_split(w[l], &sums[l][2], &sums[l][3]);
    }
}

void wl_model_tf_means_of(wl_model *m, const int64_t sums[WL_MAX_LEVELS][4])
{
    for (int l = 0; l < WL_MAX_LEVELS; l++) {
        exact_sum s = exact_join(sums[l][0], sums[l][1]), w = exact_join(sums[l][2], sums[l][3]);
        m->rare_mean[l] = w > exact_of(1e-9) ? (double)s / (double)w : 0.0;
    }
}

void wl_model_tf_means(wl_model *m, const wl_cmpvec *v, size_t n)
{
    int64_t sums[WL_MAX_LEVELS][4];
    wl_model_tf_sums(m, v, n, sums);
    wl_model_tf_means_of(m, (const int64_t(*)[4])sums);
}

/*
 * Levels are ordered from disagreement to agreement, and a closer agreement is
 * never weaker evidence: with m and u estimated level by level (or m at its
 * defaults, on names-only lists), exact could weigh less than all_parts once u
 * of all_parts fell, and --one-to-one then preferred an all_parts stranger to
 * the exact spelling. Each run of adjacent levels whose ratios m/u decrease is
 * pooled (pool-adjacent-violators, Ayer et al. 1955; isotonic regression of the
 * likelihood ratio): its levels get the ratio of their summed m to summed u, by
 * moving m between them (the sum of m is kept, u is what the lists showed).
 */
static void monotone_field(wl_model *m, int f)
{
    int L = m->levels[f];
    double bm[WL_MAX_LEVELS], bu[WL_MAX_LEVELS];
    int start[WL_MAX_LEVELS + 1], nb = 0;
    for (int l = 1; l < L; l++) { /* blocks of levels, merged while they violate the order */
        bm[nb] = m->m[f][l];
        bu[nb] = m->u[f][l];
        start[nb++] = l;
        while (nb >= 2 && bm[nb - 1] * bu[nb - 2] < bm[nb - 2] * bu[nb - 1]) {
            bm[nb - 2] += bm[nb - 1];
            bu[nb - 2] += bu[nb - 1];
            nb--;
        }
    }
    start[nb] = L;
    for (int b = 0; b < nb; b++) {
        if (start[b + 1] - start[b] < 2 || bu[b] <= 0.0) continue;
        double ratio = bm[b] / bu[b];
        for (int l = start[b]; l < start[b + 1]; l++) m->m[f][l] = clamp_p(ratio * m->u[f][l]);
    }
}

void wl_model_monotone(wl_model *m)
{
    for (int f = 0; f < WL_FIELD_COUNT; f++) monotone_field(m, f);
}

/* Whether field f of a pair takes the namesake u: where the names agree at
 * least closely (jw92 and above) and one was estimated. */
static int namesake_row(const wl_model *m, const wl_cmpvec *v, int f)
{
    return m->has_namesake && f != WL_FIELD_NAME && v->level[WL_FIELD_NAME] >= wl_fields[WL_FIELD_NAME].close;
}

/* The u row to use for field f of a pair. */
static const double *u_row(const wl_model *m, const wl_cmpvec *v, int f)
{
    return namesake_row(m, v, f) ? m->u_namesake[f] : m->u[f];
}

void wl_model_bits_fill(const wl_model *m, wl_model_bits *b)
{
    memset(b, 0, sizeof *b);
    b->prior_bits = log2(m->prior / (1 - m->prior));
    for (int f = 0; f < WL_FIELD_COUNT; f++)
        for (int l = 1; l < m->levels[f] && l < WL_MAX_LEVELS; l++) {
            b->w[f][l] = log2(m->m[f][l] / m->u[f][l]);
            if (m->has_namesake) b->w_namesake[f][l] = log2(m->m[f][l] / m->u_namesake[f][l]);
        }
}

/* Field f's weight at level l > 0: from the table b, else computed. */
static inline double level_bits(const wl_model *m, const wl_model_bits *b, const wl_cmpvec *v, int f, int l)
{
    if (b) return namesake_row(m, v, f) ? b->w_namesake[f][l] : b->w[f][l];
    return log2(m->m[f][l] / u_row(m, v, f)[l]);
}

double wl_model_evidence_bits(const wl_model *m, const wl_model_bits *b, const wl_cmpvec *v)
{
    double w = 0.0;
    for (int f = 0; f < WL_FIELD_COUNT; f++) {
        int l = v->level[f];
        if (l) w += level_bits(m, b, v, f, l);
    }
    return w;
}

double wl_model_evidence(const wl_model *m, const wl_cmpvec *v) { return wl_model_evidence_bits(m, NULL, v); }

double wl_model_weight_bits(const wl_model *m, const wl_model_bits *b, const wl_cmpvec *v, float *field_w)
{
    double w = b ? b->prior_bits : log2(m->prior / (1 - m->prior));
    for (int f = 0; f < WL_FIELD_COUNT; f++) {
        int l = v->level[f];
        double fw = l == 0 ? 0.0 : level_bits(m, b, v, f, l);
        if (f == WL_FIELD_NAME && l >= m->tf_from) {
            double adj = m->tf_scale * (v->name_rare - m->rare_mean[l]);
            fw += fmax(-m->tf_cap, fmin(m->tf_cap, adj));
        }
        if (field_w) field_w[f] = (float)fw;
        w += fw;
    }
    return w;
}

double wl_model_weight(const wl_model *m, const wl_cmpvec *v, float *field_w)
{
    return wl_model_weight_bits(m, NULL, v, field_w);
}

double wl_model_probability(double weight)
{
    if (weight > 60) return 1.0;
    if (weight < -60) return 0.0;
    double b = exp2(weight);
    return b / (1.0 + b);
}
