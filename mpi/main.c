/* main.c -- watchlink-mpi: `match`, `dedup` and `link` under mpirun -np N,
 * with output byte-identical to the single-process `watchlink` (issue 14).
 *
 * Each rank reads its own byte range of every list (read_split.c: rows split
 * at real row boundaries, rejects merged in input order on rank 0), and the
 * records are exchanged so that every rank holds them all, in input order.
 * Rank r then normalises part r of the records (whole chunks of 1,024, in
 * record order) and broadcasts its packed features; every rank merges all
 * parts in order, exactly as one process merges its chunks. Then:
 *  1. every rank builds the blocks of all records (a record chooses its best
 *     partners over all its blocks), but rank r emits only the candidates its
 *     part of the records chose, sorted. Each rank sends 256 evenly spaced
 *     samples of them to all (MPI_Allgatherv); from every part's samples every
 *     rank computes the same N - 1 splitters, which cut the candidate order
 *     into N ranges of about equal size; rank r sends slice q of its sorted
 *     candidates to rank q (MPI_Alltoallv), and rank q joins the slices it
 *     got (block_join.c: a pair two parts chose goes to the same rank from
 *     both, and the join keeps it once). Rank q then holds range q of the
 *     single process's candidates, and only that; the ranges in rank order
 *     are its candidates in its order (where each starts: MPI_Iallgather of
 *     the counts);
 *  2. rank r compares its range;
 *  3. the fit (wl_stage_fit_parts, score/model_fit.c): rank 0 estimates u and
 *     m from random pairs and sessions of the records (every rank holds them)
 *     on all the node's cores while the other ranks sleep, and broadcasts
 *     them; then every rank passes over its own range and the ranks combine
 *     what they found through the calls below: the candidates per pattern of
 *     levels and the name-rarity sums in fixed point (MPI_Allreduce, SUM, of
 *     64-bit integers), each record's closest candidate with thin names
 *     (MPI_Allreduce, MAX), and when linking the strong pairs, far fewer than
 *     the candidates, to rank 0 for the one-to-one count (MPI_Gatherv), sent
 *     back (MPI_Bcast). Only integers are combined, so the model is the single
 *     process's to the bit for any cut; rank 0's model (a flat struct) goes to
 *     every rank as bytes. No rank holds another's candidates or vectors;
 *  4. rank r scores its range; the pairs above the threshold (far fewer than
 *     the candidates) are gathered to rank 0 in rank order (MPI_Gatherv), which
 *     is candidate order, so rank 0 finishes exactly as wl_run would: one-to-one,
 *     best-link, clusters, and one output file written atomically.
 * docs/scale-out.md gives the volumes and the next steps (key-owned blocks
 * shuffled with MPI_Alltoallv, so that no rank holds every record).
 *
 * Faults: after every stage the ranks agree on the worst exit status
 * (MPI_Allreduce, MAX), so every rank leaves through the same collectives and
 * the job exits non-zero with no output file; the failing rank prints its
 * reason and its number. The front end (option parsing, reading with rejects,
 * output files) is the watchlink command's own cli/ code, so the two cannot
 * drift apart. */
#include <mpi.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "output.h"
#include "read_split.h"

typedef struct {
    int rank, size;
    cli_opts o;
    wl_mode mode;
    wl_dataset *ds;
    wl_model *model;
    wl_stages *st;
    size_t rejected;
    size_t lo, hi, n;           /* this rank's candidate range [lo, hi), of n */
    size_t most;                /* the largest range of any rank */
    int local;                  /* ranks on this node */
    uint64_t bytes_records;     /* sent by this rank in the split read (its records to all) */
    uint64_t bytes_features;    /* sent by this rank: its part's features, to every other rank */
    uint64_t bytes_candidates;  /* sent by this rank: the candidates its records chose, each to its range's rank */
    long hwm_kb[8];             /* peak memory (VmHWM) at the end of each stage (STAGE_NAMES) */
    double seconds_normalise;   /* normalising its part */
    double seconds_exchange;    /* sending and receiving every part's features */
    uint64_t bytes_fit;         /* sent by this rank in the fit: its part of each all-reduce, its strong pairs, rank 0 its broadcasts */
    uint64_t bytes_pairs;       /* received by rank 0 in the gather */
} job;

typedef struct {
    const char *name, *args, *what;
    wl_mode mode;
    size_t min_lists, max_lists;
} command;

