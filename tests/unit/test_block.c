/* test_block.c -- blocking: keys per kind, each pair exactly once, agreement with
 * a brute-force reference, link mode, key masks, split and skipped blocks,
 * thread-count determinism, the public wl_candidates wrapper; the per-record
 * partner cap against a brute-force reference of its scores, and the sorts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "block/block.h"
#include "features_fixture.h"

static wl_options opts(unsigned mask, wl_mode mode, size_t max_block, int threads)
{
    wl_options o;
    memset(&o, 0, sizeof o);
    o.block_keys = mask;
    o.mode = mode;
    o.max_block = max_block;
    o.threads = threads;
    return o;
}

/* Partners per record for run_capped: every pair sharing a block. */
#define ALL_PARTNERS ((size_t)0)
/* run_capped with wl_block's own cap. */
#define DEFAULT_CAP SIZE_MAX

/* Runs wl_block (cap DEFAULT_CAP) or wl_block_capped and checks the
 * invariants every result must hold. */
static wl_vec run_capped(const wl_features *f, wl_options o, size_t partners, wl_block_stats *st)
{
    wl_vec v;
    wl_vec_init(&v, sizeof(wl_pairidx));
    if (partners == DEFAULT_CAP)
        assert_int_equal(wl_block(f, &o, &v, st), WL_OK);
    else
        assert_int_equal(wl_block_capped(f, &o, partners, &v, st), WL_OK);
    const wl_pairidx *p = v.data;
    for (size_t k = 0; k < v.len; k++) {
        assert_true(p[k].a < p[k].b);
        assert_true(p[k].b < f->n);
        if (k) assert_true(p[k - 1].a < p[k].a || (p[k - 1].a == p[k].a && p[k - 1].b < p[k].b));
    }
    assert_int_equal(st->candidates, v.len);
    assert_true(st->union_pairs >= v.len);
    return v;
}

static wl_vec run_block(const wl_features *f, wl_options o, wl_block_stats *st)
{
    return run_capped(f, o, DEFAULT_CAP, st);
}

/* Every pair sharing a key of the kinds in o.block_keys. */
static wl_vec run_all(const wl_features *f, wl_options o, wl_block_stats *st)
{
    return run_capped(f, o, ALL_PARTNERS, st);
}

static int has_pair(const wl_vec *v, uint32_t a, uint32_t b)
{
    for (size_t k = 0; k < v->len; k++) {
        wl_pairidx p = WL_VEC_AT(v, wl_pairidx, k);
        if (p.a == a && p.b == b) return 1;
    }
    return 0;
}

/* Reference: records a and b share some key of the kinds in mask. */
static int share_key(const wl_features *f, size_t a, size_t b, unsigned mask)
{
    uint64_t ka[512], kb[512];
    for (int kind = 0; kind < WL_KIND_COUNT; kind++) {
        if (!(mask & (1u << kind))) continue;
        size_t na = wl_block_record_keys(f, a, kind, 0, ka, 512);
        size_t nb = wl_block_record_keys(f, b, kind, 0, kb, 512);
        for (size_t i = 0; i < na; i++)
            for (size_t j = 0; j < nb; j++)
                if (ka[i] == kb[j]) return 1;
    }
    return 0;
}

static const fx_rec g_people[] = {
    { 0, "muhammad bin ali", "1978-03-04", "A1234567", "MYS", 'M', NULL, NULL },      /* 0 */
    { 1, "mohamed=muhammad ali", "1978-04-03", NULL, "MYS", 'M', NULL, NULL },         /* 1 */
    { 1, "ali muhammad", "1990-01-01", NULL, NULL, 0, NULL, NULL },                    /* 2 */
    { 0, "siti binti rahman", "~1985", "B7654321", "IDN", 'F', NULL, NULL },           /* 3 */
    { 2, "siti rahmah", "1986", NULL, NULL, 'F', NULL, NULL },                          /* 4 */
    { 2, "nguyen van an", "1975..1977", "C5550001", "VNM", 'M', NULL, NULL },          /* 5 */
    { 0, "an nguyen", "1976-02-02", NULL, "VNM", 'M', NULL, NULL },                    /* 6 */
    { 1, "somchai jaidee", "1980-05-05", "C5550001", "THA", 'M', NULL, NULL },         /* 7 */
    { 1, "bin x", NULL, NULL, NULL, 0, NULL, NULL },                                    /* 8 */
    { 2, "bin y", NULL, NULL, NULL, 0, NULL, NULL },                                    /* 9 */
    { 0, "j smith", "1960", NULL, NULL, 0, NULL, NULL },                                /* 10 */
    { 1, "j jones", "1960", NULL, NULL, 0, NULL, NULL },                                /* 11 */
    { 0, "zaw|kyaw zaw win", NULL, NULL, NULL, 0, NULL, NULL },                         /* 12 */
    { 2, "zaw", NULL, NULL, NULL, 0, NULL, NULL },                                      /* 13 */
    { 0, "hamid karim", "1970-07-07", NULL, "AFG", 0, NULL, NULL },                     /* 14 */
    { 1, "hamed karem", NULL, NULL, "AFG", 0, NULL, NULL },                             /* 15 */
    { 0, "", "1970-07-07", NULL, NULL, 0, NULL, NULL },                                 /* 16 */
};
#define N_PEOPLE (sizeof g_people / sizeof g_people[0])

static void test_keys_per_kind(void **state)
{
    (void)state;
    wl_features *f = fx_build(g_people, N_PEOPLE);
    uint64_t k[64];
    /* Particles and initials never key: "bin x" is a particle and an initial. */
    assert_int_equal(wl_block_record_keys(f, 8, WL_KIND_PART_PAIR, 0, k, 64), 0);
    assert_int_equal(wl_block_record_keys(f, 8, WL_KIND_PHONETIC_YEAR, 0, k, 64), 0);
    /* muhammad, ali: one spelling pair and one phonetic pair; bin is a particle. */
    assert_int_equal(wl_block_record_keys(f, 0, WL_KIND_PART_PAIR, 0, k, 64), 2);
    /* approx 1985 -> 1984..1986, two usable parts (siti, rahman): 6 keys. */
    assert_int_equal(wl_block_record_keys(f, 3, WL_KIND_PHONETIC_YEAR, 0, k, 64), 6);
    /* a 1975..1977 range: three years x two parts (van is a particle here). */
    assert_int_equal(wl_block_record_keys(f, 5, WL_KIND_PHONETIC_YEAR, 0, k, 64), 6);
    /* mononym plus a three-part alias: the mononym's spelling, sound spelling
     * (SAP) and sound classes (SP), then 3 spelling + 3 phonetic pairs; two
     * full-name keys (order-free hash and sorted letters) per name. */
    assert_int_equal(wl_block_record_keys(f, 12, WL_KIND_PART_PAIR, 0, k, 64), 9);
    assert_int_equal(wl_block_record_keys(f, 12, WL_KIND_FULL_NAME, 0, k, 64), 4);
    /* Every key carries its kind in the top bits. Two parts + the date with MYS. */
    size_t n = wl_block_record_keys(f, 0, WL_KIND_PART_DOB, 0, k, 64);
    assert_int_equal(n, 3);
    for (size_t i = 0; i < n; i++) assert_int_equal(k[i] >> WL_KEY_KIND_SHIFT, WL_KIND_PART_DOB);
    /* The cap bounds the output. */
    assert_int_equal(wl_block_record_keys(f, 5, WL_KIND_PHONETIC_YEAR, 0, k, 4), 4);
    /* No nationality, no skeleton key; no name, no name key. */
    assert_int_equal(wl_block_record_keys(f, 2, WL_KIND_SKELETON_NAT, 0, k, 64), 0);
    assert_int_equal(wl_block_record_keys(f, 16, WL_KIND_PART_DOB, 0, k, 64), 0);
    assert_int_equal(wl_block_record_keys(f, 0, 99, 0, k, 64), 0);
    fx_free(f);
}

