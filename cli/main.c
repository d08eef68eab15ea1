/* main.c -- the watchlink command: dispatch to subcommands. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const cli_command g_commands[] = {
    { "inspect",   "what was read, mapped and rejected, per list", cmd_inspect },
    { "normalize", "normalised fields and keys, per record",       cmd_normalize },
    { "match",     "pairs across two lists",                       cmd_match },
    { "dedup",     "pairs and clusters within and across lists",   cmd_dedup },
    { "link",      "pairs and clusters across sources only",       cmd_link },
    { "train",     "fit a model and save it",                      cmd_train },
    { "eval",      "precision, recall and F1 against a truth file", cmd_eval },
    { "encode",    "keyed Bloom-filter encodings for linking without names", cmd_encode },
    { "index",     "create a person store (SQLite) from lists",    cmd_index },
    { "update",    "apply a night's lists to a store, stable ids", cmd_update },
    { "query",     "screen a list against a store",               cmd_query },
    { "export",    "a store's pairs and persons",                  cmd_export },
    { "review",    "record analysts' match / not_match decisions", cmd_review },
    { "history",   "the audit trail of one person of a store",     cmd_history },
};

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: watchlink COMMAND [OPTIONS] [LIST...]\n"
            "Finds the same person across watchlists (CSV or TSV, optionally gzipped).\n\n"
            "Commands:\n");
    for (size_t i = 0; i < sizeof g_commands / sizeof g_commands[0]; i++)
        fprintf(f, "  %-10s %s\n", g_commands[i].name, g_commands[i].summary);
    fprintf(f,
            "\nRun 'watchlink COMMAND --help' for a command's options.\n"
            "Exit status: 0 success, 1 bad input or usage, 2 internal error.\n");
}

/* Whatever a command printed on stdout (eval's table, --help, --version) must
 * have reached it: a full disk or a closed pipe is an error, not exit 0. */
static int stdout_checked(int rc)
{
    errno = 0;
    if ((fflush(stdout) != 0 || ferror(stdout)) && rc == EXIT_OK) {
        cli_error("cannot write standard output: %s", errno ? strerror(errno) : "write error");
        return EXIT_INPUT;
    }
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_INPUT;
    }
    cli_prefer_huge_pages(argv);
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return stdout_checked(EXIT_OK);
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
        printf("watchlink %s\n", wl_version());
        return stdout_checked(EXIT_OK);
    }
    for (size_t i = 0; i < sizeof g_commands / sizeof g_commands[0]; i++)
        if (!strcmp(cmd, g_commands[i].name)) return stdout_checked(g_commands[i].run(argc - 1, argv + 1));
    cli_error("unknown command '%s' (see 'watchlink --help')", cmd);
    return EXIT_INPUT;
}
