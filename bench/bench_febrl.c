/*
 * bench_febrl.c -- `watchlink-bench febrl`: two FEBRL-like lists to link, at any size.
 *
 *   watchlink-bench febrl --out DIR --records N [--overlap F] [--seed S] [--pools DIR]
 *
 * Writes DIR/a.csv and DIR/b.csv, N records each, in the columns and style of the
 * Febrl data generator (P. Christen, "Probabilistic data generation for deduplication
 * and data linkage", IDEAL 2005; the generator behind FEBRL dataset1-4): rec_id,
 * given_name, surname, street_number, address_1, address_2, suburb, postcode, state,
 * date_of_birth (YYYYMMDD), soc_sec_id, with ", " between values. List a holds
 * originals (rec-K-org); a share F (default 0.5) of list b are corrupted copies of
 * records of a (rec-K-dup-0), the rest new originals. DIR/truth_pairs.csv lists the
 * copies (a,rec-K-org,b,rec-K-dup-0). Link them with
 *
 *   watchlink match DIR/a.csv DIR/b.csv --map id=rec_id --map doc_number=soc_sec_id
 *
 * Values are drawn by frequency from pools derived from the FEBRL originals
 * (datasets/pools/febrl_*.tsv), so common surnames and given names make the large
 * blocks real data has. A copy gets 1-3 modifications as Febrl's generator makes them:
 * typing errors (substitution, deletion, insertion, transposition), phonetic
 * spellings, nicknames, missing values, given name and surname swapped, words of an
 * address run together, day and month swapped, digits mistyped.
 *
 * Every record has its own random stream, derived from (seed, person, role), and the
 * row orders are seeded permutations: the output is a pure function of the arguments.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench.h"
#include "gen_corrupt.h"
#include "gen_pool.h"
#include "gen_rng.h"

enum { FB_GIVEN, FB_SURNAME, FB_STREET, FB_ADDRESS2, FB_LOCALITY, FB_NICK, FB_N_POOLS };
static const char *const g_pool_names[FB_N_POOLS] = {"febrl_given",    "febrl_surname",  "febrl_street",
                                                     "febrl_address2", "febrl_locality", "febrl_nicknames"};

/* One record, the columns of FEBRL in order. */
enum { F_GIVEN, F_SURNAME, F_NUMBER, F_ADDR1, F_ADDR2, F_SUBURB, F_POSTCODE, F_STATE, F_DOB, F_SSID, F_N };
enum { FB_VALUE = 96 };
typedef struct {
    char v[F_N][FB_VALUE];
} fb_rec;

typedef struct {
    const char *out, *pools;
    uint64_t records, seed;
    double overlap;
} fb_args;

/* Share of originals with an empty value per column, and of copies' modification
 * count (1, 2 or 3): about the rates of FEBRL dataset1-3. */
static const double g_missing[F_N] = {0.02, 0.01, 0.04, 0.01, 0.12, 0.01, 0.0, 0.01, 0.01, 0.0};

static void fb_usage(FILE *f)
{
    fprintf(f,
            "Usage: watchlink-bench febrl --out DIR --records N [--overlap F] [--seed S] [--pools DIR]\n"
            "Writes two FEBRL-like lists DIR/a.csv and DIR/b.csv of N records each, a share F\n"
            "(default 0.5) of b being corrupted copies of records of a, and DIR/truth_pairs.csv.\n"
            "The same arguments give the same bytes. Pools default to %s.\n"
            "Link them: watchlink match DIR/a.csv DIR/b.csv --map id=rec_id --map doc_number=soc_sec_id\n",
            bench_pools_dir());
}