static const command COMMANDS[] = {
    { "match", "LEFT RIGHT", "pairs across two lists", WL_MODE_LINK, 2, 2 },
    { "dedup", "LIST...", "pairs and clusters within and across lists", WL_MODE_DEDUP, 1, CLI_MAX_LISTS },
    { "link", "LIST...", "pairs and clusters across sources only", WL_MODE_LINK, 1, CLI_MAX_LISTS },
};

static const char USAGE[] =
    "Usage: mpirun -np N watchlink-mpi match|dedup|link LIST... [OPTIONS]\n"
    "The watchlink command's match, dedup and link, with compare and score spread\n"
    "over the MPI ranks; the output is byte for byte the single process's.\n"
    "Options: those of 'watchlink dedup --help' (-o, --clusters, --threshold, --explain,\n"
    "--format, --model, --best-link, --one-to-one, --max-partners, --map, --delimiter,\n"
    "--rejects, --source, --reference-year, --threads (per rank; default: the node's\n"
    "cores over its ranks),\n"
    "--quiet); not --report.\n"
    "Exit status: 0 success, 1 bad input or usage, 2 internal error (any rank).\n";

/* Waits for a request, sleeping 1 ms between tests: Open MPI's blocking calls
 * spin, and a rank spinning while rank 0 fits would take a core from the fit. */
static void wait_asleep(MPI_Request *req)
{
    int done = 0;
    MPI_Test(req, &done, MPI_STATUS_IGNORE);
    while (!done) {
        struct timespec ms = { 0, 1000000 };
        nanosleep(&ms, NULL);
        MPI_Test(req, &done, MPI_STATUS_IGNORE);
    }
}

/* The worst status of all ranks (every rank must call it at the same point).
 * A rank that failed says so, naming itself; when every rank failed (the same
 * bad list seen by all of them), rank 0 alone says so, once. */
static int agree(const job *j, int rc, const char *stage)
{
    /* one reduction: the worst status, and (as the largest of -1 failed,
     * 0 not) -1 exactly when every rank failed */
    int mine[2] = { rc, rc != EXIT_OK ? -1 : 0 }, all[2] = { rc, 0 };
    MPI_Request req;
    MPI_Iallreduce(mine, all, 2, MPI_INT, MPI_MAX, MPI_COMM_WORLD, &req);
    wait_asleep(&req);
    if (rc != EXIT_OK && all[1] == 0)
        cli_error("rank %d of %d failed %s; the job stops with no output", j->rank, j->size, stage);
    else if (rc != EXIT_OK && j->rank == 0)
        cli_error("every rank of %d failed %s; the job stops with no output", j->size, stage);
    return all[0];
}

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Peak memory at the end of each stage, for the summary (docs/scale-out.md). */
static const char *const STAGE_NAMES[8] = { "read", "normalise", "block", "cut and join", "compare",
                                            "fit", "score", "finish" };

/* This process's peak resident memory so far (VmHWM), in kB; 0 when unknown. */
static long hwm_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = 0;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "VmHWM:", 6)) kb = strtol(line + 6, NULL, 10);
    if (f) fclose(f);
    return kb;
}

static void stage_done(job *j, int stage) { j->hwm_kb[stage] = hwm_kb(); }

/* Ranks on this node: they share its cores. */
static int local_ranks(void)
{
    MPI_Comm node;
    int local = 1;
    if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node) == MPI_SUCCESS) {
        MPI_Comm_size(node, &local);
        MPI_Comm_free(&node);
    }
    return local;
}

/* Threads per rank when --threads is not given: the node's cores shared by
 * the ranks on that node, so -np 2 on 2 cores runs 1 thread each. */
static int default_threads(int local)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    long t = cores > 0 ? cores / local : 1;
    return t > 0 ? (int)t : 1;
}

/* Arguments, as the watchlink command parses them. @return EXIT_OK, -2 for
 * --help, or an exit code (every rank decides the same from the same argv). */
