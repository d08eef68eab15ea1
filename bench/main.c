/* main.c -- watchlink-bench: dispatch to benchmark subcommands. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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

#ifndef WL_SOURCE_DIR
#define WL_SOURCE_DIR "."
#endif
#ifndef WL_INSTALL_BINDIR /* GNUInstallDirs' CMAKE_INSTALL_BINDIR and _DATADIR */
#define WL_INSTALL_BINDIR "bin"
#endif
#ifndef WL_INSTALL_DATADIR
#define WL_INSTALL_DATADIR "share"
#endif

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* PREFIX from the binary's own path (/proc/self/exe) by taking off one folder
 * per component of the bin directory. @return 0, or -1 (not installed so). */
static int install_prefix(char *out, size_t cap)
{
    if (WL_INSTALL_BINDIR[0] == '/') return -1;
    ssize_t n = readlink("/proc/self/exe", out, cap - 1);
    if (n <= 0 || (size_t)n >= cap - 1) return -1;
    out[n] = '\0';
    int up = 1; /* the binary's own name */
    const char *bin = WL_INSTALL_BINDIR;
    for (const char *p = bin; *p; p++)
        if (*p != '/' && (p == bin || p[-1] == '/')) up++;
    for (; up > 0; up--) {
        char *slash = strrchr(out, '/');
        if (!slash || slash == out) return -1;
        *slash = '\0';
    }
    return 0;
}

const char *bench_pools_dir(void)
{
    static char dir[PATH_MAX + 64];
    if (dir[0]) return dir;
    char prefix[PATH_MAX];
    if (WL_INSTALL_DATADIR[0] == '/') snprintf(dir, sizeof dir, "%s/watchlink/pools", WL_INSTALL_DATADIR);
    else if (install_prefix(prefix, sizeof prefix) == 0)
        snprintf(dir, sizeof dir, "%s/%s/watchlink/pools", prefix, WL_INSTALL_DATADIR);
    if (!dir[0] || !is_dir(dir)) snprintf(dir, sizeof dir, "%s/datasets/pools", WL_SOURCE_DIR);
    return dir;
}

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
