/* cmd_encode.c -- `watchlink encode`: a list to keyed Bloom-filter encodings
 * (engine/src/pprl), and `watchlink match` over two encoded files
 * (cli_match_encoded, called by cmd_match.c when both inputs are encoded). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char ENCODE_USAGE[] =
    "Usage: watchlink encode LIST --schema SCHEMA.json --key-file KEY [-o ENCODED] [OPTIONS]\n"
    "Writes one keyed Bloom-filter encoding (CLK) per record: id, source, the filter\n"
    "and keyed blocking keys, for linking with a partner who holds the same key and\n"
    "schema, without exchanging names (see docs/privacy.md).\n\n"
    "Options:\n"
    "  --schema FILE        the encoding schema (JSON); 'default' for the built-in one\n"
    "  --print-schema       print the built-in schema and exit (a start for your own)\n"
    "  --key-file FILE      the shared secret (at least 16 bytes; 'openssl rand -hex 32 > KEY')\n"
    "  -o, --output FILE    write the encodings to FILE (atomically) instead of standard output\n"
    "  --map ROLE=COLUMN    map a column to a role (repeatable)\n"
    "  --source NAME        name the list's source (default: the file name)\n"
    "  --delimiter C        field delimiter: , ; | or tab (default: sniffed);\n"
    "                       once: every list's; repeated: one list's each, in order\n"
    "                       (like --source; 'auto' sniffs that list's)\n"
    "  --rejects FILE       write every rejected input row with its line and reason\n"
    "  --reference-year Y   the year two-digit birth years are read against (default 2025)\n"
    "  --threads N          worker threads (default: all cores); output is the same for any N\n"
    "  -q, --quiet          no summary\n"
    "Exit status: 0 success, 1 bad input or usage, 2 internal error.\n";

/* Takes --schema, --key-file and --print-schema out of argv (cli_parse knows the rest). */
static int take_encode_options(int argc, char **argv, char **rest, int *n_rest, const char **schema,
                               const char **key, int *print)
{
    *n_rest = 0;
    for (int i = 0; i < argc; i++) {
        int is_schema = i > 0 && !strcmp(argv[i], "--schema"), is_key = i > 0 && !strcmp(argv[i], "--key-file");
        if (i > 0 && !strcmp(argv[i], "--print-schema")) {
            *print = 1;
            continue;
        }
        if (is_schema || is_key) {
            if (i + 1 >= argc) {
                cli_error("option %s needs a value", argv[i]);
                return -1;
            }
            *(is_schema ? schema : key) = argv[++i];
            continue;
        }
        rest[(*n_rest)++] = argv[i];
    }
    rest[*n_rest] = NULL;
    return 0;
}

static wl_pprl_schema *load_schema(const char *path)
{
    char err[512] = "";
    wl_pprl_schema *s = !strcmp(path, "default")
                            ? wl_pprl_schema_parse(wl_pprl_default_schema(), strlen(wl_pprl_default_schema()),
                                                   "default schema", err, sizeof err)
                            : wl_pprl_schema_load(path, err, sizeof err);
    if (!s) cli_error("%s", err);
    return s;
}

static int encode_list(const cli_opts *o, const wl_pprl_schema *schema, const uint8_t *key, size_t klen)
{
    wl_dataset *ds = wl_dataset_create();
    if (!ds) {
        cli_error("out of memory");
        return EXIT_INTERNAL;
    }
    int rc = cli_read_lists(o, ds, NULL);
    wl_features *f = rc == EXIT_OK ? wl_features_build(ds, o->threads) : NULL;
    wl_encoded *e = NULL;
    char err[512] = "";
    if (rc == EXIT_OK && !f) {
        cli_error("out of memory normalising the list");
        rc = EXIT_INTERNAL;
    }
    if (rc == EXIT_OK) {
        wl_status st = wl_pprl_encode(f, schema, key, klen, o->threads, &e, err, sizeof err);
        if (st != WL_OK) {
            cli_error("%s", err[0] ? err : wl_strerror(st));
            rc = st == WL_USAGE ? EXIT_INPUT : EXIT_INTERNAL;
        }
    }
    cli_out out;
    if (rc == EXIT_OK && cli_out_open(&out, o->output) != 0) rc = EXIT_INPUT;
    else if (rc == EXIT_OK) {
        wl_encoded_write(e, out.f);
        if (cli_out_commit(&out) != 0) rc = EXIT_INPUT;
    }
    if (rc == EXIT_OK && !o->quiet)
        fprintf(stderr, "encoded %zu records: %zu-bit filters, schema %s, key %s\n", wl_encoded_size(e),
                wl_encoded_bits(e), wl_encoded_schema_fingerprint(e), wl_encoded_key_fingerprint(e));
    wl_encoded_free(e);
    wl_features_free(f);
    wl_dataset_free(ds);
    return rc;
}

