/*
 * gen_lists.c -- one writer per national list convention (gen_lists.h).
 *
 * Headers are in the country's language or English, as agencies write them;
 * they are all synonyms the reader maps to the data contract's roles
 * (datasets/tables/columns.tsv); MMR's father_name is read as free text.
 */
#include "gen_lists.h"

#include <stdio.h>
#include <string.h>

#include "gen_corrupt.h"
#include "gen_dates.h"
#include "gen_docs.h"
#include "watchlink.h"

/* clang-format off */
#define L(...) __VA_ARGS__
static const gen_list_spec g_specs[GEN_N_LISTS] = {
    { "idn", "DPO-%010u", GEN_LAYOUT_FULL, 0.5, 9,
      { L("id", "nama_lengkap", "nama_alias", "tempat_lahir", "tanggal_lahir", "jenis_kelamin",
          "kewarganegaraan", "nik", "no_paspor") },
      { L(GEN_F_ID, GEN_F_FULL, GEN_F_ALIAS, GEN_F_POB, GEN_F_DOB, GEN_F_SEX, GEN_F_NAT, GEN_F_NATID,
          GEN_F_PASSPORT) } },
    { "mys", "PDRM%010u", GEN_LAYOUT_FULL, 0.7, 7,
      { L("no", "nama", "nama_lain", "no_kp", "tarikh_lahir", "jantina", "warganegara") },
      { L(GEN_F_ID, GEN_F_FULL, GEN_F_ALIAS, GEN_F_NATID_OR_PASSPORT, GEN_F_DOB, GEN_F_SEX, GEN_F_NAT) } },
    { "tha", "TH-%010u", GEN_LAYOUT_GIVEN_FAMILY, 0.2, 9,
      { L("record_id", "first_name", "last_name", "aka", "birth_date", "gender", "nationality", "national_id",
          "passport_no") },
      { L(GEN_F_ID, GEN_F_GIVEN, GEN_F_FAMILY, GEN_F_ALIAS, GEN_F_DOB, GEN_F_SEX, GEN_F_NAT, GEN_F_NATID,
          GEN_F_PASSPORT) } },
    { "vnm", "VN%010u", GEN_LAYOUT_FULL, 0.3, 9,
      { L("id", "ho_ten", "ten_khac", "ngay_sinh", "noi_sinh", "gioi_tinh", "quoc_tich", "so_cccd",
          "so_ho_chieu") },
      { L(GEN_F_ID, GEN_F_FULL, GEN_F_ALIAS, GEN_F_DOB, GEN_F_POB, GEN_F_SEX, GEN_F_NAT, GEN_F_NATID,
          GEN_F_PASSPORT) } },
    { "phl", "NBI-%010u", GEN_LAYOUT_GIVEN_MIDDLE_FAMILY, 0.6, 10,
      { L("case_id", "surname", "first_name", "middle_name", "alyas", "date_of_birth", "place_of_birth", "sex",
          "nationality", "passport_no") },
      { L(GEN_F_ID, GEN_F_FAMILY, GEN_F_GIVEN, GEN_F_MIDDLE, GEN_F_ALIAS, GEN_F_DOB, GEN_F_POB, GEN_F_SEX,
          GEN_F_NAT, GEN_F_PASSPORT) } },
    { "mmr", "MM%010u", GEN_LAYOUT_FULL, 0.5, 8,
      { L("suspect_id", "name", "father_name", "date_of_birth", "sex", "nationality", "national_id",
          "passport_no") },
      { L(GEN_F_ID, GEN_F_FULL, GEN_F_FATHER, GEN_F_DOB, GEN_F_SEX, GEN_F_NAT, GEN_F_NATID, GEN_F_PASSPORT) } },
    { "khm", "KH-%010u", GEN_LAYOUT_GIVEN_FAMILY, 0.6, 8,
      { L("entry_id", "family_name", "given_name", "dob", "sex", "nationality", "id_number",
          "passport_number") },
      { L(GEN_F_ID, GEN_F_FAMILY, GEN_F_GIVEN, GEN_F_DOB, GEN_F_SEX, GEN_F_NAT, GEN_F_NATID,
          GEN_F_PASSPORT) } },
    { "sgp", "SPF%010u", GEN_LAYOUT_FULL, 0.3, 9,
      { L("ref_no", "full_name", "aliases", "date_of_birth", "gender", "nationality", "doc_type",
          "doc_number", "doc_country") },
      { L(GEN_F_ID, GEN_F_FULL, GEN_F_ALIAS, GEN_F_DOB, GEN_F_SEX, GEN_F_NAT, GEN_F_DOC_TYPE,
          GEN_F_DOC_NUMBER, GEN_F_DOC_COUNTRY) } },
};
#undef L
/* clang-format on */

const gen_list_spec *gen_list_spec_of(gen_country_id list)
{
    return (unsigned)list < GEN_N_LISTS ? &g_specs[list] : NULL;
}

void gen_csv_field(FILE *f, const char *s) { wl_csv_write_field(f, s, strlen(s)); }

