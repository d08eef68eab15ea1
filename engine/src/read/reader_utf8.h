/*
 * reader_utf8.h -- UTF-8 validation of input rows (stage 1, read).
 * Internal: not API.
 */
#ifndef WL_READER_UTF8_H
#define WL_READER_UTF8_H

#include <stddef.h>

/**
 * Checks that s[0..n) is well-formed UTF-8 (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF) and holds no NUL byte.
 * @return n when it is, else the offset of the first offending byte (s[off] == 0
 *         for a NUL byte).
 */
size_t wl_utf8_check(const char *s, size_t n);

/** @return the length of s[0..n) cut to at most max bytes without splitting a
 *  UTF-8 sequence (for names quoted in messages and reports). */
size_t wl_utf8_cut(const char *s, size_t n, size_t max);

#endif /* WL_READER_UTF8_H */
