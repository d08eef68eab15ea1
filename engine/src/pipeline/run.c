/* run.c -- the whole pipeline behind wl_run: normalise -> block -> compare ->
 * fit -> score -> cluster, with per-stage timings, and the result accessors. */
#include <math.h>
#include <omp.h>
#include <stdlib.h>

#include "cluster/cluster.h"
#include "normalise/name.h"
#include "pipeline/run.h"

enum { ST_NORMALISE, ST_BLOCK, ST_COMPARE, ST_FIT, ST_SCORE, ST_CLUSTER, ST_TOTAL };

wl_options wl_default_options(void)
{
    wl_options o;
    memset(&o, 0, sizeof o);
    o.threads = 0;
    o.mode = WL_MODE_DEDUP;
    /* Recall first: a reviewed false hit costs less than a missed suspect. */
    o.threshold = 0.2;
    o.block_keys = WL_BLOCK_DEFAULT;
    o.max_block = 1000;
    o.u_samples = 1000000;
    o.seed = 0x5EED5EEDull;
    o.best_link = 0;
    o.keep_outranked = 0;
    o.one_to_one = 0;
    o.max_cluster = 50;
    o.em_iterations = 100;
    return o;
}

/* Pairs in record order: (rank of left, rank of right) is one 64-bit key,
 * unique per pair, so sorting (key, position) and permuting is the sort. */
typedef struct {
    uint64_t key;
    size_t at;
} match_ref;

static int cmp_match_ref(const void *x, const void *y)
{
    const match_ref *a = x, *b = y;
    return (a->key > b->key) - (a->key < b->key);
}

static wl_status sort_matches(wl_match *m, size_t n, const uint32_t *rank)
{
    if (n < 2) return WL_OK;
    match_ref *refs = malloc(n * sizeof *refs);
    wl_match *tmp = malloc(n * sizeof *tmp);
    if (!refs || !tmp) {
        free(refs);
        free(tmp);
        return WL_NOMEM;
    }
    for (size_t i = 0; i < n; i++)
        refs[i] = (match_ref){ (uint64_t)rank[m[i].left] << 32 | rank[m[i].right], i };
    qsort(refs, n, sizeof *refs, cmp_match_ref);
    for (size_t i = 0; i < n; i++) tmp[i] = m[refs[i].at];
    memcpy(m, tmp, n * sizeof *m);
    free(refs);
    free(tmp);
    return WL_OK;
}

/* ---- stages ---- */

static void report(run_ctx *c, const char *stage, size_t done, size_t total)
{
    if (c->progress) c->progress(c->user, stage, done, total);
}

/* Each candidate compared as (the record that sorts first by source and id,
 * the other): name similarity is not exactly symmetric (which name is "the
 * shorter" when both have as many parts, float sums over parts in pairing
 * order), and comparing by index order let the row order change the last
 * digits of the name-rarity mean, and with it every probability. */
void wl_run_orient(wl_vec *cand, const uint32_t *rank)
{
    wl_pairidx *p = cand->data;
    for (size_t k = 0; k < cand->len; k++)
        if (rank[p[k].a] > rank[p[k].b]) {
            uint32_t t = p[k].a;
            p[k].a = p[k].b;
            p[k].b = t;
        }
}

/* A record that keeps no name part after normalisation (an MRZ that does not
 * parse, a name of dashes) and no document has nothing that identifies a
 * person -- the reader's rule for rows, applied to what normalising left. Its
 * pairs could only match on date of birth, nationality and gender, which
 * strangers share (issue 9: two such records of 1980-05-12 matched at 0.85),
 * so it is paired with nothing. */
static int has_identity(const wl_features *f, size_t i)
{
    return f->n_names[i] != 0 || f->doc_start[i + 1] != f->doc_start[i];
}

void wl_run_drop_without_identity(wl_vec *cand, const wl_features *f)
{
    wl_pairidx *p = cand->data;
    size_t kept = 0;
    for (size_t k = 0; k < cand->len; k++)
        if (has_identity(f, p[k].a) && has_identity(f, p[k].b)) p[kept++] = p[k];
    cand->len = kept;
}

