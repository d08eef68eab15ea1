/* test_name_translit.c -- names in their own script meet their usual romanisation
 * (tests/golden/name_pairs.tsv), and the per-script machinery: caching, cloned
 * transliterators per context, and identical results from parallel contexts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "normalise/name.h"

static FILE *open_golden(const char *name)
{
    const char *src = getenv("WL_SOURCE_DIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/golden/%s", src ? src : ".", name);
    FILE *f = fopen(path, "r");
    if (!f) fail_msg("cannot open %s (WL_SOURCE_DIR unset?)", path);
    return f;
}

/* Two parts agree on a key the matcher uses. */
static int parts_meet(const wl_namepart *a, const wl_namepart *b)
{
    if (a->h_canon == b->h_canon || a->h_skel == b->h_skel) return 1;
    return a->dm1 == b->dm1 || a->dm1 == b->dm2 || a->dm2 == b->dm1 || a->dm2 == b->dm2;
}

static int pair_meets(wl_namectx *ctx, const char *script, const char *latin)
{
    wl_namepart a[WL_NAME_MAX_PARTS], b[WL_NAME_MAX_PARTS];
    int na = wl_name_parse(ctx, script, strlen(script), WL_NAME_FULL, a, WL_NAME_MAX_PARTS);
    char fa[256];
    size_t off = 0;
    for (int i = 0; i < na && off < sizeof fa - 40; i++)
        off += (size_t)snprintf(fa + off, sizeof fa - off, "%.*s ", a[i].len, a[i].text);
    int nb = wl_name_parse(ctx, latin, strlen(latin), WL_NAME_FULL, b, WL_NAME_MAX_PARTS);
    int ok = na == nb && na > 0;
    for (int i = 0; ok && i < na; i++) ok = parts_meet(&a[i], &b[i]);
    if (!ok) print_error("%s -> %s does not meet %s\n", script, fa, latin);
    return ok;
}

static int count_thai(const char *s)
{
    return strstr(s, "\xe0\xb8") != NULL; /* a Thai code point U+0E00..U+0E3F */
}

static void test_pairs(void **state)
{
    (void)state;
    wl_namectx *ctx = wl_namectx_create();
    assert_non_null(ctx);
    FILE *f = open_golden("name_pairs.tsv");
    char line[1024];
    int rows = 0, thai = 0, bad = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        char *tab = strchr(line, '\t');
        if (line[0] == '#' || !tab) continue;
        *tab = 0;
        rows++;
        thai += count_thai(line);
        bad += !pair_meets(ctx, line, tab + 1);
    }
    fclose(f);
    wl_namectx_free(ctx);
    assert_true(rows >= 50);
    assert_true(thai >= 20);
    assert_int_equal(bad, 0);
}

static void fold(wl_namectx *ctx, const char *s, char *out, size_t cap)
{
    wl_text_fold(ctx, s, strlen(s), out, cap);
}

/* The ICU default for Thai (ISO 11940) is not what lists print. */
static void test_thai_is_rtgs(void **state)
{
    (void)state;
    wl_namectx *ctx = wl_namectx_create();
    char out[128];
    fold(ctx, "สมชาย", out, sizeof out);
    assert_string_equal(out, "somchai");
    fold(ctx, "ประยุทธ์ จันทร์โอชา", out, sizeof out);
    assert_string_equal(out, "prayut chanocha");
    fold(ctx, "นายสมชาย", out, sizeof out); /* joined title read as a word */
    assert_string_equal(out, "nai somchai");
    fold(ctx, "๒๕๒๑", out, sizeof out); /* Thai digits */
    assert_string_equal(out, "2521");
    wl_namectx_free(ctx);
}

static void test_scripts_reach_ascii(void **state)
{
    (void)state;
    static const char *const in[] = {
        "Сергей", "Γιώργος", "李小龙", "김정은", "さくら", "カタカナ", "राम", "முருகன்", "דוד",
        "გიორგი", "Արամ", "ڠاه ڽوڽ ݢيلا ۏ", "ທອງ", "សុខា", "မောင်", "محمدرضا پهلوی",
    };
    static const char *const want[] = {
        "sergei", "giorgos", "li xiaolong", "kim jeong eun", "sakura", "katakana", "rama", "murukan", "dwd",
        "giorgi", "aram", "ngah nyuny gila v", "thong", "sokha", "maung", "mhmd rda phlui",
    };
    wl_namectx *ctx = wl_namectx_create();
    char out[128];
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        fold(ctx, in[i], out, sizeof out);
        assert_string_equal(out, want[i]);
    }
    wl_namectx_free(ctx);
}

/* The cache must give the same answer as the first computation, family flag included. */
static void test_cache(void **state)
{
    (void)state;
    wl_namectx *ctx = wl_namectx_create();
    wl_namepart p[WL_NAME_MAX_PARTS];
    for (int round = 0; round < 3; round++) {
        int n = wl_name_parse(ctx, "李小龙", strlen("李小龙"), WL_NAME_FULL, p, WL_NAME_MAX_PARTS);
        assert_int_equal(n, 2);
        assert_int_equal(p[0].flags, WL_PART_FAMILY);
        assert_int_equal(p[1].flags, WL_PART_GIVEN);
        n = wl_name_parse(ctx, "Nguyễn Văn", strlen("Nguyễn Văn"), WL_NAME_FULL, p, WL_NAME_MAX_PARTS);
        assert_int_equal(n, 2);
        assert_int_equal(p[0].flags, 0); /* no stale family flag from the Han name */
    }
    wl_namectx_free(ctx);
}

/* One context per thread; results do not depend on which thread or how many. */
static void test_parallel_contexts(void **state)
{
    (void)state;
    static const char *const in[] = { "สมชาย ใจดี", "محمد نجيب بن عبدالرزاق", "Сергей Лавров", "李显龙", "박근혜" };
    enum { N = 5, ROUNDS = 40 };
    char ref[N][128];
    wl_namectx *c0 = wl_namectx_create();
    for (int i = 0; i < N; i++) fold(c0, in[i], ref[i], sizeof ref[i]);
    wl_namectx_free(c0);
    int bad = 0;
#pragma omp parallel num_threads(2) reduction(+ : bad)
    {
        wl_namectx *c = wl_namectx_create();
        char out[128];
        for (int r = 0; r < ROUNDS; r++)
            for (int i = 0; i < N; i++) {
                fold(c, in[(i + r) % N], out, sizeof out);
                bad += strcmp(out, ref[(i + r) % N]) != 0;
            }
        wl_namectx_free(c);
    }
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pairs),
        cmocka_unit_test(test_thai_is_rtgs),
        cmocka_unit_test(test_scripts_reach_ascii),
        cmocka_unit_test(test_cache),
        cmocka_unit_test(test_parallel_contexts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
