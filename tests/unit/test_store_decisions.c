/* test_store_decisions.c -- analysts' decisions in the person store
 * (cli/store_decisions.c, issue 12): the engine's clustering rule without
 * decisions (a chain of namesakes is not followed), must-links merged whatever
 * the pairs, cannot-links never joined and their pairs ruled out, conflicts
 * found with their shortest chain, and the CSV's rows and rejects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "store_decisions.h"

enum { A, B, C, D, E };

static void test_density_rule_without_decisions(void **state)
{
    (void)state;
    size_t label[4];
    /* A-B, B-C: a set of two and one record, one pair across (half of 2): merged. */
    const dec_pair three[] = { { A, B, 5.0f }, { B, C, 4.0f } };
    assert_int_equal(dec_cluster(3, three, 2, NULL, 0, label, NULL), 1);
    /* A-B, C-D, then B-C: two sets of two, one pair of four across: not merged. */
    const dec_pair chain[] = { { A, B, 5.0f }, { C, D, 5.0f }, { B, C, 1.0f } };
    assert_int_equal(dec_cluster(4, chain, 3, NULL, 0, label, NULL), 2);
    assert_int_equal(label[A], label[B]);
    assert_int_equal(label[C], label[D]);
    assert_int_not_equal(label[A], label[C]);
    assert_int_equal(label[A], 0); /* numbered by first member */
}

static void test_cannot_and_must_links(void **state)
{
    (void)state;
    size_t label[5];
    unsigned char kept[3];
    const dec_pair pairs[] = { { A, B, 5.0f }, { B, C, 4.0f }, { D, E, 3.0f } };
    /* A != C: B goes with A (stronger), C stays alone; no pair ruled out. */
    const dec_link not_ac[] = { { C, A, 0 } };
    assert_int_equal(dec_cluster(5, pairs, 3, not_ac, 1, label, kept), 3);
    assert_int_equal(label[A], label[B]);
    assert_int_not_equal(label[B], label[C]);
    assert_true(kept[0] && kept[1] && kept[2]);
    /* B != C rules the pair B-C out; D = A merges with no pair between them. The
     * rule still holds after: A-B joins {A, D} (one pair of two across), D-E does
     * not join {A, B, D} (one of three). */
    const dec_link two[] = { { B, C, 0 }, { D, A, 1 } };
    assert_int_equal(dec_cluster(5, pairs, 3, two, 2, label, kept), 3);
    assert_int_equal(kept[1], 0);
    assert_true(kept[0] && kept[2]);
    assert_int_equal(label[A], label[D]);
    assert_int_equal(label[A], label[B]);
    assert_int_not_equal(label[A], label[E]);
    assert_int_not_equal(label[A], label[C]);
}

typedef struct {
    size_t not_match, chain[4], len;
    int calls;
} seen;

static void on_conflict(void *user, size_t not_match, const size_t *chain, size_t len)
{
    seen *s = user;
    s->not_match = not_match;
    s->len = len;
    for (size_t i = 0; i < len && i < 4; i++) s->chain[i] = chain[i];
    s->calls++;
}

static void test_conflicts(void **state)
{
    (void)state;
    seen s = { 0 };
    /* A = B, B = C, D = E, A != C: one conflict, chain A = B, B = C (links 0, 1). */
    const dec_link l[] = { { A, B, 1 }, { C, B, 1 }, { D, E, 1 }, { A, C, 0 }, { A, D, 0 } };
    assert_int_equal(dec_conflicts(5, l, 5, on_conflict, &s), 1);
    assert_int_equal(s.calls, 1);
    assert_int_equal(s.not_match, 3);
    assert_int_equal(s.len, 2);
    assert_int_equal(s.chain[0], 0);
    assert_int_equal(s.chain[1], 1);
    assert_int_equal(dec_conflicts(5, l, 3, NULL, NULL), 0);
}

static long g_lines[8];
static int g_rejects;
static void on_reject(void *user, long line, const char *reason)
{
    (void)user;
    (void)reason;
    if (g_rejects < 8) g_lines[g_rejects] = line;
    g_rejects++;
}

static void test_csv(void **state)
{
    (void)state;
    static const char csv[] = "\xEF\xBB\xBF" "Decision,left_source,left_id,right_source,right_id,note\r\n"
                              "match,b,2,a,1,\"x, \"\"y\"\"\"\r\n"
                              "\r\n"
                              "maybe,a,1,b,2,\n"
                              "not_match,a,\"multi\nline\",b,2\n"
                              "match,a,1,a,1,\n"
                              "match,a,1,b\n";
    dec_row *rows;
    size_t n;
    char err[256] = "";
    g_rejects = 0;
    assert_int_equal(dec_parse(csv, sizeof csv - 1, "d.csv", &rows, &n, on_reject, NULL, err, sizeof err), 0);
    assert_int_equal(n, 2);
    /* canonical order: a,1 before b,2 */
    assert_string_equal(rows[0].f[DEC_LEFT_SOURCE], "a");
    assert_string_equal(rows[0].f[DEC_RIGHT_ID], "2");
    assert_string_equal(rows[0].f[DEC_NOTE], "x, \"y\"");
    assert_int_equal(rows[0].match, 1);
    assert_int_equal(rows[0].line, 2);
    assert_string_equal(rows[1].f[DEC_LEFT_ID], "multi\nline");
    assert_string_equal(rows[1].f[DEC_NOTE], "");
    assert_int_equal(rows[1].line, 5);
    assert_int_equal(g_rejects, 3);
    assert_int_equal(g_lines[0], 4);
    assert_int_equal(g_lines[1], 7);
    assert_int_equal(g_lines[2], 8);
    dec_rows_free(rows, n);
    static const char bad[] = "left_source,left_id,right_source,right_id,verdict\n";
    assert_int_equal(dec_parse(bad, sizeof bad - 1, "d.csv", &rows, &n, NULL, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "d.csv:1: unknown column 'verdict'"));
    assert_int_equal(dec_parse("", 0, "e.csv", &rows, &n, NULL, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "e.csv: empty file"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_density_rule_without_decisions),
        cmocka_unit_test(test_cannot_and_must_links),
        cmocka_unit_test(test_conflicts),
        cmocka_unit_test(test_csv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
