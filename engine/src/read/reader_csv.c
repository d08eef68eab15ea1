/* reader_csv.c -- streaming RFC 4180 tokenizer (see reader_csv.h).
 *
 * Fast path: a line without any '"' is split in one pass that stops only at
 * delimiters, line feeds and quotes (wl_scan3: 16 bytes a compare, see
 * reader_scan.h), fields point straight into the read buffer. Only lines that
 * contain a quote follow RFC 4180 section 2 rules 5-7 (quoted fields, doubled
 * quotes, line breaks inside quotes); there too a field points into the buffer
 * unless its bytes change (a doubled quote, text or a CR after the closing
 * quote), and only those are unescaped into a scratch buffer. A quote never
 * closed is the classic way a CSV file loses all its following rows; instead
 * the row is reported as unterminated and reading resumes at the next
 * physical line. */
#include "read/reader_csv.h"

#include "common/common.h"
#include "read/reader_scan.h"

#include <stdlib.h>
#include <string.h>

enum { CHUNK = 1 << 20, ROW_CAP_MIN = 1 << 20, ROW_CAP_MAX = 512u << 20 };

int wl_csv_init(wl_csv *c, wl_source *src, char delim, size_t max_field)
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
        wl_csv_free(c);
        return -1;
    }
    return 0;
}

void wl_csv_free(wl_csv *c)
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

/* The quoted field at p (its opening quote) copied and unescaped into *w as
 * RFC 4180 reads it, with the text after its closing quote (CRs dropped, the
 * rest kept: lenient). @return the byte after it (a delimiter, a line feed or
 * end), or NULL when the buffer ends first (*open says the quote is open). */
static const char *quoted_field_copy(const char *p, const char *end, char d, int at_eof, char **w, long *lines,
                                     int *open)
{
    const char *q = quoted_body(p + 1, end, at_eof, w, lines, open);
    if (!q) return NULL;
    for (; q < end && *q != d && *q != '\n'; q++)
        if (*q != '\r') *(*w)++ = *q;
    return q;
}

/* RFC 4180 for a row that contains a quote (section 2, rules 5-7). A field
 * whose bytes stand in the buffer as they are read points there; a quoted
 * field with a doubled quote or text after its closing quote is unescaped into
 * scratch. from is the row's start, or the start of a field when the fields
 * before it (without a quote or a line feed) are already in c: the plain scan
 * found the first quote there, and these fields read the same either way.
 * @return ROW_DONE, ROW_NEED_MORE (the row runs past the buffer) or ROW_NOMEM. */
