/* dist_pack.c -- records moved between processes (watchlink-mpi, issue 14):
 * the records a process read from its byte range are packed, sent to every
 * process, and appended there in input order. The duplicate-id rule is the
 * reader's (reader_row.c, store): the first row of a (source, id) is kept, a
 * later one rejected with the same reason, so a split read keeps and rejects
 * exactly the rows one process would.
 *
 * Pack layout, host byte order (the processes run one build): per record a
 * u32 length and the bytes of its source name, then of its id, then a u32
 * count of values, each a u8 role, a u32 length and its bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/dataset.h"
#include "read/reader_utf8.h"

typedef struct {
    unsigned char *p;
    size_t len, cap;
    int nomem;
} buf;

static void put(buf *b, const void *s, size_t n)
{
    if (b->nomem) return;
    if (b->cap - b->len < n) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap - b->len < n) cap *= 2;
        unsigned char *q = realloc(b->p, cap);
        if (!q) {
            b->nomem = 1;
            return;
        }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

static void put_str(buf *b, const char *s, size_t n)
{
    uint32_t l = (uint32_t)n;
    put(b, &l, sizeof l);
    put(b, s, n);
}

void *wl_dataset_pack(const wl_dataset *ds, size_t from, size_t *len)
{
    buf b = { NULL, 0, 0, 0 };
    *len = 0;
    for (size_t i = from; ds && i < ds->n; i++) {
        const char *src = wl_ds_str(ds, ds->sources[ds->source[i]]), *id = wl_ds_str(ds, ds->id[i]);
        put_str(&b, src, strlen(src));
        put_str(&b, id, strlen(id));
        size_t n;
        const wl_cell *cells = wl_ds_cells(ds, i, &n);
        uint32_t nc = (uint32_t)n;
        put(&b, &nc, sizeof nc);
        for (size_t k = 0; k < n; k++) {
            uint8_t role = (uint8_t)cells[k].role;
            put(&b, &role, 1);
            put_str(&b, wl_ds_str(ds, cells[k].str), cells[k].len);
        }
    }
    if (!b.p && !b.nomem) b.p = malloc(1); /* an empty pack is not a failure */
    if (b.nomem || !b.p) {
        free(b.p);
        return NULL;
    }
    *len = b.len;
    return b.p;
}

typedef struct {
    const unsigned char *p, *end;
} cursor;

static int get_u32(cursor *c, uint32_t *v)
{
    if ((size_t)(c->end - c->p) < sizeof *v) return -1;
    memcpy(v, c->p, sizeof *v);
    c->p += sizeof *v;
    return 0;
}

static int get_str(cursor *c, const char **s, size_t *n)
{
    uint32_t l;
    if (get_u32(c, &l) != 0 || (size_t)(c->end - c->p) < l) return -1;
    *s = (const char *)c->p;
    *n = l;
    c->p += l;
    return 0;
}

/* Room for one record's values. */
typedef struct {
    uint8_t *role;
    const char **val;
    size_t *len;
    uint32_t *off;
    size_t cap;
} values;

static int values_reserve(values *v, size_t n)
{
    if (n <= v->cap) return 0;
    size_t cap = v->cap ? v->cap : 16;
    while (cap < n) cap *= 2;
    uint8_t *r = realloc(v->role, cap);
    if (r) v->role = r;
    const char **s = realloc(v->val, cap * sizeof *s);
    if (s) v->val = s;
    size_t *l = realloc(v->len, cap * sizeof *l);
    if (l) v->len = l;
    uint32_t *o = realloc(v->off, cap * sizeof *o);
    if (o) v->off = o;
    if (!r || !s || !l || !o) return -1;
    v->cap = cap;
    return 0;
}

/* The reader's reason for a duplicate id (reader_row.c, store), cut where it does. */
static void dup_reason(char *out, const char *id, size_t id_len, const char *src)
{
    snprintf(out, WL_DUP_REASON_MAX, "duplicate id '%.*s' in source '%.*s'", (int)wl_utf8_cut(id, id_len, 40), id,
             (int)wl_utf8_cut(src, strlen(src), 40), src);
    out[wl_utf8_check(out, strlen(out))] = '\0';
}

