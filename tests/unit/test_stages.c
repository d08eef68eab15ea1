/* test_stages.c -- wl_run cut into stages (watchlink.h "stages", used by
 * watchlink-mpi) gives wl_run's result exactly, however the candidates are
 * split into ranges and whichever process compared each range: vectors are
 * compared by one stages object per "rank" and copied between them as bytes,
 * as MPI_Allgatherv does; the ranges' scored pairs are concatenated in range
 * order, as MPI_Gatherv does. Spread further, each "rank" holds only its
 * range of the candidates, cut at common splitters from samples of every part
 * (as watchlink-mpi's MPI_Alltoallv), and either rank 0 gathers every range
 * for the fit, or every rank fits from its own range, the ranks' results
 * combined between threads as watchlink-mpi combines them between processes
 * (wl_stage_fit_parts). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "block/block.h"
#include "unit/thread_reduce.h"
#include "watchlink.h"

static wl_dataset *read_sample(void)
{
    const char *root = getenv("WL_SOURCE_DIR");
    assert_non_null(root);
    static const char *const names[] = { "idn.csv", "mys.csv", "tha.csv" };
    wl_dataset *ds = wl_dataset_create();
    assert_non_null(ds);
    wl_read_options ro = wl_read_default_options();
    for (size_t i = 0; i < 3; i++) {
        char path[4096], err[512];
        snprintf(path, sizeof path, "%s/datasets/sample/%s", root, names[i]);
        wl_read_report rep;
        assert_int_equal(wl_dataset_read(ds, path, &ro, &rep, err, sizeof err), WL_OK);
    }
    return ds;
}

static char *model_json(const wl_model *m)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(wl_model_write_json(m, f), WL_OK);
    fclose(f);
    return buf;
}

static void assert_same_result(const wl_result *a, const wl_result *b, size_t records)
{
    size_t n = wl_result_pair_count(a);
    assert_int_equal(n, wl_result_pair_count(b));
    for (size_t k = 0; k < n; k++) {
        const wl_match *x = wl_result_pair(a, k), *y = wl_result_pair(b, k);
        assert_int_equal(x->left, y->left);
        assert_int_equal(x->right, y->right);
        assert_true(x->probability == y->probability);
        assert_true(x->weight == y->weight);
        assert_memory_equal(x->level, y->level, sizeof x->level);
        assert_memory_equal(x->field_weight, y->field_weight, sizeof x->field_weight);
    }
    for (size_t i = 0; i < records; i++) {
        assert_int_equal(wl_result_record(a, i), wl_result_record(b, i));
        assert_int_equal(wl_result_cluster(a, i), wl_result_cluster(b, i));
    }
    const wl_stats *sa = wl_result_stats(a), *sb = wl_result_stats(b);
    assert_int_equal(sa->candidates, sb->candidates);
    assert_int_equal(sa->clusters, sb->clusters);
    char *ja = model_json(wl_result_model(a)), *jb = model_json(wl_result_model(b));
    assert_string_equal(ja, jb);
    free(ja);
    free(jb);
}

/* Every rank's packed part of the features, concatenated in part order (as
 * watchlink-mpi's broadcasts leave them on every rank). *len bytes, malloc'd. */
static unsigned char *pack_all(const wl_dataset *ds, int parts, size_t *len)
{
    unsigned char *all = NULL;
    *len = 0;
    for (int r = 0; r < parts; r++) {
        void *part = NULL;
        size_t n = 0;
        assert_int_equal(wl_stage_normalise_part(ds, 1, (size_t)r, (size_t)parts, &part, &n), WL_OK);
        all = realloc(all, *len + n + 1);
        assert_non_null(all);
        if (n) memcpy(all + *len, part, n);
        *len += n;
        free(part);
    }
    return all;
}

/* `ranks` stages objects: rank r normalises part r of the records (all parts
 * then go to every rank), compares and scores range r of the n candidates. */
