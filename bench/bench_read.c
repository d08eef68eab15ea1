/* bench_read.c -- `watchlink-bench read [--rows N] [--keep] [--repeat R]`: reader
 * throughput. Writes a watchlist of N rows (default 10^6) with the columns a
 * task-force list carries (ids, names in several scripts, aliases, dates in
 * several formats, documents, addresses with quoted commas) into a temporary
 * directory, plain and gzipped, reads each with wl_dataset_read and prints MB/s
 * (of CSV text) and rows/s, by wall clock and by this process's CPU time. The
 * best of R runs is kept (default 3). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "bench.h"

static const char *const g_given[] = {
    "Ahmad",    "Muhammad",   "Siti",     "Nur",     "Budi", "Agus",   "Dewi",  "Somchai",      "Nguyen Thi",
    "Tran Van", "Maria",      "Jose",     "Aung",    "Kyaw", "Sokha",  "Dara",  "Li",           "Wei",
    "Rizal",    "Hafiz",      "Nurul",    "Fatimah", "Juan", "Ana",    "Thanh", "Minh",         "Somsak",
    "Malee",    "Nguyễn Văn", "Phạm Thị", "สมชาย",   "มาลี",  "Зарина", "محمد",  "Abdul Rahman", "Mohd",
};
static const char *const g_family[] = {
    "bin Abdullah", "binti Ismail", "Santoso", "Wijaya",    "Susanto", "Jaidee",  "Srisuk",   "Nguyen",
    "Tran",         "Le",           "Pham",    "Dela Cruz", "Reyes",   "Santos",  "Garcia",   "Win",
    "Oo",           "Chan",         "Tan",     "Lim",       "Wong",    "Sok",     "Chea",     "Hassan",
    "Rahman",       "Ali",          "Hoàng",   "Đặng",      "ใจดี",     "Каримов", "al-Masri", "Gunawardena",
};
static const char *const g_nat[] = {"IDN", "MYS", "THA", "VNM",       "PHL",       "MMR",     "KHM",
                                    "SGP", "LAO", "BRN", "Indonesia", "Malaysian", "Viet Nam"};
static const char *const g_city[] = {"Jakarta", "Kuala Lumpur", "Bangkok",   "Ha Noi", "Manila",
                                     "Yangon",  "Phnom Penh",   "Vientiane", "Medan",  "Cebu"};

static uint64_t g_rng = 0x2545F4914F6CDD1Dull;

static uint64_t rnd(void)
{
    /* xorshift64*: fixed seed, so every run writes the same file */
    g_rng ^= g_rng >> 12;
    g_rng ^= g_rng << 25;
    g_rng ^= g_rng >> 27;
    return g_rng * 0x2545F4914F6CDD1Dull;
}

#define PICK(a) ((a)[rnd() % (sizeof(a) / sizeof((a)[0]))])

static void write_dob(FILE *f)
{
    unsigned y = 1950 + (unsigned)(rnd() % 55), m = 1 + (unsigned)(rnd() % 12),
             d = 1 + (unsigned)(rnd() % 28);
    switch (rnd() % 5) {
    case 0:
        fprintf(f, "%02u/%02u/%u", d, m, y);
        break;
    case 1:
        fprintf(f, "%u", y);
        break;
    case 2:
        fprintf(f, "%u-%02u-%02u;%u-%02u-%02u", y, m, d, y, d <= 12 ? d : m, m);
        break;
    default:
        fprintf(f, "%u-%02u-%02u", y, m, d);
        break;
    }
}

static void write_row(FILE *f, size_t i)
{
    const char *nat = PICK(g_nat);
    fprintf(f, "%c%zu,%s,%s,", 'A' + (int)(i % 7), i, PICK(g_given), PICK(g_family));
    if (rnd() % 3 == 0) fprintf(f, "\"%s %s; %s\"", PICK(g_given), PICK(g_family), PICK(g_given));
    fputc(',', f);
    write_dob(f);
    fprintf(f, ",%s,%c%07u", nat, 'A' + (int)(rnd() % 26), (unsigned)(rnd() % 10000000));
    if (rnd() % 4 == 0) fprintf(f, "|%c%07u", 'A' + (int)(rnd() % 26), (unsigned)(rnd() % 10000000));
    fprintf(f, ",%c,%s,", rnd() % 2 ? 'M' : 'F', PICK(g_city));
    fprintf(f, "\"%u Jalan %s, %s\",", (unsigned)(1 + rnd() % 200), PICK(g_family), PICK(g_city));
    if (rnd() % 5 == 0) fprintf(f, "\"wanted, \"\"%s\"\" network\"", PICK(g_city));
    fputc('\n', f);
}

