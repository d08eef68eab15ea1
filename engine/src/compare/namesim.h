/*
 * namesim.h -- similarity of two names given as parts (stage 5, compare):
 * order-free best assignment of parts, each used once, weighted so that family
 * and rare parts count more and particles less; initials, joined and split
 * parts, and a shorter name inside a longer one.
 */
#ifndef WL_NAMESIM_H
#define WL_NAMESIM_H

#include "features/featureset.h"

typedef struct {
    float score;        /* weighted similarity in [0, 1] */
    uint8_t exact;      /* 1: same canonical parts, same multiset */
    uint8_t all_parts;  /* 1: every non-particle part of the shorter name matched (canon,
                           phonetic or initial), and it has two or more of them unless
                           the longer has only one too (one shared token is not enough) */
    uint8_t n_matched;  /* non-particle parts of the shorter name matched (canon, phonetic,
                           initial, or joined / split) */
    uint8_t n_shorter;  /* non-particle parts of the shorter name */
    float jw_min;       /* lowest Jaro-Winkler among the paired non-particle parts (1 for
                           equal and joined parts, 0.9 for an initial; 0 when no pair) */
    float rare_bits;    /* term-frequency evidence: sum over agreeing parts of
                           log2(n / freq) (close spellings scaled by their similarity),
                           for the TF adjustment of the score stage */
} wl_namesim;

/**
 * Compares names a (na parts) and b (nb parts) of features f.
 * @pre na, nb <= WL_NAME_MAX_PARTS (name.h)
 */
void wl_name_similarity(const wl_features *f, const wl_fpart *a, size_t na,
                        const wl_fpart *b, size_t nb, wl_namesim *out);

/* What a comparison needs of one name's parts alone (namesim.c prep_init):
 * its parts' weights and their sum, the join length sets, the parts that are
 * not particles, any patronymic, the order key. A caller comparing one name
 * with many prepares it once (compare.c keeps the first records' of a window). */
typedef struct {
    double w[16];        /* WL_NAME_MAX_PARTS (normalise/name.h; checked in namesim.c) */
    double whole;        /* the sum of w, in part order */
    uint64_t lens, sums; /* join length sets (namesim.c name_side) */
    uint64_t hsum;       /* sum of the parts' h_canon */
    int np, patronymic;
} wl_name_prep;

/** Prepares the name p (n parts; only the first WL_NAME_MAX_PARTS count) of f.
 *  The result holds for f as it is: valid while f, its parts and f->n are unchanged. */
void wl_name_prepare(const wl_features *f, const wl_fpart *p, size_t n, wl_name_prep *out);

/**
 * wl_name_similarity with a's and b's preparations (wl_name_prepare of the
 * same parts and f, or NULL: prepared here). The same result bit for bit.
 */
void wl_name_similarity_prep(const wl_features *f, const wl_fpart *a, size_t na, const wl_name_prep *pa,
                             const wl_fpart *b, size_t nb, const wl_name_prep *pb, wl_namesim *out);

/**
 * Whether names a (na parts) and b (nb parts) of f surely compare at
 * "different": wl_name_similarity would give exact 0, all_parts 0 and a score
 * under 0.80 (namesim.c says how it knows). Exact: 1 only then; 0 when not
 * sure, which asks for the full comparison. Allocates nothing.
 */
int wl_name_surely_different(const wl_features *f, const wl_fpart *a, size_t na, const wl_fpart *b, size_t nb);

/**
 * Maximum-weight assignment: pairs each of `rows` rows with a distinct column so
 * that the sum of w[row * cols + col] is largest (every map up to three rows,
 * else the Hungarian method; deterministic on ties).
 * Deterministic; allocates nothing. Used by wl_name_similarity, exposed for tests.
 * @pre 0 < rows <= cols <= WL_NAME_MAX_PARTS
 * @param col_of  out: the column of each row
 */
void wl_assign_max(const double *w, int rows, int cols, int *col_of);

/**
 * Slot of the ordered pair of canonical hashes (hx, hy) in the per-thread
 * Jaro-Winkler memo of wl_name_similarity. Exposed so the tests can make two
 * pairs meet in one slot.
 */
unsigned wl_namesim_memo_slot(uint64_t hx, uint64_t hy);

#endif /* WL_NAMESIM_H */
