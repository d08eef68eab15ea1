/* read_range.c -- stage 1, read: the rows of a list that start in one byte
 * range, for a read split over processes (watchlink-mpi, issue 14).
 *
 * A process reads the header from the start of the file (every process maps
 * the columns the same way), then tokenizes from a row start it was given and
 * reads every row that starts before its limit, the last one to its end even
 * past the limit (a quoted field may hold newlines: RFC 4180 section 2.6). The
 * first row it did not read is where the next range starts; the caller checks
 * that against the next process's guess (mpi/main.c), so a guess that fell
 * inside a quoted field is corrected. The file is mapped, not read through
 * wl_source's fd path: the range starts anywhere, and the bytes there are data
 * whatever they look like (no gzip sniffing, no byte order mark). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "read/reader.h"
#include "read/reader_jsonl.h"

enum { DEFAULT_MAX_FIELD = 64 * 1024 };

typedef struct {
    const unsigned char *data;
    void *map; /* data, as mmap gave it (for munmap) */
    size_t size;
    int fd;
} mapped;

static wl_status map_file(const char *path, mapped *m, int *regular, char *err, size_t errcap)
{
    memset(m, 0, sizeof *m);
    m->fd = -1;
    *regular = 0;
    if (!strcmp(path, "-")) return WL_OK;
    m->fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (m->fd < 0 || fstat(m->fd, &sb) != 0) {
        wl_set_error(err, errcap, "%s: cannot open: %s", path, strerror(errno));
        if (m->fd >= 0) close(m->fd);
        m->fd = -1;
        return WL_IO;
    }
    if (!S_ISREG(sb.st_mode) || sb.st_size == 0) return WL_OK;
    void *p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, m->fd, 0);
    if (p == MAP_FAILED) {
        wl_set_error(err, errcap, "%s: cannot map: %s", path, strerror(errno));
        return WL_IO;
    }
    m->map = p;
    m->data = p;
    m->size = (size_t)sb.st_size;
    *regular = 1;
    return WL_OK;
}

static void unmap_file(mapped *m)
{
    if (m->map) munmap(m->map, m->size);
    if (m->fd >= 0) close(m->fd);
    memset(m, 0, sizeof *m);
    m->fd = -1;
}

/* A memory source over bytes that are taken as they are (wl_source_open_mem
 * would take a range that starts with 1f 8b for gzip). */
static void plain_source(wl_source *s, const unsigned char *data, size_t len)
{
    static const unsigned char empty[1] = { 0 };
    memset(s, 0, sizeof *s);
    s->fd = -1;
    s->mem = len ? data : empty;
    s->mem_len = len;
}

static void reader_init(wl_reader *r, wl_dataset *ds, const char *file, const wl_read_options *opt,
                        wl_read_report *rep)
{
    memset(r, 0, sizeof *r);
    r->ds = ds;
    r->file = file;
    r->opt = opt;
    r->rep = rep;
    r->max_field = opt->max_field ? opt->max_field : DEFAULT_MAX_FIELD;
    if (r->max_field > WL_CELL_MAX_LEN) r->max_field = WL_CELL_MAX_LEN;
    const char *name = opt->source ? opt->source : opt->default_source;
    if (name) snprintf(r->source_name, sizeof r->source_name, "%s", name);
    else wl_reader_source_name(file, r->source_name, sizeof r->source_name);
    snprintf(rep->source, sizeof rep->source, "%s", r->source_name);
    r->source = UINT32_MAX;
}

/* Tokenizes the header from the start of the map. On WL_OK, c is past it. */
static wl_status header(wl_reader *r, const mapped *m, wl_source *src, wl_csv *c, char *err, size_t errcap)
{
    plain_source(src, m->data, m->size);
    if (wl_csv_init(c, src, r->opt->delimiter, r->max_field) != 0) return WL_NOMEM;
    wl_status st = wl_reader_header(r, c, err, errcap);
    if (st != WL_OK) {
        wl_csv_free(c);
        wl_source_close(src); /* a UTF-16 source holds a buffer */
    }
    return st;
}

