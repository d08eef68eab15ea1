/* test_pprl_fields.c -- version 2 encodings (issue 13): one segment per field,
 * its layout in the schema fingerprint and the file header, hardening kept
 * inside each segment, the reader's checks of the layout, the agreement
 * levels, EM with u held fixed, and the field-level link (a field empty on
 * one side adds nothing; the same pairs and weights for any thread count and
 * argument order). */
#include <math.h>
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

/* The default schema with one string replaced (from NULL: as it is). */
static wl_pprl_schema *schema_with(const char *from, const char *to)
{
    return schema_from(wl_pprl_default_schema(), from, to);
}

static wl_encoded *encode(const list_fx *fx, const wl_pprl_schema *s, int threads)
{
    return encode_with(fx, s, KEY1, threads);
}

static const wl_pprl_segment *segment_of(const wl_encoded *e, int field)
{
    for (int s = 0; s < e->n_seg; s++)
        if (e->seg[s].field == field) return &e->seg[s];
    return NULL;
}

static uint32_t seg_pop(const wl_encoded *e, size_t i, int field)
{
    const wl_pprl_segment *s = segment_of(e, field);
    assert_non_null(s);
    return wl_pprl_popcount(e->bits + i * e->words + s->off, s->words);
}

/* ---- schema and layout ---- */

static void test_default_schema_is_segmented(void **state)
{
    (void)state;
    wl_pprl_schema *s = schema_with(NULL, NULL);
    assert_int_equal(s->version, 2);
    assert_int_equal(s->bits, 512 + 256 + 256 + 128 + 128 + 128 + 256);
    /* the layout is part of the fingerprint */
    wl_pprl_schema *s2 = schema_with("\"dob\": { \"bits\": 256", "\"dob\": { \"bits\": 192");
    assert_string_not_equal(wl_pprl_schema_fingerprint(s), wl_pprl_schema_fingerprint(s2));
    assert_int_equal(s2->bits, s->bits - 64);
    static const struct { const char *json, *msg; } bad[] = {
        { "{\"format\":\"watchlink-pprl-schema\",\"version\":2,\"bits\":1024,\"fields\":{\"name\":{}}}",
          "top-level \"bits\" belongs to version 1" },
        { "{\"format\":\"watchlink-pprl-schema\",\"version\":1,\"fields\":{\"name\":{\"bits\":256}}}",
          "per-field bits need \"version\": 2" },
        { "{\"format\":\"watchlink-pprl-schema\",\"version\":2,\"fields\":{\"name\":{\"bits\":100}}}",
          "fields.name.bits must be a multiple of 64" },
        { "{\"format\":\"watchlink-pprl-schema\",\"version\":2,\"fields\":{\"name\":{\"bits\":192}},"
          "\"hardening\":{\"xor_fold\":true}}",
          "multiple of 128 with xor_fold" },
        { "{\"format\":\"watchlink-pprl-schema\",\"version\":3,\"fields\":{\"name\":{}}}", "version" },
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char err[256] = "";
        wl_pprl_schema *b = wl_pprl_schema_parse(bad[k].json, strlen(bad[k].json), "bad", err, sizeof err);
        assert_null(b);
        if (!strstr(err, bad[k].msg)) fail_msg("case %zu: '%s' lacks '%s'", k, err, bad[k].msg);
    }
    wl_pprl_schema_free(s);
    wl_pprl_schema_free(s2);
}

static const char LIST[] = "id,full_name,dob,doc_number,nationality,gender\n"
                           "1,Sergey Ivanov,,,,\n"
                           "2,,,7512345678,,\n"
                           "3,Sergey Ivanov,1978-03-04,7512345678,RUS,M\n"
                           "4,Сергей Иванов,04.03.1978,,Россия,M\n";

/* A record with a name only sets bits in the name segment, one with a
 * document only in the doc segment; with balance each segment is exactly half set, so
 * a field's bits never leave its segment whatever the hardening. */
