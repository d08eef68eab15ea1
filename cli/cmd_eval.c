/* cmd_eval.c -- `watchlink eval --truth TRUTH PAIRS`: precision, recall and F1 of
 * a pairs file against known true pairs, at the run's threshold and at several. */
#include "cli.h"

static const char USAGE[] =
    "Usage: watchlink eval --truth TRUTH PAIRS [--threshold P] [--format csv|jsonl]\n"
    "Compares what a run wrote (PAIRS: a pairs file, or a clusters file from --clusters)\n"
    "with the truth (TRUTH: a pairs file left_source,left_id,right_source,right_id, two\n"
    "id columns of one source, or a clusters file cluster_id,source,id). A clusters file\n"
    "counts as every pair within each cluster, probability 1. Either may be CSV, TSV or\n"
    "JSON Lines (what --format jsonl writes: one object per line), gzipped or not.\n"
    "Prints precision, recall and F1 of all pairs in PAIRS (row 'all'; or of those with\n"
    "probability >= P), then a table at several thresholds, then the B-cubed precision,\n"
    "recall and F1 of the clusters the pairs make (complete when PAIRS is a clusters\n"
    "file, which lists every record). Any other file is refused, saying what it is.\n"
    "The pairs of an encoded link (watchlink match A.enc B.enc) have a dice column, read\n"
    "in place of the probability: P and the thresholds are then Dice.\n"
    "Exit status: 0 success, 1 bad input or usage, 2 internal error.\n";

static void print_row(const char *label, const wl_eval_row *r, int jsonl)
{
    if (jsonl)
        printf("{\"threshold\":%s,\"true_pairs\":%zu,\"predicted\":%zu,\"true_positive\":%zu,"
               "\"precision\":%.6f,\"recall\":%.6f,\"f1\":%.6f}\n",
               label, r->true_pairs, r->predicted, r->true_positive, r->precision, r->recall, r->f1);
    else
        printf("%-9s %10zu %10zu %10zu %9.4f %9.4f %9.4f\n", label, r->true_pairs, r->predicted,
               r->true_positive, r->precision, r->recall, r->f1);
}

int cmd_eval(int argc, char **argv)
{
    cli_opts o;
    int p = cli_parse_strict(argc, argv, &o, USAGE, USAGE);
    if (p == -2) return EXIT_OK;
    if (p != 0) return EXIT_INPUT;
    if (!o.truth || o.n_lists != 1) {
        cli_error("eval needs --truth TRUTH and one PAIRS file (see 'watchlink eval --help')");
        return EXIT_INPUT;
    }
    wl_eval *e = NULL;
    char err[512] = "";
    wl_status st = wl_eval_load(o.truth, o.lists[0], &e, err, sizeof err);
    if (st != WL_OK) {
        cli_error("%s", err[0] ? err : wl_strerror(st));
        return st == WL_NOMEM ? EXIT_INTERNAL : EXIT_INPUT;
    }
    int jsonl = o.format[0] == 'j';
    if (!jsonl)
        printf("%-9s %10s %10s %10s %9s %9s %9s\n", "threshold", "true", "predicted", "correct",
               "precision", "recall", "f1");
    double run_t = o.threshold >= 0 ? o.threshold : 0.0;
    char label[32];
    if (o.threshold >= 0) snprintf(label, sizeof label, jsonl ? "%.2f" : ">=%.2f", run_t);
    else snprintf(label, sizeof label, jsonl ? "\"all\"" : "all");
    wl_eval_row r = wl_eval_at(e, run_t);
    print_row(label, &r, jsonl);
    static const double table[] = { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99 };
    for (size_t k = 0; k < sizeof table / sizeof table[0]; k++) {
        if (table[k] < run_t) continue;
        r = wl_eval_at(e, table[k]);
        snprintf(label, sizeof label, "%.2f", table[k]);
        print_row(label, &r, jsonl);
    }
    /* Clusters: those the pairs at the run's threshold make, B-cubed. */
    wl_eval_row b = wl_eval_bcubed(e, run_t);
    if (jsonl)
        printf("{\"bcubed\":{\"threshold\":%.2f,\"records\":%zu,\"precision\":%.4f,\"recall\":%.4f,"
               "\"f1\":%.4f}}\n", run_t, b.true_pairs, b.precision, b.recall, b.f1);
    else
        printf("\nclusters, B-cubed over %zu records: precision %.4f recall %.4f f1 %.4f\n", b.true_pairs,
               b.precision, b.recall, b.f1);
    wl_eval_free(e);
    return EXIT_OK;
}
