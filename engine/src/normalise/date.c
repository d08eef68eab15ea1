/*
 * date.c -- dates of birth as written on watchlists: ISO 8601 (1978-03-04,
 * 19780304), day-first and month-first numeric forms, month names in the languages
 * of the region (months.tsv), Vietnamese "ngày 4 tháng 3 năm 1978", CJK 1978年3月4日,
 * Thai Buddhist Era years, Solar and lunar Hijri dates (date_calendar.c),
 * approximate values, year ranges, decades and year-only placeholders (01/01/1978).
 *
 * Two passes, both allocation-free and bounded by the input length:
 *   1. tokenize: digits of any script become ASCII numbers, letters become folded
 *      words looked up in the date-word table, punctuation becomes the separator
 *      recorded before the next token;
 *   2. interpret: split at a range connector, give each number a role (year, month,
 *      day) from markers, month names, digit counts and position, then expand the
 *      year (two digits, Buddhist Era), validate against the calendar and write one
 *      reading, or two when day and month could be either way round.
 *
 * Decisions (each has rows in tests/golden/dates.tsv):
 * - Two-digit years: the latest year ending in yy not after the reference year
 *   (date.h: WL_DATE_REFERENCE_YEAR, 2025, unless the caller gives one), so 00..25
 *   is 20yy and 26..99 19yy by default. The reference is a fixed constant, not
 *   today's date, so that results are reproducible; for dates of birth on a
 *   watchlist 26..99 is far more often 1926..1999 than 2026..2099. MRZ dates
 *   follow the same rule (wl_mrz_birth_date).
 * - Buddhist Era: a "BE"/"พ.ศ." marker, or a bare four-digit year in 2400..2600,
 *   is Gregorian + 543; with a Thai month name a two-digit year is BE 25yy.
 * - Year-numbering eras: after a Japanese era name (明治, 大正, 昭和, 平成, 令和;
 *   Meiji 1868, Taisho 1912, Showa 1926, Heisei 1989, Reiwa 2019 are their first
 *   years) or the Republic of China's 民國 (Taiwan's documents; 1912 is year 1,
 *   as is 1912 in North Korea's Juche calendar, 주체), a year of one to three
 *   digits counts from the era: 昭和40年 is 1965. The era must not end before
 *   it (Showa has 64 years, Taisho 15, Meiji 45, Heisei 31).
 * - Order: a leading four-digit year means year-month-day (year-day-month only when
 *   the middle number cannot be a month); otherwise day-first and month-first are
 *   both returned, day-first first, when both are valid calendar dates.
 * - Placeholders: day and month 1/1, or 0/0, in any writing (01/01/1978,
 *   1978-01-01, "1 January 1978") become year precision with WL_DATE_PLACEHOLDER:
 *   entry systems fill an unknown birthday with them, and a true 1 January birthday
 *   still matches on its year. A zero day alone keeps the month.
 * - Years outside 1850..2100 (after conversion) are not dates of birth: no reading;
 *   but written in Persian digits (U+06F0..U+06F9) and with no calendar word, such
 *   a date is read again as Solar Hijri (۱۳۵۷/۰۱/۱۳ is 1978-04-02).
 * - A bare five-digit number is a spreadsheet serial day (read_serial); remarks in
 *   brackets ("1978 (age 46)") are dropped when the whole value does not parse.
 */
#include "normalise/date.h"

#include <string.h>

#include "common/digits.h"

enum {
    YEAR_MIN = 1850,       /* older "dates of birth" are data errors */
    YEAR_MAX = 2100,
    BE_OFFSET = 543,       /* Buddhist Era = Gregorian + 543 (Thai calendar) */
    BE_MIN = 2400,         /* a bare 4-digit year in 2400..2600 is Buddhist Era */
    BE_MAX = 2600,
    INPUT_MAX = 256,       /* a date longer than this is not a date */
    TOK_MAX = 16,
    WORD_MAX = 64,
    NUM_DIGITS_MAX = 8
};

int wl_date_century(int yy, int reference_year)
{
    if (yy < 0 || yy > 99) return yy;
    int ref = reference_year > 0 ? reference_year : WL_DATE_REFERENCE_YEAR;
    int y = ref - ref % 100 + yy; /* yy in the reference's century */
    return y <= ref ? y : y - 100;
}

int wl_date_expand_year(int yy) { return wl_date_century(yy, WL_DATE_REFERENCE_YEAR); }

/* ---- pass 1: tokens ---- */

enum { TK_NUM = 1, TK_WORD = 2 };

