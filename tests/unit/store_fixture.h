/* store_fixture.h -- what the store-query tests (test_store_query.c,
 * test_store_match.c) share: a sample list read under a source, and the store
 * of idn and mys indexed as `watchlink index` does. Header-only, like
 * features_fixture.h: each test program includes it once (after cmocka.h). */
#ifndef WL_STORE_FIXTURE_H
#define WL_STORE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

#include "watchlink.h"

/* The sample list `name` (datasets/sample) read into ds; source NULL: its file name. */
static void read_sample(wl_dataset *ds, const char *name, const char *source)
{
    const char *root = getenv("WL_SOURCE_DIR");
    assert_non_null(root);
    char path[4096], err[512];
    snprintf(path, sizeof path, "%s/datasets/sample/%s", root, name);
    wl_read_options ro = wl_read_default_options();
    ro.source = source;
    wl_read_report rep;
    assert_int_equal(wl_dataset_read(ds, path, &ro, &rep, err, sizeof err), WL_OK);
}

/* The store: idn and mys deduplicated (a fitted model, *model) and indexed at
 * path with block limit max_block (0: the default), records' row ids 1.. in
 * dataset order; the index opened. */
static wl_store_index *make_store(const char *path, size_t max_block, wl_model **model)
{
    wl_dataset *ds = wl_dataset_create();
    read_sample(ds, "idn.csv", NULL);
    read_sample(ds, "mys.csv", NULL);
    wl_options o = wl_default_options();
    o.keep_features = 1;
    if (max_block) o.max_block = max_block;
    wl_result *r = NULL;
    char err[512];
    assert_int_equal(wl_run(ds, &o, NULL, NULL, NULL, &r, err, sizeof err), WL_OK);
    size_t n = wl_dataset_size(ds);
    int64_t *rid = malloc(n * sizeof *rid);
    uint32_t *rank = malloc(n * sizeof *rank);
    for (size_t k = 0; k < n; k++) {
        rank[wl_result_record(r, k)] = (uint32_t)k;
        rid[wl_result_record(r, k)] = (int64_t)k + 1;
    }
    assert_int_equal(wl_store_index_write(wl_result_features(r), &o, rid, rank, path, NULL, err, sizeof err), WL_OK);
    *model = wl_result_take_model(r);
    free(rid);
    free(rank);
    wl_result_free(r);
    wl_dataset_free(ds);
    wl_store_index *x = NULL;
    assert_int_equal(wl_store_index_open(path, &x, err, sizeof err), WL_OK);
    return x;
}

#endif
