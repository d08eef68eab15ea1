/* test_store_ids.c -- the person store's stable-id rule (cli/store_ids.c,
 * issue 12): untouched persons keep their ids, a merge keeps the oldest id, a
 * split leaves the id with the part holding the oldest record, new ids go out
 * in output order, and every change is reported with the previous id. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "store_ids.h"

enum { MAXN = 16 };

typedef struct {
    int64_t person[MAXN];
    sid_change ch[MAXN];
    size_t n_ch;
    int64_t next;
} outcome;

static outcome assign(size_t n, const int64_t *old, const int64_t *age, const size_t *cluster, size_t n_clusters,
                      const unsigned char *changed, int64_t next_id)
{
    outcome o;
    memset(&o, 0, sizeof o);
    sid_input in = { n, old, age, cluster, changed, n_clusters, next_id };
    o.next = sid_assign(&in, o.person, o.ch, &o.n_ch);
    return o;
}

static void expect_change(const sid_change *c, size_t rec, sid_kind kind, int64_t person, int64_t previous)
{
    assert_int_equal(c->rec, rec);
    assert_string_equal(sid_kind_name(c->kind), sid_kind_name(kind));
    assert_int_equal(c->person, person);
    assert_int_equal(c->previous, previous);
}

/* A new store: ids 1.. in the order of the clusters' first members. */
static void test_fresh_store(void **state)
{
    (void)state;
    const int64_t old[] = { 0, 0, 0, 0 }, age[] = { 1, 2, 3, 4 };
    const size_t cl[] = { 0, 1, 0, 2 };
    outcome o = assign(4, old, age, cl, 3, NULL, 1);
    assert_int_equal(o.next, 4);
    assert_int_equal(o.person[0], 1);
    assert_int_equal(o.person[1], 2);
    assert_int_equal(o.person[2], 1);
    assert_int_equal(o.person[3], 3);
    assert_int_equal(o.n_ch, 4);
    expect_change(&o.ch[1], 1, SID_NEW, 2, 0);
}

/* Persons nothing happened to keep their ids, and nothing is reported. */
static void test_untouched_keep_ids(void **state)
{
    (void)state;
    const int64_t old[] = { 7, 5, 5 }, age[] = { 3, 1, 2 };
    const size_t cl[] = { 0, 1, 1 };
    outcome o = assign(3, old, age, cl, 2, NULL, 8);
    assert_int_equal(o.person[0], 7);
    assert_int_equal(o.person[1], 5);
    assert_int_equal(o.person[2], 5);
    assert_int_equal(o.n_ch, 0);
    assert_int_equal(o.next, 8); /* no id issued */
}

/* Two persons merge: the oldest (smallest) id survives, whichever record
 * comes first in output order. */
static void test_merge_keeps_oldest_id(void **state)
{
    (void)state;
    const int64_t old[] = { 9, 3 }, age[] = { 1, 2 };
    const size_t cl[] = { 0, 0 };
    outcome o = assign(2, old, age, cl, 1, NULL, 10);
    assert_int_equal(o.person[0], 3);
    assert_int_equal(o.person[1], 3);
    assert_int_equal(o.n_ch, 1);
    expect_change(&o.ch[0], 0, SID_MERGED, 3, 9);
}

/* A person splits: the part holding its oldest record keeps the id, even when
 * that part is not first in output order; the other part gets a new id. */
static void test_split_oldest_record_keeps_id(void **state)
{
    (void)state;
    const int64_t old[] = { 4, 4, 4 }, age[] = { 30, 10, 20 };
    const size_t cl[] = { 0, 1, 1 };
    outcome o = assign(3, old, age, cl, 2, NULL, 6);
    assert_int_equal(o.person[0], 6);
    assert_int_equal(o.person[1], 4);
    assert_int_equal(o.person[2], 4);
    assert_int_equal(o.next, 7);
    assert_int_equal(o.n_ch, 1);
    expect_change(&o.ch[0], 0, SID_SPLIT, 6, 4);
}

/* New records: joining an existing person keeps its id ("joined"); a cluster of
 * new records only is a new person ("new"); new ids in output order. */
static void test_new_and_joined(void **state)
{
    (void)state;
    const int64_t old[] = { 0, 2, 0, 0 }, age[] = { 5, 1, 6, 7 };
    const size_t cl[] = { 0, 1, 1, 2 };
    outcome o = assign(4, old, age, cl, 3, NULL, 3);
    assert_int_equal(o.person[0], 3);
    assert_int_equal(o.person[1], 2);
    assert_int_equal(o.person[2], 2);
    assert_int_equal(o.person[3], 4);
    assert_int_equal(o.n_ch, 3);
    expect_change(&o.ch[0], 0, SID_NEW, 3, 0);
    expect_change(&o.ch[1], 2, SID_JOINED, 2, 0);
    expect_change(&o.ch[2], 3, SID_NEW, 4, 0);
}

/* A replaced row whose person stays is reported as updated. */
static void test_updated(void **state)
{
    (void)state;
    const int64_t old[] = { 2, 2 }, age[] = { 1, 2 };
    const size_t cl[] = { 0, 0 };
    const unsigned char changed[] = { 0, 1 };
    outcome o = assign(2, old, age, cl, 1, changed, 3);
    assert_int_equal(o.n_ch, 1);
    expect_change(&o.ch[0], 1, SID_UPDATED, 2, 2);
}

/* Merge and split at once: P = 1 holds a (oldest) and b, Q = 2 holds c; now
 * {a, c} and {b}. {a, c} holds the oldest records of both and keeps 1; b gets
 * a new id; 2 is retired, never reused. */
static void test_merge_and_split(void **state)
{
    (void)state;
    const int64_t old[] = { 1, 1, 2 }, age[] = { 1, 2, 3 };
    const size_t cl[] = { 0, 1, 0 };
    outcome o = assign(3, old, age, cl, 2, NULL, 3);
    assert_int_equal(o.person[0], 1);
    assert_int_equal(o.person[1], 3);
    assert_int_equal(o.person[2], 1);
    assert_int_equal(o.next, 4);
    assert_int_equal(o.n_ch, 2);
    expect_change(&o.ch[0], 1, SID_SPLIT, 3, 1);
    expect_change(&o.ch[1], 2, SID_MERGED, 1, 2);
}

/* The answer does not depend on the order old records are given in, only on
 * ages and clusters: the same situation listed in reverse. */
static void test_order_free(void **state)
{
    (void)state;
    const int64_t old[] = { 2, 1, 1 }, age[] = { 3, 2, 1 };
    const size_t cl[] = { 0, 1, 0 };
    outcome o = assign(3, old, age, cl, 2, NULL, 3);
    assert_int_equal(o.person[0], 1);
    assert_int_equal(o.person[1], 3);
    assert_int_equal(o.person[2], 1);
}

static void test_bad_label(void **state)
{
    (void)state;
    const int64_t old[] = { 0 }, age[] = { 1 };
    const size_t cl[] = { 1 };
    outcome o = assign(1, old, age, cl, 1, NULL, 1);
    assert_int_equal(o.next, -1);
    assert_null(sid_kind_name(SID_CHANGE_COUNT));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fresh_store),
        cmocka_unit_test(test_untouched_keep_ids),
        cmocka_unit_test(test_merge_keeps_oldest_id),
        cmocka_unit_test(test_split_oldest_record_keeps_id),
        cmocka_unit_test(test_new_and_joined),
        cmocka_unit_test(test_updated),
        cmocka_unit_test(test_merge_and_split),
        cmocka_unit_test(test_order_free),
        cmocka_unit_test(test_bad_label),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
