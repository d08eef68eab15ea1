/*
 * gen_rng.h -- the generator's deterministic random numbers.
 *
 * xoshiro256** (Blackman & Vigna, "Scrambled linear pseudorandom number
 * generators", ACM TOMS 2021) seeded through splitmix64, as its authors
 * recommend. The same seed gives the same stream on every platform, which is
 * what makes `watchlink-bench gen` byte-reproducible.
 */
#ifndef WL_GEN_RNG_H
#define WL_GEN_RNG_H

#include <stdint.h>

typedef struct {
    uint64_t s[4];
} gen_rng;

/** One step of splitmix64 (Steele, Lea & Flood 2014); also a good 64-bit mixer. */
static inline uint64_t gen_splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static inline void gen_rng_seed(gen_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = gen_splitmix(&seed);
}

static inline uint64_t gen_rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t gen_rng_next(gen_rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = gen_rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = gen_rotl(s[3], 45);
    return out;
}

/** @return a uniform integer in [0, n); n > 0. Lemire's multiply-shift (2019),
 * whose bias (< n / 2^64) is far below anything a benchmark can see. */
static inline uint32_t gen_rng_below(gen_rng *r, uint32_t n)
{
    return (uint32_t)(((gen_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/** @return a uniform double in [0, 1). */
static inline double gen_rng_unit(gen_rng *r)
{
    return (double)(gen_rng_next(r) >> 11) * 0x1.0p-53;
}

/** @return 1 with probability p. */
static inline int gen_rng_chance(gen_rng *r, double p)
{
    return gen_rng_unit(r) < p;
}

/** @return an index drawn from weights w[0..n) (not all zero). */
static inline int gen_rng_weighted(gen_rng *r, const double *w, int n)
{
    double total = 0;
    for (int i = 0; i < n; i++)
        total += w[i];
    double x = gen_rng_unit(r) * total;
    for (int i = 0; i < n; i++) {
        if (x < w[i]) return i;
        x -= w[i];
    }
    for (int i = n - 1; i > 0; i--)
        if (w[i] > 0) return i;
    return 0;
}

#endif /* WL_GEN_RNG_H */
