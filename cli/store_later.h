/*
 * store_later.h -- the records an incremental update added after the store's
 * index file was written (row ids above the file's largest): read from the
 * database and normalised again by every query and update until the next
 * refit writes them into a new index file (store_update.h).
 */
#ifndef WL_STORE_LATER_H
#define WL_STORE_LATER_H

#include "store.h"

/* The records stored after the index file was written, as a dataset. */
typedef struct {
    wl_dataset *ds;  /* NULL when there are none */
    int64_t *rid;    /* per record of ds, its row id */
    int64_t *ord;    /* per record of ds, its place in output order (records.ord) */
    size_t n;
} store_later;

/** Loads them (the store's reference year). @return 0, or -1 after the error. */
int store_later_load(store *s, const wl_store_index *x, int reference_year, store_later *out);
void store_later_free(store_later *l);

#endif