static void test_tokens_stay_in_their_segment(void **state)
{
    (void)state;
    list_fx fx = read_list(LIST, "lat");
    wl_pprl_schema *s = schema_with(NULL, NULL), *bal = schema_with("\"balance\": false", "\"balance\": true"),
                   *xr = schema_with("\"xor_fold\": false", "\"xor_fold\": true");
    wl_encoded *e = encode(&fx, s, 1), *eb = encode(&fx, bal, 2), *ex = encode(&fx, xr, 1);
    assert_int_equal(e->n_seg, 7);
    assert_int_equal(e->version, 2);
    assert_int_equal(wl_encoded_bits(eb), 2 * wl_encoded_bits(e));
    assert_int_equal(wl_encoded_bits(ex), wl_encoded_bits(e) / 2);
    assert_true(seg_pop(e, 0, WL_PPRL_F_NAME) > 0);
    assert_int_equal(e->pop[0], seg_pop(e, 0, WL_PPRL_F_NAME));
    assert_true(seg_pop(e, 1, WL_PPRL_F_DOC) > 0);
    assert_int_equal(e->pop[1], seg_pop(e, 1, WL_PPRL_F_DOC));
    assert_int_equal(seg_pop(ex, 0, WL_PPRL_F_DOB), 0);
    assert_true(seg_pop(ex, 0, WL_PPRL_F_NAME) > 0);
    for (size_t i = 0; i < eb->n; i++)
        for (int k = 0; k < eb->n_seg; k++)
            assert_int_equal(wl_pprl_popcount(eb->bits + i * eb->words + eb->seg[k].off, eb->seg[k].words),
                             32 * eb->seg[k].words);
    /* the same name in two scripts: its segment agrees at a high level */
    uint32_t c[WL_PPRL_F_COUNT];
    wl_pprl_seg_counts_with(0, e->bits + 2 * e->words, e->bits + 3 * e->words, e->seg, e->n_seg, c);
    assert_true(wl_pprl_level(c[0], seg_pop(e, 2, WL_PPRL_F_NAME), seg_pop(e, 3, WL_PPRL_F_NAME)) <= 2);
    assert_true(wl_pprl_level(c[1], seg_pop(e, 2, WL_PPRL_F_DOB), seg_pop(e, 3, WL_PPRL_F_DOB)) <= 2);
    /* every kernel variant counts the segments alike */
    for (int v = 1; v < wl_pprl_kernel_count(); v++) {
        if (!wl_pprl_kernel_supported(v)) continue;
        uint32_t cv[WL_PPRL_F_COUNT];
        wl_pprl_seg_counts_with(v, e->bits + 2 * e->words, e->bits + 3 * e->words, e->seg, e->n_seg, cv);
        assert_memory_equal(c, cv, (size_t)e->n_seg * sizeof *c);
    }
    wl_encoded_free(e);
    wl_encoded_free(eb);
    wl_encoded_free(ex);
    wl_pprl_schema_free(s);
    wl_pprl_schema_free(bal);
    wl_pprl_schema_free(xr);
    free_list(&fx);
}

/* ---- the file ---- */

