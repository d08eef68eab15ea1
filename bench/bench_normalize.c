/*
 * bench_normalize.c -- `watchlink-bench normalize`: normalisation throughput
 * (records per second) of wl_features_build, per thread count.
 *
 *   watchlink-bench normalize [--records N] [--script latin|nonlatin|mixed]
 *                             [--threads LIST] [--seed S] [LIST...]
 *
 * Without LIST files it writes a synthetic list of N records (names from a small
 * built-in set of ASEAN names, recombined; dates in several formats; document
 * numbers; nationality names) to a temporary file, reads it once, then times
 * wl_features_build alone (reading is bench_read's job). Latin-script names and
 * non-Latin ones (Thai, Cyrillic, Han, Arabic: the ICU transliteration path)
 * are measured separately, since their costs differ by an order of magnitude.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

static uint64_t g_rng;
static uint64_t rnd(void)
{
    /* splitmix64 (Steele, Lea, Flood 2014): fast and reproducible. */
    uint64_t z = (g_rng += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}
#define PICK(a) ((a)[rnd() % (sizeof(a) / sizeof((a)[0]))])

static const char *const g_given[] = {
    "Muhammad", "Mohd", "Ahmad", "Siti", "Nur", "Nurul", "Abdul Rahman", "Somchai", "Suda",
    "Nguyen Van", "Tran Thi", "Budi", "Sri", "Agus", "Maria", "Jose", "Aung", "Kyaw", "Lim Ah",
    "Tan Boon", "Dewi", "Putri", "Hassan", "Ismail", "Farid", "Zainal", "Rizal", "Wei Ming" };
static const char *const g_family[] = {
    "bin Abdullah", "binti Ismail", "Rahman", "Jaidee", "Wongsakul", "Minh", "Hoa", "Santoso",
    "Wijaya", "Reyes", "Santos", "Win", "Tun", "Tan", "Lim", "Hidayat", "Saputra", "al-Amin",
    "Kurniawan", "Setiawan", "Hernandez", "Chong", "Ong", "a/l Muthu" };
static const char *const g_nonlatin[] = {
    "สมชาย ใจดี", "สุดา วงศ์สกุล", "Иван Петров", "Абдулла Ахмедов", "王小明", "李娜",
    "محمد بن عبدالله", "ဦးအောင်ကျော်", "Нурлан Сериков", "陈伟" };
static const char *const g_nat[] = { "MYS", "Indonesia", "Thai", "VNM", "Philippines", "SG", "Malaysian" };

static void write_dob(FILE *f)
{
    int y = 1950 + (int)(rnd() % 55), m = 1 + (int)(rnd() % 12), d = 1 + (int)(rnd() % 28);
    switch (rnd() % 4) {
    case 0: fprintf(f, "%04d-%02d-%02d", y, m, d); break;
    case 1: fprintf(f, "%02d/%02d/%04d", d, m, y); break;
    case 2: fprintf(f, "%d", y); break;
    default: fprintf(f, "%04d%02d%02d", y, m, d); break;
    }
}

static int write_synthetic(const char *path, size_t n, const char *script)
{
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fputs("id,full_name,dob,doc_number,nationality,gender\n", f);
    for (size_t i = 0; i < n; i++) {
        int nonlatin = !strcmp(script, "nonlatin") || (!strcmp(script, "mixed") && rnd() % 4 == 0);
        fprintf(f, "%zu,", i);
        if (nonlatin) fprintf(f, "%s,", PICK(g_nonlatin));
        else fprintf(f, "%s %s,", PICK(g_given), PICK(g_family));
        write_dob(f);
        fprintf(f, ",%c%07u,%s,%c\n", (char)('A' + rnd() % 26), (unsigned)(rnd() % 10000000), PICK(g_nat),
                rnd() % 2 ? 'M' : 'F');
    }
    return fclose(f);
}

static int parse_threads(const char *s, int *out, int max)
{
    int n = 0;
    char *end;
    while (*s && n < max) {
        long v = strtol(s, &end, 10);
        if (end == s || v < 0 || v > 256) return -1;
        out[n++] = (int)v;
        s = *end == ',' ? end + 1 : end;
        if (*end && *end != ',') return -1;
    }
    return n;
}

static void usage(void)
{
    fprintf(stderr, "Usage: watchlink-bench normalize [--records N] [--script latin|nonlatin|mixed]\n"
                    "                                 [--threads 1,2] [--seed S] [LIST...]\n");
}

static int time_build(const wl_dataset *ds, const int *threads, int nt)
{
    size_t n = wl_dataset_size(ds);
    for (int k = 0; k < nt; k++) {
        double best = 1e30;
        for (int rep = 0; rep < 3; rep++) {
            double t0 = bench_now();
            wl_features *f = wl_features_build(ds, threads[k]);
            double t = bench_now() - t0;
            if (!f) {
                fprintf(stderr, "watchlink-bench: out of memory\n");
                return 2;
            }
            wl_features_free(f);
            if (t < best) best = t;
        }
        printf("threads %d: %zu records in %.3f s = %.0f records/s\n", threads[k], n, best,
               (double)n / best);
    }
    printf("peak RSS: %.1f MB\n", (double)bench_peak_rss() / 1e6);
    return 0;
}

int bench_normalize(int argc, char **argv)
{
    size_t records = 200000;
    const char *script = "latin";
    int threads[8] = { 1, 2 }, nt = 2;
    const char *lists[64];
    size_t nl = 0;
    g_rng = 42;
    for (int i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(argv[i], "--records") && v) records = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--script") && v) script = argv[++i];
        else if (!strcmp(argv[i], "--seed") && v) g_rng = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--threads") && v) {
            if ((nt = parse_threads(argv[++i], threads, 8)) <= 0) { usage(); return 1; }
        } else if (argv[i][0] != '-' && nl < 64) lists[nl++] = argv[i];
        else { usage(); return !strcmp(argv[i], "--help") ? 0 : 1; }
    }
    char tmp[] = "/tmp/wl-bench-normalize-XXXXXX";
    if (nl == 0) {
        int fd = mkstemp(tmp);
        if (fd < 0 || close(fd) != 0 || write_synthetic(tmp, records, script) != 0) {
            fprintf(stderr, "watchlink-bench: cannot write %s\n", tmp);
            return 2;
        }
        lists[nl++] = tmp;
        printf("synthetic %s list: %zu records\n", script, records);
    }
    wl_dataset *ds = wl_dataset_create();
    wl_read_options ro = wl_read_default_options();
    int rc = ds ? 0 : 2;
    for (size_t k = 0; k < nl && rc == 0; k++) {
        char err[512];
        if (wl_dataset_read(ds, lists[k], &ro, NULL, err, sizeof err) != WL_OK) {
            fprintf(stderr, "watchlink-bench: %s\n", err);
            rc = 1;
        }
    }
    if (lists[0] == tmp) remove(tmp);
    if (rc == 0) rc = time_build(ds, threads, nt);
    wl_dataset_free(ds);
    return rc;
}
