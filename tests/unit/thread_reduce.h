/* thread_reduce.h -- a wl_stage_reduce between threads that works as MPI's
 * collectives between processes (every part calls each one, in the same
 * order; sums and maxima to every part, a broadcast from part 0, a gather to
 * part 0), for the unit tests of the fit from parts (test_fit_parts.c,
 * test_stages.c). It counts its calls, so that a test can tell which passes
 * ran. */
#ifndef WL_TEST_THREAD_REDUCE_H
#define WL_TEST_THREAD_REDUCE_H

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "watchlink.h"

enum { TR_MAX_PARTS = 8 };

typedef struct {
    pthread_barrier_t bar;
    size_t parts;
    void *slot[TR_MAX_PARTS];
    size_t len[TR_MAX_PARTS];
    int sums, maxima, gathers; /* calls, counted by part 0 */
    size_t gathered;           /* bytes part 0 received in gathers */
} tr_group;

typedef struct {
    tr_group *g;
    size_t part;
} tr_member;

/* Failures off the test's thread abort: cmocka's assertions are not for them. */
static int tr_sum(void *user, int64_t *v, size_t n)
{
    tr_member *w = user;
    tr_group *g = w->g;
    g->slot[w->part] = v;
    pthread_barrier_wait(&g->bar);
    int64_t *tot = calloc(n ? n : 1, sizeof *tot);
    if (!tot) abort();
    for (size_t q = 0; q < g->parts; q++)
        for (size_t i = 0; i < n; i++) tot[i] += ((const int64_t *)g->slot[q])[i];
    pthread_barrier_wait(&g->bar); /* every part has read every other's before any writes */
    memcpy(v, tot, n * sizeof *v);
    free(tot);
    if (w->part == 0) g->sums++;
    return 0;
}

static int tr_max(void *user, uint16_t *v, size_t n)
{
    tr_member *w = user;
    tr_group *g = w->g;
    g->slot[w->part] = v;
    pthread_barrier_wait(&g->bar);
    uint16_t *top = calloc(n ? n : 1, sizeof *top);
    if (!top) abort();
    for (size_t q = 0; q < g->parts; q++)
        for (size_t i = 0; i < n; i++) {
            uint16_t x = ((const uint16_t *)g->slot[q])[i];
            if (x > top[i]) top[i] = x;
        }
    pthread_barrier_wait(&g->bar);
    memcpy(v, top, n * sizeof *v);
    free(top);
    if (w->part == 0) g->maxima++;
    return 0;
}

static int tr_bcast(void *user, void *p, size_t len)
{
    tr_member *w = user;
    tr_group *g = w->g;
    g->slot[w->part] = p;
    pthread_barrier_wait(&g->bar);
    if (w->part != 0) memcpy(p, g->slot[0], len);
    pthread_barrier_wait(&g->bar);
    return 0;
}

static int tr_gather(void *user, const void *mine, size_t len, void **all, size_t *total)
{
    tr_member *w = user;
    tr_group *g = w->g;
    g->slot[w->part] = (void *)(uintptr_t)mine;
    g->len[w->part] = len;
    *all = NULL;
    *total = 0;
    pthread_barrier_wait(&g->bar);
    if (w->part == 0) {
        size_t at = 0;
        for (size_t q = 0; q < g->parts; q++) at += g->len[q];
        unsigned char *buf = malloc(at ? at : 1);
        if (!buf) abort();
        at = 0;
        for (size_t q = 0; q < g->parts; q++) {
            if (g->len[q]) memcpy(buf + at, g->slot[q], g->len[q]);
            at += g->len[q];
        }
        *all = buf;
        *total = at;
        g->gathers++;
        g->gathered += at;
    }
    pthread_barrier_wait(&g->bar);
    return 0;
}

/* The reduce of member w of its group. */
static inline wl_stage_reduce tr_reduce(tr_member *w)
{
    return (wl_stage_reduce){ w, w->part, w->g->parts, tr_sum, tr_max, tr_bcast, tr_gather };
}

#endif
