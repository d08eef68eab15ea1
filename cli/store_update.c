/* store_update.c -- the incremental update (store_update.h). */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store_dead.h"
#include "store_ids.h"
#include "store_index.h"
#include "store_later.h"
#include "store_night.h"
#include "store_rows.h"
#include "store_update.h"

/* The frozen statistics are those of the last refit. Records added since are
 * matched with them (plus their own batch's counts), and records removed or
 * replaced since still count in them (a name part's rarity, the population,
 * a block's size against its limit), so the more there are of both, the
 * further the statistics drift from a full run's: an update that would bring
 * them past a quarter of the records at the last refit refits instead. */
enum { REFIT_SHARE = 4 };

/* ---- the incremental update ---- */

/*
 * Only the neighbourhood of the night's records is re-formed: the connected
 * parts of the graph of stored pairs, match decisions and the new pairs that
 * hold a new record or a dead one (store_dead.h: removed, or the old version
 * of a replaced row, whose new version is a new record). A person is one such
 * part or a piece of one (clustering joins records along pairs and must-links
 * only), a record's pairs all lie in its part, and the outranked rule reads
 * only the pairs of a pair's two records, so re-forming these parts alone
 * gives the persons of re-forming the whole store. A dead record's pairs are
 * dropped; its neighbours are matched again (wl_store_match's use 2), so a pair
 * the outranked rule had dropped because of it comes back as in a full run.
 *
 * Where this differs from a refit: the statistics stay frozen (REFIT_SHARE);
 * a neighbour's pair the refit kept stays as stored, values of the refit, and
 * one that comes back is scored with the frozen statistics plus the night's;
 * a neighbour matched again counts in its blocks' sizes twice (the limit
 * max_block skips a block a little earlier); and a pair of two records of one
 * source is compared with the stored record first, as for a new record.
 */

typedef struct {
    char **fields;
    unsigned char *use;
    wl_store_index *x;
    store_later later;
    wl_match *m;            /* every candidate the engine compared */
    uint32_t *qrank;
    size_t *newi;           /* the new rows (dataset indices) in output order */
    int64_t *row_rid;       /* per dataset row: the row id it gets (use 1), or has (stored) */
    size_t *repl;           /* per night row: the dead record it replaces, or SIZE_MAX */
    dead_set dead;          /* removed and replaced records, by row id */
    int64_t *tomb, *nb;     /* the tombstones before the night; the dead records' neighbours */
    size_t n_tomb, n_nb;
    wl_match *np;           /* the new pairs kept (at or above the threshold, live records) */
    int64_t *np_l, *np_r;   /* their records' row ids */
    size_t n_np;
    uint32_t *parent;       /* union-find over row ids 0..rid_end-1 */
    int64_t rid_end;
    /* the stored pairs */
    int64_t *sp_ord, *sp_l, *sp_r;
    float *sp_w;
    size_t n_sp;
    /* the part: affected stored records in output order, then the new ones */
    size_t n_aff, n_all;
    int64_t *rid, *ord, *old_person;
    char **source, **id;
    uint32_t *pos;          /* per row id 0..rid_end-1: its position in the part, or UINT32_MAX */
    uint32_t *src;
    wl_match *all, *kept;   /* the part's stored pairs, then the new pairs at or above the threshold */
    int64_t *all_ord;       /* per pair of all[], its stored ord (-1: new) */
    size_t n_pairs, n_stored_in;
    unsigned char *survive, *kept_dec;
    dec_pair *dp;
    size_t *dp_of;
    store_key *keys;
    dec_row *dec;
    size_t n_dec;
    dec_link *links;
    size_t *label;
    int64_t *person;
    unsigned char *changed;
    sid_change *ch;
    night_job night;        /* the night's features, built beside the serial steps (store_night.h) */
} upd;

static void upd_free(upd *u, size_t n_rows)
{
    night_free(&u->night);
    store_fields_free(u->fields, n_rows);
    free(u->use);
    wl_store_index_close(u->x);
    store_later_free(&u->later);
    free(u->m);
    free(u->qrank);
    free(u->newi);
    free(u->row_rid);
    free(u->repl);
    dead_free(&u->dead);
    free(u->tomb);
    free(u->nb);
    free(u->np);
    free(u->np_l);
    free(u->np_r);
    free(u->changed);
    free(u->parent);
    free(u->sp_ord);
    free(u->sp_l);
    free(u->sp_r);
    free(u->sp_w);
    for (size_t k = 0; k < u->n_aff; k++) {
        free(u->source ? u->source[k] : NULL);
        free(u->id ? u->id[k] : NULL);
    }
    free(u->rid);
    free(u->ord);
    free(u->old_person);
    free(u->source);
    free(u->id);
    free(u->pos);
    free(u->src);
    free(u->all);
    free(u->kept);
    free(u->all_ord);
    free(u->survive);
    free(u->kept_dec);
    free(u->dp);
    free(u->dp_of);
    free(u->keys);
    dec_rows_free(u->dec, u->n_dec);
    free(u->links);
    free(u->label);
    free(u->person);
    free(u->ch);
}

/* Each row of the night: new (use = 1), replacing a stored row of its source
 * and id with other fields (use = 1, the stored one dead), or as stored (0);
 * row_rid: a stored row's id. *n_add counts the rows with use 1. @return 0, or -1. */
static int classify(store *s, const wl_dataset *ds, char *const *fields, upd *u, size_t *n_add)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT rid, person_id, ord, fields FROM records WHERE source = ?1 AND id = ?2",
                           -1, &st, NULL))
        return cli_error("%s: %s", s->path, sqlite3_errmsg(s->db)), -1;
    int rc = 0;
    for (size_t i = 0, n = wl_dataset_size(ds); rc == 0 && i < n; i++) {
        const char *source = wl_dataset_source(ds, i), *id = wl_dataset_id(ds, i);
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
        int r = sqlite3_step(st);
        if (r == SQLITE_ROW) {
            const char *v = (const char *)sqlite3_column_text(st, 3);
            u->row_rid[i] = sqlite3_column_int64(st, 0);
            if (v && strcmp(v, fields[i]) == 0) continue;
            u->use[i] = 1;
            ++*n_add;
            rc = dead_add(&u->dead, u->row_rid[i], sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2), source,
                          id, i);
        } else if (r == SQLITE_DONE) {
            u->use[i] = 1;
            ++*n_add;
        } else {
            rc = -1;
            cli_error("%s: %s", s->path, sqlite3_errmsg(s->db));
        }
    }
    sqlite3_finalize(st);
    return rc;
}

static int64_t scalar(store *s, const char *sql, int64_t if_null)
{
    sqlite3_stmt *st;
    int64_t v = if_null;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) return if_null;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static uint32_t uf_find(uint32_t *p, uint32_t a)
{
    while (p[a] != a) {
        p[a] = p[p[a]];
        a = p[a];
    }
    return a;
}

