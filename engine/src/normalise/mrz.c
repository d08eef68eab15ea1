/*
 * mrz.c -- machine-readable zones of travel documents, ICAO Doc 9303 (8th ed.):
 * TD3 passports (Part 4: 2 lines of 44), TD2 cards (Part 6: 2 lines of 36) and TD1
 * cards (Part 5: 3 lines of 30). The lines may be separated by newlines, CR,
 * spaces or nothing; what remains must be exactly 88, 72 or 90 characters of the
 * MRZ alphabet (A-Z, 0-9, filler '<'), after trailing fillers that OCR dropped
 * from a line are restored (pad_lines). Machine-readable visas (Part 7: MRV-A on
 * 2 x 44, MRV-B on 2 x 36, document code 'V') have no composite digit.
 *
 * Letters in digit-only positions (dates, check digits) are read as the digits
 * they resemble (repair_zone) before the checks.
 *
 * Every check digit is verified (Part 3, 4.9, see wl_icao_check_digit): document
 * number, date of birth, expiry, the optional-data/personal-number digit of TD3,
 * and the composite digit over the upper and middle lines. A zone whose checks
 * fail still parses (the fields are still worth matching) with checks_ok = 0 and
 * the first failing check named in why.
 *
 * The zone prints the date of birth as YYMMDD (Part 3, 4.6); its century follows
 * the one rule for two-digit years of normalise/date.h, under the caller's
 * reference year (wl_mrz_birth_date), never the clock.
 */
#include <string.h>

#include "common/common.h"
#include "normalise/date.h"
#include "normalise/doc.h"

enum { TD1_LEN = 90, TD2_LEN = 72, TD3_LEN = 88, MRZ_MAX = 90, INPUT_MAX = 512 };

static int is_mrz_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '<';
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

typedef struct {
    char z[MRZ_MAX];
    size_t len;
    size_t start[3], nlines;  /* lines given with explicit line breaks */
    int too_many_lines;
} zone;

static int is_newline(char c)
{
    return c == '\r' || c == '\n';
}

/* Copies the zone without its separators, noting where each line began.
 * @return 0, or -1 with a reason. */
static int compact(const char *s, size_t n, zone *zn, char *why, size_t whycap)
{
    memset(zn, 0, sizeof *zn);
    if (n > INPUT_MAX) {
        wl_set_error(why, whycap, "input of %zu bytes is too long for an MRZ", n);
        return -1;
    }
    int at_line_start = 1;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (is_newline(c)) { at_line_start = 1; continue; }
        if (is_blank(c)) continue;
        if (!is_mrz_char(c)) {
            wl_set_error(why, whycap, "character 0x%02X at byte %zu is not in the MRZ alphabet",
                         (unsigned)(unsigned char)c, i);
            return -1;
        }
        if (zn->len == MRZ_MAX) {
            wl_set_error(why, whycap, "more than %d MRZ characters", MRZ_MAX);
            return -1;
        }
        if (at_line_start) {
            if (zn->nlines < 3) zn->start[zn->nlines++] = zn->len;
            else zn->too_many_lines = 1;
            at_line_start = 0;
        }
        zn->z[zn->len++] = c;
    }
    return 0;
}

static size_t line_len(const zone *zn, size_t k)
{
    size_t end = k + 1 < zn->nlines ? zn->start[k + 1] : zn->len;
    return end - zn->start[k];
}

/* OCR and copy-paste often drop the trailing fillers of a line. With explicit
 * line breaks the lines can be padded back: 3 lines are TD1 (30), 2 lines take
 * the width of the longer one, which must be 36 (TD2) or 44 (TD3). Only trailing
 * '<' are added, so nothing is invented; a line cut elsewhere fails its checks. */
static void pad_lines(zone *zn)
{
    if (zn->too_many_lines || zn->nlines < 2) return;
    size_t w = 0;
    for (size_t k = 0; k < zn->nlines; k++) w = WL_MAX(w, line_len(zn, k));
    if (zn->nlines == 3 ? w > 30 : (w != 36 && w != 44)) return;
    if (zn->nlines == 3) w = 30;
    char out[MRZ_MAX];
    size_t len = 0;
    for (size_t k = 0; k < zn->nlines; k++) {
        size_t l = line_len(zn, k);
        memcpy(out + len, zn->z + zn->start[k], l);
        memset(out + len + l, '<', w - l);
        len += w;
    }
    memcpy(zn->z, out, len);
    zn->len = len;
}

static int check_length(zone *zn, char *why, size_t whycap)
{
    if (zn->len != TD1_LEN && zn->len != TD2_LEN && zn->len != TD3_LEN) pad_lines(zn);
    if (zn->len == TD1_LEN || zn->len == TD2_LEN || zn->len == TD3_LEN) return 0;
    wl_set_error(why, whycap, "%zu MRZ characters: expected 88 (TD3), 72 (TD2) or 90 (TD1)",
                 zn->len);
    return -1;
}

