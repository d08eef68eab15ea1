/* gen_corrupt.c -- typing, OCR and transcription errors (gen_corrupt.h). */
#include "gen_corrupt.h"

#include <string.h>

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static int is_alnum(char c)
{
    return is_alpha(c) || (c >= '0' && c <= '9');
}
static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

/* Neighbouring keys on a QWERTY keyboard, the commonest substitutions. */
static char neighbour(char c, gen_rng *r)
{
    static const char *const rows[] = {"qwertyuiop", "asdfghjkl", "zxcvbnm"};
    char lc = lower(c);
    for (int i = 0; i < 3; i++) {
        const char *p = strchr(rows[i], lc);
        if (!p || !*p) continue;
        size_t k = (size_t)(p - rows[i]), n = strlen(rows[i]);
        size_t j = (k == 0) ? 1 : (k + 1 == n) ? k - 1 : (gen_rng_below(r, 2) ? k + 1 : k - 1);
        char out = rows[i][j];
        return (c >= 'A' && c <= 'Z') ? (char)(out - 32) : out;
    }
    return c;
}

/* @return the index of a random position satisfying ok(), or -1. Bounded: the
 * string is scanned once to count candidates. */
static long pick_pos(const char *s, int (*ok)(char), gen_rng *r)
{
    size_t n = 0;
    for (const char *p = s; *p; p++)
        n += ok(*p) != 0;
    if (!n) return -1;
    size_t k = gen_rng_below(r, (uint32_t)n);
    for (const char *p = s; *p; p++)
        if (ok(*p) && k-- == 0) return p - s;
    return -1;
}

int gen_typo(char *s, size_t cap, gen_rng *r)
{
    long i = pick_pos(s, is_alpha, r);
    if (i < 0) return 0;
    size_t len = strlen(s);
    switch (gen_rng_below(r, 4)) {
    case 0: /* substitution */
        s[i] = neighbour(s[i], r);
        return 1;
    case 1: /* deletion, unless it would empty the string */
        if (len < 3) return 0;
        memmove(s + i, s + i + 1, len - (size_t)i);
        return 1;
    case 2: /* doubled letter */
        if (len + 2 > cap) return 0;
        memmove(s + i + 1, s + i, len - (size_t)i + 1);
        return 1;
    default: /* transposition with the next letter */
        if (!is_alpha(s[i + 1]) || lower(s[i]) == lower(s[i + 1])) return 0;
        char t = s[i];
        s[i] = s[i + 1];
        s[i + 1] = t;
        return 1;
    }
}

static int is_ocr_confusable(char c)
{
    return c && strchr("0O1I5S8B2Z6G", c) != NULL;
}

int gen_ocr(char *s, gen_rng *r)
{
    static const char from[] = "0O1I5S8B2Z6G", to[] = "O0I1S5B8Z2G6";
    long i = pick_pos(s, is_ocr_confusable, r);
    if (i < 0) return 0;
    s[i] = to[strchr(from, s[i]) - from];
    return 1;
}

static int is_digit_char(char c)
{
    return c >= '0' && c <= '9';
}

int gen_doc_typo(char *s, gen_rng *r)
{
    size_t len = strlen(s);
    long i = pick_pos(s, is_digit_char, r);
    if (i < 0) return 0;
    switch (gen_rng_below(r, 3)) {
    case 0: {
        char d = (char)('0' + gen_rng_below(r, 10));
        if (d == s[i]) d = (char)(d == '9' ? '0' : d + 1);
        s[i] = d;
        return 1;
    }
    case 1:
        if (!is_alnum(s[i + 1]) || s[i] == s[i + 1]) return 0;
        {
            char t = s[i];
            s[i] = s[i + 1];
            s[i + 1] = t;
        }
        return 1;
    default:
        if (len < 6) return 0;
        memmove(s + i, s + i + 1, len - (size_t)i);
        return 1;
    }
}

void gen_upper_ascii(char *s)
{
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p >= 0x80) return;
    for (char *p = s; *p; p++)
        if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 32);
}