static void test_expected_pairs(void **state)
{
    (void)state;
    wl_features *f = fx_build(g_people, N_PEOPLE);
    wl_block_stats st;
    wl_vec v = run_block(f, opts(WL_BLOCK_DEFAULT, WL_MODE_DEDUP, 100, 1), &st);
    assert_true(has_pair(&v, 0, 1));   /* spelling variant, same year (phonetic + year) */
    assert_true(has_pair(&v, 0, 2));   /* order swapped, other year (part pair) */
    assert_true(has_pair(&v, 3, 4));   /* approx year covers 1986, siti's phonetic key */
    assert_true(has_pair(&v, 5, 6));   /* range covers 1976; order-free pair */
    assert_true(has_pair(&v, 5, 7));   /* same document */
    assert_true(has_pair(&v, 12, 13)); /* alias mononym */
    assert_true(has_pair(&v, 14, 15)); /* skeleton + nationality (vowels differ) */
    assert_false(has_pair(&v, 8, 9));  /* share only a particle */
    assert_false(has_pair(&v, 10, 11));/* share only an initial and a year */
    assert_false(has_pair(&v, 14, 16));/* no name: no key */
    assert_int_equal(st.skipped_blocks, 0);
    assert_int_equal(st.split_blocks, 0);
    assert_true(st.keys > st.blocks);
    wl_vec_free(&v);
    fx_free(f);
}

/* One-part names through another script and back keep their sound spelling
 * (agatha / agata: AKATA), their two sound classes (duthilleul / dyutiiel: TL)
 * or their sound spelling but one symbol (asher / ase: ASAL / ASA) while
 * spelling, code and skeleton all differ; before these keys the pairs never met
 * (Russian xlit blocking kept 0.88 of true pairs, then 0.93, then 0.95). */
static void test_short_mononyms_meet(void **state)
{
    (void)state;
    fx_rec r[6] = { { 0, "agatha", NULL, NULL, NULL, 0, NULL, NULL },
                    { 1, "agata", NULL, NULL, NULL, 0, NULL, NULL },
                    { 0, "duthilleul", NULL, NULL, NULL, 0, NULL, NULL },
                    { 1, "dyutiiel", NULL, NULL, NULL, 0, NULL, NULL },
                    { 0, "asher", NULL, NULL, NULL, 0, NULL, NULL },
                    { 1, "ase", NULL, NULL, NULL, 0, NULL, NULL } };
    wl_features *f = fx_build(r, 6);
    wl_block_stats st;
    wl_vec v = run_block(f, opts(WL_BLOCK_PART_PAIR, WL_MODE_LINK, 100, 1), &st);
    assert_true(has_pair(&v, 0, 1));
    assert_true(has_pair(&v, 2, 3));
    assert_false(has_pair(&v, 0, 3)); /* AKATA / TATAL, KT / TL: nothing shared */
    assert_true(has_pair(&v, 4, 5));  /* ASAL less its L is ASA (one class, S, keys nothing) */
    assert_false(has_pair(&v, 4, 1)); /* ASAL / AKATA */
    wl_vec_free(&v);
    fx_free(f);
}

/* Record i has the part-pair key of the canonical spellings x and y. */
static int has_spelling_pair_key(const wl_features *f, size_t i, const char *x, const char *y)
{
    uint64_t k[64], hx = wl_hash(x, strlen(x)), hy = wl_hash(y, strlen(y));
    uint64_t want = wl_block_key(WL_KIND_PART_PAIR,
                                 wl_hash_combine(wl_hash_combine(WL_MIN(hx, hy), WL_MAX(hx, hy)), 1));
    size_t n = wl_block_record_keys(f, i, WL_KIND_PART_PAIR, 0, k, 64);
    for (size_t q = 0; q < n; q++)
        if (k[q] == want) return 1;
    return 0;
}

/* A patronymic keys in pairs with the other parts, never alone: Belarusian and
 * Russian spellings of one surname (pobobed / podobed, liashenka / lyashenko)
 * leave the given name and the patronymic to meet on. The Arabic article glued
 * to a name (alotaibi) keys also without it, to meet "al otaibi". */
static void test_patronymic_pairs_and_glued_article(void **state)
{
    (void)state;
    fx_rec r[8] = { { 0, "pobobed yuri nikolaevich", NULL, NULL, NULL, 0, NULL, NULL },
                    { 1, "podobed yuri nikolaevich", NULL, NULL, NULL, 0, NULL, NULL },
                    { 0, "al otaibi muhammad", NULL, NULL, NULL, 0, NULL, NULL },
                    { 1, "alotaibi muhammad", NULL, NULL, NULL, 0, NULL, NULL },
                    { 0, "ivan petrovich", NULL, NULL, NULL, 0, NULL, NULL },
                    { 1, "ivan", NULL, NULL, NULL, 0, NULL, NULL },
                    { 0, "sergei ivanov nikolaevich", NULL, NULL, NULL, 0, NULL, NULL },
                    { 1, "oleg petrov nikolaevich", NULL, NULL, NULL, 0, NULL, NULL } };
    wl_features *f = fx_build(r, 8);
    wl_block_stats st;
    wl_vec v = run_block(f, opts(WL_BLOCK_PART_PAIR, WL_MODE_LINK, 100, 1), &st);
    assert_true(has_pair(&v, 0, 1));
    assert_true(has_pair(&v, 2, 3));
    assert_true(has_spelling_pair_key(f, 3, "otaibi", "muhammad"));
    assert_false(has_spelling_pair_key(f, 2, "otaibi", "al")); /* the article is a particle: no key */
    assert_true(has_pair(&v, 4, 5));  /* one part and a patronymic: still a one-part name's keys */
    assert_false(has_pair(&v, 6, 7)); /* a patronymic alone keys nothing */
    assert_false(has_pair(&v, 1, 6)); /* nor with one another's given name */
    wl_vec_free(&v);
    fx_free(f);
}

/* Belarusian and Russian surname endings (-ou / -au for -ov, -enka for
 * -enko) and the East Slavic adjective ending in its several spellings (-yj,
 * -yy, -iy, -ij: all -y) key a part pair also in the other spelling; other
 * endings do not. */
static void test_slavic_surname_endings(void **state)
{
    (void)state;
    fx_rec r[7] = { { 0, "zubkou sergei", NULL, NULL, NULL, 0, NULL, NULL },
                    { 0, "novikau sergei", NULL, NULL, NULL, 0, NULL, NULL },
                    { 0, "lukashenka galina", NULL, NULL, NULL, 0, NULL, NULL },
                    { 0, "sosonnyj aleksei", NULL, NULL, NULL, 0, NULL, NULL },
                    { 0, "sosonnyy aleksei", NULL, NULL, NULL, 0, NULL, NULL },
                    { 0, "zhou sergei", NULL, NULL, NULL, 0, NULL, NULL },
                    { 0, "zubkin sergei", NULL, NULL, NULL, 0, NULL, NULL } };
    wl_features *f = fx_build(r, 7);
    assert_true(has_spelling_pair_key(f, 0, "zubkov", "sergei"));
    assert_true(has_spelling_pair_key(f, 0, "zubkou", "sergei"));
    assert_true(has_spelling_pair_key(f, 1, "novikov", "sergei"));
    assert_true(has_spelling_pair_key(f, 2, "lukashenko", "galina"));
    assert_true(has_spelling_pair_key(f, 3, "sosonny", "aleksei"));
    assert_true(has_spelling_pair_key(f, 4, "sosonny", "aleksei"));
    assert_false(has_spelling_pair_key(f, 5, "zhov", "sergei")); /* four letters: too short to tell */
    assert_false(has_spelling_pair_key(f, 6, "zubkov", "sergei"));
    fx_free(f);
}

