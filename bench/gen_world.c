/*
 * gen_world.c -- countries, their naming cultures, and the pool files.
 *
 * Culture shares per nationality are rounded figures from national censuses as
 * summarised in each country's Wikipedia "Demographics of ..." article
 * (Malaysia 2020: Bumiputera Malay ~58 %, Chinese ~23 %, Indian ~7 %;
 * Singapore 2020: Chinese 74 %, Malay 14 %, Indian 9 %; Indonesia: Javanese
 * ~40 %, Muslim ~87 %, Chinese ~1-3 %; Myanmar: Bamar ~68 %; Cambodia: Khmer
 * ~95 %; Vietnam: Kinh ~86 %; Thailand: Thai ~95 %, Malay Muslims in the south
 * ~3 %; Philippines: Muslims ~6 %). They are shaped for a watchlist, not a
 * census: foreign-born and minority suspects are somewhat over-represented.
 */
#include "gen_world.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* clang-format off */
/*                        MAL  JAV  CHI  ARB  TAM  THA  VIE  FIL  BUR  KHM  RUS  CAS */
const gen_country gen_countries[GEN_N_COUNTRIES] = {
    { "IDN", "ID", "Indonesia", "Indonesia", "Indonesia", "idn",
      { .40, .44, .10, .06 } },
    { "MYS", "MY", "Malaysia", "Malaysia", "Malaysia", "mys",
      { .56, .02, .26, .02, .14 } },
    { "THA", "TH", "Thailand", "Thailand", "Thái Lan", "tha",
      { .05, 0, .06, 0, 0, .86, 0, 0, .03 } },
    { "VNM", "VN", "Vietnam", "Vietnam", "Việt Nam", "vnm",
      { 0, 0, .05, 0, 0, 0, .95 } },
    { "PHL", "PH", "Philippines", "Filipina", "Philippines", "phl",
      { .06, 0, .05, 0, 0, 0, 0, .89 } },
    { "MMR", "MM", "Myanmar", "Myanmar", "Myanmar", "mmr",
      { .07, 0, .05, 0, .03, 0, 0, 0, .85 } },
    { "KHM", "KH", "Cambodia", "Kamboja", "Campuchia", "khm",
      { .02, 0, .04, 0, 0, 0, .05, 0, 0, .89 } },
    { "SGP", "SG", "Singapore", "Singapura", "Singapore", "sgp",
      { .14, 0, .74, 0, .09, 0, 0, .03 } },
    { "CHN", "CN", "China", "Tiongkok", "Trung Quốc", NULL, { [CUL_CHINESE] = 1 } },
    { "RUS", "RU", "Russia", "Rusia", "Nga", NULL, { [CUL_RUSSIAN] = .9, [CUL_CENTRAL_ASIAN] = .1 } },
    { "KAZ", "KZ", "Kazakhstan", "Kazakhstan", "Kazakhstan", NULL,
      { [CUL_CENTRAL_ASIAN] = .7, [CUL_RUSSIAN] = .3 } },
    { "UZB", "UZ", "Uzbekistan", "Uzbekistan", "Uzbekistan", NULL, { [CUL_CENTRAL_ASIAN] = 1 } },
    { "IND", "IN", "India", "India", "Ấn Độ", NULL, { [CUL_TAMIL] = 1 } },
    { "SAU", "SA", "Saudi Arabia", "Arab Saudi", "Ả Rập Xê Út", NULL, { [CUL_ARAB] = 1 } },
    { "YEM", "YE", "Yemen", "Yaman", "Yemen", NULL, { [CUL_ARAB] = 1 } },
};

/* clang-format on */

const char *gen_culture_name(gen_culture c)
{
    static const char *const names[CUL_COUNT] = {"malay",   "javanese", "chinese", "arab",
                                                 "tamil",   "thai",     "viet",    "filipino",
                                                 "burmese", "khmer",    "russian", "central_asian"};
    return (unsigned)c < CUL_COUNT ? names[c] : "?";
}

