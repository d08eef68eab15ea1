/*
 * dataset.h -- the records of the lists read so far (stage 1, read).
 *
 * Struct of arrays over records; every string lives once in an interned pool
 * (NUL-terminated, addressed by 32-bit offset). A record's values are a run of
 * cells [cell_start[i], cell_start[i+1]), each a (role, string) pair, in column
 * order; multi-valued cells are already split on ';' or '|', trimmed, and empty
 * values are not stored.
 */
#ifndef WL_DATASET_H
#define WL_DATASET_H

#include "common/common.h"

/* The longest value a cell holds: 24 bits of length leave 8 for the role, so
 * a cell is 8 bytes instead of 12 (2 x 10^6 FEBRL-like records hold 19.5 M
 * cells: 156 MB instead of 234 MB). The reader rejects longer fields. */
#define WL_CELL_MAX_LEN 16777215u

typedef struct {
    uint32_t str;      /* pool offset of the NUL-terminated value */
    uint32_t len : 24; /* its length in bytes, at most WL_CELL_MAX_LEN */
    uint32_t role : 8; /* wl_role */
} wl_cell;
_Static_assert(sizeof(wl_cell) == 8, "a cell is 8 bytes");

struct wl_dataset {
    /* interned string pool */
    char *pool;
    size_t pool_len, pool_cap;
    uint64_t *intern_slots; /* open addressing: hash tag << 32 | (pool offset + 1), 0 = empty */
    size_t intern_cap, intern_used;

    size_t n, cap;        /* records */
    uint32_t *source;     /* per record: index into sources[] */
    uint32_t *id;         /* per record: pool offset of the id */
    uint32_t *cell_start; /* n + 1 entries */
    wl_cell *cells;
    size_t n_cells, cells_cap;

    uint32_t *sources; /* pool offsets of the source names */
    size_t n_sources, sources_cap;

    /* (source, id) -> record index, for duplicate ids; catches up lazily with
     * records added since (wl_ds_find_id), so hand-built datasets stay valid. */
    uint64_t *id_slots; /* hash tag << 32 | (record index + 1), 0 = empty */
    size_t id_cap, id_indexed;
    uint64_t *src_slots; /* source name offset << 32 | (source index + 1) */
    size_t src_cap;

    /* Two-digit birth years are read under it (normalise/date.h); 0: the default. */
    int reference_year;

    /* wl_dataset_release_values: the caller needs only ids and sources after
     * the next run has normalised the records. It hands the dataset over
     * writable (itself, from a non-const call), since runs take it const;
     * released says the values of the records before it are gone. */
    wl_dataset *release_asked;
    int released;
};

/** @return the pool string at offset off. */
static inline const char *wl_ds_str(const wl_dataset *ds, uint32_t off)
{
    return ds->pool + off;
}

/** @return record i's cells and their count through *count. */
static inline const wl_cell *wl_ds_cells(const wl_dataset *ds, size_t i, size_t *count)
{
    *count = ds->cell_start[i + 1] - ds->cell_start[i];
    return *count ? ds->cells + ds->cell_start[i] : NULL; /* cells is NULL when none */
}

/** Interns s[0..n). @return its pool offset, or UINT32_MAX when out of memory. */
uint32_t wl_ds_intern(wl_dataset *ds, const char *s, size_t n);

/** Interns like wl_ds_intern; *is_new says whether the string was not in the pool
 * yet (then no record can hold it: the reader's duplicate-id fast path). */
uint32_t wl_ds_intern_new(wl_dataset *ds, const char *s, size_t n, int *is_new);

/** Appends a record (used by the reader and by tests that build datasets by hand).
 * @return its index, or SIZE_MAX when out of memory or a value is longer than
 * WL_CELL_MAX_LEN. Values given as cells whose str field is ignored: text comes
 * from values[k] / lens[k]. */
size_t wl_ds_add_record(wl_dataset *ds, uint32_t source, const char *id, size_t id_len, const uint8_t *roles,
                        const char *const *values, const size_t *lens, size_t n_values);

