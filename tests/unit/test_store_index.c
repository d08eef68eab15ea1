/* test_store_index.c -- the person store's index file (engine/src/store,
 * issue 12): what is written is what a run built -- every run and column of
 * the features (walked by the featureset.h lists, so a new feature is checked
 * without touching this test), the text, the frozen rarity counts and the
 * blocking index (every record under every key block.c would give it, split
 * keys where block.c splits) -- the file is the same bytes for any thread
 * count, and a damaged, truncated or newer file is refused with its reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "store/store_index.h"
#include "watchlink.h"

static wl_dataset *read_sample(void)
{
    const char *root = getenv("WL_SOURCE_DIR");
    assert_non_null(root);
    static const char *const names[] = { "idn.csv", "mys.csv", "tha.csv" };
    wl_dataset *ds = wl_dataset_create();
    assert_non_null(ds);
    wl_read_options ro = wl_read_default_options();
    for (size_t i = 0; i < 3; i++) {
        char path[4096], err[512];
        snprintf(path, sizeof path, "%s/datasets/sample/%s", root, names[i]);
        wl_read_report rep;
        assert_int_equal(wl_dataset_read(ds, path, &ro, &rep, err, sizeof err), WL_OK);
    }
    return ds;
}

typedef struct {
    wl_dataset *ds;
    wl_result *r;
    wl_options o;
    int64_t *rid;
    uint32_t *rank;
    char path[64];
} fixture;

static void setup_run(fixture *fx, int threads, size_t max_block)
{
    memset(fx, 0, sizeof *fx);
    fx->ds = read_sample();
    fx->o = wl_default_options();
    fx->o.threads = threads;
    fx->o.keep_features = 1;
    if (max_block) fx->o.max_block = max_block;
    char err[512];
    assert_int_equal(wl_run(fx->ds, &fx->o, NULL, NULL, NULL, &fx->r, err, sizeof err), WL_OK);
    size_t n = wl_dataset_size(fx->ds);
    fx->rid = malloc(n * sizeof *fx->rid);
    fx->rank = malloc(n * sizeof *fx->rank);
    assert_non_null(fx->rid);
    assert_non_null(fx->rank);
    for (size_t k = 0; k < n; k++) {
        size_t i = wl_result_record(fx->r, k);
        fx->rank[i] = (uint32_t)k;
        fx->rid[i] = 3 * (int64_t)k + 7;
    }
    snprintf(fx->path, sizeof fx->path, "/tmp/wl_sidx_%d_%d.idx", (int)getpid(), threads);
}

static void teardown_run(fixture *fx)
{
    unlink(fx->path);
    free(fx->rid);
    free(fx->rank);
    wl_result_free(fx->r);
    wl_dataset_free(fx->ds);
}

static wl_store_index *write_open(fixture *fx)
{
    char err[512] = "";
    uint64_t sum = 0;
    const wl_features *f = wl_result_features(fx->r);
    assert_non_null(f);
    assert_int_equal(wl_store_index_write(f, &fx->o, fx->rid, fx->rank, fx->path, &sum, err, sizeof err), WL_OK);
    wl_store_index *x = NULL;
    assert_int_equal(wl_store_index_open(fx->path, &x, err, sizeof err), WL_OK);
    assert_true(wl_store_index_checksum(x) == sum);
    return x;
}

static int has_entry(const wl_store_index *x, uint64_t key, uint32_t rec)
{
    size_t lo = 0, hi = x->n_bkey;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (x->bkey[mid] < key) lo = mid + 1;
        else hi = mid;
    }
    for (; lo < x->n_bkey && x->bkey[lo] == key; lo++)
        if (x->brec[lo] == rec) return 1;
    return 0;
}

static int is_split(const wl_store_index *x, uint64_t key)
{
    for (size_t q = 0; q < x->n_bsplit; q++)
        if (x->bsplit[q] == key) return 1;
    return 0;
}

/* Every record's keys, as block.c builds them, are in the index under the
 * key or, where the store's block was split, under its split key; and the
 * index holds nothing else (its size is the distinct (key, record) count). */
