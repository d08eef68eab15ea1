/*
 * model.h -- the Fellegi-Sunter model (stage 6, score).
 *
 * Fellegi and Sunter (1969), "A Theory for Record Linkage", JASA 64: a pair's
 * comparison vector gamma has likelihood ratio m(gamma)/u(gamma), with
 * m = P(gamma | match) and u = P(gamma | non-match), fields assumed independent.
 * The match weight is log2 of the Bayes factor; with the prior match rate lambda
 * it gives a posterior probability. u is estimated from random record pairs
 * (nearly all non-matches), m and lambda by EM (Dempster, Laird and Rubin 1977;
 * applied to record linkage by Winkler 1988 and Jaro 1989) over the counts of
 * distinct comparison patterns, so EM costs the same at any list size.
 */
#ifndef WL_MODEL_H
#define WL_MODEL_H

#include "compare/compare.h"

enum { WL_MODEL_VERSION = 1 };

struct wl_model {
    int version;
    int levels[WL_FIELD_COUNT];              /* levels per field, "missing" included */
    double prior;                            /* lambda: P(match) among candidate pairs */
    double m[WL_FIELD_COUNT][WL_MAX_LEVELS];
    double u[WL_FIELD_COUNT][WL_MAX_LEVELS];
    /* Term-frequency adjustment of the name field (after Winkler's frequency-based
     * matching and Splink's tf adjustment): a name that agrees through parts
     * rarer than chance agreements at its level usually are gains weight;
     * Muhammad Nguyen loses some. Splink adjusts exact agreement only; here it applies
     * from tf_from up (jw92, all_parts, exact), because on watchlists most true
     * pairs agree in another spelling or order, and there a common given name
     * carried a pair as far as a rare family name did (OFAC aliases: all_parts
     * pairs were 57 % true whatever they shared). */
    double tf_scale;                         /* bits of weight per bit of rarity */
    double tf_cap;                           /* |adjustment| limit, bits */
    int tf_from;                             /* lowest name level adjusted */
    double rare_mean[WL_MAX_LEVELS];         /* mean name_rare of non-matches per name level */
    /* u of the fields namesakes share (nationality, gender, place of birth) among
     * pairs of different persons with the same name: used instead of u when the
     * names agree, since there the fields are not independent of the name (a
     * Muhammad Ali and another Muhammad Ali are far likelier to share a
     * nationality than two random records). Equal to u where not estimated. */
    double u_namesake[WL_FIELD_COUNT][WL_MAX_LEVELS];
    int has_namesake;
    int em_iterations;
    unsigned fallback;                       /* WL_FIT_* bits: what the data could not estimate */
    size_t em_pairs, u_pairs;
};

/** @return a model with default m, u and prior (before any estimate), or NULL. */
wl_model *wl_model_new(void);
/** Sets *m to what wl_model_new returns (default m and u, no allocation). */
void wl_model_init(wl_model *m);

/**
 * Estimates u from `samples` random pairs of f (all pairs when there are fewer),
 * honouring the mode (link: pairs across sources only). Deterministic for a seed.
 */
wl_status wl_model_estimate_u(wl_model *m, const wl_features *f, const wl_options *opt);

/**
 * EM over the distinct patterns of the n comparison vectors v: updates m and the
 * prior; u stays as given (the random-pair estimate). The fit (model_fit.c) runs
 * it on sessions of pairs sharing a strict key, among which that u holds, and
 * explains why neither u held on all candidates nor u left free works.
 * @return the number of iterations run; -1 when out of memory (m and the
 *         prior untouched).
 */
int wl_model_em(wl_model *m, const wl_cmpvec *v, size_t n, int max_iter);

/**
 * Fits the model without labels (model_fit.c explains how): u from random pairs,
 * m by EM on pairs sharing a date of birth and on pairs sharing a name, the prior
 * from the n candidate vectors cand, then the TF reference means. ab (may be
 * NULL) holds the candidates' records, 2 * n indices: when linking, the strong
 * pairs that bound a collapsed prior are then taken one to one.
 */
wl_status wl_model_fit(wl_model *m, const wl_features *f, const wl_options *opt,
                       const wl_cmpvec *cand, const uint32_t *ab, size_t n);

/**
 * wl_model_fit over candidates cut into parts (a distributed run: one range
 * per process): cand, ab and n are this part's; red (watchlink.h,
 * wl_stage_reduce) combines the parts' counts, maxima and strong pairs, and
 * sends part 0's model to every part. Part 0 alone estimates u and m from the
 * records (threads: opt->threads), and every part ends with the model
 * wl_model_fit gives over all the candidates, to the bit (model_fit.c says
 * how). red NULL: one part, which is what wl_model_fit runs.
 * @return WL_OK; WL_NOMEM when some part failed (every part returns it).
 */
