/* pprl_dice.c -- the Dice kernel: 2|a & b| / (|a| + |b|) over 64-bit words.
 *
 * x86-64's baseline has no popcnt, so __builtin_popcountll compiles to a
 * bit-twiddling routine unless the function is built for the instruction. As
 * xxHash does, one kernel body is stamped out per instruction set (portable,
 * popcnt, AVX-512 VPOPCNTDQ) with target attributes, and the best one the CPU
 * runs is chosen once into a const table of function pointers (pprl_dispatch).
 * Every variant gives the same counts (tests/unit/test_pprl.c checks each one
 * the CPU has against a plain loop).
 *
 * The scan compares one filter against many, the link's inner loop: the cheap
 * bound first (fzy's cheap filter before the scorer): 2 min(|a|, |b|) / (|a| +
 * |b|) is the best Dice two filters of those weights can reach; then the
 * AND-popcount, compared as 2c >= t (|a| + |b|) so no division is made for a
 * pair below the threshold. */
#include "pprl/pprl.h"

#include <stdlib.h>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define WL_PPRL_X86 1
#else
#define WL_PPRL_X86 0
#endif

/* One variant: and_count_<name> and scan_<name>, built with target attribute attr. */
#define WL_PPRL_GEN_SCAN(name, attr)                                                                   \
    attr static uint32_t scan_##name(const uint64_t *WL_RESTRICT fa, uint32_t pa, const wl_encoded *b,    \
                                     const uint32_t *cand, size_t n, double t, uint32_t *hit_j,          \
                                     float *hit_d, size_t *compared)                                     \
    {                                                                                                  \
        size_t w = b->words, seen = 0;                                                                 \
        uint32_t hits = 0;                                                                             \
        for (size_t k = 0; k < n; k++) {                                                               \
            if (cand && k + 8 < n) { /* candidates are scattered: fetch ahead (two lines of 1024 bits) */ \
                const uint64_t *ahead = b->bits + (size_t)cand[k + 8] * w;                             \
                __builtin_prefetch(ahead);                                                             \
                __builtin_prefetch(ahead + 8);                                                         \
                __builtin_prefetch(&b->pop[cand[k + 8]]);                                              \
            }                                                                                          \
            uint32_t j = cand ? cand[k] : (uint32_t)k, pb = b->pop[j], s = pa + pb;                    \
            if (!s || 2.0 * (pa < pb ? pa : pb) < t * s) continue;                                     \
            seen++;                                                                                    \
            uint32_t c = w == 16 ? and_count_##name(fa, b->bits + (size_t)j * 16, 16)                  \
                                 : and_count_##name(fa, b->bits + (size_t)j * w, w);                   \
            if (2.0 * c < t * s) continue;                                                             \
            hit_j[hits] = j;                                                                           \
            hit_d[hits++] = (float)(2.0 * c / s);                                                      \
        }                                                                                              \
        *compared += seen;                                                                             \
        return hits;                                                                                   \
    }                                                                                                  \
    attr static void hist_##name(const uint64_t *WL_RESTRICT fa, uint32_t pa, const wl_encoded *b,       \
                                 size_t *hist)                                                         \
    {                                                                                                  \
        size_t w = b->words;                                                                           \
        uint32_t lane[4][WL_PPRL_HIST_BINS] = { { 0 } }; /* 4 lanes: no store waits on the last */     \
        for (size_t j = 0; j < b->n; j++) {                                                            \
            uint32_t s = pa + b->pop[j];                                                               \
            uint32_t c = w == 16 ? and_count_##name(fa, b->bits + j * 16, 16)                          \
                                 : and_count_##name(fa, b->bits + j * w, w);                           \
            lane[j & 3][s ? (200u * c) / s : 0]++; /* floor(100 * 2c / s) */                           \
        }                                                                                              \
        for (int l = 0; l < 4; l++)                                                                    \
            for (int k = 0; k < WL_PPRL_HIST_BINS; k++) hist[k] += lane[l][k];                         \
    }                                                                                                  \
    attr static void segs_##name(const uint64_t *WL_RESTRICT a, const uint64_t *WL_RESTRICT b,          \
                                 const wl_pprl_segment *seg, int n_seg, uint32_t *out)                 \
    {                                                                                                  \
        for (int s = 0; s < n_seg; s++) {                                                              \
            uint32_t c = 0;                                                                            \
            for (size_t i = seg[s].off, e = i + seg[s].words; i < e; i++)                              \
                c += (uint32_t)__builtin_popcountll(a[i] & b[i]);                                      \
            out[s] = c;                                                                                \
        }                                                                                              \
    }

