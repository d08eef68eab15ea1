/* store.c -- the SQLite side of the person store (see store.h). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store.h"
#include "store_json.h"
#include "store_rows.h"

/* A writer holds the lock for the whole update; readers (query, export) and a
 * second writer wait this long before giving up. */
enum { STORE_BUSY_MS = 60000 };

static const char *const SCHEMA =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE persons(person_id INTEGER PRIMARY KEY);"
    /* ord: the record's place in output order (source, then id, numbers by value) */
    "CREATE TABLE records(rid INTEGER PRIMARY KEY, source TEXT NOT NULL, id TEXT NOT NULL,"
    " person_id INTEGER NOT NULL REFERENCES persons(person_id), ord INTEGER NOT NULL,"
    " fields TEXT NOT NULL, UNIQUE(source, id));"
    "CREATE INDEX records_person ON records(person_id);"
    /* ord: the pair's place in the pairs output */
    "CREATE TABLE pairs(ord INTEGER PRIMARY KEY,"
    " left_rid INTEGER NOT NULL REFERENCES records(rid),"
    " right_rid INTEGER NOT NULL REFERENCES records(rid),"
    " probability REAL NOT NULL, match_weight REAL NOT NULL);";

/* Format 2: analysts' decisions and the audit trail. A run is one command that
 * changed the store (index, update, review) with its UTC time; an event is one
 * thing that happened to a person in a run (a record new, joined, merged, split,
 * updated or removed, with the person it left as other_person_id; or a decision
 * between two records, with the second record's person). Decisions are keyed by
 * the pair in canonical order (store_decisions.h), so a later decision on a pair
 * replaces the earlier one and both stay in the events. */
static const char *const SCHEMA_V2 =
    "CREATE TABLE runs(run_id INTEGER PRIMARY KEY, at TEXT NOT NULL, command TEXT NOT NULL,"
    " detail TEXT NOT NULL);"
    "CREATE TABLE decisions(left_source TEXT NOT NULL, left_id TEXT NOT NULL, right_source TEXT NOT NULL,"
    " right_id TEXT NOT NULL, decision TEXT NOT NULL CHECK(decision IN ('match', 'not_match')),"
    " note TEXT NOT NULL, run_id INTEGER NOT NULL REFERENCES runs(run_id), line INTEGER NOT NULL,"
    " PRIMARY KEY(left_source, left_id, right_source, right_id)) WITHOUT ROWID;"
    "CREATE TABLE events(eid INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(run_id),"
    " kind TEXT NOT NULL, person_id INTEGER NOT NULL, source TEXT NOT NULL, id TEXT NOT NULL,"
    " other_person_id INTEGER, other_source TEXT, other_id TEXT, note TEXT);"
    "CREATE INDEX events_person ON events(person_id);"
    "CREATE INDEX events_other ON events(other_person_id) WHERE other_person_id IS NOT NULL;";

/* Format 4: the row ids of the records the index file holds that an
 * incremental update removed or replaced since it was written (store_index.h). */
static const char *const SCHEMA_V4 = "CREATE TABLE IF NOT EXISTS tombstones(rid INTEGER PRIMARY KEY);";

static int db_error(const store *s, const char *what)
{
    cli_error("%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
    return -1;
}

static int exec(store *s, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) == SQLITE_OK) return 0;
    cli_error("%s: %s", s->path, msg ? msg : sqlite3_errmsg(s->db));
    sqlite3_free(msg);
    return -1;
}

static int has_meta_table(store *s)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'", -1,
                           &st, NULL) != SQLITE_OK)
        return -1;
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* A store of an older format is brought up to this one in place, in one
 * transaction, the first time this binary opens it (format 1 -> 2: the
 * decisions, runs and events tables, empty; 3 -> 4: the tombstones table,
 * empty: until now every update rewrote the index file). */
static int upgrade(store *s, long ver)
{
    char sql[64];
    snprintf(sql, sizeof sql, "UPDATE meta SET value='%d' WHERE key='format_version'", STORE_FORMAT_VERSION);
    if (exec(s, "BEGIN IMMEDIATE") != 0) return -1;
    if ((ver < 2 && exec(s, SCHEMA_V2) != 0) || (ver < 4 && exec(s, SCHEMA_V4) != 0) || exec(s, sql) != 0 ||
        exec(s, "COMMIT") != 0) {
        store_rollback(s);
        cli_error("%s: cannot upgrade the store from format version %ld", s->path, ver);
        return -1;
    }
    return 0;
}

/* A store from a newer binary may have changed any table: refuse it whole. */
static int check_version(store *s)
{
    char *v = store_meta(s, "format_version");
    if (!v) return -1;
    char *end;
    long ver = strtol(v, &end, 10);
    int bad = *end || end == v || ver < 1;
    free(v);
    if (bad) {
        cli_error("%s: the store's format version is not a number: damaged store", s->path);
        return -1;
    }
    if (ver > STORE_FORMAT_VERSION) {
        cli_error("%s: store format version %ld is newer than this watchlink reads (%d): "
                  "use a newer watchlink", s->path, ver, STORE_FORMAT_VERSION);
        return -1;
    }
    return ver < STORE_FORMAT_VERSION ? upgrade(s, ver) : 0;
}

