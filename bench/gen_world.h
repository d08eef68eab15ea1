/*
 * gen_world.h -- who lives where: the countries whose lists the generator
 * writes, the nationalities of the persons, the naming cultures, and the name
 * pools each culture draws from.
 */
#ifndef WL_GEN_WORLD_H
#define WL_GEN_WORLD_H

#include "gen_pool.h"

/* The first GEN_N_LISTS countries can have a national list, in this order
 * (--lists K takes the first K); the others only appear as nationalities. */
typedef enum {
    GEN_IDN,
    GEN_MYS,
    GEN_THA,
    GEN_VNM,
    GEN_PHL,
    GEN_MMR,
    GEN_KHM,
    GEN_SGP,
    GEN_CHN,
    GEN_RUS,
    GEN_KAZ,
    GEN_UZB,
    GEN_IND,
    GEN_SAU,
    GEN_YEM,
    GEN_N_COUNTRIES
} gen_country_id;
enum { GEN_N_LISTS = GEN_SGP + 1 };

typedef enum {
    CUL_MALAY,         /* Malay / Indonesian Muslim: Arabic-origin given names, bin/binti father */
    CUL_JAVANESE,      /* Javanese and other Indonesian: mononyms or two given names */
    CUL_CHINESE,       /* family first; Hokkien / Cantonese / pinyin romanisations, Han script */
    CUL_ARAB,          /* given, father, family (Al-...) */
    CUL_TAMIL,         /* given + a/l, a/p, s/o, d/o + father's given */
    CUL_THAI,          /* given, family; Thai script and RTGS / passport spellings */
    CUL_VIET,          /* family, middle, given; diacritics */
    CUL_FILIPINO,      /* given, middle = mother's maiden surname, family */
    CUL_BURMESE,       /* no family name; honorifics U, Daw, Ko, Ma, Maung */
    CUL_KHMER,         /* family first */
    CUL_RUSSIAN,       /* given, patronymic, family; Cyrillic */
    CUL_CENTRAL_ASIAN, /* Russian-style names with Central Asian family names */
    CUL_COUNT
} gen_culture;

typedef struct {
    const char *iso3, *iso2, *english, *indonesian, *vietnamese;
    const char *list_file;   /* "idn" (lists only) */
    double share[CUL_COUNT]; /* cultures of its nationals */
} gen_country;

extern const gen_country gen_countries[GEN_N_COUNTRIES];
const char *gen_culture_name(gen_culture c);

/* Every pool, loaded once. Column layouts are checked at load time, so the
 * renderers can address columns by position (see GEN_COL_*). */
typedef struct {
    gen_pool muslim_m, muslim_f, arabic_family, javanese, indo_m, indo_f;
    gen_pool chinese_family, chinese_given, thai_m, thai_f, thai_family, thai_family_parts, thai_nick;
    gen_pool viet_family, viet_m, viet_f, filipino_family, filipino_given, spanish_tail;
    gen_pool burmese, khmer_family, khmer_given, tamil;
    gen_pool russian_m, russian_f, russian_family, russian_pat_m, russian_pat_f;
    gen_pool ca_family, ca_m, ca_f;
    gen_pool places; /* grouped by country: rows [place_lo, place_hi) */
    size_t place_lo[GEN_N_COUNTRIES], place_hi[GEN_N_COUNTRIES];
} gen_pools;

/* Column positions (0 is the weight). */
enum {
    GEN_COL_LATIN = 1,
    GEN_COL_ARABIC = 2, /* latin pools / muslim pools */
    GEN_COL_HAN = 1,
    GEN_COL_PINYIN = 2,
    GEN_COL_HOKKIEN = 3,
    GEN_COL_CANTONESE = 4,
    GEN_COL_THAI = 1,
    GEN_COL_RTGS = 2,
    GEN_COL_VIET = 1,
    GEN_COL_ASCII = 2,
    GEN_COL_PLACE_ISO3 = 1,
    GEN_COL_PLACE_LOCAL = 2,
    GEN_COL_PLACE_LATIN = 3,
    GEN_COL_CYR = 1,
    GEN_COL_CYR_LATIN = 2,
    GEN_COL_CYR_F = 4,
    GEN_COL_LATIN_F = 5
};

/** Loads every pool from dir. @return 0, or -1 with err set (and nothing to free). */
int gen_pools_load(gen_pools *p, const char *dir, char *err, size_t errcap);
void gen_pools_free(gen_pools *p);

#endif /* WL_GEN_WORLD_H */