static void test_v2_file_round_trip_and_errors(void **state)
{
    (void)state;
    list_fx fx = read_list(LIST, "lat");
    wl_pprl_schema *s = schema_with(NULL, NULL);
    wl_encoded *e = encode(&fx, s, 1);
    char *buf = NULL, err[512] = "";
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(wl_encoded_write(e, f), WL_OK);
    fclose(f);
    assert_non_null(strstr(buf, " segments=name:0:512;dob:512:256;doc:768:256;nationality:1024:128;"));
    wl_encoded *back = NULL;
    assert_int_equal(wl_encoded_parse(buf, len, "rt.enc", &back, err, sizeof err), WL_OK);
    assert_int_equal(back->n_seg, e->n_seg);
    assert_memory_equal(back->seg, e->seg, (size_t)e->n_seg * sizeof *e->seg);
    assert_memory_equal(back->bits, e->bits, e->n * e->words * 8);
    wl_encoded_free(back);
    /* a header whose layout is broken, each way: refused with file:line and the reason */
    const char *nl = strchr(buf, '\n');
    static const struct { const char *header, *msg; } bad[] = {
        { "#watchlink-encoded v3 schema=%s key=%s bits=1664 segments=name:0:1664", "this build reads v1 and v2" },
        { "#watchlink-encoded v2 schema=%s key=%s bits=1664", "must end with ' segments=" },
        { "#watchlink-encoded v2 schema=%s key=%s bits=1664 segments=name:0:1600", "do not cover the filter" },
        { "#watchlink-encoded v2 schema=%s key=%s bits=1664 segments=name:0:512;dob:576:1088", "follow one another" },
        { "#watchlink-encoded v2 schema=%s key=%s bits=1664 segments=name:0:512;name:512:1152", "two segments" },
        { "#watchlink-encoded v2 schema=%s key=%s bits=1664 segments=nmae:0:1664", "unknown field" },
        { "#watchlink-encoded v2 schema=%s key=%s bits=1664 segments=name:0:100;dob:100:1564", "multiple of 64" },
        { "#watchlink-encoded v2 schema=%s key=%s bits=1664 segments=name:0:1664;", "separated by ';'" },
        { "#watchlink-encoded v2 schema=%s key=%s bits=1664 segments=name-0-1664", "field:offset:bits" },
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char text[4096];
        int n = snprintf(text, sizeof text, bad[k].header, e->schema_fp, e->key_fp);
        n += snprintf(text + n, sizeof text - (size_t)n, "%s", nl);
        assert_true(n < (int)sizeof text);
        wl_encoded *x = NULL;
        assert_int_equal(wl_encoded_parse(text, (size_t)n, "bad.enc", &x, err, sizeof err), WL_FORMAT);
        assert_null(x);
        if (!strstr(err, "bad.enc:1: ") || !strstr(err, bad[k].msg))
            fail_msg("case %zu: '%s' lacks '%s'", k, err, bad[k].msg);
    }
    free(buf);
    wl_encoded_free(e);
    wl_pprl_schema_free(s);
    free_list(&fx);
}

/* ---- levels and the model ---- */

