/* stages.c -- wl_run's stages one at a time (watchlink.h, "stages"), for a
 * driver that spreads compare and score over processes (mpi/). Each stage
 * calls the same code as wl_run (run.c), so prepare, compare over every
 * range, fit, score over every range and finish give wl_run's result byte for
 * byte; only how the candidates are split between calls is the driver's. */
#include <stdlib.h>

#include "common/common.h"
#include "compare/compare.h"
#include "pipeline/run.h"

enum { ST_NORMALISE, ST_BLOCK, ST_COMPARE, ST_FIT, ST_SCORE, ST_CLUSTER, ST_TOTAL };

struct wl_stages {
    run_ctx c;          /* c.opt points at opt, c.r at the result being built */
    wl_options opt;
    double started;
    void *packed;       /* wl_stage_prepare_part_owned's bytes: freed once unpacked */
};

size_t wl_stage_vector_size(void) { return sizeof(wl_cmpvec); }

size_t wl_stage_candidates(const wl_stages *s) { return s ? s->c.cand.len : 0; }

void *wl_stage_vectors(wl_stages *s) { return s ? s->c.vec : NULL; }

void wl_stage_free(wl_stages *s)
{
    if (!s) return;
    wl_features_free(s->c.f);
    wl_vec_free(&s->c.cand);
    free(s->c.vec);
    free(s->c.rank);
    free(s->packed);
    wl_result_free(s->c.r);
    free(s);
}

/* normalise (or unpack the features packed by the processes that normalised
 * them), rank, and block the records of one part: run.c run_stages up to the
 * candidates, which join (below) makes every part's. */
static wl_status prepare(wl_stages *s, const void *packed, size_t len, size_t part, size_t parts)
{
    run_ctx *c = &s->c;
    wl_stats *st = &c->r->stats;
    double t = wl_now();
    c->f = packed || len ? wl_features_unpack(c->ds, packed, len) : wl_features_build(c->ds, c->threads);
    free(s->packed); /* every record's packed features: not beside the blocks */
    s->packed = NULL;
    c->rank = wl_dataset_ranks(c->ds, &c->r->order);
    if (!c->f || !c->rank) return WL_NOMEM;
    c->f->rank = c->rank;
    /* When the caller asked for it (wl_dataset_release_values), the values
     * go, as in run.c: nothing after this point reads them. */
    wl_ds_release_values(c->ds);
    wl_run_note_translit(st);
    st->seconds[ST_NORMALISE] = wl_now() - t;
    t = wl_now();
    wl_block_stats bs;
    wl_options o = s->opt;
    o.threads = c->threads;
    wl_status rc = wl_block_part(c->f, &o, part, parts, &c->cand, &bs);
    if (rc != WL_OK) return rc;
    st->skipped_blocks = bs.skipped_blocks;
    st->skipped_pairs = bs.skipped_pairs;
    st->seconds[ST_BLOCK] = wl_now() - t;
    return WL_OK;
}

/* Every part's candidates, then orient them: run.c run_stages from there to
 * the compare stage. */
static wl_status join(wl_stages *s, const wl_pairidx *all, const size_t *counts, size_t parts)
{
    run_ctx *c = &s->c;
    double t = wl_now();
    wl_vec joined;
    wl_vec_init(&joined, sizeof(wl_pairidx));
    wl_status rc = wl_block_join(all, counts, parts, &joined);
    if (rc != WL_OK) return rc;
    wl_vec_free(&c->cand);
    c->cand = joined;
    wl_run_orient(&c->cand, c->rank);
    wl_run_drop_without_identity(&c->cand, c->f);
    c->r->stats.candidates = c->cand.len;
    c->vec = malloc((c->cand.len ? c->cand.len : 1) * sizeof *c->vec);
    if (!c->vec) return WL_NOMEM;
    c->r->stats.seconds[ST_BLOCK] += wl_now() - t;
    return WL_OK;
}

