/* main.c -- watchlink-bench: dispatch to benchmark subcommands. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bench.h"

static const struct {
    const char *name, *summary;
    int (*run)(int, char **);
} g_cmds[] = {
    { "gen",       "generate national watchlists with known truth", bench_gen },
    { "febrl",     "generate two FEBRL-like lists to link, with truth", bench_febrl },
    { "read",      "reader throughput (MB/s, rows/s), plain and gzip", bench_read },
    { "normalize", "normalisation throughput (records/s)", bench_normalize },
    { "kernels",   "similarity kernels (pairs/s per core)", bench_kernels },
    { "block",     "blocking: pair completeness and reduction ratio", bench_block },
    { "run",       "whole pipeline at several scales: time, memory, quality", bench_run },
    { "pprl",      "encoded linkage: Dice kernel, FEBRL 4 quality, N x N end to end", bench_pprl },
    { "store",     "person store: index vs dedup, update, query latency, bytes", bench_store },
};

double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

size_t bench_peak_rss(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return 0;
    char line[256];
    size_t kb = 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %zu kB", &kb) == 1) break;
    fclose(f);
    return kb * 1024;
}

static void usage(FILE *f)
{
    fprintf(f, "Usage: watchlink-bench COMMAND [OPTIONS]\n\nCommands:\n");
    for (size_t i = 0; i < sizeof g_cmds / sizeof g_cmds[0]; i++)
        fprintf(f, "  %-10s %s\n", g_cmds[i].name, g_cmds[i].summary);
    fprintf(f, "\nRun 'watchlink-bench COMMAND --help' for options.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) { usage(stderr); return 1; }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) { usage(stdout); return 0; }
    for (size_t i = 0; i < sizeof g_cmds / sizeof g_cmds[0]; i++)
        if (!strcmp(argv[1], g_cmds[i].name)) return g_cmds[i].run(argc - 1, argv + 1);
    fprintf(stderr, "watchlink-bench: unknown command '%s'\n", argv[1]);
    return 1;
}