wl_status wl_model_fit_parts(wl_model *m, const wl_features *f, const wl_options *opt, const wl_cmpvec *cand,
                             const uint32_t *ab, size_t n, const wl_stage_reduce *red);

/**
 * Whether the prior's fixed point (expected matches among all record pairs)
 * collapsed: below a hundredth of the matches the strong-evidence candidates
 * suggest, or at its floor of half a match with two or more strong pairs.
 * model_fit.c explains the rule and its figures.
 */
int wl_fit_prior_collapsed(double fixed_point, double strong);

/**
 * Names-only dedup (the name's m at the thin-evidence guess): takes prior x m out
 * of the name's u as counted (u_raw), each level keeping at least half of it;
 * the prior is not fitted again (model_fit.c says why).
 */
void wl_model_u_thin_dedup(wl_model *m, const double *u_raw);

/**
 * Names-only linking: the name's u without each record's closest candidate
 * (closest[l] such pairs at level l, out of `pairs` record pairs), and at jw92
 * and all_parts no more than the candidates proposed there that are not
 * closest (proposed[l]): strangers are scored only when blocking proposes them.
 * Floored at the half-pair smoothing and renormalised (model_fit.c says why).
 */
void wl_model_u_thin_link(wl_model *m, const double *proposed, const double *closest, double pairs);

/**
 * u of every field whose m the lists estimated, solved from u_raw (what random
 * pairs showed, matches included) as (u_raw - prior m) / (1 - prior), floored
 * at the half-pair smoothing and renormalised (model_fit.c says why).
 * @return 1 when some u moved by more than 1%.
 */
int wl_model_u_without_matches(wl_model *m, const double (*u_raw)[WL_MAX_LEVELS]);

/** Makes every field's weights non-decreasing from disagreement to agreement by
 *  pooling adjacent levels that violate the order (m moves, u stays; model.c). */
void wl_model_monotone(wl_model *m);

/**
 * Re-estimates only the prior from the candidates, m and u held (the labelled
 * fit uses it: labels give m, not how often two records of the lists match).
 * @return WL_NOMEM when out of memory (the prior untouched).
 */
wl_status wl_model_fit_prior(wl_model *m, const wl_features *f, const wl_options *opt,
                             const wl_cmpvec *cand, size_t n);

/** Mean name rarity (name_rare) of the non-matches among v (weighted by 1 - posterior), per name level. */
void wl_model_tf_means(wl_model *m, const wl_cmpvec *v, size_t n);

/**
 * wl_model_tf_means cut in two, for candidates held in parts (model_fit.c):
 * the sums per name level in fixed point, each as two 64-bit halves (the
 * rarity's sum, then the weights'), which parts add as integers; then the
 * means from the combined sums. Sums of the whole give wl_model_tf_means.
 */
void wl_model_tf_sums(const wl_model *m, const wl_cmpvec *v, size_t n, int64_t sums[WL_MAX_LEVELS][4]);
void wl_model_tf_means_of(wl_model *m, const int64_t sums[WL_MAX_LEVELS][4]);

/**
 * Scores one comparison vector. @param field_w receives each field's weight
 * (bits; may be NULL). @return the match weight (log2 Bayes factor, prior included).
 */
double wl_model_weight(const wl_model *m, const wl_cmpvec *v, float *field_w);

/** @return the evidence of v in bits: field weights only, no prior, no TF. */
double wl_model_evidence(const wl_model *m, const wl_cmpvec *v);

/**
 * The model's weights in bits, computed once for a loop over many vectors:
 * log2(m / u) of every level, with u and with the namesake u, and the prior's
 * log-odds. A vector's weight then costs lookups instead of a log2 a field
 * (callgrind: 550 instructions a pair, 6 % of a warm one-record query). The
 * values are the same doubles wl_model_weight computes, so the results are
 * the same bits. Valid until m changes.
 */
typedef struct {
    double prior_bits;
    double w[WL_FIELD_COUNT][WL_MAX_LEVELS], w_namesake[WL_FIELD_COUNT][WL_MAX_LEVELS];
} wl_model_bits;
void wl_model_bits_fill(const wl_model *m, wl_model_bits *b);
/** wl_model_weight through the table b (filled from m). */
double wl_model_weight_bits(const wl_model *m, const wl_model_bits *b, const wl_cmpvec *v, float *field_w);
/** wl_model_evidence through the table b (filled from m). */
double wl_model_evidence_bits(const wl_model *m, const wl_model_bits *b, const wl_cmpvec *v);

/** @return the posterior probability for a match weight. */
double wl_model_probability(double weight);

/** Parses a model from JSON text. @return NULL with a reason in err. */
wl_model *wl_model_from_json(const char *text, size_t len, char *err, size_t errcap);

#endif /* WL_MODEL_H */