static wl_status stage_prepare(const wl_dataset *ds, const wl_options *opt, const void *packed, size_t len,
                               size_t part, size_t parts, wl_stages **out, char *err, size_t errcap, void *owned)
{
    *out = NULL;
    if (!ds || !opt || ds->released || !(opt->threshold >= 0.0 && opt->threshold <= 1.0)) free(owned);
    if (!ds || !opt) {
        wl_set_error(err, errcap, "wl_stage_prepare: no dataset or options");
        return WL_USAGE;
    }
    if (ds->released) {
        wl_set_error(err, errcap, "wl_stage_prepare: the dataset's values were released by an earlier run");
        return WL_USAGE;
    }
    if (!(opt->threshold >= 0.0 && opt->threshold <= 1.0)) {
        wl_set_error(err, errcap, "threshold %g is not a probability", opt->threshold);
        return WL_USAGE;
    }
    wl_stages *s = calloc(1, sizeof *s);
    if (!s || !(s->c.r = calloc(1, sizeof *s->c.r))) {
        free(owned);
        free(s);
        wl_set_error(err, errcap, "matching failed: %s", wl_strerror(WL_NOMEM));
        return WL_NOMEM;
    }
    s->started = wl_now();
    s->packed = owned;
    s->opt = *opt;
    s->c.ds = ds;
    s->c.opt = &s->opt;
    s->c.threads = wl_thread_count(opt->threads);
    wl_vec_init(&s->c.cand, sizeof(wl_pairidx));
    s->c.r->stats.records = ds->n;
    s->c.r->stats.sources = ds->n_sources;
    s->c.r->stats.threads = s->c.threads;
    wl_status st = part < parts ? prepare(s, packed, len, part, parts) : WL_USAGE;
    if (st == WL_NOMEM && (packed || len) && !s->c.f) {
        wl_set_error(err, errcap, "the packed features are not every record's, in order (or out of memory)");
        wl_stage_free(s);
        return WL_INPUT;
    }
    if (st != WL_OK) {
        wl_set_error(err, errcap, "matching failed: %s", wl_strerror(st));
        wl_stage_free(s);
        return st;
    }
    *out = s;
    return WL_OK;
}

wl_status wl_stage_prepare(const wl_dataset *ds, const wl_options *opt, wl_stages **out, char *err,
                           size_t errcap)
{
    wl_status st = stage_prepare(ds, opt, NULL, 0, 0, 1, out, err, errcap, NULL);
    if (st != WL_OK) return st;
    size_t n = (*out)->c.cand.len;
    st = join(*out, (*out)->c.cand.data, &n, 1);
    if (st != WL_OK) {
        wl_set_error(err, errcap, "matching failed: %s", wl_strerror(st));
        wl_stage_free(*out);
        *out = NULL;
    }
    return st;
}

wl_status wl_stage_normalise_part(const wl_dataset *ds, int threads, size_t part, size_t parts, void **bytes,
                                  size_t *len)
{
    *bytes = NULL;
    *len = 0;
    if (!ds || ds->released || part >= parts) return WL_USAGE;
    wl_vec v;
    wl_vec_init(&v, 1);
    if (wl_features_pack_part(ds, wl_thread_count(threads), part, parts, &v) != 0) {
        wl_vec_free(&v);
        return WL_NOMEM;
    }
    *bytes = v.data;
    *len = v.len;
    return WL_OK;
}

wl_status wl_stage_prepare_part(const wl_dataset *ds, const wl_options *opt, const void *packed, size_t len,
                                size_t part, size_t parts, wl_stages **out, char *err, size_t errcap)
{
    if (!packed && !len && ds && ds->n) { /* only an empty dataset packs to nothing */
        *out = NULL;
        wl_set_error(err, errcap, "wl_stage_prepare_part: no packed features for %zu records", ds->n);
        return WL_USAGE;
    }
    return stage_prepare(ds, opt, packed, len, part, parts, out, err, errcap, NULL);
}

wl_status wl_stage_prepare_part_owned(const wl_dataset *ds, const wl_options *opt, void *packed, size_t len,
                                      size_t part, size_t parts, wl_stages **out, char *err, size_t errcap)
{
    if (!packed) return wl_stage_prepare_part(ds, opt, packed, len, part, parts, out, err, errcap);
    return stage_prepare(ds, opt, packed, len, part, parts, out, err, errcap, packed);
}

size_t wl_stage_pair_size(void) { return sizeof(wl_pairidx); }

const void *wl_stage_part_candidates(const wl_stages *s, size_t *n)
{
    *n = s && !s->c.vec ? s->c.cand.len : 0;
    return *n ? s->c.cand.data : NULL;
}