static void test_levels(void **state)
{
    (void)state;
    assert_int_equal(wl_pprl_level(10, 10, 10), 0);   /* Dice 1 */
    assert_int_equal(wl_pprl_level(19, 20, 20), 0);   /* 0.95 */
    assert_int_equal(wl_pprl_level(18, 20, 20), 1);   /* 0.90 */
    assert_int_equal(wl_pprl_level(14, 20, 20), 2);   /* 0.70 */
    assert_int_equal(wl_pprl_level(11, 20, 20), 4);   /* 0.55 */
    assert_int_equal(wl_pprl_level(8, 20, 20), 5);    /* 0.40 */
    assert_int_equal(wl_pprl_level(7, 20, 20), 6);    /* 0.35 */
    /* the smaller side inside the other: level 3 at any Dice below 0.7 */
    assert_int_equal(wl_pprl_level(10, 10, 40), 3);   /* 0.40, all of a inside b */
    assert_int_equal(wl_pprl_level(9, 40, 10), 3);    /* 0.36, nine tenths of b inside a */
    assert_int_equal(wl_pprl_level(8, 10, 40), 6);    /* 0.32, eight tenths: not inside */
    assert_int_equal(wl_pprl_level(17, 20, 20), 1);   /* 0.85: the bands come first */
    assert_int_equal(wl_pprl_level(0, 0, 20), WL_PPRL_MISSING);
    assert_int_equal(wl_pprl_level(0, 20, 0), WL_PPRL_MISSING);
    /* two thin segments agreeing (a year on both sides) say less than a full one */
    assert_int_equal(wl_pprl_level_thin(10, 10, 10, 20), 3);
    assert_int_equal(wl_pprl_level_thin(10, 10, 10, 10), 0); /* not under the bound */
    assert_int_equal(wl_pprl_level_thin(40, 40, 40, 20), 0);
    assert_int_equal(wl_pprl_level_thin(10, 10, 40, 20), 3); /* one thin side: containment anyway */
    assert_int_equal(wl_pprl_level_thin(3, 10, 12, 20), 6);  /* no agreement stays none */
    assert_int_equal(wl_pprl_level_thin(0, 0, 10, 20), WL_PPRL_MISSING);
    /* the bound: half the median of the non-empty segments of both files */
    wl_encoded a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    a.n_seg = b.n_seg = 1;
    a.seg[0].words = b.seg[0].words = 1;
    a.n = 3;
    b.n = 2;
    const uint32_t pa[] = { 0, 10, 30 }, pb[] = { 20, 40 };
    wl_pprl_model md;
    memset(&md, 0, sizeof md);
    wl_pprl_model_thin(&md, &a, pa, &b, pb);
    assert_int_equal(md.thin[0], 10);
    wl_pprl_model_thin(&md, &b, pb, &a, pa); /* either order */
    assert_int_equal(md.thin[0], 10);
    /* a crowd: how often the name occurs in both files, each record leaving
     * the other out; a name held once on each side is none */
    uint32_t one[WL_PPRL_LEVELS] = { 1, 1, 1, 1, 1, 1, 1 }, many[WL_PPRL_LEVELS] = { 21, 21, 21, 21, 21, 21, 30 };
    assert_true(wl_pprl_crowd_u(one, 400, one, 400, 0) == 0.0);
    assert_true(fabs(wl_pprl_crowd_u(many, 400, one, 400, 0) - 20.0 / 800.0) < 1e-12);
    assert_true(fabs(wl_pprl_crowd_u(one, 400, many, 400, 6) - 29.0 / 800.0) < 1e-12);
    /* taken down to the first level whose chance agreement reaches it */
    const double u_raw[WL_PPRL_LEVELS] = { 0.0001, 0.0002, 0.003, 0.001, 0.02, 0.1, 0.87 };
    assert_int_equal(wl_pprl_demote(u_raw, 0, 0.0), 0);
    assert_int_equal(wl_pprl_demote(u_raw, 0, 0.0001), 0);
    assert_int_equal(wl_pprl_demote(u_raw, 0, 0.002), 2);
    assert_int_equal(wl_pprl_demote(u_raw, 1, 0.025), 5);
    assert_int_equal(wl_pprl_demote(u_raw, 0, 0.95), WL_PPRL_LEVELS - 1); /* never past the last */
}

/* EM with u fixed recovers m and the prior of a two-field mixture whose
 * counts are exact expectations (roughly: see the Dirichlet prior). */
