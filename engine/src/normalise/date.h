/*
 * date.h -- dates of birth (stage 2): many formats, calendars and precisions.
 */
#ifndef WL_DATE_H
#define WL_DATE_H

#include <stddef.h>
#include <stdint.h>

enum { WL_PREC_NONE = 0, WL_PREC_YEAR = 1, WL_PREC_MONTH = 2, WL_PREC_DAY = 3 };

enum {
    WL_DATE_APPROX      = 1u << 0, /* circa, c., approx., ~, sekitar */
    WL_DATE_RANGE       = 1u << 1, /* year..year_hi */
    WL_DATE_AMBIGUOUS   = 1u << 2, /* day and month <= 12, order unknown: two readings */
    WL_DATE_BUDDHIST    = 1u << 3, /* given in Buddhist Era, converted (BE - 543) */
    WL_DATE_PLACEHOLDER = 1u << 4  /* 01/01/YYYY or 00/00/YYYY standing for "year known" */
};

typedef struct {
    int16_t year;      /* Gregorian; for a range the low end */
    int16_t year_hi;   /* == year unless WL_DATE_RANGE */
    uint8_t month;     /* 1..12, 0 unknown */
    uint8_t day;       /* 1..31, 0 unknown */
    uint8_t prec;      /* WL_PREC_* */
    uint8_t flags;     /* WL_DATE_* */
} wl_date;

/**
 * Parses one date value (UTF-8). An ambiguous day/month order yields two
 * readings (day-first first), both flagged WL_DATE_AMBIGUOUS.
 * @return the number of readings written (0 when nothing could be parsed).
 */
int wl_date_parse(const char *s, size_t n, wl_date *out, int max);

/*
 * Two-digit years, one rule for written dates and machine-readable zones: yy is
 * the latest year ending in yy that is not after the reference year (nobody on a
 * list is born after it). The reference year is WL_DATE_REFERENCE_YEAR unless a
 * caller gives another (wl_dataset_set_reference_year, --reference-year): a fixed
 * constant, never the clock, so the same input gives the same bytes in any year.
 * 2025 keeps the pivot written dates always had (00..25 -> 20yy, 26..99 -> 19yy);
 * the MRZ once took the current year instead, so its 26 became 2026 on
 * 1 January 2026 while a written "26" stayed 1926 (issue 16.6).
 */
enum { WL_DATE_REFERENCE_YEAR = 2025 };

/** @return the year of two-digit yy (0..99) under reference_year (<= 0: the
 *  default); other yy are returned unchanged. */
int wl_date_century(int yy, int reference_year);

/** wl_date_century under the default reference year. */
int wl_date_expand_year(int yy);

/** wl_date_parse with two-digit years read under reference_year (<= 0: default). */
int wl_date_parse_ref(const char *s, size_t n, wl_date *out, int max, int reference_year);

/* ---- internal: the words of written dates (date_words.c, datasets/tables/months.tsv) ---- */
typedef enum {
    WL_DW_MONTH = 1, WL_DW_APPROX, WL_DW_BE, WL_DW_CE, WL_DW_RANGE, WL_DW_BETWEEN,
    WL_DW_DMARK, WL_DW_MMARK, WL_DW_YMARK, WL_DW_DSUF, WL_DW_MSUF, WL_DW_YSUF,
    WL_DW_ORD, WL_DW_IGNORE, WL_DW_ZERO, WL_DW_DECADE, WL_DW_AH, WL_DW_SH,
    WL_DW_AHMONTH, WL_DW_SHMONTH, WL_DW_ERA
} wl_date_word_kind;

/* The year-numbering eras of WL_DW_ERA (the value of an "era" word of months.tsv):
 * a year n of the era is Gregorian base + n. */
enum { WL_ERA_MEIJI = 1, WL_ERA_TAISHO, WL_ERA_SHOWA, WL_ERA_HEISEI, WL_ERA_REIWA, WL_ERA_MINGUO };

/**
 * Looks up one folded word (see wl_fold_cp; dots and inner hyphens removed).
 * The table is loaded once, thread-safely, on first use.
 * @return its kind (wl_date_word_kind) and *value (the month for WL_DW_MONTH), or 0
 *         when the word is not a date word.
 */
int wl_date_word(const char *folded, size_t len, int *value);

/* ---- internal: other calendars (date_calendar.c) ---- */
enum { WL_CAL_GREGORIAN = 0, WL_CAL_ISLAMIC = 1, WL_CAL_PERSIAN = 2 };

/** Julian day number of a proleptic Gregorian date, and back. */
long wl_jdn_from_gregorian(int y, int m, int d);
void wl_gregorian_from_jdn(long jdn, int *y, int *m, int *d);

/** JDN of day d of month m of year y in calendar cal (WL_CAL_ISLAMIC: tabular AH
 *  1200..1550; WL_CAL_PERSIAN: Solar Hijri 1200..1500). @return 0, or -1 when the
 *  date does not exist or is out of range. */
int wl_date_calendar_to_jdn(int cal, int y, int m, int d, long *jdn);

/** Days in month m of year y of calendar cal, or 0 out of range. */
int wl_date_calendar_month_days(int cal, int y, int m);

#endif /* WL_DATE_H */
