/*
 * test_strsim.c -- the similarity kernels equal their textbook definitions:
 * hand-checked values, the plain O(n·m) references on seeded random pairs
 * (every fast path, cached or not, the 64-byte boundary and the long-string
 * paths), the committed python-jellyfish values on real names, and, when
 * /usr/bin/python3 has jellyfish, the live oracle on random pairs.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/common.h"
#include "compare/strsim.h"

#define JARO_EPS 1e-12
#define MAXLEN 80
#define LONG_MAXLEN 700

/* ---- seeded generator (splitmix64) ---- */
static uint64_t g_rng;
static uint64_t rnd(void)
{
    uint64_t z = (g_rng += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}
static size_t rnd_below(size_t n) { return (size_t)(rnd() % n); }

/* Lengths 0..MAXLEN, a third of them near the 64-byte boundary; alphabets of
 * 1..26 letters (small ones force many matches and transpositions); b is often
 * a mutation of a so that distances stay small and cutoffs are exercised. */
static size_t random_len(size_t cap)
{
    if (cap >= 70 && rnd_below(3) == 0) return 60 + rnd_below(10);
    return rnd_below(cap + 1);
}

/* Symbol k of an alphabet; alphabet 0 stands for raw bytes, NUL and bytes
 * above 127 included (the kernels work on bytes and pad vectors with NUL). */
static char symbol(size_t alphabet)
{
    static const unsigned char raw[] = { 0x00, 0x80, 0xff, 'a', 0x01 };
    if (alphabet == 0) return (char)raw[rnd_below(sizeof raw)];
    return (char)('a' + rnd_below(alphabet));
}

static void random_string(char *s, size_t n, size_t alphabet)
{
    for (size_t i = 0; i < n; i++) s[i] = symbol(alphabet);
}

static size_t mutate(const char *a, size_t la, char *b, size_t cap, size_t alphabet)
{
    size_t lb = 0, edits = rnd_below(6);
    memcpy(b, a, la);
    lb = la;
    for (size_t e = 0; e < edits; e++) {
        size_t op = rnd_below(4), at = lb ? rnd_below(lb) : 0;
        if (op == 0 && lb < cap) { /* insert */
            memmove(b + at + 1, b + at, lb - at);
            b[at] = symbol(alphabet);
            lb++;
        } else if (op == 1 && lb) { /* delete */
            memmove(b + at, b + at + 1, lb - at - 1);
            lb--;
        } else if (op == 2 && lb) { /* substitute */
            b[at] = symbol(alphabet);
        } else if (lb > 1 && at + 1 < lb) { /* transpose */
            char t = b[at];
            b[at] = b[at + 1];
            b[at + 1] = t;
        }
    }
    return lb;
}

static size_t random_pair(char *a, size_t *la, char *b, size_t cap)
{
    static const size_t alphabets[] = { 0, 1, 2, 3, 4, 6, 10, 26 };
    size_t alphabet = alphabets[rnd_below(WL_ARRAY_SIZE(alphabets))];
    *la = random_len(cap);
    random_string(a, *la, alphabet);
    if (rnd_below(2)) return mutate(a, *la, b, cap, alphabet);
    size_t lb = random_len(cap);
    random_string(b, lb, alphabet);
    return lb;
}

/* ---- checks of one pair against the references ---- */
static int cut(int d, int max) { return max >= 0 && d > max ? max + 1 : d; }

static void check_jaro(const char *a, size_t la, const char *b, size_t lb)
{
    wl_strsim_cached ca;
    wl_strsim_prepare(&ca, a, la);
    double j = wl_jaro_ref(a, la, b, lb), jw = wl_jaro_winkler_ref(a, la, b, lb);
    assert_true(fabs(wl_jaro(a, la, b, lb) - j) < JARO_EPS);
    assert_true(fabs(wl_jaro_winkler(a, la, b, lb) - jw) < JARO_EPS);
    assert_true(fabs(wl_jaro_cached(&ca, b, lb) - j) < JARO_EPS);
    assert_true(fabs(wl_jaro_winkler_cached(&ca, b, lb) - jw) < JARO_EPS);
    /* cached and plain agree to the bit */
    assert_true(wl_jaro_winkler_cached(&ca, b, lb) == wl_jaro_winkler(a, la, b, lb));
    /* symmetric, to the bit */
    assert_true(wl_jaro_winkler(b, lb, a, la) == wl_jaro_winkler(a, la, b, lb));
}

static void check_edits(const char *a, size_t la, const char *b, size_t lb)
{
    static const int maxes[] = { -1, 0, 1, 2, 3, 5, 8, 1000 };
    wl_strsim_cached ca;
    wl_strsim_prepare(&ca, a, la);
    int lev = wl_levenshtein_ref(a, la, b, lb), osa = wl_osa_ref(a, la, b, lb);
    assert_true(lev >= 0 && osa >= 0 && osa <= lev);
    for (size_t k = 0; k < WL_ARRAY_SIZE(maxes); k++) {
        int max = maxes[k];
        assert_int_equal(wl_levenshtein(a, la, b, lb, max), cut(lev, max));
        assert_int_equal(wl_osa(a, la, b, lb, max), cut(osa, max));
        assert_int_equal(wl_levenshtein_cached(&ca, b, lb, max), cut(lev, max));
        assert_int_equal(wl_osa_cached(&ca, b, lb, max), cut(osa, max));
    }
}

static void test_textbook_values(void **state)
{
    (void)state;
    /* Winkler (1990) / strcmp95 examples. */
    assert_true(fabs(wl_jaro("martha", 6, "marhta", 6) - 0.944444444444444) < 1e-12);
    assert_true(fabs(wl_jaro_winkler("martha", 6, "marhta", 6) - 0.961111111111111) < 1e-12);
    assert_true(fabs(wl_jaro_winkler("dwayne", 6, "duane", 5) - 0.84) < 1e-12);
    assert_true(fabs(wl_jaro_winkler("dixon", 5, "dicksonx", 8) - 0.813333333333333) < 1e-12);
    /* Empty strings give 0, like jellyfish; identical strings 1. */
    assert_true(wl_jaro("", 0, "", 0) == 0.0);
    assert_true(wl_jaro_winkler("", 0, "abc", 3) == 0.0);
    assert_true(wl_jaro_winkler("abc", 3, "abc", 3) == 1.0);
    /* The window is max/2 - 1 = 0 for two bytes: "ab"/"ba" share nothing. */
    assert_true(wl_jaro("ab", 2, "ba", 2) == 0.0);
    /* No boost at or below 0.7: jaro("abc","axy") = (1/3+1/3+1)/3 = 0.556. */
    assert_true(wl_jaro_winkler("abc", 3, "axy", 3) == wl_jaro("abc", 3, "axy", 3));

    assert_int_equal(wl_levenshtein("kitten", 6, "sitting", 7, -1), 3);
    assert_int_equal(wl_levenshtein("kitten", 6, "sitting", 7, 2), 3); /* max + 1 */
    assert_int_equal(wl_levenshtein("kitten", 6, "sitting", 7, 0), 1);
    assert_int_equal(wl_levenshtein("abc", 3, "abcdefgh", 8, 4), 5); /* length gap */
    /* OSA is the restricted distance: "ca" -> "abc" costs 3 (Damerau would be 2). */
    assert_int_equal(wl_osa("ca", 2, "abc", 3, -1), 3);
    assert_int_equal(wl_levenshtein("ca", 2, "ac", 2, -1), 2);
    assert_int_equal(wl_osa("ca", 2, "ac", 2, -1), 1);
    assert_int_equal(wl_osa("mohammed", 8, "mohamemd", 8, 1), 1);
    assert_int_equal(wl_osa("", 0, "", 0, 0), 0);
    assert_int_equal(wl_levenshtein("", 0, "abc", 3, -1), 3);
}

/* 120,000 seeded pairs (40% near the 64-byte boundary) through every path. */
static void test_random_against_reference(void **state)
{
    (void)state;
    char a[MAXLEN + 1], b[MAXLEN + 1];
    g_rng = 42;
    for (int n = 0; n < 120000; n++) {
        size_t la, lb = random_pair(a, &la, b, MAXLEN);
        check_jaro(a, la, b, lb);
        check_edits(a, la, b, lb);
    }
}

/* Long strings: the general Jaro path (> 64, and > 1024 on the heap) and the
 * band DP (> 64 after stripping, rows on the heap past 511). */
static void test_long_strings(void **state)
{
    (void)state;
    static char a[LONG_MAXLEN * 2 + 8], b[LONG_MAXLEN * 2 + 8];
    g_rng = 7;
    for (int n = 0; n < 300; n++) {
        size_t la, lb = random_pair(a, &la, b, n < 20 ? LONG_MAXLEN * 2 : LONG_MAXLEN);
        check_jaro(a, la, b, lb);
        check_edits(a, la, b, lb);
    }
    /* a long common prefix that stripping removes entirely */
    memset(a, 'x', 600);
    memcpy(b, a, 600);
    b[300] = 'y';
    assert_int_equal(wl_levenshtein(a, 600, b, 600, 2), 1);
    assert_int_equal(wl_levenshtein(a, 600, b, 599, 2), wl_levenshtein_ref(a, 600, b, 599));
}

/* Every pair of lengths 1..64 on both sides, so that each short-path case is
 * met: a longer than b plus the window (the matching loop stops before a's
 * end and the match flags must still land on a's positions), b longer than a,
 * equal lengths, the 64-byte edge (all bits of the masks in use), and the
 * transposition walk over many matches. Three string shapes per pair: a run of
 * one repeated byte (every window full of candidates), two letters at random,
 * and b a suffix of a's text (its matches sit near a's end), in raw bytes too. */
static void test_jaro_every_length(void **state)
{
    (void)state;
    char a[64], b[64];
    g_rng = 11;
    for (size_t la = 1; la <= 64; la++) {
        for (size_t lb = 1; lb <= 64; lb++) {
            memset(a, 'z', la);
            memset(b, 'z', lb);
            check_jaro(a, la, b, lb);
            random_string(a, la, 2);
            random_string(b, lb, 2);
            check_jaro(a, la, b, lb);
            random_string(a, la, rnd_below(2) ? 0 : 6);
            for (size_t j = 0; j < lb; j++) b[j] = a[(la - 1 - (lb - 1 - j) % la)];
            check_jaro(a, la, b, lb);
            check_jaro(b, lb, a, la);
        }
    }
}

/* A table set again query after query (wl_strsim_reprepare, which clears only
 * the previous query's entries) equals one prepared afresh, across empty
 * queries and queries over 64 bytes (which leave the table zero), and gives
 * the same values as the plain kernels. */
static void test_reprepare_equals_prepare(void **state)
{
    (void)state;
    static wl_strsim_cached again, fresh;
    char q[MAXLEN + 1], b[MAXLEN + 1], last[64];
    size_t last_len = 0;
    g_rng = 5;
    wl_strsim_prepare(&again, "", 0);
    for (int n = 0; n < 3000; n++) {
        size_t lq, lb = random_pair(q, &lq, b, MAXLEN);
        wl_strsim_reprepare(&again, (const unsigned char *)last, last_len, q, lq);
        wl_strsim_prepare(&fresh, q, lq);
        assert_memory_equal(again.peq, fresh.peq, sizeof fresh.peq);
        assert_true(wl_jaro_winkler_cached(&again, b, lb) == wl_jaro_winkler(q, lq, b, lb));
        assert_int_equal(wl_osa_cached(&again, b, lb, 2), wl_osa(q, lq, b, lb, 2));
        last_len = lq <= sizeof last ? lq : 0;
        memcpy(last, q, last_len);
    }
}

static void golden_path(char *out, size_t cap, const char *name)
{
    /* __FILE__ is tests/unit/test_strsim.c; the tables live in tests/golden. */
    const char *file = __FILE__, *slash = strrchr(file, '/');
    size_t dir = slash ? (size_t)(slash - file) : 0;
    snprintf(out, cap, "%.*s/../golden/%s", (int)dir, file, name);
}

typedef struct {
    char a[64], b[64];
    double jaro, jw;
    int lev, dl;
} oracle_row;

/* Reads "a<TAB>b<TAB>jaro<TAB>jw<TAB>lev<TAB>dl" lines, '#' comments skipped. */
static int read_oracle_row(FILE *f, oracle_row *r)
{
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n') continue;
        if (sscanf(line, "%63[^\t]\t%63[^\t]\t%lf\t%lf\t%d\t%d", r->a, r->b, &r->jaro, &r->jw,
                   &r->lev, &r->dl) == 6)
            return 1;
        fail_msg("bad oracle line: %s", line);
    }
    return 0;
}

