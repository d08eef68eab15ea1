/*
 * store_persons.h -- the person store's records and pairs as they are stored
 * (output order), for `review`, which re-forms every person from the stored
 * pairs under the decisions (dec_cluster, then sid_assign) without matching
 * again. The incremental update re-forms only the part of the store around
 * its new records and reads that part itself (store_update.c).
 */
#ifndef WL_STORE_PERSONS_H
#define WL_STORE_PERSONS_H

#include "store.h"

typedef struct {
    size_t n;
    int64_t *rid, *person;
    char **source, **id;
    store_key *keys;        /* sorted by (source, id); pos = output position */
    size_t np;
    int64_t *pair_ord;      /* stored ord of each pair */
    dec_pair *pairs;
} stored;

void stored_free(stored *t);
/** Every stored record (rid, person, source, id) in output order (ord), keys sorted.
 *  @return 0, or -1 after the error. */
int stored_load_records(store *s, stored *t);
/** Every stored pair, its records as output positions of t. @return 0, or -1. */
int stored_load_pairs(store *s, stored *t);
/** The rows of a table, or -1. */
int64_t store_count_rows(store *s, const char *table);
/** One statement with one / two integer parameters. @return 0, or -1. */
int store_exec_int(store *s, const char *sql, int64_t v);
int store_exec_int2(store *s, const char *sql, int64_t a, int64_t b);
/**
 * The new persons into the store: records whose person changed moved, pairs
 * with kept[p] = 0 deleted, persons left empty dropped, next_id saved.
 * @return 0, or -1 after the error.
 */
int stored_apply_persons(store *s, const stored *t, const int64_t *person, const unsigned char *kept,
                         int64_t next_id);

#endif
