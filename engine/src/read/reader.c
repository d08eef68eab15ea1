/* reader.c -- stage 1, read: one list into the dataset (see reader.h).
 * Opens the file, reads the header and maps its columns to roles, then hands
 * every row to reader_row.c. A list that fails as a whole (unreadable, no
 * header, no name column, truncated gzip) leaves the dataset as it was. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "read/reader.h"
#include "read/reader_columns.h"
#include "read/reader_jsonl.h"
#include "read/reader_utf8.h"

enum { DEFAULT_MAX_FIELD = 64 * 1024 };

wl_read_options wl_read_default_options(void)
{
    wl_read_options o;
    memset(&o, 0, sizeof o);
    o.max_field = DEFAULT_MAX_FIELD;
    return o;
}

size_t wl_reader_source_name(const char *path, char *out, size_t cap)
{
    if (cap == 0) return 0;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 3 && strcmp(base + n - 3, ".gz") == 0) n -= 3;
    for (size_t i = n; i > 1; i--) { /* a leading dot is a hidden file, not an extension */
        if (base[i - 1] == '.') {
            n = i - 1;
            break;
        }
    }
    if (n == 0 || !strcmp(path, "-")) {
        base = "stdin";
        n = 5;
    }
    n = wl_utf8_cut(base, n, cap - 1);
    memcpy(out, base, n);
    out[n] = '\0';
    return n;
}

size_t wl_list_source_name(const char *path, char *out, size_t cap)
{
    return wl_reader_source_name(path, out, cap);
}

void wl_reader_free(wl_reader *r)
{
    for (size_t k = 0; k < r->n_cols; k++)
        free(r->col_name[k]);
    free(r->col_name);
    free(r->roles);
    free(r->val);
    free(r->val_len);
    free(r->val_role);
    free(r->val_hash);
    wl_reader_batch_free(r);
}

static wl_status source_error(const wl_reader *r, int code, long line, char *err, size_t errcap)
{
    if (code == WL_SRC_NOMEM) {
        wl_set_error(err, errcap, "%s: out of memory", r->file);
        return WL_NOMEM;
    }
    wl_set_error(err, errcap, "%s:%ld: %s", r->file, line, wl_source_strerror(code));
    return WL_IO;
}

static int any_name_column(const wl_reader *r)
{
    for (size_t k = 0; k < r->n_cols; k++)
        if (wl_role_is_name(r->roles[k])) return 1;
    return 0;
}

static void report_columns(wl_reader *r)
{
    wl_read_report *rep = r->rep;
    rep->n_columns = r->n_cols;
    for (size_t k = 0; k < r->n_cols && k < WL_REPORT_MAX_COLUMNS; k++) {
        const char *name = r->col_name[k];
        size_t n = wl_utf8_cut(name, strlen(name), sizeof rep->column_name[k] - 1);
        memcpy(rep->column_name[k], name, n);
        rep->column_name[k][n] = '\0';
        rep->column_role[k] = r->roles[k];
    }
}

