/* api_report.c -- read-only views of a model and a run for reports (watchlink.h,
 * "report"): model levels and fit information, the candidate weight histogram,
 * the borderline candidates, and truth pairs resolved against a dataset. */
#include <math.h>
#include <stdlib.h>

#include "common/dataset.h"
#include "features/featureset.h"
#include "pipeline/report.h"
#include "pipeline/run.h"
#include "score/pairfile.h"

/* ---- the model ---- */

int wl_model_levels(const wl_model *m, wl_field f)
{
    if (!m || (unsigned)f >= WL_FIELD_COUNT) return 0;
    return m->levels[f];
}

int wl_model_level(const wl_model *m, wl_field f, int level, double *m_out, double *u_out)
{
    if (!m || (unsigned)f >= WL_FIELD_COUNT || level < 0 || level >= m->levels[f]) return -1;
    if (m_out) *m_out = m->m[f][level];
    if (u_out) *u_out = m->u[f][level];
    return 0;
}

wl_model_info wl_model_get_info(const wl_model *m)
{
    wl_model_info i;
    memset(&i, 0, sizeof i);
    if (!m) return i;
    i.prior = m->prior;
    i.prior_weight = log2(m->prior / (1 - m->prior));
    i.em_iterations = m->em_iterations;
    i.fallback = m->fallback;
    i.em_pairs = m->em_pairs;
    i.u_pairs = m->u_pairs;
    i.has_namesake = m->has_namesake;
    i.tf_scale = m->tf_scale;
    i.tf_cap = m->tf_cap;
    return i;
}

/* ---- the run: histogram and borderline candidates ---- */

/* Half-bit bins over [-64, 64): a match weight beyond +-64 bits is a probability
 * of 0 or 1 to double precision (wl_model_probability saturates at 60). */
static const double HIST_LO = -64.0, HIST_WIDTH = 0.5;

static size_t bin_of(double w)
{
    double x = (w - HIST_LO) / HIST_WIDTH;
    if (!(x >= 0)) return 0; /* NaN too */
    if (x >= WL_WEIGHT_BINS - 1) return WL_WEIGHT_BINS - 1;
    return (size_t)x;
}

typedef struct {
    double dist;
    uint32_t ra, rb; /* ranks of the pair's records, ra < rb */
    size_t at;       /* candidate index */
} border_ref;

static int border_before(const border_ref *x, const border_ref *y)
{
    if (x->dist != y->dist) return x->dist < y->dist;
    if (x->ra != y->ra) return x->ra < y->ra;
    return x->rb < y->rb;
}

/* Keeps the best WL_BORDERLINE refs in b[0..*nb), sorted: insertion into a
 * short sorted array, most candidates rejected by one comparison with the last. */
static void border_offer(border_ref *b, size_t *nb, const border_ref *r)
{
    if (*nb == WL_BORDERLINE && !border_before(r, &b[*nb - 1])) return;
    size_t k = *nb < WL_BORDERLINE ? (*nb)++ : *nb - 1;
    while (k > 0 && border_before(r, &b[k - 1])) {
        b[k] = b[k - 1];
        k--;
    }
    b[k] = *r;
}

wl_run_report *wl_report_collect(const wl_model *m, const float *w, size_t n, double tw,
                                 const wl_pairidx *p, const wl_cmpvec *vec, const uint32_t *rank)
{
    wl_run_report *rr = calloc(1, sizeof *rr);
    if (!rr) return NULL;
    rr->hist.lo = HIST_LO;
    rr->hist.width = HIST_WIDTH;
    rr->hist.total = n;
    rr->hist.threshold_weight = tw;
    /* At thresholds 0 and 1 the threshold weight is infinite: nearest is then
     * the weakest (or strongest) pair, as the end of the scale. */
    double t = isinf(tw) ? (tw < 0 ? -64.0 : 64.0) : tw;
    border_ref b[WL_BORDERLINE];
    size_t nb = 0;
    for (size_t k = 0; k < n; k++) {
        rr->hist.count[bin_of(w[k])]++;
        uint32_t ra = rank[p[k].a], rb = rank[p[k].b];
        border_ref r = { fabs((double)w[k] - t), ra < rb ? ra : rb, ra < rb ? rb : ra, k };
        if (isnan(r.dist)) continue;
        border_offer(b, &nb, &r);
    }
    for (size_t j = 0; j < nb; j++) {
        wl_match *o = &rr->border[j];
        size_t k = b[j].at;
        uint32_t a = p[k].a, c = p[k].b;
        o->left = rank[a] < rank[c] ? a : c;
        o->right = rank[a] < rank[c] ? c : a;
        o->weight = (float)wl_model_weight(m, &vec[k], o->field_weight);
        o->probability = (float)wl_model_probability(o->weight);
        memcpy(o->level, vec[k].level, sizeof o->level);
    }
    rr->n_border = nb;
    return rr;
}

