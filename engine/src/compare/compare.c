/* compare.c -- comparison vectors (stage 5): one level per field for a pair of
 * records, the best over every pairing of their multiple values (names and
 * aliases, date readings, documents, nationalities). Fields missing on either
 * side are level 0, which the Fellegi-Sunter score treats as no evidence
 * (Fellegi & Sunter 1969; missing values as in Splink's "null level"). */
#include "compare/compare.h"
#include <omp.h>

#include "normalise/name.h"
#include "compare/namesim.h"

/* Level names, indexed [field][level]; NULL ends a field. */
static const char *const g_levels[WL_FIELD_COUNT][WL_MAX_LEVELS] = {
    [WL_FIELD_NAME] = { "missing", "different", "jw80", "jw92", "all_parts", "exact" },
    [WL_FIELD_DOB] = { "missing", "mismatch", "within_1y", "year_only", "swapped", "exact" },
    [WL_FIELD_DOC] = { "missing", "mismatch", "one_edit", "exact" },
    [WL_FIELD_NAT] = { "missing", "mismatch", "match" },
    [WL_FIELD_GENDER] = { "missing", "mismatch", "match" },
    [WL_FIELD_POB] = { "missing", "different", "jw88", "exact" },
    [WL_FIELD_TEXT] = { "missing", "different", "similar", "near_identical" },
};

int wl_field_levels(wl_field f)
{
    if ((unsigned)f >= WL_FIELD_COUNT) return 0;
    int n = 0;
    while (n < WL_MAX_LEVELS && g_levels[f][n]) n++;
    return n;
}

const char *wl_level_name(wl_field f, int level)
{
    if (level < 0 || level >= wl_field_levels(f)) return NULL;
    return g_levels[f][level];
}

/* ---- names ---- */

static int name_level(const wl_namesim *s)
{
    if (s->exact) return WL_NAME_EXACT;
    if (s->all_parts) return WL_NAME_ALL_PARTS;
    if (s->score >= 0.92f) return WL_NAME_JW92;
    if (s->score >= 0.80f) return WL_NAME_JW80;
    return WL_NAME_DIFFERENT;
}

/* Splits a record's parts into names (runs of one name_no): starts[k] is where
 * name k begins, starts[n] the end. @return the number of names (bounded). */
static size_t name_runs(const wl_fpart *p, size_t np, uint32_t *starts)
{
    size_t n = 0;
    for (size_t k = 0; k < np && n < WL_CMP_MAX_NAMES; k++)
        if (k == 0 || p[k].name_no != p[k - 1].name_no) starts[n++] = (uint32_t)k;
    starts[n] = (uint32_t)np;
    return n;
}

/* Best level over every (name of a, name of b); ties go to the higher score. */
static void compare_names(const wl_features *f, uint32_t a, uint32_t b, wl_cmpvec *out)
{
    size_t na, nb;
    const wl_fpart *pa = wl_f_parts(f, a, &na), *pb = wl_f_parts(f, b, &nb);
    uint32_t sa[WL_CMP_MAX_NAMES + 1], sb[WL_CMP_MAX_NAMES + 1];
    size_t ra = name_runs(pa, na, sa), rb = name_runs(pb, nb, sb);
    int best = WL_LV_MISSING;
    float best_score = -1.0f;
    out->name_rare = 0.0f;
    for (size_t i = 0; i < ra && best < WL_NAME_EXACT; i++)
        for (size_t j = 0; j < rb && best < WL_NAME_EXACT; j++) {
            size_t ca = WL_MIN(sa[i + 1] - sa[i], (size_t)WL_NAME_MAX_PARTS);
            size_t cb = WL_MIN(sb[j + 1] - sb[j], (size_t)WL_NAME_MAX_PARTS);
            wl_namesim s;
            wl_name_similarity(f, pa + sa[i], ca, pb + sb[j], cb, &s);
            int lv = name_level(&s);
            if (lv > best || (lv == best && s.score > best_score)) {
                best = lv;
                best_score = s.score;
                out->name_rare = s.rare_bits;
            }
        }
    out->level[WL_FIELD_NAME] = (uint8_t)best;
}

/* ---- dates, documents, codes ---- */

/* Each comparator looks at a's side first and touches b's arrays only when a
 * has a value: b is a random record, and its loads are what a pair costs. */