int store_open(store *s, const char *path, int mode)
{
    s->path = path;
    s->db = NULL;
    if (mode != STORE_CREATE && access(path, F_OK) != 0) {
        cli_error("%s: no such store (create it with 'watchlink index')", path);
        return -1;
    }
    /* NOMUTEX: a connection is used by one thread at a time (the threads of
     * an update or a query never touch it), so SQLite's per-call lock on it
     * is pure cost: a lock and an unlock on every step and every column read,
     * a tenth of an update's reading of the stored pairs. */
    int flags = (mode == STORE_READ ? SQLITE_OPEN_READWRITE /* WAL readers write the -shm */
                                    : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
        db_error(s, "cannot open");
        store_close(s);
        return -1;
    }
    sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
    /* WAL: queries read the last committed state while an update writes;
     * synchronous=FULL: a committed update survives a power cut too. */
    if (sqlite3_exec(s->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                     " PRAGMA cache_size=-131072", NULL, NULL, NULL) != SQLITE_OK) {
        cli_error("%s: not a watchlink store (%s)", path, sqlite3_errmsg(s->db));
        store_close(s);
        return -1;
    }
    int meta = has_meta_table(s);
    if (meta < 0) {
        cli_error("%s: not a watchlink store (%s)", path, sqlite3_errmsg(s->db));
    } else if (mode == STORE_CREATE && meta) {
        cli_error("%s: a store already exists here (use 'watchlink update')", path);
    } else if (mode != STORE_CREATE && !meta) {
        cli_error("%s: not a watchlink store (no meta table)", path);
    } else if (mode == STORE_CREATE || check_version(s) == 0) {
        return 0;
    }
    store_close(s);
    return -1;
}

void store_close(store *s)
{
    if (s->db) sqlite3_close(s->db);
    s->db = NULL;
}

int store_begin(store *s) { return exec(s, "BEGIN IMMEDIATE"); }
int store_commit(store *s) { return exec(s, "COMMIT"); }
void store_rollback(store *s) { sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL); }

int store_create_schema(store *s)
{
    char ver[64];
    snprintf(ver, sizeof ver, "%d", STORE_FORMAT_VERSION);
    if (exec(s, SCHEMA) != 0 || exec(s, SCHEMA_V2) != 0 || exec(s, SCHEMA_V4) != 0 ||
        store_set_meta(s, "format_version", ver) != 0)
        return -1;
    return store_set_meta(s, "writer", wl_version());
}

char *store_meta(store *s, const char *key)
{
    sqlite3_stmt *st;
    char *out = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key=?", -1, &st, NULL) != SQLITE_OK) {
        db_error(s, "reading meta");
        return NULL;
    }
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(st, 0);
        out = strdup(v ? v : "");
        if (!out) cli_error("out of memory");
    } else {
        cli_error("%s: damaged store: no '%s' in the meta table", s->path, key);
    }
    sqlite3_finalize(st);
    return out;
}

int store_set_meta(store *s, const char *key, const char *value)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", -1, &st, NULL) !=
        SQLITE_OK)
        return db_error(s, "writing meta");
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : db_error(s, "writing meta");
}

int store_set_model(store *s, const wl_model *m)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) {
        cli_error("out of memory");
        return -1;
    }
    wl_status st = wl_model_write_json(m, f);
    int rc = fclose(f) == 0 && st == WL_OK ? store_set_meta(s, "model", buf) : -1;
    if (st != WL_OK) cli_error("cannot write the model: %s", wl_strerror(st));
    free(buf);
    return rc;
}

/* The model loader reads files: hand it the stored JSON through an unlinked
 * temporary file. */
wl_model *store_model(store *s)
{
    char *json = store_meta(s, "model");
    if (!json) return NULL;
    FILE *f = tmpfile();
    wl_model *m = NULL;
    if (!f || fputs(json, f) == EOF || fflush(f) != 0) {
        cli_error("cannot write a temporary file for the stored model");
    } else {
        char path[64], err[512] = "";
        snprintf(path, sizeof path, "/proc/self/fd/%d", fileno(f));
        m = wl_model_load(path, err, sizeof err);
        if (!m) cli_error("%s: the stored model: %s", s->path, err);
    }
    if (f) fclose(f);
    free(json);
    return m;
}

static int by_source_id(const void *a, const void *b)
{
    const store_rec *x = a, *y = b;
    int c = strcmp(x->source, y->source);
    return c ? c : strcmp(x->id, y->id);
}

char *store_col_text(sqlite3_stmt *st, int k)
{
    const char *v = (const char *)sqlite3_column_text(st, k);
    return strdup(v ? v : "");
}

