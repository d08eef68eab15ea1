/*
 * test_name_edit.c -- the learned edit costs between a Latin spelling and a
 * reading from another script (compare/name_edit.c), the script each name part
 * remembers (normalise/name_fold.c), and what they do to the name level of
 * real cross-script pairs (tests/golden/xlit_sample.tsv).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "watchlink.h"
#include "compare/compare.h"
#include "compare/name_edit.h"
#include "common/tables.h"
#include "normalise/name.h"
#include "golden.h"

static double sim(int script, const char *a, const char *b)
{
    return wl_name_edit_similarity(script, a, strlen(a), b, strlen(b));
}

static void test_kernel_bounds(void **state)
{
    (void)state;
    for (int s = WL_SCRIPT_CYRILLIC; s < WL_SCRIPT_COUNT; s++) {
        assert_true(sim(s, "ottawa", "ottawa") == 1.0); /* equal letters cost nothing */
        assert_true(sim(s, "", "ottawa") < 0.0);
        assert_true(sim(s, "ottawa", "") < 0.0);
        double x = sim(s, "maria", "zqxkt");
        assert_true(x >= 0.0 && x < WL_NAME_EDIT_AGREE);
    }
    assert_true(sim(WL_SCRIPT_LATIN, "ottawa", "ottava") < 0.0); /* no table for Latin */
    assert_true(sim(WL_SCRIPT_COUNT, "ottawa", "ottava") < 0.0);
    char longer[WL_NAME_EDIT_MAX + 2];
    memset(longer, 'a', sizeof longer - 1);
    longer[sizeof longer - 1] = 0;
    assert_true(sim(WL_SCRIPT_CYRILLIC, longer, "a") < 0.0);
    assert_true(sim(WL_SCRIPT_CYRILLIC, "a", longer) < 0.0);
}

/* What each script does to names is cheap; other changes are dear. */
static void test_script_costs(void **state)
{
    (void)state;
    /* Cyrillic writes w as v and j as y. */
    assert_true(sim(WL_SCRIPT_CYRILLIC, "ottawa", "ottava") >= WL_NAME_EDIT_AGREE);
    assert_true(sim(WL_SCRIPT_CYRILLIC, "jacobi", "yakobi") >= WL_NAME_EDIT_AGREE);
    /* A letter Cyrillic does not change costs more; two such letters do not agree
     * (one does, under the slack name_edit.c gives whole names). */
    assert_true(sim(WL_SCRIPT_CYRILLIC, "ottawa", "ottaka") < sim(WL_SCRIPT_CYRILLIC, "ottawa", "ottava"));
    assert_true(sim(WL_SCRIPT_CYRILLIC, "ottawa", "otkaka") < WL_NAME_EDIT_AGREE);
    double wv = wl_name_edit_cost(WL_SCRIPT_CYRILLIC, "w", 1, "v", 1);
    double wk = wl_name_edit_cost(WL_SCRIPT_CYRILLIC, "w", 1, "k", 1);
    assert_true(wv >= 0.0 && wv < wk);
    /* Han transcriptions of foreign names, read back (xlit validation rows):
     * each part agrees only under the slack whole names get (name_edit.c), at
     * 1.0 times the table's threshold their similarities were 0.905-0.919. */
    assert_true(sim(WL_SCRIPT_HAN, "grayson", "gresen") >= WL_NAME_EDIT_AGREE);
    assert_true(sim(WL_SCRIPT_HAN, "spears", "spils") >= WL_NAME_EDIT_AGREE);
    assert_true(sim(WL_SCRIPT_HAN, "rodriguez", "rodriqui") >= WL_NAME_EDIT_AGREE);
    assert_true(sim(WL_SCRIPT_HAN, "gibbon", "giben") >= WL_NAME_EDIT_AGREE);
    assert_true(sim(WL_SCRIPT_HAN, "ellen", "airen") < WL_NAME_EDIT_AGREE);
    /* The pooled table ("other") agrees at its own threshold, without the slack:
     * the similarity at the table's cost per letter is WL_NAME_EDIT_AGREE. */
    {
        size_t tl;
        const char *t = wl_table_get("name_edit_other", &tl);
        assert_non_null(t);
        const char *at = strstr(t, "\nthreshold\t");
        assert_non_null(at);
        double thr = strtod(at + 11, NULL), c = wl_name_edit_cost(WL_SCRIPT_OTHER, "somchai", 7, "somchay", 7);
        assert_true(thr > 0.0 && c > 0.0);
        double want = 1.0 - (1.0 - WL_NAME_EDIT_AGREE) * (c / 14.0) / thr;
        assert_true(fabs(sim(WL_SCRIPT_OTHER, "somchai", "somchay") - (want < 0.0 ? 0.0 : want)) < 1e-6);
    }
    /* Kana has no l: leticia is read rechisia. */
    assert_true(sim(WL_SCRIPT_KANA, "leticia", "rechisia") > sim(WL_SCRIPT_KANA, "leticia", "mechisia"));
    /* Not symmetric: a Latin letter the reading drops is not a letter it adds. */
    double del = wl_name_edit_cost(WL_SCRIPT_HANGUL, "ab", 2, "a", 1);
    double ins = wl_name_edit_cost(WL_SCRIPT_HANGUL, "a", 1, "ab", 2);
    assert_true(del >= 0.0 && ins >= 0.0);
}