void gen_list_write_header(FILE *f, gen_country_id list)
{
    const gen_list_spec *s = gen_list_spec_of(list);
    for (int i = 0; i < s->n_cols; i++) {
        if (i) fputc(',', f);
        fputs(s->header[i], f);
    }
    fputc('\n', f);
}

void gen_list_format_id(gen_country_id list, unsigned id, char *out, size_t cap)
{
    snprintf(out, cap, gen_list_spec_of(list)->id_format, id);
}

static const char *sex_text(gen_country_id list, char sex, gen_rng *r)
{
    int m = sex == 'M';
    switch (list) {
    case GEN_IDN:
        if (gen_rng_chance(r, 0.3)) return m ? "Laki-laki" : "Perempuan";
        return m ? "L" : "P";
    case GEN_MYS:
        return m ? "L" : "P"; /* Lelaki / Perempuan */
    case GEN_VNM:
        return m ? "Nam" : "Nữ";
    case GEN_MMR:
        return m ? "Male" : "Female";
    case GEN_THA:
        return gen_rng_chance(r, 0.5) ? (m ? "Male" : "Female") : (m ? "M" : "F");
    default:
        return m ? "M" : "F";
    }
}

static const char *nat_text(gen_country_id list, gen_country_id nat, gen_rng *r)
{
    const gen_country *c = &gen_countries[nat];
    switch (list) {
    case GEN_IDN:
        if (nat == GEN_IDN && gen_rng_chance(r, 0.3)) return "WNI"; /* Warga Negara Indonesia */
        return c->indonesian;
    case GEN_VNM:
        return c->vietnamese;
    case GEN_PHL:
        return (nat == GEN_PHL && gen_rng_chance(r, 0.5)) ? "Filipino" : c->english;
    case GEN_MMR:
        return gen_rng_chance(r, 0.5) ? c->english : c->iso3;
    case GEN_KHM:
        return c->iso2;
    case GEN_SGP:
    case GEN_THA:
        return c->iso3;
    default:
        return c->english; /* MYS, upper-cased with the record */
    }
}

/* A document number as this record shows it: typed with OCR and keying errors,
 * and sometimes with a space or dash inside. */
static void doc_as_written(const char *doc, gen_rng *r, char *out, size_t cap)
{
    snprintf(out, cap, "%s", doc);
    if (!out[0]) return;
    if (gen_rng_chance(r, GEN_RATE_DOC_OCR)) gen_ocr(out, r);
    if (gen_rng_chance(r, GEN_RATE_DOC_TYPO)) gen_doc_typo(out, r);
    size_t n = strlen(out);
    if (n > 4 && n + 2 < cap && gen_rng_chance(r, 0.03)) { /* "A 1234567" */
        memmove(out + 2, out + 1, n);
        out[1] = ' ';
    }
}

static void passport_of(const gen_person *p, gen_rng *r, char *out, size_t cap)
{
    out[0] = '\0';
    if (p->n_passport && gen_rng_chance(r, GEN_RATE_PASSPORT_SHOWN))
        doc_as_written(p->passport[gen_rng_below(r, (uint32_t)p->n_passport)], r, out, cap);
}

static void natid_of(const gen_person *p, gen_country_id list, gen_rng *r, char *out, size_t cap)
{
    out[0] = '\0';
    if (p->nat != list || !p->natid[0] || !gen_rng_chance(r, GEN_RATE_NATID_SHOWN)) return;
    char id[GEN_DOC_LEN];
    snprintf(id, sizeof id, "%s", p->natid);
    if (list == GEN_MYS && gen_rng_chance(r, 0.4)) { /* MyKad written without dashes */
        char *w = id;
        for (const char *c = p->natid; *c; c++)
            if (*c != '-') *w++ = *c;
        *w = '\0';
    }
    doc_as_written(id, r, out, cap);
}

static void name_errors(char *s, size_t cap, gen_rng *r)
{
    if (!s[0]) return;
    if (gen_rng_chance(r, GEN_RATE_NAME_TYPO)) gen_typo(s, cap, r);
    if (gen_rng_chance(r, GEN_RATE_NAME_TYPO2)) gen_typo(s, cap, r);
}

/* Place of birth: the local spelling in the person's own country (Hà Nội),
 * the Latin one abroad (Hanoi), now and then an older or other name (Saigon). */
static void pob_of(const gen_person *p, gen_country_id list, gen_rng *r, char *out, size_t cap)
{
    out[0] = '\0';
    if (!p->birthplace.pool || gen_rng_chance(r, GEN_RATE_POB_MISSING)) return;
    const gen_part *bp = &p->birthplace;
    if (gen_rng_chance(r, 0.15) &&
        gen_pick_variant(gen_pool_cell(bp->pool, bp->row, bp->pool->c_variants), r, out, cap))
        return;
    int local = p->nat == list && (list != GEN_VNM || gen_rng_chance(r, 0.9));
    snprintf(out, cap, "%s", gen_part_text(bp, local ? GEN_COL_PLACE_LOCAL : GEN_COL_PLACE_LATIN));
}