/* Copies a field with its '<' fillers dropped (codes and numbers). */
static void copy_code(char *dst, size_t cap, const char *src, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < cap; i++)
        if (src[i] != '<') dst[k++] = src[i];
    dst[k] = '\0';
}

/* Copies a name component: '<' becomes a space, runs of spaces collapse, trimmed. */
static void copy_name(char *dst, size_t cap, const char *src, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < cap; i++) {
        char c = src[i] == '<' ? ' ' : src[i];
        if (c == ' ' && (k == 0 || dst[k - 1] == ' ')) continue;
        dst[k++] = c;
    }
    while (k > 0 && dst[k - 1] == ' ') k--;
    dst[k] = '\0';
}

/* Primary identifier (family name) before the first "<<", secondary after. */
static void split_names(wl_mrz *m, const char *f, size_t n)
{
    size_t cut = n;
    for (size_t i = 0; i + 1 < n; i++)
        if (f[i] == '<' && f[i + 1] == '<') { cut = i; break; }
    copy_name(m->family, sizeof m->family, f, cut);
    if (cut + 2 < n) copy_name(m->given, sizeof m->given, f + cut + 2, n - cut - 2);
}

static int digit_ok(const char *f, size_t n, char cd)
{
    return cd >= '0' && cd <= '9' && wl_icao_check_digit(f, n) == cd - '0';
}

typedef struct {
    int ok;
    char *why;
    size_t whycap;
} checks;

static void verify(checks *c, int ok, const char *what)
{
    if (ok || !c->ok) {
        c->ok &= ok;
        return;
    }
    c->ok = 0;
    wl_set_error(c->why, c->whycap, "%s check digit does not verify", what);
}

/* The middle-line fields TD2 and TD3 share: number, nationality, birth, sex, expiry. */
static void read_td23_line2(wl_mrz *m, const char *l2, checks *c)
{
    copy_code(m->doc_number, sizeof m->doc_number, l2, 9);
    copy_code(m->nationality, sizeof m->nationality, l2 + 10, 3);
    memcpy(m->dob, l2 + 13, 6);
    m->sex = (l2[20] == 'M' || l2[20] == 'F') ? l2[20] : 0;
    memcpy(m->expiry, l2 + 21, 6);
    verify(c, digit_ok(l2, 9, l2[9]), "document number");
    verify(c, digit_ok(l2 + 13, 6, l2[19]), "date of birth");
    verify(c, digit_ok(l2 + 21, 6, l2[27]), "date of expiry");
}

/* Composite over number+digit, birth+digit, expiry+digit and the optional data:
 * for TD3 (Part 4, 4.2.2.2) l2[0..10) + l2[13..20) + l2[21..43). */
static int composite_ok(const char *l2, size_t opt_end, char cd)
{
    char buf[48];
    size_t k = 0;
    memcpy(buf + k, l2, 10); k += 10;
    memcpy(buf + k, l2 + 13, 7); k += 7;
    memcpy(buf + k, l2 + 21, opt_end - 21); k += opt_end - 21;
    return digit_ok(buf, k, cd);
}

static void parse_td3(wl_mrz *m, const char *z, checks *c)
{
    const char *l1 = z, *l2 = z + 44;
    copy_code(m->doc_code, sizeof m->doc_code, l1, 2);
    copy_code(m->issuer, sizeof m->issuer, l1 + 2, 3);
    split_names(m, l1 + 5, 39);
    read_td23_line2(m, l2, c);
    if (l1[0] == 'V') return; /* MRV-A visa (Part 7): no personal-number or composite digit */
    /* Personal number: its digit may be '<' when the field is all fillers. */
    int empty = 1;
    for (int i = 28; i < 42; i++) empty &= l2[i] == '<';
    verify(c, (empty && (l2[42] == '<' || l2[42] == '0')) || digit_ok(l2 + 28, 14, l2[42]),
           "personal number");
    verify(c, composite_ok(l2, 43, l2[43]), "composite");
}

static void parse_td2(wl_mrz *m, const char *z, checks *c)
{
    const char *l1 = z, *l2 = z + 36;
    copy_code(m->doc_code, sizeof m->doc_code, l1, 2);
    copy_code(m->issuer, sizeof m->issuer, l1 + 2, 3);
    split_names(m, l1 + 5, 31);
    read_td23_line2(m, l2, c);
    if (l1[0] == 'V') return; /* MRV-B visa (Part 7): no composite digit */
    verify(c, composite_ok(l2, 35, l2[35]), "composite");
}

/* TD1 document numbers longer than 9 characters (Part 5, 4.2.2 note j): the check
 * digit position holds '<', and the rest of the number followed by its check digit
 * opens the optional data field; the digit covers the whole number. */