/* Spellings a coda liquid or a final cluster apart (wl_sound_loose) meet in
 * the sound-pair and one-part keys: a Thai surname in its passport and RTGS
 * forms (charnvirakul / chanwirakun), a name through Chinese and back
 * (kirkland / kokran, cortlandt / kotlan). Before, neither pair was proposed
 * (Anutin Charnvirakul against his name in Thai script). */
static void test_loose_sound_keys(void **state)
{
    (void)state;
    fx_rec r[8] = { { 0, "anutin charnvirakul", NULL, NULL, NULL, 0, NULL, NULL },
                    { 1, "anuthin chanwirakun", NULL, NULL, NULL, 0, NULL, NULL },
                    { 0, "kirkland", NULL, NULL, NULL, 0, NULL, NULL },
                    { 1, "kokran", NULL, NULL, NULL, 0, NULL, NULL },
                    { 0, "cortlandt", NULL, NULL, NULL, 0, NULL, NULL },
                    { 1, "kotlan", NULL, NULL, NULL, 0, NULL, NULL },
                    { 0, "omar hassan", NULL, NULL, NULL, 0, NULL, NULL },
                    { 1, "oman hassan", NULL, NULL, NULL, 0, NULL, NULL } };
    wl_features *f = fx_build(r, 8);
    for (size_t i = 0; i < 8; i++) { /* the sound classes, as the name parser keys them */
        size_t np = f->part_start[i + 1] - f->part_start[i];
        wl_fpart *p = f->parts + f->part_start[i];
        for (size_t k = 0; k < np; k++) {
            char cls[64];
            size_t nc = wl_sound_classes(wl_f_str(f, p[k].canon), p[k].canon_len, cls, sizeof cls);
            p[k].h_sound = wl_sound_key(cls, nc);
        }
    }
    wl_block_stats st;
    wl_vec v = run_block(f, opts(WL_BLOCK_PART_PAIR, WL_MODE_LINK, 100, 1), &st);
    assert_true(has_pair(&v, 0, 1));
    assert_true(has_pair(&v, 2, 3));
    assert_true(has_pair(&v, 4, 5));
    assert_false(has_pair(&v, 6, 7)); /* a final r is no final l */
    wl_vec_free(&v);
    fx_free(f);
}

static void test_letters_and_dob_nationality(void **state)
{
    (void)state;
    fx_rec r[5] = { { 0, "zhong ya jia", "1993-09-21", NULL, "CHN", 0, NULL, NULL },
                    { 1, "yajia zhong", "1992-09-21", NULL, "CHN", 0, NULL, NULL },
                    { 0, "zheng yonglong", "1985-01-22", NULL, "THA", 0, NULL, NULL },
                    { 1, "tay eng leong", "1985-01-22", NULL, "THA", 0, NULL, NULL },
                    { 1, "tay eng leong", "1985-01-22", NULL, "SGP", 0, NULL, NULL } };
    wl_features *f = fx_build(r, 5);
    wl_block_stats st;
    wl_vec v = run_block(f, opts(WL_BLOCK_FULL_NAME, WL_MODE_DEDUP, 100, 1), &st);
    assert_true(has_pair(&v, 0, 1));   /* split/joined, reordered: same letters */
    assert_int_equal(v.len, 2);        /* and 3-4, the same name */
    wl_vec_free(&v);
    v = run_block(f, opts(WL_BLOCK_PART_DOB, WL_MODE_DEDUP, 100, 1), &st);
    assert_true(has_pair(&v, 2, 3));   /* same day, same country */
    assert_false(has_pair(&v, 2, 4));  /* same day, another country */
    assert_true(has_pair(&v, 3, 4));   /* same day, same name prefix */
    wl_vec_free(&v);
    fx_free(f);
}

static void test_matches_reference(void **state)
{
    (void)state;
    wl_features *f = fx_build(g_people, N_PEOPLE);
    const unsigned masks[] = { WL_BLOCK_DEFAULT, WL_BLOCK_DOC, WL_BLOCK_PART_PAIR | WL_BLOCK_FULL_NAME,
                               WL_BLOCK_PHONETIC_YEAR, WL_BLOCK_SKELETON_NAT | WL_BLOCK_PART_DOB };
    for (size_t m = 0; m < sizeof masks / sizeof masks[0]; m++)
        for (int mode = 0; mode < 2; mode++) {
            wl_block_stats st;
            wl_vec v = run_all(f, opts(masks[m], (wl_mode)mode, 100, 2), &st);
            size_t expect = 0;
            for (uint32_t a = 0; a < f->n; a++)
                for (uint32_t b = a + 1; b < f->n; b++) {
                    int want = share_key(f, a, b, masks[m]) &&
                               (mode == WL_MODE_DEDUP || f->source[a] != f->source[b]);
                    assert_int_equal(has_pair(&v, a, b), want);
                    expect += (size_t)want;
                }
            assert_int_equal(v.len, expect);
            wl_vec_free(&v);
        }
    fx_free(f);
}

/* A generated crowd: many records share first names, so blocks overlap a lot. */
static wl_features *crowd(size_t n, uint32_t seed)
{
    static const char *const given[] = { "muhammad", "ali", "siti", "nur", "ahmad", "an", "thi", "somchai" };
    static const char *const family[] = { "rahman", "nguyen", "tan", "lim", "abdullah", "wong",
                                          "karim", "ismail", "hassan", "chan", "lee", "ong" };
    fx_rec *r = calloc(n, sizeof *r);
    char (*names)[64] = calloc(n, 64), (*dates)[32] = calloc(n, 32), (*docs)[16] = calloc(n, 16);
    uint32_t x = seed;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        snprintf(names[i], 64, "%s %s", given[(x >> 8) % 8], family[(x >> 12) % 12]);
        snprintf(dates[i], 32, "%d-%02d-%02d", 1970 + (int)((x >> 16) % 6), 1 + (int)((x >> 20) % 2), 1 + (int)((x >> 22) % 3));
        snprintf(docs[i], 16, "D%u", (x >> 24) % 40);
        r[i] = (fx_rec){ (uint32_t)((x >> 4) % 3), names[i], dates[i], (x & 1) ? docs[i] : NULL,
                         (x & 2) ? "MYS" : "IDN", 0, NULL, NULL };
    }
    wl_features *f = fx_build(r, n);
    free(r); free(names); free(dates); free(docs);
    return f;
}