static void compare_all(run_ctx *c)
{
    const wl_pairidx *p = c->cand.data;
    long long n = (long long)c->cand.len;
    const long long chunk = 1 << 16, blk = WL_COMPARE_WINDOW;
    _Static_assert(sizeof(wl_pairidx) == 2 * sizeof(uint32_t), "wl_pairidx is (a, b)");
    for (long long start = 0; start < n; start += chunk) {
        long long end = start + chunk < n ? start + chunk : n;
        /* windows of pairs, each walked in its second records' order (wl_compare_window) */
#pragma omp parallel for schedule(static) num_threads(c->threads)
        for (long long k = start; k < end; k += blk)
            wl_compare_window(c->f, (const uint32_t *)&p[k], (size_t)(k + blk < end ? blk : end - k), &c->vec[k]);
        report(c, "compare", (size_t)end, (size_t)n);
    }
}

wl_status wl_run_fit(run_ctx *c, const wl_model *given)
{
    /* The fit's EM and prior see every candidate; the focus candidates alone
     * are a biased sample (each holds a query record), so a focus run scores
     * with the model a full run fitted (watchlink.h, wl_options.focus). */
    if (!given && c->opt->focus) return WL_USAGE;
    if (given) {
        c->r->model = malloc(sizeof *c->r->model);
        if (!c->r->model) return WL_NOMEM;
        /* A given model is used as saved, prior included. Solving the prior again
         * from the new lists' candidates made a small job (one pair: prior 0.5)
         * call anything a match; the saved prior is what the analyst reviewed. */
        *c->r->model = *given;
        return WL_OK;
    }
    c->r->model = wl_model_new();
    if (!c->r->model) return WL_NOMEM;
    wl_options o = *c->opt;
    o.threads = c->threads;
    return wl_model_fit(c->r->model, c->f, &o, c->vec, (const uint32_t *)c->cand.data, c->cand.len);
}

/* Scores every candidate and keeps those at or above the threshold. */
wl_status wl_run_score(run_ctx *c)
{
    const wl_pairidx *p = c->cand.data;
    size_t n = c->cand.len;
    float *w = malloc((n ? n : 1) * sizeof *w);
    if (!w) return WL_NOMEM;
    long long nn = (long long)n;
    wl_model_bits bits;
    wl_model_bits_fill(c->r->model, &bits);
#pragma omp parallel for schedule(static) num_threads(c->threads)
    for (long long k = 0; k < nn; k++) w[k] = (float)wl_model_weight_bits(c->r->model, &bits, &c->vec[k], NULL);
    /* The threshold is a probability; compare weights to avoid n exp() calls. */
    double t = c->opt->threshold;
    double tw = t <= 0 ? -INFINITY : (t >= 1 ? INFINITY : log2(t / (1 - t)));
    size_t kept = 0;
    for (size_t k = 0; k < n; k++) kept += w[k] >= tw;
    c->r->report = wl_report_collect(c->r->model, w, n, tw, p, c->vec, c->rank);
    if (!c->r->report) {
        free(w);
        return WL_NOMEM;
    }
    wl_match *out = malloc((kept ? kept : 1) * sizeof *out);
    if (!out) {
        free(w);
        return WL_NOMEM;
    }
    size_t j = 0;
    for (size_t k = 0; k < n; k++) {
        if (!(w[k] >= tw)) continue;
        wl_match *m = &out[j++];
        uint32_t a = p[k].a, b = p[k].b;
        if (c->rank[a] > c->rank[b]) { uint32_t t2 = a; a = b; b = t2; }
        m->left = a;
        m->right = b;
        m->weight = (float)wl_model_weight_bits(c->r->model, &bits, &c->vec[k], m->field_weight);
        m->probability = (float)wl_model_probability(m->weight);
        m->name_score = (float)c->vec[k].name_q / 255.0f;
        memcpy(m->level, c->vec[k].level, sizeof m->level);
    }
    free(w);
    c->r->pairs = out;
    c->r->n_pairs = kept;
    return WL_OK;
}

