/* store_index.c -- naming, writing and checking the store's index file
 * (store_index.h). The file's content is the engine's (wl_store_index_write). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>

#include "store_index.h"
#include "store_persons.h"

/* The index file of generation g: "<store>.idx.<g>", beside the database. */
static void index_path(const store *s, long long g, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s.idx.%lld", s->path, g);
}

/* A meta value, or NULL when the key is absent (no message: absent is allowed). */
static char *meta_or_null(store *s, const char *key)
{
    char *v = NULL;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL) != SQLITE_OK) return NULL;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) v = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return v;
}

/* The index file of the store's generation, or 1 when it has none yet. The
 * name comes from the database's own path, not from the store, so a copied
 * database never names (and an update of it never removes) the original's file. */
static int named_path(store *s, char *buf, size_t cap, int quiet)
{
    char *g = meta_or_null(s, "index_generation"), *end = NULL;
    if (!g) return 1;
    long long gen = strtoll(g, &end, 10);
    int bad = !*g || *end || gen < 1;
    free(g);
    if (bad && !quiet) cli_error("%s: damaged store: meta 'index_generation' is not a number", s->path);
    if (!bad) index_path(s, gen, buf, cap);
    return bad ? -1 : 0;
}

/* The file is written on a thread of its own while the caller writes the
 * database: the two share nothing but the run's read-only features, and at
 * 10^6 records each takes several seconds on one core. */
static void *index_job_run(void *arg)
{
    store_index_job *j = arg;
    j->st = wl_store_index_write(j->f, &j->opt, j->by_rec, j->rank, j->files->new_path, &j->sum, j->err,
                                 sizeof j->err);
    return NULL;
}

int store_index_start(store *s, const wl_dataset *ds, const wl_result *r, const int64_t *rid,
                      const wl_options *opt, store_index_files *files, store_index_job *job)
{
    memset(files, 0, sizeof *files);
    memset(job, 0, sizeof *job);
    job->files = files;
    job->st = WL_INTERNAL;
    size_t n = wl_dataset_size(ds);
    job->f = wl_result_features(r);
    if (!job->f) return cli_error("internal error: the run kept no features"), -1;
    /* a damaged generation is replaced: this run writes a fresh file */
    if (named_path(s, files->old_path, sizeof files->old_path, 1) != 0) files->old_path[0] = '\0';
    char *g = meta_or_null(s, "index_generation");
    long long gen = g ? strtoll(g, NULL, 10) : 0;
    job->gen = gen > 0 ? gen + 1 : 1;
    free(g);
    index_path(s, job->gen, files->new_path, sizeof files->new_path);
    job->by_rec = malloc((n ? n : 1) * sizeof *job->by_rec);
    job->rank = malloc((n ? n : 1) * sizeof *job->rank);
    if (!job->by_rec || !job->rank) {
        free(job->by_rec);
        free(job->rank);
        files->new_path[0] = '\0';
        return cli_error("out of memory"), -1;
    }
    for (size_t k = 0; k < n; k++) {
        size_t i = wl_result_record(r, k);
        job->by_rec[i] = rid[k];
        job->rank[i] = (uint32_t)k;
    }
    job->opt = *opt;
    job->started = pthread_create(&job->th, NULL, index_job_run, job) == 0;
    if (!job->started) index_job_run(job); /* no thread to be had: write it here */
    return 0;
}

int store_index_finish(store *s, store_index_job *job)
{
    if (job->started) pthread_join(job->th, NULL);
    job->started = 0;
    free(job->by_rec);
    free(job->rank);
    job->by_rec = NULL;
    job->rank = NULL;
    if (job->st != WL_OK) {
        cli_error("%s", job->err);
        job->files->new_path[0] = '\0';
        return -1;
    }
    char buf[32], gbuf[32];
    snprintf(buf, sizeof buf, "%016" PRIx64, job->sum);
    snprintf(gbuf, sizeof gbuf, "%lld", job->gen);
    if (store_set_meta(s, "index_checksum", buf) != 0 || store_set_meta(s, "index_generation", gbuf) != 0) return -1;
    /* the new file holds the live records only: no tombstone left */
    if (sqlite3_exec(s->db, "DELETE FROM tombstones", NULL, NULL, NULL) != SQLITE_OK)
        return cli_error("%s: %s", s->path, sqlite3_errmsg(s->db)), -1;
    return 0;
}

void store_index_done(const store_index_files *files, int ok)
{
    const char *gone = ok ? files->old_path : files->new_path;
    if (gone[0] && strcmp(files->old_path, files->new_path) != 0) unlink(gone);
}

