/*
 * featureset.h -- the normalised, hashed view of a dataset (stages 2 and 3).
 *
 * Flat arrays per record (struct of arrays, after klib's khash): each record i
 * owns runs [X_start[i], X_start[i+1]) of name parts, dates, documents and
 * nationalities. Everything the blocker and the comparator read lives here;
 * they never look at raw strings again.
 */
#ifndef WL_FEATURES_H
#define WL_FEATURES_H

#include "common/common.h"
#include "common/dataset.h"
#include "normalise/date.h"

typedef struct {
    uint32_t str;       /* offset in f->text of the normalised spelling (NUL-terminated) */
    uint32_t canon;     /* offset in f->text of the canonical variant spelling */
    uint8_t len, canon_len;
    uint8_t flags;      /* WL_PART_* (name.h) */
    uint8_t name_no;    /* 0: the record's main name; 1..: its aliases, in order */
    uint32_t dm1, dm2;  /* Double Metaphone codes, packed */
    uint32_t h_sound;   /* sound-class key of the canonical spelling (wl_sound_key) */
    uint64_t h_canon;   /* XXH3 of the canonical spelling */
    uint64_t h_skel;    /* XXH3 of the consonant skeleton */
    uint32_t freq;      /* records of the dataset holding this canonical part */
    uint32_t h_spell : 28; /* key of the sound spelling of the canonical spelling (0: too short) */
    uint32_t script : 4;   /* wl_script (name.h) of the value the part was read from */
} wl_fpart;

typedef struct {
    uint64_t h_core;    /* XXH3 of the alphanumeric core */
    uint64_t h_ocr;     /* XXH3 of the OCR-folded key */
    uint32_t str;       /* offset in f->text of the OCR-folded key */
    uint32_t core;      /* offset in f->text of the alphanumeric core (as written) */
    uint8_t len, core_len;
    int8_t check;       /* ICAO check digit: -1 none, 0 wrong, 1 right */
    uint32_t country;   /* packed alpha-3 of a recognised prefix, or 0 */
} wl_fdoc;

/* Text offsets of a run's elements move when the build's chunks are merged into
 * one text (features.c): each element type with offsets in f->text says which. */
static inline void wl_fpart_rebase(void *v, size_t n, uint32_t base)
{
    wl_fpart *p = v;
    for (size_t k = 0; k < n; k++) {
        p[k].str += base;
        p[k].canon += base;
    }
}
static inline void wl_fdoc_rebase(void *v, size_t n, uint32_t base)
{
    wl_fdoc *d = v;
    for (size_t k = 0; k < n; k++) {
        d[k].str += base;
        d[k].core += base;
    }
}
/* Elements without text offsets. */
static inline void wl_frun_no_text(void *v, size_t n, uint32_t base)
{
    (void)v;
    (void)n;
    (void)base;
}

/* ---- the features, one line each ----
 *
 * Runs: values a record has any number of. X(ID, start, data, type, rebase):
 * record i owns f->data[f->start[i] .. f->start[i + 1]). Columns: one value per
 * record. X(ID, array, type, rebase), rebase wl_fcol_text for an offset in
 * f->text (UINT32_MAX: none, and then the type is uint32_t), else wl_fcol_value.
 *
 * The members of wl_features, the per-chunk buffers of the parallel build and
 * their merge, freeing, the comparator's wl_crec counts and the thread-count
 * test are all generated from these lists (features.c, features_build.h,
 * features_crec.c, tests/unit/test_features.c), and a compared field names the
 * features it reads by their WL_FEAT_* bits (wl_field_desc.features,
 * compare/compare.c). So a field with values of its own adds one line here and
 * its reading of the cells in features_record.c. */
/* TOKS: the free text's tokens, hashed, sorted and distinct, so that comparing
 * two records' text is a merge of two short integer lists (no string work per
 * pair). */
#define WL_FEATURE_RUNS(X)                                   \
    X(PARTS, part_start, parts, wl_fpart, wl_fpart_rebase)   \
    X(DATES, date_start, dates, wl_date, wl_frun_no_text)    \
    X(DOCS, doc_start, docs, wl_fdoc, wl_fdoc_rebase)        \
    X(NATS, nat_start, nats, uint32_t, wl_frun_no_text)      \
    X(TOKS, tok_start, toks, uint64_t, wl_frun_no_text)

/* A column of offsets in f->text (UINT32_MAX: none) moves them at the merge;
 * records [lo, hi) are one chunk's. A column of values does nothing. */
