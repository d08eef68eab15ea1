/* test_common.c -- the shared helpers of engine/src/common: the thread-count
 * rule every stage uses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <omp.h>

#include "common/common.h"

/* 0 (or less) means every core OpenMP may use; a positive count is kept. */
static void test_thread_count(void **state)
{
    (void)state;
    assert_int_equal(wl_thread_count(3), 3);
    assert_int_equal(wl_thread_count(1), 1);
    assert_int_equal(wl_thread_count(0), omp_get_max_threads());
    assert_int_equal(wl_thread_count(-2), omp_get_max_threads());
    omp_set_num_threads(5); /* follows OMP_NUM_THREADS and omp_set_num_threads */
    assert_int_equal(wl_thread_count(0), 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_thread_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