wl_status wl_list_layout_read(const char *path, const wl_read_options *opt, wl_list_layout *out, char *err,
                              size_t errcap)
{
    memset(out, 0, sizeof *out);
    if (err && errcap) err[0] = '\0';
    if (!path || !out) return WL_USAGE;
    wl_read_options o = opt ? *opt : wl_read_default_options();
    mapped m;
    int regular;
    wl_status st = map_file(path, &m, &regular, err, errcap);
    /* Not split (read whole by wl_dataset_read, which says what is wrong): gzip
     * (no byte offsets into a deflate stream), JSON Lines (converted whole). */
    if (st != WL_OK || !regular || wl_jsonl_path(path) || (m.size >= 2 && m.data[0] == 0x1f && m.data[1] == 0x8b)) {
        unmap_file(&m);
        return st;
    }
    out->size = m.size;
    wl_read_report rep;
    memset(&rep, 0, sizeof rep);
    wl_reader r;
    reader_init(&r, NULL, path, &o, &rep);
    wl_source src;
    wl_csv c;
    st = header(&r, &m, &src, &c, err, errcap);
    if (st == WL_OK) {
        /* UTF-16 is transcoded and bare CRs rewritten: the tokenizer's offsets
         * are no longer the file's. */
        out->splittable = !c.utf16 && !c.cr_lines;
        out->has_id = r.id_col >= 0;
        out->first.at = c.consumed + c.pos;
        out->first.line = c.line;
        out->first.data_row = 0;
        wl_csv_free(&c);
        wl_source_close(&src);
    }
    wl_reader_free(&r);
    unmap_file(&m);
    return st;
}

/* The rejected rows' lines, collected to drop them from the row spans. */
typedef struct {
    const wl_read_options *user;
    long *line;
    size_t n, cap;
    int nomem;
} reject_lines;

static void on_reject(void *user, const char *file, long line, const char *reason, const char *raw,
                      size_t raw_len)
{
    reject_lines *rl = user;
    if (rl->n == rl->cap) {
        size_t cap = rl->cap ? rl->cap * 2 : 64;
        long *p = realloc(rl->line, cap * sizeof *p);
        if (!p) {
            rl->nomem = 1;
        } else {
            rl->line = p;
            rl->cap = cap;
        }
    }
    if (rl->n < rl->cap) rl->line[rl->n++] = line;
    if (rl->user->on_reject) rl->user->on_reject(rl->user->user, file, line, reason, raw, raw_len);
}

typedef struct {
    wl_row_span *s;
    size_t n, cap;
} spans;

static int span_push(spans *v, const wl_csv *c, unsigned long long base)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 1024;
        wl_row_span *p = realloc(v->s, cap * sizeof *p);
        if (!p) return -1;
        v->s = p;
        v->cap = cap;
    }
    v->s[v->n++] = (wl_row_span){ base + c->row_at, c->raw_len, c->row_line };
    return 0;
}

/* Keeps the spans of the rows that became records: every row is either a
 * record or rejected (reader_row.c), both in row order. */
static void keep_accepted(spans *v, const reject_lines *rl)
{
    size_t k = 0, out = 0;
    for (size_t i = 0; i < v->n; i++) {
        if (k < rl->n && rl->line[k] == v->s[i].line) {
            k++;
            continue;
        }
        v->s[out++] = v->s[i];
    }
    v->n = out;
}

static wl_status read_rows(wl_reader *r, wl_csv *c, unsigned long long base, unsigned long long limit,
                           size_t size, wl_row_mark *end, spans *v, char *err, size_t errcap)
{
    for (;;) {
        int rc = wl_csv_next(c);
        int stop = rc == 1 && base + c->row_at >= limit;
        if ((rc <= 0 || stop) && wl_reader_flush(r) != WL_OK) return WL_NOMEM;
        if (rc < 0) {
            wl_set_error(err, errcap, "%s:%ld: %s", r->file, c->line, wl_source_strerror(rc));
            return rc == WL_SRC_NOMEM ? WL_NOMEM : WL_IO;
        }
        if (rc == 0 || stop) {
            end->at = stop ? base + c->row_at : size;
            end->line = stop ? c->row_line : c->line;
            end->data_row = r->data_row;
            return WL_OK;
        }
        if (v && span_push(v, c, base) != 0) return WL_NOMEM;
        if (wl_reader_row(r, c) != WL_OK) return WL_NOMEM;
    }
}

