/*
 * watchlink.h -- the whole public face of the watchlink engine.
 *
 * watchlink finds the same person across national watchlists: it reads lists,
 * normalises names, dates and document numbers, builds candidate pairs by
 * blocking, compares and scores them with a Fellegi-Sunter model, and clusters.
 * If a function is not declared here it is not API (cli/ and bench/ include
 * only this file).
 *
 * Conventions, stated once for every family below:
 *  - Ownership: an object returned by a wl_X_create/read/build/fit/load/run
 *    function belongs to the caller, who releases it with the matching wl_X_free;
 *    every wl_X_free accepts NULL. Strings returned by accessors point into the
 *    object they came from and live as long as it does.
 *  - Threads: an object may be read from several threads at once but must not be
 *    changed by one while others use it. The engine runs its own OpenMP threads
 *    inside a call (wl_options.threads); calls themselves never share state.
 *  - Errors: functions return a wl_status; where they take (char *err, size_t
 *    errcap) the buffer receives a one-line message naming file:line and reason.
 */
#ifndef WATCHLINK_H
#define WATCHLINK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define WL_API __attribute__((visibility("default")))
#else
#define WL_API
#endif

/* ------------------------------------------------------------------ version */
#define WL_VERSION_MAJOR 0
#define WL_VERSION_MINOR 1
#define WL_VERSION_PATCH 0
#define WL_VERSION_NUMBER (WL_VERSION_MAJOR * 10000 + WL_VERSION_MINOR * 100 + WL_VERSION_PATCH)

/** @return the library's version as "MAJOR.MINOR.PATCH" (static storage). */
WL_API const char *wl_version(void);

/* ------------------------------------------------------------------- status */
/* One table generates the enum and wl_strerror(), so they cannot drift (libuv's
 * UV_ERRNO_MAP). */
#define WL_STATUS_MAP(X)                                   \
    X(OK,       "success")                                 \
    X(NOMEM,    "out of memory")                           \
    X(IO,       "cannot read or write a file")             \
    X(INPUT,    "bad input data")                          \
    X(USAGE,    "invalid argument or option")              \
    X(FORMAT,   "unsupported or malformed file format")    \
    X(INTERNAL, "internal error")

typedef enum {
#define WL_STATUS_ENUM_(name, msg) WL_##name,
    WL_STATUS_MAP(WL_STATUS_ENUM_)
#undef WL_STATUS_ENUM_
    WL_STATUS_COUNT
} wl_status;

/** @return a static message for a status; "unknown status" for others. */
WL_API const char *wl_strerror(wl_status st);

/* ------------------------------------------------------------- output files */
/* A file written whole or not at all: the model, and every output file of the
 * command line. A regular file, or a path that does not exist yet, is written to
 * a temporary beside its real target (symlinks followed), fsynced and renamed
 * over it; a fifo or device is written in place (renaming would replace the
 * node). Why and how: engine/src/common/file_replace.c. */
typedef struct {
    FILE *f;          /* write here between open and commit */
    char *path;       /* the file really written (symlinks followed) */
    char *tmp;        /* the temporary beside it, or NULL when written in place */
    const char *name; /* the path as given, for messages */
} wl_file_replace;

/**
 * Opens a replacement for path.
 * @return 0, or -1 with "path: cannot write: reason" in err (r left closed).
 */
WL_API int wl_file_replace_open(wl_file_replace *r, const char *path, char *err, size_t errcap);
/**
 * Flushes, fsyncs, closes and renames the temporary over the target, then fsyncs
 * the directory. On any failure the temporary is removed and the old file stays.
 * @return 0, or -1 with "path: cannot write: reason" in err. r is closed either way.
 */
WL_API int wl_file_replace_commit(wl_file_replace *r, char *err, size_t errcap);
/** Closes r and removes its temporary; the old file stays. */
WL_API void wl_file_replace_abort(wl_file_replace *r);

/**
 * The worker threads for a requested count (wl_options.threads and every other
 * `threads` argument): the count itself when above 0, else every core OpenMP may
 * use (OMP_NUM_THREADS, cgroup and affinity limits included); 1 without OpenMP.
 * The one place the "0 means all cores" rule is written down (common.c): the
 * command line and the benchmarks ask here instead of asking OpenMP.
 */
WL_API int wl_thread_count(int requested);

/**
 * Writes n bytes of s as one CSV field (RFC 4180), the one writer of every CSV
 * file watchlink makes (pairs, clusters, rejects, normalize, store exports,
 * generated lists): quoted, with each '"' doubled, when it holds a comma, a
 * quote, a line break or a NUL byte, or begins or ends with a space or a tab
 * (a reader that trims unquoted fields, as watchlink's does, keeps them then);
 * else as is.
 * Write errors are left in f's error flag (ferror) for the caller's commit.
 */
WL_API void wl_csv_write_field(FILE *f, const char *s, size_t n);

/* -------------------------------------------------------------------- roles */
/* The data contract's input roles (docs/design.md). */
#define WL_ROLE_MAP(X)                  \
    X(ID,             "id")             \
    X(SOURCE,         "source")         \
    X(FULL_NAME,      "full_name")      \
    X(GIVEN_NAME,     "given_name")     \
    X(MIDDLE_NAME,    "middle_name")    \
    X(FAMILY_NAME,    "family_name")    \
    X(ALIAS,          "alias")          \
    X(DOB,            "dob")            \
    X(GENDER,         "gender")         \
    X(NATIONALITY,    "nationality")    \
    X(DOC_NUMBER,     "doc_number")     \
    X(DOC_TYPE,       "doc_type")       \
    X(DOC_COUNTRY,    "doc_country")    \
    X(PLACE_OF_BIRTH, "place_of_birth") \
    X(MRZ,            "mrz")            \
    X(TEXT,           "text")

typedef enum {
#define WL_ROLE_ENUM_(name, str) WL_ROLE_##name,
    WL_ROLE_MAP(WL_ROLE_ENUM_)
#undef WL_ROLE_ENUM_
    WL_ROLE_COUNT
} wl_role;

/** @return the role's contract name ("given_name"), or NULL when out of range. */
WL_API const char *wl_role_name(wl_role role);
/** @return the role for a contract name, case-insensitive, or -1. */
WL_API int wl_role_from_name(const char *name);

/* ------------------------------------------------------------------ reading */
/* A dataset holds the records of one or more lists in an arena, struct of
 * arrays, with interned strings. Read lists into it one file at a time. */
typedef struct wl_dataset wl_dataset;

typedef struct {
    size_t max_field;        /* longest accepted field in bytes; default 64 KiB, at most 16 MiB - 1 */
    const char *const *map;  /* "role=column" overrides (--map), n_map of them */
    size_t n_map;
    const char *source;      /* source name of every row, a source column or not; NULL:
                                a source column names its rows, default_source the rest */
    const char *default_source; /* with source NULL: the source of rows that name none (no
                                source column, or a blank cell); NULL: the file name
                                without extension */
    char delimiter;          /* field delimiter; 0: sniffed from the header line (tab when
                                it has more tabs than commas, else comma; ';' or '|' when
                                the header has neither) */
    /* Called for every rejected row (for --rejects): file, 1-based line, reason and
     * the raw bytes of the row. May be NULL. */
    void (*on_reject)(void *user, const char *file, long line, const char *reason,
                      const char *raw, size_t raw_len);
    void *user;
} wl_read_options;

enum { WL_REPORT_MAX_COLUMNS = 64, WL_REPORT_MAX_REJECTS = 10 };

typedef struct {
    size_t rows_read;        /* data rows seen (header excluded) */
    size_t accepted;
    size_t rejected;         /* rows_read == accepted + rejected, always */
    size_t n_columns;
    char column_name[WL_REPORT_MAX_COLUMNS][64];
    int column_role[WL_REPORT_MAX_COLUMNS];   /* wl_role, or -1 when ignored */
    size_t filled[WL_ROLE_COUNT];             /* accepted rows with a value per role */
    size_t n_first_rejects;                   /* first rejected rows, for inspect */
    long reject_line[WL_REPORT_MAX_REJECTS];
    char reject_reason[WL_REPORT_MAX_REJECTS][160];
    char source[128];
    int gzip;                                  /* 1 when the file was gzip */
    char delimiter;                            /* the field delimiter used */
} wl_read_report;

