/*
 * strsim.h -- string similarity kernels (stage 5, compare): Jaro, Jaro-Winkler,
 * Levenshtein and optimal string alignment, with bit-parallel paths for
 * strings up to 64 bytes and cached one-against-many forms.
 * The plain forms are public (watchlink.h): wl_jaro, wl_jaro_winkler,
 * wl_levenshtein, wl_osa.
 */
#ifndef WL_STRSIM_H
#define WL_STRSIM_H

#include <stddef.h>
#include <stdint.h>

/*
 * Conventions of the plain forms (wl_jaro... in watchlink.h) and these:
 *   - bytes are compared, not code points (names are ASCII after normalisation);
 *   - Jaro/Jaro-Winkler of an empty string (even against another empty one) is
 *     0, as in python-jellyfish, the test oracle;
 *   - max < 0 in the edit distances means no cutoff;
 *   - only strings over 1024 bytes (Jaro) or pairs whose shorter side exceeds
 *     64 bytes and longer 511 (edit distances) allocate; if that fails Jaro
 *     gives 0 and the distances -1.
 */

/* One side prepared once (pattern-match bit vectors) for many comparisons.
 * s must stay valid while the cache is used; strings over 64 bytes are
 * accepted and handled by the plain paths. */
typedef struct {
    uint64_t peq[256];
    const char *s;
    size_t len;
} wl_strsim_cached;

void wl_strsim_prepare(wl_strsim_cached *c, const char *s, size_t len);
/* Sets c, prepared before for the bytes old[0..old_len), to s. Only old's
 * entries of the table are cleared rather than all 256 words (2 KB a query).
 * old is the caller's copy of the previous string (that string itself may be
 * gone); old_len is 0 when the previous string was empty or over 64 bytes
 * (those leave the table all zero). */
void wl_strsim_reprepare(wl_strsim_cached *c, const unsigned char *old, size_t old_len, const char *s,
                         size_t len);
double wl_jaro_winkler_cached(const wl_strsim_cached *c, const char *b, size_t lb);
int wl_levenshtein_cached(const wl_strsim_cached *c, const char *b, size_t lb, int max);
double wl_jaro_cached(const wl_strsim_cached *c, const char *b, size_t lb);
int wl_osa_cached(const wl_strsim_cached *c, const char *b, size_t lb, int max);

/**
 * An upper bound of wl_jaro_winkler(a, la, b, lb) from the strings' byte
 * counts and common prefix (strsim_jaro.c says why it holds), in a few passes
 * over the bytes: a pair whose bound is under a threshold is under it.
 * @return a value >= wl_jaro_winkler(a, la, b, lb), for any bytes; 0 when
 *         either string is empty or they share no byte (the kernel's 0 too).
 */
double wl_jaro_winkler_bound(const char *a, size_t la, const char *b, size_t lb);

/* Plain dynamic-programming references, for tests only (-1 when out of memory). */
double wl_jaro_ref(const char *a, size_t la, const char *b, size_t lb);
double wl_jaro_winkler_ref(const char *a, size_t la, const char *b, size_t lb);
int wl_levenshtein_ref(const char *a, size_t la, const char *b, size_t lb);
int wl_osa_ref(const char *a, size_t la, const char *b, size_t lb);

#endif /* WL_STRSIM_H */
