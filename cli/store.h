/*
 * store.h -- the persistent person store (issue 12) on SQLite: opening with the
 * format-version check, the schema, the records' fields as JSON, reloading
 * stored records into a dataset, writing a run, and the consistency check.
 *
 * One store is one SQLite database in WAL mode (readers run while an update
 * writes) with a busy timeout. Every command that changes it does so in one
 * transaction, so a killed update leaves the store as it was or as it is after.
 */
#ifndef WL_STORE_H
#define WL_STORE_H

#include <sqlite3.h>
#include <stdint.h>

#include "cli.h"
#include "store_decisions.h"

/* Bumped whenever the schema or the meaning of a column changes; a store with a
 * larger version is refused by this binary. */
enum { STORE_FORMAT_VERSION = 4 }; /* 2: decisions, runs, events; 3: the index file (store_index.h); 4: tombstones */

enum { STORE_CREATE, STORE_READ, STORE_WRITE };
enum { STORE_REPLACED = 1, STORE_REMOVED = 2 };

typedef struct {
    sqlite3 *db;
    const char *path;
} store;

/* A stored record, as loaded (strings owned by the array, store_recs_free). */
typedef struct {
    int64_t rid, person;
    char *source, *id, *fields;
    int replaced;  /* update: STORE_REPLACED (the night's lists carry this (source, id)
                      again) or STORE_REMOVED (update --remove); 0: kept as stored */
} store_rec;

/**
 * Opens a store. STORE_CREATE: a new store (refused when path already holds
 * one); the schema is created by store_create_schema inside the caller's
 * transaction. STORE_READ / STORE_WRITE: an existing store, version checked.
 * @return 0, or -1 after printing the error.
 */
int store_open(store *s, const char *path, int mode);
void store_close(store *s);

/** BEGIN IMMEDIATE (the write lock now, so two updates cannot interleave). */
int store_begin(store *s);
int store_commit(store *s);
void store_rollback(store *s);

int store_create_schema(store *s);
/** @return a malloc'd meta value, or NULL (after printing) when missing. */
char *store_meta(store *s, const char *key);
int store_set_meta(store *s, const char *key, const char *value);

/** Stores m's JSON as the store's model. */
int store_set_model(store *s, const wl_model *m);
/** @return the stored model, or NULL after printing the error. */
wl_model *store_model(store *s);

/** Column k of a row as a malloc'd string ("" for NULL), or NULL when out of memory. */
char *store_col_text(sqlite3_stmt *st, int k);
/** Loads every record, sorted by (source, id) (strcmp) for store_find. */
int store_load(store *s, store_rec **recs, size_t *n);
void store_recs_free(store_rec *recs, size_t n);
/** @return the index of (source, id) in recs sorted by store_load, or SIZE_MAX. */
size_t store_find(const store_rec *recs, size_t n, const char *source, const char *id);

/**
 * The order of a list's given, middle and family name columns, as role names
 * joined by ',' in buf, when it is not that order (the features read name parts
 * in column order); NULL when it is.
 */
const char *store_name_order(const wl_read_report *rep, char *buf, size_t cap);

/** @return record i's fields as canonical JSON (malloc'd) with its list's name
 *  order (may be NULL), or NULL when out of memory. */
char *store_fields_json(const wl_dataset *ds, size_t i, const char *name_order);

/**
 * Adds the stored records whose `replaced` is 0 to ds, source by source (each
 * through a temporary CSV read by the ordinary reader, so they are normalised
 * exactly as a list is). @return 0, or -1 after printing the error.
 */
int store_to_dataset(const store *s, const store_rec *recs, size_t n, wl_dataset *ds);

/**
 * Replaces the store's records, persons and pairs with a run's (inside the
 * caller's transaction). rid[i] and person[i] are given per record in output
 * order k (record wl_result_record(r, k)); fields[i] (store_fields_json) per
 * dataset record i.
 */
int store_write_run(store *s, const wl_dataset *ds, const wl_result *r, const int64_t *rid,
                    const int64_t *person, char *const *fields, const unsigned char *kept);
/* kept (may be NULL): 0 for a pair of r not to store (ruled out by a decision). */

/** Records a run (a command that changes the store) at the current UTC time.
 *  @return its run_id, or -1 after the error. */
int64_t store_add_run(store *s, const char *command, const char *detail);

/* Writes the events of one run (the audit trail `history` reads). */
typedef struct {
    store *s;
    sqlite3_stmt *st;
    int64_t run;
} store_events;

int store_events_begin(store *s, int64_t run, store_events *ev);
/** One event: kind (new, joined, merged, split, updated, removed, match, not_match),
 *  the person and record it concerns, the other person (0: none) and record (NULL:
 *  none), a note (may be NULL). @return 0, or -1 after the error. */
int store_event(store_events *ev, const char *kind, int64_t person, const char *source, const char *id,
                int64_t other_person, const char *other_source, const char *other_id, const char *note);
void store_events_end(store_events *ev);

/** Loads the stored decisions (canonical order, sorted by pair). @return 0, or -1. */
int store_load_decisions(store *s, dec_row **rows, size_t *n);

/** PRAGMA integrity_check plus the store's own invariants; prints each problem.
 * @return the number of problems (0: consistent), or -1 when it could not run. */
long store_check(store *s);

/* A record's (source, id) and its position (output order), for lookups. */
typedef struct {
    const char *source, *id;
    size_t pos;
} store_key;

void store_keys_sort(store_key *keys, size_t n);
/** @return the pos of (source, id) in keys sorted by store_keys_sort, or SIZE_MAX. */
size_t store_key_find(const store_key *keys, size_t n, const char *source, const char *id);
/** The decisions whose two records are both in keys, as links between their
 *  positions. @return n_links links (malloc'd), or NULL after the error. */
dec_link *store_decision_links(const store_key *keys, size_t n, const dec_row *d, size_t nd, size_t *n_links);

/**
 * Parses a store command's options: the common ones (cli_parse) and the n_ex
 * extra ones of ex (a flag, or an option taking a value).
 * @return 0, 1 after --help, -1 after an error.
 */
typedef struct {
    const char *name;
    const char **value; /* options taking a value */
    int *flag;          /* flags */
} store_opt;
int store_parse_args(int argc, char **argv, cli_opts *o, const char *usage, const store_opt *ex, size_t n_ex);

/* The settings a store keeps so every later run matches as the first did. */
typedef struct {
    double threshold;
    long long max_partners, reference_year, next_person_id;
    wl_model *model;
} store_settings;

/** Loads the settings and the model. @return 0, or -1 after the error. */
int store_load_settings(store *s, store_settings *st);
int store_set_meta_num(store *s, const char *key, long long v);

/**
 * Each record's fields as the store keeps them (store_fields_json), by dataset
 * index: the records of the n_lists lists (the first ones, list by list) with
 * their list's name order, then stored records reloaded (recs, may be NULL) as
 * stored; a list's records over the threads (threads as --threads). Check
 * with store_fields_complete, free with store_fields_free.
 */
char **store_record_fields(const wl_dataset *ds, const wl_read_report *reps, size_t n_lists,
                           const store_rec *recs, size_t n_recs, int threads);
/** @return 0 when every record has its fields, else -1 after the error. */
int store_fields_complete(char **fields, size_t n);
void store_fields_free(char **fields, size_t n);

#endif
