/*
 * store_dead.h -- the records an incremental update takes out of the store
 * (store_update.h): the rows of `update --remove`, and the old version of a row
 * the night replaces (same source and id, other fields; its new version enters
 * as a new record). A dead record's row leaves the records table; when the
 * index file holds it, its row id becomes a tombstone (store_index.h), so it
 * takes part in no later update or query until the next refit.
 *
 * Its neighbours -- the stored records it had a pair or a decision with -- are
 * matched again: the outranked rule may have dropped a pair of theirs because
 * the dead record was their best partner in its source, and a full run without
 * it would keep that pair.
 */
#ifndef WL_STORE_DEAD_H
#define WL_STORE_DEAD_H

#include "store.h"

typedef struct {
    int64_t rid, person, ord;
    char *source, *id;
    size_t row; /* replaced: the night's row of its new version; SIZE_MAX: removed */
} dead_rec;

/* The night's dead records, sorted by row id (dead_finish). */
typedef struct {
    dead_rec *d;
    size_t n, cap;
    int64_t *rids; /* d's row ids, ascending */
} dead_set;

/** Adds one (strings copied). @return 0, or -1 after the error. */
int dead_add(dead_set *ds, int64_t rid, int64_t person, int64_t ord, const char *source, const char *id,
             size_t row);
/** Sorts them by row id, drops a record named twice. @return 0, or -1 after the error. */
int dead_finish(dead_set *ds);
void dead_free(dead_set *ds);
/** @return 1 when rid is in v (n, ascending), else 0. */
int rid_in(const int64_t *v, size_t n, int64_t rid);

/**
 * The stored records the rows of rm (`update --remove`, read as a list) name,
 * into ds; a row that names no stored record is counted in *missing. A row
 * the night's lists (night) carry too is refused, as the refit refuses it.
 * @return an exit code.
 */
int dead_from_remove(store *s, const wl_dataset *rm, const wl_dataset *night, dead_set *ds, size_t *missing);

/**
 * The live neighbours of the dead records: the other record of every stored
 * pair (n_sp of them, row ids l, r) and of every decision (dec, n_dec) that
 * holds a dead one. @return them ascending and distinct (malloc'd, *n), or
 * NULL after the error.
 */
int64_t *dead_neighbours(store *s, const dead_set *ds, const int64_t *l, const int64_t *r, size_t n_sp,
                         const dec_row *dec, size_t n_dec, size_t *n);

#endif
