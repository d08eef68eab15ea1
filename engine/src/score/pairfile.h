/*
 * pairfile.h -- files of record pairs (truth, labels, watchlink's own pairs
 * output): CSV or TSV with left_source,left_id,right_source,right_id columns
 * (and probability), or two id columns of one source (rec_id_1,rec_id_2). Read
 * by the lists' tokenizer (read/reader_csv.h): RFC 4180 quoting, any line end,
 * a byte order mark, UTF-16 and gzip are handled as in a list.
 */
#ifndef WL_PAIRFILE_H
#define WL_PAIRFILE_H

#include "common/common.h"

typedef struct {
    const char *ls, *li, *rs, *ri;   /* sources ("" when the file has none) and ids */
    size_t ls_len, li_len, rs_len, ri_len;
    float prob;                      /* 1 when the file has no probability column */
    long line;
} wl_pairrow;

enum {
    WL_PF_NEED_PROB = 1, /* the file must have left_id, right_id and probability columns */
    WL_PF_CLUSTERS = 2   /* a clusters file (cluster_id,[source,]id) is read too: each member
                            comes once as a pair with itself (li == ri: the record exists),
                            then every pair of members of one cluster, probability 1 */
};

/**
 * Calls fn for every pair of a pairs file held in memory. flags: WL_PF_*.
 * A file with neither left_id/right_id nor exactly two columns is refused, and
 * a clusters file without WL_PF_CLUSTERS is refused, saying what it is. fn returns 0 to go on,
 * -2 when out of memory. *has_sources (may be NULL) tells whether the file names
 * sources. @return 0; -1 with "name:line: reason" in err; -2 out of memory.
 */
int wl_pairfile_each(const char *text, size_t len, const char *name, int flags,
                     int (*fn)(void *user, const wl_pairrow *row), void *user, int *has_sources,
                     char *err, size_t errcap);

/** A record's key in a pairs file: its source ("" when the file has none) and
 *  id hashed together; never 0, so 0 can mark an empty hash slot. */
static inline uint64_t wl_pair_record_key(const char *src, size_t ls, const char *id, size_t li)
{
    return wl_hash_combine(wl_hash(src, ls), wl_hash(id, li)) | 1;
}

/** Reads a whole file into memory. @return the bytes (caller frees), or NULL with err. */
char *wl_slurp(const char *path, size_t *len, char *err, size_t errcap);

#endif