/** The id of a row whose id cell is blank: this prefix and the row's file line
 *  ("@line:7"). A real id that starts with it is rejected, so the two never
 *  collide. A list with no id column numbers its data rows 1, 2, 3... */
#define WL_BLANK_ID_PREFIX "@line:"

/** @return default read options (64 KiB field limit, no overrides). */
WL_API wl_read_options wl_read_default_options(void);

/** @return an empty dataset, or NULL when out of memory. */
WL_API wl_dataset *wl_dataset_create(void);
WL_API void wl_dataset_free(wl_dataset *ds);

/**
 * Reads one CSV or TSV list (gzip recognised by its magic bytes) into ds.
 * Bad rows are rejected and counted, reading goes on.
 * @param report  filled whatever the result (may be NULL)
 * @return WL_OK; WL_IO (missing file, directory, truncated gzip), WL_FORMAT
 *         (empty file, no header, no usable name column) with err naming the file.
 */
WL_API wl_status wl_dataset_read(wl_dataset *ds, const char *path, const wl_read_options *opt,
                                 wl_read_report *report, char *err, size_t errcap);

/** @return the number of records in ds. */
WL_API size_t wl_dataset_size(const wl_dataset *ds);

/* ---- Split reading, for watchlink-mpi (issue 14): each process reads a byte
 * range of a list, starting at a row boundary, and the processes' records are
 * put back together in input order (wl_dataset_pack / wl_dataset_unpack). */

/** Where a row starts: byte offset, file line, data rows before it. */
typedef struct {
    unsigned long long at;
    long line;
    size_t data_row;
} wl_row_mark;

/** A row's bytes in its file (without the line end) and its line. */
typedef struct {
    unsigned long long at;
    size_t len;
    long line;
} wl_row_span;

/** What a split read needs to know of a list before reading it. */
typedef struct {
    unsigned long long size; /* file size in bytes */
    wl_row_mark first;       /* the first data row (just after the header) */
    int splittable;          /* 0: gzip, UTF-16, bare-CR line ends, JSON Lines or not a
                                regular file; read it whole (wl_dataset_read) in one process */
    int has_id;              /* an id column: ids do not depend on the data row number */
} wl_list_layout;

/** Reads path's header. @return WL_OK, or as wl_dataset_read for a bad header. */
WL_API wl_status wl_list_layout_read(const char *path, const wl_read_options *opt, wl_list_layout *out,
                                     char *err, size_t errcap);

/**
 * The guessed start of part k of n of a splittable list: the first line start
 * at or after the k/n point of its data bytes, with its line number (data_row
 * left 0). A guess inside a quoted field is corrected by the reader of part
 * k - 1, whose wl_dataset_read_range says where its last row ended.
 * @return WL_OK, or WL_IO when the file cannot be read.
 */
WL_API wl_status wl_list_split_guess(const char *path, const wl_list_layout *layout, size_t k, size_t n,
                                     wl_row_mark *mark, char *err, size_t errcap);

/**
 * Reads the data rows of a splittable list that start at byte offsets in
 * [from->at, limit) into ds, from->at being a row start (its line and data row
 * count given), exactly as wl_dataset_read reads them (the same rejects with
 * the same file lines). A row that starts before limit is read to its end.
 * @param end  the first row at or after limit (or the end of the file)
 * @param rows  when not NULL, *rows is a malloc'd array of the row of every
 *              record added, in order (for rejecting it later as a duplicate)
 * @return WL_OK; WL_IO or WL_FORMAT with err naming the file.
 */
WL_API wl_status wl_dataset_read_range(wl_dataset *ds, const char *path, const wl_read_options *opt,
                                       const wl_row_mark *from, unsigned long long limit, wl_row_mark *end,
                                       wl_row_span **rows, wl_read_report *report, char *err, size_t errcap);

/** Packs records [from, size) of ds (source, id, values) into a malloc'd buffer of
 *  *len bytes, for another process's wl_dataset_unpack. @return NULL when out of memory. */
WL_API void *wl_dataset_pack(const wl_dataset *ds, size_t from, size_t *len);

/**
 * Appends the records of a pack to ds in their order, as the reader would: a
 * record whose (source, id) ds already holds is not added, and its index in the
 * pack goes to *dups (malloc'd, *n_dups of them) with the reader's reason.
 * @param reasons  when not NULL, a malloc'd array of *n_dups reasons, each
 *                 WL_DUP_REASON_MAX bytes
 * @return WL_OK, WL_NOMEM, or WL_FORMAT for a malformed pack.
 */
enum { WL_DUP_REASON_MAX = 160 };
WL_API wl_status wl_dataset_unpack(wl_dataset *ds, const void *pack, size_t len, size_t **dups, size_t *n_dups,
                                   char (**reasons)[WL_DUP_REASON_MAX]);

/** The source name a list gets when wl_read_options.source is NULL: the file
 *  name without directory and extension (.gz too), "stdin" for "-".
 *  @return its length, written NUL-terminated to out (cut at cap - 1 bytes). */
WL_API size_t wl_list_source_name(const char *path, char *out, size_t cap);
/** @return record i's source name and id (never NULL). @pre i < size. */
WL_API const char *wl_dataset_source(const wl_dataset *ds, size_t i);
WL_API const char *wl_dataset_id(const wl_dataset *ds, size_t i);
/** @return how many values record i holds for a role (multi-valued cells split). */
WL_API size_t wl_dataset_count(const wl_dataset *ds, size_t i, wl_role role);
/** @return the k-th value of a role for record i, NUL-terminated, or NULL. */
WL_API const char *wl_dataset_value(const wl_dataset *ds, size_t i, wl_role role, size_t k);
/** @return the number of distinct sources read so far. */
WL_API size_t wl_dataset_source_count(const wl_dataset *ds);
/**
 * Asks the next wl_run over ds to free the records' values once it has
 * normalised them: the later stages and the pairs and clusters written from a
 * result read only ids and sources, and the values are most of a dataset's
 * memory (2 x 10^6 FEBRL-like records: ~280 of 370 MB). Afterwards
 * wl_dataset_count is 0 and wl_dataset_value NULL for those records; ids,
 * sources and the size stay, and a further wl_run over ds is refused
 * (WL_USAGE). Not for a caller that writes a report or a store from ds, nor
 * for a dataset that concurrent runs share.
 */
WL_API void wl_dataset_release_values(wl_dataset *ds);
/** @return 1 when a run released ds's values (wl_dataset_release_values), else 0. */
WL_API int wl_dataset_values_released(const wl_dataset *ds);

/**
 * Sets the reference year of ds's two-digit years of birth, written ("4/3/26")
 * or in a machine-readable zone (YYMMDD): each is the latest year ending in
 * those digits that is not after the reference year. The default, 2025, is a
 * fixed constant, never today's date, so the same lists give the same bytes in
 * any year; give the year the lists were made to move it (then 26 reads 2026).
 * Applies to features built from ds afterwards.
 * @param year  1900..2100, or 0 for the default
 * @return WL_OK, or WL_USAGE when year is out of range (ds unchanged).
 */
WL_API wl_status wl_dataset_set_reference_year(wl_dataset *ds, int year);

/* ------------------------------------------------------------ normalisation */
/* Features are the normalised, hashed view of a dataset (names in Latin parts,
 * dates, document keys, nationality codes): what the matcher sees. */
typedef struct wl_features wl_features;

/**
 * Normalises every record of ds, in parallel over `threads` (0: all cores).
 * @return features, or NULL when out of memory. ds must outlive the features.
 */
WL_API wl_features *wl_features_build(const wl_dataset *ds, int threads);
WL_API void wl_features_free(wl_features *f);

/** @return 1 when record i kept a name part after normalisation (an MRZ that
 *  does not parse, or a name of punctuation, keeps none), else 0. A record with
 *  neither a name nor a document number is paired with nothing. */
