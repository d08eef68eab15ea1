/*
 * store_decisions.h -- analysts' decisions for the person store (issue 12,
 * `watchlink review`): the decisions CSV parser, the conflict check and the
 * clustering that obeys the decisions. Pure functions (no database), so the
 * parser has a fuzz target and the rules can be tested alone.
 *
 * A decision says two records are the same person (match: a must-link) or are
 * not (not_match: a cannot-link). Decisions override the model: a ruled-out
 * pair is never a pair nor joins its records' persons, a confirmed pair is
 * always one person. Must-link and cannot-link constraints as in Wagstaff et
 * al. (2001, "Constrained K-means clustering with background knowledge"), put
 * on the engine's own clustering (engine/src/cluster/cluster.c: pairs merged
 * strongest first, two sets only when half the record pairs across them are
 * pairs): must-links merged first, then the pairs, and two sets holding the
 * ends of a cannot-link never merge. Without decisions that is the engine's
 * partition, i.e. dedup's clusters.
 */
#ifndef WL_STORE_DECISIONS_H
#define WL_STORE_DECISIONS_H

#include <stddef.h>
#include <stdint.h>

/* The decisions file's columns; note is optional. */
enum { DEC_LEFT_SOURCE, DEC_LEFT_ID, DEC_RIGHT_SOURCE, DEC_RIGHT_ID, DEC_DECISION, DEC_NOTE, DEC_COLUMNS };

/* The longest field accepted (as the list reader's default). */
enum { DEC_MAX_FIELD = 64 * 1024 };

/* One accepted row. The pair is put in canonical order, left before right by
 * (source, id) in strcmp order, so a pair has one spelling whichever way an
 * analyst wrote it. Strings are owned by the row (dec_rows_free). */
typedef struct {
    char *f[DEC_COLUMNS]; /* note is "" when the file has none */
    int match;            /* 1: match, 0: not_match */
    long line;            /* the row's first line in the file (1-based) */
} dec_row;

/* Called for every rejected row with its first line and the reason. */
typedef void (*dec_reject_fn)(void *user, long line, const char *reason);

/**
 * Parses a decisions CSV (RFC 4180: quoted fields, "" inside quotes, LF or CRLF,
 * a UTF-8 byte order mark skipped). The header names the columns
 * left_source,left_id,right_source,right_id,decision and optionally note, in any
 * order, case-insensitive; another column is an error; a row may leave out a
 * last note column. Each bad row is rejected
 * (on_reject, may be NULL) and parsing goes on: a wrong number of fields, an
 * empty source or id, a decision other than match/not_match, one record on both
 * sides, a field longer than DEC_MAX_FIELD, a NUL byte, a quote left open (the
 * rest of the file is that row). Blank lines are skipped.
 * @param name   what messages call the file
 * @return 0 with *rows (malloc'd, n of them; caller frees with dec_rows_free),
 *         or -1 with err: no header, a bad header, out of memory.
 */
int dec_parse(const char *data, size_t len, const char *name, dec_row **rows, size_t *n,
              dec_reject_fn on_reject, void *user, char *err, size_t errcap);
void dec_rows_free(dec_row *rows, size_t n);

/* A decision between two records named by small integers (0..n_nodes-1). */
typedef struct {
    uint32_t a, b;
    int match;
} dec_link;

/**
 * Conflicts: a not_match whose two records are joined by a chain of matches
 * (A = B, B = C, A != C). For each, calls on_conflict with the index of the
 * not_match in links and the indices of the matches of the shortest chain
 * from its a to its b, in order.
 * @return the number of conflicts, or -1 when out of memory.
 */
long dec_conflicts(size_t n_nodes, const dec_link *links, size_t n_links,
                   void (*on_conflict)(void *user, size_t not_match, const size_t *chain, size_t len),
                   void *user);

/* A model pair between two records in output order. */
typedef struct {
    uint32_t a, b;
    float weight;
} dec_pair;

/**
 * Persons under decisions: the records 0..n-1, the model's pairs (in output
 * order, which breaks ties of weight) and the decisions between records (a, b
 * < n). label[k] receives record k's cluster, numbered 0.. by first member;
 * kept[p] (may be NULL) 0 for a pair a not_match rules out, else 1.
 * @pre the decisions hold no conflict (dec_conflicts == 0).
 * @return the number of clusters, or SIZE_MAX when out of memory.
 */
size_t dec_cluster(size_t n, const dec_pair *pairs, size_t n_pairs, const dec_link *links, size_t n_links,
                   size_t *label, unsigned char *kept);

#endif
