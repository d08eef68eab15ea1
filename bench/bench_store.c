/*
 * bench_store.c -- `watchlink-bench store`: the person store's targets (issue 12)
 * measured on generated lists through the built `watchlink` binary (the store
 * lives in the command line, cli/store*.c, over SQLite; the bench includes only
 * the engine's header, so it times the commands a nightly job runs):
 *
 *   dedup of the base lists        vs  index of the same lists (target <= 1.5x)
 *   update with M new records into the store                  (target <= 3 s)
 *   query of one record, R times: median and p99              (target 5 / 20 ms)
 *   query of a batch of Q records in one run                  (target 10^4 in 2 s)
 *   store bytes per record (database + WAL + index file)      (target <= 1 KB)
 *
 * The generated lists (watchlink-bench gen, N + M records) are split per list:
 * the last M / K rows of each of the K lists are held out as the update (same
 * sources, new ids); the one-record queries are held-out rows of the first list,
 * the batch its first Q rows, under the source "arrivals".
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

extern char **environ;

static const char *const LISTS[] = { "idn", "mys", "tha", "vnm", "phl", "mmr", "khm", "sgp" };
enum { N_LISTS = 8, MAX_ARGS = 32 };

typedef struct {
    double records, added;
    int queries, batch, threads;
    const char *dir, *cache, *watchlink;
    unsigned long long seed;
} store_args;

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: watchlink-bench store [--records N] [--new M] [--queries R] [--batch Q]\n"
            "                             [--dir DIR] [--cache DIR] [--watchlink PATH]\n"
            "                             [--threads T] [--seed S]\n"
            "Times the person store's commands on generated lists (8 lists, N + M records;\n"
            "default N 1e5, M 1e4): dedup vs index of the N base records, update with the M\n"
            "held-out records, R one-record queries (default 5: median, p99) and one query\n"
            "of Q records (default 1e4), and the store's bytes per record; then, in this\n"
            "process, the index file's screening queries at the store's threshold (engine\n"
            "wl_store_querier_screen, one querier): each of the Q\n"
            "records alone (median, p99, total) and all Q in one call. DIR (default a\n"
            "new /tmp/wl-bench-store-XXXXXX) holds the split lists and the store; --cache\n"
            "DIR keeps the generated lists (as 'run --cache'). --watchlink PATH: the binary\n"
            "(default: watchlink beside this one).\n");
}

static int parse(int argc, char **argv, store_args *a)
{
    *a = (store_args){ 1e5, 1e4, 5, 10000, 0, NULL, NULL, NULL, 42 };
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) return 1;
        if (i + 1 >= argc) return -1;
        const char *v = argv[++i];
        if (!strcmp(o, "--records")) a->records = atof(v);
        else if (!strcmp(o, "--new")) a->added = atof(v);
        else if (!strcmp(o, "--queries")) a->queries = atoi(v);
        else if (!strcmp(o, "--batch")) a->batch = atoi(v);
        else if (!strcmp(o, "--threads")) a->threads = atoi(v);
        else if (!strcmp(o, "--dir")) a->dir = v;
        else if (!strcmp(o, "--cache")) a->cache = v;
        else if (!strcmp(o, "--watchlink")) a->watchlink = v;
        else if (!strcmp(o, "--seed")) a->seed = strtoull(v, NULL, 10);
        else return -1;
    }
    if (a->records < 100 || a->added < 8 || a->added >= a->records || a->queries < 1 || a->batch < 1) return -1;
    return 0;
}

/* ---- paths ---- */

enum { PATH_CAP = 4200 };

/* snprintf into a PATH_CAP buffer; a path that does not fit is cut (then fails to open). */
static void pathf(char *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void pathf(char *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, PATH_CAP, fmt, ap);
    va_end(ap);
}

/* ---- running watchlink ---- */

/* CPU seconds (user + system) of the last command run_timed ran: on a shared
 * machine the wall clock measures the other users too. */
static double g_cpu;

static double children_cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 + (double)ru.ru_stime.tv_sec +
           (double)ru.ru_stime.tv_usec * 1e-6;
}

/* Runs argv with stdout and stderr appended to log. @return seconds, or -1 on failure. */
static double run_timed(char *const *argv, const char *log)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    pid_t pid;
    double t0 = bench_now();
    int err = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (err) {
        fprintf(stderr, "store: cannot run %s: %s\n", argv[0], strerror(err));
        return -1;
    }
    int status;
    double cpu0 = children_cpu();
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    double t = bench_now() - t0;
    g_cpu = children_cpu() - cpu0; /* one child at a time: the delta is this command's */
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "store: %s %s failed (see %s)\n", argv[0], argv[1], log);
        return -1;
    }
    return t;
}

