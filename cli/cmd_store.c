/* cmd_store.c -- the persistent person store (issue 12): `watchlink index`,
 * `export`, `query` and `update`. Matching is the engine's (wl_run through the
 * public API); this file keeps the store's records, pairs and persons. */
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output.h"
#include "store.h"
#include "store_ids.h"
#include "store_index.h"
#include "store_sources.h"
#include "store_update.h"

/* ---- options this file adds to the common ones ---- */

typedef store_opt extra_opt;

/* Takes the extra options out of argv into rest (argv[0] kept), so cli_parse sees
 * only the common ones. @return 0, or -1 after the error. */
static int take_extra(int argc, char **argv, char **rest, int *n_rest, const extra_opt *ex, size_t n_ex)
{
    *n_rest = 0;
    for (int i = 0; i < argc; i++) {
        size_t e = n_ex;
        for (size_t k = 0; i > 0 && k < n_ex; k++)
            if (!strcmp(argv[i], ex[k].name)) e = k;
        if (e == n_ex) {
            rest[(*n_rest)++] = argv[i];
        } else if (ex[e].flag) {
            *ex[e].flag = 1;
        } else if (i + 1 >= argc) {
            cli_error("option %s needs a value", argv[i]);
            return -1;
        } else {
            *ex[e].value = argv[++i];
        }
    }
    rest[*n_rest] = NULL;
    return 0;
}

/* Parses a command's options. @return 0, 1 after --help, -1 after an error. */
int store_parse_args(int argc, char **argv, cli_opts *o, const char *usage, const store_opt *ex, size_t n_ex)
{
    char **rest = malloc(((size_t)argc + 1) * sizeof *rest);
    int n_rest = 0;
    if (!rest) return cli_error("out of memory"), -1;
    int rc = take_extra(argc, argv, rest, &n_rest, ex, n_ex);
    if (rc == 0) rc = cli_parse_strict(n_rest, rest, o, usage, usage); /* an option the command ignores is an error */
    free(rest); /* o points into argv's strings */
    return rc == -2 ? 1 : rc;
}

/* ---- shared steps ---- */

static int save_settings(store *s, const store_settings *st, const wl_model *model)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.17g", st->threshold);
    if (store_set_meta(s, "threshold", buf) || store_set_meta_num(s, "max_partners", st->max_partners) ||
        store_set_meta_num(s, "reference_year", st->reference_year) ||
        store_set_meta_num(s, "next_person_id", st->next_person_id))
        return -1;
    return store_set_model(s, model);
}

static wl_options run_options(const cli_opts *o, wl_mode mode, double threshold, size_t max_partners)
{
    wl_options opt = wl_default_options();
    opt.mode = mode;
    opt.threads = o->threads;
    opt.threshold = threshold;
    if (max_partners) opt.max_partners = max_partners;
    return opt;
}

/* focus: NULL, or the records whose pairs are wanted (wl_options.focus). A run
 * of the store's records (index, update: no focus) keeps its features for the
 * index file. */
static int run(const cli_opts *o, const wl_dataset *ds, wl_mode mode, double threshold, size_t max_partners,
               const wl_model *model, const unsigned char *focus, wl_result **r)
{
    wl_options opt = run_options(o, mode, threshold, max_partners);
    opt.focus = focus;
    /* query --explain names the names that met, from the run's features */
    opt.keep_features = focus == NULL || o->explain;
    /* A query (focus) screens arrivals: every stored person at or above the
     * threshold is a hit, also one outranked by a better-scoring stored person
     * (the outranked rule thins two-list links of namesakes; a screening keeps
     * them for the analyst). The index-file query does the same. */
    opt.keep_outranked = focus != NULL;
    char err[512] = "";
    wl_status st = wl_run(ds, &opt, model, o->progress ? out_progress : NULL, NULL, r, err, sizeof err);
    out_progress_end();
    if (st == WL_OK) return EXIT_OK;
    cli_error("%s", err[0] ? err : wl_strerror(st));
    return st == WL_USAGE || st == WL_INPUT ? EXIT_INPUT : EXIT_INTERNAL;
}

/* The cluster of each record in output order, numbered 0.. by first member. */
static size_t *cluster_labels(const wl_result *r, size_t n, size_t *n_clusters)
{
    size_t *label = malloc((n ? n : 1) * sizeof *label), *of_rep = malloc((n ? n : 1) * sizeof *of_rep);
    if (!label || !of_rep) {
        free(label);
        free(of_rep);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) of_rep[i] = SIZE_MAX;
    size_t next = 0;
    for (size_t k = 0; k < n; k++) {
        size_t rep = wl_result_cluster(r, wl_result_record(r, k));
        if (of_rep[rep] == SIZE_MAX) of_rep[rep] = next++;
        label[k] = of_rep[rep];
    }
    free(of_rep);
    *n_clusters = next;
    return label;
}

static cli_opts without_store(const cli_opts *o)
{
    cli_opts lists = *o;
    memmove(lists.lists, lists.lists + 1, (o->n_lists - 1) * sizeof lists.lists[0]);
    lists.n_lists--;
    return lists;
}

/* ---- index ---- */

static const char INDEX_USAGE[] =
    "Usage: watchlink index STORE LIST... [OPTIONS]\n"
    "       watchlink index --check STORE\n"
    "Creates a person store (SQLite) from lists: deduplicates them as 'dedup' does and\n"
    "keeps the records, the model, the pairs and the persons with stable ids.\n"
    "--check verifies a store (SQLite's integrity check and the store's own rules).\n\n"
    "Options:\n"
    "  --model FILE         score with a saved model instead of fitting one (kept in the store)\n"
    "  --threshold P        pairs with probability >= P (default 0.2), kept for later updates\n"
    "  --max-partners N     candidate pairs kept per record (default 32, more on\n"
    "                       lists under 65,536 records), kept for updates\n"
    "  --reference-year Y   two-digit birth years (default 2025), kept for updates\n"
    "  --map ROLE=COLUMN    map a column to a role (repeatable)\n"
    "  --source NAME        the source of every row of a list (repeatable: the first names\n"
    "                       the first list...; default: a source column, else the file\n"
    "                       name), as in match and dedup\n"
    "  --rejects FILE       write every rejected input row with its line and reason\n"
    "  --threads N          worker threads (default: all cores)\n"
    "  -q, --quiet          no summary\n"
    "Exit status: 0 success (--check: consistent), 1 bad input, usage or an inconsistent store,\n"
    "2 internal error.\n";

static int index_check(const char *path)
{
    store s;
    if (store_open(&s, path, STORE_READ) != 0) return EXIT_INPUT;
    long n = store_check(&s);
    if (n >= 0) n += store_index_check(&s);
    store_close(&s);
    if (n != 0) {
        cli_error("%s: %ld problems found", path, n);
        return EXIT_INPUT;
    }
    fprintf(stderr, "%s: consistent\n", path);
    return EXIT_OK;
}

/* The index's run: every record is new to its person. The events are the
 * records' rows in output order (index_write numbers the records so: rid
 * k + 1), copied by one statement inside SQLite: a statement run per event
 * cost ~10.7 k instructions an event (cursors opened, sought and closed per
 * row; callgrind at 10^5 records), a tenth of index's main thread. */
static int index_events(store *s, size_t n)
{
    char detail[64];
    snprintf(detail, sizeof detail, "%zu records", n);
    int64_t run_id = store_add_run(s, "index", detail);
    sqlite3_stmt *st = NULL;
    if (run_id < 0) return -1;
    int rc = sqlite3_prepare_v2(s->db,
                                "INSERT INTO events(run_id, kind, person_id, source, id) SELECT ?1, 'new', person_id,"
                                " source, id FROM records ORDER BY rid",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, run_id);
        rc = sqlite3_step(st);
    }
    if (rc != SQLITE_DONE) cli_error("%s: writing events: %s", s->path, sqlite3_errmsg(s->db));
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Writes a fresh store: records numbered and persons issued in output order. */
static int index_write(const cli_opts *o, store *s, const wl_dataset *ds, const wl_result *r, char *const *fields,
                       store_settings *st, store_index_files *files)
{
    size_t n = wl_dataset_size(ds), nc = 0;
    size_t *label = cluster_labels(r, n, &nc);
    int64_t *buf = calloc(n ? 3 * n : 1, sizeof *buf);
    int rc = -1;
    if (label && buf) {
        int64_t *old = buf, *age = buf + n, *person = buf + 2 * n;
        for (size_t k = 0; k < n; k++) age[k] = (int64_t)k + 1; /* rid */
        sid_input in = { n, old, age, label, NULL, nc, 1 };
        st->next_person_id = sid_assign(&in, person, NULL, NULL);
        wl_options opt = run_options(o, WL_MODE_DEDUP, st->threshold, (size_t)st->max_partners);
        store_index_job job;
        if (st->next_person_id > 0 && store_index_start(s, ds, r, age, &opt, files, &job) == 0) {
            int ok = store_write_run(s, ds, r, age, person, fields, NULL) == 0 &&
                     save_settings(s, st, wl_result_model(r)) == 0 && index_events(s, n) == 0;
            if (store_index_finish(s, &job) == 0 && ok) rc = 0;
        }
    } else {
        cli_error("out of memory");
    }
    free(label);
    free(buf);
    return rc;
}

