/*
 * doc.h -- document numbers and machine-readable zones (stage 2), ICAO 9303.
 */
#ifndef WL_DOC_H
#define WL_DOC_H

#include <stddef.h>
#include <stdint.h>

#include "normalise/date.h"

enum { WL_DOC_MAX = 32 };

typedef struct {
    char core[WL_DOC_MAX];   /* uppercase alphanumerics, separators dropped, NUL-terminated */
    uint8_t core_len;
    char ocr[WL_DOC_MAX];    /* OCR-folded key: O,Q,D->0 I,L->1 Z->2 S->5 G->6 B->8 (doc.c) */
    uint8_t ocr_len;
    char country[4];         /* ISO alpha-3 prefix recognised and removed, or "" */
    int8_t check;            /* -1 no check digit found, 0 wrong, 1 right (ICAO 7-3-1);
                                core and ocr keep the check digit as written */
} wl_doc;

/** Normalises one document number. @return 1 when a usable core remains, else 0. */
int wl_doc_normalize(const char *s, size_t n, wl_doc *out);

/**
 * The one OCR-confusion table (doc.c explains it): O, Q, D -> 0; I, L -> 1; Z -> 2;
 * S -> 5; G -> 6; B -> 8; any other character unchanged. The document key folds
 * every character with it, and an MRZ reads a letter in a digit-only position
 * with it before the check digits (mrz.c).
 */
char wl_ocr_digit(char c);

/** ICAO 9303 check digit over s[0..n) (weights 7,3,1; '<' = 0, A = 10 ...). -1 on a bad char. */
int wl_icao_check_digit(const char *s, size_t n);

typedef struct {
    int format;              /* 1 = TD1 (3 x 30), 2 = TD2 (2 x 36), 3 = TD3 (2 x 44) */
    char doc_code[3];
    char issuer[4];
    char family[64];         /* '<' turned into spaces, trimmed */
    char given[96];
    char doc_number[24];     /* '<' fillers dropped; TD1 numbers up to 22 characters */
    char nationality[4];
    char dob[7];             /* YYMMDD as printed; letters misread for digits repaired */
    char sex;                /* 'M', 'F' or 0 */
    char expiry[7];
    int checks_ok;           /* 1 when every check digit verified */
} wl_mrz;

/**
 * Parses a TD3, TD2 or TD1 machine-readable zone, or an MRV-A/MRV-B visa (lines
 * separated by newlines, spaces or nothing; trailing fillers of separated lines may
 * be missing). @return 1 when the zone has the layout of a known format, with
 * checks_ok telling whether every check digit verified (why names the first that
 * did not); 0 with a reason in why (bad length or character).
 */
int wl_mrz_parse(const char *s, size_t n, wl_mrz *out, char *why, size_t whycap);

/**
 * The date of birth of a parsed zone: YYMMDD with the century of wl_date_century
 * under reference_year (<= 0: WL_DATE_REFERENCE_YEAR); '<' or 00 in the month or
 * day leaves the year or month precision.
 * @return 1 with *out set, or 0 when the year is not two digits.
 */
int wl_mrz_birth_date(const wl_mrz *m, int reference_year, wl_date *out);

#endif /* WL_DOC_H */
