/*
 * output.h -- writing what a run found: pairs (CSV or JSON Lines, optionally
 * explained), clusters, the summary and the progress bar on stderr.
 */
#ifndef WL_CLI_OUTPUT_H
#define WL_CLI_OUTPUT_H

#include <stdio.h>

#include "cli.h"

/** Writes the header and every pair of r, sorted as the engine returns them. */
void out_pairs(FILE *f, const wl_dataset *ds, const wl_result *r, int explain, int jsonl);
/** Writes cluster_id,source,id for every record, in record order (source, id). */
int out_clusters(FILE *f, const wl_dataset *ds, const wl_result *r, int jsonl);
/** Prints the run summary on stderr. */
void out_summary(const wl_stats *s, size_t rejected);
/** Progress callback for wl_run: a bar on stderr, redrawn at most 5 times a second. */
void out_progress(void *user, const char *stage, size_t done, size_t total);
/** Ends the progress line, if one was drawn. */
void out_progress_end(void);

#endif
