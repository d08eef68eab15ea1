/* cmd_inspect.c -- `watchlink inspect LIST...`: what was read from each list,
 * which column got which role, how full each role is, and the first rejected
 * rows with their line and reason. Reading only; no matching. */
#include <stdlib.h>
#include <string.h>

#include "output.h"

static const char g_usage[] =
    "Usage: watchlink inspect [OPTIONS] LIST...\n"
    "Reads each list (CSV or TSV, optionally gzipped) and reports rows read,\n"
    "accepted and rejected, the role of every column, the fill rate of each role\n"
    "and the first rejected rows (file:line: reason).\n\n"
    "Options:\n"
    "  --map ROLE=COLUMN   give COLUMN the role ROLE (repeatable; ROLE 'ignore' drops it)\n"
    "  --source NAME       name the next list's source (repeatable, in list order)\n"
    "  --delimiter C       field delimiter: , ; | or tab (default: sniffed);\n"
    "                      once: every list's; repeated: one list's each, in order\n"
    "                      (like --source; 'auto' sniffs that list's)\n"
    "  --rejects FILE      write every rejected row to FILE (CSV: file,line,reason,row)\n"
    "  -o, --output FILE   write the report to FILE instead of standard output\n"
    "  --format jsonl      one JSON object per list instead of text\n"
    "  --reference-year Y  two-digit years of birth read up to year Y (default 2025);\n"
    "                      a date of birth after it is a warning\n"
    "  --progress          show progress also when standard error is not a terminal\n"
    "  -q, --quiet         no summary, no progress on standard error\n"
    "  -h, --help          this help\n\n"
    "Roles: id source full_name given_name middle_name family_name alias dob gender\n"
    "       nationality doc_number doc_type doc_country place_of_birth mrz text\n"
    "Exit status: 0 the lists were read (even with rejected rows), 1 usage or a bad\n"
    "file, 2 internal error.\n";

