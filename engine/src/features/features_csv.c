/* features_csv.c -- `watchlink normalize`: one CSV row per record showing what
 * the matcher sees, so a user can check why two records did or did not meet.
 * Multi-valued columns separate values with '|' (names, readings, documents)
 * and parts with ' '; flags follow in parentheses or brackets. */
#include <stdio.h>

#include "normalise/country.h"
#include "features/featureset.h"
#include "normalise/name.h"

/* A growing line buffer; every column is built here, then quoted as needed. */
typedef struct {
    char buf[8192];
    size_t len;
} field;

static void fld_put(field *b, const char *s, size_t n)
{
    size_t room = sizeof b->buf - 1 - b->len;
    if (n > room) n = room;
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = '\0';
}

static void fld_str(field *b, const char *s) { fld_put(b, s, strlen(s)); }

static void fld_fmt(field *b, const char *fmt, int x, int y, int z)
{
    char t[64];
    int n = snprintf(t, sizeof t, fmt, x, y, z);
    if (n > 0) fld_put(b, t, (size_t)WL_MIN((size_t)n, sizeof t - 1));
}

static void emit(FILE *out, field *b, int last)
{
    wl_csv_write_field(out, b->buf, b->len);
    fputc(last ? '\n' : ',', out);
    b->len = 0;
    b->buf[0] = '\0';
}

/* ---- names ---- */

enum { COL_TEXT, COL_CANON, COL_DM, COL_SKEL };

static void part_flags(field *b, uint8_t fl)
{
    static const struct { uint8_t bit; char c; } tab[] = {
        { WL_PART_PARTICLE, 'p' }, { WL_PART_INITIAL, 'i' }, { WL_PART_FAMILY, 'f' },
        { WL_PART_GIVEN, 'g' }, { WL_PART_SPLIT, 's' } };
    char t[8];
    size_t n = 0;
    for (size_t k = 0; k < WL_ARRAY_SIZE(tab); k++)
        if (fl & tab[k].bit) t[n++] = tab[k].c;
    if (!n) return;
    fld_str(b, "(");
    fld_put(b, t, n);
    fld_str(b, ")");
}

static void dm_code(field *b, uint32_t v)
{
    char t[5];
    size_t n = 0;
    for (; n < 4 && (v >> (8 * n)) & 0xff; n++) t[n] = (char)((v >> (8 * n)) & 0xff);
    fld_put(b, t, n);
}

static void part_col(field *b, const wl_features *f, const wl_fpart *p, int col)
{
    char skel[256];
    switch (col) {
    case COL_TEXT:
        fld_put(b, wl_f_str(f, p->str), p->len);
        part_flags(b, p->flags);
        break;
    case COL_CANON: fld_put(b, wl_f_str(f, p->canon), p->canon_len); break;
    case COL_DM:
        dm_code(b, p->dm1);
        if (p->dm2 && p->dm2 != p->dm1) {
            fld_str(b, "/");
            dm_code(b, p->dm2);
        }
        break;
    default:
        fld_put(b, skel, wl_skeleton(wl_f_str(f, p->canon), p->canon_len, skel, sizeof skel));
        break;
    }
}

static void names_col(field *b, const wl_features *f, size_t i, int col)
{
    size_t np;
    const wl_fpart *p = wl_f_parts(f, i, &np);
    for (size_t k = 0; k < np; k++) {
        if (k) fld_str(b, p[k].name_no != p[k - 1].name_no ? "|" : " ");
        part_col(b, f, &p[k], col);
    }
}

/* ---- dates, documents, codes ---- */

static void date_value(field *b, const wl_date *d)
{
    if (d->flags & WL_DATE_RANGE) fld_fmt(b, "%04d..%04d", d->year, d->year_hi, 0);
    else if (d->prec == WL_PREC_DAY) fld_fmt(b, "%04d-%02d-%02d", d->year, d->month, d->day);
    else if (d->prec == WL_PREC_MONTH) fld_fmt(b, "%04d-%02d", d->year, d->month, 0);
    else if (d->prec == WL_PREC_YEAR) fld_fmt(b, "%04d", d->year, 0, 0);
}

