/*
 * reader_csv.h -- streaming RFC 4180 tokenizer (stage 1, read).
 *
 * Splits a byte stream into rows of fields: comma, tab, ';' or '|' delimiter (detected
 * from the header line), quoted fields with doubled quotes and embedded
 * newlines, LF, CRLF or bare CR line ends, a UTF-8 byte order mark skipped,
 * UTF-16 (with its byte order mark) transcoded to UTF-8. Reads the
 * stream in large chunks and keeps only the current row, so memory is bounded
 * by the longest row (itself bounded by row_cap). Blank lines are not rows.
 * Internal: not API.
 */
#ifndef WL_READER_CSV_H
#define WL_READER_CSV_H

#include <stddef.h>

#include "read/reader_source.h"

/* What the tokenizer itself can find wrong with a row; the row is still
 * returned (with its line and raw bytes) so that it can be rejected. */
typedef enum {
    WL_CSV_ROW_OK = 0,
    WL_CSV_ROW_UNTERMINATED,   /* a quote never closed: resynchronised at the next line */
    WL_CSV_ROW_QUOTE_TOO_LONG, /* a quote still open after row_cap bytes: resynchronised */
    WL_CSV_ROW_TOO_LONG,       /* the row exceeds row_cap bytes */
    WL_CSV_ROW_FIELD_TOO_LONG, /* field err_field is longer than max_field */
    WL_CSV_ROW_TOO_MANY_FIELDS /* more than WL_CSV_MAX_FIELDS fields */
} wl_csv_row_error;

enum { WL_CSV_MAX_FIELDS = 4096 };

typedef struct {
    wl_source *src;
    char *buf;
    size_t cap, pos, end; /* unread bytes are buf[pos..end) */
    int eof;              /* the source has no more bytes */
    int src_err;          /* WL_SRC_* once the source failed */
    int started;          /* BOM, line ends and delimiter handled */
    int cr_lines;         /* lines end with a bare CR (classic Mac OS exports) */
    int utf16;            /* a UTF-16 byte order mark: 1 little-endian, 2 big-endian */
    int skipping;         /* discarding the rest of an over-long line */
    char delim;           /* ',', '\t', ';' or '|'; 0 = detect from the first line */
    size_t max_field, row_cap;
    long line; /* physical line number of buf[pos] (1-based) */
    unsigned long long consumed; /* source bytes before buf[0]: row byte offsets for split reads */

    /* the current row, valid until the next call */
    const char **field;
    size_t *flen;
    size_t n_fields, field_cap;
    long row_line;   /* line where the row starts */
    unsigned long long row_at; /* byte offset in the source where the row starts */
    const char *raw; /* the row's bytes without its final line end */
    size_t raw_len;
    wl_csv_row_error row_err;
    size_t err_field;
    char *scratch; /* unescaped text of quoted rows */
    size_t scratch_cap;
} wl_csv;

/**
 * Prepares a tokenizer over src. delim 0 detects it from the first line (tab, comma, ';' or '|').
 * @return 0, or -1 when out of memory (nothing to release then).
 */
int wl_csv_init(wl_csv *c, wl_source *src, char delim, size_t max_field);
void wl_csv_free(wl_csv *c);

/**
 * Advances to the next row (skipping blank lines).
 * @return 1 with a row in c, 0 at the end of the stream, or a negative WL_SRC_*
 *         code when the stream failed (c->line says where).
 */
int wl_csv_next(wl_csv *c);

/** @return the delimiter in use (after the first wl_csv_next). */
static inline char wl_csv_delim(const wl_csv *c)
{
    return c->delim;
}

#endif /* WL_READER_CSV_H */
