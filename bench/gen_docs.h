/*
 * gen_docs.h -- document numbers of realistic shape per country.
 */
#ifndef WL_GEN_DOCS_H
#define WL_GEN_DOCS_H

#include <stddef.h>

#include "gen_person.h"

/** Writes a passport number in the format of nationality nat. */
void gen_passport(gen_country_id nat, gen_rng *r, char *out, size_t cap);

/** Writes the national identity number of p (from its nationality, date of birth,
 * sex and family region), or "" for nationalities without one here. */
void gen_national_id(const gen_person *p, gen_rng *r, char *out, size_t cap);

/** Thai ID check digit over the first 12 digits (mod 11, weights 13..2). */
int gen_thai_id_check(const char *digits12);
/** Singapore NRIC check letter for prefix 'S' or 'T' and 7 digits. */
char gen_nric_letter(char prefix, const char *digits7);

#endif /* WL_GEN_DOCS_H */
