/* test_reader_scan.c -- the reader's scanning kernels (read/reader_scan.h) and
 * what is built on them: each scan variant (SSE2, 8-byte word, the one in use)
 * against a plain loop with the byte sought at every offset and alignment, the
 * ASCII tests and the UTF-8 check against a reference validator with every kind
 * of multibyte and invalid byte at every position, and the tokenizer against
 * its previous version (unit/reader_csv_ref.h) row by row on random CSV text,
 * small and across the 1 MiB read chunk. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "read/reader_csv.h"
#include "read/reader_scan.h"
#include "read/reader_utf8.h"
#include "unit/reader_csv_ref.h"

static uint64_t g_rng = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
    /* xorshift64*: fixed seed, the same cases every run */
    g_rng ^= g_rng >> 12;
    g_rng ^= g_rng << 25;
    g_rng ^= g_rng >> 27;
    return g_rng * 0x2545F4914F6CDD1Dull;
}

typedef const char *(*scan3_fn)(const char *, const char *, char, char, char);

static void check_scan(scan3_fn f, const char *p, const char *e, char a, char b, char c)
{
    const char *want = wl_scan3_bytes(p, e, a, b, c);
    const char *got = f(p, e, a, b, c);
    if (got != want)
        fail_msg("scan of %td bytes for %02x %02x %02x: got offset %td, want %td", e - p, (unsigned char)a,
                 (unsigned char)b, (unsigned char)c, got - p, want - p);
}

/* Every length up to 80, every alignment of 16, the sought byte (each of the
 * three) at every offset over a background that never matches, then a second
 * match after it (the first must win) and bytes that differ from the sought
 * one in a single bit (0x80 or 0x01: what a word test with a borrow between
 * bytes would confuse). The scan must never read past e: the buffer ends at
 * e for ASan (a copy into an allocation of exactly len bytes). */
static void check_variant(scan3_fn f)
{
    static const char targets[][3] = {{',', '\n', '"'}, {'\t', '\n', '"'}, {';', '|', '|'}, {'\0', '\x80', '\xff'}};
    char base[80 + 16];
    for (size_t t = 0; t < sizeof targets / sizeof targets[0]; t++) {
        char a = targets[t][0], b = targets[t][1], c = targets[t][2];
        for (size_t len = 0; len <= 80; len++) {
            for (size_t al = 0; al < 16; al++) {
                for (size_t i = 0; i < len; i++) {
                    char x;
                    do
                        x = (char)(rnd() & 0xFF);
                    while (x == a || x == b || x == c);
                    base[al + i] = x;
                }
                char *buf = malloc(len ? len : 1);
                assert_non_null(buf);
                memcpy(buf, base + al, len);
                check_scan(f, buf, buf + len, a, b, c); /* no match */
                for (size_t at = 0; at < len; at++) {
                    const char sought[3] = {a, b, c};
                    for (int w = 0; w < 3; w++) {
                        char keep = buf[at];
                        buf[at] = sought[w];
                        check_scan(f, buf, buf + len, a, b, c);
                        if (at + 1 < len) { /* a later match: the first still wins */
                            char k2 = buf[len - 1];
                            buf[len - 1] = sought[(w + 1) % 3];
                            check_scan(f, buf, buf + len, a, b, c);
                            buf[len - 1] = k2;
                        }
                        /* near misses before it: one bit away from a sought byte */
                        if (at > 0) {
                            char k1 = buf[at - 1];
                            buf[at - 1] = (char)(sought[w] ^ 0x80);
                            if (buf[at - 1] != a && buf[at - 1] != b && buf[at - 1] != c)
                                check_scan(f, buf, buf + len, a, b, c);
                            buf[at - 1] = (char)(sought[w] ^ 0x01);
                            if (buf[at - 1] != a && buf[at - 1] != b && buf[at - 1] != c)
                                check_scan(f, buf, buf + len, a, b, c);
                            buf[at - 1] = k1;
                        }
                        buf[at] = keep;
                    }
                }
                /* a scan started inside the buffer ends at the same place */
                for (size_t from = 0; from < len; from += 7)
                    check_scan(f, buf + from, buf + len, a, b, c);
                free(buf);
            }
        }
    }
}

static void test_scan3_variants(void **state)
{
    (void)state;
#if WL_SCAN_SSE2
    check_variant(wl_scan3_sse2);
#endif
#if WL_SCAN_SWAR
    check_variant(wl_scan3_swar);
#endif
    check_variant(wl_scan3);
    /* wl_scan2 is wl_scan3 with its last byte twice */
    static const char s[] = "abcdefghijklmnopqrstuvwxyz0123456789;|";
    const char *e = s + sizeof s - 1;
    assert_ptr_equal(wl_scan2(s, e, ';', '|'), strchr(s, ';'));
    assert_ptr_equal(wl_scan2(s, e, '|', '9'), strchr(s, '9'));
    assert_ptr_equal(wl_scan2(s, e - 2, ';', '|'), e - 2);
}

/* The 16-byte ASCII tests: one byte that is not plain (a NUL, 0x80, 0xFF, a
 * UTF-8 lead byte) at each of the 16 places, and the position bit it sets. */
