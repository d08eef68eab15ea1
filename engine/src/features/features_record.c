/* features_record.c -- one record's cells through the normalisers: names
 * (main, aliases, MRZ), dates of birth (every reading), documents, codes,
 * place of birth and free text. */
#include <stdlib.h>

#include "normalise/country.h"
#include "normalise/date.h"
#include "normalise/doc.h"
#include "features/features_build.h"

/* ---- text ---- */

/* @return the chunk-local offset of a NUL-terminated copy, or UINT32_MAX. */
static uint32_t put_text(wl_fchunk *c, const char *s, size_t n)
{
    if (c->text.len + n + 1 >= UINT32_MAX || wl_vec_reserve(&c->text, c->text.len + n + 1) != 0)
        return UINT32_MAX;
    uint32_t off = (uint32_t)c->text.len;
    char *d = (char *)c->text.data + off;
    if (n) memcpy(d, s, n);
    d[n] = '\0';
    c->text.len += n + 1;
    return off;
}

/* ---- names ---- */

typedef struct {
    wl_frec *r;
    size_t i;
    uint8_t next_no;     /* name_no of the next non-empty name */
    size_t first_part;   /* chunk index of the record's first part */
} name_state;

static int put_part(name_state *s, const wl_namepart *p, uint8_t name_no)
{
    wl_fchunk *c = s->r->out;
    wl_fpart q;
    memset(&q, 0, sizeof q);
    /* Longer parts are noise; the uint8 lengths keep wl_fpart at 48 bytes. */
    size_t len = WL_MIN(p->len, (uint16_t)255), clen = WL_MIN(p->canon_len, (uint16_t)255);
    q.str = put_text(c, p->text, len);
    q.canon = (p->canon == p->text && clen == len) ? q.str : put_text(c, p->canon, clen);
    if (q.str == UINT32_MAX || q.canon == UINT32_MAX) return -1;
    q.len = (uint8_t)len;
    q.canon_len = (uint8_t)clen;
    q.flags = p->flags;
    q.name_no = name_no;
    q.dm1 = p->dm1;
    q.dm2 = p->dm2;
    q.h_canon = p->h_canon;
    q.h_skel = p->h_skel;
    q.h_sound = p->h_sound;
    q.h_spell = p->h_spell;
    q.script = p->script;
    return wl_vec_push(&c->parts, &q);
}

/* Parses one value and stores its parts at once as parts of the name being
 * built (name_no s->next_no): part strings live in ctx only until its next
 * call, so a name made of several cells is stored cell by cell. *have counts
 * the name's parts so far (at most WL_NAME_MAX_PARTS).
 * @return 0, or -1 when out of memory. */
static int parse_part_of_name(name_state *s, const char *v, size_t n, int kind, int *have)
{
    wl_namepart buf[WL_NAME_MAX_PARTS];
    if (*have >= WL_NAME_MAX_PARTS || s->next_no >= WL_FEAT_MAX_NAMES) return 0;
    int got = wl_name_parse(s->r->ctx, v, n, kind, buf, WL_NAME_MAX_PARTS - *have);
    for (int k = 0; k < got; k++)
        if (put_part(s, &buf[k], s->next_no) != 0) return -1;
    *have += got;
    return 0;
}

/* Closes the name being built: the next one gets the next number if this one
 * has parts (an empty name takes no number). */
static void end_name(name_state *s, int have)
{
    if (have > 0) s->next_no++;
}

/* A value, and its other reading as an alias when it has one (a Han name that
 * may be Chinese or a transcribed foreign name: wl_name_parse_alternative). */
