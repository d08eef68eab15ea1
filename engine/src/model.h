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

#include "compare.h"

enum { WL_MODEL_VERSION = 1 };

struct wl_model {
    int version;
    int levels[WL_FIELD_COUNT];              /* levels per field, "missing" included */
    double prior;                            /* lambda: P(match) among candidate pairs */
    double m[WL_FIELD_COUNT][WL_MAX_LEVELS];
    double u[WL_FIELD_COUNT][WL_MAX_LEVELS];
    /* Term-frequency adjustment of the name field (after Winkler's frequency-based
     * matching and Splink's tf adjustment): a pair whose agreeing name parts are
     * rarer than is usual among matches at that name level gains weight. */
    double tf_scale;                         /* bits of weight per bit of rarity */
    double tf_cap;                           /* |adjustment| limit, bits */
    double rare_mean[WL_MAX_LEVELS];         /* mean name_rare of matches per name level */
    int em_iterations;
    size_t em_pairs, u_pairs;
};

/** @return a model with default m, u and prior (before any estimate), or NULL. */
wl_model *wl_model_new(void);

/**
 * Estimates u from `samples` random pairs of f (all pairs when there are fewer),
 * honouring the mode (link: pairs across sources only). Deterministic for a seed.
 */
wl_status wl_model_estimate_u(wl_model *m, const wl_features *f, const wl_options *opt);

/**
 * EM over the distinct patterns of the n comparison vectors v: updates m and the
 * prior, and u too when update_u (starting from the random-pair estimate), then
 * the TF reference means. @return the number of iterations run.
 *
 * Why update u: u from random pairs describes random non-matches, but the pairs
 * scored are candidates that already share a blocking key, so their non-matches
 * agree on names far more often than random pairs do. With u held at the random
 * estimate, EM explains every candidate as a match (on FEBRL dataset2 the prior
 * went to 1 and precision to 0.50). Re-estimating u among the candidates, from
 * the random-pair start, is the classic EM of Winkler (1988) and Jaro (1989).
 */
int wl_model_em(wl_model *m, const wl_cmpvec *v, size_t n, int max_iter, int update_u);

/**
 * Scores one comparison vector. @param field_w receives each field's weight
 * (bits; may be NULL). @return the match weight (log2 Bayes factor, prior included).
 */
double wl_model_weight(const wl_model *m, const wl_cmpvec *v, float *field_w);

/** @return the posterior probability for a match weight. */
double wl_model_probability(double weight);

/** Parses a model from JSON text. @return NULL with a reason in err. */
wl_model *wl_model_from_json(const char *text, size_t len, char *err, size_t errcap);

#endif /* WL_MODEL_H */