int store_load(store *s, store_rec **recs, size_t *n)
{
    sqlite3_stmt *st;
    size_t cap = 1024, k = 0;
    store_rec *r = malloc(cap * sizeof *r);
    *recs = NULL;
    *n = 0;
    if (!r) return cli_error("out of memory"), -1;
    if (sqlite3_prepare_v2(s->db, "SELECT rid, person_id, source, id, fields FROM records", -1, &st, NULL) !=
        SQLITE_OK) {
        free(r);
        return db_error(s, "reading records");
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (k == cap) {
            store_rec *g = realloc(r, 2 * cap * sizeof *r);
            if (!g) break;
            r = g;
            cap *= 2;
        }
        store_rec *x = &r[k++];
        *x = (store_rec){ sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), store_col_text(st, 2),
                          store_col_text(st, 3), store_col_text(st, 4), 0 };
        if (!x->source || !x->id || !x->fields) break;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        if (rc == SQLITE_ROW) cli_error("out of memory reading the store");
        else db_error(s, "reading records");
        store_recs_free(r, k);
        return -1;
    }
    qsort(r, k, sizeof *r, by_source_id);
    *recs = r;
    *n = k;
    return 0;
}

void store_recs_free(store_rec *recs, size_t n)
{
    for (size_t i = 0; recs && i < n; i++) {
        free(recs[i].source);
        free(recs[i].id);
        free(recs[i].fields);
    }
    free(recs);
}

size_t store_find(const store_rec *recs, size_t n, const char *source, const char *id)
{
    store_rec key = { 0, 0, (char *)(uintptr_t)source, (char *)(uintptr_t)id, NULL, 0 };
    const store_rec *hit = bsearch(&key, recs, n, sizeof *recs, by_source_id);
    return hit ? (size_t)(hit - recs) : SIZE_MAX;
}

static int is_name_part(int role)
{
    return role == WL_ROLE_GIVEN_NAME || role == WL_ROLE_MIDDLE_NAME || role == WL_ROLE_FAMILY_NAME;
}

/* The features build a name from its given, middle and family cells in column
 * order (features_record.c main_name), so a list with the family name first
 * must be reloaded that way: the order is kept when it is not given, middle, family. */
const char *store_name_order(const wl_read_report *rep, char *buf, size_t cap)
{
    int seen = 0, last = -1, canonical = 1;
    size_t len = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < rep->n_columns && k < WL_REPORT_MAX_COLUMNS; k++) {
        int role = rep->column_role[k];
        if (!is_name_part(role) || (seen >> role & 1)) continue;
        seen |= 1 << role;
        if (role < last) canonical = 0;
        last = role;
        len += (size_t)snprintf(buf + len, len < cap ? cap - len : 0, "%s%s", len ? "," : "",
                                wl_role_name((wl_role)role));
    }
    return canonical || len >= cap ? NULL : buf;
}

/* {"full_name":["..."],"alias":["a","b"],...,"name_order":[...]}: roles in wl_role
 * order, values in the record's order; id and source are columns of their own.
 * One writer, so the same record always gives the same text (update compares
 * them to find changed rows). The text is written directly (store_json.h), as
 * jansson's json_dumps writes it; a record with a value that is not valid
 * UTF-8 is left to jansson itself (fields_json_jansson), which drops that value. */
static char *fields_json_jansson(const wl_dataset *ds, size_t i, const char *name_order)
{
    json_t *obj = json_object();
    if (!obj) return NULL;
    for (int role = 0; role < WL_ROLE_COUNT; role++) {
        size_t nv = wl_dataset_count(ds, i, (wl_role)role);
        if (role == WL_ROLE_ID || role == WL_ROLE_SOURCE || !nv) continue;
        json_t *arr = json_array();
        for (size_t k = 0; arr && k < nv; k++) {
            const char *v = wl_dataset_value(ds, i, (wl_role)role, k);
            json_array_append_new(arr, json_stringn(v, strlen(v)));
        }
        json_object_set_new(obj, wl_role_name((wl_role)role), arr);
    }
    if (name_order) {
        json_t *arr = json_array();
        for (const char *p = name_order; arr && *p;) {
            size_t n = strcspn(p, ",");
            json_array_append_new(arr, json_stringn(p, n));
            p += n + (p[n] == ',');
        }
        json_object_set_new(obj, "name_order", arr);
    }
    char *out = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(obj);
    return out;
}

char *store_fields_json(const wl_dataset *ds, size_t i, const char *name_order)
{
    size_t room = 3 + (name_order ? STORE_JSON_ROOM(strlen(name_order)) + 16 : 0);
    for (int role = 0; role < WL_ROLE_COUNT; role++) {
        size_t nv = wl_dataset_count(ds, i, (wl_role)role);
        if (role == WL_ROLE_ID || role == WL_ROLE_SOURCE || !nv) continue;
        room += STORE_JSON_ROOM(strlen(wl_role_name((wl_role)role))) + 4;
        for (size_t k = 0; k < nv; k++) {
            const char *v = wl_dataset_value(ds, i, (wl_role)role, k);
            size_t len = strlen(v);
            if (!store_json_utf8(v, len)) return fields_json_jansson(ds, i, name_order);
            room += STORE_JSON_ROOM(len) + 1;
        }
    }
    char *out = malloc(room), *o = out;
    if (!out) return NULL;
    *o++ = '{';
    for (int role = 0; role < WL_ROLE_COUNT; role++) {
        size_t nv = wl_dataset_count(ds, i, (wl_role)role);
        if (role == WL_ROLE_ID || role == WL_ROLE_SOURCE || !nv) continue;
        const char *key = wl_role_name((wl_role)role);
        if (o > out + 1) *o++ = ',';
        o += store_json_string(o, key, strlen(key));
        *o++ = ':';
        *o++ = '[';
        for (size_t k = 0; k < nv; k++) {
            const char *v = wl_dataset_value(ds, i, (wl_role)role, k);
            if (k) *o++ = ',';
            o += store_json_string(o, v, strlen(v));
        }
        *o++ = ']';
    }
    if (name_order) {
        if (o > out + 1) *o++ = ',';
        o += store_json_string(o, "name_order", 10);
        *o++ = ':';
        *o++ = '[';
        for (const char *p = name_order; *p;) {
            size_t n = strcspn(p, ",");
            if (p > name_order) *o++ = ',';
            o += store_json_string(o, p, n);
            p += n + (p[n] == ',');
        }
        *o++ = ']';
    }
    *o++ = '}';
    *o = '\0';
    return out;
}