/* Copies the header names (trimmed) and maps them to roles. */
static wl_status map_header(wl_reader *r, const wl_csv *c, char *err, size_t errcap)
{
    r->n_cols = c->n_fields;
    r->roles = calloc(r->n_cols, sizeof *r->roles);
    r->col_name = calloc(r->n_cols, sizeof *r->col_name);
    if (!r->roles || !r->col_name) return WL_NOMEM;
    for (size_t k = 0; k < r->n_cols; k++) {
        size_t tl;
        const char *t = wl_reader_trim(c->field[k], c->flen[k], &tl);
        tl = wl_utf8_cut(t, tl, 255);
        r->col_name[k] = malloc(tl + 1);
        if (!r->col_name[k]) return WL_NOMEM;
        memcpy(r->col_name[k], t, tl);
        r->col_name[k][tl] = '\0';
    }
    char why[400] = "";
    wl_status st = wl_columns_map((const char *const *)r->col_name, NULL, r->n_cols, r->opt->map,
                                  r->opt->n_map, r->roles, why, sizeof why);
    if (st != WL_OK) {
        wl_set_error(err, errcap, "%s: %s", r->file, why);
        return st;
    }
    r->id_col = r->source_col = -1;
    for (size_t k = r->n_cols; k-- > 0;) {
        if (r->roles[k] == WL_ROLE_ID) r->id_col = (long)k;
        if (r->roles[k] == WL_ROLE_SOURCE) r->source_col = (long)k;
    }
    report_columns(r);
    if (!any_name_column(r)) {
        /* A header whose column names hold another delimiter was split on the
         * wrong one (one column; or a ';' list whose header holds a comma,
         * "notes, remarks", sniffed as comma-separated): say which to name. */
        char hint[64] = "";
        const char *d = NULL;
        for (size_t k = 0; k < r->n_cols && !d; k++) d = strpbrk(r->col_name[k], ";|,\t");
        if (d)
            snprintf(hint, sizeof hint, "; the header holds '%s': try --delimiter %s",
                     *d == '\t' ? "\\t" : (char[]){ *d, 0 }, *d == '\t' ? "tab" : (char[]){ '\'', *d, '\'', 0 });
        wl_set_error(err, errcap,
                     "%s:1: no name column (none of the %zu columns maps to full_name, "
                     "given_name, family_name, alias or mrz; use --map full_name=COLUMN%s)",
                     r->file, r->n_cols, hint);
        return WL_FORMAT;
    }
    return WL_OK;
}

wl_status wl_reader_header(wl_reader *r, wl_csv *c, char *err, size_t errcap)
{
    int rc = wl_csv_next(c);
    if (rc < 0) return source_error(r, rc, c->line, err, errcap);
    if (rc == 0 || c->row_line != 1) {
        wl_set_error(err, errcap, rc == 0 ? "%s: empty file (no header line)" : "%s:1: blank header line",
                     r->file);
        return WL_FORMAT;
    }
    /* max_field bounds data, not column names (those are cut to 255 bytes). */
    int bad = c->row_err != WL_CSV_ROW_OK && c->row_err != WL_CSV_ROW_FIELD_TOO_LONG;
    if (bad || wl_utf8_check(c->raw, c->raw_len) != c->raw_len) {
        wl_set_error(err, errcap, "%s:1: unreadable header (%s)", r->file,
                     c->row_err == WL_CSV_ROW_UNTERMINATED || c->row_err == WL_CSV_ROW_QUOTE_TOO_LONG
                         ? "unterminated quote"
                     : c->row_err == WL_CSV_ROW_TOO_LONG        ? "line too long"
                     : c->row_err == WL_CSV_ROW_TOO_MANY_FIELDS ? "too many columns"
                                                                : "invalid UTF-8 or NUL byte");
        return WL_FORMAT;
    }
    return map_header(r, c, err, errcap);
}

static wl_status read_rows(wl_reader *r, wl_csv *c, char *err, size_t errcap)
{
    for (;;) {
        int rc = wl_csv_next(c);
        /* the queued rows are stored (and their rejections reported) before
         * the list ends, well or not */
        if (rc <= 0 && wl_reader_flush(r) != WL_OK) {
            wl_set_error(err, errcap, "%s: out of memory", r->file);
            return WL_NOMEM;
        }
        if (rc == 0) return WL_OK;
        if (rc < 0) return source_error(r, rc, c->line, err, errcap);
        if (wl_reader_row(r, c) != WL_OK) {
            wl_set_error(err, errcap, "%s:%ld: out of memory", r->file, c->row_line);
            return WL_NOMEM;
        }
    }
}

/* A JSON Lines list: all of src (gzip inflated) into memory, converted to CSV
 * in *csv, opened as *mem; the CSV reader's lines are one past the file's. */
