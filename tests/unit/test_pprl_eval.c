/* test_pprl_eval.c -- eval reads the pairs of an encoded link (issue 13): their
 * score column is "dice", taken in the probability's place, so the threshold
 * table and the "at P" row are over Dice; a bad Dice is named as such. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "score/eval.h"

static wl_eval *parse(const char *truth, const char *pairs, char *err, size_t cap)
{
    wl_eval *e = NULL;
    wl_eval_parse(truth, strlen(truth), "truth.csv", pairs, strlen(pairs), "pairs.enc.csv", &e, err, cap);
    return e;
}

static const char TRUTH[] = "left_source,left_id,right_source,right_id\n"
                            "idn,1,mys,7\nidn,2,mys,8\n";

/* What `watchlink match A.enc B.enc` writes: left_source,left_id,right_source,right_id,dice. */
static void test_dice_is_the_score(void **state)
{
    (void)state;
    const char *pairs = "left_source,left_id,right_source,right_id,dice\n"
                        "idn,1,mys,7,0.910000\n"
                        "idn,5,mys,6,0.750000\n"
                        "idn,2,mys,8,0.720000\n";
    char err[256] = "";
    wl_eval *e = parse(TRUTH, pairs, err, sizeof err);
    assert_non_null(e);
    wl_eval_row r = wl_eval_at(e, 0.8);    /* read as probability 1, all three would count */
    assert_int_equal(r.predicted, 1);
    assert_int_equal(r.true_positive, 1);
    r = wl_eval_at(e, 0.74);
    assert_int_equal(r.predicted, 2);
    assert_int_equal(r.true_positive, 1);
    r = wl_eval_at(e, 0.7);
    assert_int_equal(r.predicted, 3);
    assert_int_equal(r.true_positive, 2);
    assert_int_equal(r.true_pairs, 2);
    wl_eval_free(e);
}

/* A file with both columns is scored by its probability; a Dice outside [0, 1]
 * or not a number is refused, naming the column, the file and the line. */
static void test_probability_first_and_bad_dice(void **state)
{
    (void)state;
    char err[256] = "";
    wl_eval *e = parse(TRUTH, "left_source,left_id,right_source,right_id,dice,probability\n"
                              "idn,1,mys,7,0.1,0.9\n", err, sizeof err);
    assert_non_null(e);
    assert_int_equal(wl_eval_at(e, 0.5).predicted, 1);
    wl_eval_free(e);
    assert_null(parse(TRUTH, "left_source,left_id,right_source,right_id,dice\nidn,1,mys,7,0.9\nidn,2,mys,8,1.5\n",
                      err, sizeof err));
    assert_string_equal(err, "pairs.enc.csv:3: dice is not a number in [0, 1]");
    assert_null(parse(TRUTH, "{\"left_source\":\"idn\",\"left_id\":\"1\",\"right_source\":\"mys\",\"right_id\":\"7\","
                             "\"dice\":\"x\"}\n", err, sizeof err));
    assert_string_equal(err, "pairs.enc.csv:1: dice is not a number in [0, 1]");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dice_is_the_score),
        cmocka_unit_test(test_probability_first_and_bad_dice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
