/* report.c -- the HTML report of a match run (--report FILE, report.h): the
 * model (m, u and match weight per field and level, as Splink's match-weights
 * chart draws them), the candidate weights against the threshold, blocking,
 * clusters, waterfalls of single pairs and the quality of each list.
 *
 * One file, inline CSS and SVG, no script: a Content-Security-Policy meta tag
 * forbids scripts and every fetch, so even a value that slipped past the
 * escaping could not run or call out. Everything printed is a function of the
 * run's results (no clock, no thread count, no timings): the same run gives the
 * same bytes. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

enum { SAMPLED_PAIRS = 10, LARGEST_CLUSTERS = 10, CLUSTER_MEMBERS_SHOWN = 50, HIST_COLUMNS = 64 };

static const char *const STYLE =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#1d2733;"
    "background:#f5f7fa}\n"
    "main{max-width:1000px;margin:0 auto;padding:16px 24px 48px}\n"
    "h1{font-size:22px;margin:8px 0 4px}h2{font-size:18px;margin:32px 0 8px;border-bottom:1px solid #c9d2dc}\n"
    "h3{font-size:15px;margin:20px 0 6px}\n"
    "nav a{margin-right:12px}\n"
    "section{background:#fff;border:1px solid #dde3ea;border-radius:6px;padding:4px 16px 16px;margin:16px 0}\n"
    "table{border-collapse:collapse;margin:8px 0;font-size:13px}\n"
    "th,td{border:1px solid #dde3ea;padding:3px 8px;text-align:left;vertical-align:top}\n"
    "th{background:#eef2f6}td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
    "dl.counts{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}\n"
    "dl.counts div{border:1px solid #dde3ea;border-radius:4px;padding:6px 12px;min-width:110px}\n"
    "dl.counts dt{font-size:12px;color:#5a6776}dl.counts dd{margin:0;font-size:20px;font-weight:600}\n"
    ".note{color:#5a6776}.warn{color:#9a3b00}.skip{color:#5a6776;font-style:italic}\n"
    "svg.chart{display:block;max-width:100%;height:auto;margin:8px 0}\n"
    "svg .bar-pos{fill:#2f6fb3}svg .bar-neg{fill:#c0392b}svg .bar-final{fill:#6c4fa3}svg .bar-prior{fill:#8895a3}\n"
    "svg .bar-m{fill:#2f6fb3}svg .bar-u{fill:#e08e2b}svg .bar-col{fill:#4b8bbe}\n"
    "svg .grid{stroke:#e3e8ee;stroke-width:1}svg .axis,svg .zero{stroke:#1d2733;stroke-width:1}\n"
    "svg .connector{stroke:#8895a3;stroke-dasharray:2 2}\n"
    "svg .marker{stroke:#c0392b;stroke-width:2;stroke-dasharray:5 3}\n"
    "svg text{font-size:11px;fill:#1d2733}svg .group{font-weight:600;font-size:12px}\n"
    "svg .axis-title{font-size:12px;fill:#5a6776}svg .marker-label{fill:#c0392b;font-weight:600}\n"
    "svg .series{fill:none;stroke-width:2}svg .key{stroke-width:3}\n"
    "svg .s0{stroke:#2f6fb3}svg .s1{stroke:#e08e2b}svg .s2{stroke:#2e8b57}\n"
    ".pair{border-top:1px solid #dde3ea;margin-top:16px}\n";

/* ---- small HTML helpers ---- */

/* Writes s escaped, cut after about max bytes (never inside a UTF-8 sequence). */
static void esc_n(FILE *f, const char *s, size_t max)
{
    char buf[512];
    size_t n = strlen(s);
    if (n <= max || max >= sizeof buf) {
        rp_esc(f, s);
        return;
    }
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80) max--; /* s[max] starts a character */
    memcpy(buf, s, max);
    buf[max] = '\0';
    rp_esc(f, buf);
    fputs("&hellip;", f);
}

static void th_row(FILE *f, const char *const *h, size_t n)
{
    fputs("<tr>", f);
    for (size_t k = 0; k < n; k++) {
        fputs("<th>", f);
        rp_esc(f, h[k]);
        fputs("</th>", f);
    }
    fputs("</tr>\n", f);
}

static void td(FILE *f, const char *s)
{
    fputs("<td>", f);
    rp_esc(f, s ? s : "");
    fputs("</td>", f);
}

static void td_num(FILE *f, double v, int decimals)
{
    fputs("<td class=\"num\">", f);
    rp_num(f, v, decimals);
    fputs("</td>", f);
}

static void td_count(FILE *f, size_t v) { fprintf(f, "<td class=\"num\">%zu</td>", v); }

/* A count shown in the summary: data-count names it for the Chromium check. */
static void count_box(FILE *f, const char *key, const char *label, size_t v)
{
    fprintf(f, "<div><dt>%s</dt><dd data-count=\"%s\">%zu</dd></div>\n", label, key, v);
}

/* ---- what the sections share ---- */

typedef struct {
    FILE *f;
    const wl_dataset *ds;
    const wl_result *r;
    const report_input *in;
    const wl_stats *st;
    size_t n;             /* records */
    size_t *order;        /* records in output order */
    size_t *number;       /* cluster number (1..) by representative record */
    size_t *size;         /* cluster size by representative record */
    uint32_t *rank;       /* place of each record in output order */
    wl_features *fe;      /* the lists normalised again: blocking per key, quality */
} report_ctx;