static const struct {
    size_t offset;
    const char *file, *header; /* header: the expected columns, tab-joined */
} g_pool_files[] = {
#define P(field, file, header)                                                                               \
    {                                                                                                        \
        offsetof(gen_pools, field), file, header                                                             \
    }
    P(muslim_m, "muslim_male", "weight\tlatin\tarabic\tvariants"),
    P(muslim_f, "muslim_female", "weight\tlatin\tarabic\tvariants"),
    P(arabic_family, "arabic_family", "weight\tlatin\tarabic\tvariants"),
    P(javanese, "javanese", "weight\tlatin\tvariants\tgender"),
    P(indo_m, "indonesian_given_male", "weight\tlatin"),
    P(indo_f, "indonesian_given_female", "weight\tlatin"),
    P(chinese_family, "chinese_family", "weight\than\tpinyin\thokkien\tcantonese"),
    P(chinese_given, "chinese_given", "weight\than\tpinyin\thokkien\tcantonese\tgender"),
    P(thai_m, "thai_given_male", "weight\tthai\trtgs\tvariants"),
    P(thai_f, "thai_given_female", "weight\tthai\trtgs\tvariants"),
    P(thai_family, "thai_family", "weight\tthai\trtgs\tvariants"),
    P(thai_family_parts, "thai_family_parts", "weight\tthai\trtgs\tvariants\tslot"),
    P(thai_nick, "thai_nicknames", "weight\tthai\tlatin\tgender"),
    P(viet_family, "viet_family", "weight\tviet\tascii"),
    P(viet_m, "viet_given_male", "weight\tviet\tascii"),
    P(viet_f, "viet_given_female", "weight\tviet\tascii"),
    P(filipino_family, "filipino_family", "weight\tlatin\tvariants"),
    P(filipino_given, "filipino_given", "weight\tlatin\tvariants\tgender"),
    P(spanish_tail, "spanish_family_tail", "weight\tlatin"),
    P(burmese, "burmese_syllables", "weight\tlatin\tvariants\tgender"),
    P(khmer_family, "khmer_family", "weight\tlatin\tvariants"),
    P(khmer_given, "khmer_given", "weight\tlatin\tvariants\tgender"),
    P(tamil, "tamil_given", "weight\tlatin\tvariants\tgender"),
    P(russian_m, "russian_given_male", "weight\tcyrillic\tlatin\tvariants"),
    P(russian_f, "russian_given_female", "weight\tcyrillic\tlatin\tvariants"),
    P(russian_family, "russian_family", "weight\tcyrillic\tlatin\tvariants\tcyrillic_f\tlatin_f"),
    P(russian_pat_m, "russian_patronymic_male", "weight\tcyrillic\tlatin\tvariants"),
    P(russian_pat_f, "russian_patronymic_female", "weight\tcyrillic\tlatin\tvariants"),
    P(ca_family, "central_asian_family", "weight\tcyrillic\tlatin\tvariants\tcyrillic_f\tlatin_f"),
    P(ca_m, "central_asian_given_male", "weight\tcyrillic\tlatin\tvariants"),
    P(ca_f, "central_asian_given_female", "weight\tcyrillic\tlatin\tvariants"),
    P(places, "places", "weight\tiso3\tlocal\tlatin\tvariants"),
#undef P
};
enum { GEN_N_POOL_FILES = sizeof g_pool_files / sizeof g_pool_files[0] };

static int header_is(const gen_pool *p, const char *want)
{
    char got[256] = "";
    size_t n = 0;
    for (size_t i = 0; i < p->n_cols && n < sizeof got; i++)
        n += (size_t)snprintf(got + n, sizeof got - n, "%s%s", i ? "\t" : "", p->col_name[i]);
    return strcmp(got, want) == 0;
}

/* Finds each country's run of rows in places.tsv (rows are grouped by country). */
static int index_places(gen_pools *p, const char *dir, char *err, size_t errcap)
{
    const gen_pool *pl = &p->places;
    for (int c = 0; c < GEN_N_COUNTRIES; c++) {
        size_t lo = pl->n_rows, hi = 0, n = 0;
        for (size_t i = 0; i < pl->n_rows; i++)
            if (!strcmp(gen_pool_cell(pl, i, GEN_COL_PLACE_ISO3), gen_countries[c].iso3)) {
                if (i < lo) lo = i;
                hi = i + 1;
                n++;
            }
        if (n == 0 || hi - lo != n) {
            snprintf(err, errcap, "%s/places.tsv: rows of %s missing or not together", dir,
                     gen_countries[c].iso3);
            return -1;
        }
        p->place_lo[c] = lo;
        p->place_hi[c] = hi;
    }
    return 0;
}

int gen_pools_load(gen_pools *p, const char *dir, char *err, size_t errcap)
{
    memset(p, 0, sizeof *p);
    for (size_t i = 0; i < GEN_N_POOL_FILES; i++) {
        gen_pool *pool = (gen_pool *)((char *)p + g_pool_files[i].offset);
        if (gen_pool_load(pool, dir, g_pool_files[i].file, err, errcap) != 0) {
            gen_pools_free(p);
            return -1;
        }
        if (!header_is(pool, g_pool_files[i].header)) {
            snprintf(err, errcap, "%s/%s.tsv: header must be '%s'", dir, g_pool_files[i].file,
                     g_pool_files[i].header);
            gen_pools_free(p);
            return -1;
        }
    }
    if (index_places(p, dir, err, errcap) != 0) {
        gen_pools_free(p);
        return -1;
    }
    return 0;
}

void gen_pools_free(gen_pools *p)
{
    for (size_t i = 0; i < GEN_N_POOL_FILES; i++)
        gen_pool_free((gen_pool *)((char *)p + g_pool_files[i].offset));
}