static void td1_number(wl_mrz *m, const char *l1, checks *c)
{
    char full[32];
    memcpy(full, l1 + 5, 9);
    size_t n = 9;
    if (l1[14] == '<' && l1[15] != '<') {
        size_t e = 15;
        while (e < 30 && l1[e] != '<') e++;
        size_t ext = e - 15; /* extension characters and the check digit */
        if (ext >= 2) {
            memcpy(full + n, l1 + 15, ext - 1);
            n += ext - 1;
        }
        verify(c, ext >= 2 && digit_ok(full, n, l1[e - 1]), "document number");
    } else {
        verify(c, digit_ok(l1 + 5, 9, l1[14]), "document number");
    }
    copy_code(m->doc_number, sizeof m->doc_number, full, n);
}

static void parse_td1(wl_mrz *m, const char *z, checks *c)
{
    const char *l1 = z, *l2 = z + 30, *l3 = z + 60;
    copy_code(m->doc_code, sizeof m->doc_code, l1, 2);
    copy_code(m->issuer, sizeof m->issuer, l1 + 2, 3);
    td1_number(m, l1, c);
    memcpy(m->dob, l2, 6);
    m->sex = (l2[7] == 'M' || l2[7] == 'F') ? l2[7] : 0;
    memcpy(m->expiry, l2 + 8, 6);
    copy_code(m->nationality, sizeof m->nationality, l2 + 15, 3);
    split_names(m, l3, 30);
    verify(c, digit_ok(l2, 6, l2[6]), "date of birth");
    verify(c, digit_ok(l2 + 8, 6, l2[14]), "date of expiry");
    /* Composite (Part 5, 4.2.2): upper line 6-30, middle line 1-7, 9-15, 19-29. */
    char buf[64];
    size_t k = 0;
    memcpy(buf + k, l1 + 5, 25); k += 25;
    memcpy(buf + k, l2, 7); k += 7;
    memcpy(buf + k, l2 + 8, 7); k += 7;
    memcpy(buf + k, l2 + 18, 11); k += 11;
    verify(c, digit_ok(buf, k, l2[29]), "composite");
}

/* OCR of a zone confuses letters and digits that OCR-B draws alike: the pairs of
 * the document key's table (wl_ocr_digit, doc.c), one table for both. Where the
 * layout allows digits only (dates and check digits), a letter can only be such a
 * misreading, so it is read as the digit it resembles before the checks run; the
 * check digits then confirm or reject the repair. */
static void repair_digits(char *z, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) z[i] = wl_ocr_digit(z[i]);
}

/* Digit-only positions: TD3/TD2 lower line 13-19 and 21-27 (birth, expiry and
 * their digits) and the number's check digit at 9; TD1 middle line 0-6 and 8-14. */
static void repair_zone(char *z, size_t len)
{
    if (len == TD3_LEN || len == TD2_LEN) {
        size_t l2 = len / 2;
        repair_digits(z, l2 + 9, l2 + 10);
        repair_digits(z, l2 + 13, l2 + 20);
        repair_digits(z, l2 + 21, l2 + 28);
        repair_digits(z, len - 1, len); /* composite */
    } else {
        repair_digits(z, 30, 37);
        repair_digits(z, 38, 45);
        repair_digits(z, 59, 60); /* composite */
    }
}

int wl_mrz_parse(const char *s, size_t n, wl_mrz *out, char *why, size_t whycap)
{
    if (why && whycap) why[0] = '\0';
    if (!out) return 0;
    memset(out, 0, sizeof *out);
    if (!s) {
        wl_set_error(why, whycap, "no input");
        return 0;
    }
    zone zn;
    if (compact(s, n, &zn, why, whycap) < 0 || check_length(&zn, why, whycap) < 0) return 0;
    repair_zone(zn.z, zn.len);
    checks c = { 1, why, whycap };
    if (zn.len == TD3_LEN) {
        out->format = 3;
        parse_td3(out, zn.z, &c);
    } else if (zn.len == TD2_LEN) {
        out->format = 2;
        parse_td2(out, zn.z, &c);
    } else {
        out->format = 1;
        parse_td1(out, zn.z, &c);
    }
    out->checks_ok = c.ok;
    return 1;
}

static int two_digits(const char *s)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9') return -1;
    return (s[0] - '0') * 10 + (s[1] - '0');
}

int wl_mrz_birth_date(const wl_mrz *m, int reference_year, wl_date *out)
{
    int yy = two_digits(m->dob), mm = two_digits(m->dob + 2), dd = two_digits(m->dob + 4);
    if (yy < 0) return 0;
    memset(out, 0, sizeof *out);
    out->year = out->year_hi = (int16_t)wl_date_century(yy, reference_year);
    out->prec = WL_PREC_YEAR;
    if (mm >= 1 && mm <= 12) { /* '<' (unknown) or 00 keeps the year alone */
        out->month = (uint8_t)mm;
        out->prec = WL_PREC_MONTH;
        if (dd >= 1 && dd <= 31) {
            out->day = (uint8_t)dd;
            out->prec = WL_PREC_DAY;
        }
    }
    return 1;
}