/* ---- stored records back into a dataset ---- */

/* A role whose cell the reader splits on ';' and '|' (reader_row.c is_multi):
 * its values go back joined by ';', the others one column per value. */
static int is_multi(int role)
{
    return role == WL_ROLE_ALIAS || role == WL_ROLE_DOB || role == WL_ROLE_NATIONALITY ||
           role == WL_ROLE_DOC_NUMBER;
}

/* One stored record, parsed, with its name order as text ("" when canonical). */
typedef struct {
    const store_rec *rec;
    json_t *obj;
    char order[64];
} parsed_rec;

static int parse_rec(const store_rec *r, parsed_rec *p)
{
    json_error_t je;
    p->rec = r;
    p->order[0] = '\0';
    p->obj = json_loads(r->fields, 0, &je);
    if (!json_is_object(p->obj)) {
        cli_error("damaged store: the fields of %s,%s are not a JSON object", r->source, r->id);
        return -1;
    }
    const char *key;
    json_t *v;
    json_object_foreach(p->obj, key, v) {
        int role = strcmp(key, "name_order") ? wl_role_from_name(key) : WL_ROLE_COUNT;
        int bad = role < 0 || !json_is_array(v);
        for (size_t k = 0; !bad && k < json_array_size(v); k++) {
            const char *str = json_string_value(json_array_get(v, k));
            bad = !str || (role == WL_ROLE_COUNT && !is_name_part(wl_role_from_name(str)));
            size_t len = strlen(p->order);
            if (!bad && role == WL_ROLE_COUNT)
                snprintf(p->order + len, sizeof p->order - len, "%s%s", len ? "," : "", str);
        }
        if (bad) {
            cli_error("damaged store: %s,%s has a bad field '%s'", r->source, r->id, key);
            return -1;
        }
    }
    return 0;
}

/* The column layout of a group: the name parts in the group's order first,
 * then the other roles; cols[role] columns each (one for a multi-valued role). */
static size_t layout(const parsed_rec *g, size_t n, int *seq, size_t *cols)
{
    size_t ns = 0;
    int placed[WL_ROLE_COUNT] = { 0 };
    memset(cols, 0, WL_ROLE_COUNT * sizeof *cols);
    for (const char *p = g[0].order; *p;) {
        size_t len = strcspn(p, ",");
        char name[32];
        snprintf(name, sizeof name, "%.*s", (int)len, p);
        int role = wl_role_from_name(name);
        if (!placed[role]) seq[ns++] = role, placed[role] = 1;
        p += len + (p[len] == ',');
    }
    for (int role = 0; role < WL_ROLE_COUNT; role++)
        if (!placed[role] && role != WL_ROLE_ID && role != WL_ROLE_SOURCE) seq[ns++] = role;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < ns; k++) {
            size_t nv = json_array_size(json_object_get(g[i].obj, wl_role_name((wl_role)seq[k])));
            size_t want = is_multi(seq[k]) && nv ? 1 : nv;
            if (want > cols[seq[k]]) cols[seq[k]] = want;
        }
    return ns;
}

static void write_header(FILE *f, const int *seq, size_t ns, const size_t *cols)
{
    fputs("id", f);
    for (size_t j = 0; j < ns; j++)
        for (size_t k = 0; k < cols[seq[j]]; k++) fprintf(f, ",%s", wl_role_name((wl_role)seq[j]));
    fputc('\n', f);
}

static void write_row(FILE *f, const char *id, json_t *obj, const int *seq, size_t ns, const size_t *cols)
{
    cli_csv_field(f, id);
    for (size_t j = 0; j < ns; j++) {
        int role = seq[j];
        json_t *arr = cols[role] ? json_object_get(obj, wl_role_name((wl_role)role)) : NULL;
        size_t nv = json_array_size(arr);
        if (is_multi(role) && cols[role]) {
            fputc(',', f);
            char *joined = NULL;
            size_t len = 0;
            FILE *m = open_memstream(&joined, &len);
            for (size_t k = 0; m && k < nv; k++)
                fprintf(m, "%s%s", k ? ";" : "", json_string_value(json_array_get(arr, k)));
            if (m && fclose(m) == 0) cli_csv_field_n(f, joined, len);
            free(joined);
            continue;
        }
        for (size_t k = 0; k < cols[role]; k++) {
            fputc(',', f);
            if (k < nv) cli_csv_field(f, json_string_value(json_array_get(arr, k)));
        }
    }
    fputc('\n', f);
}

