/* common.c -- option parsing, list reading and formatting shared
 * by every watchlink command. */
#define _DEFAULT_SOURCE 1 /* realpath */
#include <errno.h>
#include <sys/stat.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "output.h"

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("watchlink: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static const char *need_value(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) {
        cli_error("option %s needs a value", argv[*i]);
        return NULL;
    }
    return argv[++*i];
}

static int parse_int(const char *s, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || end == s || v < 0 || v > 4096) return -1;
    *out = (int)v;
    return 0;
}

/* The options cli_parse knows, with their short forms and whether they take a
 * value: an option is known before its value is looked for, so an unknown
 * option at the end of the line says "unknown option", not "needs a value". */
static const struct {
    const char *name, *alias;
    int value;
} KNOWN[] = {
    { "--output", "-o", 1 },     { "--clusters", NULL, 1 },       { "--model", NULL, 1 },
    { "--rejects", NULL, 1 },    { "--source", NULL, 1 },         { "--truth", NULL, 1 },
    { "--labels", NULL, 1 },     { "--format", NULL, 1 },         { "--map", NULL, 1 },
    { "--threshold", NULL, 1 },  { "--max-partners", NULL, 1 },   { "--reference-year", NULL, 1 },
    { "--threads", NULL, 1 },    { "--delimiter", NULL, 1 },      { "--explain", NULL, 0 },
    { "--quiet", "-q", 0 },      { "--best-link", NULL, 0 },      { "--one-to-one", NULL, 0 },
    { "--progress", NULL, 0 },   { "--keep-outranked", NULL, 0 },
};

/* Whether text names opt as a whole word ("-o" is not in "--output"). */
static int names_option(const char *text, const char *opt)
{
    size_t n = strlen(opt);
    for (const char *p = text; (p = strstr(p, opt)) != NULL; p++) {
        char before = p == text ? ' ' : p[-1], after = p[n];
        int word = (before == ' ' || before == '[' || before == '(' || before == ',' || before == '\n') &&
                   !(after == '-' || (after >= 'a' && after <= 'z') || (after >= '0' && after <= '9'));
        if (word) return 1;
    }
    return 0;
}

/* "watchlink normalize" from "Usage: watchlink normalize ...", for messages. */
static void command_name(const char *usage, char *out, size_t cap)
{
    const char *u = strstr(usage, "watchlink");
    if (!u) u = "watchlink";
    size_t n = 0, words = 0;
    while (u[n] && u[n] != '\n' && n + 1 < cap && !(u[n] == ' ' && ++words == 2)) n++;
    memcpy(out, u, n);
    out[n] = '\0';
}

int cli_parse(int argc, char **argv, cli_opts *o, const char *usage)
{
    return cli_parse_strict(argc, argv, o, usage, NULL);
}