static int index_create(const cli_opts *o)
{
    const char *path = o->lists[0];
    int existed = access(path, F_OK) == 0;
    cli_opts lists = without_store(o);
    store s;
    if (store_open(&s, path, STORE_CREATE) != 0) return EXIT_INPUT;
    wl_dataset *ds = wl_dataset_create();
    wl_model *model = NULL;
    wl_result *r = NULL;
    store_settings st = { o->threshold >= 0 ? o->threshold : wl_default_options().threshold,
                          (long long)o->max_partners, o->reference_year, 1, NULL };
    char err[512] = "", **fields = NULL;
    wl_read_report *reps = calloc(lists.n_lists, sizeof *reps);
    int rc = ds && reps ? cli_read_lists(&lists, ds, reps) : EXIT_INTERNAL;
    if (rc == EXIT_OK) {
        fields = store_record_fields(ds, reps, lists.n_lists, NULL, 0, o->threads);
        if (store_fields_complete(fields, wl_dataset_size(ds)) != 0) rc = EXIT_INTERNAL;
    }
    if (rc == EXIT_OK && o->model && !(model = wl_model_load(o->model, err, sizeof err))) {
        cli_error("%s", err);
        rc = EXIT_INPUT;
    }
    if (rc == EXIT_OK) rc = run(o, ds, WL_MODE_DEDUP, st.threshold, o->max_partners, model, NULL, &r);
    store_index_files files = { "", "" };
    /* A new store's keys hold by construction -- every record's person is
     * written before it, every pair names two records of the run -- so the
     * foreign-key look-ups of its bulk writes are left out (a seek into the
     * parent table per record, pair and event: ~0.3 G instructions at 10^5
     * records, callgrind); index --check still verifies them. */
    if (rc == EXIT_OK && sqlite3_exec(s.db, "PRAGMA foreign_keys=OFF", NULL, NULL, NULL) != SQLITE_OK) {
        cli_error("%s: %s", path, sqlite3_errmsg(s.db));
        rc = EXIT_INTERNAL;
    }
    if (rc == EXIT_OK && (store_begin(&s) != 0 || store_create_schema(&s) != 0 ||
                          index_write(o, &s, ds, r, fields, &st, &files) != 0 || store_commit(&s) != 0)) {
        store_rollback(&s);
        rc = EXIT_INTERNAL;
    }
    store_index_done(&files, rc == EXIT_OK);
    if (rc == EXIT_OK && !o->quiet) {
        out_summary(wl_result_stats(r), 0);
        fprintf(stderr, "index %s: %zu records, %lld persons\n", path, wl_dataset_size(ds),
                st.next_person_id - 1);
    }
    store_close(&s);
    if (rc != EXIT_OK && !existed) { /* a failed index leaves nothing behind */
        char side[4096];
        unlink(path);
        snprintf(side, sizeof side, "%s-wal", path), unlink(side);
        snprintf(side, sizeof side, "%s-shm", path), unlink(side);
    }
    store_fields_free(fields, ds ? wl_dataset_size(ds) : 0);
    free(reps);
    wl_result_free(r);
    wl_model_free(model);
    wl_dataset_free(ds);
    return rc;
}

int cmd_index(int argc, char **argv)
{
    cli_opts o;
    int check = 0;
    extra_opt ex[] = { { "--check", NULL, &check } };
    int p = store_parse_args(argc, argv, &o, INDEX_USAGE, ex, 1);
    if (p) return p > 0 ? EXIT_OK : EXIT_INPUT;
    if (check) {
        if (o.n_lists != 1) return cli_error("index --check takes one store"), EXIT_INPUT;
        return index_check(o.lists[0]);
    }
    if (o.n_lists < 2) return cli_error("index takes a store and at least one list (see --help)"), EXIT_INPUT;
    return index_create(&o);
}

/* ---- export ---- */

static const char EXPORT_USAGE[] =
    "Usage: watchlink export STORE [-o PAIRS] [--clusters FILE] [--decisions FILE]\n"
    "Writes the store's pairs (as 'dedup' writes them, less the pairs a decision ruled\n"
    "out) and, with --clusters, every record's person: cluster_id,source,id with\n"
    "cluster_id the stable person id.\n\n"
    "Options:\n"
    "  -o, --output FILE    write pairs to FILE (atomically) instead of standard output\n"
    "  --clusters FILE      also write cluster_id,source,id for every record\n"
    "  --decisions FILE     also write the analysts' decisions, as 'review' reads them:\n"
    "                       left_source,left_id,right_source,right_id,decision,note\n"
    "Exit status: 0 success, 1 bad input or usage, 2 internal error.\n";

static int export_rows(store *s, FILE *f, const char *header, const char *sql, int pairs)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        cli_error("%s: %s", s->path, sqlite3_errmsg(s->db));
        return -1;
    }
    fputs(header, f);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int c = 0;
        if (!pairs) fprintf(f, "%" PRId64 ",", (int64_t)sqlite3_column_int64(st, c++));
        for (int k = 0; k < (pairs ? 4 : 2); k++, c++) {
            if (k) fputc(',', f);
            cli_csv_field(f, (const char *)sqlite3_column_text(st, c));
        }
        /* stored from the run's floats: printed as dedup prints them */
        if (pairs)
            fprintf(f, ",%.6f,%.3f", (double)(float)sqlite3_column_double(st, c),
                    (double)(float)sqlite3_column_double(st, c + 1));
        fputc('\n', f);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE) return 0;
    cli_error("%s: %s", s->path, sqlite3_errmsg(s->db));
    return -1;
}

/* The decisions, in the format `review` reads (a round trip gives the same store). */
static int export_decisions(store *s, const char *path)
{
    dec_row *d = NULL;
    size_t nd = 0;
    cli_out out;
    if (store_load_decisions(s, &d, &nd) != 0) return EXIT_INTERNAL;
    if (cli_out_open(&out, path) != 0) {
        dec_rows_free(d, nd);
        return EXIT_INPUT;
    }
    fputs("left_source,left_id,right_source,right_id,decision,note\n", out.f);
    for (size_t j = 0; j < nd; j++)
        for (int k = 0; k < DEC_COLUMNS; k++) {
            cli_csv_field(out.f, d[j].f[k]);
            fputc(k + 1 < DEC_COLUMNS ? ',' : '\n', out.f);
        }
    dec_rows_free(d, nd);
    return cli_out_commit(&out) == 0 ? EXIT_OK : EXIT_INPUT;
}

static int export_file(store *s, const char *path, int pairs)
{
    static const char PAIRS_SQL[] =
        "SELECT l.source, l.id, r.source, r.id, p.probability, p.match_weight FROM pairs p"
        " JOIN records l ON l.rid = p.left_rid JOIN records r ON r.rid = p.right_rid ORDER BY p.ord";
    static const char CLUSTERS_SQL[] = "SELECT person_id, source, id FROM records ORDER BY ord";
    cli_out out;
    if (cli_out_open(&out, path) != 0) return EXIT_INPUT;
    if (export_rows(s, out.f, pairs ? "left_source,left_id,right_source,right_id,probability,match_weight\n"
                                     : "cluster_id,source,id\n",
                    pairs ? PAIRS_SQL : CLUSTERS_SQL, pairs) != 0) {
        cli_out_abort(&out);
        return EXIT_INTERNAL;
    }
    return cli_out_commit(&out) == 0 ? EXIT_OK : EXIT_INPUT;
}

