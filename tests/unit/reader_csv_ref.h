/* reader_csv_ref.h -- the tokenizer as it was before the fourth reader pass
 * (engine/src/read/reader_csv.c at efe5589: memchr for the line end, a quote
 * and each delimiter; quoted rows unescaped whole into scratch), kept verbatim
 * but for the names (ref_csv_*) as the reference the current tokenizer must
 * equal row for row: test_reader_scan.c and fuzz_reader_csv_diff.c. Include it
 * in one translation unit; it shares wl_csv and wl_source with the real one. */
#ifndef WL_TEST_READER_CSV_REF_H
#define WL_TEST_READER_CSV_REF_H

#include "common/common.h"
#include "read/reader_csv.h"

#include <stdlib.h>
#include <string.h>

enum { CHUNK = 1 << 20, ROW_CAP_MIN = 1 << 20, ROW_CAP_MAX = 512u << 20 };

static void ref_csv_free(wl_csv *c);

static int ref_csv_init(wl_csv *c, wl_source *src, char delim, size_t max_field)
{
    memset(c, 0, sizeof *c);
    c->src = src;
    c->delim = delim;
    c->max_field = max_field ? max_field : 65536;
    /* A row may hold several long fields; beyond this it is hostile or broken. */
    size_t rc = c->max_field > (ROW_CAP_MAX - 65536) / 8 ? ROW_CAP_MAX : c->max_field * 8 + 65536;
    c->row_cap = rc < ROW_CAP_MIN ? ROW_CAP_MIN : rc;
    c->line = 1;
    c->cap = CHUNK;
    c->buf = malloc(c->cap);
    c->field_cap = 64;
    c->field = malloc(c->field_cap * sizeof *c->field);
    c->flen = malloc(c->field_cap * sizeof *c->flen);
    if (!c->buf || !c->field || !c->flen) {
        ref_csv_free(c);
        return -1;
    }
    return 0;
}

static void ref_csv_free(wl_csv *c)
{
    free(c->buf);
    free(c->field);
    free(c->flen);
    free(c->scratch);
    memset(c, 0, sizeof *c);
}

/* Files from classic Mac OS (and Excel's "CSV (Macintosh)") end lines with a
 * bare CR; read as they are, the whole file would be one line. */
static void cr_to_lf(char *p, size_t n)
{
    char *e = p + n;
    while ((p = memchr(p, '\r', (size_t)(e - p))) != NULL)
        *p++ = '\n';
}

/* CR line ends: CRs and not a single LF in the first buffer (up to the row
 * bound), so a stray CR inside a field of an LF file is never taken for one. */
static int detect_cr_lines(const char *p, const char *e)
{
    return memchr(p, '\r', (size_t)(e - p)) && !memchr(p, '\n', (size_t)(e - p));
}

/* Moves the unread bytes to the front and reads more, growing the buffer up to
 * row_cap + CHUNK. @return bytes added, 0 at the end, or a WL_SRC_* error. */
static long fill(wl_csv *c)
{
    if (c->eof) return 0;
    if (c->pos > 0) {
        c->consumed += c->pos;
        memmove(c->buf, c->buf + c->pos, c->end - c->pos);
        c->end -= c->pos;
        c->pos = 0;
    }
    if (c->cap - c->end < CHUNK / 2 && c->cap < c->row_cap + CHUNK) {
        size_t ncap = c->cap * 2 > c->row_cap + CHUNK ? c->row_cap + CHUNK : c->cap * 2;
        char *nb = realloc(c->buf, ncap);
        if (!nb) return c->src_err = WL_SRC_NOMEM;
        c->buf = nb;
        c->cap = ncap;
    }
    if (c->cap - c->end < 4) return 0; /* full (a UTF-8 character may need 4) */
    long n = wl_source_read(c->src, c->buf + c->end, c->cap - c->end);
    if (n < 0) {
        c->src_err = (int)n;
        return n;
    }
    if (n == 0) c->eof = 1;
    if (c->cr_lines) cr_to_lf(c->buf + c->end, (size_t)n);
    c->end += (size_t)n;
    return n;
}

/* Buffers the first line (or as much as the row bound allows). */
static int first_line(wl_csv *c)
{
    for (;;) {
        const char *nl = memchr(c->buf + c->pos, '\n', c->end - c->pos);
        if (nl || c->eof || c->end - c->pos >= c->row_cap) return 0;
        long n = fill(c);
        if (n < 0) return (int)n;
        if (n == 0 && !c->eof) return 0; /* full */
    }
}

/* A UTF-16 byte order mark (RFC 2781 3.2): the rest is transcoded to UTF-8 by
 * the source, the bytes already read included. */
