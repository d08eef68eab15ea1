/*
 * gen_dates.c -- dates of birth per national convention.
 *
 * Formats: Indonesia and Malaysia write day-first with numeric or local month
 * names (Malay: Mac, Ogos, Disember; Indonesian: Maret, Agustus, Desember);
 * the Philippines writes month-first (mm/dd/yyyy, "March 4, 1978"); Thailand
 * uses the Buddhist Era (BE = CE + 543) in Thai documents; Vietnam, Cambodia
 * and Myanmar write day-first; Singapore uses ISO 8601 in most systems.
 */
#include "gen_dates.h"

#include <stdio.h>
#include <string.h>

static const char *const g_month_en[12] = {"January",   "February", "March",    "April",
                                           "May",       "June",     "July",     "August",
                                           "September", "October",  "November", "December"};
static const char *const g_month_ms[12] = {"Januari",   "Februari", "Mac",      "April",
                                           "Mei",       "Jun",      "Julai",    "Ogos",
                                           "September", "Oktober",  "November", "Disember"};
static const char *const g_month_id[12] = {"Januari",   "Februari", "Maret",    "April",
                                           "Mei",       "Juni",     "Juli",     "Agustus",
                                           "September", "Oktober",  "November", "Desember"};
/* Thai solar calendar month names, full and abbreviated as in Thai documents. */
static const char *const g_month_th[12] = {"มกราคม",  "กุมภาพันธ์", "มีนาคม",  "เมษายน", "พฤษภาคม",  "มิถุนายน",
                                           "กรกฎาคม", "สิงหาคม",  "กันยายน", "ตุลาคม",  "พฤศจิกายน", "ธันวาคม"};
static const char *const g_month_th_abbr[12] = {"ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
                                                "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.",  "พ.ย.", "ธ.ค."};

double gen_dob_missing_rate(gen_country_id list)
{
    static const double rate[GEN_N_LISTS] = {0.04, 0.03, 0.05, 0.03, 0.04, 0.10, 0.08, 0.02};
    return (unsigned)list < GEN_N_LISTS ? rate[list] : 0.05;
}

typedef struct {
    int y, m, d;
    int precision; /* 3 full date, 2 range of years, 1 year only, 0 circa year */
} dob;

static void apply_errors(dob *v, gen_country_id list, gen_rng *r)
{
    double year_only = (list == GEN_MMR || list == GEN_KHM) ? 0.08 : GEN_RATE_DOB_YEAR_ONLY;
    double u = gen_rng_unit(r);
    if (u < year_only) {
        v->precision = 1;
        return;
    }
    u -= year_only;
    if (u < GEN_RATE_DOB_CIRCA) {
        v->precision = 0;
        return;
    }
    u -= GEN_RATE_DOB_CIRCA;
    if (u < ((list == GEN_MMR || list == GEN_KHM) ? 3 : 1) * GEN_RATE_DOB_RANGE) {
        v->precision = 2;
        return;
    }
    if (gen_rng_chance(r, GEN_RATE_DOB_PLACEHOLDER)) {
        v->m = 1;
        v->d = 1;
    }
    if (gen_rng_chance(r, GEN_RATE_DOB_YEAR_OFF)) v->y += gen_rng_chance(r, 0.5) ? 1 : -1;
    if (v->d <= 12 && v->d != v->m && gen_rng_chance(r, GEN_RATE_DOB_SWAP)) {
        int t = v->d;
        v->d = v->m;
        v->m = t;
    }
    if (gen_rng_chance(r, GEN_RATE_DOB_DIGIT)) {
        /* A mistyped last digit of the day (1..28 stays a valid day). */
        int d = v->d / 10 * 10 + (int)gen_rng_below(r, 10);
        v->d = (d < 1) ? 1 : (d > 28) ? 28 : d;
    }
}

static void circa(const dob *v, gen_country_id list, gen_rng *r, int year, char *out, size_t cap)
{
    if (list == GEN_VNM && gen_rng_chance(r, 0.5)) {
        snprintf(out, cap, "khoảng %d", year);
        return;
    }
    if (list == GEN_THA && gen_rng_chance(r, 0.5)) {
        snprintf(out, cap, "ประมาณ %d", year);
        return;
    }
    static const char *const en[] = {"circa", "c.", "approx.", "about"};
    if ((list == GEN_IDN || list == GEN_MYS) && gen_rng_chance(r, 0.6))
        snprintf(out, cap, "%s %d", gen_rng_chance(r, 0.5) ? "sekitar" : "lebih kurang", year);
    else
        snprintf(out, cap, "%s %d", en[gen_rng_below(r, 4)], year);
    (void)v;
}

