/* test_eval.c -- precision, recall and F1 against truth; both truth layouts;
 * errors name file:line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
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

/* Truth as clusters, prediction as clusters: the implied pairs, and B-cubed.
 * Truth {1,2,3} {4}; predicted {1,2} {3,4}.
 * B-cubed precision: 1,2: 2/2; 3: 1/2; 4: 1/2 -> (1+1+.5+.5)/4 = 0.75.
 * Recall: 1,2: 2/3; 3: 1/3; 4: 1/1 -> (2/3+2/3+1/3+1)/4 = 2/3. */
static void test_clusters_files_and_bcubed(void **state)
{
    (void)state;
    const char *truth = "cluster_id,source,id\nA,s,1\nA,s,2\nA,s,3\nB,s,4\n";
    const char *pred = "cluster_id,source,id\n0,s,1\n0,s,2\n7,s,3\n7,s,4\n";
    char err[256] = "";
    wl_eval *e = parse(truth, pred, err, sizeof err);
    assert_non_null(e);
    wl_eval_row r = wl_eval_at(e, 0.0);
    assert_int_equal(r.true_pairs, 3);   /* 1-2, 1-3, 2-3 */
    assert_int_equal(r.predicted, 2);    /* 1-2, 3-4 */
    assert_int_equal(r.true_positive, 1);
    wl_eval_row b = wl_eval_bcubed(e, 0.0);
    assert_int_equal(b.true_pairs, 4);
    assert_true(fabs(b.precision - 0.75) < 1e-12);
    assert_true(fabs(b.recall - 2.0 / 3) < 1e-12);
    wl_eval_free(e);

    /* Pairs as the prediction: the clusters they make, at the threshold. */
    const char *pairs = "left_source,left_id,right_source,right_id,probability\n"
                        "s,1,s,2,0.9\ns,2,s,3,0.3\n";
    e = parse(truth, pairs, err, sizeof err);
    assert_non_null(e);
    b = wl_eval_bcubed(e, 0.0); /* {1,2,3} {4}: perfect */
    assert_true(fabs(b.precision - 1.0) < 1e-12 && fabs(b.recall - 1.0) < 1e-12);
    b = wl_eval_bcubed(e, 0.5); /* {1,2} {3} {4}: recall (2/3+2/3+1/3+1)/4 */
    assert_true(fabs(b.precision - 1.0) < 1e-12);
    assert_true(fabs(b.recall - 2.0 / 3) < 1e-12);
    wl_eval_free(e);
}

/* A list, or a file with three columns and no pair or cluster columns, is
 * refused: it was once read as two id columns (cluster ids taken for ids). */
static void test_wrong_file_kind_refused(void **state)
{
    (void)state;
    char err[256] = "";
    const char *truth = "left_source,left_id,right_source,right_id\ns,1,s,2\n";
    assert_null(parse(truth, "id,full_name,dob\n1,Ali,1970\n", err, sizeof err));
    assert_non_null(strstr(err, "pairs.csv:1: not a pairs file"));
    assert_null(parse("a,b,c\n1,2,3\n", "left_id,right_id,probability\n1,2,1\n", err, sizeof err));
    assert_non_null(strstr(err, "truth.csv:1: not a pairs file"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_four_column_truth),
        cmocka_unit_test(test_two_column_truth_ignores_sources),
        cmocka_unit_test(test_errors_name_file_and_line),
        cmocka_unit_test(test_crlf_and_quotes),
        cmocka_unit_test(test_clusters_files_and_bcubed),
        cmocka_unit_test(test_wrong_file_kind_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
