/*
 * name.h -- name normalisation (stage 2): Unicode folding, transliteration of
 * non-Latin scripts, parsing into parts, titles, particles, variants and keys.
 */
#ifndef WL_NAME_H
#define WL_NAME_H

#include <stddef.h>
#include <stdint.h>

/* What kind of column a name value came from. */
enum { WL_NAME_FULL = 0, WL_NAME_GIVEN = 1, WL_NAME_MIDDLE = 2, WL_NAME_FAMILY = 3 };

/* Part flags. */
enum {
    WL_PART_PARTICLE = 1u << 0, /* bin, binti, a/l, al, van, de...: weighs little */
    WL_PART_INITIAL  = 1u << 1, /* a single letter ("M." of Muhammad) */
    WL_PART_FAMILY   = 1u << 2, /* the list says this is the family name */
    WL_PART_GIVEN    = 1u << 3, /* the list says this is a given name */
    WL_PART_SPLIT    = 1u << 4  /* split off a joined form (abdulrahman -> abdul rahman) */
};

enum { WL_NAME_MAX_PARTS = 16 };

typedef struct {
    const char *text;    /* normalised spelling: lowercase Latin letters/digits */
    uint16_t len;
    const char *canon;   /* canonical variant (muhammad for mohd, ...), == text when none */
    uint16_t canon_len;
    uint32_t dm1, dm2;   /* Double Metaphone primary and alternate, packed (wl_dm_pack) */
    uint64_t h_text;     /* XXH3 of text */
    uint64_t h_canon;    /* XXH3 of canon */
    uint64_t h_skel;     /* XXH3 of the consonant skeleton of canon */
    uint8_t flags;       /* WL_PART_* */
} wl_namepart;

/* One context per thread: it owns the ICU transliterators (which are not
 * thread-safe), a cache of recent strings, and the scratch the parts point into. */
typedef struct wl_namectx wl_namectx;

/** @return a context, or NULL when ICU or memory fails. */
wl_namectx *wl_namectx_create(void);
void wl_namectx_free(wl_namectx *ctx);

/**
 * Normalises one name value into parts. Part strings point into ctx and stay
 * valid until the next call with the same ctx.
 * @param kind  WL_NAME_* (FULL understands "FAMILY, Given")
 * @return the number of parts written (0..max)
 */
int wl_name_parse(wl_namectx *ctx, const char *s, size_t n, int kind, wl_namepart *out, int max);

/**
 * Folds any text to lowercase Latin: NFKC, case fold, transliteration, marks
 * stripped; punctuation kept as is. Used for names, places and free text.
 * @return the output length (output NUL-terminated, truncated to cap-1).
 */
size_t wl_text_fold(wl_namectx *ctx, const char *s, size_t n, char *out, size_t cap);

/** Double Metaphone (Philips 2000): primary and alternate codes, up to 4 chars. */
void wl_double_metaphone(const char *s, size_t n, char primary[5], char alternate[5]);
/** @return a code of up to 4 ASCII chars packed into 32 bits (0 for empty). */
uint32_t wl_dm_pack(const char *code);

/** Consonant skeleton: letters without vowels (and y/w/h after the first), doubles collapsed. */
size_t wl_skeleton(const char *s, size_t n, char *out, size_t cap);

#endif /* WL_NAME_H */