int cmd_export(int argc, char **argv)
{
    cli_opts o;
    const char *decisions = NULL;
    store_opt ex[] = { { "--decisions", &decisions, NULL } };
    int p = store_parse_args(argc, argv, &o, EXPORT_USAGE, ex, 1);
    if (p) return p > 0 ? EXIT_OK : EXIT_INPUT;
    if (o.n_lists != 1) return cli_error("export takes one store (see --help)"), EXIT_INPUT;
    if (strcmp(o.format, "csv")) return cli_error("export writes csv only"), EXIT_INPUT;
    store s;
    if (store_open(&s, o.lists[0], STORE_READ) != 0) return EXIT_INPUT;
    /* One read transaction: pairs and clusters from the same committed update. */
    int rc = sqlite3_exec(s.db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK ? EXIT_OK : EXIT_INTERNAL;
    if (rc == EXIT_OK) rc = export_file(&s, o.output, 1);
    if (rc == EXIT_OK && o.clusters) rc = export_file(&s, o.clusters, 0);
    if (rc == EXIT_OK && decisions) rc = export_decisions(&s, decisions);
    store_rollback(&s);
    store_close(&s);
    return rc;
}

/* ---- loading a store for query and update ---- */

typedef struct {
    store s;
    store_settings set;
    store_rec *recs;
    size_t n_recs;
    int64_t max_rid;
} loaded_store;

static void loaded_free(loaded_store *ls)
{
    wl_model_free(ls->set.model);
    store_recs_free(ls->recs, ls->n_recs);
    store_close(&ls->s);
}

/* Opens the store and loads settings and records inside a transaction (a read
 * snapshot, or with `write` the write lock). @return 0, or -1 after the error. */
static int load_records(loaded_store *ls)
{
    int rc = store_load(&ls->s, &ls->recs, &ls->n_recs);
    for (size_t j = 0; rc == 0 && j < ls->n_recs; j++)
        if (ls->recs[j].rid > ls->max_rid) ls->max_rid = ls->recs[j].rid;
    return rc;
}

/* records: 0 leaves them for load_records (an update may not need them). */
static int load_store(loaded_store *ls, const char *path, int write, int records)
{
    memset(ls, 0, sizeof *ls);
    if (store_open(&ls->s, path, write ? STORE_WRITE : STORE_READ) != 0) return -1;
    int rc = write ? store_begin(&ls->s) : (sqlite3_exec(ls->s.db, "BEGIN", NULL, NULL, NULL) ? -1 : 0);
    if (rc == 0) rc = store_load_settings(&ls->s, &ls->set);
    if (rc == 0 && records) rc = load_records(ls);
    if (rc != 0) {
        store_rollback(&ls->s);
        loaded_free(ls);
    }
    return rc;
}

/* The lists of o, read with the store's reference year. */
static int read_night(const cli_opts *o, const loaded_store *ls, wl_dataset **out, wl_read_report *reps)
{
    wl_dataset *ds = wl_dataset_create();
    if (!ds) return cli_error("out of memory"), EXIT_INTERNAL;
    cli_opts lists = *o;
    lists.reference_year = (int)ls->set.reference_year; /* the store's, for its records and the lists' */
    static char names[CLI_MAX_LISTS][128];
    int rc = store_source_names(&ls->s, &lists, names) == 0 ? cli_read_named(&lists, (const char(*)[128])names, ds, reps)
                                                             : EXIT_INPUT;
    if (rc != EXIT_OK) wl_dataset_free(ds), ds = NULL;
    *out = ds;
    return rc;
}

/* The night's dataset (its records 0..n_new-1) followed by the stored records
 * it does not replace. */
static int add_stored(loaded_store *ls, wl_dataset *ds, size_t n_new)
{
    int rc = EXIT_OK;
    for (size_t i = 0; i < n_new; i++) {
        size_t j = store_find(ls->recs, ls->n_recs, wl_dataset_source(ds, i), wl_dataset_id(ds, i));
        if (j != SIZE_MAX && ls->recs[j].replaced == STORE_REMOVED) {
            cli_error("%s,%s is both in a list and in --remove", ls->recs[j].source, ls->recs[j].id);
            rc = EXIT_INPUT;
            break;
        }
        if (j != SIZE_MAX) ls->recs[j].replaced = STORE_REPLACED;
    }
    if (rc == EXIT_OK && store_to_dataset(&ls->s, ls->recs, ls->n_recs, ds) != 0) rc = EXIT_INTERNAL;
    return rc;
}

/* ---- query ---- */

static const char QUERY_USAGE[] =
    "Usage: watchlink query STORE LIST [OPTIONS]\n"
    "Screens the records of LIST against the store without changing it: for each,\n"
    "the best stored records at or above the threshold with their person id.\n"
    "Output: query_source,query_id,rank,person_id,source,id,probability,match_weight\n"
    "[,the fields' level:weight],valid_doc[,left_name,right_name]. Hits are ranked\n"
    "best first, except that a\n"
    "stored record holding the same check-digit-valid document number as the query\n"
    "record (ICAO 9303 check digit; the document fields agree exactly) with a\n"
    "compatible name comes first: valid_doc is 1 for it.\n\n"
    "Options:\n"
    "  -o, --output FILE    write the hits to FILE (atomically) instead of standard output\n"
    "  --top K              at most K hits per query record (default 10)\n"
    "  --sources A,B        screen against these stored sources only\n"
    "  --explain            add each field's level:weight to every hit, and the names\n"
    "                       that met: left_name the query record's, right_name the\n"
    "                       stored record's (of their names, aliases and readings, the\n"
    "                       two whose comparison gave the name level)\n"
    "  --source NAME        the query list's source (default: a source column, else its\n"
    "                       file name); it must not be a stored source\n"
    "  --threshold P        hits with probability >= P (default: the store's threshold)\n"
    "  --full               match the list with the whole store in one run (loads and\n"
    "                       normalises every stored record) instead of looking its\n"
    "                       candidates up in the store's index file\n"
    "  --map ROLE=COLUMN    map a column of LIST to a role (repeatable)\n"
    "  --rejects FILE       write every rejected input row with its line and reason\n"
    "  --threads N          worker threads (default: all cores)\n"
    "  -q, --quiet          no summary\n"
    "Exit status: 0 success, 1 bad input or usage, 2 internal error.\n";

typedef struct {
    size_t q_pos, s_pos;  /* output positions of the query and the stored record */
    size_t q, s;          /* their dataset indices */
    float probability, weight;
    const wl_match *m;
    int valid_doc;        /* 1: the same check-digit-valid document and a compatible name */
    const wl_result *res; /* the run m is of (its features give the names that met) */
    int q_left;           /* 1: the query record is m's left */
} hit;

/* 1 when source is one of the comma-separated names (NULL: every source). */
static int source_listed(const char *list, const char *source)
{
    size_t n = strlen(source);
    for (const char *p = list; p && *p;) {
        size_t len = strcspn(p, ",");
        if (len == n && !memcmp(p, source, n)) return 1;
        p += len + (p[len] == ',');
    }
    return !list;
}

/* --sources against the database (the fast path loads no records). @return 0, or -1 after the error. */
static int check_sources_fast(const char *list, store *s)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM records WHERE source = ? LIMIT 1", -1, &st, NULL) != SQLITE_OK)
        return cli_error("%s: %s", s->path, sqlite3_errmsg(s->db)), -1;
    int rc = 0;
    for (const char *p = list; rc == 0 && p && *p;) {
        size_t len = strcspn(p, ",");
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, p, (int)len, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_ROW) {
            cli_error("--sources: the store holds no source '%.*s'", (int)len, p);
            rc = -1;
        }
        p += len + (p[len] == ',');
    }
    sqlite3_finalize(st);
    return rc;
}

/* Every name of --sources must be a stored source. @return 0, or -1 after the error. */
static int check_sources(const char *list, const loaded_store *ls)
{
    for (const char *p = list; p && *p;) {
        size_t len = strcspn(p, ","), j = 0;
        while (j < ls->n_recs && !(strlen(ls->recs[j].source) == len && !memcmp(ls->recs[j].source, p, len))) j++;
        if (j == ls->n_recs) {
            cli_error("--sources: the store holds no source '%.*s'", (int)len, p);
            return -1;
        }
        p += len + (p[len] == ',');
    }
    return 0;
}

/* ---- the document short-cut ---- */

/* A document number as lists agree on it: its letters and digits, upper case. */
static size_t fold_doc(const char *s, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < cap; i++) {
        char c = s[i];
        if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
        if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) out[k++] = c;
    }
    out[k] = '\0';
    return k;
}

/* The next CSV field of [*p, end) into out (quotes undone, cut at cap), or
 * past it without a copy when out is NULL (the cells a caller does not read).
 * @return 1 when the field ended its row (or the input). */
static int next_field(const char **p, const char *end, char *out, size_t cap)
{
    size_t k = 0;
    int quoted = *p < end && **p == '"';
    if (quoted) ++*p;
    while (*p < end) {
        char c = *(*p)++;
        if (quoted && c == '"' && *p < end && **p == '"') ++*p;
        else if (quoted && c == '"') quoted = 0;
        else if (!quoted && (c == ',' || c == '\n')) {
            if (out) out[k] = '\0';
            return c == '\n';
        } else if (out && k + 1 < cap) out[k++] = c;
    }
    if (out) out[k] = '\0';
    return 1;
}

/* The doc column of `watchlink normalize` (wl_features_write_csv): numbers split
 * by '|', each "NUMBER[check=ok|bad|none,...]". Returns the folded numbers whose
 * ICAO 9303 check digit holds (the normaliser's verdict), each '\n'-terminated
 * ("" when none), malloc'd; NULL when out of memory. A buffer grown by hand, not
 * a memory stream: opening one per record was a third of this list's reading. */
static char *valid_of(const char *col)
{
    size_t len = 0, cap = 64;
    char *out = malloc(cap);
    if (!out) return NULL;
    out[0] = '\0';
    for (const char *p = col; *p;) {
        size_t n = strcspn(p, "|");
        const char *br = memchr(p, '[', n), *core = br ? strstr(br, ",core=") : NULL;
        char folded[128];
        /* the number as written (core=) when it differs from the OCR-folded key */
        const char *num = core && core < p + n ? core + 6 : p;
        size_t num_len = core && core < p + n ? strcspn(num, ",]") : (size_t)(br ? br - p : 0);
        size_t fl = br && !strncmp(br, "[check=ok", 9) ? fold_doc(num, num_len, folded, sizeof folded) : 0;
        if (fl) {
            if (len + fl + 2 > cap) {
                while (len + fl + 2 > cap) cap *= 2;
                char *grown = realloc(out, cap);
                if (!grown) {
                    free(out);
                    return NULL;
                }
                out = grown;
            }
            memcpy(out + len, folded, fl);
            len += fl;
            out[len++] = '\n';
            out[len] = '\0';
        }
        p += n + (p[n] == '|');
    }
    return out;
}

/* Per record of f (n of them), its check-digit-valid document numbers
 * (valid_of), NULL when it has none. @return n arrays (caller frees), or NULL. */
static char **valid_docs_of(const wl_features *f, size_t n)
{
    size_t len = 0;
    char **docs = calloc(n ? n : 1, sizeof *docs), *csv = NULL;
    FILE *m = docs && f ? open_memstream(&csv, &len) : NULL;
    if (!m || wl_features_write_csv(f, m) != WL_OK || fclose(m) != 0) {
        if (m) fclose(m);
        free(csv);
        free(docs);
        return NULL;
    }
    const char *p = csv, *end = csv + len;
    char *cell = malloc(1 << 16);
    int doc_col = -1, col = 0;
    for (long row = -1; cell && p < end;) {
        /* the header's names and the doc cells read; the other cells skipped */
        if (row >= 0 && col != doc_col) {
            int eol = next_field(&p, end, NULL, 0);
            col = eol ? 0 : col + 1;
            row += eol;
            continue;
        }
        int eol = next_field(&p, end, cell, 1 << 16);
        if (row < 0 && !strcmp(cell, "doc")) doc_col = col;
        if (row >= 0 && row < (long)n && col == doc_col && cell[0]) docs[row] = valid_of(cell);
        col = eol ? 0 : col + 1;
        row += eol;
    }
    free(cell);
    free(csv);
    return docs;
}

/* valid_docs_of the query records of probe, normalised here. */
static char **valid_docs(const wl_dataset *probe, int threads)
{
    wl_features *f = wl_features_build(probe, threads);
    char **docs = f ? valid_docs_of(f, wl_dataset_size(probe)) : NULL;
    wl_features_free(f);
    return docs;
}

static int level_is(wl_field f, int level, const char *name)
{
    const char *l = wl_level_name(f, level);
    return l && !strcmp(l, name);
}

/* The number of field f's level called name (-1: none). */
static int level_number(wl_field f, const char *name)
{
    for (int l = 0; l < 256; l++) {
        const char *n = wl_level_name(f, l);
        if (!n) break;
        if (!strcmp(n, name)) return l;
    }
    return -1;
}

