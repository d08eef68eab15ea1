/* store_later.c -- the records stored after the index file (store_later.h). */
#include <stdlib.h>
#include <string.h>

#include "store_later.h"

void store_later_free(store_later *l)
{
    wl_dataset_free(l->ds);
    free(l->rid);
    free(l->ord);
    memset(l, 0, sizeof *l);
}

typedef struct {
    store_rec r;
    int64_t ord;
} later_row;

static int by_source_id(const void *a, const void *b)
{
    const store_rec *x = &((const later_row *)a)->r, *y = &((const later_row *)b)->r;
    int c = strcmp(x->source, y->source);
    return c ? c : strcmp(x->id, y->id);
}

/* The rows above the index file's largest row id (a range of the rowid: no
 * scan of the table), sorted by (source, id) for store_find, with each row's
 * ord beside it. */
static int read_later_rows(store *s, int64_t after, store_rec **recs, int64_t **ords, size_t *n)
{
    sqlite3_stmt *st;
    *recs = NULL;
    *ords = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT rid, ord, person_id, source, id, fields FROM records WHERE rid > ?", -1, &st,
                           NULL) != SQLITE_OK)
        return cli_error("%s: reading the records added since the index file: %s", s->path,
                         sqlite3_errmsg(s->db)), -1;
    sqlite3_bind_int64(st, 1, after);
    size_t cap = 0, k = 0;
    int rc, bad = 0;
    while (!bad && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (k == cap) {
            size_t c = cap ? 2 * cap : 256;
            store_rec *r = realloc(*recs, c * sizeof *r);
            if (r) *recs = r;
            int64_t *o = r ? realloc(*ords, c * sizeof *o) : NULL;
            if (o) *ords = o;
            if (!r || !o) {
                bad = 1;
                break;
            }
            cap = c;
        }
        store_rec *x = &(*recs)[k];
        *x = (store_rec){ sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 2), store_col_text(st, 3),
                          store_col_text(st, 4), store_col_text(st, 5), 0 };
        (*ords)[k++] = sqlite3_column_int64(st, 1);
        bad = !x->source || !x->id || !x->fields;
    }
    sqlite3_finalize(st);
    *n = k;
    if (bad || rc != SQLITE_DONE) {
        if (bad) cli_error("out of memory");
        else cli_error("%s: reading the records added since the index file: %s", s->path, sqlite3_errmsg(s->db));
        return -1;
    }
    later_row *t = malloc((k ? k : 1) * sizeof *t);
    if (!t) return cli_error("out of memory"), -1;
    for (size_t j = 0; j < k; j++) t[j] = (later_row){ (*recs)[j], (*ords)[j] };
    qsort(t, k, sizeof *t, by_source_id);
    for (size_t j = 0; j < k; j++) (*recs)[j] = t[j].r, (*ords)[j] = t[j].ord;
    free(t);
    return 0;
}

int store_later_load(store *s, const wl_store_index *x, int reference_year, store_later *out)
{
    memset(out, 0, sizeof *out);
    store_rec *recs = NULL;
    int64_t *ords = NULL;
    size_t n = 0;
    int rc = read_later_rows(s, wl_store_index_max_rid(x), &recs, &ords, &n);
    if (rc == 0 && n) {
        out->ds = wl_dataset_create();
        out->rid = malloc(n * sizeof *out->rid);
        out->ord = malloc(n * sizeof *out->ord);
        if (!out->ds || !out->rid || !out->ord || wl_dataset_set_reference_year(out->ds, reference_year) != WL_OK)
            rc = -1, cli_error("out of memory");
        if (rc == 0) rc = store_to_dataset(s, recs, n, out->ds);
        /* the dataset holds them source by source in its own order: by name */
        out->n = rc == 0 ? wl_dataset_size(out->ds) : 0;
        for (size_t t = 0; rc == 0 && t < out->n; t++) {
            size_t j = store_find(recs, n, wl_dataset_source(out->ds, t), wl_dataset_id(out->ds, t));
            if (j == SIZE_MAX) {
                rc = -1;
                cli_error("%s: damaged store: a record added since the index file did not reload", s->path);
                break;
            }
            out->rid[t] = recs[j].rid;
            out->ord[t] = ords[j];
        }
        if (rc == 0 && out->n != n) {
            rc = -1;
            cli_error("%s: damaged store: %zu records added since the index file, %zu reloaded", s->path, n,
                      out->n);
        }
    }
    store_recs_free(recs, n);
    free(ords);
    if (rc != 0) store_later_free(out);
    return rc;
}