static void uf_union(uint32_t *p, int64_t a, int64_t b)
{
    uint32_t x = uf_find(p, (uint32_t)a), y = uf_find(p, (uint32_t)b);
    if (x != y) p[x < y ? y : x] = x < y ? x : y;
}

/* The row id of an engine pair's other record (wl_store_match's numbering). */
static int64_t other_rid(const upd *u, uint32_t o)
{
    size_t N = wl_store_index_records(u->x), D = u->later.n;
    if (o < N) return wl_store_index_rid(u->x, o);
    if (o < N + D) return u->later.rid[o - N];
    return u->row_rid[o - N - D];
}

/* The stored pairs go into u's arrays through an SQL function called once per
 * row inside one statement ("SELECT count(wl_take_pair(...)) FROM pairs"),
 * not a step and four column reads per row: at 10^6 records half a million
 * rows, and the API calls around each were half of the update's reading cost
 * (2.4 k instructions a row, ~1.1 k this way). Same rows, same (rowid) order. */
typedef struct {
    upd *u;
    size_t cap, n;
} pair_sink;

static void take_pair(sqlite3_context *cx, int argc, sqlite3_value **v)
{
    pair_sink *p = sqlite3_user_data(cx);
    (void)argc;
    if (p->n < p->cap) {
        p->u->sp_ord[p->n] = sqlite3_value_int64(v[0]);
        p->u->sp_l[p->n] = sqlite3_value_int64(v[1]);
        p->u->sp_r[p->n] = sqlite3_value_int64(v[2]);
        p->u->sp_w[p->n] = (float)sqlite3_value_double(v[3]);
    }
    p->n++; /* past cap: the table grew under us, said below */
    sqlite3_result_int(cx, 1);
}

static int load_stored_pairs(store *s, upd *u)
{
    int64_t np = scalar(s, "SELECT count(*) FROM pairs", 0);
    size_t m = np > 0 ? (size_t)np : 1;
    u->sp_ord = malloc(m * sizeof *u->sp_ord);
    u->sp_l = malloc(m * sizeof *u->sp_l);
    u->sp_r = malloc(m * sizeof *u->sp_r);
    u->sp_w = malloc(m * sizeof *u->sp_w);
    if (!u->sp_ord || !u->sp_l || !u->sp_r || !u->sp_w) return cli_error("out of memory"), -1;
    pair_sink sink = { u, m, 0 };
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_create_function(s->db, "wl_take_pair", 4, SQLITE_UTF8 | SQLITE_DIRECTONLY, &sink, take_pair,
                                     NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(s->db, "SELECT count(wl_take_pair(ord, left_rid, right_rid, match_weight)) FROM pairs",
                                -1, &st, NULL);
    if (rc != SQLITE_OK) {
        cli_error("%s: %s", s->path, sqlite3_errmsg(s->db));
        sqlite3_create_function(s->db, "wl_take_pair", 4, SQLITE_UTF8, NULL, NULL, NULL, NULL);
        return -1;
    }
    rc = sqlite3_step(st);
    int64_t seen = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    sqlite3_create_function(s->db, "wl_take_pair", 4, SQLITE_UTF8, NULL, NULL, NULL, NULL); /* gone again */
    u->n_sp = sink.n < m ? sink.n : m;
    if (rc != SQLITE_ROW || seen != np || (int64_t)sink.n != np)
        return cli_error("%s: cannot read the stored pairs (run 'watchlink index --check')", s->path), -1;
    return 0;
}

/* The row id of a decision's record, or -1 (not stored). */
static int64_t rid_of_key(sqlite3_stmt *st, const char *source, const char *id)
{
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    return sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
}

static int by_first(const void *a, const void *b)
{
    const int64_t *x = a, *y = b;
    return (x[0] > y[0]) - (x[0] < y[0]);
}

/* A row id's position in the part, or SIZE_MAX: a table by row id, not a
 * search, as every stored pair (10^6 records: half a million) asks for both
 * of its records. */
static size_t pos_of_rid(const upd *u, int64_t rid)
{
    if (rid < 0 || rid >= u->rid_end || u->pos[rid] == UINT32_MAX) return SIZE_MAX;
    return u->pos[rid];
}

/* The affected stored records (their part holds a new record, a dead one or a
 * neighbour matched again), in output order; the dead are not among them.
 * @return 0, or -1 after the error. */
static int load_part(store *s, upd *u, size_t n_add)
{
    uint32_t *root_hit = calloc((size_t)u->rid_end, sizeof *root_hit);
    if (!root_hit) return cli_error("out of memory"), -1;
    int64_t first_new = u->rid_end - (int64_t)n_add;
    for (int64_t r = first_new; r < u->rid_end; r++) root_hit[uf_find(u->parent, (uint32_t)r)] = 1;
    for (size_t k = 0; k < u->dead.n; k++) root_hit[uf_find(u->parent, (uint32_t)u->dead.rids[k])] = 1;
    for (size_t k = 0; k < u->n_nb; k++) root_hit[uf_find(u->parent, (uint32_t)u->nb[k])] = 1;
    for (size_t k = 0; k < u->dead.n; k++) root_hit[u->dead.rids[k]] |= 2; /* hit, but not loaded */
    /* bit 4: r's part is hit (its root found once, not once per pass) */
    size_t n = 0;
    for (int64_t r = 0; r < first_new; r++)
        if (root_hit[uf_find(u->parent, (uint32_t)r)] & 1) root_hit[r] |= 4, n++;
    size_t m = n + n_add ? n + n_add : 1;
    u->rid = malloc(m * sizeof *u->rid);
    u->ord = malloc(m * sizeof *u->ord);
    u->old_person = calloc(m, sizeof *u->old_person);
    u->source = calloc(m, sizeof *u->source);
    u->id = calloc(m, sizeof *u->id);
    sqlite3_stmt *st = NULL;
    int rc = u->rid && u->ord && u->old_person && u->source && u->id ? 0 : -1;
    if (rc) cli_error("out of memory");
    if (rc == 0 && sqlite3_prepare_v2(s->db, "SELECT person_id, source, id, ord FROM records WHERE rid = ?", -1,
                                      &st, NULL))
        rc = -1, cli_error("%s: %s", s->path, sqlite3_errmsg(s->db));
    /* (ord, rid) of the affected stored records that exist, sorted by ord */
    int64_t *by_ord = rc == 0 ? malloc(2 * (n ? n : 1) * sizeof *by_ord) : NULL;
    size_t k = 0;
    if (rc == 0 && !by_ord) rc = -1, cli_error("out of memory");
    for (int64_t r = 0; rc == 0 && r < first_new; r++) {
        if (!(root_hit[r] & 4) || (root_hit[r] & 2)) continue;
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, r);
        int q = sqlite3_step(st);
        if (q == SQLITE_DONE) continue; /* a row id no record has (a tombstone, or never used) */
        if (q != SQLITE_ROW) {
            rc = -1;
            cli_error("%s: %s", s->path, sqlite3_errmsg(s->db));
            break;
        }
        u->rid[k] = r;
        u->old_person[k] = sqlite3_column_int64(st, 0);
        u->source[k] = store_col_text(st, 1);
        u->id[k] = store_col_text(st, 2);
        u->ord[k] = sqlite3_column_int64(st, 3);
        if (!u->source[k] || !u->id[k]) rc = -1, cli_error("out of memory");
        by_ord[2 * k] = u->ord[k];
        by_ord[2 * k + 1] = (int64_t)k;
        k++;
    }
    sqlite3_finalize(st);
    free(root_hit);
    u->n_aff = k;
    if (rc == 0) { /* reorder by ord */
        qsort(by_ord, k, 2 * sizeof *by_ord, by_first);
        int64_t *rid = malloc(m * sizeof *rid), *ord = malloc(m * sizeof *ord), *op = calloc(m, sizeof *op);
        char **sr = calloc(m, sizeof *sr), **id = calloc(m, sizeof *id);
        if (!rid || !ord || !op || !sr || !id) {
            rc = -1;
            cli_error("out of memory");
            free(rid), free(ord), free(op), free(sr), free(id);
        } else {
            for (size_t j = 0; j < k; j++) {
                size_t from = (size_t)by_ord[2 * j + 1];
                rid[j] = u->rid[from], ord[j] = u->ord[from], op[j] = u->old_person[from];
                sr[j] = u->source[from], id[j] = u->id[from];
            }
            free(u->rid), free(u->ord), free(u->old_person), free(u->source), free(u->id);
            u->rid = rid, u->ord = ord, u->old_person = op, u->source = sr, u->id = id;
        }
    }
    free(by_ord);
    return rc;
}