static int parse(job *j, int argc, char **argv)
{
    const command *c = NULL;
    for (size_t k = 0; argc > 1 && k < sizeof COMMANDS / sizeof COMMANDS[0]; k++)
        if (!strcmp(argv[1], COMMANDS[k].name)) c = &COMMANDS[k];
    if (!c) {
        if (j->rank == 0) {
            if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
                fputs(USAGE, stdout);
                return -2;
            }
            fputs(USAGE, stderr);
        }
        return EXIT_INPUT;
    }
    for (int i = 2; i < argc; i++)
        if (!strcmp(argv[i], "--report") || !strcmp(argv[i], "--truth")) {
            if (j->rank == 0)
                cli_error("%s is not available under MPI: run 'watchlink %s ... %s' in one process",
                          argv[i], c->name, argv[i]);
            return EXIT_INPUT;
        }
    int p = cli_parse_strict(argc - 1, argv + 1, &j->o, j->rank == 0 ? USAGE : "", USAGE);
    if (p != 0) return p == -2 ? -2 : EXIT_INPUT;
    if (j->o.n_lists < c->min_lists || j->o.n_lists > c->max_lists) {
        if (j->rank == 0)
            cli_error("%s takes %s", c->name, c->max_lists == 2 ? "exactly two lists" : "at least one list");
        return EXIT_INPUT;
    }
    j->mode = c->mode;
    j->o.progress = 0;
    if (j->rank != 0) { /* rank 0 alone reports and keeps the rejects */
        j->o.quiet = 1;
        j->o.rejects = NULL;
    }
    j->local = local_ranks();
    if (j->o.threads == 0) j->o.threads = default_threads(j->local);
    return EXIT_OK;
}

/* Every rank reads its part of every list, and gets all records (read_split.c);
 * then the model. */
static int read_inputs(job *j)
{
    j->ds = wl_dataset_create();
    if (!j->ds) return EXIT_INTERNAL;
    int rc = mpi_read_lists(&j->o, j->rank, j->size, j->ds, &j->rejected, &j->bytes_records);
    char err[512] = "";
    if (rc == EXIT_OK && j->o.model && !(j->model = wl_model_load(j->o.model, err, sizeof err))) {
        cli_error("%s", err);
        rc = EXIT_INPUT;
    }
    return rc;
}

static int status_exit(wl_status st) { return st == WL_USAGE || st == WL_INPUT ? EXIT_INPUT : EXIT_INTERNAL; }

/* Every rank's part (len bytes at mine), on every rank, concatenated in rank
 * order: each part is broadcast by its rank, in pieces under MPI's int
 * counts. lens[q] (the caller's, size entries) receives part q's length.
 * @return EXIT_OK, or the agreed failure (no memory on some rank). */
static int share_parts(job *j, const void *mine, size_t len, unsigned char **all, size_t *total,
                       unsigned long long *lens, const char *what)
{
    *all = NULL;
    *total = 0;
    unsigned long long my = len;
    MPI_Request req;
    MPI_Iallgather(&my, 1, MPI_UNSIGNED_LONG_LONG, lens, 1, MPI_UNSIGNED_LONG_LONG, MPI_COMM_WORLD, &req);
    wait_asleep(&req);
    for (int q = 0; q < j->size; q++) *total += lens[q];
    *all = malloc(*total ? *total : 1);
    if (!*all) cli_error("no memory for the %zu bytes of every rank's %s", *total, what);
    int rc = agree(j, *all ? EXIT_OK : EXIT_INTERNAL, what);
    const size_t piece = (size_t)1 << 30;
    size_t at = 0; /* where part q starts */
    for (int q = 0; rc == EXIT_OK && q < j->size; at += lens[q], q++) {
        if (q == j->rank && len) memcpy(*all + at, mine, len);
        for (size_t done = 0; done < lens[q]; done += piece) {
            size_t n = lens[q] - done < piece ? lens[q] - done : piece;
            MPI_Ibcast(*all + at + done, (int)n, MPI_BYTE, q, MPI_COMM_WORLD, &req);
            wait_asleep(&req);
        }
    }
    if (rc != EXIT_OK) {
        free(*all);
        *all = NULL;
    }
    return rc;
}

/* Rank r normalises part r of the records (whole chunks, in record order) and
 * every rank gets every part's features, as the engine merges them. */
static int exchange_features(job *j, unsigned char **all, size_t *total)
{
    *all = NULL;
    *total = 0;
    double t = seconds_now();
    void *mine = NULL;
    size_t len = 0;
    wl_status st = wl_stage_normalise_part(j->ds, j->o.threads, (size_t)j->rank, (size_t)j->size, &mine, &len);
    if (st != WL_OK) cli_error("normalising its records failed: %s", wl_strerror(st));
    int rc = agree(j, st == WL_OK ? EXIT_OK : status_exit(st), "normalising its records");
    j->seconds_normalise = seconds_now() - t;
    unsigned long long *lens = malloc((size_t)j->size * sizeof *lens);
    if (!lens) MPI_Abort(MPI_COMM_WORLD, EXIT_INTERNAL); /* cannot leave a collective half-joined */
    if (rc == EXIT_OK) rc = share_parts(j, mine, len, all, total, lens, "features");
    if (rc == EXIT_OK) j->bytes_features = (uint64_t)len * (uint64_t)(j->size - 1);
    j->seconds_exchange = seconds_now() - t - j->seconds_normalise;
    free(lens);
    free(mine);
    return rc;
}