typedef struct {
    uint8_t type;  /* TK_NUM or TK_WORD */
    uint8_t nd;    /* digits of a number */
    uint8_t kind;  /* wl_date_word_kind of a word */
    uint8_t thai;  /* a month name in Thai script: its 2-digit years are Buddhist Era */
    char sep;      /* strongest separator before the token: '/', '-', '.', ',', ' ' or 0 */
    int32_t val;   /* number value, or month of a month word */
} tok;

typedef struct {
    tok t[TOK_MAX];
    int n;
    unsigned flags;   /* WL_DATE_APPROX from '~', '?' and approx words */
    int be, ce;       /* era markers seen */
    int era;          /* WL_ERA_*: a year-numbering era was named */
    int persian_digits; /* Extended Arabic-Indic digits (۱۳۵۷), as Iran and Afghanistan write */
    int cal;          /* WL_CAL_*: a Hijri marker was seen */
    int month_cal;    /* WL_CAL_*: a Hijri month name was seen */
    /* builders */
    char word[WORD_MAX];
    size_t wlen;
    int word_thai;
    int32_t num;
    int nd;
    char sep;
    int bad;
} lexer;

static int sep_rank(char c)
{
    return c == 0 ? 0 : c == ' ' ? 1 : 2;
}

static void note_sep(lexer *lx, char c)
{
    if (sep_rank(c) > sep_rank(lx->sep)) lx->sep = c;
}

static tok *push(lexer *lx, int type)
{
    if (lx->n >= TOK_MAX) {
        lx->bad = 1;
        return NULL;
    }
    tok *t = &lx->t[lx->n++];
    memset(t, 0, sizeof *t);
    t->type = (uint8_t)type;
    t->sep = lx->sep;
    lx->sep = 0;
    return t;
}

static void flush_num(lexer *lx)
{
    if (!lx->nd) return;
    tok *t = push(lx, TK_NUM);
    if (t) {
        t->nd = (uint8_t)lx->nd;
        t->val = lx->num;
    }
    lx->nd = 0;
    lx->num = 0;
}

/* Words that only qualify the whole value (approx, eras, fillers) set flags and
 * leave no token; an unknown word makes the value unparseable. */
static void flush_word(lexer *lx)
{
    if (!lx->wlen) return;
    int value = 0;
    int kind = wl_date_word(lx->word, lx->wlen, &value);
    int thai = lx->word_thai;
    lx->wlen = 0;
    lx->word_thai = 0;
    switch (kind) {
    case 0: lx->bad = 1; return;
    case WL_DW_APPROX: lx->flags |= WL_DATE_APPROX; return;
    case WL_DW_BE: lx->be = 1; return;
    case WL_DW_CE: lx->ce = 1; return;
    case WL_DW_ERA:
        if (lx->era && lx->era != value) lx->bad = 1; /* two eras: no reading */
        lx->era = value;
        return;
    /* "Hijri Shamsi": the generic Hijri word gives way to the solar one */
    case WL_DW_AH: if (!lx->cal) lx->cal = WL_CAL_ISLAMIC; return;
    case WL_DW_SH: lx->cal = WL_CAL_PERSIAN; return;
    case WL_DW_AHMONTH: case WL_DW_SHMONTH: {
        int cal = kind == WL_DW_AHMONTH ? WL_CAL_ISLAMIC : WL_CAL_PERSIAN;
        if (lx->month_cal && lx->month_cal != cal) lx->bad = 1;
        lx->month_cal = cal;
        kind = WL_DW_MONTH;
        break;
    }
    case WL_DW_IGNORE: return;
    case WL_DW_ZERO: {
        tok *z = push(lx, TK_NUM);
        if (z) z->nd = 2; /* "XX" stands for an unknown 00 */
        return;
    }
    default: break;
    }
    tok *t = push(lx, TK_WORD);
    if (!t) return;
    t->kind = (uint8_t)kind;
    t->val = value;
    t->thai = (uint8_t)(kind == WL_DW_MONTH && thai);
}

static void add_word_cp(lexer *lx, int32_t c)
{
    if (lx->wlen == 0 && c >= 0x0E00 && c < 0x0E80) lx->word_thai = 1;
    if (wl_utf8_put(c, lx->word, sizeof lx->word, &lx->wlen) < 0) lx->bad = 1;
}

static void lex_digit(lexer *lx, int d)
{
    flush_word(lx);
    if (++lx->nd > NUM_DIGITS_MAX) {
        lx->bad = 1;
        return;
    }
    lx->num = lx->num * 10 + d;
}

/* Is the code point after s[i] a letter? Used to keep "ม.ค.", "B.E." and
 * "kira-kira" as one word. */
static int next_is_letter(const char *s, size_t n, size_t i)
{
    if (i >= n) return 0;
    int32_t cp, f[4];
    wl_utf8_next(s + i, n - i, &cp);
    return wl_fold_cp(cp, f) > 0 && wl_is_word_cp(f[0]);
}