/* Source numbers per position: the few distinct names, looked up linearly. */
static int number_sources(upd *u, const wl_dataset *ds)
{
    const char **names = malloc((u->n_all ? u->n_all : 1) * sizeof *names);
    u->src = malloc((u->n_all ? u->n_all : 1) * sizeof *u->src);
    if (!names || !u->src) {
        free(names);
        return cli_error("out of memory"), -1;
    }
    size_t nn = 0, last = 0;
    for (size_t p = 0; p < u->n_all; p++) {
        const char *name = p < u->n_aff ? u->source[p] : wl_dataset_source(ds, u->newi[p - u->n_aff]);
        if (nn == 0 || strcmp(names[last], name) != 0) {
            for (last = 0; last < nn && strcmp(names[last], name) != 0; last++) {}
            if (last == nn) names[nn++] = name;
        }
        u->src[p] = (uint32_t)last;
    }
    free(names);
    return 0;
}

static const char *pos_source(const upd *u, const wl_dataset *ds, size_t p)
{
    return p < u->n_aff ? u->source[p] : wl_dataset_source(ds, u->newi[p - u->n_aff]);
}

static const char *pos_id(const upd *u, const wl_dataset *ds, size_t p)
{
    return p < u->n_aff ? u->id[p] : wl_dataset_id(ds, u->newi[p - u->n_aff]);
}

static int same_pair(const wl_match *a, const wl_match *b) { return a->left == b->left && a->right == b->right; }

/* The new rows' row ids, in output order after every stored one. */
static int number_new(const wl_dataset *ds, upd *u, size_t n_add, int64_t rid0)
{
    size_t nn = wl_dataset_size(ds);
    if (wl_dataset_record_ranks(ds, &u->qrank) != WL_OK) return cli_error("out of memory"), -1;
    u->newi = malloc((n_add ? n_add : 1) * sizeof *u->newi);
    size_t *at_rank = malloc((nn ? nn : 1) * sizeof *at_rank);
    if (!u->newi || !at_rank) {
        free(at_rank);
        return cli_error("out of memory"), -1;
    }
    for (size_t i = 0; i < nn; i++) at_rank[u->qrank[i]] = i;
    size_t j = 0;
    for (size_t r = 0; r < nn; r++) {
        size_t i = at_rank[r];
        if (u->use[i] != 1) continue;
        u->row_rid[i] = rid0 + (int64_t)j;
        u->newi[j++] = i;
    }
    free(at_rank);
    return 0;
}

static int by_source_id(const void *a, const void *b)
{
    const store_rec *x = a, *y = b;
    int c = strcmp(x->source, y->source);
    return c ? c : strcmp(x->id, y->id);
}

/* The stored records of rids (n, none a night's row) as they are stored, sorted
 * for store_find. @return 0, or -1 after the error. */
static int read_stored(store *s, const int64_t *rids, size_t n, store_rec **out)
{
    store_rec *r = calloc(n ? n : 1, sizeof *r);
    sqlite3_stmt *st = NULL;
    int rc = r ? 0 : -1;
    if (rc) cli_error("out of memory");
    if (rc == 0 && sqlite3_prepare_v2(s->db, "SELECT person_id, source, id, fields FROM records WHERE rid = ?", -1,
                                      &st, NULL))
        rc = -1, cli_error("%s: %s", s->path, sqlite3_errmsg(s->db));
    for (size_t k = 0; rc == 0 && k < n; k++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, rids[k]);
        if (sqlite3_step(st) != SQLITE_ROW) {
            rc = -1;
            cli_error("%s: damaged store: record %" PRId64 " has a pair but no row", s->path, rids[k]);
            break;
        }
        r[k] = (store_rec){ rids[k], sqlite3_column_int64(st, 0), store_col_text(st, 1), store_col_text(st, 2),
                            store_col_text(st, 3), 0 };
        if (!r[k].source || !r[k].id || !r[k].fields) rc = -1, cli_error("out of memory");
    }
    sqlite3_finalize(st);
    if (r) qsort(r, n, sizeof *r, by_source_id);
    *out = r;
    return rc;
}

/* The dead records' neighbours join the match as use 2 (store_dead.h): a
 * night's row as stored is marked; the others are reloaded from the database
 * and appended to ds. @return 0, or -1 after the error. */
