/* test_features.c -- the features driver: names (full, split columns, aliases,
 * MRZ), date readings, documents, codes, folded text, part frequencies, the
 * MRZ century rule, bounds on hostile records, thread-count determinism and
 * the CSV writer. Datasets are built by hand (no reader involved). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "normalise/country.h"
#include "features/featureset.h"
#include "features/features_build.h"
#include "normalise/name.h"

typedef struct {
    uint8_t role;
    const char *value;
} cellspec;

static size_t add(wl_dataset *ds, const char *src, const char *id, const cellspec *c, size_t n)
{
    uint8_t roles[64];
    const char *vals[64];
    size_t lens[64];
    assert_true(n <= 64);
    for (size_t k = 0; k < n; k++) {
        roles[k] = c[k].role;
        vals[k] = c[k].value;
        lens[k] = strlen(c[k].value);
    }
    uint32_t s = wl_ds_source_index(ds, src, strlen(src));
    size_t i = wl_ds_add_record(ds, s, id, strlen(id), roles, vals, lens, n);
    assert_true(i != SIZE_MAX);
    return i;
}

static char *csv_of(const wl_features *f, size_t *len)
{
    char *buf = NULL;
    FILE *m = open_memstream(&buf, len);
    assert_non_null(m);
    assert_int_equal(wl_features_write_csv(f, m), WL_OK);
    fclose(m);
    return buf;
}

/* The parts of record i's name number `no`, canonical spellings joined by spaces. */
static void name_canon(const wl_features *f, size_t i, int no, char *out, size_t cap)
{
    size_t np, len = 0;
    const wl_fpart *p = wl_f_parts(f, i, &np);
    out[0] = '\0';
    for (size_t k = 0; k < np; k++) {
        if (p[k].name_no != no) continue;
        int w = snprintf(out + len, cap - len, "%s%s", len ? " " : "", wl_f_str(f, p[k].canon));
        if (w > 0) len += (size_t)w;
    }
}

