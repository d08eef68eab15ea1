/* MADV_HUGEPAGE (Linux) is outside POSIX: table_alloc below. */
#define _DEFAULT_SOURCE 1
/* dataset.c -- the record store of stage 1: interned string pool and the
 * struct-of-arrays record table (see dataset.h). */
#include "common/dataset.h"

#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return 0;
    size_t c = *cap ? *cap : 64;
    while (c < need)
        c += c / 2 + 64;
    void *q = realloc(*p, c * elem);
    if (!q) return -1;
    *p = q;
    *cap = c;
    return 0;
}

wl_dataset *wl_dataset_create(void)
{
    wl_dataset *ds = calloc(1, sizeof *ds);
    if (!ds) return NULL;
    ds->cell_start = malloc(sizeof *ds->cell_start);
    if (!ds->cell_start) {
        free(ds);
        return NULL;
    }
    ds->cell_start[0] = 0;
    ds->cap = 0;
    /* Offset 0 is the empty string, so a zero offset is always valid. */
    if (grow((void **)&ds->pool, &ds->pool_cap, 1, 1) != 0) {
        wl_dataset_free(ds);
        return NULL;
    }
    ds->pool[0] = '\0';
    ds->pool_len = 1;
    return ds;
}

void wl_dataset_free(wl_dataset *ds)
{
    if (!ds) return;
    free(ds->pool);
    free(ds->intern_slots);
    free(ds->source);
    free(ds->id);
    free(ds->cell_start);
    free(ds->cells);
    free(ds->sources);
    free(ds->id_slots);
    free(ds->src_slots);
    free(ds);
}

/* Slots keep the upper 32 bits of the hash (the tag) beside the offset, so a probe
 * touches the pool (a likely cache miss) only when the tags agree, and the home
 * slot is tag & mask (wl_ds_slot), so growing the table needs no rehashing of
 * the strings themselves. */
static inline uint64_t slot_make(uint64_t h, uint32_t v)
{
    return (h >> 32) << 32 | v;
}
static inline uint32_t slot_val(uint64_t s)
{
    return (uint32_t)s;
}
static inline int slot_tag_eq(uint64_t s, uint64_t h)
{
    return (s >> 32) == (h >> 32);
}

static int intern_rehash(wl_dataset *ds, size_t cap)
{
    uint64_t *slots = calloc(cap, sizeof *slots);
    if (!slots) return -1;
    for (size_t i = 0; i < ds->intern_cap; i++) {
        uint64_t v = ds->intern_slots[i];
        if (!v) continue;
        size_t h = wl_ds_slot(v, cap);
        while (slots[h])
            h = (h + 1) & (cap - 1);
        slots[h] = v;
    }
    free(ds->intern_slots);
    ds->intern_slots = slots;
    ds->intern_cap = cap;
    return 0;
}

/* @return 1 when the pool string at off is exactly s[0..n). Bytes off..off+n are
 * inside the pool before either is read, so a shorter last string is never read
 * past; t[n] == 0 then rules out a longer or shorter match. */
static inline int pool_equal(const wl_dataset *ds, uint32_t off, const char *s, size_t n)
{
    const char *t = ds->pool + off;
    return off + n < ds->pool_len && t[n] == '\0' && memcmp(t, s, n) == 0;
}

uint32_t wl_ds_intern(wl_dataset *ds, const char *s, size_t n)
{
    int is_new;
    return wl_ds_intern_new(ds, s, n, &is_new);
}

uint32_t wl_ds_intern_new(wl_dataset *ds, const char *s, size_t n, int *is_new)
{
    return wl_ds_intern_hashed(ds, s, n, n ? wl_hash(s, n) : 0, is_new);
}

