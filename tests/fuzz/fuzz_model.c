/* fuzz_model.c -- the model file loader: any bytes give a model or a reason. */
#include <math.h>

#include "fuzz.h"
#include "score/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    wl_model *m = wl_model_from_json((const char *)data, size, err, sizeof err);
    if (m) {
        wl_cmpvec v;
        memset(&v, 0, sizeof v);
        v.level[WL_FIELD_NAME] = 1;
        if (!isfinite(wl_model_weight(m, &v, NULL))) __builtin_trap();
        wl_model_free(m);
    }
    return 0;
}
