/*
 * bench_gen.c -- `watchlink-bench gen`: national watchlists with known truth.
 *
 *   watchlink-bench gen --out DIR --records N [--lists K] [--seed S]
 *                       [--overlap F] [--pools DIR]
 *
 * Persons are drawn one after another from the seed (gen_person.c) and written
 * at once to the lists they appear in, so memory stays flat at any N; only
 * within-list duplicates wait in a small queue, so that a person's two entries
 * in one list are not neighbours. Every record gets its own random stream
 * derived from (seed, person, record), and record ids are a keyed permutation
 * of the per-list counter: the output is a pure function of the arguments.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench.h"
#include "gen_lists.h"
#include "gen_truth.h"

enum { GEN_MAX_RECS = 8, GEN_QUEUE = 4096 };

/* Share of persons with two or more records (--overlap) and how many more.
 * Within-list duplicates: the same person entered twice by one agency. */
#define GEN_DEFAULT_OVERLAP  0.35
#define GEN_RATE_DUP_IN_LIST 0.12
#define GEN_RATE_HOME_LIST   0.75 /* first record in the list of the person's own country */

typedef struct {
    const char *out, *pools;
    uint64_t records, seed;
    int lists;
    double overlap;
} gen_args;

typedef struct {
    gen_person p;
    int list, native;
    unsigned id;
    uint32_t rec;
    uint64_t due;
} pending;

typedef struct {
    gen_args a;
    gen_pools pools;
    FILE *f[GEN_N_LISTS];
    uint64_t target[GEN_N_LISTS], used[GEN_N_LISTS], remaining;
    double nat_weight[GEN_N_COUNTRIES];
    gen_truth truth;
    pending *queue;
    size_t q_head, q_len;
    uint64_t persons, kinds[3]; /* kinds: new persons, relatives, namesakes */
} gen_state;

/* ---------------------------------------------------------------- arguments */

static void gen_usage(FILE *f)
{
    fprintf(f,
            "Usage: watchlink-bench gen --out DIR --records N [--lists K] [--seed S]\n"
            "                           [--overlap F] [--pools DIR]\n"
            "Writes K national lists (1..8 of idn mys tha vnm phl mmr khm sgp; default 8) with\n"
            "N records in total, and truth_pairs.csv / truth_clusters.csv. The same arguments\n"
            "give the same bytes. F: share of persons listed more than once (default %.2f).\n"
            "Pools default to %s.\n",
            GEN_DEFAULT_OVERLAP, bench_pools_dir());
}

static int parse_count(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end); /* accepts 1e6 as well as 1000000 */
    if (end == s || *end || errno || v < 0 || v > 1e9 || v != (double)(uint64_t)v) return -1;
    *out = (uint64_t)v;
    return 0;
}