static int ctx_init(report_ctx *c)
{
    size_t n = c->n, cap = n ? n : 1;
    c->order = malloc(cap * sizeof *c->order);
    c->number = calloc(cap, sizeof *c->number);
    c->size = calloc(cap, sizeof *c->size);
    c->rank = malloc(cap * sizeof *c->rank);
    c->fe = wl_features_build(c->ds, c->in->run.threads);
    if (!c->order || !c->number || !c->size || !c->rank || !c->fe) return -1;
    /* Cluster numbers as --clusters writes them: in order of first member. */
    size_t next = 0;
    for (size_t i = 0; i < n; i++) {
        c->order[i] = wl_result_record(c->r, i);
        c->rank[c->order[i]] = (uint32_t)i;
        size_t rep = wl_result_cluster(c->r, c->order[i]);
        if (!c->number[rep]) c->number[rep] = ++next;
        c->size[rep]++;
    }
    wl_features_set_rank(c->fe, c->rank); /* block again exactly as the run did */
    return 0;
}

static void ctx_free(report_ctx *c)
{
    free(c->order);
    free(c->number);
    free(c->size);
    wl_features_free(c->fe);
    free(c->rank);
}

/* ---- header and summary ---- */

static void write_head(report_ctx *c)
{
    FILE *f = c->f;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<title>watchlink report: ", f);
    rp_esc(f, c->in->command);
    fputs("</title>\n<style>\n", f);
    fputs(STYLE, f);
    fputs("</style>\n</head>\n<body>\n<main>\n", f);
}

static void write_summary(report_ctx *c)
{
    FILE *f = c->f;
    const cli_opts *o = c->in->opts;
    fputs("<h1>watchlink report</h1>\n<p class=\"note\">watchlink ", f);
    rp_esc(f, wl_version());
    fputs(" &middot; <code>watchlink ", f);
    rp_esc(f, c->in->command);
    for (size_t i = 0; i < o->n_lists; i++) {
        fputc(' ', f);
        rp_esc(f, o->lists[i]);
    }
    fputs("</code> &middot; threshold ", f);
    rp_num(f, c->in->threshold, 3);
    fputs(o->model ? " &middot; model loaded from <code>" : " &middot; model fitted on these lists", f);
    if (o->model) {
        rp_esc(f, o->model);
        fputs("</code>", f);
    }
    if (o->best_link) fputs(" &middot; best link only", f);
    if (o->one_to_one) fputs(" &middot; one to one", f);
    if (o->keep_outranked) fputs(" &middot; outranked pairs kept", f);
    fputs("</p>\n<nav><a href=\"#model\">Model</a><a href=\"#scores\">Scores</a>"
          "<a href=\"#blocking\">Blocking</a><a href=\"#clusters\">Clusters</a>"
          "<a href=\"#pairs\">Pairs</a><a href=\"#quality\">Data quality</a></nav>\n", f);
    const wl_stats *s = c->st;
    fputs("<section id=\"summary\">\n<h2>Summary</h2>\n<dl class=\"counts\">\n", f);
    count_box(f, "records", "records", s->records);
    count_box(f, "sources", "sources", s->sources);
    count_box(f, "rejected", "rows rejected", c->in->rejected);
    count_box(f, "candidates", "candidate pairs", s->candidates);
    count_box(f, "pairs", "pairs at or above the threshold", s->pairs);
    count_box(f, "clusters", "clusters", s->clusters);
    count_box(f, "largest", "largest cluster", s->largest_cluster);
    fputs("</dl>\n", f);
    if (s->skipped_blocks)
        fprintf(f, "<p class=\"warn\">%zu blocks were too large even after splitting: %zu candidate "
                   "pairs were not compared.</p>\n", s->skipped_blocks, s->skipped_pairs);
    if (s->outranked)
        fprintf(f, "<p>%zu pairs below 0.9 were not reported: both their records have a better "
                   "partner in the other's list.</p>\n", s->outranked);
    if (s->flagged_clusters)
        fprintf(f, "<p class=\"warn\">%zu clusters are above the size limit (usually a bad key, not "
                   "one person): review them.</p>\n", s->flagged_clusters);
    fputs("</section>\n", f);
}

/* ---- the model ---- */

static void write_model_info(FILE *f, const wl_model_info *mi)
{
    fputs("<table>\n", f);
    fputs("<tr><th>prior: P(match) among candidate pairs</th>", f);
    td_num(f, mi->prior, 8);
    fputs("</tr>\n<tr><th>prior as a match weight (bits): every pair starts here</th>", f);
    td_num(f, mi->prior_weight, 3);
    fputs("</tr>\n<tr><th>EM iterations</th>", f);
    fprintf(f, "<td class=\"num\">%d</td>", mi->em_iterations);
    fputs("</tr>\n<tr><th>candidate pairs EM saw</th>", f);
    td_count(f, mi->em_pairs);
    fputs("</tr>\n<tr><th>random pairs u was estimated from</th>", f);
    td_count(f, mi->u_pairs);
    fputs("</tr>\n<tr><th>namesake u for nationality, gender, birthplace</th>", f);
    td(f, mi->has_namesake ? "yes" : "no");
    fputs("</tr>\n<tr><th>name rarity adjustment (bits per bit, cap)</th>", f);
    fputs("<td class=\"num\">", f);
    rp_num(f, mi->tf_scale, 3);
    fputs(", ", f);
    rp_num(f, mi->tf_cap, 2);
    fputs("</td></tr>\n</table>\n", f);
    if (mi->fallback & WL_FIT_NAME_M)
        fputs("<p class=\"warn\">No date of birth or document to learn how names of one person agree: "
              "the name uses default m values (train with --labels to fit them).</p>\n", f);
    if (mi->fallback & WL_FIT_PRIOR)
        fputs("<p class=\"warn\">The lists give too little evidence to estimate the match rate: the "
              "prior is taken from the pairs with strong evidence.</p>\n", f);
}