static void full_date(const dob *v, gen_country_id list, int thai_script, gen_rng *r, char *out, size_t cap)
{
    int y = v->y, m = v->m, d = v->d;
    uint32_t k = gen_rng_below(r, 10); /* format choice, in tenths */
    switch (list) {
    case GEN_IDN:
        if (k < 6)
            snprintf(out, cap, "%02d-%02d-%04d", d, m, y);
        else if (k < 8)
            snprintf(out, cap, "%02d/%02d/%04d", d, m, y);
        else
            snprintf(out, cap, "%d %s %04d", d, g_month_id[m - 1], y);
        break;
    case GEN_MYS:
        if (k < 5)
            snprintf(out, cap, "%02d/%02d/%04d", d, m, y);
        else if (k < 7)
            snprintf(out, cap, "%04d-%02d-%02d", y, m, d);
        else
            snprintf(out, cap, "%d %s %04d", d, g_month_ms[m - 1], y);
        break;
    case GEN_THA:
        /* Thai-script records use the Buddhist Era, half of them with Thai month
         * names ("14 เมษายน 2530", "14 เม.ย. พ.ศ. 2530"); a fifth of the Latin ones too. */
        if (thai_script && k < 5)
            snprintf(out, cap, "%d %s %s%04d", d, k < 3 ? g_month_th[m - 1] : g_month_th_abbr[m - 1],
                     k == 4 ? "พ.ศ. " : "", y + 543);
        else if (thai_script || k < 2)
            snprintf(out, cap, "%02d/%02d/%04d", d, m, y + 543);
        else if (k < 7)
            snprintf(out, cap, "%04d-%02d-%02d", y, m, d);
        else
            snprintf(out, cap, "%02d/%02d/%04d", d, m, y);
        break;
    case GEN_VNM:
        if (k < 8)
            snprintf(out, cap, "%02d/%02d/%04d", d, m, y);
        else if (k < 9)
            snprintf(out, cap, "ngày %d tháng %d năm %04d", d, m, y);
        else
            snprintf(out, cap, "%04d-%02d-%02d", y, m, d);
        break;
    case GEN_PHL:
        if (k < 7)
            snprintf(out, cap, "%02d/%02d/%04d", m, d, y);
        else if (k < 9)
            snprintf(out, cap, "%s %d, %04d", g_month_en[m - 1], d, y);
        else
            snprintf(out, cap, "%04d-%02d-%02d", y, m, d);
        break;
    case GEN_MMR:
        if (k < 5)
            snprintf(out, cap, "%02d-%02d-%04d", d, m, y);
        else
            snprintf(out, cap, "%02d %.3s %04d", d, g_month_en[m - 1], y);
        break;
    case GEN_KHM:
        if (k < 6)
            snprintf(out, cap, "%02d/%02d/%04d", d, m, y);
        else
            snprintf(out, cap, "%04d-%02d-%02d", y, m, d);
        break;
    default:
        if (k < 7)
            snprintf(out, cap, "%04d-%02d-%02d", y, m, d);
        else
            snprintf(out, cap, "%02d/%02d/%04d", d, m, y);
        break;
    }
}

void gen_dob_render(const gen_person *p, gen_country_id list, int thai_script, gen_rng *r, char *out,
                    size_t cap)
{
    out[0] = '\0';
    if (gen_rng_chance(r, gen_dob_missing_rate(list))) return;
    dob v = {p->year, p->month, p->day, 3};
    apply_errors(&v, list, r);
    int be = list == GEN_THA && (thai_script || gen_rng_chance(r, 0.2));
    int year = be ? v.y + 543 : v.y;
    if (v.precision == 2) { /* the true year inside, not always in the middle */
        /* one draw per statement: argument order is unspecified (this is gcc's) */
        int hi = year + 1 + (int)gen_rng_below(r, 2);
        int lo = year - (int)gen_rng_below(r, 3);
        const char *fmt = gen_rng_chance(r, 0.7) ? "%d-%d" : "%d to %d";
        snprintf(out, cap, fmt, lo, hi);
    } else if (v.precision == 1)
        snprintf(out, cap, "%d", year);
    else if (v.precision == 0)
        circa(&v, list, r, year, out, cap);
    else
        full_date(&v, list, thai_script, r, out, cap);
}
