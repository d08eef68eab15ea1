/* test_read_range.c -- the split read under watchlink-mpi (issue 14):
 * wl_list_layout_read, wl_list_split_guess, wl_dataset_read_range and
 * wl_dataset_pack / wl_dataset_unpack. A list read in 1 to 9 parts, each
 * started where the part before ended, gives the records, rejects (line,
 * reason, bytes) and counts of one whole read, on a list built to break it:
 * quoted fields with newlines and lines inside them that look like rows,
 * duplicate ids in one part and across parts, blank ids, blank lines, CRLF
 * line ends, an unterminated quote, and a list without an id column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../fuzz/split_read.h"

static char *write_list(const char *text)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/wl_range_XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

/* Reads path whole and in 1..9 parts; all must agree. @return the whole read's records. */
static size_t check_parts(const char *path)
{
    split_rejects rw = { 0 };
    wl_read_options opt = wl_read_default_options();
    opt.on_reject = split_on_reject;
    opt.user = &rw;
    wl_dataset *whole = wl_dataset_create();
    wl_read_report rep;
    char err[512];
    assert_int_equal(wl_dataset_read(whole, path, &opt, &rep, err, sizeof err), WL_OK);
    for (size_t parts = 1; parts <= 9; parts++) {
        split_rejects rs = { 0 };
        size_t counts[3];
        wl_dataset *split = wl_dataset_create();
        assert_int_equal(split_read(split, path, parts, &rs, counts), WL_OK);
        assert_true(split_same_records(whole, split));
        assert_int_equal(rs.n, rw.n);
        for (size_t i = 0; i < rw.n; i++) assert_string_equal(rs.line[i], rw.line[i]);
        assert_int_equal(counts[0], rep.rows_read);
        assert_int_equal(counts[1], rep.accepted);
        assert_int_equal(counts[2], rep.rejected);
        split_rejects_free(&rs);
        wl_dataset_free(split);
    }
    size_t n = wl_dataset_size(whole);
    assert_true(rep.rejected > 0);
    split_rejects_free(&rw);
    wl_dataset_free(whole);
    return n;
}

/* A list whose quoted notes fill most of its bytes, so most split points fall
 * inside a quote, on a line that reads like a row when taken out of it. */
static char *hostile_list(int with_id, const char *eol)
{
    size_t cap = 1 << 16, len = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    len += (size_t)snprintf(s + len, cap - len, "%sfull_name,date_of_birth,notes%s", with_id ? "id," : "", eol);
    for (int i = 1; i <= 40; i++) {
        char id[32];
        snprintf(id, sizeof id, "R%d", i == 33 ? 5 : i == 12 ? 11 : i);
        if (i % 9 == 0) id[0] = '\0';
        if (with_id) len += (size_t)snprintf(s + len, cap - len, "%s,", id);
        if (i % 7 == 0) {
            len += (size_t)snprintf(s + len, cap - len, "only two%s", eol);
            continue;
        }
        len += (size_t)snprintf(s + len, cap - len, "Person %d,1970-01-%02d,\"", i % 6, 1 + i % 28);
        for (int k = 0; k < (i % 5) * 3; k++)
            len += (size_t)snprintf(s + len, cap - len, "%sR9%d,Fake %d,1970-01-01,\"\"quoted\"\"", eol, k, k);
        len += (size_t)snprintf(s + len, cap - len, "\"%s%s", eol, i % 10 == 0 ? eol : "");
    }
    /* the last row opens a quote it never closes: rejected, then the reader
     * resumes at the next line, which is a row */
    len += (size_t)snprintf(s + len, cap - len, "%sLast One,1970-01-01,\"open%sZed Zee,1971-01-01,z%s",
                            with_id ? "R99," : "", eol, eol);
    assert_true(len < cap);
    return s;
}

static void test_parts_match_whole(void **state)
{
    (void)state;
    char *text = hostile_list(1, "\n");
    char *path = write_list(text);
    assert_true(check_parts(path) > 20);
    unlink(path);
    free(text);
}

static void test_crlf_and_no_id(void **state)
{
    (void)state;
    char *text = hostile_list(0, "\r\n");
    char *path = write_list(text);
    wl_list_layout lay;
    assert_int_equal(wl_list_layout_read(path, NULL, &lay, NULL, 0), WL_OK);
    assert_true(lay.splittable);
    assert_false(lay.has_id); /* ids are row numbers: the data row count must travel */
    assert_true(check_parts(path) > 20);
    unlink(path);
    free(text);
}

/* A guess inside a quoted field is a line start, not the row start: reading
 * from it is wrong, and the part before says where its last row ended. */
static void test_guess_corrected(void **state)
{
    (void)state;
    const char *text = "id,full_name,notes\n1,Ann Lee,\"x\nx\nx\nx\nx\nx\nx\nx\nx\nx\nx\n2,Fake,row\nx\"\n3,Bo Chan,y\n";
    char *path = write_list(text);
    wl_list_layout lay;
    char err[256];
    assert_int_equal(wl_list_layout_read(path, NULL, &lay, err, sizeof err), WL_OK);
    assert_int_equal(lay.first.at, strlen("id,full_name,notes\n"));
    assert_int_equal(lay.first.line, 2);
    wl_row_mark guess, end;
    assert_int_equal(wl_list_split_guess(path, &lay, 1, 2, &guess, err, sizeof err), WL_OK);
    assert_true(guess.at > lay.first.at); /* inside Ann Lee's note */
    wl_dataset *ds = wl_dataset_create();
    assert_int_equal(wl_dataset_read_range(ds, path, NULL, &lay.first, guess.at, &end, NULL, NULL, err, sizeof err),
                     WL_OK);
    assert_int_equal(wl_dataset_size(ds), 1);
    assert_int_equal(end.at, (unsigned long long)(strstr(text, "3,Bo") - text));
    assert_int_equal(end.line, 15);
    assert_int_equal(end.data_row, 1);
    assert_true(end.at != guess.at);
    wl_dataset_free(ds);
    unlink(path);
}

static void test_not_splittable(void **state)
{
    (void)state;
    char *path = write_list("full_name\r\rAnn\rBo\r"); /* bare CR line ends */
    wl_list_layout lay;
    assert_int_equal(wl_list_layout_read(path, NULL, &lay, NULL, 0), WL_OK);
    assert_false(lay.splittable);
    unlink(path);
    assert_int_equal(wl_list_layout_read("/nonexistent/x.csv", NULL, &lay, NULL, 0), WL_IO);
}

static void test_unpack_rejects_bad_packs(void **state)
{
    (void)state;
    wl_dataset *ds = wl_dataset_create();
    size_t *dups = NULL, n = 0;
    const unsigned char bad[] = { 200, 0, 0, 0, 'x' }; /* a length past the end */
    assert_int_equal(wl_dataset_unpack(ds, bad, sizeof bad, &dups, &n, NULL), WL_FORMAT);
    assert_int_equal(wl_dataset_size(ds), 0);
    size_t len = 1;
    void *empty = wl_dataset_pack(ds, 0, &len);
    assert_non_null(empty);
    assert_int_equal(len, 0);
    assert_int_equal(wl_dataset_unpack(ds, empty, len, &dups, &n, NULL), WL_OK);
    free(empty);
    wl_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parts_match_whole),
        cmocka_unit_test(test_crlf_and_no_id),
        cmocka_unit_test(test_guess_corrected),
        cmocka_unit_test(test_not_splittable),
        cmocka_unit_test(test_unpack_rejects_bad_packs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
