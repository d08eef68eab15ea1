/*
 * gen_person.h -- one synthetic person: who they are, independent of how any
 * list writes them (that is gen_names.c / gen_lists.c).
 */
#ifndef WL_GEN_PERSON_H
#define WL_GEN_PERSON_H

#include <stdint.h>

#include "gen_world.h"

enum { GEN_MAX_GIVEN = 3, GEN_DOC_LEN = 24 };

/* A name part: a row of a pool. */
typedef struct {
    const gen_pool *pool;
    uint32_t row;
} gen_part;

typedef struct {
    uint64_t pid; /* person number: the truth cluster id */
    gen_culture culture;
    gen_country_id nat;
    char sex;             /* 'M' or 'F' */
    int year, month, day; /* the true date of birth */
    int n_given;
    gen_part given[GEN_MAX_GIVEN];
    int has_family, has_father, has_mother;
    gen_part family; /* family name (none for Malay, Javanese, Tamil, Burmese) */
    int has_family2;
    gen_part family2;    /* second element of a compound Thai surname */
    gen_part father;     /* father's given name or patronymic (bin X, a/l X, -ovich) */
    gen_part mother;     /* Filipino middle name: mother's maiden surname */
    gen_part birthplace; /* a row of places.tsv in the person's country */
    int dialect;         /* Chinese: GEN_COL_HOKKIEN, GEN_COL_CANTONESE or GEN_COL_PINYIN */
    int viet_middle;     /* Vietnamese: the first given syllable is Văn / Thị */
    int honor;           /* 0 none, 1 Haji / Hajjah, 2 Datuk / Datin */
    uint32_t region;     /* family's home region (document prefixes) */
    int has_alias;       /* 1 nickname, 2 an unrelated other name */
    gen_part alias;
    int n_passport; /* 0..2 (a renewed passport has a new number) */
    char passport[2][GEN_DOC_LEN];
    char natid[GEN_DOC_LEN]; /* national identity number, "" when none */
    int kind;                /* GEN_PERSON_* below, counted in gen's summary */
} gen_person;

enum { GEN_PERSON_NEW = 0, GEN_PERSON_RELATIVE = 1, GEN_PERSON_NAMESAKE = 2 };

/* Rates of hard negatives (documented in datasets/README.md). */
#define GEN_RATE_RELATIVE 0.06 /* a sibling of the previous person: same family, father, region */
#define GEN_RATE_NAMESAKE 0.01 /* same full name as the previous person, another person */
#define GEN_RATE_TWIN     0.05 /* among relatives: same date of birth */

/**
 * Draws the next person. prev (may be NULL) is the person drawn just before,
 * from which relatives and namesakes are derived. nat_weight[GEN_N_COUNTRIES]
 * gives the nationality mix.
 */
void gen_person_next(const gen_pools *pools, gen_rng *r, const double *nat_weight, const gen_person *prev,
                     uint64_t pid, gen_person *out);

/** Cell text of a part in a column. */
const char *gen_part_text(const gen_part *p, int col);

#endif /* WL_GEN_PERSON_H */