static void test_em_recovers_m(void **state)
{
    (void)state;
    wl_encoded a;
    memset(&a, 0, sizeof a);
    a.n_seg = 2;
    a.seg[0].field = WL_PPRL_F_NAME;
    a.seg[1].field = WL_PPRL_F_DOB;
    static const double m[2][WL_PPRL_LEVELS] = { { 0.7, 0.1, 0.1, 0.02, 0.04, 0.02, 0.02 },
                                                 { 0.8, 0.05, 0.05, 0.02, 0.04, 0.02, 0.02 } };
    static const double u[2][WL_PPRL_LEVELS] = { { 0.002, 0.008, 0.02, 0.02, 0.06, 0.2, 0.69 },
                                                 { 0.001, 0.004, 0.01, 0.02, 0.065, 0.2, 0.7 } };
    /* 3,163 x 3,163 records, all pairs counted: 2,000 matches (a prior of 2e-4) */
    const double prior = 2e-4, total = 3163.0 * 3163.0;
    size_t n_pat = (size_t)1 << (2 * WL_PPRL_LEVEL_BITS);
    uint64_t *hist = calloc(n_pat, sizeof *hist);
    assert_non_null(hist);
    for (int x = 0; x < WL_PPRL_LEVELS; x++)
        for (int y = 0; y < WL_PPRL_LEVELS; y++)
            hist[(size_t)x | (size_t)y << WL_PPRL_LEVEL_BITS] =
                (uint64_t)(total * (prior * m[0][x] * m[1][y] + (1 - prior) * u[0][x] * u[1][y]) + 0.5);
    wl_pprl_model md;
    memset(&md, 0, sizeof md);
    md.n_seg = 2;
    memcpy(md.u, u, sizeof u);
    wl_pprl_model_fit(&md, &a, hist, n_pat, 3163, 3163);
    assert_int_equal(md.fallback, 0);
    assert_true(md.iterations > 1);
    /* within a fifth: the Dirichlet prior's pull on m moves the prior too */
    if (!(md.prior > 1.6e-4 && md.prior < 2.4e-4)) fail_msg("prior %g", md.prior);
    for (int s = 0; s < 2; s++) {
        /* within 0.1: the Dirichlet prior pulls m a fifth of the way to the defaults */
        assert_true(md.m[s][0] > m[s][0] - 0.1 && md.m[s][0] < m[s][0] + 0.1);
        assert_true(md.m[s][WL_PPRL_LEVELS - 1] < 0.1);
        for (int l = 1; l < WL_PPRL_LEVELS; l++) assert_true(md.w[s][l] <= md.w[s][l - 1]); /* non-increasing */
    }
    assert_true(md.w[0][0] > 7 && md.w[0][WL_PPRL_LEVELS - 1] < -3);
    /* too few candidates to fit: the defaults, said so */
    memset(hist, 0, n_pat * sizeof *hist);
    hist[0] = 5;
    wl_pprl_model_fit(&md, &a, hist, n_pat, 10, 10);
    assert_int_equal(md.fallback, 2);
    assert_true(md.w[0][0] > 0);
    free(hist);
}

/* ---- the link ---- */

static double weight_of(const wl_pprl_result *r, const wl_encoded *ea, const wl_encoded *eb, const char *ida,
                        const char *idb)
{
    for (size_t k = 0; k < wl_pprl_result_count(r); k++) {
        const wl_pprl_pair *p = wl_pprl_result_pair(r, k);
        if (!strcmp(wl_encoded_id(ea, p->a), ida) && !strcmp(wl_encoded_id(eb, p->b), idb)) return p->weight;
    }
    fail_msg("pair %s-%s not reported", ida, idb);
    return 0;
}

/* A document held by one side only adds nothing; a different document counts
 * against; the probability is 2^w / (1 + 2^w). */
