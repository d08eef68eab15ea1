/* store_persons.c -- the stored records and pairs in output order, and the
 * persons re-formed from them written back (store_persons.h). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "store_persons.h"


void stored_free(stored *t)
{
    for (size_t k = 0; k < t->n; k++) {
        free(t->source[k]);
        free(t->id[k]);
    }
    free(t->rid);
    free(t->person);
    free(t->source);
    free(t->id);
    free(t->keys);
    free(t->pair_ord);
    free(t->pairs);
}

int64_t store_count_rows(store *s, const char *table)
{
    char sql[64];
    sqlite3_stmt *st;
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) return -1;
    int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return n;
}

static char *text_dup(sqlite3_stmt *st, int k)
{
    const char *v = (const char *)sqlite3_column_text(st, k);
    return strdup(v ? v : "");
}

int stored_load_records(store *s, stored *t)
{
    int64_t n = store_count_rows(s, "records");
    if (n < 0) return cli_error("%s: cannot count the stored records: %s", s->path, sqlite3_errmsg(s->db)), -1;
    size_t m = n ? (size_t)n : 1;
    t->rid = malloc(m * sizeof *t->rid);
    t->person = malloc(m * sizeof *t->person);
    t->source = calloc(m, sizeof *t->source);
    t->id = calloc(m, sizeof *t->id);
    t->keys = malloc(m * sizeof *t->keys);
    sqlite3_stmt *st;
    if (!t->rid || !t->person || !t->source || !t->id || !t->keys) return cli_error("out of memory"), -1;
    if (sqlite3_prepare_v2(s->db, "SELECT rid, person_id, source, id FROM records ORDER BY ord", -1, &st, NULL))
        return cli_error("%s: cannot read the stored records: %s", s->path, sqlite3_errmsg(s->db)), -1;
    size_t k = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && k < (size_t)n) {
        t->rid[k] = sqlite3_column_int64(st, 0);
        t->person[k] = sqlite3_column_int64(st, 1);
        t->source[k] = text_dup(st, 2);
        t->id[k] = text_dup(st, 3);
        if (!t->source[k] || !t->id[k]) break;
        t->keys[k] = (store_key){ t->source[k], t->id[k], k };
        k++;
    }
    sqlite3_finalize(st);
    t->n = k;
    if (rc != SQLITE_DONE || k != (size_t)n) {
        cli_error("%s: cannot read the stored records: %s", s->path, sqlite3_errmsg(s->db));
        return -1;
    }
    store_keys_sort(t->keys, k);
    return 0;
}

static int by_rid(const void *a, const void *b)
{
    const int64_t *x = a, *y = b;
    return (x[0] > y[0]) - (x[0] < y[0]);
}

int stored_load_pairs(store *s, stored *t)
{
    int64_t np = store_count_rows(s, "pairs");
    if (np < 0) return -1;
    size_t m = np ? (size_t)np : 1;
    int64_t *by = malloc(2 * (t->n ? t->n : 1) * sizeof *by); /* (rid, pos) sorted by rid */
    t->pair_ord = malloc(m * sizeof *t->pair_ord);
    t->pairs = malloc(m * sizeof *t->pairs);
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (!by || !t->pair_ord || !t->pairs) goto done;
    for (size_t k = 0; k < t->n; k++) by[2 * k] = t->rid[k], by[2 * k + 1] = (int64_t)k;
    qsort(by, t->n, 2 * sizeof *by, by_rid);
    if (sqlite3_prepare_v2(s->db, "SELECT ord, left_rid, right_rid, match_weight FROM pairs ORDER BY ord", -1, &st,
                           NULL))
        goto done;
    size_t k = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && k < (size_t)np) {
        int64_t l = sqlite3_column_int64(st, 1), r = sqlite3_column_int64(st, 2);
        const int64_t *a = bsearch(&l, by, t->n, 2 * sizeof *by, by_rid);
        const int64_t *b = bsearch(&r, by, t->n, 2 * sizeof *by, by_rid);
        if (!a || !b) break;
        t->pair_ord[k] = sqlite3_column_int64(st, 0);
        t->pairs[k++] = (dec_pair){ (uint32_t)a[1], (uint32_t)b[1], (float)sqlite3_column_double(st, 3) };
    }
    t->np = k;
    rc = rc == SQLITE_DONE && k == (size_t)np ? 0 : -1;
done:
    if (rc != 0) cli_error("%s: cannot read the stored pairs (run 'watchlink index --check')", s->path);
    sqlite3_finalize(st);
    free(by);
    return rc;
}

int store_exec_int(store *s, const char *sql, int64_t v)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) return -1;
    sqlite3_bind_int64(st, 1, v);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    sqlite3_finalize(st);
    return rc;
}

int store_exec_int2(store *s, const char *sql, int64_t a, int64_t b)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) return -1;
    sqlite3_bind_int64(st, 1, a);
    sqlite3_bind_int64(st, 2, b);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    sqlite3_finalize(st);
    return rc;
}

/* The new persons into the store: records moved, persons left empty dropped,
 * ruled-out pairs deleted. */
int stored_apply_persons(store *s, const stored *t, const int64_t *person, const unsigned char *kept,
                         int64_t next_id)
{
    int rc = 0;
    for (size_t k = 0; rc == 0 && k < t->n; k++) {
        if (person[k] == t->person[k]) continue;
        rc = store_exec_int(s, "INSERT OR IGNORE INTO persons(person_id) VALUES(?)", person[k]);
        if (rc == 0) rc = store_exec_int2(s, "UPDATE records SET person_id = ?2 WHERE rid = ?1", t->rid[k], person[k]);
    }
    for (size_t p = 0; rc == 0 && p < t->np; p++)
        if (!kept[p]) rc = store_exec_int(s, "DELETE FROM pairs WHERE ord = ?", t->pair_ord[p]);
    if (rc == 0)
        rc = sqlite3_exec(s->db, "DELETE FROM persons WHERE person_id NOT IN (SELECT person_id FROM records)", NULL,
                          NULL, NULL) == SQLITE_OK ? 0 : -1;
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRId64, next_id);
    if (rc == 0) rc = store_set_meta(s, "next_person_id", buf);
    if (rc) cli_error("%s: writing persons: %s", s->path, sqlite3_errmsg(s->db));
    return rc;
}

