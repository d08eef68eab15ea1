/*
 * store_update.h -- the incremental update (issue 12).
 *
 * An update does not match the whole store again: it matches the night's new
 * records (added, or the new version of a replaced row) against the index
 * file, the later records and each other with the frozen statistics
 * (wl_store_match), takes the removed and replaced records out (store_dead.h;
 * their neighbours matched again), applies the outranked rule to the stored
 * pairs and the new ones, and re-forms the persons of the affected parts from
 * the pairs as `review` does. The index file stays as it was; the
 * records it does not hold (row ids above its largest) are the later records,
 * read from the database and normalised again by every query and update until
 * the next refit writes a new index file; the records it holds that left the
 * store since are its tombstones (store_index.h).
 */
#ifndef WL_STORE_UPDATE_H
#define WL_STORE_UPDATE_H

#include "store.h"
#include "store_later.h"

/* Returned by store_update_inc when the update must match the whole store
 * again (nothing was written): no index file, or too many records added,
 * removed or replaced since the last refit (REFIT_SHARE). */
enum { UPDATE_REFIT = -1 };

/**
 * The incremental update: ds holds the night's lists (n_lists, their read
 * reports), read with the store's reference year; rm (may be NULL) the rows
 * of `--remove` (read from rm_path). s is in the update's transaction, which
 * this commits when it returns EXIT_OK. The changes file, if any, is written
 * after the commit. Stored records matched again are appended to ds.
 * @return an exit code, or UPDATE_REFIT.
 */
int store_update_inc(store *s, store_settings *set, wl_dataset *ds, const wl_read_report *reps, size_t n_lists,
                     const wl_dataset *rm, const char *rm_path, const cli_opts *o, const char *changes_path);

#endif