static inline uint32_t and_count_portable(const uint64_t *WL_RESTRICT a, const uint64_t *WL_RESTRICT b, size_t n)
{
    uint64_t c0 = 0, c1 = 0; /* two chains: the adds do not wait on one another */
    size_t i = 0;
    for (; i + 2 <= n; i += 2) {
        c0 += (uint64_t)__builtin_popcountll(a[i] & b[i]);
        c1 += (uint64_t)__builtin_popcountll(a[i + 1] & b[i + 1]);
    }
    if (i < n) c0 += (uint64_t)__builtin_popcountll(a[i] & b[i]);
    return (uint32_t)(c0 + c1);
}
WL_PPRL_GEN_SCAN(portable, )

#if WL_PPRL_X86
#define WL_ATTR_POPCNT __attribute__((target("popcnt")))
#define WL_ATTR_AVX512 __attribute__((target("popcnt,avx512f,avx512vpopcntdq")))

WL_ATTR_POPCNT static inline uint32_t and_count_popcnt(const uint64_t *WL_RESTRICT a,
                                                      const uint64_t *WL_RESTRICT b, size_t n)
{
    uint64_t c0 = 0, c1 = 0;
    size_t i = 0;
    for (; i + 2 <= n; i += 2) {
        c0 += (uint64_t)__builtin_popcountll(a[i] & b[i]);
        c1 += (uint64_t)__builtin_popcountll(a[i + 1] & b[i + 1]);
    }
    if (i < n) c0 += (uint64_t)__builtin_popcountll(a[i] & b[i]);
    return (uint32_t)(c0 + c1);
}
WL_PPRL_GEN_SCAN(popcnt, WL_ATTR_POPCNT)

/* 512 bits a step: AND, per-lane popcount (VPOPCNTQ), lane sums added at the end. */
WL_ATTR_AVX512 static inline uint32_t and_count_avx512(const uint64_t *WL_RESTRICT a,
                                                      const uint64_t *WL_RESTRICT b, size_t n)
{
    __m512i acc = _mm512_setzero_si512();
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        acc = _mm512_add_epi64(acc, _mm512_popcnt_epi64(_mm512_and_si512(_mm512_loadu_si512(a + i),
                                                                         _mm512_loadu_si512(b + i))));
    uint64_t c = (uint64_t)_mm512_reduce_add_epi64(acc);
    for (; i < n; i++) c += (uint64_t)__builtin_popcountll(a[i] & b[i]);
    return (uint32_t)c;
}
WL_PPRL_GEN_SCAN(avx512, WL_ATTR_AVX512)
#endif

typedef uint32_t (*and_count_fn)(const uint64_t *, const uint64_t *, size_t);
typedef uint32_t (*scan_fn)(const uint64_t *, uint32_t, const wl_encoded *, const uint32_t *, size_t, double,
                            uint32_t *, float *, size_t *);
typedef void (*hist_fn)(const uint64_t *, uint32_t, const wl_encoded *, size_t *);
typedef void (*segs_fn)(const uint64_t *, const uint64_t *, const wl_pprl_segment *, int, uint32_t *);

/* Out-of-line copies of the inline counts, for the table. */
static uint32_t count_portable(const uint64_t *a, const uint64_t *b, size_t n) { return and_count_portable(a, b, n); }
#if WL_PPRL_X86
WL_ATTR_POPCNT static uint32_t count_popcnt(const uint64_t *a, const uint64_t *b, size_t n)
{
    return and_count_popcnt(a, b, n);
}
WL_ATTR_AVX512 static uint32_t count_avx512(const uint64_t *a, const uint64_t *b, size_t n)
{
    return and_count_avx512(a, b, n);
}
#endif