static int one_value_name(name_state *s, const char *v, size_t n, int kind)
{
    int have = 0;
    if (parse_part_of_name(s, v, n, kind, &have) != 0) return -1;
    end_name(s, have);
    if (have == 0 || s->next_no >= WL_FEAT_MAX_NAMES) return 0;
    wl_namepart buf[WL_NAME_MAX_PARTS];
    int got = wl_name_parse_alternative(s->r->ctx, v, n, kind, buf, WL_NAME_MAX_PARTS);
    for (int k = 0; k < got; k++) {
        buf[k].flags |= WL_PART_READING;
        if (put_part(s, &buf[k], s->next_no) != 0) return -1;
    }
    end_name(s, got);
    /* Each quoted segment is an alias: an organisation's name inside its legal
     * form in another language, a nickname (name_quoted.c). */
    wl_span q[4];
    size_t nq = kind == WL_NAME_FULL ? wl_name_quoted(v, n, q, 4) : 0;
    for (size_t k = 0; k < nq; k++) {
        have = 0;
        if (parse_part_of_name(s, v + q[k].off, q[k].len, kind, &have) != 0) return -1;
        end_name(s, have);
    }
    return 0;
}

/* The main name: full_name when present, else given + middle + family parts in
 * column order, all parts of one name. */
static int main_name(name_state *s, const wl_cell *cells, size_t nc)
{
    const wl_dataset *ds = s->r->f->ds;
    int has_full = 0, have = 0;
    for (size_t k = 0; k < nc; k++)
        if (cells[k].role == WL_ROLE_FULL_NAME) {
            /* A second full_name cell is another name of the person: an alias. */
            if (one_value_name(s, wl_ds_str(ds, cells[k].str), cells[k].len, WL_NAME_FULL) != 0) return -1;
            has_full = 1;
        }
    if (has_full) return 0;
    for (size_t k = 0; k < nc; k++) {
        int kind = cells[k].role == WL_ROLE_GIVEN_NAME    ? WL_NAME_GIVEN
                   : cells[k].role == WL_ROLE_MIDDLE_NAME ? WL_NAME_MIDDLE
                   : cells[k].role == WL_ROLE_FAMILY_NAME ? WL_NAME_FAMILY
                                                          : -1;
        if (kind >= 0 && parse_part_of_name(s, wl_ds_str(ds, cells[k].str), cells[k].len, kind, &have) != 0)
            return -1;
    }
    end_name(s, have);
    return 0;
}

static int alias_names(name_state *s, const wl_cell *cells, size_t nc)
{
    const wl_dataset *ds = s->r->f->ds;
    for (size_t k = 0; k < nc; k++)
        if (cells[k].role == WL_ROLE_ALIAS &&
            one_value_name(s, wl_ds_str(ds, cells[k].str), cells[k].len, WL_NAME_FULL) != 0)
            return -1;
    return 0;
}

/* ---- dates, documents, codes ---- */

static int put_dates(wl_frec *r, size_t i, const char *v, size_t n)
{
    wl_date d[4];
    int k = wl_date_parse_ref(v, n, d, 4, r->reference_year);
    for (int j = 0; j < k && r->f->date_start[i + 1] < WL_FEAT_MAX_DATES; j++) {
        if (wl_vec_push(&r->out->dates, &d[j]) != 0) return -1;
        r->f->date_start[i + 1]++;
    }
    return 0;
}

static int put_doc(wl_frec *r, size_t i, const char *v, size_t n)
{
    wl_doc d;
    if (!wl_doc_normalize(v, n, &d) || d.ocr_len == 0) return 0;
    wl_fdoc q;
    memset(&q, 0, sizeof q);
    /* The lengths are bounded by the arrays; say so for the compiler too. */
    size_t core_len = WL_MIN((size_t)d.core_len, sizeof d.core - 1);
    size_t ocr_len = WL_MIN((size_t)d.ocr_len, sizeof d.ocr - 1);
    q.h_core = wl_hash(d.core, core_len);
    q.h_ocr = wl_hash(d.ocr, ocr_len);
    for (uint32_t k = 0; k < r->f->doc_start[i + 1]; k++)
        if (WL_VEC_AT(&r->out->docs, wl_fdoc, r->out->docs.len - 1 - k).h_ocr == q.h_ocr) return 0;
    if (r->f->doc_start[i + 1] >= WL_FEAT_MAX_DOCS) return 0;
    q.len = (uint8_t)ocr_len;
    q.check = d.check;
    q.country = d.country[0] ? wl_alpha3_pack(d.country) : 0;
    if ((q.str = put_text(r->out, d.ocr, ocr_len)) == UINT32_MAX) return -1;
    q.core_len = (uint8_t)core_len;
    q.core = (core_len == ocr_len && memcmp(d.core, d.ocr, ocr_len) == 0) ? q.str
                                                                         : put_text(r->out, d.core, core_len);
    if (q.core == UINT32_MAX) return -1;
    if (wl_vec_push(&r->out->docs, &q) != 0) return -1;
    r->f->doc_start[i + 1]++;
    return 0;
}

