/*
 * name_edit.h -- a learned weighted edit distance between a Latin spelling of a
 * name part and the reading of the same part written in another script (stage 5,
 * compare). Costs per script: datasets/tables/name_edit_*.tsv.
 */
#ifndef WL_NAME_EDIT_H
#define WL_NAME_EDIT_H

#include <stddef.h>

/* Parts longer than this (either side) are not priced: the caller falls back
 * to its other measures. Names are far shorter. */
enum { WL_NAME_EDIT_MAX = 48 };

/**
 * Similarity in [0, 1] of Latin spelling a (la bytes) and b (lb bytes), a
 * reading of a value written in script `script` (wl_script, not LATIN): 1 for
 * equal strings, falling with the learned cost per letter (cost / (la + lb));
 * it is WL_NAME_EDIT_AGREE exactly at the script's threshold (its table's, widened
 * as name_edit.c says).
 * Thread-safe; allocates nothing after the tables are loaded (once).
 * @return the similarity, or -1 when either side is empty or longer than
 *         WL_NAME_EDIT_MAX, or the script has no table.
 */
double wl_name_edit_similarity(int script, const char *a, size_t la, const char *b, size_t lb);

/** The similarity at a script's threshold (see wl_name_edit_similarity). */
#define WL_NAME_EDIT_AGREE 0.92

/**
 * The learned cost of the cheapest edit of a into b (bits), for tests.
 * @return the cost, or -1 as wl_name_edit_similarity.
 */
double wl_name_edit_cost(int script, const char *a, size_t la, const char *b, size_t lb);

/** wl_name_edit_cost by the recurrence as written (a cell's chunks found by
 *  memcmp), for tests: the fast form must give the same bits. */
double wl_name_edit_cost_ref(int script, const char *a, size_t la, const char *b, size_t lb);

#endif /* WL_NAME_EDIT_H */
