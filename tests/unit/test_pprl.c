/* test_pprl.c -- keyed Bloom-filter encodings (engine/src/pprl): the Dice kernel
 * against a plain count, the schema parser and its fingerprint, the encoder's
 * determinism across thread counts, what a wrong key and each hardening option
 * do to the filters, the file round trip and the reader's errors, and the link. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "pprl_fixture.h"

static const uint8_t KEY2[] = "fedcba9876543210fedcba9876543210";

static const char LIST[] =
    "id,full_name,dob,doc_number,nationality,gender\n"
    "1,Sergey Ivanov,1978-03-04,7512345678,RUS,M\n"
    "2,Mohammed Al-Rashid,1980-01-02,A1234567,IRQ,M\n"
    "3,Nguyen Van An,1990-05-06,C9876543,VNM,M\n"
    "4,Siti Nurhaliza binti Tarudin,1979-01-11,,MYS,F\n"
    "5,\"Tan, Ah Kow\",1965,,SGP,M\n"
    "6,Сергей Иванов,04.03.1978,7512345678,Россия,M\n"
    "7,Anna Petrova,1985-07-08,,RUS,F\n"
    "8,Ivan Sergeyev,1978-03-04,,RUS,M\n";

/* ---- helpers ---- */

/* The version 1 schema (one CLK for all fields) the tests below were written
 * for: still read, encoded and linked by Dice. */
static const char V1_SCHEMA[] =
    "{\n"
    "  \"format\": \"watchlink-pprl-schema\",\n"
    "  \"version\": 1,\n"
    "  \"bits\": 1024,\n"
    "  \"fields\": {\n"
    "    \"name\": { \"k\": 8, \"q\": 2, \"tokens\": [\"bigrams\", \"phonetic\", \"skeleton\", \"words\"],\n"
    "              \"salt\": \"none\", \"aliases\": false },\n"
    "    \"dob\": { \"k\": 24, \"salt\": \"none\" },\n"
    "    \"doc\": { \"k\": 12, \"q\": 2 },\n"
    "    \"nationality\": { \"k\": 4 },\n"
    "    \"gender\": { \"k\": 2 },\n"
    "    \"place_of_birth\": { \"k\": 3, \"q\": 2 },\n"
    "    \"text\": { \"k\": 3, \"q\": 2 }\n"
    "  },\n"
    "  \"hardening\": { \"balance\": false, \"xor_fold\": false, \"blip_epsilon\": 0 },\n"
    "  \"blocking\": true\n"
    "}\n";

static wl_pprl_schema *schema_with(const char *from, const char *to) { return schema_from(V1_SCHEMA, from, to); }

static wl_encoded *encode(const list_fx *fx, const wl_pprl_schema *s, const uint8_t *key, int threads)
{
    return encode_with(fx, s, key, threads);
}

static double dice_of(const wl_encoded *a, size_t i, const wl_encoded *b, size_t j)
{
    return wl_dice(wl_encoded_filter(a, i), wl_encoded_filter(b, j), wl_encoded_bits(a) / 64);
}

