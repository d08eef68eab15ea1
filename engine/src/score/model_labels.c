/* model_labels.c -- the supervised estimate: m counted from the comparison
 * vectors of known true pairs, u from random pairs, the prior from the candidates
 * (as in the unsupervised fit, model_fit.c). */
#include <math.h>
#include <stdlib.h>

#include "block/block.h"
#include "score/model.h"
#include "score/pairfile.h"

/* Open-addressing map from (source, id) -- or id alone -- to a record index. */
typedef struct {
    uint64_t *key;
    uint32_t *rec;
    size_t cap;
} record_map;

static int map_init(record_map *m, size_t n)
{
    m->cap = 16;
    while (m->cap < n * 2 + 16) m->cap *= 2;
    m->key = calloc(m->cap, sizeof *m->key);
    m->rec = malloc(m->cap * sizeof *m->rec);
    return m->key && m->rec ? 0 : -1;
}

static void map_put(record_map *m, uint64_t k, uint32_t rec)
{
    size_t h = (size_t)k & (m->cap - 1);
    while (m->key[h] && m->key[h] != k) h = (h + 1) & (m->cap - 1);
    if (!m->key[h]) { /* the first record with a key wins */
        m->key[h] = k;
        m->rec[h] = rec;
    }
}

static int64_t map_get(const record_map *m, uint64_t k)
{
    size_t h = (size_t)k & (m->cap - 1);
    while (m->key[h]) {
        if (m->key[h] == k) return m->rec[h];
        h = (h + 1) & (m->cap - 1);
    }
    return -1;
}

typedef struct {
    const wl_features *f;
    record_map by_src, by_id;
    double count[WL_FIELD_COUNT][WL_MAX_LEVELS];
    size_t used, unknown;
} label_sink;

static int64_t find(const label_sink *s, const char *src, size_t ls, const char *id, size_t li)
{
    if (ls) return map_get(&s->by_src, wl_pair_record_key(src, ls, id, li));
    return map_get(&s->by_id, wl_pair_record_key("", 0, id, li));
}

static int add_label(void *user, const wl_pairrow *r)
{
    label_sink *s = user;
    int64_t a = find(s, r->ls, r->ls_len, r->li, r->li_len);
    int64_t b = find(s, r->rs, r->rs_len, r->ri, r->ri_len);
    if (a < 0 || b < 0 || a == b) {
        s->unknown++;
        return 0;
    }
    wl_cmpvec v;
    wl_compare(s->f, (uint32_t)a, (uint32_t)b, &v);
    for (int f = 0; f < WL_FIELD_COUNT; f++) s->count[f][v.level[f]] += 1.0;
    s->used++;
    return 0;
}

/* m from counts, with one pseudo-pair spread as the default m. */
static void set_m(wl_model *m, const label_sink *s)
{
    wl_model ref; /* the defaults, on the stack: an allocation here failed silently (0.5 for all) */
    wl_model_init(&ref);
    for (int f = 0; f < WL_FIELD_COUNT; f++) {
        double den = 0.0;
        for (int l = 1; l < m->levels[f]; l++) den += s->count[f][l];
        for (int l = 1; l < m->levels[f]; l++) {
            double x = (s->count[f][l] + ref.m[f][l]) / (den + 1.0);
            m->m[f][l] = fmin(fmax(x, 1e-6), 1 - 1e-6);
        }
    }
}

static wl_status read_labels(label_sink *s, const wl_dataset *ds, const char *path, char *err,
                             size_t errcap)
{
    if (map_init(&s->by_src, ds->n) != 0 || map_init(&s->by_id, ds->n) != 0) return WL_NOMEM;
    for (size_t i = 0; i < ds->n; i++) {
        const char *src = wl_dataset_source(ds, i), *id = wl_dataset_id(ds, i);
        map_put(&s->by_src, wl_pair_record_key(src, strlen(src), id, strlen(id)), (uint32_t)i);
        map_put(&s->by_id, wl_pair_record_key("", 0, id, strlen(id)), (uint32_t)i);
    }
    size_t len = 0;
    char *text = wl_slurp(path, &len, err, errcap);
    if (!text) return WL_IO;
    int rc = wl_pairfile_each(text, len, path, 0, add_label, s, NULL, err, errcap);
    free(text);
    if (rc == -2) return WL_NOMEM;
    if (rc != 0) return WL_FORMAT;
    if (s->used == 0) {
        wl_set_error(err, errcap, "%s: none of its %zu pairs names two records of the lists", path,
                     s->unknown);
        return WL_INPUT;
    }
    return WL_OK;
}

/* The candidates' vectors, for the prior. */
static wl_status candidate_vectors(const wl_features *f, const wl_options *opt, wl_vec *pairs,
                                   wl_cmpvec **vec)
{
    wl_block_stats bs;
    wl_status st = wl_block(f, opt, pairs, &bs);
    if (st != WL_OK) return st;
    *vec = malloc((pairs->len ? pairs->len : 1) * sizeof **vec);
    if (!*vec) return WL_NOMEM;
    const wl_pairidx *p = pairs->data;
    long long n = (long long)pairs->len;
#pragma omp parallel for schedule(static) num_threads(wl_thread_count(opt->threads))
    for (long long k = 0; k < n; k++) wl_compare(f, p[k].a, p[k].b, &(*vec)[k]);
    return WL_OK;
}

wl_status wl_model_fit_labels(const wl_dataset *ds, const wl_options *opt, const char *labels_path,
                              wl_model **out, size_t *used, char *err, size_t errcap)
{
    *out = NULL;
    wl_features *f = wl_features_build(ds, opt->threads);
    wl_model *m = wl_model_new();
    label_sink s;
    memset(&s, 0, sizeof s);
    s.f = f;
    wl_vec pairs;
    wl_vec_init(&pairs, sizeof(wl_pairidx));
    wl_cmpvec *vec = NULL;
    wl_status st = f && m ? WL_OK : WL_NOMEM;
    if (st == WL_OK) st = read_labels(&s, ds, labels_path, err, errcap);
    if (st == WL_OK) st = wl_model_estimate_u(m, f, opt);
    if (st == WL_OK) {
        set_m(m, &s);
        st = candidate_vectors(f, opt, &pairs, &vec);
    }
    if (st == WL_OK) st = wl_model_fit_prior(m, f, opt, vec, pairs.len);
    if (st == WL_OK) {
        wl_model_tf_means(m, vec, pairs.len);
        m->em_pairs = s.used;
        if (used) *used = s.used;
        *out = m;
        m = NULL;
    } else if (st == WL_NOMEM) {
        wl_set_error(err, errcap, "out of memory");
    }
    free(vec);
    wl_vec_free(&pairs);
    free(s.by_src.key);
    free(s.by_src.rec);
    free(s.by_id.key);
    free(s.by_id.rec);
    wl_model_free(m);
    wl_features_free(f);
    return st;
}