wl_status wl_stage_join(wl_stages *s, const void *all, const size_t *counts, size_t parts)
{
    if (!s || s->c.vec || !counts || !parts) return WL_USAGE;
    size_t total = 0;
    for (size_t p = 0; p < parts; p++) total += counts[p];
    if (total && !all) return WL_USAGE;
    size_t at = 0;
    for (size_t p = 0; p < parts; at += counts[p], p++)
        if (!wl_block_sorted_unique((const wl_pairidx *)all + at, counts[p])) return WL_INPUT;
    /* The part's own candidates (sent to the processes of their ranges, or
     * copied into all) go before the join takes its memory; s is then only
     * to be freed if the join fails (out of memory). */
    if (all != s->c.cand.data) wl_vec_free(&s->c.cand);
    return join(s, all, counts, parts);
}

size_t wl_stage_part_samples(const wl_stages *s, size_t k, void *out)
{
    size_t n = 0;
    const void *p = wl_stage_part_candidates(s, &n);
    return p && out ? wl_block_samples(p, n, k, out) : 0;
}

wl_status wl_stage_part_cut(const wl_stages *s, const void *samples, const size_t *counts, const size_t *sizes,
                            size_t parts, size_t *send)
{
    if (!s || s->c.vec || !counts || !sizes || !send || !parts) return WL_USAGE;
    size_t n_samples = 0;
    for (size_t p = 0; p < parts; p++) n_samples += counts[p];
    if (n_samples && !samples) return WL_USAGE;
    wl_pairidx *split = malloc(parts * sizeof *split);
    if (!split) return WL_NOMEM;
    wl_status st = wl_block_splitters(samples, counts, sizes, parts, split);
    if (st == WL_OK) wl_block_cut(s->c.cand.data, s->c.cand.len, split, parts, send);
    free(split);
    return st;
}

void *wl_stage_pairs(wl_stages *s) { return s && s->c.vec ? s->c.cand.data : NULL; }

wl_status wl_stage_extend(wl_stages *s, size_t n)
{
    if (!s || !s->c.vec || s->c.r->model || n < s->c.cand.len) return WL_USAGE;
    size_t cap = n ? n : 1;
    wl_pairidx *p = realloc(s->c.cand.data, cap * sizeof *p);
    if (!p) return WL_NOMEM;
    s->c.cand.data = p;
    s->c.cand.cap = cap;
    wl_cmpvec *v = realloc(s->c.vec, cap * sizeof *v);
    if (!v) return WL_NOMEM;
    s->c.vec = v;
    s->c.cand.len = n;
    s->c.r->stats.candidates = n;
    return WL_OK;
}

wl_status wl_stage_compare(wl_stages *s, size_t lo, size_t hi)
{
    if (!s || !s->c.vec || lo > hi || hi > s->c.cand.len) return WL_USAGE;
    double t = wl_now();
    const wl_pairidx *p = s->c.cand.data;
    const long long blk = WL_COMPARE_WINDOW, end = (long long)hi;
    /* windows of pairs, each walked in its second records' order, as run.c compare_all */
#pragma omp parallel for schedule(static) num_threads(s->c.threads)
    for (long long k = (long long)lo; k < end; k += blk)
        wl_compare_window(s->c.f, (const uint32_t *)&p[k], (size_t)(k + blk < end ? blk : end - k),
                       &s->c.vec[k]);
    s->c.r->stats.seconds[ST_COMPARE] += wl_now() - t;
    return WL_OK;
}

static void fit_stats(wl_stages *s)
{
    wl_stats *stats = &s->c.r->stats;
    stats->em_prior = s->c.r->model->prior;
    stats->em_iterations = s->c.r->model->em_iterations;
    stats->fit_fallback = s->c.r->model->fallback;
}

wl_status wl_stage_fit(wl_stages *s, const wl_model *model, int threads)
{
    if (!s || !s->c.vec || s->c.r->model) return WL_USAGE;
    double t = wl_now();
    run_ctx c = s->c; /* the fit's own thread count; the result is the same for any */
    if (threads > 0) c.threads = threads;
    wl_status st = wl_run_fit(&c, model);
    if (st != WL_OK) return st;
    fit_stats(s);
    s->c.r->stats.seconds[ST_FIT] = wl_now() - t;
    return WL_OK;
}

