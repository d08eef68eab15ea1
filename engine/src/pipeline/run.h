/*
 * run.h -- the pipeline's own state, shared by run.c (wl_run, the whole run in
 * one process) and stages.c (the same stages called one at a time, so that a
 * distributed driver such as mpi/ can split the compare and score stages
 * across processes). Internal: the public views are in watchlink.h.
 */
#ifndef WL_PIPELINE_RUN_H
#define WL_PIPELINE_RUN_H

#include "block/block.h"
#include "pipeline/report.h"
#include "score/model.h"

struct wl_result {
    wl_match *pairs;
    size_t n_pairs;
    uint32_t *rep;      /* cluster representative per record */
    uint32_t *order;    /* records in output order */
    wl_model *model;
    wl_stats stats;
    wl_run_report *report; /* candidate weights binned, borderline pairs (api_report.c) */
    wl_features *features; /* with wl_options.keep_features: the run's features */
};

typedef struct {
    const wl_dataset *ds;
    const wl_options *opt;
    void (*progress)(void *, const char *, size_t, size_t);
    void *user;
    int threads;
    wl_features *f;
    wl_vec cand;          /* wl_pairidx */
    wl_cmpvec *vec;
    uint32_t *rank;
    wl_result *r;
} run_ctx;

/** Copies the transliterators ICU failed to give this process into s (after
 *  the normalise stage): the run summary says so instead of only stderr. */
void wl_run_note_translit(wl_stats *s);
/** Orients every candidate (lower rank, higher rank). */
void wl_run_orient(wl_vec *cand, const uint32_t *rank);
/** Drops the candidates with a record that has no name part and no document
 *  after normalisation (they could match on date of birth alone). */
void wl_run_drop_without_identity(wl_vec *cand, const wl_features *f);
/** Sets c->r->model: a copy of given, or fitted from c->vec over every candidate. */
wl_status wl_run_fit(run_ctx *c, const wl_model *given);
/** Scores c->cand with c->vec; keeps the pairs at or above the threshold in c->r->pairs, in candidate order. */
wl_status wl_run_score(run_ctx *c);
/** Before clustering, which reads the pairs and the ranks only: frees the
 *  candidates and their vectors, and the features unless the options keep them
 *  for the result (--explain names the names that met from them); c->rank
 *  stays c's, so the kept features lose their pointer to it. */
void wl_run_release_candidates(run_ctx *c);
/** Best-link / one-to-one, sorts c->r->pairs in output order and clusters them. */
wl_status wl_run_cluster(run_ctx *c);

#endif