/* Samples of every part's candidates, for the splitters: this many per rank. */
enum { SAMPLES_PER_RANK = 256 };

/* Rank r blocked the candidates its part of the records chose, sorted. They
 * are cut at common splitters (from samples of every part, all-gathered), so
 * that rank q gets range q of the candidate order from every part
 * (MPI_Alltoallv) and joins only those: the union of its range, each pair once
 * (a pair two parts chose goes to the same rank from both), in order. The
 * ranges in rank order are the single process's candidates. */
static int exchange_candidates(job *j)
{
    size_t n = 0, ps = wl_stage_pair_size(), N = (size_t)j->size;
    const unsigned char *mine = wl_stage_part_candidates(j->st, &n);
    unsigned long long info[2], *infos = malloc(2 * N * sizeof *infos);
    size_t *counts = malloc(N * sizeof *counts), *sizes = malloc(N * sizeof *sizes),
           *send = malloc(N * sizeof *send), *recv = malloc(N * sizeof *recv);
    int *scount = malloc(N * sizeof *scount), *sdispl = malloc(N * sizeof *sdispl),
        *rcount = malloc(N * sizeof *rcount), *rdispl = malloc(N * sizeof *rdispl);
    unsigned char *samples = malloc(SAMPLES_PER_RANK * ps), *all_samples = malloc(N * SAMPLES_PER_RANK * ps);
    if (!infos || !counts || !sizes || !send || !recv || !scount || !sdispl || !rcount || !rdispl || !samples ||
        !all_samples)
        MPI_Abort(MPI_COMM_WORLD, EXIT_INTERNAL); /* cannot leave a collective half-joined */
    MPI_Datatype pair;
    MPI_Type_contiguous((int)ps, MPI_BYTE, &pair);
    MPI_Type_commit(&pair);
    MPI_Request req;
    /* every part's samples, and how many candidates each part holds */
    info[0] = wl_stage_part_samples(j->st, SAMPLES_PER_RANK, samples);
    info[1] = n;
    MPI_Iallgather(info, 2, MPI_UNSIGNED_LONG_LONG, infos, 2, MPI_UNSIGNED_LONG_LONG, MPI_COMM_WORLD, &req);
    wait_asleep(&req);
    int at = 0;
    for (size_t q = 0; q < N; q++) {
        counts[q] = (size_t)infos[2 * q];
        sizes[q] = (size_t)infos[2 * q + 1];
        rcount[q] = (int)counts[q];
        rdispl[q] = at;
        at += rcount[q];
    }
    MPI_Iallgatherv(samples, (int)info[0], pair, all_samples, rcount, rdispl, pair, MPI_COMM_WORLD, &req);
    wait_asleep(&req);
    /* the splitters, and this part's slice for every rank */
    wl_status st = wl_stage_part_cut(j->st, all_samples, counts, sizes, N, send);
    if (st != WL_OK) cli_error("cutting its candidates into ranges failed: %s", wl_strerror(st));
    int rc = agree(j, st == WL_OK ? EXIT_OK : status_exit(st), "cutting its candidates into ranges");
    unsigned char *got = NULL;
    size_t total = 0;
    if (rc == EXIT_OK) {
        unsigned long long *s64 = malloc(N * sizeof *s64), *r64 = malloc(N * sizeof *r64);
        if (!s64 || !r64) MPI_Abort(MPI_COMM_WORLD, EXIT_INTERNAL);
        for (size_t q = 0; q < N; q++) s64[q] = send[q];
        MPI_Ialltoall(s64, 1, MPI_UNSIGNED_LONG_LONG, r64, 1, MPI_UNSIGNED_LONG_LONG, MPI_COMM_WORLD, &req);
        wait_asleep(&req);
        size_t sat = 0;
        for (size_t q = 0; q < N; q++) {
            recv[q] = (size_t)r64[q];
            total += recv[q];
            scount[q] = (int)send[q];
            sdispl[q] = (int)sat;
            sat += send[q];
            if (q != (size_t)j->rank) j->bytes_candidates += (uint64_t)send[q] * ps;
        }
        free(s64);
        free(r64);
        /* MPI counts and displacements are int, in pairs */
        int too_many = n > (size_t)INT32_MAX || total > (size_t)INT32_MAX;
        if (too_many) cli_error("rank %d: more than %d candidate pairs to send or receive", j->rank, INT32_MAX);
        got = too_many ? NULL : malloc((total ? total : 1) * ps);
        if (!too_many && !got) cli_error("no memory for the %zu candidate pairs of its range", total);
        rc = agree(j, got ? EXIT_OK : EXIT_INTERNAL, "receiving its range of the candidates");
    }
    if (rc == EXIT_OK) {
        size_t rat = 0;
        for (size_t q = 0; q < N; q++) {
            rcount[q] = (int)recv[q];
            rdispl[q] = (int)rat;
            rat += recv[q];
        }
        MPI_Ialltoallv(mine, scount, sdispl, pair, got, rcount, rdispl, pair, MPI_COMM_WORLD, &req);
        wait_asleep(&req);
        st = wl_stage_join(j->st, got, recv, N);
        if (st != WL_OK) cli_error("joining its range of the candidates failed: %s", wl_strerror(st));
        rc = st == WL_OK ? EXIT_OK : status_exit(st);
    }
    MPI_Type_free(&pair);
    free(got);
    free(all_samples);
    free(samples);
    free(rdispl);
    free(rcount);
    free(sdispl);
    free(scount);
    free(recv);
    free(send);
    free(sizes);
    free(counts);
    free(infos);
    return rc;
}