static void test_plain16(void **state)
{
    (void)state;
    static const unsigned char bad[] = {0x00, 0x80, 0xC3, 0xE0, 0xFF};
    unsigned char v[16];
    for (int k = 0; k < 16; k++)
        v[k] = (unsigned char)(0x01 + (k * 7) % 0x7F);
    assert_int_equal(wl_plain16_bytes(v), 1);
    assert_int_equal(wl_plain16(v), 1);
#if WL_SCAN_SSE2
    assert_int_equal(wl_plain16_sse2(v), 1);
    assert_int_equal(wl_notplain16_sse2(v), 0);
#endif
    for (size_t b = 0; b < sizeof bad; b++) {
        for (int at = 0; at < 16; at++) {
            unsigned char keep = v[at];
            v[at] = bad[b];
            assert_int_equal(wl_plain16_bytes(v), 0);
            assert_int_equal(wl_plain16(v), 0);
#if WL_SCAN_SSE2
            assert_int_equal(wl_plain16_sse2(v), 0);
            assert_int_equal(wl_notplain16_sse2(v), 1u << at);
#endif
            v[at] = keep;
        }
    }
}

/* A validator written from Table 3-7 of the Unicode Standard, byte by byte,
 * with no fast path: the offset of the first byte of the first ill-formed
 * sequence (or NUL), or n. */
static size_t ref_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c == 0) return i;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        unsigned lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF)
            len = 2;
        else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0) lo = 0xA0;
            if (c == 0xED) hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0) lo = 0x90;
            if (c == 0xF4) hi = 0x8F;
        } else
            return i;
        if (i + len > n) return i;
        if (s[i + 1] < lo || s[i + 1] > hi) return i;
        for (size_t k = 2; k < len; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xBF) return i;
        i += len;
    }
    return n;
}

static void check_utf8(const unsigned char *s, size_t n)
{
    unsigned char *copy = malloc(n ? n : 1); /* exactly n bytes: ASan sees an over-read */
    assert_non_null(copy);
    memcpy(copy, s, n);
    size_t want = ref_utf8(copy, n), got = wl_utf8_check((const char *)copy, n);
    free(copy);
    if (got != want) fail_msg("UTF-8 check of %zu bytes: got %zu, want %zu", n, got, want);
}

/* Well-formed characters of every length (and the edges of Table 3-7's
 * ranges), and the ill-formed: stray continuation, overlong, surrogate,
 * beyond U+10FFFF, truncated, NUL. */
static const char *const g_good[] = {"a", "\xC2\xA0", "\xC3\xA9", "\xDF\xBF", "\xE0\xA0\x80", "\xE0\xB8\xAA",
                                     "\xED\x9F\xBF", "\xEE\x80\x80", "\xEF\xBF\xBD", "\xF0\x90\x80\x80",
                                     "\xF4\x8F\xBF\xBF", "\xE1\xBB\x85"};
static const char *const g_bad[] = {"\x80", "\xBF", "\xC0\x80", "\xC1\xBF", "\xE0\x80\x80", "\xED\xA0\x80",
                                    "\xF0\x80\x80\x80", "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xFF",
                                    "\xC3", "\xE0\xB8", "\xF0\x90\x80", "\xC3\x41"};

/* One character, good or bad, at every offset of an ASCII run of every length
 * up to 70 (so on both sides of each 8, 16 and 32-byte step), then random mixes
 * of characters. A NUL is the case g_bad cannot hold: put in by hand. */
static void test_utf8_check_positions(void **state)
{
    (void)state;
    unsigned char buf[128] = {0};
    for (size_t len = 0; len <= 70; len++) {
        for (size_t i = 0; i < len; i++)
            buf[i] = (unsigned char)('A' + i % 26);
        check_utf8(buf, len);
        for (size_t at = 0; at < len; at++) {
            for (int g = 0; g < 2; g++) {
                const char *const *set = g ? g_bad : g_good;
                size_t nset = g ? sizeof g_bad / sizeof g_bad[0] : sizeof g_good / sizeof g_good[0];
                for (size_t k = 0; k < nset; k++) {
                    unsigned char t[128];
                    size_t cl = strlen(set[k]);
                    memcpy(t, buf, at);
                    memcpy(t + at, set[k], cl);
                    memcpy(t + at + cl, buf + at, len - at);
                    check_utf8(t, len + cl);
                }
            }
            unsigned char keep = buf[at];
            buf[at] = 0;
            check_utf8(buf, len);
            buf[at] = keep;
        }
    }
    for (int round = 0; round < 20000; round++) {
        size_t n = 0;
        size_t parts = 1 + rnd() % 24;
        for (size_t k = 0; k < parts && n < 100; k++) {
            uint64_t r = rnd();
            const char *piece = r % 9 == 0 ? g_bad[r / 9 % (sizeof g_bad / sizeof g_bad[0])]
                                : r % 3 == 0 ? g_good[r / 3 % (sizeof g_good / sizeof g_good[0])]
                                             : "plain ascii text ";
            size_t pl = strlen(piece);
            if (r % 3 != 0 && r % 9 != 0) pl = 1 + r / 27 % pl;
            if (n + pl > sizeof buf) break;
            memcpy(buf + n, piece, pl);
            n += pl;
        }
        check_utf8(buf, n);
    }
}

