/*
 * gen_person.c -- drawing persons: nationality, culture, sex, date of birth,
 * name parts, documents; relatives and namesakes of the previous person as
 * hard negatives.
 */
#include "gen_person.h"

#include <string.h>

#include "gen_docs.h"

const char *gen_part_text(const gen_part *p, int col)
{
    return gen_pool_cell(p->pool, p->row, col);
}

static gen_part pick(const gen_pool *pool, gen_rng *r, char sex)
{
    gen_part p = {pool, (uint32_t)gen_pool_pick(pool, r, sex)};
    return p;
}

static int days_in_month(int y, int m)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d[m - 1] + (m == 2 && leap);
}

/* Ages of listed suspects cluster in the twenties to forties with a tail of
 * older persons: a sum of uniforms (bell-shaped, 1967-2007) for 90 % and a
 * flat 1945-1970 tail for the rest. Unknown days are commonly recorded as
 * 1 January (more so in Myanmar and Cambodia, where birth registration is
 * incomplete), so a share of true dates is exactly that. */
static void draw_dob(gen_person *p, gen_rng *r)
{
    if (gen_rng_chance(r, 0.9)) {
        /* one draw per statement: the operands of + are unsequenced */
        uint32_t a = gen_rng_below(r, 17), b = gen_rng_below(r, 17), c = gen_rng_below(r, 9);
        p->year = 2007 - (int)(a + b + c);
    } else {
        p->year = 1945 + (int)gen_rng_below(r, 26);
    }
    double jan1 = (p->nat == GEN_MMR || p->nat == GEN_KHM) ? 0.10 : 0.03;
    if (gen_rng_chance(r, jan1)) {
        p->month = 1;
        p->day = 1;
        return;
    }
    p->month = 1 + (int)gen_rng_below(r, 12);
    p->day = 1 + (int)gen_rng_below(r, (uint32_t)days_in_month(p->year, p->month));
}

static const gen_pool *given_pool(const gen_pools *P, gen_culture c, char sex, gen_rng *r)
{
    int m = sex == 'M';
    switch (c) {
    case CUL_MALAY:
    case CUL_ARAB:
        return m ? &P->muslim_m : &P->muslim_f;
    case CUL_JAVANESE:
        return gen_rng_chance(r, 0.25) ? &P->javanese : m ? &P->indo_m : &P->indo_f;
    case CUL_CHINESE:
        return &P->chinese_given;
    case CUL_TAMIL:
        return &P->tamil;
    case CUL_THAI:
        return m ? &P->thai_m : &P->thai_f;
    case CUL_VIET:
        return m ? &P->viet_m : &P->viet_f;
    case CUL_FILIPINO:
        return &P->filipino_given;
    case CUL_BURMESE:
        return &P->burmese;
    case CUL_KHMER:
        return &P->khmer_given;
    case CUL_RUSSIAN:
        return m ? &P->russian_m : &P->russian_f;
    case CUL_CENTRAL_ASIAN:
        return m ? &P->ca_m : &P->ca_f;
    default:
        return &P->muslim_m;
    }
}

/* How many given-name parts each culture uses. */
static int draw_n_given(gen_culture c, const gen_pool *pool, const gen_pools *P, gen_rng *r)
{
    switch (c) {
    case CUL_MALAY:
        return gen_rng_chance(r, 0.55) ? 2 : 1; /* Muhammad Hafiz */
    case CUL_JAVANESE:
        return pool == &P->javanese ? 1 : gen_rng_chance(r, 0.6) ? 2 : 1;
    case CUL_CHINESE:
        return gen_rng_chance(r, 0.85) ? 2 : 1; /* Beng Huat / Wei */
    case CUL_BURMESE:
        return gen_rng_chance(r, 0.4) ? 3 : 2; /* Kyaw Zaw Win */
    case CUL_KHMER:
        return gen_rng_chance(r, 0.25) ? 2 : 1; /* Sok Sopheap Rith */
    case CUL_FILIPINO:
        return gen_rng_chance(r, 0.12) ? 2 : 1; /* Maria Cristina */
    case CUL_ARAB:
        return 1;
    default:
        return 1;
    }
}