static void write_model(report_ctx *c)
{
    FILE *f = c->f;
    const wl_model *m = wl_result_model(c->r);
    wl_model_info mi = wl_model_get_info(m);
    /* bars[0] is the prior (as Splink's chart starts), bars[k + 1] and mbar[k] the levels */
    rp_bar bars[RP_MAX_BARS + 1], mbar[RP_MAX_BARS];
    double u[RP_MAX_BARS];
    size_t nb = 0;
    fputs("<section id=\"model\">\n<h2>Model</h2>\n", f);
    write_model_info(f, &mi);
    bars[0] = (rp_bar){ "prior", "log2(prior / (1 - prior))", mi.prior_weight };
    for (int fi = 0; fi < WL_FIELD_COUNT; fi++) {
        int L = wl_model_levels(m, (wl_field)fi);
        for (int l = 1; l < L && nb < RP_MAX_BARS; l++) {
            double mv = 0, uv = 0;
            wl_model_level(m, (wl_field)fi, l, &mv, &uv);
            const char *field = wl_field_name((wl_field)fi), *level = wl_level_name((wl_field)fi, l);
            bars[nb + 1] = (rp_bar){ field, level, log2(mv / uv) };
            mbar[nb] = (rp_bar){ field, level, mv };
            u[nb++] = uv;
        }
    }
    fputs("<h3>Match weight per field and level</h3>\n<p class=\"note\">log2(m / u): the bits of "
          "evidence a level adds (to the right) or takes away (to the left), after the prior every "
          "pair starts from. Missing values add nothing and are not drawn.</p>\n", f);
    rp_svg_hbars(f, "match weight per field and level", "match weight (bits): log2(m / u)", bars, nb + 1, 2);
    fputs("<h3>m and u per field and level</h3>\n", f);
    rp_svg_mu(f, "m and u per field and level", mbar, u, nb);
    static const char *const head[] = { "field", "level", "m", "u", "match weight (bits)" };
    fputs("<table>\n", f);
    th_row(f, head, 5);
    for (size_t k = 0; k < nb; k++) {
        fputs("<tr>", f);
        td(f, mbar[k].group);
        td(f, mbar[k].label);
        td_num(f, mbar[k].value, 6);
        td_num(f, u[k], 8);
        td_num(f, bars[k + 1].value, 3);
        fputs("</tr>\n", f);
    }
    fputs("</table>\n</section>\n", f);
}

/* ---- scores ---- */

static void write_histogram(report_ctx *c)
{
    FILE *f = c->f;
    const wl_weight_hist *h = wl_result_weight_hist(c->r);
    if (!h || !h->total) {
        fputs("<p class=\"skip\">No candidate pairs were scored: no histogram.</p>\n", f);
        return;
    }
    size_t first = WL_WEIGHT_BINS, last = 0;
    for (size_t k = 0; k < WL_WEIGHT_BINS; k++)
        if (h->count[k]) {
            if (first == WL_WEIGHT_BINS) first = k;
            last = k;
        }
    double tw = h->threshold_weight;
    if (isfinite(tw)) { /* keep the threshold on the chart */
        double tb = (tw - h->lo) / h->width;
        if (tb >= 0 && tb < WL_WEIGHT_BINS) {
            if ((size_t)tb < first) first = (size_t)tb;
            if ((size_t)tb > last) last = (size_t)tb;
        }
    }
    size_t span = last - first + 1, merge = (span + HIST_COLUMNS - 1) / HIST_COLUMNS;
    size_t cols = (span + merge - 1) / merge;
    double value[HIST_COLUMNS];
    for (size_t k = 0; k < cols; k++) {
        value[k] = 0;
        for (size_t j = first + k * merge; j < first + (k + 1) * merge && j < WL_WEIGHT_BINS; j++)
            value[k] += (double)h->count[j];
    }
    char label[64];
    snprintf(label, sizeof label, "threshold %.3f (%.2f bits)", c->in->threshold, tw);
    rp_columns col = { "histogram of candidate match weights", "match weight (bits)",
                       "candidate pairs (log scale)", value, cols,
                       h->lo + (double)first * h->width, (double)merge * h->width, 1,
                       isfinite(tw), tw, label, NULL };
    rp_svg_columns(f, &col);
    fprintf(f, "<p class=\"note\">%zu candidate pairs scored; %zu at or above the threshold. The first "
               "and last bins of the engine's half-bit histogram hold everything beyond "
               "&plusmn;64 bits.</p>\n", h->total, c->st->pairs);
}

typedef struct {
    float prob;
    uint8_t hit;
} scored;

static int cmp_scored_desc(const void *x, const void *y)
{
    const scored *a = x, *b = y;
    if (a->prob != b->prob) return a->prob > b->prob ? -1 : 1;
    return (int)b->hit - (int)a->hit;
}

enum { CURVE_POINTS = 102 };

/* Precision, recall and F1 of the kept pairs at thresholds from the run's up to
 * 1 in steps of 0.01: a lower threshold would need pairs the run did not keep. */
