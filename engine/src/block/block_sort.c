/* block_sort.c -- stable LSD radix sort of (key, record) entries on the 64-bit
 * key, 8 bits per pass; passes where every key has the same byte are skipped
 * (the kind bits at the top are constant within one kind's array). Stability
 * keeps records ascending inside a block, since they are generated in order. */
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
    uint64_t *src = v, *dst = tmp;
    for (int d = first_byte; d < 8; d++) {
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