/* Normalise and block, both spread over the ranks; then each rank joins its
 * range of the candidates. */
static int prepare(job *j)
{
    unsigned char *packed = NULL;
    size_t len = 0;
    int rc = exchange_features(j, &packed, &len);
    stage_done(j, 1);
    if (rc != EXIT_OK) return rc;
    wl_options opt = cli_run_options(&j->o, j->mode);
    char err[512] = "";
    /* Pairs and clusters are written from ids and sources alone (no --report
     * under MPI), so the values go once normalised, as in the watchlink
     * command; and every record's packed features go once unpacked. */
    wl_dataset_release_values(j->ds);
    wl_status st = wl_stage_prepare_part_owned(j->ds, &opt, packed, len, (size_t)j->rank, (size_t)j->size, &j->st,
                                               err, sizeof err);
    if (st != WL_OK) cli_error("%s", err[0] ? err : wl_strerror(st));
    rc = agree(j, st == WL_OK ? EXIT_OK : status_exit(st), "blocking its records");
    stage_done(j, 2);
    if (rc == EXIT_OK) rc = agree(j, exchange_candidates(j), "joining its range of the candidates");
    stage_done(j, 3);
    return rc;
}

/* Where every rank's range starts and how long it is (MPI_Iallgather of the
 * counts: the ranks in order), and the total. Version 1 takes up to 2^31 - 1
 * candidates (MPI counts are int). */
static int place_ranges(job *j)
{
    size_t N = (size_t)j->size;
    unsigned long long mine = wl_stage_candidates(j->st), *all = malloc(N * sizeof *all);
    if (!all) MPI_Abort(MPI_COMM_WORLD, EXIT_INTERNAL);
    MPI_Request req;
    MPI_Iallgather(&mine, 1, MPI_UNSIGNED_LONG_LONG, all, 1, MPI_UNSIGNED_LONG_LONG, MPI_COMM_WORLD, &req);
    wait_asleep(&req);
    size_t n = 0;
    j->most = 0;
    for (size_t q = 0; q < N; q++) {
        if (q == (size_t)j->rank) j->lo = n;
        n += (size_t)all[q];
        if ((size_t)all[q] > j->most) j->most = (size_t)all[q];
    }
    free(all);
    j->n = n;
    j->hi = j->lo + (size_t)mine;
    if (n > (size_t)INT32_MAX) {
        if (j->rank == 0) cli_error("%zu candidate pairs: watchlink-mpi version 1 takes at most %d", n, INT32_MAX);
        return EXIT_INTERNAL;
    }
    return EXIT_OK;
}

/* Rank r compares its range; a test can make one rank fail here
 * (WATCHLINK_MPI_FAIL_RANK=r, tests/e2e/test_mpi.sh) to check the fault path. */