static void check_oracle_row(const oracle_row *r)
{
    size_t la = strlen(r->a), lb = strlen(r->b);
    if (fabs(wl_jaro(r->a, la, r->b, lb) - r->jaro) >= JARO_EPS
        || fabs(wl_jaro_winkler(r->a, la, r->b, lb) - r->jw) >= JARO_EPS)
        fail_msg("%s / %s: jaro %.17g jw %.17g, oracle %.17g %.17g", r->a, r->b,
                 wl_jaro(r->a, la, r->b, lb), wl_jaro_winkler(r->a, la, r->b, lb), r->jaro, r->jw);
    assert_int_equal(wl_levenshtein(r->a, la, r->b, lb, -1), r->lev);
    /* jellyfish's Damerau is unrestricted: dl <= osa <= lev, and equality of
     * dl and lev pins osa too. */
    int osa = wl_osa(r->a, la, r->b, lb, -1);
    assert_int_equal(osa, wl_osa_ref(r->a, la, r->b, lb));
    assert_true(r->dl <= osa && osa <= r->lev);
    if (r->dl == r->lev) assert_int_equal(osa, r->lev);
}

/* The committed jellyfish values on real names: runs without Python. */
static void test_golden_jellyfish_names(void **state)
{
    (void)state;
    char path[4096];
    golden_path(path, sizeof path, "jellyfish_name_pairs.tsv");
    FILE *f = fopen(path, "r");
    if (!f) fail_msg("cannot open %s", path);
    oracle_row r;
    int rows = 0;
    while (read_oracle_row(f, &r)) {
        check_oracle_row(&r);
        rows++;
    }
    fclose(f);
    assert_true(rows >= 1000);
}

