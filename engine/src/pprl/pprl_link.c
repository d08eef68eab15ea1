/* pprl_link.c -- linking two encodings by Dice similarity.
 *
 * Candidates come from the keyed blocking keys the encoder wrote (records of
 * the two files meet when they share one; a key held by more than max_block
 * records on a side is skipped and counted, never allowed to blow up N^2).
 * Each candidate's Dice is one AND-popcount over the filters; a cheap bound
 * first (fzy's cheap filter before the scorer): 2 min(|a|, |b|) / (|a| + |b|)
 * is the best Dice two filters of those weights can reach, so pairs whose
 * weights are too far apart are never loaded.
 *
 * Version 2 encodings (a segment per field) are scored by the field-level
 * model of pprl_score.c instead, in two passes over the same candidates: the
 * first counts each agreement pattern (EM's input), the second keeps the pairs
 * whose weight reaches the threshold's; no Dice bound prunes them (a true pair
 * may have a low whole-filter Dice when a field is missing on one side).
 *
 * Records of the first file are cut into fixed chunks, each with its own
 * output buffer, concatenated in chunk order, then sorted: the same pairs in
 * the same order for any thread count. */
#include "common/dataset.h"
#include "pprl/pprl.h"

#include <math.h>
#include <stdlib.h>

enum { CHUNK = 256 };

/* FEBRL 4 and the sample lists, default schema: bench/RESULTS.md, issue 13. */
#define DICE_DEFAULT 0.7
#define PROB_DEFAULT 0.5
/* the plain pipeline's (cluster/outranked.c): a pair this sure is never outranked */
#define SURE_PROB 0.9f

struct wl_pprl_result {
    wl_pprl_pair *pairs;
    size_t n;
    wl_pprl_stats stats;
    size_t na, nb;        /* records of the two encodings */
    uint32_t *order;      /* na + nb union indices (a's, then b's) in output order */
    uint32_t *cluster;    /* cluster number of order[k], 1.. by first member */
};

wl_pprl_options wl_pprl_default_options(void)
{
    wl_pprl_options o;
    memset(&o, 0, sizeof o);
    o.threshold = -1.0; /* the kind's default: DICE_DEFAULT or PROB_DEFAULT */
    o.max_block = 1000;
    return o;
}

void wl_pprl_result_free(wl_pprl_result *r)
{
    if (!r) return;
    free(r->pairs);
    free(r->order);
    free(r->cluster);
    free(r);
}

size_t wl_pprl_result_records(const wl_pprl_result *r) { return r->na + r->nb; }

size_t wl_pprl_result_record(const wl_pprl_result *r, size_t k, int *in_b)
{
    uint32_t u = r->order[k];
    *in_b = u >= r->na;
    return u >= r->na ? u - r->na : u;
}

size_t wl_pprl_result_cluster(const wl_pprl_result *r, size_t k) { return r->cluster[k]; }

/* ---- clusters: connected components of the reported pairs (union-find) ---- */

static uint32_t uf_find(uint32_t *parent, uint32_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]]; /* path halving */
        x = parent[x];
    }
    return x;
}

/* Numbers the components 1.. in order of their first member in output order,
 * so the numbers do not depend on thread count or argument order. */
static int make_clusters(wl_pprl_result *r, const uint32_t *rank)
{
    size_t n = r->na + r->nb;
    uint32_t *parent = malloc((n ? n : 1) * sizeof *parent), *number = calloc(n ? n : 1, sizeof *number);
    r->order = malloc((n ? n : 1) * sizeof *r->order);
    r->cluster = malloc((n ? n : 1) * sizeof *r->cluster);
    if (!parent || !number || !r->order || !r->cluster) {
        free(parent);
        free(number);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        parent[i] = (uint32_t)i;
        r->order[rank[i]] = (uint32_t)i;
    }
    for (size_t k = 0; k < r->n; k++) {
        uint32_t x = uf_find(parent, r->pairs[k].a), y = uf_find(parent, (uint32_t)r->na + r->pairs[k].b);
        if (x != y) parent[rank[x] < rank[y] ? y : x] = rank[x] < rank[y] ? x : y;
    }
    uint32_t next = 0;
    for (size_t k = 0; k < n; k++) {
        uint32_t root = uf_find(parent, r->order[k]);
        if (!number[root]) number[root] = ++next;
        r->cluster[k] = number[root];
    }
    free(parent);
    free(number);
    return 0;
}

size_t wl_pprl_result_count(const wl_pprl_result *r) { return r->n; }
const wl_pprl_pair *wl_pprl_result_pair(const wl_pprl_result *r, size_t k) { return &r->pairs[k]; }
const wl_pprl_stats *wl_pprl_result_stats(const wl_pprl_result *r) { return &r->stats; }

/* ---- output order: source, then id (numbers by value, wl_id_cmp), as the plain pipeline's ---- */

/* A record's sort key, precomputed (as pipeline/run.c does for 10^6 records:
 * sorting by strcmp on two strings per comparison was a tenth of the link):
 * the rank of its source, its id's value when all digits (up to 19), else the
 * id's first 8 bytes big-endian; ties fall back to cmp_id, then the index. */