static int compare_range(job *j)
{
    const char *fail = getenv("WATCHLINK_MPI_FAIL_RANK");
    if (fail && atoi(fail) == j->rank) {
        cli_error("rank %d: failure injected by WATCHLINK_MPI_FAIL_RANK", j->rank);
        return EXIT_INTERNAL;
    }
    wl_status st = wl_stage_compare(j->st, 0, j->hi - j->lo);
    return st == WL_OK ? EXIT_OK : status_exit(st);
}

/* The fit's collectives (wl_stage_reduce), called by every rank in the same
 * order from inside wl_stage_fit_parts. An MPI error aborts the job (the
 * default handler), and so does a rank out of memory here: a collective
 * cannot be left half-joined. */
static void too_large(size_t n, const char *what)
{
    if (n <= (size_t)INT32_MAX) return;
    cli_error("%zu %s in one collective of the fit: more than %d", n, what, INT32_MAX);
    MPI_Abort(MPI_COMM_WORLD, EXIT_INTERNAL);
}

static int fit_sum(void *user, int64_t *v, size_t n)
{
    job *j = user;
    too_large(n, "counts");
    MPI_Request req;
    MPI_Iallreduce(MPI_IN_PLACE, v, (int)n, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD, &req);
    wait_asleep(&req);
    if (j->size > 1) j->bytes_fit += n * sizeof *v; /* each rank's contribution */
    return 0;
}

static int fit_max(void *user, uint16_t *v, size_t n)
{
    job *j = user;
    too_large(n, "record maxima");
    MPI_Request req;
    MPI_Iallreduce(MPI_IN_PLACE, v, (int)n, MPI_UINT16_T, MPI_MAX, MPI_COMM_WORLD, &req);
    wait_asleep(&req);
    if (j->size > 1) j->bytes_fit += n * sizeof *v;
    return 0;
}

static int fit_bcast(void *user, void *p, size_t len)
{
    job *j = user;
    too_large(len, "bytes");
    MPI_Request req;
    MPI_Ibcast(p, (int)len, MPI_BYTE, 0, MPI_COMM_WORLD, &req);
    wait_asleep(&req);
    if (j->rank == 0) j->bytes_fit += (uint64_t)len * (uint64_t)(j->size - 1);
    return 0;
}

/* Every rank's bytes to rank 0, in rank order (MPI_Igather of the lengths,
 * then MPI_Igatherv). */
static int fit_gather(void *user, const void *mine, size_t len, void **all, size_t *total)
{
    job *j = user;
    too_large(len, "bytes");
    unsigned long long my = len, *lens = NULL;
    int *counts = NULL, *displs = NULL;
    *all = NULL;
    *total = 0;
    if (j->rank == 0) {
        lens = malloc((size_t)j->size * sizeof *lens);
        counts = malloc((size_t)j->size * sizeof *counts);
        displs = malloc((size_t)j->size * sizeof *displs);
        if (!lens || !counts || !displs) MPI_Abort(MPI_COMM_WORLD, EXIT_INTERNAL);
    }
    MPI_Request req;
    MPI_Igather(&my, 1, MPI_UNSIGNED_LONG_LONG, lens, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD, &req);
    wait_asleep(&req);
    if (j->rank == 0) {
        size_t at = 0;
        for (int q = 0; q < j->size; q++) {
            too_large(at + (size_t)lens[q], "bytes gathered");
            displs[q] = (int)at;
            counts[q] = (int)lens[q];
            at += (size_t)lens[q];
        }
        *all = malloc(at ? at : 1);
        if (!*all) {
            cli_error("no memory for the %zu bytes of every rank's strong pairs", at);
            MPI_Abort(MPI_COMM_WORLD, EXIT_INTERNAL);
        }
        *total = at;
    }
    MPI_Igatherv(mine, (int)len, MPI_BYTE, *all, counts, displs, MPI_BYTE, 0, MPI_COMM_WORLD, &req);
    wait_asleep(&req);
    if (j->rank != 0) j->bytes_fit += len;
    free(lens);
    free(counts);
    free(displs);
    return 0;
}

/* Every rank fits from its range and the others' partial results; rank 0
 * estimates u and m from the records on the threads of every rank of its
 * node (they wait asleep). With --model, every rank takes the saved model. */
static int fit(job *j)
{
    const wl_stage_reduce red = { j, (size_t)j->rank, (size_t)j->size, fit_sum, fit_max, fit_bcast, fit_gather };
    int threads = j->rank == 0 ? j->o.threads * j->local : j->o.threads;
    wl_status st = wl_stage_fit_parts(j->st, j->model, threads, &red);
    if (st != WL_OK) cli_error("fitting the model failed: %s", wl_strerror(st));
    return st == WL_OK ? EXIT_OK : status_exit(st);
}

