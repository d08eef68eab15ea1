/*
 * date_calendar.c -- Hijri dates of birth to Gregorian, through Julian day numbers.
 *
 * - Gregorian <-> JDN: the integer algorithm of Fliegel and Van Flandern
 *   (Communications of the ACM 11(10), 1968).
 * - Islamic (lunar Hijri, AH): the tabular "civil" calendar of Reingold and
 *   Dershowitz, Calendrical Calculations (ch. 7): 30-year cycle with leap years 2,
 *   5, 7, 10, 13, 16, 18, 21, 24, 26, 29, epoch 16 July 622 (Julian) = JDN 1948440.
 *   Official dates (Umm al-Qura, sighting) may differ from it by a day or two.
 * - Solar Hijri (SH, Afghanistan and Iran): months 1-6 have 31 days, 7-11 have 30,
 *   the 12th 29 or 30; the year starts at Nowruz. Nowruz comes from the 33-year
 *   arithmetic cycle (8 leap years per 33) that ICU's Persian calendar uses
 *   (ICU4C i18n/persncal.cpp, handleComputeMonthStart): the same day as ICU 72 for
 *   every year SH 1200..1501 (tests/unit/test_date.c checks it against ICU). It
 *   was once read from ICU at first use, and an ICU failure then silently left
 *   every Solar Hijri date of birth unread for the rest of the process (issue
 *   16.7); arithmetic cannot fail, allocates nothing and needs no once-init.
 */
#include <assert.h>

#include "normalise/date.h"

enum { SH_FIRST = 1200, SH_LAST = 1500, AH_FIRST = 1200, AH_LAST = 1550 };

long wl_jdn_from_gregorian(int y, int m, int d)
{
    long a = (14 - m) / 12;
    long yy = y + 4800 - a;
    long mm = m + 12 * a - 3;
    return d + (153 * mm + 2) / 5 + 365 * yy + yy / 4 - yy / 100 + yy / 400 - 32045;
}

void wl_gregorian_from_jdn(long jdn, int *y, int *m, int *d)
{
    long a = jdn + 32044;
    long b = (4 * a + 3) / 146097;
    long c = a - 146097 * b / 4;
    long dd = (4 * c + 3) / 1461;
    long e = c - 1461 * dd / 4;
    long mm = (5 * e + 2) / 153;
    *d = (int)(e - (153 * mm + 2) / 5 + 1);
    *m = (int)(mm + 3 - 12 * (mm / 10));
    *y = (int)(100 * b + dd - 4800 + mm / 10);
}

/* ---- Islamic (tabular) ---- */

static int islamic_leap(int y)
{
    return (14 + 11 * y) % 30 < 11;
}

static int islamic_month_days(int y, int m)
{
    if (m == 12 && islamic_leap(y)) return 30;
    return m % 2 ? 30 : 29;
}

static long jdn_from_islamic(int y, int m, int d)
{
    return 1948439L + (long)(y - 1) * 354 + (3 + 11L * y) / 30 + 29L * (m - 1) + m / 2 + d;
}

/* ---- Solar Hijri ---- */

/* PERSIAN_EPOCH of ICU: the JDN of 1 Farvardin 1 SH is this plus 1. */
enum { PERSIAN_EPOCH = 1948320 };

/* JDN of 1 Farvardin of SH year y (y >= 1): 365 days a year plus the leap days
 * of the 33-year cycle before it, floor((8y + 21) / 33) (positive operands, so
 * C's division is the floor). */
static long nowruz(int y)
{
    assert(y >= 1);
    return PERSIAN_EPOCH + 365L * (y - 1) + (8L * y + 21) / 33;
}

static int persian_month_days(int y, int m)
{
    if (m <= 6) return 31;
    if (m <= 11) return 30;
    return nowruz(y + 1) - nowruz(y) == 366 ? 30 : 29;
}

static long jdn_from_persian(int y, int m, int d)
{
    long before = m <= 7 ? 31L * (m - 1) : 186L + 30L * (m - 7);
    return nowruz(y) + before + d - 1;
}

int wl_date_calendar_to_jdn(int cal, int y, int m, int d, long *jdn)
{
    if (m < 1 || m > 12 || d < 1) return -1;
    if (cal == WL_CAL_ISLAMIC) {
        if (y < AH_FIRST || y > AH_LAST || d > islamic_month_days(y, m)) return -1;
        *jdn = jdn_from_islamic(y, m, d);
        return 0;
    }
    if (cal == WL_CAL_PERSIAN) {
        if (y < SH_FIRST || y > SH_LAST || d > persian_month_days(y, m))
            return -1;
        *jdn = jdn_from_persian(y, m, d);
        return 0;
    }
    return -1;
}

int wl_date_calendar_month_days(int cal, int y, int m)
{
    if (m < 1 || m > 12) return 0;
    if (cal == WL_CAL_ISLAMIC) return y >= AH_FIRST && y <= AH_LAST ? islamic_month_days(y, m) : 0;
    if (cal == WL_CAL_PERSIAN) {
        return y >= SH_FIRST && y <= SH_LAST ? persian_month_days(y, m) : 0;
    }
    return 0;
}