/* The records g[0..n) of one source and one name order, through a temporary CSV. */
static int load_group(const store *s, const parsed_rec *g, size_t n, wl_dataset *ds)
{
    int seq[WL_ROLE_COUNT];
    size_t cols[WL_ROLE_COUNT];
    size_t ns = layout(g, n, seq, cols);
    FILE *f = tmpfile();
    if (!f) return cli_error("cannot create a temporary file to reload the store"), -1;
    write_header(f, seq, ns, cols);
    for (size_t i = 0; i < n; i++) write_row(f, g[i].rec->id, g[i].obj, seq, ns, cols);
    int rc = -1;
    if (fflush(f) != 0) {
        cli_error("cannot write a temporary file to reload the store");
    } else {
        char path[64], err[512] = "";
        snprintf(path, sizeof path, "/proc/self/fd/%d", fileno(f));
        wl_read_options ro = wl_read_default_options();
        ro.source = g[0].rec->source;
        wl_read_report rep;
        wl_status st = wl_dataset_read(ds, path, &ro, &rep, err, sizeof err);
        if (st != WL_OK) cli_error("%s: reloading source '%s': %s", s->path, ro.source, err);
        else if (rep.rejected)
            cli_error("%s: damaged store: %zu records of source '%s' no longer read (first: %s)", s->path,
                      rep.rejected, ro.source, rep.reject_reason[0]);
        else rc = 0;
    }
    fclose(f);
    return rc;
}

static int by_order(const void *a, const void *b)
{
    const parsed_rec *x = a, *y = b;
    int c = strcmp(x->order, y->order);
    return c ? c : (x->rec > y->rec) - (x->rec < y->rec);
}

/* jansson's allocations while one source's records are parsed, held and freed:
 * a bump arena, released whole. The JSON objects of a source all live until its
 * records are in the dataset, and freeing them one by one (some 20 small blocks
 * a record) cost a query of one record against 10^6 stored ones about 15 % of
 * its CPU in malloc_consolidate, unlink_chunk and _int_free (perf). jansson's
 * allocator is process-wide (json_set_alloc_funcs); the loader runs on one
 * thread and puts malloc and free back before it returns. */
typedef struct arena_blk {
    struct arena_blk *next;
    size_t used, cap;
    max_align_t data[];
} arena_blk;

enum { ARENA_BLOCK = 1 << 20 };
static arena_blk *g_arena;
static int g_arena_failed;

static void *arena_malloc(size_t n)
{
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    if (!g_arena || g_arena->cap - g_arena->used < n) {
        size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        arena_blk *b = malloc(sizeof *b + cap);
        if (!b) return g_arena_failed = 1, NULL;
        *b = (arena_blk){ g_arena, 0, cap };
        g_arena = b;
    }
    void *p = (char *)g_arena->data + g_arena->used;
    g_arena->used += n;
    return p;
}

static void arena_free(void *p) { (void)p; }

static void arena_release(void)
{
    while (g_arena) {
        arena_blk *next = g_arena->next;
        free(g_arena);
        g_arena = next;
    }
    json_set_alloc_funcs(malloc, free);
}

/* The records [lo, hi) of one source not marked replaced, a group per name order. */
static int load_source(const store *s, const store_rec *recs, size_t lo, size_t hi, wl_dataset *ds)
{
    g_arena_failed = 0;
    json_set_alloc_funcs(arena_malloc, arena_free);
    parsed_rec *p = calloc(hi - lo, sizeof *p);
    size_t n = 0;
    int rc = p ? 0 : -1;
    if (!p) cli_error("out of memory");
    for (size_t i = lo; rc == 0 && i < hi; i++)
        if (!recs[i].replaced) rc = parse_rec(&recs[i], &p[n++]);
    if (rc == 0) qsort(p, n, sizeof *p, by_order);
    for (size_t a = 0, b; rc == 0 && a < n; a = b) {
        for (b = a; b < n && !strcmp(p[b].order, p[a].order); b++) {}
        rc = load_group(s, p + a, b - a, ds);
    }
    for (size_t i = 0; p && i < hi - lo; i++) json_decref(p[i].obj);
    free(p);
    arena_release();
    if (rc == 0 && g_arena_failed) rc = -1, cli_error("out of memory");
    return rc;
}

int store_to_dataset(const store *s, const store_rec *recs, size_t n, wl_dataset *ds)
{
    for (size_t lo = 0, hi; lo < n; lo = hi) {
        size_t kept = 0;
        for (hi = lo; hi < n && !strcmp(recs[hi].source, recs[lo].source); hi++) kept += !recs[hi].replaced;
        if (kept && load_source(s, recs, lo, hi, ds) != 0) return -1;
    }
    return 0;
}

/* ---- writing a run ---- */

static int step_done(store *s, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : db_error(s, what);
}

/* What the rows of a run bind (store_rows.h): per record in output order k. */
typedef struct {
    const wl_dataset *ds;
    const wl_result *r;
    const int64_t *rid, *person, *rid_of, *ids;
    char *const *fields;
    const size_t *pair;
} run_rows;