typedef struct {
    uint32_t src, rec;
    uint64_t num;
    const char *id;
    int numeric;       /* 1: all digits, value in num; 2: more than 19 digits; 0: num holds the first bytes */
} rec_ref;

static int cmp_rec(const void *x, const void *y)
{
    const rec_ref *a = x, *b = y;
    if (a->src != b->src) return a->src < b->src ? -1 : 1;
    if (a->numeric == b->numeric && a->num != b->num) return a->num < b->num ? -1 : 1;
    int c = a->numeric && b->numeric ? 0 : wl_id_cmp(a->id, b->id);
    return c ? c : (a->rec > b->rec) - (a->rec < b->rec);
}

static rec_ref rec_key(const char *id, uint32_t src, uint32_t rec)
{
    rec_ref k = { src, rec, 0, id, 0 };
    size_t len = strlen(id), lead = 0;
    if (len > 0 && strspn(id, "0123456789") == len) {
        while (lead + 1 < len && id[lead] == '0') lead++;
        k.numeric = len - lead <= 19 ? 1 : 2; /* 2: too long for num, cmp_id decides */
        for (size_t i = lead; k.numeric == 1 && i < len; i++) k.num = k.num * 10 + (uint64_t)(id[i] - '0');
        return k;
    }
    for (size_t i = 0; i < 8; i++) k.num = k.num << 8 | (i < len ? (uint8_t)id[i] : 0);
    return k;
}

static int cmp_str_ptr(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The rank of source s among the sorted distinct names. */
static uint32_t source_rank(const char *const *names, size_t n, const char *s)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t m = lo + (hi - lo) / 2;
        if (strcmp(names[m], s) < 0) lo = m + 1;
        else hi = m;
    }
    return (uint32_t)lo;
}

/* rank[r] of every record r of the union (a's first, then b's). */
static uint32_t *union_ranks(const wl_encoded *a, const wl_encoded *b)
{
    size_t n = a->n + b->n, nd = 0;
    rec_ref *refs = malloc((n ? n : 1) * sizeof *refs);
    uint32_t *rank = malloc((n ? n : 1) * sizeof *rank);
    const char **names = malloc((n ? n : 1) * sizeof *names);
    if (!refs || !rank || !names) {
        free(refs);
        free(rank);
        free(names);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) { /* distinct sources: runs of one name are the rule */
        const char *s = i < a->n ? a->source[i] : b->source[i - a->n];
        if (!nd || strcmp(names[nd - 1], s)) names[nd++] = s;
    }
    qsort(names, nd, sizeof *names, cmp_str_ptr);
    size_t u = 0;
    for (size_t i = 0; i < nd; i++)
        if (!u || strcmp(names[u - 1], names[i])) names[u++] = names[i];
    for (size_t i = 0; i < n; i++) {
        const wl_encoded *e = i < a->n ? a : b;
        size_t k = i < a->n ? i : i - a->n;
        refs[i] = rec_key(e->id[k], source_rank(names, u, e->source[k]), (uint32_t)i);
    }
    qsort(refs, n, sizeof *refs, cmp_rec);
    for (size_t i = 0; i < n; i++) rank[refs[i].rec] = (uint32_t)i;
    free(refs);
    free(names);
    return rank;
}

/* ---- blocking ---- */

typedef struct {
    uint64_t key;
    uint32_t rec;
} key_ref;

static int cmp_key_ref(const void *x, const void *y)
{
    const key_ref *a = x, *b = y;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    return (a->rec > b->rec) - (a->rec < b->rec);
}

/* LSD radix sort by key, 16 bits a pass: stable, so entries made in record
 * order end sorted by (key, record), as cmp_key_ref orders them. @return 0, or
 * -1 when out of memory (nothing sorted). */
static int radix_sort(key_ref *k, size_t n)
{
    key_ref *tmp = malloc((n ? n : 1) * sizeof *tmp);
    size_t *count = malloc(65536 * sizeof *count);
    if (!tmp || !count) {
        free(tmp);
        free(count);
        return -1;
    }
    key_ref *src = k, *dst = tmp;
    for (int shift = 0; shift < 64; shift += 16) {
        memset(count, 0, 65536 * sizeof *count);
        for (size_t i = 0; i < n; i++) count[(src[i].key >> shift) & 0xffff]++;
        for (size_t b = 0, sum = 0; b < 65536; b++) {
            size_t c = count[b];
            count[b] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++) dst[count[(src[i].key >> shift) & 0xffff]++] = src[i];
        key_ref *t = src;
        src = dst;
        dst = t;
    }
    /* four passes: the result is back in k */
    free(tmp);
    free(count);
    return 0;
}