static inline void wl_fcol_text(void *v, size_t lo, size_t hi, uint32_t base)
{
    uint32_t *off = v;
    for (size_t i = lo; i < hi; i++)
        if (off[i] != UINT32_MAX) off[i] += base;
}
static inline void wl_fcol_value(void *v, size_t lo, size_t hi, uint32_t base)
{
    (void)v;
    (void)lo;
    (void)hi;
    (void)base;
}

#define WL_FEATURE_COLUMNS(X)                                                               \
    X(N_NAMES, n_names, uint8_t, wl_fcol_value)    /* 1 + aliases with parts (0: no name) */ \
    X(GENDER, gender, uint8_t, wl_fcol_value)      /* 'M', 'F' or 0 */                       \
    X(POB, pob, uint32_t, wl_fcol_text)            /* the folded place of birth */           \
    X(FREE_TEXT, free_text, uint32_t, wl_fcol_text) /* the folded free text */               \
    X(SOURCE, source, uint32_t, wl_fcol_value)     /* source index (dataset) */              \
    X(H_NAME, h_name, uint64_t, wl_fcol_value)     /* hash of the main name's sorted parts */

/* WL_FRUN_PARTS.. (runs, in list order), then WL_FCOL_N_NAMES.. (columns);
 * WL_FEAT_X = 1u << its number, for wl_field_desc.features. */
enum {
#define WL_FRUN_ENUM_(id, start, data, type, rebase) WL_FRUN_##id,
    WL_FEATURE_RUNS(WL_FRUN_ENUM_)
#undef WL_FRUN_ENUM_
    WL_FRUN_COUNT,
    WL_FCOL_FIRST_ = WL_FRUN_COUNT - 1,
#define WL_FCOL_ENUM_(id, array, type, rebase) WL_FCOL_##id,
    WL_FEATURE_COLUMNS(WL_FCOL_ENUM_)
#undef WL_FCOL_ENUM_
    WL_FEATURE_COUNT
};
enum {
#define WL_FRUN_BIT_(id, start, data, type, rebase) WL_FEAT_##id = 1u << WL_FRUN_##id,
    WL_FEATURE_RUNS(WL_FRUN_BIT_)
#undef WL_FRUN_BIT_
#define WL_FCOL_BIT_(id, array, type, rebase) WL_FEAT_##id = 1u << WL_FCOL_##id,
    WL_FEATURE_COLUMNS(WL_FCOL_BIT_)
#undef WL_FCOL_BIT_
};
_Static_assert(WL_FEATURE_COUNT <= 32, "WL_FEAT_* bits fit an unsigned");

/* What the comparator reads of a record first, in one cache line: where its
 * runs start and how long they are, its gender and place, and its first date
 * and document inline. A pair's second record is a random one of millions,
 * and without this its seven arrays cost up to seven cache misses before any
 * comparing starts (features_crec.c). */
typedef struct {
    union { /* run starts, by name or by WL_FRUN_* */
        struct { uint32_t part, date, doc, nat, tok; };
        uint32_t start[WL_FRUN_COUNT];
    };
    union { /* run lengths */
        struct { uint16_t n_part, n_date, n_doc, n_nat, n_tok; };
        uint16_t count[WL_FRUN_COUNT];
    };
    uint8_t gender;
    uint8_t doc0_len;                   /* the first document's OCR-folded length */
    uint32_t pob;                       /* as wl_features.pob */
    wl_date date0;                      /* the first date (when n_date > 0) */
    uint64_t doc0_h;                    /* the first document's h_ocr (when n_doc > 0) */
} wl_crec;

struct wl_features {
    const wl_dataset *ds;
    size_t n;
    /* Optional, set by the pipeline before blocking (not owned): rank[i] is record
     * i's place in an order that does not depend on the input order (source,
     * then id). Blocking breaks ties between partners by it; NULL: by index. */
    const uint32_t *rank;

    char *text;                 /* all normalised strings */
    size_t text_len, text_cap;

    /* The runs (each start array n + 1 long) and the columns (n + 1 long), as
     * listed in WL_FEATURE_RUNS and WL_FEATURE_COLUMNS. */
#define WL_FRUN_MEMBER_(id, start, data, type, rebase) uint32_t *start; type *data;
    WL_FEATURE_RUNS(WL_FRUN_MEMBER_)
#undef WL_FRUN_MEMBER_
#define WL_FCOL_MEMBER_(id, array, type, rebase) type *array;
    WL_FEATURE_COLUMNS(WL_FCOL_MEMBER_)
#undef WL_FCOL_MEMBER_

    /* One wl_crec per record, cache-aligned (wl_features_build_crec); NULL
     * when not built: the comparator then reads the arrays above. */
    wl_crec *crec;
};