WL_API int wl_features_has_name(const wl_features *f, size_t i);
/** @return the year of record i's first date-of-birth reading, or 0 when no
 *  value could be read as a date (unreadable, impossible or a placeholder such
 *  as 0000-00-00 or 9999-12-31); *placeholder (may be NULL) is 1 when that
 *  reading is a "year known" placeholder such as 01/01/YYYY. */
WL_API int wl_features_dob(const wl_features *f, size_t i, int *placeholder);
/** @return the reference year two-digit years are read against (2025 by default). */
WL_API int wl_dataset_reference_year(const wl_dataset *ds);
/** @return 1 when record i has a document number after normalisation, else 0. */
WL_API int wl_features_has_document(const wl_features *f, size_t i);

/** Writes one CSV row per record with its normalised fields and keys, header first. */
WL_API wl_status wl_features_write_csv(const wl_features *f, FILE *out);

/* ------------------------------------------------------ similarity kernels */
/* Textbook definitions on bytes (names are ASCII after normalisation), checked
 * against python-jellyfish. Jaro-Winkler: Winkler (1990), common prefix up to 4,
 * p = 0.1, boost only above 0.7; Jaro of two strings one of which is empty is 0.
 * Levenshtein and optimal string alignment (adjacent transpositions count 1)
 * take a cutoff: they return max + 1 when the distance is above max, and a
 * negative max means no cutoff; -1 only when memory runs out on very long inputs. */
WL_API double wl_jaro(const char *a, size_t la, const char *b, size_t lb);
WL_API double wl_jaro_winkler(const char *a, size_t la, const char *b, size_t lb);
WL_API int wl_levenshtein(const char *a, size_t la, const char *b, size_t lb, int max);
WL_API int wl_osa(const char *a, size_t la, const char *b, size_t lb, int max);

/* One string prepared once for one-against-many comparisons (its bit vectors
 * computed once); results equal the plain kernels'. A wl_cached is set again for
 * each new query without allocating; the string it was set to must stay valid
 * while it is used. One per thread. */
typedef struct wl_cached wl_cached;
WL_API wl_cached *wl_cached_create(void);
WL_API void wl_cached_free(wl_cached *c);
WL_API void wl_cached_set(wl_cached *c, const char *s, size_t len);
WL_API double wl_cached_jaro_winkler(const wl_cached *c, const char *b, size_t lb);
WL_API int wl_cached_levenshtein(const wl_cached *c, const char *b, size_t lb, int max);
WL_API int wl_cached_osa(const wl_cached *c, const char *b, size_t lb, int max);

/* ----------------------------------------------------------------- matching */
typedef enum {
    WL_MODE_DEDUP = 0,  /* all pairs, within and across sources */
    WL_MODE_LINK  = 1,  /* pairs across different sources only */
} wl_mode;

/* Blocking keys (bit mask for wl_options.block_keys). Name keys use every
 * name (main and aliases) and skip particles (bin, van) and initials; a part
 * held by more than max_block records is "common". Records sharing a key share
 * a block; each record keeps its 32 best partners (more on lists under 65,536
 * records: wl_options.max_partners) over all its blocks (blocks
 * shared, weighted by rarity), and a pair is a candidate when either keeps it. */
enum {
    WL_BLOCK_PHONETIC_YEAR = 1u << 0, /* Double Metaphone of each part (a common part only if it is
                                         the rarest) + each birth year (circa: +-1; a range of up
                                         to 6 years: each; no year: the part alone) */
    WL_BLOCK_PART_PAIR     = 1u << 1, /* each order-free pair of two parts of a name, by spelling and
                                         by Double Metaphone (two common parts only when the name has
                                         nothing rarer); a one-part name: its spelling */
    WL_BLOCK_DOC           = 1u << 2, /* OCR-folded document number and, from 6 characters, each of
                                         its one-deletion variants (numbers one edit apart) */
    WL_BLOCK_FULL_NAME     = 1u << 3, /* each whole name, order-free, and its letters sorted
                                         (parts split or joined differently) */
    WL_BLOCK_SKELETON_NAT  = 1u << 4, /* consonant skeletons of two parts of a name (as PART_PAIR;
                                         a one-part name: its skeleton) + each nationality */
    WL_BLOCK_PART_DOB      = 1u << 5, /* first two letters of a part + full date of birth; full
                                         date + each nationality (placeholder dates excluded) */
    WL_BLOCK_DEFAULT       = 0x3F
};

typedef struct {
    int threads;              /* 0: all cores */
    wl_mode mode;
    double threshold;         /* probability at or above which a pair is reported */
    unsigned block_keys;      /* WL_BLOCK_* mask */
    size_t max_block;         /* a block above max_block / 16 records is split by a second key,
                                 a sub-block above max_block skipped (and counted); parts held
                                 by more than max_block records are common. 0: 1000 */
    size_t max_partners;      /* candidates kept per record, best-scored first (0: 32, or
                                 2^21 / records on lists under 65,536 records;
                                 SIZE_MAX: no cap, every pair sharing a block) */
    size_t u_samples;         /* random pairs used to estimate u */
    uint64_t seed;            /* for the random pairs: results are reproducible */
    int best_link;            /* 1: keep a link only when it is the mutual best */
    int keep_outranked;       /* 1: keep the pairs across two lists below probability 0.9
                                 whose two records each have a better partner in the other's
                                 list (0, the default, drops them: wl_stats.outranked) */
    int one_to_one;           /* 1: at most one partner per record in each other list, the
                                 pairs taken best first (match weight, then name score) */
    size_t max_cluster;       /* clusters above this size are flagged */
    int em_iterations;        /* upper bound on EM iterations */
    /* The focus set (screening a query, applying a night's new records): NULL,
     * or one byte per record of the dataset, nonzero for a focus record. Then
     * only the candidate pairs with at least one focus record are compared,
     * scored and reported, each exactly as the run without focus has it:
     * blocking still sees every record (block sizes, rarity, every record's
     * partner cap), but only focus records and the records sharing a block
     * with one choose partners. Needs a given model (wl_run's model, or
     * wl_stage_fit's): a fit must see every candidate. The clusters, the
     * statistics and the report views are those of the focus pairs. An
     * outranked pair (keep_outranked 0) is judged on the pairs compared: exact
     * when the focus holds whole lists (a query list); with a scattered focus a
     * record outside it may miss its better partner, and the focus run then
     * keeps a pair the full run leaves out (never the reverse). The
     * bytes are read, not copied, and must outlive the call (or the stages). */
    const unsigned char *focus;
    /* 1: the result keeps the run's features (wl_result_features), for a caller
     * that saves them (the person store's index file, wl_store_index_write). */
    int keep_features;
} wl_options;

/** @return the defaults: all cores, dedup, threshold favouring recall, every key, no focus. */
WL_API wl_options wl_default_options(void);

/* What the blocking stage did (wl_candidates). */
typedef struct {
    size_t keys;            /* (key, record) entries */
    size_t blocks;          /* blocks of two or more records */
    size_t split_blocks;    /* blocks above the limit split by a second key */
    size_t skipped_blocks;  /* blocks still too large after splitting */
    size_t skipped_pairs;   /* pairs those blocks would have produced */
    size_t candidates;      /* distinct candidate pairs */
} wl_block_report;

/**
 * The blocking stage alone, for measuring pair completeness and reduction ratio:
 * *pairs receives 2 * *n record indices (left, right, left < right), sorted, each
 * pair once; the caller releases them with free(). report may be NULL.
 */
WL_API wl_status wl_candidates(const wl_features *f, const wl_options *opt, uint32_t **pairs,
                               size_t *n, wl_block_report *report);

/**
 * The compare stage alone: compares n pairs (2 * n record indices) of f on
 * `threads` threads (0: all cores). levels (may be NULL) receives WL_FIELD_COUNT
 * levels per pair, in field order (see wl_level_name).
 */
WL_API wl_status wl_compare_pairs(const wl_features *f, const uint32_t *pairs, size_t n, int threads,
                                  uint8_t *levels);

/* Compared fields, in output column order. Each is described once inside the
 * engine (engine/src/compare/compare.c, wl_fields): its name, levels,
 * comparator, blocking keys and part in the model. */