/*
 * Chunk operations (name_edit.c): Hangul reads cook as kuk and apple as aepl,
 * changes of letter groups (oo -> u; pp -> p) that letter by letter cost 9.7
 * and 8.2 bits (similarities 0.856 and 0.906: neither agreed). With the
 * chunks of the Hangul table they cost 2.8 and 5.3 bits and agree; strangers
 * still do not.
 */
static void test_chunk_operations(void **state)
{
    (void)state;
    assert_true(sim(WL_SCRIPT_HANGUL, "cook", "kuk") >= WL_NAME_EDIT_AGREE);
    assert_true(sim(WL_SCRIPT_HANGUL, "apple", "aepl") >= WL_NAME_EDIT_AGREE);
    assert_true(wl_name_edit_cost(WL_SCRIPT_HANGUL, "cook", 4, "kuk", 3) < 5.0);
    assert_true(sim(WL_SCRIPT_HANGUL, "cook", "kim") < WL_NAME_EDIT_AGREE);
    assert_true(sim(WL_SCRIPT_HANGUL, "webb", "park") < WL_NAME_EDIT_AGREE);
    /* Chunks of three Latin letters (ick -> ik: 2.4 bits by letters). */
    assert_true(wl_name_edit_cost(WL_SCRIPT_HANGUL, "dick", 4, "dik", 3) < 1.0);
    /* A chunk read as nothing (gh: 4.3 bits by letters), in the first column of
     * the DP and in the last. */
    double first = wl_name_edit_cost(WL_SCRIPT_HANGUL, "ghu", 3, "u", 1);
    double last = wl_name_edit_cost(WL_SCRIPT_HANGUL, "hugh", 4, "hu", 2);
    assert_true(first >= 0.0 && first < 3.0);
    assert_true(fabs(first - last) < 1e-6);
}

/* A random spelling of up to max bytes: letters, letter groups that the
 * tables' chunk operations read (oo, pp, gh, sch, ck...), now and then a
 * byte outside a-z (symbol 27). */
static size_t random_spelling(uint64_t *seed, char *out, size_t max)
{
    static const char *const groups[] = { "oo", "pp", "gh", "sch", "ck", "er", "ph", "th", "kh", "ng",
                                          "ee", "ou", "ch", "sh", "ll", "tt", "ie", "ck", "eo", "ae" };
    size_t n = 0, want = 1 + (size_t)((*seed >> 33) % max);
    while (n < want) {
        *seed = *seed * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
        unsigned r = (unsigned)(*seed >> 40);
        if (r % 4 == 0) {
            const char *g = groups[(r >> 4) % (sizeof groups / sizeof *groups)];
            for (size_t k = 0; g[k] && n < want; k++) out[n++] = g[k];
        } else {
            out[n++] = r % 61 == 0 ? (char)('0' + (r >> 8) % 10) : r % 67 == 0 ? '\'' : (char)('a' + (r >> 8) % 26);
        }
    }
    return n;
}

/*
 * The DP with its chunks found by packed keys and column masks (name_edit.c
 * edit_cost) gives the bits of the recurrence as written (edit_cost_ref) for
 * every script's table, on random spellings rich in the tables' chunks, both
 * orders, short and up to WL_NAME_EDIT_MAX bytes.
 */
