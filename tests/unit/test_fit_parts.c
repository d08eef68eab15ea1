/* test_fit_parts.c -- the fit from parts (issue 14, score/model_fit.c
 * wl_model_fit_parts): the candidates cut into 1, 2 and 3 parts (unevenly,
 * one part empty), each part fitted on a thread of its own with the parts'
 * results combined through a wl_stage_reduce that works as MPI's collectives
 * do (every part calls it, in the same order; sums, maxima, a broadcast from
 * part 0, a gather to part 0), must give every part the model image that
 * wl_model_fit gives over all the candidates, bit for bit. Dedup and link on
 * the bundled samples, and the same lists cut to names only (the thin-name
 * fit: each record's closest candidate over every part, the strong pairs
 * taken one to one on part 0). The reduce (unit/thread_reduce.h) counts its
 * calls, so that a case that never reached a pass cannot pass for one that
 * did. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/dataset.h"
#include "features/featureset.h"
#include "score/model.h"
#include "unit/thread_reduce.h"
#include "watchlink.h"

enum { MAX_PARTS = 4 };

typedef struct {
    tr_member me; /* the reduce's user */
    const wl_features *f;
    const wl_options *o;
    const wl_cmpvec *cand;
    const uint32_t *ab;
    size_t n;
    wl_model *m;
    wl_status st;
} worker;

static void *fit_part(void *arg)
{
    worker *w = arg;
    const wl_stage_reduce red = tr_reduce(&w->me);
    w->st = wl_model_fit_parts(w->m, w->f, w->o, w->cand, w->ab, w->n, &red);
    return NULL;
}

/* ---- the lists ---- */

static void read_into(wl_dataset *ds, const char *path)
{
    wl_read_options ro = wl_read_default_options();
    wl_read_report rep;
    char err[512];
    assert_int_equal(wl_dataset_read(ds, path, &ro, &rep, err, sizeof err), WL_OK);
}

static wl_dataset *read_sample(int n_lists)
{
    const char *root = getenv("WL_SOURCE_DIR");
    assert_non_null(root);
    static const char *const names[] = { "idn.csv", "mys.csv", "tha.csv" };
    wl_dataset *ds = wl_dataset_create();
    assert_non_null(ds);
    for (int i = 0; i < n_lists; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/datasets/sample/%s", root, names[i]);
        read_into(ds, path);
    }
    return ds;
}

/* The Indonesian and Malaysian samples cut to their first two columns, id and
 * name (rows with a quote left out: they are few, and the cut splits at
 * commas): the thin-name fit (tests/e2e/test_names_only.sh). */
