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

/* What the comparator reads of a record first, in one cache line: where its
 * runs start and how long they are, its gender and place, and its first date
 * and document inline. A pair's second record is a random one of millions,
 * and without this its seven arrays cost up to seven cache misses before any
 * comparing starts (features_crec.c). */
typedef struct {
    uint32_t part, date, doc, nat, tok; /* run starts in parts, dates, docs, nats, toks */
    uint16_t n_part, n_date, n_doc, n_nat, n_tok;
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

    uint32_t *part_start;       /* n + 1 */
    wl_fpart *parts;
    uint8_t *n_names;           /* per record: 1 + number of aliases with parts (0: no name) */

    uint32_t *date_start;       /* n + 1 */
    wl_date *dates;

    uint32_t *doc_start;        /* n + 1 */
    wl_fdoc *docs;

    uint32_t *nat_start;        /* n + 1 */
    uint32_t *nats;             /* packed alpha-3 (country.h) */

    uint8_t *gender;            /* 'M', 'F' or 0 */
    uint32_t *pob;              /* offset in text of the folded place of birth, UINT32_MAX none */
    uint32_t *free_text;        /* offset in text of the folded free text, UINT32_MAX none */
    uint32_t *source;           /* source index (dataset) */
    uint64_t *h_name;           /* hash of the sorted canonical parts of the main name */

    /* Tokens of the free text, hashed, sorted and distinct, so that comparing two
     * records' text is a merge of two short integer lists (no string work per pair). */
    uint32_t *tok_start;        /* n + 1 */
    uint64_t *toks;

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

/** Record i's wl_crec: f->crec[i], or the same fields read from the arrays. */
static inline wl_crec wl_f_crec(const wl_features *f, size_t i)
{
    if (f->crec) return f->crec[i];
    wl_crec c;
    memset(&c, 0, sizeof c);
    c.part = f->part_start[i];
    c.n_part = (uint16_t)(f->part_start[i + 1] - c.part);
    c.date = f->date_start[i];
    c.n_date = (uint16_t)(f->date_start[i + 1] - c.date);
    c.doc = f->doc_start[i];
    c.n_doc = (uint16_t)(f->doc_start[i + 1] - c.doc);
    c.nat = f->nat_start[i];
    c.n_nat = (uint16_t)(f->nat_start[i + 1] - c.nat);
    c.tok = f->tok_start[i];
    c.n_tok = (uint16_t)(f->tok_start[i + 1] - c.tok);
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
