/*
 * gen_names.h -- a person's name as one national list writes it: script,
 * romanisation, order, particles, honorifics and the split into columns.
 */
#ifndef WL_GEN_NAMES_H
#define WL_GEN_NAMES_H

#include <stddef.h>

#include "gen_person.h"

enum { GEN_NAME_LEN = 192 };

/* How a list stores names. */
typedef enum {
    GEN_LAYOUT_FULL,               /* one full-name column */
    GEN_LAYOUT_GIVEN_FAMILY,       /* given and family columns */
    GEN_LAYOUT_GIVEN_MIDDLE_FAMILY /* given, middle and family columns */
} gen_layout;

typedef struct {
    char full[GEN_NAME_LEN]; /* GEN_LAYOUT_FULL */
    char given[GEN_NAME_LEN], middle[GEN_NAME_LEN], family[GEN_NAME_LEN];
    char alias[GEN_NAME_LEN * 2]; /* ';'-separated, "" when none */
} gen_name;

/**
 * Renders p's name for list `list` in `layout`. native = 1 writes it in the
 * person's own script (Thai, Jawi/Arabic, Han, Cyrillic) where the culture has
 * one; otherwise the romanisation that list would use.
 * @param want_alias  1 when the list has an alias column
 */
void gen_name_render(const gen_person *p, gen_country_id list, int native, gen_layout layout, int want_alias,
                     gen_rng *r, gen_name *out);

/** out = a + sep + b, truncated to cap bytes with the NUL (out must not alias a or b). */
void gen_concat(char *out, size_t cap, const char *a, const char *sep, const char *b);

/** @return 1 when the culture has a non-Latin script this list may use. */
int gen_native_script_ok(const gen_person *p, gen_country_id list);

#endif /* WL_GEN_NAMES_H */
