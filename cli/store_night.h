/*
 * store_night.h -- an incremental update's night records normalised on a
 * thread of their own (store_update.h).
 *
 * The update does a second of serial work before its match (the records'
 * fields as JSON, looking each row up, opening the index file, reading the
 * stored pairs), and the match then normalises the night's records, most of
 * which is ICU opening its transliterators (about 1 G instructions a process,
 * on one thread while the others wait for it under its lock). Built here, on
 * a second thread from the start, the features are ready when the match needs
 * them: the same bytes (wl_features_build does not depend on the thread
 * count), handed to wl_store_match_features.
 */
#ifndef WL_STORE_NIGHT_H
#define WL_STORE_NIGHT_H

#include <pthread.h>

#include "watchlink.h"

typedef struct {
    const wl_dataset *ds; /* read only while the thread runs */
    size_t n;             /* ds's records when started */
    wl_features *f;       /* NULL: not built (no memory) */
    pthread_t th;
    int started, joined;
} night_job;

/**
 * Starts building ds's features on a thread of its own; with threads == 1 (the
 * user asked for one thread) or no thread to be had, does nothing (the match
 * builds them). ds must not change until night_join.
 */
void night_start(night_job *j, const wl_dataset *ds, int threads);

/** Waits for the thread (once; no-op when not started). */
void night_join(night_job *j);

/**
 * @return the features of every record of ds (joined first), or NULL when they
 * were not built or ds grew since night_start (then the match builds its own).
 */
const wl_features *night_features(night_job *j, const wl_dataset *ds);

/** Joins and frees. */
void night_free(night_job *j);

#endif
