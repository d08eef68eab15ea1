/* fuzz_features_pack.c -- the features one watchlink-mpi rank packs for the
 * others (features_pack.c, issue 14), damaged. A valid pack of a fixed dataset
 * of 2,500 records (three chunks, names in several scripts, dates, documents)
 * is made once; the input is an edit script applied to a copy of it, so the
 * mutations reach past the headers whatever the layout: its first two bytes
 * cut the pack short (0: not), then each 5 bytes are a u32 place (as a
 * fraction of the length, so a flipped high bit moves it across the whole
 * pack) and a byte XORed in there. Unpacking must return NULL or features
 * whose run starts are ordered and inside their runs (ASan checks the reads);
 * it never reads past the pack. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "features/featureset.h"
#include "fuzz.h"

enum { RECORDS = 2500 };

static wl_dataset *g_ds;
static wl_vec g_pack;

static void make_pack(void)
{
    static const char *const names[] = { "Nguyen Van An", "Мухаммад Али", "محمد علي", "김민준", "王小明",
                                         "Siti binti Ahmad", "Somchai Jaidee", "José da Silva" };
    static const char *const dobs[] = { "1980-05-12", "12/05/1980", "1980", "" };
    static const char *const docs[] = { "B1234567", "A0O1I2", "", "X9" };
    g_ds = wl_dataset_create();
    wl_ds_source_index(g_ds, "a", 1);
    wl_ds_source_index(g_ds, "b", 1);
    for (size_t i = 0; i < RECORDS; i++) {
        uint8_t roles[3] = { WL_ROLE_FULL_NAME, WL_ROLE_DOB, WL_ROLE_DOC_NUMBER };
        const char *vals[3] = { names[i % 8], dobs[i % 4], docs[(i / 3) % 4] };
        size_t lens[3] = { strlen(vals[0]), strlen(vals[1]), strlen(vals[2]) };
        char id[24];
        int n = snprintf(id, sizeof id, "%zu", i);
        wl_ds_add_record(g_ds, (uint32_t)(i % 2), id, (size_t)n, roles, vals, lens, 3);
    }
    wl_vec_init(&g_pack, 1);
    if (wl_features_pack_part(g_ds, 1, 0, 2, &g_pack) != 0 || wl_features_pack_part(g_ds, 1, 1, 2, &g_pack) != 0)
        abort();
    wl_features *f = wl_features_unpack(g_ds, g_pack.data, g_pack.len); /* intact, it must unpack */
    if (!f) abort();
    wl_features_free(f);
}

static void check(const wl_features *f)
{
#define RUN_(id, start, data, type, rebase)                          \
    for (size_t i = 0; i < f->n; i++)                                \
        if (f->start[i] > f->start[i + 1]) abort();
    WL_FEATURE_RUNS(RUN_)
#undef RUN_
    if (f->n != RECORDS) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!g_ds) make_pack();
    size_t len = g_pack.len;
    if (size >= 2) {
        size_t cut = (size_t)data[0] << 8 | data[1];
        if (cut && cut < len) len -= cut;
        data += 2;
        size -= 2;
    }
    unsigned char *b = malloc(len ? len : 1);
    if (!b) return 0;
    memcpy(b, g_pack.data, len);
    for (size_t k = 0; k + 5 <= size && len; k += 5) {
        uint32_t off;
        memcpy(&off, data + k, 4);
        b[(size_t)(((uint64_t)off * len) >> 32)] ^= data[k + 4];
    }
    wl_features *f = wl_features_unpack(g_ds, b, len);
    if (f) check(f);
    wl_features_free(f);
    free(b);
    return 0;
}