#define ORACLE_PY "/usr/bin/python3"
static const char g_oracle_script[] =
    "import sys, warnings\n"
    "warnings.filterwarnings('ignore')\n"
    "import jellyfish as j\n"
    "for line in open(sys.argv[1]):\n"
    "    a, b = line.rstrip('\\n').split('\\t')\n"
    "    print('%s\\t%s\\t%.17g\\t%.17g\\t%d\\t%d' % (a, b, j.jaro_similarity(a, b),\n"
    "          j.jaro_winkler_similarity(a, b), j.levenshtein_distance(a, b),\n"
    "          j.damerau_levenshtein_distance(a, b)))\n";

static int have_jellyfish(void)
{
    if (access(ORACLE_PY, X_OK) != 0) return 0;
    return system(ORACLE_PY " -c 'import jellyfish' >/dev/null 2>&1") == 0;
}

static void letters_only(char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < 'a' || s[i] > 'z') s[i] = (char)('q' + ((unsigned char)s[i] & 3));
}

/* Writes n random pairs (1..40 bytes, small alphabets, no tabs) to path. */
static void write_random_pairs(const char *path, int n)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    char a[41], b[41];
    for (int k = 0; k < n; k++) {
        size_t la, lb = random_pair(a, &la, b, 40);
        if (!la) a[la++] = 'a';
        if (!lb) b[lb++] = 'b';
        letters_only(a, la); /* the oracle reads text lines */
        letters_only(b, lb);
        fprintf(f, "%.*s\t%.*s\n", (int)la, a, (int)lb, b);
    }
    fclose(f);
}

