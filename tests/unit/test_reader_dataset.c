/* test_reader_dataset.c -- the record store under the reader (dataset.c):
 * interning (tags, prefixes, growth), the (source, id) index that catches up
 * with hand-added records, truncation after a failed list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/dataset.h"

static void test_intern_prefixes(void **state)
{
    (void)state;
    wl_dataset *ds = wl_dataset_create();
    assert_non_null(ds);
    /* the last string in the pool is a prefix of the next lookup: equality must
     * not read past the pool (nor mistake a prefix for a match) */
    uint32_t a = wl_ds_intern(ds, "Ali", 3);
    uint32_t b = wl_ds_intern(ds, "Alia", 4);
    uint32_t c = wl_ds_intern(ds, "Al", 2);
    assert_int_not_equal(a, b);
    assert_int_not_equal(a, c);
    assert_int_equal(wl_ds_intern(ds, "Ali", 3), a);
    assert_int_equal(wl_ds_intern(ds, "Alia", 4), b);
    assert_string_equal(wl_ds_str(ds, c), "Al");
    assert_int_equal(wl_ds_intern(ds, "", 0), 0); /* the empty string is offset 0 */
    int is_new;
    assert_int_equal(wl_ds_intern_new(ds, "Ali", 3, &is_new), a);
    assert_int_equal(is_new, 0);
    wl_ds_intern_new(ds, "Bob", 3, &is_new);
    assert_int_equal(is_new, 1);
    wl_dataset_free(ds);
}

/* Many strings: the table grows (slots move by their stored tag) and every
 * string still interns to its first offset. */
static void test_intern_growth(void **state)
{
    (void)state;
    wl_dataset *ds = wl_dataset_create();
    enum { N = 200000 };
    uint32_t *off = malloc(N * sizeof *off);
    assert_non_null(off);
    char buf[32];
    for (int i = 0; i < N; i++) {
        int n = snprintf(buf, sizeof buf, "name-%d", i);
        off[i] = wl_ds_intern(ds, buf, (size_t)n);
    }
    for (int i = 0; i < N; i += 7) {
        int n = snprintf(buf, sizeof buf, "name-%d", i);
        assert_int_equal(wl_ds_intern(ds, buf, (size_t)n), off[i]);
        assert_string_equal(wl_ds_str(ds, off[i]), buf);
    }
    free(off);
    wl_dataset_free(ds);
}

static size_t add(wl_dataset *ds, uint32_t src, const char *id, const char *name)
{
    uint8_t role = WL_ROLE_FULL_NAME;
    const char *v[1] = {name};
    size_t len[1] = {strlen(name)};
    return wl_ds_add_record(ds, src, id, strlen(id), &role, v, len, 1);
}

static void test_find_id_catches_up(void **state)
{
    (void)state;
    wl_dataset *ds = wl_dataset_create();
    uint32_t s1 = wl_ds_source_index(ds, "idn", 3), s2 = wl_ds_source_index(ds, "mys", 3);
    assert_int_equal(wl_ds_source_index(ds, "idn", 3), s1);
    assert_int_equal(wl_ds_find_id(ds, s1, "7", 1), SIZE_MAX);
    assert_int_equal(add(ds, s1, "7", "A"), 0);
    /* added by hand after the last lookup: the index catches up */
    assert_int_equal(wl_ds_find_id(ds, s1, "7", 1), 0);
    assert_int_equal(wl_ds_find_id(ds, s2, "7", 1), SIZE_MAX);
    char id[16];
    for (int i = 0; i < 5000; i++) {
        snprintf(id, sizeof id, "x%d", i);
        add(ds, s2, id, "B");
    }
    assert_int_equal(wl_ds_find_id(ds, s2, "x4999", 5), 5000);
    assert_int_equal(wl_ds_find_id(ds, s2, "x499", 4), 500);
    assert_int_equal(wl_ds_find_id(ds, s1, "x499", 4), SIZE_MAX);
    /* truncation forgets the dropped records */
    wl_ds_truncate(ds, 100, 2);
    assert_int_equal(wl_dataset_size(ds), 100);
    assert_int_equal(wl_ds_find_id(ds, s2, "x4999", 5), SIZE_MAX);
    assert_int_equal(wl_ds_find_id(ds, s2, "x98", 3), 99);
    wl_dataset_free(ds);
}

