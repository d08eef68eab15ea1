/*
 * common.h -- small shared helpers for every engine stage: branch hints, an
 * arena, a growable array, and inlined XXH3 for short keys.
 * Internal: not API (see engine/include/watchlink.h).
 */
#ifndef WL_COMMON_H
#define WL_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "watchlink.h"

/* Names, dates and document numbers are short: inline XXH3 (xxHash's advice for
 * short keys) instead of calling into the shared library. */
#define XXH_INLINE_ALL
#include <xxhash.h>

#if defined(__GNUC__)
#define WL_LIKELY(x)   __builtin_expect(!!(x), 1)
#define WL_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define WL_INTERNAL    __attribute__((visibility("hidden")))
#else
#define WL_LIKELY(x)   (x)
#define WL_UNLIKELY(x) (x)
#define WL_INTERNAL
#endif
#define WL_RESTRICT restrict
#define WL_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define WL_MIN(a, b) ((a) < (b) ? (a) : (b))
#define WL_MAX(a, b) ((a) > (b) ? (a) : (b))

/** 64-bit hash of a byte string (XXH3, seed 0). */
static inline uint64_t wl_hash(const void *p, size_t n) { return XXH3_64bits(p, n); }
static inline uint64_t wl_hash_seed(const void *p, size_t n, uint64_t seed)
{
    return XXH3_64bits_withSeed(p, n, seed);
}
/** Mixes two 64-bit values into one key (for composite blocking keys). */
static inline uint64_t wl_hash_combine(uint64_t a, uint64_t b)
{
    uint64_t v[2] = { a, b };
    return XXH3_64bits(v, sizeof v);
}

/* ---- arena: many small allocations freed at once ---- */
typedef struct wl_arena_block wl_arena_block;
typedef struct {
    wl_arena_block *head;
    size_t used, cap;   /* in the head block */
    size_t total;       /* bytes reserved, all blocks */
} wl_arena;

void wl_arena_init(wl_arena *a);
void wl_arena_free(wl_arena *a);
/** @return n bytes aligned to 16, or NULL when out of memory. */
void *wl_arena_alloc(wl_arena *a, size_t n);
/** @return a NUL-terminated copy of s[0..n), or NULL. */
char *wl_arena_strdup(wl_arena *a, const char *s, size_t n);

/* ---- growable array of fixed-size elements ---- */
typedef struct {
    void *data;
    size_t len, cap, elem;
} wl_vec;

void wl_vec_init(wl_vec *v, size_t elem);
void wl_vec_free(wl_vec *v);
/** Grows capacity to at least n elements. @return 0, or -1 when out of memory. */
int wl_vec_reserve(wl_vec *v, size_t n);
/** Appends one element (copied from p). @return 0, or -1 when out of memory. */
int wl_vec_push(wl_vec *v, const void *p);
#define WL_VEC_AT(v, T, i) (((T *)(v)->data)[i])

/** snprintf into an error buffer that may be NULL. */
void wl_set_error(char *err, size_t errcap, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* wl_thread_count (watchlink.h): "0 threads means all cores", said once. */

/** Monotonic wall clock in seconds. */
double wl_now(void);

/**
 * Hands the free pages of malloc's heaps back to the system (glibc's
 * malloc_trim; elsewhere nothing). Stages that build a big result from many
 * small per-chunk buffers call it as they free them: glibc keeps a heap's free
 * pages except at its top, so the freed buffers stayed resident beside the
 * result and set the peak (features at 2 x 10^6 records: 0.42 GB of it).
 */
void wl_release_free_pages(void);

/* A candidate record pair, as blocking makes it and compare and score read it
 * (here, not in block/, so later stages need not include the blocking stage). */
typedef struct {
    uint32_t a, b;      /* record indices, a < b */
} wl_pairidx;

#endif /* WL_COMMON_H */
