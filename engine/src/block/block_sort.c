/* block_sort.c -- stable LSD radix sort of (key, record) entries on the 64-bit
 * key, 8 bits per pass; passes where every key has the same byte are skipped
 * (the kind bits at the top are constant within one kind's array). Stability
 * keeps records ascending inside a block, since they are generated in order. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "block/block.h"

static void count_bytes(const wl_keyent *v, size_t n, size_t hist[8][256])
{
    memset(hist, 0, 8 * 256 * sizeof hist[0][0]);
    for (size_t i = 0; i < n; i++) {
        uint64_t k = v[i].key;
        for (int d = 0; d < 8; d++) hist[d][(k >> (8 * d)) & 0xff]++;
    }
}

static void scatter(const wl_keyent *src, wl_keyent *dst, size_t n, int d, const size_t *hist)
{
    size_t pos[256], sum = 0;
    for (int b = 0; b < 256; b++) {
        pos[b] = sum;
        sum += hist[b];
    }
    for (size_t i = 0; i < n; i++) dst[pos[(src[i].key >> (8 * d)) & 0xff]++] = src[i];
}

void wl_keyent_sort(wl_keyent *v, wl_keyent *tmp, size_t n)
{
    if (n < 2) return;
    if (n <= 64) { /* a query record's few dozen keys: the 16 KiB of counters would dominate */
        for (size_t i = 1; i < n; i++) { /* insertion, stable: equal keys keep their order */
            wl_keyent x = v[i];
            size_t j = i;
            while (j > 0 && v[j - 1].key > x.key) {
                v[j] = v[j - 1];
                j--;
            }
            v[j] = x;
        }
        return;
    }
    size_t hist[8][256];
    count_bytes(v, n, hist);
    wl_keyent *src = v, *dst = tmp;
    for (int d = 0; d < 8; d++) {
        if (hist[d][(v[0].key >> (8 * d)) & 0xff] == n) continue; /* one value: no-op */
        scatter(src, dst, n, d, hist[d]);
        wl_keyent *t = src;
        src = dst;
        dst = t;
    }
    if (src != v) memcpy(v, src, n * sizeof *v);
}

/* Below this many entries the threads are not worth their start-up: the
 * serial sort runs alone (a store query's keys, the split runs). */
enum { MT_KEYENT_MIN = 1 << 16, MT_MAX_THREADS = 64 };

static int top_varying_byte(const size_t hist[8][256], unsigned char const *first, size_t n)
{
    for (int d = 7; d >= 0; d--)
        if (hist[d][first[d]] != n) return d;
    return -1;
}

/*
 * wl_keyent_sort over `threads` threads, with the same result: the stable
 * sort by key is unique, and this is stable too. One most-significant-digit
 * pass on the highest byte that varies moves the entries into at most 256
 * buckets, each thread scattering its own contiguous slice in order (counts
 * per (bucket, thread), so the scatter keeps the input order, as a parallel
 * LSD pass does); then the threads sort the buckets, each a disjoint range,
 * by the lower bytes with the serial sort (McIlroy, Bostic & McIlroy,
 * "Engineering radix sort", 1993: MSD on the top digit, then any stable sort
 * per bucket). The serial sort of a kind's entries was the blocking stage's
 * largest single-threaded step at 2 x 10^6 records (33 M entries over the
 * kinds, up to 7 passes each; perf: 7.5 % of a one-thread blocking run).
 */