static uint64_t next_rand(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* ---- kernel ---- */

static void test_popcount_kernels_agree(void **state)
{
    (void)state;
    uint64_t seed = 7, a[33], b[33];
    for (int round = 0; round < 200; round++) {
        size_t n = (size_t)(next_rand(&seed) % 33);
        for (size_t k = 0; k < n; k++) {
            a[k] = next_rand(&seed) & next_rand(&seed);
            b[k] = next_rand(&seed);
        }
        uint32_t want = 0;
        for (size_t k = 0; k < n; k++)
            for (int bit = 0; bit < 64; bit++) want += (uint32_t)(((a[k] & b[k]) >> bit) & 1);
        assert_int_equal(wl_pprl_and_count(a, b, n), want);
        assert_int_equal(wl_pprl_and_count_portable(a, b, n), want);
        for (int v = 0; v < wl_pprl_kernel_count(); v++)
            if (wl_pprl_kernel_supported(v)) assert_int_equal(wl_pprl_and_count_with(v, a, b, n), want);
    }
    assert_true(wl_pprl_kernel_supported(wl_pprl_kernel_best()));
}

/* Every scan variant the CPU runs finds the same hits with the same Dice as the
 * portable one, for 1024-bit filters (the unrolled path) and other lengths. */
static void test_scan_variants_agree(void **state)
{
    (void)state;
    static const size_t lengths[] = { 16, 1, 9, 32 };
    uint64_t seed = 11;
    for (size_t L = 0; L < sizeof lengths / sizeof lengths[0]; L++) {
        size_t w = lengths[L], n = 300;
        wl_encoded *e = wl_encoded_alloc(n, w);
        assert_non_null(e);
        for (size_t i = 0; i < n; i++) {
            for (size_t k = 0; k < w; k++) e->bits[i * w + k] = next_rand(&seed) & next_rand(&seed);
            if (i % 3 == 1) memcpy(e->bits + i * w, e->bits, w * 8); /* some near-copies of record 0 */
            if (i % 3 == 1) e->bits[i * w] ^= next_rand(&seed) & 0xff;
            if (i == 7) memset(e->bits + i * w, 0, w * 8);           /* an empty filter */
            e->pop[i] = wl_pprl_popcount(e->bits + i * w, w);
        }
        uint32_t hj0[300], hj[300];
        float hd0[300], hd[300];
        for (double t = 0.0; t <= 1.0; t += 0.25) {
            size_t c0 = 0;
            uint32_t n0 = wl_pprl_scan_with(0, e->bits, e->pop[0], e, NULL, n, t, hj0, hd0, &c0);
            assert_true(n0 >= 1); /* record 0 with itself */
            for (int v = 1; v < wl_pprl_kernel_count(); v++) {
                if (!wl_pprl_kernel_supported(v)) continue;
                size_t c1 = 0;
                uint32_t n1 = wl_pprl_scan_with(v, e->bits, e->pop[0], e, NULL, n, t, hj, hd, &c1);
                assert_int_equal(n1, n0);
                assert_int_equal(c1, c0);
                assert_memory_equal(hj, hj0, n0 * sizeof *hj);
                assert_memory_equal(hd, hd0, n0 * sizeof *hd);
            }
            for (uint32_t k = 0; k < n0; k++)
                assert_true(hd0[k] == (float)wl_dice(e->bits, e->bits + hj0[k] * w, w) && hd0[k] >= t - 1e-9);
        }
        wl_encoded_free(e);
    }
}

static void test_dice_values(void **state)
{
    (void)state;
    uint64_t a[16] = { 0 }, b[16] = { 0 }, z[16] = { 0 };
    a[0] = 0xF;  /* 4 bits */
    b[0] = 0x3C; /* 4 bits, 2 shared */
    assert_true(wl_dice(a, a, 16) == 1.0);
    assert_true(wl_dice(a, b, 16) == 0.5);
    assert_true(wl_dice(z, z, 16) == 0.0);
    assert_true(wl_dice(a, z, 16) == 0.0);
}

/* ---- schema ---- */

static void test_schema_default_and_fingerprint(void **state)
{
    (void)state;
    wl_pprl_schema *s = schema_with(NULL, NULL);
    assert_int_equal(s->bits, 1024);
    assert_int_equal(strlen(wl_pprl_schema_fingerprint(s)), WL_PPRL_FP_HEX);
    /* spacing does not matter, values do */
    const char *compact = "{\"format\":\"watchlink-pprl-schema\",\"version\":1,\"fields\":{\"name\":{\"k\":10}}}";
    const char *spaced = "{ \"fields\" : { \"name\" : { \"k\" : 10 } },\n \"version\": 1, \"format\": \"watchlink-pprl-schema\" }";
    char err[256];
    wl_pprl_schema *c1 = wl_pprl_schema_parse(compact, strlen(compact), "c", err, sizeof err);
    wl_pprl_schema *c2 = wl_pprl_schema_parse(spaced, strlen(spaced), "s", err, sizeof err);
    assert_non_null(c1);
    assert_non_null(c2);
    assert_string_equal(wl_pprl_schema_fingerprint(c1), wl_pprl_schema_fingerprint(c2));
    wl_pprl_schema *s2 = schema_with("\"bits\": 1024", "\"bits\": 2048");
    assert_string_not_equal(wl_pprl_schema_fingerprint(s), wl_pprl_schema_fingerprint(s2));
    wl_pprl_schema_free(s);
    wl_pprl_schema_free(s2);
    wl_pprl_schema_free(c1);
    wl_pprl_schema_free(c2);
}

static void test_schema_errors(void **state)
{
    (void)state;
    static const struct { const char *json, *msg; } bad[] = {
        { "{\"format\":\"watchlink-pprl-schema\",\"version\":1,\"fields\":{\"name\":{\"k\":10}},\"hardening\":{\"xorfold\":true}}",
          "unknown key \"xorfold\"" },
        { "{\"format\":\"watchlink-pprl-schema\",\"version\":1,\"fields\":{\"nmae\":{}}}", "unknown field \"nmae\"" },
        { "{\"format\":\"watchlink-pprl-schema\",\"version\":1,\"fields\":{\"name\":{\"k\":0}}}", "fields.name.k" },
        { "{\"format\":\"watchlink-pprl-schema\",\"version\":1,\"bits\":1000,\"fields\":{\"dob\":{}}}", "multiple of 64" },
        { "{\"format\":\"watchlink-pprl-schema\",\"version\":1,\"fields\":{}}", "at least one field" },
        { "{\"format\":\"other\",\"version\":1,\"fields\":{\"dob\":{}}}", "\"format\"" },
        { "{\"format\":\"watchlink-pprl-schema\",\"fields\":{\"dob\":{}}}", "\"version\" is missing" },
        { "{\"format\":\"watchlink-pprl-schema\",\"version\":1,\"fields\":{\"dob\":{\"tokens\":[\"bigrams\"]}}}",
          "only the name field" },
        { "{\"format\":\"watchlink-pprl-schema\",\"version\":1,\"fields\":{\"dob\":{\"salt\":\"year\"}}}", "salt" },
        { "{\"format\":\"watchlink-pprl-schema\",\"version\":1,\"fields\":{\"dob\":{}},\"hardening\":{\"blip_epsilon\":-1}}",
          "blip_epsilon" },
        { "{\"format\":", "bad:1:" },
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char err[256] = "";
        wl_pprl_schema *s = wl_pprl_schema_parse(bad[k].json, strlen(bad[k].json), "bad", err, sizeof err);
        assert_null(s);
        if (!strstr(err, bad[k].msg)) fail_msg("case %zu: '%s' lacks '%s'", k, err, bad[k].msg);
    }
}

/* ---- encoder ---- */

static void test_encoder_deterministic_any_threads(void **state)
{
    (void)state;
    list_fx fx = read_list(LIST, "lat");
    wl_pprl_schema *s = schema_with(NULL, NULL);
    wl_encoded *e1 = encode(&fx, s, KEY1, 1), *e2 = encode(&fx, s, KEY1, 2), *e3 = encode(&fx, s, KEY1, 1);
    assert_int_equal(wl_encoded_size(e1), 8);
    assert_memory_equal(e1->bits, e2->bits, e1->n * e1->words * 8);
    assert_memory_equal(e1->bits, e3->bits, e1->n * e1->words * 8);
    assert_memory_equal(e1->block_start, e2->block_start, (e1->n + 1) * 4);
    assert_memory_equal(e1->blocks, e2->blocks, e1->block_start[e1->n] * 8);
    assert_string_equal(e1->key_fp, e2->key_fp);
    /* the Cyrillic and the Latin spelling of one person, and two persons apart */
    assert_true(dice_of(e1, 0, e1, 5) >= 0.7); /* version 1's default Dice threshold */
    assert_true(dice_of(e1, 0, e1, 6) < 0.5);
    wl_encoded_free(e1);
    wl_encoded_free(e2);
    wl_encoded_free(e3);
    wl_pprl_schema_free(s);
    free_list(&fx);
}

static void test_wrong_key_shares_nothing(void **state)
{
    (void)state;
    list_fx fx = read_list(LIST, "lat");
    wl_pprl_schema *s = schema_with(NULL, NULL);
    wl_encoded *e1 = encode(&fx, s, KEY1, 1), *e2 = encode(&fx, s, KEY2, 1);
    assert_string_not_equal(e1->key_fp, e2->key_fp);
    for (size_t i = 0; i < e1->n; i++) assert_true(dice_of(e1, i, e2, i) < 0.6);
    /* refused as they are; with the fingerprint forged, nothing links */
    wl_pprl_result *r = NULL;
    char err[512] = "";
    assert_int_equal(wl_pprl_link(e1, e2, NULL, &r, err, sizeof err), WL_INPUT);
    assert_non_null(strstr(err, "different keys"));
    memcpy(e2->key_fp, e1->key_fp, sizeof e1->key_fp);
    wl_pprl_options opt = wl_pprl_default_options();
    opt.all_pairs = 1;
    assert_int_equal(wl_pprl_link(e1, e2, &opt, &r, err, sizeof err), WL_OK);
    assert_int_equal(wl_pprl_result_count(r), 0);
    wl_pprl_result_free(r);
    wl_encoded_free(e1);
    wl_encoded_free(e2);
    wl_pprl_schema_free(s);
    free_list(&fx);
}

static void test_hardening(void **state)
{
    (void)state;
    list_fx fx = read_list(LIST, "lat");
    wl_pprl_schema *plain = schema_with(NULL, NULL);
    wl_pprl_schema *bal = schema_with("\"balance\": false", "\"balance\": true");
    wl_pprl_schema *xr = schema_with("\"xor_fold\": false", "\"xor_fold\": true");
    wl_pprl_schema *bl = schema_with("\"blip_epsilon\": 0", "\"blip_epsilon\": 2");
    wl_encoded *ep = encode(&fx, plain, KEY1, 1), *eb = encode(&fx, bal, KEY1, 2), *ex = encode(&fx, xr, KEY1, 1),
               *el = encode(&fx, bl, KEY1, 2), *el2 = encode(&fx, bl, KEY1, 1);
    assert_int_equal(wl_encoded_bits(eb), 2048);
    assert_int_equal(wl_encoded_bits(ex), 512);
    for (size_t i = 0; i < eb->n; i++) {
        /* balanced: exactly half the bits set, whatever the record */
        assert_int_equal(wl_pprl_popcount(wl_encoded_filter(eb, i), 32), 1024);
        /* folded: the halves XORed */
        const uint64_t *p = wl_encoded_filter(ep, i), *x = wl_encoded_filter(ex, i);
        for (size_t w = 0; w < 8; w++) assert_true(x[w] == (p[w] ^ p[w + 8]));
        /* BLIP at epsilon 2 flips p = 1 / (1 + e^2) = 11.9% of the bits, the same ones each time */
        const uint64_t *l = wl_encoded_filter(el, i);
        uint32_t flipped = 0;
        for (size_t w = 0; w < 16; w++) flipped += (uint32_t)__builtin_popcountll(l[w] ^ p[w]);
        assert_true(flipped > 70 && flipped < 180);
        assert_memory_equal(l, wl_encoded_filter(el2, i), 128);
    }
    /* the Cyrillic/Latin pair still stands out under balance */
    assert_true(dice_of(eb, 0, eb, 5) > dice_of(eb, 0, eb, 6) + 0.1);
    wl_encoded *all[] = { ep, eb, ex, el, el2 };
    for (size_t k = 0; k < 5; k++) wl_encoded_free(all[k]);
    wl_pprl_schema_free(plain);
    wl_pprl_schema_free(bal);
    wl_pprl_schema_free(xr);
    wl_pprl_schema_free(bl);
    free_list(&fx);
}

static void test_birth_year_salt(void **state)
{
    (void)state;
    static const char two[] = "id,full_name,dob\n1,Sergey Ivanov,1978-03-04\n2,Sergey Ivanov,1979-03-04\n";
    list_fx fx = read_list(two, "s");
    wl_pprl_schema *plain = schema_with(NULL, NULL);
    wl_pprl_schema *salted = schema_with("\"salt\": \"none\", \"aliases\"", "\"salt\": \"birth_year\", \"aliases\"");
    wl_encoded *ep = encode(&fx, plain, KEY1, 1), *es = encode(&fx, salted, KEY1, 1);
    /* the same name under two birth years: its bits no longer coincide */
    assert_true(dice_of(ep, 0, ep, 1) > 0.75);
    assert_true(dice_of(es, 0, es, 1) < 0.4);
    assert_string_not_equal(wl_pprl_schema_fingerprint(plain), wl_pprl_schema_fingerprint(salted));
    wl_encoded_free(ep);
    wl_encoded_free(es);
    wl_pprl_schema_free(plain);
    wl_pprl_schema_free(salted);
    free_list(&fx);
}

/* ---- file ---- */

static char *write_encoded(const wl_encoded *e, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    assert_non_null(f);
    assert_int_equal(wl_encoded_write(e, f), WL_OK);
    fclose(f);
    return buf;
}

static void test_file_round_trip(void **state)
{
    (void)state;
    static const char odd[] = "id,full_name,dob\n\"a,1\",Sergey Ivanov,1978-03-04\n\"q\"\"2\",Anna Petrova,1985\n";
    list_fx fx = read_list(odd, "src,x");
    wl_pprl_schema *s = schema_with("\"blip_epsilon\": 0", "\"blip_epsilon\": 3");
    wl_encoded *e = encode(&fx, s, KEY1, 1), *back = NULL;
    size_t len;
    char *text = write_encoded(e, &len);
    char err[256] = "";
    assert_int_equal(wl_encoded_parse(text, len, "mem", &back, err, sizeof err), WL_OK);
    assert_int_equal(back->n, e->n);
    assert_string_equal(wl_encoded_id(back, 0), "a,1");
    assert_string_equal(wl_encoded_id(back, 1), "q\"2");
    assert_string_equal(wl_encoded_source(back, 0), "src,x");
    assert_memory_equal(back->bits, e->bits, e->n * e->words * 8);
    assert_memory_equal(back->pop, e->pop, e->n * 4);
    assert_memory_equal(back->block_start, e->block_start, (e->n + 1) * 4);
    assert_memory_equal(back->blocks, e->blocks, e->block_start[e->n] * 8);
    assert_string_equal(back->schema_fp, s->fingerprint);
    assert_string_equal(back->key_fp, e->key_fp);
    free(text);
    wl_encoded_free(back);
    wl_encoded_free(e);
    wl_pprl_schema_free(s);
    free_list(&fx);
}

static void test_reader_errors(void **state)
{
    (void)state;
    static const char H[] = "#watchlink-encoded v1 schema=0123456789abcdef key=0123456789abcdef bits=64\n"
                            "id,source,clk,blocks\n";
    static const struct { const char *rows, *msg; } bad[] = {
        { "1,a,AAAAAAAAAAA=,\n", "" },                             /* valid: 8 zero bytes */
        { "1,a,AAAAAAAA,\n", "mem:3: the clk is not a filter" },
        { "1,a,AAAAAAAAAAA*,\n", "mem:3: the clk is not base64" },
        { "1,a,AAAAAAAAAAB=,\n", "mem:3: the clk has bits past" },
        { "1,a,AAAAAAAAAAA=,0123\n", "mem:3: a blocking key" },
        { "1,a,AAAAAAAAAAA=\n", "mem:3: a row needs 4 fields" },
        { "1,a,AAAAAAAAAAA=,,x\n", "mem:3: more than 4 fields" },
        { ",a,AAAAAAAAAAA=,\n", "mem:3: an empty id" },
        { "\"1,a,AAAAAAAAAAA=,\n", "not closed" },
        { "1,a,AAAAAAAAAAA=,\n2,a,AAAAAAAAAAA=,0123456789abcdef \n", "mem:4: a blocking key" },
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char text[512], err[256] = "";
        snprintf(text, sizeof text, "%s%s", H, bad[k].rows);
        wl_encoded *e = NULL;
        wl_status st = wl_encoded_parse(text, strlen(text), "mem", &e, err, sizeof err);
        if (!bad[k].msg[0]) {
            assert_int_equal(st, WL_OK);
            assert_int_equal(wl_encoded_size(e), 1);
        } else {
            assert_int_equal(st, WL_FORMAT);
            if (!strstr(err, bad[k].msg)) fail_msg("case %zu: '%s' lacks '%s'", k, err, bad[k].msg);
        }
        wl_encoded_free(e);
    }
    static const char *const heads[] = {
        "id,source,clk,blocks\n",
        "#watchlink-encoded v2 schema=0123456789abcdef key=0123456789abcdef bits=64\nid,source,clk,blocks\n",
        "#watchlink-encoded v1 schema=0123 key=0123456789abcdef bits=64\nid,source,clk,blocks\n",
        "#watchlink-encoded v1 schema=0123456789abcdef key=0123456789abcdef bits=65\nid,source,clk,blocks\n",
        "#watchlink-encoded v1 schema=0123456789abcdef key=0123456789abcdef bits=64\nid,clk\n",
    };
    for (size_t k = 0; k < sizeof heads / sizeof heads[0]; k++) {
        char err[256] = "";
        wl_encoded *e = NULL;
        assert_int_equal(wl_encoded_parse(heads[k], strlen(heads[k]), "mem", &e, err, sizeof err), WL_FORMAT);
        assert_non_null(strstr(err, "mem:"));
    }
}

/* ---- link ---- */

static void test_link_one_to_one_and_order(void **state)
{
    (void)state;
    static const char left[] = "id,full_name,dob\n1,Sergey Ivanov,1978-03-04\n2,Anna Petrova,1985-07-08\n";
    static const char right[] = "id,full_name,dob\nx,Сергей Иванов,1978-03-05\ny,Sergey Ivanov,1978-03-04\n"
                                "z,Anna Petrova,1985-07-08\n";
    list_fx a = read_list(left, "b_left"), b = read_list(right, "a_right");
    wl_pprl_schema *s = schema_with(NULL, NULL);
    wl_encoded *ea = encode(&a, s, KEY1, 1), *eb = encode(&b, s, KEY1, 1);
    wl_pprl_options opt = wl_pprl_default_options();
    wl_pprl_result *r1 = NULL, *r2 = NULL, *r3 = NULL;
    char err[256];
    assert_int_equal(wl_pprl_link(ea, eb, &opt, &r1, err, sizeof err), WL_OK);
    assert_int_equal(wl_pprl_link(eb, ea, &opt, &r2, err, sizeof err), WL_OK);
    assert_int_equal(wl_pprl_result_count(r1), 3);
    assert_int_equal(wl_pprl_result_count(r2), 3);
    for (size_t k = 0; k < 3; k++) {
        const wl_pprl_pair *p = wl_pprl_result_pair(r1, k), *q = wl_pprl_result_pair(r2, k);
        /* the source "a_right" comes first: b's record is on the left */
        assert_int_equal(p->a_first, 0);
        assert_int_equal(q->a_first, 1);
        assert_int_equal(p->a, q->b);
        assert_int_equal(p->b, q->a);
        assert_true(p->dice == q->dice);
    }
    opt.one_to_one = 1;
    assert_int_equal(wl_pprl_link(ea, eb, &opt, &r3, err, sizeof err), WL_OK);
    assert_int_equal(wl_pprl_result_count(r3), 2);
    /* Sergey Ivanov keeps his exact namesake, the Cyrillic spelling comes second */
    const wl_pprl_pair *p = wl_pprl_result_pair(r3, 0);
    assert_string_equal(wl_encoded_id(eb, p->b), "y");
    wl_pprl_result_free(r1);
    wl_pprl_result_free(r2);
    wl_pprl_result_free(r3);
    wl_encoded_free(ea);
    wl_encoded_free(eb);
    wl_pprl_schema_free(s);
    free_list(&a);
    free_list(&b);
}

static char *dup_text(const char *s)
{
    char *d = malloc(strlen(s) + 1);
    assert_non_null(d);
    memcpy(d, s, strlen(s) + 1);
    return d;
}

/* Bits [from, to) of record i set; id and source given (freed by wl_encoded_free). */
static void hand_filter(wl_encoded *e, size_t i, unsigned from, unsigned to, const char *id, const char *src)
{
    for (unsigned b = from; b < to; b++) e->bits[i * e->words + b / 64] |= 1ull << (b % 64);
    e->pop[i] = wl_pprl_popcount(e->bits + i * e->words, e->words);
    e->id[i] = dup_text(id);
    e->source[i] = dup_text(src);
}

/* Outranked pairs: a pair below both its records' best Dice is dropped by default,
 * a record's best pair stays (a2 and a0 both keep b0), --keep-outranked reports all;
 * the same for 1 and 2 threads. Dice: a0-b0 1, a1-b1 1, a2-b0 0.947, a0-b1 and
 * a1-b0 0.8, a2-b1 0.737 (all above 0.7). */
static void test_link_drops_outranked(void **state)
{
    (void)state;
    wl_encoded *ea = wl_encoded_alloc(3, 16), *eb = wl_encoded_alloc(2, 16);
    assert_non_null(ea);
    assert_non_null(eb);
    hand_filter(ea, 0, 0, 100, "a0", "a");
    hand_filter(ea, 1, 20, 120, "a1", "a");
    hand_filter(ea, 2, 0, 90, "a2", "a");
    hand_filter(eb, 0, 0, 100, "b0", "b");
    hand_filter(eb, 1, 20, 120, "b1", "b");
    static const char *const want[3][2] = { { "a0", "b0" }, { "a1", "b1" }, { "a2", "b0" } };
    char err[256];
    for (int threads = 1; threads <= 2; threads++) {
        wl_pprl_options opt = wl_pprl_default_options();
        opt.threads = threads;
        wl_pprl_result *r = NULL, *rk = NULL;
        assert_int_equal(wl_pprl_link(ea, eb, &opt, &r, err, sizeof err), WL_OK);
        assert_int_equal(wl_pprl_result_count(r), 3);
        assert_int_equal(wl_pprl_result_stats(r)->outranked, 3);
        for (size_t k = 0; k < 3; k++) {
            const wl_pprl_pair *p = wl_pprl_result_pair(r, k);
            assert_string_equal(wl_encoded_id(ea, p->a), want[k][0]);
            assert_string_equal(wl_encoded_id(eb, p->b), want[k][1]);
        }
        opt.keep_outranked = 1;
        assert_int_equal(wl_pprl_link(ea, eb, &opt, &rk, err, sizeof err), WL_OK);
        assert_int_equal(wl_pprl_result_count(rk), 6);
        assert_int_equal(wl_pprl_result_stats(rk)->outranked, 0);
        wl_pprl_result_free(r);
        wl_pprl_result_free(rk);
    }
    wl_encoded_free(ea);
    wl_encoded_free(eb);
}

/* The all-pairs histogram: every pair counted once, in the bin of its Dice,
 * the same for 1 and 2 threads. */
static void test_dice_histogram(void **state)
{
    (void)state;
    list_fx fx = read_list(LIST, "lat");
    wl_pprl_schema *s = schema_with(NULL, NULL);
    wl_encoded *e = encode(&fx, s, KEY1, 1);
    size_t h1[WL_PPRL_HIST_BINS], h2[WL_PPRL_HIST_BINS], want[WL_PPRL_HIST_BINS] = { 0 }, total = 0;
    assert_int_equal(wl_pprl_dice_histogram(e, e, 1, h1), WL_OK);
    assert_int_equal(wl_pprl_dice_histogram(e, e, 2, h2), WL_OK);
    for (size_t i = 0; i < e->n; i++)
        for (size_t j = 0; j < e->n; j++) {
            uint32_t c = wl_pprl_and_count_portable(wl_encoded_filter(e, i), wl_encoded_filter(e, j), 16);
            want[200 * c / (e->pop[i] + e->pop[j])]++;
        }
    for (size_t k = 0; k < WL_PPRL_HIST_BINS; k++) total += h1[k];
    assert_int_equal(total, e->n * e->n);
    assert_memory_equal(h1, want, sizeof want);
    assert_memory_equal(h2, want, sizeof want);
    assert_int_equal(h1[100], e->n); /* each record with itself */
    assert_non_null(wl_pprl_kernel());
    wl_encoded_free(e);
    wl_pprl_schema_free(s);
    free_list(&fx);
}

/* Output order: source, then id with numbers by value (9 before 10, as the plain
 * pipeline orders them), whatever the input order; clusters numbered in it. */
static void test_link_output_order(void **state)
{
    (void)state;
    static const char left[] = "id,full_name,dob\n10,Anna Petrova,1985-07-08\nb7,Maria Lopez,1990-02-03\n"
                               "9,Sergey Ivanov,1978-03-04\n";
    static const char right[] = "id,full_name,dob\nz,Sergey Ivanov,1978-03-04\ny,Anna Petrova,1985-07-08\n"
                                "x,Maria Lopez,1990-02-03\n";
    list_fx a = read_list(left, "a"), b = read_list(right, "b");
    wl_pprl_schema *s = schema_with(NULL, NULL);
    wl_encoded *ea = encode(&a, s, KEY1, 1), *eb = encode(&b, s, KEY1, 1);
    wl_pprl_result *r = NULL;
    char err[256];
    assert_int_equal(wl_pprl_link(ea, eb, NULL, &r, err, sizeof err), WL_OK);
    assert_int_equal(wl_pprl_result_count(r), 3);
    static const char *const want[3][2] = { { "9", "z" }, { "10", "y" }, { "b7", "x" } };
    for (size_t k = 0; k < 3; k++) {
        const wl_pprl_pair *p = wl_pprl_result_pair(r, k);
        assert_int_equal(p->a_first, 1);
        assert_string_equal(wl_encoded_id(ea, p->a), want[k][0]);
        assert_string_equal(wl_encoded_id(eb, p->b), want[k][1]);
    }
    /* clusters: records in output order a:9 a:10 a:b7 b:x b:y b:z, numbered by first member */
    static const size_t want_cluster[6] = { 1, 2, 3, 3, 2, 1 };
    static const char *const want_id[6] = { "9", "10", "b7", "x", "y", "z" };
    assert_int_equal(wl_pprl_result_records(r), 6);
    for (size_t k = 0; k < 6; k++) {
        int in_b;
        size_t i = wl_pprl_result_record(r, k, &in_b);
        assert_int_equal(in_b, k >= 3);
        assert_string_equal(wl_encoded_id(in_b ? eb : ea, i), want_id[k]);
        assert_int_equal(wl_pprl_result_cluster(r, k), want_cluster[k]);
    }
    wl_pprl_result_free(r);
    wl_encoded_free(ea);
    wl_encoded_free(eb);
    wl_pprl_schema_free(s);
    free_list(&a);
    free_list(&b);
}

static void test_dice_pairs_matches_scalar(void **state)
{
    (void)state;
    list_fx fx = read_list(LIST, "lat");
    wl_pprl_schema *s = schema_with(NULL, NULL);
    wl_encoded *e = encode(&fx, s, KEY1, 1);
    uint32_t pairs[2 * 64];
    float out1[64], out2[64];
    for (uint32_t k = 0; k < 64; k++) {
        pairs[2 * k] = k % 8;
        pairs[2 * k + 1] = (k / 8) % 8;
    }
    assert_int_equal(wl_pprl_dice_pairs(e, e, pairs, 64, 1, out1), WL_OK);
    assert_int_equal(wl_pprl_dice_pairs(e, e, pairs, 64, 2, out2), WL_OK);
    for (size_t k = 0; k < 64; k++) {
        assert_true(out1[k] == out2[k]);
        assert_true(out1[k] == (float)dice_of(e, pairs[2 * k], e, pairs[2 * k + 1]));
    }
    pairs[0] = 99;
    assert_int_equal(wl_pprl_dice_pairs(e, e, pairs, 1, 1, out1), WL_USAGE);
    wl_encoded_free(e);
    wl_pprl_schema_free(s);
    free_list(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_popcount_kernels_agree),
        cmocka_unit_test(test_scan_variants_agree),
        cmocka_unit_test(test_dice_values),
        cmocka_unit_test(test_schema_default_and_fingerprint),
        cmocka_unit_test(test_schema_errors),
        cmocka_unit_test(test_encoder_deterministic_any_threads),
        cmocka_unit_test(test_wrong_key_shares_nothing),
        cmocka_unit_test(test_hardening),
        cmocka_unit_test(test_birth_year_salt),
        cmocka_unit_test(test_file_round_trip),
        cmocka_unit_test(test_reader_errors),
        cmocka_unit_test(test_link_one_to_one_and_order),
        cmocka_unit_test(test_link_drops_outranked),
        cmocka_unit_test(test_dice_histogram),
        cmocka_unit_test(test_link_output_order),
        cmocka_unit_test(test_dice_pairs_matches_scalar),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