/* Writes the list plain and gzipped. @return 0, or -1 after a message. */
static int write_lists(const char *plain, const char *gz, size_t rows)
{
    FILE *f = fopen(plain, "wb");
    if (!f) {
        fprintf(stderr, "watchlink-bench: cannot write %s: %s\n", plain, strerror(errno));
        return -1;
    }
    static char buf[1 << 16];
    setvbuf(f, buf, _IOFBF, sizeof buf);
    fputs("rec_id,given_name,surname,aka,date_of_birth,nationality,passport_no,sex,"
          "place_of_birth,address,remarks\n",
          f);
    for (size_t i = 1; i <= rows; i++)
        write_row(f, i);
    if (fclose(f) != 0) return -1;
    FILE *in = fopen(plain, "rb");
    gzFile out = gzopen(gz, "wb6");
    if (!in || !out) {
        fprintf(stderr, "watchlink-bench: cannot write %s\n", gz);
        if (in) fclose(in);
        if (out) gzclose(out);
        return -1;
    }
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        gzwrite(out, buf, (unsigned)n);
    fclose(in);
    return gzclose(out) == Z_OK ? 0 : -1;
}

static long long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* CPU time of this process: on a shared machine it says what the reader costs
 * when the wall clock also counts other people's jobs. */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Reads path `repeat` times into a fresh dataset; keeps the best wall and CPU
 * times. @return 0, or -1 after a message. */
static int time_read(const char *path, int repeat, wl_read_report *rep, double *wall, double *cpu)
{
    *wall = *cpu = -1.0;
    for (int r = 0; r < repeat; r++) {
        wl_dataset *ds = wl_dataset_create();
        char err[512] = "";
        if (!ds) return -1;
        double t0 = bench_now(), c0 = cpu_now();
        wl_status st = wl_dataset_read(ds, path, NULL, rep, err, sizeof err);
        double dt = bench_now() - t0, dc = cpu_now() - c0;
        wl_dataset_free(ds);
        if (st != WL_OK) {
            fprintf(stderr, "watchlink-bench: %s\n", err);
            return -1;
        }
        if (*wall < 0 || dt < *wall) *wall = dt;
        if (*cpu < 0 || dc < *cpu) *cpu = dc;
    }
    return 0;
}

static void report(const char *what, double wall, double cpu, long long text_bytes, long long file_bytes,
                   const wl_read_report *rep)
{
    double mb = (double)text_bytes / 1e6;
    printf("%-6s %7.1f MB text %6.1f MB file | wall %6.3f s %7.1f MB/s %9.0f rows/s | "
           "cpu %6.3f s %7.1f MB/s %9.0f rows/s | %zu rows, %zu accepted, %zu rejected\n",
           what, mb, (double)file_bytes / 1e6, wall, mb / wall, (double)rep->rows_read / wall, cpu, mb / cpu,
           (double)rep->rows_read / cpu, rep->rows_read, rep->accepted, rep->rejected);
}

static int usage(FILE *f, int rc)
{
    fprintf(f, "Usage: watchlink-bench read [--rows N] [--repeat R] [--keep]\n"
               "Writes an N-row watchlist (default 1000000) plain and gzipped in a temporary\n"
               "directory and reports reading throughput (best of R runs, default 3).\n"
               "--keep leaves the files and prints where they are.\n");
    return rc;
}

static int parse_args(int argc, char **argv, size_t *rows, int *repeat, int *keep)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--keep"))
            *keep = 1;
        else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return usage(stdout, 0) - 1;
        else if (!strcmp(argv[i], "--rows") && i + 1 < argc)
            *rows = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
            *repeat = atoi(argv[++i]);
        else
            return usage(stderr, 1);
    }
    if (*rows == 0 || *repeat < 1 || *repeat > 100) return usage(stderr, 1);
    return 0;
}

int bench_read(int argc, char **argv)
{
    size_t rows = 1000000;
    int repeat = 3, keep = 0;
    int rc = parse_args(argc, argv, &rows, &repeat, &keep);
    if (rc != 0) return rc < 0 ? 0 : rc;
    char dir[] = "/tmp/watchlink-bench-read-XXXXXX";
    if (!mkdtemp(dir)) {
        fprintf(stderr, "watchlink-bench: mkdtemp: %s\n", strerror(errno));
        return 2;
    }
    char plain[256], gz[256];
    snprintf(plain, sizeof plain, "%s/list.csv", dir);
    snprintf(gz, sizeof gz, "%s/list.csv.gz", dir);
    double t0 = bench_now();
    rc = write_lists(plain, gz, rows) == 0 ? 0 : 2;
    if (rc == 0) {
        printf("read: %zu rows written in %.1f s (%s)\n", rows, bench_now() - t0, dir);
        wl_read_report rep;
        long long text = file_size(plain);
        double wall, cpu;
        if (time_read(plain, repeat, &rep, &wall, &cpu) == 0)
            report("plain", wall, cpu, text, text, &rep);
        else
            rc = 2;
        if (rc == 0 && time_read(gz, repeat, &rep, &wall, &cpu) == 0)
            report("gzip", wall, cpu, text, file_size(gz), &rep);
        else
            rc = 2;
        printf("peak RSS %.0f MB\n", (double)bench_peak_rss() / 1e6);
    }
    if (keep) {
        printf("kept %s\n", dir);
    } else {
        remove(plain);
        remove(gz);
        rmdir(dir);
    }
    return rc;
}
