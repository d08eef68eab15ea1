/*
 * test_strsim_bound.c -- wl_jaro_winkler_bound, the compare stage's cheap
 * prefilter (issue 11): never under Jaro-Winkler (the kernel and the plain
 * reference) on random and adversarial strings -- equal strings, shared
 * prefixes, transpositions, repeated bytes, one-letter alphabets, UTF-8
 * multi-byte characters, raw bytes, lengths across the 64-byte short path --
 * and tight where it must be (equal strings, no byte in common).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "compare/strsim.h"
#include "watchlink.h"

static uint64_t g_seed = 0x5eed1234abcdULL;

static uint64_t rnd(void)
{
    uint64_t z = (g_seed += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Pieces a string is made of: ASCII letters of small and large alphabets,
 * and multi-byte UTF-8 characters (Latin with marks, Cyrillic, Thai, Han). */
static const char *const PIECES[][12] = {
    { "a", "b", NULL },
    { "a", "b", "c", "d", NULL },
    { "m", "o", "h", "a", "d", "u", "n", "g", "y", "e", "i", NULL },
    { "\xc3\xa9", "e", "\xc3\xbc", "u", "\xc3\xb1", "n", NULL },                   /* é e ü u ñ n */
    { "\xd0\xb6", "\xd0\xb0", "\xd0\xb8", "\xd0\xbe", "\xd0\xb2", NULL },           /* ж а и о в */
    { "\xe0\xb8\x81", "\xe0\xb8\x84", "\xe0\xb8\xb2", "\xe0\xb9\x80", NULL },       /* Thai */
    { "\xe9\x98\xae", "\xe6\x96\x87", "\xe6\x9d\x8e", "a", NULL },                  /* Han */
};
enum { N_ALPHA = sizeof PIECES / sizeof PIECES[0] };

/* A string of up to max bytes from alphabet k (k == N_ALPHA: raw bytes 1..255). */
static size_t make(char *s, size_t max, int k)
{
    size_t target = (size_t)(rnd() % (max + 1)), n = 0;
    while (n < target) {
        if (k == N_ALPHA) {
            s[n++] = (char)(1 + rnd() % 255);
            continue;
        }
        size_t np = 0;
        while (PIECES[k][np]) np++;
        const char *p = PIECES[k][rnd() % np];
        size_t lp = strlen(p);
        if (n + lp > max) break;
        memcpy(s + n, p, lp);
        n += lp;
    }
    return n;
}

/* b from a: a typo, a transposition, a dropped or added byte, a shared prefix
 * with another tail, a rotation, or a reversal. */
static size_t mutate(const char *a, size_t la, char *b, size_t max, int k)
{
    memcpy(b, a, la);
    size_t lb = la;
    switch (rnd() % 7) {
    case 0:
        if (lb) b[rnd() % lb] = (char)('a' + rnd() % 26);
        break;
    case 1:
        if (lb >= 2) {
            size_t i = rnd() % (lb - 1);
            char t = b[i];
            b[i] = b[i + 1];
            b[i + 1] = t;
        }
        break;
    case 2:
        if (lb) {
            size_t i = rnd() % lb;
            memmove(b + i, b + i + 1, lb - i - 1);
            lb--;
        }
        break;
    case 3:
        if (lb < max) {
            size_t i = rnd() % (lb + 1);
            memmove(b + i + 1, b + i, lb - i);
            b[i] = a[lb ? rnd() % lb : 0];
            lb++;
        }
        break;
    case 4: {
        size_t keep = lb < 4 ? lb : 4;
        lb = keep + make(b + keep, max - keep, k);
        break;
    }
    case 5:
        if (lb) {
            size_t r = rnd() % lb;
            for (size_t i = 0; i < lb; i++) b[i] = a[(i + r) % la];
        }
        break;
    default:
        for (size_t i = 0; i < lb; i++) b[i] = a[la - 1 - i];
        break;
    }
    return lb;
}

static void check(const char *a, size_t la, const char *b, size_t lb, size_t *low)
{
    double bound = wl_jaro_winkler_bound(a, la, b, lb);
    double jw = wl_jaro_winkler(a, la, b, lb), ref = wl_jaro_winkler_ref(a, la, b, lb);
    if (!(bound >= jw) || !(bound >= ref))
        fail_msg("bound %.17g under Jaro-Winkler %.17g (ref %.17g) of '%.*s' (%zu) and '%.*s' (%zu)", bound, jw, ref,
                 (int)la, a, la, (int)lb, b, lb);
    /* symmetric, as Jaro-Winkler is */
    assert_true(wl_jaro_winkler_bound(b, lb, a, la) == bound);
    *low += bound < 0.8;
}

static void test_bound_random(void **state)
{
    (void)state;
    char a[80], b[80];
    size_t low = 0, n = 0;
    for (int k = 0; k <= N_ALPHA; k++)
        for (int r = 0; r < 20000; r++) {
            size_t max = r % 4 == 0 ? 72 : 16; /* mostly name-sized; some over 64 bytes */
            size_t la = make(a, max, k), lb = r % 2 ? make(b, max, k) : mutate(a, la, b, max, k);
            check(a, la, b, lb, &low);
            n++;
        }
    /* the bound decides many pairs, or the test would prove little */
    assert_true(low > n / 10);
    assert_true(low < n);
}

static void test_bound_adversarial(void **state)
{
    (void)state;
    static const char *const pairs[][2] = {
        { "martha", "marhta" },   { "dwayne", "duane" },  { "dixon", "dicksonx" }, { "aaaa", "aaab" },
        { "abcd", "dcba" },       { "ab", "ba" },         { "a", "a" },            { "a", "b" },
        { "muhammad", "mohammed" }, { "nguyen", "nguyễn" }, { "jose", "josé" },    { "abcdefgh", "abcdhgfe" },
        { "aaaaaaaaaaaaaaaaaaaa", "a" }, { "xyzw", "xyzwxyzw" }, { "crate", "trace" }, { "", "" },
        { "", "abc" },            { "ivanov", "иванов" },
    };
    size_t low = 0;
    for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++)
        check(pairs[k][0], strlen(pairs[k][0]), pairs[k][1], strlen(pairs[k][1]), &low);
    /* equal strings: Jaro-Winkler 1, and the bound no more than its margin above */
    const char *same = "abdulrahman";
    double eq = wl_jaro_winkler_bound(same, 11, same, 11);
    assert_true(eq >= 1.0 && eq < 1.0 + 1e-9);
    /* no byte in common, or an empty side: 0, as the kernel */
    assert_true(wl_jaro_winkler_bound("abc", 3, "xyz", 3) == 0.0);
    assert_true(wl_jaro_winkler_bound("", 0, "abc", 3) == 0.0);
    /* m at its count: 'ab' / 'ba' share both bytes, out of their window (jaro 0) */
    assert_true(wl_jaro_winkler_bound("ab", 2, "ba", 2) >= 1.0);
    /* Winkler's prefix counts: the same counts with a common prefix bound higher */
    assert_true(wl_jaro_winkler_bound("abxy", 4, "abyx", 4) > wl_jaro_winkler_bound("xyab", 4, "yxab", 4) - 1e-9);
    /* 100 bytes (the long path) of repeats */
    char x[100], y[100];
    memset(x, 'a', sizeof x);
    memset(y, 'a', sizeof y);
    y[50] = 'b';
    check(x, sizeof x, y, sizeof y, &low);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bound_random),
        cmocka_unit_test(test_bound_adversarial),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