static void bind_person(sqlite3_stmt *st, int at, size_t k, void *arg)
{
    sqlite3_bind_int64(st, at, ((const run_rows *)arg)->ids[k]);
}

static void bind_record(sqlite3_stmt *st, int at, size_t k, void *arg)
{
    const run_rows *w = arg;
    size_t i = wl_result_record(w->r, k);
    sqlite3_bind_int64(st, at, w->rid[k]);
    sqlite3_bind_text(st, at + 1, wl_dataset_source(w->ds, i), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, at + 2, wl_dataset_id(w->ds, i), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, at + 3, w->person[k]);
    sqlite3_bind_int64(st, at + 4, (int64_t)k);
    sqlite3_bind_text(st, at + 5, w->fields[i], -1, SQLITE_STATIC);
}

static void bind_pair(sqlite3_stmt *st, int at, size_t ord, void *arg)
{
    const run_rows *w = arg;
    const wl_match *m = wl_result_pair(w->r, w->pair[ord]);
    sqlite3_bind_int64(st, at, (int64_t)ord);
    sqlite3_bind_int64(st, at + 1, w->rid_of[m->left]);
    sqlite3_bind_int64(st, at + 2, w->rid_of[m->right]);
    sqlite3_bind_double(st, at + 3, m->probability);
    sqlite3_bind_double(st, at + 4, m->weight);
}

/* The distinct ids of person[0..n), ascending (a person once, not once per
 * record; ascending ids append to the table). @return n_out ids (malloc'd), or NULL. */
static int64_t *distinct_persons(const int64_t *person, size_t n, size_t *n_out)
{
    int64_t top = 0;
    for (size_t k = 0; k < n; k++)
        if (person[k] > top) top = person[k];
    unsigned char *seen = calloc((size_t)top + 1, 1);
    int64_t *ids = malloc((n ? n : 1) * sizeof *ids);
    size_t m = 0;
    if (seen && ids) {
        for (size_t k = 0; k < n; k++)
            if (person[k] >= 0) seen[person[k]] = 1;
        for (int64_t p = 0; p <= top; p++)
            if (seen[p]) ids[m++] = p;
    }
    free(seen);
    if (!seen) free(ids), ids = NULL;
    *n_out = m;
    return ids;
}

static int write_records(store *s, const wl_dataset *ds, const wl_result *r, const int64_t *rid,
                         const int64_t *person, char *const *fields)
{
    size_t n = wl_dataset_size(ds), np = 0;
    int64_t *ids = distinct_persons(person, n, &np);
    if (!ids) return cli_error("out of memory"), -1;
    run_rows w = { ds, r, rid, person, NULL, ids, fields, NULL };
    int rc = store_insert_rows(s, "INSERT OR IGNORE INTO persons(person_id)", 1, np, bind_person, &w, "persons");
    if (rc == 0)
        rc = store_insert_rows(s, "INSERT INTO records(rid, source, id, person_id, ord, fields)", 6, n, bind_record,
                               &w, "records");
    free(ids);
    return rc;
}

static int write_pairs(store *s, const wl_dataset *ds, const wl_result *r, const int64_t *rid,
                       const unsigned char *kept)
{
    size_t n = wl_dataset_size(ds), np = wl_result_pair_count(r), nk = 0;
    int64_t *rid_of = malloc((n ? n : 1) * sizeof *rid_of);
    size_t *pair = malloc((np ? np : 1) * sizeof *pair); /* the kept pairs, by ord */
    if (!rid_of || !pair) {
        free(rid_of);
        free(pair);
        return cli_error("out of memory"), -1;
    }
    for (size_t k = 0; k < n; k++) rid_of[wl_result_record(r, k)] = rid[k];
    for (size_t k = 0; k < np; k++)
        if (!kept || kept[k]) pair[nk++] = k;
    run_rows w = { ds, r, rid, NULL, rid_of, NULL, NULL, pair };
    int rc = store_insert_rows(s, "INSERT INTO pairs(ord, left_rid, right_rid, probability, match_weight)", 5, nk,
                               bind_pair, &w, "pairs");
    free(rid_of);
    free(pair);
    return rc;
}

int store_write_run(store *s, const wl_dataset *ds, const wl_result *r, const int64_t *rid,
                    const int64_t *person, char *const *fields, const unsigned char *kept)
{
    if (exec(s, "DELETE FROM pairs; DELETE FROM records; DELETE FROM persons") != 0) return -1;
    if (write_records(s, ds, r, rid, person, fields) != 0) return -1;
    return write_pairs(s, ds, r, rid, kept);
}

/* ---- runs and events ---- */

int64_t store_add_run(store *s, const char *command, const char *detail)
{
    char at[32];
    time_t now = time(NULL);
    struct tm tm;
    strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "INSERT INTO runs(at, command, detail) VALUES(?,?,?)", -1, &st, NULL))
        return db_error(s, "writing runs");
    sqlite3_bind_text(st, 1, at, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, command, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, detail ? detail : "", -1, SQLITE_STATIC);
    int rc = step_done(s, st, "writing runs");
    sqlite3_finalize(st);
    return rc == 0 ? sqlite3_last_insert_rowid(s->db) : -1;
}

