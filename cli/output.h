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
/** How progress shows: 1 a line on a terminal, redrawn five times a second with
 *  the stage's clock (the default once out_progress is called); 2 one line per
 *  stage for a log (--progress when stderr is not a terminal). */
void out_progress_mode(int mode);
/** Progress callback for wl_run (and the CLI's read stage). */
void out_progress(void *user, const char *stage, size_t done, size_t total);
/** Clears the progress line before a message (the next tick redraws it). */
void out_progress_clear(void);
/** Ends the progress: stops the ticker and clears the line, if one was drawn. */
void out_progress_end(void);

#endif
