/*
 * country.h -- nationality and gender codes (stage 2), from datasets/tables.
 */
#ifndef WL_COUNTRY_H
#define WL_COUNTRY_H

#include <stddef.h>
#include <stdint.h>

/** Packs an alpha-3 code ("IDN") into 24 bits; 0 means unknown. */
static inline uint32_t wl_alpha3_pack(const char *c)
{
    return ((uint32_t)(unsigned char)c[0] << 16) | ((uint32_t)(unsigned char)c[1] << 8) |
           (uint32_t)(unsigned char)c[2];
}
static inline void wl_alpha3_unpack(uint32_t v, char out[4])
{
    out[0] = (char)(v >> 16); out[1] = (char)(v >> 8); out[2] = (char)v; out[3] = '\0';
}

/** Maps a code (alpha-2/alpha-3), English name, demonym or local name to alpha-3.
 * @return the packed code, or 0 when unknown. Thread-safe after first use. */
uint32_t wl_country_code(const char *s, size_t n);

/** Strict code lookup, for prefixes of document numbers: s[0..n) must be an ISO
 * 3166-1 alpha-3 (n == 3) or alpha-2 (n == 2) code, in either case.
 * @return the packed alpha-3, or 0 (names, demonyms and ICAO-only codes give 0). */
uint32_t wl_country_from_code(const char *s, size_t n);

/** Maps M/F, male/female, L/P, ชาย/หญิง ... to 'M' or 'F'; 0 when unknown. */
char wl_gender_code(const char *s, size_t n);

#endif /* WL_COUNTRY_H */
