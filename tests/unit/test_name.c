/* test_name.c -- name normalisation: the golden table tests/golden/names.tsv, the
 * word tables, the keys of each part, folding and the limits of the parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/common.h"
#include "normalise/name.h"
#include "common/tables.h"

static FILE *open_golden(const char *name)
{
    const char *src = getenv("WL_SOURCE_DIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/golden/%s", src ? src : ".", name);
    FILE *f = fopen(path, "r");
    if (!f) fail_msg("cannot open %s (WL_SOURCE_DIR unset?)", path);
    return f;
}

/* Writes parts the way names.tsv spells them. */
static void render(const wl_namepart *p, int n, char *out, size_t cap)
{
    size_t k = 0;
    if (n == 0) snprintf(out, cap, "-");
    for (int i = 0; i < n && k + 1 < cap; i++) {
        k += (size_t)snprintf(out + k, cap - k, "%s%.*s", i ? " " : "", p[i].len, p[i].text);
        if (p[i].canon_len != p[i].len || memcmp(p[i].canon, p[i].text, p[i].len) != 0)
            k += (size_t)snprintf(out + k, cap - k, "=%.*s", p[i].canon_len, p[i].canon);
        if (p[i].flags && k + 8 < cap) {
            out[k++] = ':';
            static const struct { uint8_t f; char c; } fl[] = {
                { WL_PART_PARTICLE, 'P' }, { WL_PART_INITIAL, 'I' }, { WL_PART_FAMILY, 'F' },
                { WL_PART_GIVEN, 'G' },    { WL_PART_SPLIT, 'S' },   { WL_PART_XSCRIPT, 'X' },
                { WL_PART_PATRONYMIC, 'T' },
            };
            for (size_t j = 0; j < sizeof fl / sizeof fl[0]; j++)
                if (p[i].flags & fl[j].f) out[k++] = fl[j].c;
            out[k] = 0;
        }
    }
}

static int kind_of(const char *s)
{
    static const char *const k[] = { "full", "given", "middle", "family" };
    for (int i = 0; i < 4; i++)
        if (strcmp(s, k[i]) == 0) return i;
    fail_msg("unknown kind %s", s);
    return -1;
}

static void test_golden_names(void **state)
{
    (void)state;
    wl_namectx *ctx = wl_namectx_create();
    assert_non_null(ctx);
    FILE *f = open_golden("names.tsv");
    char line[2048], got[1024];
    int rows = 0, bad = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        char *k = strchr(line, '\t'), *want = k ? strchr(k + 1, '\t') : NULL;
        if (line[0] == '#' || !want) continue;
        *k++ = 0;
        *want++ = 0;
        wl_namepart p[WL_NAME_MAX_PARTS];
        int n = wl_name_parse(ctx, line, strlen(line), kind_of(k), p, WL_NAME_MAX_PARTS);
        render(p, n, got, sizeof got);
        rows++;
        if (strcmp(got, want) != 0) {
            print_error("%s (%s): got \"%s\", want \"%s\"\n", line, k, got, want);
            bad++;
        }
    }
    fclose(f);
    wl_namectx_free(ctx);
    assert_true(rows >= 150);
    assert_int_equal(bad, 0);
}

/* A spelling belongs to one family only, or the canonical key would depend on
 * the order the table is read in; and there are at least 80 families. */
static void test_variant_table(void **state)
{
    (void)state;
    size_t len, fl[64];
    const char *f[64];
    const char *data = wl_table_get("name_variants", &len);
    assert_non_null(data);
    wl_table_iter it;
    wl_table_iter_init(&it, data, len);
    char seen[4096][40];
    int nseen = 0, families = 0, nf, dup = 0;
    while ((nf = wl_table_next(&it, f, fl, 64)) > 0) {
        families++;
        for (int i = 0; i < nf; i++) {
            assert_true(fl[i] > 0 && fl[i] < 40);
            for (int j = 0; j < nseen; j++)
                if (strlen(seen[j]) == fl[i] && memcmp(seen[j], f[i], fl[i]) == 0) {
                    print_error("%.*s is in two families\n", (int)fl[i], f[i]);
                    dup++;
                }
            assert_true(nseen < 4096);
            memcpy(seen[nseen], f[i], fl[i]);
            seen[nseen++][fl[i]] = 0;
        }
    }
    assert_int_equal(dup, 0);
    assert_true(families >= 80);
}

/* name_chinese.tsv: a spelling is in one row of its kind, every key is a pinyin
 * syllable, and every spelling got its reading. */