static wl_result *run_in_ranks(const wl_dataset *ds, const wl_options *o, int ranks)
{
    wl_stages *s[8];
    char err[512];
    assert_true(ranks <= 8);
    size_t len = 0;
    unsigned char *packed = pack_all(ds, ranks, &len);
    for (int r = 0; r < ranks; r++)
        assert_int_equal(wl_stage_prepare_part(ds, o, packed, len, (size_t)r, (size_t)ranks, &s[r], err, sizeof err),
                         WL_OK);
    free(packed);
    /* rank r blocked the pairs its records chose; every rank joins all parts */
    size_t ps = wl_stage_pair_size(), counts[8], total = 0;
    unsigned char *cands = NULL;
    for (int r = 0; r < ranks; r++) {
        const void *mine = wl_stage_part_candidates(s[r], &counts[r]);
        cands = realloc(cands, (total + counts[r]) * ps + 1);
        assert_non_null(cands);
        if (counts[r]) memcpy(cands + total * ps, mine, counts[r] * ps);
        total += counts[r];
    }
    for (int r = 0; r < ranks; r++) {
        assert_int_equal(wl_stage_compare(s[r], 0, 0), WL_USAGE); /* not joined yet */
        assert_int_equal(wl_stage_join(s[r], cands, counts, (size_t)ranks), WL_OK);
        assert_int_equal(wl_stage_join(s[r], cands, counts, (size_t)ranks), WL_USAGE);
    }
    free(cands);
    size_t n = wl_stage_candidates(s[0]), vs = wl_stage_vector_size();
    assert_true(n > 0);
    for (int r = 0; r < ranks; r++) {
        assert_int_equal(wl_stage_candidates(s[r]), n);
        assert_int_equal(wl_stage_compare(s[r], n * r / ranks, n * (r + 1) / ranks), WL_OK);
    }
    for (int r = 0; r < ranks; r++) /* the all-gather */
        for (int q = 0; q < ranks; q++)
            if (q != r) {
                size_t lo = n * q / ranks, hi = n * (q + 1) / ranks;
                memcpy((char *)wl_stage_vectors(s[r]) + lo * vs, (char *)wl_stage_vectors(s[q]) + lo * vs,
                       (hi - lo) * vs);
            }
    wl_match *all = NULL;
    size_t n_all = 0;
    /* rank 0 fits (on its own thread count), the others take its model's image */
    assert_int_equal(wl_stage_fit(s[0], NULL, ranks), WL_OK);
    for (int r = 1; r < ranks; r++) {
        assert_int_equal(wl_stage_set_model_image(s[r], wl_stage_model_image(s[0])), WL_OK);
        assert_int_equal(wl_stage_set_model_image(s[r], wl_stage_model_image(s[0])), WL_USAGE);
    }
    for (int r = 0; r < ranks; r++) {
        wl_match *part;
        size_t np;
        assert_int_equal(wl_stage_score(s[r], n * r / ranks, n * (r + 1) / ranks, &part, &np), WL_OK);
        all = realloc(all, (n_all + np + 1) * sizeof *all); /* the gather to rank 0 */
        assert_non_null(all);
        if (np) memcpy(&all[n_all], part, np * sizeof *part);
        n_all += np;
        free(part);
    }
    wl_result *res = NULL;
    assert_int_equal(wl_stage_finish(s[0], all, n_all, &res), WL_OK);
    for (int r = 0; r < ranks; r++) wl_stage_free(s[r]);
    return res;
}

/* The partitioned flow of watchlink-mpi: rank r normalises and blocks part r;
 * every part's samples go to every rank (MPI_Allgatherv), each cuts its
 * candidates at the common splitters and sends slice q to rank q
 * (MPI_Alltoallv), which joins the slices: its range. Each rank compares and
 * scores its range; rank 0 grows to every candidate, gets the others' pairs
 * and vectors (MPI_Gatherv) and fits. The ranges in rank order must be the
 * single process's candidates (ref_pairs, n_ref of them). Records how many
 * ranks got no candidate in *empty. */
typedef struct {
    tr_member me;
    wl_stages *s;
    wl_status st;
} fit_rank;

static void *fit_from_range(void *arg)
{
    fit_rank *w = arg;
    const wl_stage_reduce red = tr_reduce(&w->me);
    w->st = wl_stage_fit_parts(w->s, NULL, 1, &red);
    return NULL;
}

/* Every rank fits from its own range (wl_stage_fit_parts), each on a thread;
 * every rank must end with the same model image. */