static void lex_other(lexer *lx, int32_t c)
{
    flush_num(lx);
    flush_word(lx);
    if (c == '~' || c == '?' || c == 0xB1 /* ± */) {
        lx->flags |= WL_DATE_APPROX;
        note_sep(lx, ' ');
    } else if (c == '/' || c == '-' || c == '.' || c == ',' || c == ':') {
        note_sep(lx, c == ':' ? '/' : (char)c);
    } else {
        note_sep(lx, ' ');
    }
}

static void lex_cp(lexer *lx, int32_t c, const char *s, size_t n, size_t next)
{
    if (c >= '0' && c <= '9') {
        lex_digit(lx, (int)(c - '0'));
    } else if (wl_is_word_cp(c)) {
        flush_num(lx);
        add_word_cp(lx, c);
    } else if ((c == '.' || c == '-') && lx->wlen && next_is_letter(s, n, next)) {
        /* inner dot or hyphen of a word: dropped */
    } else {
        lex_other(lx, c);
    }
}

static void lexer_init(lexer *lx)
{
    /* Not a memset: the token and word arrays are written before they are read. */
    lx->n = 0;
    lx->flags = 0;
    lx->be = lx->ce = lx->cal = lx->month_cal = lx->era = lx->persian_digits = 0;
    lx->wlen = 0;
    lx->word_thai = 0;
    lx->num = 0;
    lx->nd = 0;
    lx->sep = 0;
    lx->bad = 0;
}

static int tokenize(lexer *lx, const char *s, size_t n)
{
    lexer_init(lx);
    for (size_t i = 0; i < n && !lx->bad;) {
        int32_t cp, f[4];
        int k;
        unsigned char b = (unsigned char)s[i];
        if (b < 0x80) { /* ASCII: fold inline */
            f[0] = (b >= 'A' && b <= 'Z') ? b + 32 : b;
            k = 1;
            i++;
            lex_cp(lx, f[0], s, n, i);
            continue;
        }
        i += wl_utf8_next(s + i, n - i, &cp);
        if (cp < 0) return -1;
        if (cp >= 0x06F0 && cp <= 0x06F9) lx->persian_digits = 1;
        k = wl_fold_cp(cp, f);
        for (int j = 0; j < k && !lx->bad; j++) lex_cp(lx, f[j], s, n, i);
    }
    flush_num(lx);
    flush_word(lx);
    return lx->bad ? -1 : 0;
}

/* ---- pass 2: roles and readings ---- */

enum { R_UNK = 0, R_Y, R_M, R_D };

typedef struct {
    int role;
    int32_t val;
    int nd;
    int named;  /* a month given by name */
} slot;

typedef struct {
    slot s[3];
    int n;
    int thai;   /* a Thai month name was used */
} fields;

typedef struct {
    unsigned flags;
    int be, ce;
    int era;   /* WL_ERA_*, or 0 */
    int cal;   /* WL_CAL_*: readings are built in that calendar, converted at the end */
    int ref_year; /* two-digit years: the latest year ending in them not after this */
} context;

/* Internal flag (not stored): the reading is in a Hijri calendar, so the Gregorian
 * month lengths do not apply yet. */
enum { NATIVE = 1u << 8, HIJRI_MIN = 1200, HIJRI_MAX = 1550 };

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const uint8_t DAYS[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return m == 2 && is_leap(y) ? 29 : DAYS[m - 1];
}

/* The Gregorian year before year 1 of an era, and the era's last year (0: open). */
static const struct { int16_t base, last; } ERAS[] = {
    [WL_ERA_MEIJI] = { 1867, 45 }, [WL_ERA_TAISHO] = { 1911, 15 }, [WL_ERA_SHOWA] = { 1925, 64 },
    [WL_ERA_HEISEI] = { 1988, 31 }, [WL_ERA_REIWA] = { 2018, 0 },   [WL_ERA_MINGUO] = { 1911, 0 },
};

/* Gregorian year from the written one, or -1. Sets WL_DATE_BUDDHIST. */
static int resolve_year(const slot *y, int thai, const context *cx, unsigned *flags)
{
    int v = y->val;
    int be = cx->be;
    if (cx->era) {
        int last = ERAS[cx->era].last;
        if (y->nd > 3 || v < 1 || (last && v > last)) return -1;
        v += ERAS[cx->era].base;
        return v >= YEAR_MIN && v <= YEAR_MAX ? v : -1;
    }
    if (cx->cal) /* Hijri years are given in full; converted later */
        return y->nd == 4 && v >= HIJRI_MIN && v <= HIJRI_MAX ? v : -1;
    if (y->nd == 2) {
        if (be || thai) { /* Thai writes short BE years: "4 มี.ค. 21" is BE 2521 */
            v += 2500;
            be = 1;
        } else {
            v = wl_date_century(v, cx->ref_year);
        }
    } else if (y->nd == 4) {
        if (!be && !cx->ce && v >= BE_MIN && v <= BE_MAX) be = 1;
    } else {
        return -1;
    }
    if (be) {
        v -= BE_OFFSET;
        *flags |= WL_DATE_BUDDHIST;
    }
    return v >= YEAR_MIN && v <= YEAR_MAX ? v : -1;
}

