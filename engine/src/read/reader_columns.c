/* reader_columns.c -- header names to roles (see reader_columns.h). The synonyms
 * are data (datasets/tables/columns.tsv, with their provenance), not code. */
#include "read/reader_columns.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/common.h"
#include "common/tables.h"

enum { NAME_MAX_ = 128 };

static int is_blank(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}
static int is_sep(char ch)
{
    return ch == ' ' || ch == '-' || ch == '.' || ch == '_';
}

size_t wl_column_normalise(const char *name, size_t len, char *out, size_t cap)
{
    size_t b = 0, e = len, n = 0;
    if (cap == 0) return 0;
    while (b < e && is_blank(name[b]))
        b++;
    while (e > b && is_blank(name[e - 1]))
        e--;
    int pending_sep = 0;
    for (size_t i = b; i < e && n + 1 < cap; i++) {
        char ch = name[i];
        if (is_sep(ch) || ch == '\t') {
            pending_sep = n > 0; /* no leading separator; runs collapse */
            continue;
        }
        if (pending_sep) {
            if (n + 2 >= cap) break;
            out[n++] = '_';
            pending_sep = 0;
        }
        out[n++] = (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
    }
    out[n] = '\0';
    return n;
}

/* The synonyms, sorted by name, built once: a scan of the whole table per
 * header column was 7 % of a warm one-record query (a screening service reads
 * a small file per query; bench/RESULTS.md, person store). */
typedef struct {
    const char *key;
    size_t len;
    int role;
    size_t order; /* place in the table: the first of equal names wins, as the scan had it */
} col_syn;

static pthread_once_t g_syn_once = PTHREAD_ONCE_INIT;
static col_syn *g_syn;
static size_t g_n_syn;

static int syn_cmp(const col_syn *a, const char *key, size_t len)
{
    size_t m = a->len < len ? a->len : len;
    int c = memcmp(a->key, key, m);
    return c ? c : (a->len > len) - (a->len < len);
}

static int by_syn(const void *pa, const void *pb)
{
    const col_syn *a = pa, *b = pb;
    int c = syn_cmp(a, b->key, b->len);
    return c ? c : (a->order > b->order) - (a->order < b->order);
}

static void load_synonyms(void)
{
    size_t tlen, cap = 0, n = 0;
    const char *t = wl_table_get("columns", &tlen);
    wl_table_iter it;
    const char *f[2];
    size_t fl[2];
    wl_table_iter_init(&it, t, tlen);
    while (wl_table_next(&it, f, fl, 2) > 0) cap++;
    col_syn *v = malloc((cap ? cap : 1) * sizeof *v);
    if (!v) return; /* wl_column_role scans the table instead */
    wl_table_iter_init(&it, t, tlen);
    int nf;
    while ((nf = wl_table_next(&it, f, fl, 2)) > 0 && n < cap) {
        if (nf < 2) continue;
        char role[32];
        size_t rn = fl[1] < sizeof role ? fl[1] : sizeof role - 1;
        memcpy(role, f[1], rn);
        role[rn] = '\0';
        v[n] = (col_syn){ f[0], fl[0], wl_role_from_name(role), n };
        n++;
    }
    qsort(v, n, sizeof *v, by_syn);
    g_syn = v;
    g_n_syn = n;
}

static int scan_role(const char *key, size_t kn)
{
    size_t tlen;
    const char *t = wl_table_get("columns", &tlen);
    wl_table_iter it;
    wl_table_iter_init(&it, t, tlen);
    const char *f[2];
    size_t fl[2];
    int nf;
    while ((nf = wl_table_next(&it, f, fl, 2)) > 0) {
        if (nf < 2 || fl[0] != kn || memcmp(f[0], key, kn) != 0) continue;
        char role[32];
        size_t rn = fl[1] < sizeof role ? fl[1] : sizeof role - 1;
        memcpy(role, f[1], rn);
        role[rn] = '\0';
        return wl_role_from_name(role);
    }
    return -1;
}

int wl_column_role(const char *name, size_t len)
{
    char key[NAME_MAX_];
    size_t kn = wl_column_normalise(name, len, key, sizeof key);
    if (kn == 0) return -1;
    pthread_once(&g_syn_once, load_synonyms);
    if (!g_syn) return scan_role(key, kn);
    size_t lo = 0, hi = g_n_syn; /* the first entry not below key */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (syn_cmp(&g_syn[mid], key, kn) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo < g_n_syn && syn_cmp(&g_syn[lo], key, kn) == 0 ? g_syn[lo].role : -1;
}

int wl_role_is_name(int role)
{
    return role == WL_ROLE_FULL_NAME || role == WL_ROLE_GIVEN_NAME || role == WL_ROLE_FAMILY_NAME ||
           role == WL_ROLE_ALIAS || role == WL_ROLE_MRZ;
}

static int role_is_shared(int role)
{
    return role == WL_ROLE_TEXT || role == WL_ROLE_ALIAS;
}

/* Finds the column an override names: normalised names compared. */
static long find_column(const char *const *names, const size_t *lens, size_t n, const char *col)
{
    char want[NAME_MAX_], have[NAME_MAX_];
    size_t wn = wl_column_normalise(col, strlen(col), want, sizeof want);
    for (size_t i = 0; i < n; i++) {
        size_t hn = wl_column_normalise(names[i], lens ? lens[i] : strlen(names[i]), have, sizeof have);
        if (hn == wn && memcmp(have, want, wn) == 0) return (long)i;
    }
    return -1;
}

/* Applies one "role=column" override. @return WL_OK or WL_USAGE. */
static wl_status apply_override(const char *const *names, const size_t *lens, size_t n, const char *spec,
                                int *roles, char *err, size_t errcap)
{
    const char *eq = spec ? strchr(spec, '=') : NULL;
    if (!eq || eq == spec || !eq[1]) {
        wl_set_error(err, errcap, "--map takes ROLE=COLUMN, not '%s'", spec ? spec : "");
        return WL_USAGE;
    }
    char role_name[64];
    size_t rn = (size_t)(eq - spec);
    if (rn >= sizeof role_name) rn = sizeof role_name - 1;
    memcpy(role_name, spec, rn);
    role_name[rn] = '\0';
    int role = wl_role_from_name(role_name);
    int ignore = !strcasecmp(role_name, "ignore") || !strcasecmp(role_name, "none");
    if (role < 0 && !ignore) {
        wl_set_error(err, errcap,
                     "--map %s: unknown role '%s' (roles: id, source, full_name, "
                     "given_name, middle_name, family_name, alias, dob, gender, nationality, "
                     "doc_number, doc_type, doc_country, place_of_birth, mrz, text, ignore)",
                     spec, role_name);
        return WL_USAGE;
    }
    long col = find_column(names, lens, n, eq + 1);
    if (col < 0) {
        wl_set_error(err, errcap, "--map %s: no column '%s' in the header", spec, eq + 1);
        return WL_USAGE;
    }
    if (ignore) {
        roles[col] = -1;
        return WL_OK;
    }
    if (!role_is_shared(role))
        for (size_t i = 0; i < n; i++)
            if (roles[i] == role) roles[i] = -1;
    roles[col] = role;
    return WL_OK;
}

wl_status wl_columns_map(const char *const *names, const size_t *lens, size_t n, const char *const *map,
                         size_t n_map, int *roles, char *err, size_t errcap)
{
    for (size_t i = 0; i < n; i++)
        roles[i] = wl_column_role(names[i], lens ? lens[i] : strlen(names[i]));
    for (size_t k = 0; k < n_map; k++) {
        wl_status st = apply_override(names, lens, n, map[k], roles, err, errcap);
        if (st != WL_OK) return st;
    }
    return WL_OK;
}
