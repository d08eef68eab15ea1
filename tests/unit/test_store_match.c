/* test_store_match.c -- wl_store_match, the general form of the store query
 * that the incremental update uses (engine/src/store/store_query.c):
 *  - new records matched against the index and among themselves give exactly
 *    the pairs of a full dedup run over the stored lists and the new list
 *    holding a new record (the frozen statistics are that run's when the index
 *    was made from the stored lists), values to the bit;
 *  - a record stored after the index file (a "later" record) scores as the
 *    index's own copy of it would;
 *  - a use mask matches as a list of the used records alone would;
 *  - a stored record matched again (use 2) gets the pairs the full run gave
 *    it, values to the bit (its parts are not counted twice);
 *  - without later records, a mask or pairs among the query records it is
 *    wl_store_query. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "watchlink.h"
#include "features/featureset.h"
#include "store_fixture.h"

static void read_path(wl_dataset *ds, const char *path, const char *source)
{
    char err[512];
    wl_read_options ro = wl_read_default_options();
    ro.source = source;
    wl_read_report rep;
    assert_int_equal(wl_dataset_read(ds, path, &ro, &rep, err, sizeof err), WL_OK);
}

/* No block of the sample reaches this limit's split size: no split decisions. */
enum { MAX_BLOCK = 100000 };

static int by_pair(const void *a, const void *b)
{
    const wl_match *x = a, *y = b;
    if (x->left != y->left) return x->left < y->left ? -1 : 1;
    return (x->right > y->right) - (x->right < y->right);
}

static void sort_pairs(wl_match *m, size_t n) { qsort(m, n, sizeof *m, by_pair); }

static void assert_same_pair(const wl_match *a, const wl_match *b)
{
    assert_true(a->probability == b->probability);
    assert_true(a->weight == b->weight);
    assert_memory_equal(a->level, b->level, sizeof a->level);
    assert_memory_equal(a->field_weight, b->field_weight, sizeof a->field_weight);
}

static void assert_same_pairs(const wl_match *a, size_t na, const wl_match *b, size_t nb)
{
    assert_int_equal(na, nb);
    for (size_t k = 0; k < na; k++) {
        assert_int_equal(a[k].left, b[k].left);
        assert_int_equal(a[k].right, b[k].right);
        assert_same_pair(&a[k], &b[k]);
    }
}

/* The full run a store match must equal: every pair of the focus records at any
 * probability (threshold 0, no partner cap, the store's block limit, outranked
 * pairs kept). */
static wl_result *full_run(wl_dataset *ds, const wl_model *model, const unsigned char *focus)
{
    wl_options o = wl_default_options();
    o.threshold = 0.0;
    o.max_partners = SIZE_MAX;
    o.max_block = MAX_BLOCK;
    o.focus = focus;
    o.keep_outranked = 1;
    wl_result *r = NULL;
    char err[512];
    assert_int_equal(wl_run(ds, &o, model, NULL, NULL, &r, err, sizeof err), WL_OK);
    return r;
}

/* The full dedup run over tha (first, so its records keep their indices), idn
 * and mys with the store's model: its pairs holding a tha record, numbered as
 * wl_store_match numbers them (a stored record s as s, a second tha record j
 * as N + j), sorted. */
static wl_match *full_dedup(const wl_model *model, size_t N, size_t *n_out)
{
    wl_dataset *ds = wl_dataset_create();
    read_sample(ds, "tha.csv", NULL);
    size_t nq = wl_dataset_size(ds);
    read_sample(ds, "idn.csv", NULL);
    read_sample(ds, "mys.csv", NULL);
    size_t n = wl_dataset_size(ds);
    assert_int_equal(n - nq, N);
    unsigned char *focus = calloc(n, 1);
    memset(focus, 1, nq);
    wl_result *r = full_run(ds, model, focus);
    size_t np = wl_result_pair_count(r), k = 0, among = 0;
    wl_match *m = malloc((np + 1) * sizeof *m);
    for (size_t j = 0; j < np; j++) {
        wl_match x = *wl_result_pair(r, j);
        uint32_t a = x.left < x.right ? x.left : x.right, b = x.left < x.right ? x.right : x.left;
        assert_true(a < nq);
        x.left = a;
        x.right = b < nq ? (uint32_t)(N + b) : (uint32_t)(b - nq);
        among += b < nq;
        m[k++] = x;
    }
    assert_true(among > 10); /* pairs of two tha records to compare too */
    sort_pairs(m, k);
    wl_result_free(r);
    wl_dataset_free(ds);
    free(focus);
    *n_out = k;
    return m;
}