static int add_slot(fields *fs, int role, int32_t val, int nd, int named)
{
    if (fs->n >= 3) return -1;
    fs->s[fs->n++] = (slot){ role, val, nd, named };
    return 0;
}

/* A suffix (年, 月, 日, "th") types the number just before it. */
static int type_previous(fields *fs, int role, int prev_was_num)
{
    if (!prev_was_num || fs->n == 0 || fs->s[fs->n - 1].role != R_UNK) return -1;
    fs->s[fs->n - 1].role = role;
    return 0;
}

static int marker_role(int kind)
{
    switch (kind) {
    case WL_DW_DMARK: case WL_DW_DSUF: case WL_DW_ORD: return R_D;
    case WL_DW_MMARK: case WL_DW_MSUF: return R_M;
    case WL_DW_YMARK: case WL_DW_YSUF: return R_Y;
    default: return R_UNK;
    }
}

/* Collects up to three numbers and month names of t[0..n) with the roles that
 * markers and names give them. */
static int collect(const tok *t, int n, fields *fs)
{
    memset(fs, 0, sizeof *fs);
    int pending = R_UNK, prev_num = 0;
    for (int i = 0; i < n; i++) {
        const tok *k = &t[i];
        if (k->type == TK_NUM) {
            if (add_slot(fs, pending, k->val, k->nd, 0) < 0) return -1;
            pending = R_UNK;
            prev_num = 1;
            continue;
        }
        if (pending != R_UNK && k->kind != WL_DW_MONTH) return -1;
        switch (k->kind) {
        case WL_DW_MONTH:
            if (add_slot(fs, R_M, k->val, 0, 1) < 0) return -1;
            fs->thai |= k->thai;
            pending = R_UNK;
            break;
        case WL_DW_DMARK: case WL_DW_MMARK: case WL_DW_YMARK:
            pending = marker_role(k->kind);
            break;
        case WL_DW_DSUF: case WL_DW_MSUF: case WL_DW_YSUF: case WL_DW_ORD:
            if (type_previous(fs, marker_role(k->kind), prev_num) < 0) return -1;
            break;
        case WL_DW_BETWEEN:
            break;
        default:
            return -1;
        }
        prev_num = 0;
    }
    return pending == R_UNK && fs->n > 0 ? 0 : -1;
}

static int count_role(const fields *fs, int role)
{
    int c = 0;
    for (int i = 0; i < fs->n; i++) c += fs->s[i].role == role;
    return c;
}

/* With a month name: the first free number is the day and the last the year
 * ("4 Mar 1978", "Mar 4, 78", "04-MAR-78"); one free number is the year when no
 * year was found ("Mar 78"), else the day. */
static void assign_with_month(fields *fs)
{
    int unk[3], nu = 0;
    for (int i = 0; i < fs->n; i++)
        if (fs->s[i].role == R_UNK) unk[nu++] = i;
    int has_y = count_role(fs, R_Y) > 0, has_d = count_role(fs, R_D) > 0;
    if (nu == 2 && !has_y && !has_d) {
        fs->s[unk[0]].role = R_D;
        fs->s[unk[1]].role = R_Y;
    } else if (nu == 1) {
        fs->s[unk[0]].role = has_y ? R_D : R_Y;
    }
}

/* Four digits are a year, whatever their position. */
static void assign_long_years(fields *fs)
{
    for (int i = 0; i < fs->n; i++)
        if (fs->s[i].role == R_UNK && fs->s[i].nd >= 3) fs->s[i].role = R_Y;
}

/* Numbers only and no four-digit year: the year comes from position. */
static void assign_short_year(fields *fs)
{
    if (count_role(fs, R_Y) || fs->n != 3) return;
    /* 04/03/78: a two-digit year comes last, unless the first cannot be a day */
    int y = (fs->s[0].role == R_UNK && fs->s[0].val > 31) ? 0 : 2;
    if (fs->s[y].role == R_UNK) fs->s[y].role = R_Y;
}