/* Every (key, record) of e, sorted. */
static key_ref *sorted_keys(const wl_encoded *e, size_t *n_out)
{
    size_t n = e->block_start[e->n];
    key_ref *k = malloc((n ? n : 1) * sizeof *k);
    if (!k) return NULL;
    for (size_t i = 0; i < e->n; i++)
        for (uint32_t j = e->block_start[i]; j < e->block_start[i + 1]; j++)
            k[j] = (key_ref){ e->blocks[j], (uint32_t)i };
    if (radix_sort(k, n) != 0) qsort(k, n, sizeof *k, cmp_key_ref);
    *n_out = n;
    return k;
}

/* Every key of b with its run [lo, hi) in the sorted b entries and how many
 * records of a hold it: an open-addressing table, since a record looks up each
 * of its keys once (a binary search over 10^6 entries cost 20 cache misses a
 * key). The keys are HMAC outputs, uniform: their low bits are the slot. */
typedef struct {
    uint64_t key;
    uint32_t lo, hi;   /* hi == 0: empty slot */
    uint32_t na;
} key_slot;

typedef struct {
    key_slot *slot;
    size_t mask;
} key_table;

static key_slot *table_find(const key_table *t, uint64_t key)
{
    for (size_t s = (size_t)key & t->mask;; s = (s + 1) & t->mask) {
        key_slot *k = &t->slot[s];
        if (!k->hi || k->key == key) return k;
    }
}

static int table_build(key_table *t, const key_ref *ka, size_t nka, const key_ref *kb, size_t nkb)
{
    size_t cap = 16;
    while (cap < 2 * nkb + 16) cap *= 2;
    t->slot = calloc(cap, sizeof *t->slot);
    t->mask = cap - 1;
    if (!t->slot) return -1;
    for (size_t s = 0, e; s < nkb; s = e) {
        for (e = s; e < nkb && kb[e].key == kb[s].key; e++) {}
        key_slot *k = table_find(t, kb[s].key);
        *k = (key_slot){ kb[s].key, (uint32_t)s, (uint32_t)e, 0 };
    }
    for (size_t s = 0, e; s < nka; s = e) {
        for (e = s; e < nka && ka[e].key == ka[s].key; e++) {}
        key_slot *k = table_find(t, ka[s].key);
        if (k->hi) k->na = (uint32_t)(e - s);
    }
    return 0;
}

/* Distinct keys held by more than max records. */
static size_t count_big(const key_ref *k, size_t nk, size_t max)
{
    size_t big = 0;
    for (size_t s = 0, e; s < nk; s = e) {
        for (e = s; e < nk && k[e].key == k[s].key; e++) {}
        big += e - s > max;
    }
    return big;
}

typedef struct {
    const wl_encoded *a, *b;
    const key_ref *ka, *kb;
    size_t nka, nkb;
    key_table table;
    const wl_pprl_options *opt;
    int kernel;           /* wl_pprl_kernel_best() */
    /* the field-level model (version 2) */
    const uint32_t *seg_pop_a, *seg_pop_b; /* n * n_seg popcounts of each segment */
    const wl_pprl_model *model;           /* NULL in the counting pass */
    double cut;                           /* weight of the threshold's probability */
    /* How crowded each record's name is (wl_pprl_crowd_u): near_a[i *
     * WL_PPRL_LEVELS + l] counts the candidates of a's record i whose name
     * segment reaches level l or closer (near_b the same for b), from the
     * crowd pass; NULL until then. */
    uint32_t *near_a, *near_b;
    const wl_pprl_model *fit;   /* the model being fitted: thin bounds, name segment, raw name u */
    int phase;                  /* PASS_CROWD, PASS_COUNT or PASS_SCORE */
} link_ctx;

enum { PASS_CROWD, PASS_COUNT, PASS_SCORE };

/* The b records sharing an unskipped key with a's record i, each once (seen[j]
 * == stamp marks those taken; their order does not matter, the pairs are sorted
 * at the end). */
static int candidates_of(const link_ctx *c, size_t i, wl_vec *cand, uint32_t *seen)
{
    const wl_encoded *a = c->a;
    uint32_t stamp = (uint32_t)i + 1;
    cand->len = 0;
    for (uint32_t j = a->block_start[i]; j < a->block_start[i + 1]; j++) {
        const key_slot *ks = table_find(&c->table, a->blocks[j]);
        size_t lo = ks->lo, hi = ks->hi;
        if (lo == hi || hi - lo > c->opt->max_block || ks->na > c->opt->max_block) continue;
        if (wl_vec_reserve(cand, cand->len + (hi - lo)) != 0) return -1;
        for (size_t k = lo; k < hi; k++) {
            uint32_t r = c->kb[k].rec;
            if (seen[r] == stamp) continue;
            seen[r] = stamp;
            WL_VEC_AT(cand, uint32_t, cand->len++) = r;
        }
    }
    return 0;
}

/* Per-thread scratch: candidates and the scan's hits. */
typedef struct {
    wl_vec cand, hit_j, hit_d;
    uint32_t *seen;       /* b->n stamps for candidates_of */
} scratch;