static void test_crowd_reference_and_threads(void **state)
{
    (void)state;
    wl_features *f = crowd(400, 7);
    wl_block_stats st1, st2;
    wl_vec v1 = run_all(f, opts(WL_BLOCK_DEFAULT, WL_MODE_LINK, 10000, 1), &st1);
    wl_vec v2 = run_all(f, opts(WL_BLOCK_DEFAULT, WL_MODE_LINK, 10000, 2), &st2);
    assert_int_equal(v1.len, v2.len);
    assert_memory_equal(v1.data, v2.data, v1.len * sizeof(wl_pairidx));
    assert_int_equal(st1.blocks, st2.blocks);
    /* Every candidate shares a key, and every key-sharing cross-source pair is a candidate. */
    size_t expect = 0;
    for (uint32_t a = 0; a < f->n; a++)
        for (uint32_t b = a + 1; b < f->n; b++)
            expect += f->source[a] != f->source[b] && share_key(f, a, b, WL_BLOCK_DEFAULT);
    assert_int_equal(v1.len, expect);
    for (size_t k = 0; k < v1.len; k++) {
        wl_pairidx p = WL_VEC_AT(&v1, wl_pairidx, k);
        assert_true(share_key(f, p.a, p.b, WL_BLOCK_DEFAULT));
        assert_int_not_equal(f->source[p.a], f->source[p.b]);
    }
    wl_vec_free(&v1);
    wl_vec_free(&v2);
    fx_free(f);
}

static void test_split_and_skip(void **state)
{
    (void)state;
    /* 12 "muhammad ali": 6 born 1980, 6 born 1981; only the document key (too short for one-edit keys). */
    fx_rec r[12];
    for (int i = 0; i < 12; i++)
        r[i] = (fx_rec){ 0, "muhammad ali", i < 6 ? "1980" : "1981", "A1", NULL, 0, NULL, NULL };
    wl_features *f = fx_build(r, 12);
    wl_block_stats st;
    /* Limit 6: the block of 12 (above max(6 / 16, 1)) splits by year into two blocks of 6. */
    wl_vec v = run_block(f, opts(WL_BLOCK_DOC, WL_MODE_DEDUP, 6, 2), &st);
    assert_int_equal(st.split_blocks, 1);
    assert_int_equal(st.skipped_blocks, 0);
    assert_int_equal(st.blocks, 2);
    assert_int_equal(v.len, 2 * 15);
    assert_true(has_pair(&v, 0, 5));
    assert_false(has_pair(&v, 0, 6));
    wl_vec_free(&v);
    /* Limit 5: both sub-blocks still too large, skipped and counted, never silent. */
    v = run_block(f, opts(WL_BLOCK_DOC, WL_MODE_DEDUP, 5, 2), &st);
    assert_int_equal(st.split_blocks, 1);
    assert_int_equal(st.skipped_blocks, 2);
    assert_int_equal(st.skipped_pairs, 30);
    assert_int_equal(v.len, 0);
    wl_vec_free(&v);
    /* Link mode counts only the cross-source pairs a skipped block held. */
    for (int i = 0; i < 12; i++) f->source[i] = (uint32_t)(i % 2);
    v = run_block(f, opts(WL_BLOCK_DOC, WL_MODE_LINK, 5, 1), &st);
    assert_int_equal(st.skipped_pairs, 2 * 9);
    wl_vec_free(&v);
    /* max_block 0 means the default limit, which this block fits. */
    v = run_block(f, opts(WL_BLOCK_DOC, WL_MODE_DEDUP, 0, 1), &st);
    assert_int_equal(v.len, 66);
    wl_vec_free(&v);
    fx_free(f);
}

static void test_pair_once_over_shared_keys(void **state)
{
    (void)state;
    /* Records 0 and 1 share several keys of several kinds: one pair. */
    fx_rec r[2] = { { 0, "muhammad ali", "1978-03-04", "A1", "MYS", 0, NULL, NULL },
                    { 1, "muhammad ali", "1978-03-04", "A1", "MYS", 0, NULL, NULL } };
    wl_features *f = fx_build(r, 2);
    wl_block_stats st;
    wl_vec v = run_block(f, opts(WL_BLOCK_DEFAULT, WL_MODE_DEDUP, 100, 2), &st);
    assert_int_equal(v.len, 1);
    /* phonetic x2, part pairs x2 (spelling, sound), doc, full name x2 (hash,
     * letters), skeleton pair, part prefix+dob x2, dob+nationality */
    assert_int_equal(st.blocks, 11);
    wl_vec_free(&v);
    fx_free(f);
}

static void test_many_partners_each_once(void **state)
{
    (void)state;
    /* 120 identical records share ~11 keys: each record's partner list holds
     * every later record ~11 times (the radix path), and each pair comes once. */
    enum { N = 120 };
    fx_rec r[N];
    for (int i = 0; i < N; i++)
        r[i] = (fx_rec){ (uint32_t)(i % 3), "muhammad ali", "1978-03-04", "A1234567", "MYS", 0, NULL, NULL };
    wl_features *f = fx_build(r, N);
    wl_block_stats st;
    wl_vec v = run_all(f, opts(WL_BLOCK_DEFAULT, WL_MODE_DEDUP, 1000, 2), &st);
    assert_int_equal(v.len, N * (N - 1) / 2);
    wl_vec_free(&v);
    v = run_all(f, opts(WL_BLOCK_DEFAULT, WL_MODE_LINK, 1000, 2), &st);
    assert_int_equal(v.len, N * (N - 1) / 2 - 3 * (40 * 39 / 2));
    wl_vec_free(&v);
    fx_free(f);
}

static void test_common_parts_skip_phonetic_key(void **state)
{
    (void)state;
    /* muhammad in 8 records, ali in 7, each with its own third part; one
     * record has only the two common parts. */
    static const char *const names[] = { "muhammad ali", "muhammad ali bakar", "muhammad ali karim",
                                         "muhammad ali omar", "muhammad ali yusof", "muhammad ali hamid",
                                         "muhammad ali zaki", "muhammad rashid" };
    fx_rec r[8];
    for (int i = 0; i < 8; i++) r[i] = (fx_rec){ 0, names[i], "1980", NULL, NULL, 0, NULL, NULL };
    wl_features *f = fx_build(r, 8);
    uint64_t k[16];
    /* No limit: one key per part. */
    assert_int_equal(wl_block_record_keys(f, 1, WL_KIND_PHONETIC_YEAR, 0, k, 16), 3);
    /* Limit 5: muhammad (8) and ali (7) are common, bakar is kept. */
    assert_int_equal(wl_block_record_keys(f, 1, WL_KIND_PHONETIC_YEAR, 5, k, 16), 1);
    /* Only common parts: the rarest of them (ali) still keys the record. */
    assert_int_equal(wl_block_record_keys(f, 0, WL_KIND_PHONETIC_YEAR, 5, k, 16), 1);
    uint64_t k7[16];
    assert_int_equal(wl_block_record_keys(f, 7, WL_KIND_PHONETIC_YEAR, 5, k7, 16), 1); /* rashid */
    assert_true(k[0] != k7[0]);
    /* Part pairs: no pair of two crowds (muhammad ali), pairs with bakar kept,
     * by spelling and by sound: 2 + 2; without a limit 3 + 3. */
    assert_int_equal(wl_block_record_keys(f, 1, WL_KIND_PART_PAIR, 5, k, 16), 4);
    assert_int_equal(wl_block_record_keys(f, 1, WL_KIND_PART_PAIR, 0, k, 16), 6);
    /* A name of crowds only still keys on its two rarest parts. */
    assert_int_equal(wl_block_record_keys(f, 0, WL_KIND_PART_PAIR, 5, k, 16), 2);
    assert_int_equal(wl_block_common_limit(1000), 1000);
    fx_free(f);
}

/* Parts whose Double Metaphone code is the vowel mark alone (oo, aye, ee)
 * make no phonetic key: one such key would block every Burmese Oo, Aye and Ee
 * of a year together, and they are different names. */
