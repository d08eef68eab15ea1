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
    for (int k = 0; k < got; k++)
        if (put_part(s, &buf[k], s->next_no) != 0) return -1;
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

/* ---- the record ---- */

static int record_cells(name_state *s, const wl_cell *cells, size_t nc)
{
    wl_frec *r = s->r;
    size_t i = s->i;
    const wl_dataset *ds = r->f->ds;
    for (size_t k = 0; k < nc; k++) {
        const char *v = wl_ds_str(ds, cells[k].str);
        size_t n = cells[k].len;
        int rc = 0;
        switch (cells[k].role) {
        case WL_ROLE_DOB: rc = put_dates(r, i, v, n); break;
        case WL_ROLE_DOC_NUMBER: rc = put_doc(r, i, v, n); break;
        case WL_ROLE_NATIONALITY:
        case WL_ROLE_DOC_COUNTRY: rc = put_nat(r, i, wl_country_code(v, n)); break;
        case WL_ROLE_GENDER:
            if (!r->f->gender[i]) r->f->gender[i] = (uint8_t)wl_gender_code(v, n);
            break;
        case WL_ROLE_MRZ: rc = put_mrz(s, v, n); break;
        default: break;
        }
        if (rc != 0) return -1;
    }
    return 0;
}

int wl_features_record(wl_frec *r, size_t i)
{
    wl_features *f = r->f;
    size_t nc;
    const wl_cell *cells = wl_ds_cells(f->ds, i, &nc);
    name_state s = { r, i, 0, r->out->parts.len };
    if (main_name(&s, cells, nc) != 0 || alias_names(&s, cells, nc) != 0) return -1;
    if (record_cells(&s, cells, nc) != 0) return -1;
    size_t np = r->out->parts.len - s.first_part, cnt = 0;
    f->part_start[i + 1] = (uint32_t)np;
    f->n_names[i] = s.next_no;
    const wl_fpart *p = np ? (const wl_fpart *)r->out->parts.data + s.first_part : NULL;
    while (cnt < np && p[cnt].name_no == 0) cnt++;
    f->h_name[i] = wl_name_hash(p, cnt);
    size_t len;
    if (put_folded(r, cells, nc, WL_ROLE_PLACE_OF_BIRTH, &f->pob[i]) != 0 ||
        put_folded(r, cells, nc, WL_ROLE_TEXT, &f->free_text[i]) != 0)
        return -1;
    if (f->free_text[i] == UINT32_MAX) return put_tokens(r, i, "", 0);
    const char *txt = (const char *)r->out->text.data + f->free_text[i];
    len = strlen(txt);
    return put_tokens(r, i, txt, len);
}