static void fit_in_parts(wl_stages **s, int ranks)
{
    tr_group g;
    memset(&g, 0, sizeof g);
    g.parts = (size_t)ranks;
    assert_int_equal(pthread_barrier_init(&g.bar, NULL, (unsigned)ranks), 0);
    fit_rank w[8];
    pthread_t th[8];
    for (int r = 0; r < ranks; r++) {
        w[r] = (fit_rank){ { &g, (size_t)r }, s[r], WL_USAGE };
        assert_int_equal(pthread_create(&th[r], NULL, fit_from_range, &w[r]), 0);
    }
    for (int r = 0; r < ranks; r++) assert_int_equal(pthread_join(th[r], NULL), 0);
    pthread_barrier_destroy(&g.bar);
    for (int r = 0; r < ranks; r++) {
        assert_int_equal(w[r].st, WL_OK);
        assert_memory_equal(wl_stage_model_image(s[r]), wl_stage_model_image(s[0]), wl_stage_model_size());
    }
    assert_true(g.sums >= 3); /* the passes ran: agreement, patterns, rarity sums */
    /* fitted already; and a reduce without its calls is refused */
    wl_stage_reduce red = tr_reduce(&w[0].me);
    assert_int_equal(wl_stage_fit_parts(s[0], NULL, 1, &red), WL_USAGE);
}

static wl_result *run_in_ranges(const wl_dataset *ds, const wl_options *o, int ranks, size_t k,
                                const unsigned char *ref_pairs, size_t n_ref, int *empty, int parts_fit)
{
    wl_stages *s[8];
    char err[512];
    assert_true(ranks <= 8);
    size_t len = 0, ps = wl_stage_pair_size(), vs = wl_stage_vector_size();
    unsigned char *packed = pack_all(ds, ranks, &len);
    for (int r = 0; r < ranks; r++) { /* each its own copy, freed by the stages once unpacked */
        unsigned char *mine = malloc(len + 1);
        assert_non_null(mine);
        memcpy(mine, packed, len);
        assert_int_equal(wl_stage_prepare_part_owned(ds, o, mine, len, (size_t)r, (size_t)ranks, &s[r], err,
                                                     sizeof err), WL_OK);
    }
    free(packed);
    /* the samples, all-gathered */
    size_t counts[8], sizes[8], n_samples = 0;
    unsigned char *samples = malloc((size_t)ranks * k * ps + 1);
    assert_non_null(samples);
    for (int r = 0; r < ranks; r++) {
        wl_stage_part_candidates(s[r], &sizes[r]);
        counts[r] = wl_stage_part_samples(s[r], k, samples + n_samples * ps);
        assert_true(counts[r] == (sizes[r] < k ? sizes[r] : k));
        n_samples += counts[r];
    }
    /* every rank's slices, the all-to-all, and each rank's join of what it got */
    size_t send[8][8];
    for (int r = 0; r < ranks; r++)
        assert_int_equal(wl_stage_part_cut(s[r], samples, counts, sizes, (size_t)ranks, send[r]), WL_OK);
    free(samples);
    unsigned char *got[8];
    size_t recv[8][8];
    for (int q = 0; q < ranks; q++) {
        size_t total = 0;
        for (int r = 0; r < ranks; r++) total += recv[q][r] = send[r][q];
        got[q] = malloc(total * ps + 1);
        assert_non_null(got[q]);
        size_t at = 0;
        for (int r = 0; r < ranks; r++) {
            size_t n = 0, from = 0;
            const unsigned char *mine = wl_stage_part_candidates(s[r], &n);
            for (int x = 0; x < q; x++) from += send[r][x];
            if (send[r][q]) memcpy(got[q] + at * ps, mine + from * ps, send[r][q] * ps);
            at += send[r][q];
        }
    }
    for (int r = 0; r < ranks; r++) {
        size_t n = 0;
        wl_stage_part_candidates(s[r], &n);
        size_t sent = 0;
        for (int q = 0; q < ranks; q++) sent += send[r][q];
        assert_int_equal(sent, n); /* every candidate of the part goes somewhere, once */
    }
    for (int q = 0; q < ranks; q++) {
        assert_null(wl_stage_pairs(s[q]));
        assert_int_equal(wl_stage_extend(s[q], 0), WL_USAGE); /* not joined */
        assert_int_equal(wl_stage_join(s[q], got[q], recv[q], (size_t)ranks), WL_OK);
        free(got[q]);
    }
    /* the ranges in rank order are the single process's candidates */
    size_t n = 0, lo[9];
    *empty = 0;
    for (int r = 0; r < ranks; r++) {
        size_t m = wl_stage_candidates(s[r]);
        lo[r] = n;
        assert_true(n + m <= n_ref);
        if (m) assert_memory_equal(wl_stage_pairs(s[r]), ref_pairs + n * ps, m * ps);
        *empty += m == 0;
        n += m;
    }
    lo[ranks] = n;
    assert_int_equal(n, n_ref);
    for (int r = 0; r < ranks; r++) assert_int_equal(wl_stage_compare(s[r], 0, lo[r + 1] - lo[r]), WL_OK);
    if (parts_fit) {
        wl_stage_reduce bad = { NULL, 0, 1, NULL, NULL, NULL, NULL };
        assert_int_equal(wl_stage_fit_parts(s[0], NULL, 1, &bad), WL_USAGE);
        fit_in_parts(s, ranks);
    }
    /* or rank 0 gets every range for the fit; the others take its model */
    if (!parts_fit && lo[1] > 0) assert_int_equal(wl_stage_extend(s[0], lo[1] - 1), WL_USAGE); /* below what it holds */
    if (!parts_fit) {
        assert_int_equal(wl_stage_extend(s[0], n), WL_OK);
        for (int r = 1; r < ranks; r++) {
            size_t m = lo[r + 1] - lo[r];
            if (!m) continue;
            memcpy((char *)wl_stage_pairs(s[0]) + lo[r] * ps, wl_stage_pairs(s[r]), m * ps);
            memcpy((char *)wl_stage_vectors(s[0]) + lo[r] * vs, wl_stage_vectors(s[r]), m * vs);
        }
        assert_int_equal(wl_stage_fit(s[0], NULL, ranks), WL_OK);
        assert_int_equal(wl_stage_extend(s[0], n), WL_USAGE); /* fitted */
        for (int r = 1; r < ranks; r++)
            assert_int_equal(wl_stage_set_model_image(s[r], wl_stage_model_image(s[0])), WL_OK);
    }
    wl_match *all = NULL;
    size_t n_all = 0;
    for (int r = 0; r < ranks; r++) {
        wl_match *part;
        size_t np;
        assert_int_equal(wl_stage_score(s[r], 0, lo[r + 1] - lo[r], &part, &np), WL_OK);
        all = realloc(all, (n_all + np + 1) * sizeof *all);
        assert_non_null(all);
        if (np) memcpy(&all[n_all], part, np * sizeof *part);
        n_all += np;
        free(part);
    }
    wl_result *res = NULL;
    assert_int_equal(wl_stage_finish(s[0], all, n_all, &res), WL_OK);
    for (int r = 0; r < ranks; r++) wl_stage_free(s[r]);
    return res;
}