int cmd_encode(int argc, char **argv)
{
    const char *schema_path = NULL, *key_path = NULL;
    int print = 0, n_rest = 0;
    char **rest = malloc(((size_t)argc + 1) * sizeof *rest);
    cli_opts o;
    if (!rest) {
        cli_error("out of memory");
        return EXIT_INTERNAL;
    }
    int p = take_encode_options(argc, argv, rest, &n_rest, &schema_path, &key_path, &print);
    if (p == 0) p = cli_parse_strict(n_rest, rest, &o, ENCODE_USAGE, ENCODE_USAGE);
    free(rest);
    if (p == -2) return EXIT_OK;
    if (p != 0) return EXIT_INPUT;
    if (print) {
        fputs(wl_pprl_default_schema(), stdout);
        return EXIT_OK;
    }
    if (o.n_lists != 1 || !schema_path || !key_path) {
        cli_error("encode takes one list, --schema and --key-file (see 'watchlink encode --help')");
        return EXIT_INPUT;
    }
    wl_pprl_schema *schema = load_schema(schema_path);
    if (!schema) return EXIT_INPUT;
    uint8_t key[WL_PPRL_KEY_MAX];
    size_t klen = 0;
    char err[512] = "";
    if (wl_pprl_key_load(key_path, key, &klen, err, sizeof err) != WL_OK) {
        cli_error("%s", err);
        wl_pprl_schema_free(schema);
        return EXIT_INPUT;
    }
    int rc = encode_list(&o, schema, key, klen);
    memset(key, 0, sizeof key);
    wl_pprl_schema_free(schema);
    return rc;
}

/* ---- match over encodings ---- */

/* One pair; with fields (version 2 encodings) its probability and match weight
 * come first, as in the plain pipeline's pairs file, then the Dice. */
static void pair_out(FILE *f, const wl_encoded *l, size_t li, const wl_encoded *r, size_t ri,
                     const wl_pprl_pair *p, int fields, int jsonl)
{
    double dice = p->dice;
    if (jsonl) {
        fputs("{\"left_source\":", f);
        cli_json_string(f, wl_encoded_source(l, li));
        fputs(",\"left_id\":", f);
        cli_json_string(f, wl_encoded_id(l, li));
        fputs(",\"right_source\":", f);
        cli_json_string(f, wl_encoded_source(r, ri));
        fputs(",\"right_id\":", f);
        cli_json_string(f, wl_encoded_id(r, ri));
        if (fields) fprintf(f, ",\"probability\":%.6f,\"match_weight\":%.4f", p->prob, p->weight);
        fprintf(f, ",\"dice\":%.6f}\n", dice);
        return;
    }
    cli_csv_field(f, wl_encoded_source(l, li));
    fputc(',', f);
    cli_csv_field(f, wl_encoded_id(l, li));
    fputc(',', f);
    cli_csv_field(f, wl_encoded_source(r, ri));
    fputc(',', f);
    cli_csv_field(f, wl_encoded_id(r, ri));
    if (fields) fprintf(f, ",%.6f,%.4f", p->prob, p->weight);
    fprintf(f, ",%.6f\n", dice);
}

