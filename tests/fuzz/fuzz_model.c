/* fuzz_model.c -- the model file loader: any bytes give a model or a reason, and
 * a model that loads scores every level of every field finitely, holds the
 * invariants the loader promises, and saves and reloads to itself.
 *
 * The corpus holds two saved models (one fitted without and one with namesake
 * u rows), so the replay's byte mutations (digits flipped, values cut, keys
 * broken) land in every part of the structure: header, prior, each field's
 * levels, m, u and u_namesake, the name_tf block and the fit block. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"
#include "score/model.h"

static void check(int ok)
{
    if (!ok) __builtin_trap();
}

/* What the loader promises of every row it accepts (model_json.c). */
static void check_row(const double *x, int L)
{
    double sum = 0.0;
    for (int l = 1; l < L; l++) {
        check(x[l] >= DBL_MIN && x[l] <= 1.0);
        sum += x[l];
    }
    check(fabs(sum - 1.0) <= 1e-3);
}

static void check_invariants(const wl_model *m)
{
    check(m->prior > 0.0 && m->prior < 1.0);
    for (int f = 0; f < WL_FIELD_COUNT; f++) {
        check(m->levels[f] == wl_field_levels((wl_field)f));
        check_row(m->m[f], m->levels[f]);
        check_row(m->u[f], m->levels[f]);
        if (m->has_namesake) check_row(m->u_namesake[f], m->levels[f]);
    }
}

/* Every level of every field, alone and beside every name level (name levels
 * switch the nationality, gender and birthplace rows to u_namesake), with the
 * name's rarity at both ends so the TF adjustment and its cap are reached. */
static void score_every_level(const wl_model *m)
{
    static const float rarity[] = { 0.0f, 1e9f };
    for (int name = 0; name < m->levels[WL_FIELD_NAME]; name++)
        for (int f = 0; f < WL_FIELD_COUNT; f++)
            for (int l = 0; l < m->levels[f]; l++)
                for (size_t r = 0; r < sizeof rarity / sizeof rarity[0]; r++) {
                    wl_cmpvec v;
                    memset(&v, 0, sizeof v);
                    v.level[WL_FIELD_NAME] = (uint8_t)name;
                    v.level[f] = (uint8_t)l;
                    v.name_rare = rarity[r];
                    float fw[WL_FIELD_COUNT];
                    check(isfinite(wl_model_weight(m, &v, fw)));
                    check(isfinite(wl_model_evidence(m, &v)));
                    for (int k = 0; k < WL_FIELD_COUNT; k++) check(isfinite(fw[k]));
                }
}

/* Saved and loaded again, the model is the same (17 significant digits). */
static void check_round_trip(const wl_model *m)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return;
    wl_status st = wl_model_write_json(m, f);
    fclose(f);
    check(st == WL_OK);
    char err[512];
    wl_model *back = wl_model_from_json(buf, len, err, sizeof err);
    check(back != NULL);
    check(back->prior == m->prior && back->has_namesake == m->has_namesake);
    check(!memcmp(back->m, m->m, sizeof m->m) && !memcmp(back->u, m->u, sizeof m->u));
    check(!m->has_namesake || !memcmp(back->u_namesake, m->u_namesake, sizeof m->u_namesake));
    wl_model_free(back);
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512] = "";
    wl_model *m = wl_model_from_json((const char *)data, size, err, sizeof err);
    if (!m) {
        check(err[0] != '\0'); /* refused: always with a reason */
        return 0;
    }
    check_invariants(m);
    score_every_level(m);
    check_round_trip(m);
    wl_model_free(m);
    return 0;
}