/* argv of `watchlink CMD ARGS... LISTS-of-dir -q [--threads T]`. */
typedef struct {
    char *v[MAX_ARGS + N_LISTS];
    char buf[N_LISTS][PATH_CAP];
    char threads[16];
    int n;
} cmdline;

static void cmd_init(cmdline *c, const char *watchlink, const char *cmd)
{
    c->n = 0;
    c->v[c->n++] = (char *)(uintptr_t)watchlink;
    c->v[c->n++] = (char *)(uintptr_t)cmd;
}

static void cmd_arg(cmdline *c, const char *arg) { c->v[c->n++] = (char *)(uintptr_t)arg; }

static void cmd_lists(cmdline *c, const char *dir)
{
    for (int k = 0; k < N_LISTS; k++) {
        pathf(c->buf[k], "%s/%s.csv", dir, LISTS[k]);
        c->v[c->n++] = c->buf[k];
    }
}

static double cmd_run(cmdline *c, const store_args *a, const char *log)
{
    c->v[c->n++] = "-q";
    if (a->threads > 0) {
        snprintf(c->threads, sizeof c->threads, "%d", a->threads);
        c->v[c->n++] = "--threads";
        c->v[c->n++] = c->threads;
    }
    c->v[c->n] = NULL;
    return run_timed(c->v, log);
}

/* ---- the data ---- */

/* One CSV row (quoted line breaks kept inside) from f into *line. @return its length, -1 at the end. */
static long read_row(FILE *f, char **line, size_t *cap)
{
    size_t len = 0;
    int quoted = 0, c;
    while ((c = getc(f)) != EOF) {
        if (len + 2 > *cap) {
            char *g = realloc(*line, *cap = *cap ? 2 * *cap : 4096);
            if (!g) return -1;
            *line = g;
        }
        (*line)[len++] = (char)c;
        if (c == '"') quoted = !quoted;
        if (c == '\n' && !quoted) break;
    }
    if (!len) return -1;
    (*line)[len] = '\0';
    return (long)len;
}

static long count_rows(const char *path)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    long n = -1; /* the header */
    while (f && read_row(f, &line, &cap) >= 0) n++;
    if (f) fclose(f);
    free(line);
    return f ? n : -2;
}

/* The generated lists, made once into cache or dir. */
static int generate(const store_args *a, char *out)
{
    char n[32], seed[32], stamp[PATH_CAP];
    pathf(out, "%s/gen-n%.0f-k8-s%llu", a->cache ? a->cache : a->dir, a->records + a->added, a->seed);
    pathf(stamp, "%s/.complete", out);
    struct stat sb;
    if (stat(stamp, &sb) == 0) return 0;
    if (a->cache) mkdir(a->cache, 0777);
    snprintf(n, sizeof n, "%.0f", a->records + a->added);
    snprintf(seed, sizeof seed, "%llu", a->seed);
    char *argv[] = { "gen", "--out", out, "--records", n, "--lists", "8", "--seed", seed, NULL };
    if (bench_gen(9, argv) != 0) return -1;
    FILE *f = fopen(stamp, "w");
    return f && fclose(f) == 0 ? 0 : -1;
}

/* Splits each list: its last `hold` rows (a share of M) go to new/, the rest to base/;
 * the first rows held out also make the queries (arrivals, one file per query, and a batch). */
typedef struct {
    FILE *batch;
    int n_batch, want_batch, n_single, want_single;
    const char *dir;
} query_out;

static void write_query(query_out *q, const char *header, const char *row)
{
    if (q->n_single < q->want_single) {
        char path[PATH_CAP];
        pathf(path, "%s/q%d/arrivals.csv", q->dir, q->n_single);
        char d[PATH_CAP];
        pathf(d, "%s/q%d", q->dir, q->n_single);
        mkdir(d, 0777);
        FILE *f = fopen(path, "w");
        if (f) {
            fputs(header, f);
            fputs(row, f);
            fclose(f);
        }
        q->n_single++;
    }
}

