/*
 * cli.h -- shared pieces of the watchlink command: option parsing, reading the
 * lists with a rejects file, atomic output files, messages. The command line
 * does argument parsing and I/O only; all matching is in the engine.
 */
#ifndef WL_CLI_H
#define WL_CLI_H

#include <stdio.h>

#include "watchlink.h"

/* Exit codes (documented in README and --help). */
enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_INTERNAL = 2 };

enum { CLI_MAX_MAPS = 64, CLI_MAX_LISTS = 256 };

typedef struct {
    const char *output;        /* -o FILE; NULL: stdout */
    const char *clusters;      /* --clusters FILE */
    const char *model;         /* --model FILE */
    const char *rejects;       /* --rejects FILE */
    const char *truth;         /* --truth FILE (eval) */
    const char *labels;        /* --labels FILE (train) */
    const char *format;        /* csv | jsonl */
    char delimiters[CLI_MAX_LISTS]; /* --delimiter C ('auto': 0, sniffed); cli_list_delimiter */
    size_t n_delimiters;
    const char *maps[CLI_MAX_MAPS];
    size_t n_maps;
    double threshold;          /* < 0: engine default */
    int explain, quiet, threads, best_link, one_to_one, keep_outranked;
    size_t max_partners;       /* --max-partners N; 0: engine default */
    int reference_year;        /* --reference-year YEAR; 0: engine default (2025) */
    int progress;              /* 0 none; 1 a line on a terminal (not --quiet); 2 log lines (--progress) */
    int force_progress;        /* --progress */
    const char *lists[CLI_MAX_LISTS];
    size_t n_lists;
    const char *sources[CLI_MAX_LISTS]; /* --source NAME, the k-th for the k-th list */
    size_t n_sources;
} cli_opts;

/* One command of the dispatch table (main.c). */
typedef struct {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
} cli_command;

/* The commands, one per cmd_<name>.c (dispatched by main.c). */
int cmd_inspect(int argc, char **argv);
int cmd_normalize(int argc, char **argv);
int cmd_match(int argc, char **argv);
int cmd_dedup(int argc, char **argv);
int cmd_link(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_encode(int argc, char **argv);

/**
 * `match` over two encoded files (cmd_encode.c): links them by Dice and writes
 * left_source,left_id,right_source,right_id,dice. @return an exit code.
 */
int cli_match_encoded(const cli_opts *o);
/* The person store (cmd_store.c). */
int cmd_index(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_query(int argc, char **argv);
int cmd_update(int argc, char **argv);
/* Decisions and the audit trail (cmd_review.c). */
int cmd_review(int argc, char **argv);
int cmd_history(int argc, char **argv);

/**
 * Parses the common options and positional list arguments ("-" is standard
 * input). Unknown options are an error. "--help" prints usage and returns -2.
 * @return 0, or -1 after printing a usage error on stderr.
 */
int cli_parse(int argc, char **argv, cli_opts *o, const char *usage);
/**
 * Refuses an output path that names an input of the run (a list, --truth,
 * --labels; by path or by device and inode) or another output (-o, --clusters,
 * --rejects), with the error on stderr. cli_parse checks those three; commands
 * call it for their own outputs (--report, train's --model). @return 0 or -1.
 */
int cli_check_output(const cli_opts *o, const char *option, const char *path);
/**
 * cli_parse, also refusing every option that accepted (the command's help
 * text, usually usage itself) does not name: an option a command would ignore
 * is an error, not a silent no-op. accepted NULL: every option.
 */
int cli_parse_strict(int argc, char **argv, cli_opts *o, const char *usage, const char *accepted);

/**
 * The field delimiter of list i: one --delimiter names every list's, several
 * name one list each in order (like --source); 0 (sniffed) for the rest.
 */
char cli_list_delimiter(const cli_opts *o, size_t i);

/**
 * Reads every list of o into ds, writing rejected rows to o->rejects when set.
 * Prints one summary line per list on stderr unless quiet; reports may be NULL
 * or an array of o->n_lists.
 * @return EXIT_OK, or EXIT_INPUT after printing the error.
 */
int cli_read_lists(const cli_opts *o, wl_dataset *ds, wl_read_report *reports);

/**
 * cli_read_lists with the source names already made (cli_source_names): list i
 * is read under names[i], as its --source when i < o->n_sources, else as the
 * name of the rows a source column does not name.
 */
int cli_read_named(const cli_opts *o, const char (*names)[128], wl_dataset *ds, wl_read_report *reports);

/**
 * The source name of each of o's lists (--source, else the file name made
 * unique) into names[0..o->n_lists). @return 0, or -1 after the error.
 */
int cli_source_names(const cli_opts *o, char (*names)[128]);

/**
 * The name list `path` takes at a level of qualification, as cli_source_names
 * gives it when other lists share its file name: level 1.. its file name after
 * its last 1.. folders (ofac/individuals), then with its extension (d/list.tsv).
 * @return 0 (out set; "" when it does not fit), or -1 past the last level.
 */
int cli_source_qualified(const char *path, int level, char *out, size_t cap);

/**
 * Reads the lists of o and runs the matcher in the given mode (with o->model when
 * set). On success *ds_out and *r_out are the caller's; *rejected counts the rows
 * rejected while reading. @return EXIT_OK, or an exit code after the message.
 */
int cli_match_lists(const cli_opts *o, wl_mode mode, wl_dataset **ds_out, wl_result **r_out,
                    size_t *rejected);

/* After parsing, for match/dedup/link and watchlink-mpi (pair.c). */
/** @return the engine options o asks for, in the given mode. */
wl_options cli_run_options(const cli_opts *o, wl_mode mode);
/** Writes the pairs (o->output) and clusters (o->clusters), each whole or not
 *  at all, as CSV or JSON Lines. @return an exit code, after the message. */
int cli_write_outputs(const cli_opts *o, const wl_dataset *ds, const wl_result *r);

/* An output file (outfile.c): wl_file_replace (whole or not at all; symlinks
 * followed; pipes and devices written in place), or standard output for NULL
 * and "-". name is what error messages call it. */
typedef struct {
    FILE *f;
    wl_file_replace r;
    const char *name;
} cli_out;

int cli_out_open(cli_out *o, const char *path);
/** Flushes and renames into place. @return 0, or -1 after printing the error. */
int cli_out_commit(cli_out *o);
/** Removes the temporary file (on failure). */
void cli_out_abort(cli_out *o);

/** Starts the process again with glibc's malloc asking for transparent huge
 * pages (hugepages.c); returns when it does not. Call first thing in main. */
void cli_prefer_huge_pages(char **argv);

/** Prints "watchlink: " + message on stderr. */
void cli_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/** Writes s (NULL: nothing) as a CSV field through the engine's one writer,
 *  wl_csv_write_field. */
void cli_csv_field(FILE *f, const char *s);
/** wl_csv_write_field: the n bytes of s as a CSV field. */
void cli_csv_field_n(FILE *f, const char *s, size_t n);
/** Writes s as a JSON string. */
void cli_json_string(FILE *f, const char *s);

#endif /* WL_CLI_H */