int cli_parse_strict(int argc, char **argv, cli_opts *o, const char *usage, const char *accepted)
{
    memset(o, 0, sizeof *o);
    o->threshold = -1.0;
    o->format = "csv";
    o->progress = isatty(2);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(usage, stdout);
            return -2;
        }
        if (a[0] != '-' || !strcmp(a, "-")) {
            if (o->n_lists == CLI_MAX_LISTS) {
                cli_error("too many lists (at most %d)", CLI_MAX_LISTS);
                return -1;
            }
            o->lists[o->n_lists++] = a;
            continue;
        }
        size_t k = 0;
        while (k < sizeof KNOWN / sizeof KNOWN[0] && strcmp(a, KNOWN[k].name) &&
               !(KNOWN[k].alias && !strcmp(a, KNOWN[k].alias)))
            k++;
        if (k == sizeof KNOWN / sizeof KNOWN[0]) {
            cli_error("unknown option '%s' (see --help)", a);
            return -1;
        }
        /* An option the command has no use for is refused, not ignored: the
         * command's help is the list of what it takes. */
        if (accepted && !names_option(accepted, KNOWN[k].name) &&
            !(KNOWN[k].alias && names_option(accepted, KNOWN[k].alias))) {
            char cmd[64];
            command_name(usage, cmd, sizeof cmd);
            cli_error("option '%s' is not used by '%s' (see '%s --help')", a, cmd, cmd);
            return -1;
        }
        if (!strcmp(a, "--explain")) { o->explain = 1; continue; }
        if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) { o->quiet = 1; o->progress = 0; continue; }
        if (!strcmp(a, "--progress")) { o->force_progress = 1; continue; }
        if (!strcmp(a, "--best-link")) { o->best_link = 1; continue; }
        if (!strcmp(a, "--one-to-one")) { o->one_to_one = 1; continue; }
        if (!strcmp(a, "--keep-outranked")) { o->keep_outranked = 1; continue; }
        if (!(v = need_value(argc, argv, &i))) return -1;
        if (!strcmp(a, "-o") || !strcmp(a, "--output")) o->output = v;
        else if (!strcmp(a, "--clusters")) o->clusters = v;
        else if (!strcmp(a, "--model")) o->model = v;
        else if (!strcmp(a, "--rejects")) o->rejects = v;
        else if (!strcmp(a, "--source")) {
            if (!v[0] || strpbrk(v, "\r\n")) {
                cli_error("--source takes a name without line breaks, not '%s'", v);
                return -1;
            }
            if (o->n_sources == CLI_MAX_LISTS) {
                cli_error("too many --source names (at most %d)", CLI_MAX_LISTS);
                return -1;
            }
            o->sources[o->n_sources++] = v;
        }
        else if (!strcmp(a, "--delimiter")) {
            /* "tab" because a tab is awkward to type in a shell; "auto" sniffs
             * one list's while another's is named */
            char d = !strcmp(v, "tab") ? '\t' : v[0] && !v[1] ? v[0] : 0;
            int sniff = !strcmp(v, "auto");
            if (!sniff && (!d || d == '"' || d == '\n' || d == '\r' || (unsigned char)d >= 0x80)) {
                cli_error("--delimiter takes one ASCII character (',' ';' '|'), 'tab' or 'auto', not '%s'", v);
                return -1;
            }
            if (o->n_delimiters == CLI_MAX_LISTS) {
                cli_error("too many --delimiter options (at most %d)", CLI_MAX_LISTS);
                return -1;
            }
            o->delimiters[o->n_delimiters++] = sniff ? 0 : d;
        }
        else if (!strcmp(a, "--truth")) o->truth = v;
        else if (!strcmp(a, "--labels")) o->labels = v;
        else if (!strcmp(a, "--format")) {
            if (strcmp(v, "csv") && strcmp(v, "jsonl")) {
                cli_error("--format takes csv or jsonl, not '%s'", v);
                return -1;
            }
            o->format = v;
        } else if (!strcmp(a, "--map")) {
            const char *eq = strchr(v, '=');
            if (!eq || eq == v || !eq[1]) {
                cli_error("--map takes ROLE=COLUMN, not '%s'", v);
                return -1;
            }
            if (o->n_maps == CLI_MAX_MAPS) {
                cli_error("too many --map options (at most %d)", CLI_MAX_MAPS);
                return -1;
            }
            o->maps[o->n_maps++] = v;
        } else if (!strcmp(a, "--threshold")) {
            char *end;
            double t = strtod(v, &end);
            if (*end || end == v || !(t >= 0.0 && t <= 1.0)) {
                cli_error("--threshold takes a probability between 0 and 1, not '%s'", v);
                return -1;
            }
            o->threshold = t;
        } else if (!strcmp(a, "--max-partners")) {
            char *end;
            errno = 0;
            unsigned long long v2 = strtoull(v, &end, 10);
            if (errno || *end || end == v || v2 == 0) {
                cli_error("--max-partners takes a whole number above 0, not '%s'", v);
                return -1;
            }
            o->max_partners = (size_t)v2;
        } else if (!strcmp(a, "--reference-year")) {
            char *end;
            errno = 0;
            long y = strtol(v, &end, 10);
            if (errno || *end || end == v || y < 1900 || y > 2100) {
                cli_error("--reference-year takes a year from 1900 to 2100, not '%s'", v);
                return -1;
            }
            o->reference_year = (int)y;
        } else if (!strcmp(a, "--threads")) {
            if (parse_int(v, &o->threads) != 0) {
                cli_error("--threads takes a whole number from 0 to 4096, not '%s'", v);
                return -1;
            }
        } else {
            cli_error("unknown option '%s' (see --help)", a);
            return -1;
        }
    }
    /* --progress: also when stderr is not a terminal (one line per stage);
     * --quiet wins. */
    if (o->force_progress && !o->quiet) o->progress = isatty(2) ? 1 : 2;
    const char *outs[] = { o->output, o->clusters, o->rejects };
    const char *names[] = { "-o", "--clusters", "--rejects" };
    for (size_t k = 0; k < 3; k++)
        if (outs[k] && cli_check_output(o, names[k], outs[k]) != 0) return -1;
    return 0;
}

/* Is a the file b (both exist: the same device and inode, whatever the path,
 * symlink or hard link), or the same path as written? */
