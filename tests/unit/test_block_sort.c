/* test_block_sort.c -- wl_pair_sort, the bucketed sort of candidate pairs in
 * place (no second array: issue 11's memory peak):
 * every record count just past a power of two (where the bucket shift used to
 * let the index reach 256 and write past the bucket array), and random pair
 * sets of random sizes against qsort; the merge of a few ascending runs that
 * small sorts take. Run under ASan/UBSan in CI, which turns
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

/* wl_pair_sort's small path: up to 4,096 values made of a few ascending runs are
 * merged rather than radix sorted. The values are shaped as a store query
 * pushes them (a few query records, each block's records ascending, blocks
 * overlapping so a record recurs), with every run count from 1 (already
 * sorted: left as it is) past the merge's limit of 64 (wl_u64_sort instead),
 * runs of one value and empty stretches, each against qsort. Equal values are
 * equal bits, so a sort that loses, repeats or misorders one shows here. */
/* runs ascending runs (each starting below the previous run's end, so they are
 * runs indeed) of about len values each, for `queries` query records. */
static size_t make_runs(uint64_t *v, size_t cap, size_t runs, size_t len, size_t queries, uint64_t *seed)
{
    size_t n = 0;
    for (size_t r = 0; r < runs && n < cap; r++) {
        uint64_t q = rng(seed) % queries, b = rng(seed) % 64;
        size_t m = 1 + (size_t)(rng(seed) % (2 * len));
        for (size_t k = 0; k < m && n < cap; k++) {
            v[n++] = q << 32 | b;
            b += rng(seed) % 3; /* steps of 0: the same pair twice in a run */
        }
        if (n < cap && r + 1 < runs) v[n++] = 0; /* the next run starts low */
    }
    return n;
}

static void check_runs(uint64_t *v, size_t n, size_t records)
{
    uint64_t *want = malloc((n ? n : 1) * sizeof *want);
    assert_non_null(want);
    memcpy(want, v, n * sizeof *v);
    qsort(want, n, sizeof *want, cmp_u64);
    assert_int_equal(wl_pair_sort(v, n, records, 1), 0);
    assert_memory_equal(v, want, n * sizeof *v);
    free(want);
}

static void test_runs_against_qsort(void **state)
{
    (void)state;
    uint64_t seed = 12, v[4096];
    for (size_t runs = 1; runs <= 70; runs++)
        for (size_t len = 1; len <= 40; len += 13)
            for (size_t queries = 1; queries <= 3; queries++) {
                size_t n = make_runs(v, sizeof v / sizeof v[0], runs, len, queries, &seed);
                check_runs(v, n, queries);
            }
}

/* Runs of one value each (every pair pushed by several blocks), runs of one
 * element (a strictly descending list: as many runs as values), and exactly
 * 64 and 65 runs of unequal lengths. */
static void test_run_shapes(void **state)
{
    (void)state;
    uint64_t v[4096];
    for (size_t n = 0; n < 200; n++) {
        for (size_t k = 0; k < n; k++) v[k] = (uint64_t)(n - k) % 7; /* descending runs of one value */
        check_runs(v, n, 1);
        for (size_t k = 0; k < n; k++) v[k] = (uint64_t)(n - k); /* n runs */
        check_runs(v, n, 1);
    }
    for (size_t runs = 63; runs <= 66; runs++) {
        size_t n = 0;
        for (size_t r = 0; r < runs; r++)
            for (size_t k = 0; k <= r % 5; k++) v[n++] = (uint64_t)(runs - r) * 10 + k;
        check_runs(v, n, 1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_power_of_two_boundaries),
        cmocka_unit_test(test_small_and_empty),
        cmocka_unit_test(test_random_against_qsort),
        cmocka_unit_test(test_skewed_buckets_and_repeats),
        cmocka_unit_test(test_runs_against_qsort),
        cmocka_unit_test(test_run_shapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