static void test_record_fields(void **state)
{
    (void)state;
    wl_dataset *ds = wl_dataset_create();
    const cellspec a[] = {
        { WL_ROLE_FULL_NAME, "Muhammad bin Ali" }, { WL_ROLE_ALIAS, "Abu Bakar" },
        { WL_ROLE_ALIAS, "" }, { WL_ROLE_DOB, "04/03/1978" }, { WL_ROLE_DOC_NUMBER, "A1234567" },
        { WL_ROLE_DOC_NUMBER, "a-123 4567" }, { WL_ROLE_NATIONALITY, "Malaysia" },
        { WL_ROLE_DOC_COUNTRY, "MYS" }, { WL_ROLE_NATIONALITY, "IDN" }, { WL_ROLE_GENDER, "male" },
        { WL_ROLE_PLACE_OF_BIRTH, "Kuala Lumpur" }, { WL_ROLE_TEXT, "Jalan Ampang 12" },
        { WL_ROLE_TEXT, "jalan AMPANG, KL" } };
    const cellspec b[] = { { WL_ROLE_GIVEN_NAME, "Ali" }, { WL_ROLE_FAMILY_NAME, "Muhammad" },
                           { WL_ROLE_DOB, "1978-03-04" } };
    const cellspec c[] = { { WL_ROLE_DOB, "1978" } };
    add(ds, "mys", "1", a, sizeof a / sizeof a[0]);
    add(ds, "idn", "2", b, sizeof b / sizeof b[0]);
    add(ds, "idn", "3", c, 1);
    const cellspec e[] = { { WL_ROLE_FAMILY_NAME, "MANALO" }, { WL_ROLE_GIVEN_NAME, "RODEL" },
                           { WL_ROLE_MIDDLE_NAME, "M." }, { WL_ROLE_ALIAS, "Maria" } };
    add(ds, "phl", "4", e, 4);
    wl_features *f = wl_features_build(ds, 2);
    assert_non_null(f);
    assert_int_equal(f->n, 4);
    char buf[256];
    /* main name and one alias (the empty alias cell adds nothing) */
    assert_int_equal(f->n_names[0], 2);
    name_canon(f, 0, 1, buf, sizeof buf);
    assert_string_equal(buf, "abu bakar");
    size_t np;
    const wl_fpart *p = wl_f_parts(f, 0, &np);
    int particles = 0;
    for (size_t k = 0; k < np; k++) particles += p[k].name_no == 0 && (p[k].flags & WL_PART_PARTICLE) != 0;
    assert_int_equal(particles, 1); /* bin, in the main name */
    /* 04/03/1978 is ambiguous: both readings kept */
    size_t nd;
    const wl_date *d = wl_f_dates(f, 0, &nd);
    assert_int_equal(nd, 2);
    assert_true(d[0].flags & WL_DATE_AMBIGUOUS);
    /* the two spellings of one document number make one key */
    size_t ndoc;
    const wl_fdoc *doc = wl_f_docs(f, 0, &ndoc);
    assert_int_equal(ndoc, 1);
    assert_string_equal(wl_f_str(f, doc[0].str), "A1234567");
    /* Malaysia and MYS are one code; IDN a second */
    size_t nn;
    const uint32_t *nat = wl_f_nats(f, 0, &nn);
    assert_int_equal(nn, 2);
    assert_int_equal(nat[0], wl_alpha3_pack("MYS"));
    assert_int_equal(nat[1], wl_alpha3_pack("IDN"));
    assert_int_equal(f->gender[0], 'M');
    assert_string_equal(wl_f_str(f, f->pob[0]), "kuala lumpur");
    /* text cells joined: jalan, ampang, 12, kl (distinct tokens) */
    size_t nt;
    wl_f_toks(f, 0, &nt);
    assert_int_equal(nt, 4);
    /* given + family columns make one name, same hash as the full name without particles */
    assert_int_equal(f->n_names[1], 1);
    assert_int_equal(f->h_name[0], f->h_name[1]);
    /* Each cell's part strings survive the parsing of the next cell. */
    name_canon(f, 1, 0, buf, sizeof buf);
    assert_string_equal(buf, "ali muhammad");
    name_canon(f, 3, 0, buf, sizeof buf);
    assert_string_equal(buf, "manalo rodel m");
    name_canon(f, 3, 1, buf, sizeof buf);
    assert_string_equal(buf, "maria");
    wl_f_parts(f, 1, &np);
    assert_int_equal(np, 2);
    /* a record without any name */
    assert_int_equal(f->n_names[2], 0);
    assert_int_equal(f->h_name[2], 0);
    assert_int_equal(f->pob[2], UINT32_MAX);
    assert_int_equal(f->gender[2], 0);
    /* frequencies: muhammad and ali in two records, bakar in one */
    p = wl_f_parts(f, 0, &np);
    for (size_t k = 0; k < np; k++) {
        const char *s = wl_f_str(f, p[k].canon);
        if (!strcmp(s, "ali")) assert_int_equal(p[k].freq, 2);
        if (!strcmp(s, "bakar")) assert_int_equal(p[k].freq, 1);
    }
    assert_int_equal(f->source[1], f->source[2]);
    wl_features_free(f);
    wl_dataset_free(ds);
}

/* One rule for two-digit birth years, written or in a zone, under the dataset's
 * reference year (issue 16.6): by default 2025, whatever today's date -- the MRZ
 * once took the current year, so its "26" became 2026 on 1 January 2026 while a
 * written "26" stayed 1926. */