/* Builds the reading of (year, month, day), applying placeholders; -1 if invalid. */
static int make_reading(int y, int m, int d, unsigned flags, wl_date *out)
{
    memset(out, 0, sizeof *out);
    out->year = out->year_hi = (int16_t)y;
    out->flags = (uint8_t)flags;
    if (m < 0 || m > 12 || d < 0 || d > 31) return -1;
    if (m == 0 || (m == 1 && d == 1)) { /* 00/00/1978, 01/01/1978: year known only */
        out->prec = WL_PREC_YEAR;
        out->flags |= WL_DATE_PLACEHOLDER;
        return 0;
    }
    out->month = (uint8_t)m;
    if (d == 0) {
        out->prec = WL_PREC_MONTH;
        out->flags |= WL_DATE_PLACEHOLDER;
        return 0;
    }
    if (!(flags & NATIVE) && d > days_in_month(y, m)) return -1;
    out->day = (uint8_t)d;
    out->prec = WL_PREC_DAY;
    return 0;
}

static int month_only(int y, int m, unsigned flags, wl_date *out)
{
    if (m < 1 || m > 12) return -1;
    memset(out, 0, sizeof *out);
    out->year = out->year_hi = (int16_t)y;
    out->month = (uint8_t)m;
    out->prec = WL_PREC_MONTH;
    out->flags = (uint8_t)flags;
    return 0;
}

/* Day and month both unknown in order: day-first reading first. Zero is never a
 * month, so 00/05/1978 is May 1978. */
static int two_way(int y, int a, int b, unsigned flags, wl_date *out, int max)
{
    if (a == 0 || b == 0 || a == b || a > 12 || b > 12) {
        int d = a, m = b;
        if (b == 0 || b > 12) { d = b; m = a; }  /* 03/25/1978: month first */
        return make_reading(y, m, d, flags, out) == 0 ? 1 : 0;
    }
    wl_date r[2];
    int ok0 = make_reading(y, b, a, flags | WL_DATE_AMBIGUOUS, &r[0]) == 0;
    int ok1 = make_reading(y, a, b, flags | WL_DATE_AMBIGUOUS, &r[1]) == 0;
    int k = 0;
    if (ok0 && k < max) out[k++] = r[0];
    if (ok1 && k < max) out[k++] = r[1];
    if (ok0 + ok1 == 1) out[0].flags &= (uint8_t)~WL_DATE_AMBIGUOUS;
    return k;
}

static int find_role(const fields *fs, int role)
{
    for (int i = 0; i < fs->n; i++)
        if (fs->s[i].role == role) return i;
    return -1;
}

/* Three numbers, year found: typed roles win, else ISO order after a leading year
 * (1978-03-04, or 1978-25-03 read as year-day-month), else either order. */
static int read_ymd(const fields *fs, int yi, int year, unsigned flags, wl_date *out, int max)
{
    int a = -1, b = -1;
    for (int i = 0; i < fs->n; i++)
        if (i != yi) { if (a < 0) a = i; else b = i; }
    const slot *sa = &fs->s[a], *sb = &fs->s[b];
    if (sa->role == R_M || sb->role == R_D)
        return make_reading(year, sa->val, sb->val, flags, out) == 0 ? 1 : 0;
    if (sa->role == R_D || sb->role == R_M)
        return make_reading(year, sb->val, sa->val, flags, out) == 0 ? 1 : 0;
    if (yi == 0) {
        if (make_reading(year, sa->val, sb->val, flags, out) == 0) return 1;
        return make_reading(year, sb->val, sa->val, flags, out) == 0 ? 1 : 0;
    }
    return two_way(year, sa->val, sb->val, flags, out, max);
}

static int read_fields(fields *fs, const context *cx, wl_date *out, int max)
{
    if (count_role(fs, R_M) > 1) return 0;
    assign_long_years(fs);
    if (count_role(fs, R_M) == 1 && fs->s[find_role(fs, R_M)].named) assign_with_month(fs);
    if (cx->era && !count_role(fs, R_Y) && fs->s[0].role == R_UNK)
        fs->s[0].role = R_Y; /* 昭和20.3.15, Showa 40: the era's year comes first */
    assign_short_year(fs);
    int yi = find_role(fs, R_Y);
    if (yi < 0 || count_role(fs, R_Y) > 1 || count_role(fs, R_D) > 1) return 0;
    unsigned flags = cx->flags;
    /* 00.00.00 and 00/00/00: every field zero says the date is unknown; with a
     * two-digit year it would read as the year 2000. */
    int zeros = 0;
    for (int i = 0; i < fs->n; i++) zeros += fs->s[i].val == 0;
    if (fs->n >= 2 && zeros == fs->n) return 0;
    int year = resolve_year(&fs->s[yi], fs->thai, cx, &flags);
    if (year < 0) return 0;
    if (fs->n == 1) {
        memset(out, 0, sizeof *out);
        out->year = out->year_hi = (int16_t)year;
        out->prec = WL_PREC_YEAR;
        out->flags = (uint8_t)flags;
        return 1;
    }
    if (fs->n == 2) {
        int o = 1 - yi;
        if (fs->s[o].role == R_D) return 0;
        return month_only(year, fs->s[o].val, flags, out) == 0 ? 1 : 0;
    }
    return read_ymd(fs, yi, year, flags, out, max);
}