static void test_fast_cost_equals_reference(void **state)
{
    (void)state;
    uint64_t seed = 42;
    char a[WL_NAME_EDIT_MAX], b[WL_NAME_EDIT_MAX];
    int differ = 0;
    for (int s = WL_SCRIPT_CYRILLIC; s < WL_SCRIPT_COUNT; s++)
        for (int k = 0; k < 20000; k++) {
            size_t max = k % 50 == 0 ? WL_NAME_EDIT_MAX : 12;
            size_t la = random_spelling(&seed, a, max), lb = random_spelling(&seed, b, max);
            if (k % 7 == 0) { /* a close reading: a copy with one letter changed */
                lb = la;
                memcpy(b, a, la);
                b[(seed >> 20) % lb] = (char)('a' + (seed >> 30) % 26);
            }
            double fast = wl_name_edit_cost(s, a, la, b, lb), ref = wl_name_edit_cost_ref(s, a, la, b, lb);
            differ += memcmp(&fast, &ref, sizeof fast) != 0;
            fast = wl_name_edit_cost(s, b, lb, a, la);
            ref = wl_name_edit_cost_ref(s, b, lb, a, la);
            differ += memcmp(&fast, &ref, sizeof fast) != 0;
        }
    assert_int_equal(differ, 0);
    /* the longest strings, and one byte against the longest */
    memset(a, 'o', sizeof a);
    memset(b, 'u', sizeof b);
    for (int s = WL_SCRIPT_CYRILLIC; s < WL_SCRIPT_COUNT; s++) {
        assert_true(wl_name_edit_cost(s, a, sizeof a, b, sizeof b) == wl_name_edit_cost_ref(s, a, sizeof a, b, sizeof b));
        assert_true(wl_name_edit_cost(s, a, 1, b, sizeof b) == wl_name_edit_cost_ref(s, a, 1, b, sizeof b));
        assert_true(wl_name_edit_cost(s, a, sizeof a, b, 1) == wl_name_edit_cost_ref(s, a, sizeof a, b, 1));
    }
}

static int parse_script(wl_namectx *ctx, const char *s)
{
    wl_namepart p[WL_NAME_MAX_PARTS];
    int n = wl_name_parse(ctx, s, strlen(s), WL_NAME_FULL, p, WL_NAME_MAX_PARTS);
    assert_true(n > 0);
    for (int k = 1; k < n; k++) assert_int_equal(p[k].script, p[0].script);
    return p[0].script;
}

static void test_parts_know_their_script(void **state)
{
    (void)state;
    wl_namectx *ctx = wl_namectx_create();
    assert_non_null(ctx);
    assert_int_equal(parse_script(ctx, "Иван Петров"), WL_SCRIPT_CYRILLIC);
    assert_int_equal(parse_script(ctx, "Mueller Hans"), WL_SCRIPT_LATIN);
    assert_int_equal(parse_script(ctx, "Müller Hans"), WL_SCRIPT_LATIN); /* Latin with marks */
    assert_int_equal(parse_script(ctx, "محمد علي"), WL_SCRIPT_ARABIC);
    assert_int_equal(parse_script(ctx, "דוד לוי"), WL_SCRIPT_HEBREW);
    assert_int_equal(parse_script(ctx, "김민수"), WL_SCRIPT_HANGUL);
    assert_int_equal(parse_script(ctx, "ヤマダ"), WL_SCRIPT_KANA);
    assert_int_equal(parse_script(ctx, "王小明"), WL_SCRIPT_HAN);
    assert_int_equal(parse_script(ctx, "สมชาย"), WL_SCRIPT_OTHER);
    /* The fold cache hands back the script with the reading. */
    assert_int_equal(parse_script(ctx, "Иван Петров"), WL_SCRIPT_CYRILLIC);
    assert_int_equal(parse_script(ctx, "Mueller Hans"), WL_SCRIPT_LATIN);
    wl_namectx_free(ctx);
}

/* ---- the name level of real pairs ---- */

enum { PER_SCRIPT = 60 };

static const char *const g_scripts[] = { "russian", "arabic", "hebrew", "korean", "japanese", "chinese" };

static void write_list(const char *path, char **names, int n, const char *prefix)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "id,full_name\n");
    for (int i = 0; i < n; i++) fprintf(f, "%s%d,\"%s\"\n", prefix, i, names[i]);
    assert_int_equal(fclose(f), 0);
}