void wl_keyent_sort_mt(wl_keyent *v, wl_keyent *tmp, size_t n, int threads)
{
    if (threads > MT_MAX_THREADS) threads = MT_MAX_THREADS;
    if (threads < 2 || n < MT_KEYENT_MIN) {
        wl_keyent_sort(v, tmp, n);
        return;
    }
    size_t(*hist)[8][256] = calloc((size_t)threads, sizeof *hist);
    if (!hist) { /* the serial sort needs no memory of its own */
        wl_keyent_sort(v, tmp, n);
        return;
    }
    size_t start[257];
    unsigned char first[8];
    for (int d = 0; d < 8; d++) first[d] = (unsigned char)(v[0].key >> (8 * d));
    int top = -1;
#pragma omp parallel num_threads(threads)
    {
#ifdef _OPENMP
        int t = omp_get_thread_num(), nt = omp_get_num_threads();
#else
        int t = 0, nt = 1;
#endif
        size_t lo = n * (size_t)t / (size_t)nt, hi = n * (size_t)(t + 1) / (size_t)nt;
        count_bytes(v + lo, hi - lo, hist[t]);
#pragma omp barrier
#pragma omp single
        {
            /* the totals, to find the byte to split on; each hist[u] keeps
             * its own counts, which become its places in the buckets */
            size_t(*sum)[256] = malloc(sizeof *hist);
            if (sum) {
                memcpy(sum, hist[0], sizeof *hist);
                for (int u = 1; u < nt; u++)
                    for (int d = 0; d < 8; d++)
                        for (int b = 0; b < 256; b++) sum[d][b] += hist[u][d][b];
                top = top_varying_byte((const size_t(*)[256])sum, first, n);
                if (top >= 0) {
                    /* each thread's place in each bucket: buckets in order,
                     * threads in order inside a bucket */
                    size_t at = 0;
                    for (int b = 0; b < 256; b++) {
                        start[b] = at;
                        for (int u = 0; u < nt; u++) {
                            size_t c = hist[u][top][b];
                            hist[u][top][b] = at;
                            at += c;
                        }
                    }
                    start[256] = at;
                }
                free(sum);
            } else {
                top = -2; /* out of memory: sorted serially below */
            }
        }
        if (top >= 0) {
            size_t *pos = hist[t][top];
            const int sh = 8 * top;
            for (size_t i = lo; i < hi; i++) tmp[pos[(v[i].key >> sh) & 0xff]++] = v[i];
        }
#pragma omp barrier
        if (top >= 0) {
#pragma omp for schedule(dynamic)
            for (int b = 0; b < 256; b++) {
                size_t s = start[b], m = start[b + 1] - s;
                if (!m) continue;
                wl_keyent_sort(tmp + s, v + s, m); /* sorted into tmp + s */
                memcpy(v + s, tmp + s, m * sizeof *v);
            }
        }
    }
    free(hist);
    if (top == -2) wl_keyent_sort(v, tmp, n);
}

