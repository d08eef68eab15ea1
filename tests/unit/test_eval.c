/* test_eval.c -- precision, recall and F1 against truth; both truth layouts;
 * errors name file:line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>

#include "score/eval.h"

static wl_eval *parse(const char *truth, const char *pairs, char *err, size_t cap)
{
    wl_eval *e = NULL;
    wl_eval_parse(truth, strlen(truth), "truth.csv", pairs, strlen(pairs), "pairs.csv", &e, err, cap);
    return e;
}

static void test_four_column_truth(void **state)
{
    (void)state;
    const char *truth = "left_source,left_id,right_source,right_id\n"
                        "idn,1,mys,7\nidn,2,mys,8\nmys,9,tha,3\n";
    const char *pairs = "left_source,left_id,right_source,right_id,probability,match_weight\n"
                        "mys,7,idn,1,0.99,10\n"      /* reversed order still matches */
                        "idn,2,mys,8,0.40,-1\n"
                        "idn,5,mys,6,0.95,6\n"
                        "idn,1,mys,7,0.50,0\n";     /* duplicate keeps its best probability */
    char err[256] = "";
    wl_eval *e = parse(truth, pairs, err, sizeof err);
    assert_non_null(e);
    wl_eval_row r = wl_eval_at(e, 0.0);
    assert_int_equal(r.true_pairs, 3);
    assert_int_equal(r.predicted, 3);
    assert_int_equal(r.true_positive, 2);
    assert_true(fabs(r.precision - 2.0 / 3) < 1e-12);
    assert_true(fabs(r.recall - 2.0 / 3) < 1e-12);
    r = wl_eval_at(e, 0.9);
    assert_int_equal(r.predicted, 2);
    assert_int_equal(r.true_positive, 1);
    assert_true(fabs(r.f1 - 2 * 0.5 * (1.0 / 3) / (0.5 + 1.0 / 3)) < 1e-12);
    wl_eval_free(e);
}

static void test_two_column_truth_ignores_sources(void **state)
{
    (void)state;
    const char *truth = "rec_id_1,rec_id_2\nrec-1-dup-0,rec-1-org\n\"rec-2-org\",rec-2-dup-0\n";
    const char *pairs = "left_source,left_id,right_source,right_id,probability,match_weight\n"
                        "dataset1,rec-1-org,dataset1,rec-1-dup-0,0.9,3\n"
                        "dataset1,rec-2-org,dataset1,rec-2-dup-0,0.9,3\n";
    char err[256] = "";
    wl_eval *e = parse(truth, pairs, err, sizeof err);
    assert_non_null(e);
    wl_eval_row r = wl_eval_at(e, 0.5);
    assert_int_equal(r.true_positive, 2);
    assert_true(r.f1 == 1.0);
    wl_eval_free(e);
}

static void test_errors_name_file_and_line(void **state)
{
    (void)state;
    char err[256] = "";
    const char *truth = "a,b\nx,y\n";
    assert_null(parse(truth, "left_id,right_id,probability\n1,2,0.5\n3,4,abc\n", err, sizeof err));
    assert_string_equal(err, "pairs.csv:3: probability is not a number in [0, 1]");
    assert_null(parse(truth, "left_id,right_id\n\"1,2\n", err, sizeof err));
    assert_non_null(strstr(err, "pairs.csv:"));
    assert_null(parse("", "left_id,right_id\n", err, sizeof err));
    assert_string_equal(err, "truth.csv:1: no header");
    assert_null(parse(truth, "left_id,right_id,probability\n1\n", err, sizeof err));
    assert_string_equal(err, "pairs.csv:2: expected more fields, found 1");
}

/* A CRLF pairs file with quoted fields: the '\r' was once left in the text
 * handed to strtof, so every probability was "not a number". */
static void test_crlf_and_quotes(void **state)
{
    (void)state;
    const char *truth = "left_source,left_id,right_source,right_id\r\nA,1,B,\"2\"\r\nA,3,B,4\r\n";
    const char *pairs = "left_source,left_id,right_source,right_id,probability,match_weight\r\n"
                        "A,1,B,2,0.9,3\r\n\"A\",\"3\",\"B\",\"4\",\"0.25\",\"1\"\r\n";
    char err[256] = "";
    wl_eval *e = parse(truth, pairs, err, sizeof err);
    if (!e) fail_msg("%s", err);
    wl_eval_row r = wl_eval_at(e, 0.5);
    assert_int_equal(r.true_pairs, 2);
    assert_int_equal(r.predicted, 1);
    assert_int_equal(r.true_positive, 1);
    r = wl_eval_at(e, 0.2);
    assert_int_equal(r.true_positive, 2);
    wl_eval_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_four_column_truth),
        cmocka_unit_test(test_two_column_truth_ignores_sources),
        cmocka_unit_test(test_errors_name_file_and_line),
        cmocka_unit_test(test_crlf_and_quotes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