int store_index_load(store *s, wl_store_index **x)
{
    *x = NULL;
    char path[4096], err[512] = "";
    int named = named_path(s, path, sizeof path, 0);
    if (named != 0) return named;
    if (access(path, F_OK) != 0) {
        cli_error("%s: the store's index file %s is missing (a store is its database and that file: "
                  "copy both; 'watchlink update' writes it again)", s->path, path);
        return -1;
    }
    char *want = store_meta(s, "index_checksum");
    if (!want) return -1;
    wl_status st = wl_store_index_open(path, x, err, sizeof err);
    if (st != WL_OK) {
        cli_error("%s", err);
        free(want);
        return -1;
    }
    char got[32];
    snprintf(got, sizeof got, "%016" PRIx64, wl_store_index_checksum(*x));
    int same = !strcmp(got, want);
    free(want);
    if (!same) {
        cli_error("%s: the index file is not the one the store names (checksum %s): damaged store", path, got);
        wl_store_index_close(*x);
        *x = NULL;
        return -1;
    }
    return 0;
}

int store_tombstones_load(store *s, int64_t **rids, size_t *n)
{
    *rids = NULL;
    *n = 0;
    size_t cap = 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT rid FROM tombstones ORDER BY rid", -1, &st, NULL) != SQLITE_OK)
        return cli_error("%s: reading the tombstones: %s", s->path, sqlite3_errmsg(s->db)), -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            int64_t *v = realloc(*rids, (cap ? 2 * cap : 64) * sizeof *v);
            if (!v) break;
            *rids = v;
            cap = cap ? 2 * cap : 64;
        }
        (*rids)[(*n)++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        free(*rids);
        *rids = NULL;
        *n = 0;
        return cli_error("%s: reading the tombstones: %s", s->path,
                         rc == SQLITE_ROW ? "out of memory" : sqlite3_errmsg(s->db)), -1;
    }
    return 0;
}

/* A count with one integer parameter, or -1. */
static long long count_of(store *s, const char *sql, int64_t v)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) return -1;
    sqlite3_bind_int64(st, 1, v);
    long long n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return n;
}

/* Whether a row id is in the table of st ("SELECT 1 FROM t WHERE rid = ?"). */
static int has_rid(sqlite3_stmt *st, int64_t rid)
{
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, rid);
    return sqlite3_step(st) == SQLITE_ROW;
}

/* Every stored record up to the index file's largest row id is in the index
 * once, and so is every tombstone, and nothing else: its rids against the
 * records and tombstones tables. The records above it are those an
 * incremental update added since (store_update.h). */
static long check_rids(store *s, const wl_store_index *x)
{
    size_t n = wl_store_index_records(x);
    int64_t top = wl_store_index_max_rid(x);
    long long live = count_of(s, "SELECT count(*) FROM records WHERE rid <= ?", top);
    long long tombs = store_count_rows(s, "tombstones");
    long long bad = count_of(s, "SELECT count(*) FROM tombstones WHERE rid > ?1 OR rid IN (SELECT rid FROM records)",
                             top);
    if (live < 0 || tombs < 0 || bad < 0) return 1;
    long problems = 0;
    if (live + tombs != (long long)n) {
        fprintf(stderr, "check: index file: %zu records, the store %lld up to its last row id %" PRId64
                " and %lld tombstones\n", n, live, top, tombs);
        problems++;
    }
    if (bad) {
        fprintf(stderr, "check: %lld tombstones name a stored record or none of the index file's\n", bad);
        problems++;
    }
    sqlite3_stmt *st = NULL, *tt = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT ord FROM records WHERE rid = ?", -1, &st, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db, "SELECT 1 FROM tombstones WHERE rid = ?", -1, &tt, NULL) != SQLITE_OK) {
        sqlite3_finalize(st);
        return problems + 1;
    }
    /* a stored record of the file keeps its rank in the file as its ord (the
     * incremental update numbers the next records from it: store_update.c next_ord) */
    for (size_t i = 0; i < n; i++) {
        int64_t rid = wl_store_index_rid(x, i);
        if (has_rid(st, rid)) {
            int64_t ord = sqlite3_column_int64(st, 0);
            if (ord != (int64_t)wl_store_index_rank(x, i) && problems++ < 5)
                fprintf(stderr, "check: index file: record %zu (rid %" PRId64 ") has ord %" PRId64
                        " in the store, rank %zu in the file\n", i, rid, ord, wl_store_index_rank(x, i));
        } else if (!has_rid(tt, rid) && problems++ < 5) {
            fprintf(stderr, "check: index file: record %zu has rid %" PRId64 ", not in the store nor a tombstone\n",
                    i, rid);
        }
    }
    sqlite3_finalize(st);
    sqlite3_finalize(tt);
    return problems;
}

long store_index_check(store *s)
{
    wl_store_index *x = NULL;
    int rc = store_index_load(s, &x);
    if (rc == 1) return 0; /* format 2: none yet, the next update writes it */
    if (rc != 0) return 1;
    long n = check_rids(s, x);
    wl_store_index_close(x);
    return n;
}