static void test_vowel_only_code_makes_no_key(void **state)
{
    (void)state;
    fx_rec r[3] = { { 0, "khin maung oo", "1980", NULL, NULL, 0, NULL, NULL },
                    { 0, "khin maung aye", "1980", NULL, NULL, 0, NULL, NULL },
                    { 0, "mya ee", "1980", NULL, NULL, 0, NULL, NULL } };
    wl_features *f = fx_build(r, 3);
    /* The fixture codes parts by their skeleton (none for these): give the
     * last part of each name the code the real Double Metaphone gives it. */
    for (size_t i = 0; i < 3; i++) {
        wl_fpart *last = &f->parts[f->part_start[i + 1] - 1];
        last->dm1 = last->dm2 = WL_DM_VOWEL_ONLY;
    }
    uint64_t k0[16], k1[16], k2[16];
    /* khin and maung only; oo and aye would have added one key each */
    assert_int_equal(wl_block_record_keys(f, 0, WL_KIND_PHONETIC_YEAR, 0, k0, 16), 2);
    assert_int_equal(wl_block_record_keys(f, 1, WL_KIND_PHONETIC_YEAR, 0, k1, 16), 2);
    assert_int_equal(wl_block_record_keys(f, 2, WL_KIND_PHONETIC_YEAR, 0, k2, 16), 1); /* mya */
    assert_true(k2[0] != k0[0] && k2[0] != k0[1]);
    /* Phonetic part pairs: khin+maung alone; by spelling all three pairs. */
    size_t n0 = wl_block_record_keys(f, 0, WL_KIND_PART_PAIR, 0, k0, 16);
    size_t n2 = wl_block_record_keys(f, 2, WL_KIND_PART_PAIR, 0, k2, 16);
    for (size_t a = 0; a < n2; a++)
        for (size_t b = 0; b < n0; b++) assert_true(k2[a] != k0[b]);
    fx_free(f);
}

static void test_doc_one_edit_keys(void **state)
{
    (void)state;
    fx_rec r[6] = { { 0, "a b", NULL, "A1234567", NULL, 0, NULL, NULL },
                    { 1, "c d", NULL, "A1243567", NULL, 0, NULL, NULL },   /* transposed */
                    { 1, "e f", NULL, "A1234568", NULL, 0, NULL, NULL },   /* one substitution */
                    { 1, "g h", NULL, "A123456", NULL, 0, NULL, NULL },    /* one deleted */
                    { 1, "i j", NULL, "A9934567", NULL, 0, NULL, NULL },   /* two edits */
                    { 1, "k l", NULL, "A12", NULL, 0, NULL, NULL } };      /* short: exact only */
    wl_features *f = fx_build(r, 6);
    uint64_t k[64];
    assert_int_equal(wl_block_record_keys(f, 0, WL_KIND_DOC, 0, k, 64), 1 + 8);
    assert_int_equal(wl_block_record_keys(f, 5, WL_KIND_DOC, 0, k, 64), 1);
    wl_block_stats st;
    wl_vec v = run_block(f, opts(WL_BLOCK_DOC, WL_MODE_LINK, 100, 1), &st);
    assert_true(has_pair(&v, 0, 1));
    assert_true(has_pair(&v, 0, 2));
    assert_true(has_pair(&v, 0, 3));
    assert_false(has_pair(&v, 0, 4));
    assert_int_equal(v.len, 3); /* 1, 2, 3 are from one source: link mode leaves them */
    wl_vec_free(&v);
    fx_free(f);
}

static void test_candidates_wrapper(void **state)
{
    (void)state;
    wl_features *f = fx_build(g_people, N_PEOPLE);
    wl_options o = opts(WL_BLOCK_DEFAULT, WL_MODE_DEDUP, 100, 2);
    uint32_t *pairs;
    size_t n;
    wl_block_report rep;
    memset(&rep, 0x55, sizeof rep);
    assert_int_equal(wl_candidates(f, &o, &pairs, &n, &rep), WL_OK);
    assert_int_equal(rep.skipped_pairs, 0);
    wl_block_stats st;
    wl_vec v = run_block(f, o, &st);
    assert_int_equal(n, v.len);
    assert_int_equal(rep.candidates, n);
    assert_int_equal(rep.keys, st.keys);
    assert_int_equal(rep.blocks, st.blocks);
    assert_memory_equal(pairs, v.data, n * 2 * sizeof(uint32_t));
    free(pairs);
    wl_vec_free(&v);
    /* No records: no pairs, no failure. */
    wl_features *empty = fx_build(NULL, 0);
    assert_int_equal(wl_candidates(empty, &o, &pairs, &n, &rep), WL_OK);
    assert_int_equal(n, 0);
    free(pairs);
    fx_free(empty);
    /* An empty mask gives no pairs, and still a pointer the caller can free. */
    o.block_keys = 0;
    assert_int_equal(wl_candidates(f, &o, &pairs, &n, NULL), WL_OK);
    assert_int_equal(n, 0);
    free(pairs);
    fx_free(f);
}

/* Numerical Recipes' 32-bit linear congruential step. */
static uint32_t lcg(uint32_t *x) { return *x = *x * 1664525u + 1013904223u; }

/* Sizes on both sides of the insertion-sort cut-off (64 entries). */
static void test_sort_is_stable(void **state)
{
    (void)state;
    const size_t sizes[] = { 2, 3, 17, 64, 65, 5000 };
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t N = sizes[s];
        wl_keyent *v = malloc(N * sizeof *v), *tmp = malloc(N * sizeof *tmp);
        uint32_t x = 1;
        for (uint32_t i = 0; i < N; i++) {
            uint32_t r = lcg(&x);
            v[i] = (wl_keyent){ ((uint64_t)(r % 97) << 40) | (r % 13), i, 0 };
        }
        wl_keyent_sort(v, tmp, N);
        for (size_t i = 1; i < N; i++) {
            assert_true(v[i - 1].key <= v[i].key);
            if (v[i - 1].key == v[i].key) assert_true(v[i - 1].rec < v[i].rec);
        }
        for (size_t i = 0; i < N; i++) assert_true(v[i].rec < N); /* each entry still there once */
        free(v);
        free(tmp);
    }
}

static int cmp_u64_asc(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Values that share some bytes (a one-record query's pairs: the top 44 bits)
 * skip those bytes' passes; whichever bytes vary, the order is qsort's. */
static void test_u64_sort_constant_bytes(void **state)
{
    (void)state;
    const uint64_t masks[] = { 0xfffffull, 0xff00ff00ull, 0xff00000000000000ull, 0x00ff0000000000ffull, 0 };
    for (size_t k = 0; k < sizeof masks / sizeof masks[0]; k++) {
        size_t n = 300;
        uint64_t *v = malloc(n * sizeof *v), *want = malloc(n * sizeof *v), *tmp = malloc(n * sizeof *v);
        uint64_t x = 7;
        for (size_t i = 0; i < n; i++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            v[i] = (0x1234567800000000ull & ~masks[k]) | (x & masks[k]);
        }
        memcpy(want, v, n * sizeof *v);
        qsort(want, n, sizeof *want, cmp_u64_asc);
        wl_u64_sort(v, tmp, n, 0);
        assert_memory_equal(v, want, n * sizeof *v);
        free(v);
        free(want);
        free(tmp);
    }
}

static void test_u64_sort_by_high_bytes(void **state)
{
    (void)state;
    /* Sizes on both sides of the insertion-sort cut-off. */
    const size_t sizes[] = { 2, 40, 48, 49, 3000 };
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s];
        uint64_t *v = malloc(n * sizeof *v), *tmp = malloc(n * sizeof *tmp);
        uint32_t x = 3;
        for (uint32_t i = 0; i < n; i++) v[i] = (uint64_t)(lcg(&x) % 61) << 32 | i; /* low half: the input position */
        wl_u64_sort(v, tmp, n, 4);
        for (size_t i = 1; i < n; i++) {
            assert_true(v[i - 1] >> 32 <= v[i] >> 32);
            /* Equal high halves keep their input order (stable). */
            if (v[i - 1] >> 32 == v[i] >> 32) assert_true((uint32_t)v[i - 1] < (uint32_t)v[i]);
        }
        /* Sorting on all bytes orders the whole value. */
        for (uint32_t i = 0; i < n; i++) v[i] = (uint64_t)(n - i) * 0x9E3779B97F4A7C15ull;
        wl_u64_sort(v, tmp, n, 0);
        for (size_t i = 1; i < n; i++) assert_true(v[i - 1] <= v[i]);
        free(v);
        free(tmp);
    }
}