typedef struct {
    char path[64];
    wl_model *model;
    wl_store_index *x;
    wl_dataset *tha;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->path, sizeof f->path, "/tmp/wl_sm_%d.idx", (int)getpid());
    f->x = make_store(f->path, MAX_BLOCK, &f->model);
    f->tha = wl_dataset_create();
    read_sample(f->tha, "tha.csv", NULL);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    wl_dataset_free(f->tha);
    wl_model_free(f->model);
    wl_store_index_close(f->x);
    unlink(f->path);
    free(f);
    return 0;
}

static wl_match *match(const fixture *f, const wl_dataset *later, const wl_dataset *q, const unsigned char *use,
                       int among, int threads, size_t *n)
{
    wl_match *m = NULL;
    char err[512];
    assert_int_equal(wl_store_match(f->x, later, q, use, among, f->model, threads, &m, n, err, sizeof err), WL_OK);
    sort_pairs(m, *n);
    return m;
}

static void test_update_equals_full_dedup(void **state)
{
    fixture *f = *state;
    size_t N = wl_store_index_records(f->x), nf = 0;
    wl_match *full = full_dedup(f->model, N, &nf);
    for (int threads = 1; threads <= 2; threads++) {
        size_t n = 0;
        wl_match *m = match(f, NULL, f->tha, NULL, 1, threads, &n);
        assert_same_pairs(full, nf, m, n);
        free(m);
    }
    free(full);
}

/* Later records: mys again (the same rows), stored after the index file. Each
 * tha record's pair with a later copy is its pair with the index's mys record. */
static void test_later_record_scores_as_stored(void **state)
{
    fixture *f = *state;
    wl_dataset *later = wl_dataset_create();
    read_sample(later, "mys.csv", NULL);
    size_t N = wl_store_index_records(f->x), D = wl_dataset_size(later), n = 0, n0 = 0;
    wl_match *m = match(f, later, f->tha, NULL, 0, 2, &n);
    wl_match *base = match(f, NULL, f->tha, NULL, 0, 2, &n0);
    size_t n_later = 0;
    for (size_t k = 0; k < n; k++) {
        if (m[k].right < N) continue;
        assert_true(m[k].right < N + D);
        size_t t = m[k].right - N, s = SIZE_MAX;
        for (size_t i = 0; i < N && s == SIZE_MAX; i++)
            if (!strcmp(wl_store_index_source(f->x, i), "mys")) {
                /* the index's records are the dataset idn, mys in order */
                s = i + t;
            }
        assert_true(s < N);
        wl_match want = { .left = m[k].left, .right = (uint32_t)s };
        const wl_match *at = bsearch(&want, base, n0, sizeof *base, by_pair);
        assert_non_null(at);
        assert_same_pair(&m[k], at);
        n_later++;
    }
    assert_true(n_later > 100);
    free(m);
    free(base);
    wl_dataset_free(later);
}

