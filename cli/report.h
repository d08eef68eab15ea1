/*
 * report.h -- the self-contained HTML report of a match run (--report FILE):
 * report.c lays out the sections from the run's public views (watchlink.h),
 * report_svg.c draws the inline SVG charts. No script, no network: the file
 * opens offline. Every input value is HTML-escaped, and every number is
 * printed with a fixed format, so the same run gives the same bytes on any
 * thread count (no timestamps, no timings).
 */
#ifndef WL_CLI_REPORT_H
#define WL_CLI_REPORT_H

#include <stdio.h>

#include "cli.h"

/* What the command knows beyond the result: its lists, their read reports, the
 * truth when given. */
typedef struct {
    const char *command;             /* "match", "dedup" or "link" */
    wl_mode mode;
    const cli_opts *opts;
    const wl_read_report *reads;     /* one per list of opts */
    size_t rejected;
    double threshold;                /* the threshold the run used */
    const wl_truth *truth;           /* NULL without --truth */
    wl_options run;                  /* the run's options (blocking is run again per key) */
} report_input;

/** Writes the whole HTML report of run r over ds. @return 0, or -1 when out of memory. */
int report_write(FILE *f, const wl_dataset *ds, const wl_result *r, const report_input *in);

/* ---- report_svg.c: escaping, numbers and charts ---- */

/** Writes s with & < > " ' escaped, for HTML text and quoted attributes; bytes
 *  that are not UTF-8, and control characters, become U+FFFD. */
void rp_esc(FILE *f, const char *s);
/** Writes v with `decimals` digits, no "-0"; "inf"/"-inf" for infinities, "nan" for NaN. */
void rp_num(FILE *f, double v, int decimals);

/* One bar of a labelled chart: `group` starts a new group when it changes
 * (a field), `label` names the bar (a level). */
typedef struct {
    const char *group, *label;
    double value;
} rp_bar;

enum { RP_MAX_BARS = 96 }; /* bars drawn per chart: 7 fields of up to 8 levels fit */

/** Horizontal bars around zero, negatives to the left (match weights in bits). */
void rp_svg_hbars(FILE *f, const char *aria, const char *x_title, const rp_bar *b, size_t n,
                  int decimals);
/** Paired horizontal bars from 0 to 1: m (bars b) and u (u[k]) per level. */
void rp_svg_mu(FILE *f, const char *aria, const rp_bar *b, const double *u, size_t n);

/* A column chart over n equal-width columns: x axis from x0 to x0 + n * dx. */
typedef struct {
    const char *aria, *x_title, *y_title;
    const double *value;      /* n heights */
    size_t n;
    double x0, dx;            /* x of column k's left edge: x0 + k * dx */
    int log_y;                /* log10(1 + value) scale */
    int has_marker;
    double marker_x;          /* a vertical line (the threshold) at this x */
    const char *marker_label;
    const char *const *labels;/* per-column labels instead of x values (may be NULL) */
} rp_columns;

void rp_svg_columns(FILE *f, const rp_columns *c);

/* Lines over a shared x, y from 0 to 1 (precision, recall, F1 against threshold). */
typedef struct {
    const char *aria, *x_title;
    const double *x;          /* n points */
    size_t n;
    const double *y[4];       /* series, n values each */
    const char *name[4];
    size_t n_series;
    double marker_x;          /* the chosen threshold */
} rp_lines;

void rp_svg_lines(FILE *f, const rp_lines *c);

/** A waterfall: the prior, each step's weight added in turn, the final weight
 *  (and its probability) as a last bar from zero. */
void rp_svg_waterfall(FILE *f, const char *aria, const char *const *label, const double *step,
                      size_t n, double final_weight, double probability);

#endif