void wl_run_release_candidates(run_ctx *c)
{
    free(c->vec);
    c->vec = NULL;
    wl_vec_free(&c->cand);
    if (c->opt->keep_features && c->f) {
        c->f->rank = NULL;
        c->r->features = c->f;
    } else {
        wl_features_free(c->f);
    }
    c->f = NULL;
}

wl_status wl_run_cluster(run_ctx *c)
{
    wl_result *r = c->r;
    size_t n = c->ds->n;
    if (!c->opt->keep_outranked) {
        size_t kept = wl_drop_outranked(r->pairs, r->n_pairs, c->ds->source, &r->stats.outranked);
        if (kept == SIZE_MAX) return WL_NOMEM;
        r->n_pairs = kept;
    }
    if (c->opt->best_link) {
        size_t kept = wl_best_link(r->pairs, r->n_pairs, n, c->rank);
        if (kept == SIZE_MAX) return WL_NOMEM;
        r->n_pairs = kept;
    }
    if (c->opt->one_to_one) {
        size_t kept = wl_one_to_one(r->pairs, r->n_pairs, c->ds->source, c->rank);
        if (kept == SIZE_MAX) return WL_NOMEM;
        r->n_pairs = kept;
    }
    wl_status sorted = sort_matches(r->pairs, r->n_pairs, c->rank);
    if (sorted != WL_OK) return sorted;
    r->rep = malloc((n ? n : 1) * sizeof *r->rep);
    if (!r->rep) return WL_NOMEM;
    wl_cluster_stats cs;
    wl_status st = wl_cluster(n, r->pairs, r->n_pairs, c->rank, c->opt->max_cluster, r->rep, &cs);
    r->stats.clusters = cs.clusters;
    r->stats.largest_cluster = cs.largest;
    r->stats.flagged_clusters = cs.flagged;
    return st;
}

/* An ICU failure disables a script for the rest of the process (name_translit.c
 * warns once on stderr); a library caller or a batch log reading only the
 * summary would not see it, so the run's stats carry it too (issue 16.7). */
void wl_run_note_translit(wl_stats *s)
{
    s->translit_failures = wl_translit_failures(s->translit_failed, sizeof s->translit_failed);
}

static wl_status run_stages(run_ctx *c, const wl_model *model)
{
    wl_stats *s = &c->r->stats;
    double t = wl_now(), t0 = t;
#define STAGE_DONE(i) do { double t_ = wl_now(); s->seconds[i] = t_ - t; t = t_; } while (0)
    report(c, "normalise", 0, c->ds->n);
    c->f = wl_features_build(c->ds, c->threads);
    c->rank = wl_dataset_ranks(c->ds, &c->r->order);
    if (!c->f || !c->rank) return WL_NOMEM;
    c->f->rank = c->rank; /* partner ties by (source, id), not input position */
    /* When the caller asked for it (wl_dataset_release_values), the values
     * go: nothing after this point reads them. */
    wl_ds_release_values(c->ds);
    wl_run_note_translit(s);
    STAGE_DONE(ST_NORMALISE);
    report(c, "block", 0, 1);
    wl_block_stats bs;
    wl_options o = *c->opt;
    o.threads = c->threads;
    wl_status st = wl_block(c->f, &o, &c->cand, &bs);
    if (st != WL_OK) return st;
    wl_run_orient(&c->cand, c->rank);
    wl_run_drop_without_identity(&c->cand, c->f);
    s->candidates = c->cand.len;
    s->skipped_blocks = bs.skipped_blocks;
    s->skipped_pairs = bs.skipped_pairs;
    STAGE_DONE(ST_BLOCK);
    c->vec = malloc((c->cand.len ? c->cand.len : 1) * sizeof *c->vec);
    if (!c->vec) return WL_NOMEM;
    compare_all(c);
    STAGE_DONE(ST_COMPARE);
    report(c, "fit", 0, 1);
    if ((st = wl_run_fit(c, model)) != WL_OK) return st;
    s->em_prior = c->r->model->prior;
    s->em_iterations = c->r->model->em_iterations;
    s->fit_fallback = c->r->model->fallback;
    STAGE_DONE(ST_FIT);
    report(c, "score", 0, 1);
    if ((st = wl_run_score(c)) != WL_OK) return st;
    /* Clustering reads the kept pairs and the ranks only: the candidates,
     * their vectors and the features (at 10^6 x 10^6 0.4 and 0.7 GB) go
     * before its arrays are allocated, so they never sit beside them. */
    wl_run_release_candidates(c);
    STAGE_DONE(ST_SCORE);
    report(c, "cluster", 0, 1);
    if ((st = wl_run_cluster(c)) != WL_OK) return st;
    s->pairs = c->r->n_pairs;
    STAGE_DONE(ST_CLUSTER);
    s->seconds[ST_TOTAL] = t - t0;
#undef STAGE_DONE
    return WL_OK;
}