static void insertion_u64(uint64_t *v, size_t n, int shift)
{
    for (size_t i = 1; i < n; i++) {
        uint64_t x = v[i];
        size_t j = i;
        while (j > 0 && (v[j - 1] >> shift) > (x >> shift)) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

void wl_u64_sort(uint64_t *v, uint64_t *tmp, size_t n, int first_byte)
{
    if (n < 2) return;
    if (n <= 48) { /* a few partners: passes over 256 counters would dominate */
        insertion_u64(v, n, 8 * first_byte);
        return;
    }
    /* The bytes where some value differs from the first: only they need a
     * pass (a one-record query's pairs share their top 44 bits). */
    uint64_t differ = 0;
    for (size_t i = 1; i < n; i++) differ |= v[i] ^ v[0];
    uint64_t *src = v, *dst = tmp;
    for (int d = first_byte; d < 8; d++) {
        if (!(differ >> (8 * d) & 255)) continue;
        size_t count[256] = { 0 };
        for (size_t i = 0; i < n; i++) count[(src[i] >> (8 * d)) & 255]++;
        if (count[(src[0] >> (8 * d)) & 255] == n) continue; /* one value: no-op */
        size_t sum = 0;
        for (int b = 0; b < 256; b++) {
            size_t c = count[b];
            count[b] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++) dst[count[(src[i] >> (8 * d)) & 255]++] = src[i];
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != v) memcpy(v, src, n * sizeof *v);
}

/* Up to this many values (a warm query's few hundred pairs) are sorted
 * directly: a thread team and 256 buckets cost more than the sort. The order
 * is the values' own, so the result is the same either way. */
enum { SMALL_PAIRS = 4096 };

/* Up to this many ascending runs, a small sort merges them. A store query of
 * a few records pushes its pairs block by block, each block's records
 * ascending (the index lists them so): ~20 runs merge in a few passes where
 * wl_u64_sort made three radix passes with 256 counters each. */
enum { MERGE_RUNS = 64 };

/* The starts of v's ascending runs in at[0..runs), at[runs] = n. @return the
 * number of runs, or MERGE_RUNS + 1 when there are more than MERGE_RUNS. */
static size_t ascending_runs(const uint64_t *v, size_t n, size_t at[MERGE_RUNS + 1])
{
    size_t runs = 0;
    at[0] = 0;
    for (size_t k = 1; k < n; k++)
        if (v[k] < v[k - 1]) {
            if (++runs == MERGE_RUNS) return MERGE_RUNS + 1;
            at[runs] = k;
        }
    at[++runs] = n;
    return runs;
}

/* Merges the runs of v (at, as ascending_runs gives them) pairwise,
 * bottom-up, through tmp (n values). Of two equal values the earlier run's
 * comes first: the merge is stable. */
static void merge_runs(uint64_t *v, uint64_t *tmp, size_t n, size_t *at, size_t runs)
{
    uint64_t *src = v, *dst = tmp;
    while (runs > 1) {
        size_t out = 0;
        for (size_t r = 0; r < runs; r += 2) {
            size_t i = at[r], mid = at[r + 1 < runs ? r + 1 : runs], j = mid, end = at[r + 2 <= runs ? r + 2 : runs], d = i;
            while (i < mid && j < end) dst[d++] = src[j] < src[i] ? src[j++] : src[i++];
            while (i < mid) dst[d++] = src[i++];
            while (j < end) dst[d++] = src[j++];
            at[out++] = at[r];
        }
        at[out] = n;
        runs = out;
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != v) memcpy(v, src, n * sizeof *v);
}

/* The small sort: none for one run (a one-record query's pairs often come
 * sorted), a merge of a few runs, else wl_u64_sort. */
static int small_sort(uint64_t *v, size_t n)
{
    size_t at[MERGE_RUNS + 1];
    size_t runs = n > 1 ? ascending_runs(v, n, at) : 1;
    if (runs == 1) return 0;
    uint64_t *tmp = malloc(n * sizeof *tmp);
    if (!tmp) return -1;
    if (runs <= MERGE_RUNS) merge_runs(v, tmp, n, at, runs);
    else wl_u64_sort(v, tmp, n, 0);
    free(tmp);
    return 0;
}

/* Sorts n (a << 32 | b) values with a < records in place: an American flag
 * pass (McIlroy, Bostic & McIlroy, "Engineering radix sort", Computing
 * Systems 6(1), 1993) moves them into buckets by the top 8 bits of a, then
 * the threads sort the buckets (each a contiguous, disjoint range) at once,
 * each thread with scratch for the largest bucket. Same result for any thread
 * count: the buckets and their sort are fixed by the values alone.
 *
 * In place because the capped pairs, each chosen by one or both of its
 * records, are the blocking stage's largest array (~25 M values at 10^6 x
 * 10^6): sorting them into a second array of the same size made the peak of
 * the run's memory (issue 11).
 *
 * The shift is chosen from the largest a there can be (records - 1), so the
 * bucket index (a >> s) is at most 255 by construction. It used to be chosen
 * from `records` itself, which let (records - 2) >> s reach 256 for counts
 * just past 2^k + 1 (1,026, 65,540...) and wrote past the bucket array. */
int wl_pair_sort(uint64_t *v, size_t n, size_t records, int threads)
{
    if (n <= SMALL_PAIRS) return small_sort(v, n); /* no buckets, no thread team */
    uint64_t top = records ? (uint64_t)records - 1 : 0;
    int s = 0;
    while ((top >> s) > 255) s++;
    const int shift = 32 + s;
    size_t start[257] = { 0 };
    for (size_t q = 0; q < n; q++) {
        assert((v[q] >> shift) < 256);
        start[(v[q] >> shift) + 1]++;
    }
    size_t largest = 0;
    for (int b = 0; b < 256; b++) {
        largest = start[b + 1] > largest ? start[b + 1] : largest;
        start[b + 1] += start[b];
    }
    size_t fill[256];
    memcpy(fill, start, sizeof fill);
    for (int b = 0; b < 256; b++)
        while (fill[b] < start[b + 1]) {
            /* carry the value at the bucket's next free place to its own
             * bucket, and the one found there onwards, until one belongs here */
            uint64_t x = v[fill[b]];
            size_t d = (size_t)(x >> shift);
            while ((int)d != b) {
                uint64_t y = v[fill[d]];
                v[fill[d]++] = x;
                x = y;
                d = (size_t)(x >> shift);
            }
            v[fill[b]++] = x;
        }
    if (threads < 1) threads = 1;
    uint64_t *tmp = malloc((size_t)threads * (largest ? largest : 1) * sizeof *tmp);
    if (!tmp) return -1;
#pragma omp parallel num_threads(threads)
    {
#ifdef _OPENMP
        uint64_t *mine = tmp + (size_t)omp_get_thread_num() * (largest ? largest : 1);
#else
        uint64_t *mine = tmp;
#endif
#pragma omp for schedule(dynamic)
        for (int b = 0; b < 256; b++) wl_u64_sort(v + start[b], mine, start[b + 1] - start[b], 0);
    }
    free(tmp);
    return 0;
}
