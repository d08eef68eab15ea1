/* dataset_order.c -- a dataset's output order: source name, then id (numbers
 * by value), whatever the input order. Every stage that orients a pair or
 * writes records in order (pipeline/run.c, store/store_query.c) reads it here. */
#include <stdlib.h>
#include <string.h>

#include "common/dataset.h"

int wl_id_cmp(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    int da = la > 0 && strspn(a, "0123456789") == la, db = lb > 0 && strspn(b, "0123456789") == lb;
    if (da && db) {
        while (la > 1 && *a == '0') a++, la--;
        while (lb > 1 && *b == '0') b++, lb--;
        if (la != lb) return la < lb ? -1 : 1;
    }
    return strcmp(a, b);
}

/* The sorts below carry their keys in the array they sort: qsort has no
 * context argument in C17, and a static one would make two concurrent wl_run
 * calls race (the header promises that calls share no state).
 *
 * A record's key is precomputed, so that sorting 2 x 10^6 records compares
 * integers instead of chasing two strings per comparison (that sort took
 * about a third of the normalise stage at that size, alone on one thread):
 * the rank of its source's name, its id as a number when it is all digits (up
 * to 19 after the leading zeros: the order cmp_id gives), else its first 8
 * bytes big-endian (strcmp's order on them). Ties fall back to cmp_id, then
 * the index. */
typedef struct {
    uint32_t src, rec;
    uint64_t num;     /* numeric id value, or the id's first 8 bytes */
    const char *id;
    int numeric;      /* 1: all digits, value in num; 2: more than 19 digits; 0: not a number */
} record_ref;

static int cmp_record(const void *x, const void *y)
{
    const record_ref *a = x, *b = y;
    if (a->src != b->src) return a->src < b->src ? -1 : 1;
    if (a->numeric == b->numeric && a->num != b->num) return a->num < b->num ? -1 : 1;
    int c = 0;
    if (!(a->numeric == 1 && b->numeric == 1)) c = wl_id_cmp(a->id, b->id); /* equal values: 0 too */
    return c ? c : (a->rec < b->rec ? -1 : a->rec > b->rec);
}

typedef struct {
    const char *name;
    uint32_t index;
} source_ref;

static int cmp_source(const void *x, const void *y)
{
    return strcmp(((const source_ref *)x)->name, ((const source_ref *)y)->name);
}

static record_ref record_key(const wl_dataset *ds, const uint32_t *src_rank, size_t i)
{
    record_ref k = { src_rank[ds->source[i]], (uint32_t)i, 0, wl_dataset_id(ds, i), 0 };
    const char *id = k.id;
    size_t len = strlen(id);
    if (len > 0 && strspn(id, "0123456789") == len) {
        while (len > 1 && *id == '0') id++, len--;
        if (len > 19) { /* longer numbers: cmp_id decides (num stays 0 for all of them) */
            k.numeric = 2;
            return k;
        }
        k.numeric = 1;
        for (size_t c = 0; c < len; c++) k.num = k.num * 10 + (uint64_t)(id[c] - '0');
        return k;
    }
    for (size_t c = 0; c < 8; c++) k.num = k.num << 8 | (c < len ? (unsigned char)id[c] : 0u);
    return k;
}

uint32_t *wl_dataset_ranks(const wl_dataset *ds, uint32_t **order_out)
{
    size_t n = wl_dataset_size(ds), ns = ds->n_sources;
    uint32_t *order = malloc((n ? n : 1) * sizeof *order);
    uint32_t *rank = malloc((n ? n : 1) * sizeof *rank);
    record_ref *refs = malloc((n ? n : 1) * sizeof *refs);
    source_ref *src = malloc((ns ? ns : 1) * sizeof *src);
    uint32_t *src_rank = malloc((ns ? ns : 1) * sizeof *src_rank);
    if (!order || !rank || !refs || !src || !src_rank) {
        free(order);
        free(rank);
        free(refs);
        free(src);
        free(src_rank);
        return NULL;
    }
    for (size_t s = 0; s < ns; s++) src[s] = (source_ref){ ds->pool + ds->sources[s], (uint32_t)s };
    qsort(src, ns, sizeof *src, cmp_source); /* names are interned: no two equal */
    for (size_t s = 0; s < ns; s++) src_rank[src[s].index] = (uint32_t)s;
    for (size_t i = 0; i < n; i++) refs[i] = record_key(ds, src_rank, i);
    qsort(refs, n, sizeof *refs, cmp_record);
    for (size_t i = 0; i < n; i++) {
        order[i] = refs[i].rec;
        rank[refs[i].rec] = (uint32_t)i;
    }
    free(refs);
    free(src);
    free(src_rank);
    *order_out = order;
    return rank;
}

wl_status wl_dataset_record_ranks(const wl_dataset *ds, uint32_t **rank)
{
    uint32_t *order = NULL;
    *rank = ds ? wl_dataset_ranks(ds, &order) : NULL;
    free(order);
    return *rank ? WL_OK : WL_NOMEM;
}

