/*
 * store_index.h -- the person store's index file (watchlink.h, "person store
 * index"): its layout, the frozen parameters and the mapped view.
 *
 * One file, mapped read-only. A header, a table of sections, then the
 * sections, each on a 64-byte boundary with its own XXH3 checksum:
 *
 *   - the features, one section per line of WL_FEATURE_RUNS (its starts and
 *     its elements) and of WL_FEATURE_COLUMNS, and the text: written and read
 *     by iterating the lists (featureset.h), so a new feature needs no change
 *     here -- a file without the new section is refused as made by an older
 *     watchlink, and its store is refitted;
 *   - rid and rank: each record's row id in the store and its output order;
 *   - tspan: each record's bytes of the text, [lo, hi): every text offset of
 *     the record lies inside and the span ends in a NUL (checked on open), so
 *     a query copies a candidate's text with one memcpy, no scan;
 *   - sources: the source names, NUL-terminated, in the order col.SOURCE counts;
 *   - freq: the frozen name-part rarity counts, (h_canon, records) sorted;
 *   - bkey / brec: the blocking index, every (key, record) entry of every
 *     kind sorted by key, a crowded block already re-keyed by its split key as
 *     block.c does it; bsplit: the keys whose block was split.
 *
 * The frozen parameters sit in the header: the record count, the block limit,
 * the partner cap, the key kinds and the mode the index run used.
 */
#ifndef WL_STORE_INDEX_H
#define WL_STORE_INDEX_H

#include "block/block.h"
#include "features/featureset.h"

/* Bumped whenever the layout or the meaning of a section changes. */
enum { WL_SIDX_VERSION = 10 }; /* 2: the source names; 3: tspan; 4: dateless split by sound class; 5: theophoric names one part; 6: second readings flagged; 7: dotted initials, dialect syllables, initial x; 8: Belarusian and Ukrainian given names, patronymic and glued-article keys; 9: loose sound keys, syllable hyphens; 10: legal-form words of organisations as particles */
#define WL_SIDX_MAGIC "WLSTIDX"

enum { WL_SIDX_NAME = 24, WL_SIDX_ALIGN = 64 }; /* sections start on a cache line */

typedef struct {
    char name[WL_SIDX_NAME];
    uint64_t elem;      /* bytes per element */
    uint64_t count;     /* elements */
    uint64_t offset;    /* from the start of the file, WL_SIDX_ALIGN-aligned */
    uint64_t hash;      /* XXH3 of the section's bytes */
} wl_sidx_section;

/* What the index run derived from all the records, kept as it was. */
typedef struct {
    uint64_t records;     /* n: block weights 16 log2(n / size), name rarity log2(n / freq) */
    uint64_t max_block;   /* the block limit (split above max_block / 16, skip above it) */
    uint64_t partners;    /* partners each record keeps (0: every partner) */
    uint32_t block_keys;  /* WL_BLOCK_* kinds */
    uint32_t mode;        /* wl_mode */
} wl_sidx_params;

typedef struct {
    char magic[8];
    uint32_t version;
    uint32_t endian;      /* 0x01020304 as written: a file from another byte order is refused */
    uint32_t n_sections;
    uint32_t reserved;
    wl_sidx_params p;
    uint64_t hash;        /* XXH3 of the header (this field 0) and the section table */
} wl_sidx_header;

/* Record i's text bytes, [lo, hi) (lo = hi = 0: none). */
typedef struct {
    uint32_t lo, hi;
} wl_sidx_span;

/* One frozen rarity count. */
typedef struct {
    uint64_t h;           /* wl_fpart.h_canon */
    uint64_t records;     /* records holding it */
} wl_sidx_freq;

struct wl_store_index {
    const unsigned char *map;
    void *base;           /* the mapping, for munmap */
    size_t bytes;
    wl_sidx_header head;
    uint64_t checksum;    /* the header's hash: names the whole file */
    wl_features f;        /* arrays pointing into the map (f.n = records) */
    const int64_t *rid;
    int64_t max_rid;      /* the largest of rid[]: records above it came later (store_later.c) */
    const uint32_t *rank;
    const wl_sidx_span *tspan;
    const char *sources;  /* the names, NUL-terminated one after another */
    size_t sources_len;
    uint32_t *source_at;  /* malloc'd: where source s's name starts */
    size_t n_sources;
    const wl_sidx_freq *freq;
    size_t n_freq;
    const uint64_t *bkey;
    const uint32_t *brec;
    size_t n_bkey;
    /* malloc'd on open: bdir[t] = the first entry whose key's top bdir_bits
     * bits are >= t (t <= 2^bdir_bits), narrowing a key's binary search */
    size_t *bdir;
    unsigned bdir_bits;
    /* malloc'd on open: bit i set when record i has a name or a document (a
     * query meets many block members; this is one cache line per 512) */
    uint64_t *ident;
    const uint64_t *bsplit;
    size_t n_bsplit;
    size_t part_bytes[3]; /* features, statistics, blocking index */
};

/**
 * The bytes of f->text that record i's text offsets point into, [lo, hi)
 * (lo = hi = 0 when it has none): found, without naming the offset fields,
 * as the lines' rebase functions move them (store_index.c).
 */
wl_sidx_span wl_sidx_text_span(const wl_features *f, size_t i);

/**
 * Whether s is a sound span for record i: inside f->text, ending in a NUL,
 * and holding every text offset of the record (so each of its strings ends
 * inside it). The index file's check, record by record.
 */
int wl_sidx_span_holds(const wl_features *f, size_t i, wl_sidx_span s);

/**
 * x->bdir, the directory of x's blocking index by the keys' top bits.
 * @return 0, or -1 when out of memory.
 */
int wl_sidx_directory(wl_store_index *x);

/** The entries of key in x's blocking index: [*lo, *hi). */
void wl_sidx_block(const wl_store_index *x, uint64_t key, size_t *lo, size_t *hi);

/**
 * The blocking index of f under p: every (key, record) entry of the kinds in
 * p->block_keys, crowded blocks re-keyed by their split key, sorted by key
 * (store_blocks.c). keys/recs/split are malloc'd. @return WL_OK or WL_NOMEM.
 */
wl_status wl_sidx_blocks(const wl_features *f, const wl_sidx_params *p, int threads, uint64_t **keys,
                         uint32_t **recs, size_t *n, uint64_t **split, size_t *n_split);

#endif
