/* common.c -- arena, growable array, errors and clock shared by all stages. */
#include "common/common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#ifdef _OPENMP
#include <omp.h>
#endif

struct wl_arena_block {
    wl_arena_block *next;
    size_t cap;
    _Alignas(16) unsigned char data[];
};

enum { ARENA_BLOCK = 1 << 20 };

void wl_arena_init(wl_arena *a) { memset(a, 0, sizeof *a); }

void wl_arena_free(wl_arena *a)
{
    wl_arena_block *b = a->head;
    while (b) {
        wl_arena_block *next = b->next;
        free(b);
        b = next;
    }
    memset(a, 0, sizeof *a);
}

void *wl_arena_alloc(wl_arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (!a->head || a->cap - a->used < n) {
        size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        wl_arena_block *b = malloc(sizeof *b + cap);
        if (!b) return NULL;
        b->next = a->head;
        b->cap = cap;
        a->head = b;
        a->used = 0;
        a->cap = cap;
        a->total += cap;
    }
    void *p = a->head->data + a->used;
    a->used += n;
    return p;
}

char *wl_arena_strdup(wl_arena *a, const char *s, size_t n)
{
    char *p = wl_arena_alloc(a, n + 1);
    if (!p) return NULL;
    if (n) memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void wl_vec_init(wl_vec *v, size_t elem)
{
    v->data = NULL;
    v->len = v->cap = 0;
    v->elem = elem;
}

void wl_vec_free(wl_vec *v)
{
    free(v->data);
    v->data = NULL;
    v->len = v->cap = 0;
}

int wl_vec_reserve(wl_vec *v, size_t n)
{
    /* Even for n == 0 the array gets storage: callers form `data + len`, and
     * pointer arithmetic on NULL is undefined even with a zero offset. */
    if (n <= v->cap && v->data) return 0;
    size_t cap = v->cap ? v->cap : 16;
    while (cap < n) cap += cap / 2 + 16;
    void *p = realloc(v->data, cap * v->elem);
    if (!p) return -1;
    v->data = p;
    v->cap = cap;
    return 0;
}

int wl_vec_push(wl_vec *v, const void *p)
{
    if (v->len == v->cap && wl_vec_reserve(v, v->len + 1) != 0) return -1;
    memcpy((char *)v->data + v->len * v->elem, p, v->elem);
    v->len++;
    return 0;
}

void wl_set_error(char *err, size_t errcap, const char *fmt, ...)
{
    if (!err || errcap == 0) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errcap, fmt, ap);
    va_end(ap);
}

int wl_thread_count(int requested)
{
#ifdef _OPENMP
    return requested > 0 ? requested : omp_get_max_threads();
#else
    (void)requested;
    return 1;
#endif
}

double wl_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void wl_release_free_pages(void)
{
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}
