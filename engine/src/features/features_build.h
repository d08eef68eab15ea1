/*
 * features_build.h -- internals of the features driver shared by features.c
 * (chunking, merging) and features_record.c (one record's cells).
 */
#ifndef WL_FEATURES_BUILD_H
#define WL_FEATURES_BUILD_H

#include "features/featureset.h"
#include "normalise/name.h"

/* One chunk's output: text offsets in parts/docs and in f->pob/free_text are
 * chunk-local until the merge rebases them. Per-record counts go straight into
 * f->X_start[i + 1] (each record is written by one thread only). */
typedef struct {
    wl_vec text;
#define WL_FRUN_CHUNK_(id, start, data, type, rebase) wl_vec data;
    WL_FEATURE_RUNS(WL_FRUN_CHUNK_) /* one buffer per run, named as its array */
#undef WL_FRUN_CHUNK_
} wl_fchunk;

/* Records per chunk: the unit of the parallel build, of the merge and of a
 * packed part (features_pack.c). */
enum { WL_FCHUNK_RECORDS = 1024 };

void wl_fchunk_init(wl_fchunk *c);
void wl_fchunk_free(wl_fchunk *c);

/** The per-record arrays of ds's records, zeroed, before any chunk is built. */
wl_features *wl_features_alloc(const wl_dataset *ds);

/** Normalises the records of chunks [c_lo, c_hi) of f on `threads` threads
 *  into ch[c_lo..c_hi) (and their counts and columns into f). @return 0 or -1. */
int wl_features_build_chunks(wl_features *f, wl_fchunk *ch, size_t c_lo, size_t c_hi, int threads);

/** Unless `bad`, merges the nch chunks (every record's) into f, in order,
 *  then builds the frequency tables and the compact records. Frees the chunks
 *  and the ch array whatever happens. @return f, or NULL (f freed) when `bad`
 *  or out of memory. */
wl_features *wl_features_finish(wl_features *f, wl_fchunk *ch, size_t nch, int bad);

typedef struct {
    wl_features *f;
    wl_namectx *ctx;
    wl_fchunk *out;
    int reference_year;  /* two-digit birth years (normalise/date.h), the dataset's */
} wl_frec;

/* Bounds per record: a hostile row cannot make one record unbounded. */
enum {
    WL_FEAT_MAX_NAMES = 32,   /* main name + aliases (+ MRZ name) */
    WL_FEAT_MAX_DATES = 16,   /* readings */
    WL_FEAT_MAX_DOCS = 16,
    WL_FEAT_MAX_NATS = 16,
    WL_FEAT_MAX_TOKENS = 64,
    WL_FEAT_FOLD_CAP = 4096   /* bytes of folded place or free text kept */
};

/** The features (WL_FEAT_* bits) that cells of input role `role` write
 *  (features_record.c g_roles); 0 for a role no comparator's features use. */
unsigned wl_features_role_writes(int role);

/** Normalises record i of r->f->ds into r->out. @return 0, or -1 when out of memory. */
int wl_features_record(wl_frec *r, size_t i);

#endif