static int write_curves(report_ctx *c)
{
    FILE *f = c->f;
    const wl_truth *t = c->in->truth;
    size_t np = wl_result_pair_count(c->r);
    scored *s = malloc((np ? np : 1) * sizeof *s);
    if (!s) return -1;
    for (size_t k = 0; k < np; k++) {
        const wl_match *m = wl_result_pair(c->r, k);
        s[k] = (scored){ m->probability, (uint8_t)wl_truth_has(t, c->ds, m->left, m->right) };
    }
    qsort(s, np, sizeof *s, cmp_scored_desc);
    double x[CURVE_POINTS], p[CURVE_POINTS], r[CURVE_POINTS], f1[CURVE_POINTS];
    size_t n = 0, truth = wl_truth_count(t);
    double t0 = c->in->threshold;
    for (int step = 0; step <= 100 && n < CURVE_POINTS; step++) {
        double th = step / 100.0;
        if (th < t0 - 1e-12 && !(step < 100 && (step + 1) / 100.0 > t0)) continue;
        x[n++] = th < t0 ? t0 : th;
    }
    size_t best = 0;
    for (size_t i = 0; i < n; i++) {
        size_t pred = 0, tp = 0;
        for (size_t k = 0; k < np && s[k].prob >= (float)x[i]; k++) pred++, tp += s[k].hit;
        p[i] = pred ? (double)tp / (double)pred : 0;
        r[i] = truth ? (double)tp / (double)truth : 0;
        f1[i] = p[i] + r[i] > 0 ? 2 * p[i] * r[i] / (p[i] + r[i]) : 0;
        if (f1[i] > f1[best]) best = i;
    }
    free(s);
    rp_lines ln = { "precision, recall and F1 against the threshold", "threshold (probability)", x, n,
                    { p, r, f1 }, { "precision", "recall", "F1" }, 3, t0 };
    rp_svg_lines(f, &ln);
    static const char *const head[] = { "threshold", "precision", "recall", "F1" };
    fprintf(f, "<p class=\"note\">Against %zu truth pairs. Thresholds below the run's (", truth);
    rp_num(f, t0, 3);
    fputs(") need pairs it did not keep: run with a lower --threshold to see them.</p>\n<table>\n", f);
    th_row(f, head, 4);
    size_t rows[2] = { 0, best };
    for (int k = 0; k < 2; k++) {
        size_t i = rows[k];
        fputs(k ? "<tr><td>best F1: " : "<tr><td>the run's: ", f);
        rp_num(f, x[i], 2);
        fputs("</td>", f);
        td_num(f, p[i], 4);
        td_num(f, r[i], 4);
        td_num(f, f1[i], 4);
        fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);
    return 0;
}

static int write_scores(report_ctx *c)
{
    FILE *f = c->f;
    fputs("<section id=\"scores\">\n<h2>Scores</h2>\n<h3>Match weights of the candidate pairs</h3>\n", f);
    write_histogram(c);
    fputs("<h3>Precision, recall and F1 against the threshold</h3>\n", f);
    if (!c->in->truth) {
        fputs("<p class=\"skip\" id=\"no-truth\">Skipped: no --truth file was given, so precision and "
              "recall are unknown. Run with --truth FILE to draw them.</p>\n", f);
    } else if (write_curves(c) != 0) {
        return -1;
    }
    fputs("</section>\n", f);
    return 0;
}

/* ---- blocking ---- */

/* The blocking keys (WL_BLOCK_*), as the report names them. */
static const struct {
    unsigned bit;
    const char *name;
} KEYS[] = {
    { WL_BLOCK_PHONETIC_YEAR, "phonetic part + birth year" },
    { WL_BLOCK_PART_PAIR, "pair of name parts" },
    { WL_BLOCK_DOC, "document number" },
    { WL_BLOCK_FULL_NAME, "whole name" },
    { WL_BLOCK_SKELETON_NAT, "skeletons + nationality" },
    { WL_BLOCK_PART_DOB, "part + date of birth" },
};
enum { N_KEYS = sizeof KEYS / sizeof KEYS[0] };
_Static_assert((WL_BLOCK_PHONETIC_YEAR | WL_BLOCK_PART_PAIR | WL_BLOCK_DOC | WL_BLOCK_FULL_NAME |
                WL_BLOCK_SKELETON_NAT | WL_BLOCK_PART_DOB) == WL_BLOCK_DEFAULT,
               "a new blocking key needs its row in KEYS");

/* Blocking once per key alone and once without each key costs 13 blocking runs:
 * fine for lists an analyst reads pair by pair, too slow at millions. */
enum { PER_KEY_MAX_RECORDS = 100000 };

typedef struct {
    wl_block_report br;
    size_t found;        /* truth pairs among the candidates */
} key_run;

/* Blocks fe with the run's options but the key mask `mask`. @return 0, -1 on failure. */
static int block_with(const report_ctx *c, const wl_features *fe, unsigned mask, key_run *out)
{
    wl_options o = c->in->run;
    o.block_keys = mask;
    uint32_t *pairs = NULL;
    size_t n = 0;
    memset(out, 0, sizeof *out);
    if (wl_candidates(fe, &o, &pairs, &n, &out->br) != WL_OK) return -1;
    if (c->in->truth)
        for (size_t k = 0; k < n; k++) out->found += (size_t)wl_truth_has(c->in->truth, c->ds, pairs[2 * k], pairs[2 * k + 1]);
    free(pairs);
    return 0;
}

static void td_completeness(const report_ctx *c, const key_run *k)
{
    size_t t = wl_truth_count(c->in->truth);
    if (!c->in->truth) td(c->f, "-");
    else td_num(c->f, t ? (double)k->found / (double)t : 0, 4);
}

