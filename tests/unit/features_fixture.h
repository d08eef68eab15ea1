/*
 * features_fixture.h -- builds a wl_features by hand for the blocking and
 * comparison tests, so they test those stages alone (no name parser, date
 * parser or reader involved). Part keys are computed simply: canonical hash of
 * the spelling, a consonant skeleton, and a "phonetic" key = the skeleton's
 * first three letters.
 *
 * Record spec strings:
 *   names  "muhammad bin ali|mohd=muhammad ali"  names split on '|', parts on
 *          ' ', "text=canon" gives a canonical spelling; bin/binti/al/van/de are
 *          particles, one letter is an initial, a part ending in -ovich,
 *          -evich, -ovna or -evna a patronymic.
 *   dates  "1978-03-04;1978-04-03?;~1980;1975..1978;1978-03;!1978"  ('?'
 *          ambiguous, '~' approx, '..' range, '!' placeholder 01/01)
 *   docs   "A1234567;MYS:B765"  (COUNTRY: prefix recognised and removed)
 *   nats   "MYS;IDN"
 */
#ifndef WL_FEATURES_FIXTURE_H
#define WL_FEATURES_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "normalise/country.h"
#include "features/featureset.h"
#include "normalise/name.h"

typedef struct {
    uint32_t source;
    const char *names, *dates, *docs, *nats;
    char gender;
    const char *pob, *text;
} fx_rec;

static uint32_t fx_text(wl_features *f, const char *s, size_t n)
{
    if (f->text_len + n + 1 > f->text_cap) {
        f->text_cap = (f->text_len + n + 1) * 2 + 64;
        f->text = realloc(f->text, f->text_cap);
    }
    uint32_t off = (uint32_t)f->text_len;
    memcpy(f->text + off, s, n);
    f->text[off + n] = '\0';
    f->text_len += n + 1;
    return off;
}

static int fx_is_particle(const char *s, size_t n)
{
    static const char *const p[] = { "bin", "binti", "al", "van", "de", "a/l" };
    for (size_t k = 0; k < sizeof p / sizeof p[0]; k++)
        if (strlen(p[k]) == n && !memcmp(p[k], s, n)) return 1;
    return 0;
}

static int fx_is_patronymic(const char *s, size_t n)
{
    static const char *const end[] = { "ovich", "evich", "ovna", "evna" };
    for (size_t k = 0; k < sizeof end / sizeof end[0]; k++) {
        size_t e = strlen(end[k]);
        if (n > e + 2 && !memcmp(s + n - e, end[k], e)) return 1;
    }
    return 0;
}

static size_t fx_skel(const char *s, size_t n, char *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (strchr("aeiou", c) || (i > 0 && strchr("yhw", c))) continue;
        if (k && out[k - 1] == c) continue;
        out[k++] = c;
    }
    out[k] = '\0';
    return k;
}

static void fx_part(wl_features *f, wl_fpart *p, const char *s, size_t n, uint8_t name_no)
{
    const char *eq = memchr(s, '=', n);
    size_t tn = eq ? (size_t)(eq - s) : n;
    const char *canon = eq ? eq + 1 : s;
    size_t cn = eq ? n - tn - 1 : n;
    char skel[64];
    size_t sk = fx_skel(canon, cn < 60 ? cn : 60, skel);
    memset(p, 0, sizeof *p);
    p->str = fx_text(f, s, tn);
    p->canon = fx_text(f, canon, cn);
    p->len = (uint8_t)tn;
    p->canon_len = (uint8_t)cn;
    p->name_no = name_no;
    p->flags = (uint8_t)((fx_is_particle(canon, cn) ? WL_PART_PARTICLE : 0) | (cn == 1 ? WL_PART_INITIAL : 0));
    if (fx_is_patronymic(canon, cn)) p->flags |= WL_PART_PARTICLE | WL_PART_PATRONYMIC;
    p->h_canon = wl_hash(canon, cn);
    p->h_skel = sk ? wl_hash(skel, sk) : 0;
    p->dm1 = sk ? (uint32_t)(wl_hash(skel, sk < 3 ? sk : 3) | 1) : 0;
    p->dm2 = p->dm1;
}

