/* test_keyent_sort_mt.c -- wl_keyent_sort_mt, the blocking entries' sort on
 * several threads, against the serial wl_keyent_sort entry for entry (key,
 * record and aux): the stable sort by key is unique, so any difference is a
 * bug (a thread's slice scattered out of order breaks the ties' record order,
 * a wrong bucket start loses or repeats entries). Key shapes: hashes in every
 * byte (the top byte holding a kind, as blocking keys do), few distinct keys
 * (long runs of ties), keys varying only in a low byte or in the top byte,
 * all keys equal, and sizes on both sides of the serial cut-off, at 1 to 4
 * threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "block/block.h"

static uint64_t rng(uint64_t *s) /* splitmix64: fixed seed, same test every run */
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

enum { SHAPE_HASH, SHAPE_FEW, SHAPE_LOW_BYTE, SHAPE_TOP_BYTE, SHAPE_EQUAL, SHAPES };

static uint64_t key_of(int shape, uint64_t r)
{
    switch (shape) {
    case SHAPE_HASH: return (UINT64_C(3) << 60) | (r >> 4); /* a kind in the top bits, as wl_block_key */
    case SHAPE_FEW: return (r % 37) * UINT64_C(0x0101010101010101);
    case SHAPE_LOW_BYTE: return UINT64_C(0x5500000000000000) | (r & 0xff);
    case SHAPE_TOP_BYTE: return (r & UINT64_C(0xff00000000000000)) | 0x1234;
    default: return 42;
    }
}

static void check(size_t n, int shape, int threads, uint64_t *seed)
{
    wl_keyent *v = malloc(n * sizeof *v), *want = malloc(n * sizeof *v), *tmp = malloc(n * sizeof *v);
    assert_non_null(v);
    assert_non_null(want);
    assert_non_null(tmp);
    for (size_t i = 0; i < n; i++) {
        uint64_t r = rng(seed);
        /* records ascending, as gen_entries makes them; aux tells entries apart */
        v[i] = (wl_keyent){ key_of(shape, r), (uint32_t)(i / 3), (uint32_t)i };
    }
    memcpy(want, v, n * sizeof *v);
    wl_keyent_sort(want, tmp, n);
    wl_keyent_sort_mt(v, tmp, n, threads);
    assert_memory_equal(v, want, n * sizeof *v);
    free(v);
    free(want);
    free(tmp);
}

static void test_same_as_serial(void **state)
{
    (void)state;
    const size_t sizes[] = { 2, 1000, 65535, 65536, 65537, 200003, 700001 };
    uint64_t seed = 11;
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (int shape = 0; shape < SHAPES; shape++)
            for (int threads = 1; threads <= 4; threads++) check(sizes[s], shape, threads, &seed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_as_serial),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
