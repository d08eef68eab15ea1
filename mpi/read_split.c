/* read_split.c -- watchlink-mpi's read: each rank reads its own byte range of
 * each list (issue 14, version 2 step 1), and every rank ends with the records
 * of all lists in input order, as one process would have read them.
 *
 *  1. Every rank reads the header (wl_list_layout_read) and guesses where the
 *     parts start: part r at the first line start after r/N of the data bytes.
 *  2. Rank r reads the rows that start in [guess r, guess r+1) into a dataset
 *     of its own (wl_dataset_read_range), the last row to its end, and sends
 *     rank r+1 where its next row starts (offset, line, data row). A guess that
 *     fell inside a quoted field (a newline in a name or an address) differs:
 *     rank r+1 reads again from there. Repeated until no rank changes; rank 0
 *     starts at the header's end, so after round k ranks 0..k are right, and
 *     one round is the rule (the guesses hold unless a quoted newline sits on
 *     the split point). Lists without an id column number their rows, so
 *     there the data row count must also agree.
 *  3. The parts are packed and sent to all (MPI_Allgatherv), and every rank
 *     appends them in rank order: input order. A row whose (source, id) an
 *     earlier part already holds is rejected there, as one process rejects it;
 *     the rank that read the row reports it (it has the row's bytes).
 *  4. Rejects go to rank 0 (MPI_Gatherv), which sorts them by list and line
 *     and writes the --rejects file exactly as the watchlink command does.
 * Lists that cannot be split by bytes (gzip, UTF-16, bare-CR line ends, JSON
 * Lines) are read whole by every rank, rank 0 reporting. A list that can be
 * read only once (a fifo, a pipe, anything but a regular file) is read by
 * rank 0 alone and its records broadcast. */
#include <fcntl.h>
#include <time.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "read_split.h"

typedef struct {
    uint32_t list;
    long line;
    char *reason, *raw;
    size_t raw_len;
} reject;

typedef struct {
    reject *r;
    size_t n, cap;
    uint32_t list; /* the list being read */
    int nomem;
} rejects;

static void add_reject(rejects *rs, long line, const char *reason, const char *raw, size_t raw_len)
{
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? rs->cap * 2 : 64;
        reject *p = realloc(rs->r, cap * sizeof *p);
        if (!p) {
            rs->nomem = 1;
            return;
        }
        rs->r = p;
        rs->cap = cap;
    }
    reject *r = &rs->r[rs->n];
    r->list = rs->list;
    r->line = line;
    r->reason = strdup(reason);
    r->raw = malloc(raw_len ? raw_len : 1);
    r->raw_len = raw_len;
    if (!r->reason || !r->raw) {
        free(r->reason);
        free(r->raw);
        rs->nomem = 1;
        return;
    }
    memcpy(r->raw, raw, raw_len);
    rs->n++;
}

static void on_reject(void *user, const char *file, long line, const char *reason, const char *raw, size_t raw_len)
{
    (void)file;
    add_reject(user, line, reason, raw, raw_len);
}

/* Drops the rejects of list `list` at and after index from (a part read again). */
static void drop_rejects(rejects *rs, size_t from)
{
    for (size_t k = from; k < rs->n; k++) {
        free(rs->r[k].reason);
        free(rs->r[k].raw);
    }
    rs->n = from;
}

