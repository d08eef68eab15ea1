/*
 * gen_truth.h -- the known truth of a generated data set: which records are
 * the same person (truth_clusters.csv: cluster_id,source,id) and every pair of
 * them (truth_pairs.csv: left_source,left_id,right_source,right_id, with
 * (left_source, left_id) < (right_source, right_id) byte-wise).
 */
#ifndef WL_GEN_TRUTH_H
#define WL_GEN_TRUTH_H

#include <stdint.h>
#include <stdio.h>

enum { GEN_ID_LEN = 32 };

typedef struct {
    const char *source; /* list file name without extension */
    char id[GEN_ID_LEN];
} gen_rec_ref;

typedef struct {
    FILE *pairs, *clusters;
    uint64_t n_pairs, n_records;
} gen_truth;

/** Creates both files in dir. @return 0, or -1 with err set. */
int gen_truth_open(gen_truth *t, const char *dir, char *err, size_t errcap);

/** Writes the n records of person pid and all their pairs. */
void gen_truth_person(gen_truth *t, uint64_t pid, const gen_rec_ref *recs, int n);

/** Flushes and closes. @return 0, or -1 when a write failed. */
int gen_truth_close(gen_truth *t);

/** Orders records by (source, id), byte-wise. */
int gen_rec_ref_cmp(const gen_rec_ref *a, const gen_rec_ref *b);

#endif /* WL_GEN_TRUTH_H */