/* 19780304, 04031978, 197803: one run of digits. */
static int read_compact(const tok *t, const context *cx, wl_date *out, int max)
{
    fields fs;
    memset(&fs, 0, sizeof fs);
    int v = t->val;
    if (t->nd == 6) {
        add_slot(&fs, R_Y, v / 100, 4, 0);
        add_slot(&fs, R_M, v % 100, 2, 0);
        return read_fields(&fs, cx, out, max);
    }
    /* ISO basic format first, when its first four digits make a year */
    add_slot(&fs, R_Y, v / 10000, 4, 0);
    add_slot(&fs, R_M, v / 100 % 100, 2, 0);
    add_slot(&fs, R_D, v % 100, 2, 0);
    int k = read_fields(&fs, cx, out, max);
    if (k > 0) return k;
    memset(&fs, 0, sizeof fs);
    add_slot(&fs, R_UNK, v / 1000000, 2, 0);
    add_slot(&fs, R_UNK, v / 10000 % 100, 2, 0);
    add_slot(&fs, R_Y, v % 10000, 4, 0);
    return read_fields(&fs, cx, out, max);
}

/* Spreadsheet exports write dates as serial day numbers: day 1 is 1900-01-01 and
 * the count includes the nonexistent 1900-02-29 (a Lotus 1-2-3 bug that Excel
 * kept), so serial s is JDN 2415019 + s from March 1900 on. Only five digits are
 * read this way (10000..69999 = 1927..2091): a bare number of that size is no other
 * kind of date. */
static int read_serial(const tok *t, const context *cx, wl_date *out)
{
    if (cx->cal || cx->be || t->val < 10000 || t->val > 69999) return 0;
    int y, m, d;
    wl_gregorian_from_jdn(2415019L + t->val, &y, &m, &d);
    return make_reading(y, m, d, cx->flags, out) == 0 ? 1 : 0;
}

static int read_simple(const tok *t, int n, const context *cx, wl_date *out, int max)
{
    if (n == 1 && t[0].type == TK_NUM && (t[0].nd == 8 || t[0].nd == 6))
        return read_compact(&t[0], cx, out, max);
    if (n == 1 && t[0].type == TK_NUM && t[0].nd == 5) return read_serial(&t[0], cx, out);
    fields fs;
    if (collect(t, n, &fs) < 0) return 0;
    for (int i = 0; i < fs.n; i++)
        if (!fs.s[i].named && (fs.s[i].nd == 3 || fs.s[i].nd > 4)) return 0;
    return read_fields(&fs, cx, out, max);
}

/* ---- ranges ---- */

static int make_range(int lo, int hi, unsigned flags, wl_date *out)
{
    if (hi < lo) { int t = lo; lo = hi; hi = t; }
    memset(out, 0, sizeof *out);
    out->year = (int16_t)lo;
    out->year_hi = (int16_t)hi;
    out->prec = WL_PREC_YEAR;
    out->flags = (uint8_t)((flags & ~(unsigned)(WL_DATE_AMBIGUOUS | WL_DATE_PLACEHOLDER)) |
                           (hi > lo ? WL_DATE_RANGE : 0));
    return 1;
}

/* "1960 to 1965", "between 1960 and 1965", "antara 1960 dan 1965". */
static int read_worded_range(const lexer *lx, int r, const context *cx, wl_date *out)
{
    wl_date lo[2], hi[2];
    int b = (lx->t[0].type == TK_WORD && lx->t[0].kind == WL_DW_BETWEEN) ? 1 : 0;
    if (read_simple(lx->t + b, r - b, cx, lo, 2) < 1) return 0;
    const tok *h = &lx->t[r + 1];
    if (lx->n - r - 1 == 1 && h->type == TK_NUM && h->nd == 2) { /* "1978 to 80" */
        int hy = lo[0].year_hi / 100 * 100 + h->val;
        if (hy < lo[0].year) hy += 100;
        return hy - lo[0].year > 20 ? 0 : make_range(lo[0].year, hy, lo[0].flags, out);
    }
    if (read_simple(lx->t + r + 1, lx->n - r - 1, cx, hi, 2) < 1) return 0;
    return make_range(lo[0].year, hi[0].year_hi, lo[0].flags | hi[0].flags, out);
}

