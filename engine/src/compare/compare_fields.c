/* compare_fields.c -- the comparison level of one field value against another
 * (stage 5): dates of birth, document keys, places, free-text tokens. Each
 * comparator is pure and allocation-free: it runs on every candidate pair. */
#include <stdlib.h>

#include "compare/compare.h"

/* ---- dates ---- */

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's
 * days_from_civil, http://howardhinnant.github.io/date_algorithms.html). */
static long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* A placeholder 01/01/YYYY only says the year is known. */
static int effective_prec(const wl_date *d)
{
    return (d->flags & WL_DATE_PLACEHOLDER) ? WL_PREC_YEAR : d->prec;
}

/* Two decimal digits v <= 99 as two nibbles: (v / 10) * 16 + v % 10, which is
 * v + 6 * (v / 10) -- one division by a constant instead of two. */
static uint32_t bcd2(uint32_t v)
{
    return v + 6u * (v / 10u);
}

/* A year of 0..9999 as four BCD digits. */
static uint32_t year_bcd(uint32_t y)
{
    uint32_t cy = y / 100u;
    return bcd2(cy) << 8 | bcd2(y - 100u * cy);
}

/* YYYYMMDD as 8 binary-coded decimal digits, one per nibble: straight-line,
 * two digits at a time (bcd2); a month or day over 99 (never from the parser)
 * carries into the digit above, as the plain decimal number would. */
static uint32_t ymd_bcd(const wl_date *d)
{
    uint32_t y = (uint32_t)((d->year < 0 ? 0 : d->year) % 10000), m = d->month, dd = d->day;
    if (WL_UNLIKELY(m > 99 || dd > 99)) {
        uint32_t v = y * 10000u + m * 100u + dd, bcd = 0;
        for (int i = 0; i < 8; i++, v /= 10) bcd |= (v % 10) << (4 * i);
        return bcd;
    }
    return year_bcd(y) << 16 | bcd2(m) << 8 | bcd2(dd);
}

/* A date whose year, month and day are each their own digits of YYYYMMDD
 * (no clamping of the year, no carry out of a month or day). */
static int own_digits(const wl_date *d)
{
    return d->year >= 0 && d->year <= 9999 && d->month <= 99 && d->day <= 99;
}

/* One digit mistyped, or two adjacent digits transposed, in YYYYMMDD. */
static int one_digit_off(const wl_date *x, const wl_date *y)
{
    uint32_t a, b;
    if (own_digits(x) && own_digits(y)) {
        /* A year and a day that both differ are digits apart with the
         * month's between them: never one digit, never two neighbours. */
        if (x->year != y->year && x->day != y->day) return 0;
        /* Equal years (blocking pairs on the year makes them common) are
         * equal digits: they are left out, zero on both sides, which changes
         * neither the digits that differ nor the two a swap is read from. */
        a = bcd2(x->month) << 8 | bcd2(x->day);
        b = bcd2(y->month) << 8 | bcd2(y->day);
        if (x->year != y->year) {
            a |= year_bcd((uint32_t)x->year) << 16;
            b |= year_bcd((uint32_t)y->year) << 16;
        }
    } else {
        a = ymd_bcd(x);
        b = ymd_bcd(y);
    }
    uint32_t diff = a ^ b;
    uint32_t nz = (diff | diff >> 1 | diff >> 2 | diff >> 3) & 0x11111111u;
    if (nz == 0) return 0;
    if ((nz & (nz - 1)) == 0) return 1;
    /* Two adjacent digits, swapped: digit i of a is digit i+1 of b and back. */
    int lo = __builtin_ctz(nz);
    if (nz != (0x11u << lo)) return 0;
    uint32_t da = (a >> lo) & 0xffu, db = (b >> lo) & 0xffu;
    return da == (((db & 15u) << 4) | (db >> 4));
}

static int day_level(const wl_date *x, const wl_date *y, int *swap)
{
    if (x->year == y->year && x->month == y->month && x->day == y->day) return WL_DOB_EXACT;
    if (x->year == y->year && x->month == y->day && x->day == y->month) {
        *swap = 1;
        return WL_DOB_TYPO;
    }
    if (one_digit_off(x, y)) return WL_DOB_TYPO;
    /* Years two or more apart are more than 365 days apart (a day of year Y
     * lies in [Y-01-01, Y-12-31]): most candidate pairs of a large run end here,
     * without the two day counts. */
    int dy = x->year - y->year;
    if ((dy > 1 || dy < -1) && x->month >= 1 && x->month <= 12 && y->month >= 1 && y->month <= 12 &&
        x->day >= 1 && x->day <= 31 && y->day >= 1 && y->day <= 31)
        return WL_DOB_MISMATCH;
    long dd = days_from_civil(x->year, x->month, x->day) - days_from_civil(y->year, y->month, y->day);
    return labs(dd) <= 365 ? WL_DOB_WITHIN_1Y : WL_DOB_MISMATCH;
}

