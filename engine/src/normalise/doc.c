/*
 * doc.c -- document numbers: an uppercase alphanumeric core, an OCR-folded key for
 * comparison and blocking, an ISO 3166-1 country prefix split off, and the ICAO
 * Doc 9303 Part 3 check digit (section 4.9: weights 7, 3, 1 repeating; digits
 * count their value, A..Z count 10..35, the filler '<' counts 0; the check digit
 * is the weighted sum modulo 10).
 *
 * Choices, so that two lists that wrote the same number differently agree:
 * - a leading label ("Passport No.", "NIK:") is skipped (skip_labels);
 * - separators (space, '-', '.', '/', '<', ...) are dropped; digits of any script
 *   and fullwidth forms fold to ASCII; Cyrillic letters that look like Latin ones
 *   (А В Е К М Н О Р С Т Х) are read as those Latin letters, since a number typed
 *   on a Cyrillic keyboard is the same number;
 * - the core keeps a check digit as written; check = 1 says its last character is
 *   the ICAO check digit of the rest, so a comparer may drop it; only passport-like
 *   numbers are examined (may_carry_check), since one random number in ten passes;
 * - the OCR key folds the confusions of OCR-B and of re-typing a printed number:
 *   O, Q, D -> 0; I, L -> 1; Z -> 2; S -> 5; G -> 6; B -> 8. ICAO chose OCR-B for
 *   MRZs so that machines tell these apart, but people copying numbers into
 *   watchlists do not: each pair differs by a stroke or a closed loop. Letters
 *   with no digit look-alike (A, C, E ...) stay, so a key still carries the letter
 *   series of a passport.
 */
#include "normalise/doc.h"

#include <string.h>

#include "normalise/country.h"
#include "common/digits.h"

enum { INPUT_MAX = 256 };

int wl_icao_check_digit(const char *s, size_t n)
{
    /* The weights cycle without a division per character; the sum (at most
     * 35 * 7 per character) is reduced once at the end, in 64 bits. */
    uint64_t sum = 0;
    unsigned w = 7;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        unsigned v;
        if (c >= '0' && c <= '9') v = (unsigned)(c - '0');
        else if (c >= 'A' && c <= 'Z') v = (unsigned)(c - 'A' + 10);
        else if (c == '<') v = 0;
        else return -1;
        sum += v * w;
        w = w == 7 ? 3 : w == 3 ? 1 : 7;
    }
    return (int)(sum % 10);
}

static char cyrillic_lookalike(int32_t cp)
{
    /* lower-cased by wl_fold_cp: а в е к м н о р с т х */
    switch (cp) {
    case 0x0430: return 'A'; case 0x0432: return 'B'; case 0x0435: return 'E';
    case 0x043A: return 'K'; case 0x043C: return 'M'; case 0x043D: return 'H';
    case 0x043E: return 'O'; case 0x0440: return 'P'; case 0x0441: return 'C';
    case 0x0442: return 'T'; case 0x0445: return 'X';
    default: return 0;
    }
}

/* @return the ASCII character a folded code point stands for in a number, 0 for a
 * separator, -1 for a character that has no place in a document number. */
static int doc_char(int32_t c)
{
    if (c >= '0' && c <= '9') return (int)c;
    if (c >= 'A' && c <= 'Z') return (int)c;
    if (c >= 'a' && c <= 'z') return (int)(c - 32);
    if (c < 0x80) return 0;
    char k = cyrillic_lookalike(c);
    if (k) return k;
    return wl_is_word_cp(c) ? -1 : 0;
}

char wl_ocr_digit(char c)
{
    switch (c) {
    case 'O': case 'Q': case 'D': return '0';
    case 'I': case 'L': return '1';
    case 'Z': return '2';
    case 'S': return '5';
    case 'G': return '6';
    case 'B': return '8';
    default: return c;
    }
}

/* Collects the core into out->core; records where the first separator after a
 * leading run of letters was (for the country prefix). @return 0, or -1 when the
 * input is not a document number (foreign letters, too long). */
static int collect_core(const char *s, size_t n, wl_doc *out, size_t *sep_after)
{
    size_t len = 0;
    *sep_after = 0;
    for (size_t i = 0; i < n;) {
        int32_t cp, f[4];
        int k;
        if ((unsigned char)s[i] < 0x80) { /* ASCII: no decoding, no folding call */
            f[0] = (unsigned char)s[i++];
            k = 1;
        } else {
            i += wl_utf8_next(s + i, n - i, &cp);
            if (cp < 0) return -1;
            k = wl_fold_cp(cp, f);
        }
        for (int j = 0; j < k; j++) {
            int c = doc_char(f[j]);
            if (c < 0) return -1;
            if (c == 0) {
                if (!*sep_after && len) *sep_after = len;
                continue;
            }
            if (len + 1 >= WL_DOC_MAX) return -1;
            out->core[len++] = (char)c;
        }
    }
    out->core[len] = '\0';
    out->core_len = (uint8_t)len;
    return 0;
}

static int count_digits(const char *s, size_t n)
{
    int d = 0;
    for (size_t i = 0; i < n; i++) d += s[i] >= '0' && s[i] <= '9';
    return d;
}

static int all_letters(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < 'A' || s[i] > 'Z') return 0;
    return 1;
}

