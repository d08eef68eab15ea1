/*
 * fuzz_features.c -- hostile records through normalise, block and compare.
 * Input: records separated by '\n', cells by '\t'; a cell "R:value" gets the
 * role of letter R (n full name, g given, m middle, f family, a alias, d dob,
 * x gender, c nationality, o doc number, k doc country, p place of birth,
 * z MRZ, t text), any other cell a role from its first byte. Every record is
 * normalised, blocked with a tiny block limit (so splits and skips happen),
 * every candidate compared, and the CSV written: nothing may crash, leak or
 * read out of bounds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block/block.h"
#include "compare/compare.h"
#include "fuzz.h"

enum { MAX_RECORDS = 48, MAX_CELLS = 24 };

static uint8_t role_of(const char *s, size_t n, size_t *skip)
{
    static const char letters[] = "ngmfadxcokpzt";
    static const uint8_t roles[] = { WL_ROLE_FULL_NAME, WL_ROLE_GIVEN_NAME, WL_ROLE_MIDDLE_NAME,
                                     WL_ROLE_FAMILY_NAME, WL_ROLE_ALIAS, WL_ROLE_DOB, WL_ROLE_GENDER,
                                     WL_ROLE_NATIONALITY, WL_ROLE_DOC_NUMBER, WL_ROLE_DOC_COUNTRY,
                                     WL_ROLE_PLACE_OF_BIRTH, WL_ROLE_MRZ, WL_ROLE_TEXT };
    *skip = 0;
    if (n >= 2 && s[1] == ':') {
        const char *p = memchr(letters, s[0], sizeof letters - 1);
        if (p) {
            *skip = 2;
            return roles[p - letters];
        }
    }
    return n ? (uint8_t)((unsigned char)s[0] % WL_ROLE_COUNT) : WL_ROLE_TEXT;
}

static void add_line(wl_dataset *ds, const char *s, size_t n, size_t rec)
{
    uint8_t roles[MAX_CELLS];
    const char *vals[MAX_CELLS];
    size_t lens[MAX_CELLS], nc = 0;
    for (size_t p = 0; p <= n && nc < MAX_CELLS;) {
        const char *tab = memchr(s + p, '\t', n - p);
        size_t e = tab ? (size_t)(tab - s) : n, skip;
        uint8_t r = role_of(s + p, e - p, &skip);
        if (r != WL_ROLE_ID && r != WL_ROLE_SOURCE) {
            roles[nc] = r;
            vals[nc] = s + p + skip;
            lens[nc++] = e - p - skip;
        }
        p = e + 1;
    }
    char id[24];
    int idn = snprintf(id, sizeof id, "%zu", rec);
    wl_ds_add_record(ds, (uint32_t)(rec % 2), id, (size_t)idn, roles, vals, lens, nc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wl_dataset *ds = wl_dataset_create();
    if (!ds) return 0;
    wl_ds_source_index(ds, "a", 1);
    wl_ds_source_index(ds, "b", 1);
    const char *s = (const char *)data;
    for (size_t p = 0, rec = 0; p < size && rec < MAX_RECORDS; rec++) {
        const char *nl = memchr(s + p, '\n', size - p);
        size_t e = nl ? (size_t)(nl - s) : size;
        add_line(ds, s + p, e - p, rec);
        p = e + 1;
    }
    wl_features *f = wl_features_build(ds, 1);
    if (f) {
        wl_options o;
        memset(&o, 0, sizeof o);
        o.block_keys = WL_BLOCK_DEFAULT;
        o.max_block = 3;
        o.threads = 1;
        o.mode = (size & 1) ? WL_MODE_LINK : WL_MODE_DEDUP;
        wl_vec pairs;
        wl_vec_init(&pairs, sizeof(wl_pairidx));
        wl_block_stats st;
        if (wl_block(f, &o, &pairs, &st) == WL_OK)
            for (size_t k = 0; k < pairs.len; k++) {
                wl_pairidx pr = WL_VEC_AT(&pairs, wl_pairidx, k);
                wl_cmpvec v;
                wl_compare(f, pr.a, pr.b, &v);
            }
        wl_vec_free(&pairs);
        FILE *null = fopen("/dev/null", "w");
        if (null) {
            wl_features_write_csv(f, null);
            fclose(null);
        }
    }
    wl_features_free(f);
    wl_dataset_free(ds);
    return 0;
}