static void test_block_weight(void **state)
{
    (void)state;
    /* 16 log2(records / size), rounded. */
    assert_int_equal(wl_block_weight(1, 1u << 20), 320);
    assert_int_equal(wl_block_weight(2, 8), 32);
    assert_int_equal(wl_block_weight(3, 8), 23); /* 16 x 1.415 = 22.6 */
    /* Never 0 (a partner met must score), whatever the sizes. */
    assert_int_equal(wl_block_weight(8, 8), 1);
    assert_int_equal(wl_block_weight(9, 8), 1);
    assert_int_equal(wl_block_weight(0, 8), 1);
    assert_int_equal(wl_block_weight(7, 8), 3);
    for (size_t s = 2; s < 1000; s++) assert_true(wl_block_weight(s, 1000) <= wl_block_weight(s - 1, 1000));
}

/* A record's distinct keys over the kinds of mask, sorted. */
static size_t distinct_keys(const wl_features *f, size_t i, unsigned mask, uint32_t common, uint64_t *out, size_t cap)
{
    size_t n = 0;
    for (int kind = 0; kind < WL_KIND_COUNT; kind++)
        if (mask & (1u << kind)) n += wl_block_record_keys(f, i, kind, common, out + n, cap - n);
    for (size_t a = 1; a < n; a++) /* insertion sort: a few dozen keys */
        for (size_t b = a; b > 0 && out[b - 1] > out[b]; b--) {
            uint64_t t = out[b];
            out[b] = out[b - 1];
            out[b - 1] = t;
        }
    size_t w = 0;
    for (size_t a = 0; a < n; a++)
        if (w == 0 || out[w - 1] != out[a]) out[w++] = out[a];
    return w;
}

static int has_key(const uint64_t *k, size_t n, uint64_t key)
{
    for (size_t i = 0; i < n; i++)
        if (k[i] == key) return 1;
    return 0;
}

enum { REF_MAX_KEYS = 256 };

/* Reference of the cap, by brute force (no block split or skipped): the score
 * of (a, b) sums wl_block_weight(records holding the key, n) over the keys they
 * share; a record keeps its `cap` best partners, higher score first, then lower
 * index; (a, b) is a candidate when a keeps b or b keeps a. kept is n x n. */
static void reference_pruned(const wl_features *f, unsigned mask, wl_mode mode, size_t cap, size_t sure,
                             uint8_t *kept);

static void reference_cap(const wl_features *f, unsigned mask, wl_mode mode, size_t cap, uint8_t *kept)
{
    reference_pruned(f, mask, mode, cap, cap, kept);
}

/* The same, then of a record's picks past the `sure` first only those scoring
 * at least half its first pick, sharing a key that is not a document key or
 * sharing a document key with no third record stay (wl_block_pruned). */
static void reference_pruned(const wl_features *f, unsigned mask, wl_mode mode, size_t cap, size_t sure,
                             uint8_t *kept)
{
    size_t n = f->n;
    uint64_t(*keys)[REF_MAX_KEYS] = calloc(n, sizeof *keys);
    size_t *nk = calloc(n, sizeof *nk);
    uint32_t *score = calloc(n, sizeof *score), *other = calloc(n, sizeof *other);
    for (size_t i = 0; i < n; i++) nk[i] = distinct_keys(f, i, mask, 10000, keys[i], REF_MAX_KEYS);
    memset(kept, 0, n * n);
    for (size_t a = 0; a < n; a++) {
        memset(score, 0, n * sizeof *score);
        memset(other, 0, n * sizeof *other);
        for (size_t t = 0; t < nk[a]; t++) {
            size_t holders = 0;
            for (size_t r = 0; r < n; r++) holders += (size_t)has_key(keys[r], nk[r], keys[a][t]);
            for (size_t b = 0; b < n; b++)
                if (b != a && has_key(keys[b], nk[b], keys[a][t]) &&
                    (mode == WL_MODE_DEDUP || f->source[a] != f->source[b])) {
                    score[b] += wl_block_weight(holders, n);
                    if ((keys[a][t] >> WL_KEY_KIND_SHIFT) != WL_KIND_DOC || holders <= WL_BLOCK_DOC_CROWD) other[b] = 1;
                }
        }
        uint32_t top = 0;
        for (size_t k = 0; k < cap; k++) { /* pick the best remaining partner cap times */
            size_t best = n;
            for (size_t b = 0; b < n; b++)
                if (score[b] && !kept[a * n + b] && (best == n || score[b] > score[best])) best = b;
            if (best == n) break;
            if (k == 0) top = score[best];
            kept[a * n + best] = k < sure || 2 * score[best] >= top || other[best] ? 1 : 2; /* 2: pruned */
        }
        for (size_t b = 0; b < n; b++) kept[a * n + b] = kept[a * n + b] == 1;
    }
    free(keys);
    free(nk);
    free(score);
    free(other);
}

static void test_cap_matches_reference(void **state)
{
    (void)state;
    wl_features *f = crowd(150, 11);
    size_t n = f->n;
    uint8_t *kept = malloc(n * n);
    const size_t caps[] = { 1, 4, 9 };
    for (size_t c = 0; c < sizeof caps / sizeof caps[0]; c++)
        for (int mode = 0; mode < 2; mode++) {
            reference_cap(f, WL_BLOCK_DEFAULT, (wl_mode)mode, caps[c], kept);
            wl_block_stats st, st2, all_st;
            wl_vec v = run_capped(f, opts(WL_BLOCK_DEFAULT, (wl_mode)mode, 10000, 1), caps[c], &st);
            wl_vec v2 = run_capped(f, opts(WL_BLOCK_DEFAULT, (wl_mode)mode, 10000, 2), caps[c], &st2);
            wl_vec all = run_all(f, opts(WL_BLOCK_DEFAULT, (wl_mode)mode, 10000, 2), &all_st);
            /* Same pairs for any thread count. */
            assert_int_equal(v.len, v2.len);
            assert_memory_equal(v.data, v2.data, v.len * sizeof(wl_pairidx));
            size_t expect = 0;
            for (uint32_t a = 0; a < n; a++)
                for (uint32_t b = a + 1; b < n; b++) {
                    int want = kept[a * n + b] || kept[b * n + a];
                    assert_int_equal(has_pair(&v, a, b), want);
                    expect += (size_t)want;
                }
            assert_int_equal(v.len, expect);
            /* Each record names at most cap partners; the union is what the
             * uncapped path gives, and the cap really removed pairs here. */
            assert_true(v.len <= n * caps[c]);
            assert_int_equal(st.union_pairs, all.len);
            assert_true(v.len < all.len);
            wl_vec_free(&v);
            wl_vec_free(&v2);
            wl_vec_free(&all);
        }
    free(kept);
    fx_free(f);
}