uint32_t wl_ds_intern_hashed(wl_dataset *ds, const char *s, size_t n, uint64_t hv, int *is_new)
{
    *is_new = 0;
    if (n == 0) return 0;
    if ((ds->intern_used + 1) * 4 > ds->intern_cap * 3 &&
        intern_rehash(ds, ds->intern_cap ? ds->intern_cap * 2 : 1024) != 0)
        return UINT32_MAX;
    size_t mask = ds->intern_cap - 1;
    size_t h = wl_ds_slot(hv, ds->intern_cap);
    for (;;) {
        uint64_t v = ds->intern_slots[h];
        if (!v) break;
        if (slot_tag_eq(v, hv) && pool_equal(ds, slot_val(v) - 1, s, n)) return slot_val(v) - 1;
        h = (h + 1) & mask;
    }
    /* The pool is addressed by 32-bit offsets: 4 GiB of distinct text at most. */
    if (ds->pool_len + n + 1 >= UINT32_MAX) return UINT32_MAX;
    if (grow((void **)&ds->pool, &ds->pool_cap, ds->pool_len + n + 1, 1) != 0) return UINT32_MAX;
    uint32_t off = (uint32_t)ds->pool_len;
    memcpy(ds->pool + off, s, n);
    ds->pool[off + n] = '\0';
    ds->pool_len += n + 1;
    ds->intern_slots[h] = slot_make(hv, off + 1);
    ds->intern_used++;
    *is_new = 1;
    return off;
}

uint32_t wl_ds_append(wl_dataset *ds, const char *s, size_t n)
{
    if (n == 0) return 0;
    if (ds->pool_len + n + 1 >= UINT32_MAX) return UINT32_MAX;
    if (grow((void **)&ds->pool, &ds->pool_cap, ds->pool_len + n + 1, 1) != 0) return UINT32_MAX;
    uint32_t off = (uint32_t)ds->pool_len;
    memcpy(ds->pool + off, s, n);
    ds->pool[off + n] = '\0';
    ds->pool_len += n + 1;
    return off;
}

/* Source names -> index: a list with a source column may name many sources, so
 * the lookup is a hash on the interned offset, not a scan. Rebuilt from
 * sources[] whenever it grows or sources are dropped. */
static uint64_t off_hash(uint32_t off)
{
    return wl_hash(&off, sizeof off);
}

static void source_fill(wl_dataset *ds)
{
    size_t mask = ds->src_cap - 1;
    memset(ds->src_slots, 0, ds->src_cap * sizeof *ds->src_slots);
    for (size_t i = 0; i < ds->n_sources; i++) {
        size_t h = (size_t)off_hash(ds->sources[i]) & mask;
        while (ds->src_slots[h])
            h = (h + 1) & mask;
        ds->src_slots[h] = (uint64_t)ds->sources[i] << 32 | (uint64_t)(i + 1);
    }
}

static int source_rebuild(wl_dataset *ds, size_t cap)
{
    uint64_t *slots = malloc(cap * sizeof *slots);
    if (!slots) return -1;
    free(ds->src_slots);
    ds->src_slots = slots;
    ds->src_cap = cap;
    source_fill(ds);
    return 0;
}

uint32_t wl_ds_source_index(wl_dataset *ds, const char *name, size_t n)
{
    uint32_t off = wl_ds_intern(ds, name, n);
    if (off == UINT32_MAX) return UINT32_MAX;
    if ((ds->n_sources + 1) * 2 > ds->src_cap && source_rebuild(ds, ds->src_cap ? ds->src_cap * 2 : 64) != 0)
        return UINT32_MAX;
    size_t mask = ds->src_cap - 1, h = (size_t)off_hash(off) & mask;
    for (; ds->src_slots[h]; h = (h + 1) & mask)
        if ((uint32_t)(ds->src_slots[h] >> 32) == off) return (uint32_t)(ds->src_slots[h] - 1);
    if (grow((void **)&ds->sources, &ds->sources_cap, ds->n_sources + 1, sizeof *ds->sources) != 0)
        return UINT32_MAX;
    ds->sources[ds->n_sources] = off;
    ds->src_slots[h] = (uint64_t)off << 32 | (uint64_t)(ds->n_sources + 1);
    return (uint32_t)ds->n_sources++;
}

static int reserve_record(wl_dataset *ds, size_t n_values)
{
    /* cell_start and record indices are 32-bit: refuse rather than wrap */
    if (ds->n_cells + n_values >= UINT32_MAX || ds->n + 1 >= UINT32_MAX) return -1;
    if (ds->n + 1 > ds->cap) {
        size_t cap = ds->cap ? ds->cap + ds->cap / 2 : 1024;
        uint32_t *src = realloc(ds->source, cap * sizeof *src);
        if (!src) return -1;
        ds->source = src;
        uint32_t *ids = realloc(ds->id, cap * sizeof *ids);
        if (!ids) return -1;
        ds->id = ids;
        uint32_t *cs = realloc(ds->cell_start, (cap + 1) * sizeof *cs);
        if (!cs) return -1;
        ds->cell_start = cs;
        ds->cap = cap;
    }
    return grow((void **)&ds->cells, &ds->cells_cap, ds->n_cells + n_values, sizeof *ds->cells);
}