static void date_flags(field *b, const wl_date *d)
{
    static const char *const prec[] = { "none", "year", "month", "day" };
    static const struct { uint8_t bit; const char *name; } tab[] = {
        { WL_DATE_APPROX, "approx" }, { WL_DATE_RANGE, "range" }, { WL_DATE_AMBIGUOUS, "ambiguous" },
        { WL_DATE_BUDDHIST, "buddhist" }, { WL_DATE_PLACEHOLDER, "placeholder" } };
    fld_str(b, "[");
    fld_str(b, prec[d->prec < 4 ? d->prec : 0]);
    for (size_t k = 0; k < WL_ARRAY_SIZE(tab); k++)
        if (d->flags & tab[k].bit) {
            fld_str(b, ",");
            fld_str(b, tab[k].name);
        }
    fld_str(b, "]");
}

static void dates_col(field *b, const wl_features *f, size_t i)
{
    size_t nd;
    const wl_date *d = wl_f_dates(f, i, &nd);
    for (size_t k = 0; k < nd; k++) {
        if (k) fld_str(b, "|");
        date_value(b, &d[k]);
        date_flags(b, &d[k]);
    }
}

static void docs_col(field *b, const wl_features *f, size_t i)
{
    size_t nd;
    const wl_fdoc *d = wl_f_docs(f, i, &nd);
    for (size_t k = 0; k < nd; k++) {
        if (k) fld_str(b, "|");
        fld_put(b, wl_f_str(f, d[k].str), d[k].len);
        fld_str(b, d[k].check < 0 ? "[check=none" : d[k].check ? "[check=ok" : "[check=bad");
        if (d[k].core != d[k].str) {
            fld_str(b, ",core=");
            fld_put(b, wl_f_str(f, d[k].core), d[k].core_len);
        }
        if (d[k].country) {
            char c[4];
            wl_alpha3_unpack(d[k].country, c);
            fld_str(b, ",country=");
            fld_str(b, c);
        }
        fld_str(b, "]");
    }
}

static void nats_col(field *b, const wl_features *f, size_t i)
{
    size_t nn;
    const uint32_t *c = wl_f_nats(f, i, &nn);
    for (size_t k = 0; k < nn; k++) {
        char t[4];
        wl_alpha3_unpack(c[k], t);
        if (k) fld_str(b, "|");
        fld_str(b, t);
    }
}

static void text_col(field *b, const wl_features *f, uint32_t off)
{
    if (off != UINT32_MAX) fld_str(b, wl_f_str(f, off));
}

static const char g_header[] =
    "source,id,names,canonical,phonetic,skeleton,dob,doc,nationality,gender,place_of_birth,text\n";

static void write_row(FILE *out, const wl_features *f, size_t i, field *b)
{
    fld_str(b, wl_dataset_source(f->ds, i));
    emit(out, b, 0);
    fld_str(b, wl_dataset_id(f->ds, i));
    emit(out, b, 0);
    for (int col = COL_TEXT; col <= COL_SKEL; col++) {
        names_col(b, f, i, col);
        emit(out, b, 0);
    }
    dates_col(b, f, i);
    emit(out, b, 0);
    docs_col(b, f, i);
    emit(out, b, 0);
    nats_col(b, f, i);
    emit(out, b, 0);
    if (f->gender[i]) fld_put(b, (const char *)&f->gender[i], 1);
    emit(out, b, 0);
    text_col(b, f, f->pob[i]);
    emit(out, b, 0);
    text_col(b, f, f->free_text[i]);
    emit(out, b, 1);
}

wl_status wl_features_write_csv(const wl_features *f, FILE *out)
{
    if (!f || !out) return WL_USAGE;
    field b;
    b.len = 0;
    b.buf[0] = '\0';
    fputs(g_header, out);
    for (size_t i = 0; i < f->n; i++) write_row(out, f, i, &b);
    return ferror(out) ? WL_IO : WL_OK;
}
