/*
 * gen_dates.h -- a date of birth as one list writes it, with the errors
 * real lists carry.
 */
#ifndef WL_GEN_DATES_H
#define WL_GEN_DATES_H

#include <stddef.h>

#include "gen_person.h"

/* Per-record rates (documented in datasets/README.md). */
#define GEN_RATE_DOB_PLACEHOLDER 0.02  /* recorded as 1 January of the year */
#define GEN_RATE_DOB_YEAR_ONLY   0.03  /* only the year (Myanmar, Cambodia: 0.08) */
#define GEN_RATE_DOB_CIRCA       0.01  /* "circa 1978" and local equivalents */
#define GEN_RATE_DOB_RANGE       0.005 /* a range of years, "1975-1977" (Myanmar, Cambodia: 0.015) */
#define GEN_RATE_DOB_YEAR_OFF    0.015 /* year off by one (age-based estimate) */
#define GEN_RATE_DOB_SWAP        0.02  /* day and month swapped (when both <= 12) */
#define GEN_RATE_DOB_DIGIT       0.01  /* one digit of the day or month mistyped */

/**
 * Writes p's date of birth as list `list` would (its formats, calendars and
 * month names; Thai script records use the Buddhist Era), after applying the
 * record-level errors above. Missing dates give "".
 * @param thai_script  1 for a THA record written in Thai script
 */
void gen_dob_render(const gen_person *p, gen_country_id list, int thai_script, gen_rng *r, char *out,
                    size_t cap);

/** Rate of records whose date of birth is left empty, per list. */
double gen_dob_missing_rate(gen_country_id list);

#endif /* WL_GEN_DATES_H */