wl_status wl_dataset_read_range(wl_dataset *ds, const char *path, const wl_read_options *opt,
                                const wl_row_mark *from, unsigned long long limit, wl_row_mark *end,
                                wl_row_span **rows, wl_read_report *report, char *err, size_t errcap)
{
    if (err && errcap) err[0] = '\0';
    if (rows) *rows = NULL;
    if (!ds || !path || !from || !end) return WL_USAGE;
    wl_read_report local;
    wl_read_report *rep = report ? report : &local;
    memset(rep, 0, sizeof *rep);
    wl_read_options user = opt ? *opt : wl_read_default_options();
    reject_lines rl = { &user, NULL, 0, 0, 0 };
    wl_read_options o = user;
    o.on_reject = on_reject;
    o.user = &rl;
    mapped m;
    int regular;
    wl_status st = map_file(path, &m, &regular, err, errcap);
    if (st == WL_OK && (!regular || from->at > m.size)) {
        wl_set_error(err, errcap, "%s: not a regular file, or shorter than the range to read", path);
        st = WL_USAGE;
    }
    if (st != WL_OK) {
        unmap_file(&m);
        return st;
    }
    size_t n0 = ds->n, s0 = ds->n_sources;
    wl_reader r;
    reader_init(&r, ds, path, &o, rep);
    wl_source hsrc, src;
    wl_csv hc, c;
    spans v = { NULL, 0, 0 };
    st = header(&r, &m, &hsrc, &hc, err, errcap);
    if (st == WL_OK) {
        char delim = hc.delim;
        wl_csv_free(&hc);
        wl_source_close(&hsrc);
        plain_source(&src, m.data + from->at, m.size - from->at);
        if (wl_csv_init(&c, &src, delim, r.max_field) != 0) {
            st = WL_NOMEM;
        } else {
            c.started = 1; /* the header's tokenizer chose the delimiter */
            c.line = from->line;
            r.data_row = from->data_row;
            rep->delimiter = delim;
            st = read_rows(&r, &c, from->at, limit, m.size, end, rows ? &v : NULL, err, errcap);
            wl_csv_free(&c);
        }
        wl_source_close(&src);
    }
    if (st == WL_OK && rl.nomem) st = WL_NOMEM;
    if (st == WL_NOMEM && err && !err[0]) wl_set_error(err, errcap, "%s: out of memory", path);
    if (st == WL_OK && rows) {
        keep_accepted(&v, &rl);
        *rows = v.s;
        v.s = NULL;
    }
    if (st != WL_OK) wl_ds_truncate(ds, n0, s0);
    free(v.s);
    free(rl.line);
    wl_reader_free(&r);
    unmap_file(&m);
    return st;
}

wl_status wl_list_split_guess(const char *path, const wl_list_layout *layout, size_t k, size_t n,
                              wl_row_mark *mark, char *err, size_t errcap)
{
    if (err && errcap) err[0] = '\0';
    if (!path || !layout || !mark || n == 0 || k > n) return WL_USAGE;
    *mark = layout->first;
    if (k == 0) return WL_OK;
    mapped m;
    int regular;
    wl_status st = map_file(path, &m, &regular, err, errcap);
    if (st == WL_OK && (!regular || m.size != layout->size || layout->first.at > m.size)) {
        wl_set_error(err, errcap, "%s: changed while it was being read", path);
        st = WL_IO;
    }
    if (st != WL_OK) {
        unmap_file(&m);
        return st;
    }
    unsigned long long span = m.size - layout->first.at;
    /* k / n of the data bytes, without overflow for any file size */
    size_t at = (size_t)(layout->first.at + span / n * k + span % n * k / n);
    if (at > layout->first.at) { /* the line start after the split point */
        const unsigned char *nl = memchr(m.data + at - 1, '\n', m.size - (at - 1));
        at = nl ? (size_t)(nl - m.data) + 1 : m.size;
    }
    /* Its line: the header's line count, then one per newline (the tokenizer
     * counts physical lines the same way in a splittable list: LF line ends). */
    long line = layout->first.line;
    for (const unsigned char *p = m.data + layout->first.at, *e = m.data + at;
         p < e && (p = memchr(p, '\n', (size_t)(e - p))) != NULL; p++)
        line++;
    mark->at = at;
    mark->line = line;
    mark->data_row = 0;
    unmap_file(&m);
    return WL_OK;
}