static int write_encoded_pairs(const cli_opts *o, const wl_encoded *a, const wl_encoded *b,
                               const wl_pprl_result *r)
{
    int jsonl = !strcmp(o->format, "jsonl");
    cli_out out;
    if (cli_out_open(&out, o->output) != 0) return EXIT_INPUT;
    int fields = wl_pprl_result_stats(r)->fields;
    if (!jsonl)
        fputs(fields ? "left_source,left_id,right_source,right_id,probability,match_weight,dice\n"
                     : "left_source,left_id,right_source,right_id,dice\n",
              out.f);
    for (size_t k = 0; k < wl_pprl_result_count(r); k++) {
        const wl_pprl_pair *p = wl_pprl_result_pair(r, k);
        if (p->a_first) pair_out(out.f, a, p->a, b, p->b, p, fields, jsonl);
        else pair_out(out.f, b, p->b, a, p->a, p, fields, jsonl);
    }
    if (cli_out_commit(&out) != 0) return EXIT_INPUT;
    if (!o->clusters) return EXIT_OK;
    cli_out cl;
    if (cli_out_open(&cl, o->clusters) != 0) return EXIT_INPUT;
    if (!jsonl) fputs("cluster_id,source,id\n", cl.f);
    for (size_t k = 0; k < wl_pprl_result_records(r); k++) {
        int in_b;
        size_t i = wl_pprl_result_record(r, k, &in_b);
        const wl_encoded *e = in_b ? b : a;
        if (jsonl) {
            fprintf(cl.f, "{\"cluster_id\":%zu,\"source\":", wl_pprl_result_cluster(r, k));
            cli_json_string(cl.f, wl_encoded_source(e, i));
            fputs(",\"id\":", cl.f);
            cli_json_string(cl.f, wl_encoded_id(e, i));
            fputs("}\n", cl.f);
        } else {
            fprintf(cl.f, "%zu,", wl_pprl_result_cluster(r, k));
            cli_csv_field(cl.f, wl_encoded_source(e, i));
            fputc(',', cl.f);
            cli_csv_field(cl.f, wl_encoded_id(e, i));
            fputc('\n', cl.f);
        }
    }
    return cli_out_commit(&cl) != 0 ? EXIT_INPUT : EXIT_OK;
}

int cli_match_encoded(const cli_opts *o)
{
    if (o->model || o->explain || o->best_link || o->rejects || o->n_maps || o->labels) {
        cli_error("encoded inputs take only -o, --clusters, --threshold, --one-to-one, "
                  "--keep-outranked, --format, --threads and --quiet");
        return EXIT_INPUT;
    }
    wl_encoded *e[2] = { NULL, NULL };
    char err[512] = "";
    for (int k = 0; k < 2; k++) {
        wl_status st = wl_encoded_read(o->lists[k], &e[k], err, sizeof err);
        if (st != WL_OK) {
            cli_error("%s", err);
            wl_encoded_free(e[0]);
            return st == WL_NOMEM ? EXIT_INTERNAL : EXIT_INPUT;
        }
    }
    wl_pprl_options opt = wl_pprl_default_options();
    opt.threads = o->threads;
    opt.one_to_one = o->one_to_one;
    opt.keep_outranked = o->keep_outranked;
    if (o->threshold >= 0) opt.threshold = o->threshold;
    wl_pprl_result *r = NULL;
    wl_status st = wl_pprl_link(e[0], e[1], &opt, &r, err, sizeof err);
    int rc = EXIT_OK;
    if (st != WL_OK) {
        cli_error("%s", err);
        rc = st == WL_NOMEM ? EXIT_INTERNAL : EXIT_INPUT;
    } else {
        rc = write_encoded_pairs(o, e[0], e[1], r);
    }
    if (rc == EXIT_OK && !o->quiet) {
        const wl_pprl_stats *s = wl_pprl_result_stats(r);
        fprintf(stderr,
                "encoded match: %zu x %zu records, %zu candidates compared, %zu pairs at %s >= %.3f, "
                "%zu outranked pairs dropped, %zu blocking keys skipped, %.2f s\n",
                wl_encoded_size(e[0]), wl_encoded_size(e[1]), s->candidates, s->pairs,
                s->fields ? "probability" : "Dice", s->threshold, s->outranked, s->skipped_keys, s->seconds);
        if (s->fields)
            fprintf(stderr, "field model: prior %.5f, %d EM iterations, %d field(s) at default m\n", s->prior,
                    s->em_iterations, s->em_fallback);
    }
    wl_pprl_result_free(r);
    wl_encoded_free(e[0]);
    wl_encoded_free(e[1]);
    return rc;
}
