/* fuzz_encoded.c -- the encoded-file reader (engine/src/pprl/pprl_file.c): an
 * encoding arrives from another agency, so any bytes must give either a valid
 * encoding or a file:line reason, never a crash. What it accepts must hold the
 * reader's promises (popcounts of the filters, blocking key runs in order),
 * write back to bytes that read to the same encoding, and link with itself:
 * every record is its own partner at Dice 1 unless its filter is empty (by
 * Dice; a version 2 file also through the field model, whose weights must be
 * finite and whose probabilities lie in [0, 1]).
 *
 * The corpus holds small encoded files of the sample lists (plain, balanced,
 * XOR-folded; quoted ids; version 2 with its segments= layout), so the replay's mutations reach the header, the
 * quoting, the base64 and its padding, and the blocking keys. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"
#include "pprl/pprl.h"

static void check(int ok)
{
    if (!ok) __builtin_trap();
}

static void check_invariants(const wl_encoded *e)
{
    check(e->words >= 1 && e->words <= 2 * WL_PPRL_MAX_BITS / 64);
    check(e->n_seg >= 0 && e->n_seg <= WL_PPRL_F_COUNT && (e->version == 2) == (e->n_seg > 0));
    for (int s = 0, at = 0; s < e->n_seg; at += e->seg[s].words, s++) /* back to back, covering the filter */
        check(e->seg[s].off == at && e->seg[s].words > 0 && (s + 1 < e->n_seg || at + e->seg[s].words == (int)e->words));
    check(e->block_start[0] == 0);
    for (size_t i = 0; i < e->n; i++) {
        check(e->pop[i] == wl_pprl_popcount(e->bits + i * e->words, e->words));
        check(e->block_start[i + 1] >= e->block_start[i]);
        check(e->block_start[i + 1] - e->block_start[i] <= WL_PPRL_MAX_BLOCKS);
        check(e->id[i] && e->id[i][0] && e->source[i] && e->source[i][0]);
    }
}

static void check_round_trip(const wl_encoded *e)
{
    char *buf = NULL, err[512];
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    check(f != NULL);
    check(wl_encoded_write(e, f) == WL_OK);
    fclose(f);
    wl_encoded *back = NULL;
    check(wl_encoded_parse(buf, len, "round trip", &back, err, sizeof err) == WL_OK);
    check(back->n == e->n && back->words == e->words);
    check(!memcmp(back->bits, e->bits, e->n * e->words * sizeof(uint64_t)));
    check(!memcmp(back->block_start, e->block_start, (e->n + 1) * sizeof(uint32_t)));
    check(!memcmp(back->blocks, e->blocks, e->block_start[e->n] * sizeof(uint64_t)));
    check(!strcmp(back->schema_fp, e->schema_fp) && !strcmp(back->key_fp, e->key_fp));
    check(back->n_seg == e->n_seg && !memcmp(back->seg, e->seg, (size_t)e->n_seg * sizeof *e->seg));
    for (size_t i = 0; i < e->n; i++) check(!strcmp(back->id[i], e->id[i]) && !strcmp(back->source[i], e->source[i]));
    wl_encoded_free(back);
    free(buf);
}

static void check_self_link(const wl_encoded *e)
{
    if (e->n > 64) return; /* all pairs: keep the replay quick */
    wl_pprl_options opt = wl_pprl_default_options();
    opt.threshold = 1.0;
    opt.all_pairs = 1;
    opt.threads = 1;
    opt.by_dice = 1;
    wl_pprl_result *r = NULL;
    char err[512];
    check(wl_pprl_link(e, e, &opt, &r, err, sizeof err) == WL_OK);
    size_t nonempty = 0;
    for (size_t i = 0; i < e->n; i++) nonempty += e->pop[i] > 0;
    check(wl_pprl_result_count(r) >= nonempty);
    for (size_t k = 0; k < wl_pprl_result_count(r); k++) check(wl_pprl_result_pair(r, k)->dice == 1.0f);
    wl_pprl_result_free(r);
    opt.all_pairs = 0;
    opt.threshold = 0.0;
    check(wl_pprl_link(e, e, &opt, &r, err, sizeof err) == WL_OK);
    wl_pprl_result_free(r);
    if (!e->n_seg) return;
    opt.by_dice = 0; /* the field model on the same pairs */
    check(wl_pprl_link(e, e, &opt, &r, err, sizeof err) == WL_OK);
    check(wl_pprl_result_stats(r)->fields == 1);
    for (size_t k = 0; k < wl_pprl_result_count(r); k++) {
        const wl_pprl_pair *p = wl_pprl_result_pair(r, k);
        check(isfinite(p->weight) && p->prob >= 0.0f && p->prob <= 1.0f);
    }
    wl_pprl_result_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wl_encoded *e = NULL;
    char err[512] = "";
    wl_status st = wl_encoded_parse((const char *)data, size, "fuzz", &e, err, sizeof err);
    if (st != WL_OK) {
        check(e == NULL && !strncmp(err, "fuzz:", 5));
        return 0;
    }
    check_invariants(e);
    check_round_trip(e);
    check_self_link(e);
    wl_encoded_free(e);
    return 0;
}