/* Appends the record whose id is already interned. */
static size_t add_interned(wl_dataset *ds, uint32_t source, uint32_t id_off, const uint8_t *roles,
                           const char *const *values, const size_t *lens, size_t n_values)
{
    for (size_t k = 0; k < n_values; k++)
        if (lens[k] > WL_CELL_MAX_LEN) return SIZE_MAX;
    if (reserve_record(ds, n_values) != 0) return SIZE_MAX;
    size_t start = ds->n_cells;
    for (size_t k = 0; k < n_values; k++) {
        if (lens[k] == 0) continue;
        int is_new;
        uint64_t hv = wl_hash(values[k], lens[k]);
        uint32_t off = wl_ds_intern_hashed(ds, values[k], lens[k], hv, &is_new);
        if (off == UINT32_MAX) {
            ds->n_cells = start; /* roll back: the record is not half-added */
            return SIZE_MAX;
        }
        wl_cell *c = &ds->cells[ds->n_cells++];
        c->str = off;
        c->len = (uint32_t)lens[k];
        c->role = roles[k];
    }
    size_t i = ds->n++;
    ds->source[i] = source;
    ds->id[i] = id_off;
    ds->cell_start[i + 1] = (uint32_t)ds->n_cells;
    return i;
}

size_t wl_ds_add_record(wl_dataset *ds, uint32_t source, const char *id, size_t id_len, const uint8_t *roles,
                        const char *const *values, const size_t *lens, size_t n_values)
{
    uint32_t id_off = wl_ds_intern(ds, id, id_len);
    if (id_off == UINT32_MAX) return SIZE_MAX;
    return add_interned(ds, source, id_off, roles, values, lens, n_values);
}

size_t wl_ds_add_record_offsets(wl_dataset *ds, uint32_t source, uint32_t id_off, const uint8_t *roles,
                                const uint32_t *offs, const size_t *lens, size_t n_values)
{
    for (size_t k = 0; k < n_values; k++)
        if (lens[k] > WL_CELL_MAX_LEN) return SIZE_MAX;
    if (reserve_record(ds, n_values) != 0) return SIZE_MAX;
    for (size_t k = 0; k < n_values; k++) {
        if (lens[k] == 0) continue;
        wl_cell *c = &ds->cells[ds->n_cells++];
        c->str = offs[k];
        c->len = (uint32_t)lens[k];
        c->role = roles[k];
    }
    size_t i = ds->n++;
    ds->source[i] = source;
    ds->id[i] = id_off;
    ds->cell_start[i + 1] = (uint32_t)ds->n_cells;
    return i;
}

size_t wl_dataset_size(const wl_dataset *ds)
{
    return ds ? ds->n : 0;
}

size_t wl_dataset_source_count(const wl_dataset *ds)
{
    return ds ? ds->n_sources : 0;
}

const char *wl_dataset_source(const wl_dataset *ds, size_t i)
{
    return ds->pool + ds->sources[ds->source[i]];
}

const char *wl_dataset_id(const wl_dataset *ds, size_t i)
{
    return ds->pool + ds->id[i];
}

size_t wl_dataset_count(const wl_dataset *ds, size_t i, wl_role role)
{
    size_t n, c = 0;
    const wl_cell *cells = wl_ds_cells(ds, i, &n);
    for (size_t k = 0; k < n; k++)
        c += cells[k].role == role;
    return c;
}

const char *wl_dataset_value(const wl_dataset *ds, size_t i, wl_role role, size_t k)
{
    size_t n;
    const wl_cell *cells = wl_ds_cells(ds, i, &n);
    for (size_t j = 0; j < n; j++)
        if (cells[j].role == role && k-- == 0) return ds->pool + cells[j].str;
    return NULL;
}

/* ---- (source, id) index for duplicate ids ---- */
static uint64_t id_hash(uint32_t source, const char *id, size_t len)
{
    return wl_hash_seed(id, len, source);
}

/* The home slot comes from the tag (wl_ds_slot), as in the intern table: the
 * index grows by moving its slots, without reading and hashing the ids again. */
static void id_put(uint64_t *slots, size_t cap, uint64_t v)
{
    size_t h = wl_ds_slot(v, cap);
    while (slots[h])
        h = (h + 1) & (cap - 1);
    slots[h] = v;
}

