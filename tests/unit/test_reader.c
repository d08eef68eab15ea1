/* test_reader.c -- wl_dataset_read on the small lists of tests/data/reader and on
 * gzip files made at test time: records and values, roles and overrides, every
 * reject reason with its line, whole-file errors, and the report. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <zlib.h>

#include "read/reader.h"
#include "read/reader_utf8.h"

/* ---- helpers ---- */
static char g_tmp[256];

static const char *data_path(const char *name)
{
    static char path[4096];
    const char *dir = getenv("WL_SOURCE_DIR");
    assert_non_null(dir); /* set by ctest; tests/data is part of the repository */
    snprintf(path, sizeof path, "%s/tests/data/reader/%s", dir, name);
    return path;
}

static const char *tmp_path(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", g_tmp, name);
    return path;
}

static int setup(void **state)
{
    (void)state;
    snprintf(g_tmp, sizeof g_tmp, "/tmp/wl_test_reader_XXXXXX");
    return mkdtemp(g_tmp) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_tmp);
    return system(cmd) == 0 ? 0 : -1;
}

/* Every rejected row seen by the callback. */
typedef struct {
    int n;
    long line[32];
    char reason[32][160];
    char raw[32][64];
} rejects;

static void on_reject(void *user, const char *file, long line, const char *reason, const char *raw,
                      size_t raw_len)
{
    rejects *r = user;
    assert_non_null(file);
    if (r->n < 32) {
        r->line[r->n] = line;
        snprintf(r->reason[r->n], sizeof r->reason[0], "%s", reason);
        size_t n = raw_len < sizeof r->raw[0] - 1 ? raw_len : sizeof r->raw[0] - 1;
        memcpy(r->raw[r->n], raw, n);
        r->raw[r->n][n] = '\0';
    }
    r->n++;
}

static wl_status read_file(wl_dataset *ds, const char *path, const wl_read_options *opt, wl_read_report *rep,
                           char *err)
{
    wl_status st = wl_dataset_read(ds, path, opt, rep, err, 512);
    assert_int_equal(rep->rows_read, rep->accepted + rep->rejected);
    return st;
}

static size_t find_record(const wl_dataset *ds, const char *id)
{
    for (size_t i = 0; i < wl_dataset_size(ds); i++)
        if (!strcmp(wl_dataset_id(ds, i), id)) return i;
    fail_msg("no record with id %s", id);
    return 0;
}

static void assert_value(const wl_dataset *ds, size_t i, wl_role role, size_t k, const char *want)
{
    const char *v = wl_dataset_value(ds, i, role, k);
    assert_non_null(v);
    assert_string_equal(v, want);
}

static void write_gz(const char *path, const char *data, size_t len)
{
    gzFile g = gzopen(path, "wb");
    assert_non_null(g);
    assert_int_equal(gzwrite(g, data, (unsigned)len), (int)len);
    assert_int_equal(gzclose(g), Z_OK);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = malloc(8 << 20);
    assert_non_null(buf);
    *len = fread(buf, 1, 8 << 20, f);
    fclose(f);
    return buf;
}

