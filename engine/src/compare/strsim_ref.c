/*
 * strsim_ref.c -- the textbook forms of the kernels, written for clarity and
 * used only by the tests as the reference the fast paths must equal exactly.
 * Full O(|a|·|b|) matrices, no cutoff, no tricks.
 */
#include <stdlib.h>

#include "common/common.h"
#include "compare/strsim.h"

double wl_jaro_ref(const char *a, size_t la, const char *b, size_t lb)
{
    if (la == 0 || lb == 0) return 0.0;
    size_t longest = la > lb ? la : lb;
    size_t window = longest / 2 >= 1 ? longest / 2 - 1 : 0;
    char *fa = calloc(la, 1), *fb = calloc(lb, 1);
    if (!fa || !fb) {
        free(fa);
        free(fb);
        return -1.0;
    }
    size_t m = 0;
    for (size_t i = 0; i < la; i++) {
        for (size_t j = 0; j < lb; j++) {
            size_t dist = i > j ? i - j : j - i;
            if (dist <= window && !fb[j] && a[i] == b[j]) {
                fa[i] = fb[j] = 1;
                m++;
                break;
            }
        }
    }
    size_t out_of_order = 0, j = 0;
    for (size_t i = 0; i < la; i++) {
        if (!fa[i]) continue;
        while (!fb[j]) j++;
        if (a[i] != b[j]) out_of_order++;
        j++;
    }
    free(fa);
    free(fb);
    if (m == 0) return 0.0;
    double dm = (double)m, t = (double)(out_of_order / 2);
    return (dm / (double)la + dm / (double)lb + (dm - t) / dm) / 3.0;
}

double wl_jaro_winkler_ref(const char *a, size_t la, const char *b, size_t lb)
{
    double j = wl_jaro_ref(a, la, b, lb);
    if (!(j > 0.7)) return j;
    size_t l = 0;
    while (l < 4 && l < la && l < lb && a[l] == b[l]) l++;
    return l ? j + (double)l * 0.1 * (1.0 - j) : j;
}

/* d[i][j] over an (la+1) x (lb+1) matrix; transpositions when osa. */
static int edit_matrix(const char *a, size_t la, const char *b, size_t lb, int osa)
{
    size_t w = lb + 1;
    int *d = malloc((la + 1) * w * sizeof *d);
    if (!d) return -1;
    for (size_t i = 0; i <= la; i++) d[i * w] = (int)i;
    for (size_t j = 0; j <= lb; j++) d[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            int v = d[(i - 1) * w + j - 1] + cost;
            if (d[(i - 1) * w + j] + 1 < v) v = d[(i - 1) * w + j] + 1;
            if (d[i * w + j - 1] + 1 < v) v = d[i * w + j - 1] + 1;
            if (osa && i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]
                && d[(i - 2) * w + j - 2] + 1 < v)
                v = d[(i - 2) * w + j - 2] + 1;
            d[i * w + j] = v;
        }
    }
    int r = d[la * w + lb];
    free(d);
    return r;
}

int wl_levenshtein_ref(const char *a, size_t la, const char *b, size_t lb)
{
    return edit_matrix(a, la, b, lb, 0);
}

int wl_osa_ref(const char *a, size_t la, const char *b, size_t lb)
{
    return edit_matrix(a, la, b, lb, 1);
}