static void test_missing_field_adds_zero(void **state)
{
    (void)state;
    static const char left[] = "id,full_name,dob,doc_number\n"
                               "a1,Sergey Ivanov,1978-03-04,7512345678\n"
                               "a2,Sergey Ivanov,1978-03-04,\n";
    static const char right[] = "id,full_name,dob,doc_number\n"
                                "b1,Sergey Ivanov,1978-03-04,\n"
                                "b2,Sergey Ivanov,1978-03-04,X9988776\n";
    list_fx a = read_list(left, "a"), b = read_list(right, "b");
    wl_pprl_schema *s = schema_with(NULL, NULL);
    wl_encoded *ea = encode(&a, s, 1), *eb = encode(&b, s, 1);
    wl_pprl_options opt = wl_pprl_default_options();
    opt.threshold = 0.0;
    opt.keep_outranked = 1;
    opt.all_pairs = 1;
    wl_pprl_result *r = NULL;
    char err[256];
    assert_int_equal(wl_pprl_link(ea, eb, &opt, &r, err, sizeof err), WL_OK);
    const wl_pprl_stats *st = wl_pprl_result_stats(r);
    assert_int_equal(st->fields, 1);
    assert_int_equal(wl_pprl_result_count(r), 4);
    double one_side = weight_of(r, ea, eb, "a1", "b1"), neither = weight_of(r, ea, eb, "a2", "b1"),
           differ = weight_of(r, ea, eb, "a1", "b2");
    assert_true(one_side == neither);
    assert_true(differ < one_side - 1.0);
    for (size_t k = 0; k < 4; k++) {
        const wl_pprl_pair *p = wl_pprl_result_pair(r, k);
        assert_true(fabs(p->prob - 1.0 / (1.0 + exp2(-p->weight))) < 1e-6);
    }
    wl_pprl_result_free(r);
    /* the whole filter's Dice on request, as version 1 */
    opt.by_dice = 1;
    opt.threshold = 0.99;
    assert_int_equal(wl_pprl_link(ea, eb, &opt, &r, err, sizeof err), WL_OK);
    assert_int_equal(wl_pprl_result_stats(r)->fields, 0);
    assert_int_equal(wl_pprl_result_count(r), 1); /* a2-b1: the same filter */
    wl_pprl_result_free(r);
    wl_encoded_free(ea);
    wl_encoded_free(eb);
    wl_pprl_schema_free(s);
    free_list(&a);
    free_list(&b);
}

/* Two lists linked by the default schema, with what the link needed. */
typedef struct {
    list_fx a, b;
    wl_pprl_schema *sc;
    wl_encoded *ea, *eb;
    wl_pprl_result *r;
} linked;

/* Links the CSV texts left and right (freed here) with opt. */
static linked link_texts(char *left, char *right, const wl_pprl_options *opt)
{
    linked l;
    l.a = read_list(left, "a");
    l.b = read_list(right, "b");
    free(left);
    free(right);
    l.sc = schema_with(NULL, NULL);
    l.ea = encode(&l.a, l.sc, 1);
    l.eb = encode(&l.b, l.sc, 1);
    l.r = NULL;
    char err[256];
    assert_int_equal(wl_pprl_link(l.ea, l.eb, opt, &l.r, err, sizeof err), WL_OK);
    return l;
}

static void linked_free(linked *l)
{
    wl_pprl_result_free(l->r);
    wl_encoded_free(l->ea);
    wl_encoded_free(l->eb);
    wl_pprl_schema_free(l->sc);
    free_list(&l->a);
    free_list(&l->b);
}

/* A made-up two-part name, one per (side, i): syllables in an order of the side's own. */
static int filler_name(char *out, int side, int i)
{
    static const char *const syl[] = { "ka", "lo", "mi", "ren", "dus", "to", "bi", "ne" };
    return sprintf(out, "%s%s%s %s%s%s", syl[i % 8], syl[(i / 8 + side) % 8], syl[(i + 3 * side) % 8],
                   syl[(i / 3) % 8], syl[(i + 1) % 8], side ? "zo" : "wa");
}

/* A name held by a crowd on both sides ("Ahmad Muhammad", 20 of 400 records)
 * agreeing exactly weighs less than a rare name agreeing exactly: the
 * encodings show the crowd (every crowd member is a close candidate of every
 * other), and the pair's name level is taken down to the one whose chance
 * agreement matches the crowd (wl_pprl_crowd_u, wl_pprl_demote). */