static int split_list(const char *gen, const char *dir, int k, long hold, query_out *q)
{
    char in[PATH_CAP], base[PATH_CAP], add[PATH_CAP];
    pathf(in, "%s/%s.csv", gen, LISTS[k]);
    pathf(base, "%s/base/%s.csv", dir, LISTS[k]);
    pathf(add, "%s/new/%s.csv", dir, LISTS[k]);
    long rows = count_rows(in);
    FILE *f = fopen(in, "r"), *b = fopen(base, "w"), *n = fopen(add, "w");
    char *line = NULL, *header = NULL;
    size_t cap = 0;
    int rc = f && b && n && rows > hold ? 0 : -1;
    if (rc == 0 && read_row(f, &line, &cap) >= 0) {
        header = strdup(line);
        fputs(line, b);
        fputs(line, n);
        if (q->batch && k == 0) fputs(line, q->batch); /* the batch: rows of the first list only */
    }
    for (long r = 0; rc == 0 && header && read_row(f, &line, &cap) >= 0; r++) {
        fputs(line, r < rows - hold ? b : n);
        if (r >= rows - hold && k == 0) write_query(q, header, line);
        if (k == 0 && q->batch && q->n_batch < q->want_batch) { /* stored or not: screening as it comes */
            fputs(line, q->batch);
            q->n_batch++;
        }
    }
    if (f) fclose(f);
    if (b && fclose(b) != 0) rc = -1;
    if (n && fclose(n) != 0) rc = -1;
    free(line);
    free(header);
    return rc;
}

static int split(const store_args *a, const char *gen, query_out *q)
{
    char d[PATH_CAP];
    pathf(d, "%s/base", a->dir);
    mkdir(d, 0777);
    pathf(d, "%s/new", a->dir);
    mkdir(d, 0777);
    pathf(d, "%s/batch", a->dir);
    mkdir(d, 0777);
    pathf(d, "%s/batch/arrivals.csv", a->dir);
    q->batch = fopen(d, "w");
    long per = (long)(a->added / N_LISTS);
    int rc = q->batch ? 0 : -1;
    for (int k = 0; rc == 0 && k < N_LISTS; k++)
        rc = split_list(gen, a->dir, k, k == 0 ? (long)a->added - per * (N_LISTS - 1) : per, q);
    if (q->batch && fclose(q->batch) != 0) rc = -1;
    return rc;
}

/* ---- measuring ---- */

static double file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (double)sb.st_size : 0.0;
}

/* The database, its WAL and its index files (STORE.idx.G: one after a
 * committed run, the newest generation). */
static double store_bytes(const char *db)
{
    char side[PATH_CAP];
    pathf(side, "%s-wal", db);
    double total = file_size(db) + file_size(side);
    for (int g = 1; g < 1000; g++) {
        pathf(side, "%s.idx.%d", db, g);
        total += file_size(side);
    }
    return total;
}

static int by_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* The p-th percentile by nearest rank (of n sorted values). */
static double percentile(const double *v, int n, double p)
{
    int k = (int)ceil(p / 100.0 * n) - 1;
    return v[k < 0 ? 0 : k >= n ? n - 1 : k];
}

static void default_watchlink(char *out, size_t cap)
{
    ssize_t n = readlink("/proc/self/exe", out, cap - 16);
    if (n <= 0) {
        snprintf(out, cap, "watchlink");
        return;
    }
    out[n] = '\0';
    char *slash = strrchr(out, '/');
    snprintf(slash ? slash + 1 : out, 16, "watchlink");
}

typedef struct {
    double dedup, index, update, batch, bytes_index, bytes_update, *q;
    double dedup_cpu, index_cpu, update_cpu, batch_cpu, *q_cpu;
    int n_q;
    /* in one warm process (the engine's wl_store_querier_screen on the index file) */
    double *wq, *wq_cpu, w_total, w_total_cpu, w_batch, w_batch_cpu, w_open;
    int n_wq;
    size_t w_pairs;
    double w_threshold; /* the store's, the warm queries' screening threshold */
} figures;

static double self_cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec / 1e6;
}