static int add_neighbours(store *s, wl_dataset *ds, upd *u, size_t nn)
{
    if (!u->dead.n) return 0;
    u->nb = dead_neighbours(s, &u->dead, u->sp_l, u->sp_r, u->n_sp, u->dec, u->n_dec, &u->n_nb);
    if (!u->nb) return -1;
    int64_t *rest = malloc((u->n_nb ? u->n_nb : 1) * sizeof *rest);
    unsigned char *in_night = calloc(u->n_nb ? u->n_nb : 1, 1);
    store_rec *recs = NULL;
    size_t nr = 0;
    int rc = rest && in_night ? 0 : -1;
    if (rc) cli_error("out of memory");
    for (size_t i = 0; rc == 0 && i < nn; i++) {
        if (u->use[i] || !u->row_rid[i]) continue;
        const int64_t *at = bsearch(&u->row_rid[i], u->nb, u->n_nb, sizeof *u->nb, by_first);
        if (at) u->use[i] = 2, in_night[at - u->nb] = 1;
    }
    for (size_t k = 0; rc == 0 && k < u->n_nb; k++)
        if (!in_night[k]) rest[nr++] = u->nb[k];
    if (rc == 0) rc = read_stored(s, rest, nr, &recs);
    if (rc == 0) rc = store_to_dataset(s, recs, nr, ds);
    size_t n = wl_dataset_size(ds);
    if (rc == 0 && n != nn + nr) {
        rc = -1;
        cli_error("%s: damaged store: %zu records to match again, %zu reloaded", s->path, nr, n - nn);
    }
    unsigned char *use = rc == 0 ? realloc(u->use, n ? n : 1) : NULL;
    if (use) u->use = use;
    int64_t *rr = use ? realloc(u->row_rid, (n ? n : 1) * sizeof *rr) : NULL;
    if (rr) u->row_rid = rr;
    if (rc == 0 && (!use || !rr)) rc = -1, cli_error("out of memory");
    for (size_t i = nn; rc == 0 && i < n; i++) {
        size_t j = store_find(recs, nr, wl_dataset_source(ds, i), wl_dataset_id(ds, i));
        if (j == SIZE_MAX) rc = -1, cli_error("%s: damaged store: a stored record did not reload", s->path);
        else u->use[i] = 2, u->row_rid[i] = recs[j].rid;
    }
    store_recs_free(recs, nr);
    free(rest);
    free(in_night);
    return rc;
}

/* A pair's two row ids in order, and where it came from, for the rematch's duplicates. */
typedef struct {
    int64_t lo, hi;
    size_t k;
} rid_pair;

static int by_rid_pair(const void *a, const void *b)
{
    const rid_pair *x = a, *y = b;
    if (x->lo != y->lo) return x->lo < y->lo ? -1 : 1;
    if (x->hi != y->hi) return x->hi < y->hi ? -1 : 1;
    return (x->k > y->k) - (x->k < y->k);
}

static rid_pair ordered(int64_t a, int64_t b, size_t k)
{
    return a < b ? (rid_pair){ a, b, k } : (rid_pair){ b, a, k };
}

/* The stored pairs of the neighbours matched again, sorted: such a pair stays
 * as stored (the refit's values), the rematch does not add it twice. */
static rid_pair *neighbour_pairs(const upd *u, size_t *n)
{
    rid_pair *v = malloc((u->n_sp ? u->n_sp : 1) * sizeof *v);
    size_t k = 0;
    for (size_t p = 0; v && p < u->n_sp; p++)
        if (rid_in(u->nb, u->n_nb, u->sp_l[p]) || rid_in(u->nb, u->n_nb, u->sp_r[p]))
            v[k++] = ordered(u->sp_l[p], u->sp_r[p], 0);
    if (v) qsort(v, k, sizeof *v, by_rid_pair);
    *n = k;
    return v;
}

static int stored_pair(const rid_pair *v, size_t n, rid_pair p)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].lo < p.lo || (v[mid].lo == p.lo && v[mid].hi < p.hi)) lo = mid + 1;
        else hi = mid;
    }
    return lo < n && v[lo].lo == p.lo && v[lo].hi == p.hi;
}

/* The engine's pairs the update keeps: at or above the threshold, between two
 * live records, each once. Among q's records only two new ones pair (a new
 * record and a neighbour pair against the neighbour's stored copy too); a
 * neighbour's pair that is stored stays as stored; of a pair of two
 * neighbours, each against the other's stored copy, the first (engine order)
 * stays. @return 0, or -1 after the error. */
static int keep_new_pairs(store *s, upd *u, size_t nm, double tw)
{
    size_t N = wl_store_index_records(u->x), D = u->later.n, ns = 0, nr = 0;
    rid_pair *sp = neighbour_pairs(u, &ns), *re = malloc((nm ? nm : 1) * sizeof *re);
    u->np = malloc((nm ? nm : 1) * sizeof *u->np);
    u->np_l = malloc((nm ? nm : 1) * sizeof *u->np_l);
    u->np_r = malloc((nm ? nm : 1) * sizeof *u->np_r);
    unsigned char *drop = calloc(nm ? nm : 1, 1);
    int rc = sp && re && u->np && u->np_l && u->np_r && drop ? 0 : -1;
    if (rc) cli_error("out of memory");
    for (size_t k = 0; rc == 0 && k < nm; k++) {
        const wl_match *p = &u->m[k];
        size_t i = p->left, j = p->right >= N + D ? p->right - N - D : SIZE_MAX;
        int64_t a = u->row_rid[i], b = other_rid(u, p->right);
        if (!(p->weight >= tw) || (j != SIZE_MAX && (u->use[i] == 2 || u->use[j] == 2)) || a == b) drop[k] = 1;
        else if (a < 0 || b < 0 || b >= u->rid_end)
            rc = -1, cli_error("%s: damaged store: a pair names no record", s->path);
        else if (rid_in(u->tomb, u->n_tomb, b) || rid_in(u->dead.rids, u->dead.n, b)) drop[k] = 1;
        else if (u->use[i] == 2 && stored_pair(sp, ns, ordered(a, b, k))) drop[k] = 1;
        else if (u->use[i] == 2) re[nr++] = ordered(a, b, k);
    }
    if (rc == 0) qsort(re, nr, sizeof *re, by_rid_pair);
    for (size_t t = 1; rc == 0 && t < nr; t++)
        if (re[t].lo == re[t - 1].lo && re[t].hi == re[t - 1].hi) drop[re[t].k] = 1;
    for (size_t k = 0; rc == 0 && k < nm; k++) {
        if (drop[k]) continue;
        u->np[u->n_np] = u->m[k];
        u->np_l[u->n_np] = u->row_rid[u->m[k].left];
        u->np_r[u->n_np++] = other_rid(u, u->m[k].right);
    }
    free(sp);
    free(re);
    free(drop);
    return rc;
}

/* Matches the new rows (and the dead records' neighbours again), finds their
 * part of the store and re-forms its persons. */
