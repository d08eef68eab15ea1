/*
 * gen_lists.h -- the national lists: each country's columns, headers, name
 * layout, encodings of sex and nationality, document columns, and the CSV row.
 */
#ifndef WL_GEN_LISTS_H
#define WL_GEN_LISTS_H

#include <stdio.h>

#include "gen_names.h"

/* What a column holds. */
typedef enum {
    GEN_F_ID,
    GEN_F_FULL,
    GEN_F_GIVEN,
    GEN_F_MIDDLE,
    GEN_F_FAMILY,
    GEN_F_ALIAS,
    GEN_F_FATHER,
    GEN_F_DOB,
    GEN_F_SEX,
    GEN_F_NAT,
    GEN_F_NATID,
    GEN_F_PASSPORT,
    GEN_F_NATID_OR_PASSPORT,
    GEN_F_DOC_TYPE,
    GEN_F_DOC_NUMBER,
    GEN_F_DOC_COUNTRY,
    GEN_F_POB
} gen_field;

enum { GEN_MAX_COLS = 10 };

typedef struct {
    const char *file;      /* file name without .csv: the source name */
    const char *id_format; /* printf format of the record id (one unsigned) */
    gen_layout layout;
    double upper; /* share of records written in capitals */
    int n_cols;
    const char *header[GEN_MAX_COLS];
    gen_field field[GEN_MAX_COLS];
} gen_list_spec;

/* Per-record rates (documented in datasets/README.md). */
#define GEN_RATE_SEX_MISSING    0.03
#define GEN_RATE_NAT_MISSING    0.05
#define GEN_RATE_NAT_OTHER      0.02 /* another nationality (dual, false or mistaken) */
#define GEN_RATE_PASSPORT_SHOWN 0.6  /* a passport the person holds appears in the record */
#define GEN_RATE_NATID_SHOWN    0.85 /* the national id, in lists of the issuing country */
#define GEN_RATE_POB_MISSING    0.35 /* place of birth left empty */

const gen_list_spec *gen_list_spec_of(gen_country_id list);

/** Writes the list's header row. */
void gen_list_write_header(FILE *f, gen_country_id list);

/** Writes one record of person p with record id `id` (the number given to
 * id_format). native = 1 writes the name in the person's own script. */
void gen_list_write_record(FILE *f, gen_country_id list, const gen_person *p, unsigned id, int native,
                           gen_rng *r);

/** Writes the record id as the list formats it. */
void gen_list_format_id(gen_country_id list, unsigned id, char *out, size_t cap);

/** Writes s as one CSV field through the engine's one writer (wl_csv_write_field). */
void gen_csv_field(FILE *f, const char *s);

#endif /* WL_GEN_LISTS_H */