/*
 * The 60 pairs of each script of xlit_sample.tsv, Latin list against native
 * list, every Latin name against every native one: how many true pairs reach
 * the all_parts level, and how many of the 3,540 wrong ones reach jw92 (the
 * levels the default threshold reports on names alone). Jaro-Winkler and the
 * phonetic codes alone gave 45 / 49 / 40 / 39 / 43 / 28 true (244 in all) and
 * 0 to 2 wrong per script; the learned costs 53 / 51 / 49 / 39 / 48 / 39 (279)
 * and 0 to 2; with chunk operations and their thresholds 55 / 55 / 56 / 47 /
 * 54 / 43 (310) and 0 to 2 (the same thresholds without the chunks: 53 / 52 /
 * 49 / 41 / 49 / 39). The floors sit a little under what this build reached.
 * (These rows are training rows: this guards the behaviour, it measures
 * nothing.)
 */
static void test_xlit_sample_levels(void **state)
{
    (void)state;
    static const int floor_true[] = { 54, 54, 54, 45, 52, 41 };
    static const int cap_false[] = { 3, 3, 3, 3, 3, 3 };
    int total = 0;
    char *text = golden_read("xlit_sample.tsv", NULL);
    char *native[6][PER_SCRIPT], *latin[6][PER_SCRIPT];
    int rows[6] = { 0 };
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        char *f[3];
        if (line[0] == '#' || golden_split(line, f, 3) != 3) continue;
        for (int s = 0; s < 6; s++)
            if (!strcmp(f[0], g_scripts[s]) && rows[s] < PER_SCRIPT) {
                native[s][rows[s]] = f[1];
                latin[s][rows[s]++] = f[2];
            }
    }
    char dir[] = "/tmp/wl_test_name_edit_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char pl[512], pn[512];
    snprintf(pl, sizeof pl, "%s/latin.csv", dir);
    snprintf(pn, sizeof pn, "%s/native.csv", dir);
    for (int s = 0; s < 6; s++) {
        assert_int_equal(rows[s], PER_SCRIPT);
        write_list(pl, latin[s], PER_SCRIPT, "L");
        write_list(pn, native[s], PER_SCRIPT, "N");
        wl_dataset *ds = wl_dataset_create();
        wl_read_options ro = wl_read_default_options();
        char err[512];
        assert_int_equal(wl_dataset_read(ds, pl, &ro, NULL, err, sizeof err), WL_OK);
        assert_int_equal(wl_dataset_read(ds, pn, &ro, NULL, err, sizeof err), WL_OK);
        wl_features *f = wl_features_build(ds, 1);
        assert_non_null(f);
        static uint32_t pairs[2 * PER_SCRIPT * PER_SCRIPT];
        static uint8_t lv[PER_SCRIPT * PER_SCRIPT * WL_FIELD_COUNT];
        for (uint32_t i = 0; i < PER_SCRIPT; i++)
            for (uint32_t j = 0; j < PER_SCRIPT; j++) {
                pairs[2 * (i * PER_SCRIPT + j)] = i;
                pairs[2 * (i * PER_SCRIPT + j) + 1] = PER_SCRIPT + j;
            }
        assert_int_equal(wl_compare_pairs(f, pairs, PER_SCRIPT * PER_SCRIPT, 1, lv), WL_OK);
        int good = 0, bad = 0;
        for (int i = 0; i < PER_SCRIPT; i++)
            for (int j = 0; j < PER_SCRIPT; j++) {
                int level = lv[(i * PER_SCRIPT + j) * WL_FIELD_COUNT + WL_FIELD_NAME];
                if (i == j) good += level >= WL_NAME_ALL_PARTS;
                else bad += level >= WL_NAME_JW92;
            }
        print_message("%s: %d of %d true pairs agree, %d of %d wrong ones reach jw92\n", g_scripts[s], good,
                      PER_SCRIPT, bad, PER_SCRIPT * (PER_SCRIPT - 1));
        assert_true(good >= floor_true[s]);
        assert_true(bad <= cap_false[s]);
        total += good;
        wl_features_free(f);
        wl_dataset_free(ds);
    }
    assert_true(total >= 300);
    unlink(pl);
    unlink(pn);
    rmdir(dir);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kernel_bounds),
        cmocka_unit_test(test_script_costs),
        cmocka_unit_test(test_chunk_operations),
        cmocka_unit_test(test_fast_cost_equals_reference),
        cmocka_unit_test(test_parts_know_their_script),
        cmocka_unit_test(test_xlit_sample_levels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