static double percent(size_t part, size_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

static void print_columns(FILE *f, const wl_read_report *r)
{
    size_t shown = r->n_columns < WL_REPORT_MAX_COLUMNS ? r->n_columns : WL_REPORT_MAX_COLUMNS;
    fprintf(f, "  columns: %zu\n", r->n_columns);
    for (size_t k = 0; k < shown; k++) {
        const char *role = r->column_role[k] >= 0 ? wl_role_name((wl_role)r->column_role[k]) : NULL;
        fprintf(f, "    %-24s -> %s\n", r->column_name[k][0] ? r->column_name[k] : "(blank)",
                role ? role : "ignored");
    }
    if (shown < r->n_columns) fprintf(f, "    ... %zu more columns not shown\n", r->n_columns - shown);
}

/* A role is listed when a column has it or a row filled it. */
static int role_present(const wl_read_report *r, int role)
{
    if (r->filled[role]) return 1;
    for (size_t k = 0; k < r->n_columns && k < WL_REPORT_MAX_COLUMNS; k++)
        if (r->column_role[k] == role) return 1;
    return 0;
}

static void print_fill(FILE *f, const wl_read_report *r)
{
    fprintf(f, "  fill rate (of accepted rows):\n");
    for (int role = 0; role < WL_ROLE_COUNT; role++) {
        if (!role_present(r, role)) continue;
        fprintf(f, "    %-16s %6.1f%%  (%zu)\n", wl_role_name((wl_role)role),
                percent(r->filled[role], r->accepted), r->filled[role]);
    }
}

static void print_rejects(FILE *f, const char *list, const wl_read_report *r)
{
    if (!r->rejected) return;
    fprintf(f, "  rejected rows (first %zu of %zu):\n", r->n_first_rejects, r->rejected);
    for (size_t k = 0; k < r->n_first_rejects; k++)
        fprintf(f, "    %s:%ld: %s\n", list, r->reject_line[k], r->reject_reason[k]);
}

/* Records of each list with no usable name after normalisation (an MRZ that
 * does not parse, a name of dashes): the fill rate counts their name cell as
 * filled, but the matcher sees no name. Without a document they are paired
 * with nothing (a date of birth alone identifies no one). */
typedef struct {
    size_t unnamed, unnamed_no_doc;
    char first[3][64]; /* ids of the first ones */
    /* Dates of birth: a filled cell is not a date. 'unknown', 31/02/1985,
     * 0000-00-00 and 9999-12-31 counted as filled in the fill rate. */
    size_t dob_read, dob_year_only, dob_future, dob_placeholder;
    int reference_year;
} name_check;

static name_check g_none; /* for a report without its check */

static void print_unnamed(FILE *f, const name_check *n)
{
    if (!n->unnamed) return;
    fprintf(f, "  no usable name after normalisation: %zu record%s (", n->unnamed, n->unnamed == 1 ? "" : "s");
    for (size_t k = 0; k < n->unnamed && k < 3; k++) fprintf(f, "%sid %s", k ? ", " : "", n->first[k]);
    fprintf(f, "%s); %zu without a document number, paired with nothing\n", n->unnamed > 3 ? ", ..." : "",
            n->unnamed_no_doc);
}

static void print_dob(FILE *f, const wl_read_report *r, const name_check *n)
{
    size_t filled = r->filled[WL_ROLE_DOB];
    if (!filled) return;
    size_t not_date = filled > n->dob_read + n->dob_placeholder ? filled - n->dob_read - n->dob_placeholder : 0;
    fprintf(f, "  dob: %zu filled, %zu read as a date (%zu of them year only: 1 January or 00/00), "
               "%zu placeholder%s (0000-00-00, 9999-12-31...), %zu not a date (unreadable or impossible)\n",
            filled, n->dob_read, n->dob_year_only, n->dob_placeholder, n->dob_placeholder == 1 ? "" : "s",
            not_date);
    if (n->dob_future)
        fprintf(f, "  warning: %zu date%s of birth after the reference year %d (--reference-year)\n",
                n->dob_future, n->dob_future == 1 ? "" : "s", n->reference_year);
}

static void print_report(FILE *f, const char *list, const wl_read_report *r, const name_check *n)
{
    fprintf(f, "%s\n", list);
    fprintf(f, "  source: %s%s\n", r->source, r->gzip ? " (gzip)" : "");
    if (r->delimiter != ',') fprintf(f, "  delimiter: %s\n", r->delimiter == '\t' ? "tab" : (char[]){ '\'', r->delimiter, '\'', 0 });
    fprintf(f, "  rows read: %zu  accepted: %zu  rejected: %zu\n", r->rows_read, r->accepted, r->rejected);
    print_columns(f, r);
    print_fill(f, r);
    print_dob(f, r, n);
    print_unnamed(f, n);
    print_rejects(f, list, r);
}

/* ---- JSON Lines: the same report for programs ---- */
static void json_columns(FILE *f, const wl_read_report *r)
{
    size_t shown = r->n_columns < WL_REPORT_MAX_COLUMNS ? r->n_columns : WL_REPORT_MAX_COLUMNS;
    fputs(",\"columns\":[", f);
    for (size_t k = 0; k < shown; k++) {
        fputs(k ? ",{\"name\":" : "{\"name\":", f);
        cli_json_string(f, r->column_name[k]);
        fputs(",\"role\":", f);
        if (r->column_role[k] >= 0)
            cli_json_string(f, wl_role_name((wl_role)r->column_role[k]));
        else
            fputs("null", f);
        fputc('}', f);
    }
    fputc(']', f);
}

static void json_fill(FILE *f, const wl_read_report *r)
{
    fputs(",\"filled\":{", f);
    int first = 1;
    for (int role = 0; role < WL_ROLE_COUNT; role++) {
        if (!role_present(r, role)) continue;
        fprintf(f, "%s\"%s\":{\"rows\":%zu,\"percent\":%.1f}", first ? "" : ",", wl_role_name((wl_role)role),
                r->filled[role], percent(r->filled[role], r->accepted));
        first = 0;
    }
    fputc('}', f);
}

static void json_report(FILE *f, const char *list, const wl_read_report *r, const name_check *n)
{
    fputs("{\"list\":", f);
    cli_json_string(f, list);
    fputs(",\"source\":", f);
    cli_json_string(f, r->source);
    fprintf(f, ",\"gzip\":%s,\"rows_read\":%zu,\"accepted\":%zu,\"rejected\":%zu", r->gzip ? "true" : "false",
            r->rows_read, r->accepted, r->rejected);
    json_columns(f, r);
    json_fill(f, r);
    fprintf(f, ",\"no_usable_name\":%zu,\"no_usable_name_no_document\":%zu", n->unnamed, n->unnamed_no_doc);
    size_t dob_filled = r->filled[WL_ROLE_DOB];
    size_t bad = n->dob_read + n->dob_placeholder;
    fprintf(f, ",\"dob\":{\"filled\":%zu,\"read\":%zu,\"year_only\":%zu,\"placeholder\":%zu,\"unreadable\":%zu,"
               "\"future\":%zu}",
            dob_filled, n->dob_read, n->dob_year_only, n->dob_placeholder, dob_filled > bad ? dob_filled - bad : 0,
            n->dob_future);
    fputs(",\"first_rejects\":[", f);
    for (size_t k = 0; k < r->n_first_rejects; k++) {
        fprintf(f, "%s{\"line\":%ld,\"reason\":", k ? "," : "", r->reject_line[k]);
        cli_json_string(f, r->reject_reason[k]);
        fputc('}', f);
    }
    fputs("]}\n", f);
}

/* Reads the lists into ds; ok[i] says whether list i was read. Without
 * --rejects each list is read on its own, so one bad list does not hide the
 * reports of the others; with --rejects they are read in one go (the rejects
 * file is written whole or not at all). @return the worst exit code. */
static int read_lists(const cli_opts *o, wl_dataset *ds, wl_read_report *reps, int *ok)
{
    /* The report says everything; the per-list stderr summary would repeat it. */
    cli_opts one = *o;
    one.quiet = 1;
    if (o->rejects) {
        int rc = cli_read_lists(&one, ds, reps);
        for (size_t i = 0; i < o->n_lists; i++)
            ok[i] = rc == EXIT_OK;
        return rc;
    }
    static char names[CLI_MAX_LISTS][128];
    if (cli_source_names(o, names) != 0) return EXIT_INPUT;
    int worst = EXIT_OK;
    for (size_t i = 0; i < o->n_lists; i++) {
        one.lists[0] = o->lists[i];
        one.n_lists = 1;
        one.n_sources = i < o->n_sources; /* named as in one go: unique, --source in order */
        one.delimiters[0] = cli_list_delimiter(o, i);
        one.n_delimiters = 1;
        int rc = cli_read_named(&one, (const char(*)[128])&names[i], ds, &reps[i]);
        ok[i] = rc == EXIT_OK;
        if (rc > worst) worst = rc;
    }
    return worst;
}

/* A date-of-birth cell that is a stand-in for "unknown", not a failed date:
 * digits and separators only, with the year 0000 or 9999 (0000-00-00,
 * 00/00/0000, 9999-12-31) or no digit other than 0. */
static int dob_placeholder(const char *s)
{
    int run = 0, zeros = 1, digits = 0;
    char year[5] = "";
    for (const char *p = s; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            digits++;
            zeros &= *p == '0';
            if (run < 4) year[run] = *p;
            run++;
            continue;
        }
        if (!strchr("-/. ", *p)) return 0;
        if (run == 4 && (!strcmp(year, "0000") || !strcmp(year, "9999"))) return 1;
        run = 0;
        memset(year, 0, sizeof year);
    }
    return digits && (zeros || (run == 4 && (!strcmp(year, "0000") || !strcmp(year, "9999"))));
}