/** Interns s[0..n) whose wl_hash is hv. */
uint32_t wl_ds_intern_hashed(wl_dataset *ds, const char *s, size_t n, uint64_t hv, int *is_new);
/** @return the home slot of a hash (or of a stored slot: same upper bits) in a
 *  table of cap slots, a power of two up to 2^32. */
static inline size_t wl_ds_slot(uint64_t hv, size_t cap)
{
    return (size_t)(hv >> 32) & (cap - 1);
}

/* The reader's path (read/reader_row.c): values are not interned in the pool's
 * table but copied (the reader keeps its own small per-role cache of recent
 * values), and the (source, id) index is kept current as records are added, so
 * each row costs one probe of it, prefetched ahead. */
/** Copies s[0..n) to the end of the pool without interning it.
 *  @return its offset (0 for the empty string), or UINT32_MAX when out of memory. */
uint32_t wl_ds_append(wl_dataset *ds, const char *s, size_t n);
/** Appends a record whose id and values are already in the pool (offs[k],
 *  lens[k], roles[k]; empty values are skipped). @return its index, or SIZE_MAX
 *  (out of memory, or a value longer than WL_CELL_MAX_LEN). */
size_t wl_ds_add_record_offsets(wl_dataset *ds, uint32_t source, uint32_t id_off, const uint8_t *roles,
                                const uint32_t *offs, const size_t *lens, size_t n_values);
/** @return the hash under which the (source, id) index files an id. */
uint64_t wl_ds_id_hash(uint32_t source, const char *id, size_t len);
/** Makes room in the (source, id) index for extra more records, so that the
 *  slots prefetched for them stay where they are. @return 0, or -1 (no memory). */
int wl_ds_id_reserve(wl_dataset *ds, size_t extra);
/** Hints the CPU to load the index slot of an id hash. */
static inline void wl_ds_id_prefetch(const wl_dataset *ds, uint64_t hv)
{
#if defined(__GNUC__)
    if (ds->id_cap) __builtin_prefetch(&ds->id_slots[wl_ds_slot(hv, ds->id_cap)]);
#else
    (void)ds;
    (void)hv;
#endif
}
/** wl_ds_find_id with hv == wl_ds_id_hash(source, id, len). */
size_t wl_ds_find_id_hashed(wl_dataset *ds, uint32_t source, const char *id, size_t len, uint64_t hv);
/** Files the record just added (index rec, id hash hv) in the (source, id) index
 *  when the index is current; otherwise the next lookup catches up.
 *  @return 0, or -1 when out of memory. */
int wl_ds_id_added(wl_dataset *ds, size_t rec, uint64_t hv);

/** @return the index of a source name, adding it when new; UINT32_MAX on no memory. */
uint32_t wl_ds_source_index(wl_dataset *ds, const char *name, size_t n);

/** @return the record of source with this id, SIZE_MAX when there is none, or
 *  SIZE_MAX - 1 when out of memory. */
size_t wl_ds_find_id(wl_dataset *ds, uint32_t source, const char *id, size_t len);

/** Frees the values of every record (cells, and the pool but for the ids and
 *  source names, which move to a pool of their own) when the caller asked for
 *  it (wl_dataset_release_values) and they are not released yet. Runs once,
 *  after the features are built: the stages after normalise read only ids and
 *  sources. When memory for the smaller pool cannot be had, the values stay
 *  (nothing is lost but the saving). */
void wl_ds_release_values(const wl_dataset *ds);

/** Drops records from index n on and sources from n_sources on (a list that
 *  failed half-way is not kept). Interned strings stay in the pool. */
void wl_ds_truncate(wl_dataset *ds, size_t n, size_t n_sources);

/** Two ids in output order: all-digit ids by value (leading zeros aside), else strcmp. */
int wl_id_cmp(const char *a, const char *b);
/** Ranks of the records in output order (source, then id, numbers by value);
 *  *order_out the inverse (dataset_order.c). NULL: no memory. */
uint32_t *wl_dataset_ranks(const wl_dataset *ds, uint32_t **order_out);

#endif /* WL_DATASET_H */
