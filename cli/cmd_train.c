/* cmd_train.c -- `watchlink train LIST... --model FILE`: fit the model on the
 * lists and save it, so nightly runs reuse reviewed parameters. */
#include <string.h>

#include "output.h"

static const char USAGE[] =
    "Usage: watchlink train LIST... --model FILE [OPTIONS]\n"
    "Fits the Fellegi-Sunter model (u from random pairs, m and the prior by EM) on the\n"
    "lists and saves it as JSON; 'match', 'dedup' and 'link' reuse it with --model FILE.\n\n"
    "Options:\n"
    "  --model FILE         where to save the model (required; written atomically)\n"
    "  --labels FILE        supervised: m from these known true pairs (a pairs file:\n"
    "                       left_source,left_id,right_source,right_id or two id columns)\n"
    "  --link               fit on pairs across sources only (as 'link' and 'match' score)\n"
    "  --map ROLE=COLUMN    map a column to a role (repeatable)\n"
    "  --delimiter C        field delimiter: , ; | or tab (default: sniffed);\n"
    "                       once: every list's; repeated: one list's each, in order\n"
    "                       (like --source; 'auto' sniffs that list's)\n"
    "  --rejects FILE       write every rejected input row with its line and reason\n"
    "  --source NAME        name the next list's source (repeatable, in list order)\n"
    "  --threads N          worker threads (default: all cores)\n"
    "  --reference-year Y   two-digit birth years (written or MRZ) are the latest year\n"
    "                       ending in them not after Y (default 2025, never today)\n"
    "  --progress           show progress also when standard error is not a terminal\n"
    "  -q, --quiet          no summary, no progress\n"
    "Exit status: 0 success, 1 bad input or usage, 2 internal error.\n";

/* Supervised: read the lists, count m over the labelled pairs, save. */
static int train_labels(const cli_opts *o, int link)
{
    wl_dataset *ds = wl_dataset_create();
    if (!ds) {
        cli_error("out of memory");
        return EXIT_INTERNAL;
    }
    int rc = cli_read_lists(o, ds, NULL);
    if (rc != EXIT_OK) {
        wl_dataset_free(ds);
        return rc;
    }
    wl_options opt = wl_default_options();
    opt.mode = link ? WL_MODE_LINK : WL_MODE_DEDUP;
    opt.threads = o->threads;
    wl_model *m = NULL;
    size_t used = 0;
    char err[512] = "";
    if (o->progress) out_progress(NULL, "fit", 0, 1);
    wl_status st = wl_model_fit_labels(ds, &opt, o->labels, &m, &used, err, sizeof err);
    out_progress_end();
    if (st == WL_OK) st = wl_model_save(m, o->model, err, sizeof err);
    if (st != WL_OK) {
        cli_error("%s", err[0] ? err : wl_strerror(st));
        rc = st == WL_NOMEM || st == WL_INTERNAL ? EXIT_INTERNAL : EXIT_INPUT;
    } else if (!o->quiet) {
        fprintf(stderr, "model fitted on %zu labelled pairs, saved to %s\n", used, o->model);
    }
    wl_model_free(m);
    wl_dataset_free(ds);
    return rc;
}

int cmd_train(int argc, char **argv)
{
    /* --link is train's own flag: take it out before the common parser sees it. */
    int link = 0, n = 0;
    for (int i = 0; i < argc; i++) {
        if (i > 0 && !strcmp(argv[i], "--link")) link = 1;
        else argv[n++] = argv[i];
    }
    cli_opts o;
    int p = cli_parse_strict(n, argv, &o, USAGE, USAGE);
    if (p == -2) return EXIT_OK;
    if (p != 0) return EXIT_INPUT;
    if (!o.model || o.n_lists == 0) {
        cli_error("train needs at least one list and --model FILE (see 'watchlink train --help')");
        return EXIT_INPUT;
    }
    if (cli_check_output(&o, "--model", o.model) != 0) return EXIT_INPUT;
    if (o.labels) return train_labels(&o, link);
    const char *path = o.model;
    o.model = NULL; /* fit, do not load */
    wl_dataset *ds = NULL;
    wl_result *r = NULL;
    size_t rejected = 0;
    int rc = cli_match_lists(&o, link ? WL_MODE_LINK : WL_MODE_DEDUP, &ds, &r, &rejected);
    if (rc != EXIT_OK) return rc;
    char err[512] = "";
    if (wl_model_save(wl_result_model(r), path, err, sizeof err) != WL_OK) {
        cli_error("%s", err);
        rc = EXIT_INPUT;
    } else if (!o.quiet) {
        out_summary(wl_result_stats(r), rejected);
        fprintf(stderr, "model saved to %s\n", path);
    }
    wl_result_free(r);
    wl_dataset_free(ds);
    return rc;
}