void wl_report_free(wl_run_report *rr) { free(rr); }

/* The views read the result's report in place (struct wl_result, run.h): run.c
 * calls this file to collect the report, so calling back into run.c for it made
 * the two files a circle (issue 16; tests/lint/link_graph.py). */
const wl_weight_hist *wl_result_weight_hist(const wl_result *r)
{
    const wl_run_report *rr = r ? r->report : NULL;
    return rr ? &rr->hist : NULL;
}

size_t wl_result_borderline_count(const wl_result *r)
{
    const wl_run_report *rr = r ? r->report : NULL;
    return rr ? rr->n_border : 0;
}

const wl_match *wl_result_borderline(const wl_result *r, size_t k)
{
    const wl_run_report *rr = r ? r->report : NULL;
    return rr && k < rr->n_border ? &rr->border[k] : NULL;
}

/* ---- features for the report's own blocking ---- */

void wl_features_set_rank(wl_features *f, const uint32_t *rank)
{
    if (f) f->rank = rank;
}

/* ---- data quality ---- */

/* The roles whose values the features keep a trace of, per record. */
static int role_checked(wl_role r)
{
    switch (r) {
    case WL_ROLE_FULL_NAME:
    case WL_ROLE_GIVEN_NAME:
    case WL_ROLE_MIDDLE_NAME:
    case WL_ROLE_FAMILY_NAME:
    case WL_ROLE_DOB:
    case WL_ROLE_GENDER:
    case WL_ROLE_NATIONALITY:
    case WL_ROLE_DOC_NUMBER:
    case WL_ROLE_PLACE_OF_BIRTH: return 1;
    default: return 0;
    }
}

/* 1 when record i holds a value for the checked role r that its features show
 * nothing of: no name part, no date, no gender, no country, no document key,
 * no folded place. */
static int not_understood(const wl_crec *c, wl_role r)
{
    switch (r) {
    case WL_ROLE_DOB: return c->n_date == 0;
    case WL_ROLE_GENDER: return c->gender == 0;
    case WL_ROLE_NATIONALITY: return c->n_nat == 0;
    case WL_ROLE_DOC_NUMBER: return c->n_doc == 0;
    case WL_ROLE_PLACE_OF_BIRTH: return c->pob == UINT32_MAX;
    default: return c->n_part == 0; /* the name roles */
    }
}

void wl_features_quality(const wl_features *f, const char *source, wl_quality *q)
{
    memset(q, 0, sizeof *q);
    for (int r = 0; r < WL_ROLE_COUNT; r++) q->checked[r] = role_checked((wl_role)r);
    if (!f || !source) return;
    const wl_dataset *ds = f->ds;
    for (size_t i = 0; i < f->n; i++) {
        if (strcmp(wl_dataset_source(ds, i), source) != 0) continue;
        q->records++;
        wl_crec c = wl_f_crec(f, i);
        for (int r = 0; r < WL_ROLE_COUNT; r++) {
            if (!wl_dataset_count(ds, i, (wl_role)r)) continue;
            q->with_value[r]++;
            if (q->checked[r]) q->not_understood[r] += (size_t)not_understood(&c, (wl_role)r);
        }
    }
}

/* ---- truth pairs ---- */

struct wl_truth {
    uint64_t *keys; /* sorted, unique unordered pair keys (as eval.c makes them) */
    uint64_t *recs; /* for keys[k], its two record keys at 2k and 2k + 1 */
    size_t n;
    int use_sources;
};