static void test_reference_year(void **state)
{
    (void)state;
    /* The ICAO 9303 specimen born in (19|20)26 (its check digits then fail: the
     * zone still parses) and the same date written. */
    const cellspec a[] = { { WL_ROLE_MRZ, "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
                                          "L898902C36UTO2608122F1204159ZE184226B<<<<<10" } };
    const cellspec b[] = { { WL_ROLE_FULL_NAME, "anna eriksson" }, { WL_ROLE_DOB, "12/08/26" } };
    const cellspec c[] = { { WL_ROLE_FULL_NAME, "anna eriksson" }, { WL_ROLE_DOB, "12/08/25" } };
    static const struct {
        int reference, want26, want25;
    } cases[] = { { 0, 1926, 2025 }, { 2025, 1926, 2025 }, { 2026, 2026, 2025 }, { 2024, 1926, 1925 },
                  { 2100, 2026, 2025 }, { 1950, 1926, 1925 } };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        wl_dataset *ds = wl_dataset_create();
        add(ds, "s", "1", a, 1);
        add(ds, "s", "2", b, 2);
        add(ds, "s", "3", c, 2);
        assert_int_equal(wl_dataset_set_reference_year(ds, cases[k].reference), WL_OK);
        wl_features *f = wl_features_build(ds, 1);
        assert_non_null(f);
        size_t nd;
        assert_int_equal(wl_f_dates(f, 0, &nd)[0].year, cases[k].want26);
        assert_int_equal(wl_f_dates(f, 1, &nd)[0].year, cases[k].want26);
        assert_int_equal(wl_f_dates(f, 2, &nd)[0].year, cases[k].want25);
        wl_features_free(f);
        wl_dataset_free(ds);
    }
    wl_dataset *ds = wl_dataset_create();
    assert_int_equal(wl_dataset_set_reference_year(ds, 1899), WL_USAGE);
    assert_int_equal(wl_dataset_set_reference_year(ds, 2101), WL_USAGE);
    assert_int_equal(wl_dataset_set_reference_year(NULL, 2000), WL_USAGE);
    wl_dataset_free(ds);
}

/* A Han name read two ways (Chinese and a transcribed foreign name) keeps its
 * second reading as a further name flagged WL_PART_READING: compare counts it as
 * one name of the person, not as an alias (compare.c, the alias-pair count). */
static void test_second_reading_flagged(void **state)
{
    (void)state;
    wl_dataset *ds = wl_dataset_create();
    const cellspec a[] = { { WL_ROLE_FULL_NAME, "\xe7\x8e\x8b\xe4\xbc\x9f" }, /* 王伟 */
                           { WL_ROLE_ALIAS, "kamil zarnowski" } };
    add(ds, "s", "1", a, 2);
    wl_features *f = wl_features_build(ds, 1);
    assert_non_null(f);
    size_t np;
    const wl_fpart *p = wl_f_parts(f, 0, &np);
    int names = 0, reading = 0, other = 0;
    for (size_t k = 0; k < np; k++) {
        names = p[k].name_no + 1 > names ? p[k].name_no + 1 : names;
        if (p[k].flags & WL_PART_READING) reading |= 1 << p[k].name_no;
        else other |= 1 << p[k].name_no;
    }
    assert_int_equal(names, 3);       /* wang wei, wangwei, kamil zarnowski */
    assert_int_equal(reading, 1 << 1); /* only the second reading */
    assert_int_equal(other, (1 << 0) | (1 << 2));
    wl_features_free(f);
    wl_dataset_free(ds);
}

static void test_mrz_record(void **state)
{
    (void)state;
    wl_dataset *ds = wl_dataset_create();
    /* ICAO 9303 part 4 specimen (TD3), nationality changed to a real code. */
    const cellspec a[] = { { WL_ROLE_ID, "x" },
                           { WL_ROLE_MRZ, "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
                                          "L898902C36UTO7408122F1204159ZE184226B<<<<<10" } };
    add(ds, "s", "1", a + 1, 1);
    wl_features *f = wl_features_build(ds, 1);
    assert_non_null(f);
    assert_int_equal(f->n_names[0], 1);
    char buf[256];
    name_canon(f, 0, 0, buf, sizeof buf);
    assert_non_null(strstr(buf, "eriksson"));
    assert_non_null(strstr(buf, "anna"));
    size_t nd, ndoc;
    const wl_date *d = wl_f_dates(f, 0, &nd);
    assert_int_equal(nd, 1);
    assert_int_equal(d[0].year, 1974);
    assert_int_equal(d[0].month, 8);
    assert_int_equal(d[0].day, 12);
    assert_int_equal(d[0].prec, WL_PREC_DAY);
    wl_f_docs(f, 0, &ndoc);
    assert_int_equal(ndoc, 1);
    assert_int_equal(f->gender[0], 'F');
    wl_features_free(f);
    wl_dataset_free(ds);
}