/* "1960-1965", "1960/65", "1960..1965": two year numbers joined by a dash, slash or
 * dots (dots only between two full years: 1978.03 is March 1978). A two-digit
 * second year above 12 shares the century of the first (1960/65); up to 12 it is a
 * month (1978-03). */
static int read_numeric_range(const lexer *lx, const context *cx, wl_date *out)
{
    const tok *a = &lx->t[0], *b = &lx->t[1];
    if (lx->n != 2 || a->type != TK_NUM || b->type != TK_NUM || a->nd != 4) return -1;
    int dash = b->sep == '-' || b->sep == '/';
    if (!dash && !(b->sep == '.' && b->nd == 4)) return -1; /* "1975..1977" */
    unsigned fa = cx->flags, fb = cx->flags;
    slot sa = { R_Y, a->val, 4, 0 };
    int lo = resolve_year(&sa, 0, cx, &fa);
    if (lo < 0) return 0;
    if (b->nd == 4) {
        slot sb = { R_Y, b->val, 4, 0 };
        int hi = resolve_year(&sb, 0, cx, &fb);
        return hi < 0 ? 0 : make_range(lo, hi, fa | fb, out);
    }
    if (b->nd != 2 || b->val <= 12) return -1;
    int hi = a->val / 100 * 100 + b->val;
    if (hi <= a->val) hi += 100;
    if (hi - a->val > 20) return 0;
    return make_range(lo, lo + (hi - a->val), fa, out);
}

/* "1960s", "the 1960's", "tahun 1960-an": the ten years of a decade. */
static int read_decade(const lexer *lx, const context *cx, wl_date *out)
{
    int i = 0;
    while (i < lx->n && lx->t[i].type == TK_WORD && lx->t[i].kind == WL_DW_YMARK) i++;
    if (lx->n - i != 2) return -1;
    const tok *y = &lx->t[i], *w = &lx->t[i + 1];
    if (y->type != TK_NUM || w->type != TK_WORD || w->kind != WL_DW_DECADE) return -1;
    if (y->nd != 4 || y->val % 10 != 0) return 0;
    unsigned flags = cx->flags;
    slot s = { R_Y, y->val, 4, 0 };
    int lo = resolve_year(&s, 0, cx, &flags);
    return lo < 0 ? 0 : make_range(lo, lo + 9, flags, out);
}

static int find_range_word(const lexer *lx)
{
    for (int i = 1; i < lx->n - 1; i++)
        if (lx->t[i].type == TK_WORD && lx->t[i].kind == WL_DW_RANGE) return i;
    return -1;
}

/* Timestamps from database exports: "1978-03-04T00:00:00Z", "04/03/1978 00:00" keep
 * their date part. A time starts at the first ':' that follows one or two digits
 * after a space or 'T', with a date before it. */
static size_t strip_time(const char *s, size_t n)
{
    const char *c = memchr(s, ':', n);
    if (!c) return n;
    size_t i = (size_t)(c - s), d = 0;
    while (d < 2 && i > d && s[i - d - 1] >= '0' && s[i - d - 1] <= '9') d++;
    if (d == 0 || i < d + 2) return n;
    char before = s[i - d - 1];
    if (before != ' ' && before != 'T') return n;
    if (s[i - d - 2] < '0' || s[i - d - 2] > '9') return n; /* "DOB 12:..." is no time */
    return i - d - 1;
}

static int read_any(const lexer *lx, const context *cx, wl_date *out, int max)
{
    int r = find_range_word(lx);
    if (r > 0) return read_worded_range(lx, r, cx, out);
    int k = read_numeric_range(lx, cx, out);
    if (k >= 0) return k;
    k = read_decade(lx, cx, out);
    if (k >= 0) return k;
    return read_simple(lx->t, lx->n, cx, out, max);
}

/* ---- Hijri readings to Gregorian ---- */

static int to_gregorian(int cal, int y, int m, int d, int *gy, int *gm, int *gd)
{
    long jdn;
    if (wl_date_calendar_to_jdn(cal, y, m, d, &jdn) < 0) return -1;
    wl_gregorian_from_jdn(jdn, gy, gm, gd);
    return *gy >= YEAR_MIN && *gy <= YEAR_MAX ? 0 : -1;
}

/* A Hijri period (a month, a year, years) spans Gregorian days from its first to
 * its last day: a month that falls in one Gregorian month keeps month precision,
 * otherwise the reading keeps the Gregorian year(s) it covers. */
