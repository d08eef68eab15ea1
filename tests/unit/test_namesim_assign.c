/* test_namesim_assign.c -- wl_assign_max for up to three rows (namesim.c
 * assign_small): one and two rows walk loops of their own, which must pick
 * the very map the three nested loops pick, the first best in their order,
 * ties included: the map decides which pair of parts a name's score, its
 * lowest Jaro-Winkler and its matched count come from. Weights of a few
 * values (ties everywhere) and of random ones, rows 1..3, columns up to six,
 * against the nested loops written out here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>

#include "compare/namesim.h"

/* The nested loops as assign_small had them for every row count. */
static void reference(const double *w, int rows, int cols, int *col_of)
{
    double best = -HUGE_VAL;
    int j1_end = rows > 1 ? cols : 1, j2_end = rows > 2 ? cols : 1;
    for (int j0 = 0; j0 < cols; j0++)
        for (int j1 = 0; j1 < j1_end; j1++) {
            if (rows > 1 && j1 == j0) continue;
            for (int j2 = 0; j2 < j2_end; j2++) {
                if (rows > 2 && (j2 == j0 || j2 == j1)) continue;
                double v = w[j0] + (rows > 1 ? w[cols + j1] : 0.0) + (rows > 2 ? w[2 * cols + j2] : 0.0);
                if (v > best) {
                    best = v;
                    col_of[0] = j0;
                    if (rows > 1) col_of[1] = j1;
                    if (rows > 2) col_of[2] = j2;
                }
            }
        }
}

static uint64_t rng(uint64_t *s) /* splitmix64: fixed seed */
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static void test_small_maps_as_nested_loops(void **state)
{
    (void)state;
    uint64_t seed = 7;
    for (int round = 0; round < 20000; round++) {
        int rows = 1 + (int)(rng(&seed) % 3), cols = rows + (int)(rng(&seed) % (7 - rows));
        int levels = round % 2 ? 3 : 1000; /* few values: ties; many: mostly none */
        double w[3 * 6];
        for (int k = 0; k < rows * cols; k++) w[k] = (double)(rng(&seed) % (uint64_t)levels) / (levels - 1) * 0.9;
        int got[3] = { -1, -1, -1 }, want[3] = { -1, -1, -1 };
        wl_assign_max(w, rows, cols, got);
        reference(w, rows, cols, want);
        for (int i = 0; i < rows; i++) assert_int_equal(got[i], want[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_maps_as_nested_loops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
