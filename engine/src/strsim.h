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

/* One side prepared once (pattern-match bit vectors) for many comparisons. */
typedef struct {
    uint64_t peq[256];
    const char *s;
    size_t len;
} wl_strsim_cached;

void wl_strsim_prepare(wl_strsim_cached *c, const char *s, size_t len);
double wl_jaro_winkler_cached(const wl_strsim_cached *c, const char *b, size_t lb);
int wl_levenshtein_cached(const wl_strsim_cached *c, const char *b, size_t lb, int max);

/* Plain dynamic-programming references, for tests only. */
double wl_jaro_ref(const char *a, size_t la, const char *b, size_t lb);
double wl_jaro_winkler_ref(const char *a, size_t la, const char *b, size_t lb);
int wl_levenshtein_ref(const char *a, size_t la, const char *b, size_t lb);
int wl_osa_ref(const char *a, size_t la, const char *b, size_t lb);

#endif /* WL_STRSIM_H */
