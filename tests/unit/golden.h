/*
 * golden.h -- reading the golden tables of tests/golden/ (one test per table, as
 * jq and utf8proc keep their data-driven tests). Include after <cmocka.h>.
 */
#ifndef WL_TEST_GOLDEN_H
#define WL_TEST_GOLDEN_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** Reads tests/golden/NAME (WL_SOURCE_DIR is set by ctest), NUL-terminated;
 *  *len (may be NULL) receives its length. The caller frees it. */
static inline char *golden_read(const char *name, size_t *len)
{
    const char *dir = getenv("WL_SOURCE_DIR");
    if (!dir) { fail_msg("WL_SOURCE_DIR is not set (run through ctest)"); return NULL; }
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/golden/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) { fail_msg("cannot open %s", path); return NULL; }
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)sz + 1);
    assert_non_null(buf);
    size_t n = fread(buf, 1, (size_t)sz, f);
    buf[n] = '\0';
    fclose(f);
    if (len) *len = n;
    return buf;
}

/** Splits a line on tabs in place. @return the number of fields (at most max). */
static inline int golden_split(char *line, char **f, int max)
{
    int n = 0;
    f[n++] = line;
    for (char *p = line; *p && n < max; p++)
        if (*p == '\t') { *p = '\0'; f[n++] = p + 1; }
    return n;
}

/** A lone "-" in a golden table stands for the empty string. */
static inline const char *golden_dash(const char *s) { return strcmp(s, "-") == 0 ? "" : s; }

#endif
