/*
 * digits.h -- Unicode digits and per-character folding for short field values
 * (dates, document numbers, country and gender words), and a small read-only word
 * map built once from a data table. Internal: not API.
 *
 * Folding is per code point and allocation-free so that the stage-2 parsers can
 * run on every record without touching the heap.
 */
#ifndef WL_DIGITS_H
#define WL_DIGITS_H

#include <stddef.h>
#include <stdint.h>

/** Decodes one UTF-8 code point from s[0..n). @return bytes consumed (>= 1); an
 *  invalid or truncated sequence consumes 1 byte and yields *cp = -1. @pre n > 0 */
size_t wl_utf8_next(const char *s, size_t n, int32_t *cp);

/** Appends code point cp as UTF-8 to out[*len..cap), advancing *len.
 *  @return 0 (an invalid cp writes nothing), or -1 when it does not fit. */
int wl_utf8_put(int32_t cp, char *out, size_t cap, size_t *len);

/** @return the decimal value 0..9 of a Unicode decimal digit (ASCII, Thai, Lao,
 *  Khmer, Myanmar, Arabic-Indic, Persian, Devanagari, fullwidth...), else -1. */
int wl_digit_value(int32_t cp);

/**
 * Folds one code point for matching: digits become ASCII digits, fullwidth ASCII
 * becomes ASCII, Latin letters are lower-cased and lose their accents (ß -> ss,
 * đ -> d), Cyrillic and Greek are lower-cased, Unicode dashes become '-', spaces
 * become ' ', combining marks after Latin letters are dropped. Other scripts (Thai,
 * Myanmar, Han...) are kept as they are.
 * @return the number of code points written to out (0 = drop), at most 4.
 */
int wl_fold_cp(int32_t cp, int32_t out[4]);

/** @return 1 when cp is a letter or a combining mark (part of a word). */
int wl_is_word_cp(int32_t cp);

/**
 * Folds s[0..n) into a lookup key: only letters, marks and digits are kept (spaces
 * and punctuation dropped), each folded by wl_fold_cp, written as UTF-8.
 * @return the key length, or -1 when it does not fit in cap bytes.
 */
int wl_fold_key(const char *s, size_t n, char *out, size_t cap);

/* ---- word map: folded key -> small integer, open addressing, read-only after build ---- */
typedef struct {
    uint64_t hash;
    uint32_t off;     /* key bytes at pool + off */
    uint16_t len;
    int16_t used;
    int32_t value;
} wl_wordmap_slot;

typedef struct {
    wl_wordmap_slot *slots;
    uint32_t mask;         /* slot count - 1, a power of two */
    uint32_t count;
    char *pool;
    size_t pool_used, pool_cap;
} wl_wordmap;

/** Uses caller-provided storage (static arrays): nslots must be a power of two. */
void wl_wordmap_init(wl_wordmap *m, wl_wordmap_slot *slots, uint32_t nslots, char *pool,
                     size_t pool_cap);
/** Adds an already-folded key. The first value given for a key wins.
 *  @return 1 added, 0 already present, -1 out of room (map kept at most 3/4 full). */
int wl_wordmap_put(wl_wordmap *m, const char *key, size_t len, int32_t value);
/** @return 1 and *value when the folded key is present, else 0. */
int wl_wordmap_get(const wl_wordmap *m, const char *key, size_t len, int32_t *value);

#endif /* WL_DIGITS_H */