typedef enum {
    WL_FIELD_NAME,    /* "name" */
    WL_FIELD_DOB,     /* "dob" */
    WL_FIELD_DOC,     /* "doc" */
    WL_FIELD_NAT,     /* "nationality" */
    WL_FIELD_GENDER,  /* "gender" */
    WL_FIELD_POB,     /* "place_of_birth" */
    WL_FIELD_TEXT,    /* "text" */
    WL_FIELD_COUNT
} wl_field;

/** @return field f's name (its --explain column and model-file key), or NULL. */
WL_API const char *wl_field_name(wl_field f);
/** @return the name of level `level` of field f ("exact", "missing"...), or NULL. */
WL_API const char *wl_level_name(wl_field f, int level);

/* A Fellegi-Sunter model: m and u per field level, prior, term frequencies. */
typedef struct wl_model wl_model;
WL_API void wl_model_free(wl_model *m);
WL_API wl_status wl_model_save(const wl_model *m, const char *path, char *err, size_t errcap);
WL_API wl_model *wl_model_load(const char *path, char *err, size_t errcap);
/** Writes the model as JSON (the same text wl_model_save writes). */
WL_API wl_status wl_model_write_json(const wl_model *m, FILE *out);

/**
 * Fits a model from known true pairs (supervised): m from the comparison vectors
 * of the labelled pairs found in ds, u from random pairs, the prior from the
 * candidate pairs. labels_path is a pairs file (left_source,left_id,right_source,
 * right_id, or two id columns). *used (may be NULL) receives how many labelled
 * pairs were found in ds; none found is WL_INPUT.
 */
WL_API wl_status wl_model_fit_labels(const wl_dataset *ds, const wl_options *opt,
                                     const char *labels_path, wl_model **out, size_t *used,
                                     char *err, size_t errcap);

/* What an unsupervised fit fell back on when the lists gave too little
 * evidence to estimate a parameter (see engine/src/score/model_fit.c). */
enum {
    WL_FIT_NAME_M = 1u << 0, /* no session estimated the name's m: thin-evidence defaults */
    WL_FIT_PRIOR  = 1u << 1  /* the prior's fixed point collapsed: strong-pair estimate */
};

/* The result of one run: scored pairs and clusters. */
typedef struct wl_result wl_result;

typedef struct {
    uint32_t left, right;     /* record indices in the dataset, left < right */
    float probability;
    float weight;             /* match weight, log2 Bayes factor */
    uint8_t level[WL_FIELD_COUNT];
    float field_weight[WL_FIELD_COUNT];
    float name_score;         /* similarity of the best pair of names, 0..1 (ties within a level) */
} wl_match;

typedef struct {
    size_t records, sources;
    size_t candidates;        /* candidate pairs compared */
    size_t pairs;             /* pairs at or above the threshold */
    size_t clusters, largest_cluster, flagged_clusters;
    size_t outranked;         /* pairs dropped as outranked (wl_options.keep_outranked) */
    size_t skipped_blocks;    /* blocks too large even after splitting */
    size_t skipped_pairs;     /* pairs those blocks would have produced */
    double seconds[8];        /* normalise, block, compare, fit, score, cluster, total, - */
    double em_prior;          /* estimated match rate among candidates */
    int em_iterations;
    unsigned fit_fallback;    /* WL_FIT_* bits: parameters the lists could not estimate */
    int threads;
    /* Transliterators ICU could not open or clone in this process (missing ICU
     * data, rules it rejects, no memory): names in those scripts got no Latin
     * reading in this run, so their pairs with Latin spellings can be missed.
     * Counted at the end of the normalise stage; 0 when every script works. */
    size_t translit_failures;
    char translit_failed[256];  /* "id (ICU error)" joined by "; ", cut to fit */
} wl_stats;

/**
 * Runs the matcher over ds. With model == NULL a model is fitted (u from random
 * pairs, m and the prior by EM); otherwise the given model scores the pairs as
 * saved: m, u, the prior and the name-rarity means are all kept.
 * Calls progress(user, stage, done, total) now and then, from one thread (may be NULL).
 */
WL_API wl_status wl_run(const wl_dataset *ds, const wl_options *opt, const wl_model *model,
                        void (*progress)(void *user, const char *stage, size_t done, size_t total),
                        void *user, wl_result **out, char *err, size_t errcap);
WL_API void wl_result_free(wl_result *r);

/** Pairs at or above the threshold, sorted by (left source, left id, right source, right id). */
WL_API size_t wl_result_pair_count(const wl_result *r);
WL_API const wl_match *wl_result_pair(const wl_result *r, size_t k);
/** The k-th record in output order (source, then id with numbers by value). */
WL_API size_t wl_result_record(const wl_result *r, size_t k);
/** Cluster of record i: the index of its first member in output order (deterministic). */
WL_API size_t wl_result_cluster(const wl_result *r, size_t i);
WL_API const wl_stats *wl_result_stats(const wl_result *r);
/** The model the run used (fitted or given); owned by the result. */
WL_API const wl_model *wl_result_model(const wl_result *r);
/** Takes the model out of the result, for wl_model_save; caller frees it. */
WL_API wl_model *wl_result_take_model(wl_result *r);
/** *rank (malloc'd) receives each record's place in output order (source, then
 *  id with numbers by value), as wl_result_record orders a run's records. */
WL_API wl_status wl_dataset_record_ranks(const wl_dataset *ds, uint32_t **rank);
/** The run's features when it ran with wl_options.keep_features (else NULL); owned by the result. */
/** The names of records a and b whose comparison gave their pair's name level
 *  (--explain): of each record's name, aliases and second readings, the pair
 *  the compare stage scored best, each as its normalised parts joined by
 *  blanks, into left and right (cap bytes each, NUL-terminated; a name too
 *  long is cut after a whole part). f: the run's features (wl_result_features).
 *  @return 1, or 0 when either record has no name (both strings empty). */
WL_API int wl_pair_names_met(const wl_features *f, size_t a, size_t b, char *left, char *right, size_t cap);
WL_API const wl_features *wl_result_features(const wl_result *r);

/* ------------------------------------------------------ person store index */
/* The person store's frozen view of its records (engine/src/store): every
 * record's normalised features, the list-wide statistics the engine derived
 * from all of them (name-part rarity counts, the number of records, block
 * limits and partner cap) and the blocking index (key -> records), written at
 * `index` time (and again at a refit) to one checksummed file that is mapped
 * read-only, so a later command neither re-reads nor re-normalises the store. */
typedef struct wl_store_index wl_store_index;

/**
 * Writes the index file of a run's features f (wl_result_features) to path,
 * atomically: rid[i] is record i's row id in the store, rank[i] its place in
 * output order (wl_result_record's inverse). opt gives the block settings the
 * run used (mode, block_keys, max_block, max_partners), frozen with it.
 * *checksum (may be NULL) receives the file's checksum, for the store to keep.
 */
WL_API wl_status wl_store_index_write(const wl_features *f, const wl_options *opt, const int64_t *rid,
                                      const uint32_t *rank, const char *path, uint64_t *checksum,
                                      char *err, size_t errcap);
/** Maps an index file and checks it whole (format, sizes, every section's
 *  checksum). A file of another format version is refused with a message. */
WL_API wl_status wl_store_index_open(const char *path, wl_store_index **out, char *err, size_t errcap);
WL_API void wl_store_index_close(wl_store_index *x);
WL_API size_t wl_store_index_records(const wl_store_index *x);
/** The checksum wl_store_index_write returned for this file. */
WL_API uint64_t wl_store_index_checksum(const wl_store_index *x);
/** Record i's row id in the store. */
WL_API int64_t wl_store_index_rid(const wl_store_index *x, size_t i);
/** The largest row id of the file's records (0 when it has none): rows above
 *  it were stored after the file was written. */