static int parse_args(int argc, char **argv, gen_args *a)
{
    *a = (gen_args){NULL, bench_pools_dir(), 10000, 1, GEN_N_LISTS, GEN_DEFAULT_OVERLAP};
    for (int i = 1; i < argc; i += 2) { /* OPTION VALUE pairs */
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            gen_usage(stdout);
            exit(0);
        }
        if (!v) {
            fprintf(stderr, "gen: %s needs a value\n", o);
            return -1;
        }
        uint64_t n = 0;
        int bad = 0;
        if (!strcmp(o, "--out"))
            a->out = v;
        else if (!strcmp(o, "--pools"))
            a->pools = v;
        else if (!strcmp(o, "--records"))
            bad = parse_count(v, &a->records) || a->records == 0;
        else if (!strcmp(o, "--seed"))
            bad = parse_count(v, &a->seed);
        else if (!strcmp(o, "--lists")) {
            bad = parse_count(v, &n) || n < 1 || n > GEN_N_LISTS;
            a->lists = (int)n;
        } else if (!strcmp(o, "--overlap")) {
            char *end;
            a->overlap = strtod(v, &end);
            bad = end == v || *end || !(a->overlap >= 0 && a->overlap <= 1);
        } else {
            fprintf(stderr, "gen: unknown option '%s'\n", o);
            return -1;
        }
        if (bad) {
            fprintf(stderr, "gen: bad value '%s' for %s\n", v, o);
            return -1;
        }
    }
    if (!a->out) {
        fprintf(stderr, "gen: --out DIR is required\n");
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ helpers */

/* Record ids: a 4-round Feistel permutation of the 32-bit counter keyed by the
 * seed and the list (Luby & Rackoff 1988), so ids are unique, look random and
 * say nothing about which records belong together. */
static unsigned permute_id(uint64_t seed, int list, uint32_t x)
{
    uint32_t l = x >> 16, r = x & 0xFFFF;
    for (int round = 0; round < 4; round++) {
        uint64_t k = seed * 0x9E3779B97F4A7C15ULL + (uint64_t)(list * 8 + round);
        uint32_t f = (uint32_t)(gen_splitmix(&k) ^ (r * 0x85EBCA6BU)) & 0xFFFF;
        uint32_t t = r;
        r = l ^ f;
        l = t;
    }
    return (l << 16) | r;
}

static void record_rng(const gen_state *s, uint64_t pid, uint32_t rec, gen_rng *r)
{
    uint64_t k = s->a.seed ^ (pid * 0xD1B54A32D192ED03ULL) ^ ((uint64_t)rec << 56);
    gen_rng_seed(r, gen_splitmix(&k));
}

static void set_nat_weights(gen_state *s)
{
    static const double foreign[GEN_N_COUNTRIES] = {
        [GEN_CHN] = .25, [GEN_RUS] = .10, [GEN_KAZ] = .04, [GEN_UZB] = .04,
        [GEN_IND] = .12, [GEN_SAU] = .04, [GEN_YEM] = .03};
    for (int c = 0; c < GEN_N_COUNTRIES; c++)
        s->nat_weight[c] =
            c < GEN_N_LISTS ? (c < s->a.lists ? 1.0 : 0.25) : foreign[c] * s->a.lists / GEN_N_LISTS;
}

/* ------------------------------------------------------------------- output */

static int open_lists(gen_state *s, char *err, size_t errcap)
{
    if (mkdir(s->a.out, 0777) != 0 && errno != EEXIST) {
        snprintf(err, errcap, "cannot create directory %s", s->a.out);
        return -1;
    }
    for (int k = 0; k < s->a.lists; k++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.csv", s->a.out, gen_list_spec_of((gen_country_id)k)->file);
        s->f[k] = fopen(path, "wb");
        if (!s->f[k]) {
            snprintf(err, errcap, "cannot create %s", path);
            return -1;
        }
        setvbuf(s->f[k], NULL, _IOFBF, 1 << 20);
        gen_list_write_header(s->f[k], (gen_country_id)k);
        s->target[k] =
            s->a.records / (uint64_t)s->a.lists + ((uint64_t)k < s->a.records % (uint64_t)s->a.lists);
    }
    s->remaining = s->a.records;
    return gen_truth_open(&s->truth, s->a.out, err, errcap);
}

static void write_one(gen_state *s, const gen_person *p, int list, unsigned id, int native, uint32_t rec)
{
    gen_rng r;
    record_rng(s, p->pid, rec, &r);
    gen_list_write_record(s->f[list], (gen_country_id)list, p, id, native, &r);
}

static void queue_flush_one(gen_state *s)
{
    pending *q = &s->queue[s->q_head];
    write_one(s, &q->p, q->list, q->id, q->native, q->rec);
    s->q_head = (s->q_head + 1) % GEN_QUEUE;
    s->q_len--;
}

static void queue_push(gen_state *s, const gen_person *p, int list, unsigned id, int native, uint32_t rec,
                       uint64_t delay)
{
    if (s->q_len == GEN_QUEUE) queue_flush_one(s);
    pending *q = &s->queue[(s->q_head + s->q_len) % GEN_QUEUE];
    *q = (pending){*p, list, native, id, rec, s->persons + delay};
    s->q_len++;
}

/* The queue is FIFO; entries fall due roughly in order, which is all the
 * spreading needs. */
static void queue_release(gen_state *s, int all)
{
    while (s->q_len && (all || s->queue[s->q_head].due <= s->persons))
        queue_flush_one(s);
}

/* ----------------------------------------------------------------- planning */

static int draw_n_records(gen_state *s, gen_rng *r)
{
    int n = 1;
    if (gen_rng_chance(r, s->a.overlap)) {
        double u = gen_rng_unit(r);
        n = u < 0.60 ? 2 : u < 0.85 ? 3 : u < 0.95 ? 4 : 5;
    }
    return (uint64_t)n > s->remaining ? (int)s->remaining : n;
}

/* A list with room, weighted by its remaining room so the lists fill evenly. */
static int pick_open_list(gen_state *s, gen_rng *r, const int *taken)
{
    double w[GEN_N_LISTS] = {0};
    int any = 0;
    for (int k = 0; k < s->a.lists; k++)
        if (s->used[k] < s->target[k] && !(taken && taken[k])) {
            w[k] = (double)(s->target[k] - s->used[k]);
            any = 1;
        }
    return any ? gen_rng_weighted(r, w, GEN_N_LISTS) : -1;
}

static int plan_lists(gen_state *s, const gen_person *p, gen_rng *r, int n, int *list)
{
    int taken[GEN_N_LISTS] = {0};
    int got = 0;
    for (int j = 0; j < n; j++) {
        int k = -1;
        if (j == 0 && (int)p->nat < s->a.lists && s->used[p->nat] < s->target[p->nat] &&
            gen_rng_chance(r, GEN_RATE_HOME_LIST))
            k = (int)p->nat;
        if (k < 0 && j > 0 && gen_rng_chance(r, GEN_RATE_DUP_IN_LIST)) {
            int d = list[gen_rng_below(r, (uint32_t)got)];
            if (s->used[d] < s->target[d]) k = d;
        }
        if (k < 0) k = pick_open_list(s, r, taken);
        if (k < 0) k = pick_open_list(s, r, NULL);
        if (k < 0) break;
        taken[k] = 1;
        s->used[k]++;
        list[got++] = k;
    }
    return got;
}

/* At most one record per person is in the person's own script, so the others
 * carry the romanisation their lists use. */
static int plan_native(const gen_person *p, const int *list, int n, gen_rng *r)
{
    static const double rate[CUL_COUNT] = {[CUL_MALAY] = .15, [CUL_ARAB] = .15,    [CUL_CHINESE] = .12,
                                           [CUL_THAI] = .40,  [CUL_RUSSIAN] = .35, [CUL_CENTRAL_ASIAN] = .35};
    for (int j = 0; j < n; j++)
        if (gen_native_script_ok(p, (gen_country_id)list[j]))
            return gen_rng_chance(r, rate[p->culture]) ? j : -1;
    return -1;
}

static void emit_person(gen_state *s, const gen_person *p, gen_rng *r)
{
    int list[GEN_MAX_RECS], seen[GEN_N_LISTS] = {0};
    int n = plan_lists(s, p, r, draw_n_records(s, r), list);
    int native = plan_native(p, list, n, r);
    gen_rec_ref refs[GEN_MAX_RECS];
    for (int j = 0; j < n; j++) {
        int k = list[j];
        /* The global record number is unique, hence so is its permutation within a list. */
        unsigned id = permute_id(s->a.seed, k, (uint32_t)(s->truth.n_records + (uint64_t)j));
        refs[j].source = gen_list_spec_of((gen_country_id)k)->file;
        gen_list_format_id((gen_country_id)k, id, refs[j].id, sizeof refs[j].id);
        if (seen[k]++)
            queue_push(s, p, k, id, j == native, (uint32_t)j, 1 + gen_rng_below(r, 2000));
        else
            write_one(s, p, k, id, j == native, (uint32_t)j);
    }
    gen_truth_person(&s->truth, p->pid, refs, n);
    s->remaining -= (uint64_t)n;
}

/* --------------------------------------------------------------------- main */

static void close_all(gen_state *s, int *rc)
{
    for (int k = 0; k < GEN_N_LISTS; k++) {
        if (!s->f[k]) continue;
        if (ferror(s->f[k]) || fclose(s->f[k]) != 0) *rc = 1;
        s->f[k] = NULL;
    }
    if (gen_truth_close(&s->truth) != 0) *rc = 1;
    free(s->queue);
    gen_pools_free(&s->pools);
}

static void generate(gen_state *s)
{
    gen_rng r;
    gen_rng_seed(&r, s->a.seed);
    gen_person cur, prev;
    int have_prev = 0;
    while (s->remaining > 0) {
        gen_person_next(&s->pools, &r, s->nat_weight, have_prev ? &prev : NULL, s->persons, &cur);
        emit_person(s, &cur, &r);
        s->kinds[cur.kind]++;
        prev = cur;
        have_prev = 1;
        s->persons++;
        queue_release(s, 0);
    }
    queue_release(s, 1);
}

int bench_gen(int argc, char **argv)
{
    gen_state *s = calloc(1, sizeof *s);
    if (!s) {
        fprintf(stderr, "gen: out of memory\n");
        return 1;
    }
    char err[4352] = "";
    int rc = 0;
    if (parse_args(argc, argv, &s->a) != 0) {
        gen_usage(stderr);
        free(s);
        return 2;
    }
    if (gen_pools_load(&s->pools, s->a.pools, err, sizeof err) != 0) {
        fprintf(stderr, "gen: %s\n", err);
        free(s);
        return 1;
    }
    s->queue = malloc(GEN_QUEUE * sizeof *s->queue);
    set_nat_weights(s);
    double t0 = bench_now();
    if (!s->queue || open_lists(s, err, sizeof err) != 0) {
        fprintf(stderr, "gen: %s\n", s->queue ? err : "out of memory");
        rc = 1;
    } else {
        generate(s);
    }
    uint64_t pairs = s->truth.n_pairs, recs = s->truth.n_records, persons = s->persons;
    close_all(s, &rc);
    if (rc == 0)
        fprintf(
            stderr,
            "gen: %llu records of %llu persons (%llu relatives, %llu namesakes of the person before) in %d "
            "lists, %llu true pairs, %.2f s -> %s\n",
            (unsigned long long)recs, (unsigned long long)persons, (unsigned long long)s->kinds[1],
            (unsigned long long)s->kinds[2], s->a.lists, (unsigned long long)pairs, bench_now() - t0,
            s->a.out);
    else if (!err[0])
        fprintf(stderr, "gen: writing %s failed\n", s->a.out);
    free(s);
    return rc;
}