static int convert_span(int cal, int y0, int m0, int y1, int m1, wl_date *r)
{
    int ay, am, ad, by, bm, bd;
    int last = wl_date_calendar_month_days(cal, y1, m1);
    if (last == 0 || to_gregorian(cal, y0, m0, 1, &ay, &am, &ad) < 0 ||
        to_gregorian(cal, y1, m1, last, &by, &bm, &bd) < 0)
        return -1;
    r->year = (int16_t)ay;
    r->year_hi = (int16_t)by;
    r->day = 0;
    r->flags &= (uint8_t)~WL_DATE_RANGE;
    if (r->prec == WL_PREC_MONTH && ay == by && am == bm) {
        r->month = (uint8_t)am;
        return 0;
    }
    r->month = 0;
    r->prec = WL_PREC_YEAR;
    if (by > ay) r->flags |= WL_DATE_RANGE;
    return 0;
}

static int convert_one(int cal, wl_date *r)
{
    if (r->prec == WL_PREC_DAY) {
        int y, m, d;
        if (to_gregorian(cal, r->year, r->month, r->day, &y, &m, &d) < 0) return -1;
        r->year = r->year_hi = (int16_t)y;
        r->month = (uint8_t)m;
        r->day = (uint8_t)d;
        return 0;
    }
    if (r->prec == WL_PREC_MONTH) return convert_span(cal, r->year, r->month, r->year, r->month, r);
    return convert_span(cal, r->year, 1, r->year_hi, 12, r);
}

static int convert_readings(wl_date *out, int k, int cal)
{
    int n = 0;
    for (int i = 0; i < k; i++) {
        wl_date r = out[i];
        if (convert_one(cal, &r) == 0) out[n++] = r;
    }
    if (n == 1) out[0].flags &= (uint8_t)~WL_DATE_AMBIGUOUS;
    return n;
}

/* "1978 (age 46)", "04/03/1978 [unverified]": remarks in brackets are dropped when
 * the whole value does not parse. @return the new length, or 0 when none. */
static size_t drop_brackets(const char *s, size_t n, char *buf)
{
    size_t k = 0;
    int depth = 0, dropped = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '(' || c == '[') { depth++; dropped = 1; continue; }
        if ((c == ')' || c == ']') && depth > 0) { depth--; buf[k++] = ' '; continue; }
        if (depth == 0) buf[k++] = c;
    }
    return dropped ? k : 0;
}

static int parse_once(const char *s, size_t n, wl_date *out, int max, int ref_year)
{
    lexer lx;
    if (tokenize(&lx, s, n) < 0 || lx.n == 0) return 0;
    if (lx.month_cal) {
        if (lx.cal && lx.cal != lx.month_cal && lx.month_cal == WL_CAL_ISLAMIC) return 0;
        lx.cal = lx.month_cal;
    }
    context cx = { lx.flags | (lx.cal ? NATIVE : 0u), lx.be, lx.ce, lx.era, lx.cal, ref_year };
    if ((lx.cal || lx.era) && (lx.be || lx.ce)) return 0;
    if (lx.cal && lx.era) return 0;
    int k = read_any(&lx, &cx, out, max);
    if (k == 0 && lx.persian_digits && !lx.cal && !lx.be && !lx.ce && !lx.era) {
        /* ۱۳۵۷/۰۱/۱۳ with no calendar word: in Persian digits a year no Gregorian
         * date of birth can have is a Solar Hijri one, the calendar of the
         * countries that write those digits (a Gregorian ۱۹۷۸ reads above). */
        cx.cal = lx.cal = WL_CAL_PERSIAN;
        cx.flags |= NATIVE;
        k = read_any(&lx, &cx, out, max);
    }
    return lx.cal ? convert_readings(out, k, lx.cal) : k;
}

static int parse_all(const char *s, size_t n, wl_date out[2], int ref_year)
{
    n = strip_time(s, n);
    int k = parse_once(s, n, out, 2, ref_year);
    if (k > 0) return k;
    char buf[INPUT_MAX];
    size_t m = drop_brackets(s, n, buf);
    return m > 0 ? parse_once(buf, m, out, 2, ref_year) : 0;
}

int wl_date_parse(const char *s, size_t n, wl_date *out, int max)
{
    return wl_date_parse_ref(s, n, out, max, WL_DATE_REFERENCE_YEAR);
}

int wl_date_parse_ref(const char *s, size_t n, wl_date *out, int max, int reference_year)
{
    if (!s || !out || max < 1 || n == 0 || n > INPUT_MAX) return 0;
    /* Both readings are made and checked before max applies, so a caller asking
     * for one gets the first valid reading whatever the second would be. */
    wl_date r[2];
    int k = parse_all(s, n, r, reference_year);
    if (k > max) k = max;
    memcpy(out, r, (size_t)k * sizeof *r);
    return k;
}