WL_API int64_t wl_store_index_max_rid(const wl_store_index *x);
/**
 * Screens the records of q against the index with model m: every pair of a
 * query record and a stored record sharing a block, compared and scored as a
 * full link run over the store and q would, with the store's frozen
 * statistics (store/store_query.c says exactly what that run is). *pairs
 * (malloc'd, n of them, sorted) have left = the query record (index in q),
 * right = the stored record (index in the file, wl_store_index_rid), at any
 * probability: the caller applies its threshold.
 */
WL_API wl_status wl_store_query(const wl_store_index *x, const wl_dataset *q, const wl_model *m, int threads,
                                wl_match **pairs, size_t *n, char *err, size_t errcap);
/**
 * The outranked rule of dedup and link (before clustering), for a caller that
 * holds pairs of its own (the store's update adds pairs to stored ones): drops
 * each pair across two sources below probability 0.9 that is weaker than both
 * its records' best partners in the other's source. source[r]: record r's
 * source number. @return the pairs kept, compacted at the front in their
 * order, or SIZE_MAX when out of memory (pairs untouched).
 */
WL_API size_t wl_matches_drop_outranked(wl_match *pairs, size_t npairs, const uint32_t *source);
/**
 * The general form of wl_store_query, for a store that grew after its index
 * file was written (watchlink update adds records without rewriting it).
 * Matches the records of q marked in use (NULL: all of them) against the
 * index's records, against the records of later (stored since the file was
 * written; NULL or empty: none) and, with among = 1, against each other, with
 * the frozen statistics plus the used records' own (as wl_store_query; a
 * later record's rarity is the frozen count plus the used records holding the
 * part, the population the index's record count plus the used records).
 * Pairs as wl_store_query's: left = the record of q; right numbers the other:
 * r < N (N = wl_store_index_records(x)) the index's record r, N + t record t
 * of later, N + D + j (D = later's size) record j of q, j > left. Pairs of one
 * source are compared with the stored record first, two of q's in output
 * order; of two sources, the source that sorts first is compared first.
 * use[i] = 2 marks a record of q that is a stored record matched again (the
 * update re-matches the neighbours of a removed record, whose pairs it may
 * have outranked): it is matched as a use 1 record is, but neither its name
 * parts nor itself are counted on top of the frozen statistics (an index
 * record is in them already; a later record is scored as one of later is,
 * which counts no later record), and it is paired with its own stored copy
 * too, which the caller drops. Pairs among q's records (among = 1) then hold
 * records marked 2 as well.
 */
WL_API wl_status wl_store_match(const wl_store_index *x, const wl_dataset *later, const wl_dataset *q,
                                const unsigned char *use, int among, const wl_model *m, int threads,
                                wl_match **pairs, size_t *n, char *err, size_t errcap);
/**
 * wl_store_match with q's features built by the caller (fq: wl_features_build
 * of q), who reads them too -- the CLI's check-digit-valid document numbers --
 * so q is normalised once. fq is read, not changed; the same pairs to the bit.
 */
WL_API wl_status wl_store_match_features(const wl_store_index *x, const wl_dataset *later, const wl_dataset *q,
                                         const wl_features *fq, const unsigned char *use, int among,
                                         const wl_model *m, int threads, wl_match **pairs, size_t *n, char *err,
                                         size_t errcap);
/**
 * A screening: the pairs of wl_store_match_features (no use marks, no pairs
 * among q's records) at or above probability threshold or with the document
 * level exact (the CLI's check-digit short cut takes those at any
 * probability), to the bit, in their order. A pair whose other fields show
 * its weight cannot reach the threshold, whatever its names, is refused
 * before its names are scored (most of a pair's cost). names (may be NULL):
 * *names (malloc'd, 2 n entries) receives for each pair k names[2k], the query
 * record's name, and names[2k + 1], the stored record's, whose comparison
 * gave the pair's name level, as wl_pair_names_met writes them (each
 * malloc'd; empty when either record has no name); free them with
 * wl_store_names_free(*names, *n).
 */
WL_API wl_status wl_store_screen(const wl_store_index *x, const wl_dataset *later, const wl_dataset *q,
                                 const wl_features *fq, const wl_model *m, int threads, double threshold,
                                 wl_match **pairs, size_t *n, char ***names, char *err, size_t errcap);
WL_API void wl_store_names_free(char **names, size_t n);
/**
 * A warm screening service's handle on the index: wl_store_querier_run is
 * wl_store_query (the same pairs, to the bit) but keeps the name context (ICU's
 * transliterators) between calls, so a query of a few records costs its own
 * records and candidates only. One thread at a time per querier; x and m must
 * outlive it. @return WL_OK, WL_USAGE (x or m NULL) or WL_NOMEM.
 */
typedef struct wl_store_querier wl_store_querier;
WL_API wl_status wl_store_querier_create(const wl_store_index *x, const wl_model *m, wl_store_querier **out);
WL_API wl_status wl_store_querier_run(wl_store_querier *qr, const wl_dataset *q, int threads, wl_match **pairs,
                                      size_t *n, char *err, size_t errcap);
WL_API void wl_store_querier_free(wl_store_querier *qr);
/** wl_store_querier_run's pairs at or above probability threshold or with the
 *  document level exact, to the bit (the screening rule of wl_store_screen,
 *  which skips the names of pairs that cannot reach the threshold). */
WL_API wl_status wl_store_querier_screen(wl_store_querier *qr, const wl_dataset *q, int threads, double threshold,
                                         wl_match **pairs, size_t *n, char *err, size_t errcap);
/** The name of stored record i's source. */
WL_API const char *wl_store_index_source(const wl_store_index *x, size_t i);
/** Record i's place among the stored records in output order (source, then id). */
WL_API size_t wl_store_index_rank(const wl_store_index *x, size_t i);
/** Bytes of the file and (out, may be NULL) of its parts: features, statistics, blocking index. */
WL_API size_t wl_store_index_bytes(const wl_store_index *x, size_t *features, size_t *stats, size_t *blocks);

/* ------------------------------------------------------------------- stages */
/* wl_run cut into its stages, for a driver that spreads compare and score over
 * processes (mpi/, watchlink-mpi). Every process prepares the same candidates
 * from the same dataset (same lists, same options); each compares a range of
 * them; the comparison vectors are opaque records of wl_stage_vector_size()
 * bytes, which processes of one build may copy between them; the fit needs the
 * vectors of every candidate, in one process (wl_stage_fit) or as each
 * process's counts over its own, combined through a reduce the driver supplies
 * (wl_stage_fit_parts); each process scores a range; one process finishes with
 * all the pairs. prepare, compare [0, n), fit, score [0, n) and finish give
 * exactly the result wl_run gives (no report views: those are wl_run's).
 * Spread further, each process holds only its range of the candidates
 * (wl_stage_part_cut); a driver that fits in one process instead grows it to
 * every candidate's pair and vector (wl_stage_extend). Implemented in
 * engine/src/pipeline/stages.c. */
typedef struct wl_stages wl_stages;

/**
 * Normalises ds, ranks its records and blocks: the candidates, in the order
 * wl_run compares them. ds and opt must outlive the stages.
 * @return WL_OK; WL_USAGE (threshold not a probability), WL_NOMEM, with err set.
 */
WL_API wl_status wl_stage_prepare(const wl_dataset *ds, const wl_options *opt, wl_stages **out,
                                  char *err, size_t errcap);
/**
 * The normalise stage spread over processes: part `part` of `parts` of ds's
 * records (whole chunks, the parts in record order) normalised on `threads`
 * threads (0: all cores) and packed into *bytes (malloc'd, the caller's; *len
 * bytes) for processes of the same build. @return WL_OK, WL_USAGE, WL_NOMEM.
 */
WL_API wl_status wl_stage_normalise_part(const wl_dataset *ds, int threads, size_t part, size_t parts,
                                         void **bytes, size_t *len);
/**
 * wl_stage_prepare spread over processes. `packed` holds every part of
 * wl_stage_normalise_part (0..N-1, concatenated in part order, len bytes); the
 * features are then byte-identical to one process's. The blocking keeps only
 * the candidates chosen by the records of part `part` of `parts` (each record
 * still chooses over all its blocks); wl_stage_part_candidates gives them.
 * wl_stage_join with every part's candidates then gives the stages that
 * wl_stage_prepare gives, candidates in the same order; nothing else may be
 * called before it. @return as wl_stage_prepare; WL_INPUT when the packed
 * bytes are not every record's features in order.
 */