/* Compares record i of a with b's records cand[0..n) (or all of b when cand is NULL). */
static int compare_one(const link_ctx *c, size_t i, const uint32_t *cand, size_t n, wl_vec *out, scratch *sc,
                       size_t *compared)
{
    const wl_encoded *a = c->a;
    if (wl_vec_reserve(&sc->hit_j, n ? n : 1) || wl_vec_reserve(&sc->hit_d, n ? n : 1)) return -1;
    uint32_t *hj = sc->hit_j.data;
    float *hd = sc->hit_d.data;
    uint32_t hits = wl_pprl_scan_with(c->kernel, a->bits + i * a->words, a->pop[i], c->b, cand, n,
                                      c->opt->threshold, hj, hd, compared);
    for (uint32_t k = 0; k < hits; k++) {
        wl_pprl_pair p = { (uint32_t)i, hj[k], hd[k], 0, 0.0f, hd[k] };
        if (wl_vec_push(out, &p) != 0) return -1;
    }
    return 0;
}

/* qsort has no context argument in C17 and a static one would make two calls
 * race: the sort keys travel with the pairs. */
typedef struct {
    wl_pprl_pair p;
    uint32_t left, right; /* ranks in output order */
    float s;              /* what ranks pairs: the weight (version 2) or the Dice */
} keyed_pair;

static int cmp_keyed_out(const void *x, const void *y)
{
    const keyed_pair *p = x, *q = y;
    if (p->left != q->left) return p->left < q->left ? -1 : 1;
    return (p->right > q->right) - (p->right < q->right);
}

static int cmp_keyed_best(const void *x, const void *y)
{
    const keyed_pair *p = x, *q = y;
    if (p->s != q->s) return p->s > q->s ? -1 : 1;
    return cmp_keyed_out(x, y);
}

/* Compares the records of chunk ch of a with their candidates into buf. */
static int link_chunk(const link_ctx *c, size_t ch, wl_vec *buf, scratch *sc, size_t *compared)
{
    wl_vec_init(buf, sizeof(wl_pprl_pair));
    size_t end = WL_MIN(c->a->n, (ch + 1) * CHUNK);
    for (size_t i = ch * CHUNK; i < end; i++) {
        int rc = c->opt->all_pairs ? compare_one(c, i, NULL, c->b->n, buf, sc, compared)
                                   : candidates_of(c, i, &sc->cand, sc->seen) ||
                                         compare_one(c, i, sc->cand.data, sc->cand.len, buf, sc, compared);
        if (rc) return 1;
    }
    return 0;
}

/* Greedy one-to-one: best Dice first, ties by output order; a record keeps its first. */
static size_t one_to_one(keyed_pair *kp, size_t n, size_t na, size_t nb, int *failed)
{
    uint8_t *used_a = calloc(na + 1, 1), *used_b = calloc(nb + 1, 1);
    size_t kept = 0;
    if (!used_a || !used_b) {
        *failed = 1;
    } else {
        qsort(kp, n, sizeof *kp, cmp_keyed_best);
        for (size_t k = 0; k < n; k++) {
            if (used_a[kp[k].p.a] || used_b[kp[k].p.b]) continue;
            used_a[kp[k].p.a] = used_b[kp[k].p.b] = 1;
            kp[kept++] = kp[k];
        }
    }
    free(used_a);
    free(used_b);
    return kept;
}

/*
 * Drops a pair whose Dice is below the best Dice of its a-record with any b-record
 * AND below the best of its b-record with any a-record: both records have a better
 * explanation, and on lists full of namesakes such a pair is mostly one (the
 * exclusivity of bipartite linkage, Sadinle, JASA 2017; the plain pipeline's rule,
 * cluster/outranked.c, applied to Dice). A record's best pair always stays, so a
 * person listed twice on one side keeps both links. Best values are maxima over the
 * set: the result does not depend on the pairs' order or the thread count.
 * Scored by the field model, a pair the model is sure of (probability >=
 * SURE_PROB) stays whatever else is there, as in the plain pipeline: on the
 * generated idn x mys lists, where a person is often listed twice on one side,
 * the rule without it dropped 1,258 pairs of which 853 were true.
 * @return the pairs kept (compacted in place, order kept).
 */
static size_t drop_outranked(keyed_pair *kp, size_t n, size_t na, size_t nb, int fields, size_t *dropped,
                             int *failed)
{
    float *best_a = malloc((na + 1) * sizeof *best_a), *best_b = malloc((nb + 1) * sizeof *best_b);
    size_t kept = 0;
    *dropped = 0;
    if (!best_a || !best_b) {
        *failed = 1;
        free(best_a);
        free(best_b);
        return n;
    }
    for (size_t i = 0; i < na; i++) best_a[i] = -HUGE_VALF;
    for (size_t j = 0; j < nb; j++) best_b[j] = -HUGE_VALF;
    for (size_t k = 0; k < n; k++) {
        const wl_pprl_pair *p = &kp[k].p;
        if (best_a[p->a] < kp[k].s) best_a[p->a] = kp[k].s;
        if (best_b[p->b] < kp[k].s) best_b[p->b] = kp[k].s;
    }
    for (size_t k = 0; k < n; k++) {
        const wl_pprl_pair *p = &kp[k].p;
        int sure = fields && p->prob >= SURE_PROB;
        if (!sure && kp[k].s < best_a[p->a] && kp[k].s < best_b[p->b]) continue;
        kp[kept++] = kp[k];
    }
    *dropped = n - kept;
    free(best_a);
    free(best_b);
    return kept;
}