static void check_blocks(const wl_features *f, const wl_store_index *x, size_t max_block)
{
    uint64_t keys[512];
    size_t distinct = 0, split_seen = 0;
    uint32_t common = wl_block_common_limit(max_block);
    for (int kind = 0; kind < WL_KIND_COUNT; kind++)
        for (size_t i = 0; i < f->n; i++) {
            size_t nk = wl_block_record_keys(f, i, kind, common, keys, 512);
            for (size_t a = 0; a < nk; a++) {
                int seen = 0;
                for (size_t b = 0; b < a; b++) seen |= keys[b] == keys[a];
                if (seen) continue;
                distinct++;
                uint64_t k = keys[a];
                if (is_split(x, k)) {
                    k = wl_block_key(kind, wl_hash_combine(k, wl_block_split_key(f, i, kind))) | WL_KEY_SPLIT_BIT;
                    split_seen++;
                }
                assert_true(has_entry(x, k, (uint32_t)i));
            }
        }
    assert_int_equal(distinct, x->n_bkey);
    if (max_block < 1000) assert_true(split_seen > 0); /* the small limit splits some blocks */
}

/* Each record's tspan holds its text offsets and is tight: one byte less at
 * either end no longer holds them (the store copies a candidate by its span). */
static void check_spans(const wl_features *f, const wl_store_index *x)
{
    size_t with_text = 0;
    for (size_t i = 0; i < f->n; i++) {
        int ident = f->n_names[i] != 0 || f->doc_start[i + 1] != f->doc_start[i];
        assert_int_equal((int)(x->ident[i / 64] >> (i % 64) & 1), ident);
        wl_sidx_span s = x->tspan[i];
        assert_true(wl_sidx_span_holds(&x->f, i, s));
        wl_sidx_span t = wl_sidx_text_span(f, i);
        assert_int_equal(s.lo, t.lo);
        assert_int_equal(s.hi, t.hi);
        if (s.hi == s.lo) continue;
        with_text++;
        assert_false(wl_sidx_span_holds(&x->f, i, (wl_sidx_span){ s.lo + 1, s.hi }));
        assert_false(wl_sidx_span_holds(&x->f, i, (wl_sidx_span){ s.lo, s.hi - 1 }));
    }
    assert_true(with_text > f->n / 2);
}

