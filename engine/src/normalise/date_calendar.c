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
 *   the 12th 29 or 30; the year starts at Nowruz, whose day moves with the equinox.
 *   The JDN of each Nowruz for SH 1200..1500 is taken once, at first use, from
 *   ICU's Persian calendar and kept in a static table, so conversions never allocate.
 */
#include <pthread.h>
#include <unicode/ucal.h>

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

static long g_nowruz[SH_LAST - SH_FIRST + 2];
static int g_nowruz_ok;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void load_nowruz(void)
{
    static const UChar UTC[] = { 'U', 'T', 'C', 0 };
    UErrorCode e = U_ZERO_ERROR;
    UCalendar *cal = ucal_open(UTC, 3, "en@calendar=persian", UCAL_DEFAULT, &e);
    if (U_FAILURE(e)) return;
    for (int y = SH_FIRST; y <= SH_LAST + 1 && U_SUCCESS(e); y++) {
        ucal_clear(cal);
        ucal_setDate(cal, y, UCAL_JANUARY, 1, &e); /* month 0 = Farvardin */
        UDate ms = ucal_getMillis(cal, &e);
        g_nowruz[y - SH_FIRST] = (long)(ms / 86400000.0) + 2440588L; /* 1970-01-01 */
    }
    ucal_close(cal);
    g_nowruz_ok = U_SUCCESS(e);
}

static int persian_month_days(int y, int m)
{
    if (m <= 6) return 31;
    if (m <= 11) return 30;
    long len = g_nowruz[y + 1 - SH_FIRST] - g_nowruz[y - SH_FIRST];
    return len == 366 ? 30 : 29;
}

static long jdn_from_persian(int y, int m, int d)
{
    long before = m <= 7 ? 31L * (m - 1) : 186L + 30L * (m - 7);
    return g_nowruz[y - SH_FIRST] + before + d - 1;
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
        pthread_once(&g_once, load_nowruz);
        if (!g_nowruz_ok || y < SH_FIRST || y > SH_LAST || d > persian_month_days(y, m))
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
        pthread_once(&g_once, load_nowruz);
        return g_nowruz_ok && y >= SH_FIRST && y <= SH_LAST ? persian_month_days(y, m) : 0;
    }
    return 0;
}
