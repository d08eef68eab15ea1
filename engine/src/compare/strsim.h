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
double wl_jaro_winkler_cached(const wl_strsim_cached *c, const char *b, size_t lb);
int wl_levenshtein_cached(const wl_strsim_cached *c, const char *b, size_t lb, int max);
double wl_jaro_cached(const wl_strsim_cached *c, const char *b, size_t lb);
int wl_osa_cached(const wl_strsim_cached *c, const char *b, size_t lb, int max);

/* Plain dynamic-programming references, for tests only (-1 when out of memory). */
double wl_jaro_ref(const char *a, size_t la, const char *b, size_t lb);
double wl_jaro_winkler_ref(const char *a, size_t la, const char *b, size_t lb);
int wl_levenshtein_ref(const char *a, size_t la, const char *b, size_t lb);
int wl_osa_ref(const char *a, size_t la, const char *b, size_t lb);

#endif /* WL_STRSIM_H */