/* A hit the short-cut puts first: the stored record carries one of the query's
 * check-digit-valid numbers (the document fields agree exactly) and the names
 * are compatible (they agree at some level, not "different"). */
static int doc_shortcut(const wl_dataset *ds, const wl_match *m, size_t s, const char *valid)
{
    if (!valid || !level_is(WL_FIELD_DOC, m->level[WL_FIELD_DOC], "exact") ||
        level_is(WL_FIELD_NAME, m->level[WL_FIELD_NAME], "different") ||
        level_is(WL_FIELD_NAME, m->level[WL_FIELD_NAME], "missing"))
        return 0;
    for (size_t k = 0; k < wl_dataset_count(ds, s, WL_ROLE_DOC_NUMBER); k++) {
        const char *v = wl_dataset_value(ds, s, WL_ROLE_DOC_NUMBER, k);
        char folded[128];
        size_t fl = fold_doc(v, strlen(v), folded, sizeof folded);
        for (const char *p = valid; *p;) {
            size_t n = strcspn(p, "\n");
            /* a label left in the stored value ("PASSPORT A1234567") precedes the number */
            if (n && fl >= n && !memcmp(folded + fl - n, p, n)) return 1;
            p += n + (p[n] == '\n');
        }
    }
    return 0;
}

static int by_hit(const void *a, const void *b)
{
    const hit *x = a, *y = b;
    if (x->q_pos != y->q_pos) return x->q_pos < y->q_pos ? -1 : 1;
    if (x->valid_doc != y->valid_doc) return x->valid_doc ? -1 : 1;
    if (x->probability != y->probability) return x->probability > y->probability ? -1 : 1;
    if (x->weight != y->weight) return x->weight > y->weight ? -1 : 1;
    return (x->s_pos > y->s_pos) - (x->s_pos < y->s_pos);
}

/* The pairs between a query record (index < n_query) and a stored one, best first. */
static hit *collect_hits(const wl_dataset *ds, const wl_result *r, size_t n_query, const char *sources,
                        char *const *valid, size_t *n_hits)
{
    size_t n = wl_dataset_size(ds), np = wl_result_pair_count(r), nh = 0;
    size_t *pos = malloc((n ? n : 1) * sizeof *pos);
    hit *h = malloc((np ? np : 1) * sizeof *h);
    if (!pos || !h) {
        free(pos);
        free(h);
        return NULL;
    }
    for (size_t k = 0; k < n; k++) pos[wl_result_record(r, k)] = k;
    for (size_t k = 0; k < np; k++) {
        const wl_match *m = wl_result_pair(r, k);
        int lq = m->left < n_query, rq = m->right < n_query;
        if (lq == rq) continue; /* two stored records, or two query records */
        size_t q = lq ? m->left : m->right, s = lq ? m->right : m->left;
        if (source_listed(sources, wl_dataset_source(ds, s)))
            h[nh++] = (hit){ pos[q], pos[s], q, s, m->probability, m->weight, m, doc_shortcut(ds, m, s, valid[q]), r,
                             lq };
    }
    free(pos);
    qsort(h, nh, sizeof *h, by_hit);
    *n_hits = nh;
    return h;
}

/* A stored number's last 8, 9 or 10 letters and digits (a check-digit-valid
 * number has 8 to 10: doc.c may_carry_check), so a label left before it in the
 * stored value ("PASSPORT A1234567") does not hide it. */
typedef struct {
    char key[11];
    uint32_t rec;
} doc_key;

static int by_doc_key(const void *a, const void *b) { return strcmp(((const doc_key *)a)->key, ((const doc_key *)b)->key); }

/* in[q] and in[s] set for every query record q with a valid number some stored
 * record s (of the listed sources) holds. @return 0, or -1 out of memory. */
static int mark_doc_holders(const wl_dataset *ds, size_t n_query, const char *sources, char *const *valid,
                            unsigned char *in)
{
    size_t n = wl_dataset_size(ds), nk = 0, cap = 0;
    doc_key *k = NULL;
    for (size_t s = n_query; s < n; s++) {
        if (!source_listed(sources, wl_dataset_source(ds, s))) continue;
        for (size_t d = 0; d < wl_dataset_count(ds, s, WL_ROLE_DOC_NUMBER); d++) {
            const char *v = wl_dataset_value(ds, s, WL_ROLE_DOC_NUMBER, d);
            char folded[128];
            size_t fl = fold_doc(v, strlen(v), folded, sizeof folded);
            for (size_t len = 8; len <= 10 && len <= fl; len++) {
                if (nk == cap) {
                    doc_key *g = realloc(k, (cap = cap ? 2 * cap : 1024) * sizeof *g);
                    if (!g) return free(k), -1;
                    k = g;
                }
                memcpy(k[nk].key, folded + fl - len, len + 1);
                k[nk++].rec = (uint32_t)s;
            }
        }
    }
    qsort(k, nk, sizeof *k, by_doc_key);
    for (size_t q = 0; q < n_query; q++)
        for (const char *p = valid[q]; p && *p;) {
            size_t len = strcspn(p, "\n");
            doc_key want = { "", 0 };
            if (len >= 8 && len <= 10) {
                memcpy(want.key, p, len);
                want.key[len] = '\0';
                doc_key *at = bsearch(&want, k, nk, sizeof *k, by_doc_key);
                while (at && at > k && !strcmp(at[-1].key, want.key)) at--;
                for (; at && at < k + nk && !strcmp(at->key, want.key); at++) in[q] = in[at->rec] = 1;
            }
            p += len + (p[len] == '\n');
        }
    free(k);
    return 0;
}

/* The records of ds named by idx (dataset indices) as store records: stored ones
 * with their stored fields (name order kept), query ones from the dataset. */
static store_rec *mini_recs(const wl_dataset *ds, const loaded_store *ls, const size_t *idx, size_t n)
{
    store_rec *v = calloc(n ? n : 1, sizeof *v);
    for (size_t k = 0; v && k < n; k++) {
        const char *src = wl_dataset_source(ds, idx[k]), *id = wl_dataset_id(ds, idx[k]);
        size_t j = store_find(ls->recs, ls->n_recs, src, id);
        v[k] = (store_rec){ 0, 0, strdup(src), strdup(id),
                            j != SIZE_MAX ? strdup(ls->recs[j].fields) : store_fields_json(ds, idx[k], NULL), 0 };
        if (!v[k].source || !v[k].id || !v[k].fields) {
            store_recs_free(v, k + 1);
            return NULL;
        }
    }
    return v;
}

static int by_rec_key(const void *a, const void *b)
{
    const store_rec *x = a, *y = b;
    int c = strcmp(x->source, y->source);
    return c ? c : strcmp(x->id, y->id);
}

/* The short-cut for pairs the run left below the threshold (a valid document
 * outweighed by a different date, say): the query records with a valid number
 * and the stored records holding it are matched again alone, every candidate
 * kept, and each pair passing doc_shortcut is added as a hit. *mini keeps
 * the matches the hits point to. @return 0, or -1 after the error. */
static int add_doc_hits(const cli_opts *o, const loaded_store *ls, const wl_dataset *ds, const wl_result *r,
                        size_t n_query, const char *sources, char *const *valid, hit **h, size_t *nh,
                        wl_dataset **mini_ds, wl_result **mini)
{
    size_t n = wl_dataset_size(ds), ni = 0, cap = 0, *idx = NULL, any = 0;
    for (size_t q = 0; q < n_query; q++) any += valid[q] != NULL;
    if (!any) return 0;
    unsigned char *in = calloc(n ? n : 1, 1);
    if (!in || mark_doc_holders(ds, n_query, sources, valid, in) != 0) {
        free(in);
        return cli_error("out of memory"), -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (!in[i]) continue;
        if (ni == cap) {
            size_t *g = realloc(idx, (cap = cap ? 2 * cap : 64) * sizeof *g);
            if (!g) break;
            idx = g;
        }
        idx[ni++] = i;
    }
    free(in);
    if (ni < 2) {
        free(idx);
        return 0;
    }
    store_rec *recs = mini_recs(ds, ls, idx, ni);
    free(idx);
    if (!recs) return cli_error("out of memory"), -1;
    qsort(recs, ni, sizeof *recs, by_rec_key);
    *mini_ds = wl_dataset_create();
    int rc = *mini_ds ? store_to_dataset(&ls->s, recs, ni, *mini_ds) : -1;
    if (rc == 0) wl_dataset_set_reference_year(*mini_ds, (int)ls->set.reference_year);
    cli_opts quiet = *o;
    quiet.progress = 0;
    if (rc == 0 && run(&quiet, *mini_ds, WL_MODE_LINK, 0.0, SIZE_MAX, ls->set.model, NULL, mini) != EXIT_OK)
        rc = -1;
    store_recs_free(recs, ni);
    if (rc != 0) return -1;
    /* map the small run's records back to ds and the main run's output positions */
    store_key *keys = malloc((n ? n : 1) * sizeof *keys);
    size_t *pos = malloc((n ? n : 1) * sizeof *pos), np = wl_result_pair_count(*mini);
    hit *g = realloc(*h, (*nh + np + 1) * sizeof **h);
    if (!keys || !pos || !g) {
        free(keys);
        free(pos);
        if (g) *h = g;
        return cli_error("out of memory"), -1;
    }
    *h = g;
    for (size_t k = 0; k < n; k++) {
        size_t i = wl_result_record(r, k);
        pos[i] = k;
        keys[k] = (store_key){ wl_dataset_source(ds, i), wl_dataset_id(ds, i), i };
    }
    store_keys_sort(keys, n);
    const wl_dataset *md = *mini_ds;
    for (size_t k = 0; k < np; k++) {
        const wl_match *m = wl_result_pair(*mini, k);
        size_t a = store_key_find(keys, n, wl_dataset_source(md, m->left), wl_dataset_id(md, m->left));
        size_t b = store_key_find(keys, n, wl_dataset_source(md, m->right), wl_dataset_id(md, m->right));
        if (a == SIZE_MAX || b == SIZE_MAX || (a < n_query) == (b < n_query)) continue;
        size_t q = a < n_query ? a : b, s = a < n_query ? b : a, ms = a < n_query ? m->right : m->left;
        if (!doc_shortcut(md, m, ms, valid[q]) || !source_listed(sources, wl_dataset_source(ds, s))) continue;
        size_t j = 0;
        while (j < *nh && !((*h)[j].q == q && (*h)[j].s == s)) j++;
        if (j < *nh) continue; /* already a hit (and already first) */
        (*h)[(*nh)++] = (hit){ pos[q], pos[s], q, s, m->probability, m->weight, m, 1, *mini, a < n_query };
    }
    free(keys);
    free(pos);
    qsort(*h, *nh, sizeof **h, by_hit);
    return 0;
}