static int start_utf16(wl_csv *c)
{
    if (c->end - c->pos < 2) return 0;
    const unsigned char *p = (const unsigned char *)c->buf + c->pos;
    if (!((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF))) return 0;
    c->utf16 = p[0] == 0xFF ? 1 : 2;
    int rc = wl_source_utf16(c->src, c->utf16 == 2, c->buf + c->pos + 2, c->end - c->pos - 2);
    if (rc != WL_SRC_OK) return c->src_err = rc;
    c->end = c->pos;
    c->eof = 0;
    return first_line(c);
}

/* Skips a UTF-8 byte order mark (or transcodes UTF-16), detects bare-CR line
 * ends, and picks the delimiter from the first line unless the caller named it:
 * tab when it has more tabs than commas (so a TSV header with a comma in a
 * column name still reads as TSV), else comma, else ';' or '|'. */
static int start(wl_csv *c)
{
    int rc = first_line(c);
    if (rc == 0) rc = start_utf16(c);
    if (rc < 0) return rc;
    if (c->end - c->pos >= 3 && memcmp(c->buf + c->pos, "\xEF\xBB\xBF", 3) == 0) c->pos += 3;
    if (detect_cr_lines(c->buf + c->pos, c->buf + c->end)) {
        c->cr_lines = 1;
        cr_to_lf(c->buf + c->pos, c->end - c->pos);
    }
    if (!c->delim) {
        const char *p = c->buf + c->pos;
        const char *nl = memchr(p, '\n', c->end - c->pos);
        const char *e = nl ? nl : c->buf + c->end;
        size_t tabs = 0, commas = 0, semis = 0, pipes = 0;
        for (; p < e; p++) {
            tabs += *p == '\t';
            commas += *p == ',';
            semis += *p == ';';
            pipes += *p == '|';
        }
        /* Lists exported by spreadsheets in comma-decimal locales use ';', some
         * database dumps '|': when the header has no comma and no tab, the
         * header of such a list read with ',' is one column and no name. */
        c->delim = tabs > commas                     ? '\t'
                   : commas || (!semis && !pipes)    ? ','
                   : semis >= pipes                  ? ';'
                                                     : '|';
    }
    c->started = 1;
    return 0;
}

static int ensure_fields(wl_csv *c, size_t need)
{
    if (need <= c->field_cap) return 0;
    size_t cap = c->field_cap * 2;
    if (cap > WL_CSV_MAX_FIELDS) cap = WL_CSV_MAX_FIELDS;
    const char **f = realloc(c->field, cap * sizeof *f);
    if (!f) return -1;
    c->field = f;
    size_t *l = realloc(c->flen, cap * sizeof *l);
    if (!l) return -1;
    c->flen = l;
    c->field_cap = cap;
    return 0;
}

/* The rare cases of add_field: a long field, too many fields, a bigger array. */
static int add_field_slow(wl_csv *c, const char *s, size_t n, size_t k)
{
    if (n > c->max_field && c->row_err == WL_CSV_ROW_OK) {
        c->row_err = WL_CSV_ROW_FIELD_TOO_LONG;
        c->err_field = k;
    }
    if (k >= WL_CSV_MAX_FIELDS) {
        if (c->row_err == WL_CSV_ROW_OK) c->row_err = WL_CSV_ROW_TOO_MANY_FIELDS;
        return 0;
    }
    if (k >= c->field_cap && ensure_fields(c, k + 1) != 0) return -1;
    c->field[k] = s;
    c->flen[k] = n;
    return 0;
}

/* Records one field of the current row. @return 0 or -1 when out of memory. */
static inline int add_field(wl_csv *c, const char *s, size_t n)
{
    size_t k = c->n_fields++;
    if (WL_LIKELY(k < c->field_cap && n <= c->max_field)) {
        c->field[k] = s;
        c->flen[k] = n;
        return 0;
    }
    return add_field_slow(c, s, n, k);
}

static void begin_row(wl_csv *c, size_t start)
{
    c->n_fields = 0;
    c->row_err = WL_CSV_ROW_OK;
    c->err_field = 0;
    c->row_line = c->line;
    c->row_at = c->consumed + start;
    c->raw = c->buf + start;
}

/* Blank: nothing but spaces (and tabs in a CSV) before the line end. */
static int is_blank(const char *p, const char *e, char delim)
{
    for (; p < e; p++)
        if (*p != ' ' && *p != '\r' && !(*p == '\t' && delim != '\t')) return 0;
    return 1;
}

/* A line without quotes: split on the delimiter with memchr. */
static int split_plain(wl_csv *c, const char *p, const char *e)
{
    const char d = c->delim;
    for (;;) {
        const char *q = memchr(p, d, (size_t)(e - p));
        if (!q) return add_field(c, p, (size_t)(e - p));
        if (add_field(c, p, (size_t)(q - p)) != 0) return -1;
        p = q + 1;
    }
}

