/*
 * gen_docs.c -- passport and national identity numbers.
 *
 * Shapes follow the published formats:
 *  - Indonesia NIK (Dukcapil): 16 digits = province, regency, district (6),
 *    birth date DDMMYY with 40 added to the day for women, serial (4).
 *  - Malaysia MyKad (JPN): YYMMDD-PB-###G, PB the birthplace code (01-16 for
 *    the states), the last digit odd for men and even for women.
 *  - Thailand ID (Ministry of Interior): 13 digits, the last a check digit:
 *    (11 - sum(d_i * (14 - i)) mod 11) mod 10 over the first 12.
 *  - Vietnam CCCD (Circular 07/2016/TT-BCA): 12 digits = province (3),
 *    century and sex (1: 0/1 for 1900s men/women, 2/3 for 2000s), year (2), 6 more.
 *  - Singapore NRIC: S (born before 2000) or T, 7 digits, check letter with
 *    weights 2,7,6,5,4,3,2 (+4 for T), letters "JZIHGFEDCBA" by the remainder mod 11.
 *  - Myanmar NRC: state/township-code(N)six digits, e.g. 12/OUKAMA(N)123456.
 *  - Passports: the letter/digit patterns printed in each country's current
 *    passports (ICAO Doc 9303 allows up to 9 characters).
 */
#include "gen_docs.h"

#include <stdio.h>
#include <string.h>

static void digits(gen_rng *r, char *out, int n)
{
    for (int i = 0; i < n; i++)
        out[i] = (char)('0' + gen_rng_below(r, 10));
    out[n] = '\0';
}

static char letter(gen_rng *r, const char *set)
{
    return set[gen_rng_below(r, (uint32_t)strlen(set))];
}

void gen_passport(gen_country_id nat, gen_rng *r, char *out, size_t cap)
{
    char d[10];
    switch (nat) {
    case GEN_IDN:
        digits(r, d, 7);
        snprintf(out, cap, "%c%s", letter(r, "ABCEX"), d);
        break;
    case GEN_MYS:
        digits(r, d, 8);
        snprintf(out, cap, "%c%s", letter(r, "AAAH"), d);
        break;
    case GEN_THA:
        digits(r, d, 7);
        snprintf(out, cap, "A%c%s", letter(r, "ABCD"), d);
        break;
    case GEN_VNM:
        digits(r, d, 7);
        snprintf(out, cap, "%c%s", letter(r, "BCCN"), d);
        break;
    case GEN_PHL:
        digits(r, d, 7);
        if (gen_rng_chance(r, 0.3))
            snprintf(out, cap, "E%c%s", letter(r, "BC"), d);
        else
            snprintf(out, cap, "P%s%c", d, letter(r, "ABCDEFGHJKLMNPRSTUVWXYZ"));
        break;
    case GEN_MMR:
        digits(r, d, 6);
        snprintf(out, cap, "M%c%s", letter(r, "ABCDE"), d);
        break;
    case GEN_KHM:
        digits(r, d, 8);
        snprintf(out, cap, "N%s", d);
        break;
    case GEN_SGP:
        digits(r, d, 7);
        { /* drawn one by one: the order of a call's arguments is unspecified (gcc
             evaluates these right to left, clang left to right) */
            char check = letter(r, "ABCDEFGHIJKLMNPQRSTUVWXYZ"), pre = letter(r, "EK");
            snprintf(out, cap, "%c%s%c", pre, d, check);
        }
        break;
    case GEN_CHN:
        digits(r, d, 8);
        snprintf(out, cap, "E%s", d);
        break;
    case GEN_RUS:
        digits(r, d, 9);
        snprintf(out, cap, "%s", d);
        break;
    case GEN_KAZ:
        digits(r, d, 8);
        snprintf(out, cap, "N%s", d);
        break;
    case GEN_UZB:
        digits(r, d, 7);
        snprintf(out, cap, "%cA%s", letter(r, "AF"), d);
        break;
    default:
        digits(r, d, 7);
        snprintf(out, cap, "%c%s", letter(r, "ABJKLMNPRSTUVZ"), d);
        break;
    }
}