/* A pair with its output-order key. (Written field by field: GCC 12's vectoriser
 * crashed on the struct-literal form of this loop at -O3.) */
static void key_pair(keyed_pair *kp, const wl_pprl_pair *p, const uint32_t *rank, size_t na, int fields)
{
    uint32_t ra = rank[p->a], rb = rank[na + p->b];
    kp->p = *p;
    kp->s = fields ? p->weight : p->dice;
    kp->p.a_first = ra < rb;
    kp->left = ra < rb ? ra : rb;
    kp->right = ra < rb ? rb : ra;
}

static wl_status finish(wl_pprl_result *r, const wl_encoded *a, const wl_encoded *b, wl_vec *all,
                        const wl_pprl_options *opt, uint32_t *rank, int fields)
{
    size_t n = all->len;
    keyed_pair *kp = malloc((n ? n : 1) * sizeof *kp);
    int failed = !rank || !kp;
    for (size_t k = 0; !failed && k < n; k++)
        key_pair(&kp[k], &WL_VEC_AT(all, wl_pprl_pair, k), rank, a->n, fields);
    if (!failed && opt->one_to_one) n = one_to_one(kp, n, a->n, b->n, &failed);
    else if (!failed && !opt->keep_outranked) n = drop_outranked(kp, n, a->n, b->n, fields, &r->stats.outranked, &failed);
    if (!failed) {
        qsort(kp, n, sizeof *kp, cmp_keyed_out);
        r->pairs = malloc((n ? n : 1) * sizeof *r->pairs);
        failed = !r->pairs;
    }
    for (size_t k = 0; !failed && k < n; k++) r->pairs[k] = kp[k].p;
    r->n = failed ? 0 : n;
    r->na = a->n;
    r->nb = b->n;
    if (!failed && make_clusters(r, rank) != 0) failed = 1;
    free(kp);
    return failed ? WL_NOMEM : WL_OK;
}

/* The chunks' pairs, in chunk order, into all (the buffers are freed). */
static int concat(wl_vec *bufs, size_t n, wl_vec *all)
{
    size_t total = 0;
    int failed = 0;
    for (size_t ch = 0; ch < n; ch++) total += bufs[ch].len;
    if (wl_vec_reserve(all, total ? total : 1) != 0) failed = 1;
    for (size_t ch = 0; ch < n; ch++) {
        if (!failed && bufs[ch].len) {
            memcpy((char *)all->data + all->len * all->elem, bufs[ch].data, bufs[ch].len * all->elem);
            all->len += bufs[ch].len;
        }
        wl_vec_free(&bufs[ch]);
    }
    return failed ? -1 : 0;
}

static int same_encoding(const wl_encoded *a, const wl_encoded *b, char *err, size_t errcap)
{
    if (strcmp(a->schema_fp, b->schema_fp)) {
        wl_set_error(err, errcap,
                     "%s and %s were encoded with different schemas (fingerprints %s and %s): both "
                     "parties must encode with the same schema file",
                     a->name[0] ? a->name : "the first encoding", b->name[0] ? b->name : "the second encoding",
                     a->schema_fp, b->schema_fp);
        return -1;
    }
    if (strcmp(a->key_fp, b->key_fp)) {
        wl_set_error(err, errcap,
                     "%s and %s were encoded with different keys (key fingerprints %s and %s): both "
                     "parties must encode with the same shared key",
                     a->name[0] ? a->name : "the first encoding", b->name[0] ? b->name : "the second encoding",
                     a->key_fp, b->key_fp);
        return -1;
    }
    if (a->words != b->words) {
        wl_set_error(err, errcap, "the encodings' filters differ in length (%zu and %zu bits)", a->words * 64,
                     b->words * 64);
        return -1;
    }
    if (a->n_seg != b->n_seg || memcmp(a->seg, b->seg, (size_t)a->n_seg * sizeof *a->seg)) {
        wl_set_error(err, errcap, "%s and %s cut their filters into different field segments: both parties "
                     "must encode with the same schema file and watchlink version",
                     a->name[0] ? a->name : "the first encoding", b->name[0] ? b->name : "the second encoding");
        return -1;
    }
    return 0;
}

/* ---- the field-level model's passes (version 2) ---- */

/* Popcount of every segment of every record (n * n_seg). */
static uint32_t *segment_pops(const wl_encoded *e, int nt)
{
    int ns = e->n_seg;
    uint32_t *pop = malloc((e->n * (size_t)ns + 1) * sizeof *pop);
    if (!pop) return NULL;
#pragma omp parallel for num_threads(nt) schedule(static)
    for (size_t i = 0; i < e->n; i++) {
        const uint64_t *f = e->bits + i * e->words;
        for (int s = 0; s < ns; s++)
            pop[i * (size_t)ns + (size_t)s] = wl_pprl_popcount(f + e->seg[s].off, e->seg[s].words);
    }
    return pop;
}

