/*
 * compare.h -- comparison vectors (stage 5). One level per field; level 0 is
 * always "missing" (contributes nothing to the score), then levels rise from
 * disagreement to exact agreement.
 */
#ifndef WL_COMPARE_H
#define WL_COMPARE_H

#include "featureset.h"

enum { WL_MAX_LEVELS = 8 };

typedef struct {
    uint8_t level[WL_FIELD_COUNT];
    uint8_t dob_swap;   /* 1 when the dob agreed only with day and month swapped */
    float name_rare;    /* wl_namesim.rare_bits of the best name pair */
} wl_cmpvec;

/** @return the number of levels of field f, "missing" included. */
int wl_field_levels(wl_field f);

/** Compares records a and b of f. Thread-safe. */
void wl_compare(const wl_features *f, uint32_t a, uint32_t b, wl_cmpvec *out);

#endif /* WL_COMPARE_H */
