/* test_block_prune.c -- wl_block_prune, the partner pruning without a sort,
 * against wl_block_prune_ref (sort best first, keep the `sure` best and those
 * that pass the test): the same count and the same set of ranks, on random
 * rank lists shaped as best_partners leaves them (unique partners, scores of
 * 15 bits, some guard bits), with `sure` from 0 to past the list, scores
 * spread wide (many pruned) and narrow (few pruned), and lists of equal
 * scores (the partner's rank decides the "sure best" among them). */
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

static int cmp_desc(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x < y) - (x > y);
}

/* A rank as block.c partner_rank makes it: score, partner's rank, guard. */
static uint64_t rank_of(uint32_t score, uint32_t partner, int guard)
{
    return (uint64_t)(score & 0x7FFF) << 48 | (uint64_t)(UINT32_MAX - partner) << 16 | (uint64_t)(guard != 0);
}

static void test_same_set_as_reference(void **state)
{
    (void)state;
    enum { MAXK = 80 };
    uint64_t seed = 5, v[MAXK], ref[MAXK];
    size_t pruned = 0, lists = 0;
    for (int round = 0; round < 200000; round++) {
        size_t kept = 1 + rng(&seed) % MAXK, sure = rng(&seed) % 12;
        if (round % 97 == 0) sure = kept + rng(&seed) % 3; /* nothing to prune */
        if (round % 89 == 0) sure = 70;                   /* past the fast path's list */
        int shape = (int)(rng(&seed) % 3);
        uint32_t base = (uint32_t)(1 + rng(&seed) % 2000), partner0 = (uint32_t)(rng(&seed) % 1000000);
        for (size_t q = 0; q < kept; q++) {
            uint64_t r = rng(&seed);
            uint32_t score = shape == 0   ? (uint32_t)(1 + r % 0x7FFF)     /* wide: many under half */
                             : shape == 1 ? base + (uint32_t)(r % (base / 2 + 1)) /* narrow: few */
                                          : base;                           /* all equal */
            v[q] = rank_of(score, partner0 + (uint32_t)q * 7, (r >> 40) % 5 == 0);
        }
        for (size_t q = kept; q-- > 1;) { /* any order, as the heap leaves them */
            size_t j = rng(&seed) % (q + 1);
            uint64_t t = v[q];
            v[q] = v[j];
            v[j] = t;
        }
        memcpy(ref, v, kept * sizeof *v);
        size_t want = wl_block_prune_ref(ref, kept, sure), got = wl_block_prune(v, kept, sure);
        assert_int_equal(got, want);
        qsort(ref, want, sizeof *ref, cmp_desc);
        qsort(v, got, sizeof *v, cmp_desc);
        assert_memory_equal(v, ref, got * sizeof *v);
        pruned += want < kept;
        lists++;
    }
    assert_true(pruned > lists / 4); /* the test prunes, not only keeps */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_set_as_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
