/* fuzz_store_index.c -- the person store's index file (engine/src/store) on
 * hostile bytes. The checksums would turn away nearly every mutation at the
 * door, so when the first byte is odd the target first makes every checksum
 * right again (header, table and sections as the bytes say), which sends the
 * mutations on to the structural checks: section sizes and places, run starts,
 * text offsets, the blocking index's records. Whatever the input, opening
 * returns; and a file that opens can be walked whole -- every text offset of
 * every run and column names a NUL-terminated string inside the text, every
 * blocking entry a record (ASan checks the reads). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "store/store_index.h"

static void fix_checksums(uint8_t *b, size_t n)
{
    wl_sidx_header h;
    if (n < sizeof h) return;
    memcpy(&h, b, sizeof h);
    if (h.n_sections > 64 || sizeof h + h.n_sections * sizeof(wl_sidx_section) > n) return;
    wl_sidx_section tab[64];
    memcpy(tab, b + sizeof h, h.n_sections * sizeof *tab);
    for (uint32_t s = 0; s < h.n_sections; s++) {
        uint64_t bytes = tab[s].elem * tab[s].count;
        if (tab[s].offset > n || (tab[s].elem && tab[s].count > (n - tab[s].offset) / tab[s].elem)) continue;
        tab[s].hash = bytes ? wl_hash(b + tab[s].offset, (size_t)bytes) : 0;
    }
    memcpy(b + sizeof h, tab, h.n_sections * sizeof *tab);
    h.hash = 0;
    XXH3_state_t *xs = XXH3_createState();
    if (!xs) return;
    XXH3_64bits_reset(xs);
    XXH3_64bits_update(xs, &h, sizeof h);
    XXH3_64bits_update(xs, tab, h.n_sections * sizeof *tab);
    h.hash = XXH3_64bits_digest(xs);
    XXH3_freeState(xs);
    memcpy(b, &h, sizeof h);
}

static size_t touch(const char *s)
{
    return strlen(s); /* ASan: the string ends inside the mapping */
}

static void walk(const wl_store_index *x)
{
    const wl_features *f = &x->f;
    volatile size_t sink = 0;
    for (size_t k = 0; k < f->part_start[f->n]; k++)
        sink += touch(wl_f_str(f, f->parts[k].str)) + touch(wl_f_str(f, f->parts[k].canon));
    for (size_t k = 0; k < f->doc_start[f->n]; k++)
        sink += touch(wl_f_str(f, f->docs[k].str)) + touch(wl_f_str(f, f->docs[k].core));
    for (size_t i = 0; i < f->n; i++) {
        if (f->pob[i] != UINT32_MAX) sink += touch(wl_f_str(f, f->pob[i]));
        if (f->free_text[i] != UINT32_MAX) sink += touch(wl_f_str(f, f->free_text[i]));
        sink += (size_t)wl_store_index_rid(x, i);
    }
    for (size_t q = 0; q < x->n_bkey; q++)
        if (x->brec[q] >= f->n) abort(); /* open promised every entry names a record */
    (void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *b = malloc(size ? size : 1);
    if (!b) return 0;
    if (size) memcpy(b, data, size);
    if (size && (b[0] & 1)) fix_checksums(b, size);
    char path[64];
    snprintf(path, sizeof path, "/tmp/wl_fuzz_sidx_%d", (int)getpid());
    FILE *fp = fopen(path, "wb");
    if (!fp) {
        free(b);
        return 0;
    }
    size_t wrote = fwrite(b, 1, size, fp);
    fclose(fp);
    free(b);
    if (wrote == size) {
        wl_store_index *x = NULL;
        char err[512];
        wl_status st = wl_store_index_open(path, &x, err, sizeof err);
        if (st == WL_OK) walk(x);
        else if (x || !err[0]) abort(); /* refused: nothing handed out, a reason given */
        wl_store_index_close(x);
    }
    unlink(path);
    return 0;
}
