/* cmd_match.c -- `watchlink match`, `dedup` and `link`: read the lists, run the
 * matcher, write pairs (and clusters) atomically, print the summary. */
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "report.h"

#define COMMON_OPTIONS_TEXT \
    "  -o, --output FILE    write pairs to FILE (atomically) instead of standard output\n" \
    "  --clusters FILE      also write cluster_id,source,id for every record\n" \
    "  --threshold P        report pairs with probability >= P (default 0.2: recall first);\n" \
    "                       for two encoded files (watchlink encode): the field model's\n" \
    "                       probability >= P (default 0.5); for version 1 encodings, Dice\n" \
    "                       >= P (default 0.7)\n" \
    "  --explain            add each field's level:weight to every pair, the prior's\n" \
    "                       weight, and the two names (of names and aliases) that met\n" \
    "  --format csv|jsonl   output format (default csv)\n" \
    "  --model FILE         score with a saved model (watchlink train) instead of fitting\n" \
    "  --best-link          keep a pair only when each record is the other's best match\n" \
    "  --one-to-one         at most one partner per record in each other list, best first\n" \
    "                       (for lists that hold each person once)\n" \
    "  --keep-outranked     also report a pair across two lists below 0.9 when both its\n" \
    "                       records have a better partner in the other's list (dropped\n" \
    "                       by default: most such pairs are namesakes)\n" \
    "  --max-partners N     candidate pairs kept per record (default 32, more on\n" \
    "                       lists under 65,536 records; more: more recall)\n" \
    "  --map ROLE=COLUMN    map a column to a role (repeatable)\n" \
    "  --delimiter C        field delimiter: , ; | or tab (default: sniffed); once: every\n" \
    "                       list's; repeated: one list's each, in order (like --source;\n" \
    "                       'auto' sniffs that list's)\n" \
    "  --rejects FILE       write every rejected input row with its line and reason\n" \
    "  --source NAME        the source of every row of a list (repeatable: the first names\n" \
    "                       the first list...; default: a source column, else the file\n" \
    "                       name, with its folder when two lists have one file name)\n" \
    "  --report FILE.html   also write a self-contained HTML report (model, scores, clusters)\n" \
    "  --truth FILE         with --report: draw precision, recall and F1 against the threshold\n" \
    "  --threads N          worker threads (default: all cores)\n" \
    "  --reference-year Y   two-digit years of birth read up to year Y (default 2025)\n" \
    "  --progress           progress of every stage also when standard error is not a\n" \
    "                       terminal: one line per stage (on a terminal it always shows)\n" \
    "  -q, --quiet          no summary, no progress\n" \
    "\nLevels (--explain writes level:weight per field; missing adds 0):\n" \
    "  name    exact (same parts, any order) > all_parts (every part of the shorter name\n" \
    "          matched: spelling, sound, initial or a joined form) > jw92 / jw80 (name\n" \
    "          similarity >= 0.92 / 0.80) > different\n" \
    "  dob     exact > typo (one digit, two digits or day and month swapped) > year_only\n" \
    "          (one side gives the year only, or the years agree) > within_1y > mismatch\n" \
    "  doc     exact > one_edit (one character apart after OCR folding) > mismatch\n" \
    "  nationality, gender: match > mismatch\n" \
    "  place_of_birth: exact > jw88 (similarity >= 0.88) > different\n" \
    "  text    near_identical > similar > different\n" \
    "A pair's match_weight is the prior's weight plus its fields' weights (log2 Bayes\n" \
    "factors); its probability is 2^w / (1 + 2^w).\n" \
    "Exit status: 0 success, 1 bad input or usage, 2 internal error.\n"

typedef struct {
    const char *name;
    const char *usage;
    wl_mode mode;
    size_t min_lists, max_lists;
} pair_command;

/* --report FILE, taken out of the arguments before the common parser sees them
 * (the other pair options are parsed by cli_parse). @return 0, or -1 after the error. */