/* Normalises what was read and counts, per list, the records without a usable
 * name. @return 0, or -1 when out of memory. */
static int check_names(const cli_opts *o, const wl_dataset *ds, const wl_read_report *reps, const int *ok,
                       name_check *nc)
{
    wl_features *f = wl_features_build(ds, o->threads);
    if (!f) return -1;
    /* The lists' records follow each other in the dataset, in list order (a
     * list that failed left none). */
    size_t i = 0;
    for (size_t l = 0; l < o->n_lists; l++) {
        if (!ok[l]) continue;
        name_check *n = &nc[l];
        n->reference_year = wl_dataset_reference_year(ds);
        for (size_t end = i + reps[l].accepted; i < end && i < wl_dataset_size(ds); i++) {
            int placeholder, year = wl_features_dob(f, i, &placeholder);
            n->dob_read += year != 0;
            const char *cell = year ? NULL : wl_dataset_value(ds, i, WL_ROLE_DOB, 0);
            n->dob_placeholder += cell && dob_placeholder(cell);
            n->dob_year_only += year != 0 && placeholder;
            n->dob_future += year > n->reference_year;
            if (wl_features_has_name(f, i)) continue;
            if (n->unnamed < 3) snprintf(n->first[n->unnamed], sizeof n->first[0], "%s", wl_dataset_id(ds, i));
            n->unnamed++;
            n->unnamed_no_doc += !wl_features_has_document(f, i);
        }
    }
    wl_features_free(f);
    return 0;
}

