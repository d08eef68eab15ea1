/* gen_pool.c -- loading and drawing from the weighted name pools (gen_pool.h). */
#include "gen_pool.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { GEN_POOL_MAX_BYTES = 64 << 20 };

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap || cap >= GEN_POOL_MAX_BYTES) break;
        char *bigger = realloc(buf, cap * 2 + 1);
        if (!bigger) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    int bad = ferror(f) || n >= GEN_POOL_MAX_BYTES;
    fclose(f);
    if (!buf || bad) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Splits line (NUL-terminated, no newline) on tabs into at most max cells. */
static size_t split_tabs(char *line, const char **cells, size_t max)
{
    size_t n = 0;
    char *s = line;
    while (n < max) {
        cells[n++] = s;
        char *tab = strchr(s, '\t');
        if (!tab) break;
        *tab = '\0';
        s = tab + 1;
    }
    return n;
}

/* Cuts text into lines in place; @return the number of non-comment, non-blank lines. */
static size_t data_lines(char *text, char **lines, size_t max)
{
    size_t n = 0;
    char *s = text;
    while (*s) {
        char *nl = strchr(s, '\n');
        if (nl) *nl = '\0';
        size_t len = strlen(s);
        if (len && s[len - 1] == '\r') s[--len] = '\0';
        if (len && s[0] != '#') {
            if (lines && n < max) lines[n] = s;
            n++;
        }
        if (!nl) break;
        s = nl + 1;
    }
    return n;
}

static int sex_slot_allows(const char *g, int slot)
{
    if (slot == 0 || !g[0] || g[0] == 'u') return 1;
    return (slot == 1) ? (g[0] == 'm' || g[0] == '1') : (g[0] == 'f' || g[0] == '2');
}

static int build_cum(gen_pool *p, char *err, size_t errcap)
{
    int gcol = gen_pool_col(p, "gender");
    if (gcol < 0) gcol = gen_pool_col(p, "slot");
    for (int slot = 0; slot < 3; slot++) {
        p->cum[slot] = malloc(p->n_rows * sizeof(uint64_t));
        if (!p->cum[slot]) {
            snprintf(err, errcap, "%s: out of memory", p->name);
            return -1;
        }
        uint64_t total = 0;
        for (size_t i = 0; i < p->n_rows; i++) {
            const char *w = p->cells[i * p->n_cols];
            char *end;
            errno = 0;
            unsigned long v = strtoul(w, &end, 10);
            if (end == w || *end || errno || v == 0 || v > 1000000) {
                snprintf(err, errcap, "%s: row %zu: bad weight '%s'", p->name, i + 1, w);
                return -1;
            }
            if (gcol < 0 || sex_slot_allows(gen_pool_cell(p, i, gcol), slot)) total += v;
            p->cum[slot][i] = total;
        }
        if (total == 0) {
            snprintf(err, errcap, "%s: no rows for one sex", p->name);
            return -1;
        }
    }
    return 0;
}

static int parse_pool(gen_pool *p, char *err, size_t errcap)
{
    size_t n_lines = data_lines(p->text, NULL, 0);
    if (n_lines < 2) {
        snprintf(err, errcap, "%s: no header or no rows", p->name);
        return -1;
    }
    char **lines = malloc(n_lines * sizeof *lines);
    if (!lines) {
        snprintf(err, errcap, "%s: out of memory", p->name);
        return -1;
    }
    /* data_lines already cut the text; walk it again to collect the line starts. */
    size_t got = 0;
    for (char *s = p->text; got < n_lines; s += strlen(s) + 1)
        if (*s && *s != '#') lines[got++] = s;
    p->n_cols = split_tabs(lines[0], p->col_name, GEN_POOL_MAX_COLS);
    p->n_rows = n_lines - 1;
    p->cells = calloc(p->n_rows * p->n_cols, sizeof *p->cells);
    int rc = 0;
    if (!p->cells || strcmp(p->col_name[0], "weight") != 0) {
        snprintf(err, errcap, "%s: first column must be 'weight'", p->name);
        rc = -1;
    }
    for (size_t i = 0; rc == 0 && i < p->n_rows; i++) {
        const char **row = p->cells + i * p->n_cols;
        size_t n = split_tabs(lines[i + 1], row, p->n_cols);
        for (size_t k = n; k < p->n_cols; k++)
            row[k] = "";
    }
    free(lines);
    return rc ? rc : build_cum(p, err, errcap);
}

int gen_pool_parse(gen_pool *p, const char *name, char *text, char *err, size_t errcap)
{
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "%s", name);
    p->text = text;
    if (parse_pool(p, err, errcap) != 0) {
        gen_pool_free(p);
        return -1;
    }
    p->c_variants = gen_pool_col(p, "variants");
    p->c_gender = gen_pool_col(p, "gender");
    return 0;
}

int gen_pool_load(gen_pool *p, const char *dir, const char *name, char *err, size_t errcap)
{
    memset(p, 0, sizeof *p);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.tsv", dir, name);
    size_t len;
    char *text = read_file(path, &len);
    if (!text) {
        snprintf(err, errcap, "cannot read name pool %s", path);
        return -1;
    }
    if (strlen(text) != len) {
        free(text);
        snprintf(err, errcap, "%s: NUL byte in a pool file", path);
        return -1;
    }
    return gen_pool_parse(p, name, text, err, errcap);
}

void gen_pool_free(gen_pool *p)
{
    if (!p) return;
    free(p->text);
    free((void *)p->cells);
    for (int i = 0; i < 3; i++)
        free(p->cum[i]);
    memset(p, 0, sizeof *p);
}

int gen_pool_col(const gen_pool *p, const char *col)
{
    for (size_t i = 0; i < p->n_cols; i++)
        if (!strcmp(p->col_name[i], col)) return (int)i;
    return -1;
}

const char *gen_pool_cell(const gen_pool *p, size_t row, int col)
{
    if (col < 0 || (size_t)col >= p->n_cols || row >= p->n_rows) return "";
    return p->cells[row * p->n_cols + (size_t)col];
}

size_t gen_pool_pick(const gen_pool *p, gen_rng *r, char sex)
{
    int slot = sex == 'M' ? 1 : sex == 'F' ? 2 : 0;
    const uint64_t *cum = p->cum[slot];
    uint64_t x = gen_rng_next(r) % cum[p->n_rows - 1];
    size_t lo = 0, hi = p->n_rows - 1; /* first row with cum > x */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cum[mid] > x)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

size_t gen_pool_pick_range(const gen_pool *p, gen_rng *r, size_t lo, size_t hi)
{
    const uint64_t *cum = p->cum[0];
    uint64_t base = lo ? cum[lo - 1] : 0;
    uint64_t x = base + gen_rng_next(r) % (cum[hi - 1] - base);
    size_t a = lo, b = hi - 1; /* first row with cum > x */
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (cum[mid] > x)
            b = mid;
        else
            a = mid + 1;
    }
    return a;
}

int gen_pick_variant(const char *list, gen_rng *r, char *out, size_t cap)
{
    if (!list || !list[0]) return 0;
    size_t n = 1;
    for (const char *s = list; *s; s++)
        n += (*s == ';');
    size_t k = gen_rng_below(r, (uint32_t)n);
    const char *s = list;
    while (k-- > 0)
        s = strchr(s, ';') + 1;
    size_t len = strcspn(s, ";");
    if (len >= cap) len = cap - 1;
    memcpy(out, s, len);
    out[len] = '\0';
    return len > 0;
}