WL_API wl_status wl_stage_prepare_part(const wl_dataset *ds, const wl_options *opt, const void *packed,
                                       size_t len, size_t part, size_t parts, wl_stages **out, char *err,
                                       size_t errcap);
/**
 * wl_stage_prepare_part that takes `packed` (malloc'd; freed whatever the
 * outcome) and frees it as soon as the features are unpacked, before blocking,
 * so that every record's packed features do not sit beside the blocks. Like
 * wl_run, it frees ds's values once normalised when the caller asked for it
 * (wl_dataset_release_values), as wl_stage_prepare_part does.
 */
WL_API wl_status wl_stage_prepare_part_owned(const wl_dataset *ds, const wl_options *opt, void *packed,
                                             size_t len, size_t part, size_t parts, wl_stages **out, char *err,
                                             size_t errcap);
/** @return the size in bytes of one candidate pair (wl_stage_part_candidates). */
WL_API size_t wl_stage_pair_size(void);
/** Before wl_stage_join: the *n candidate pairs of this process's part, sorted,
 *  as opaque records of wl_stage_pair_size() bytes; NULL and 0 after the join. */
WL_API const void *wl_stage_part_candidates(const wl_stages *s, size_t *n);
/**
 * Every part's candidates, concatenated in part order (counts[p] pairs from
 * part p), made the candidates of s: the union, each pair once, in wl_run's
 * order. This part's own candidates (wl_stage_part_candidates) are freed first,
 * unless `all` is they. @return WL_OK; WL_USAGE when joined already; WL_INPUT
 * when a part's pairs are not sorted (s unchanged); WL_NOMEM (free s).
 */
WL_API wl_status wl_stage_join(wl_stages *s, const void *all, const size_t *counts, size_t parts);
/**
 * Before wl_stage_join, for cutting the candidate order into one range per
 * process instead of joining every part everywhere: up to k of this part's
 * candidates, evenly spaced, into out (room for k pairs of wl_stage_pair_size()
 * bytes). @return the samples written (fewer than k when the part holds fewer).
 */
WL_API size_t wl_stage_part_samples(const wl_stages *s, size_t k, void *out);
/**
 * From every part's samples (wl_stage_part_samples, concatenated in part order:
 * counts[p] samples of part p, which holds sizes[p] candidates), the common
 * splitters that cut the candidate order into `parts` ranges of about equal
 * size; send[q] receives how many of this part's candidates fall in range q
 * (consecutive slices of wl_stage_part_candidates, in order). Every process
 * computes the same splitters from the same samples, so process q joining
 * slice q of every part (wl_stage_join) holds range q of the candidates, and
 * the ranges in process order are wl_stage_prepare's candidates.
 * @return WL_OK; WL_USAGE after the join; WL_INPUT when a count is not a
 * part's; WL_NOMEM.
 */
WL_API wl_status wl_stage_part_cut(const wl_stages *s, const void *samples, const size_t *counts,
                                   const size_t *sizes, size_t parts, size_t *send);
/** After wl_stage_join: the candidate pairs, contiguous, in candidate order, as
 *  they are compared (wl_stage_pair_size() bytes each); NULL before the join. */
WL_API void *wl_stage_pairs(wl_stages *s);
/**
 * After wl_stage_join of range 0 (see wl_stage_part_cut), for the fit: grows
 * the candidates and their vectors to n, keeping the first ones; the caller
 * copies the other ranges' pairs and vectors in (wl_stage_pairs,
 * wl_stage_vectors) before wl_stage_fit. @return WL_OK; WL_USAGE (fitted,
 * not joined, or n below the candidates held); WL_NOMEM.
 */
WL_API wl_status wl_stage_extend(wl_stages *s, size_t n);
WL_API void wl_stage_free(wl_stages *s);
/** @return the number of candidate pairs n. */
WL_API size_t wl_stage_candidates(const wl_stages *s);
/** @return the size in bytes of one comparison vector. */
WL_API size_t wl_stage_vector_size(void);
/** @return the n comparison vectors, contiguous, in candidate order (filled by
 *  wl_stage_compare, or copied in from the processes that compared them). */
WL_API void *wl_stage_vectors(wl_stages *s);
/** Compares candidates [lo, hi). @return WL_OK, or WL_USAGE when not lo <= hi <= n. */
WL_API wl_status wl_stage_compare(wl_stages *s, size_t lo, size_t hi);
/**
 * The model: a copy of `model` when given (used as saved), else fitted from the
 * vectors of all n candidates, which must all be in place.
 * @param threads  threads for this stage (0: the options' count)
 * @return WL_OK; WL_USAGE when the stages already have a model.
 */
WL_API wl_status wl_stage_fit(wl_stages *s, const wl_model *model, int threads);
/** @return the size in bytes of a model image (wl_stage_model_image). */
WL_API size_t wl_stage_model_size(void);
/** @return the model of s as opaque bytes, for processes of the same build; NULL before the fit. */
WL_API const void *wl_stage_model_image(const wl_stages *s);
/**
 * Instead of wl_stage_fit: takes the model from an image made by
 * wl_stage_model_image in a process of the same build (the one that fitted).
 * @return WL_OK; WL_USAGE when s has a model or the image is not a model's.
 */
WL_API wl_status wl_stage_set_model_image(wl_stages *s, const void *image);
/**
 * How the processes of a fit from parts meet (wl_stage_fit_parts). Each holds
 * its range of the candidates; the fit's passes over them (model_fit.c) give
 * partial results that these calls combine, made by every process in the same
 * order, as collectives (MPI_Allreduce, MPI_Bcast, MPI_Gatherv). Each returns
 * 0, or non-zero when it failed on this process (the fit then returns
 * WL_NOMEM; a driver whose collectives cannot fail on one process alone aborts
 * instead). Only integers are summed, so the result is the same for any cut.
 */
typedef struct wl_stage_reduce {
    void *user;
    size_t part, parts; /* this process's range, of `parts`, in candidate order */
    /** v[0..n) summed over every part, in place, on every part. */
    int (*sum)(void *user, int64_t *v, size_t n);
    /** v[0..n) the element-wise maximum over every part, in place, on every part. */
    int (*max)(void *user, uint16_t *v, size_t n);
    /** part 0's len bytes at p, to p on every part. */
    int (*bcast)(void *user, void *p, size_t len);
    /** Every part's len bytes at mine, concatenated in part order, into *all
     *  (malloc'd, the caller's; *total bytes) on part 0; NULL and 0 elsewhere. */
    int (*gather)(void *user, const void *mine, size_t len, void **all, size_t *total);
} wl_stage_reduce;
/**
 * wl_stage_fit over the candidates of this process's range only (after
 * wl_stage_join of range red->part and wl_stage_compare of all of it): part 0
 * estimates u and m from random pairs and sessions of the records on
 * `threads` threads while the others wait; then every part counts its
 * candidates per pattern of levels, its strong pairs, its records' closest
 * candidates and its name-rarity sums, and red combines them. Every part ends
 * with part 0's model, the one wl_stage_fit fits over all the candidates, to
 * the bit. With a given model, a copy of it (no call to red).
 * @return WL_OK; WL_USAGE (a model already, not joined, red incomplete);
 *         WL_NOMEM (on any part: every part returns it).
 */
WL_API wl_status wl_stage_fit_parts(wl_stages *s, const wl_model *model, int threads, const wl_stage_reduce *red);
/**
 * Scores candidates [lo, hi) with the fitted model. *pairs (malloc'd, the
 * caller's) receives the *n pairs at or above the threshold, in candidate
 * order, so the ranges' pairs concatenated in range order are wl_run's.
 * @pre wl_stage_fit succeeded.
 */
WL_API wl_status wl_stage_score(wl_stages *s, size_t lo, size_t hi, wl_match **pairs,
                                size_t *n);