static int cmp_u64_key(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* wl_sidx_block finds, by the directory, what a scan of every entry finds:
 * each key present, and the keys beside them, 0 and the greatest. */
static void check_directory(const wl_store_index *x)
{
    assert_non_null(x->bdir);
    for (size_t q = 0; q < x->n_bkey; q++) {
        uint64_t probe[3] = { x->bkey[q], x->bkey[q] - 1, x->bkey[q] + 1 };
        for (int p = 0; p < 3; p++) {
            size_t lo, hi, want_lo = 0, want_hi;
            while (want_lo < x->n_bkey && x->bkey[want_lo] < probe[p]) want_lo++;
            for (want_hi = want_lo; want_hi < x->n_bkey && x->bkey[want_hi] == probe[p]; want_hi++) {}
            wl_sidx_block(x, probe[p], &lo, &hi);
            if (want_hi > want_lo) assert_int_equal(lo, want_lo);
            assert_int_equal(hi - lo, want_hi - want_lo);
        }
        q += 7; /* every 8th entry: the scan is quadratic */
    }
    size_t lo, hi;
    wl_sidx_block(x, 0, &lo, &hi);
    assert_int_equal(hi - lo, x->n_bkey && x->bkey[0] == 0);
    wl_sidx_block(x, UINT64_MAX, &lo, &hi);
    assert_int_equal(hi - lo, 0);
}

/* The directory, built by galloping, is what its definition says: slot t
 * holds the first entry whose key's top bits are >= t. 2 M keys (the 2^18-slot
 * cap), clustered by kind in the top bits as real keys are, with runs of equal
 * keys and empty slots. */
static void test_directory_definition(void **state)
{
    (void)state;
    wl_store_index x;
    memset(&x, 0, sizeof x);
    x.n_bkey = 2000000;
    uint64_t *k = malloc(x.n_bkey * sizeof *k), z = 12345;
    assert_non_null(k);
    for (size_t q = 0; q < x.n_bkey; q++) {
        z = z * 6364136223846793005ULL + 1442695040888963407ULL;
        uint64_t kind = (q % 3 == 0) ? 1 : (q % 3 == 1) ? 2 : 5; /* three kinds, the others empty */
        k[q] = kind << 61 | (z >> 3 & (((uint64_t)1 << 61) - 1));
        if (q % 10 == 9) k[q] = k[q - 1]; /* equal keys */
    }
    for (size_t q = 1001; q < 1001 + 37000; q++) k[q] = k[1000]; /* a common key's block */
    qsort(k, x.n_bkey, sizeof *k, cmp_u64_key);
    x.bkey = k;
    assert_int_equal(wl_sidx_directory(&x), 0);
    assert_int_equal(x.bdir_bits, 18);
    size_t slots = (size_t)1 << x.bdir_bits, q = 0;
    for (size_t t = 0; t <= slots; t++) {
        while (q < x.n_bkey && (size_t)(k[q] >> (64 - x.bdir_bits)) < t) q++;
        if (x.bdir[t] != q) fail_msg("slot %zu: %zu, wanted %zu", t, x.bdir[t], q);
    }
    /* blocks found whole: every 997th entry's key, the long block among them */
    for (size_t p = 0; p < x.n_bkey; p += 997) {
        size_t lo, hi, want_lo = p, want_hi = p;
        while (want_lo > 0 && k[want_lo - 1] == k[p]) want_lo--;
        while (want_hi < x.n_bkey && k[want_hi] == k[p]) want_hi++;
        wl_sidx_block(&x, k[p], &lo, &hi);
        if (lo != want_lo || hi != want_hi)
            fail_msg("key at %zu: [%zu, %zu), wanted [%zu, %zu)", p, lo, hi, want_lo, want_hi);
    }
    size_t lo, hi;
    wl_sidx_block(&x, k[x.n_bkey - 1], &lo, &hi); /* a block at the very end */
    assert_int_equal(hi, x.n_bkey);
    free(x.bdir);
    free(k);
}

static void check_round_trip(size_t max_block)
{
    fixture fx;
    setup_run(&fx, 1, max_block);
    wl_store_index *x = write_open(&fx);
    const wl_features *f = wl_result_features(fx.r), *g = &x->f;
    size_t n = f->n;
    assert_int_equal(wl_store_index_records(x), n);
    assert_int_equal(g->n, n);
#define RUN_(id, start, data, type, rebase)                                     \
    assert_memory_equal(f->start, g->start, (n + 1) * sizeof(uint32_t));         \
    if (f->start[n]) assert_memory_equal(f->data, g->data, f->start[n] * sizeof(type));
    WL_FEATURE_RUNS(RUN_)
#undef RUN_
#define COL_(id, array, type, rebase) assert_memory_equal(f->array, g->array, (n + 1) * sizeof(type));
    WL_FEATURE_COLUMNS(COL_)
#undef COL_
    assert_int_equal(f->text_len, g->text_len);
    assert_memory_equal(f->text, g->text, f->text_len);
    for (size_t i = 0; i < n; i++) assert_int_equal(wl_store_index_rid(x, i), fx.rid[i]);
    assert_int_equal(wl_store_index_rid(x, n), -1);
    int64_t top = 0; /* the largest row id, found at open */
    for (size_t i = 0; i < n; i++) top = fx.rid[i] > top ? fx.rid[i] : top;
    assert_true(top > 0);
    assert_int_equal(wl_store_index_max_rid(x), top);
    assert_int_equal(wl_store_index_max_rid(NULL), 0);
    /* the frozen rarity counts: every part's count, found by its canonical hash */
    for (size_t k = 0; k < f->part_start[n]; k++) {
        size_t q = 0;
        while (q < x->n_freq && x->freq[q].h != f->parts[k].h_canon) q++;
        assert_true(q < x->n_freq);
        assert_int_equal(x->freq[q].records, f->parts[k].freq);
    }
    for (size_t q = 1; q < x->n_freq; q++) assert_true(x->freq[q - 1].h < x->freq[q].h);
    assert_int_equal(x->head.p.records, n);
    assert_int_equal(x->head.p.max_block, max_block ? max_block : 1000);
    check_blocks(f, x, max_block ? max_block : 1000);
    check_spans(f, x);
    check_directory(x);
    size_t fb = 0, sb = 0, bb = 0;
    assert_int_equal(wl_store_index_bytes(x, &fb, &sb, &bb), x->bytes);
    assert_true(fb > 0 && sb > 0 && bb > 0 && fb + sb + bb < x->bytes);
    wl_store_index_close(x);
    teardown_run(&fx);
}

static void test_round_trip(void **state)
{
    (void)state;
    check_round_trip(0);
}

static void test_round_trip_split(void **state)
{
    (void)state;
    check_round_trip(64); /* blocks above 4 records split */
}

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    *n = (size_t)ftell(fp);
    fseek(fp, 0, SEEK_SET);
    unsigned char *b = malloc(*n);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, *n, fp), *n);
    fclose(fp);
    return b;
}

static void spill(const char *path, const unsigned char *b, size_t n)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(b, 1, n, fp), n);
    fclose(fp);
}