wl_status wl_stage_fit_parts(wl_stages *s, const wl_model *model, int threads, const wl_stage_reduce *red)
{
    if (model) return wl_stage_fit(s, model, threads); /* used as saved: nothing to combine */
    if (!s || !s->c.vec || s->c.r->model || !red || !red->sum || !red->max || !red->bcast || !red->gather ||
        red->part >= red->parts || s->c.opt->focus) /* a focus run scores with a given model (run.c) */
        return WL_USAGE;
    double t = wl_now();
    wl_model *m = wl_model_new();
    if (!m) return WL_NOMEM;
    /* threads: part 0's estimate of u and m from the records, while the
     * other parts wait (the passes over the candidates are light) */
    wl_options o = *s->c.opt;
    o.threads = threads > 0 ? threads : s->c.threads;
    wl_status st = wl_model_fit_parts(m, s->c.f, &o, s->c.vec, (const uint32_t *)s->c.cand.data, s->c.cand.len, red);
    if (st != WL_OK) {
        wl_model_free(m);
        return st;
    }
    s->c.r->model = m;
    fit_stats(s);
    /* The run's candidates are every part's, which the fit counted (the
     * summary of the process that finishes says so, as wl_run's does). */
    s->c.r->stats.candidates = m->em_pairs;
    s->c.r->stats.seconds[ST_FIT] = wl_now() - t;
    return WL_OK;
}

size_t wl_stage_model_size(void) { return sizeof(wl_model); }

const void *wl_stage_model_image(const wl_stages *s) { return s && s->c.r ? s->c.r->model : NULL; }

wl_status wl_stage_set_model_image(wl_stages *s, const void *image)
{
    if (!s || !image || s->c.r->model) return WL_USAGE;
    wl_model *m = malloc(sizeof *m);
    if (!m) return WL_NOMEM;
    memcpy(m, image, sizeof *m); /* a flat struct: no pointers to fix up */
    if (m->version != WL_MODEL_VERSION) {
        free(m);
        return WL_USAGE;
    }
    s->c.r->model = m;
    fit_stats(s);
    return WL_OK;
}

wl_status wl_stage_score(wl_stages *s, size_t lo, size_t hi, wl_match **pairs, size_t *n)
{
    *pairs = NULL;
    *n = 0;
    if (!s || !s->c.vec || !s->c.r->model || lo > hi || hi > s->c.cand.len) return WL_USAGE;
    /* A view of the range: run.c's scorer over candidates [lo, hi) into a
     * result of its own; the report it collects covers the range only and is
     * dropped (reports are wl_run's). */
    double t = wl_now();
    run_ctx view = s->c;
    wl_result part;
    memset(&part, 0, sizeof part);
    part.model = s->c.r->model;
    view.r = &part;
    view.cand.data = (wl_pairidx *)s->c.cand.data + lo;
    view.cand.len = hi - lo;
    view.vec = s->c.vec + lo;
    wl_status st = wl_run_score(&view);
    wl_report_free(part.report);
    if (st != WL_OK) {
        free(part.pairs);
        return st;
    }
    *pairs = part.pairs;
    *n = part.n_pairs;
    s->c.r->stats.seconds[ST_SCORE] += wl_now() - t;
    return WL_OK;
}

wl_status wl_stage_finish(wl_stages *s, wl_match *pairs, size_t n, wl_result **out)
{
    *out = NULL;
    if (!s || !s->c.r || !s->c.r->model) {
        free(pairs);
        return WL_USAGE;
    }
    double t = wl_now();
    wl_run_release_candidates(&s->c); /* s->c.rank is freed with the stages */
    wl_result *r = s->c.r;
    r->pairs = pairs;
    r->n_pairs = n;
    wl_status st = wl_run_cluster(&s->c);
    if (st != WL_OK) return st; /* pairs now belong to r, freed with the stages */
    r->stats.pairs = r->n_pairs;
    r->stats.seconds[ST_CLUSTER] = wl_now() - t;
    r->stats.seconds[ST_TOTAL] = wl_now() - s->started;
    *out = r;
    s->c.r = NULL;
    return WL_OK;
}