/* A mask of every other record against a list of those records alone. */
static void test_use_mask_equals_list_of_used(void **state)
{
    fixture *f = *state;
    const char *root = getenv("WL_SOURCE_DIR");
    char src[4096], dst[64], line[8192];
    snprintf(src, sizeof src, "%s/datasets/sample/tha.csv", root);
    snprintf(dst, sizeof dst, "/tmp/wl_sm_half_%d.csv", (int)getpid());
    FILE *in = fopen(src, "r"), *out = fopen(dst, "w");
    assert_non_null(in);
    assert_non_null(out);
    size_t row = 0;
    while (fgets(line, sizeof line, in)) /* the header, then rows 0, 2, 4... (no quoted newlines in the sample) */
        if (row++ == 0 || (row - 2) % 2 == 0) fputs(line, out);
    fclose(in);
    fclose(out);
    wl_dataset *half = wl_dataset_create();
    read_path(half, dst, "tha");
    unlink(dst);
    size_t K = wl_dataset_size(f->tha), H = wl_dataset_size(half), N = wl_store_index_records(f->x);
    assert_int_equal(H, (K + 1) / 2);
    unsigned char *use = calloc(K, 1);
    for (size_t i = 0; i < K; i += 2) use[i] = 1;
    size_t nm = 0, nh = 0;
    wl_match *m = match(f, NULL, f->tha, use, 1, 2, &nm);
    wl_match *h = match(f, NULL, half, NULL, 1, 2, &nh);
    for (size_t k = 0; k < nh; k++) { /* the list's record j is the mask's 2j */
        h[k].left *= 2;
        if (h[k].right >= N) h[k].right = (uint32_t)(N + 2 * (h[k].right - N));
    }
    sort_pairs(h, nh);
    assert_true(nh > 1000);
    assert_same_pairs(h, nh, m, nm);
    free(m);
    free(h);
    free(use);
    wl_dataset_free(half);
}

/* Every other mys record, stored in the index, matched again (use 2): its
 * pairs are the full dedup run's pairs of that record (the frozen statistics
 * are that run's), besides the pair with its own stored copy. A pair of two
 * records matched again comes twice (each against the other's stored copy). */
static void test_stored_again_scores_as_full_run(void **state)
{
    fixture *f = *state;
    wl_dataset *mys = wl_dataset_create();
    read_sample(mys, "mys.csv", NULL);
    wl_dataset *ds = wl_dataset_create();
    read_sample(ds, "idn.csv", NULL);
    size_t nI = wl_dataset_size(ds), K = wl_dataset_size(mys), N = wl_store_index_records(f->x);
    read_sample(ds, "mys.csv", NULL);
    assert_int_equal(nI + K, N); /* the index's records are idn, mys in dataset order */
    unsigned char *use = calloc(K, 1), *focus = calloc(N, 1);
    for (size_t i = 0; i < K; i += 2) use[i] = 2, focus[nI + i] = 1;
    wl_result *r = full_run(ds, f->model, focus);
    size_t np = wl_result_pair_count(r), nw = 0, n = 0, n_self = 0, n_same = 0;
    wl_match *want = malloc((2 * np + 1) * sizeof *want);
    for (size_t k = 0; k < np; k++) {
        wl_match x = *wl_result_pair(r, k);
        uint32_t ab[2] = { x.left, x.right };
        for (int e = 0; e < 2; e++)
            if (ab[e] >= nI && use[ab[e] - nI]) {
                want[nw] = x;
                want[nw].left = ab[e] - (uint32_t)nI;
                want[nw++].right = ab[1 - e];
            }
    }
    sort_pairs(want, nw);
    wl_match *m = match(f, NULL, mys, use, 0, 2, &n), *got = malloc((n + 1) * sizeof *got);
    size_t ng = 0;
    for (size_t k = 0; k < n; k++) {
        assert_true(use[m[k].left] == 2 && m[k].right < N);
        if (m[k].right == nI + m[k].left) n_self++; /* its own stored copy */
        else if (m[k].right >= nI) n_same++;        /* mys and mys: compared stored record first */
        else got[ng++] = m[k];
    }
    size_t w = 0;
    for (size_t k = 0; k < nw; k++)
        if (want[k].right < nI) want[w++] = want[k];
    assert_true(n_self > 100 && w > 100);
    assert_same_pairs(want, w, got, ng);
    free(m);
    free(got);
    free(want);
    free(use);
    free(focus);
    wl_result_free(r);
    wl_dataset_free(ds);
    wl_dataset_free(mys);
    (void)n_same;
}