/* Ten strangers (no name part in common, no date) whose 7-digit numbers share
 * the 6-digit deletion variant 123456, then one person twice (records 10, 11:
 * same name and date, numbers 123456A / 123456B one edit apart): the strangers are partners of
 * that person's records through the document variant alone. */
static wl_features *doc_strangers(void)
{
    static const char *const names[] = { "karim tan", "lim wong", "nguyen somchai", "ismail hassan",
                                         "chan lee", "ong siti", "nur ahmad", "bakar joko",
                                         "dewi rizal", "yusof hamid" };
    static const char *const docs[] = { "1234560", "1234561", "1234562", "1234563", "1234564",
                                        "1234565", "1234566", "1234567", "1234568", "1234569" };
    enum { N = 12 };
    fx_rec r[N];
    for (int i = 0; i < N - 2; i++) r[i] = (fx_rec){ (uint32_t)(i % 2), names[i], NULL, docs[i], NULL, 0, NULL, NULL };
    r[N - 2] = (fx_rec){ 0, "muhammad ali", "1980-05-05", "123456A", "MYS", 0, NULL, NULL };
    r[N - 1] = (fx_rec){ 1, "muhammad ali", "1980-05-05", "123456B", "MYS", 0, NULL, NULL };
    return fx_build(r, N);
}

static void test_pruning_drops_document_strangers(void **state)
{
    (void)state;
    wl_features *f = doc_strangers();
    wl_options o = opts(WL_BLOCK_DEFAULT, WL_MODE_DEDUP, 1000, 2);
    wl_block_stats st;
    wl_vec capped, pruned;
    wl_vec_init(&capped, sizeof(wl_pairidx));
    wl_vec_init(&pruned, sizeof(wl_pairidx));
    assert_int_equal(wl_block_capped(f, &o, 4, &capped, &st), WL_OK);
    assert_int_equal(wl_block_pruned(f, &o, 4, 1, &pruned, &st), WL_OK);
    assert_true(has_pair(&capped, 10, 11));
    assert_true(has_pair(&pruned, 10, 11));
    size_t cap_links = 0, pruned_links = 0;
    for (uint32_t i = 0; i < 10; i++) {
        cap_links += (size_t)(has_pair(&capped, i, 10) + has_pair(&capped, i, 11));
        pruned_links += (size_t)(has_pair(&pruned, i, 10) + has_pair(&pruned, i, 11));
    }
    assert_true(cap_links > 0);         /* the cap alone keeps strangers of the person ... */
    assert_int_equal(pruned_links, 0);  /* ... pruning drops them: document only, and weak */
    assert_true(has_pair(&pruned, 0, 1)); /* strangers among themselves tie: they stay */
    wl_vec_free(&capped);
    wl_vec_free(&pruned);
    fx_free(f);

    /* Namesakes share a name key: never pruned, however weak. */
    fx_rec r[6];
    for (int i = 0; i < 4; i++) r[i] = (fx_rec){ 0, "muhammad ali", "1980", NULL, NULL, 0, NULL, NULL };
    r[4] = (fx_rec){ 0, "muhammad ali", "1980-05-05", "X12345678", "MYS", 0, NULL, NULL };
    r[5] = (fx_rec){ 1, "mohamad ali", "1980-05-05", "X12345678", "MYS", 0, NULL, NULL };
    f = fx_build(r, 6);
    wl_vec_init(&capped, sizeof(wl_pairidx));
    wl_vec_init(&pruned, sizeof(wl_pairidx));
    assert_int_equal(wl_block_capped(f, &o, 8, &capped, &st), WL_OK);
    assert_int_equal(wl_block_pruned(f, &o, 8, 1, &pruned, &st), WL_OK);
    assert_int_equal(pruned.len, capped.len);
    wl_vec_free(&capped);
    wl_vec_free(&pruned);
    fx_free(f);
}

/* wl_block_pruned against the reference: the `sure` best partners stay, the
 * others only when they score at least half the best or share a name or date
 * key; same for 1 and 2 threads. */
static void test_pruned_matches_reference(void **state)
{
    (void)state;
    wl_features *f = doc_strangers();
    size_t n = f->n, pruned_some = 0;
    uint8_t *kept = malloc(n * n);
    const size_t cfg[][2] = { { 4, 1 }, { 6, 2 }, { 6, 6 } };
    for (size_t c = 0; c < sizeof cfg / sizeof cfg[0]; c++)
        for (int mode = 0; mode < 2; mode++) {
            reference_pruned(f, WL_BLOCK_DEFAULT, (wl_mode)mode, cfg[c][0], cfg[c][1], kept);
            wl_block_stats st, st2, cap_st;
            wl_vec v, v2, capped;
            wl_vec_init(&v, sizeof(wl_pairidx));
            wl_vec_init(&v2, sizeof(wl_pairidx));
            wl_vec_init(&capped, sizeof(wl_pairidx));
            wl_options o1 = opts(WL_BLOCK_DEFAULT, (wl_mode)mode, 10000, 1), o2 = o1;
            o2.threads = 2;
            assert_int_equal(wl_block_pruned(f, &o1, cfg[c][0], cfg[c][1], &v, &st), WL_OK);
            assert_int_equal(wl_block_pruned(f, &o2, cfg[c][0], cfg[c][1], &v2, &st2), WL_OK);
            assert_int_equal(wl_block_capped(f, &o2, cfg[c][0], &capped, &cap_st), WL_OK);
            assert_int_equal(v.len, v2.len);
            assert_memory_equal(v.data, v2.data, v.len * sizeof(wl_pairidx));
            size_t expect = 0;
            for (uint32_t a = 0; a < n; a++)
                for (uint32_t b = a + 1; b < n; b++) {
                    int want = kept[a * n + b] || kept[b * n + a];
                    assert_int_equal(has_pair(&v, a, b), want);
                    expect += (size_t)want;
                }
            assert_int_equal(v.len, expect);
            /* pruning only removes pairs of the capped set; sure == cap is the cap */
            assert_true(v.len <= capped.len);
            if (cfg[c][1] >= cfg[c][0]) assert_int_equal(v.len, capped.len);
            pruned_some += capped.len - v.len;
            wl_vec_free(&v);
            wl_vec_free(&v2);
            wl_vec_free(&capped);
        }
    assert_true(pruned_some > 0); /* the data really has weak partners to prune */
    free(kept);
    fx_free(f);
}

static void test_cap_keeps_strongest_partner(void **state)
{
    (void)state;
    /* 30 namesakes born in 1980 (year only) and two spellings of one person
     * with a full date and one passport: the pair sharing the passport and
     * the date outranks every namesake, even with one partner per record. */
    enum { N = 32 };
    fx_rec r[N];
    for (int i = 0; i < N - 2; i++) r[i] = (fx_rec){ 0, "muhammad ali", "1980", NULL, "MYS", 0, NULL, NULL };
    r[N - 2] = (fx_rec){ 1, "muhammad ali", "1980-05-05", "X12345678", "MYS", 0, NULL, NULL };
    r[N - 1] = (fx_rec){ 2, "mohamad ali", "1980-05-05", "X12345678", "MYS", 0, NULL, NULL };
    wl_features *f = fx_build(r, N);
    wl_block_stats st;
    wl_vec v = run_capped(f, opts(WL_BLOCK_DEFAULT, WL_MODE_DEDUP, 1000, 2), 1, &st);
    assert_true(has_pair(&v, N - 2, N - 1));
    assert_true(v.len <= N);
    assert_true(st.union_pairs > v.len);
    wl_vec_free(&v);
    /* Without the passport and the date, the pair is one more namesake pair
     * and the cap of one keeps a lower-index partner (ties go low). */
    r[N - 2] = (fx_rec){ 1, "muhammad ali", "1980", NULL, "MYS", 0, NULL, NULL };
    r[N - 1] = (fx_rec){ 2, "muhammad ali", "1980", NULL, "MYS", 0, NULL, NULL };
    fx_free(f);
    f = fx_build(r, N);
    v = run_capped(f, opts(WL_BLOCK_DEFAULT, WL_MODE_DEDUP, 1000, 2), 1, &st);
    assert_false(has_pair(&v, N - 2, N - 1));
    assert_true(has_pair(&v, 0, N - 1));
    wl_vec_free(&v);
    fx_free(f);
}