static int take_report(int argc, char **argv, char **rest, int *n_rest, const char **report)
{
    *report = NULL;
    *n_rest = 0;
    for (int i = 0; i < argc; i++) {
        if (i > 0 && !strcmp(argv[i], "--report")) {
            if (i + 1 >= argc) {
                cli_error("option --report needs a value");
                return -1;
            }
            *report = argv[++i];
            continue;
        }
        rest[(*n_rest)++] = argv[i];
    }
    rest[*n_rest] = NULL;
    return 0;
}

static int write_report(const cli_opts *o, const char *path, const pair_command *pc,
                        const wl_dataset *ds, const wl_result *r, const wl_read_report *reads,
                        size_t rejected, const wl_truth *truth)
{
    wl_options opt = cli_run_options(o, pc->mode);
    report_input in = { pc->name, pc->mode, o, reads, rejected, opt.threshold, truth, opt };
    cli_out out;
    int rc = EXIT_OK;
    if (cli_out_open(&out, path) != 0) rc = EXIT_INPUT;
    else if (report_write(out.f, ds, r, &in) != 0) {
        cli_error("out of memory writing the report");
        cli_out_abort(&out);
        rc = EXIT_INTERNAL;
    } else if (cli_out_commit(&out) != 0) {
        rc = EXIT_INPUT;
    }
    return rc;
}

/* cli_match_lists, also handing back the read report of each list (*reps_out,
 * caller frees) when reps_out is not NULL. */
static int match_lists(const cli_opts *o, wl_mode mode, wl_dataset **ds_out, wl_result **r_out,
                       size_t *rejected, wl_read_report **reps_out)
{
    wl_dataset *ds = wl_dataset_create();
    wl_read_report *reps = calloc(o->n_lists ? o->n_lists : 1, sizeof *reps);
    wl_model *model = NULL;
    if (!ds || !reps) {
        cli_error("out of memory");
        wl_dataset_free(ds);
        free(reps);
        return EXIT_INTERNAL;
    }
    int rc = cli_read_lists(o, ds, reps);
    *rejected = 0;
    for (size_t i = 0; i < o->n_lists; i++) *rejected += reps[i].rejected;
    if (reps_out) *reps_out = reps;
    else free(reps);
    char err[512] = "";
    if (rc == EXIT_OK && o->model && !(model = wl_model_load(o->model, err, sizeof err))) {
        cli_error("%s", err);
        rc = EXIT_INPUT;
    }
    if (rc != EXIT_OK) {
        wl_dataset_free(ds);
        if (reps_out) free(*reps_out), *reps_out = NULL;
        return rc;
    }
    wl_options opt = cli_run_options(o, mode);
    /* Pairs, clusters and models are written from ids and sources alone; a
     * report reads the values (its record cards), so it keeps them. */
    if (!reps_out) wl_dataset_release_values(ds);
    wl_result *r = NULL;
    wl_status st = wl_run(ds, &opt, model, o->progress ? out_progress : NULL, NULL, &r, err,
                          sizeof err);
    out_progress_end();
    wl_model_free(model);
    if (st != WL_OK) {
        cli_error("%s", err[0] ? err : wl_strerror(st));
        wl_dataset_free(ds);
        if (reps_out) free(*reps_out), *reps_out = NULL;
        return st == WL_USAGE || st == WL_INPUT ? EXIT_INPUT : EXIT_INTERNAL;
    }
    *ds_out = ds;
    *r_out = r;
    return EXIT_OK;
}

int cli_match_lists(const cli_opts *o, wl_mode mode, wl_dataset **ds_out, wl_result **r_out,
                    size_t *rejected)
{
    return match_lists(o, mode, ds_out, r_out, rejected, NULL);
}