/**
 * Fills f->crec from the arrays (after they are final). Records whose runs do
 * not fit a wl_crec's 16-bit counts leave f->crec NULL (the comparator reads
 * the arrays). @return 0, or -1 when out of memory (f->crec stays NULL).
 */
int wl_features_build_crec(wl_features *f);

/**
 * wl_features_build on one thread with the caller's name context, kept across
 * calls by a caller that normalises a few records at a time (a warm store
 * query): the context's ICU transliterators are opened once, not per call.
 * The features are byte-identical to wl_features_build's (the context holds
 * only caches and scratch). @return NULL when out of memory or ctx is NULL.
 */
struct wl_namectx;
wl_features *wl_features_build_with(const wl_dataset *ds, struct wl_namectx *ctx);

/**
 * Normalises part `part` of `parts` of ds's records (whole chunks of records,
 * the parts in record order) and appends their features to out (a byte
 * vector) in a form wl_features_unpack reads in a process of the same build
 * (features_pack.c). @return 0, or -1 when out of memory or part >= parts.
 */
int wl_features_pack_part(const wl_dataset *ds, int threads, size_t part, size_t parts, wl_vec *out);

/**
 * The features of ds from the packed parts 0..parts-1, concatenated in part
 * order: byte-identical to wl_features_build's. The packs come from processes
 * of the same job (they are checked for shape, not for hostile offsets).
 * @return NULL when out of memory or the bytes are not every chunk once, in order.
 */
wl_features *wl_features_unpack(const wl_dataset *ds, const void *bytes, size_t len);

/** Record i's wl_crec: f->crec[i], or the same fields read from the arrays. */
static inline wl_crec wl_f_crec(const wl_features *f, size_t i)
{
    if (f->crec) return f->crec[i];
    wl_crec c;
    memset(&c, 0, sizeof c);
#define WL_FRUN_CREC_(id, from, data, type, rebase)                        \
    c.start[WL_FRUN_##id] = f->from[i];                                    \
    c.count[WL_FRUN_##id] = (uint16_t)(f->from[i + 1] - f->from[i]);
    WL_FEATURE_RUNS(WL_FRUN_CREC_)
#undef WL_FRUN_CREC_
    c.gender = f->gender[i];
    c.pob = f->pob[i];
    if (c.n_date) c.date0 = f->dates[c.date];
    if (c.n_doc) {
        c.doc0_h = f->docs[c.doc].h_ocr;
        c.doc0_len = f->docs[c.doc].len;
    }
    return c;
}

static inline const char *wl_f_str(const wl_features *f, uint32_t off) { return f->text + off; }

static inline const wl_fpart *wl_f_parts(const wl_features *f, size_t i, size_t *count)
{
    *count = f->part_start[i + 1] - f->part_start[i];
    return *count ? f->parts + f->part_start[i] : NULL; /* the array is NULL when empty */
}
static inline const wl_date *wl_f_dates(const wl_features *f, size_t i, size_t *count)
{
    *count = f->date_start[i + 1] - f->date_start[i];
    return *count ? f->dates + f->date_start[i] : NULL; /* the array is NULL when empty */
}
static inline const wl_fdoc *wl_f_docs(const wl_features *f, size_t i, size_t *count)
{
    *count = f->doc_start[i + 1] - f->doc_start[i];
    return *count ? f->docs + f->doc_start[i] : NULL; /* the array is NULL when empty */
}
static inline const uint64_t *wl_f_toks(const wl_features *f, size_t i, size_t *count)
{
    *count = f->tok_start[i + 1] - f->tok_start[i];
    return *count ? f->toks + f->tok_start[i] : NULL; /* the array is NULL when empty */
}
static inline const uint32_t *wl_f_nats(const wl_features *f, size_t i, size_t *count)
{
    *count = f->nat_start[i + 1] - f->nat_start[i];
    return *count ? f->nats + f->nat_start[i] : NULL; /* the array is NULL when empty */
}

/** Counts, for every part, the records holding its canonical spelling (freq). */
int wl_features_count_freq(wl_features *f);

/**
 * Order-free hash of one name: XXH3 over the sorted h_canon of its non-particle
 * parts (all parts when every part is a particle). @return 0 for no parts.
 */
uint64_t wl_name_hash(const wl_fpart *p, size_t n);

/**
 * Names of record i are runs of parts with the same name_no. Starting at part
 * index `from` (relative to the record), *count receives the length of the run.
 * @return from, or the record's part count (with *count = 0) past the end.
 */
size_t wl_f_name_span(const wl_features *f, size_t i, size_t from, size_t *count);

#endif /* WL_FEATURES_H */
