/* test_cluster.c -- clusters with deterministic representatives, no chains of
 * namesakes, the size flag, and the mutual best-link filter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cluster/cluster.h"

static wl_match pair(uint32_t a, uint32_t b, float w)
{
    wl_match m;
    memset(&m, 0, sizeof m);
    m.left = a;
    m.right = b;
    m.weight = w;
    return m;
}

static void test_clusters_and_representatives(void **state)
{
    (void)state;
    /* Ranks reverse the indices: the representative is the highest index. */
    uint32_t rank[7] = { 6, 5, 4, 3, 2, 1, 0 };
    wl_match p[] = { pair(0, 1, 5), pair(1, 2, 5), pair(4, 5, 5) };
    uint32_t rep[7];
    wl_cluster_stats st;
    assert_int_equal(wl_cluster(7, p, 3, rank, 2, rep, &st), WL_OK);
    assert_int_equal(rep[0], 2);
    assert_int_equal(rep[1], 2);
    assert_int_equal(rep[2], 2);
    assert_int_equal(rep[3], 3);
    assert_int_equal(rep[4], 5);
    assert_int_equal(rep[5], 5);
    assert_int_equal(rep[6], 6);
    assert_int_equal(st.clusters, 4);
    assert_int_equal(st.largest, 3);
    assert_int_equal(st.flagged, 1); /* 3 members > limit 2 */
}

static void test_order_of_pairs_does_not_matter(void **state)
{
    (void)state;
    uint32_t rank[5] = { 0, 1, 2, 3, 4 };
    wl_match a[] = { pair(3, 4, 1), pair(0, 4, 1), pair(1, 2, 1) };
    wl_match b[] = { pair(1, 2, 1), pair(0, 4, 1), pair(3, 4, 1) };
    uint32_t ra[5], rb[5];
    wl_cluster_stats st;
    wl_cluster(5, a, 3, rank, 0, ra, &st);
    wl_cluster(5, b, 3, rank, 0, rb, &st);
    assert_memory_equal(ra, rb, sizeof ra);
    assert_int_equal(ra[3], 0);
    assert_int_equal(st.flagged, 0);
}

/* A chain of namesakes (each record matches only the next, on another alias)
 * is not one person: single linkage would put all six together. */
static void test_chain_does_not_become_one_cluster(void **state)
{
    (void)state;
    uint32_t rank[6] = { 0, 1, 2, 3, 4, 5 }, rep[6];
    wl_match p[] = { pair(0, 1, 9), pair(1, 2, 8), pair(2, 3, 7), pair(3, 4, 6), pair(4, 5, 5) };
    wl_cluster_stats st;
    assert_int_equal(wl_cluster(6, p, 5, rank, 0, rep, &st), WL_OK);
    assert_true(st.largest <= 3);
    assert_true(st.clusters >= 2);
    assert_int_equal(rep[1], rep[0]); /* the strongest pair still joins */
}

/* Two groups that match within, joined by one bridge pair, stay two groups;
 * a group where everyone matches everyone is one cluster. */
static void test_cliques_and_bridge(void **state)
{
    (void)state;
    uint32_t rank[8] = { 0, 1, 2, 3, 4, 5, 6, 7 }, rep[8];
    wl_match p[] = { pair(0, 1, 5), pair(0, 2, 5), pair(0, 3, 5), pair(1, 2, 5), pair(1, 3, 5),
                     pair(2, 3, 5), pair(4, 5, 5), pair(4, 6, 5), pair(4, 7, 5), pair(5, 6, 5),
                     pair(5, 7, 5), pair(6, 7, 5), pair(3, 4, 4) /* the bridge */ };
    wl_cluster_stats st;
    assert_int_equal(wl_cluster(8, p, 13, rank, 0, rep, &st), WL_OK);
    assert_int_equal(st.largest, 4);
    for (int i = 0; i < 4; i++) assert_int_equal(rep[i], 0);
    for (int i = 4; i < 8; i++) assert_int_not_equal(rep[i], 0);
}

/* Greedy by weight: 0-10 (9) is taken first, which rules out 0-11 and 1-10;
 * 1-11 (4) is then free. A record of a third source keeps its own partner. */