/* The hits' header. With --explain each field's level:weight, and after
 * valid_doc the names that met (as dedup --explain's last two columns):
 * left_name the query record's, right_name the stored record's. */
static void write_hits_header(FILE *f, int explain)
{
    fputs("query_source,query_id,rank,person_id,source,id,probability,match_weight", f);
    for (int k = 0; explain && k < WL_FIELD_COUNT; k++) fprintf(f, ",%s", wl_field_name((wl_field)k));
    fputs(explain ? ",valid_doc,left_name,right_name\n" : ",valid_doc\n", f);
}

/* The names that met, the query record's first: of each record's names,
 * aliases and second readings, the two whose comparison gave the name level
 * (wl_pair_names_met), so an analyst sees which alias matched. */
static void write_names_met(FILE *f, const char *query_name, const char *stored_name)
{
    fputc(',', f);
    cli_csv_field(f, query_name ? query_name : "");
    fputc(',', f);
    cli_csv_field(f, stored_name ? stored_name : "");
}

static void write_hits(FILE *f, const wl_dataset *ds, const loaded_store *ls, const hit *h, size_t nh,
                       size_t top, int explain)
{
    write_hits_header(f, explain);
    size_t rank = 0;
    for (size_t k = 0; k < nh; k++) {
        rank = k > 0 && h[k].q == h[k - 1].q ? rank + 1 : 1;
        if (rank > top) continue;
        const char *src = wl_dataset_source(ds, h[k].s), *id = wl_dataset_id(ds, h[k].s);
        size_t j = store_find(ls->recs, ls->n_recs, src, id);
        cli_csv_field(f, wl_dataset_source(ds, h[k].q));
        fputc(',', f);
        cli_csv_field(f, wl_dataset_id(ds, h[k].q));
        fprintf(f, ",%zu,%" PRId64 ",", rank, j != SIZE_MAX ? ls->recs[j].person : (int64_t)0);
        cli_csv_field(f, src);
        fputc(',', f);
        cli_csv_field(f, id);
        fprintf(f, ",%.6f,%.3f", h[k].probability, h[k].weight);
        for (int x = 0; explain && x < WL_FIELD_COUNT; x++) /* as dedup --explain writes them */
            fprintf(f, ",%s:%.2f", wl_level_name((wl_field)x, h[k].m->level[x]), h[k].m->field_weight[x]);
        fprintf(f, ",%d", h[k].valid_doc);
        if (explain) {
            char left[1024], right[1024];
            wl_pair_names_met(wl_result_features(h[k].res), h[k].m->left, h[k].m->right, left, right, sizeof left);
            write_names_met(f, h[k].q_left ? left : right, h[k].q_left ? right : left);
        }
        fputc('\n', f);
    }
}

/* A query record under a stored source would be taken for that source's record
 * (and never compared with its list): refuse. */
static int query_sources_distinct(const wl_dataset *ds, size_t n_query, const loaded_store *ls)
{
    for (size_t i = 0; i < n_query; i++) {
        const char *src = wl_dataset_source(ds, i);
        for (size_t j = 0; j < ls->n_recs; j++)
            if (!strcmp(ls->recs[j].source, src)) {
                cli_error("the query list's source '%s' is also a source in the store: give the list "
                          "another file name or source column", src);
                return -1;
            }
        while (i + 1 < n_query && !strcmp(wl_dataset_source(ds, i + 1), src)) i++;
    }
    return 0;
}

static int parse_top(const char *v, size_t *top)
{
    char *end;
    unsigned long long t = strtoull(v ? v : "10", &end, 10);
    if (*end || end == v || t == 0 || (v && v[0] == '-')) {
        cli_error("--top takes a whole number above 0, not '%s'", v);
        return -1;
    }
    *top = (size_t)t;
    return 0;
}

static int query_run(const cli_opts *o, loaded_store *ls, size_t top, const char *sources)
{
    cli_opts lists = without_store(o);
    wl_dataset *ds = NULL;
    wl_result *r = NULL;
    size_t n_query = 0, nh = 0;
    /* Nothing is marked replaced: the query records are read first, and a
     * shared (source, id) is refused below before the store's are loaded. */
    wl_dataset *probe = wl_dataset_create();
    int rc = probe ? cli_read_lists(&lists, probe, NULL) : EXIT_INTERNAL;
    if (rc == EXIT_OK && query_sources_distinct(probe, wl_dataset_size(probe), ls) != 0) rc = EXIT_INPUT;
    char **valid = rc == EXIT_OK ? valid_docs(probe, o->threads) : NULL;
    size_t n_valid = probe ? wl_dataset_size(probe) : 0;
    if (rc == EXIT_OK && !valid) rc = EXIT_INTERNAL, cli_error("out of memory");
    wl_dataset_free(probe);
    lists.quiet = 1;
    if (rc == EXIT_OK) rc = read_night(&lists, ls, &ds, NULL);
    n_query = rc == EXIT_OK ? wl_dataset_size(ds) : 0;
    if (rc == EXIT_OK) rc = add_stored(ls, ds, n_query);
    double threshold = o->threshold >= 0 ? o->threshold : ls->set.threshold;
    /* Only the query records' pairs are wanted: the store's records among
     * themselves are neither compared nor scored (the query records come first
     * in ds; their pairs are the full run's, wl_options.focus). */
    unsigned char *focus = rc == EXIT_OK ? calloc(wl_dataset_size(ds) + 1, 1) : NULL;
    if (rc == EXIT_OK && !focus) rc = EXIT_INTERNAL, cli_error("out of memory");
    if (rc == EXIT_OK) memset(focus, 1, n_query);
    if (rc == EXIT_OK)
        rc = run(o, ds, WL_MODE_LINK, threshold, (size_t)ls->set.max_partners, ls->set.model, focus, &r);
    free(focus);
    hit *h = rc == EXIT_OK && n_valid == n_query ? collect_hits(ds, r, n_query, sources, valid, &nh) : NULL;
    if (rc == EXIT_OK && !h) rc = EXIT_INTERNAL, cli_error("out of memory");
    wl_dataset *mini_ds = NULL;
    wl_result *mini = NULL;
    if (rc == EXIT_OK &&
        add_doc_hits(o, ls, ds, r, n_query, sources, valid, &h, &nh, &mini_ds, &mini) != 0)
        rc = EXIT_INTERNAL;
    cli_out out;
    if (rc == EXIT_OK && cli_out_open(&out, o->output) != 0) rc = EXIT_INPUT;
    else if (rc == EXIT_OK) {
        write_hits(out.f, ds, ls, h, nh, top, o->explain);
        if (cli_out_commit(&out) != 0) rc = EXIT_INPUT;
    }
    if (rc == EXIT_OK && !o->quiet)
    {
        size_t nd = 0;
        for (size_t k = 0; k < nh; k++) nd += (size_t)h[k].valid_doc;
        fprintf(stderr, "query: %zu records screened against %zu stored, %zu hits (%zu by a check-digit-valid"
                " document first; the others at or above %g)\n", n_query, ls->n_recs, nh, nd, threshold);
    }
    for (size_t i = 0; valid && i < n_valid; i++) free(valid[i]);
    free(valid);
    wl_result_free(mini);
    wl_dataset_free(mini_ds);
    free(h);
    wl_result_free(r);
    wl_dataset_free(ds);
    return rc;
}

/* ---- query through the index file ---- */

/* The stored record's doc numbers hold one of the query's valid numbers (as
 * doc_shortcut, reading the stored record's fields as the store keeps them). */
static int stored_doc_valid(const char *fields, const char *valid)
{
    json_error_t je;
    json_t *obj = fields ? json_loads(fields, 0, &je) : NULL;
    json_t *docs = obj ? json_object_get(obj, wl_role_name(WL_ROLE_DOC_NUMBER)) : NULL;
    int found = 0;
    for (size_t k = 0; docs && !found && k < json_array_size(docs); k++) {
        const char *v = json_string_value(json_array_get(docs, k));
        char folded[128];
        size_t fl = v ? fold_doc(v, strlen(v), folded, sizeof folded) : 0;
        for (const char *p = valid; v && *p && !found;) {
            size_t n = strcspn(p, "\n");
            if (n && fl >= n && !memcmp(folded + fl - n, p, n)) found = 1;
            p += n + (p[n] == '\n');
        }
    }
    json_decref(obj);
    return found;
}

/* A hit through the index: the stored record by its row id. */
typedef struct {
    size_t q_rank, s_rank, q;
    int64_t rid, person;
    char *id, *fields;
    const wl_match *m;
    int valid_doc;
    const char *q_name, *s_name; /* --explain: the names that met (wl_store_screen's), else NULL */
} fast_hit;

static int by_fast_hit(const void *a, const void *b)
{
    const fast_hit *x = a, *y = b;
    if (x->q_rank != y->q_rank) return x->q_rank < y->q_rank ? -1 : 1;
    if (x->valid_doc != y->valid_doc) return x->valid_doc ? -1 : 1;
    if (x->m->probability != y->m->probability) return x->m->probability > y->m->probability ? -1 : 1;
    if (x->m->weight != y->m->weight) return x->m->weight > y->m->weight ? -1 : 1;
    return (x->s_rank > y->s_rank) - (x->s_rank < y->s_rank);
}

