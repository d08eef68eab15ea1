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
