/*
 * capture.h -- what a piece of code writes to standard error, for tests of
 * warnings and summaries. Include after <cmocka.h>.
 */
#ifndef WL_TEST_CAPTURE_H
#define WL_TEST_CAPTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/** Points file descriptor 2 at a temporary file while fn(arg) runs, then back.
 *  @return what was written (NUL-terminated, maybe empty); the caller frees it. */
static inline char *capture_stderr(void (*fn)(void *), void *arg)
{
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    fflush(stderr);
    int saved = dup(fileno(stderr));
    assert_true(saved >= 0);
    assert_true(dup2(fileno(tmp), fileno(stderr)) >= 0);
    fn(arg);
    fflush(stderr);
    assert_true(dup2(saved, fileno(stderr)) >= 0);
    close(saved);
    /* the descriptor's offset, not the stream's: fn wrote through fd 2 */
    off_t n = lseek(fileno(tmp), 0, SEEK_END);
    assert_true(n >= 0);
    char *text = calloc((size_t)n + 1, 1);
    assert_non_null(text);
    assert_true(lseek(fileno(tmp), 0, SEEK_SET) == 0);
    assert_int_equal(read(fileno(tmp), text, (size_t)n), (ssize_t)n);
    fclose(tmp);
    return text;
}

#endif
