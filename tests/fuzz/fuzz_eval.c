/* fuzz_eval.c -- the truth, pairs and clusters CSV parser of `watchlink eval`, and B-cubed. The input is
 * split at its first 0xFF byte into a truth text and a pairs text. */
#include <string.h>

#include "score/eval.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *cut = memchr(data, 0xFF, size);
    size_t tl = cut ? (size_t)(cut - data) : size / 2;
    const char *t = (const char *)data, *p = (const char *)data + tl + (cut ? 1 : 0);
    size_t pl = size - tl - (cut ? 1 : 0);
    wl_eval *e = NULL;
    char err[256];
    if (wl_eval_parse(t, tl, "truth", p, pl, "pairs", &e, err, sizeof err) == WL_OK) {
        wl_eval_row r = wl_eval_at(e, 0.5);
        if (r.true_positive > r.predicted || r.true_positive > r.true_pairs) __builtin_trap();
        wl_eval_row b = wl_eval_bcubed(e, 0.5);
        if (!(b.precision >= 0.0 && b.precision <= 1.0 + 1e-9 && b.recall >= 0.0 && b.recall <= 1.0 + 1e-9))
            __builtin_trap();
        wl_eval_free(e);
    }
    return 0;
}