static int same_file(const char *a, const char *b)
{
    if (!strcmp(a, b)) return 1;
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int cli_check_output(const cli_opts *o, const char *option, const char *path)
{
    if (!strcmp(path, "-")) return 0;
    /* An output is written to a temporary file and renamed over its path when
     * the run succeeds: were the path one of the inputs, the list would be
     * replaced by the run's pairs and lost. */
    for (size_t i = 0; i < o->n_lists; i++)
        if (strcmp(o->lists[i], "-") && same_file(path, o->lists[i])) {
            cli_error("%s %s is the input list %s: writing there would replace the list (name another file)",
                      option, path, o->lists[i]);
            return -1;
        }
    const char *ins[] = { o->truth, o->labels };
    for (size_t i = 0; i < 2; i++)
        if (ins[i] && same_file(path, ins[i])) {
            cli_error("%s %s is also an input of this run (name another file)", option, path);
            return -1;
        }
    const char *outs[] = { o->output, o->clusters, o->rejects };
    const char *names[] = { "-o", "--clusters", "--rejects" };
    for (size_t k = 0; k < 3; k++)
        if (outs[k] && outs[k] != path && strcmp(outs[k], "-") && same_file(path, outs[k])) {
            cli_error("%s and %s both name %s: one would overwrite the other", names[k], option, path);
            return -1;
        }
    return 0;
}

/* ---- rejects file ---- */
typedef struct {
    FILE *f;
} reject_sink;

static void on_reject(void *user, const char *file, long line, const char *reason,
                      const char *raw, size_t raw_len)
{
    reject_sink *s = user;
    if (!s->f) return;
    cli_csv_field(s->f, file);
    fprintf(s->f, ",%ld,", line);
    cli_csv_field(s->f, reason);
    fputc(',', s->f);
    cli_csv_field_n(s->f, raw, raw_len); /* the row's exact bytes, NUL bytes included */
    fputc('\n', s->f);
}

/* The folder a list is in, resolved (realpath: `./x.csv` names its folder,
 * `a/../b/x.csv` is b), or as written when it cannot be resolved; "" for
 * standard input. */
static void list_dir(const char *path, char *out, size_t cap)
{
    out[0] = '\0';
    if (!strcmp(path, "-")) return;
    const char *slash = strrchr(path, '/');
    char dir[PATH_MAX];
    if (!slash) snprintf(dir, sizeof dir, ".");
    else snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    char real[PATH_MAX];
    snprintf(out, cap, "%s", realpath(dir, real) ? real : dir);
}

/* The name of a list at a level of qualification: 0 its file name without
 * extension (stem); 1..depth that stem after the last `level` folders of dir
 * ("eu/individuals"); depth+1..2*depth the file name with its extension after
 * them ("d/list.tsv": two lists in one folder with one stem). A name longer
 * than fits is "" (not usable). */
static void qualified(const char *dir, const char *file, const char *stem, int level, int depth, char *out,
                      size_t cap)
{
    const char *leaf = stem;
    if (level > depth) {
        const char *slash = strrchr(file, '/');
        leaf = slash ? slash + 1 : file;
        level -= depth;
    }
    const char *start = dir + strlen(dir);
    for (int k = 0; k < level && start > dir; k++) {
        while (start > dir && start[-1] == '/') start--;
        while (start > dir && start[-1] != '/') start--;
    }
    while (*start == '/') start++;
    int n = level && *start ? snprintf(out, cap, "%s/%s", start, leaf) : snprintf(out, cap, "%s", leaf);
    if (n < 0 || (size_t)n >= cap) out[0] = '\0';
}

static int count_folders(const char *dir)
{
    int n = 0;
    for (const char *p = dir; *p; p++)
        if (*p != '/' && (p == dir || p[-1] == '/')) n++;
    return n;
}

int cli_source_qualified(const char *path, int level, char *out, size_t cap)
{
    char stem[100], dir[PATH_MAX];
    out[0] = '\0';
    if (!strcmp(path, "-")) return -1;
    wl_list_source_name(path, stem, sizeof stem);
    list_dir(path, dir, sizeof dir);
    int depth = count_folders(dir);
    if (level < 1 || level > 2 * depth) return -1;
    qualified(dir, path, stem, level, depth, out, cap);
    return 0;
}

/* The source name of every list: its --source, else its file name without
 * extension. Two lists with one file name (ofac/individuals.csv and
 * eu/individuals.csv) are both named after their folders too: ofac/individuals
 * and eu/individuals, folders added until the names differ (then the file name
 * with its extension). They were once told apart by argument order
 * (individuals, individuals-2), and the u pool, drawn by a hash of source and
 * id, came out different when the lists were swapped: 1,651 pairs one way,
 * 1,597 the other. The names depend on the lists, never on their order. Only
 * one file given twice (no folder tells the copies apart, and their records
 * are the same) becomes "c", "c-2" in order. Names given with --source are
 * kept as given (the same name twice means one source). */
int cli_source_names(const cli_opts *o, char (*names)[128])
{
    if (o->n_sources > o->n_lists) {
        cli_error("%zu --source names for %zu lists", o->n_sources, o->n_lists);
        return -1;
    }
    size_t n = o->n_lists;
    enum { CAP = 116 }; /* room for "-NNN" within names[i] */
    static char stem[CLI_MAX_LISTS][100], dir[CLI_MAX_LISTS][PATH_MAX];
    for (size_t i = 0; i < n; i++) {
        stem[i][0] = dir[i][0] = '\0';
        if (i < o->n_sources) {
            snprintf(names[i], sizeof names[i], "%s", o->sources[i]);
            continue;
        }
        wl_list_source_name(o->lists[i], stem[i], sizeof stem[i]);
        list_dir(o->lists[i], dir[i], sizeof dir[i]);
        memcpy(names[i], stem[i], sizeof stem[i]);
    }
    /* Each group of lists sharing a stem (or whose stem is a --source name) takes
     * the first level at which its lists that are different files have
     * different names and none is a --source name. */
    for (size_t i = o->n_sources; i < n; i++) {
        size_t first = o->n_sources;
        while (first < i && strcmp(stem[first], stem[i])) first++;
        if (first < i) continue; /* the group was named with its first member */
        int depth = 0;
        for (size_t j = i; j < n; j++)
            if (!strcmp(stem[j], stem[i]) && count_folders(dir[j]) > depth) depth = count_folders(dir[j]);
        for (int level = 0; level <= 2 * depth; level++) {
            char a[CAP], b[CAP];
            int clash = 0;
            for (size_t j = i; j < n && !clash; j++) {
                if (strcmp(stem[j], stem[i])) continue;
                qualified(dir[j], o->lists[j], stem[j], level, depth, a, sizeof a);
                clash = !a[0];
                for (size_t k = 0; k < o->n_sources && !clash; k++) clash = !strcmp(a, names[k]);
                for (size_t k = j + 1; k < n && !clash; k++) {
                    if (strcmp(stem[k], stem[i])) continue;
                    qualified(dir[k], o->lists[k], stem[k], level, depth, b, sizeof b);
                    const char *fj = strrchr(o->lists[j], '/'), *fk = strrchr(o->lists[k], '/');
                    int same_file = !strcmp(dir[j], dir[k]) && !strcmp(fj ? fj + 1 : o->lists[j], fk ? fk + 1 : o->lists[k]);
                    clash = !same_file && !strcmp(a, b);
                }
            }
            if (clash && level < 2 * depth) continue;
            for (size_t j = i; j < n && !clash; j++)
                if (!strcmp(stem[j], stem[i])) qualified(dir[j], o->lists[j], stem[j], level, depth, names[j], CAP);
            break;
        }
    }
    /* One file given twice (or a name still taken): "-2", "-3" ... in order. */
    for (size_t i = o->n_sources; i < n; i++) {
        char base[128];
        memcpy(base, names[i], sizeof base);
        for (unsigned k = 2;; k++) {
            size_t j = 0;
            while (j < n && (j == i || (j > i && j >= o->n_sources) || strcmp(names[j], names[i]))) j++;
            if (j == n) break;
            snprintf(names[i], sizeof names[i], "%.115s-%u", base, k);
        }
    }
    return 0;
}

/* Says so when a list's rows were read under a name that is not its file
 * name because another list has it (a source column's own names, and names
 * given with --source, need no note). */
static void source_note(const cli_opts *o, size_t i, const char *name, const wl_read_report *rep)
{
    const char *list = o->lists[i];
    char stem[100], other[100];
    wl_list_source_name(list, stem, sizeof stem);
    int shared = 0; /* the note's reason: a store's own name for a list is not it */
    for (size_t j = 0; j < o->n_lists && !shared; j++) {
        wl_list_source_name(o->lists[j], other, sizeof other);
        shared = j != i && !strcmp(stem, other);
    }
    if (shared && strcmp(name, stem) && !strcmp(rep->source, name))
        fprintf(stderr, "note: %s is read as source '%s': another list has the file name '%s' "
                        "(name lists with --source)\n", list, name, stem);
}

int cli_read_lists(const cli_opts *o, wl_dataset *ds, wl_read_report *reports)
{
    static char names[CLI_MAX_LISTS][128];
    if (cli_source_names(o, names) != 0) return EXIT_INPUT;
    return cli_read_named(o, (const char(*)[128])names, ds, reports);
}

char cli_list_delimiter(const cli_opts *o, size_t i)
{
    if (o->n_delimiters == 1) return o->delimiters[0];
    return i < o->n_delimiters ? o->delimiters[i] : 0;
}

int cli_read_named(const cli_opts *o, const char (*names)[128], wl_dataset *ds, wl_read_report *reports)
{
    /* Several --delimiter name one list each, as --source does; more than
     * lists is a mistake to say, not to ignore. */
    if (o->n_delimiters > 1 && o->n_delimiters > o->n_lists) {
        cli_error("%zu --delimiter options for %zu lists (one names every list; several, one list each)",
                  o->n_delimiters, o->n_lists);
        return EXIT_INPUT;
    }
    cli_out rej = { 0 };
    reject_sink sink = { NULL };
    if (o->rejects) {
        if (cli_out_open(&rej, o->rejects) != 0) return EXIT_INPUT;
        sink.f = rej.f;
        fputs("file,line,reason,row\n", sink.f);
    }
    if (wl_dataset_set_reference_year(ds, o->reference_year) != WL_OK) {
        cli_error("--reference-year takes a year from 1900 to 2100");
        return EXIT_INPUT;
    }
    wl_read_options ro = wl_read_default_options();
    ro.map = o->maps;
    ro.n_map = o->n_maps;
    ro.on_reject = on_reject;
    ro.user = &sink;
    size_t total_read = 0, total_ok = 0, total_bad = 0;
    if (o->progress) out_progress_mode(o->progress);
    for (size_t i = 0; i < o->n_lists; i++) {
        wl_read_report local, *rep = reports ? &reports[i] : &local;
        if (o->progress) out_progress(NULL, "read", i, o->n_lists);
        char err[512] = "";
        /* A --source name names every row; a file name only the rows that a
         * source column does not name (README, Input). */
        ro.source = i < o->n_sources ? names[i] : NULL;
        ro.default_source = i < o->n_sources ? NULL : names[i];
        ro.delimiter = cli_list_delimiter(o, i);
        wl_status st = wl_dataset_read(ds, o->lists[i], &ro, rep, err, sizeof err);
        if (st != WL_OK) {
            cli_error("%s", err[0] ? err : wl_strerror(st));
            if (o->rejects) cli_out_abort(&rej);
            return st == WL_NOMEM || st == WL_INTERNAL ? EXIT_INTERNAL : EXIT_INPUT;
        }
        total_read += rep->rows_read;
        total_ok += rep->accepted;
        total_bad += rep->rejected;
        /* A sniffed ';' or '|' is named: the user should see how the list was split. */
        char delim[32] = "";
        if (rep->delimiter != ',' && rep->delimiter != '\t')
            snprintf(delim, sizeof delim, " (delimiter '%c')", rep->delimiter);
        if (o->progress) out_progress_clear();
        if (!o->quiet)
            fprintf(stderr, "read %s: %zu row%s, %zu accepted, %zu rejected%s\n", o->lists[i],
                    rep->rows_read, rep->rows_read == 1 ? "" : "s", rep->accepted, rep->rejected, delim);
        if (!o->quiet && i >= o->n_sources) source_note(o, i, names[i], rep); /* --source named it */
        if (!o->quiet && rep->rejected && !o->rejects)
            for (size_t k = 0; k < rep->n_first_rejects && k < 3; k++)
                fprintf(stderr, "  rejected %s:%ld: %s\n", o->lists[i], rep->reject_line[k],
                        rep->reject_reason[k]);
    }
    if (!o->quiet && o->n_lists > 1)
        fprintf(stderr, "read %zu lists: %zu row%s, %zu accepted, %zu rejected\n", o->n_lists,
                total_read, total_read == 1 ? "" : "s", total_ok, total_bad);
    if (o->rejects && cli_out_commit(&rej) != 0) return EXIT_INPUT;
    return EXIT_OK;
}

void cli_csv_field(FILE *f, const char *s)
{
    if (s) cli_csv_field_n(f, s, strlen(s));
}

void cli_csv_field_n(FILE *f, const char *s, size_t n) { wl_csv_write_field(f, s, n); }

void cli_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c == '\n') fputs("\\n", f);
        else if (c == '\r') fputs("\\r", f);
        else if (c == '\t') fputs("\\t", f);
        else if (c < 0x20) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}