typedef struct {
    const char *name;
    and_count_fn count;
    scan_fn scan;
    hist_fn hist;
    segs_fn segs;
} kernel;

static const kernel g_kernels[] = {
    { "portable", count_portable, scan_portable, hist_portable, segs_portable },
#if WL_PPRL_X86
    { "popcnt", count_popcnt, scan_popcnt, hist_popcnt, segs_popcnt },
    { "avx512-vpopcntdq", count_avx512, scan_avx512, hist_avx512, segs_avx512 },
#endif
};

int wl_pprl_kernel_count(void) { return (int)WL_ARRAY_SIZE(g_kernels); }

int wl_pprl_kernel_supported(int v)
{
    if (v < 0 || v >= wl_pprl_kernel_count()) return 0;
#if WL_PPRL_X86
    __builtin_cpu_init();
    if (v == 1) return __builtin_cpu_supports("popcnt");
    if (v == 2)
        return __builtin_cpu_supports("popcnt") && __builtin_cpu_supports("avx512f") &&
               __builtin_cpu_supports("avx512vpopcntdq");
#endif
    return 1;
}

const char *wl_pprl_kernel_name(int v) { return v >= 0 && v < wl_pprl_kernel_count() ? g_kernels[v].name : NULL; }

static int g_best = -1; /* chosen once; a racing first call stores the same value */

int wl_pprl_kernel_best(void)
{
    int v = __atomic_load_n(&g_best, __ATOMIC_ACQUIRE);
    if (WL_UNLIKELY(v < 0)) {
        v = 0;
        for (int k = wl_pprl_kernel_count() - 1; k > 0 && !v; k--)
            if (wl_pprl_kernel_supported(k)) v = k;
        __atomic_store_n(&g_best, v, __ATOMIC_RELEASE);
    }
    return v;
}

uint32_t wl_pprl_and_count_with(int v, const uint64_t *a, const uint64_t *b, size_t n)
{
    return g_kernels[v].count(a, b, n);
}

uint32_t wl_pprl_scan_with(int v, const uint64_t *fa, uint32_t pa, const wl_encoded *b, const uint32_t *cand,
                           size_t n, double t, uint32_t *hit_j, float *hit_d, size_t *compared)
{
    return g_kernels[v].scan(fa, pa, b, cand, n, t, hit_j, hit_d, compared);
}

void wl_pprl_seg_counts_with(int v, const uint64_t *a, const uint64_t *b, const wl_pprl_segment *seg, int n_seg,
                             uint32_t *out)
{
    g_kernels[v].segs(a, b, seg, n_seg, out);
}

uint32_t wl_pprl_and_count(const uint64_t *WL_RESTRICT a, const uint64_t *WL_RESTRICT b, size_t n)
{
    return g_kernels[wl_pprl_kernel_best()].count(a, b, n);
}

uint32_t wl_pprl_popcount(const uint64_t *a, size_t n) { return wl_pprl_and_count(a, a, n); }

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
    and_count_fn f = g_kernels[wl_pprl_kernel_best()].count;
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

const char *wl_pprl_kernel(void) { return g_kernels[wl_pprl_kernel_best()].name; }

wl_status wl_pprl_dice_histogram(const wl_encoded *a, const wl_encoded *b, int threads,
                                 size_t hist[WL_PPRL_HIST_BINS])
{
    if (!a || !b || a->words != b->words) return WL_USAGE;
    memset(hist, 0, WL_PPRL_HIST_BINS * sizeof *hist);
    hist_fn f = g_kernels[wl_pprl_kernel_best()].hist;
    int nt = wl_thread_count(threads);
    /* per-thread bins, added up at the end: counts do not depend on the thread count */
#pragma omp parallel num_threads(nt)
    {
        size_t local[WL_PPRL_HIST_BINS] = { 0 };
#pragma omp for schedule(dynamic, 64)
        for (size_t i = 0; i < a->n; i++) f(a->bits + i * a->words, a->pop[i], b, local);
#pragma omp critical(wl_pprl_hist)
        for (size_t k = 0; k < WL_PPRL_HIST_BINS; k++) hist[k] += local[k];
    }
    return WL_OK;
}