static wl_status read_jsonl(wl_reader *r, wl_source *src, char **csv, wl_source *mem, char *err, size_t errcap)
{
    size_t len = 0, cap = 1 << 16;
    char *data = malloc(cap);
    for (long n = 1; data && n > 0;) {
        if (cap - len < 4096) {
            char *q = realloc(data, cap * 2);
            if (!q) break;
            data = q;
            cap *= 2;
        }
        n = wl_source_read(src, data + len, cap - len);
        if (n < 0) {
            free(data);
            return source_error(r, (int)n, 0, err, errcap);
        }
        if (n == 0) break;
        len += (size_t)n;
    }
    if (!data || cap - len < 4096) {
        free(data);
        return WL_NOMEM;
    }
    size_t csv_len = 0;
    wl_status st = wl_jsonl_to_csv(r, data, len, csv, &csv_len, err, errcap);
    free(data);
    if (st != WL_OK) return st;
    if (wl_source_open_mem(mem, *csv, csv_len) != WL_SRC_OK) {
        free(*csv);
        *csv = NULL;
        return WL_NOMEM;
    }
    r->line_shift = 1;
    return WL_OK;
}

/* The report names the source the rows were read under: with a source column,
 * its value when every row gives one, else "NAME and N more". */
static void report_column_sources(wl_reader *r, size_t n0)
{
    const wl_dataset *ds = r->ds;
    if (r->opt->source || r->source_col < 0 || ds->n == n0) return;
    uint8_t *seen = calloc(ds->n_sources, 1);
    size_t distinct = 0;
    for (size_t i = n0; seen && i < ds->n; i++)
        if (!seen[ds->source[i]]) seen[ds->source[i]] = 1, distinct++;
    free(seen);
    const char *name = ds->pool + ds->sources[ds->source[n0]];
    if (distinct > 1) snprintf(r->rep->source, sizeof r->rep->source, "%.80s and %zu more", name, distinct - 1);
    else snprintf(r->rep->source, sizeof r->rep->source, "%s", name);
}

/* Reads one list from an opened source; on failure the dataset is rolled back. */
static wl_status read_source(wl_reader *r, wl_source *src, char *err, size_t errcap)
{
    wl_dataset *ds = r->ds;
    size_t n0 = ds->n, s0 = ds->n_sources;
    const char *name = r->opt->source ? r->opt->source : r->opt->default_source;
    if (name) snprintf(r->source_name, sizeof r->source_name, "%s", name);
    else wl_reader_source_name(r->file, r->source_name, sizeof r->source_name);
    snprintf(r->rep->source, sizeof r->rep->source, "%s", r->source_name);
    r->rep->gzip = src->gz;
    /* Added when a row first takes it (reader_row.c), so that a list whose
     * source column names every row adds no empty source. */
    r->source = UINT32_MAX;
    /* JSON Lines: converted to CSV in memory, then read as CSV (reader_jsonl.c). */
    wl_source mem;
    char *csv = NULL;
    if (wl_jsonl_path(r->file)) {
        wl_status js = read_jsonl(r, src, &csv, &mem, err, errcap);
        if (js != WL_OK) {
            wl_ds_truncate(ds, n0, s0);
            return js;
        }
        src = &mem;
    }
    wl_csv c;
    if (wl_csv_init(&c, src, csv ? ',' : r->opt->delimiter, r->max_field) != 0) {
        if (csv) wl_source_close(&mem), free(csv);
        return WL_NOMEM;
    }
    wl_status st = wl_reader_header(r, &c, err, errcap);
    if (st == WL_OK) st = read_rows(r, &c, err, errcap);
    if (st == WL_OK) report_column_sources(r, n0);
    r->rep->delimiter = c.delim;
    wl_csv_free(&c);
    if (csv) {
        wl_source_close(&mem);
        free(csv);
    }
    if (st != WL_OK) wl_ds_truncate(ds, n0, s0);
    return st;
}

