/* pprl_dice.c -- the Dice kernel: 2|a & b| / (|a| + |b|) over 64-bit words with
 * the popcount instruction. x86-64's baseline has no popcnt, so
 * __builtin_popcountll compiles to a bit-twiddling routine unless the function
 * is built for the instruction; as xxHash does, the choice between a popcnt
 * build and the portable one is made once, from the CPU, into a function
 * pointer (pprl_dispatch). Both give the same counts (tests/unit/test_pprl.c). */
#include "pprl/pprl.h"

#include <math.h>
#include <stdlib.h>


#define AND_COUNT_BODY                                                                   \
    {                                                                                    \
        uint64_t c0 = 0, c1 = 0; /* two chains: the adds do not wait on one another */  \
        size_t i = 0;                                                                    \
        for (; i + 2 <= n; i += 2) {                                                     \
            c0 += (uint64_t)__builtin_popcountll(a[i] & b[i]);                           \
            c1 += (uint64_t)__builtin_popcountll(a[i + 1] & b[i + 1]);                   \
        }                                                                                \
        if (i < n) c0 += (uint64_t)__builtin_popcountll(a[i] & b[i]);                    \
        return (uint32_t)(c0 + c1);                                                      \
    }

static uint32_t and_count_portable(const uint64_t *WL_RESTRICT a, const uint64_t *WL_RESTRICT b,
                                   size_t n) AND_COUNT_BODY

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("popcnt"))) static uint32_t
and_count_popcnt(const uint64_t *WL_RESTRICT a, const uint64_t *WL_RESTRICT b, size_t n) AND_COUNT_BODY
#endif

typedef uint32_t (*and_count_fn)(const uint64_t *, const uint64_t *, size_t);

static and_count_fn pprl_dispatch(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("popcnt")) return and_count_popcnt;
#endif
    return and_count_portable;
}

static and_count_fn g_and_count; /* set once; a racing first call stores the same pointer */

static and_count_fn and_count(void)
{
    and_count_fn f = __atomic_load_n(&g_and_count, __ATOMIC_ACQUIRE);
    if (WL_UNLIKELY(!f)) {
        f = pprl_dispatch();
        __atomic_store_n(&g_and_count, f, __ATOMIC_RELEASE);
    }
    return f;
}

uint32_t wl_pprl_and_count(const uint64_t *WL_RESTRICT a, const uint64_t *WL_RESTRICT b, size_t n)
{
    return and_count()(a, b, n);
}

uint32_t wl_pprl_popcount(const uint64_t *a, size_t n)
{
    return and_count()(a, a, n);
}

uint32_t wl_pprl_and_count_portable(const uint64_t *a, const uint64_t *b, size_t n)
{
    return and_count_portable(a, b, n);
}

double wl_dice(const uint64_t *a, const uint64_t *b, size_t words)
{
    uint32_t pa = wl_pprl_popcount(a, words), pb = wl_pprl_popcount(b, words);
    if (pa + pb == 0) return 0.0;
    return 2.0 * wl_pprl_and_count(a, b, words) / (double)(pa + pb);
}

wl_status wl_pprl_dice_pairs(const wl_encoded *a, const wl_encoded *b, const uint32_t *pairs, size_t n,
                             int threads, float *out)
{
    if (!a || !b || a->words != b->words || (n && (!pairs || !out))) return WL_USAGE;
    for (size_t k = 0; k < n; k++)
        if (pairs[2 * k] >= a->n || pairs[2 * k + 1] >= b->n) return WL_USAGE;
    and_count_fn f = and_count();
    size_t w = a->words;
    int nt = wl_thread_count(threads);
#pragma omp parallel for num_threads(nt) schedule(static)
    for (size_t k = 0; k < n; k++) {
        uint32_t i = pairs[2 * k], j = pairs[2 * k + 1];
        uint32_t s = a->pop[i] + b->pop[j];
        out[k] = s ? (float)(2.0 * f(a->bits + i * w, b->bits + j * w, w) / s) : 0.0f;
    }
    return WL_OK;
}