static void check_modes(wl_mode mode, int one_to_one)
{
    wl_dataset *ds = read_sample();
    wl_options o = wl_default_options();
    o.threads = 1;
    o.mode = mode;
    o.one_to_one = one_to_one;
    char err[512];
    wl_result *ref = NULL;
    assert_int_equal(wl_run(ds, &o, NULL, NULL, NULL, &ref, err, sizeof err), WL_OK);
    assert_true(wl_result_pair_count(ref) > 0);
    static const int ranks[] = { 1, 7 }; /* every rank joins every part */
    for (size_t i = 0; i < sizeof ranks / sizeof ranks[0]; i++) {
        wl_result *got = run_in_ranks(ds, &o, ranks[i]);
        assert_same_result(ref, got, wl_dataset_size(ds));
        wl_result_free(got);
    }
    /* each rank its range: a few samples per part cut unevenly, many evenly */
    wl_stages *one = NULL;
    assert_int_equal(wl_stage_prepare(ds, &o, &one, err, sizeof err), WL_OK);
    size_t n_ref = wl_stage_candidates(one);
    static const struct { int ranks; size_t samples; } cuts[] = { { 1, 256 }, { 2, 256 }, { 3, 2 }, { 7, 1 } };
    int empty = 0;
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++)
        for (int parts_fit = 0; parts_fit < 2; parts_fit++) { /* rank 0 gathers; every rank its range */
            int e = 0;
            wl_result *got = run_in_ranges(ds, &o, cuts[i].ranks, cuts[i].samples, wl_stage_pairs(one), n_ref, &e,
                                           parts_fit);
            assert_same_result(ref, got, wl_dataset_size(ds));
            wl_result_free(got);
            empty += e;
        }
    wl_stage_free(one);
    assert_true(empty > 0); /* some rank got no candidate (one sample per part, 7 ranks) */
    wl_result_free(ref);
    wl_dataset_free(ds);
}

