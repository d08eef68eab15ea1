/* pending.c -- TEMPORARY weak placeholders while the benchmark subcommands are
 * written in parallel; each bench_<name>.c overrides its entry. Removed once all exist. */
#include <stdio.h>

#include "bench.h"

#define PENDING(name)                                                        \
    __attribute__((weak)) int bench_##name(int argc, char **argv)            \
    {                                                                        \
        (void)argc; (void)argv;                                              \
        fprintf(stderr, "watchlink-bench: '%s' is not built yet\n", #name);  \
        return 2;                                                            \
    }
PENDING(gen)
PENDING(read)
PENDING(normalize)
PENDING(kernels)
PENDING(block)
PENDING(run)