/**
 * Best-link / one-to-one, output order and clusters, over the n scored pairs of
 * every range. Takes pairs (malloc'd) whatever the result; the model moves into
 * *out, so finish once, last.
 */
WL_API wl_status wl_stage_finish(wl_stages *s, wl_match *pairs, size_t n, wl_result **out);

/* ------------------------------------------------------------------- report */
/* Read-only views of a model and of a run, for reports an analyst reads (the
 * CLI's --report). Implemented in engine/src/pipeline/api_report.c. */

/** @return the number of levels of field f in m, "missing" (level 0) included; 0 out of range. */
WL_API int wl_model_levels(const wl_model *m, wl_field f);

/**
 * m = P(level | match) and u = P(level | non-match, random pairs) of one level.
 * @return 0, or -1 when f or level is out of range (nothing written).
 */
WL_API int wl_model_level(const wl_model *m, wl_field f, int level, double *m_out, double *u_out);

/* How a model was obtained (wl_model_info). */
typedef struct {
    double prior;            /* P(match) among candidate pairs */
    double prior_weight;     /* log2(prior / (1 - prior)): the weight every pair starts from */
    int em_iterations;       /* 0 for a model counted from labels or loaded unchanged */
    unsigned fallback;       /* WL_FIT_* bits */
    size_t em_pairs;         /* candidate pairs EM saw */
    size_t u_pairs;          /* random pairs u came from */
    int has_namesake;        /* 1: nationality, gender and birthplace weighed against namesakes */
    double tf_scale, tf_cap; /* name-rarity adjustment: bits per bit of rarity, limit in bits */
} wl_model_info;

WL_API wl_model_info wl_model_get_info(const wl_model *m);

/* Match weights of every candidate pair a run scored, binned: bin k counts the
 * weights in [lo + k * width, lo + (k + 1) * width); the first and the last bin
 * also hold everything below and above. Counts do not depend on thread count. */
enum { WL_WEIGHT_BINS = 256 };
typedef struct {
    double lo, width;
    size_t count[WL_WEIGHT_BINS];
    size_t total;            /* == wl_stats.candidates */
    double threshold_weight; /* the threshold as a match weight (+-inf at 1 and 0) */
} wl_weight_hist;

/** @return the run's candidate weight histogram (owned by r). */
WL_API const wl_weight_hist *wl_result_weight_hist(const wl_result *r);

/* The candidates nearest the threshold, above or below it (the pairs a reviewer
 * should look at first), WL_BORDERLINE at most, nearest first; ties go by record
 * order, so the list is the same for any thread count or input order. */
enum { WL_BORDERLINE = 10 };
WL_API size_t wl_result_borderline_count(const wl_result *r);
WL_API const wl_match *wl_result_borderline(const wl_result *r, size_t k);

/**
 * Makes blocking on f (wl_candidates) break ties between partners at the
 * max_partners cap by a record order, as wl_run does with its output order:
 * rank[i] is record i's place in wl_result_record's order. rank is not copied
 * and must outlive f's use; NULL goes back to ties by record index.
 */
WL_API void wl_features_set_rank(wl_features *f, const uint32_t *rank);

/* Values a list held that the normaliser could not understand, counted in
 * records: a date of birth in no known format, a nationality naming no country,
 * a gender that is neither male nor female, a document number or a name with no
 * letters or digits, a place of birth that folds to nothing. Such a value is
 * compared as missing. Roles without a check (id, source, alias, doc_type,
 * doc_country, mrz, text) count with_value only. */
typedef struct {
    size_t records;                        /* records of the source */
    size_t with_value[WL_ROLE_COUNT];      /* records holding a value for the role */
    size_t not_understood[WL_ROLE_COUNT];  /* of those, records where none was understood */
    int checked[WL_ROLE_COUNT];            /* 1 for the roles not_understood is counted for */
} wl_quality;

/** Fills q for the records of one source (by name) of f's dataset; all zero when none. */
WL_API void wl_features_quality(const wl_features *f, const char *source, wl_quality *q);

/* Truth pairs resolved against a dataset (for threshold curves). Same file
 * format and rules as wl_eval_load's truth: without source columns records
 * are matched by id alone. */
typedef struct wl_truth wl_truth;

/** @return WL_OK, or WL_IO / WL_FORMAT with err naming file:line and the reason. */
WL_API wl_status wl_truth_load(const char *path, wl_truth **out, char *err, size_t errcap);
WL_API void wl_truth_free(wl_truth *t);
/** @return the number of distinct truth pairs. */
WL_API size_t wl_truth_count(const wl_truth *t);
/** @return 1 when records a and b of ds are a truth pair (either order), else 0. */
WL_API int wl_truth_has(const wl_truth *t, const wl_dataset *ds, size_t a, size_t b);
/** The truth pairs whose two records are both in ds, as record pairs (left <
 *  right) sorted by (left, right) in *pairs (2 * *n_pairs entries; the caller
 *  frees it); *unknown counts those naming a record not in ds, or one record
 *  twice. @return WL_OK or WL_NOMEM. */
WL_API wl_status wl_truth_pairs(const wl_truth *t, const wl_dataset *ds, uint32_t **pairs, size_t *n_pairs,
                                size_t *unknown);

/* ---------------------------------------------------------------- evaluation */
typedef struct {
    size_t true_pairs, predicted, true_positive;
    double precision, recall, f1;
} wl_eval_row;

/* Truth pairs and predicted pairs, loaded for evaluation. The truth file holds
 * left_source,left_id,right_source,right_id columns, or two id columns (one
 * source, e.g. rec_id_1,rec_id_2); the pairs file is a pairs output of watchlink
 * (CSV). Pairs are unordered; duplicates count once. */
typedef struct wl_eval wl_eval;

/** @return WL_OK, or WL_IO / WL_FORMAT with err naming file:line and the reason. */
WL_API wl_status wl_eval_load(const char *truth_path, const char *pairs_path, wl_eval **out,
                              char *err, size_t errcap);
WL_API void wl_eval_free(wl_eval *e);
/** Precision, recall and F1 of the predicted pairs with probability >= threshold. */
WL_API wl_eval_row wl_eval_at(const wl_eval *e, double threshold);
/** B-cubed precision, recall and F1 of the clusters the predicted pairs with
 *  probability >= threshold make, against the true clusters; true_pairs holds
 *  the number of records scored. Either file may be a clusters file
 *  (cluster_id,source,id: its implied pairs count, with probability 1). */
WL_API wl_eval_row wl_eval_bcubed(const wl_eval *e, double threshold);


/* ------------------------------------------- privacy-preserving linkage (PPRL) */
/* Keyed Bloom-filter encodings (CLK, Schnell et al. 2009) of a list's records,
 * made from watchlink's own normalised features (names after transliteration and
 * variants, dates, documents), and their linkage by Dice similarity. Two parties
 * sharing a secret key and a schema encode their lists apart, exchange only the
 * encodings, and link them without the names. docs/privacy.md gives the threat
 * model, the attacks and which schema settings resist them. Implemented in
 * engine/src/pprl/. */

/* An encoding schema: fields, hash counts, filter length, hardening. */
typedef struct wl_pprl_schema wl_pprl_schema;

/** @return the built-in default schema as JSON text (static storage). */
WL_API const char *wl_pprl_default_schema(void);

/**
 * Parses a schema (JSON). name is what error messages call it.
 * @return the schema, or NULL with err naming the file and the offending key.
 */
WL_API wl_pprl_schema *wl_pprl_schema_parse(const char *json, size_t len, const char *name,
                                            char *err, size_t errcap);
/** wl_pprl_schema_parse of a file. @return NULL with err naming the file on failure. */
WL_API wl_pprl_schema *wl_pprl_schema_load(const char *path, char *err, size_t errcap);
WL_API void wl_pprl_schema_free(wl_pprl_schema *s);
/** @return the schema's fingerprint: hex of SHA-256 over its canonical form (owned by s). */
WL_API const char *wl_pprl_schema_fingerprint(const wl_pprl_schema *s);

enum { WL_PPRL_KEY_MIN = 16, WL_PPRL_KEY_MAX = 1024 };