int store_events_begin(store *s, int64_t run, store_events *ev)
{
    ev->s = s;
    ev->run = run;
    if (sqlite3_prepare_v2(s->db,
                           "INSERT INTO events(run_id, kind, person_id, source, id, other_person_id,"
                           " other_source, other_id, note) VALUES(?,?,?,?,?,?,?,?,?)",
                           -1, &ev->st, NULL) == SQLITE_OK)
        return 0;
    ev->st = NULL;
    return db_error(s, "preparing events");
}

static void bind_opt_text(sqlite3_stmt *st, int k, const char *v)
{
    if (v) sqlite3_bind_text(st, k, v, -1, SQLITE_STATIC);
    else sqlite3_bind_null(st, k);
}

int store_event(store_events *ev, const char *kind, int64_t person, const char *source, const char *id,
                int64_t other_person, const char *other_source, const char *other_id, const char *note)
{
    sqlite3_stmt *st = ev->st;
    sqlite3_bind_int64(st, 1, ev->run);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, person);
    sqlite3_bind_text(st, 4, source, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, id, -1, SQLITE_STATIC);
    if (other_person) sqlite3_bind_int64(st, 6, other_person);
    else sqlite3_bind_null(st, 6);
    bind_opt_text(st, 7, other_source);
    bind_opt_text(st, 8, other_id);
    bind_opt_text(st, 9, note);
    return step_done(ev->s, st, "writing events");
}

void store_events_end(store_events *ev)
{
    sqlite3_finalize(ev->st);
    ev->st = NULL;
}

/* ---- decisions ---- */

int store_load_decisions(store *s, dec_row **rows, size_t *n)
{
    sqlite3_stmt *st;
    size_t cap = 0, k = 0;
    dec_row *r = NULL;
    *rows = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT left_source, left_id, right_source, right_id, decision, note, line"
                           " FROM decisions ORDER BY left_source, left_id, right_source, right_id",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(s, "reading decisions");
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (k == cap) {
            dec_row *g = realloc(r, (cap = cap ? 2 * cap : 64) * sizeof *g);
            if (!g) break;
            r = g;
        }
        dec_row *d = &r[k++];
        for (int c = 0; c < DEC_COLUMNS; c++) d->f[c] = store_col_text(st, c);
        d->match = !strcmp(d->f[DEC_DECISION] ? d->f[DEC_DECISION] : "", "match");
        d->line = (long)sqlite3_column_int64(st, 6);
        int bad = 0;
        for (int c = 0; c < DEC_COLUMNS; c++) bad |= !d->f[c];
        if (bad) break;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        dec_rows_free(r, k);
        if (rc == SQLITE_ROW) return cli_error("out of memory reading the decisions"), -1;
        return db_error(s, "reading decisions");
    }
    *rows = r;
    *n = k;
    return 0;
}

/* ---- the consistency check ---- */

/* Runs a query whose rows are problems; prints the first few. @return their count. */
static long problems(store *s, const char *what, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        db_error(s, what);
        return 1;
    }
    long n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n++ < 5) {
            const char *v = (const char *)sqlite3_column_text(st, 0);
            fprintf(stderr, "check: %s: %s\n", what, v ? v : "(null)");
        }
    }
    sqlite3_finalize(st);
    if (n > 5) fprintf(stderr, "check: %s: %ld in all\n", what, n);
    return n;
}

long store_check(store *s)
{
    long n = problems(s, "integrity_check",
                      "SELECT integrity_check FROM pragma_integrity_check WHERE integrity_check != 'ok'");
    n += problems(s, "foreign key", "SELECT \"table\" || ' rowid ' || rowid FROM pragma_foreign_key_check");
    n += problems(s, "record without a person",
                  "SELECT source || ',' || id FROM records WHERE person_id NOT IN (SELECT person_id FROM persons)");
    n += problems(s, "person without a record",
                  "SELECT person_id FROM persons WHERE person_id NOT IN (SELECT person_id FROM records)");
    n += problems(s, "pair with a missing record",
                  "SELECT ord FROM pairs WHERE left_rid NOT IN (SELECT rid FROM records)"
                  " OR right_rid NOT IN (SELECT rid FROM records) OR left_rid = right_rid");
    n += problems(s, "pair probability out of range",
                  "SELECT ord FROM pairs WHERE NOT (probability BETWEEN 0 AND 1)");
    /* a record removed since the last refit leaves a gap in ord (the refit closes it) */
    n += problems(s, "record order", "SELECT ord FROM records GROUP BY ord HAVING count(*) > 1");
    n += problems(s, "person id not below next_person_id",
                  "SELECT person_id FROM persons WHERE person_id >= "
                  "(SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'next_person_id')");
    n += problems(s, "missing meta key",
                  "SELECT k FROM (SELECT 'format_version' AS k UNION ALL SELECT 'model' UNION ALL SELECT"
                  " 'threshold' UNION ALL SELECT 'next_person_id') WHERE k NOT IN (SELECT key FROM meta)");
    n += problems(s, "decision between one record and itself",
                  "SELECT left_source || ',' || left_id FROM decisions"
                  " WHERE left_source = right_source AND left_id = right_id");
    n += problems(s, "decision not in canonical order",
                  "SELECT left_source || ',' || left_id || ' ' || right_source || ',' || right_id FROM decisions"
                  " WHERE left_source > right_source OR (left_source = right_source AND left_id > right_id)");
    n += problems(s, "fields not a JSON object",
                  "SELECT source || ',' || id FROM records WHERE json_valid(fields) = 0"
                  " OR json_type(fields) != 'object'");
    wl_model *m = store_model(s);
    if (!m) n++;
    wl_model_free(m);
    return n;
}