static int plan(store *s, store_settings *set, wl_dataset *ds, const cli_opts *o, upd *u, size_t n_add,
                int64_t rid0, size_t *n_clusters, size_t *nc, size_t *nm_out, size_t *n_links)
{
    size_t nm = 0, nn = wl_dataset_size(ds);
    char err[512] = "";
    u->rid_end = rid0 + (int64_t)n_add;
    if (load_stored_pairs(s, u) != 0 || store_load_decisions(s, &u->dec, &u->n_dec) != 0) return -1;
    if (u->dead.n) night_join(&u->night); /* add_neighbours may add to ds */
    if (add_neighbours(s, ds, u, nn) != 0 || number_new(ds, u, n_add, rid0) != 0) return -1;
    const wl_features *fq = night_features(&u->night, ds);
    wl_status st = fq ? wl_store_match_features(u->x, u->later.ds, ds, fq, u->use, 1, set->model, o->threads, &u->m,
                                                &nm, err, sizeof err)
                      : wl_store_match(u->x, u->later.ds, ds, u->use, 1, set->model, o->threads, &u->m, &nm, err,
                                       sizeof err);
    if (st != WL_OK) return cli_error("%s", err), -1;
    *nm_out = nm;
    double t = set->threshold;
    double tw = t <= 0 ? -INFINITY : (t >= 1 ? INFINITY : log2(t / (1 - t)));
    if (keep_new_pairs(s, u, nm, tw) != 0) return -1;
    /* the parts: stored pairs (the dead records' too), match decisions and the new pairs, over row ids */
    if (u->rid_end >= (int64_t)UINT32_MAX) return cli_error("%s: row ids beyond 2^32: refit", s->path), -1;
    u->parent = malloc((size_t)u->rid_end * sizeof *u->parent);
    if (!u->parent) return cli_error("out of memory"), -1;
    for (int64_t r = 0; r < u->rid_end; r++) u->parent[r] = (uint32_t)r;
    for (size_t k = 0; k < u->n_sp; k++)
        if (u->sp_l[k] < rid0 && u->sp_r[k] < rid0 && u->sp_l[k] >= 0 && u->sp_r[k] >= 0)
            uf_union(u->parent, u->sp_l[k], u->sp_r[k]);
    sqlite3_stmt *kst;
    if (sqlite3_prepare_v2(s->db, "SELECT rid FROM records WHERE source = ?1 AND id = ?2", -1, &kst, NULL))
        return cli_error("%s: %s", s->path, sqlite3_errmsg(s->db)), -1;
    for (size_t d = 0; d < u->n_dec; d++) {
        if (!u->dec[d].match) continue;
        int64_t a = rid_of_key(kst, u->dec[d].f[DEC_LEFT_SOURCE], u->dec[d].f[DEC_LEFT_ID]);
        int64_t b = rid_of_key(kst, u->dec[d].f[DEC_RIGHT_SOURCE], u->dec[d].f[DEC_RIGHT_ID]);
        if (a >= 0 && b >= 0 && a < rid0 && b < rid0) uf_union(u->parent, a, b);
    }
    sqlite3_finalize(kst);
    for (size_t k = 0; k < u->n_np; k++) uf_union(u->parent, u->np_l[k], u->np_r[k]);
    /* the part's records: positions (stored in output order, then the new) */
    if (load_part(s, u, n_add) != 0) return -1;
    u->n_all = u->n_aff + n_add;
    size_t n_all = u->n_all, m = n_all ? n_all : 1;
    u->pos = malloc((size_t)u->rid_end * sizeof *u->pos);
    if (!u->pos) return cli_error("out of memory"), -1;
    memset(u->pos, 0xff, (size_t)u->rid_end * sizeof *u->pos);
    for (size_t p = 0; p < n_all; p++) u->pos[p < u->n_aff ? u->rid[p] : rid0 + (int64_t)(p - u->n_aff)] = (uint32_t)p;
    if (number_sources(u, ds) != 0) return -1;
    /* the part's stored pairs (not the dead records'), then the new pairs kept */
    size_t cap = u->n_np + 1;
    for (size_t k = 0; k < u->n_sp; k++) cap += pos_of_rid(u, u->sp_l[k]) != SIZE_MAX;
    u->all = calloc(cap, sizeof *u->all);
    u->kept = malloc(cap * sizeof *u->kept);
    u->all_ord = malloc(cap * sizeof *u->all_ord);
    u->survive = calloc(cap, 1);
    u->kept_dec = calloc(cap, 1);
    u->dp = malloc(cap * sizeof *u->dp);
    u->dp_of = malloc(cap * sizeof *u->dp_of);
    if (!u->all || !u->kept || !u->all_ord || !u->survive || !u->kept_dec || !u->dp || !u->dp_of)
        return cli_error("out of memory"), -1;
    size_t M = 0;
    for (size_t k = 0; k < u->n_sp; k++) {
        size_t a = pos_of_rid(u, u->sp_l[k]);
        if (a == SIZE_MAX) continue; /* not in the part (most pairs) */
        if (rid_in(u->dead.rids, u->dead.n, u->sp_l[k]) || rid_in(u->dead.rids, u->dead.n, u->sp_r[k])) continue;
        size_t b = pos_of_rid(u, u->sp_r[k]);
        if (b == SIZE_MAX) return cli_error("%s: damaged store: a pair names no record", s->path), -1;
        u->all[M] = (wl_match){ .left = (uint32_t)a, .right = (uint32_t)b, .weight = u->sp_w[k] };
        u->all_ord[M++] = u->sp_ord[k];
    }
    u->n_stored_in = M;
    for (size_t k = 0; k < u->n_np; k++) {
        size_t a = pos_of_rid(u, u->np_l[k]), b = pos_of_rid(u, u->np_r[k]);
        if (a == SIZE_MAX || b == SIZE_MAX) return cli_error("%s: damaged store: a pair names no record", s->path), -1;
        wl_match *x = &u->all[M];
        *x = u->np[k];
        x->left = (uint32_t)(a < b ? a : b);
        x->right = (uint32_t)(a < b ? b : a);
        u->all_ord[M++] = -1;
    }
    u->n_pairs = M;
    /* the outranked rule over both (a record's best partner in a source is
     * never dropped, so the stored pairs hold every best the full run saw) */
    memcpy(u->kept, u->all, M * sizeof *u->all);
    size_t nk = wl_matches_drop_outranked(u->kept, M, u->src);
    if (nk == SIZE_MAX) return cli_error("out of memory"), -1;
    for (size_t k = 0, q = 0; k < M; k++)
        if (q < nk && same_pair(&u->all[k], &u->kept[q])) u->survive[k] = 1, q++;
    size_t ndp = 0;
    for (size_t k = 0; k < M; k++)
        if (u->survive[k]) {
            u->dp[ndp] = (dec_pair){ u->all[k].left, u->all[k].right, u->all[k].weight };
            u->dp_of[ndp++] = k;
        }
    /* persons under the stored decisions, then the stable-id rule */
    u->keys = malloc(m * sizeof *u->keys);
    u->label = malloc(m * sizeof *u->label);
    u->person = malloc(m * sizeof *u->person);
    u->ch = malloc(m * sizeof *u->ch);
    u->changed = calloc(m, 1);
    int64_t *age = malloc(m * sizeof *age);
    unsigned char *kd = malloc(ndp ? ndp : 1);
    int rc = u->keys && u->label && u->person && u->ch && u->changed && age && kd ? 0 : -1;
    if (rc) cli_error("out of memory");
    for (size_t p = 0; rc == 0 && p < n_all; p++) {
        u->keys[p] = (store_key){ pos_source(u, ds, p), pos_id(u, ds, p), p };
        age[p] = p < u->n_aff ? u->rid[p] : rid0 + (int64_t)(p - u->n_aff);
        size_t r = p < u->n_aff ? SIZE_MAX : u->repl[u->newi[p - u->n_aff]];
        if (r != SIZE_MAX) { /* a replaced row: its person and its age are the old version's */
            u->old_person[p] = u->dead.d[r].person;
            age[p] = u->dead.d[r].rid;
            u->changed[p] = 1;
        }
    }
    if (rc == 0) store_keys_sort(u->keys, n_all);
    if (rc == 0 && !(u->links = store_decision_links(u->keys, n_all, u->dec, u->n_dec, n_links))) rc = -1;
    if (rc == 0) {
        *n_clusters = dec_cluster(n_all, u->dp, ndp, u->links, *n_links, u->label, kd);
        if (*n_clusters == SIZE_MAX) rc = -1, cli_error("out of memory");
    }
    for (size_t d = 0; rc == 0 && d < ndp; d++) u->kept_dec[u->dp_of[d]] = kd[d];
    if (rc == 0) {
        sid_input in = { n_all, u->old_person, age, u->label, u->changed, *n_clusters,
                         (int64_t)set->next_person_id };
        int64_t next = sid_assign(&in, u->person, u->ch, nc);
        if (next < 0) rc = -1, cli_error("out of memory");
        else set->next_person_id = next;
    }
    free(age);
    free(kd);
    return rc;
}