static void test_hostile_record_bounded(void **state)
{
    (void)state;
    wl_dataset *ds = wl_dataset_create();
    cellspec c[64];
    char longname[5000];
    for (size_t k = 0; k < sizeof longname - 1; k++) longname[k] = (k % 7 == 6) ? ' ' : (char)('a' + k % 26);
    longname[sizeof longname - 1] = '\0';
    c[0] = (cellspec){ WL_ROLE_FULL_NAME, longname };
    for (int k = 1; k < 64; k++) c[k] = (cellspec){ k % 2 ? WL_ROLE_ALIAS : WL_ROLE_DOB, k % 2 ? "ali bin abu" : "1/2/1970" };
    add(ds, "s", "1", c, 64);
    wl_features *f = wl_features_build(ds, 2);
    assert_non_null(f);
    size_t np, nd;
    wl_f_parts(f, 0, &np);
    assert_true(f->n_names[0] <= 32);
    assert_true(np <= 32 * WL_NAME_MAX_PARTS);
    wl_f_dates(f, 0, &nd);
    assert_true(nd <= 16);
    size_t len;
    char *csv = csv_of(f, &len);
    assert_true(len > 0);
    free(csv);
    wl_features_free(f);
    wl_dataset_free(ds);
}

static wl_dataset *many(size_t n)
{
    static const char *const names[] = { "Nguyễn Văn An", "Muhammad bin Abdullah", "Siti Nurhaliza binti Tarudin",
                                         "สมชาย ใจดี", "Tan Ah Kow", "Somchai Jaidee", "Абдулла Ахмедов", "王小明" };
    static const char *const dobs[] = { "1978-03-04", "04/03/1978", "circa 1980", "2521", "1970-1975", "12 Jan 1966" };
    wl_dataset *ds = wl_dataset_create();
    char id[32], doc[32];
    for (size_t i = 0; i < n; i++) {
        snprintf(id, sizeof id, "%zu", i);
        snprintf(doc, sizeof doc, "A%07zu", i * 7919 % 10000000);
        const cellspec c[] = { { WL_ROLE_FULL_NAME, names[i % 8] }, { WL_ROLE_DOB, dobs[i % 6] },
                               { WL_ROLE_DOC_NUMBER, doc }, { WL_ROLE_NATIONALITY, i % 3 ? "VNM" : "Thailand" },
                               { WL_ROLE_ALIAS, names[(i / 8) % 8] }, { WL_ROLE_TEXT, "12 Jalan Ampang" },
                               { WL_ROLE_PLACE_OF_BIRTH, "Kuala Lumpur" }, { WL_ROLE_GENDER, i % 2 ? "M" : "F" } };
        add(ds, i % 2 ? "a" : "b", id, c, sizeof c / sizeof c[0]);
    }
    return ds;
}