typedef struct {
    gen_name name;
    char pob[96];
    char dob[48], passport[GEN_DOC_LEN + 4], natid[GEN_DOC_LEN + 4], father[GEN_NAME_LEN];
    const char *sex, *nat;
} record;

static void fill_record(gen_country_id list, const gen_person *p, int native, gen_rng *r, record *rec)
{
    const gen_list_spec *s = gen_list_spec_of(list);
    int want_alias = 0;
    for (int i = 0; i < s->n_cols; i++)
        want_alias |= s->field[i] == GEN_F_ALIAS;
    gen_name_render(p, list, native, s->layout, want_alias, r, &rec->name);
    name_errors(rec->name.full, sizeof rec->name.full, r);
    name_errors(gen_rng_chance(r, 0.5) ? rec->name.given : rec->name.family, sizeof rec->name.given, r);
    if (gen_rng_chance(r, s->upper)) {
        gen_upper_ascii(rec->name.full);
        gen_upper_ascii(rec->name.given);
        gen_upper_ascii(rec->name.middle);
        gen_upper_ascii(rec->name.family);
        gen_upper_ascii(rec->name.alias);
    }
    gen_dob_render(p, list, native && p->culture == CUL_THAI, r, rec->dob, sizeof rec->dob);
    rec->sex = gen_rng_chance(r, GEN_RATE_SEX_MISSING) ? "" : sex_text(list, p->sex, r);
    gen_country_id nat = p->nat;
    if (gen_rng_chance(r, GEN_RATE_NAT_OTHER)) nat = (gen_country_id)gen_rng_below(r, GEN_N_COUNTRIES);
    rec->nat = gen_rng_chance(r, GEN_RATE_NAT_MISSING) ? "" : nat_text(list, nat, r);
    pob_of(p, list, r, rec->pob, sizeof rec->pob);
    passport_of(p, r, rec->passport, sizeof rec->passport);
    natid_of(p, list, r, rec->natid, sizeof rec->natid);
    rec->father[0] = '\0';
    if (p->has_father && gen_rng_chance(r, 0.6)) {
        int russian = p->culture == CUL_RUSSIAN || p->culture == CUL_CENTRAL_ASIAN;
        const char *t = gen_part_text(&p->father, russian ? GEN_COL_CYR_LATIN : GEN_COL_LATIN);
        /* Burmese records name the father with his honorific (U Kyaw). */
        gen_concat(rec->father, sizeof rec->father, p->culture == CUL_BURMESE ? "U" : "",
                   p->culture == CUL_BURMESE ? " " : "", t);
    }
}

static void write_field(FILE *f, gen_country_id list, gen_field field, const gen_person *p, unsigned id,
                        const record *rec)
{
    char buf[64];
    const char *doc = rec->natid[0] ? rec->natid : rec->passport;
    switch (field) {
    case GEN_F_ID:
        gen_list_format_id(list, id, buf, sizeof buf);
        gen_csv_field(f, buf);
        break;
    case GEN_F_FULL:
        gen_csv_field(f, rec->name.full);
        break;
    case GEN_F_GIVEN:
        gen_csv_field(f, rec->name.given);
        break;
    case GEN_F_MIDDLE:
        gen_csv_field(f, rec->name.middle);
        break;
    case GEN_F_FAMILY:
        gen_csv_field(f, rec->name.family);
        break;
    case GEN_F_ALIAS:
        gen_csv_field(f, rec->name.alias);
        break;
    case GEN_F_FATHER:
        gen_csv_field(f, rec->father);
        break;
    case GEN_F_DOB:
        gen_csv_field(f, rec->dob);
        break;
    case GEN_F_SEX:
        gen_csv_field(f, rec->sex);
        break;
    case GEN_F_NAT: {
        char nat[64];
        snprintf(nat, sizeof nat, "%s", rec->nat);
        if (list == GEN_MYS) gen_upper_ascii(nat);
        gen_csv_field(f, nat);
        break;
    }
    case GEN_F_NATID:
        gen_csv_field(f, rec->natid);
        break;
    case GEN_F_PASSPORT:
        gen_csv_field(f, rec->passport);
        break;
    case GEN_F_NATID_OR_PASSPORT:
    case GEN_F_DOC_NUMBER:
        gen_csv_field(f, doc);
        break;
    case GEN_F_DOC_TYPE:
        gen_csv_field(f, !doc[0] ? "" : rec->natid[0] ? "NRIC" : "PASSPORT");
        break;
    case GEN_F_POB:
        gen_csv_field(f, rec->pob);
        break;
    case GEN_F_DOC_COUNTRY:
        gen_csv_field(f, doc[0] ? gen_countries[p->nat].iso3 : "");
        break;
    }
}

void gen_list_write_record(FILE *f, gen_country_id list, const gen_person *p, unsigned id, int native,
                           gen_rng *r)
{
    const gen_list_spec *s = gen_list_spec_of(list);
    record rec;
    fill_record(list, p, native, r, &rec);
    for (int i = 0; i < s->n_cols; i++) {
        if (i) fputc(',', f);
        write_field(f, list, s->field[i], p, id, &rec);
    }
    fputc('\n', f);
}