static void draw_given(gen_person *p, const gen_pools *P, gen_rng *r)
{
    const gen_pool *pool = given_pool(P, p->culture, p->sex, r);
    p->n_given = draw_n_given(p->culture, pool, P, r);
    for (int i = 0; i < p->n_given; i++) {
        p->given[i] = pick(pool, r, p->sex);
        /* Avoid "Muhammad Muhammad" and "Aung Aung"-style accidental repeats. */
        if (i > 0 && p->given[i].row == p->given[i - 1].row) p->given[i] = pick(pool, r, p->sex);
    }
    if (p->culture == CUL_VIET) p->viet_middle = gen_rng_chance(r, 0.4);
}

static void draw_family(gen_person *p, const gen_pools *P, gen_rng *r)
{
    p->has_family = p->has_family2 = p->has_father = p->has_mother = 0;
    switch (p->culture) {
    case CUL_MALAY:
    case CUL_TAMIL:
        p->has_father = 1;
        p->father = pick(p->culture == CUL_MALAY ? &P->muslim_m : &P->tamil, r, 'M');
        break;
    case CUL_ARAB:
        p->has_father = p->has_family = 1;
        p->father = pick(&P->muslim_m, r, 'M');
        p->family = pick(&P->arabic_family, r, 0);
        break;
    case CUL_CHINESE:
        p->has_family = 1;
        p->family = pick(&P->chinese_family, r, 0);
        break;
    case CUL_THAI:
        p->has_family = 1;
        /* Most Thai surnames are two-word compounds unique to a family. */
        if (gen_rng_chance(r, 0.7)) {
            p->has_family2 = 1;
            p->family = pick(&P->thai_family_parts, r, 'M');
            do
                p->family2 = pick(&P->thai_family_parts, r, 'F');
            while (p->family2.row == p->family.row);
        } else {
            p->family = pick(&P->thai_family, r, 0);
        }
        break;
    case CUL_VIET:
        p->has_family = 1;
        p->family = pick(&P->viet_family, r, 0);
        break;
    case CUL_KHMER:
        p->has_family = 1;
        p->family = pick(&P->khmer_family, r, 0);
        break;
    case CUL_FILIPINO: {
        const gen_pool *fam = gen_rng_chance(r, 0.25) ? &P->spanish_tail : &P->filipino_family;
        p->has_family = p->has_mother = 1;
        p->family = pick(fam, r, 0);
        p->mother = pick(gen_rng_chance(r, 0.25) ? &P->spanish_tail : &P->filipino_family, r, 0);
        break;
    }
    case CUL_RUSSIAN:
    case CUL_CENTRAL_ASIAN:
        p->has_family = p->has_father = 1;
        p->family = pick(p->culture == CUL_RUSSIAN ? &P->russian_family : &P->ca_family, r, 0);
        p->father = pick(p->sex == 'M' ? &P->russian_pat_m : &P->russian_pat_f, r, 0);
        break;
    case CUL_BURMESE: /* no family name; the father's name is recorded beside it */
        p->has_father = 1;
        p->father = pick(&P->burmese, r, 'M');
        break;
    default:
        break; /* Javanese: no family name */
    }
}

static void draw_extras(gen_person *p, const gen_pools *P, gen_rng *r)
{
    p->honor = 0;
    if (p->culture == CUL_MALAY || p->culture == CUL_ARAB) {
        double u = gen_rng_unit(r);
        p->honor = u < 0.02 ? 2 : u < 0.10 ? 1 : 0;
    }
    p->dialect = GEN_COL_HOKKIEN;
    if (p->culture == CUL_CHINESE) {
        if (p->nat == GEN_CHN || p->nat == GEN_VNM)
            p->dialect = GEN_COL_PINYIN;
        else if ((p->nat == GEN_MYS || p->nat == GEN_SGP) && gen_rng_chance(r, 0.35))
            p->dialect = GEN_COL_CANTONESE;
    }
    /* Aliases: about one person in ten is known under another name. Thai
     * persons mostly under their nickname; others under an unrelated name. */
    p->has_alias = 0;
    if (gen_rng_chance(r, 0.10)) {
        if (p->culture == CUL_THAI && gen_rng_chance(r, 0.7)) {
            p->has_alias = 1;
            p->alias = pick(&P->thai_nick, r, p->sex);
        } else {
            p->has_alias = 2;
            p->alias = pick(given_pool(P, p->culture, p->sex, r), r, p->sex);
        }
    }
}

