/* features_crec.c -- the comparator's one-line view of each record (wl_crec).
 *
 * The comparator walks candidate pairs sorted by their first record, so the
 * second record is the one that misses the caches. Its run starts live in five
 * arrays and its gender and place in two more; at 2 x 10^6 records perf showed
 * wl_compare's own time almost all in the first loads of those arrays. One
 * 64-byte record per person holds them all, with the first date and document
 * inline (most records have one of each), so a pair starts with one miss. */
#include "features/featureset.h"

#include <stdlib.h>

_Static_assert(sizeof(wl_crec) <= 64, "a wl_crec fits one cache line");

int wl_features_build_crec(wl_features *f)
{
    free(f->crec);
    f->crec = NULL;
    if (f->n == 0) return 0;
    /* counts are 16-bit: a record with more values keeps the array path */
    for (size_t i = 0; i < f->n; i++)
        if (f->part_start[i + 1] - f->part_start[i] > UINT16_MAX ||
            f->date_start[i + 1] - f->date_start[i] > UINT16_MAX ||
            f->doc_start[i + 1] - f->doc_start[i] > UINT16_MAX ||
            f->nat_start[i + 1] - f->nat_start[i] > UINT16_MAX ||
            f->tok_start[i + 1] - f->tok_start[i] > UINT16_MAX)
            return 0;
    wl_crec *c = aligned_alloc(64, (f->n * sizeof *c + 63) / 64 * 64);
    if (!c) return -1;
    for (size_t i = 0; i < f->n; i++) c[i] = wl_f_crec(f, i); /* f->crec is still NULL: the arrays */
    f->crec = c;
    return 0;
}