/* The level of segment s of the pair (i, j): Dice, thin agreements, and the
 * name's crowd once the crowds are counted. */
static int pair_level(const link_ctx *c, int s, uint32_t cnt, uint32_t pa, uint32_t pb, size_t i, size_t j)
{
    const wl_pprl_model *md = c->fit;
    int l = wl_pprl_level_thin(cnt, pa, pb, md->thin[s]);
    if (s != md->name_seg || c->phase == PASS_CROWD || l >= WL_PPRL_LEVELS) return l;
    double u = wl_pprl_crowd_u(c->near_a + i * WL_PPRL_LEVELS, c->b->n, c->near_b + j * WL_PPRL_LEVELS, c->a->n, l);
    return wl_pprl_demote(md->u_name_raw, l, u);
}

/* Record i against b's records cand[0..n) (cand NULL: all of b), by c->phase:
 * counts the crowds of the names (PASS_CROWD), each pair's agreement pattern
 * into hist (PASS_COUNT), or keeps the pairs whose weight reaches c->cut
 * (PASS_SCORE). */
static int score_one(const link_ctx *c, size_t i, const uint32_t *cand, size_t n, uint64_t *hist, wl_vec *out,
                     size_t *compared)
{
    const wl_encoded *a = c->a, *b = c->b;
    int ns = a->n_seg;
    const uint64_t *fa = a->bits + i * a->words;
    const uint32_t *pa = c->seg_pop_a + i * (size_t)ns;
    const wl_pprl_model *md = c->model;
    for (size_t k = 0; k < n; k++) {
        uint32_t j = cand ? cand[k] : (uint32_t)k, cnt[WL_PPRL_F_COUNT];
        if (cand && k + 8 < n) { /* scattered candidates: fetch the whole filter and its popcounts ahead */
            const uint64_t *ahead = b->bits + (size_t)cand[k + 8] * b->words;
            for (size_t w = 0; w < b->words; w += 8) __builtin_prefetch(ahead + w);
            __builtin_prefetch(c->seg_pop_b + (size_t)cand[k + 8] * ns);
        }
        const uint32_t *pb = c->seg_pop_b + (size_t)j * ns;
        wl_pprl_seg_counts_with(c->kernel, fa, b->bits + (size_t)j * b->words, a->seg, ns, cnt);
        if (c->phase == PASS_CROWD) {
            int s = c->fit->name_seg, l = pair_level(c, s, cnt[s], pa[s], pb[s], i, j);
            if (l < WL_PPRL_LEVELS) {
                c->near_a[i * WL_PPRL_LEVELS + (size_t)l]++; /* i is this thread's own record */
#pragma omp atomic
                c->near_b[(size_t)j * WL_PPRL_LEVELS + (size_t)l]++;
            }
            continue;
        }
        if (c->phase == PASS_COUNT) {
            uint32_t pat = 0;
            for (int s = 0; s < ns; s++)
                pat |= (uint32_t)pair_level(c, s, cnt[s], pa[s], pb[s], i, j) << (WL_PPRL_LEVEL_BITS * s);
            hist[pat]++;
            continue;
        }
        double w = md->w_prior;
        uint32_t common = 0;
        for (int s = 0; s < ns; s++) {
            int l = pair_level(c, s, cnt[s], pa[s], pb[s], i, j);
            if (l < WL_PPRL_LEVELS) w += md->w[s][l];
            common += cnt[s];
        }
        if (w < c->cut) continue;
        uint32_t sum = a->pop[i] + b->pop[j];
        wl_pprl_pair p = { (uint32_t)i, j, sum ? (float)(2.0 * common / sum) : 0.0f, 0, (float)w,
                           (float)(1.0 / (1.0 + exp2(-w))) };
        if (wl_vec_push(out, &p) != 0) return -1;
    }
    *compared += n;
    return 0;
}

/* One pass of the model over the records of chunk ch of a and their candidates. */
static int score_chunk(const link_ctx *c, size_t ch, uint64_t *hist, wl_vec *buf, scratch *sc, size_t *compared)
{
    size_t end = WL_MIN(c->a->n, (ch + 1) * CHUNK);
    for (size_t i = ch * CHUNK; i < end; i++) {
        int rc = c->opt->all_pairs ? score_one(c, i, NULL, c->b->n, hist, buf, compared)
                                   : candidates_of(c, i, &sc->cand, sc->seen) ||
                                         score_one(c, i, sc->cand.data, sc->cand.len, hist, buf, compared);
        if (rc) return 1;
    }
    return 0;
}