/* An East Slavic patronymic, which the name parser flags PARTICLE | PATRONYMIC. */
/* Calls fn(item, len, user) for each item of s split on sep. */
static void fx_split(const char *s, char sep, void (*fn)(const char *, size_t, void *), void *user)
{
    while (s && *s) {
        const char *e = strchr(s, sep);
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n) fn(s, n, user);
        s = e ? e + 1 : NULL;
    }
}

typedef struct {
    wl_features *f;
    wl_vec *v;
    uint8_t name_no;
} fx_acc;

static void fx_on_part(const char *s, size_t n, void *u)
{
    fx_acc *a = u;
    wl_fpart p;
    fx_part(a->f, &p, s, n, a->name_no);
    wl_vec_push(a->v, &p);
}

static void fx_on_name(const char *s, size_t n, void *u)
{
    fx_acc *a = u;
    char buf[256];
    snprintf(buf, sizeof buf, "%.*s", (int)n, s);
    fx_split(buf, ' ', fx_on_part, a);
    a->name_no++;
}

static void fx_on_date(const char *s, size_t n, void *u)
{
    fx_acc *a = u;
    char buf[64];
    snprintf(buf, sizeof buf, "%.*s", (int)n, s);
    wl_date d = { 0, 0, 0, 0, WL_PREC_YEAR, 0 };
    char *p = buf;
    if (*p == '~') { d.flags |= WL_DATE_APPROX; p++; }
    if (*p == '!') { d.flags |= WL_DATE_PLACEHOLDER; p++; }
    if (strchr(p, '?')) d.flags |= WL_DATE_AMBIGUOUS;
    int y = 0, m = 0, dd = 0, yh = 0;
    if (sscanf(p, "%d..%d", &y, &yh) == 2 && strstr(p, "..")) {
        d.flags |= WL_DATE_RANGE;
    } else {
        int k = sscanf(p, "%d-%d-%d", &y, &m, &dd);
        d.prec = (uint8_t)(k == 3 ? WL_PREC_DAY : k == 2 ? WL_PREC_MONTH : WL_PREC_YEAR);
        yh = y;
    }
    if (d.flags & WL_DATE_PLACEHOLDER) { m = 1; dd = 1; d.prec = WL_PREC_DAY; }
    d.year = (int16_t)y;
    d.year_hi = (int16_t)yh;
    d.month = (uint8_t)m;
    d.day = (uint8_t)dd;
    wl_vec_push(a->v, &d);
}

static void fx_on_doc(const char *s, size_t n, void *u)
{
    fx_acc *a = u;
    wl_fdoc d;
    memset(&d, 0, sizeof d);
    const char *colon = memchr(s, ':', n);
    if (colon) {
        d.country = wl_alpha3_pack(s);
        n -= (size_t)(colon + 1 - s);
        s = colon + 1;
    }
    d.str = d.core = fx_text(a->f, s, n);
    d.len = d.core_len = (uint8_t)n;
    d.h_core = d.h_ocr = wl_hash(s, n);
    d.check = -1;
    wl_vec_push(a->v, &d);
}

static void fx_on_nat(const char *s, size_t n, void *u)
{
    fx_acc *a = u;
    uint32_t c = n == 3 ? wl_alpha3_pack(s) : 0;
    wl_vec_push(a->v, &c);
}

static void fx_on_tok(const char *s, size_t n, void *u)
{
    fx_acc *a = u;
    uint64_t h = wl_hash(s, n);
    wl_vec_push(a->v, &h);
}

static int fx_cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return (a > b) - (a < b);
}

/* Appends to v for record i with fn, then records the run end in start[i + 1]. */
static void fx_run(wl_features *f, wl_vec *v, uint32_t *start, size_t i, const char *s, char sep,
                   void (*fn)(const char *, size_t, void *))
{
    fx_acc a = { f, v, 0 };
    fx_split(s, sep, fn, &a);
    start[i + 1] = (uint32_t)v->len;
}