/* Each rank scores its range; rank 0 gathers the pairs above the threshold in
 * rank order (= candidate order). *all is rank 0's, malloc'd. */
static int gather_pairs(job *j, wl_match *mine, size_t n_mine, wl_match **all, size_t *n_all)
{
    int my = (int)n_mine, *counts = NULL, *displs = NULL;
    *all = NULL;
    *n_all = 0;
    if (j->rank == 0) {
        counts = malloc((size_t)j->size * sizeof *counts);
        displs = malloc((size_t)j->size * sizeof *displs);
        if (!counts || !displs) MPI_Abort(MPI_COMM_WORLD, EXIT_INTERNAL);
    }
    MPI_Request req;
    MPI_Igather(&my, 1, MPI_INT, counts, 1, MPI_INT, 0, MPI_COMM_WORLD, &req);
    wait_asleep(&req);
    if (j->rank == 0) {
        size_t total = 0;
        for (int q = 0; q < j->size; q++) {
            displs[q] = (int)total;
            total += (size_t)counts[q];
        }
        if (total > (size_t)INT32_MAX) MPI_Abort(MPI_COMM_WORLD, EXIT_INTERNAL);
        *all = malloc((total ? total : 1) * sizeof **all);
        if (!*all) MPI_Abort(MPI_COMM_WORLD, EXIT_INTERNAL);
        *n_all = total;
        j->bytes_pairs = (uint64_t)(total - n_mine) * sizeof(wl_match);
    }
    MPI_Datatype mt;
    MPI_Type_contiguous((int)sizeof(wl_match), MPI_BYTE, &mt);
    MPI_Type_commit(&mt);
    MPI_Igatherv(mine, my, mt, *all, counts, displs, mt, 0, MPI_COMM_WORLD, &req);
    wait_asleep(&req);
    MPI_Type_free(&mt);
    free(counts);
    free(displs);
    return EXIT_OK;
}

static int score(job *j, wl_match **all, size_t *n_all)
{
    wl_match *mine = NULL;
    size_t n_mine = 0;
    wl_status st = wl_stage_score(j->st, 0, j->hi - j->lo, &mine, &n_mine);
    int rc = agree(j, st == WL_OK ? EXIT_OK : status_exit(st), "scoring its candidates");
    if (rc == EXIT_OK) rc = gather_pairs(j, mine, n_mine, all, n_all);
    free(mine);
    return rc;
}

