/*
 * bench.h -- watchlink-bench: the benchmark harness. Each subcommand lives in
 * bench_<name>.c; all of them include only the public engine header.
 */
#ifndef WL_BENCH_H
#define WL_BENCH_H

#include <stddef.h>

#include "watchlink.h"

int bench_gen(int argc, char **argv);        /* generate national lists + truth */
int bench_febrl(int argc, char **argv);      /* two FEBRL-like lists to link + truth */
int bench_read(int argc, char **argv);       /* reader throughput */
int bench_normalize(int argc, char **argv);  /* normalisation records/s */
int bench_kernels(int argc, char **argv);    /* Jaro-Winkler / Levenshtein pairs/s */
int bench_block(int argc, char **argv);      /* pair completeness, reduction ratio */
int bench_run(int argc, char **argv);        /* whole pipeline at scales, quality */
int bench_pprl(int argc, char **argv);       /* encoded linkage: Dice kernel, FEBRL 4, scale */
int bench_store(int argc, char **argv);      /* person store: index, update, query, bytes */

/**
 * The folder of the generator's name pools: PREFIX/share/watchlink/pools beside
 * an installed binary (PREFIX/bin/watchlink-bench, as cmake --install lays them
 * out), else the source tree's datasets/pools (a binary in its build folder).
 * @return a path that stays valid (static storage).
 */
const char *bench_pools_dir(void);

/** Wall clock, seconds. */
double bench_now(void);
/** Peak resident set size of this process in bytes (from /proc/self/status). */
size_t bench_peak_rss(void);

#endif
