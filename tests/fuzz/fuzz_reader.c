/* fuzz_reader.c -- the whole reader on hostile bytes, from memory (no disk):
 * tokenizer, gzip inflation, header mapping, row validation and the dataset.
 * Checks the invariants the reader promises whatever the input: it returns,
 * rows_read == accepted + rejected, the dataset holds exactly the accepted rows
 * and every stored value is non-empty, trimmed, NUL-free UTF-8. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "read/reader.h"
#include "read/reader_utf8.h"

static void on_reject(void *user, const char *file, long line, const char *reason, const char *raw,
                      size_t raw_len)
{
    size_t *count = user;
    (*count)++;
    /* touch every byte handed out, so ASan sees an over-read */
    volatile unsigned char sink = 0;
    for (size_t i = 0; i < raw_len; i++)
        sink ^= (unsigned char)raw[i];
    (void)sink;
    if (!file || !reason || line < 1 || !reason[0]) abort();
}

static void check_values(const wl_dataset *ds)
{
    for (size_t i = 0; i < wl_dataset_size(ds); i++) {
        const char *id = wl_dataset_id(ds, i);
        if (!id[0] || wl_utf8_check(id, strlen(id)) != strlen(id)) abort();
        size_t n;
        const wl_cell *cells = wl_ds_cells(ds, i, &n);
        for (size_t k = 0; k < n; k++) {
            const char *v = wl_ds_str(ds, cells[k].str);
            size_t len = strlen(v);
            if (len == 0 || len != cells[k].len || cells[k].role >= WL_ROLE_COUNT) abort();
            if (wl_utf8_check(v, len) != len) abort();
            if (v[0] == ' ' || v[len - 1] == ' ') abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wl_dataset *ds = wl_dataset_create();
    if (!ds) return 0;
    size_t calls = 0;
    wl_read_options opt = wl_read_default_options();
    opt.on_reject = on_reject;
    opt.user = &calls;
    /* the first byte picks a small field limit now and then, to reach that path */
    if (size && data[0] == 'L') opt.max_field = 8;
    wl_read_report rep;
    char err[256];
    wl_status st = wl_reader_read_mem(ds, "fuzz.csv", data, size, &opt, &rep, err, sizeof err);
    if (rep.rows_read != rep.accepted + rep.rejected) abort();
    if (calls != rep.rejected) abort();
    if (st == WL_OK && wl_dataset_size(ds) != rep.accepted) abort();
    if (st != WL_OK && (wl_dataset_size(ds) != 0 || !err[0])) abort();
    check_values(ds);
    /* a second list into the same dataset: ids repeat, so all are duplicates */
    if (st == WL_OK && rep.accepted) {
        size_t before = wl_dataset_size(ds);
        wl_reader_read_mem(ds, "fuzz.csv", data, size, &opt, &rep, err, sizeof err);
        if (wl_dataset_size(ds) != before) abort();
    }
    wl_dataset_free(ds);
    return 0;
}