static int fb_parse(int argc, char **argv, fb_args *a)
{
    *a = (fb_args){NULL, bench_pools_dir(), 10000, 1, 0.5};
    for (int i = 1; i < argc; i += 2) { /* OPTION VALUE pairs */
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            fb_usage(stdout);
            exit(0);
        }
        if (!v) {
            fprintf(stderr, "febrl: %s needs a value\n", o);
            return -1;
        }
        char *end;
        errno = 0;
        int bad = 0;
        if (!strcmp(o, "--out"))
            a->out = v;
        else if (!strcmp(o, "--pools"))
            a->pools = v;
        else if (!strcmp(o, "--records") || !strcmp(o, "--seed")) {
            double d = strtod(v, &end); /* 1e6 as well as 1000000 */
            bad = end == v || *end || errno || d < 0 || d > 2e9 || d != (double)(uint64_t)d;
            if (!bad) *(!strcmp(o, "--seed") ? &a->seed : &a->records) = (uint64_t)d;
            bad |= !strcmp(o, "--records") && a->records < 2;
        } else if (!strcmp(o, "--overlap")) {
            a->overlap = strtod(v, &end);
            bad = end == v || *end || !(a->overlap >= 0 && a->overlap <= 1);
        } else {
            fprintf(stderr, "febrl: unknown option '%s'\n", o);
            return -1;
        }
        if (bad) {
            fprintf(stderr, "febrl: bad value '%s' for %s\n", v, o);
            return -1;
        }
    }
    if (!a->out) {
        fprintf(stderr, "febrl: --out DIR is required\n");
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ originals */

static void set(fb_rec *r, int f, const char *s)
{
    snprintf(r->v[f], FB_VALUE, "%s", s);
}

static void pick(const gen_pool *p, gen_rng *g, fb_rec *r, int f)
{
    set(r, f, gen_pool_cell(p, gen_pool_pick(p, g, 0), 1));
}

/* A stream of its own for (seed, person, role): records do not depend on each other. */
static void seed_for(gen_rng *g, uint64_t seed, uint64_t person, uint64_t role)
{
    uint64_t x = seed ^ 0x6A09E667F3BCC909ULL;
    x = gen_splitmix(&x) ^ person;
    x = gen_splitmix(&x) ^ role;
    gen_rng_seed(g, gen_splitmix(&x));
}

static void original(const gen_pool *pools, uint64_t seed, uint64_t person, fb_rec *r)
{
    gen_rng g;
    seed_for(&g, seed, person, 0);
    pick(&pools[FB_GIVEN], &g, r, F_GIVEN);
    pick(&pools[FB_SURNAME], &g, r, F_SURNAME);
    /* house numbers: many small ones, a few large (log-uniform 1..999) */
    double u = gen_rng_unit(&g);
    snprintf(r->v[F_NUMBER], FB_VALUE, "%d", 1 + (int)(u * u * u * 998));
    pick(&pools[FB_STREET], &g, r, F_ADDR1);
    pick(&pools[FB_ADDRESS2], &g, r, F_ADDR2);
    size_t loc = gen_pool_pick(&pools[FB_LOCALITY], &g, 0);
    for (int k = 0; k < 3; k++)
        set(r, F_SUBURB + k, gen_pool_cell(&pools[FB_LOCALITY], loc, 1 + k));
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = 1905 + (int)gen_rng_below(&g, 100), m = 1 + (int)gen_rng_below(&g, 12);
    int d = 1 + (int)gen_rng_below(&g, (uint32_t)mdays[m - 1]);
    snprintf(r->v[F_DOB], FB_VALUE, "%04d%02d%02d", y, m, d);
    snprintf(r->v[F_SSID], FB_VALUE, "%07u", 1000000u + gen_rng_below(&g, 9000000u));
    for (int f = 0; f < F_N; f++)
        if (gen_rng_chance(&g, g_missing[f])) r->v[f][0] = '\0';
}

/* --------------------------------------------------------------- corruptions */

/* Spellings that sound alike (Febrl's phonetic rules are of this kind: ph/f, c/k ...). */
static const char *const g_phonetic[][2] = {
    {"ph", "f"}, {"f", "ph"}, {"ck", "k"}, {"c", "k"}, {"k", "c"}, {"ee", "ea"}, {"ea", "ee"},
    {"y", "ie"}, {"ie", "y"}, {"z", "s"}, {"s", "z"}, {"ll", "l"}, {"l", "ll"}, {"tt", "t"},
    {"nn", "n"}, {"ou", "ow"}, {"ai", "ay"}, {"th", "t"}, {"gh", ""}, {"mc", "mac"},
};

static int phonetic(char *s, size_t cap, gen_rng *g)
{
    int n = (int)(sizeof g_phonetic / sizeof g_phonetic[0]), start = (int)gen_rng_below(g, (uint32_t)n);
    for (int k = 0; k < n; k++) {
        const char *from = g_phonetic[(start + k) % n][0], *to = g_phonetic[(start + k) % n][1];
        char *p = strstr(s, from);
        size_t lf = strlen(from), lt = strlen(to), len = strlen(s);
        if (!p || len - lf + lt + 1 > cap || len - lf + lt < 2) continue;
        memmove(p + lt, p + lf, len - (size_t)(p - s) - lf + 1);
        memcpy(p, to, lt);
        return 1;
    }
    return 0;
}

static int nickname(const gen_pool *nick, char *s, size_t cap, gen_rng *g)
{
    for (size_t i = 0; i < nick->n_rows; i++)
        if (!strcmp(gen_pool_cell(nick, i, 1), s))
            return gen_pick_variant(gen_pool_cell(nick, i, 2), g, s, cap);
    return 0;
}

/* Two words run together ("pridham street" -> "pridhamstreet"), or swapped. */
static int words(char *s, gen_rng *g)
{
    char *sp = strchr(s, ' ');
    if (!sp) return 0;
    if (gen_rng_chance(g, 0.5)) {
        memmove(sp, sp + 1, strlen(sp));
        return 1;
    }
    char tmp[FB_VALUE];
    snprintf(tmp, sizeof tmp, "%s %.*s", sp + 1, (int)(sp - s), s);
    memcpy(s, tmp, strlen(tmp) + 1);
    return 1;
}

/* A digit replaced by another, or two adjacent digits swapped. */
static int digit_typo(char *s, gen_rng *g)
{
    size_t n = strlen(s);
    if (n < 2) return 0;
    size_t i = gen_rng_below(g, (uint32_t)(n - 1));
    if (gen_rng_chance(g, 0.5)) {
        char t = s[i];
        s[i] = s[i + 1];
        s[i + 1] = t;
    } else
        s[i] = (char)('0' + (s[i] - '0' + 1 + (int)gen_rng_below(g, 9)) % 10);
    return 1;
}

/* One modification of the copy; @return 1 when something changed. */
static int modify(const gen_pool *pools, fb_rec *r, gen_rng *g)
{
    /* which column: names and the date most often, as in Febrl's default weights */
    static const double w[F_N] = {0.2, 0.2, 0.05, 0.1, 0.05, 0.1, 0.05, 0.02, 0.15, 0.08};
    int f = gen_rng_weighted(g, w, F_N);
    char *s = r->v[f];
    if (!s[0]) return 0;
    double u = gen_rng_unit(g);
    if (u < 0.08) { /* missing value */
        s[0] = '\0';
        return 1;
    }
    switch (f) {
    case F_GIVEN:
    case F_SURNAME:
        if (u < 0.16) { /* given name and surname swapped */
            char tmp[FB_VALUE];
            memcpy(tmp, r->v[F_GIVEN], FB_VALUE);
            memcpy(r->v[F_GIVEN], r->v[F_SURNAME], FB_VALUE);
            memcpy(r->v[F_SURNAME], tmp, FB_VALUE);
            return 1;
        }
        if (f == F_GIVEN && u < 0.36 && nickname(&pools[FB_NICK], s, FB_VALUE, g)) return 1;
        if (u < 0.5 && phonetic(s, FB_VALUE, g)) return 1;
        return gen_typo(s, FB_VALUE, g);
    case F_ADDR1:
    case F_ADDR2:
    case F_SUBURB:
        if (u < 0.3 && words(s, g)) return 1;
        return gen_typo(s, FB_VALUE, g);
    case F_DOB:
        if (u < 0.3 && strlen(s) == 8) { /* day and month swapped, when it is still a date */
            char t[2] = {s[4], s[5]};
            if (s[6] > '1' || (s[6] == '1' && s[7] > '2')) return digit_typo(s, g);
            s[4] = s[6], s[5] = s[7], s[6] = t[0], s[7] = t[1];
            return 1;
        }
        return digit_typo(s, g);
    default:
        return digit_typo(s, g);
    }
}

static int same_rec(const fb_rec *x, const fb_rec *y)
{
    for (int f = 0; f < F_N; f++)
        if (strcmp(x->v[f], y->v[f])) return 0;
    return 1;
}

static void corrupt(const gen_pool *pools, uint64_t seed, uint64_t person, fb_rec *r)
{
    gen_rng g;
    seed_for(&g, seed, person, 1);
    double u = gen_rng_unit(&g);
    int want = u < 0.5 ? 1 : u < 0.8 ? 2 : 3, done = 0;
    fb_rec orig = *r, before;
    /* a modification counts when it changed the record (a digit swapped with an equal
     * one does not), and the copy never ends equal to its original (two name swaps) */
    for (int tries = 0; (done < want || same_rec(r, &orig)) && tries < 40; tries++) {
        before = *r;
        modify(pools, r, &g);
        done += !same_rec(r, &before);
    }
}

/* ---------------------------------------------------------------------- output */

static void write_row(FILE *f, const char *id, const fb_rec *r)
{
    fputs(id, f);
    for (int k = 0; k < F_N; k++) {
        fputs(", ", f);
        fputs(r->v[k], f);
    }
    fputc('\n', f);
}

/* A seeded Fisher-Yates permutation of [0, n): the row order of one list. */
static uint32_t *permutation(uint64_t n, uint64_t seed, uint64_t which)
{
    uint32_t *p = malloc((size_t)n * sizeof *p);
    if (!p) return NULL;
    gen_rng g;
    seed_for(&g, seed, ~(uint64_t)0, which);
    for (uint64_t i = 0; i < n; i++)
        p[i] = (uint32_t)i;
    for (uint64_t i = n - 1; i > 0; i--) {
        uint32_t j = gen_rng_below(&g, (uint32_t)(i + 1)), t = p[i];
        p[i] = p[j];
        p[j] = t;
    }
    return p;
}

static FILE *open_out(const char *dir, const char *name, char *path, size_t cap)
{
    snprintf(path, cap, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f) setvbuf(f, NULL, _IOFBF, 1 << 20);
    return f;
}

static const char g_header[] = "rec_id, given_name, surname, street_number, address_1, address_2, suburb, "
                               "postcode, state, date_of_birth, soc_sec_id\n";

/*
 * Persons 0 .. dups-1 are in both lists; persons dups .. n-1 only in a;
 * persons n .. 2n-dups-1 only in b. Rows of each list come in a permuted order.
 */
static int write_lists(const fb_args *a, const gen_pool *pools, uint64_t dups)
{
    char pa[4200], pb[4200], pt[4200], id[48];
    uint64_t n = a->records;
    FILE *fa = open_out(a->out, "a.csv", pa, sizeof pa), *fb = open_out(a->out, "b.csv", pb, sizeof pb);
    FILE *ft = open_out(a->out, "truth_pairs.csv", pt, sizeof pt);
    uint32_t *perm_a = permutation(n, a->seed, 1), *perm_b = permutation(n, a->seed, 2);
    int rc = fa && fb && ft && perm_a && perm_b ? 0 : -1;
    if (rc == 0) {
        fb_rec r;
        fputs(g_header, fa);
        fputs(g_header, fb);
        fputs("left_source,left_id,right_source,right_id\n", ft);
        for (uint64_t i = 0; i < n; i++) {
            original(pools, a->seed, perm_a[i], &r);
            snprintf(id, sizeof id, "rec-%u-org", perm_a[i]);
            write_row(fa, id, &r);
        }
        for (uint64_t i = 0; i < n; i++) {
            uint64_t s = perm_b[i], person = s < dups ? s : n + (s - dups);
            original(pools, a->seed, person, &r);
            if (s < dups) corrupt(pools, a->seed, person, &r);
            snprintf(id, sizeof id, s < dups ? "rec-%llu-dup-0" : "rec-%llu-org", (unsigned long long)person);
            write_row(fb, id, &r);
        }
        for (uint64_t s = 0; s < dups; s++)
            fprintf(ft, "a,rec-%llu-org,b,rec-%llu-dup-0\n", (unsigned long long)s, (unsigned long long)s);
    }
    if (fa && fclose(fa) != 0) rc = -1;
    if (fb && fclose(fb) != 0) rc = -1;
    if (ft && fclose(ft) != 0) rc = -1;
    if (rc != 0) fprintf(stderr, "febrl: cannot write %s, %s or %s\n", pa, pb, pt);
    free(perm_a);
    free(perm_b);
    return rc;
}

int bench_febrl(int argc, char **argv)
{
    fb_args a;
    if (fb_parse(argc, argv, &a) != 0) {
        fb_usage(stderr);
        return 2;
    }
    if (a.records > UINT32_MAX / 2) {
        fprintf(stderr, "febrl: at most %u records per list\n", UINT32_MAX / 2);
        return 2;
    }
    if (mkdir(a.out, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "febrl: cannot create %s: %s\n", a.out, strerror(errno));
        return 1;
    }
    gen_pool pools[FB_N_POOLS];
    int loaded = 0, rc = 0;
    char err[512];
    for (; loaded < FB_N_POOLS; loaded++)
        if (gen_pool_load(&pools[loaded], a.pools, g_pool_names[loaded], err, sizeof err) != 0) {
            fprintf(stderr, "febrl: %s\n", err);
            rc = 1;
            break;
        }
    uint64_t dups = (uint64_t)(a.overlap * (double)a.records + 0.5);
    if (rc == 0 && write_lists(&a, pools, dups) != 0) rc = 1;
    if (rc == 0)
        fprintf(stderr, "febrl: %s/a.csv and b.csv, %llu records each, %llu in both\n", a.out,
                (unsigned long long)a.records, (unsigned long long)dups);
    for (int k = 0; k < loaded; k++)
        gen_pool_free(&pools[k]);
    return rc;
}