static void test_threads_identical(void **state)
{
    (void)state;
    wl_dataset *ds = many(3000); /* several chunks */
    wl_features *f1 = wl_features_build(ds, 1), *f2 = wl_features_build(ds, 2);
    assert_non_null(f1);
    assert_non_null(f2);
    size_t l1, l2;
    char *c1 = csv_of(f1, &l1), *c2 = csv_of(f2, &l2);
    assert_int_equal(l1, l2);
    assert_memory_equal(c1, c2, l1);
    /* every run and column of the lists (featureset.h), byte for byte */
#define RUN_(id, start, data, type, rebase)                                           \
    assert_memory_equal(f1->start, f2->start, (f1->n + 1) * sizeof *f1->start);       \
    assert_true(f1->start[f1->n] > 0);                                                \
    assert_memory_equal(f1->data, f2->data, f1->start[f1->n] * sizeof(type));
    WL_FEATURE_RUNS(RUN_)
#undef RUN_
#define COL_(id, array, type, rebase) assert_memory_equal(f1->array, f2->array, f1->n * sizeof(type));
    WL_FEATURE_COLUMNS(COL_)
#undef COL_
    assert_int_equal(f1->text_len, f2->text_len);
    assert_memory_equal(f1->text, f2->text, f1->text_len);
    /* text offsets of runs and columns point at their own strings in every
     * chunk, not only the first (the merge moves them) */
    for (size_t i = 0; i < f1->n; i++) {
        char digits[16];
        snprintf(digits, sizeof digits, "%07zu", i * 7919 % 10000000);
        const wl_fdoc *d = &f1->docs[f1->doc_start[i]];
        assert_int_equal(f1->doc_start[i + 1] - f1->doc_start[i], i > 0); /* A0000000 is no number */
        if (i > 0) assert_string_equal(wl_f_str(f1, d->core) + 1, digits);
        assert_string_equal(wl_f_str(f1, f1->pob[i]), "kuala lumpur");
        assert_string_equal(wl_f_str(f1, f1->free_text[i]), "12 jalan ampang");
        assert_int_equal(f1->gender[i], i % 2 ? 'M' : 'F');
        const wl_fpart *p = &f1->parts[f1->part_start[i]];
        assert_int_equal(strlen(wl_f_str(f1, p->str)), p->len);
    }
    /* the comparator's one-line records agree with the arrays they summarise */
    assert_non_null(f2->crec);
    for (size_t i = 0; i < f2->n; i++) {
        wl_crec c = f2->crec[i];
        for (int k = 0; k < WL_FRUN_COUNT; k++) {
            assert_int_equal(c.start[k], wl_f_crec(f1, i).start[k]);
            assert_int_equal(c.count[k], wl_f_crec(f1, i).count[k]);
        }
        assert_int_equal(c.part, f1->part_start[i]);
        assert_int_equal(c.n_doc, f1->doc_start[i + 1] - f1->doc_start[i]);
        assert_int_equal(c.n_tok, f1->tok_start[i + 1] - f1->tok_start[i]);
    }
    free(c1);
    free(c2);
    wl_features_free(f1);
    wl_features_free(f2);
    wl_dataset_free(ds);
}

static void test_csv_rows(void **state)
{
    (void)state;
    wl_dataset *ds = wl_dataset_create();
    const cellspec a[] = { { WL_ROLE_FULL_NAME, "Muhammad bin Ali" }, { WL_ROLE_DOB, "1978-03-04" },
                           { WL_ROLE_DOB, "circa 1980" }, { WL_ROLE_NATIONALITY, "MYS" },
                           { WL_ROLE_GENDER, "F" }, { WL_ROLE_PLACE_OF_BIRTH, "Ipoh, Perak" },
                           { WL_ROLE_DOC_NUMBER, "K6122207S" } };
    add(ds, "mys", "id,1", a, sizeof a / sizeof a[0]);
    wl_features *f = wl_features_build(ds, 1);
    size_t len;
    char *csv = csv_of(f, &len);
    assert_non_null(strstr(csv, "source,id,names,canonical,phonetic,skeleton,dob,doc,nationality,gender,"
                                "place_of_birth,text\n"));
    assert_non_null(strstr(csv, "mys,\"id,1\","));
    assert_non_null(strstr(csv, "bin(p)"));
    assert_non_null(strstr(csv, "1978-03-04[day]"));
    assert_non_null(strstr(csv, "[year,approx]"));
    assert_non_null(strstr(csv, ",MYS,F,\"ipoh, perak\","));
    /* the OCR key, and the core as written when folding changed it */
    assert_non_null(strstr(csv, "\"K61222075[check=none,core=K6122207S]\""));
    /* one header and one row */
    size_t lines = 0;
    for (size_t k = 0; k < len; k++) lines += csv[k] == '\n';
    assert_int_equal(lines, 2);
    free(csv);
    wl_features_free(f);
    wl_dataset_free(ds);
    assert_int_equal(wl_features_write_csv(NULL, stdout), WL_USAGE);
    assert_null(wl_features_build(NULL, 1));
    wl_features_free(NULL);
}