static void test_one_to_one_best_first(void **state)
{
    (void)state;
    /* records 0, 1: source 0; 10, 11: source 1; 20: source 2 */
    uint32_t source[21] = { 0 }, rank[21];
    for (uint32_t i = 0; i < 21; i++) rank[i] = i;
    source[10] = source[11] = 1;
    source[20] = 2;
    wl_match p[] = { pair(0, 11, 8), pair(1, 11, 4), pair(0, 10, 9), pair(1, 10, 7), pair(0, 20, 3) };
    size_t kept = wl_one_to_one(p, 5, source, rank);
    assert_int_equal(kept, 3);
    /* order of the input kept */
    assert_int_equal(p[0].left, 1);
    assert_int_equal(p[0].right, 11);
    assert_int_equal(p[1].left, 0);
    assert_int_equal(p[1].right, 10);
    assert_int_equal(p[2].right, 20);
}

/* A pair weaker than both its records' best partners in each other's source is
 * dropped below 0.9 (weight log2 9); a pair that is either record's best, a
 * sure pair, and pairs within one source stay; the input order does not matter. */
static void test_outranked_pairs_dropped(void **state)
{
    (void)state;
    /* records 0, 1, 2: source 0; 10, 11: source 1; 20: source 2 */
    uint32_t source[21] = { 0 };
    source[10] = source[11] = 1;
    source[20] = 2;
    wl_match in[] = {
        pair(0, 10, 8),   /* 0's and 10's best */
        pair(1, 11, 7),   /* 1's and 11's best */
        pair(0, 11, 2),   /* 0 has 10 (8), 11 has 1 (7): outranked, dropped */
        pair(1, 10, 3.5f),/* outranked too, but above log2 9: sure, kept */
        pair(2, 10, 1),   /* 2's best in source 1 (its only partner there): kept */
        pair(0, 1, 0.5f), /* one source: never touched */
        pair(0, 20, 1),   /* 20's only partner: kept */
    };
    enum { N = sizeof in / sizeof in[0] };
    for (int rev = 0; rev < 2; rev++) {
        wl_match p[N];
        for (size_t k = 0; k < N; k++) p[k] = in[rev ? N - 1 - k : k];
        size_t dropped = 99;
        size_t kept = wl_drop_outranked(p, N, source, &dropped);
        assert_int_equal(kept, N - 1);
        assert_int_equal(dropped, 1);
        for (size_t k = 0; k < kept; k++) assert_false(p[k].left == 0 && p[k].right == 11);
        /* order kept */
        assert_int_equal(p[0].left, 0);
        assert_int_equal(p[0].right, rev ? 20 : 10);
    }
    size_t dropped = 99;
    assert_int_equal(wl_drop_outranked(NULL, 0, source, &dropped), 0);
    assert_int_equal(dropped, 0);
}

/* Equal weights: the pair with the closer names wins, whatever the input order. */
static void test_one_to_one_ties_by_name_score(void **state)
{
    (void)state;
    uint32_t source[4] = { 0, 0, 1, 1 }, rank[4] = { 0, 1, 2, 3 };
    for (int order = 0; order < 2; order++) {
        wl_match a = pair(0, 2, 5), b = pair(0, 3, 5);
        a.name_score = 0.81f;
        b.name_score = 0.97f;
        wl_match p[2];
        p[0] = order ? b : a;
        p[1] = order ? a : b;
        assert_int_equal(wl_one_to_one(p, 2, source, rank), 1);
        assert_int_equal(p[0].right, 3);
    }
    assert_int_equal(wl_one_to_one(NULL, 0, source, rank), 0);
}

static void test_best_link_keeps_mutual_best(void **state)
{
    (void)state;
    uint32_t rank6[6] = { 0, 1, 2, 3, 4, 5 };
    /* 0 and 2 are each other's best (w 9). 1 prefers 2 (w 8), which prefers 0, so
     * 1-2 goes; 3 prefers 1 (w 7) but 1 prefers 2, so 1-3 goes too; 0-3 is weak. */
    wl_match p[] = { pair(0, 2, 9), pair(1, 2, 8), pair(1, 3, 7), pair(0, 3, 1), pair(4, 5, 2) };
    size_t kept = wl_best_link(p, 5, 6, rank6);
    assert_int_equal(kept, 2);
    assert_int_equal(p[0].left, 0);
    assert_int_equal(p[0].right, 2);
    assert_int_equal(p[1].left, 4);
    assert_int_equal(p[1].right, 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clusters_and_representatives),
        cmocka_unit_test(test_order_of_pairs_does_not_matter),
        cmocka_unit_test(test_best_link_keeps_mutual_best),
        cmocka_unit_test(test_one_to_one_best_first),
        cmocka_unit_test(test_one_to_one_ties_by_name_score),
        cmocka_unit_test(test_outranked_pairs_dropped),
        cmocka_unit_test(test_chain_does_not_become_one_cluster),
        cmocka_unit_test(test_cliques_and_bridge),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