static int step(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    sqlite3_reset(st);
    return rc;
}

static int by_positions(const void *a, const void *b)
{
    const wl_match *x = *(const wl_match *const *)a, *y = *(const wl_match *const *)b;
    if (x->left != y->left) return x->left < y->left ? -1 : 1;
    return (x->right > y->right) - (x->right < y->right);
}

/* The dead records out: their pairs, their rows; a row id the index file
 * holds becomes a tombstone (store_index.h). */
static int write_dead(const upd *u, sqlite3_stmt *unpair, sqlite3_stmt *unrecord, sqlite3_stmt *tomb)
{
    int rc = 0;
    for (size_t k = 0; rc == 0 && k < u->n_sp; k++)
        if (rid_in(u->dead.rids, u->dead.n, u->sp_l[k]) || rid_in(u->dead.rids, u->dead.n, u->sp_r[k])) {
            sqlite3_bind_int64(unpair, 1, u->sp_ord[k]);
            rc = step(unpair);
        }
    int64_t top = wl_store_index_max_rid(u->x);
    for (size_t k = 0; rc == 0 && k < u->dead.n; k++) {
        sqlite3_bind_int64(unrecord, 1, u->dead.d[k].rid);
        rc = step(unrecord);
        if (rc == 0 && u->dead.d[k].rid <= top) {
            sqlite3_bind_int64(tomb, 1, u->dead.d[k].rid);
            rc = step(tomb);
        }
    }
    return rc;
}

/* What write_part's rows bind (store_rows.h). */
typedef struct {
    const upd *u;
    const wl_dataset *ds;
    int64_t ord0;
    int64_t *ids;          /* the persons to insert */
    const wl_match **pairs; /* the new pairs, in order */
    int64_t pord0;
} part_rows;

static void bind_part_person(sqlite3_stmt *st, int at, size_t k, void *arg)
{
    sqlite3_bind_int64(st, at, ((const part_rows *)arg)->ids[k]);
}

/* New record j (position n_aff + j of the part). */
static void bind_part_record(sqlite3_stmt *st, int at, size_t j, void *arg)
{
    const part_rows *w = arg;
    const upd *u = w->u;
    size_t i = u->newi[j], r = u->repl[i];
    sqlite3_bind_int64(st, at, u->row_rid[i]);
    sqlite3_bind_text(st, at + 1, wl_dataset_source(w->ds, i), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, at + 2, wl_dataset_id(w->ds, i), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, at + 3, u->person[u->n_aff + j]);
    sqlite3_bind_int64(st, at + 4, r != SIZE_MAX ? u->dead.d[r].ord : w->ord0 + (int64_t)j);
    sqlite3_bind_text(st, at + 5, u->fields[i], -1, SQLITE_STATIC);
}

static int64_t part_rid(const upd *u, uint32_t a) { return a < u->n_aff ? u->rid[a] : u->row_rid[u->newi[a - u->n_aff]]; }

static void bind_part_pair(sqlite3_stmt *st, int at, size_t k, void *arg)
{
    const part_rows *w = arg;
    const wl_match *m = w->pairs[k];
    sqlite3_bind_int64(st, at, w->pord0 + (int64_t)k);
    sqlite3_bind_int64(st, at + 1, part_rid(w->u, m->left));
    sqlite3_bind_int64(st, at + 2, part_rid(w->u, m->right));
    sqlite3_bind_double(st, at + 3, m->probability);
    sqlite3_bind_double(st, at + 4, m->weight);
}

/* The part's new persons into the store: the dead records out, the new
 * records in (a replaced row's new version in its old place in output order),
 * the moved ones, the pairs dropped and added, the persons left empty removed. */
static int write_part(store *s, const upd *u, const wl_dataset *ds, int64_t ord0, int64_t pord0)
{
    static const char *const SQL[] = {
        "UPDATE records SET person_id = ?2 WHERE rid = ?1",
        "DELETE FROM pairs WHERE ord = ?",
        "DELETE FROM persons WHERE person_id = ?1 AND NOT EXISTS (SELECT 1 FROM records WHERE person_id = ?1)",
        "DELETE FROM records WHERE rid = ?",
        "INSERT INTO tombstones(rid) VALUES(?)",
    };
    enum { MOVE, UNPAIR, EMPTY, UNRECORD, TOMB, N_SQL };
    sqlite3_stmt *st[N_SQL] = { 0 };
    int rc = 0;
    for (int k = 0; k < N_SQL && rc == 0; k++)
        if (sqlite3_prepare_v2(s->db, SQL[k], -1, &st[k], NULL) != SQLITE_OK) rc = -1;
    if (rc == 0) rc = write_dead(u, st[UNPAIR], st[UNRECORD], st[TOMB]);
    /* the persons first (each record's, before the record names it), then
     * the moved records one by one, the new ones many to a statement */
    part_rows w = { u, ds, ord0, NULL, NULL, 0 };
    size_t n_new = u->n_all - u->n_aff, n_ids = 0;
    w.ids = malloc((u->n_all ? u->n_all : 1) * sizeof *w.ids);
    if (rc == 0 && !w.ids) rc = -1;
    for (size_t p = 0; rc == 0 && p < u->n_all; p++)
        if (p >= u->n_aff || u->person[p] != u->old_person[p]) w.ids[n_ids++] = u->person[p];
    if (rc == 0)
        rc = store_insert_rows(s, "INSERT OR IGNORE INTO persons(person_id)", 1, n_ids, bind_part_person, &w,
                               "persons");
    for (size_t p = 0; rc == 0 && p < u->n_aff; p++) {
        if (u->person[p] == u->old_person[p]) continue;
        sqlite3_bind_int64(st[MOVE], 1, u->rid[p]);
        sqlite3_bind_int64(st[MOVE], 2, u->person[p]);
        rc = step(st[MOVE]);
    }
    if (rc == 0)
        rc = store_insert_rows(s, "INSERT INTO records(rid, source, id, person_id, ord, fields)", 6, n_new,
                               bind_part_record, &w, "records");
    free(w.ids);
    for (size_t k = 0; rc == 0 && k < u->n_stored_in; k++)
        if (!u->survive[k] || !u->kept_dec[k]) {
            sqlite3_bind_int64(st[UNPAIR], 1, u->all_ord[k]);
            rc = step(st[UNPAIR]);
        }
    /* the new pairs that stay, in the order of their records' positions */
    const wl_match **q = malloc((u->n_pairs - u->n_stored_in + 1) * sizeof *q);
    size_t nq = 0;
    if (!q) rc = -1;
    for (size_t k = u->n_stored_in; rc == 0 && k < u->n_pairs; k++)
        if (u->survive[k] && u->kept_dec[k]) q[nq++] = &u->all[k];
    if (rc == 0) qsort(q, nq, sizeof *q, by_positions);
    w.pairs = q;
    w.pord0 = pord0;
    if (rc == 0)
        rc = store_insert_rows(s, "INSERT INTO pairs(ord, left_rid, right_rid, probability, match_weight)", 5, nq,
                               bind_part_pair, &w, "pairs");
    free(q);
    /* a person a record left may be empty now */
    for (size_t p = 0; rc == 0 && p < u->n_aff; p++)
        if (u->person[p] != u->old_person[p]) {
            sqlite3_bind_int64(st[EMPTY], 1, u->old_person[p]);
            rc = step(st[EMPTY]);
        }
    for (size_t k = 0; rc == 0 && k < u->dead.n; k++) {
        sqlite3_bind_int64(st[EMPTY], 1, u->dead.d[k].person);
        rc = step(st[EMPTY]);
    }
    if (rc) cli_error("%s: writing the update: %s", s->path, sqlite3_errmsg(s->db));
    for (int k = 0; k < N_SQL; k++) sqlite3_finalize(st[k]);
    return rc;
}