static void test_common_name_weighs_less(void **state)
{
    (void)state;
    char *side[2], name[64];
    for (int s = 0; s < 2; s++) {
        size_t n = 0;
        side[s] = malloc(1 << 16);
        assert_non_null(side[s]);
        n += (size_t)sprintf(side[s], "id,full_name,nationality\n");
        for (int i = 0; i < 400; i++) {
            if (i < 20) snprintf(name, sizeof name, "Ahmad Muhammad");
            else if (i == 20) snprintf(name, sizeof name, "Zbigniew Brzezinski");
            else filler_name(name, s, i); /* one person per name, each side its own */
            n += (size_t)sprintf(side[s] + n, "%c%d,%s,IDN\n", "LR"[s], i, name);
        }
    }
    wl_pprl_options opt = wl_pprl_default_options();
    opt.threshold = 0.0;
    opt.keep_outranked = 1;
    linked l = link_texts(side[0], side[1], &opt);
    double common = weight_of(l.r, l.ea, l.eb, "L3", "R7"), rare = weight_of(l.r, l.ea, l.eb, "L20", "R20");
    if (!(rare > common + 3.0)) fail_msg("rare name %g, common name %g", rare, common);
    /* every pair of the crowd weighs the same */
    assert_true(weight_of(l.r, l.ea, l.eb, "L0", "R19") == common);
    linked_free(&l);
}

/* The outranked rule spares a pair the field model is sure of: one person
 * listed twice on each side (a0, a1; b0, b1), a0-b1 below both a0-b0 (the
 * document) and a1-b1 (the nationality), but at probability >= 0.9. */
static void test_sure_pair_not_outranked(void **state)
{
    (void)state;
    char *side[2], name[64];
    for (int s = 0; s < 2; s++) {
        size_t n = 0;
        side[s] = malloc(1 << 14);
        assert_non_null(side[s]);
        n += (size_t)sprintf(side[s], "id,full_name,dob,doc_number,nationality\n");
        n += (size_t)sprintf(side[s] + n, "%c0,Sergey Ivanov,1978-03-04,7512345678,\n", "ab"[s]);
        n += (size_t)sprintf(side[s] + n, "%c1,Sergey Ivanov,1978-03-04,,RUS\n", "ab"[s]);
        for (int i = 2; i < 60; i++) { /* others, one name each, none on both sides */
            filler_name(name, s, i);
            n += (size_t)sprintf(side[s] + n, "%c%d,%s,19%02d-0%d-1%d,,\n", "ab"[s], i, name, 40 + i % 50,
                                 1 + i % 9, i % 10);
        }
    }
    wl_pprl_options opt = wl_pprl_default_options();
    opt.all_pairs = 1;
    linked l = link_texts(side[0], side[1], &opt);
    double w01 = weight_of(l.r, l.ea, l.eb, "a0", "b1"), w00 = weight_of(l.r, l.ea, l.eb, "a0", "b0"),
           w11 = weight_of(l.r, l.ea, l.eb, "a1", "b1");
    assert_true(w01 < w00 && w01 < w11); /* outranked on both sides... */
    assert_true(w01 >= log2(0.9 / 0.1)); /* ...but sure: reported */
    linked_free(&l);
}

/* 400 x 400 records (enough for the sampled u and EM): the same pairs, weights
 * and model for 1 and 2 threads and either argument order. */