static void compare_dates(const wl_features *f, uint32_t a, uint32_t b, wl_cmpvec *out)
{
    size_t na, nb = 0;
    const wl_date *da = wl_f_dates(f, a, &na), *db = na ? wl_f_dates(f, b, &nb) : NULL;
    int best = WL_LV_MISSING, best_swap = 0;
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nb; j++) {
            int swap, lv = wl_cmp_date(&da[i], &db[j], &swap);
            if (lv > best) {
                best = lv;
                best_swap = swap;
            }
        }
    out->level[WL_FIELD_DOB] = (uint8_t)best;
    out->dob_swap = (uint8_t)best_swap;
}

static int compare_docs(const wl_features *f, uint32_t a, uint32_t b)
{
    size_t na, nb = 0;
    const wl_fdoc *da = wl_f_docs(f, a, &na), *db = na ? wl_f_docs(f, b, &nb) : NULL;
    int best = WL_LV_MISSING;
    for (size_t i = 0; i < na && best < WL_DOC_EXACT; i++)
        for (size_t j = 0; j < nb && best < WL_DOC_EXACT; j++) {
            /* Cheap filter first: equal hashes settle the common exact case. */
            int lv = da[i].h_ocr == db[j].h_ocr && da[i].len == db[j].len
                         ? WL_DOC_EXACT
                         : wl_cmp_doc(wl_f_str(f, da[i].str), da[i].len, wl_f_str(f, db[j].str), db[j].len);
            best = WL_MAX(best, lv);
        }
    return best;
}

static int compare_nats(const wl_features *f, uint32_t a, uint32_t b)
{
    size_t na, nb;
    const uint32_t *xa = wl_f_nats(f, a, &na);
    if (na == 0) return WL_LV_MISSING;
    const uint32_t *xb = wl_f_nats(f, b, &nb);
    if (nb == 0) return WL_LV_MISSING;
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nb; j++)
            if (xa[i] == xb[j]) return WL_CODE_MATCH;
    return WL_CODE_MISMATCH;
}

static int compare_gender(const wl_features *f, uint32_t a, uint32_t b)
{
    if (!f->gender[a] || !f->gender[b]) return WL_LV_MISSING;
    return f->gender[a] == f->gender[b] ? WL_CODE_MATCH : WL_CODE_MISMATCH;
}

static int compare_pob(const wl_features *f, uint32_t a, uint32_t b)
{
    if (f->pob[a] == UINT32_MAX || f->pob[b] == UINT32_MAX) return WL_LV_MISSING; /* a first */
    const char *x = wl_f_str(f, f->pob[a]), *y = wl_f_str(f, f->pob[b]);
    return wl_cmp_place(x, strlen(x), y, strlen(y));
}

static int compare_text(const wl_features *f, uint32_t a, uint32_t b)
{
    size_t na, nb;
    const uint64_t *ta = wl_f_toks(f, a, &na);
    if (na == 0) return WL_LV_MISSING;
    const uint64_t *tb = wl_f_toks(f, b, &nb);
    return wl_cmp_tokens(ta, na, tb, nb);
}

void wl_compare(const wl_features *f, uint32_t a, uint32_t b, wl_cmpvec *out)
{
    memset(out, 0, sizeof *out);
    compare_names(f, a, b, out);
    compare_dates(f, a, b, out);
    out->level[WL_FIELD_DOC] = (uint8_t)compare_docs(f, a, b);
    out->level[WL_FIELD_NAT] = (uint8_t)compare_nats(f, a, b);
    out->level[WL_FIELD_GENDER] = (uint8_t)compare_gender(f, a, b);
    out->level[WL_FIELD_POB] = (uint8_t)compare_pob(f, a, b);
    out->level[WL_FIELD_TEXT] = (uint8_t)compare_text(f, a, b);
}

wl_status wl_compare_pairs(const wl_features *f, const uint32_t *pairs, size_t n, int threads,
                           uint8_t *levels)
{
    long long nn = (long long)n;
    int t = threads > 0 ? threads : omp_get_max_threads();
#pragma omp parallel for schedule(static, 4096) num_threads(t)
    for (long long k = 0; k < nn; k++) {
        wl_cmpvec v;
        wl_compare(f, pairs[2 * k], pairs[2 * k + 1], &v);
        if (levels) memcpy(levels + (size_t)k * WL_FIELD_COUNT, v.level, WL_FIELD_COUNT);
    }
    return WL_OK;
}
