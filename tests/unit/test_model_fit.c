/* The fit's collapse rule for the prior (score/model_fit.c), on the figures
 * that motivated it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "score/model.h"

static void test_floor_is_a_collapse(void **state)
{
    (void)state;
    /* Names-only sanctions list: EM ran down to half a match. */
    assert_true(wl_fit_prior_collapsed(0.5, 25490.0));
    /* 2,000-row cross-script link: 0.5 against 62 strong pairs. */
    assert_true(wl_fit_prior_collapsed(0.5, 62.0));
}

static void test_rich_lists_keep_their_fixed_point(void **state)
{
    (void)state;
    /* 10^6 generated records: 0.44 M matches estimated, 4.46 M candidates above
     * 8 bits (most of them namesakes); a tenth-rule replaced the estimate and
     * dropped precision from 0.84 to 0.69. */
    assert_false(wl_fit_prior_collapsed(4.418e5, 4.46e6));
    /* EU aliases: 21 k against 27 k. */
    assert_false(wl_fit_prior_collapsed(2.137e4, 2.764e4));
    assert_false(wl_fit_prior_collapsed(0.0, 0.0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_floor_is_a_collapse),
        cmocka_unit_test(test_rich_lists_keep_their_fixed_point),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