static void key_row(const report_ctx *c, const char *name, const key_run *alone, const key_run *without)
{
    FILE *f = c->f;
    fputs("<tr>", f);
    td(f, name);
    td_count(f, alone->br.candidates);
    td_completeness(c, alone);
    if (without) {
        td_count(f, without->br.candidates);
        td_completeness(c, without);
    } else {
        fputs("<td></td><td></td>", f);
    }
    fputs("</tr>\n", f);
}

/* Candidates and pair completeness of each key alone and of all keys but it
 * (what bench block --per-key measures), from the public blocking stage. */
static int write_per_key(report_ctx *c)
{
    FILE *f = c->f;
    fputs("<h3>Candidates per key</h3>\n", f);
    if (c->n > PER_KEY_MAX_RECORDS) {
        fprintf(f, "<p class=\"skip\">Skipped above %d records: it blocks the lists 13 more times "
                   "(watchlink-bench block --per-key measures it).</p>\n", PER_KEY_MAX_RECORDS);
        return 0;
    }
    const wl_features *fe = c->fe;
    key_run all, alone[N_KEYS], without[N_KEYS];
    int rc = block_with(c, fe, c->in->run.block_keys, &all);
    for (size_t k = 0; k < N_KEYS && rc == 0; k++) {
        rc = block_with(c, fe, KEYS[k].bit, &alone[k]);
        if (rc == 0) rc = block_with(c, fe, c->in->run.block_keys & ~KEYS[k].bit, &without[k]);
    }
    if (rc != 0) return -1;
    rp_bar bars[N_KEYS];
    for (size_t k = 0; k < N_KEYS; k++)
        bars[k] = (rp_bar){ "candidate pairs of each key alone", KEYS[k].name, (double)alone[k].br.candidates };
    rp_svg_hbars(f, "candidate pairs per blocking key", "candidate pairs", bars, N_KEYS, 0);
    static const char *const head[] = { "key", "candidates alone", "pair completeness alone",
                                        "candidates without it", "pair completeness without it" };
    fputs("<table>\n", f);
    th_row(f, head, 5);
    key_row(c, "all keys, as the run", &all, NULL);
    for (size_t k = 0; k < N_KEYS; k++) key_row(c, KEYS[k].name, &alone[k], &without[k]);
    fputs("</table>\n", f);
    fprintf(f, "<p class=\"note\">All keys: %zu (key, record) entries, %zu blocks, %zu split by a "
               "second key. Each record keeps its best partners over all its blocks, so the keys' "
               "candidates overlap and a key alone can find pairs the full run drops.", all.br.keys,
            all.br.blocks, all.br.split_blocks);
    if (!c->in->truth) fputs(" Pair completeness (the share of true pairs among the candidates) needs --truth.", f);
    else fprintf(f, " Pair completeness: the share of the %zu truth pairs among the candidates.",
                 wl_truth_count(c->in->truth));
    fputs("</p>\n", f);
    return 0;
}

static int write_blocking(report_ctx *c)
{
    FILE *f = c->f;
    const wl_stats *s = c->st;
    /* The pairs a full comparison would make: all record pairs (dedup) or all
     * pairs across sources (link). */
    double all = (double)c->n * ((double)c->n - 1) / 2;
    if (c->in->mode == WL_MODE_LINK) { /* less the pairs within each source: runs in output order */
        double run = 0;
        for (size_t k = 0; k <= c->n; k++) {
            if (k == c->n || (k && strcmp(wl_dataset_source(c->ds, c->order[k]),
                                          wl_dataset_source(c->ds, c->order[k - 1])))) {
                all -= run * (run - 1) / 2;
                run = 0;
            }
            run++;
        }
    }
    fputs("<section id=\"blocking\">\n<h2>Blocking</h2>\n<table>\n", f);
    fputs("<tr><th>record pairs a full comparison would make</th>", f);
    td_num(f, all, 0);
    fputs("</tr>\n<tr><th>candidate pairs compared</th>", f);
    td_count(f, s->candidates);
    fputs("</tr>\n<tr><th>reduction ratio</th>", f);
    td_num(f, all > 0 ? 1 - (double)s->candidates / all : 0, 6);
    fputs("</tr>\n<tr><th>blocks skipped as too large after splitting</th>", f);
    td_count(f, s->skipped_blocks);
    fputs("</tr>\n<tr><th>pairs those blocks would have made</th>", f);
    td_count(f, s->skipped_pairs);
    fputs("</tr>\n</table>\n", f);
    int rc = write_per_key(c);
    fputs("</section>\n", f);
    return rc;
}

/* ---- clusters ---- */

typedef struct {
    size_t size, number, rep;
} cluster_ref;

static int cmp_cluster(const void *x, const void *y)
{
    const cluster_ref *a = x, *b = y;
    if (a->size != b->size) return a->size > b->size ? -1 : 1;
    return a->number < b->number ? -1 : a->number > b->number;
}

/* The first value of a role, or "". */
static const char *value0(const wl_dataset *ds, size_t i, wl_role role)
{
    const char *v = wl_dataset_value(ds, i, role, 0);
    return v ? v : "";
}