/* The store's model, through a file (wl_model_load reads files). */
static wl_model *stored_model(const char *db, const char *dir)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    wl_model *m = NULL;
    char path[PATH_CAP], err[512];
    pathf(path, "%s/store-model.json", dir);
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(h, "SELECT value FROM meta WHERE key = 'model'", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        FILE *f = fopen(path, "w");
        if (f) {
            fputs((const char *)sqlite3_column_text(st, 0), f);
            if (fclose(f) == 0) m = wl_model_load(path, err, sizeof err);
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(h);
    return m;
}

/* The store's threshold (meta 'threshold'), or -1 when it cannot be read. */
static double stored_threshold(const char *db)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    double t = -1.0;
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(h, "SELECT value FROM meta WHERE key = 'threshold'", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        t = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(h);
    return t;
}

/* One query of the records of a list file: read, then wl_store_querier_screen
 * at the store's threshold (the service's querier, kept across queries; a
 * screening service reports the hits, as `watchlink query` does, and the pairs
 * that cannot reach the threshold are refused before their names are scored).
 * @return the pairs kept, or -1. */
static long warm_query(wl_store_querier *qr, const char *path, int threads, double threshold)
{
    wl_dataset *q = wl_dataset_create();
    wl_read_options ro = wl_read_default_options();
    wl_read_report rep;
    char err[512];
    wl_match *pairs = NULL;
    size_t n = 0;
    long rc = -1;
    if (q && wl_dataset_read(q, path, &ro, &rep, err, sizeof err) == WL_OK &&
        wl_store_querier_screen(qr, q, threads, threshold, &pairs, &n, err, sizeof err) == WL_OK)
        rc = (long)n;
    free(pairs);
    wl_dataset_free(q);
    return rc;
}

/* Writes each of the first `batch` rows of the batch file, under its header, to
 * DIR/warm/K/warm-one.csv (one file name: the file name is the query's
 * source). All are written before any is queried: rewriting one file per
 * query made ext4 flush it on close (its replace-by-truncate rule), and that
 * cost, 0.2 ms a query, was billed to the query's read. @return the files, or -1. */
static int write_warm_rows(const store_args *a, const char *batch)
{
    char path[PATH_CAP];
    FILE *f = fopen(batch, "r");
    char *header = NULL, *line = NULL;
    size_t cap = 0;
    int n = 0, rc = f && read_row(f, &line, &cap) >= 0 && (header = strdup(line)) ? 0 : -1;
    pathf(path, "%s/warm", a->dir);
    if (rc == 0) mkdir(path, 0777);
    for (; rc == 0 && n <= a->batch && read_row(f, &line, &cap) >= 0; n++) {
        pathf(path, "%s/warm/%d", a->dir, n);
        mkdir(path, 0777);
        pathf(path, "%s/warm/%d/warm-one.csv", a->dir, n);
        FILE *o = fopen(path, "w");
        if (!o) {
            rc = -1;
            break;
        }
        fputs(header, o);
        fputs(line, o);
        if (fclose(o) != 0) rc = -1;
    }
    if (f) fclose(f);
    free(header);
    free(line);
    return rc == 0 ? n : -1;
}

static void remove_warm_rows(const store_args *a, int n)
{
    char path[PATH_CAP];
    for (int k = 0; k < n; k++) {
        pathf(path, "%s/warm/%d/warm-one.csv", a->dir, k);
        unlink(path);
        pathf(path, "%s/warm/%d", a->dir, k);
        rmdir(path);
    }
    pathf(path, "%s/warm", a->dir);
    rmdir(path);
}

/* In one process, as a screening service runs: the index file mapped once,
 * then each of the batch's rows queried alone (its one-row file written
 * before the clock starts; the first query, which opens ICU's
 * transliterators, not counted), then the whole batch in one call. */
static int measure_warm(const store_args *a, const char *db, figures *fg)
{
    char idx[PATH_CAP], batch[PATH_CAP], one[PATH_CAP], err[512];
    pathf(idx, "%s.idx.1", db);
    pathf(batch, "%s/batch/arrivals.csv", a->dir);
    wl_model *m = stored_model(db, a->dir);
    double threshold = stored_threshold(db);
    if (threshold < 0) {
        fprintf(stderr, "store: warm: cannot read the store's threshold\n");
        wl_model_free(m);
        return -1;
    }
    fg->w_threshold = threshold;
    double t = bench_now();
    wl_store_index *x = NULL;
    if (!m || wl_store_index_open(idx, &x, err, sizeof err) != WL_OK) {
        fprintf(stderr, "store: warm: %s\n", m ? err : "cannot read the store's model");
        wl_model_free(m);
        return -1;
    }
    fg->w_open = bench_now() - t;
    wl_store_querier *qr = NULL;
    if (wl_store_querier_create(x, m, &qr) != WL_OK) {
        fprintf(stderr, "store: warm: out of memory\n");
        wl_store_index_close(x);
        wl_model_free(m);
        return -1;
    }
    int n = write_warm_rows(a, batch), rc = n < 0 ? -1 : 0;
    for (int k = 0; rc == 0 && k < n; k++) {
        pathf(one, "%s/warm/%d/warm-one.csv", a->dir, k);
        double t0 = bench_now(), c0 = self_cpu();
        long np = warm_query(qr, one, a->threads, threshold);
        double wall = bench_now() - t0, cpu = self_cpu() - c0;
        if (np < 0) rc = -1;
        if (k == 0) continue; /* the first query opens ICU's transliterators: warm-up, not counted */
        fg->wq[fg->n_wq] = wall;
        fg->wq_cpu[fg->n_wq++] = cpu;
        fg->w_total += wall;
        fg->w_total_cpu += cpu;
        fg->w_pairs += (size_t)np;
    }
    if (rc == 0) {
        double t0 = bench_now(), c0 = self_cpu();
        rc = warm_query(qr, batch, a->threads, threshold) < 0 ? -1 : 0;
        fg->w_batch = bench_now() - t0;
        fg->w_batch_cpu = self_cpu() - c0;
    }
    wl_store_querier_free(qr);
    wl_store_index_close(x);
    wl_model_free(m);
    if (n > 0) remove_warm_rows(a, n);
    return rc;
}

static int measure(const store_args *a, const char *w, const query_out *qo, figures *fg)
{
    char db[PATH_CAP], log[PATH_CAP], base[PATH_CAP], add[PATH_CAP], path[PATH_CAP];
    pathf(db, "%s/store.db", a->dir);
    pathf(log, "%s/log.txt", a->dir);
    pathf(base, "%s/base", a->dir);
    pathf(add, "%s/new", a->dir);
    unlink(db);
    cmdline c;
    cmd_init(&c, w, "dedup");
    cmd_lists(&c, base);
    cmd_arg(&c, "-o");
    cmd_arg(&c, "/dev/null");
    if ((fg->dedup = cmd_run(&c, a, log)) < 0) return -1;
    fg->dedup_cpu = g_cpu;
    cmd_init(&c, w, "index");
    cmd_arg(&c, db);
    cmd_lists(&c, base);
    if ((fg->index = cmd_run(&c, a, log)) < 0) return -1;
    fg->index_cpu = g_cpu;
    fg->bytes_index = store_bytes(db);
    fprintf(stderr, "store: dedup %.2f s, index %.2f s\n", fg->dedup, fg->index);
    if (measure_warm(a, db, fg) != 0) return -1;
    for (int i = 0; i < qo->n_single; i++) {
        pathf(path, "%s/q%d/arrivals.csv", a->dir, i);
        cmd_init(&c, w, "query");
        cmd_arg(&c, db);
        cmd_arg(&c, path);
        cmd_arg(&c, "-o");
        cmd_arg(&c, "/dev/null");
        if ((fg->q[fg->n_q] = cmd_run(&c, a, log)) < 0) return -1;
        fg->q_cpu[fg->n_q++] = g_cpu;
    }
    pathf(path, "%s/batch/arrivals.csv", a->dir);
    cmd_init(&c, w, "query");
    cmd_arg(&c, db);
    cmd_arg(&c, path);
    cmd_arg(&c, "-o");
    cmd_arg(&c, "/dev/null");
    if ((fg->batch = cmd_run(&c, a, log)) < 0) return -1;
    fg->batch_cpu = g_cpu;
    cmd_init(&c, w, "update");
    cmd_arg(&c, db);
    cmd_lists(&c, add);
    if ((fg->update = cmd_run(&c, a, log)) < 0) return -1;
    fg->update_cpu = g_cpu;
    fg->bytes_update = store_bytes(db);
    return 0;
}

static void report(const store_args *a, const query_out *qo, figures *fg)
{
    qsort(fg->q, (size_t)fg->n_q, sizeof *fg->q, by_double);
    qsort(fg->q_cpu, (size_t)fg->n_q, sizeof *fg->q_cpu, by_double);
    double n_base = a->records, n_all = a->records + a->added;
    printf("records in the store: %.0f (8 lists); update: %.0f new records; threads: %d (0: all cores)\n", n_base,
           a->added, a->threads);
    printf("| step | wall s | CPU s (user + sys) | target |\n|---|---:|---:|---|\n");
    printf("| dedup of the base lists | %.2f | %.2f | |\n", fg->dedup, fg->dedup_cpu);
    printf("| index of the same lists | %.2f (%.2fx dedup) | %.2f (%.2fx) | <= 1.5x dedup |\n", fg->index,
           fg->index / fg->dedup, fg->index_cpu, fg->index_cpu / fg->dedup_cpu);
    printf("| update with %.0f new records | %.2f | %.2f | <= 3 s |\n", a->added, fg->update, fg->update_cpu);
    printf("| query of 1 record, median of %d | %.3f | %.3f | <= 0.005 |\n", fg->n_q, percentile(fg->q, fg->n_q, 50),
           percentile(fg->q_cpu, fg->n_q, 50));
    printf("| query of 1 record, p99 of %d | %.3f | %.3f | <= 0.020 |\n", fg->n_q, percentile(fg->q, fg->n_q, 99),
           percentile(fg->q_cpu, fg->n_q, 99));
    printf("| query of %d records in one run | %.2f | %.2f | 10^4 in <= 2 s |\n", qo->n_batch, fg->batch,
           fg->batch_cpu);
    qsort(fg->wq, (size_t)fg->n_wq, sizeof *fg->wq, by_double);
    qsort(fg->wq_cpu, (size_t)fg->n_wq, sizeof *fg->wq_cpu, by_double);
    printf("| one warm process: index file opened and checked | %.3f | | |\n", fg->w_open);
    printf("| one warm process: query of 1 record, median of %d | %.5f | %.5f | <= 0.005 |\n", fg->n_wq,
           percentile(fg->wq, fg->n_wq, 50), percentile(fg->wq_cpu, fg->n_wq, 50));
    printf("| one warm process: query of 1 record, p99 of %d | %.5f | %.5f | <= 0.020 |\n", fg->n_wq,
           percentile(fg->wq, fg->n_wq, 99), percentile(fg->wq_cpu, fg->n_wq, 99));
    printf("| one warm process: %d one-record queries, total (%.2f hits each at the store's threshold %g) | %.2f | "
           "%.2f | <= 2 s |\n",
           fg->n_wq, fg->n_wq ? (double)fg->w_pairs / fg->n_wq : 0.0, fg->w_threshold, fg->w_total, fg->w_total_cpu);
    printf("| one warm process: the %d records in one call | %.2f | %.2f | |\n", qo->n_batch, fg->w_batch,
           fg->w_batch_cpu);
    printf("| store bytes per record after index | %.0f | | <= 1024 |\n", fg->bytes_index / n_base);
    printf("| store bytes per record after update | %.0f | | <= 1024 |\n", fg->bytes_update / n_all);
}

int bench_store(int argc, char **argv)
{
    store_args a;
    int p = parse(argc, argv, &a);
    if (p) {
        usage(p > 0 ? stdout : stderr);
        return p > 0 ? 0 : 2;
    }
    char tmp[] = "/tmp/wl-bench-store-XXXXXX", w[4096], gen[PATH_CAP];
    if (!a.dir && !(a.dir = mkdtemp(tmp))) return perror("store: mkdtemp"), 1;
    mkdir(a.dir, 0777);
    if (a.watchlink) snprintf(w, sizeof w, "%s", a.watchlink);
    else default_watchlink(w, sizeof w);
    query_out qo = { NULL, 0, a.batch, 0, a.queries, a.dir };
    figures fg = { 0 };
    fg.q = calloc((size_t)a.queries, sizeof *fg.q);
    fg.q_cpu = calloc((size_t)a.queries, sizeof *fg.q_cpu);
    fg.wq = calloc((size_t)a.batch, sizeof *fg.wq);
    fg.wq_cpu = calloc((size_t)a.batch, sizeof *fg.wq_cpu);
    double t0 = bench_now();
    int rc = fg.q && fg.q_cpu && fg.wq && fg.wq_cpu && generate(&a, gen) == 0 && split(&a, gen, &qo) == 0 ? 0 : 1;
    if (rc) fprintf(stderr, "store: cannot make the lists in %s\n", a.dir);
    else fprintf(stderr, "store: lists ready in %.1f s (%s)\n", bench_now() - t0, a.dir);
    if (rc == 0 && measure(&a, w, &qo, &fg) != 0) rc = 1;
    if (rc == 0) report(&a, &qo, &fg);
    free(fg.q);
    free(fg.q_cpu);
    free(fg.wq);
    free(fg.wq_cpu);
    return rc;
}