static void test_same_bytes_any_threads(void **state)
{
    (void)state;
    fixture a, b;
    setup_run(&a, 1, 0);
    setup_run(&b, 2, 0);
    wl_store_index_close(write_open(&a));
    wl_store_index_close(write_open(&b));
    size_t na, nb;
    unsigned char *x = slurp(a.path, &na), *y = slurp(b.path, &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(x, y, na);
    free(x);
    free(y);
    teardown_run(&a);
    teardown_run(&b);
}

static void expect_refused(const char *path, const char *why)
{
    wl_store_index *x = NULL;
    char err[512] = "";
    assert_int_equal(wl_store_index_open(path, &x, err, sizeof err), WL_INPUT);
    assert_null(x);
    if (!strstr(err, why)) fail_msg("expected '%s' in: %s", why, err);
}

static void test_damage_refused(void **state)
{
    (void)state;
    fixture fx;
    setup_run(&fx, 1, 0);
    wl_store_index_close(write_open(&fx));
    size_t n;
    unsigned char *b = slurp(fx.path, &n);
    wl_sidx_header h;
    memcpy(&h, b, sizeof h);
    wl_sidx_section tab[64];
    assert_true(h.n_sections <= 64);
    memcpy(tab, b + sizeof h, h.n_sections * sizeof *tab);
    /* one flipped byte in every section with bytes */
    for (uint32_t s = 0; s < h.n_sections; s++) {
        if (!tab[s].count) continue;
        size_t at = (size_t)(tab[s].offset + tab[s].elem * tab[s].count / 2);
        b[at] ^= 0x5a;
        spill(fx.path, b, n);
        expect_refused(fx.path, "checksum");
        b[at] ^= 0x5a;
    }
    /* a record's text span one byte short, its checksums made good: the
     * record's copy would miss the end of its last string */
    int spans_seen = 0;
    for (uint32_t s = 0; s < h.n_sections && !spans_seen; s++) {
        if (strncmp(tab[s].name, "tspan", sizeof tab[s].name)) continue;
        spans_seen = 1;
        unsigned char *c = malloc(n);
        assert_non_null(c);
        memcpy(c, b, n);
        wl_sidx_span *sp = (wl_sidx_span *)(void *)(c + tab[s].offset);
        size_t i = 0;
        while (i < tab[s].count && sp[i].hi == sp[i].lo) i++;
        assert_true(i < tab[s].count);
        sp[i].hi--;
        wl_sidx_section t2[64];
        memcpy(t2, tab, h.n_sections * sizeof *t2);
        t2[s].hash = XXH3_64bits(sp, tab[s].elem * tab[s].count);
        wl_sidx_header h2 = h;
        h2.hash = 0;
        memcpy(c, &h2, sizeof h2);
        memcpy(c + sizeof h2, t2, h.n_sections * sizeof *t2);
        h2.hash = XXH3_64bits(c, sizeof h2 + h.n_sections * sizeof *t2);
        memcpy(c, &h2, sizeof h2);
        spill(fx.path, c, n);
        expect_refused(fx.path, "inconsistent store index");
        free(c);
    }
    assert_true(spans_seen);
    /* the header and table */
    b[sizeof h + 3] ^= 1;
    spill(fx.path, b, n);
    expect_refused(fx.path, "checksum");
    b[sizeof h + 3] ^= 1;
    /* a newer format, an older one, not an index at all, cut short */
    wl_sidx_header v = h;
    v.version = WL_SIDX_VERSION + 1;
    memcpy(b, &v, sizeof v);
    spill(fx.path, b, n);
    expect_refused(fx.path, "use a newer watchlink");
    v.version = 0;
    memcpy(b, &v, sizeof v);
    spill(fx.path, b, n);
    expect_refused(fx.path, "--refit");
    memcpy(b, &h, sizeof h);
    b[0] = 'X';
    spill(fx.path, b, n);
    expect_refused(fx.path, "not a watchlink store index");
    b[0] = h.magic[0];
    spill(fx.path, b, n / 2);
    expect_refused(fx.path, "damaged");
    spill(fx.path, b, 10);
    expect_refused(fx.path, "too short");
    unlink(fx.path);
    expect_refused(fx.path, "cannot open");
    /* intact again: opens */
    spill(fx.path, b, n);
    wl_store_index *x = NULL;
    char err[512];
    assert_int_equal(wl_store_index_open(fx.path, &x, err, sizeof err), WL_OK);
    wl_store_index_close(x);
    free(b);
    teardown_run(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_directory_definition),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_round_trip_split),
        cmocka_unit_test(test_same_bytes_any_threads),
        cmocka_unit_test(test_damage_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