/* A query source that is also a stored source would be read as that source's
 * records: refused, as the full path refuses it. */
static int fast_sources_distinct(store *s, const wl_dataset *q)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM records WHERE source = ? LIMIT 1", -1, &st, NULL) != SQLITE_OK)
        return cli_error("%s: %s", s->path, sqlite3_errmsg(s->db)), -1;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < wl_dataset_size(q); i++) {
        if (i && !strcmp(wl_dataset_source(q, i), wl_dataset_source(q, i - 1))) continue;
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, wl_dataset_source(q, i), -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) {
            cli_error("the query list's source '%s' is also a source in the store: give the list "
                      "another file name or source column", wl_dataset_source(q, i));
            rc = -1;
        }
    }
    sqlite3_finalize(st);
    return rc;
}

/* Fills the hit's stored id, person and fields. @return 0, or -1 after the error. */
static int fetch_stored(store *s, sqlite3_stmt *st, fast_hit *h)
{
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, h->rid);
    if (sqlite3_step(st) != SQLITE_ROW) {
        cli_error("%s: the index file names record %" PRId64 ", which the store does not hold: "
                  "damaged store (index --check)", s->path, h->rid);
        return -1;
    }
    h->id = strdup((const char *)sqlite3_column_text(st, 0));
    h->person = sqlite3_column_int64(st, 1);
    h->fields = strdup((const char *)sqlite3_column_text(st, 2));
    if (!h->id || !h->fields) return cli_error("out of memory"), -1;
    return 0;
}

/* The stored records a query meets: the index file's, then the later ones
 * (store_update.h), numbered as wl_store_match numbers them; the index file's
 * records that left the store since (tombstones) are met no more. */
typedef struct {
    const wl_store_index *x;
    const store_later *later;
    const int64_t *tomb;
    size_t n_tomb;
} stored_view;

static int by_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static const char *view_source(const stored_view *v, uint32_t o)
{
    size_t N = wl_store_index_records(v->x);
    return o < N ? wl_store_index_source(v->x, o) : wl_dataset_source(v->later->ds, o - N);
}

static size_t view_rank(const stored_view *v, uint32_t o)
{
    size_t N = wl_store_index_records(v->x);
    return o < N ? wl_store_index_rank(v->x, o) : (size_t)v->later->ord[o - N];
}

static int64_t view_rid(const stored_view *v, uint32_t o)
{
    size_t N = wl_store_index_records(v->x);
    return o < N ? wl_store_index_rid(v->x, o) : v->later->rid[o - N];
}

static void write_fast_hits(FILE *f, const wl_dataset *q, const stored_view *x, const fast_hit *h, size_t nh,
                            size_t top, int explain)
{
    write_hits_header(f, explain);
    size_t rank = 0;
    for (size_t k = 0; k < nh; k++) {
        rank = k > 0 && h[k].q == h[k - 1].q ? rank + 1 : 1;
        if (rank > top) continue;
        cli_csv_field(f, wl_dataset_source(q, h[k].q));
        fputc(',', f);
        cli_csv_field(f, wl_dataset_id(q, h[k].q));
        fprintf(f, ",%zu,%" PRId64 ",", rank, h[k].person);
        cli_csv_field(f, view_source(x, h[k].m->right));
        fputc(',', f);
        cli_csv_field(f, h[k].id);
        fprintf(f, ",%.6f,%.3f", h[k].m->probability, h[k].m->weight);
        for (int c = 0; explain && c < WL_FIELD_COUNT; c++)
            fprintf(f, ",%s:%.2f", wl_level_name((wl_field)c, h[k].m->level[c]), h[k].m->field_weight[c]);
        fprintf(f, ",%d", h[k].valid_doc);
        if (explain) write_names_met(f, h[k].q_name, h[k].s_name);
        fputc('\n', f);
    }
}

/* The hits of the pairs: at or above the threshold, or short-cut by a valid
 * document (doc_shortcut's rule), of the listed sources. */
static fast_hit *fast_hits(store *s, const stored_view *x, const uint32_t *q_rank,
                           const wl_match *m, size_t nm, char *const *names, double threshold, const char *sources,
                           char *const *valid, size_t *n_hits)
{
    /* room for the pairs that may be hits (not for every pair compared: a
     * 10^4-record query compares 1.4 M) */
    int doc_exact = level_number(WL_FIELD_DOC, "exact"), name_different = level_number(WL_FIELD_NAME, "different"),
        name_missing = level_number(WL_FIELD_NAME, "missing");
    size_t room = 0;
    for (size_t k = 0; k < nm; k++) room += m[k].probability >= threshold || m[k].level[WL_FIELD_DOC] == doc_exact;
    fast_hit *h = calloc(room ? room : 1, sizeof *h);
    sqlite3_stmt *st = NULL;
    size_t nh = 0;
    int bad = !h || sqlite3_prepare_v2(s->db, "SELECT id, person_id, fields FROM records WHERE rid = ?", -1, &st,
                                       NULL) != SQLITE_OK;
    for (size_t k = 0; !bad && k < nm; k++) {
        const wl_match *p = &m[k];
        /* the pair's own fields first: the stored record's source and row id
         * are a cache miss each in the index file, and most pairs of a large
         * query are below the threshold */
        int doc = valid[p->left] && p->level[WL_FIELD_DOC] == doc_exact &&
                  p->level[WL_FIELD_NAME] != name_different && p->level[WL_FIELD_NAME] != name_missing;
        if (!doc && !(p->probability >= threshold)) continue;
        if (!source_listed(sources, view_source(x, p->right))) continue;
        int64_t rid = view_rid(x, p->right);
        if (x->n_tomb && p->right < wl_store_index_records(x->x) &&
            bsearch(&rid, x->tomb, x->n_tomb, sizeof rid, by_i64))
            continue; /* removed or replaced since the index file */
        fast_hit *t = &h[nh++];
        *t = (fast_hit){ q_rank[p->left], view_rank(x, p->right), p->left, view_rid(x, p->right),
                         0, NULL, NULL, p, 0, names ? names[2 * k] : NULL, names ? names[2 * k + 1] : NULL };
        bad = fetch_stored(s, st, t) != 0;
        if (!bad && doc) t->valid_doc = stored_doc_valid(t->fields, valid[p->left]);
        if (!bad && !t->valid_doc && !(p->probability >= threshold)) { /* below and not short-cut */
            free(t->id);
            free(t->fields);
            nh--;
        }
    }
    sqlite3_finalize(st);
    if (bad && h) {
        for (size_t k = 0; k < nh; k++) free(h[k].id), free(h[k].fields);
        free(h);
        if (!st) cli_error("%s: %s", s->path, sqlite3_errmsg(s->db));
        return NULL;
    }
    qsort(h, nh, sizeof *h, by_fast_hit);
    *n_hits = nh;
    return h;
}

/* query through the index file: the query list is read and normalised, its
 * keys looked up in the index, and only its candidates compared (engine
 * wl_store_query); the stored records are read from the database only for the
 * hits. */
static int query_fast(const cli_opts *o, store *s, const store_settings *set, const wl_store_index *x, size_t top,
                      const char *sources)
{
    cli_opts lists = without_store(o);
    lists.reference_year = (int)set->reference_year;
    wl_dataset *q = wl_dataset_create();
    int rc = q ? cli_read_lists(&lists, q, NULL) : EXIT_INTERNAL;
    if (rc == EXIT_OK && fast_sources_distinct(s, q) != 0) rc = EXIT_INPUT;
    size_t nq = q ? wl_dataset_size(q) : 0, nm = 0, nh = 0;
    /* normalised once: for the document numbers here and for the match */
    wl_features *fq = rc == EXIT_OK ? wl_features_build(q, o->threads) : NULL;
    char **valid = fq ? valid_docs_of(fq, nq) : NULL;
    if (rc == EXIT_OK && !valid) rc = EXIT_INTERNAL, cli_error("out of memory");
    uint32_t *q_rank = NULL;
    wl_match *m = NULL;
    fast_hit *h = NULL;
    char err[512] = "";
    store_later later = { 0 };
    stored_view view = { x, &later, NULL, 0 };
    int64_t *tomb = NULL;
    if (rc == EXIT_OK && wl_dataset_record_ranks(q, &q_rank) != WL_OK) rc = EXIT_INTERNAL, cli_error("out of memory");
    /* the records an incremental update added since the index file, matched beside it */
    if (rc == EXIT_OK && (store_later_load(s, x, (int)set->reference_year, &later) != 0 ||
                          store_tombstones_load(s, &tomb, &view.n_tomb) != 0))
        rc = EXIT_INTERNAL;
    view.tomb = tomb;
    double threshold = o->threshold >= 0 ? o->threshold : set->threshold;
    /* only the pairs that may be hits: at or above the threshold, or with the
     * document exact (the short cut below); the others' names are not scored */
    char **names = NULL;
    if (rc == EXIT_OK && wl_store_screen(x, later.ds, q, fq, set->model, o->threads, threshold, &m, &nm,
                                         o->explain ? &names : NULL, err, sizeof err) != WL_OK)
        rc = EXIT_INTERNAL, cli_error("%s", err);
    if (rc == EXIT_OK && !(h = fast_hits(s, &view, q_rank, m, nm, names, threshold, sources, valid, &nh)))
        rc = EXIT_INTERNAL;
    cli_out out;
    if (rc == EXIT_OK && cli_out_open(&out, o->output) != 0) rc = EXIT_INPUT;
    else if (rc == EXIT_OK) {
        write_fast_hits(out.f, q, &view, h, nh, top, o->explain);
        if (cli_out_commit(&out) != 0) rc = EXIT_INPUT;
    }
    if (rc == EXIT_OK && !o->quiet) {
        size_t nd = 0;
        for (size_t k = 0; k < nh; k++) nd += (size_t)h[k].valid_doc;
        fprintf(stderr, "query: %zu records screened against %zu stored through the index file (%zu pairs at or"
                " above the threshold or with the document exact), %zu hits (%zu by a check-digit-valid document"
                " first; the others at or above %g)\n",
                nq, wl_store_index_records(x) + later.n - view.n_tomb, nm, nh, nd, threshold);
    }
    for (size_t k = 0; h && k < nh; k++) free(h[k].id), free(h[k].fields);
    free(h);
    wl_store_names_free(names, nm);
    free(m);
    free(q_rank);
    free(tomb);
    store_later_free(&later);
    for (size_t i = 0; valid && i < nq; i++) free(valid[i]);
    free(valid);
    wl_features_free(fq);
    wl_dataset_free(q);
    return rc;
}