/* ---- records by (source, id) ---- */

static int by_key(const void *a, const void *b)
{
    const store_key *x = a, *y = b;
    int c = strcmp(x->source, y->source);
    return c ? c : strcmp(x->id, y->id);
}

void store_keys_sort(store_key *keys, size_t n) { qsort(keys, n, sizeof *keys, by_key); }

size_t store_key_find(const store_key *keys, size_t n, const char *source, const char *id)
{
    store_key key = { source, id, 0 };
    const store_key *hit = bsearch(&key, keys, n, sizeof *keys, by_key);
    return hit ? hit->pos : SIZE_MAX;
}

dec_link *store_decision_links(const store_key *keys, size_t n, const dec_row *d, size_t nd, size_t *n_links)
{
    dec_link *l = malloc((nd ? nd : 1) * sizeof *l);
    size_t k = 0;
    for (size_t j = 0; l && j < nd; j++) {
        size_t a = store_key_find(keys, n, d[j].f[DEC_LEFT_SOURCE], d[j].f[DEC_LEFT_ID]);
        size_t b = store_key_find(keys, n, d[j].f[DEC_RIGHT_SOURCE], d[j].f[DEC_RIGHT_ID]);
        if (a != SIZE_MAX && b != SIZE_MAX) l[k++] = (dec_link){ (uint32_t)a, (uint32_t)b, d[j].match };
    }
    *n_links = k;
    if (!l) cli_error("out of memory");
    return l;
}

/* ---- settings and fields (cmd_store.c, store_update.c) ---- */

/* A numeric meta value: an integer (dbl NULL) into *ll, else a double into *dbl. */
static int meta_number(store *s, const char *key, long long *ll, double *dbl)
{
    char *v = store_meta(s, key), *end;
    if (!v) return -1;
    if (dbl) *dbl = strtod(v, &end);
    else *ll = strtoll(v, &end, 10);
    int bad = *end || end == v;
    free(v);
    if (bad) cli_error("%s: damaged store: meta '%s' is not a number", s->path, key);
    return bad ? -1 : 0;
}

static int meta_long(store *s, const char *key, long long *out) { return meta_number(s, key, out, NULL); }
static int meta_double(store *s, const char *key, double *out) { return meta_number(s, key, NULL, out); }

int store_set_meta_num(store *s, const char *key, long long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", v);
    return store_set_meta(s, key, buf);
}

int store_load_settings(store *s, store_settings *st)
{
    memset(st, 0, sizeof *st);
    if (meta_double(s, "threshold", &st->threshold) || meta_long(s, "max_partners", &st->max_partners) ||
        meta_long(s, "reference_year", &st->reference_year) ||
        meta_long(s, "next_person_id", &st->next_person_id))
        return -1;
    st->model = store_model(s);
    return st->model ? 0 : -1;
}

/* Each record's fields as the store keeps them (store_fields_json), by dataset
 * index: the records of the lists (the first ones, list by list) with their
 * list's name order, the stored records reloaded (ls, may be NULL) as stored.
 * A list's records over the threads: each record's text is its own, and at
 * 10^6 records index spent ~5 G instructions here on one core before its run
 * (callgrind at 10^5: 0.54 G). */
char **store_record_fields(const wl_dataset *ds, const wl_read_report *reps, size_t n_lists,
                           const store_rec *recs, size_t n_recs, int threads)
{
    size_t n = wl_dataset_size(ds), i = 0;
    char **fields = calloc(n ? n : 1, sizeof *fields);
    int nt = wl_thread_count(threads);
    for (size_t l = 0; fields && l < n_lists; l++) {
        char buf[64];
        const char *order = store_name_order(&reps[l], buf, sizeof buf);
        size_t end = i + reps[l].accepted < n ? i + reps[l].accepted : n;
        long long lo = (long long)i, hi = (long long)end;
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1024) if (hi - lo > 4096)
        for (long long k = lo; k < hi; k++) fields[k] = store_fields_json(ds, (size_t)k, order); /* NULL: caught below */
        i = end;
    }
    for (; fields && i < n; i++) {
        size_t j = store_find(recs, n_recs, wl_dataset_source(ds, i), wl_dataset_id(ds, i));
        if (j == SIZE_MAX || !(fields[i] = strdup(recs[j].fields))) break;
    }
    return fields;
}

/* @return 0 when every record has its fields, else -1 after the error. */
int store_fields_complete(char **fields, size_t n)
{
    for (size_t i = 0; fields && i < n; i++)
        if (!fields[i]) fields = NULL;
    if (!fields) cli_error("out of memory");
    return fields ? 0 : -1;
}

void store_fields_free(char **fields, size_t n)
{
    for (size_t i = 0; fields && i < n; i++) free(fields[i]);
    free(fields);
}