/* Random CSV text from the bytes the tokenizer looks at (delimiters, quotes,
 * CR, LF, spaces, tabs) and a few others, multibyte included. */
static size_t random_csv(char *out, size_t n)
{
    static const char alpha[] = {'a', 'b', 'x', ',', ',', ',', ';', '|', '\t', ' ', ' ', '"', '"', '"',
                                 '\n', '\n', '\r', '\xC3', '\xA9', '\0'};
    for (size_t i = 0; i < n; i++)
        out[i] = alpha[rnd() % sizeof alpha];
    return n;
}

static void check_same(const char *data, size_t len, char delim, size_t max_field)
{
    long bad = csv_diff(data, len, delim, max_field);
    if (bad != 0)
        fail_msg("tokenizer differs from the reference at call %ld (%zu bytes, delimiter %02x, max_field %zu)",
                 bad, len, (unsigned char)delim, max_field);
}

/* Row by row as the previous tokenizer on random text: short inputs (every
 * way a row can end, in and out of quotes, at the end of the data), every
 * delimiter (also a space and a CR, which the API allows), small field limits.
 * Then hand-picked rows: quotes right at the end of the data, CRLF after a
 * closing quote, text after it, spaces before it, a blank-looking line. */
static void test_tokenizer_as_reference(void **state)
{
    (void)state;
    static const char delims[] = {0, ',', '\t', ';', '|', ' ', '\r', '"', '\n'};
    char buf[512];
    for (int round = 0; round < 30000; round++) {
        size_t len = random_csv(buf, 1 + rnd() % (round < 20000 ? 40 : sizeof buf));
        char d = delims[rnd() % sizeof delims];
        size_t mf = rnd() % 4 == 0 ? 1 + rnd() % 6 : 0;
        check_same(buf, len, d, mf);
    }
    static const char *const cases[] = {
        "a,b\n\"x\"",         "a,b\n\"x\"\"",        "a,b\n\"x",           "a,b\n\"x\"\r\n\"y\"\r\n",
        "a,b\n\"x\"y,z\n",    "a,b\n  \"x\" ,z\n",   "a,b\n \t \r\n1,2\n", "a,b\n1,\"two\nlines\",3\n4",
        "a,b\n\"\"\"\",\"\"", "a;b\n1;\"2;3\";4\r\n", "\xEF\xBB\xBF\x61,b\r1,\"2\r3\"\r",
        "a,b\n1,2\r\n\r\n\r\n", "a,b\n\"a\"\r", "a,b\n,,,\n",
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        for (size_t cut = 0; cut <= strlen(cases[k]); cut++)
            for (size_t di = 0; di < sizeof delims; di++)
                check_same(cases[k], cut, delims[di], 0);
}

/* Across the read chunk (1 MiB): random rows of a watchlist's shape with quoted
 * fields, doubled quotes, embedded line feeds, CRLF and multibyte names, a
 * little over 1 MiB long, so that the chunk's end falls in another place of a
 * row (in quotes, between a quote pair, inside a character) for each seed. */
static void test_tokenizer_across_chunks(void **state)
{
    (void)state;
    size_t cap = (1u << 20) + 40000;
    char *buf = malloc(cap);
    assert_non_null(buf);
    static const char *const pieces[] = {"Ahmad", "Nguy\xE1\xBB\x85n", "\"a, b\"", "\"say \"\"hi\"\"\"",
                                         "\"two\nlines\"", "\"x\"\r", "  \"sp\"", "1970-01-01", "",
                                         "\xE0\xB8\xAA\xE0\xB8\xA1", "\"\"", "\"open"};
    for (int seed = 0; seed < 24; seed++) {
        size_t n = 0;
        memcpy(buf, "id,name,aka,dob\n", 16);
        n = 16;
        size_t target = (1u << 20) - 2000 + (size_t)seed * 160;
        while (n < target) {
            for (int f = 0; f < 4; f++) {
                uint64_t r = rnd();
                /* the unterminated piece rarely, so most rows are whole */
                size_t pi = r % (sizeof pieces / sizeof pieces[0]);
                if (pi == sizeof pieces / sizeof pieces[0] - 1 && r % 97 != 0) pi = 0;
                size_t pl = strlen(pieces[pi]);
                memcpy(buf + n, pieces[pi], pl);
                n += pl;
                buf[n++] = f < 3 ? ',' : '\n';
            }
        }
        size_t extra = 2000 + rnd() % 3000; /* past the chunk's end */
        for (size_t k = 0; k < extra && n < cap; k++)
            buf[n++] = "ab,\"\n "[rnd() % 6];
        check_same(buf, n, 0, 0);
        check_same(buf, n, ',', 6);
    }
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scan3_variants),
        cmocka_unit_test(test_plain16),
        cmocka_unit_test(test_utf8_check_positions),
        cmocka_unit_test(test_tokenizer_as_reference),
        cmocka_unit_test(test_tokenizer_across_chunks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
