/* features_hash.c -- the order-free hash of one name's canonical parts, shared by
 * the features driver (h_name) and the blocker (the FULL_NAME key of aliases). */
#include "features/featureset.h"
#include "normalise/name.h"

static void sort_u64(uint64_t *v, size_t n)
{
    /* Insertion sort: a name has at most WL_NAME_MAX_PARTS parts. */
    for (size_t i = 1; i < n; i++) {
        uint64_t x = v[i];
        size_t j = i;
        while (j > 0 && v[j - 1] > x) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

uint64_t wl_name_hash(const wl_fpart *p, size_t n)
{
    uint64_t h[WL_NAME_MAX_PARTS];
    size_t k = 0;
    for (size_t i = 0; i < n && k < WL_NAME_MAX_PARTS; i++)
        if (!(p[i].flags & WL_PART_PARTICLE)) h[k++] = p[i].h_canon;
    /* A name made only of particles still gets a key: then they all count. */
    for (size_t i = 0; k == 0 && i < n && i < WL_NAME_MAX_PARTS; i++) h[i] = p[i].h_canon;
    if (k == 0) k = WL_MIN(n, (size_t)WL_NAME_MAX_PARTS);
    if (k == 0) return 0;
    sort_u64(h, k);
    return wl_hash(h, k * sizeof h[0]);
}

size_t wl_f_name_span(const wl_features *f, size_t i, size_t from, size_t *count)
{
    size_t n;
    const wl_fpart *p = wl_f_parts(f, i, &n);
    if (from >= n) {
        *count = 0;
        return n;
    }
    size_t end = from + 1;
    while (end < n && p[end].name_no == p[from].name_no) end++;
    *count = end - from;
    return from;
}