static void test_dedup_any_split(void **state)
{
    (void)state;
    check_modes(WL_MODE_DEDUP, 0);
}

static void test_link_one_to_one_any_split(void **state)
{
    (void)state;
    check_modes(WL_MODE_LINK, 1);
}

static void test_bad_ranges_and_order(void **state)
{
    (void)state;
    wl_dataset *ds = read_sample();
    wl_options o = wl_default_options();
    o.threads = 1;
    char err[512];
    wl_stages *s = NULL;
    o.threshold = 1.5;
    assert_int_equal(wl_stage_prepare(ds, &o, &s, err, sizeof err), WL_USAGE);
    assert_null(s);
    assert_non_null(strstr(err, "not a probability"));
    o.threshold = 0.2;
    assert_int_equal(wl_stage_prepare(ds, &o, &s, err, sizeof err), WL_OK);
    size_t n = wl_stage_candidates(s);
    assert_int_equal(wl_stage_compare(s, 0, n + 1), WL_USAGE);
    assert_int_equal(wl_stage_compare(s, 2, 1), WL_USAGE);
    wl_match *p = NULL;
    size_t np = 0;
    assert_int_equal(wl_stage_score(s, 0, n, &p, &np), WL_USAGE); /* before the fit */
    assert_null(wl_stage_model_image(s));
    unsigned char junk[4096] = { 0 }; /* not a model: version 0 */
    assert_true(wl_stage_model_size() <= sizeof junk);
    assert_int_equal(wl_stage_set_model_image(s, junk), WL_USAGE);
    wl_result *r = NULL;
    assert_int_equal(wl_stage_finish(s, NULL, 0, &r), WL_USAGE);
    assert_null(r);
    wl_stage_free(s);
    wl_stage_free(NULL);
    wl_dataset_free(ds);
}