/* The live oracle: 20,000 random pairs and the real names, recomputed by jellyfish now. */
static void test_live_jellyfish_oracle(void **state)
{
    (void)state;
    if (!have_jellyfish()) skip();
    char dir[] = "/tmp/wl_strsim_XXXXXX", pairs[64], script[64], cmd[512];
    assert_non_null(mkdtemp(dir));
    snprintf(pairs, sizeof pairs, "%s/pairs.tsv", dir);
    snprintf(script, sizeof script, "%s/oracle.py", dir);
    g_rng = 99;
    write_random_pairs(pairs, 20000);
    FILE *s = fopen(script, "w");
    assert_non_null(s);
    fputs(g_oracle_script, s);
    fclose(s);
    snprintf(cmd, sizeof cmd, ORACLE_PY " %s %s", script, pairs);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    oracle_row r;
    int rows = 0;
    while (read_oracle_row(p, &r)) {
        check_oracle_row(&r);
        rows++;
    }
    assert_int_equal(pclose(p), 0);
    assert_int_equal(rows, 20000);
    unlink(pairs);
    unlink(script);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_textbook_values),
        cmocka_unit_test(test_random_against_reference),
        cmocka_unit_test(test_long_strings),
        cmocka_unit_test(test_jaro_every_length),
        cmocka_unit_test(test_reprepare_equals_prepare),
        cmocka_unit_test(test_golden_jellyfish_names),
        cmocka_unit_test(test_live_jellyfish_oracle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