static int parse_quoted(wl_csv *c, size_t start, const char *from, int at_eof)
{
    size_t span = c->end - start;
    if (c->scratch_cap < span + 1) {
        char *s = realloc(c->scratch, span + 1);
        if (!s) return ROW_NOMEM;
        c->scratch = s;
        c->scratch_cap = span + 1;
    }
    if (from == c->buf + start) begin_row(c, start);
    const char *p = from, *end = c->buf + c->end;
    const char d = c->delim;
    char *w = c->scratch;
    long lines = 0;
    for (;;) {
        const char *fs;
        size_t fl;
        /* `a, "b"`: spaces before an opening quote are dropped, as Python's csv
         * does with skipinitialspace (RFC 4180 keeps them, but the values are
         * trimmed anyway and the quoted text is what was meant) */
        const char *sp = p;
        while (sp < end && *sp == ' ')
            sp++;
        if (sp > p && sp < end && *sp == '"') p = sp;
        if (p < end && *p == '"') {
            /* up to the next quote, counting the line feeds on the way */
            const char *b = p + 1, *q = b;
            long in_lines = 0;
            while ((q = wl_scan2(q, end, '"', '\n')) < end && *q == '\n') {
                in_lines++;
                q++;
            }
            if (q == end) return !at_eof ? ROW_NEED_MORE : resync(c, start); /* open */
            if (q + 1 == end && !at_eof) return ROW_NEED_MORE; /* "" or a closing quote? */
            const char *after = q + 1;
            /* CRLF after the closing quote (the CR is dropped; a CR delimiter is not) */
            if (d != '\r' && after + 1 < end && after[0] == '\r' && after[1] == '\n') after++;
            if (after == end || (*after != '"' && (*after == d || *after == '\n'))) {
                fs = b; /* nothing to unescape: the field is the buffer's bytes */
                fl = (size_t)(q - b);
                lines += in_lines;
                p = after;
            } else {
                int open = 0;
                fs = w;
                p = quoted_field_copy(p, end, d, at_eof, &w, &lines, &open);
                if (!p) return !at_eof ? ROW_NEED_MORE : resync(c, start);
                fl = (size_t)(w - fs);
            }
        } else {
            fs = p;
            p = wl_scan2(p, end, d, '\n');
            fl = (size_t)(p - fs);
            if (p < end && *p == '\n' && fl && p[-1] == '\r') fl--; /* CRLF */
        }
        if (p == end && !at_eof) return ROW_NEED_MORE;
        if (add_field(c, fs, fl) != 0) return ROW_NOMEM;
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

/* A row whose first line holds a quote: RFC 4180 from `from` (see
 * parse_quoted). A row whose first line is not whole yet waits for more bytes
 * or is too long, as any row; the search for its line end is only made when
 * the row did not end in the buffer. */
static int parse_row_quoted(wl_csv *c, size_t start, const char *from)
{
    size_t avail = c->end - start;
    int r = parse_quoted(c, start, from, c->eof);
    if (r == ROW_DONE) return r;
    if (!c->eof && !memchr(from, '\n', (size_t)(c->buf + c->end - from))) {
        if (avail >= c->row_cap) return too_long(c, start);
        return ROW_NEED_MORE;
    }
    if (r == ROW_NEED_MORE && avail >= c->row_cap) {
        r = resync(c, start);
        c->row_err = WL_CSV_ROW_QUOTE_TOO_LONG;
    }
    return r;
}

/* parse_row for a delimiter that is also a blank (space, CR: the API allows
 * any byte): the line end and the blank test first, then the fields. */
static int parse_row_blank_delim(wl_csv *c)
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
    return parse_row_quoted(c, start, p);
}

/* Tries to parse one row from buf[pos..end): one scan from field to field
 * that stops at the delimiter, the line feed or a quote (wl_scan3), instead of
 * a search for the line end, another for a quote and one per field. The row
 * is begun at its first delimiter, so a blank line (no delimiter) leaves the
 * last row as it was, as before. */
static int parse_row(wl_csv *c)
{
    const char d = c->delim;
    if (WL_UNLIKELY(d == ' ' || d == '\r')) return parse_row_blank_delim(c);
    size_t start = c->pos;
    const char *p = c->buf + start, *end = c->buf + c->end;
    const char *f = p;
    int begun = 0;
    for (;;) {
        const char *q = wl_scan3(f, end, '\n', '"', d);
        if (q == end || *q == '\n') {
            if (q == end && !c->eof) {
                if (c->end - start >= c->row_cap) return too_long(c, start);
                return ROW_NEED_MORE;
            }
            const char *le = q > p && q[-1] == '\r' ? q - 1 : q;
            c->pos = q < end ? (size_t)(q - c->buf) + 1 : c->end;
            if (!begun) {
                if (is_blank(p, le, d)) {
                    c->line++;
                    return ROW_BLANK;
                }
                begin_row(c, start);
            }
            c->raw_len = (size_t)(le - p);
            c->line++;
            return add_field(c, f, (size_t)(le - f)) == 0 ? ROW_DONE : ROW_NOMEM;
        }
        if (*q == '"') return parse_row_quoted(c, start, f);
        if (!begun) {
            begin_row(c, start);
            begun = 1;
        }
        if (add_field(c, f, (size_t)(q - f)) != 0) return ROW_NOMEM;
        f = q + 1;
    }
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

int wl_csv_next(wl_csv *c)
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
