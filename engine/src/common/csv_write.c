/* csv_write.c -- one CSV field out (RFC 4180 section 2, rules 5-7). The command
 * line, the normalize table and the benchmarks' generator each had their own
 * copy, with different rules for NUL bytes and edge spaces (review of issue
 * 16); this is the one they share. */
#include "common/common.h"

static int is_edge_blank(char c) { return c == ' ' || c == '\t'; }

/* Edge blanks are quoted because readers trim them from unquoted fields (ours
 * does, and a row of nothing but blanks is a blank line to it). */
static int needs_quotes(const char *s, size_t n)
{
    if (n && (is_edge_blank(s[0]) || is_edge_blank(s[n - 1]))) return 1;
    for (size_t i = 0; i < n; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n' || s[i] == '\0') return 1;
    return 0;
}

void wl_csv_write_field(FILE *f, const char *s, size_t n)
{
    if (!n) return;
    if (!needs_quotes(s, n)) {
        fwrite(s, 1, n, f);
        return;
    }
    fputc('"', f);
    for (size_t i = 0; i < n;) {
        /* each quote is written twice: runs between quotes go out whole */
        const char *q = memchr(s + i, '"', n - i);
        size_t run = q ? (size_t)(q - (s + i)) + 1 : n - i;
        fwrite(s + i, 1, run, f);
        if (q) fputc('"', f);
        i += run;
    }
    fputc('"', f);
}