/**
 * Reads a key file: its bytes, less one trailing newline, are the secret
 * (`openssl rand -hex 32 > KEY` makes a good one).
 * @param key  receives up to WL_PPRL_KEY_MAX bytes; *len their count
 * @return WL_OK; WL_IO, or WL_INPUT when shorter than WL_PPRL_KEY_MIN bytes.
 */
WL_API wl_status wl_pprl_key_load(const char *path, uint8_t *key, size_t *len, char *err,
                                  size_t errcap);

/* Encoded records: id, source, a filter and keyed blocking keys per record. */
typedef struct wl_encoded wl_encoded;

/**
 * Encodes every record of f under schema s and key[0..keylen), in parallel over
 * `threads` (0: all cores). The output is the same for any thread count.
 * @return WL_OK, WL_USAGE (key too short), WL_NOMEM or WL_INTERNAL (crypto library).
 */
WL_API wl_status wl_pprl_encode(const wl_features *f, const wl_pprl_schema *s, const uint8_t *key,
                                size_t keylen, int threads, wl_encoded **out, char *err,
                                size_t errcap);
/** Writes the encoded file: a header line (magic, version, schema and key fingerprints),
 *  a column line, then one row per record. @return WL_OK, or WL_IO. */
WL_API wl_status wl_encoded_write(const wl_encoded *e, FILE *out);
/** @return 1 when the regular file at path starts with the encoded-file magic, else 0
 *  (a fifo, a device or a missing path: 0, and nothing is read from it). */
WL_API int wl_encoded_sniff(const char *path);
/**
 * Reads an encoded file (or the bytes data[0..len), named name, for _parse).
 * @return WL_OK, or WL_IO / WL_FORMAT with err naming file:line and the reason.
 */
WL_API wl_status wl_encoded_read(const char *path, wl_encoded **out, char *err, size_t errcap);
WL_API wl_status wl_encoded_parse(const char *data, size_t len, const char *name,
                                  wl_encoded **out, char *err, size_t errcap);
WL_API void wl_encoded_free(wl_encoded *e);
WL_API size_t wl_encoded_size(const wl_encoded *e);
/** @return the filter length in bits (a multiple of 64). */
WL_API size_t wl_encoded_bits(const wl_encoded *e);
WL_API const char *wl_encoded_id(const wl_encoded *e, size_t i);
WL_API const char *wl_encoded_source(const wl_encoded *e, size_t i);
/** @return record i's filter, wl_encoded_bits / 64 words. */
WL_API const uint64_t *wl_encoded_filter(const wl_encoded *e, size_t i);
/** @return the schema and key fingerprints the file was made with (hex). */
WL_API const char *wl_encoded_schema_fingerprint(const wl_encoded *e);
WL_API const char *wl_encoded_key_fingerprint(const wl_encoded *e);

/** Dice coefficient 2|a & b| / (|a| + |b|) of two filters of `words` words (0 when both empty). */
WL_API double wl_dice(const uint64_t *a, const uint64_t *b, size_t words);
/**
 * Dice of n pairs (2 * n record indices: a's, then b's) on `threads` threads
 * (0: all cores), bit-parallel popcount. out receives n values.
 */
WL_API wl_status wl_pprl_dice_pairs(const wl_encoded *a, const wl_encoded *b, const uint32_t *pairs,
                                    size_t n, int threads, float *out);

/** @return the name of the Dice kernel in use ("avx512-vpopcntdq", "popcnt" or "portable"):
 *  the fastest the CPU runs, chosen once. */
WL_API const char *wl_pprl_kernel(void);

enum { WL_PPRL_HIST_BINS = 101 };
/**
 * Dice of every pair of a x b, counted by bins: hist[k] counts the pairs with
 * floor(100 * Dice) = k (for choosing a threshold: true pairs sit in the high
 * bins, the mass of random pairs low). No blocking: n_a * n_b comparisons on
 * `threads` threads (0: all cores); counts do not depend on the thread count.
 */
WL_API wl_status wl_pprl_dice_histogram(const wl_encoded *a, const wl_encoded *b, int threads,
                                        size_t hist[WL_PPRL_HIST_BINS]);

typedef struct {
    int threads;            /* 0: all cores */
    double threshold;       /* reported pairs: probability >= threshold on segmented (version 2)
                               encodings, Dice >= threshold on version 1 ones or with by_dice;
                               < 0 (the default): 0.5 and 0.7 respectively */
    int one_to_one;         /* 1: at most one partner per record, best score first */
    size_t max_block;       /* a blocking key held by more than this many records on a side
                               is skipped (and counted); 0: 1000 */
    int all_pairs;          /* 1: compare every pair (no blocking); also when an encoding has no
                               blocking keys (schema "blocking": false) */
    int keep_outranked;     /* 0 (default): drop a pair whose score is below both its records'
                               best score with another partner; 1: report it */
    int by_dice;            /* 1: link version 2 encodings by the whole filter's Dice, as version 1 */
} wl_pprl_options;

/** @return the default threshold (see above), all cores, blocking on. */
WL_API wl_pprl_options wl_pprl_default_options(void);

typedef struct {
    uint32_t a, b;          /* record indices into the first and the second encoding */
    float dice;             /* Dice of the whole filters */
    uint8_t a_first;        /* 1: a's record comes first in output order (left), 0: b's */
    float weight;           /* version 2: the field-level match weight (log2 odds, prior included) */
    float prob;             /* version 2: 2^weight / (1 + 2^weight); version 1: the Dice */
} wl_pprl_pair;

typedef struct {
    size_t candidates;      /* distinct pairs compared */
    size_t pairs;           /* pairs reported */
    size_t skipped_keys;    /* blocking keys above max_block */
    size_t outranked;       /* pairs at the threshold dropped as outranked (keep_outranked 0) */
    double seconds;         /* wall clock of the link */
    int fields;             /* 1: scored by the field-level model (version 2); 0: by Dice */
    double threshold;       /* the threshold applied (probability or Dice) */
    double prior;           /* the model's share of true pairs among the candidates */
    int em_iterations;      /* EM iterations run */
    int em_fallback;        /* fields left at default m (EM could not fit them) */
} wl_pprl_stats;

typedef struct wl_pprl_result wl_pprl_result;

/**
 * Links two encodings: version 1 (one CLK) by Dice; version 2 (a segment per
 * field) by a field-level Fellegi-Sunter model, each field's segment Dice cut
 * into agreement levels, u from random record pairs, m and the prior by EM over
 * the candidates (docs/privacy.md). They must carry the same schema and key
 * fingerprints: otherwise WL_INPUT, with err saying which differs. Each pair's
 * left record is the one first by (source, id) (ids that are numbers by value),
 * and pairs are sorted by left then right: the same pairs in the same order for
 * any thread count and either argument order.
 */
WL_API wl_status wl_pprl_link(const wl_encoded *a, const wl_encoded *b, const wl_pprl_options *opt,
                              wl_pprl_result **out, char *err, size_t errcap);
WL_API void wl_pprl_result_free(wl_pprl_result *r);
WL_API size_t wl_pprl_result_count(const wl_pprl_result *r);
/** @return pair k in output order. */
WL_API const wl_pprl_pair *wl_pprl_result_pair(const wl_pprl_result *r, size_t k);
WL_API const wl_pprl_stats *wl_pprl_result_stats(const wl_pprl_result *r);

/* Clusters: the connected components of the reported pairs (with --one-to-one, a
 * pair or a record alone), numbered 1.. in order of their first member. Records
 * are listed in output order (source, then id), both encodings together. */
/** @return the number of records of both encodings. */
WL_API size_t wl_pprl_result_records(const wl_pprl_result *r);
/** @return the index of the k-th record in output order in its encoding; *in_b is 1
 *  when it belongs to the second encoding. @pre k < wl_pprl_result_records(r) */
WL_API size_t wl_pprl_result_record(const wl_pprl_result *r, size_t k, int *in_b);
/** @return the cluster number of the k-th record in output order. */
WL_API size_t wl_pprl_result_cluster(const wl_pprl_result *r, size_t k);

#ifdef __cplusplus
}
#endif
#endif /* WATCHLINK_H */