/* The features a record's cells of one role give, each role alone (issue 16:
 * what each input contributes to the features is said once, features_record.c
 * g_roles). Record 0 has no cells; record 1 one cell of the role. A feature
 * counts as written when record 1's run is not empty or its column differs
 * from record 0's. The set must equal wl_features_role_writes(role), so a role
 * whose reader writes more, or less, than its line says fails here. */
static unsigned written_by(const wl_features *f)
{
    unsigned w = 0;
#define RUN_W_(id, start, data, type, rebase) \
    if (f->start[2] > f->start[1]) w |= WL_FEAT_##id;
    WL_FEATURE_RUNS(RUN_W_)
#undef RUN_W_
#define COL_W_(id, array, type, rebase) \
    if (memcmp(&f->array[0], &f->array[1], sizeof f->array[0]) != 0) w |= WL_FEAT_##id;
    WL_FEATURE_COLUMNS(COL_W_)
#undef COL_W_
    return w;
}

static void test_role_writes(void **state)
{
    (void)state;
    static const char *const value[WL_ROLE_COUNT] = {
        [WL_ROLE_ID] = "r9",
        [WL_ROLE_SOURCE] = "other",
        [WL_ROLE_FULL_NAME] = "Anna Maria Eriksson",
        [WL_ROLE_GIVEN_NAME] = "Anna",
        [WL_ROLE_MIDDLE_NAME] = "Maria",
        [WL_ROLE_FAMILY_NAME] = "Eriksson",
        [WL_ROLE_ALIAS] = "Anna Eriksdottir",
        [WL_ROLE_DOB] = "1974-08-12",
        [WL_ROLE_GENDER] = "F",
        [WL_ROLE_NATIONALITY] = "SWE",
        [WL_ROLE_DOC_NUMBER] = "L898902C3",
        [WL_ROLE_DOC_TYPE] = "passport",
        [WL_ROLE_DOC_COUNTRY] = "SWE",
        [WL_ROLE_PLACE_OF_BIRTH] = "Stockholm",
        /* One literal: clang's -Wstring-concatenation flags two adjacent
         * literals in an array initialiser as a likely missing comma. */
        [WL_ROLE_MRZ] = "P<SWEERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36SWE7408122F1204159ZE184226B<<<<<10",
        [WL_ROLE_TEXT] = "former deputy minister",
    };
    unsigned any = 0;
    for (int r = 0; r < WL_ROLE_COUNT; r++) {
        assert_non_null(value[r]); /* a role added to WL_ROLE_MAP needs a value here */
        wl_dataset *ds = wl_dataset_create();
        assert_non_null(ds);
        const cellspec c = { (uint8_t)r, value[r] };
        add(ds, "s", "0", NULL, 0);
        add(ds, "s", "1", &c, 1);
        wl_features *f = wl_features_build(ds, 1);
        assert_non_null(f);
        unsigned got = written_by(f), want = wl_features_role_writes(r);
        if (got != want) fail_msg("role %s writes features 0x%x, g_roles says 0x%x", wl_role_name(r), got, want);
        any |= want;
        wl_features_free(f);
        wl_dataset_free(ds);
    }
    /* every feature but the record's list (the dataset's) comes from some role */
    assert_int_equal(any | WL_FEAT_SOURCE, (1u << WL_FEATURE_COUNT) - 1);
    assert_int_equal(wl_features_role_writes(WL_ROLE_COUNT), 0);
    assert_int_equal(wl_features_role_writes(-1), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record_fields),
        cmocka_unit_test(test_reference_year),
        cmocka_unit_test(test_mrz_record),
        cmocka_unit_test(test_second_reading_flagged),
        cmocka_unit_test(test_role_writes),
        cmocka_unit_test(test_hostile_record_bounded),
        cmocka_unit_test(test_threads_identical),
        cmocka_unit_test(test_csv_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
