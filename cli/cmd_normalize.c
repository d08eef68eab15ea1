/* cmd_normalize.c -- `watchlink normalize LIST... [-o FILE]`: the normalised
 * fields and keys of every record, one CSV row each, so a user can see what the
 * matcher sees (name parts with their flags, canonical spellings, phonetic codes,
 * skeletons, date readings, document keys, codes). */
#include <stdlib.h>

#include "output.h"

static const char g_usage[] =
    "Usage: watchlink normalize [OPTIONS] LIST...\n"
    "Reads the lists (CSV or TSV, optionally gzipped) and writes one CSV row per\n"
    "record with what the matcher sees:\n"
    "  names        parts, aliases after '|', flags in parentheses: p particle,\n"
    "               i initial, f family, g given, s split off a joined form\n"
    "  canonical    canonical spelling of each part (variants folded together)\n"
    "  phonetic     Double Metaphone codes (primary/alternate)\n"
    "  skeleton     consonant skeleton of each canonical part\n"
    "  dob          every reading as YYYY-MM-DD, YYYY-MM, YYYY or YYYY..YYYY with\n"
    "               [precision,flags]; an ambiguous day/month gives two readings\n"
    "  doc          OCR-folded document keys [check=ok|bad|none,country=ABC,\n"
    "               core=AS-WRITTEN when folding changed it]\n"
    "  nationality  ISO 3166-1 alpha-3 codes; gender M or F\n"
    "  place_of_birth, text   folded to lowercase Latin\n\n"
    "Options:\n"
    "  -o, --output FILE    write to FILE (atomically) instead of standard output\n"
    "  --map ROLE=COLUMN    give COLUMN the role ROLE (repeatable)\n"
    "  --source NAME        name the next list's source (repeatable, in list order)\n"
    "  --delimiter C        field delimiter: , ; | or tab (default: sniffed);\n"
    "                       once: every list's; repeated: one list's each, in order\n"
    "                       (like --source; 'auto' sniffs that list's)\n"
    "  --rejects FILE       write rejected rows to FILE\n"
    "  --threads N          worker threads (default: all cores; output is the same)\n"
    "  --reference-year Y   two-digit birth years (written or MRZ) are the latest year\n"
    "                       ending in them not after Y (default 2025, never today)\n"
    "  --progress           show progress also when standard error is not a terminal\n"
    "  -q, --quiet          no summary, no progress on standard error\n"
    "  -h, --help           this help\n"
    "Exit status: 0 success, 1 bad input or usage, 2 internal error.\n";

static int normalize(const cli_opts *o)
{
    wl_dataset *ds = wl_dataset_create();
    if (!ds) {
        cli_error("out of memory");
        return EXIT_INTERNAL;
    }
    int rc = cli_read_lists(o, ds, NULL);
    wl_features *f = NULL;
    if (rc == EXIT_OK && o->progress) out_progress(NULL, "normalise", 0, 1);
    if (rc == EXIT_OK && !(f = wl_features_build(ds, o->threads))) {
        cli_error("out of memory while normalising %zu records", wl_dataset_size(ds));
        rc = EXIT_INTERNAL;
    }
    out_progress_end();
    cli_out out;
    if (rc == EXIT_OK && cli_out_open(&out, o->output) != 0) rc = EXIT_INPUT;
    if (rc == EXIT_OK) {
        wl_status st = wl_features_write_csv(f, out.f);
        if (st != WL_OK) {
            cli_error("cannot write %s: %s", o->output ? o->output : "standard output", wl_strerror(st));
            cli_out_abort(&out);
            rc = EXIT_INPUT;
        } else if (cli_out_commit(&out) != 0) {
            rc = EXIT_INPUT;
        }
    }
    if (rc == EXIT_OK && !o->quiet) fprintf(stderr, "normalised %zu record%s\n", wl_dataset_size(ds), wl_dataset_size(ds) == 1 ? "" : "s");
    wl_features_free(f);
    wl_dataset_free(ds);
    return rc;
}

/* Declared in main.c's dispatch table; repeated here for -Wmissing-prototypes. */
int cmd_normalize(int argc, char **argv);

int cmd_normalize(int argc, char **argv)
{
    cli_opts o;
    int rc = cli_parse_strict(argc, argv, &o, g_usage, g_usage);
    if (rc == -2) return EXIT_OK;
    if (rc != 0) return EXIT_INPUT;
    if (o.n_lists == 0) {
        cli_error("normalize needs at least one LIST (see 'watchlink normalize --help')");
        return EXIT_INPUT;
    }
    return normalize(&o);
}