static void fx_free(wl_features *f)
{
    if (!f) return;
    free(f->text); free(f->part_start); free(f->parts); free(f->n_names);
    free(f->date_start); free(f->dates); free(f->doc_start); free(f->docs);
    free(f->nat_start); free(f->nats); free(f->gender); free(f->pob); free(f->free_text);
    free(f->source); free(f->h_name); free(f->tok_start); free(f->toks);
    free(f->crec);
    free(f);
}

#ifndef FX_NO_FREQ
static void fx_freq(wl_features *f)
{
    for (size_t i = 0; i < f->n; i++)
        for (uint32_t k = f->part_start[i]; k < f->part_start[i + 1]; k++) {
            uint32_t c = 0;
            for (size_t j = 0; j < f->n; j++)
                for (uint32_t q = f->part_start[j]; q < f->part_start[j + 1]; q++)
                    if (f->parts[q].h_canon == f->parts[k].h_canon) { c++; break; }
            f->parts[k].freq = c;
        }
}
#endif

static wl_features *fx_build(const fx_rec *r, size_t n)
{
    wl_features *f = calloc(1, sizeof *f);
    f->n = n;
    f->part_start = calloc(n + 1, 4); f->date_start = calloc(n + 1, 4);
    f->doc_start = calloc(n + 1, 4); f->nat_start = calloc(n + 1, 4);
    f->tok_start = calloc(n + 1, 4);
    f->n_names = calloc(n + 1, 1); f->gender = calloc(n + 1, 1);
    f->pob = calloc(n + 1, 4); f->free_text = calloc(n + 1, 4);
    f->source = calloc(n + 1, 4); f->h_name = calloc(n + 1, 8);
    wl_vec parts, dates, docs, nats, toks;
    wl_vec_init(&parts, sizeof(wl_fpart)); wl_vec_init(&dates, sizeof(wl_date));
    wl_vec_init(&docs, sizeof(wl_fdoc)); wl_vec_init(&nats, sizeof(uint32_t));
    wl_vec_init(&toks, sizeof(uint64_t));
    fx_text(f, "", 0);
    for (size_t i = 0; i < n; i++) {
        fx_acc a = { f, &parts, 0 };
        fx_split(r[i].names, '|', fx_on_name, &a);
        f->part_start[i + 1] = (uint32_t)parts.len;
        f->n_names[i] = a.name_no;
        fx_run(f, &dates, f->date_start, i, r[i].dates, ';', fx_on_date);
        fx_run(f, &docs, f->doc_start, i, r[i].docs, ';', fx_on_doc);
        fx_run(f, &nats, f->nat_start, i, r[i].nats, ';', fx_on_nat);
        fx_run(f, &toks, f->tok_start, i, r[i].text, ' ', fx_on_tok);
        if (toks.len > f->tok_start[i])
            qsort((uint64_t *)toks.data + f->tok_start[i], toks.len - f->tok_start[i], 8, fx_cmp_u64);
        f->gender[i] = (uint8_t)r[i].gender;
        f->source[i] = r[i].source;
        f->pob[i] = r[i].pob ? fx_text(f, r[i].pob, strlen(r[i].pob)) : UINT32_MAX;
        f->free_text[i] = r[i].text ? fx_text(f, r[i].text, strlen(r[i].text)) : UINT32_MAX;
    }
    f->parts = parts.data; f->dates = dates.data; f->docs = docs.data;
    f->nats = nats.data; f->toks = toks.data;
    for (size_t i = 0; i < n; i++) {
        size_t cnt;
        wl_f_name_span(f, i, 0, &cnt);
        f->h_name[i] = cnt ? wl_name_hash(f->parts + f->part_start[i], cnt) : 0;
    }
#ifndef FX_NO_FREQ /* quadratic: fine for tests, not for benchmarks */
    fx_freq(f);
#endif
    return f;
}

#endif