wl_status wl_run(const wl_dataset *ds, const wl_options *opt, const wl_model *model,
                 void (*progress)(void *user, const char *stage, size_t done, size_t total),
                 void *user, wl_result **out, char *err, size_t errcap)
{
    *out = NULL;
    if (!ds || !opt) {
        wl_set_error(err, errcap, "wl_run: no dataset or options");
        return WL_USAGE;
    }
    if (!(opt->threshold >= 0.0 && opt->threshold <= 1.0)) {
        wl_set_error(err, errcap, "threshold %g is not a probability", opt->threshold);
        return WL_USAGE;
    }
    if (ds->released) {
        wl_set_error(err, errcap, "wl_run: the dataset's values were released by an earlier run");
        return WL_USAGE;
    }
    if (opt->focus && !model) {
        wl_set_error(err, errcap, "a run with a focus set scores with a given model; it cannot fit one");
        return WL_USAGE;
    }
    run_ctx c;
    memset(&c, 0, sizeof c);
    c.ds = ds;
    c.opt = opt;
    c.progress = progress;
    c.user = user;
    c.threads = wl_thread_count(opt->threads);
    wl_vec_init(&c.cand, sizeof(wl_pairidx));
    c.r = calloc(1, sizeof *c.r);
    if (!c.r) return WL_NOMEM;
    c.r->stats.records = ds->n;
    c.r->stats.sources = ds->n_sources;
    c.r->stats.threads = c.threads;
    wl_status st = run_stages(&c, model);
    wl_features_free(c.f);
    wl_vec_free(&c.cand);
    free(c.vec);
    free(c.rank);
    if (st != WL_OK) {
        wl_set_error(err, errcap, "matching failed: %s", wl_strerror(st));
        wl_result_free(c.r);
        return st;
    }
    *out = c.r;
    return WL_OK;
}

void wl_result_free(wl_result *r)
{
    if (!r) return;
    free(r->pairs);
    free(r->rep);
    free(r->order);
    wl_model_free(r->model);
    wl_report_free(r->report);
    wl_features_free(r->features);
    free(r);
}

size_t wl_result_pair_count(const wl_result *r) { return r ? r->n_pairs : 0; }

const wl_match *wl_result_pair(const wl_result *r, size_t k)
{
    return r && k < r->n_pairs ? &r->pairs[k] : NULL;
}

size_t wl_result_cluster(const wl_result *r, size_t i) { return r->rep[i]; }

size_t wl_result_record(const wl_result *r, size_t k) { return r->order[k]; }

const wl_stats *wl_result_stats(const wl_result *r) { return &r->stats; }

const wl_model *wl_result_model(const wl_result *r) { return r->model; }

const wl_features *wl_result_features(const wl_result *r) { return r ? r->features : NULL; }

wl_model *wl_result_take_model(wl_result *r)
{
    wl_model *m = r->model;
    r->model = NULL;
    return m;
}