static int write_reports(const cli_opts *o, const wl_read_report *reps, const int *ok, const name_check *nc)
{
    cli_out out;
    if (cli_out_open(&out, o->output) != 0) return EXIT_INPUT;
    int json = !strcmp(o->format, "jsonl"), first = 1;
    for (size_t i = 0; i < o->n_lists; i++) {
        if (!ok[i]) continue;
        if (json) {
            json_report(out.f, o->lists[i], &reps[i], nc ? &nc[i] : &g_none);
            continue;
        }
        if (!first) fputc('\n', out.f);
        print_report(out.f, o->lists[i], &reps[i], nc ? &nc[i] : &g_none);
        first = 0;
    }
    return cli_out_commit(&out) == 0 ? EXIT_OK : EXIT_INPUT;
}

static int inspect(const cli_opts *o)
{
    wl_dataset *ds = wl_dataset_create();
    wl_read_report *reps = calloc(o->n_lists, sizeof *reps);
    int *ok = calloc(o->n_lists, sizeof *ok);
    int rc = EXIT_INTERNAL;
    if (!ds || !reps || !ok) {
        cli_error("out of memory");
    } else {
        rc = read_lists(o, ds, reps, ok);
        name_check *nc = calloc(o->n_lists, sizeof *nc);
        if (o->progress) out_progress(NULL, "normalise", 0, 1);
        if (nc && check_names(o, ds, reps, ok, nc) != 0) {
            free(nc);
            nc = NULL;
        }
        out_progress_end();
        int wrc = nc ? write_reports(o, reps, ok, nc) : (cli_error("out of memory"), EXIT_INTERNAL);
        free(nc);
        if (wrc > rc) rc = wrc;
        if (rc == EXIT_OK && !o->quiet)
            fprintf(stderr, "inspected %zu list%s, %zu record%s\n", o->n_lists, o->n_lists == 1 ? "" : "s",
                    wl_dataset_size(ds), wl_dataset_size(ds) == 1 ? "" : "s");
    }
    wl_dataset_free(ds);
    free(reps);
    free(ok);
    return rc;
}

int cmd_inspect(int argc, char **argv)
{
    cli_opts o;
    int rc = cli_parse_strict(argc, argv, &o, g_usage, g_usage);
    if (rc == -2) return EXIT_OK;
    if (rc != 0) return EXIT_INPUT;
    if (o.n_lists == 0) {
        cli_error("inspect needs at least one LIST (see 'watchlink inspect --help')");
        return EXIT_INPUT;
    }
    return inspect(&o);
}