int cmd_query(int argc, char **argv)
{
    cli_opts o;
    const char *top_arg = NULL, *sources = NULL;
    int full = 0;
    extra_opt ex[] = { { "--top", &top_arg, NULL }, { "--sources", &sources, NULL }, { "--full", NULL, &full } };
    int p = store_parse_args(argc, argv, &o, QUERY_USAGE, ex, 3);
    if (p) return p > 0 ? EXIT_OK : EXIT_INPUT;
    size_t top;
    if (parse_top(top_arg, &top) != 0) return EXIT_INPUT;
    if (o.n_lists != 2) return cli_error("query takes a store and one list (see --help)"), EXIT_INPUT;
    if (!full) {
        store s;
        store_settings set;
        wl_store_index *x = NULL;
        if (store_open(&s, o.lists[0], STORE_READ) != 0) return EXIT_INPUT;
        int rc = sqlite3_exec(s.db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK ? EXIT_OK : EXIT_INTERNAL;
        int has = rc == EXIT_OK && store_load_settings(&s, &set) == 0 ? store_index_load(&s, &x) : -1;
        if (has < 0) rc = EXIT_INPUT;
        else if (has == 0 && check_sources_fast(sources, &s) != 0) rc = EXIT_INPUT;
        else if (has == 0) rc = query_fast(&o, &s, &set, x, top, sources);
        wl_store_index_close(x);
        if (has >= 0) wl_model_free(set.model);
        store_rollback(&s);
        store_close(&s);
        if (has != 1) return rc;
        /* a store of format 2 has no index file until its next update: the full path */
    }
    loaded_store ls;
    if (load_store(&ls, o.lists[0], 0, 1) != 0) return EXIT_INPUT;
    int rc = check_sources(sources, &ls) == 0 ? query_run(&o, &ls, top, sources) : EXIT_INPUT;
    store_rollback(&ls.s); /* a read snapshot: nothing to keep */
    loaded_free(&ls);
    return rc;
}

/* ---- update ---- */

static const char UPDATE_USAGE[] =
    "Usage: watchlink update STORE LIST... [OPTIONS]\n"
    "Applies a night's lists to the store: new (source, id) rows are added, changed rows\n"
    "replaced, rows as stored left alone; persons keep their ids unless they merged (the\n"
    "oldest id survives) or split (the part with the oldest record keeps it). Analysts'\n"
    "decisions ('review') override the model: a ruled-out pair never comes back, a\n"
    "confirmed match stays one person. One transaction: a killed update changes nothing.\n"
    "The store freezes its parameters -- the model and the list-wide statistics the\n"
    "engine derives from all records (name-part rarity counts, the record count, block\n"
    "limits) -- in its index file at 'index' and at a refit. An update is matched\n"
    "incrementally: the night's new records (added rows, and the new version of a\n"
    "replaced row) against the stored ones (through the index file) and each other, with\n"
    "the frozen statistics plus the night's own, as 'query' matches; a removed or replaced\n"
    "record leaves the store, its pairs dropped and the records it had pairs with matched\n"
    "again; only the persons of that neighbourhood are re-formed. Records added, removed\n"
    "or replaced since the last refit passing a quarter of the records then make the\n"
    "update a refit: the whole store is matched again and its statistics frozen anew.\n\n"
    "Options:\n"
    "  --refit              re-run the whole store and freeze its statistics again\n"
    "  --changes FILE       write change,person_id,source,id,previous_person_id\n"
    "                       (change: removed, new, joined, merged, split, updated)\n"
    "  --remove LIST        remove the (source, id) of every row of LIST, a list like any\n"
    "                       other (its source column, else its file name); with --remove,\n"
    "                       the lists may be left out\n"
    "  --remove-source NAME the source of every row of the --remove list\n"
    "  --source NAME        the source of every row of a list (repeatable: the first names\n"
    "                       the first list...; default: a source column, else the file\n"
    "                       name), as in match and dedup: give the name the list had at\n"
    "                       'index' when its file is named otherwise\n"
    "  --map ROLE=COLUMN    map a column to a role (repeatable)\n"
    "  --rejects FILE       write every rejected input row with its line and reason\n"
    "  --threads N          worker threads (default: all cores)\n"
    "  -q, --quiet          no summary\n"
    "Exit status: 0 success, 1 bad input or usage, 2 internal error.\n";

/* Per record in output order: the inputs of the stable-id rule and the rids. */
typedef struct {
    int64_t *old, *age, *person;
    unsigned char *changed, *kept;
    size_t *label, n_clusters, n_added, n_changed, n_decisions, n_ruled_out;
} id_plan;

static void plan_free(id_plan *p)
{
    free(p->kept);
    free(p->old);
    free(p->age);
    free(p->person);
    free(p->changed);
    free(p->label);
}

/* Persons under the stored decisions (store_decisions.h): p->label per record in
 * output order, p->kept per pair of r (0: ruled out). Without decisions these
 * are r's clusters and every pair. */
static int persons_under_decisions(loaded_store *ls, const wl_dataset *ds, const wl_result *r, id_plan *p)
{
    size_t n = wl_dataset_size(ds), np = wl_result_pair_count(r), nd = 0, nl = 0;
    dec_row *d = NULL;
    if (store_load_decisions(&ls->s, &d, &nd) != 0) return -1;
    store_key *keys = malloc((n ? n : 1) * sizeof *keys);
    size_t *pos = malloc((n ? n : 1) * sizeof *pos);
    dec_pair *pairs = malloc((np ? np : 1) * sizeof *pairs);
    dec_link *links = NULL;
    p->label = malloc((n ? n : 1) * sizeof *p->label);
    p->kept = malloc(np ? np : 1);
    int rc = -1;
    if (!keys || !pos || !pairs || !p->label || !p->kept) {
        cli_error("out of memory");
        goto done;
    }
    for (size_t k = 0; k < n; k++) {
        size_t i = wl_result_record(r, k);
        pos[i] = k;
        keys[k] = (store_key){ wl_dataset_source(ds, i), wl_dataset_id(ds, i), k };
    }
    store_keys_sort(keys, n);
    if (!(links = store_decision_links(keys, n, d, nd, &nl))) goto done;
    for (size_t k = 0; k < np; k++) {
        const wl_match *m = wl_result_pair(r, k);
        pairs[k] = (dec_pair){ (uint32_t)pos[m->left], (uint32_t)pos[m->right], m->weight };
    }
    p->n_clusters = dec_cluster(n, pairs, np, links, nl, p->label, p->kept);
    p->n_decisions = nl;
    if (p->n_clusters == SIZE_MAX) cli_error("out of memory");
    else rc = 0;
    for (size_t k = 0; rc == 0 && k < np; k++) p->n_ruled_out += !p->kept[k];
done:
    dec_rows_free(d, nd);
    free(keys);
    free(pos);
    free(pairs);
    free(links);
    return rc;
}

static int plan_ids(const wl_dataset *ds, const wl_result *r, size_t n_new, char *const *fields,
                    loaded_store *ls, id_plan *p)
{
    size_t n = wl_dataset_size(ds), m = n ? n : 1;
    memset(p, 0, sizeof *p);
    p->old = malloc(m * sizeof *p->old);
    p->age = malloc(m * sizeof *p->age);
    p->person = malloc(m * sizeof *p->person);
    p->changed = calloc(m, 1);
    if (!p->old || !p->age || !p->person || !p->changed) return cli_error("out of memory"), -1;
    if (persons_under_decisions(ls, ds, r, p) != 0) return -1;
    int64_t next_rid = ls->max_rid + 1;
    for (size_t k = 0; k < n; k++) {
        size_t i = wl_result_record(r, k);
        size_t j = store_find(ls->recs, ls->n_recs, wl_dataset_source(ds, i), wl_dataset_id(ds, i));
        p->old[k] = j != SIZE_MAX ? ls->recs[j].person : 0;
        p->age[k] = j != SIZE_MAX ? ls->recs[j].rid : next_rid++; /* new rows numbered in output order */
        p->n_added += j == SIZE_MAX;
        if (j != SIZE_MAX && i < n_new) {
            p->changed[k] = strcmp(fields[i], ls->recs[j].fields) != 0;
            p->n_changed += p->changed[k];
        }
    }
    return 0;
}

static void write_changes(FILE *f, const wl_dataset *ds, const wl_result *r, const sid_change *c, size_t nc,
                          const loaded_store *ls)
{
    fputs("change,person_id,source,id,previous_person_id\n", f);
    /* A removed record has no person now: the id it left is the previous one. */
    for (size_t j = 0; j < ls->n_recs; j++) {
        if (ls->recs[j].replaced != STORE_REMOVED) continue;
        fputs("removed,,", f);
        cli_csv_field(f, ls->recs[j].source);
        fputc(',', f);
        cli_csv_field(f, ls->recs[j].id);
        fprintf(f, ",%" PRId64 "\n", ls->recs[j].person);
    }
    for (size_t k = 0; k < nc; k++) {
        size_t i = wl_result_record(r, c[k].rec);
        fprintf(f, "%s,%" PRId64 ",", sid_kind_name(c[k].kind), c[k].person);
        cli_csv_field(f, wl_dataset_source(ds, i));
        fputc(',', f);
        cli_csv_field(f, wl_dataset_id(ds, i));
        if (c[k].previous) fprintf(f, ",%" PRId64 "\n", c[k].previous);
        else fputs(",\n", f);
    }
}

/* The update's run and its events: what --changes says, kept in the store. */
static int update_events(loaded_store *ls, const wl_dataset *ds, const wl_result *r, const sid_change *c,
                         size_t nc)
{
    size_t n_removed = 0;
    for (size_t j = 0; j < ls->n_recs; j++) n_removed += ls->recs[j].replaced == STORE_REMOVED;
    char detail[128];
    snprintf(detail, sizeof detail, "%zu records, %zu person changes", wl_dataset_size(ds), nc + n_removed);
    int64_t run_id = store_add_run(&ls->s, "update", detail);
    store_events ev;
    if (run_id < 0 || store_events_begin(&ls->s, run_id, &ev) != 0) return -1;
    int rc = 0;
    for (size_t j = 0; rc == 0 && j < ls->n_recs; j++)
        if (ls->recs[j].replaced == STORE_REMOVED)
            rc = store_event(&ev, "removed", ls->recs[j].person, ls->recs[j].source, ls->recs[j].id, 0, NULL,
                             NULL, NULL);
    for (size_t k = 0; rc == 0 && k < nc; k++) {
        size_t i = wl_result_record(r, c[k].rec);
        rc = store_event(&ev, sid_kind_name(c[k].kind), c[k].person, wl_dataset_source(ds, i),
                         wl_dataset_id(ds, i), c[k].previous, NULL, NULL, NULL);
    }
    store_events_end(&ev);
    return rc;
}

/* Assigns the ids, rewrites the store and commits; the changes file is
 * committed only after the store. */
static int update_write(const cli_opts *o, const char *changes_path, loaded_store *ls, const wl_dataset *ds,
                        const wl_result *r, size_t n_new, char *const *fields)
{
    id_plan p;
    size_t n = wl_dataset_size(ds), nc = 0;
    sid_change *ch = malloc((n ? n : 1) * sizeof *ch);
    int rc = ch && plan_ids(ds, r, n_new, fields, ls, &p) == 0 ? EXIT_OK : EXIT_INTERNAL;
    if (!ch) cli_error("out of memory");
    if (rc == EXIT_OK) {
        sid_input in = { n, p.old, p.age, p.label, p.changed, p.n_clusters, (int64_t)ls->set.next_person_id };
        ls->set.next_person_id = sid_assign(&in, p.person, ch, &nc);
        if (ls->set.next_person_id < 0) rc = EXIT_INTERNAL, cli_error("out of memory");
    }
    cli_out out = { 0 };
    store_index_files files = { "", "" };
    wl_options opt = run_options(o, WL_MODE_DEDUP, ls->set.threshold, (size_t)ls->set.max_partners);
    if (rc == EXIT_OK && changes_path && cli_out_open(&out, changes_path) != 0) rc = EXIT_INPUT;
    store_index_job job;
    int wrote = 0;
    if (rc == EXIT_OK && store_index_start(&ls->s, ds, r, p.age, &opt, &files, &job) == 0) {
        int ok = store_write_run(&ls->s, ds, r, p.age, p.person, fields, p.kept) == 0 &&
                 store_set_meta_num(&ls->s, "next_person_id", ls->set.next_person_id) == 0 &&
                 update_events(ls, ds, r, ch, nc) == 0;
        wrote = store_index_finish(&ls->s, &job) == 0 && ok && store_commit(&ls->s) == 0;
    }
    if (rc == EXIT_OK && !wrote) {
        if (changes_path) cli_out_abort(&out);
        rc = EXIT_INTERNAL;
    }
    store_index_done(&files, rc == EXIT_OK);
    if (rc == EXIT_OK && changes_path) {
        write_changes(out.f, ds, r, ch, nc, ls);
        if (cli_out_commit(&out) != 0) rc = EXIT_INPUT;
    }
    size_t n_removed = 0;
    for (size_t j = 0; j < ls->n_recs; j++) n_removed += ls->recs[j].replaced == STORE_REMOVED;
    if (rc == EXIT_OK && !o->quiet)
        fprintf(stderr,
                "update %s: %zu records (%zu added, %zu changed, %zu removed), %zu persons, %zu person changes,"
                " %zu decisions applied (%zu pairs ruled out)\n",
                ls->s.path, n, p.n_added, p.n_changed, n_removed, p.n_clusters, nc + n_removed, p.n_decisions,
                p.n_ruled_out);
    if (ch) plan_free(&p);
    free(ch);
    return rc;
}

/* The rows of the --remove list (read as any list, with the store's reference
 * year), or *out NULL without one. @return an exit code. */
static int read_removed(const cli_opts *o, const char *path, const char *source, const loaded_store *ls,
                        wl_dataset **out)
{
    *out = NULL;
    if (!path && source) return cli_error("--remove-source names the source of a --remove list"), EXIT_INPUT;
    if (!path) return EXIT_OK;
    if (source && (!*source || strpbrk(source, "\r\n")))
        return cli_error("--remove-source takes a name without line breaks, not '%s'", source), EXIT_INPUT;
    cli_opts rm = *o;
    rm.lists[0] = path;
    rm.n_lists = 1;
    rm.n_sources = source != NULL;
    rm.sources[0] = source;
    rm.rejects = NULL; /* the rejects file belongs to the night's lists */
    rm.reference_year = (int)ls->set.reference_year;
    wl_dataset *ds = wl_dataset_create();
    static char names[CLI_MAX_LISTS][128];
    int rc = !ds ? EXIT_INTERNAL
                 : store_source_names(&ls->s, &rm, names) == 0 ? cli_read_named(&rm, (const char(*)[128])names, ds, NULL)
                                                                : EXIT_INPUT;
    if (rc != EXIT_OK) wl_dataset_free(ds);
    else *out = ds;
    return rc;
}

/* Marks the stored records named by the rows of the --remove list. */
static void mark_removed(const cli_opts *o, const char *path, const wl_dataset *ds, loaded_store *ls)
{
    if (!ds) return;
    size_t missing = 0, n = wl_dataset_size(ds);
    for (size_t i = 0; i < n; i++) {
        size_t j = store_find(ls->recs, ls->n_recs, wl_dataset_source(ds, i), wl_dataset_id(ds, i));
        if (j != SIZE_MAX) ls->recs[j].replaced = STORE_REMOVED;
        else missing++;
    }
    if (missing && !o->quiet)
        fprintf(stderr, "note: %zu rows of %s name no stored record (source '%s'): nothing to remove\n", missing,
                path, n ? wl_dataset_source(ds, 0) : "");
}

int cmd_update(int argc, char **argv)
{
    cli_opts o;
    const char *changes = NULL, *remove = NULL, *remove_source = NULL;
    int refit = 0;
    extra_opt ex[] = { { "--changes", &changes, NULL },
                       { "--remove", &remove, NULL },
                       { "--remove-source", &remove_source, NULL },
                       { "--refit", NULL, &refit } };
    int p = store_parse_args(argc, argv, &o, UPDATE_USAGE, ex, 4);
    if (p) return p > 0 ? EXIT_OK : EXIT_INPUT;
    if (o.n_lists < 1 || (o.n_lists < 2 && !remove && !refit))
        return cli_error("update takes a store and at least one list, --remove or --refit (see --help)"),
               EXIT_INPUT;
    if (o.model || o.threshold >= 0 || o.max_partners || o.reference_year)
        return cli_error("update matches with the store's model and settings: --model, --threshold, "
                         "--max-partners and --reference-year belong to 'index'"), EXIT_INPUT;
    loaded_store ls;
    if (load_store(&ls, o.lists[0], 1, 0) != 0) return EXIT_INPUT;
    cli_opts lists = without_store(&o);
    wl_dataset *ds = NULL, *rm = NULL;
    wl_result *r = NULL;
    size_t n_new = 0;
    char **fields = NULL;
    wl_read_report *reps = calloc(lists.n_lists ? lists.n_lists : 1, sizeof *reps);
    int rc = reps ? read_night(&lists, &ls, &ds, reps) : EXIT_INTERNAL;
    n_new = rc == EXIT_OK ? wl_dataset_size(ds) : 0;
    if (rc == EXIT_OK) rc = read_removed(&o, remove, remove_source, &ls, &rm);
    if (rc == EXIT_OK && !refit) { /* the incremental update (store_update.h) */
        int inc = store_update_inc(&ls.s, &ls.set, ds, reps, lists.n_lists, rm, remove, &o, changes);
        if (inc != UPDATE_REFIT) {
            if (inc != EXIT_OK) store_rollback(&ls.s);
            free(reps);
            wl_dataset_free(ds);
            wl_dataset_free(rm);
            loaded_free(&ls);
            return inc;
        }
    }
    if (rc == EXIT_OK && load_records(&ls) != 0) rc = EXIT_INTERNAL;
    if (rc == EXIT_OK) mark_removed(&o, remove, rm, &ls);
    if (rc == EXIT_OK) rc = add_stored(&ls, ds, n_new);
    if (rc == EXIT_OK) {
        fields = store_record_fields(ds, reps, lists.n_lists, ls.recs, ls.n_recs, o.threads);
        if (store_fields_complete(fields, wl_dataset_size(ds)) != 0) rc = EXIT_INTERNAL;
    }
    if (rc == EXIT_OK)
        rc = run(&o, ds, WL_MODE_DEDUP, ls.set.threshold, (size_t)ls.set.max_partners, ls.set.model, NULL, &r);
    if (rc == EXIT_OK) rc = update_write(&o, changes, &ls, ds, r, n_new, fields);
    if (rc != EXIT_OK) store_rollback(&ls.s);
    store_fields_free(fields, ds ? wl_dataset_size(ds) : 0);
    free(reps);
    wl_result_free(r);
    wl_dataset_free(ds);
    wl_dataset_free(rm);
    loaded_free(&ls);
    return rc;
}
