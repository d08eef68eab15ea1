/* test_common.c -- the shared helpers of engine/src/common: the thread-count
 * rule every stage uses, handing freed memory back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <omp.h>

#include "common/common.h"

/* 0 (or less) means every core OpenMP may use; a positive count is kept. */
static void test_thread_count(void **state)
{
    (void)state;
    assert_int_equal(wl_thread_count(3), 3);
    assert_int_equal(wl_thread_count(1), 1);
    assert_int_equal(wl_thread_count(0), omp_get_max_threads());
    assert_int_equal(wl_thread_count(-2), omp_get_max_threads());
    omp_set_num_threads(5); /* follows OMP_NUM_THREADS and omp_set_num_threads */
    assert_int_equal(wl_thread_count(0), 5);
}

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define WL_SANITIZER_MALLOC 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define WL_SANITIZER_MALLOC 1
#endif

#if !defined(WL_SANITIZER_MALLOC) && defined(__GLIBC__) && defined(__linux__)
/* Resident kilobytes of this process (Linux), or -1. */
static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return -1;
    char line[256];
    long kb = -1;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "VmRSS:", 6)) kb = strtol(line + 6, NULL, 10);
    fclose(f);
    return kb;
}
#endif

/* Many small buffers, written and freed with the last one still held (so the
 * heap's top stays in use): their pages stay resident until
 * wl_release_free_pages hands them back. */
static void test_release_free_pages(void **state)
{
    (void)state;
#if defined(WL_SANITIZER_MALLOC)
    /* ASan and TSan replace malloc (freed blocks wait in a quarantine), so there
     * is no glibc heap to trim and nothing to measure. */
    print_message("skipped: built with a sanitizer, whose allocator replaces glibc malloc\n");
    wl_release_free_pages();
    skip();
#elif defined(__GLIBC__) && defined(__linux__)
    enum { N = 1024, SIZE = 64 * 1024 }; /* 64 MiB in blocks below the mmap threshold */
    char **b = malloc(N * sizeof *b);
    assert_non_null(b);
    for (int i = 0; i < N; i++) {
        b[i] = malloc(SIZE);
        assert_non_null(b[i]);
        memset(b[i], i & 0xFF, SIZE);
    }
    for (int i = 0; i < N - 1; i++) free(b[i]);
    long before = rss_kb();
    wl_release_free_pages();
    long after = rss_kb();
    free(b[N - 1]);
    free(b);
    if (before < 0 || after < 0) skip();
    assert_true(before - after >= 32 * 1024); /* at least half of the freed 64 MiB */
#else
    wl_release_free_pages(); /* a no-op elsewhere */
    skip();
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_thread_count),
        cmocka_unit_test(test_release_free_pages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
