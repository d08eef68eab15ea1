/* pair.c -- what `watchlink match|dedup|link` and watchlink-mpi share after
 * parsing: the engine options the command line asks for, and the pairs and
 * clusters files. One copy, so the MPI driver's output cannot drift from the
 * single process's (its e2e test compares the bytes). */
#include <string.h>

#include "cli.h"
#include "output.h"

wl_options cli_run_options(const cli_opts *o, wl_mode mode)
{
    wl_options opt = wl_default_options();
    opt.mode = mode;
    opt.threads = o->threads;
    opt.best_link = o->best_link;
    opt.one_to_one = o->one_to_one;
    opt.keep_outranked = o->keep_outranked;
    if (o->max_partners) opt.max_partners = o->max_partners;
    if (o->threshold >= 0) opt.threshold = o->threshold;
    /* --explain names the names that met (wl_pair_names_met): the features
     * outlive the compare stage, into clustering, which peaks below blocking
     * (generated 10^6 dedup: peak 951 MB with --explain, 957 MB without). */
    opt.keep_features = o->explain;
    return opt;
}

int cli_write_outputs(const cli_opts *o, const wl_dataset *ds, const wl_result *r)
{
    int jsonl = !strcmp(o->format, "jsonl");
    cli_out out;
    if (cli_out_open(&out, o->output) != 0) return EXIT_INPUT;
    out_pairs(out.f, ds, r, o->explain, jsonl);
    if (cli_out_commit(&out) != 0) return EXIT_INPUT;
    if (o->clusters) {
        cli_out cl;
        if (cli_out_open(&cl, o->clusters) != 0) return EXIT_INPUT;
        if (out_clusters(cl.f, ds, r, jsonl) != 0) {
            cli_out_abort(&cl);
            return EXIT_INTERNAL;
        }
        if (cli_out_commit(&cl) != 0) return EXIT_INPUT;
    }
    return EXIT_OK;
}