enum { ROW_DONE = 0, ROW_NEED_MORE = 1, ROW_BLANK = 2, ROW_NOMEM = -1 };

static int parse_plain(wl_csv *c, size_t start, const char *nl)
{
    const char *p = c->buf + start;
    const char *e = nl ? nl : c->buf + c->end;
    const char *le = e > p && e[-1] == '\r' ? e - 1 : e;
    c->pos = nl ? (size_t)(nl - c->buf) + 1 : c->end;
    if (is_blank(p, le, c->delim)) {
        c->line++;
        return ROW_BLANK;
    }
    begin_row(c, start);
    c->raw_len = (size_t)(le - p);
    c->line++;
    return split_plain(c, p, le) == 0 ? ROW_DONE : ROW_NOMEM;
}

/* Reports the row at start as unterminated and resumes after its first line. */
static int resync(wl_csv *c, size_t start)
{
    const char *p = c->buf + start;
    const char *nl = memchr(p, '\n', c->end - start);
    begin_row(c, start);
    c->row_err = WL_CSV_ROW_UNTERMINATED;
    const char *e = nl ? nl : c->buf + c->end;
    c->raw_len = (size_t)(e > p && e[-1] == '\r' ? e - 1 - p : e - p);
    c->pos = nl ? (size_t)(nl - c->buf) + 1 : c->end;
    c->line++;
    return ROW_DONE;
}