static uint64_t pair_key(uint64_t a, uint64_t b)
{
    return a < b ? wl_hash_combine(a, b) : wl_hash_combine(b, a);
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

typedef struct {
    int use_sources;
    wl_vec *rows; /* per row: pair key, left record key, right record key */
} truth_sink;

static int add_truth(void *user, const wl_pairrow *r)
{
    truth_sink *s = user;
    uint64_t row[3];
    row[1] = wl_pair_record_key(s->use_sources ? r->ls : "", s->use_sources ? r->ls_len : 0, r->li, r->li_len);
    row[2] = wl_pair_record_key(s->use_sources ? r->rs : "", s->use_sources ? r->rs_len : 0, r->ri, r->ri_len);
    row[0] = pair_key(row[1], row[2]);
    return wl_vec_push(s->rows, row) == 0 ? 0 : -2;
}

wl_status wl_truth_load(const char *path, wl_truth **out, char *err, size_t errcap)
{
    *out = NULL;
    size_t len = 0;
    char *text = wl_slurp(path, &len, err, errcap);
    if (!text) return WL_IO;
    wl_vec rows;
    wl_vec_init(&rows, 3 * sizeof(uint64_t));
    truth_sink s = { 0, &rows };
    int has_sources = 0;
    /* A first pass learns whether the file names sources (as wl_eval_parse does). */
    int rc = wl_pairfile_each(text, len, path, 0, add_truth, &s, &has_sources, err, errcap);
    if (rc == 0 && has_sources) {
        rows.len = 0;
        s.use_sources = 1;
        rc = wl_pairfile_each(text, len, path, 0, add_truth, &s, NULL, err, errcap);
    }
    free(text);
    wl_truth *t = rc == 0 ? calloc(1, sizeof *t) : NULL;
    size_t n = rows.len;
    if (t) {
        t->keys = malloc((n ? n : 1) * sizeof *t->keys);
        t->recs = malloc((n ? n : 1) * 2 * sizeof *t->recs);
    }
    if (!t || !t->keys || !t->recs) {
        wl_vec_free(&rows);
        wl_truth_free(t);
        if (rc != -1) wl_set_error(err, errcap, "out of memory");
        return rc == -1 ? WL_FORMAT : WL_NOMEM;
    }
    /* Sorted by pair key (the first of each row's three); a pair listed twice, in
     * either order, counts once. */
    uint64_t *r = rows.data;
    if (n > 1) qsort(r, n, 3 * sizeof *r, cmp_u64);
    size_t u = 0;
    for (size_t i = 0; i < n; i++) {
        if (u && t->keys[u - 1] == r[3 * i]) continue;
        t->keys[u] = r[3 * i];
        t->recs[2 * u] = r[3 * i + 1];
        t->recs[2 * u + 1] = r[3 * i + 2];
        u++;
    }
    wl_vec_free(&rows);
    t->n = u;
    t->use_sources = s.use_sources;
    *out = t;
    return WL_OK;
}

void wl_truth_free(wl_truth *t)
{
    if (!t) return;
    free(t->keys);
    free(t->recs);
    free(t);
}

size_t wl_truth_count(const wl_truth *t) { return t ? t->n : 0; }

static uint64_t record_key(const wl_truth *t, const wl_dataset *ds, size_t i)
{
    const char *src = t->use_sources ? wl_dataset_source(ds, i) : "";
    const char *id = wl_dataset_id(ds, i);
    return wl_pair_record_key(src, strlen(src), id, strlen(id));
}

int wl_truth_has(const wl_truth *t, const wl_dataset *ds, size_t a, size_t b)
{
    if (!t || !t->n) return 0;
    uint64_t key = pair_key(record_key(t, ds, a), record_key(t, ds, b));
    return bsearch(&key, t->keys, t->n, sizeof key, cmp_u64) != NULL;
}

typedef struct {
    uint64_t key;
    uint32_t rec;
} rec_key;

static int cmp_rec_key(const void *x, const void *y)
{
    const rec_key *a = x, *b = y;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    return (a->rec > b->rec) - (a->rec < b->rec); /* the first record of an id listed twice */
}

static int cmp_pair32(const void *x, const void *y)
{
    const uint32_t *a = x, *b = y;
    if (a[0] != b[0]) return a[0] < b[0] ? -1 : 1;
    return (a[1] > b[1]) - (a[1] < b[1]);
}

/* @return the record with that key, or -1. */
static long find_record(const rec_key *k, size_t n, uint64_t key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (k[mid].key < key) lo = mid + 1;
        else hi = mid;
    }
    return lo < n && k[lo].key == key ? (long)k[lo].rec : -1;
}

wl_status wl_truth_pairs(const wl_truth *t, const wl_dataset *ds, uint32_t **pairs, size_t *n_pairs,
                         size_t *unknown)
{
    *pairs = NULL;
    *n_pairs = 0;
    *unknown = 0;
    size_t n = wl_dataset_size(ds), m = t ? t->n : 0;
    if (n > UINT32_MAX) return WL_USAGE;
    if (m == 0) n = 0; /* nothing to look up */
    rec_key *k = malloc((n ? n : 1) * sizeof *k);
    uint32_t *out = malloc((m ? m : 1) * 2 * sizeof *out);
    if (!k || !out) {
        free(k);
        free(out);
        return WL_NOMEM;
    }
    for (size_t i = 0; i < n; i++) k[i] = (rec_key){ record_key(t, ds, i), (uint32_t)i };
    if (n > 1) qsort(k, n, sizeof *k, cmp_rec_key);
    size_t w = 0;
    for (size_t j = 0; j < m; j++) {
        long a = find_record(k, n, t->recs[2 * j]), b = find_record(k, n, t->recs[2 * j + 1]);
        if (a < 0 || b < 0 || a == b) {
            ++*unknown;
            continue;
        }
        out[2 * w] = (uint32_t)(a < b ? a : b);
        out[2 * w + 1] = (uint32_t)(a < b ? b : a);
        w++;
    }
    free(k);
    if (w > 1) qsort(out, w, 2 * sizeof *out, cmp_pair32);
    *pairs = out;
    *n_pairs = w;
    return WL_OK;
}
