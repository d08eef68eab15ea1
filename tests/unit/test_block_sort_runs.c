/* test_block_sort_runs.c -- wl_pair_sort's small path (block_sort.c): up to
 * 4,096 values made of a few ascending runs are merged rather than radix
 * sorted. The values are shaped as a store query pushes them (a few query
 * records, each block's records ascending, blocks overlapping so a record
 * recurs), with every run count from 1 (already sorted: left as it is) past
 * the merge's limit of 64 (wl_u64_sort instead), runs of one value and empty
 * stretches, each against qsort. Equal values are equal bits, so a sort that
 * loses, repeats or misorders one shows here. */
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

static void check(uint64_t *v, size_t n, size_t records)
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
                check(v, n, queries);
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
        check(v, n, 1);
        for (size_t k = 0; k < n; k++) v[k] = (uint64_t)(n - k); /* n runs */
        check(v, n, 1);
    }
    for (size_t runs = 63; runs <= 66; runs++) {
        size_t n = 0;
        for (size_t r = 0; r < runs; r++)
            for (size_t k = 0; k <= r % 5; k++) v[n++] = (uint64_t)(runs - r) * 10 + k;
        check(v, n, 1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_runs_against_qsort),
        cmocka_unit_test(test_run_shapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