static void write_bytes(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

/* ---- good lists ---- */
static void test_basic_csv(void **state)
{
    (void)state;
    wl_dataset *ds = wl_dataset_create();
    wl_read_report rep;
    char err[512];
    assert_int_equal(read_file(ds, data_path("basic.csv"), NULL, &rep, err), WL_OK);
    assert_int_equal(rep.rows_read, 4); /* the blank line is not a row */
    assert_int_equal(rep.accepted, 4);
    assert_int_equal(rep.gzip, 0);
    assert_string_equal(rep.source, "basic");
    assert_int_equal(wl_dataset_size(ds), 4);

    size_t a = find_record(ds, "idn-1");
    assert_string_equal(wl_dataset_source(ds, a), "basic");
    assert_value(ds, a, WL_ROLE_GIVEN_NAME, 0, "Ahmad");
    assert_value(ds, a, WL_ROLE_FAMILY_NAME, 0, "Bin Ali");
    assert_int_equal(wl_dataset_count(ds, a, WL_ROLE_ALIAS), 2); /* "Mat; Amat" split */
    assert_value(ds, a, WL_ROLE_ALIAS, 0, "Mat");
    assert_value(ds, a, WL_ROLE_ALIAS, 1, "Amat");
    assert_value(ds, a, WL_ROLE_TEXT, 0, "12 Jalan \"Merdeka\"");
    assert_value(ds, a, WL_ROLE_TEXT, 1, "Medan"); /* address_1 and suburb: two cells */
    assert_int_equal(wl_dataset_count(ds, a, WL_ROLE_TEXT), 2);

    size_t b = find_record(ds, "idn-2");
    assert_int_equal(wl_dataset_count(ds, b, WL_ROLE_NATIONALITY), 2);
    assert_value(ds, b, WL_ROLE_NATIONALITY, 1, "MYS");
    assert_value(ds, b, WL_ROLE_TEXT, 0, "Block 5\nLevel 2");
    assert_int_equal(wl_dataset_count(ds, b, WL_ROLE_DOC_NUMBER), 0); /* empty: not stored */

    size_t c = find_record(ds, "idn-3");
    assert_value(ds, c, WL_ROLE_GIVEN_NAME, 0, "Budi"); /* trimmed */
    assert_value(ds, c, WL_ROLE_FAMILY_NAME, 0, "Santoso");
    assert_value(ds, c, WL_ROLE_DOC_NUMBER, 1, "C1111111");

    size_t d = find_record(ds, "idn-4");
    assert_value(ds, d, WL_ROLE_GIVEN_NAME, 0, "Nguyễn");
    assert_value(ds, d, WL_ROLE_TEXT, 0, "Hà Nội");

    /* columns and roles; occupation_code has none */
    assert_int_equal(rep.n_columns, 10);
    assert_string_equal(rep.column_name[3], "date_of_birth");
    assert_int_equal(rep.column_role[3], WL_ROLE_DOB);
    assert_int_equal(rep.column_role[9], -1);
    assert_int_equal(rep.filled[WL_ROLE_ID], 4);
    assert_int_equal(rep.filled[WL_ROLE_ALIAS], 1);
    assert_int_equal(rep.filled[WL_ROLE_DOC_NUMBER], 2);
    assert_int_equal(rep.filled[WL_ROLE_NATIONALITY], 3);
    assert_int_equal(rep.filled[WL_ROLE_DOB], 3);
    wl_dataset_free(ds);
}

static void test_tsv(void **state)
{
    (void)state;
    wl_dataset *ds = wl_dataset_create();
    wl_read_report rep;
    char err[512];
    assert_int_equal(read_file(ds, data_path("basic.tsv"), NULL, &rep, err), WL_OK);
    assert_int_equal(rep.accepted, 3);
    assert_int_equal(rep.column_role[1], WL_ROLE_FULL_NAME);
    assert_int_equal(rep.column_role[3], WL_ROLE_GENDER);
    assert_int_equal(rep.column_role[4], WL_ROLE_NATIONALITY);
    assert_int_equal(rep.column_role[5], WL_ROLE_DOC_NUMBER);
    assert_value(ds, find_record(ds, "th-2"), WL_ROLE_FULL_NAME, 0, "สมชาย ใจดี");
    assert_value(ds, find_record(ds, "th-3"), WL_ROLE_FULL_NAME, 0, "quoted, with comma");
    wl_dataset_free(ds);
}

static void test_bom_crlf_asean_headers(void **state)
{
    (void)state;
    wl_dataset *ds = wl_dataset_create();
    wl_read_report rep;
    char err[512];
    assert_int_equal(read_file(ds, data_path("bom_crlf.csv"), NULL, &rep, err), WL_OK);
    assert_int_equal(rep.accepted, 2);
    assert_string_equal(rep.column_name[0], "nama"); /* BOM gone */
    assert_int_equal(rep.column_role[0], WL_ROLE_FULL_NAME);
    assert_int_equal(rep.column_role[1], WL_ROLE_DOB);
    assert_int_equal(rep.column_role[2], WL_ROLE_NATIONALITY);
    assert_int_equal(rep.column_role[3], WL_ROLE_DOC_NUMBER);
    /* no id column: ids are the data row numbers */
    assert_value(ds, find_record(ds, "1"), WL_ROLE_DOC_NUMBER, 0, "A123"); /* no CR */
    assert_value(ds, find_record(ds, "2"), WL_ROLE_FULL_NAME, 0, "Siti\r\nbinti Omar");
    wl_dataset_free(ds);
}

static void test_header_only(void **state)
{
    (void)state;
    wl_dataset *ds = wl_dataset_create();
    wl_read_report rep;
    char err[512];
    assert_int_equal(read_file(ds, data_path("header_only.csv"), NULL, &rep, err), WL_OK);
    assert_int_equal(rep.rows_read, 0);
    assert_int_equal(rep.n_columns, 3);
    assert_int_equal(wl_dataset_size(ds), 0);
    wl_dataset_free(ds);
}

static void test_source_column_and_option(void **state)
{
    (void)state;
    wl_dataset *ds = wl_dataset_create();
    wl_read_report rep;
    char err[512];
    assert_int_equal(read_file(ds, data_path("source_col.csv"), NULL, &rep, err), WL_OK);
    assert_int_equal(rep.accepted, 3); /* id 1 twice, but in two sources */
    assert_string_equal(wl_dataset_source(ds, 0), "idn");
    assert_string_equal(wl_dataset_source(ds, 1), "mys");
    assert_string_equal(wl_dataset_source(ds, 2), "source_col"); /* empty cell: the file */
    wl_dataset_free(ds);

    ds = wl_dataset_create();
    wl_read_options opt = wl_read_default_options();
    opt.source = "task_force";
    assert_int_equal(read_file(ds, data_path("source_col.csv"), &opt, &rep, err), WL_OK);
    assert_int_equal(rep.accepted, 2); /* one source now: the second id 1 is a duplicate */
    assert_int_equal(rep.rejected, 1);
    assert_string_equal(rep.source, "task_force");
    assert_string_equal(wl_dataset_source(ds, 0), "task_force");
    assert_int_equal(wl_dataset_source_count(ds), 1);
    wl_dataset_free(ds);

    /* default_source (the command line's file name, made unique) names only
     * the rows the column does not: the column wins over it, not over source. */
    ds = wl_dataset_create();
    opt = wl_read_default_options();
    opt.default_source = "q/source_col";
    assert_int_equal(read_file(ds, data_path("source_col.csv"), &opt, &rep, err), WL_OK);
    assert_int_equal(rep.accepted, 3);
    assert_string_equal(wl_dataset_source(ds, 0), "idn");
    assert_string_equal(wl_dataset_source(ds, 1), "mys");
    assert_string_equal(wl_dataset_source(ds, 2), "q/source_col");
    assert_string_equal(rep.source, "idn and 2 more");
    wl_dataset_free(ds);
}

/* ---- rejected rows ---- */
static void test_bad_rows(void **state)
{
    (void)state;
    wl_dataset *ds = wl_dataset_create();
    wl_read_report rep;
    char err[512];
    rejects rj = {0};
    wl_read_options opt = wl_read_default_options();
    opt.on_reject = on_reject;
    opt.user = &rj;
    assert_int_equal(read_file(ds, data_path("bad_rows.csv"), &opt, &rep, err), WL_OK);
    assert_int_equal(rep.rows_read, 9);
    assert_int_equal(rep.accepted, 2);
    assert_int_equal(rep.rejected, 7);
    assert_int_equal(rj.n, 7);
    static const struct {
        long line;
        const char *reason;
    } want[] = {
        {3, "invalid UTF-8 in field 2 'name'"},
        {4, "NUL byte in field 2 'name'"},
        {5, "wrong field count: 5 fields, header has 4"},
        {6, "no name"},
        {7, "duplicate id '1'"},
        {8, "invalid UTF-8 in field 2 'name'"},
        {10, "unterminated quote"},
    };
    for (int k = 0; k < 7; k++) {
        assert_int_equal(rj.line[k], want[k].line);
        assert_int_equal(rep.reject_line[k], want[k].line);
        if (!strstr(rj.reason[k], want[k].reason)) fail_msg("line %ld: '%s'", rj.line[k], rj.reason[k]);
        assert_string_equal(rep.reject_reason[k], rj.reason[k]);
    }
    assert_string_equal(rj.raw[2], "4,Too,Many,Fields,Here");
    assert_string_equal(rj.raw[6], "8,\"Unterminated quote,1970,x");
    assert_int_equal(rep.n_first_rejects, 7);
    assert_string_equal(wl_dataset_value(ds, find_record(ds, "7"), WL_ROLE_FULL_NAME, 0), "Last Good");
    wl_dataset_free(ds);
}

/* A row with a document number but no name is kept; one with neither is not. */
static void test_document_without_name(void **state)
{
    (void)state;
    wl_dataset *ds = wl_dataset_create();
    wl_read_report rep;
    char err[512];
    wl_read_options opt = wl_read_default_options();
    assert_int_equal(read_file(ds, data_path("doc_only.csv"), &opt, &rep, err), WL_OK);
    assert_int_equal(rep.rows_read, 3);
    assert_int_equal(rep.accepted, 2);
    assert_int_equal(rep.rejected, 1);
    assert_int_equal(rep.reject_line[0], 3);
    assert_non_null(strstr(rep.reject_reason[0], "no name and no document number"));
    assert_string_equal(wl_dataset_value(ds, find_record(ds, "1"), WL_ROLE_DOC_NUMBER, 0), "A1234567");
    wl_dataset_free(ds);
}

static void test_field_limit_option(void **state)
{
    (void)state;
    wl_dataset *ds = wl_dataset_create();
    wl_read_report rep;
    char err[512];
    wl_read_options opt = wl_read_default_options();
    opt.max_field = 6;
    assert_int_equal(read_file(ds, data_path("basic.tsv"), &opt, &rep, err), WL_OK);
    assert_int_equal(rep.rejected, 3); /* every name is longer than 6 bytes */
    assert_non_null(strstr(rep.reject_reason[0], "field 2 'Full Name' longer than 6 bytes"));
    wl_dataset_free(ds);
}

/* Only the first WL_REPORT_MAX_REJECTS are kept; all are counted and called back. */
static void test_many_rejects(void **state)
{
    (void)state;
    char buf[4096];
    size_t n = (size_t)snprintf(buf, sizeof buf, "id,name\n");
    for (int i = 0; i < 25; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%d,\n", i);
    n += (size_t)snprintf(buf + n, sizeof buf - n, "99,Someone\n");
    wl_dataset *ds = wl_dataset_create();
    wl_read_report rep;
    rejects rj = {0};
    wl_read_options opt = wl_read_default_options();
    opt.on_reject = on_reject;
    opt.user = &rj;
    char err[256];
    assert_int_equal(wl_reader_read_mem(ds, "mem.csv", buf, n, &opt, &rep, err, sizeof err), WL_OK);
    assert_int_equal(rep.rows_read, 26);
    assert_int_equal(rep.rejected, 25);
    assert_int_equal(rj.n, 25);
    assert_int_equal(rep.n_first_rejects, WL_REPORT_MAX_REJECTS);
    assert_int_equal(rep.reject_line[WL_REPORT_MAX_REJECTS - 1], WL_REPORT_MAX_REJECTS + 1);
    wl_dataset_free(ds);
}

/* ---- whole-file errors ---- */
static void expect_error(const char *path, wl_status want, const char *msg)
{
    wl_dataset *ds = wl_dataset_create();
    wl_read_report rep;
    char err[512] = "";
    assert_int_equal(read_file(ds, path, NULL, &rep, err), want);
    if (!strstr(err, msg)) fail_msg("error '%s' lacks '%s'", err, msg);
    assert_non_null(strstr(err, strrchr(path, '/') + 1)); /* names the file */
    assert_int_equal(wl_dataset_size(ds), 0);
    wl_dataset_free(ds);
}

static void test_file_errors(void **state)
{
    (void)state;
    expect_error(data_path("empty.csv"), WL_FORMAT, "empty file");
    expect_error(data_path("blank_header.csv"), WL_FORMAT, "blank_header.csv:1: blank header");
    expect_error(data_path("no_name.csv"), WL_FORMAT, "no name column");
    expect_error(data_path("no_such_file.csv"), WL_IO, "cannot open");
    char dir[512];
    snprintf(dir, sizeof dir, "%s/adir", g_tmp);
    assert_int_equal(mkdir(dir, 0700), 0);
    expect_error(dir, WL_IO, "is a directory");
}

/* An Excel "Unicode Text" export: UTF-16LE, tab-separated, CRLF. */
static void test_utf16_file(void **state)
{
    (void)state;
    wl_dataset *ds = wl_dataset_create();
    wl_read_report rep;
    char err[512];
    assert_int_equal(read_file(ds, data_path("excel_utf16.txt"), NULL, &rep, err), WL_OK);
    assert_int_equal(rep.accepted, 2);
    assert_string_equal(rep.column_name[0], "rec_id");
    assert_int_equal(rep.column_role[2], WL_ROLE_DOB);
    assert_value(ds, find_record(ds, "1"), WL_ROLE_FULL_NAME, 0, "สมชาย ใจดี");
    assert_value(ds, find_record(ds, "2"), WL_ROLE_FULL_NAME, 0, "Nguyễn Văn An 😀");
    assert_value(ds, find_record(ds, "2"), WL_ROLE_DOB, 0, "1975"); /* no CR left */
    wl_dataset_free(ds);
}

static void test_map_option(void **state)
{
    (void)state;
    wl_dataset *ds = wl_dataset_create();
    wl_read_report rep;
    char err[512];
    const char *maps[] = {"full_name=colour"};
    wl_read_options opt = wl_read_default_options();
    opt.map = maps;
    opt.n_map = 1;
    assert_int_equal(read_file(ds, data_path("no_name.csv"), &opt, &rep, err), WL_OK);
    assert_value(ds, 0, WL_ROLE_FULL_NAME, 0, "red");
    const char *bad[] = {"full_name=shade"};
    opt.map = bad;
    assert_int_equal(read_file(ds, data_path("no_name.csv"), &opt, &rep, err), WL_USAGE);
    assert_non_null(strstr(err, "no_name.csv"));
    assert_non_null(strstr(err, "no column 'shade'"));
    const char *bad_role[] = {"colour=colour"};
    opt.map = bad_role;
    assert_int_equal(read_file(ds, data_path("no_name.csv"), &opt, &rep, err), WL_USAGE);
    assert_non_null(strstr(err, "unknown role 'colour'"));
    assert_int_equal(wl_dataset_size(ds), 1);
    wl_dataset_free(ds);
}

/* A list that fails half-way leaves the dataset as it was. */
static void test_rollback(void **state)
{
    (void)state;
    wl_dataset *ds = wl_dataset_create();
    wl_read_report rep;
    char err[512];
    assert_int_equal(read_file(ds, data_path("basic.csv"), NULL, &rep, err), WL_OK);
    size_t cut;
    char *raw = slurp(data_path("basic.csv"), &cut);
    const char *gz = tmp_path("basic_trunc.csv.gz");
    write_gz(gz, raw, cut);
    size_t zlen;
    char *z = slurp(gz, &zlen);
    write_bytes(gz, z, zlen - 12); /* drop the trailer and a little data */
    assert_int_equal(read_file(ds, gz, NULL, &rep, err), WL_IO);
    assert_non_null(strstr(err, "basic_trunc.csv.gz"));
    assert_non_null(strstr(err, "truncated"));
    assert_int_equal(wl_dataset_size(ds), 4);
    assert_int_equal(wl_dataset_source_count(ds), 1);
    /* the same list can be read again under another name: no stale duplicates */
    wl_read_options opt = wl_read_default_options();
    opt.source = "again";
    assert_int_equal(read_file(ds, data_path("basic.csv"), &opt, &rep, err), WL_OK);
    assert_int_equal(wl_dataset_size(ds), 8);
    free(z);
    free(raw);
    wl_dataset_free(ds);
}

/* ---- gzip ---- */
static void test_gzip(void **state)
{
    (void)state;
    size_t len;
    char *raw = slurp(data_path("basic.csv"), &len);
    /* recognised by its magic bytes: the name says .csv */
    const char *gz = tmp_path("zipped.csv");
    write_gz(gz, raw, len);
    wl_dataset *ds = wl_dataset_create();
    wl_read_report rep;
    char err[512];
    assert_int_equal(read_file(ds, gz, NULL, &rep, err), WL_OK);
    assert_int_equal(rep.gzip, 1);
    assert_int_equal(rep.accepted, 4);
    assert_string_equal(rep.source, "zipped");
    assert_value(ds, find_record(ds, "idn-2"), WL_ROLE_TEXT, 0, "Block 5\nLevel 2");
    wl_dataset_free(ds);

    /* two gzip members, as `cat a.gz b.gz` makes: both are read */
    char two[512];
    snprintf(two, sizeof two, "%s", tmp_path("two.tsv.gz"));
    size_t half = len / 2;
    while (raw[half - 1] != '\n')
        half--;
    write_gz(tmp_path("p1.gz"), raw, half);
    write_gz(tmp_path("p2.gz"), raw + half, len - half);
    size_t l1, l2;
    char *z1 = slurp(tmp_path("p1.gz"), &l1), *z2 = slurp(tmp_path("p2.gz"), &l2);
    char *cat = malloc(l1 + l2);
    memcpy(cat, z1, l1);
    memcpy(cat + l1, z2, l2);
    write_bytes(two, cat, l1 + l2);
    ds = wl_dataset_create();
    assert_int_equal(read_file(ds, two, NULL, &rep, err), WL_OK);
    assert_int_equal(rep.accepted, 4);
    assert_string_equal(rep.source, "two"); /* .gz, then .tsv stripped */
    wl_dataset_free(ds);

    /* corrupt deflate data */
    cat[l1 / 2] ^= 0x55;
    cat[l1 / 2 + 1] ^= 0xAA;
    write_bytes(two, cat, l1);
    ds = wl_dataset_create();
    wl_status st = read_file(ds, two, NULL, &rep, err);
    assert_true(st == WL_IO);
    assert_non_null(strstr(err, "two.tsv.gz"));
    assert_int_equal(wl_dataset_size(ds), 0);
    wl_dataset_free(ds);
    free(cat);
    free(z1);
    free(z2);
    free(raw);
}

static void test_source_names(void **state)
{
    (void)state;
    char out[64];
    wl_reader_source_name("lists/idn.csv.gz", out, sizeof out);
    assert_string_equal(out, "idn");
    wl_reader_source_name("/a/b/mys_2024.tsv", out, sizeof out);
    assert_string_equal(out, "mys_2024");
    wl_reader_source_name("plain", out, sizeof out);
    assert_string_equal(out, "plain");
    wl_reader_source_name("dir.d/.hidden", out, sizeof out);
    assert_string_equal(out, ".hidden");
    wl_reader_source_name("-", out, sizeof out);
    assert_string_equal(out, "stdin");
    wl_reader_source_name("abcdef.csv", out, 4);
    assert_string_equal(out, "abc");
}

static void test_wide_header_and_ids(void **state)
{
    (void)state;
    char buf[8192];
    size_t n = 0;
    for (int k = 0; k < 70; k++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%sc%d", k ? "," : "", k);

    n += (size_t)snprintf(buf + n, sizeof buf - n, ",name,id\n");
    for (int r = 0; r < 2; r++) {
        for (int k = 0; k < 70; k++)
            n += (size_t)snprintf(buf + n, sizeof buf - n, "v,");
        n += (size_t)snprintf(buf + n, sizeof buf - n, "Person %d,%s\n", r, r ? "  " : "x9");
    }
    wl_dataset *ds = wl_dataset_create();
    wl_read_report rep;
    char err[256];
    assert_int_equal(wl_reader_read_mem(ds, "wide.csv", buf, n, NULL, &rep, err, sizeof err), WL_OK);
    assert_int_equal(rep.n_columns, 72);
    assert_string_equal(rep.column_name[63], "c63");
    assert_int_equal(rep.accepted, 2);
    assert_string_equal(wl_dataset_id(ds, 0), "x9");
    assert_string_equal(wl_dataset_id(ds, 1), "@line:3"); /* blank id: its file line, prefixed */
    wl_dataset_free(ds);
}

/* A source column naming a new source on every row: lookups stay fast (a scan
 * per row would make this quadratic), and each row keeps its own source. */
static void test_many_sources(void **state)
{
    (void)state;
    size_t rows = 60000;
    char *buf = malloc(rows * 32 + 32);
    assert_non_null(buf);
    size_t n = (size_t)sprintf(buf, "source,id,name\n");
    for (size_t i = 0; i < rows; i++)
        n += (size_t)sprintf(buf + n, "src%zu,1,Person\n", i);
    wl_dataset *ds = wl_dataset_create();
    wl_read_report rep;
    char err[256];
    assert_int_equal(wl_reader_read_mem(ds, "s.csv", buf, n, NULL, &rep, err, sizeof err), WL_OK);
    assert_int_equal(rep.accepted, rows);
    /* the file's own name is added only when a row takes it: none does */
    assert_int_equal(wl_dataset_source_count(ds), rows);
    assert_string_equal(wl_dataset_source(ds, 12345), "src12345");
    /* a failed list drops the sources it added; the index forgets them too */
    static const char bad[] = "source,id,name\nnewsrc,1,X\n";
    size_t blen = sizeof bad - 1;
    unsigned char gz[256];
    z_stream zs = {0};
    assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = (unsigned char *)(uintptr_t)bad;
    zs.avail_in = (unsigned)blen;
    zs.next_out = gz;
    zs.avail_out = sizeof gz;
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    size_t glen = sizeof gz - zs.avail_out;
    deflateEnd(&zs);
    assert_int_equal(wl_reader_read_mem(ds, "t.csv", gz, glen - 6, NULL, &rep, err, sizeof err), WL_IO);
    assert_int_equal(wl_dataset_source_count(ds), rows);
    static const char good[] = "source,id,name\nnewsrc,1,X\n";
    assert_int_equal(wl_reader_read_mem(ds, "t.csv", good, sizeof good - 1, NULL, &rep, err, sizeof err),
                     WL_OK);
    assert_string_equal(wl_dataset_source(ds, wl_dataset_size(ds) - 1), "newsrc");
    assert_int_equal(wl_dataset_source_count(ds), rows + 1); /* newsrc */
    wl_dataset_free(ds);
    free(buf);
}

/* Rows beyond the bounds: each rejected with its own reason, the rest read. */
static void test_oversized_rows(void **state)
{
    (void)state;
    size_t cap = 8u << 20, n = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    n += (size_t)sprintf(buf + n, "id,name\n1,\"open quote\n");
    for (int i = 0; i < 150000; i++)
        n += (size_t)sprintf(buf + n, "q%d,x\n", i);
    n += (size_t)sprintf(buf + n, "2,");
    memset(buf + n, 'y', 2u << 20);
    n += 2u << 20;
    n += (size_t)sprintf(buf + n, "\n3,");
    for (int i = 0; i < 5000; i++)
        buf[n++] = ',';
    n += (size_t)sprintf(buf + n, "\n4,Last\n");
    assert_true(n < cap);
    wl_dataset *ds = wl_dataset_create();
    wl_read_report rep;
    char err[256];
    assert_int_equal(wl_reader_read_mem(ds, "big.csv", buf, n, NULL, &rep, err, sizeof err), WL_OK);
    assert_int_equal(rep.rows_read, rep.accepted + rep.rejected);
    assert_int_equal(rep.rejected, 3);
    assert_int_equal(rep.accepted, 150001); /* the lines inside the open quote, and row 4 */
    assert_int_equal(rep.reject_line[0], 2);
    assert_non_null(strstr(rep.reject_reason[0], "quote still open after"));
    assert_int_equal(rep.reject_line[1], 150003);
    assert_non_null(strstr(rep.reject_reason[1], "row longer than"));
    assert_int_equal(rep.reject_line[2], 150004);
    assert_non_null(strstr(rep.reject_reason[2], "more than 4096 fields"));
    assert_string_equal(wl_dataset_id(ds, wl_dataset_size(ds) - 1), "4");
    wl_dataset_free(ds);
    free(buf);
}

/* A gzip list larger than the inflating thread's ring (4 x 1 MiB): read from
 * the file (inflated on the second thread) and from memory (inflated in line),
 * the records must be the same. */
static void test_gzip_large_threaded(void **state)
{
    (void)state;
    size_t rows = 150000, cap = rows * 64 + 64, n = 0;
    char *csv = malloc(cap);
    assert_non_null(csv);
    n += (size_t)sprintf(csv, "id,name,aka,dob\n");
    for (size_t i = 0; i < rows; i++)
        n += (size_t)sprintf(csv + n, "r%zu,\"Person %zu\",A%zu|B%zu,19%02zu\n", i, i * 7, i % 13, i % 17,
                             i % 100);
    const char *path = tmp_path("large.csv.gz");
    write_gz(path, csv, n);
    size_t zlen;
    char *z = slurp(path, &zlen);
    wl_dataset *a = wl_dataset_create(), *b = wl_dataset_create();
    wl_read_report ra, rb;
    char err[512];
    assert_int_equal(read_file(a, path, NULL, &ra, err), WL_OK);
    assert_int_equal(wl_reader_read_mem(b, "large.csv.gz", z, zlen, NULL, &rb, err, sizeof err), WL_OK);
    assert_int_equal(ra.accepted, rows);
    assert_int_equal(rb.accepted, rows);
    for (size_t i = 0; i < rows; i += 997) {
        assert_string_equal(wl_dataset_id(a, i), wl_dataset_id(b, i));
        assert_string_equal(wl_dataset_value(a, i, WL_ROLE_FULL_NAME, 0),
                            wl_dataset_value(b, i, WL_ROLE_FULL_NAME, 0));
        assert_string_equal(wl_dataset_value(a, i, WL_ROLE_ALIAS, 1),
                            wl_dataset_value(b, i, WL_ROLE_ALIAS, 1));
    }
    assert_string_equal(wl_dataset_id(a, rows - 1), "r149999");
    wl_dataset_free(a);
    wl_dataset_free(b);
    free(z);
    free(csv);
}

/* Bytes after the last gzip member that do not start another one are ignored,
 * as gzip(1) does with "trailing garbage" (tar pads with zeros). */
static void test_gzip_trailing_bytes(void **state)
{
    (void)state;
    static const char csv[] = "id,name\n1,Ahmad\n2,Budi\n";
    unsigned char gz[512];
    z_stream zs = {0};
    assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = (unsigned char *)(uintptr_t)csv;
    zs.avail_in = sizeof csv - 1;
    zs.next_out = gz;
    zs.avail_out = sizeof gz;
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    size_t n = sizeof gz - zs.avail_out;
    deflateEnd(&zs);
    memset(gz + n, 0, 100); /* zero padding */
    wl_dataset *ds = wl_dataset_create();
    wl_read_report rep;
    char err[256];
    assert_int_equal(wl_reader_read_mem(ds, "pad.csv.gz", gz, n + 100, NULL, &rep, err, sizeof err), WL_OK);
    assert_int_equal(rep.accepted, 2);
    assert_int_equal(rep.gzip, 1);
    /* the member cut short is still an error, padding or not */
    assert_int_equal(wl_reader_read_mem(ds, "cut.csv.gz", gz, n / 2, NULL, &rep, err, sizeof err), WL_IO);
    assert_non_null(strstr(err, "cut.csv.gz"));
    wl_dataset_free(ds);
}

/* Two id columns: the first gives the id. Two columns with the same name: both
 * are read, each as its own cell. */
static void test_repeated_roles(void **state)
{
    (void)state;
    static const char in[] = "id,rec_id,name,Name,dob\nA1,B1,Ahmad,Amat,1970\n";
    wl_dataset *ds = wl_dataset_create();
    wl_read_report rep;
    char err[256];
    assert_int_equal(wl_reader_read_mem(ds, "r.csv", in, sizeof in - 1, NULL, &rep, err, sizeof err), WL_OK);
    assert_string_equal(wl_dataset_id(ds, 0), "A1");
    assert_int_equal(wl_dataset_count(ds, 0, WL_ROLE_FULL_NAME), 2);
    assert_value(ds, 0, WL_ROLE_FULL_NAME, 1, "Amat");
    assert_int_equal(rep.column_role[1], WL_ROLE_ID);
    wl_dataset_free(ds);
}

/* A long Thai column name (3-byte characters) is cut for the report at a
 * character boundary, never inside one. */
static void test_long_column_name(void **state)
{
    (void)state;
    static const char in[] = "ชื่อภาษาไทยที่ยาวมากมากมากมากมาก,name\nx,Somchai\n";
    wl_dataset *ds = wl_dataset_create();
    wl_read_report rep;
    char err[256];
    assert_int_equal(wl_reader_read_mem(ds, "th.csv", in, sizeof in - 1, NULL, &rep, err, sizeof err), WL_OK);
    size_t n = strlen(rep.column_name[0]);
    assert_true(n <= 63 && n >= 61);
    assert_int_equal(n % 3, 0);
    assert_int_equal(wl_utf8_check(rep.column_name[0], n), n);
    assert_memory_equal(rep.column_name[0], in, n);
    /* names quoted in reject reasons are cut on a character boundary too */
    static const char dup[] = "ชื่อภาษาไทยที่ยาวมาก,name\nรหัสประจำตัวที่ยาวมากมากมาก,A\nรหัสประจำตัวที่ยาวมากมากมาก,B\n";
    wl_read_options opt = wl_read_default_options();
    const char *map[] = {"id=ชื่อภาษาไทยที่ยาวมาก"};
    opt.map = map;
    opt.n_map = 1;
    opt.max_field = 1 << 20;
    assert_int_equal(wl_reader_read_mem(ds, "dup.csv", dup, sizeof dup - 1, &opt, &rep, err, sizeof err),
                     WL_OK);
    assert_int_equal(rep.rejected, 1);
    const char *why = rep.reject_reason[0];
    assert_non_null(strstr(why, "duplicate id '"));
    assert_int_equal(wl_utf8_check(why, strlen(why)), strlen(why));
    assert_non_null(strstr(why, "in source 'dup'"));
    wl_dataset_free(ds);
}

/* Rows are queued in batches and stored later (reader_row.c): rejections of
 * every kind (malformed, no name, duplicate id, including a duplicate of a row
 * still queued) must still reach the callback in line order, interleaved with
 * the records as the rows are, across batch boundaries and source changes;
 * every record keeps its own values, frequent values shared or not. */
static void test_batch_order(void **state)
{
    (void)state;
    enum { ROWS = 700 };
    size_t cap = ROWS * 64 + 64, n = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    n += (size_t)snprintf(buf + n, cap - n, "id,source,name,nationality,passport\n");
    long want_line[ROWS];
    int n_want = 0;
    for (int i = 0; i < ROWS; i++) {
        long line = i + 2;
        const char *src = i < 300 ? "idn" : i < 500 ? "mys" : "idn"; /* back to a known source */
        if (i % 97 == 50) { /* malformed: one field short */
            n += (size_t)snprintf(buf + n, cap - n, "r%d,%s,Name %d\n", i, src, i % 13);
            want_line[n_want++] = line;
        } else if (i % 89 == 30) { /* no name, no document */
            n += (size_t)snprintf(buf + n, cap - n, "r%d,%s,,IDN,\n", i, src);
            want_line[n_want++] = line;
        } else if (i % 61 == 7 && i > 0) { /* the id of the row before (queued with it) */
            n += (size_t)snprintf(buf + n, cap - n, "r%d,%s,Dup %d,MYS,X%d\n", i - 1, src, i, i);
            want_line[n_want++] = line; /* (no such row follows a rejected one or a source change) */
        } else {
            n += (size_t)snprintf(buf + n, cap - n, "r%d,%s,Name %d,%s,P%07d\n", i, src, i % 13,
                                  i % 3 ? "IDN" : "MYS", i);
        }
    }
    wl_dataset *ds = wl_dataset_create();
    wl_read_report rep;
    rejects rj;
    memset(&rj, 0, sizeof rj);
    wl_read_options opt = wl_read_default_options();
    opt.on_reject = on_reject;
    opt.user = &rj;
    char err[256];
    assert_int_equal(wl_reader_read_mem(ds, "b.csv", buf, n, &opt, &rep, err, sizeof err), WL_OK);
    assert_int_equal(rep.rows_read, ROWS);
    assert_int_equal(rep.rejected, (size_t)n_want);
    assert_int_equal(rep.accepted, (size_t)(ROWS - n_want));
    assert_int_equal(rj.n, n_want);
    for (int k = 0; k < n_want && k < 32; k++) {
        assert_int_equal(rj.line[k], want_line[k]);
        if (strstr(rj.reason[k], "duplicate id")) assert_true(strstr(rj.raw[k], "Dup ") != NULL);
    }
    assert_int_equal(rep.reject_line[0], want_line[0]);
    /* records in row order, each with its own values */
    size_t rec = 0;
    for (int i = 0; i < ROWS; i++) {
        if (i % 97 == 50 || i % 89 == 30 || (i % 61 == 7 && i > 0)) continue;
        char id[16], name[32], pass[16];
        snprintf(id, sizeof id, "r%d", i);
        snprintf(name, sizeof name, "Name %d", i % 13);
        snprintf(pass, sizeof pass, "P%07d", i);
        assert_string_equal(wl_dataset_id(ds, rec), id);
        assert_string_equal(wl_dataset_source(ds, rec), i < 300 || i >= 500 ? "idn" : "mys");
        assert_value(ds, rec, WL_ROLE_FULL_NAME, 0, name);
        assert_value(ds, rec, WL_ROLE_NATIONALITY, 0, i % 3 ? "IDN" : "MYS");
        assert_value(ds, rec, WL_ROLE_DOC_NUMBER, 0, pass);
        rec++;
    }
    assert_int_equal(wl_dataset_size(ds), rec);
    /* a second list into the same dataset: its ids are checked against the first */
    static const char more[] = "id,source,name\nr1,idn,Again\nr1,mys,Other\nnew,idn,New\n";
    memset(&rj, 0, sizeof rj);
    assert_int_equal(wl_reader_read_mem(ds, "m.csv", more, sizeof more - 1, &opt, &rep, err, sizeof err), WL_OK);
    assert_int_equal(rep.rejected, 1);
    assert_int_equal(rj.line[0], 2);
    assert_int_equal(rep.accepted, 2);
    free(buf);
    wl_dataset_free(ds);
}

/* A dataset cell holds up to WL_CELL_MAX_LEN (2^24 - 1) bytes: with max_field
 * above it, a field of 2^24 bytes is rejected with its row (a clear reason, not
 * a cut value or an out-of-memory error) and one of 2^24 - 1 is kept whole. */
static void test_cell_length_limit(void **state)
{
    (void)state;
    const size_t big = WL_CELL_MAX_LEN;
    size_t cap = 2 * big + 256, n = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    n += (size_t)snprintf(buf + n, cap - n, "id,name,remarks\n1,Ali,");
    memset(buf + n, 'x', big);
    n += big;
    n += (size_t)snprintf(buf + n, cap - n, "\n2,Budi,");
    memset(buf + n, 'y', big + 1);
    n += big + 1;
    buf[n++] = '\n';
    wl_dataset *ds = wl_dataset_create();
    wl_read_report rep;
    wl_read_options opt = wl_read_default_options();
    opt.max_field = 32u << 20;
    char err[256];
    assert_int_equal(wl_reader_read_mem(ds, "long.csv", buf, n, &opt, &rep, err, sizeof err), WL_OK);
    assert_int_equal(rep.accepted, 1);
    assert_int_equal(rep.rejected, 1);
    assert_int_equal(rep.reject_line[0], 3);
    assert_non_null(strstr(rep.reject_reason[0], "longer than 16777215 bytes"));
    size_t nc;
    const wl_cell *cells = wl_ds_cells(ds, 0, &nc);
    assert_int_equal(nc, 2);
    assert_int_equal(cells[1].len, big);
    assert_int_equal(strlen(wl_ds_str(ds, cells[1].str)), big);
    assert_int_equal(cells[1].role, WL_ROLE_TEXT);
    /* by hand: a value over the limit is refused, not cut */
    uint8_t role = WL_ROLE_TEXT;
    const char *v[1] = {buf};
    size_t len[1] = {big + 1};
    assert_int_equal(wl_ds_add_record(ds, 0, "h", 1, &role, v, len, 1), SIZE_MAX);
    assert_int_equal(wl_dataset_size(ds), 1);
    free(buf);
    wl_dataset_free(ds);
}

static void test_null_arguments(void **state)
{
    (void)state;
    wl_read_report rep;
    char err[128];
    assert_int_equal(wl_dataset_read(NULL, "x.csv", NULL, &rep, err, sizeof err), WL_USAGE);
    wl_dataset *ds = wl_dataset_create();
    assert_int_equal(wl_dataset_read(ds, NULL, NULL, &rep, err, sizeof err), WL_USAGE);
    /* no report and no error buffer are allowed */
    assert_int_equal(wl_dataset_read(ds, data_path("basic.csv"), NULL, NULL, NULL, 0), WL_OK);
    assert_int_equal(wl_dataset_size(ds), 4);
    wl_read_options d = wl_read_default_options();
    assert_int_equal(d.max_field, 65536);
    assert_null(d.map);
    assert_null(d.on_reject);
    wl_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic_csv),
        cmocka_unit_test(test_tsv),
        cmocka_unit_test(test_bom_crlf_asean_headers),
        cmocka_unit_test(test_header_only),
        cmocka_unit_test(test_source_column_and_option),
        cmocka_unit_test(test_bad_rows),
        cmocka_unit_test(test_document_without_name),
        cmocka_unit_test(test_field_limit_option),
        cmocka_unit_test(test_many_rejects),
        cmocka_unit_test(test_file_errors),
        cmocka_unit_test(test_utf16_file),
        cmocka_unit_test(test_map_option),
        cmocka_unit_test(test_rollback),
        cmocka_unit_test(test_gzip),
        cmocka_unit_test(test_source_names),
        cmocka_unit_test(test_wide_header_and_ids),
        cmocka_unit_test(test_many_sources),
        cmocka_unit_test(test_long_column_name),
        cmocka_unit_test(test_gzip_trailing_bytes),
        cmocka_unit_test(test_gzip_large_threaded),
        cmocka_unit_test(test_repeated_roles),
        cmocka_unit_test(test_oversized_rows),
        cmocka_unit_test(test_batch_order),
        cmocka_unit_test(test_cell_length_limit),
        cmocka_unit_test(test_null_arguments),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
