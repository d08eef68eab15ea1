/*
 * gen_pool.h -- weighted name pools read from datasets/pools/NAME.tsv.
 *
 * A pool file has '#' provenance lines, a header row whose first column is
 * "weight", then one row per name. Optional columns: "gender" (m / f / u) lets
 * a draw be restricted to one sex ("slot", 1 / 2 / u, does the same for the
 * first or second element of a compound, drawn as 'M' / 'F'); "variants" holds ';'-separated alternative
 * spellings. Draws are by cumulative weight, so a few very common names and a
 * long tail come out in the proportions the file gives.
 */
#ifndef WL_GEN_POOL_H
#define WL_GEN_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "gen_rng.h"

enum { GEN_POOL_MAX_COLS = 8 };

typedef struct {
    char name[64];
    char *text; /* file bytes; cells are NUL-terminated in place */
    size_t n_rows, n_cols;
    const char **cells; /* n_rows * n_cols */
    const char *col_name[GEN_POOL_MAX_COLS];
    uint64_t *cum[3];         /* cumulative weights: any sex, male, female */
    int c_variants, c_gender; /* column indices, -1 when absent */
} gen_pool;

/** Reads DIR/NAME.tsv. @return 0, or -1 with a message in err. */
int gen_pool_load(gen_pool *p, const char *dir, const char *name, char *err, size_t errcap);
void gen_pool_free(gen_pool *p);

/** Parses a pool from text (NUL-terminated, malloc'd; the pool takes it over and
 * frees it, also on failure). @return 0, or -1 with a message in err. */
int gen_pool_parse(gen_pool *p, const char *name, char *text, char *err, size_t errcap);

/** @return the index of a column by header name, or -1. */
int gen_pool_col(const gen_pool *p, const char *col);

/** @return cell (row, col); "" when col < 0. */
const char *gen_pool_cell(const gen_pool *p, size_t row, int col);

/** @return a row drawn by weight; sex 'M' or 'F' keeps rows of that gender or
 * "u" (pools without a gender column ignore sex). */
size_t gen_pool_pick(const gen_pool *p, gen_rng *r, char sex);

/** @return a row drawn by weight among rows [lo, hi), lo < hi <= n_rows. */
size_t gen_pool_pick_range(const gen_pool *p, gen_rng *r, size_t lo, size_t hi);

/** Copies one ';'-separated entry of list, drawn uniformly, into out.
 * @return 1 when a variant was copied, 0 when list is empty. */
int gen_pick_variant(const char *list, gen_rng *r, char *out, size_t cap);

#endif /* WL_GEN_POOL_H */
