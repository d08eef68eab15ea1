/*
 * gen_corrupt.h -- the errors clerks, scanners and transcription make.
 *
 * All functions edit a NUL-terminated buffer of capacity cap in place, touch
 * only ASCII bytes (never split a UTF-8 sequence) and keep the result
 * NUL-terminated within cap.
 */
#ifndef WL_GEN_CORRUPT_H
#define WL_GEN_CORRUPT_H

#include <stddef.h>

#include "gen_rng.h"

/* Per-record rates (documented in datasets/README.md). The typing-error mix
 * (substitution, deletion, insertion, transposition) follows Damerau (1964),
 * who found over 80 % of misspellings to be one such edit. */
#define GEN_RATE_NAME_TYPO  0.04 /* one typing error in a name field */
#define GEN_RATE_NAME_TYPO2 0.01 /* a second one */
#define GEN_RATE_DROP_PART  0.03 /* one given-name part left out */
#define GEN_RATE_DOC_OCR    0.03 /* OCR confusion in a document number (0/O, 1/I, 5/S, 8/B, 2/Z, 6/G) */
#define GEN_RATE_DOC_TYPO   0.02 /* typing error in a document number */

/** One typing error at a random ASCII letter: substitution by a keyboard
 * neighbour, deletion, doubling or transposition. @return 1 when s changed. */
int gen_typo(char *s, size_t cap, gen_rng *r);

/** One OCR confusion among 0/O, 1/I, 5/S, 8/B, 2/Z, 6/G. @return 1 when s changed. */
int gen_ocr(char *s, gen_rng *r);

/** One typing error in a document number: digit replaced, two adjacent
 * characters swapped, or a character dropped. @return 1 when s changed. */
int gen_doc_typo(char *s, gen_rng *r);

/** Upper-cases s when it is all ASCII (lists that write names in capitals). */
void gen_upper_ascii(char *s);

#endif /* WL_GEN_CORRUPT_H */