/* The records of e in output order (by rank; e's records are rank[base..base+n)). */
static uint32_t *records_by_rank(const uint32_t *rank, size_t base, size_t n, size_t total)
{
    uint32_t *pos = malloc((total ? total : 1) * sizeof *pos), *out = malloc((n ? n : 1) * sizeof *out);
    uint8_t *mine = calloc(total ? total : 1, 1);
    if (!pos || !out || !mine) {
        free(pos);
        free(mine);
        free(out);
        return NULL;
    }
    for (size_t k = 0; k < n; k++) {
        pos[rank[base + k]] = (uint32_t)k;
        mine[rank[base + k]] = 1;
    }
    for (size_t r = 0, m = 0; r < total; r++)
        if (mine[r]) out[m++] = pos[r];
    free(pos);
    free(mine);
    return out;
}

/* Runs one pass over the chunks of a on nt threads: the Dice scan (fields 0),
 * or the model's counting pass (hist non-NULL) or scoring pass. Pairs land in
 * bufs in chunk order; pattern counts are added up per thread, then summed.
 * @return 0, or -1 when out of memory. */
static int run_pass(const link_ctx *c, int fields, uint64_t *hist, size_t n_pat, wl_vec *bufs, size_t n_chunks,
                    int nt, size_t *compared_out)
{
    size_t compared = 0;
    int failed = 0;
    const wl_pprl_options *opt = c->opt;
#pragma omp parallel num_threads(nt) reduction(+ : compared) reduction(| : failed)
    {
        scratch sc;
        wl_vec_init(&sc.cand, sizeof(uint32_t));
        wl_vec_init(&sc.hit_j, sizeof(uint32_t));
        wl_vec_init(&sc.hit_d, sizeof(float));
        sc.seen = opt->all_pairs ? NULL : calloc(c->b->n + 1, sizeof *sc.seen);
        uint64_t *local = hist ? calloc(n_pat, sizeof *local) : NULL;
        if ((!opt->all_pairs && !sc.seen) || (hist && !local)) failed = 1;
#pragma omp for schedule(dynamic)
        for (size_t ch = 0; ch < n_chunks; ch++) {
            wl_vec_init(&bufs[ch], sizeof(wl_pprl_pair));
            if (failed) continue;
            failed |= fields ? score_chunk(c, ch, local, &bufs[ch], &sc, &compared)
                             : link_chunk(c, ch, &bufs[ch], &sc, &compared);
        }
        if (local) {
#pragma omp critical(wl_pprl_hist_merge)
            for (size_t p = 0; p < n_pat; p++) hist[p] += local[p]; /* integer sums: any order */
        }
        free(local);
        free(sc.seen);
        wl_vec_free(&sc.cand);
        wl_vec_free(&sc.hit_j);
        wl_vec_free(&sc.hit_d);
    }
    *compared_out = compared;
    return failed ? -1 : 0;
}

/* The model of a version 2 link: u from random pairs, then EM over the
 * candidates' patterns (first pass). @return 0, or -1 when out of memory. */
static int fit_model(link_ctx *c, wl_pprl_model *md, const uint32_t *rank, wl_vec *bufs, size_t n_chunks, int nt,
                     size_t *compared)
{
    const wl_encoded *a = c->a, *b = c->b;
    size_t n_pat = (size_t)1 << (WL_PPRL_LEVEL_BITS * a->n_seg);
    uint64_t *hist = calloc(n_pat, sizeof *hist);
    uint32_t *oa = records_by_rank(rank, 0, a->n, a->n + b->n), *ob = records_by_rank(rank, a->n, b->n, a->n + b->n);
    int rc = -1;
    if (hist && oa && ob) {
        /* the sample draws from the encoding holding the first record in output
         * order first, so it is the same for either argument order */
        int swap = b->n && (!a->n || rank[a->n + ob[0]] < rank[oa[0]]);
        memset(md, 0, sizeof *md);
        wl_pprl_model_thin(md, a, c->seg_pop_a, b, c->seg_pop_b);
        md->name_seg = -1;
        for (int s = 0; s < a->n_seg; s++)
            if (a->seg[s].field == WL_PPRL_F_NAME) md->name_seg = s;
        c->fit = md;
        rc = 0;
        if (md->name_seg >= 0) { /* first pass: the crowds, by the levels Dice gives */
            c->near_a = calloc(a->n * WL_PPRL_LEVELS + 1, sizeof *c->near_a);
            c->near_b = calloc(b->n * WL_PPRL_LEVELS + 1, sizeof *c->near_b);
            c->phase = PASS_CROWD;
            size_t seen = 0;
            rc = !c->near_a || !c->near_b ? -1 : run_pass(c, 1, NULL, 0, bufs, n_chunks, nt, &seen);
            for (size_t ch = 0; ch < n_chunks; ch++) wl_vec_free(&bufs[ch]);
            /* level l counts the candidates at l or closer */
            for (size_t r = 0; rc == 0 && r < a->n + b->n; r++) {
                uint32_t *v = r < a->n ? c->near_a + r * WL_PPRL_LEVELS : c->near_b + (r - a->n) * WL_PPRL_LEVELS;
                for (int l = 1; l < WL_PPRL_LEVELS; l++) v[l] += v[l - 1];
            }
        }
        if (rc == 0) {
            if (swap) wl_pprl_model_u(md, b, a, c->seg_pop_b, c->seg_pop_a, ob, oa, c->kernel, c->near_b, c->near_a);
            else wl_pprl_model_u(md, a, b, c->seg_pop_a, c->seg_pop_b, oa, ob, c->kernel, c->near_a, c->near_b);
            c->phase = PASS_COUNT; /* second pass: the patterns, crowds corrected */
            rc = run_pass(c, 1, hist, n_pat, bufs, n_chunks, nt, compared);
            for (size_t ch = 0; ch < n_chunks; ch++) wl_vec_free(&bufs[ch]);
        }
        if (rc == 0) wl_pprl_model_fit(md, a, hist, n_pat, a->n, b->n);
    }
    free(hist);
    free(oa);
    free(ob);
    return rc;
}