static void test_plain_form_is_query(void **state)
{
    fixture *f = *state;
    size_t n = 0, nq = 0;
    wl_match *m = match(f, NULL, f->tha, NULL, 0, 2, &n);
    wl_match *q = NULL;
    char err[512];
    assert_int_equal(wl_store_query(f->x, f->tha, f->model, 2, &q, &nq, err, sizeof err), WL_OK);
    sort_pairs(q, nq);
    assert_same_pairs(q, nq, m, n);
    free(m);
    free(q);
    wl_match *p = (wl_match *)1;
    assert_int_equal(wl_store_match(NULL, NULL, f->tha, NULL, 0, f->model, 1, &p, &n, err, sizeof err), WL_USAGE);
    assert_null(p);
}

/* The features' CSV (wl_features_write_csv), malloc'd, its length in *len. */
static char *features_csv(const wl_features *fq, size_t *len)
{
    char *csv = NULL;
    FILE *m = open_memstream(&csv, len);
    assert_non_null(m);
    assert_int_equal(wl_features_write_csv(fq, m), WL_OK);
    assert_int_equal(fclose(m), 0);
    return csv;
}

/* wl_store_match_features, q's features built by the caller, gives
 * wl_store_match's pairs -- with later records, a use mask and pairs among q's
 * records, and without any of them; 1 and 2 threads, the same features each
 * time -- and leaves the caller's features as they were: their CSV and their
 * name parts with their rarity (the match rewrites its copy's). */
static void test_given_features_same_pairs(void **state)
{
    fixture *f = *state;
    wl_dataset *later = wl_dataset_create();
    read_sample(later, "mys.csv", NULL);
    size_t K = wl_dataset_size(f->tha), len0 = 0, len1 = 0;
    unsigned char *use = calloc(K, 1);
    for (size_t i = 0; i < K; i++) use[i] = i % 3 != 0;
    wl_features *fq = wl_features_build(f->tha, 2);
    assert_non_null(fq);
    size_t np = fq->part_start[K];
    wl_fpart *parts = malloc(np * sizeof *parts);
    memcpy(parts, fq->parts, np * sizeof *parts);
    char *before = features_csv(fq, &len0), err[512];
    for (int form = 0; form < 2; form++)
        for (int threads = 1; threads <= 2; threads++) {
            const wl_dataset *d = form ? later : NULL;
            const unsigned char *u = form ? use : NULL;
            size_t n = 0, ng = 0;
            wl_match *m = match(f, d, f->tha, u, form, threads, &n), *g = NULL;
            assert_int_equal(wl_store_match_features(f->x, d, f->tha, fq, u, form, f->model, threads, &g, &ng, err,
                                                     sizeof err),
                             WL_OK);
            sort_pairs(g, ng);
            assert_true(n > 1000);
            assert_same_pairs(m, n, g, ng);
            free(m);
            free(g);
        }
    char *after = features_csv(fq, &len1);
    assert_int_equal(len0, len1);
    assert_memory_equal(before, after, len0);
    assert_memory_equal(parts, fq->parts, np * sizeof *parts);
    wl_match *p = (wl_match *)1;
    size_t n = 7;
    assert_int_equal(wl_store_match_features(f->x, NULL, f->tha, NULL, NULL, 0, f->model, 1, &p, &n, err, sizeof err),
                     WL_USAGE);
    assert_null(p);
    assert_int_equal(n, 0);
    free(parts);
    free(before);
    free(after);
    wl_features_free(fq);
    free(use);
    wl_dataset_free(later);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_update_equals_full_dedup),
        cmocka_unit_test(test_later_record_scores_as_stored),
        cmocka_unit_test(test_use_mask_equals_list_of_used),
        cmocka_unit_test(test_stored_again_scores_as_full_run),
        cmocka_unit_test(test_plain_form_is_query),
        cmocka_unit_test(test_given_features_same_pairs),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
