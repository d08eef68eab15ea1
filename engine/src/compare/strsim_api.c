/* strsim_api.c -- the public handle over the cached (one-against-many) kernels of
 * strsim.h, so that callers outside the engine (the benchmark, a screening tool)
 * reach them through watchlink.h alone. */
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "compare/strsim.h"

struct wl_cached {
    wl_strsim_cached c;
    unsigned char last[64]; /* the string set last, when it took the table (<= 64 bytes) */
    size_t last_len;
};

wl_cached *wl_cached_create(void)
{
    wl_cached *c = calloc(1, sizeof *c);
    if (c) wl_strsim_prepare(&c->c, "", 0);
    return c;
}

void wl_cached_free(wl_cached *c) { free(c); }

/* Clears only the table entries of the previous query (kept as a copy: the
 * caller's string may be gone), as a query per block is set again and again. */
void wl_cached_set(wl_cached *c, const char *s, size_t len)
{
    wl_strsim_reprepare(&c->c, c->last, c->last_len, s, len);
    c->last_len = len <= sizeof c->last ? len : 0;
    if (c->last_len) memcpy(c->last, s, c->last_len);
}

double wl_cached_jaro_winkler(const wl_cached *c, const char *b, size_t lb)
{
    return wl_jaro_winkler_cached(&c->c, b, lb);
}

int wl_cached_levenshtein(const wl_cached *c, const char *b, size_t lb, int max)
{
    return wl_levenshtein_cached(&c->c, b, lb, max);
}

int wl_cached_osa(const wl_cached *c, const char *b, size_t lb, int max)
{
    return wl_osa_cached(&c->c, b, lb, max);
}
