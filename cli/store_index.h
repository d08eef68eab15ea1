/*
 * store_index.h -- the store's index file (the engine's wl_store_index, issue
 * 12): every record's normalised features, the frozen list-wide statistics and
 * the blocking index, in one checksummed file beside the database.
 *
 * The file is "STORE.idx.G", G the store's index generation; the database
 * keeps G and the file's checksum (meta 'index_generation', 'index_checksum'),
 * written in the same transaction as the records: the file of the next
 * generation is written first, so a killed update leaves the database naming
 * the old file, which is still there. The old file is removed after the
 * commit. A store is the database and that file: a copy needs both.
 *
 * The file is written once and mapped read-only, so a record an incremental
 * update removes or replaces (store_dead.h) stays in it: its row id goes into
 * the table tombstones, and every later update and query drops the pairs the
 * engine finds with it. A refit writes a file of the live records and empties
 * the table.
 */
#ifndef WL_STORE_INDEX_CLI_H
#define WL_STORE_INDEX_CLI_H

#include <pthread.h>

#include "store.h"

/* The files a write made and replaced: new_path is removed when the
 * transaction is rolled back, old_path once it is committed. */
typedef struct {
    char new_path[4096], old_path[4096];
} store_index_files;

/*
 * Writes the index file of run r (made with wl_options.keep_features) over
 * dataset ds and names it in the store (inside the caller's transaction), in
 * two halves so the caller can write the database meanwhile: store_index_start
 * names the new file and starts writing it on a thread of its own (reading
 * only the run's features); store_index_finish waits for it and names it in
 * the store. rid[k] is the row id of the record at output position k; opt: the
 * run's options. Every started job must be finished, whatever the caller's own
 * writes gave, and r must live until then.
 * @return 0, or -1 after the error (a failed start leaves nothing to finish).
 */
typedef struct {
    store_index_files *files;
    const wl_features *f;
    wl_options opt;
    int64_t *by_rec;
    uint32_t *rank;
    long long gen;
    uint64_t sum;
    wl_status st;
    char err[512];
    pthread_t th;
    int started;
} store_index_job;

int store_index_start(store *s, const wl_dataset *ds, const wl_result *r, const int64_t *rid,
                      const wl_options *opt, store_index_files *files, store_index_job *job);
int store_index_finish(store *s, store_index_job *job);

/** After the commit (ok = 1) or the rollback (ok = 0): removes the file no longer named. */
void store_index_done(const store_index_files *files, int ok);

/**
 * Opens the store's index file and checks it against the store's checksum.
 * @return 0 (*x set), 1 when the store has none (a store of format 2, before
 * its first update), or -1 after the error.
 */
int store_index_load(store *s, wl_store_index **x);

/** The tombstones (row ids the index file holds that the store does not),
 *  ascending, malloc'd. @return 0, or -1 after the error. */
int store_tombstones_load(store *s, int64_t **rids, size_t *n);

/** The index file's problems for `index --check`: the checksum, the records it
 *  holds against the records table. @return their count. */
long store_index_check(store *s);

#endif