wl_status wl_pprl_link(const wl_encoded *a, const wl_encoded *b, const wl_pprl_options *opt_in,
                       wl_pprl_result **out, char *err, size_t errcap)
{
    *out = NULL;
    wl_pprl_options opt = opt_in ? *opt_in : wl_pprl_default_options();
    if (!opt.max_block) opt.max_block = 1000;
    if (same_encoding(a, b, err, errcap) != 0) return WL_INPUT;
    int fields = a->n_seg > 0 && !opt.by_dice;
    if (opt.threshold < 0) opt.threshold = fields ? PROB_DEFAULT : DICE_DEFAULT;
    if (!(opt.threshold >= 0.0 && opt.threshold <= 1.0)) {
        wl_set_error(err, errcap, "the threshold must be between 0 and 1");
        return WL_USAGE;
    }
    double t0 = wl_now();
    wl_pprl_result *r = calloc(1, sizeof *r);
    link_ctx c = { a, b, NULL, NULL, 0, 0, { NULL, 0 }, &opt, wl_pprl_kernel_best(), NULL, NULL, NULL, 0, NULL, NULL, NULL, PASS_SCORE };
    key_ref *ka = NULL, *kb = NULL;
    if (!r) return WL_NOMEM;
    /* A schema without blocking keys ("blocking": false, which hides even which
     * records share a key) leaves nothing to block on: every pair is compared. */
    if (a->block_start[a->n] == 0 || b->block_start[b->n] == 0) opt.all_pairs = 1;
    if (!opt.all_pairs) {
        ka = sorted_keys(a, &c.nka);
        kb = sorted_keys(b, &c.nkb);
        c.ka = ka;
        c.kb = kb;
        if (!ka || !kb || table_build(&c.table, ka, c.nka, kb, c.nkb) != 0) {
            free(ka);
            free(kb);
            free(c.table.slot);
            free(r);
            return WL_NOMEM;
        }
        r->stats.skipped_keys = count_big(ka, c.nka, opt.max_block) + count_big(kb, c.nkb, opt.max_block);
    }
    size_t n_chunks = (a->n + CHUNK - 1) / CHUNK, compared = 0;
    wl_vec *bufs = calloc(n_chunks ? n_chunks : 1, sizeof *bufs);
    uint32_t *rank = union_ranks(a, b), *pop_a = NULL, *pop_b = NULL;
    int nt = wl_thread_count(opt.threads), failed = !bufs || !rank;
    wl_pprl_model md;
    memset(&md, 0, sizeof md);
    if (!failed && fields) {
        c.seg_pop_a = pop_a = segment_pops(a, nt);
        c.seg_pop_b = pop_b = segment_pops(b, nt);
        failed = !pop_a || !pop_b || fit_model(&c, &md, rank, bufs, n_chunks, nt, &compared) != 0;
        /* the weight at which 2^w / (1 + 2^w) reaches the threshold */
        c.model = &md;
        c.phase = PASS_SCORE;
        c.cut = opt.threshold >= 1.0 ? HUGE_VAL : opt.threshold <= 0.0 ? -HUGE_VAL
                                                                        : log2(opt.threshold / (1.0 - opt.threshold));
    }
    if (!failed) failed = run_pass(&c, fields, NULL, 0, bufs, n_chunks, nt, &compared) != 0;
    free(ka);
    free(kb);
    free(c.table.slot);
    free(pop_a);
    free(pop_b);
    free(c.near_a);
    free(c.near_b);
    wl_vec all;
    wl_vec_init(&all, sizeof(wl_pprl_pair));
    if (bufs && concat(bufs, n_chunks, &all) != 0) failed = 1;
    free(bufs);
    wl_status st = failed ? WL_NOMEM : finish(r, a, b, &all, &opt, rank, fields);
    wl_vec_free(&all);
    free(rank);
    if (st != WL_OK) {
        wl_pprl_result_free(r);
        wl_set_error(err, errcap, "out of memory linking the encodings");
        return st;
    }
    r->stats.candidates = compared;
    r->stats.pairs = r->n;
    r->stats.seconds = wl_now() - t0;
    r->stats.fields = fields;
    r->stats.threshold = opt.threshold;
    r->stats.prior = md.prior;
    r->stats.em_iterations = md.iterations;
    r->stats.em_fallback = md.fallback;
    *out = r;
    return WL_OK;
}