static wl_dataset *read_names_only(void)
{
    const char *root = getenv("WL_SOURCE_DIR");
    assert_non_null(root);
    static const char *const names[] = { "idn", "mys" };
    wl_dataset *ds = wl_dataset_create();
    assert_non_null(ds);
    for (int i = 0; i < 2; i++) {
        char in[4096], out[4096], line[8192];
        snprintf(in, sizeof in, "%s/datasets/sample/%s.csv", root, names[i]);
        snprintf(out, sizeof out, "/tmp/test_fit_parts.%d.%s.csv", (int)getpid(), names[i]);
        FILE *r = fopen(in, "r"), *w = fopen(out, "w");
        assert_non_null(r);
        assert_non_null(w);
        int first = 1;
        while (fgets(line, sizeof line, r)) {
            if (strchr(line, '"')) continue;
            char *c1 = strchr(line, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
            if (!c2) continue;
            *c2 = '\0';
            fprintf(w, "%s\n", first ? "id,full_name" : line);
            first = 0;
        }
        fclose(r);
        fclose(w);
        read_into(ds, out);
        remove(out);
    }
    return ds;
}

/* ---- the check ---- */

typedef struct {
    wl_features *f;
    uint32_t *rank;
    wl_stages *st;
    const wl_cmpvec *vec;
    const uint32_t *ab;
    size_t n;
} fixture;

/* Candidates and vectors as wl_run makes them (the stages), and the records'
 * features (the same bytes as the run's: wl_features_build is deterministic). */
static void prepare(fixture *x, const wl_dataset *ds, const wl_options *o)
{
    char err[512];
    assert_int_equal(wl_stage_prepare(ds, o, &x->st, err, sizeof err), WL_OK);
    x->n = wl_stage_candidates(x->st);
    assert_true(x->n > 1000);
    assert_int_equal(wl_stage_compare(x->st, 0, x->n), WL_OK);
    x->vec = wl_stage_vectors(x->st);
    x->ab = wl_stage_pairs(x->st);
    x->f = wl_features_build(ds, 1);
    uint32_t *order = NULL;
    x->rank = wl_dataset_ranks(ds, &order);
    free(order);
    assert_non_null(x->f);
    assert_non_null(x->rank);
    x->f->rank = x->rank;
}

static void release(fixture *x)
{
    x->f->rank = NULL;
    wl_features_free(x->f);
    free(x->rank);
    wl_stage_free(x->st);
}

/* Fits the candidates cut at cuts[0..parts] (cuts[0] = 0, cuts[parts] = n),
 * each part on its own thread; every part's model must be ref, byte for byte. */
static tr_group fit_cut(const fixture *x, const wl_options *o, const size_t *cuts, size_t parts, const wl_model *ref)
{
    tr_group g;
    memset(&g, 0, sizeof g);
    g.parts = parts;
    assert_int_equal(pthread_barrier_init(&g.bar, NULL, (unsigned)parts), 0);
    worker w[MAX_PARTS];
    pthread_t th[MAX_PARTS];
    for (size_t p = 0; p < parts; p++) {
        w[p] = (worker){ { &g, p }, x->f, o, x->vec + cuts[p], x->ab + 2 * cuts[p], cuts[p + 1] - cuts[p],
                         wl_model_new(), WL_USAGE };
        assert_non_null(w[p].m);
        assert_int_equal(pthread_create(&th[p], NULL, fit_part, &w[p]), 0);
    }
    for (size_t p = 0; p < parts; p++) assert_int_equal(pthread_join(th[p], NULL), 0);
    for (size_t p = 0; p < parts; p++) {
        assert_int_equal(w[p].st, WL_OK);
        /* the image the stages send between processes (wl_stage_model_image) */
        assert_memory_equal(w[p].m, ref, sizeof *ref);
        wl_model_free(w[p].m);
    }
    pthread_barrier_destroy(&g.bar);
    return g;
}

/* The fit over all the candidates against cuts into 1, 2 and 3 parts. */
static void check_cuts(const wl_dataset *ds, wl_mode mode, unsigned want_fallback, int thin_link)
{
    wl_options o = wl_default_options();
    o.threads = 1;
    o.mode = mode;
    o.u_samples = 200000; /* part 0 estimates u five times per case: the test's time */
    fixture x;
    prepare(&x, ds, &o);
    wl_model *ref = wl_model_new();
    assert_non_null(ref);
    assert_int_equal(wl_model_fit(ref, x.f, &o, x.vec, x.ab, x.n), WL_OK);
    assert_int_equal(ref->fallback & want_fallback, want_fallback);
    assert_int_equal(ref->em_pairs, x.n);
    size_t n = x.n;
    const size_t cuts[][MAX_PARTS + 1] = {
        { 0, n },                     /* one part: the no-op reduce's twin */
        { 0, n / 3, n },              /* two, uneven */
        { 0, 0, n / 2, n },           /* three, the first empty */
        { 0, n / 7, 5 * n / 7, n },   /* three, uneven */
    };
    const size_t parts[] = { 1, 2, 3, 3 };
    for (size_t c = 0; c < sizeof parts / sizeof parts[0]; c++) {
        tr_group g = fit_cut(&x, &o, cuts[c], parts[c], ref);
        assert_true(g.sums >= 3); /* the agreement, the patterns, the rarity sums */
        if (mode == WL_MODE_LINK) {
            /* the strong pairs went to part 0, every part's */
            assert_true(g.gathers >= 1);
            assert_true(g.gathered > 0);
        } else {
            assert_int_equal(g.gathers, 0);
        }
        assert_int_equal(g.maxima, thin_link); /* each record's closest: once, thin names linked */
    }
    wl_model_free(ref);
    release(&x);
}

static void test_dedup(void **state)
{
    (void)state;
    wl_dataset *ds = read_sample(3);
    check_cuts(ds, WL_MODE_DEDUP, 0, 0);
    wl_dataset_free(ds);
}

static void test_link(void **state)
{
    (void)state;
    wl_dataset *ds = read_sample(3);
    check_cuts(ds, WL_MODE_LINK, 0, 0);
    wl_dataset_free(ds);
}

static void test_names_only_link(void **state)
{
    (void)state;
    wl_dataset *ds = read_names_only();
    check_cuts(ds, WL_MODE_LINK, WL_FIT_NAME_M, 1);
    wl_dataset_free(ds);
}

static void test_names_only_dedup(void **state)
{
    (void)state;
    wl_dataset *ds = read_names_only();
    check_cuts(ds, WL_MODE_DEDUP, WL_FIT_NAME_M, 0);
    wl_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dedup),
        cmocka_unit_test(test_link),
        cmocka_unit_test(test_names_only_link),
        cmocka_unit_test(test_names_only_dedup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