static long count_newlines(const char *p, const char *e)
{
    long n = 0;
    while (p < e && (p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
        n++;
        p++;
    }
    return n;
}

/* The body of a quoted field from p (after the opening quote): spans between
 * quotes are copied whole, "" becomes ". @return the byte after the closing
 * quote, or NULL when the buffer ends first (*open says the quote is open). */
static const char *quoted_body(const char *p, const char *end, int at_eof, char **w, long *lines, int *open)
{
    for (;;) {
        const char *q = memchr(p, '"', (size_t)(end - p));
        if (!q) {
            *open = 1;
            return NULL;
        }
        *lines += count_newlines(p, q);
        memcpy(*w, p, (size_t)(q - p));
        *w += q - p;
        if (q + 1 == end && !at_eof) { /* "" or a closing quote? the next byte says */
            *open = 0;
            return NULL;
        }
        if (q + 1 < end && q[1] == '"') {
            *(*w)++ = '"';
            p = q + 2;
            continue;
        }
        return q + 1;
    }
}

/* RFC 4180 for a row that contains a quote (section 2, rules 5-7); fields are
 * unescaped into scratch. @return ROW_DONE, ROW_NEED_MORE (the row runs past
 * the buffer) or ROW_NOMEM. */
static int parse_quoted(wl_csv *c, size_t start, int at_eof)
{
    size_t span = c->end - start;
    if (c->scratch_cap < span + 1) {
        char *s = realloc(c->scratch, span + 1);
        if (!s) return ROW_NOMEM;
        c->scratch = s;
        c->scratch_cap = span + 1;
    }
    begin_row(c, start);
    const char *p = c->buf + start, *end = c->buf + c->end;
    const char d = c->delim;
    char *w = c->scratch;
    long lines = 0;
    for (;;) {
        char *fs = w;
        /* `a, "b"`: spaces before an opening quote are dropped, as Python's csv
         * does with skipinitialspace (RFC 4180 keeps them, but the values are
         * trimmed anyway and the quoted text is what was meant) */
        const char *sp = p;
        while (sp < end && *sp == ' ')
            sp++;
        if (sp > p && sp < end && *sp == '"') p = sp;
        if (p < end && *p == '"') {
            int open = 0;
            const char *q = quoted_body(p + 1, end, at_eof, &w, &lines, &open);
            if (!q) return !at_eof ? ROW_NEED_MORE : resync(c, start);
            p = q;
            /* after the closing quote: CR dropped, other text kept (lenient) */
            for (; p < end && *p != d && *p != '\n'; p++)
                if (*p != '\r') *w++ = *p;
        } else {
            const char *s = p;
            while (p < end && *p != d && *p != '\n')
                p++;
            memcpy(w, s, (size_t)(p - s));
            w += p - s;
            if (p < end && *p == '\n' && w > fs && w[-1] == '\r') w--; /* CRLF */
        }
        if (p == end && !at_eof) return ROW_NEED_MORE;
        if (add_field(c, fs, (size_t)(w - fs)) != 0) return ROW_NOMEM;
        if (p < end && *p == d) {
            p++;
            continue;
        }
        const char *re = p; /* the line end (or the end of the data) */
        if (re > c->buf + start && re[-1] == '\r') re--;
        c->raw_len = (size_t)(re - (c->buf + start));
        c->pos = p < end ? (size_t)(p - c->buf) + 1 : c->end;
        c->line += 1 + lines;
        return ROW_DONE;
    }
}

/* A physical line longer than row_cap: report it and discard up to its end. */
static int too_long(wl_csv *c, size_t start)
{
    begin_row(c, start);
    c->row_err = WL_CSV_ROW_TOO_LONG;
    c->raw_len = 256; /* enough of it to recognise in a rejects file */
    c->pos = c->end;
    c->skipping = 1;
    return ROW_DONE;
}

/* Tries to parse one row from buf[pos..end). */
static int parse_row(wl_csv *c)
{
    size_t start = c->pos;
    size_t avail = c->end - start;
    const char *p = c->buf + start;
    const char *nl = memchr(p, '\n', avail);
    const char *le = nl ? nl : c->buf + c->end;
    if (!nl && !c->eof) {
        if (avail >= c->row_cap) return too_long(c, start);
        return ROW_NEED_MORE;
    }
    if (!memchr(p, '"', (size_t)(le - p))) return parse_plain(c, start, nl);
    int r = parse_quoted(c, start, c->eof);
    if (r == ROW_NEED_MORE && avail >= c->row_cap) {
        r = resync(c, start);
        c->row_err = WL_CSV_ROW_QUOTE_TOO_LONG;
    }
    return r;
}

/* Discards bytes up to the end of an over-long line. @return 0 or an error. */
static int skip_line(wl_csv *c)
{
    for (;;) {
        const char *nl = memchr(c->buf + c->pos, '\n', c->end - c->pos);
        if (nl) {
            c->pos = (size_t)(nl - c->buf) + 1;
            c->line++;
            c->skipping = 0;
            return 0;
        }
        c->pos = c->end;
        long n = fill(c);
        if (n < 0) return (int)n;
        if (n == 0) {
            c->skipping = 0;
            return 0;
        }
    }
}

static int ref_csv_next(wl_csv *c)
{
    if (c->src_err) return c->src_err;
    if (!c->started) {
        int rc = start(c);
        if (rc < 0) return rc;
    }
    if (c->skipping) {
        int rc = skip_line(c);
        if (rc < 0) return rc;
    }
    for (;;) {
        if (c->pos == c->end) {
            if (c->eof) return 0;
            long n = fill(c);
            if (n < 0) return (int)n;
            continue;
        }
        int r = parse_row(c);
        if (r == ROW_DONE) return 1;
        if (r == ROW_NOMEM) return WL_SRC_NOMEM;
        if (r == ROW_BLANK) continue;
        long n = fill(c);
        if (n < 0) return (int)n;
    }
}

/* Reads data with the reference and with wl_csv_next side by side (delim 0:
 * sniffed; max_field 0: the default). @return 0 when every call returns the same
 * and every row has the same line, offset, verdict, fields and raw bytes, else
 * the 1-based number of the first call that differs. */
static long csv_diff(const void *data, size_t len, char delim, size_t max_field)
{
    wl_source sa, sb;
    wl_csv a, b;
    if (wl_source_open_mem(&sa, data, len) != WL_SRC_OK) return -1;
    if (wl_source_open_mem(&sb, data, len) != WL_SRC_OK) {
        wl_source_close(&sa);
        return -1;
    }
    long bad = -1;
    if (ref_csv_init(&a, &sa, delim, max_field) == 0) {
        if (wl_csv_init(&b, &sb, delim, max_field) == 0) {
            bad = 0;
            for (long call = 1; bad == 0; call++) {
                int ra = ref_csv_next(&a), rb = wl_csv_next(&b);
                if (ra != rb || a.line != b.line) bad = call;
                if (bad || ra <= 0) break;
                int same = a.row_line == b.row_line && a.row_at == b.row_at && a.row_err == b.row_err &&
                           a.err_field == b.err_field && a.n_fields == b.n_fields && a.raw_len == b.raw_len &&
                           a.delim == b.delim && memcmp(a.raw, b.raw, a.raw_len) == 0;
                for (size_t k = 0; same && k < a.n_fields && k < WL_CSV_MAX_FIELDS; k++)
                    same = a.flen[k] == b.flen[k] && memcmp(a.field[k], b.field[k], a.flen[k]) == 0;
                if (!same) bad = call;
            }
            wl_csv_free(&b);
        }
        ref_csv_free(&a);
    }
    wl_source_close(&sa);
    wl_source_close(&sb);
    return bad;
}

#endif /* WL_TEST_READER_CSV_REF_H */