/* A record's name as its list wrote it: the full name, else given + family. */
static void write_name(FILE *f, const wl_dataset *ds, size_t i)
{
    const char *full = wl_dataset_value(ds, i, WL_ROLE_FULL_NAME, 0);
    if (full) {
        esc_n(f, full, 120);
        return;
    }
    static const wl_role parts[] = { WL_ROLE_GIVEN_NAME, WL_ROLE_MIDDLE_NAME, WL_ROLE_FAMILY_NAME };
    int any = 0;
    for (size_t k = 0; k < 3; k++) {
        const char *v = wl_dataset_value(ds, i, parts[k], 0);
        if (!v) continue;
        if (any++) fputc(' ', f);
        esc_n(f, v, 60);
    }
}

static void write_member(FILE *f, const wl_dataset *ds, size_t rec)
{
    fputs("<tr>", f);
    td(f, wl_dataset_source(ds, rec));
    td(f, wl_dataset_id(ds, rec));
    fputs("<td>", f);
    write_name(f, ds, rec);
    fputs("</td>", f);
    td(f, value0(ds, rec, WL_ROLE_DOB));
    td(f, value0(ds, rec, WL_ROLE_NATIONALITY));
    td(f, value0(ds, rec, WL_ROLE_DOC_NUMBER));
    fputs("</tr>\n", f);
}

static int write_clusters(report_ctx *c)
{
    FILE *f = c->f;
    size_t nc = 0;
    cluster_ref *cl = malloc((c->n ? c->n : 1) * sizeof *cl);
    if (!cl) return -1;
    for (size_t i = 0; i < c->n; i++)
        if (c->size[i]) cl[nc++] = (cluster_ref){ c->size[i], c->number[i], i };
    qsort(cl, nc, sizeof *cl, cmp_cluster);
    /* distribution: distinct sizes, largest first in cl, drawn smallest first */
    size_t nd = 0;
    double value[HIST_COLUMNS];
    char text[HIST_COLUMNS][24];
    const char *labels[HIST_COLUMNS];
    for (size_t k = nc; k-- > 0;) {
        if (k + 1 < nc && cl[k].size == cl[k + 1].size) {
            value[nd - 1]++;
            continue;
        }
        if (nd == HIST_COLUMNS) break;
        snprintf(text[nd], sizeof text[nd], "%zu", cl[k].size);
        labels[nd] = text[nd];
        value[nd++] = 1;
    }
    fputs("<section id=\"clusters\">\n<h2>Clusters</h2>\n<h3>Cluster sizes</h3>\n", f);
    rp_columns col = { "number of clusters per cluster size", "records in the cluster",
                       "clusters (log scale)", value, nd, 0, 1, 1, 0, 0, NULL, labels };
    rp_svg_columns(f, &col);
    if (nd == HIST_COLUMNS) fputs("<p class=\"note\">Only the 64 smallest sizes are drawn.</p>\n", f);
    fputs("<h3>Largest clusters</h3>\n", f);
    static const char *const head[] = { "source", "id", "name", "date of birth", "nationality",
                                        "document" };
    for (size_t k = 0; k < nc && k < LARGEST_CLUSTERS; k++) {
        if (cl[k].size < 2) break;
        fprintf(f, "<h4>cluster %zu: %zu records</h4>\n<table>\n", cl[k].number, cl[k].size);
        th_row(f, head, 6);
        size_t shown = 0;
        for (size_t i = 0; i < c->n && shown < CLUSTER_MEMBERS_SHOWN; i++)
            if (wl_result_cluster(c->r, c->order[i]) == cl[k].rep) {
                write_member(f, c->ds, c->order[i]);
                shown++;
            }
        fputs("</table>\n", f);
        if (cl[k].size > shown) fprintf(f, "<p class=\"note\">and %zu more</p>\n", cl[k].size - shown);
    }
    if (nc == 0 || cl[0].size < 2) fputs("<p class=\"skip\">Every record is alone in its cluster.</p>\n", f);
    fputs("</section>\n", f);
    free(cl);
    return 0;
}

/* ---- pairs ---- */

static const wl_role SHOWN_ROLES[] = {
    WL_ROLE_FULL_NAME, WL_ROLE_GIVEN_NAME, WL_ROLE_MIDDLE_NAME, WL_ROLE_FAMILY_NAME, WL_ROLE_ALIAS,
    WL_ROLE_DOB, WL_ROLE_GENDER, WL_ROLE_NATIONALITY, WL_ROLE_DOC_NUMBER, WL_ROLE_DOC_TYPE,
    WL_ROLE_DOC_COUNTRY, WL_ROLE_PLACE_OF_BIRTH, WL_ROLE_MRZ, WL_ROLE_TEXT,
};

static void write_values(FILE *f, const wl_dataset *ds, size_t rec, wl_role role)
{
    fputs("<td>", f);
    size_t n = wl_dataset_count(ds, rec, role);
    for (size_t k = 0; k < n && k < 8; k++) {
        if (k) fputs("; ", f);
        esc_n(f, wl_dataset_value(ds, rec, role, k), 200);
    }
    if (n > 8) fprintf(f, "; &hellip; (%zu in all)", n);
    fputs("</td>", f);
}