static int seen_before(char (*seen)[40], int nseen, const char *s, size_t n)
{
    for (int j = 0; j < nseen; j++)
        if (strlen(seen[j]) == n && memcmp(seen[j], s, n) == 0) return 1;
    return 0;
}

static void test_chinese_table(void **state)
{
    (void)state;
    assert_int_equal(wl_name_lex_init(), 0);
    size_t len, fl[64];
    const char *f[64];
    static char seen[2][2048][40];
    int nseen[2] = { 0, 0 }, nf, dup = 0, rows = 0;
    wl_table_iter it;
    const char *data = wl_table_get("name_chinese", &len);
    assert_non_null(data);
    wl_table_iter_init(&it, data, len);
    while ((nf = wl_table_next(&it, f, fl, 64)) > 0) {
        assert_true(nf >= 3);
        int family = fl[0] == 6 && memcmp(f[0], "family", 6) == 0;
        assert_true(family || (fl[0] == 5 && memcmp(f[0], "given", 5) == 0));
        const wl_lexent *key = wl_name_lex_find(f[1], fl[1]);
        assert_true(key && (key->flags & WL_LEX_PINYIN));
        rows++;
        for (int i = 2; i < nf; i++) {
            const char *w = f[i] + (f[i][0] == '?');
            size_t n = fl[i] - (f[i][0] == '?');
            assert_true(n > 0 && n < 40);
            if (seen_before(seen[family], nseen[family], w, n)) {
                print_error("%.*s is in two %s rows\n", (int)n, w, family ? "family" : "given");
                dup++;
            }
            memcpy(seen[family][nseen[family]], w, n);
            seen[family][nseen[family]++][n] = 0;
            const wl_lexent *e = wl_name_lex_find(w, n);
            assert_non_null(e);
            /* The family reading is the row's pinyin (or an earlier row's, never a Korean one). */
            if (family) assert_non_null(e->han_family);
            else assert_ptr_equal(e->han_given, key);
        }
    }
    assert_int_equal(dup, 0);
    assert_true(rows >= 80);
}

/* Joined syllables: cut by the pinyin rules; bounded on hostile lengths. */
static void test_han_segment(void **state)
{
    (void)state;
    assert_int_equal(wl_name_lex_init(), 0);
    const wl_lexent *seg[WL_HAN_MAX_SYLLABLES];
    assert_int_equal(wl_han_segment("xiaolong", 8, seg), 2);
    assert_string_equal(seg[0]->word, "xiao");
    assert_string_equal(seg[1]->word, "long");
    assert_int_equal(wl_han_segment("choonhui", 8, seg), 2);
    assert_int_equal(wl_han_segment("maung", 5, seg), 0);  /* no syllable starts with a vowel after the first */
    assert_int_equal(wl_han_segment("nguyen", 6, seg), 0); /* ng has no vowel */
    assert_int_equal(wl_han_segment("li", 2, seg), 0);     /* one syllable is not a join */
    char big[64];
    for (int i = 0; i < 60; i += 2) memcpy(big + i, "li", 2);
    assert_int_equal(wl_han_segment(big, 60, seg), 0); /* more than WL_HAN_MAX_SYLLABLES */
    assert_int_equal(wl_han_segment(big, 8, seg), 4);
}

static const wl_namepart *one_part(wl_namectx *ctx, const char *s, wl_namepart *p)
{
    int n = wl_name_parse(ctx, s, strlen(s), WL_NAME_FULL, p, 1);
    assert_int_equal(n, 1);
    return p;
}

static void test_keys(void **state)
{
    (void)state;
    wl_namectx *ctx = wl_namectx_create();
    wl_namepart a, b;
    one_part(ctx, "Mohd", &a);
    one_part(ctx, "muhammad", &b);
    assert_true(a.h_text != b.h_text);
    assert_true(a.h_canon == b.h_canon); /* keys are computed on the canonical form */
    assert_true(a.h_skel == b.h_skel);
    assert_int_equal(a.dm1, b.dm1);
    assert_int_equal(a.dm1, wl_dm_pack("MHMT"));
    assert_int_equal(a.dm2, a.dm1); /* no alternate: dm2 repeats dm1 */
    assert_true(a.h_text == wl_hash("mohd", 4));
    char sk[16];
    wl_skeleton("muhammad", 8, sk, sizeof sk);
    assert_true(a.h_skel == wl_hash(sk, strlen(sk)));
    one_part(ctx, "Heng", &a); /* 王 Wang in Teochew: the keys of wang */
    one_part(ctx, "Wang", &b);
    assert_true(a.h_canon == b.h_canon && a.dm1 == b.dm1);
    one_part(ctx, "Schmidt", &a);
    assert_int_equal(a.dm1, wl_dm_pack("XMT"));
    assert_int_equal(a.dm2, wl_dm_pack("SMT"));
    wl_namectx_free(ctx);
}