/* Rank 0 gathers every rank's peak memory, for the summary (docs/scale-out.md). */
static void print_mpi_summary(const job *j, int rc)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    long kb = ru.ru_maxrss, *all = j->rank == 0 ? malloc((size_t)j->size * sizeof *all) : NULL;
    unsigned long long fitb = j->bytes_fit, fit_total = 0;
    MPI_Request req[2]; /* the others wait asleep while rank 0 clusters and writes */
    MPI_Igather(&kb, 1, MPI_LONG, all, 1, MPI_LONG, 0, MPI_COMM_WORLD, &req[0]);
    wait_asleep(&req[0]);
    MPI_Ireduce(&fitb, &fit_total, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, 0, MPI_COMM_WORLD, &req[1]);
    wait_asleep(&req[1]);
    unsigned long long rec = j->bytes_records, rec_total = 0, feat = j->bytes_features, feat_total = 0;
    MPI_Ireduce(&rec, &rec_total, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, 0, MPI_COMM_WORLD, &req[1]);
    wait_asleep(&req[1]);
    MPI_Ireduce(&feat, &feat_total, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, 0, MPI_COMM_WORLD, &req[1]);
    wait_asleep(&req[1]);
    unsigned long long cand = j->bytes_candidates, cand_total = 0;
    MPI_Ireduce(&cand, &cand_total, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, 0, MPI_COMM_WORLD, &req[1]);
    wait_asleep(&req[1]);
    /* the peak at each stage's end: rank 0's, and the largest of the others' */
    long none[8] = { 0 }, others[8] = { 0 };
    MPI_Ireduce(j->rank == 0 ? none : j->hwm_kb, others, 8, MPI_LONG, MPI_MAX, 0, MPI_COMM_WORLD, &req[1]);
    wait_asleep(&req[1]);
    if (j->rank == 0 && rc == EXIT_OK && !j->o.quiet) {
        fprintf(stderr, "mpi: split read: %llu bytes of records sent between ranks (%.0f per record)\n", rec_total,
                wl_dataset_size(j->ds) ? (double)rec_total / (double)wl_dataset_size(j->ds) : 0.0);
        fprintf(stderr, "mpi: normalise: rank 0 normalised its part in %.2f s; %llu bytes of features sent "
                        "between ranks (%.0f per record) in %.2f s\n", j->seconds_normalise, feat_total,
                wl_dataset_size(j->ds) ? (double)feat_total / (double)wl_dataset_size(j->ds) : 0.0,
                j->seconds_exchange);
        fprintf(stderr, "mpi: block: %llu bytes of candidates sent between ranks (%.1f per candidate), each "
                        "to the rank of its range\n",
                cand_total, j->n ? (double)cand_total / (double)j->n : 0.0);
        fprintf(stderr, "mpi: %d ranks, %d threads each; %zu candidates, %zu per rank at most\n", j->size,
                j->o.threads, j->n, j->most);
        fprintf(stderr, "mpi: fit: %llu bytes of counts, maxima, strong pairs and models sent between ranks "
                        "(%.1f per record, %.3f per candidate)\n", fit_total,
                wl_dataset_size(j->ds) ? (double)fit_total / (double)wl_dataset_size(j->ds) : 0.0,
                j->n ? (double)fit_total / (double)j->n : 0.0);
        fprintf(stderr, "mpi: sent %llu bytes of pairs above the threshold (%zu per pair) to rank 0\n",
                (unsigned long long)j->bytes_pairs, sizeof(wl_match));
        fputs("mpi: peak memory at stage ends (MB), rank 0 / largest of the others:", stderr);
        for (int k = 0; k < 8; k++)
            fprintf(stderr, "%s %s %.0f / %.0f", k ? ";" : "", STAGE_NAMES[k], (double)j->hwm_kb[k] / 1024.0,
                    (double)others[k] / 1024.0);
        fputc('\n', stderr);
        fputs("mpi: peak memory per rank (MB):", stderr);
        for (int q = 0; all && q < j->size; q++) fprintf(stderr, " %.1f", (double)all[q] / 1024.0);
        fputc('\n', stderr);
    }
    free(all);
}

static int finish(job *j, wl_match *all, size_t n_all)
{
    if (j->rank != 0) return EXIT_OK;
    wl_result *r = NULL;
    wl_status st = wl_stage_finish(j->st, all, n_all, &r);
    if (st != WL_OK) {
        cli_error("clustering failed: %s", wl_strerror(st));
        return status_exit(st);
    }
    int rc = cli_write_outputs(&j->o, j->ds, r);
    if (rc == EXIT_OK && !j->o.quiet) out_summary(wl_result_stats(r), j->rejected);
    wl_result_free(r);
    return rc;
}

static int run(job *j, int argc, char **argv)
{
    int rc = parse(j, argc, argv);
    if (rc != EXIT_OK) return rc == -2 ? EXIT_OK : rc;
    rc = agree(j, read_inputs(j), "reading the lists");
    stage_done(j, 0);
    if (rc != EXIT_OK) return rc;
    if ((rc = agree(j, prepare(j), "normalising and blocking")) != EXIT_OK) return rc;
    if ((rc = agree(j, place_ranges(j), "placing the ranges")) != EXIT_OK) return rc;
    rc = agree(j, compare_range(j), "comparing its candidates");
    stage_done(j, 4);
    if (rc != EXIT_OK) return rc;
    rc = agree(j, fit(j), "fitting the model");
    stage_done(j, 5);
    if (rc != EXIT_OK) return rc;
    wl_match *all = NULL;
    size_t n_all = 0;
    rc = score(j, &all, &n_all);
    stage_done(j, 6);
    if (rc != EXIT_OK) return rc;
    rc = finish(j, all, n_all); /* rank 0 alone: it owns the output */
    stage_done(j, 7);
    print_mpi_summary(j, rc);
    return rc;
}

int main(int argc, char **argv)
{
    cli_prefer_huge_pages(argv); /* as the watchlink command: before MPI or anything else starts */
    MPI_Init(&argc, &argv);
    job j;
    memset(&j, 0, sizeof j);
    MPI_Comm_rank(MPI_COMM_WORLD, &j.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &j.size);
    int rc = run(&j, argc, argv);
    wl_stage_free(j.st);
    wl_model_free(j.model);
    wl_dataset_free(j.ds);
    MPI_Finalize();
    return rc;
}