static void write_pair(report_ctx *c, const wl_match *m, const char *kind, size_t k)
{
    FILE *f = c->f;
    const wl_dataset *ds = c->ds;
    wl_model_info mi = wl_model_get_info(wl_result_model(c->r));
    fprintf(f, "<div class=\"pair\" id=\"%s-%zu\">\n<h4>", kind, k + 1);
    rp_esc(f, wl_dataset_source(ds, m->left));
    fputc(' ', f);
    rp_esc(f, wl_dataset_id(ds, m->left));
    fputs(" ~ ", f);
    rp_esc(f, wl_dataset_source(ds, m->right));
    fputc(' ', f);
    rp_esc(f, wl_dataset_id(ds, m->right));
    fputs(": probability ", f);
    rp_num(f, m->probability, 6);
    fputs(", weight ", f);
    rp_num(f, m->weight, 3);
    fputs(" bits</h4>\n", f);
    const char *label[WL_FIELD_COUNT + 1];
    double step[WL_FIELD_COUNT + 1];
    label[0] = "prior";
    step[0] = mi.prior_weight;
    for (int fi = 0; fi < WL_FIELD_COUNT; fi++) {
        label[fi + 1] = wl_field_name((wl_field)fi);
        step[fi + 1] = m->field_weight[fi];
    }
    rp_svg_waterfall(f, "waterfall of the pair's match weight", label, step, WL_FIELD_COUNT + 1,
                     m->weight, m->probability);
    /* The level's weight in the model beside the pair's: they differ where the
     * name's rarity adjusted an agreeing name, or namesakes' u replaced u. */
    static const char *const head[] = { "field", "level", "weight (bits)", "the level's log2(m / u)" };
    const wl_model *model = wl_result_model(c->r);
    fputs("<table>\n", f);
    th_row(f, head, 4);
    for (int fi = 0; fi < WL_FIELD_COUNT; fi++) {
        double mv = 0, uv = 0;
        int lv = m->level[fi];
        fputs("<tr>", f);
        td(f, wl_field_name((wl_field)fi));
        td(f, wl_level_name((wl_field)fi, lv));
        td_num(f, m->field_weight[fi], 2);
        if (lv > 0 && wl_model_level(model, (wl_field)fi, lv, &mv, &uv) == 0) td_num(f, log2(mv / uv), 2);
        else td(f, "");
        fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);
    /* Which of the records' names, aliases and readings met (as normalised):
     * the level above is theirs. */
    char met_l[1024], met_r[1024];
    if (wl_pair_names_met(c->fe, m->left, m->right, met_l, met_r, sizeof met_l)) {
        fputs("<p class=\"met\">names that met: <q>", f);
        rp_esc(f, met_l);
        fputs("</q> ~ <q>", f);
        rp_esc(f, met_r);
        fputs("</q></p>\n", f);
    }
    fputs("<table>\n<tr><th>as each list wrote it</th><th>", f);
    rp_esc(f, wl_dataset_source(ds, m->left));
    fputc(' ', f);
    rp_esc(f, wl_dataset_id(ds, m->left));
    fputs("</th><th>", f);
    rp_esc(f, wl_dataset_source(ds, m->right));
    fputc(' ', f);
    rp_esc(f, wl_dataset_id(ds, m->right));
    fputs("</th></tr>\n", f);
    for (size_t k2 = 0; k2 < sizeof SHOWN_ROLES / sizeof SHOWN_ROLES[0]; k2++) {
        wl_role role = SHOWN_ROLES[k2];
        if (!wl_dataset_count(ds, m->left, role) && !wl_dataset_count(ds, m->right, role)) continue;
        fputs("<tr>", f);
        td(f, wl_role_name(role));
        write_values(f, ds, m->left, role);
        write_values(f, ds, m->right, role);
        fputs("</tr>\n", f);
    }
    fputs("</table>\n</div>\n", f);
}

/* FNV-1a (Fowler, Noll, Vo), 64 bits, over a string and its terminating NUL so
 * that ("ab", "c") and ("a", "bc") differ. */
static uint64_t fnv1a(uint64_t h, const char *s)
{
    do {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    } while (*s++);
    return h;
}

typedef struct {
    uint64_t hash;
    size_t at;
} sample_ref;

static int cmp_sample(const void *x, const void *y)
{
    const sample_ref *a = x, *b = y;
    if (a->hash != b->hash) return a->hash < b->hash ? -1 : 1;
    return a->at < b->at ? -1 : a->at > b->at;
}

/* A sample of the kept pairs that depends only on what they are: the pairs of
 * smallest hash of their four names (source and id of each side). */
static int write_sampled(report_ctx *c)
{
    size_t np = wl_result_pair_count(c->r);
    sample_ref *s = malloc((np ? np : 1) * sizeof *s);
    if (!s) return -1;
    for (size_t k = 0; k < np; k++) {
        const wl_match *m = wl_result_pair(c->r, k);
        uint64_t h = 14695981039346656037ull;
        h = fnv1a(h, wl_dataset_source(c->ds, m->left));
        h = fnv1a(h, wl_dataset_id(c->ds, m->left));
        h = fnv1a(h, wl_dataset_source(c->ds, m->right));
        h = fnv1a(h, wl_dataset_id(c->ds, m->right));
        s[k] = (sample_ref){ h, k };
    }
    qsort(s, np, sizeof *s, cmp_sample);
    for (size_t k = 0; k < np && k < SAMPLED_PAIRS; k++)
        write_pair(c, wl_result_pair(c->r, s[k].at), "sampled", k);
    if (!np) fputs("<p class=\"skip\">No pair is at or above the threshold.</p>\n", c->f);
    free(s);
    return 0;
}