/* A pack that is not every chunk once, in order, is refused, not read past. */
static void test_bad_packs(void **state)
{
    (void)state;
    wl_dataset *ds = read_sample(); /* 6,000 records: six chunks of 1,024 */
    wl_options o = wl_default_options();
    o.threads = 1;
    char err[512];
    wl_stages *s = NULL;
    void *p = NULL;
    size_t n = 0;
    assert_int_equal(wl_stage_normalise_part(ds, 1, 2, 2, &p, &n), WL_USAGE);
    assert_null(p);
    assert_int_equal(wl_stage_prepare_part(ds, &o, NULL, 0, 0, 1, &s, err, sizeof err), WL_USAGE);
    assert_null(s);

    size_t len = 0;
    unsigned char *all = pack_all(ds, 2, &len);
    /* cut short, by one byte and by half */
    assert_int_equal(wl_stage_prepare_part(ds, &o, all, len - 1, 0, 1, &s, err, sizeof err), WL_INPUT);
    unsigned char *owned = malloc(len); /* refused, and freed all the same (the sanitizer builds see it) */
    assert_non_null(owned);
    memcpy(owned, all, len);
    assert_int_equal(wl_stage_prepare_part_owned(ds, &o, owned, len - 1, 0, 1, &s, err, sizeof err), WL_INPUT);
    assert_null(s);
    assert_null(s);
    assert_non_null(strstr(err, "not every record's"));
    assert_int_equal(wl_stage_prepare_part(ds, &o, all, len / 2, 0, 1, &s, err, sizeof err), WL_INPUT);
    /* one byte too many */
    unsigned char *more = malloc(len + 1);
    assert_non_null(more);
    memcpy(more, all, len);
    more[len] = 0;
    assert_int_equal(wl_stage_prepare_part(ds, &o, more, len + 1, 0, 1, &s, err, sizeof err), WL_INPUT);
    /* the two parts in the wrong order */
    void *first = NULL, *second = NULL;
    size_t n1 = 0, n2 = 0;
    assert_int_equal(wl_stage_normalise_part(ds, 1, 0, 2, &first, &n1), WL_OK);
    assert_int_equal(wl_stage_normalise_part(ds, 1, 1, 2, &second, &n2), WL_OK);
    assert_int_equal(n1 + n2, len);
    memcpy(more, second, n2);
    memcpy(more + n2, first, n1);
    assert_int_equal(wl_stage_prepare_part(ds, &o, more, len, 0, 1, &s, err, sizeof err), WL_INPUT);
    /* the header of the first chunk: u64 first record, end record, text bytes,
     * then each run's elements (features_pack.c) */
    uint64_t v;
    memcpy(more, all, len);
    memcpy(&v, more + 8, 8);
    assert_int_equal(v, 1024);
    v = 1023; /* a chunk that ends early */
    memcpy(more + 8, &v, 8);
    assert_int_equal(wl_stage_prepare_part(ds, &o, more, len, 0, 1, &s, err, sizeof err), WL_INPUT);
    memcpy(more, all, len);
    memcpy(&v, more + 24, 8); /* one name part more than the chunk holds */
    assert_true(v > 0);
    v++;
    memcpy(more + 24, &v, 8);
    assert_int_equal(wl_stage_prepare_part(ds, &o, more, len, 0, 1, &s, err, sizeof err), WL_INPUT);
    assert_null(s);
    /* the first record's count of name parts, one more than the run holds:
     * chunk 1's header follows chunk 0's counts (five u32 per record) and
     * columns (22 bytes per record: n_names, gender, pob, free_text, source,
     * h_name) */
    size_t next = 0;
    for (size_t k = 8; k + 16 <= len && !next; k++) {
        uint64_t lo, hi;
        memcpy(&lo, all + k, 8);
        memcpy(&hi, all + k + 8, 8);
        if (lo == 1024 && hi == 2048) next = k;
    }
    assert_true(next > 1024 * (5 * 4 + 22));
    size_t counts = next - 1024 * (5 * 4 + 22);
    memcpy(more, all, len);
    uint32_t c;
    memcpy(&c, more + counts, 4);
    c++;
    memcpy(more + counts, &c, 4);
    assert_int_equal(wl_stage_prepare_part(ds, &o, more, len, 0, 1, &s, err, sizeof err), WL_INPUT);
    memcpy(more, all, len); /* and intact, it is read */
    assert_int_equal(wl_stage_prepare_part(ds, &o, more, len, 0, 1, &s, err, sizeof err), WL_OK);
    /* a part whose candidates are out of order is refused at the join */
    size_t nc = 0;
    const void *mine = wl_stage_part_candidates(s, &nc);
    assert_true(nc > 2);
    size_t ps = wl_stage_pair_size(), lists[2] = { nc - 1, 1 };
    unsigned char *swapped = malloc(nc * ps);
    assert_non_null(swapped);
    memcpy(swapped, mine, nc * ps);
    memcpy(swapped, (const unsigned char *)mine + ps, ps); /* the second pair first, twice */
    assert_int_equal(wl_stage_join(s, swapped, lists, 2), WL_INPUT);
    memcpy(swapped, mine, nc * ps); /* intact, split into two lists: joined */
    assert_int_equal(wl_stage_join(s, swapped, lists, 2), WL_OK);
    assert_null(wl_stage_part_candidates(s, &nc));
    assert_int_equal(nc, 0);
    free(swapped);
    wl_stage_free(s);
    free(first);
    free(second);
    free(more);
    free(all);
    wl_dataset_free(ds);
}

/* Cuts `parts` sorted lists (each its part's candidates) into ranges with k
 * samples per part, as watchlink-mpi does, and checks that the ranges' joins
 * in range order are the join of all the lists. empty_ranges receives how many
 * ranges got nothing. */
static void check_cut(const wl_pairidx *all, const size_t *sizes, size_t parts, size_t k, size_t *empty_ranges)
{
    size_t total = 0;
    for (size_t p = 0; p < parts; p++) total += sizes[p];
    assert_true(total <= 64);
    wl_vec ref;
    wl_vec_init(&ref, sizeof(wl_pairidx));
    assert_int_equal(wl_block_join(all, sizes, parts, &ref), WL_OK);
    wl_pairidx samples[64], split[8];
    size_t counts[8], n_samples = 0, at = 0;
    assert_true(parts <= 8 && parts * k <= 64);
    for (size_t p = 0; p < parts; at += sizes[p], p++) {
        counts[p] = wl_block_samples(all + at, sizes[p], k, samples + n_samples);
        n_samples += counts[p];
    }
    assert_int_equal(wl_block_splitters(samples, counts, sizes, parts, split), WL_OK);
    size_t send[8][8];
    at = 0;
    for (size_t p = 0; p < parts; at += sizes[p], p++) {
        wl_block_cut(all + at, sizes[p], split, parts, send[p]);
        size_t sum = 0;
        for (size_t q = 0; q < parts; q++) sum += send[p][q];
        assert_int_equal(sum, sizes[p]);
    }
    size_t joined = 0;
    *empty_ranges = 0;
    for (size_t q = 0; q < parts; q++) {
        wl_pairidx got[64];
        size_t recv[8], n = 0, from = 0;
        for (size_t p = 0; p < parts; from += sizes[p], p++) {
            size_t off = 0;
            for (size_t x = 0; x < q; x++) off += send[p][x];
            memcpy(got + n, all + from + off, send[p][q] * sizeof *got);
            n += recv[p] = send[p][q];
        }
        wl_vec mine;
        wl_vec_init(&mine, sizeof(wl_pairidx));
        assert_int_equal(wl_block_join(got, recv, parts, &mine), WL_OK);
        assert_true(joined + mine.len <= ref.len);
        if (mine.len)
            assert_memory_equal(mine.data, (wl_pairidx *)ref.data + joined, mine.len * sizeof(wl_pairidx));
        joined += mine.len;
        *empty_ranges += mine.len == 0;
        wl_vec_free(&mine);
    }
    assert_int_equal(joined, ref.len);
    wl_vec_free(&ref);
}

