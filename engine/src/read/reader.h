/*
 * reader.h -- stage 1, read: a CSV/TSV list (gzip or not) into a dataset.
 * wl_dataset_read (watchlink.h) opens the file; wl_reader_read_mem parses a list
 * held in memory (fuzz targets, tests). The pieces: reader_source (bytes, gzip),
 * reader_csv (RFC 4180 tokenizer), reader_columns (header -> roles),
 * reader_row (row validation, multi-valued cells, records), reader_utf8.
 * Internal: not API.
 */
#ifndef WL_READER_H
#define WL_READER_H

#include "common/dataset.h"
#include "read/reader_csv.h"

/** The state of one list being read, shared by reader.c and reader_row.c. */
typedef struct {
    wl_dataset *ds;
    const char *file; /* as named by the caller, for messages */
    const wl_read_options *opt;
    wl_read_report *rep;
    size_t max_field;

    size_t n_cols;
    int *roles;              /* per column: wl_role or -1 */
    char **col_name;         /* per column, trimmed header text */
    long id_col, source_col; /* first column of that role, or -1 */

    uint32_t source;         /* default source index; UINT32_MAX until a row needs it
                                (a list with a source column may name every row) */
    char source_name[128];   /* its name */
    size_t row_source_len;   /* last source column value seen (0: none) */
    uint32_t row_source_idx; /* and its source index */

    /* per-row scratch: values in column order */
    const char **val;
    size_t *val_len;
    uint8_t *val_role;
    uint64_t *val_hash;
    size_t val_cap;
    size_t data_row; /* data rows seen, 1-based after the first */
    long line_shift; /* subtracted from the CSV reader's line numbers (JSON Lines: 1) */

    /* Rows accepted by the checks but not yet in the dataset (reader_row.c):
     * a batch is hashed and its (source, id) index slots prefetched while the
     * next rows are tokenised, then stored in row order. Texts are copies (the
     * tokenizer reuses its buffers), addressed by offset into btext. */
    struct wl_pending_row *brow;
    size_t n_brow;
    size_t *bval_at, *bval_len; /* per value: offset in btext, length */
    uint8_t *bval_role;
    uint64_t *bval_hash;
    uint32_t *bval_off; /* pool offsets, at flush time */
    struct wl_vcache_slot *vcache; /* per role, recent values (reader_row.c) */
    uint8_t vcache_clear[WL_ROLE_COUNT]; /* role's cache zeroed yet (on its first value) */
    size_t n_bval, bval_cap;
    char *btext;
    size_t btext_len, btext_cap;
} wl_reader;

/**
 * Stores the pending rows in row order (interning their strings, checking
 * duplicate ids). Called before any rejection and at the end of the list, so
 * that rejections and records keep the order of the rows.
 * @return WL_OK or WL_NOMEM.
 */
wl_status wl_reader_flush(wl_reader *r);

/** Reads the header row from c and maps its columns to roles (also for a
 *  byte-range read, read_range.c, which reads the header then seeks). */
wl_status wl_reader_header(wl_reader *r, wl_csv *c, char *err, size_t errcap);

/** Frees what the header mapping and the row batches hold. */
void wl_reader_free(wl_reader *r);

/** Frees the batch buffers. */
void wl_reader_batch_free(wl_reader *r);

/**
 * Parses one list from data[0..len) (gzip by magic bytes) into ds; file names it
 * in messages and gives the default source. Same contract as wl_dataset_read.
 */
wl_status wl_reader_read_mem(wl_dataset *ds, const char *file, const void *data, size_t len,
                             const wl_read_options *opt, wl_read_report *report, char *err, size_t errcap);

/**
 * Validates one data row of the tokenizer and adds it to the dataset, or
 * rejects it (counted, reported, on_reject called).
 * @return WL_OK (accepted or rejected) or WL_NOMEM.
 */
wl_status wl_reader_row(wl_reader *r, const wl_csv *c);

/** Counts and reports a rejected row (reason formatted like printf). */
void wl_reader_reject(wl_reader *r, long line, const char *raw, size_t raw_len, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/** @return s[0..n) without leading and trailing blanks, through *len. */
const char *wl_reader_trim(const char *s, size_t n, size_t *len);

/** The default source name of a path: the base name without .gz and then without
 *  its last extension ("lists/idn.csv.gz" -> "idn"). @return the length written. */
size_t wl_reader_source_name(const char *path, char *out, size_t cap);

#endif /* WL_READER_H */
