/*
 * compare.h -- comparison vectors (stage 5). One level per field; level 0 is
 * always "missing" (contributes nothing to the score), then levels rise from
 * disagreement to exact agreement.
 */
#ifndef WL_COMPARE_H
#define WL_COMPARE_H

#include "features/featureset.h"

enum { WL_MAX_LEVELS = 8 };

/* Names per record compared (main + aliases); further aliases are ignored by
 * the comparator (the blocker still keys on them). */
enum { WL_CMP_MAX_NAMES = 32 };

typedef struct {
    uint8_t level[WL_FIELD_COUNT];
    uint8_t dob_swap;   /* 1 when the dob agreed only with day and month swapped */
    uint8_t name_q;     /* the best names' similarity score x 255: orders pairs within a level */
    float name_rare;    /* wl_namesim.rare_bits of the best name pair */
} wl_cmpvec;


/** Compares records a and b of f. Thread-safe, allocates nothing. */
void wl_compare(const wl_features *f, uint32_t a, uint32_t b, wl_cmpvec *out);

/**
 * The levels wl_compare gives records a and b of f, into level (the fit's
 * counts read nothing else); names that surely disagree are told by a cheap
 * bound (compare.c). Thread-safe, allocates nothing.
 */
void wl_compare_levels(const wl_features *f, uint32_t a, uint32_t b, uint8_t level[WL_FIELD_COUNT]);

/**
 * Compares n pairs, ab[2k] with ab[2k + 1], into out[k]: the same vectors as
 * wl_compare pair by pair, walked with the later pairs' second records
 * prefetched (candidates come sorted by their first record, so the second is
 * the one that misses the caches). Thread-safe, allocates nothing.
 */
void wl_compare_run(const wl_features *f, const uint32_t *ab, size_t n, wl_cmpvec *out);

/** Pairs per window of wl_compare_window (a power of two). */
enum { WL_COMPARE_WINDOW = 1 << 14 };

/**
 * As wl_compare_run, over n <= WL_COMPARE_WINDOW pairs, but walked in the
 * order of their second records (compare.c: a cache-friendly sweep), each
 * vector written to out[k] of its own pair: the same out as wl_compare_run.
 * Thread-safe; allocates scratch, and without it walks in the given order.
 */
void wl_compare_window(const wl_features *f, const uint32_t *ab, size_t n, wl_cmpvec *out);

/** keep(v, arg): whether a pair whose fields but the name are v (the name's
 *  level, name_q and name_rare 0) is still wanted. */
typedef int (*wl_compare_keep_fn)(const wl_cmpvec *v, void *arg);

/**
 * As wl_compare_window, but each pair's fields other than the name are
 * compared first and shown to keep: a pair it refuses gets skipped[k] = 1 and
 * its name is not scored (out[k] then holds the other fields, the name level
 * 0); every other pair gets skipped[k] = 0 and wl_compare's vector. For a
 * caller that wants only pairs able to reach a weight (a screening threshold):
 * the name is most of a pair's cost. Thread-safe; allocates scratch.
 */
void wl_compare_window_kept(const wl_features *f, const uint32_t *ab, size_t n, wl_compare_keep_fn keep, void *arg,
                            wl_cmpvec *out, unsigned char *skipped);

/* ---- levels, named once (compare.c); the numbers are what wl_cmpvec holds ---- */
enum { WL_LV_MISSING = 0 };
enum { WL_NAME_DIFFERENT = 1, WL_NAME_JW80, WL_NAME_JW92, WL_NAME_ALL_PARTS, WL_NAME_EXACT };
/* WL_DOB_TYPO: full dates one keying error apart -- day and month swapped, one
 * digit wrong, or two adjacent digits transposed (compare_fields.c day_level). It
 * was called "swapped", which named only the first of the three. */
enum { WL_DOB_MISMATCH = 1, WL_DOB_WITHIN_1Y, WL_DOB_YEAR_ONLY, WL_DOB_TYPO, WL_DOB_EXACT };
enum { WL_DOC_MISMATCH = 1, WL_DOC_ONE_EDIT, WL_DOC_EXACT };
enum { WL_CODE_MISMATCH = 1, WL_CODE_MATCH };   /* nationality, gender */
enum { WL_POB_DIFFERENT = 1, WL_POB_JW88, WL_POB_EXACT };
enum { WL_TEXT_DIFFERENT = 1, WL_TEXT_SIMILAR, WL_TEXT_NEAR_IDENTICAL };

/* ---- one descriptor per compared field (compare.c) ----
 *
 * Everything the stages after the features need to know of a field is said
 * once, in its descriptor: its name (the --explain column and the model
 * file's key, wl_field_name), its levels by name, the comparator that gives a
 * pair's level, the blocking keys built from it, and the part it plays in the
 * model, by level name (never as "the last level" or "levels - 2"). wl_compare,
 * the model's defaults, EM's starting split, the namesake fields, the TF
 * adjustment, the model files and --explain all iterate the descriptors.
 * engine/src/README.md lists what else adding a field touches. */

/** The level of a pair of records on one field, 0 when either side has no
 *  value; may also set the field's side outputs in out (name_q, dob_swap...). */
typedef int (*wl_field_cmp)(const wl_features *f, uint32_t a, uint32_t b, const wl_crec *ca,
                            const wl_crec *cb, wl_cmpvec *out);

typedef struct {
    const char *name;                  /* wl_field_name: output column and model-file key */
    const char *level[WL_MAX_LEVELS];  /* by level number, "missing" (0) first; NULL ends */
    wl_field_cmp compare;
    unsigned features;                 /* WL_FEAT_* (featureset.h): what its comparator reads
                                          of the features, which the features stage builds
                                          from WL_FEATURE_RUNS / WL_FEATURE_COLUMNS */
    unsigned block_keys;               /* WL_BLOCK_* kinds whose keys use this field */
    /* Its part in the model (0: none). */
    uint8_t identifying;   /* EM's starting split (model.c seed_posteriors): the field
                              agrees at this level or above */
    uint8_t close;         /* the name: namesakes agree at this level or above (u_namesake) */
    uint8_t tf;            /* the lowest level the term-frequency adjustment applies to */
    uint8_t namesake;      /* 1: namesakes share it (nationality, gender, place of birth),
                              so its u among them is estimated apart (model_fit.c) */
} wl_field_desc;

/** The descriptors, in wl_field order (the output column order). */
extern const wl_field_desc wl_fields[WL_FIELD_COUNT];

/** @return the number of levels of field f, "missing" included; 0 for no field. */
int wl_field_levels(wl_field f);

/* ---- field comparators (compare_fields.c), exposed for the unit tests ---- */

/**
 * Level of two date readings (WL_DOB_*, or 0 when either has no usable date).
 * *swap is set to 1 when the level comes from day and month swapped.
 */
int wl_cmp_date(const wl_date *x, const wl_date *y, int *swap);

/** Level of two OCR-folded document keys (WL_DOC_*; 0 when either is empty). */
int wl_cmp_doc(const char *a, size_t la, const char *b, size_t lb);

/** Level of two sorted, distinct token-hash lists (WL_TEXT_*; 0 when either is empty). */
int wl_cmp_tokens(const uint64_t *a, size_t na, const uint64_t *b, size_t nb);

/** Level of two folded places of birth (WL_POB_*; 0 when either is empty). */
int wl_cmp_place(const char *a, size_t la, const char *b, size_t lb);

#endif /* WL_COMPARE_H */