static int dup_push(size_t **dups, char (**reasons)[WL_DUP_REASON_MAX], size_t *n, size_t *cap, size_t k,
                    const char *id, size_t id_len, const char *src)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 16;
        size_t *d = realloc(*dups, c * sizeof *d);
        if (!d) return -1;
        *dups = d;
        if (reasons) {
            char (*r)[WL_DUP_REASON_MAX] = realloc(*reasons, c * sizeof *r);
            if (!r) return -1;
            *reasons = r;
        }
        *cap = c;
    }
    (*dups)[*n] = k;
    if (reasons) dup_reason((*reasons)[*n], id, id_len, src);
    (*n)++;
    return 0;
}

wl_status wl_dataset_unpack(wl_dataset *ds, const void *pack, size_t len, size_t **dups, size_t *n_dups,
                            char (**reasons)[WL_DUP_REASON_MAX])
{
    *dups = NULL;
    *n_dups = 0;
    if (reasons) *reasons = NULL;
    if (!ds || (!pack && len)) return WL_USAGE;
    cursor c = { pack, (const unsigned char *)pack + len };
    values v = { NULL, NULL, NULL, NULL, 0 };
    uint32_t last_src = UINT32_MAX; /* parts come in runs of one source */
    const char *last_name = NULL;
    size_t last_len = 0;
    size_t cap = 0;
    wl_status st = WL_OK;
    for (size_t k = 0; c.p < c.end && st == WL_OK; k++) {
        const char *src, *id;
        size_t src_len, id_len;
        uint32_t nc;
        if (get_str(&c, &src, &src_len) != 0 || get_str(&c, &id, &id_len) != 0 || get_u32(&c, &nc) != 0 ||
            nc > (size_t)(c.end - c.p)) {
            st = WL_FORMAT;
            break;
        }
        if (values_reserve(&v, nc) != 0) {
            st = WL_NOMEM;
            break;
        }
        for (uint32_t i = 0; i < nc && st == WL_OK; i++) {
            if (c.p >= c.end || (v.role[i] = *c.p++, get_str(&c, &v.val[i], &v.len[i]) != 0)) st = WL_FORMAT;
        }
        if (st != WL_OK) break;
        /* The source is added before the duplicate check, as the reader adds a
         * row's source before storing it: the sources keep the reader's order. */
        uint32_t s = last_src;
        if (!last_name || src_len != last_len || memcmp(src, last_name, src_len)) {
            s = wl_ds_source_index(ds, src, src_len);
            last_src = s;
            last_name = src;
            last_len = src_len;
        }
        if (s == UINT32_MAX) {
            st = WL_NOMEM;
            break;
        }
        /* The reader's path (reader_row.c, store): the id looked up by its hash,
         * id and values copied to the pool without interning. */
        uint64_t hv = wl_ds_id_hash(s, id, id_len);
        size_t dup = wl_ds_find_id_hashed(ds, s, id, id_len, hv);
        if (dup == SIZE_MAX - 1) {
            st = WL_NOMEM;
        } else if (dup != SIZE_MAX) {
            if (dup_push(dups, reasons, n_dups, &cap, k, id, id_len, wl_ds_str(ds, ds->sources[ds->source[dup]])) !=
                0)
                st = WL_NOMEM;
        } else {
            uint32_t id_off = wl_ds_append(ds, id, id_len);
            for (uint32_t i = 0; i < nc && id_off != UINT32_MAX; i++)
                if ((v.off[i] = wl_ds_append(ds, v.val[i], v.len[i])) == UINT32_MAX) id_off = UINT32_MAX;
            size_t rec = id_off == UINT32_MAX ? SIZE_MAX
                                               : wl_ds_add_record_offsets(ds, s, id_off, v.role, v.off, v.len, nc);
            if (rec == SIZE_MAX || wl_ds_id_added(ds, rec, hv) != 0) st = WL_NOMEM;
        }
    }
    free(v.role);
    free(v.val);
    free(v.len);
    free(v.off);
    if (st != WL_OK) {
        free(*dups);
        *dups = NULL;
        *n_dups = 0;
        if (reasons) {
            free(*reasons);
            *reasons = NULL;
        }
    }
    return st;
}