static wl_status read_with(wl_dataset *ds, const char *file, wl_source *src, const wl_read_options *opt,
                           wl_read_report *rep, char *err, size_t errcap)
{
    wl_reader r;
    memset(&r, 0, sizeof r);
    r.ds = ds;
    r.file = file;
    r.opt = opt;
    r.rep = rep;
    r.max_field = opt->max_field ? opt->max_field : DEFAULT_MAX_FIELD;
    /* a dataset cell holds up to WL_CELL_MAX_LEN bytes: longer fields are
     * rejected with their row, as over max_field */
    if (r.max_field > WL_CELL_MAX_LEN) r.max_field = WL_CELL_MAX_LEN;
    wl_status st = read_source(&r, src, err, errcap);
    if (st == WL_NOMEM && err && !err[0]) wl_set_error(err, errcap, "%s: out of memory", file);
    wl_reader_free(&r);
    return st;
}

/* Resolves the caller's pointers: defaults for NULL options and report. */
typedef struct {
    wl_read_options opt;
    wl_read_report local;
} read_args;

static wl_read_report *prepare(read_args *a, const wl_read_options *opt, wl_read_report *report, char *err,
                               size_t errcap)
{
    a->opt = opt ? *opt : wl_read_default_options();
    wl_read_report *rep = report ? report : &a->local;
    memset(rep, 0, sizeof *rep);
    if (err && errcap) err[0] = '\0';
    return rep;
}

wl_status wl_reader_read_mem(wl_dataset *ds, const char *file, const void *data, size_t len,
                             const wl_read_options *opt, wl_read_report *report, char *err, size_t errcap)
{
    read_args a;
    wl_read_report *rep = prepare(&a, opt, report, err, errcap);
    if (!ds || !file) {
        wl_set_error(err, errcap, "no dataset or no file name");
        return WL_USAGE;
    }
    wl_source src;
    int rc = wl_source_open_mem(&src, data, len);
    wl_status st = rc == WL_SRC_OK ? read_with(ds, file, &src, &a.opt, rep, err, errcap) : WL_NOMEM;
    wl_source_close(&src);
    return st;
}

/* Opens path (or standard input for "-"). @return the descriptor or -1. */
static int open_list(const char *path, char *err, size_t errcap, wl_status *st)
{
    if (!strcmp(path, "-")) return 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        wl_set_error(err, errcap, "%s: cannot open: %s", path, strerror(errno));
        *st = WL_IO;
        return -1;
    }
    struct stat sb;
    int bad_stat = fstat(fd, &sb) != 0;
    if (bad_stat || S_ISDIR(sb.st_mode)) {
        wl_set_error(err, errcap, "%s: %s", path, bad_stat ? strerror(errno) : "is a directory, not a list");
        close(fd);
        *st = WL_IO;
        return -1;
    }
    return fd;
}

wl_status wl_dataset_read(wl_dataset *ds, const char *path, const wl_read_options *opt,
                          wl_read_report *report, char *err, size_t errcap)
{
    read_args a;
    wl_read_report *rep = prepare(&a, opt, report, err, errcap);
    if (!ds || !path) {
        wl_set_error(err, errcap, "no dataset or no path");
        return WL_USAGE;
    }
    wl_status st = WL_OK;
    int fd = open_list(path, err, errcap, &st);
    if (fd < 0) return st;
    wl_source src;
    int rc = wl_source_open_fd(&src, fd);
    if (rc == WL_SRC_OK) {
        /* Only for regular files: a reader thread blocked on a pipe could not be
         * stopped when the list fails early. */
        struct stat sb;
        if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) wl_source_background(&src);
        st = read_with(ds, path, &src, &a.opt, rep, err, errcap);
    } else {
        wl_set_error(err, errcap, "%s: %s", path, wl_source_strerror(rc));
        st = rc == WL_SRC_NOMEM ? WL_NOMEM : WL_IO;
    }
    wl_source_close(&src);
    if (fd != 0) close(fd);
    return st;
}