/* Does rest look like a document number on its own? At least five digits and at
 * most two letters ("A1234567", "123456789"). */
static int looks_like_number(const char *rest, size_t n)
{
    int d = count_digits(rest, n);
    return n >= 5 && d >= 5 && (int)n - d <= 2;
}

/* "IDN A1234567", "MYS-A12345678", "USA123456789": an ISO alpha-3 prefix. An
 * alpha-2 prefix only with a separator and a letter after it ("ID A1234567"):
 * "EC1234567" is a Philippine passport series, not Ecuador. */
static void strip_country(wl_doc *d, size_t sep_after)
{
    size_t p = 0;
    if (d->core_len >= 8 && all_letters(d->core, 3) && wl_country_from_code(d->core, 3)) {
        int glued = sep_after != 3;
        const char *rest = d->core + 3;
        size_t rn = d->core_len - 3u;
        if (looks_like_number(rest, rn) && (!glued || rn >= 6)) p = 3;
    }
    if (!p && sep_after == 2 && d->core_len >= 8 && all_letters(d->core, 2) &&
        wl_country_from_code(d->core, 2) && d->core[2] >= 'A' && d->core[2] <= 'Z' &&
        looks_like_number(d->core + 2, d->core_len - 2u)) {
        p = 2;
    }
    if (!p) return;
    wl_alpha3_unpack(wl_country_from_code(d->core, p), d->country);
    memmove(d->core, d->core + p, d->core_len - p + 1u);
    d->core_len = (uint8_t)(d->core_len - p);
}

/* A passport-like shape: 8 to 10 characters (a number of up to 9 and its digit, as
 * the 9-character number field of an MRZ carries it) with a letter, or exactly 10
 * digits. Any number passes the 7-3-1 rule by chance one time in ten, so purely
 * numeric national IDs (7, 12, 13, 16 digits) are not examined at all. */
static int may_carry_check(const char *core, size_t n)
{
    if (n < 8 || n > 10) return 0;
    return n == 10 || count_digits(core, n) < (int)n;
}

/* check = 1 when a passport-like number ends in the check digit of the rest; 0
 * when a 10-character one (a 9-character passport number and its digit) ends in a
 * digit that fails; else -1: most national numbers carry none. */
static int8_t find_check(const wl_doc *d)
{
    size_t n = d->core_len;
    if (!may_carry_check(d->core, n)) return -1;
    char last = d->core[n - 1];
    if (last < '0' || last > '9') return -1;
    if (wl_icao_check_digit(d->core, n - 1) == last - '0') return 1;
    return n == 10 ? 0 : -1;
}

/* "N/A", "NONE", "0000000" and two-character scraps are not document numbers: a
 * usable core has at least three characters and a digit other than zero. */
static int usable(const wl_doc *d)
{
    if (d->core_len < 3) return 0;
    for (size_t i = 0; i < d->core_len; i++)
        if (d->core[i] >= '1' && d->core[i] <= '9') return 1;
    return 0;
}

/* Labels that lists leave in the value: "Passport No. A1234567", "NIK: 3174...",
 * "IC 780304-14-5678". A leading word from this list, followed by a separator, is
 * skipped (ASCII, any case). "ID" is not a label: "ID A1234567" names Indonesia. */
static int is_label(const char *w, size_t n)
{
    static const char *const LABELS[] = {
        "passport", "pasport", "paspor", "pass", "pp", "no", "nr", "nbr", "num", "number",
        "nomor", "nombor", "ic", "nik", "ktp", "nric", "fin", "mykad", "card", "doc",
        "document", "dokumen", "kp", "cmnd", "cccd", "nrc",
    };
    char low[12];
    if (n == 0 || n > sizeof low) return 0;
    for (size_t i = 0; i < n; i++) low[i] = (char)(w[i] | 0x20);
    for (size_t k = 0; k < sizeof LABELS / sizeof LABELS[0]; k++)
        if (strlen(LABELS[k]) == n && memcmp(LABELS[k], low, n) == 0) return 1;
    return 0;
}

static int is_ascii_letter(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* @return the offset after the leading labels and their separators. */
static size_t skip_labels(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
    for (int k = 0; k < 4; k++) {
        size_t b = i;
        while (i < n && is_ascii_letter(s[i])) i++;
        size_t e = i;
        int sep = 0;
        while (i < n && (s[i] == ' ' || s[i] == '.' || s[i] == ':' || s[i] == '#' || s[i] == '\t')) {
            i++;
            sep = 1;
        }
        if (!sep || i == n || !is_label(s + b, e - b)) return b;
    }
    return i;
}

int wl_doc_normalize(const char *s, size_t n, wl_doc *out)
{
    if (!out) return 0;
    memset(out, 0, sizeof *out);
    out->check = -1;
    if (!s || n == 0 || n > INPUT_MAX) return 0;
    size_t sep_after, skip = skip_labels(s, n);
    if (collect_core(s + skip, n - skip, out, &sep_after) < 0) {
        memset(out, 0, sizeof *out);
        out->check = -1;
        return 0;
    }
    strip_country(out, sep_after);
    for (size_t i = 0; i < out->core_len; i++) out->ocr[i] = wl_ocr_digit(out->core[i]);
    out->ocr[out->core_len] = '\0';
    out->ocr_len = out->core_len;
    out->check = find_check(out);
    return usable(out);
}