static int put_nat(wl_frec *r, size_t i, uint32_t code)
{
    if (!code) return 0;
    for (uint32_t k = 0; k < r->f->nat_start[i + 1]; k++)
        if (WL_VEC_AT(&r->out->nats, uint32_t, r->out->nats.len - 1 - k) == code) return 0;
    if (r->f->nat_start[i + 1] >= WL_FEAT_MAX_NATS) return 0;
    if (wl_vec_push(&r->out->nats, &code) != 0) return -1;
    r->f->nat_start[i + 1]++;
    return 0;
}

/* ---- machine-readable zone ---- */

static int put_mrz(name_state *s, const char *v, size_t n)
{
    wl_frec *r = s->r;
    wl_mrz m;
    char why[128];
    if (!wl_mrz_parse(v, n, &m, why, sizeof why)) return 0;
    int have = 0;
    if (parse_part_of_name(s, m.family, strlen(m.family), WL_NAME_FAMILY, &have) != 0 ||
        parse_part_of_name(s, m.given, strlen(m.given), WL_NAME_GIVEN, &have) != 0)
        return -1;
    end_name(s, have);
    wl_date d;
    if (wl_mrz_birth_date(&m, r->reference_year, &d) && r->f->date_start[s->i + 1] < WL_FEAT_MAX_DATES) {
        if (wl_vec_push(&r->out->dates, &d) != 0) return -1;
        r->f->date_start[s->i + 1]++;
    }
    if (put_doc(r, s->i, m.doc_number, strlen(m.doc_number)) != 0) return -1;
    if (put_nat(r, s->i, wl_country_code(m.nationality, strlen(m.nationality))) != 0) return -1;
    if (!r->f->gender[s->i] && (m.sex == 'M' || m.sex == 'F')) r->f->gender[s->i] = (uint8_t)m.sex;
    return 0;
}

/* ---- folded text ---- */

/* Folds every cell of a role, joined with a space, into *off (UINT32_MAX when
 * there is none). @return 0, or -1 when out of memory. */
static int put_folded(wl_frec *r, const wl_cell *cells, size_t nc, int role, uint32_t *off)
{
    char buf[WL_FEAT_FOLD_CAP];
    size_t len = 0;
    for (size_t k = 0; k < nc && len + 2 < sizeof buf; k++) {
        if (cells[k].role != role) continue;
        if (len) buf[len++] = ' ';
        len += wl_text_fold(r->ctx, wl_ds_str(r->f->ds, cells[k].str), cells[k].len, buf + len,
                            sizeof buf - len);
    }
    while (len && buf[len - 1] == ' ') len--;
    *off = UINT32_MAX;
    if (len == 0) return 0;
    *off = put_text(r->out, buf, len);
    return *off == UINT32_MAX ? -1 : 0;
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return (a > b) - (a < b);
}

static int is_token_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* Hashes the folded text's tokens; sorted and distinct (wl_cmp_tokens merges them). */
static int put_tokens(wl_frec *r, size_t i, const char *s, size_t n)
{
    uint64_t t[WL_FEAT_MAX_TOKENS];
    size_t nt = 0;
    for (size_t p = 0; p < n && nt < WL_FEAT_MAX_TOKENS;) {
        while (p < n && !is_token_byte((unsigned char)s[p])) p++;
        size_t q = p;
        while (q < n && is_token_byte((unsigned char)s[q])) q++;
        if (q > p) t[nt++] = wl_hash(s + p, q - p);
        p = q;
    }
    qsort(t, nt, sizeof t[0], cmp_u64);
    size_t w = 0;
    for (size_t k = 0; k < nt; k++)
        if (w == 0 || t[w - 1] != t[k]) t[w++] = t[k];
    r->f->tok_start[i + 1] = (uint32_t)w;
    if (w == 0) return 0;
    if (wl_vec_reserve(&r->out->toks, r->out->toks.len + w) != 0) return -1;
    memcpy((uint64_t *)r->out->toks.data + r->out->toks.len, t, w * sizeof t[0]);
    r->out->toks.len += w;
    return 0;
}

