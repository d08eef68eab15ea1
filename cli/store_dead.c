/* store_dead.c -- the records an incremental update takes out (store_dead.h). */
#include <stdlib.h>
#include <string.h>

#include "store_dead.h"

int dead_add(dead_set *ds, int64_t rid, int64_t person, int64_t ord, const char *source, const char *id,
             size_t row)
{
    if (ds->n == ds->cap) {
        size_t c = ds->cap ? 2 * ds->cap : 64;
        dead_rec *d = realloc(ds->d, c * sizeof *d);
        if (!d) return cli_error("out of memory"), -1;
        ds->d = d;
        ds->cap = c;
    }
    dead_rec *x = &ds->d[ds->n];
    *x = (dead_rec){rid, person, ord, strdup(source), strdup(id), row};
    if (!x->source || !x->id) {
        free(x->source);
        free(x->id);
        return cli_error("out of memory"), -1;
    }
    ds->n++;
    return 0;
}

static int by_rid(const void *a, const void *b)
{
    int64_t x = ((const dead_rec *)a)->rid, y = ((const dead_rec *)b)->rid;
    return (x > y) - (x < y);
}

int dead_finish(dead_set *ds)
{
    if (ds->n) qsort(ds->d, ds->n, sizeof *ds->d, by_rid); /* none: d is NULL */
    size_t w = 0;
    for (size_t k = 0; k < ds->n; k++) {
        if (w && ds->d[w - 1].rid == ds->d[k].rid) { /* --remove named it twice */
            free(ds->d[k].source);
            free(ds->d[k].id);
            continue;
        }
        ds->d[w++] = ds->d[k];
    }
    ds->n = w;
    ds->rids = malloc((w ? w : 1) * sizeof *ds->rids);
    if (!ds->rids) return cli_error("out of memory"), -1;
    for (size_t k = 0; k < w; k++)
        ds->rids[k] = ds->d[k].rid;
    return 0;
}

void dead_free(dead_set *ds)
{
    for (size_t k = 0; k < ds->n; k++) {
        free(ds->d[k].source);
        free(ds->d[k].id);
    }
    free(ds->d);
    free(ds->rids);
    memset(ds, 0, sizeof *ds);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int rid_in(const int64_t *v, size_t n, int64_t rid)
{
    return n && bsearch(&rid, v, n, sizeof *v, cmp_i64) != NULL;
}

/* The night's rows by (source, id), for the refusal of a row both in a list
 * and in --remove. */
static store_key *night_keys(const wl_dataset *night, size_t *n)
{
    *n = night ? wl_dataset_size(night) : 0;
    store_key *k = malloc((*n ? *n : 1) * sizeof *k);
    if (!k) return cli_error("out of memory"), NULL;
    for (size_t i = 0; i < *n; i++)
        k[i] = (store_key){wl_dataset_source(night, i), wl_dataset_id(night, i), i};
    store_keys_sort(k, *n);
    return k;
}

int dead_from_remove(store *s, const wl_dataset *rm, const wl_dataset *night, dead_set *ds, size_t *missing)
{
    size_t nk = 0;
    store_key *keys = night_keys(night, &nk);
    sqlite3_stmt *st = NULL;
    if (!keys) return EXIT_INTERNAL;
    if (sqlite3_prepare_v2(s->db, "SELECT rid, person_id, ord FROM records WHERE source = ?1 AND id = ?2", -1,
                           &st, NULL) != SQLITE_OK) {
        free(keys);
        return cli_error("%s: %s", s->path, sqlite3_errmsg(s->db)), EXIT_INTERNAL;
    }
    int rc = EXIT_OK;
    for (size_t i = 0, n = rm ? wl_dataset_size(rm) : 0; rc == EXIT_OK && i < n; i++) {
        const char *source = wl_dataset_source(rm, i), *id = wl_dataset_id(rm, i);
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
        int q = sqlite3_step(st);
        if (q == SQLITE_DONE) {
            ++*missing;
        } else if (q != SQLITE_ROW) {
            rc = EXIT_INTERNAL;
            cli_error("%s: %s", s->path, sqlite3_errmsg(s->db));
        } else if (store_key_find(keys, nk, source, id) != SIZE_MAX) {
            rc = EXIT_INPUT;
            cli_error("%s,%s is both in a list and in --remove", source, id);
        } else if (dead_add(ds, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                            sqlite3_column_int64(st, 2), source, id, SIZE_MAX) != 0) {
            rc = EXIT_INTERNAL;
        }
    }
    sqlite3_finalize(st);
    free(keys);
    return rc;
}

/* The row id of a decision's record, or -1 (not stored). */
static int64_t rid_of(sqlite3_stmt *st, const char *source, const char *id)
{
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    return sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
}

static int is_dead_key(const dead_set *ds, const char *source, const char *id)
{
    for (size_t k = 0; k < ds->n; k++) /* few dead records, fewer decisions */
        if (!strcmp(ds->d[k].source, source) && !strcmp(ds->d[k].id, id)) return 1;
    return 0;
}

/* Appends x to *v (k of cap). @return 0, or 1 when out of memory. */
static int push(int64_t **v, size_t *k, size_t *cap, int64_t x)
{
    if (*k == *cap) {
        int64_t *w = realloc(*v, 2 * *cap * sizeof *w);
        if (!w) return 1;
        *v = w;
        *cap *= 2;
    }
    (*v)[(*k)++] = x;
    return 0;
}

int64_t *dead_neighbours(store *s, const dead_set *ds, const int64_t *l, const int64_t *r, size_t n_sp,
                         const dec_row *dec, size_t n_dec, size_t *n)
{
    size_t cap = 64, k = 0;
    int64_t *v = malloc(cap * sizeof *v);
    sqlite3_stmt *st = NULL;
    int bad = !v;
    for (size_t p = 0; !bad && p < n_sp; p++) {
        int dl = rid_in(ds->rids, ds->n, l[p]), dr = rid_in(ds->rids, ds->n, r[p]);
        if (dl != dr) bad = push(&v, &k, &cap, dl ? r[p] : l[p]); /* one dead, the other its neighbour */
    }
    if (!bad && n_dec &&
        sqlite3_prepare_v2(s->db, "SELECT rid FROM records WHERE source = ?1 AND id = ?2", -1, &st, NULL)) {
        cli_error("%s: %s", s->path, sqlite3_errmsg(s->db));
        free(v);
        return NULL;
    }
    for (size_t d = 0; !bad && d < n_dec; d++) {
        const char *const *f = (const char *const *)dec[d].f;
        int dl = is_dead_key(ds, f[DEC_LEFT_SOURCE], f[DEC_LEFT_ID]),
            dr = is_dead_key(ds, f[DEC_RIGHT_SOURCE], f[DEC_RIGHT_ID]);
        if (dl == dr) continue;
        int64_t o = dl ? rid_of(st, f[DEC_RIGHT_SOURCE], f[DEC_RIGHT_ID])
                       : rid_of(st, f[DEC_LEFT_SOURCE], f[DEC_LEFT_ID]);
        if (o >= 0) bad = push(&v, &k, &cap, o); /* else the other record is not stored */
    }
    sqlite3_finalize(st);
    if (bad) {
        free(v);
        cli_error("out of memory");
        return NULL;
    }
    qsort(v, k, sizeof *v, cmp_i64);
    size_t w = 0;
    for (size_t j = 0; j < k; j++)
        if ((w == 0 || v[w - 1] != v[j]) && !rid_in(ds->rids, ds->n, v[j])) v[w++] = v[j];
    *n = w;
    return v;
}