typedef struct {
    const upd *u;
    const wl_dataset *ds;
    int64_t run;
} change_rows;

static void bind_change(sqlite3_stmt *st, int at, size_t k, void *arg)
{
    const change_rows *w = arg;
    const sid_change *c = &w->u->ch[k];
    sqlite3_bind_int64(st, at, w->run);
    sqlite3_bind_text(st, at + 1, sid_kind_name(c->kind), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, at + 2, c->person);
    sqlite3_bind_text(st, at + 3, pos_source(w->u, w->ds, c->rec), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, at + 4, pos_id(w->u, w->ds, c->rec), -1, SQLITE_STATIC);
    if (c->previous) sqlite3_bind_int64(st, at + 5, c->previous);
    else sqlite3_bind_null(st, at + 5);
}

static int write_events(store *s, const upd *u, const wl_dataset *ds, size_t nc, size_t n_add)
{
    char detail[200];
    size_t n_repl = 0;
    for (size_t k = 0; k < u->dead.n; k++) n_repl += u->dead.d[k].row != SIZE_MAX;
    snprintf(detail, sizeof detail, "%zu records added, %zu replaced, %zu removed (incremental), %zu person changes",
             n_add - n_repl, n_repl, u->dead.n - n_repl, nc + u->dead.n - n_repl);
    int64_t run = store_add_run(s, "update", detail);
    store_events ev;
    if (run < 0 || store_events_begin(s, run, &ev) != 0) return -1;
    int rc = 0;
    for (size_t k = 0; rc == 0 && k < u->dead.n; k++) /* as the refit writes them */
        if (u->dead.d[k].row == SIZE_MAX)
            rc = store_event(&ev, "removed", u->dead.d[k].person, u->dead.d[k].source, u->dead.d[k].id, 0, NULL,
                             NULL, NULL);
    store_events_end(&ev);
    /* the person changes, many to a statement (as store_event writes them) */
    change_rows w = { u, ds, run };
    if (rc == 0)
        rc = store_insert_rows(s, "INSERT INTO events(run_id, kind, person_id, source, id, other_person_id)", 6, nc,
                               bind_change, &w, "events");
    return rc;
}

/* The changes file, opened before the commit (a path that cannot be written
 * fails the update before it changes the store), filled and committed after.
 * A removed record has no person now: the id it left is the previous one. */
static int write_changes_file(cli_out *outp, const upd *u, const wl_dataset *ds, size_t nc)
{
    cli_out out = *outp;
    fputs("change,person_id,source,id,previous_person_id\n", out.f);
    for (size_t k = 0; k < u->dead.n; k++) {
        if (u->dead.d[k].row != SIZE_MAX) continue;
        fputs("removed,,", out.f);
        cli_csv_field(out.f, u->dead.d[k].source);
        fputc(',', out.f);
        cli_csv_field(out.f, u->dead.d[k].id);
        fprintf(out.f, ",%" PRId64 "\n", u->dead.d[k].person);
    }
    for (size_t k = 0; k < nc; k++) {
        const sid_change *c = &u->ch[k];
        fprintf(out.f, "%s,%" PRId64 ",", sid_kind_name(c->kind), c->person);
        cli_csv_field(out.f, pos_source(u, ds, c->rec));
        fputc(',', out.f);
        cli_csv_field(out.f, pos_id(u, ds, c->rec));
        if (c->previous) fprintf(out.f, ",%" PRId64 "\n", c->previous);
        else fputs(",\n", out.f);
    }
    return cli_out_commit(&out);
}

/* The night's dead records: the replaced (classify), then the removed; per
 * night row, the dead record it replaces. @return an exit code. */
static int find_dead(store *s, const wl_dataset *ds, const wl_dataset *rm, const char *rm_path, const cli_opts *o,
                     upd *u)
{
    size_t missing = 0, nn = wl_dataset_size(ds);
    int rc = dead_from_remove(s, rm, ds, &u->dead, &missing);
    if (rc != EXIT_OK) return rc;
    if (missing && !o->quiet)
        fprintf(stderr, "note: %zu rows of %s name no stored record (source '%s'): nothing to remove\n", missing,
                rm_path, wl_dataset_size(rm) ? wl_dataset_source(rm, 0) : "");
    if (dead_finish(&u->dead) != 0) return EXIT_INTERNAL;
    u->repl = malloc((nn ? nn : 1) * sizeof *u->repl);
    if (!u->repl) return cli_error("out of memory"), EXIT_INTERNAL;
    for (size_t i = 0; i < nn; i++) u->repl[i] = SIZE_MAX;
    for (size_t k = 0; k < u->dead.n; k++)
        if (u->dead.d[k].row != SIZE_MAX) u->repl[u->dead.d[k].row] = k;
    return EXIT_OK;
}

/* Records that make the frozen statistics drift after this update: those
 * added since the last refit (later ones, and the night's) and those removed
 * or replaced since (tombstones, and the night's dead that the index holds). */
