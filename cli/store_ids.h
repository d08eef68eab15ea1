/*
 * store_ids.h -- the stable person-id rule of the persistent store (issue 12),
 * as a pure function so it can be tested without a database.
 *
 * The rule (README, "Person store"):
 *  - a person id never changes for a record unless its cluster merged or split;
 *  - on a merge the oldest id (the smallest: ids are issued in increasing order)
 *    survives;
 *  - on a split the part holding the oldest record (the smallest age: records
 *    are numbered in the order they entered the store) keeps the id, the other
 *    parts get new ids;
 *  - a cluster holding no old person's oldest record gets a new id; new ids are
 *    issued in the order of the clusters' first members (output order).
 */
#ifndef WL_STORE_IDS_H
#define WL_STORE_IDS_H

#include <stddef.h>
#include <stdint.h>

/* What happened to a record's person, written to `update --changes`. */
#define SID_CHANGE_MAP(X)  \
    X(NEW,     "new")      \
    X(JOINED,  "joined")   \
    X(MERGED,  "merged")   \
    X(SPLIT,   "split")    \
    X(UPDATED, "updated")

typedef enum {
#define SID_ENUM_(name, str) SID_##name,
    SID_CHANGE_MAP(SID_ENUM_)
#undef SID_ENUM_
    SID_CHANGE_COUNT
} sid_kind;

/** @return the change's name in the changes file ("merged"), or NULL out of range. */
const char *sid_kind_name(sid_kind k);

typedef struct {
    size_t rec;        /* record index (0..n-1) */
    sid_kind kind;
    int64_t person;    /* its person id now */
    int64_t previous;  /* its person id before; 0 for a record new to the store */
} sid_change;

/* The records of one assignment, n of them, in output order. Arrays of n. */
typedef struct {
    size_t n;
    const int64_t *old_person;     /* person id before the update; 0: record new to the store */
    const int64_t *age;            /* distinct; smaller = entered the store earlier */
    const size_t *cluster;         /* new cluster, 0..n_clusters-1, numbered by first member */
    const unsigned char *changed;  /* 1: an old record whose fields were replaced; may be NULL */
    size_t n_clusters;
    int64_t next_id;               /* above every id ever issued (ids are never reused) */
} sid_input;

/**
 * Assigns person ids to the new clusters by the stable-id rule.
 * @param person   receives n person ids, one per record
 * @param changes  receives at most n changes, in record order (may be NULL)
 * @param n_changes receives how many (may be NULL)
 * @return the next free id after the assignment, or -1 when out of memory
 *         (or a cluster label is out of range); nothing is then meaningful.
 */
int64_t sid_assign(const sid_input *in, int64_t *person, sid_change *changes, size_t *n_changes);

#endif