/* The splitter cut: a pair two parts hold goes to one range from both (the
 * join there drops the repeat), an empty part sends nothing, a range may get
 * nothing, and with every pair known (as many samples as pairs) the cut is the
 * one computed by hand. */
static void test_cut_into_ranges(void **state)
{
    (void)state;
    /* three parts, the middle one empty, (0,2) and (1,5) in both others */
    const wl_pairidx three[] = { { 0, 1 }, { 0, 2 }, { 1, 5 }, { 2, 3 }, { 0, 2 }, { 1, 5 }, { 3, 4 }, { 5, 6 } };
    const size_t three_sizes[] = { 4, 0, 4 };
    size_t empty;
    for (size_t k = 1; k <= 5; k++) check_cut(three, three_sizes, 3, k, &empty);
    /* by hand, with every pair a sample: 8 pairs, cut at 8/3 = 2 and 16/3 = 5 */
    wl_pairidx split[2];
    const size_t counts[] = { 4, 0, 4 };
    assert_int_equal(wl_block_splitters(three, counts, three_sizes, 3, split), WL_OK);
    assert_int_equal(split[0].a, 0);
    assert_int_equal(split[0].b, 2);
    assert_int_equal(split[1].a, 2);
    assert_int_equal(split[1].b, 3);
    size_t send[3];
    wl_block_cut(three, 4, split, 3, send);
    assert_int_equal(send[0], 1);
    assert_int_equal(send[1], 2);
    assert_int_equal(send[2], 1);
    wl_block_cut(three + 4, 4, split, 3, send);
    assert_int_equal(send[0], 0);
    assert_int_equal(send[1], 2);
    assert_int_equal(send[2], 2);
    /* four parts holding the same pair: one range gets it, once; three get nothing */
    const wl_pairidx same[] = { { 1, 2 }, { 1, 2 }, { 1, 2 }, { 1, 2 } };
    const size_t ones[] = { 1, 1, 1, 1 };
    check_cut(same, ones, 4, 1, &empty);
    assert_int_equal(empty, 3);
    /* no candidates anywhere: every range empty, the splitters past every pair */
    const size_t none[] = { 0, 0 }, no_counts[] = { 0, 0 };
    check_cut(three, none, 2, 3, &empty);
    assert_int_equal(empty, 2);
    assert_int_equal(wl_block_splitters(three, no_counts, none, 2, split), WL_OK);
    assert_int_equal(split[0].a, UINT32_MAX);
    assert_int_equal(split[0].b, UINT32_MAX);
    /* one part: one range, everything */
    const size_t all_in_one[] = { 4 };
    check_cut(three, all_in_one, 1, 2, &empty);
    assert_int_equal(empty, 0);
    /* more samples than pairs, or a part with pairs and no sample: refused */
    const size_t too_many[] = { 5, 0, 4 }, missing[] = { 0, 0, 4 };
    assert_int_equal(wl_block_splitters(three, too_many, three_sizes, 3, split), WL_INPUT);
    assert_int_equal(wl_block_splitters(three + 4, missing, three_sizes, 3, split), WL_INPUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dedup_any_split),
        cmocka_unit_test(test_link_one_to_one_any_split),
        cmocka_unit_test(test_bad_ranges_and_order),
        cmocka_unit_test(test_bad_packs),
        cmocka_unit_test(test_cut_into_ranges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