static void skel_is(const char *in, const char *want)
{
    char out[64];
    size_t n = wl_skeleton(in, strlen(in), out, sizeof out);
    assert_string_equal(out, want);
    assert_int_equal(n, strlen(want));
}

static void test_skeleton(void **state)
{
    (void)state;
    skel_is("muhammad", "mhmd");
    skel_is("mohamed", "mhmd");
    skel_is("mhmd", "mhmd");      /* the Arabic transliteration meets the romanisation */
    skel_is("abdullah", "bdl");   /* final h and doubles go */
    skel_is("abdallh", "bdl");
    skel_is("hassan", "hsn");
    skel_is("yusuf", "ysf");      /* y kept first, w dropped inside */
    skel_is("ywsf", "ysf");
    skel_is("sharif", "srf");     /* h of a digraph goes */
    skel_is("ahmad", "hmd");
    skel_is("razaq", "rzk");      /* q is k, as Malay writes it */
    skel_is("razak", "rzk");
    skel_is("ishaq", "sk");
    skel_is("kadhim", "kzm");     /* dh is z: the romanisations of ذ and ظ */
    skel_is("kazim", "kzm");
    skel_is("dhafer", "zfr");
    skel_is("zafer", "zfr");
    skel_is("ramadhan", "rmzn");
    skel_is("aeiou", "a");        /* all vowels: the first letter stands in */
    skel_is("", "");
    char tiny[3];
    assert_int_equal(wl_skeleton("muhammad", 8, tiny, sizeof tiny), 2); /* truncated to cap-1 */
    assert_string_equal(tiny, "mh");
    assert_int_equal(wl_skeleton("abc", 3, tiny, 0), 0);
}

static void test_respell(void **state)
{
    (void)state;
    char out[16];
    assert_int_equal(wl_name_respell("soekarno", 8, out, sizeof out), 7);
    assert_string_equal(out, "sukarno");
    assert_int_equal(wl_name_respell("tjahjo", 6, out, sizeof out), 5);
    assert_string_equal(out, "cahyo");
    assert_int_equal(wl_name_respell("joko", 4, out, sizeof out), 0);     /* modern j */
    assert_int_equal(wl_name_respell("tanjung", 7, out, sizeof out), 0);  /* modern nj */
    assert_int_equal(wl_name_respell("charoen", 7, out, sizeof out), 0);  /* RTGS Thai oe */
    assert_int_equal(wl_name_respell("limjaroenrat", 12, out, sizeof out), 0); /* closed oe inside */
    assert_int_equal(wl_name_respell("soenarjo", 8, out, sizeof out), 7);  /* open oe: Indonesian */
    assert_string_equal(out, "sunaryo");
    assert_int_equal(wl_name_respell("soekarno", 8, out, 8), 0);          /* no room: untouched */
}

static void test_text_fold(void **state)
{
    (void)state;
    wl_namectx *ctx = wl_namectx_create();
    char out[64];
    const char *s = "O'Brien, Zoë (ＦＵＬＬ-width) Ǆ";
    size_t n = wl_text_fold(ctx, s, strlen(s), out, sizeof out);
    assert_string_equal(out, "o'brien, zoe (full-width) dz"); /* punctuation kept, NFKC, case fold */
    assert_int_equal(n, strlen(out));
    n = wl_text_fold(ctx, "ABCDEF", 6, out, 4); /* truncated to cap-1, NUL-terminated */
    assert_int_equal(n, 3);
    assert_string_equal(out, "abc");
    n = wl_text_fold(ctx, "Đặng Nguyễn", strlen("Đặng Nguyễn"), out, 5);
    assert_int_equal(n, 4);
    assert_string_equal(out, "dang");
    n = wl_text_fold(ctx, "a\xff\xc3(b", 5, out, sizeof out); /* invalid UTF-8: blanks */
    assert_string_equal(out, "a  (b");
    assert_int_equal(wl_text_fold(ctx, "abc", 3, out, 0), 0);
    assert_int_equal(wl_text_fold(NULL, "abc", 3, out, sizeof out), 0);
    wl_namectx_free(ctx);
}