static void test_fields_link_deterministic(void **state)
{
    (void)state;
    static const char *const first[] = { "Ahmad", "Siti", "Budi", "Nur", "Agus", "Dewi", "Rizal", "Tan" };
    static const char *const last[] = { "Hidayat", "Rahman", "Santoso", "Wijaya", "Lim", "Abdullah", "Ismail",
                                        "Kurniawan", "Hassan", "Yusof" };
    char *left = malloc(1 << 16), *right = malloc(1 << 16);
    assert_non_null(left);
    assert_non_null(right);
    size_t nl = (size_t)sprintf(left, "id,full_name,dob,doc_number\n");
    size_t nr = (size_t)sprintf(right, "id,full_name,dob,doc_number\n");
    for (int i = 0; i < 400; i++) {
        const char *f = first[i % 8], *l = last[(i / 8) % 10];
        int y = 1950 + i % 45, mo = 1 + i % 12, d = 1 + i % 28;
        nl += (size_t)sprintf(left + nl, "L%d,%s %s,%d-%02d-%02d,%s\n", i, f, l, y, mo, d,
                              i % 3 ? "" : "A1234567");
        /* right: every other record the same person (a typo in half of them), the rest namesakes */
        if (i % 2) nr += (size_t)sprintf(right + nr, "R%d,%s %s,%d-%02d-%02d,\n", i, f, l, y, mo, i % 4 == 1 ? d : (d % 28) + 1);
        else nr += (size_t)sprintf(right + nr, "R%d,%s %s,%d-%02d-%02d,\n", i, f, l, 1999 - i % 40, 1 + (i + 5) % 12, 3);
    }
    list_fx a = read_list(left, "a"), b = read_list(right, "b");
    free(left);
    free(right);
    wl_pprl_schema *s = schema_with(NULL, NULL);
    wl_encoded *ea = encode(&a, s, 1), *eb = encode(&b, s, 1);
    wl_pprl_result *r[3] = { NULL, NULL, NULL };
    char err[256];
    for (int k = 0; k < 3; k++) {
        wl_pprl_options opt = wl_pprl_default_options();
        opt.threads = k == 0 ? 1 : 2;
        opt.threshold = 0.5;
        assert_int_equal(k < 2 ? wl_pprl_link(ea, eb, &opt, &r[k], err, sizeof err)
                               : wl_pprl_link(eb, ea, &opt, &r[k], err, sizeof err),
                         WL_OK);
    }
    size_t n = wl_pprl_result_count(r[0]);
    assert_true(n >= 200);
    assert_int_equal(wl_pprl_result_stats(r[0])->fields, 1);
    for (int k = 1; k < 3; k++) {
        assert_int_equal(wl_pprl_result_count(r[k]), n);
        assert_true(wl_pprl_result_stats(r[k])->prior == wl_pprl_result_stats(r[0])->prior);
        for (size_t j = 0; j < n; j++) {
            const wl_pprl_pair *p = wl_pprl_result_pair(r[0], j), *q = wl_pprl_result_pair(r[k], j);
            assert_true(p->weight == q->weight && p->prob == q->prob && p->dice == q->dice);
            assert_int_equal(k < 2 ? q->a : q->b, p->a);
        }
    }
    /* every true pair (L i with R i, i odd) is reported and weighs at least as
     * much as its left record's namesakes (same name, another date) */
    double best_false[400], w_true[400];
    for (size_t i = 0; i < 400; i++) best_false[i] = w_true[i] = -1e9;
    size_t true_pairs = 0;
    for (size_t j = 0; j < n; j++) {
        const wl_pprl_pair *p = wl_pprl_result_pair(r[0], j);
        int li = atoi(wl_encoded_id(ea, p->a) + 1), ri = atoi(wl_encoded_id(eb, p->b) + 1);
        if (li == ri && li % 2) true_pairs++, w_true[li] = p->weight;
        else if (p->weight > best_false[li]) best_false[li] = p->weight;
    }
    assert_int_equal(true_pairs, 200);
    for (int i = 1; i < 400; i += 2) {
        assert_true(w_true[i] >= best_false[i]);                  /* a day's typo: at least a namesake's */
        if (i % 4 == 1 && !(w_true[i] > best_false[i] + 3)) fail_msg("L%d: %g against %g", i, w_true[i], best_false[i]);
    }
    for (int k = 0; k < 3; k++) wl_pprl_result_free(r[k]);
    wl_encoded_free(ea);
    wl_encoded_free(eb);
    wl_pprl_schema_free(s);
    free_list(&a);
    free_list(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_schema_is_segmented),
        cmocka_unit_test(test_tokens_stay_in_their_segment),
        cmocka_unit_test(test_v2_file_round_trip_and_errors),
        cmocka_unit_test(test_levels),
        cmocka_unit_test(test_em_recovers_m),
        cmocka_unit_test(test_missing_field_adds_zero),
        cmocka_unit_test(test_fields_link_deterministic),
        cmocka_unit_test(test_common_name_weighs_less),
        cmocka_unit_test(test_sure_pair_not_outranked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
