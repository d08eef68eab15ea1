/* fuzz_jsonl.c -- JSON Lines lists on hostile bytes, from memory: the
 * JSONL-to-CSV conversion (reader_jsonl.c) and then the whole CSV reader.
 * Checks what the reader promises whatever the input: it returns; rows_read ==
 * accepted + rejected; every rejection names a line of the input (the CSV
 * reader's lines are shifted back to the file's); the dataset holds exactly the
 * accepted rows, each value non-empty, trimmed, NUL-free UTF-8. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "read/reader.h"
#include "read/reader_utf8.h"

typedef struct {
    size_t calls;
    long lines; /* physical lines of the input */
} seen;

static void on_reject(void *user, const char *file, long line, const char *reason, const char *raw,
                      size_t raw_len)
{
    seen *s = user;
    s->calls++;
    volatile unsigned char sink = 0; /* touch every byte handed out, for ASan */
    for (size_t i = 0; i < raw_len; i++)
        sink ^= (unsigned char)raw[i];
    (void)sink;
    if (!file || !reason || !reason[0] || line < 1 || line > s->lines) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wl_dataset *ds = wl_dataset_create();
    if (!ds) return 0;
    seen s = { 0, 1 };
    for (size_t i = 0; i < size; i++)
        s.lines += data[i] == '\n';
    wl_read_options opt = wl_read_default_options();
    opt.on_reject = on_reject;
    opt.user = &s;
    if (size && data[0] == ' ') opt.max_field = 8; /* now and then a small field limit */
    wl_read_report rep;
    char err[256];
    wl_status st = wl_reader_read_mem(ds, "fuzz.jsonl", data, size, &opt, &rep, err, sizeof err);
    if (rep.rows_read != rep.accepted + rep.rejected) abort();
    if (s.calls != rep.rejected) abort();
    if (st == WL_OK && wl_dataset_size(ds) != rep.accepted) abort();
    if (st != WL_OK && (wl_dataset_size(ds) != 0 || !err[0])) abort();
    for (size_t i = 0; i < wl_dataset_size(ds); i++) {
        const char *id = wl_dataset_id(ds, i);
        if (!id[0] || wl_utf8_check(id, strlen(id)) != strlen(id)) abort();
        size_t n;
        const wl_cell *cells = wl_ds_cells(ds, i, &n);
        for (size_t k = 0; k < n; k++) {
            const char *v = wl_ds_str(ds, cells[k].str);
            size_t len = strlen(v);
            if (len == 0 || len != cells[k].len || wl_utf8_check(v, len) != len) abort();
            if (v[0] == ' ' || v[len - 1] == ' ') abort();
        }
    }
    wl_dataset_free(ds);
    return 0;
}
