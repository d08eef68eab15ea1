/* test_reader_columns.c -- header names to roles: the golden table of synonyms
 * (tests/golden/columns.tsv), name normalisation and --map overrides. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/tables.h"
#include "read/reader_columns.h"

static void test_golden_synonyms(void **state)
{
    (void)state;
    const char *dir = getenv("WL_SOURCE_DIR");
    assert_non_null(dir); /* set by ctest: the golden table is part of the repository */
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/golden/columns.tsv", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[512];
    int checked = 0, failed = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#') continue;
        line[strcspn(line, "\r\n")] = '\0';
        char *tab = strchr(line, '\t');
        if (!tab) continue;
        *tab = '\0';
        const char *want = tab + 1;
        int got = wl_column_role(line, strlen(line));
        int expect = strcmp(want, "-") ? wl_role_from_name(want) : -1;
        if (strcmp(want, "-")) assert_true(expect >= 0); /* the table names real roles */
        if (got != expect) {
            fprintf(stderr, "header '%s': got %s, want %s\n", line,
                    got >= 0 ? wl_role_name((wl_role)got) : "-", want);
            failed++;
        }
        checked++;
    }
    fclose(f);
    assert_int_equal(failed, 0);
    assert_true(checked >= 60);
}

/* wl_column_role looks names up in a sorted copy of the embedded table: each
 * name of the table gets the role of its first line, as a scan of the table
 * gives it, and a name between two of them gets none. */
static void test_lookup_matches_table_scan(void **state)
{
    (void)state;
    size_t tlen;
    const char *t = wl_table_get("columns", &tlen);
    assert_non_null(t);
    wl_table_iter it;
    wl_table_iter_init(&it, t, tlen);
    const char *f[2];
    size_t fl[2];
    int nf, checked = 0;
    while ((nf = wl_table_next(&it, f, fl, 2)) > 0) {
        if (nf < 2) continue;
        wl_table_iter first;
        const char *g[2];
        size_t gl[2];
        int want = -2;
        wl_table_iter_init(&first, t, tlen);
        while (want == -2 && wl_table_next(&first, g, gl, 2) > 0)
            if (gl[0] == fl[0] && !memcmp(g[0], f[0], fl[0])) {
                char role[32];
                size_t rn = gl[1] < sizeof role ? gl[1] : sizeof role - 1;
                memcpy(role, g[1], rn);
                role[rn] = '\0';
                want = wl_role_from_name(role);
            }
        assert_int_equal(wl_column_role(f[0], fl[0]), want);
        char longer[160];
        if (fl[0] + 2 < sizeof longer) {
            memcpy(longer, f[0], fl[0]);
            memcpy(longer + fl[0], "zq", 3);
            assert_int_equal(wl_column_role(longer, fl[0] + 2), -1);
        }
        checked++;
    }
    assert_true(checked >= 60);
}

static void test_normalise(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(wl_column_normalise("  Date of-Birth. ", 17, out, sizeof out), 13);
    assert_string_equal(out, "date_of_birth");
    wl_column_normalise("A__B  c", 7, out, sizeof out);
    assert_string_equal(out, "a_b_c");
    wl_column_normalise("\t\r", 2, out, sizeof out);
    assert_string_equal(out, "");
    /* output bounded by the buffer, always terminated */
    assert_int_equal(wl_column_normalise("abcdefgh", 8, out, 4), 3);
    assert_string_equal(out, "abc");
    /* non-ASCII bytes are kept as they are */
    wl_column_normalise("Tên", strlen("Tên"), out, sizeof out);
    assert_string_equal(out, "tên");
}

static void test_every_synonym_role_is_valid(void **state)
{
    (void)state;
    /* Each contract role name maps to itself (the table lists them). */
    for (int r = 0; r < WL_ROLE_COUNT; r++) {
        const char *name = wl_role_name((wl_role)r);
        assert_int_equal(wl_column_role(name, strlen(name)), r);
    }
}

static void test_map_override(void **state)
{
    (void)state;
    const char *names[] = {"rec_id", "nama", "name", "colour", "street", "suburb"};
    int roles[6];
    char err[256] = "";
    const char *map1[] = {"full_name=colour"};
    assert_int_equal(wl_columns_map(names, NULL, 6, map1, 1, roles, err, sizeof err), WL_OK);
    /* a single-column role moves: the synonyms lose it */
    assert_int_equal(roles[3], WL_ROLE_FULL_NAME);
    assert_int_equal(roles[1], -1);
    assert_int_equal(roles[2], -1);
    assert_int_equal(roles[0], WL_ROLE_ID);

    const char *map2[] = {"text=Colour", "ignore=street"};
    assert_int_equal(wl_columns_map(names, NULL, 6, map2, 2, roles, err, sizeof err), WL_OK);
    /* text is shared: suburb keeps it, colour gains it, street is dropped */
    assert_int_equal(roles[3], WL_ROLE_TEXT);
    assert_int_equal(roles[5], WL_ROLE_TEXT);
    assert_int_equal(roles[4], -1);
    assert_int_equal(roles[1], WL_ROLE_FULL_NAME);
}

static void test_map_errors(void **state)
{
    (void)state;
    const char *names[] = {"id", "name"};
    int roles[2];
    char err[512];
    const char *bad_role[] = {"nickname=name"};
    assert_int_equal(wl_columns_map(names, NULL, 2, bad_role, 1, roles, err, sizeof err), WL_USAGE);
    assert_non_null(strstr(err, "unknown role 'nickname'"));
    const char *bad_col[] = {"full_name=nom"};
    assert_int_equal(wl_columns_map(names, NULL, 2, bad_col, 1, roles, err, sizeof err), WL_USAGE);
    assert_non_null(strstr(err, "no column 'nom'"));
    const char *no_eq[] = {"full_name"};
    assert_int_equal(wl_columns_map(names, NULL, 2, no_eq, 1, roles, err, sizeof err), WL_USAGE);
    assert_non_null(strstr(err, "ROLE=COLUMN"));
}

static void test_name_roles(void **state)
{
    (void)state;
    assert_true(wl_role_is_name(WL_ROLE_FULL_NAME));
    assert_true(wl_role_is_name(WL_ROLE_GIVEN_NAME));
    assert_true(wl_role_is_name(WL_ROLE_FAMILY_NAME));
    assert_true(wl_role_is_name(WL_ROLE_ALIAS));
    assert_true(wl_role_is_name(WL_ROLE_MRZ));
    assert_false(wl_role_is_name(WL_ROLE_MIDDLE_NAME));
    assert_false(wl_role_is_name(WL_ROLE_DOB));
    assert_false(wl_role_is_name(-1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_synonyms),
        cmocka_unit_test(test_lookup_matches_table_scan),
        cmocka_unit_test(test_normalise),
        cmocka_unit_test(test_every_synonym_role_is_valid),
        cmocka_unit_test(test_map_override),
        cmocka_unit_test(test_map_errors),
        cmocka_unit_test(test_name_roles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