static int write_pairs(report_ctx *c)
{
    FILE *f = c->f;
    fputs("<section id=\"pairs\">\n<h2>Pairs</h2>\n<p class=\"note\">Each waterfall starts from the "
          "prior, adds each field's weight in turn, and ends at the pair's match weight; its "
          "probability is 2<sup>w</sup> / (1 + 2<sup>w</sup>). A field's weight in a pair can differ from "
          "its level's log2(m / u): a name that agrees (jw92, all_parts, exact) is adjusted by the "
          "rarity of its agreeing parts, and where the names "
          "agree nationality, gender and birthplace are weighed against namesakes.</p>\n", f);
    size_t nb = wl_result_borderline_count(c->r);
    fprintf(f, "<h3>The %zu candidate pairs nearest the threshold</h3>\n", nb);
    for (size_t k = 0; k < nb; k++) write_pair(c, wl_result_borderline(c->r, k), "borderline", k);
    if (!nb) fputs("<p class=\"skip\">No candidate pairs were scored.</p>\n", f);
    size_t np = wl_result_pair_count(c->r);
    fprintf(f, "<h3>%zu pairs sampled from those at or above the threshold</h3>\n",
            np < SAMPLED_PAIRS ? np : (size_t)SAMPLED_PAIRS);
    if (write_sampled(c) != 0) return -1;
    fputs("</section>\n", f);
    return 0;
}

/* ---- data quality ---- */

static void write_list_quality(const report_ctx *c, const char *path, const wl_read_report *rr)
{
    FILE *f = c->f;
    fputs("<h3>", f);
    rp_esc(f, path);
    fputs(" (source ", f);
    rp_esc(f, rr->source);
    fputs(")</h3>\n<table>\n<tr><th>rows read</th><th>accepted</th><th>rejected</th><th>gzip</th></tr>\n<tr>", f);
    td_count(f, rr->rows_read);
    td_count(f, rr->accepted);
    td_count(f, rr->rejected);
    td(f, rr->gzip ? "yes" : "no");
    fputs("</tr>\n</table>\n", f);
    wl_quality q;
    wl_features_quality(c->fe, rr->source, &q);
    rp_bar bars[WL_ROLE_COUNT];
    int roles[WL_ROLE_COUNT];
    size_t nb = 0;
    for (int role = 0; role < WL_ROLE_COUNT; role++) {
        if (role == WL_ROLE_ID || role == WL_ROLE_SOURCE) continue;
        int mapped = 0;
        for (size_t k = 0; k < rr->n_columns && k < WL_REPORT_MAX_COLUMNS; k++) mapped |= rr->column_role[k] == role;
        if (!mapped) continue;
        double fill = rr->accepted ? 100.0 * (double)rr->filled[role] / (double)rr->accepted : 0;
        roles[nb] = role;
        bars[nb++] = (rp_bar){ "fill rate of the mapped roles", wl_role_name((wl_role)role), fill };
    }
    if (nb) rp_svg_hbars(f, "fill rate per field", "accepted rows with a value (%)", bars, nb, 1);
    static const char *const head[] = { "role", "rows with a value", "fill rate (%)",
                                        "records whose value was not understood" };
    fputs("<table>\n", f);
    th_row(f, head, 4);
    for (size_t k = 0; k < nb; k++) {
        fputs("<tr>", f);
        td(f, bars[k].label);
        td_count(f, rr->filled[roles[k]]);
        td_num(f, bars[k].value, 1);
        if (q.checked[roles[k]]) td_count(f, q.not_understood[roles[k]]);
        else td(f, "-");
        fputs("</tr>\n", f);
    }
    fputs("</table>\n<table>\n<tr><th>column</th><th>role</th></tr>\n", f);
    for (size_t k = 0; k < rr->n_columns && k < WL_REPORT_MAX_COLUMNS; k++) {
        fputs("<tr>", f);
        td(f, rr->column_name[k]);
        td(f, rr->column_role[k] >= 0 ? wl_role_name((wl_role)rr->column_role[k]) : "(ignored)");
        fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);
    if (!rr->rejected) return;
    fputs("<table>\n<tr><th>rejected line</th><th>reason</th></tr>\n", f);
    for (size_t k = 0; k < rr->n_first_rejects && k < WL_REPORT_MAX_REJECTS; k++) {
        fprintf(f, "<tr><td class=\"num\">%ld</td>", rr->reject_line[k]);
        td(f, rr->reject_reason[k]);
        fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);
    if (rr->rejected > rr->n_first_rejects)
        fprintf(f, "<p class=\"note\">The first %zu of %zu rejected rows; --rejects FILE keeps them "
                   "all.</p>\n", rr->n_first_rejects, rr->rejected);
}

static void write_quality(report_ctx *c)
{
    FILE *f = c->f;
    const cli_opts *o = c->in->opts;
    fputs("<section id=\"quality\">\n<h2>Data quality</h2>\n<p class=\"note\">A value read but not "
          "understood (a date of birth in no known format, a nationality naming no country, a gender "
          "neither male nor female) is compared as missing.</p>\n", f);
    for (size_t i = 0; i < o->n_lists; i++) write_list_quality(c, o->lists[i], &c->in->reads[i]);
    fputs("</section>\n", f);
}

int report_write(FILE *f, const wl_dataset *ds, const wl_result *r, const report_input *in)
{
    report_ctx c = { f, ds, r, in, wl_result_stats(r), wl_dataset_size(ds), NULL, NULL, NULL, NULL, NULL };
    int rc = ctx_init(&c);
    if (rc == 0) {
        write_head(&c);
        write_summary(&c);
        write_model(&c);
        rc = write_scores(&c);
    }
    if (rc == 0) rc = write_blocking(&c);
    if (rc == 0) rc = write_clusters(&c);
    if (rc == 0) rc = write_pairs(&c);
    if (rc == 0) {
        write_quality(&c);
        fputs("</main>\n</body>\n</html>\n", f);
    }
    ctx_free(&c);
    return rc;
}