/* ---- what each input role gives the features ----
 *
 * A record is read in steps (g_steps below, in that order, because name
 * numbers follow it: the main name, its aliases, then MRZ names in cell
 * order). Each role's cells are read by one step, and the one-cell roles by a
 * reader of their own, dispatched by role in cell order (so a date of birth
 * column and an MRZ give their dates in the order of the columns). g_roles says,
 * one line a role, which reader takes it and which features (WL_FEAT_*,
 * featureset.h) it writes; tests/unit/test_features.c builds a record of each
 * role alone and checks that exactly those features come out, and
 * tests/unit/test_compare.c that every feature a field's descriptor reads is
 * written by some role. A new input column is one line here (and its reader). */

static int read_dob(name_state *s, const char *v, size_t n) { return put_dates(s->r, s->i, v, n); }
static int read_doc(name_state *s, const char *v, size_t n) { return put_doc(s->r, s->i, v, n); }
static int read_country(name_state *s, const char *v, size_t n)
{
    return put_nat(s->r, s->i, wl_country_code(v, n));
}
static int read_gender(name_state *s, const char *v, size_t n)
{
    uint8_t *g = &s->r->f->gender[s->i];
    if (!*g) *g = (uint8_t)wl_gender_code(v, n); /* the first understood value */
    return 0;
}

typedef int (*cell_reader)(name_state *s, const char *v, size_t n);

enum { STEP_NONE, STEP_MAIN_NAME, STEP_ALIASES, STEP_CELLS, STEP_PLACE, STEP_TEXT };

static const struct {
    uint8_t step;     /* the step that reads the role's cells (STEP_NONE: no step) */
    cell_reader cell; /* STEP_CELLS: the reader of one cell */
    unsigned writes;  /* WL_FEAT_* */
} g_roles[WL_ROLE_COUNT] = {
    /* the record's identity; its list is the dataset's (WL_FEAT_SOURCE, features.c) */
    [WL_ROLE_ID] = { STEP_NONE, NULL, 0 },
    [WL_ROLE_SOURCE] = { STEP_NONE, NULL, 0 },
    [WL_ROLE_FULL_NAME] = { STEP_MAIN_NAME, NULL, WL_FEAT_PARTS | WL_FEAT_N_NAMES | WL_FEAT_H_NAME },
    [WL_ROLE_GIVEN_NAME] = { STEP_MAIN_NAME, NULL, WL_FEAT_PARTS | WL_FEAT_N_NAMES | WL_FEAT_H_NAME },
    [WL_ROLE_MIDDLE_NAME] = { STEP_MAIN_NAME, NULL, WL_FEAT_PARTS | WL_FEAT_N_NAMES | WL_FEAT_H_NAME },
    [WL_ROLE_FAMILY_NAME] = { STEP_MAIN_NAME, NULL, WL_FEAT_PARTS | WL_FEAT_N_NAMES | WL_FEAT_H_NAME },
    /* the main name (and its hash) when the record has no other */
    [WL_ROLE_ALIAS] = { STEP_ALIASES, NULL, WL_FEAT_PARTS | WL_FEAT_N_NAMES | WL_FEAT_H_NAME },
    [WL_ROLE_DOB] = { STEP_CELLS, read_dob, WL_FEAT_DATES },
    [WL_ROLE_GENDER] = { STEP_CELLS, read_gender, WL_FEAT_GENDER },
    [WL_ROLE_NATIONALITY] = { STEP_CELLS, read_country, WL_FEAT_NATS },
    [WL_ROLE_DOC_NUMBER] = { STEP_CELLS, read_doc, WL_FEAT_DOCS },
    /* kept for the report and the store; no comparator reads it yet */
    [WL_ROLE_DOC_TYPE] = { STEP_NONE, NULL, 0 },
    [WL_ROLE_DOC_COUNTRY] = { STEP_CELLS, read_country, WL_FEAT_NATS },
    [WL_ROLE_PLACE_OF_BIRTH] = { STEP_PLACE, NULL, WL_FEAT_POB },
    [WL_ROLE_MRZ] = { STEP_CELLS, put_mrz,
                      WL_FEAT_PARTS | WL_FEAT_N_NAMES | WL_FEAT_H_NAME | WL_FEAT_DATES | WL_FEAT_DOCS |
                          WL_FEAT_NATS | WL_FEAT_GENDER },
    [WL_ROLE_TEXT] = { STEP_TEXT, NULL, WL_FEAT_FREE_TEXT | WL_FEAT_TOKS },
};

