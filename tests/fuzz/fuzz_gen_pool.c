/*
 * fuzz_gen_pool.c -- the benchmark generator's name-pool parser (bench/gen_pool.c)
 * on arbitrary bytes: it must reject or parse, never crash, and every draw from
 * a parsed pool must name an existing row.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
/* The generator is not part of the engine library; compile its parser in. */
#include "../../bench/gen_pool.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    gen_pool p;
    char err[256];
    if (gen_pool_parse(&p, "fuzz", text, err, sizeof err) != 0) return 0;
    gen_rng r;
    gen_rng_seed(&r, size);
    for (int i = 0; i < 64; i++) {
        size_t row = gen_pool_pick(&p, &r, "MF?"[i % 3]);
        if (row >= p.n_rows) abort();
        char v[64];
        gen_pick_variant(gen_pool_cell(&p, row, p.c_variants), &r, v, sizeof v);
        for (size_t c = 0; c < p.n_cols; c++)
            (void)strlen(gen_pool_cell(&p, row, (int)c));
    }
    gen_pool_free(&p);
    return 0;
}