static void test_cells(void **state)
{
    (void)state;
    wl_dataset *ds = wl_dataset_create();
    uint32_t s = wl_ds_source_index(ds, "tha", 3);
    uint8_t roles[3] = {WL_ROLE_FULL_NAME, WL_ROLE_ALIAS, WL_ROLE_ALIAS};
    const char *v[3] = {"Somchai", "", "Chai"};
    size_t len[3] = {7, 0, 4};
    size_t i = wl_ds_add_record(ds, s, "t1", 2, roles, v, len, 3);
    assert_int_equal(i, 0);
    size_t n;
    const wl_cell *cells = wl_ds_cells(ds, i, &n);
    assert_int_equal(n, 2); /* the empty value is not stored */
    assert_int_equal(cells[1].role, WL_ROLE_ALIAS);
    assert_int_equal(cells[1].len, 4);
    assert_string_equal(wl_dataset_value(ds, i, WL_ROLE_ALIAS, 0), "Chai");
    assert_null(wl_dataset_value(ds, i, WL_ROLE_ALIAS, 1));
    assert_string_equal(wl_dataset_source(ds, i), "tha");
    assert_string_equal(wl_dataset_id(ds, i), "t1");
    uint32_t first = cells[0].str; /* cells may move when the next record is added */
    /* the reader's path: values already in the pool (a shared copy and a new
     * one), the empty value skipped as above */
    uint32_t off[3] = {first, 0, wl_ds_append(ds, "Chai", 4)};
    assert_int_not_equal(off[2], cells[1].str); /* appended, not interned */
    assert_string_equal(wl_ds_str(ds, off[2]), "Chai");
    assert_int_equal(wl_ds_append(ds, "", 0), 0);
    uint32_t id = wl_ds_append(ds, "t2", 2);
    assert_int_equal(wl_ds_add_record_offsets(ds, s, id, roles, off, len, 3), 1);
    const wl_cell *c2 = wl_ds_cells(ds, 1, &n);
    assert_int_equal(n, 2);
    assert_int_equal(c2[0].str, first);
    assert_string_equal(wl_dataset_value(ds, 1, WL_ROLE_ALIAS, 0), "Chai");
    assert_string_equal(wl_dataset_id(ds, 1), "t2");
    wl_dataset_free(ds);
}

/* The reader's (source, id) index: kept current record by record, grown by
 * moving its slots (no ids re-read), and still catching up with a record added
 * by hand in between. */
static void test_id_index_current(void **state)
{
    (void)state;
    wl_dataset *ds = wl_dataset_create();
    uint32_t s = wl_ds_source_index(ds, "idn", 3);
    enum { N = 50000 };
    char buf[32];
    uint8_t role = WL_ROLE_FULL_NAME;
    size_t len = 1;
    uint32_t name = wl_ds_append(ds, "A", 1);
    for (int i = 0; i < N; i++) {
        int n = snprintf(buf, sizeof buf, "id-%d", i);
        if (i == N / 2) { /* by hand: not filed, the next lookup catches up */
            assert_int_equal(add(ds, s, buf, "B"), (size_t)i);
            continue;
        }
        assert_int_equal(wl_ds_id_reserve(ds, 1 + (size_t)(i % 64)), 0);
        uint64_t hv = wl_ds_id_hash(s, buf, (size_t)n);
        assert_int_equal(wl_ds_find_id_hashed(ds, s, buf, (size_t)n, hv), SIZE_MAX);
        uint32_t id = wl_ds_append(ds, buf, (size_t)n);
        size_t rec = wl_ds_add_record_offsets(ds, s, id, &role, &name, &len, 1);
        assert_int_equal(rec, (size_t)i);
        assert_int_equal(wl_ds_id_added(ds, rec, hv), 0);
    }
    for (int i = 0; i < N; i++) {
        int n = snprintf(buf, sizeof buf, "id-%d", i);
        assert_int_equal(wl_ds_find_id(ds, s, buf, (size_t)n), (size_t)i);
        assert_int_equal(wl_ds_find_id(ds, s + 1, buf, (size_t)n), SIZE_MAX);
    }
    assert_int_equal(wl_ds_find_id(ds, s, "id-x", 4), SIZE_MAX);
    wl_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_intern_prefixes),
        cmocka_unit_test(test_intern_growth),
        cmocka_unit_test(test_find_id_catches_up),
        cmocka_unit_test(test_cells),
        cmocka_unit_test(test_id_index_current),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