static void free_rejects(rejects *rs)
{
    drop_rejects(rs, 0);
    free(rs->r);
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Wall seconds this rank spent reading its parts and merging everyone's. */
static double g_part_s, g_merge_s;

/* The worst exit code over the ranks. */
static int worst_of(int rc)
{
    int w = rc;
    MPI_Allreduce(&rc, &w, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return w;
}

/* A list's failure that every rank meets alike (the same bytes give the same
 * error: an empty file, a bad header) is said once, by rank 0; one that rank 0
 * did not meet, by the rank that met it. Every rank must call it at the same
 * point. */
static void say_once(int rank, wl_status st, const char *err)
{
    int root = (int)st;
    MPI_Bcast(&root, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (st == WL_OK) return;
    if (rank == 0) cli_error("%s", err[0] ? err : wl_strerror(st));
    else if (root == WL_OK) cli_error("rank %d: %s", rank, err[0] ? err : wl_strerror(st));
}

static int status_exit(wl_status st)
{
    return st == WL_NOMEM || st == WL_INTERNAL ? EXIT_INTERNAL : EXIT_INPUT;
}

typedef struct {
    int rank, size;
    const char *path;
    const wl_read_options *ro;
    wl_list_layout lay;
    wl_dataset *part;  /* this rank's records of the list */
    wl_row_span *rows; /* their rows */
    wl_read_report rep;
    size_t rejects_from; /* this list's first reject in the rank's list */
    uint64_t sent;       /* bytes this rank sent */
    unsigned moved;      /* times this rank's start was moved by the rank before */
} part_read;

static int read_part(part_read *p, rejects *rs, const wl_row_mark *from, unsigned long long limit, wl_row_mark *end)
{
    drop_rejects(rs, p->rejects_from);
    wl_dataset_free(p->part);
    free(p->rows);
    p->rows = NULL;
    p->part = wl_dataset_create();
    if (!p->part) return EXIT_INTERNAL;
    char err[512] = "";
    wl_status st = wl_dataset_read_range(p->part, p->path, p->ro, from, limit, end, &p->rows, &p->rep, err, sizeof err);
    if (st != WL_OK) {
        cli_error("rank %d: %s", p->rank, err[0] ? err : wl_strerror(st));
        return status_exit(st);
    }
    return rs->nomem ? EXIT_INTERNAL : EXIT_OK;
}

static int same_mark(const wl_row_mark *a, const wl_row_mark *b, int has_id)
{
    return a->at == b->at && a->line == b->line && (has_id || a->data_row == b->data_row);
}

/* Steps 1 and 2: this rank's part, its start agreed with the rank before. */
static int agree_parts(part_read *p, rejects *rs)
{
    char err[512] = "";
    wl_row_mark from, next;
    wl_status st = wl_list_split_guess(p->path, &p->lay, (size_t)p->rank, (size_t)p->size, &from, err, sizeof err);
    if (st == WL_OK)
        st = wl_list_split_guess(p->path, &p->lay, (size_t)p->rank + 1, (size_t)p->size, &next, err, sizeof err);
    int rc = st == WL_OK ? EXIT_OK : status_exit(st);
    if (rc != EXIT_OK) cli_error("rank %d: %s", p->rank, err);
    if (worst_of(rc) != EXIT_OK) return rc;
    unsigned long long limit = p->rank + 1 == p->size ? p->lay.size : next.at;
    wl_row_mark end;
    rc = read_part(p, rs, &from, limit, &end);
    for (int round = 0; round < p->size; round++) {
        if (worst_of(rc) != EXIT_OK) return rc;
        wl_row_mark prev;
        int up = p->rank + 1 < p->size ? p->rank + 1 : MPI_PROC_NULL, down = p->rank > 0 ? p->rank - 1 : MPI_PROC_NULL;
        MPI_Sendrecv(&end, (int)sizeof end, MPI_BYTE, up, 14, &prev, (int)sizeof prev, MPI_BYTE, down, 14, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE);
        p->sent += p->rank + 1 < p->size ? sizeof end : 0;
        int changed = p->rank > 0 && !same_mark(&prev, &from, p->lay.has_id), any = 0;
        MPI_Allreduce(&changed, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
        if (!any) return EXIT_OK;
        if (changed) {
            p->moved++;
            from = prev;
            rc = read_part(p, rs, &from, limit > from.at ? limit : from.at, &end);
        }
    }
    cli_error("rank %d: the parts of %s did not agree after %d rounds", p->rank, p->path, p->size);
    return EXIT_INTERNAL;
}

/* Reads row bytes back from the file, for a row rejected as a duplicate after the merge. */
static int row_bytes(const char *path, const wl_row_span *s, char **out)
{
    *out = malloc(s->len ? s->len : 1);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t got = *out && fd >= 0 ? pread(fd, *out, s->len, (off_t)s->at) : -1;
    if (fd >= 0) close(fd);
    return got == (ssize_t)s->len ? 0 : -1;
}

/* Step 3: every part to every rank, appended in rank order. */
static int merge_parts(part_read *p, rejects *rs, wl_dataset *ds)
{
    size_t len = 0;
    void *mine = wl_dataset_pack(p->part, 0, &len);
    int rc = mine && len <= INT32_MAX ? EXIT_OK : EXIT_INTERNAL;
    if (rc != EXIT_OK) cli_error("rank %d: cannot pack its records of %s (%zu bytes)", p->rank, p->path, len);
    if (worst_of(rc) != EXIT_OK) {
        free(mine);
        return rc;
    }
    int n = (int)len, *counts = malloc((size_t)p->size * sizeof *counts), *displs = malloc((size_t)p->size * sizeof *displs);
    if (!counts || !displs) MPI_Abort(MPI_COMM_WORLD, EXIT_INTERNAL);
    MPI_Allgather(&n, 1, MPI_INT, counts, 1, MPI_INT, MPI_COMM_WORLD);
    size_t total = 0;
    for (int q = 0; q < p->size; q++) {
        displs[q] = (int)total;
        total += (size_t)counts[q];
    }
    char *all = total <= INT32_MAX ? malloc(total ? total : 1) : NULL;
    rc = all ? EXIT_OK : EXIT_INTERNAL;
    if (rc != EXIT_OK) cli_error("rank %d: %zu bytes of records of %s do not fit one exchange", p->rank, total, p->path);
    if (worst_of(rc) == EXIT_OK) {
        MPI_Allgatherv(mine, n, MPI_BYTE, all, counts, displs, MPI_BYTE, MPI_COMM_WORLD);
        p->sent += (uint64_t)len * (uint64_t)(p->size - 1);
        for (int q = 0; q < p->size && rc == EXIT_OK; q++) {
            size_t *dups = NULL, n_dups = 0;
            char(*why)[WL_DUP_REASON_MAX] = NULL;
            wl_status st = wl_dataset_unpack(ds, all + displs[q], (size_t)counts[q], &dups, &n_dups, q == p->rank ? &why : NULL);
            if (st != WL_OK) {
                cli_error("rank %d: records of %s from rank %d: %s", p->rank, p->path, q, wl_strerror(st));
                rc = status_exit(st);
            }
            for (size_t k = 0; q == p->rank && k < n_dups && rc == EXIT_OK; k++) {
                char *raw = NULL;
                const wl_row_span *s = &p->rows[dups[k]];
                if (row_bytes(p->path, s, &raw) != 0) {
                    cli_error("rank %d: %s changed while it was being read", p->rank, p->path);
                    rc = EXIT_INPUT;
                } else {
                    add_reject(rs, s->line, why[k], raw, s->len);
                    p->rep.accepted--;
                    p->rep.rejected++;
                }
                free(raw);
            }
            free(dups);
            free(why);
        }
    }
    free(all);
    free(mine);
    free(counts);
    free(displs);
    return rs->nomem ? EXIT_INTERNAL : rc;
}

/* Step 4, on rank 0: every rank's rejects, sorted by list then line (each row
 * was read by one rank, so no two share a line). */
static int by_list_line(const void *a, const void *b)
{
    const reject *x = a, *y = b;
    if (x->list != y->list) return x->list < y->list ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

static void put(char **b, size_t *len, const void *s, size_t n)
{
    if (*b) memcpy(*b + *len, s, n);
    *len += n;
}

/* Serialises rejects: list, line, reason length and bytes, raw length and bytes. */
static size_t pack_rejects(const rejects *rs, char *b)
{
    size_t len = 0;
    for (size_t k = 0; k < rs->n; k++) {
        const reject *r = &rs->r[k];
        uint64_t rl = strlen(r->reason), wl = r->raw_len;
        int64_t line = r->line;
        put(&b, &len, &r->list, sizeof r->list);
        put(&b, &len, &line, sizeof line);
        put(&b, &len, &rl, sizeof rl);
        put(&b, &len, r->reason, rl);
        put(&b, &len, &wl, sizeof wl);
        put(&b, &len, r->raw, wl);
    }
    return len;
}

static int unpack_rejects(const char *b, size_t len, rejects *out)
{
    size_t at = 0;
    while (at < len) {
        uint32_t list;
        int64_t line;
        uint64_t rl, wl;
        memcpy(&list, b + at, sizeof list);
        at += sizeof list;
        memcpy(&line, b + at, sizeof line);
        at += sizeof line;
        memcpy(&rl, b + at, sizeof rl);
        at += sizeof rl;
        char *reason = malloc(rl + 1);
        if (!reason) return -1;
        memcpy(reason, b + at, rl);
        reason[rl] = '\0';
        at += rl;
        memcpy(&wl, b + at, sizeof wl);
        at += sizeof wl;
        out->list = list;
        add_reject(out, (long)line, reason, b + at, wl);
        free(reason);
        at += wl;
    }
    return out->nomem ? -1 : 0;
}

static int gather_rejects(int rank, int size, const rejects *mine, rejects *all)
{
    size_t len = pack_rejects(mine, NULL);
    char *b = malloc(len ? len : 1);
    int rc = b && len <= INT32_MAX ? EXIT_OK : EXIT_INTERNAL;
    if (worst_of(rc) != EXIT_OK) {
        free(b);
        return EXIT_INTERNAL;
    }
    pack_rejects(mine, b);
    int n = (int)len, *counts = NULL, *displs = NULL;
    char *recv = NULL;
    if (rank == 0) {
        counts = malloc((size_t)size * sizeof *counts);
        displs = malloc((size_t)size * sizeof *displs);
        if (!counts || !displs) MPI_Abort(MPI_COMM_WORLD, EXIT_INTERNAL);
    }
    MPI_Gather(&n, 1, MPI_INT, counts, 1, MPI_INT, 0, MPI_COMM_WORLD);
    size_t total = 0;
    if (rank == 0) {
        for (int q = 0; q < size; q++) {
            displs[q] = (int)total;
            total += (size_t)counts[q];
        }
        if (total > INT32_MAX || !(recv = malloc(total ? total : 1))) MPI_Abort(MPI_COMM_WORLD, EXIT_INTERNAL);
    }
    MPI_Gatherv(b, n, MPI_BYTE, recv, counts, displs, MPI_BYTE, 0, MPI_COMM_WORLD);
    rc = EXIT_OK;
    if (rank == 0) {
        if (unpack_rejects(recv, total, all) != 0) rc = EXIT_INTERNAL;
        else if (all->n) qsort(all->r, all->n, sizeof *all->r, by_list_line);
    }
    free(recv);
    free(b);
    free(counts);
    free(displs);
    return rc;
}

/* Rank 0: the rejects file, as cli/common.c writes it. */
static int write_rejects(const char *path, const cli_opts *o, const rejects *all)
{
    cli_out out = { 0 };
    if (cli_out_open(&out, path) != 0) return EXIT_INPUT;
    fputs("file,line,reason,row\n", out.f);
    for (size_t k = 0; k < all->n; k++) {
        const reject *r = &all->r[k];
        cli_csv_field(out.f, o->lists[r->list]);
        fprintf(out.f, ",%ld,", r->line);
        cli_csv_field(out.f, r->reason);
        fputc(',', out.f);
        cli_csv_field_n(out.f, r->raw, r->raw_len);
        fputc('\n', out.f);
    }
    return cli_out_commit(&out) == 0 ? EXIT_OK : EXIT_INPUT;
}

/* A list that can be read only once: every rank opening it would take part
 * of its bytes (a fifo gave rank 0 a data row for a header). Rank 0 reads it
 * into ds after the lists before it, so its duplicates and rejects are the
 * single process's, and sends the records it added to the other ranks. */
static int read_on_rank0(const char *path, const wl_read_options *ro, int rank, int size, wl_dataset *ds,
                         wl_read_report *rep, uint64_t *sent)
{
    size_t before = wl_dataset_size(ds);
    int rc = EXIT_OK;
    if (rank == 0) {
        char err[512] = "";
        wl_status st = wl_dataset_read(ds, path, ro, rep, err, sizeof err);
        if (st != WL_OK) cli_error("%s", err[0] ? err : wl_strerror(st));
        rc = st == WL_OK ? EXIT_OK : status_exit(st);
    }
    if (worst_of(rc) != EXIT_OK) return rc;
    size_t len = 0;
    void *pack = rank == 0 ? wl_dataset_pack(ds, before, &len) : NULL;
    unsigned long long n = len;
    MPI_Bcast(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
    if (rank != 0 && n <= INT32_MAX) pack = malloc(n ? n : 1);
    rc = pack && n <= INT32_MAX ? EXIT_OK : EXIT_INTERNAL;
    if (rc != EXIT_OK) cli_error("rank %d: cannot take the %llu bytes of records of %s", rank, n, path);
    if (worst_of(rc) == EXIT_OK) {
        MPI_Bcast(pack, (int)n, MPI_BYTE, 0, MPI_COMM_WORLD);
        if (rank == 0) *sent += (uint64_t)n * (uint64_t)(size - 1);
        size_t *dups = NULL, n_dups = 0;
        wl_status st = rank == 0 ? WL_OK : wl_dataset_unpack(ds, pack, (size_t)n, &dups, &n_dups, NULL);
        if (st != WL_OK || n_dups) /* rank 0 kept only rows new to ds, and every ds was the same */
            cli_error("rank %d: records of %s from rank 0: %s", rank, path,
                      st != WL_OK ? wl_strerror(st) : "not the records rank 0 read");
        rc = st != WL_OK ? status_exit(st) : n_dups ? EXIT_INTERNAL : EXIT_OK;
        free(dups);
    }
    free(pack);
    return rc;
}

/* Reads list i into ds: split, whole on every rank, or on rank 0 alone. */
static int read_list(const cli_opts *o, size_t i, const wl_read_options *ro, int rank, int size, wl_dataset *ds,
                     rejects *rs, wl_read_report *rep, uint64_t *sent, unsigned *moved)
{
    part_read p;
    memset(&p, 0, sizeof p);
    p.rank = rank;
    p.size = size;
    p.path = o->lists[i];
    p.ro = ro;
    p.rejects_from = rs->n;
    int once = 0; /* rank 0 decides; a path it cannot stat is its to report */
    struct stat sb;
    if (rank == 0) once = stat(p.path, &sb) != 0 || !S_ISREG(sb.st_mode);
    MPI_Bcast(&once, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (once) return read_on_rank0(p.path, ro, rank, size, ds, rep, sent);
    char err[512] = "";
    wl_status st = wl_list_layout_read(p.path, ro, &p.lay, err, sizeof err);
    say_once(rank, st, err);
    int rc = st == WL_OK ? EXIT_OK : status_exit(st);
    if (worst_of(rc) != EXIT_OK) return rc;
    if (!p.lay.splittable) {
        wl_read_options whole = *ro;
        if (rank != 0) whole.on_reject = NULL;
        st = wl_dataset_read(ds, p.path, &whole, rep, err, sizeof err);
        say_once(rank, st, err);
        return st == WL_OK ? EXIT_OK : status_exit(st);
    }
    double t0 = now();
    rc = agree_parts(&p, rs);
    double t1 = now();
    if (worst_of(rc) == EXIT_OK) rc = merge_parts(&p, rs, ds);
    g_part_s += t1 - t0;
    g_merge_s += now() - t1;
    /* the list's counts over all ranks, for rank 0's summary */
    unsigned long long mine[3] = { p.rep.rows_read, p.rep.accepted, p.rep.rejected }, sum[3] = { 0, 0, 0 };
    MPI_Allreduce(mine, sum, 3, MPI_UNSIGNED_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
    *rep = p.rep;
    rep->rows_read = sum[0];
    rep->accepted = sum[1];
    rep->rejected = sum[2];
    *sent += p.sent;
    *moved += p.moved;
    wl_dataset_free(p.part);
    free(p.rows);
    return rc;
}

int mpi_read_lists(const cli_opts *o, int rank, int size, wl_dataset *ds, size_t *rejected, uint64_t *sent)
{
    static char names[CLI_MAX_LISTS][128];
    *rejected = 0;
    int rc = cli_source_names(o, names) != 0 ? EXIT_INPUT : EXIT_OK;
    if (rc == EXIT_OK && wl_dataset_set_reference_year(ds, o->reference_year) != WL_OK) {
        if (rank == 0) cli_error("--reference-year takes a year from 1900 to 2100");
        rc = EXIT_INPUT;
    }
    if (rc != EXIT_OK) return rc; /* every rank decides the same from the same argv */
    rejects mine = { NULL, 0, 0, 0, 0 };
    wl_read_options ro = wl_read_default_options();
    ro.map = o->maps;
    ro.n_map = o->n_maps;
    ro.on_reject = on_reject;
    ro.user = &mine;
    size_t total_read = 0, total_ok = 0;
    unsigned moved = 0, moved_all = 0;
    for (size_t i = 0; i < o->n_lists && rc == EXIT_OK; i++) {
        ro.source = i < o->n_sources ? names[i] : NULL;
        ro.default_source = i < o->n_sources ? NULL : names[i];
        ro.delimiter = cli_list_delimiter(o, i);
        mine.list = (uint32_t)i;
        wl_read_report rep;
        memset(&rep, 0, sizeof rep);
        rc = read_list(o, i, &ro, rank, size, ds, &mine, &rep, sent, &moved);
        if (worst_of(rc) != EXIT_OK) break;
        total_read += rep.rows_read;
        total_ok += rep.accepted;
        *rejected += rep.rejected;
        if (rank == 0 && !o->quiet)
            fprintf(stderr, "read %s: %zu row%s, %zu accepted, %zu rejected\n", o->lists[i], rep.rows_read,
                    rep.rows_read == 1 ? "" : "s", rep.accepted, rep.rejected);
    }
    if (worst_of(rc) != EXIT_OK) {
        free_rejects(&mine);
        return rc;
    }
    MPI_Reduce(&moved, &moved_all, 1, MPI_UNSIGNED, MPI_SUM, 0, MPI_COMM_WORLD);
    if (rank == 0 && !o->quiet)
        fprintf(stderr, "mpi: split read: %u part start%s moved to the row end the rank before found; rank 0 "
                        "read its parts in %.2f s, merged all in %.2f s\n", moved_all, moved_all == 1 ? "" : "s",
                g_part_s, g_merge_s);
    rejects all = { NULL, 0, 0, 0, 0 };
    rc = gather_rejects(rank, size, &mine, &all);
    if (rank == 0 && rc == EXIT_OK) {
        if (!o->quiet && o->n_lists > 1)
            fprintf(stderr, "read %zu lists: %zu row%s, %zu accepted, %zu rejected\n", o->n_lists, total_read,
                    total_read == 1 ? "" : "s", total_ok, *rejected);
        if (!o->quiet && total_read != total_ok + *rejected)
            cli_error("rows read %zu != accepted %zu + rejected %zu", total_read, total_ok, *rejected);
        if (!o->quiet && !o->rejects)
            for (size_t k = 0; k < all.n && k < 3; k++)
                fprintf(stderr, "  rejected %s:%ld: %s\n", o->lists[all.r[k].list], all.r[k].line, all.r[k].reason);
        if (o->rejects) rc = write_rejects(o->rejects, o, &all);
    }
    free_rejects(&all);
    free_rejects(&mine);
    return rc;
}