unsigned wl_features_role_writes(int role)
{
    return (unsigned)role < WL_ROLE_COUNT ? g_roles[role].writes : 0;
}

/* The one-cell roles, each cell by its role's reader, in cell order. */
static int read_cells(name_state *s, const wl_cell *cells, size_t nc)
{
    const wl_dataset *ds = s->r->f->ds;
    for (size_t k = 0; k < nc; k++) {
        unsigned role = cells[k].role;
        if (role >= WL_ROLE_COUNT || g_roles[role].step != STEP_CELLS) continue;
        if (g_roles[role].cell(s, wl_ds_str(ds, cells[k].str), cells[k].len) != 0) return -1;
    }
    return 0;
}

static int read_place(name_state *s, const wl_cell *cells, size_t nc)
{
    return put_folded(s->r, cells, nc, WL_ROLE_PLACE_OF_BIRTH, &s->r->f->pob[s->i]);
}

/* The free text, folded, and its tokens. */
static int read_text(name_state *s, const wl_cell *cells, size_t nc)
{
    wl_frec *r = s->r;
    uint32_t *off = &r->f->free_text[s->i];
    if (put_folded(r, cells, nc, WL_ROLE_TEXT, off) != 0) return -1;
    if (*off == UINT32_MAX) return put_tokens(r, s->i, "", 0);
    const char *txt = (const char *)r->out->text.data + *off;
    return put_tokens(r, s->i, txt, strlen(txt));
}

typedef int (*record_step)(name_state *s, const wl_cell *cells, size_t nc);

/* By STEP_*, run in this order. */
static const record_step g_steps[] = {
    [STEP_MAIN_NAME] = main_name, [STEP_ALIASES] = alias_names, [STEP_CELLS] = read_cells,
    [STEP_PLACE] = read_place,    [STEP_TEXT] = read_text,
};

/* The name columns done: the record's part count, its names, the main name's hash. */
static void close_names(name_state *s)
{
    wl_features *f = s->r->f;
    size_t i = s->i, np = s->r->out->parts.len - s->first_part, cnt = 0;
    f->part_start[i + 1] = (uint32_t)np;
    f->n_names[i] = s->next_no;
    const wl_fpart *p = np ? (const wl_fpart *)s->r->out->parts.data + s->first_part : NULL;
    while (cnt < np && p[cnt].name_no == 0) cnt++;
    f->h_name[i] = wl_name_hash(p, cnt);
}

int wl_features_record(wl_frec *r, size_t i)
{
    size_t nc;
    const wl_cell *cells = wl_ds_cells(r->f->ds, i, &nc);
    name_state s = { r, i, 0, r->out->parts.len };
    for (size_t k = STEP_MAIN_NAME; k < WL_ARRAY_SIZE(g_steps); k++) {
        if (g_steps[k](&s, cells, nc) != 0) return -1;
        if (k == STEP_CELLS) close_names(&s); /* the MRZ's names were the last */
    }
    return 0;
}