static void id_insert(uint64_t *slots, size_t cap, uint64_t hv, uint32_t rec)
{
    id_put(slots, cap, slot_make(hv, rec + 1));
}

/* A zeroed table of cap slots. Every row probes the (source, id) index at a
 * random place: with 4 KiB pages each probe of a table of megabytes is also a
 * TLB miss (under a hypervisor a two-level page walk, which stalled even the
 * prefetch: perf, 7 % of a read of 10^6 rows). Big tables are therefore
 * 2 MiB-aligned and asked to be backed by huge pages (Linux madvise,
 * MADV_HUGEPAGE; honoured when transparent huge pages are in "madvise" or
 * "always" mode, ignored otherwise). */
static uint64_t *table_alloc(size_t cap)
{
    size_t bytes = cap * sizeof(uint64_t);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    enum { HUGE = 2u << 20 };
    if (bytes >= HUGE) {
        void *p = NULL;
        if (posix_memalign(&p, HUGE, bytes) != 0) return NULL;
        madvise(p, bytes, MADV_HUGEPAGE);
        memset(p, 0, bytes);
        return p;
    }
#endif
    return calloc(cap, sizeof(uint64_t));
}

uint64_t wl_ds_id_hash(uint32_t source, const char *id, size_t len)
{
    return id_hash(source, id, len);
}

/* Grows the index to hold every record and extra more; the records indexed so
 * far move with their slots. */
static int id_grow_for(wl_dataset *ds, size_t extra)
{
    size_t cap = ds->id_cap ? ds->id_cap : 1024;
    while ((ds->n + extra) * 4 >= cap * 3)
        cap *= 2;
    if (cap == ds->id_cap) return 0;
    uint64_t *slots = table_alloc(cap);
    if (!slots) return -1;
    for (size_t i = 0; i < ds->id_cap; i++)
        if (ds->id_slots[i]) id_put(slots, cap, ds->id_slots[i]);
    free(ds->id_slots);
    ds->id_slots = slots;
    ds->id_cap = cap;
    return 0;
}

/* Indexes the records added since the last lookup. */
static int id_catch_up(wl_dataset *ds)
{
    if (ds->id_indexed == ds->n && ds->id_slots) return 0;
    if (id_grow_for(ds, 0) != 0) return -1;
    for (size_t i = ds->id_indexed; i < ds->n; i++) {
        const char *id = ds->pool + ds->id[i];
        id_insert(ds->id_slots, ds->id_cap, id_hash(ds->source[i], id, strlen(id)), (uint32_t)i);
    }
    ds->id_indexed = ds->n;
    return 0;
}

int wl_ds_id_reserve(wl_dataset *ds, size_t extra)
{
    if (ds->id_slots && (ds->n + extra) * 4 < ds->id_cap * 3) return 0;
    return id_grow_for(ds, extra) == 0 && id_catch_up(ds) == 0 ? 0 : -1;
}

int wl_ds_id_added(wl_dataset *ds, size_t rec, uint64_t hv)
{
    if (ds->id_indexed != rec || !ds->id_slots) return 0; /* the next lookup catches up */
    if ((rec + 1) * 4 >= ds->id_cap * 3) return id_catch_up(ds);
    id_insert(ds->id_slots, ds->id_cap, hv, (uint32_t)rec);
    ds->id_indexed = rec + 1;
    return 0;
}

size_t wl_ds_find_id(wl_dataset *ds, uint32_t source, const char *id, size_t len)
{
    return wl_ds_find_id_hashed(ds, source, id, len, id_hash(source, id, len));
}

size_t wl_ds_find_id_hashed(wl_dataset *ds, uint32_t source, const char *id, size_t len, uint64_t hv)
{
    if (id_catch_up(ds) != 0) return SIZE_MAX - 1;
    size_t mask = ds->id_cap - 1;
    for (size_t h = wl_ds_slot(hv, ds->id_cap); ds->id_slots[h]; h = (h + 1) & mask) {
        uint64_t v = ds->id_slots[h];
        size_t r = slot_val(v) - 1;
        if (slot_tag_eq(v, hv) && ds->source[r] == source && pool_equal(ds, ds->id[r], id, len)) return r;
    }
    return SIZE_MAX;
}

/* ---- releasing the values once normalised ---- */
void wl_dataset_release_values(wl_dataset *ds)
{
    if (ds) ds->release_asked = ds;
}

