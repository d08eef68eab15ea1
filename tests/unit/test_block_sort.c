/* test_block_sort.c -- wl_pair_sort, the bucketed sort of candidate pairs in
 * place (no second array: issue 11's memory peak):
 * every record count just past a power of two (where the bucket shift used to
 * let the index reach 256 and write past the bucket array), and random pair
 * sets of random sizes against qsort. Run under ASan/UBSan in CI, which turns
 * any out-of-bounds bucket into a failure even where the plain build survives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "block/block.h"

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static uint64_t rng(uint64_t *s) /* splitmix64: fixed seed, same test every run */
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Sorts n pairs over `records` records with wl_pair_sort and checks the result
 * against qsort. `top` forces pairs whose a is the largest a there can be. */
static void check(size_t records, size_t n, uint64_t *seed, int threads)
{
    uint64_t *v = malloc((n ? n : 1) * sizeof *v), *want = malloc((n ? n : 1) * sizeof *v);
    assert_non_null(v);
    assert_non_null(want);
    for (size_t q = 0; q < n; q++) {
        uint64_t a, b;
        if (q < 2 && records >= 2) { /* the last pair (records-2, records-1) */
            a = records - 2;
            b = records - 1;
        } else {
            a = rng(seed) % (records - 1);
            b = a + 1 + rng(seed) % (records - 1 - a);
        }
        v[q] = a << 32 | b;
    }
    memcpy(want, v, n * sizeof *v);
    qsort(want, n, sizeof *want, cmp_u64);
    assert_int_equal(wl_pair_sort(v, n, records, threads), 0);
    assert_memory_equal(v, want, n * sizeof *v); /* sorted where they were */
    free(v);
    free(want);
}

/* n = 2^k + 2 for k = 10..20: the record counts the old shift got wrong,
 * with their neighbours. */
static void test_power_of_two_boundaries(void **state)
{
    (void)state;
    uint64_t seed = 1;
    for (int k = 10; k <= 20; k++)
        for (size_t d = 0; d <= 4; d++) {
            size_t records = ((size_t)1 << k) + d;
            check(records, 3000, &seed, 2);
        }
}

static void test_small_and_empty(void **state)
{
    (void)state;
    uint64_t seed = 2;
    for (size_t records = 2; records < 600; records++) check(records, records % 7 + 2, &seed, 1);
    uint64_t none[1] = { 0 };
    assert_int_equal(wl_pair_sort(none, 0, 0, 2), 0); /* no pairs, no records: nothing to do */
}

/* Random sizes and record counts up to 2^24, 1 and 2 threads. */
static void test_random_against_qsort(void **state)
{
    (void)state;
    uint64_t seed = 3;
    for (int round = 0; round < 60; round++) {
        size_t records = 2 + rng(&seed) % ((size_t)1 << (1 + rng(&seed) % 24));
        size_t n = rng(&seed) % 20000;
        check(records, n, &seed, 1 + round % 2);
    }
}

/* Buckets of very different sizes, repeats (a pair chosen by both of its
 * records), and every value in one bucket: the in-place pass must carry each
 * value to its bucket and the scratch fit the largest bucket. */
static void test_skewed_buckets_and_repeats(void **state)
{
    (void)state;
    uint64_t seed = 4;
    size_t records = (size_t)1 << 20, n = 50000;
    uint64_t *v = malloc(n * sizeof *v), *want = malloc(n * sizeof *v);
    assert_non_null(v);
    assert_non_null(want);
    for (int shape = 0; shape < 3; shape++)
        for (int threads = 1; threads <= 2; threads++) {
            for (size_t q = 0; q < n; q++) {
                /* shape 0: all a in the first bucket; 1: a skewed low; 2: half repeats */
                uint64_t a = shape == 0 ? rng(&seed) % 4096 : shape == 1 ? (rng(&seed) % 1024) * (rng(&seed) % 1024)
                                                                         : rng(&seed) % (records - 1);
                if (a >= records - 1) a = records - 2;
                uint64_t b = a + 1 + rng(&seed) % (records - 1 - a);
                v[q] = shape == 2 && q % 2 ? v[q - 1] : a << 32 | b;
            }
            memcpy(want, v, n * sizeof *v);
            qsort(want, n, sizeof *want, cmp_u64);
            assert_int_equal(wl_pair_sort(v, n, records, threads), 0);
            assert_memory_equal(v, want, n * sizeof *v);
        }
    free(v);
    free(want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_power_of_two_boundaries),
        cmocka_unit_test(test_small_and_empty),
        cmocka_unit_test(test_random_against_qsort),
        cmocka_unit_test(test_skewed_buckets_and_repeats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
