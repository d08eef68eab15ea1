/* features_crec.c -- the comparator's one-line view of each record (wl_crec).
 *
 * The comparator walks candidate pairs sorted by their first record, so the
 * second record is the one that misses the caches. Its run starts live in five
 * arrays and its gender and place in two more; at 2 x 10^6 records perf showed
 * wl_compare's own time almost all in the first loads of those arrays. One
 * 64-byte record per person holds them all, with the first date and document
 * inline (most records have one of each), so a pair starts with one miss. */
#include "features/featureset.h"

#include <stddef.h>
#include <stdlib.h>

_Static_assert(sizeof(wl_crec) <= 64, "a wl_crec fits one cache line");
/* The comparator reads the runs by name (c.part, c.n_doc), the build by number
 * (c.start[WL_FRUN_PARTS]): the names must sit on their runs' numbers. */
_Static_assert(offsetof(wl_crec, part) == offsetof(wl_crec, start) + WL_FRUN_PARTS * 4 &&
                   offsetof(wl_crec, date) == offsetof(wl_crec, start) + WL_FRUN_DATES * 4 &&
                   offsetof(wl_crec, doc) == offsetof(wl_crec, start) + WL_FRUN_DOCS * 4 &&
                   offsetof(wl_crec, nat) == offsetof(wl_crec, start) + WL_FRUN_NATS * 4 &&
                   offsetof(wl_crec, tok) == offsetof(wl_crec, start) + WL_FRUN_TOKS * 4,
               "wl_crec's named run starts follow WL_FEATURE_RUNS");
_Static_assert(offsetof(wl_crec, n_part) == offsetof(wl_crec, count) + WL_FRUN_PARTS * 2 &&
                   offsetof(wl_crec, n_date) == offsetof(wl_crec, count) + WL_FRUN_DATES * 2 &&
                   offsetof(wl_crec, n_doc) == offsetof(wl_crec, count) + WL_FRUN_DOCS * 2 &&
                   offsetof(wl_crec, n_nat) == offsetof(wl_crec, count) + WL_FRUN_NATS * 2 &&
                   offsetof(wl_crec, n_tok) == offsetof(wl_crec, count) + WL_FRUN_TOKS * 2,
               "wl_crec's named run lengths follow WL_FEATURE_RUNS");

int wl_features_build_crec(wl_features *f)
{
    free(f->crec);
    f->crec = NULL;
    if (f->n == 0) return 0;
    /* counts are 16-bit: a record with more values keeps the array path */
    for (size_t i = 0; i < f->n; i++) {
#define RUN_(id, start, data, type, rebase) \
        if (f->start[i + 1] - f->start[i] > UINT16_MAX) return 0;
        WL_FEATURE_RUNS(RUN_)
#undef RUN_
    }
    wl_crec *c = aligned_alloc(64, (f->n * sizeof *c + 63) / 64 * 64);
    if (!c) return -1;
    for (size_t i = 0; i < f->n; i++) c[i] = wl_f_crec(f, i); /* f->crec is still NULL: the arrays */
    f->crec = c;
    return 0;
}