/* The years a reading may stand for: ranges as given, approximate dates ±1. */
static void year_span(const wl_date *d, int *lo, int *hi)
{
    *lo = d->year;
    *hi = (d->flags & WL_DATE_RANGE) ? d->year_hi : d->year;
    if (d->flags & WL_DATE_APPROX) {
        (*lo)--;
        (*hi)++;
    }
}

int wl_cmp_date(const wl_date *x, const wl_date *y, int *swap)
{
    *swap = 0;
    int px = effective_prec(x), py = effective_prec(y);
    if (px == WL_PREC_NONE || py == WL_PREC_NONE) return WL_LV_MISSING;
    if (px == WL_PREC_DAY && py == WL_PREC_DAY) return day_level(x, y, swap);
    if (px == WL_PREC_MONTH && py == WL_PREC_MONTH && x->year == y->year && x->month == y->month)
        return WL_DOB_EXACT;
    int ranged = ((x->flags | y->flags) & WL_DATE_RANGE) != 0;
    if (!ranged && x->year == y->year && (px == WL_PREC_YEAR || py == WL_PREC_YEAR ||
                                          ((x->flags | y->flags) & WL_DATE_APPROX)))
        return WL_DOB_YEAR_ONLY;
    int xl, xh, yl, yh;
    year_span(x, &xl, &xh);
    year_span(y, &yl, &yh);
    return (xl - 1 <= yh && yl - 1 <= xh) ? WL_DOB_WITHIN_1Y : WL_DOB_MISMATCH;
}

/* ---- documents ---- */

/* Optimal string alignment distance bounded by 1 (Damerau 1964: one
 * substitution, insertion, deletion or adjacent transposition). */
static int within_one_edit(const char *a, size_t la, const char *b, size_t lb)
{
    if (la > lb + 1 || lb > la + 1) return 0;
    size_t p = 0;
    while (p < la && p < lb && a[p] == b[p]) p++;
    if (p == la && p == lb) return 1;
    const char *ra = a + p, *rb = b + p;
    size_t na = la - p, nb = lb - p;
    if (na == nb) {
        if (memcmp(ra + 1, rb + 1, na - 1) == 0) return 1; /* substitution */
        return na >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && memcmp(ra + 2, rb + 2, na - 2) == 0;
    }
    if (na > nb) return memcmp(ra + 1, rb, nb) == 0;   /* deletion */
    return memcmp(ra, rb + 1, na) == 0;                 /* insertion */
}

/* One number written with a short issuer prefix (a country or series code) that
 * the other list left out: "MY1234567" vs "1234567". */
static int prefixed_suffix(const char *a, size_t la, const char *b, size_t lb)
{
    if (la < lb) return prefixed_suffix(b, lb, a, la);
    return lb >= 5 && la - lb >= 1 && la - lb <= 3 && memcmp(a + (la - lb), b, lb) == 0;
}

int wl_cmp_doc(const char *a, size_t la, const char *b, size_t lb)
{
    if (la == 0 || lb == 0) return WL_LV_MISSING;
    if (la == lb && memcmp(a, b, la) == 0) return WL_DOC_EXACT;
    if (within_one_edit(a, la, b, lb) || prefixed_suffix(a, la, b, lb)) return WL_DOC_ONE_EDIT;
    return WL_DOC_MISMATCH;
}

/* ---- free text and places ---- */

int wl_cmp_tokens(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
    if (na == 0 || nb == 0) return WL_LV_MISSING;
    size_t i = 0, j = 0, common = 0;
    while (i < na && j < nb) {
        if (a[i] == b[j]) {
            common++;
            i++;
            j++;
        } else if (a[i] < b[j]) {
            i++;
        } else {
            j++;
        }
    }
    /* Share of the longer side's tokens found in the other: an address with one
     * extra or one mistyped token out of ten still reads as near-identical. */
    size_t longer = WL_MAX(na, nb);
    if (common * 10 >= longer * 9) return WL_TEXT_NEAR_IDENTICAL;
    if (common * 2 >= longer) return WL_TEXT_SIMILAR;
    return WL_TEXT_DIFFERENT;
}

int wl_cmp_place(const char *a, size_t la, const char *b, size_t lb)
{
    if (la == 0 || lb == 0) return WL_LV_MISSING;
    if (la == lb && memcmp(a, b, la) == 0) return WL_POB_EXACT;
    return wl_jaro_winkler(a, la, b, lb) >= 0.88 ? WL_POB_JW88 : WL_POB_DIFFERENT;
}