static void test_parse_limits(void **state)
{
    (void)state;
    wl_namectx *ctx = wl_namectx_create();
    wl_namepart p[WL_NAME_MAX_PARTS + 4];
    const char *many = "a b c d e f g h i j k l m n o p q r s t u v w x y z";
    assert_int_equal(wl_name_parse(ctx, many, strlen(many), WL_NAME_FULL, p, WL_NAME_MAX_PARTS + 4),
                     WL_NAME_MAX_PARTS);
    assert_int_equal(wl_name_parse(ctx, many, strlen(many), WL_NAME_FULL, p, 3), 3);
    assert_int_equal(wl_name_parse(ctx, many, strlen(many), WL_NAME_FULL, p, 0), 0);
    assert_int_equal(wl_name_parse(ctx, NULL, 0, WL_NAME_FULL, p, 4), 0);
    /* an over-long word is cut, not overflowed, and still gives a part */
    char longw[3000];
    memset(longw, 'x', sizeof longw);
    int n = wl_name_parse(ctx, longw, sizeof longw, WL_NAME_FULL, p, 4);
    assert_int_equal(n, 1);
    assert_true(p[0].len > 0 && p[0].len <= 64);
    /* parts stay valid one call longer (family, then given column): text and
     * canon are NUL-terminated */
    n = wl_name_parse(ctx, "Mohd Ali", 8, WL_NAME_FAMILY, p, 4);
    assert_int_equal(n, 2);
    n = wl_name_parse(ctx, "Siti Aishah", 11, WL_NAME_GIVEN, p + 2, 4);
    assert_int_equal(n, 2);
    assert_string_equal(p[0].text, "mohd");
    assert_string_equal(p[0].canon, "muhammad");
    assert_string_equal(p[1].text, "ali");
    assert_string_equal(p[3].text, "aishah");
    wl_namectx_free(ctx);
    wl_namectx_free(NULL);
}

/* Quoted segments (name_quoted.c): the quote marks of the EU languages, in
 * every pairing; a value quoted whole, an empty pair and apostrophes give none. */
static void test_quoted(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        const char *want[3];
    } cases[] = {
        { "Soci\xc3\xa9t\xc3\xa9 par actions ouverte \"Grodno Azot\"", { "Grodno Azot" } },
        { "\xd0\x9e\xd0\x90\xd0\x9e \xe2\x80\x9c\xd0\x93\xd1\x80\xd0\xbe\xd0\xb4\xd0\xbd\xd0\xbe\xe2\x80\x9d",
          { "\xd0\x93\xd1\x80\xd0\xbe\xd0\xb4\xd0\xbd\xd0\xbe" } },
        { "OJSC \xc2\xbbGrodno Azot\xc2\xab", { "Grodno Azot" } },
        { "Avatud aktsiaselts \xe2\x80\x9eGrodno Azot\xe2\x80\x9c", { "Grodno Azot" } },
        { "\xc2\xabKhimvolokno\xc2\xbb a societ\xc4\x83\xc8\x9bii \xc2\xabGrodno Azot\xc2\xbb", { "Khimvolokno", "Grodno Azot" } },
        { "Abdul \"the Tiger\" Rahman", { "the Tiger" } },
        { "\"Grodno Azot\"", { NULL } },          /* quoted whole: the name itself */
        { "O'Brien Ma'thi", { NULL } },            /* apostrophes are letters */
        { "empty \"\" and \" - \" pairs", { NULL } }, /* nothing inside */
        { "unclosed \"Grodno", { NULL } },
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        wl_span q[4];
        const char *s = cases[c].in;
        size_t n = wl_name_quoted(s, strlen(s), q, 4), want = 0;
        while (want < 3 && cases[c].want[want]) want++;
        assert_int_equal(n, want);
        for (size_t k = 0; k < n; k++) {
            assert_int_equal(q[k].len, strlen(cases[c].want[k]));
            assert_memory_equal(s + q[k].off, cases[c].want[k], q[k].len);
        }
    }
    wl_span one[1];
    assert_int_equal(wl_name_quoted("\"a\" \"b\"", 7, one, 1), 1); /* bounded by max */
    assert_int_equal(wl_name_quoted(NULL, 0, one, 1), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_names),
        cmocka_unit_test(test_variant_table),
        cmocka_unit_test(test_chinese_table),
        cmocka_unit_test(test_han_segment),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_skeleton),
        cmocka_unit_test(test_respell),
        cmocka_unit_test(test_text_fold),
        cmocka_unit_test(test_parse_limits),
        cmocka_unit_test(test_quoted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