int wl_dataset_values_released(const wl_dataset *ds)
{
    return ds ? ds->released : 0;
}

/* The values are most of a dataset's memory (2 x 10^6 FEBRL-like records:
 * 156 MB of cells and ~120 MB of the 150 MB pool) and nothing reads them after
 * the features are built, unless the caller writes a report or a store. The
 * ids and source names move to a new pool sized for them exactly, so the old
 * one (one large block) goes back to the system whole; the intern table, which
 * held offsets into the old pool, is rebuilt over the source names (the only
 * strings interned on the reader's path: wl_ds_source_index). Another list
 * read afterwards keeps its values: only those of the records before go. */
void wl_ds_release_values(const wl_dataset *asked)
{
    wl_dataset *ds = asked->release_asked;
    if (!ds || ds->released) return;
    size_t need = 1;
    for (size_t s = 0; s < ds->n_sources; s++) need += strlen(ds->pool + ds->sources[s]) + 1;
    for (size_t i = 0; i < ds->n; i++) need += strlen(ds->pool + ds->id[i]) + 1;
    size_t icap = 1024;
    while ((ds->n_sources + 1) * 4 > icap * 3) icap *= 2;
    char *pool = malloc(need);
    uint64_t *islots = calloc(icap, sizeof *islots);
    if (!pool || !islots) {
        free(pool);
        free(islots);
        return;
    }
    size_t len = 1, used = 0;
    pool[0] = '\0';
    for (size_t s = 0; s < ds->n_sources; s++) {
        const char *name = ds->pool + ds->sources[s];
        size_t n = strlen(name);
        if (!n) { /* offset 0 is the empty string in either pool; never interned */
            ds->sources[s] = 0;
            continue;
        }
        uint32_t off = (uint32_t)len;
        memcpy(pool + len, name, n + 1);
        len += n + 1;
        uint64_t hv = wl_hash(name, n);
        size_t h = wl_ds_slot(hv, icap);
        while (islots[h]) h = (h + 1) & (icap - 1);
        islots[h] = slot_make(hv, off + 1);
        ds->sources[s] = off;
        used++;
    }
    for (size_t i = 0; i < ds->n; i++) {
        const char *id = ds->pool + ds->id[i];
        size_t n = strlen(id);
        if (!n) { /* offset 0 is the empty string in either pool */
            ds->id[i] = 0;
            continue;
        }
        memcpy(pool + len, id, n + 1);
        ds->id[i] = (uint32_t)len;
        len += n + 1;
    }
    free(ds->pool);
    ds->pool = pool;
    ds->pool_len = len;
    ds->pool_cap = need;
    free(ds->intern_slots);
    ds->intern_slots = islots;
    ds->intern_cap = icap;
    ds->intern_used = used;
    if (ds->src_cap) source_fill(ds); /* keyed by the names' offsets, which moved */
    free(ds->cells);
    ds->cells = NULL;
    ds->n_cells = ds->cells_cap = 0;
    memset(ds->cell_start, 0, (ds->n + 1) * sizeof *ds->cell_start);
    /* The (source, id) index (32 MB at 2 x 10^6 records) serves the reader's
     * duplicate check; the next lookup rebuilds it (id_catch_up). */
    free(ds->id_slots);
    ds->id_slots = NULL;
    ds->id_cap = ds->id_indexed = 0;
    ds->released = 1;
    wl_release_free_pages();
}

void wl_ds_truncate(wl_dataset *ds, size_t n, size_t n_sources)
{
    if (n < ds->n) {
        ds->n = n;
        ds->n_cells = ds->cell_start[n];
        /* The index may hold dropped records: rebuild it on the next lookup. */
        if (ds->id_slots) memset(ds->id_slots, 0, ds->id_cap * sizeof *ds->id_slots);
        ds->id_indexed = 0;
    }
    if (n_sources < ds->n_sources) {
        ds->n_sources = n_sources;
        if (ds->src_cap) source_fill(ds); /* same table, fewer entries: no allocation */
    }
}

wl_status wl_dataset_set_reference_year(wl_dataset *ds, int year)
{
    /* The range keeps every expanded year inside the dates of birth normalise
     * accepts (1850..2100, normalise/date.c). */
    if (!ds || (year != 0 && (year < 1900 || year > 2100))) return WL_USAGE;
    ds->reference_year = year;
    return WL_OK;
}