static size_t drift(const upd *u, size_t n_add)
{
    size_t n = u->later.n + n_add + u->n_tomb;
    for (size_t k = 0; k < u->dead.n; k++) n += u->dead.d[k].rid <= wl_store_index_max_rid(u->x);
    return n;
}

/* 1 + max(ord) of the stored records, without "SELECT max(ord) FROM records":
 * ord has no index, and that scan of the table (10^6 rows: ~0.6 G
 * instructions) was a fifth of the update's serial work. A record of the
 * index file keeps the ord it was written with, its rank in the file (index
 * and refit write both from one output order; index --check verifies it), and
 * the records stored after the file are loaded (store_later.h); the file's
 * records that left the store since are its tombstones. */
static int64_t next_ord(const upd *u)
{
    int64_t top = -1;
    for (size_t i = 0, n = wl_store_index_records(u->x); i < n; i++) {
        int64_t r = (int64_t)wl_store_index_rank(u->x, i);
        if (r > top && !rid_in(u->tomb, u->n_tomb, wl_store_index_rid(u->x, i))) top = r;
    }
    for (size_t t = 0; t < u->later.n; t++)
        if (u->later.ord[t] > top) top = u->later.ord[t];
    return top + 1;
}

int store_update_inc(store *s, store_settings *set, wl_dataset *ds, const wl_read_report *reps, size_t n_lists,
                     const wl_dataset *rm, const char *rm_path, const cli_opts *o, const char *changes_path)
{
    size_t nn = wl_dataset_size(ds), n_add = 0;
    upd u;
    memset(&u, 0, sizeof u);
    cli_out out;
    memset(&out, 0, sizeof out);
    int rc = EXIT_INTERNAL;
    u.fields = store_record_fields(ds, reps, n_lists, NULL, 0, o->threads);
    u.use = calloc(nn ? nn : 1, 1);
    u.row_rid = calloc(nn ? nn : 1, sizeof *u.row_rid);
    if (!u.use || !u.row_rid || store_fields_complete(u.fields, nn) != 0) goto done;
    if (classify(s, ds, u.fields, &u, &n_add) != 0) goto done;
    if ((rc = find_dead(s, ds, rm, rm_path, o, &u)) != EXIT_OK) goto done;
    /* the night's features from here on, on a thread of their own, while this
     * one opens the index file and reads the stored pairs (store_night.h) */
    if (n_add || u.dead.n) night_start(&u.night, ds, o->threads);
    rc = EXIT_INTERNAL;
    int has = store_index_load(s, &u.x); /* 1: none yet (format 2); -1: missing or damaged, said */
    if (has != 0) {
        rc = UPDATE_REFIT;
        goto done;
    }
    if (changes_path && cli_out_open(&out, changes_path) != 0) {
        rc = EXIT_INPUT;
        goto done;
    }
    if (n_add == 0 && u.dead.n == 0) { /* nothing new: the run is recorded, nothing else changes */
        if (store_add_run(s, "update", "0 records added (incremental), 0 person changes") < 0 || store_commit(s) != 0)
            goto done;
        rc = EXIT_OK;
        if (changes_path && write_changes_file(&out, &u, ds, 0) != 0) rc = EXIT_INPUT;
        changes_path = NULL;
        if (!o->quiet) fprintf(stderr, "update %s: %zu rows, all as stored: nothing changed\n", s->path, nn);
        goto done;
    }
    if (store_later_load(s, u.x, (int)set->reference_year, &u.later) != 0 ||
        store_tombstones_load(s, &u.tomb, &u.n_tomb) != 0)
        goto done;
    size_t N = wl_store_index_records(u.x);
    if (drift(&u, n_add) * REFIT_SHARE > N) {
        if (!o->quiet)
            fprintf(stderr, "note: %zu records added and %zu removed or replaced since the last refit, with this "
                            "update, against %zu then: this update refits the store (matches it whole and freezes "
                            "its statistics again)\n",
                    u.later.n + n_add, drift(&u, n_add) - u.later.n - n_add, N);
        rc = UPDATE_REFIT;
        goto done;
    }
    size_t n_clusters = 0, nc = 0, nm = 0, n_links = 0;
    /* above every row id the store or its index file ever held: a new record
     * must not take a tombstone's id, which the index file still names */
    int64_t rid0 = scalar(s, "SELECT max(rid) FROM records", 0) + 1;
    if (rid0 <= wl_store_index_max_rid(u.x)) rid0 = wl_store_index_max_rid(u.x) + 1;
    int64_t ord0 = next_ord(&u);
    int64_t pord0 = scalar(s, "SELECT max(ord) FROM pairs", -1) + 1;
    if (plan(s, set, ds, o, &u, n_add, rid0, &n_clusters, &nc, &nm, &n_links) != 0) goto done;
    if (write_part(s, &u, ds, ord0, pord0) != 0 ||
        store_set_meta_num(s, "next_person_id", set->next_person_id) != 0 || write_events(s, &u, ds, nc, n_add) != 0)
        goto done;
    int64_t persons = scalar(s, "SELECT count(*) FROM persons", -1);
    if (store_commit(s) != 0) goto done;
    rc = EXIT_OK;
    if (changes_path && write_changes_file(&out, &u, ds, nc) != 0) rc = EXIT_INPUT;
    changes_path = NULL;
    if (!o->quiet) {
        size_t added_pairs = 0, dropped = 0, n_repl = 0;
        for (size_t k = u.n_stored_in; k < u.n_pairs; k++) added_pairs += u.survive[k] && u.kept_dec[k];
        for (size_t k = 0; k < u.n_stored_in; k++) dropped += !u.survive[k] || !u.kept_dec[k];
        for (size_t k = 0; k < u.n_sp; k++)
            dropped += rid_in(u.dead.rids, u.dead.n, u.sp_l[k]) || rid_in(u.dead.rids, u.dead.n, u.sp_r[k]);
        for (size_t k = 0; k < u.dead.n; k++) n_repl += u.dead.d[k].row != SIZE_MAX;
        fprintf(stderr,
                "update %s: %zu rows (%zu added, %zu replaced, %zu as stored), %zu removed, matched incrementally "
                "with the statistics of the last refit (%zu records then, %zu added since, %zu removed or replaced "
                "since): %zu pairs compared (%zu records matched again beside a removed or replaced one), %zu new "
                "pairs, %zu stored pairs dropped, %zu records re-formed into %zu persons (%zu person changes), "
                "%" PRId64 " persons in all\n",
                s->path, nn, n_add - n_repl, n_repl, nn - n_add, u.dead.n - n_repl, N, u.later.n + n_add,
                drift(&u, n_add) - u.later.n - n_add, nm, u.n_nb, added_pairs, dropped, u.n_all, n_clusters,
                nc + u.dead.n - n_repl, persons);
    }
done:
    if (changes_path && out.f) cli_out_abort(&out); /* not committed: no changes file */
    upd_free(&u, nn);
    return rc;
}