/* Small lists keep budget / n partners: the cap bounds the work, and a list of
 * 2,000 can afford the pairs its blocks give (the 2,000-record crowd below
 * keeps 102,727 of 114,469 by default, 34,686 at 32). From 65,536 records the
 * cap is 32. */
static void test_small_lists_keep_more_partners(void **state)
{
    (void)state;
    assert_int_equal(wl_block_default_partners(2000), WL_BLOCK_PARTNER_BUDGET / 2000);
    assert_int_equal(wl_block_default_partners(65536), WL_BLOCK_DEFAULT_PARTNERS);
    assert_int_equal(wl_block_default_partners(1000000), WL_BLOCK_DEFAULT_PARTNERS);
    assert_true(wl_block_default_partners(0) >= WL_BLOCK_DEFAULT_PARTNERS);
    wl_features *f = crowd(2000, 5);
    wl_block_stats st, all_st;
    wl_options capped = opts(WL_BLOCK_DEFAULT, WL_MODE_DEDUP, 0, 2);
    capped.max_partners = WL_BLOCK_DEFAULT_PARTNERS;
    wl_vec def = run_block(f, opts(WL_BLOCK_DEFAULT, WL_MODE_DEDUP, 0, 2), &st);
    wl_vec cap = run_block(f, capped, &st);
    wl_vec all = run_all(f, opts(WL_BLOCK_DEFAULT, WL_MODE_DEDUP, 0, 2), &all_st);
    assert_true(cap.len < def.len);
    assert_true(def.len <= all.len);
    print_message("default %zu, capped at 32 %zu, every pair %zu\n", def.len, cap.len, all.len);
    assert_true(def.len * 20 >= all.len * 17); /* 0.90 of the pairs the blocks give (the rest pruned) */
    wl_vec_free(&def);
    wl_vec_free(&cap);
    wl_vec_free(&all);
    fx_free(f);
}

static void test_default_cap_bounds_candidates(void **state)
{
    (void)state;
    /* 2,000 records over 96 names, 6 years, 40 documents: far more than
     * WL_BLOCK_DEFAULT_PARTNERS partners each. wl_block caps them, the result
     * is a subset of the uncapped pairs, the same for 1 and 2 threads. (A list
     * of 2,000 keeps more by default: the cap is given here.) */
    wl_features *f = crowd(2000, 5);
    wl_block_stats st1, st2, all_st;
    wl_options o1 = opts(WL_BLOCK_DEFAULT, WL_MODE_DEDUP, 0, 1), o2 = opts(WL_BLOCK_DEFAULT, WL_MODE_DEDUP, 0, 2);
    o1.max_partners = o2.max_partners = WL_BLOCK_DEFAULT_PARTNERS;
    wl_vec v1 = run_block(f, o1, &st1);
    wl_vec v2 = run_block(f, o2, &st2);
    wl_vec all = run_all(f, opts(WL_BLOCK_DEFAULT, WL_MODE_DEDUP, 0, 2), &all_st);
    assert_int_equal(v1.len, v2.len);
    assert_memory_equal(v1.data, v2.data, v1.len * sizeof(wl_pairidx));
    assert_true(v1.len <= f->n * WL_BLOCK_DEFAULT_PARTNERS);
    assert_true(all.len > 2 * v1.len);
    assert_int_equal(st1.union_pairs, all.len);
    /* Subset: both lists are sorted; walk them together. */
    const wl_pairidx *p = v1.data, *q = all.data;
    size_t j = 0;
    for (size_t i = 0; i < v1.len; i++) {
        while (j < all.len && (q[j].a < p[i].a || (q[j].a == p[i].a && q[j].b < p[i].b))) j++;
        assert_true(j < all.len && q[j].a == p[i].a && q[j].b == p[i].b);
    }
    wl_vec_free(&v1);
    wl_vec_free(&v2);
    wl_vec_free(&all);
    fx_free(f);
}

/* A crowded part-pair block splits dateless records by the first sound class of
 * their rarest part: a name and its reading back from another script stay in
 * one sub-block, where splitting by the part itself parted them. Dated records
 * split by year, and the other kinds by the rarest part, as before. */
static void test_split_key_keeps_readings_together(void **state)
{
    (void)state;
    fx_rec r[] = {
        { 0, "carrillo", "", "", "", 0, "", "" },
        { 1, "kaliyo", "", "", "", 0, "", "" },
        { 1, "tomlin", "", "", "", 0, "", "" },
        { 0, "carrillo", "1970", "", "", 0, "", "" },
        { 1, "kaliyo", "1971", "", "", 0, "", "" },
    };
    wl_features *f = fx_build(r, 5);
    const int pp = WL_KIND_PART_PAIR;
    assert_true(wl_block_split_key(f, 0, pp) == wl_block_split_key(f, 1, pp));
    assert_true(wl_block_split_key(f, 0, pp) != wl_block_split_key(f, 2, pp)); /* K against T */
    assert_true(wl_block_split_key(f, 3, pp) != wl_block_split_key(f, 4, pp)); /* 1970 against 1971 */
    assert_true(wl_block_split_key(f, 0, WL_KIND_FULL_NAME) != wl_block_split_key(f, 1, WL_KIND_FULL_NAME));
    fx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys_per_kind),
        cmocka_unit_test(test_expected_pairs),
        cmocka_unit_test(test_letters_and_dob_nationality),
        cmocka_unit_test(test_short_mononyms_meet),
        cmocka_unit_test(test_patronymic_pairs_and_glued_article),
        cmocka_unit_test(test_slavic_surname_endings),
        cmocka_unit_test(test_loose_sound_keys),
        cmocka_unit_test(test_matches_reference),
        cmocka_unit_test(test_crowd_reference_and_threads),
        cmocka_unit_test(test_split_and_skip),
        cmocka_unit_test(test_pair_once_over_shared_keys),
        cmocka_unit_test(test_many_partners_each_once),
        cmocka_unit_test(test_common_parts_skip_phonetic_key),
        cmocka_unit_test(test_vowel_only_code_makes_no_key),
        cmocka_unit_test(test_doc_one_edit_keys),
        cmocka_unit_test(test_candidates_wrapper),
        cmocka_unit_test(test_sort_is_stable),
        cmocka_unit_test(test_u64_sort_constant_bytes),
        cmocka_unit_test(test_u64_sort_by_high_bytes),
        cmocka_unit_test(test_block_weight),
        cmocka_unit_test(test_cap_matches_reference),
        cmocka_unit_test(test_pruned_matches_reference),
        cmocka_unit_test(test_pruning_drops_document_strangers),
        cmocka_unit_test(test_cap_keeps_strongest_partner),
        cmocka_unit_test(test_default_cap_bounds_candidates),
        cmocka_unit_test(test_small_lists_keep_more_partners),
        cmocka_unit_test(test_split_key_keeps_readings_together),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