static void draw_docs(gen_person *p, gen_rng *r)
{
    /* Three suspects in four hold a passport; one in ten of those has a second
     * (renewed or replaced) one with another number. */
    p->n_passport = gen_rng_chance(r, 0.75) ? (gen_rng_chance(r, 0.10) ? 2 : 1) : 0;
    for (int i = 0; i < p->n_passport; i++)
        gen_passport(p->nat, r, p->passport[i], GEN_DOC_LEN);
    gen_national_id(p, r, p->natid, sizeof p->natid);
}

static gen_country_id draw_nat(gen_rng *r, const double *w)
{
    return (gen_country_id)gen_rng_weighted(r, w, GEN_N_COUNTRIES);
}

static void draw_culture(gen_person *p, gen_rng *r)
{
    p->culture = (gen_culture)gen_rng_weighted(r, gen_countries[p->nat].share, CUL_COUNT);
}

/* A sibling: same culture, nationality, family name, father, dialect and home
 * region; own sex, given name, date of birth (a twin shares it) and documents. */
static void make_relative(const gen_pools *P, gen_rng *r, const gen_person *prev, gen_person *p)
{
    *p = *prev;
    p->sex = gen_rng_chance(r, 0.5) ? 'M' : 'F';
    draw_given(p, P, r);
    if (prev->culture == CUL_RUSSIAN || prev->culture == CUL_CENTRAL_ASIAN) {
        /* Same father: keep the patronymic of the right sex only when sexes agree. */
        if (p->sex != prev->sex)
            p->father = pick(p->sex == 'M' ? &P->russian_pat_m : &P->russian_pat_f, r, 0);
    }
    if (!gen_rng_chance(r, GEN_RATE_TWIN)) {
        int year = p->year;
        draw_dob(p, r);
        int sign = gen_rng_chance(r, 0.5) ? 1 : -1; /* the operands of * are unsequenced */
        p->year = year + sign * (1 + (int)gen_rng_below(r, 8));
        if (p->year > 2007) p->year = year - (p->year - year); /* listed persons are adults */
        if (p->month == 2 && p->day == 29) p->day = 28;
    }
    draw_extras(p, P, r);
    draw_docs(p, r);
    p->kind = GEN_PERSON_RELATIVE;
}

/* A namesake: another person with the same name and culture (common names
 * make these frequent in real lists), often born the same year. */
static void make_namesake(const gen_pools *P, gen_rng *r, const gen_person *prev, gen_person *p)
{
    *p = *prev;
    int year = p->year;
    draw_dob(p, r);
    if (gen_rng_chance(r, 0.5)) {
        p->year = year;
        if (p->month == 2 && p->day == 29) p->day = 28;
    }
    p->region = (uint32_t)gen_rng_next(r);
    p->birthplace.row =
        (uint32_t)gen_pool_pick_range(&P->places, r, P->place_lo[p->nat], P->place_hi[p->nat]);
    draw_extras(p, P, r);
    draw_docs(p, r);
    p->kind = GEN_PERSON_NAMESAKE;
}

void gen_person_next(const gen_pools *P, gen_rng *r, const double *nat_weight, const gen_person *prev,
                     uint64_t pid, gen_person *p)
{
    double u = gen_rng_unit(r);
    if (prev && u < GEN_RATE_RELATIVE) {
        make_relative(P, r, prev, p);
    } else if (prev && u < GEN_RATE_RELATIVE + GEN_RATE_NAMESAKE) {
        make_namesake(P, r, prev, p);
    } else {
        memset(p, 0, sizeof *p);
        p->nat = draw_nat(r, nat_weight);
        draw_culture(p, r);
        p->sex = gen_rng_chance(r, 0.78) ? 'M' : 'F'; /* watchlists are mostly men */
        draw_dob(p, r);
        draw_given(p, P, r);
        draw_family(p, P, r);
        p->region = (uint32_t)gen_rng_next(r);
        p->birthplace.pool = &P->places;
        p->birthplace.row =
            (uint32_t)gen_pool_pick_range(&P->places, r, P->place_lo[p->nat], P->place_hi[p->nat]);
        draw_extras(p, P, r);
        draw_docs(p, r);
        p->kind = GEN_PERSON_NEW;
    }
    p->pid = pid;
}