static int run_pair_command(const pair_command *pc, int argc, char **argv)
{
    cli_opts o;
    const char *report = NULL;
    char **rest = malloc(((size_t)argc + 1) * sizeof *rest);
    int n_rest = 0;
    if (!rest) {
        cli_error("out of memory");
        return EXIT_INTERNAL;
    }
    if (take_report(argc, argv, rest, &n_rest, &report) != 0) {
        free(rest);
        return EXIT_INPUT;
    }
    int p = cli_parse_strict(n_rest, rest, &o, pc->usage, pc->usage);
    free(rest); /* o points into argv's strings, not into rest */
    if (p == -2) return EXIT_OK;
    if (p != 0) return EXIT_INPUT;
    if (report && cli_check_output(&o, "--report", report) != 0) return EXIT_INPUT;
    if (o.n_lists < pc->min_lists || o.n_lists > pc->max_lists) {
        cli_error("%s takes %s (see 'watchlink %s --help')", pc->name,
                  pc->max_lists == 2 ? "exactly two lists" : "at least one list", pc->name);
        return EXIT_INPUT;
    }
    /* Two encoded files (watchlink encode) are linked by Dice, not by the model. */
    int encoded = 0;
    for (size_t k = 0; k < o.n_lists; k++) encoded += wl_encoded_sniff(o.lists[k]);
    if (encoded && (encoded != 2 || strcmp(pc->name, "match") || report)) {
        cli_error("encoded files are linked by 'watchlink match ENC_A ENC_B' (two encoded files, no "
                  "--report); plain lists and encodings do not mix");
        return EXIT_INPUT;
    }
    if (encoded) return cli_match_encoded(&o);
    if (o.truth && !report) {
        cli_error("--truth belongs to 'watchlink eval' (or to --report)");
        return EXIT_INPUT;
    }
    wl_truth *truth = NULL; /* read before the run, so a bad file fails fast */
    char err[512] = "";
    if (o.truth && wl_truth_load(o.truth, &truth, err, sizeof err) != WL_OK) {
        cli_error("%s", err);
        return EXIT_INPUT;
    }
    wl_dataset *ds = NULL;
    wl_result *r = NULL;
    wl_read_report *reads = NULL;
    size_t rejected = 0;
    int rc = match_lists(&o, pc->mode, &ds, &r, &rejected, report ? &reads : NULL);
    if (rc != EXIT_OK) {
        wl_truth_free(truth);
        return rc;
    }
    rc = cli_write_outputs(&o, ds, r);
    if (rc == EXIT_OK && report) rc = write_report(&o, report, pc, ds, r, reads, rejected, truth);
    free(reads);
    wl_truth_free(truth);
    if (rc == EXIT_OK && !o.quiet) out_summary(wl_result_stats(r), rejected);
    wl_result_free(r);
    wl_dataset_free(ds);
    return rc;
}

/* The three pair commands differ only in their usage line, mode and list count;
 * the usage text is the head plus COMMON_OPTIONS, both string literals. */
#define USAGE_HEAD(cmd, args, what) "Usage: watchlink " cmd " " args " [OPTIONS]\n" what "\n\nOptions:\n"

int cmd_match(int argc, char **argv)
{
    static const pair_command pc = {
        "match",
        USAGE_HEAD("match", "LEFT RIGHT", "Finds the pairs of records of the same person across two lists.")
            COMMON_OPTIONS_TEXT,
        WL_MODE_LINK, 2, 2 };
    return run_pair_command(&pc, argc, argv);
}

int cmd_dedup(int argc, char **argv)
{
    static const pair_command pc = {
        "dedup",
        USAGE_HEAD("dedup", "LIST...",
                   "Finds pairs of records of the same person within and across lists;\n"
                   "--clusters groups them into persons.") COMMON_OPTIONS_TEXT,
        WL_MODE_DEDUP, 1, CLI_MAX_LISTS };
    return run_pair_command(&pc, argc, argv);
}

int cmd_link(int argc, char **argv)
{
    static const pair_command pc = {
        "link",
        USAGE_HEAD("link", "LIST...",
                   "Finds pairs of records of the same person across sources only (never\n"
                   "within one list); --clusters groups them into persons.") COMMON_OPTIONS_TEXT,
        WL_MODE_LINK, 1, CLI_MAX_LISTS };
    return run_pair_command(&pc, argc, argv);
}