int gen_thai_id_check(const char *d)
{
    int sum = 0;
    for (int i = 0; i < 12; i++)
        sum += (d[i] - '0') * (13 - i);
    return (11 - sum % 11) % 10;
}

char gen_nric_letter(char prefix, const char *d)
{
    static const int w[7] = {2, 7, 6, 5, 4, 3, 2};
    int sum = prefix == 'T' ? 4 : 0;
    for (int i = 0; i < 7; i++)
        sum += (d[i] - '0') * w[i];
    return "JZIHGFEDCBA"[sum % 11];
}

static void nik(const gen_person *p, gen_rng *r, char *out, size_t cap)
{
    char serial[5];
    digits(r, serial, 4);
    if (!strcmp(serial, "0000")) serial[3] = '1';
    unsigned region = p->region % 1000000u;
    int day = p->day + (p->sex == 'F' ? 40 : 0);
    snprintf(out, cap, "%06u%02d%02d%02d%s", region < 110000 ? region + 110000 : region, day, p->month,
             p->year % 100, serial);
}

static void mykad(const gen_person *p, gen_rng *r, char *out, size_t cap)
{
    char d[4];
    digits(r, d, 3);
    int last = (int)gen_rng_below(r, 5) * 2 + (p->sex == 'M');
    snprintf(out, cap, "%02d%02d%02d-%02u-%s%d", p->year % 100, p->month, p->day, 1 + p->region % 16, d,
             last);
}

static void thai_id(const gen_person *p, gen_rng *r, char *out, size_t cap)
{
    char d[14];
    d[0] = (char)('1' + gen_rng_below(r, 3));
    snprintf(d + 1, 5, "%04u", 1000 + p->region % 9000);
    digits(r, d + 5, 7);
    snprintf(out, cap, "%s%d", d, gen_thai_id_check(d));
}

static void cccd(const gen_person *p, gen_rng *r, char *out, size_t cap)
{
    char d[7];
    digits(r, d, 6);
    int century = (p->year >= 2000 ? 2 : 0) + (p->sex == 'F');
    snprintf(out, cap, "%03u%d%02d%s", 1 + p->region % 96, century, p->year % 100, d);
}

static void nric(const gen_person *p, gen_rng *r, char *out, size_t cap)
{
    char d[8];
    digits(r, d, 7);
    char prefix = p->year >= 2000 ? 'T' : 'S';
    /* The first two digits of an NRIC born after 1967 are the year of birth. */
    if (p->year >= 1968) {
        d[0] = (char)('0' + p->year / 10 % 10);
        d[1] = (char)('0' + p->year % 10);
    }
    snprintf(out, cap, "%c%s%c", prefix, d, gen_nric_letter(prefix, d));
}

static void nrc(const gen_person *p, gen_rng *r, char *out, size_t cap)
{
    static const char *const town[] = {"OUKAMA", "THAGAKA", "MAYAKA", "BAHANA", "KAMAYA",
                                       "LAMANA", "DAGANA",  "PAZATA", "MAHAMA", "TAMANA"};
    char d[7];
    digits(r, d, 6);
    snprintf(out, cap, "%u/%s(N)%s", 1 + p->region % 14, town[p->region / 14 % 10], d);
}

void gen_national_id(const gen_person *p, gen_rng *r, char *out, size_t cap)
{
    char d[16];
    out[0] = '\0';
    switch (p->nat) {
    case GEN_IDN:
        nik(p, r, out, cap);
        break;
    case GEN_MYS:
        mykad(p, r, out, cap);
        break;
    case GEN_THA:
        thai_id(p, r, out, cap);
        break;
    case GEN_VNM:
        cccd(p, r, out, cap);
        break;
    case GEN_SGP:
        nric(p, r, out, cap);
        break;
    case GEN_MMR:
        nrc(p, r, out, cap);
        break;
    case GEN_PHL:
        digits(r, d, 12);
        snprintf(out, cap, "%.4s-%.4s-%.4s", d, d + 4, d + 8);
        break;
    case GEN_KHM:
        digits(r, d, 9);
        snprintf(out, cap, "%s", d);
        break;
    default:
        break;
    }
}
