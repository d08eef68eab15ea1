/* model_json.c -- the model as a small versioned JSON file (jansson), so that a
 * nightly run reuses reviewed parameters instead of refitting. */
#include <errno.h>
#include <float.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/file_replace.h"
#include "score/model.h"

static const char FORMAT_NAME[] = "watchlink-model";

static json_t *array_of(const double *x, int n)
{
    json_t *a = json_array();
    for (int i = 0; a && i < n; i++) json_array_append_new(a, json_real(x[i]));
    return a;
}

static json_t *field_json(const wl_model *m, int f)
{
    json_t *o = json_object();
    json_t *names = json_array();
    for (int l = 0; l < m->levels[f]; l++)
        json_array_append_new(names, json_string(wl_level_name((wl_field)f, l)));
    json_object_set_new(o, "name", json_string(wl_field_name((wl_field)f)));
    json_object_set_new(o, "levels", names);
    json_object_set_new(o, "m", array_of(m->m[f], m->levels[f]));
    json_object_set_new(o, "u", array_of(m->u[f], m->levels[f]));
    if (m->has_namesake)
        json_object_set_new(o, "u_namesake", array_of(m->u_namesake[f], m->levels[f]));
    return o;
}

static json_t *model_json(const wl_model *m)
{
    json_t *root = json_object();
    json_object_set_new(root, "format", json_string(FORMAT_NAME));
    json_object_set_new(root, "version", json_integer(m->version));
    json_object_set_new(root, "engine", json_string(wl_version()));
    json_object_set_new(root, "prior", json_real(m->prior));
    json_t *fields = json_array();
    for (int f = 0; f < WL_FIELD_COUNT; f++) json_array_append_new(fields, field_json(m, f));
    json_object_set_new(root, "fields", fields);
    json_t *tf = json_object();
    json_object_set_new(tf, "scale", json_real(m->tf_scale));
    json_object_set_new(tf, "cap", json_real(m->tf_cap));
    json_object_set_new(tf, "from", json_string(wl_level_name(WL_FIELD_NAME, m->tf_from)));
    json_object_set_new(tf, "rare_mean", array_of(m->rare_mean, m->levels[WL_FIELD_NAME]));
    json_object_set_new(root, "name_tf", tf);
    json_t *fit = json_object();
    json_object_set_new(fit, "em_iterations", json_integer(m->em_iterations));
    json_object_set_new(fit, "em_pairs", json_integer((json_int_t)m->em_pairs));
    json_object_set_new(fit, "u_pairs", json_integer((json_int_t)m->u_pairs));
    json_object_set_new(root, "fit", fit);
    return root;
}

wl_status wl_model_write_json(const wl_model *m, FILE *out)
{
    json_t *root = model_json(m);
    if (!root) return WL_NOMEM;
    int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    json_decref(root);
    if (rc != 0 || fputc('\n', out) == EOF) return WL_IO;
    return WL_OK;
}

wl_status wl_model_save(const wl_model *m, const char *path, char *err, size_t errcap)
{
    /* Whole or not at all (common/file_replace.c): a reader never sees half a
     * model, a failed save keeps the old one, two saves at once do not clash. */
    wl_file_replace r;
    if (wl_file_replace_open(&r, path, err, errcap) != 0) return WL_IO;
    wl_status st = wl_model_write_json(m, r.f);
    if (st != WL_OK) {
        wl_set_error(err, errcap, "%s: cannot write the model: %s", path, wl_strerror(st));
        wl_file_replace_abort(&r);
        return st;
    }
    return wl_file_replace_commit(&r, err, errcap) == 0 ? WL_OK : WL_IO;
}

/* ---- reading: every value checked before the model can score ----
 *
 * A model file is trusted input no more than a list is (issue 16.3): scoring takes
 * log2(m/u) of every present level and log2(prior / (1 - prior)), so one zero,
 * negative, subnormal, NaN or > 1 value makes weights infinite -- a model with
 * u_namesake on some fields only gave match_weight inf and probability 1 on pairs
 * whose dates disagreed. Each check below rejects the file with its path in the
 * JSON ("fields[2] (doc).u[3]") and the reason, instead of scoring with it. */

/* A row of m or u is a distribution over the present levels of one field, so it
 * sums to 1. The fit clamps each value into [1e-6, 1 - 1e-6] after normalising
 * (model.c), which moves a sum by at most 7e-6, and a saved file keeps 17 digits;
 * 1e-3 accepts both and still refuses a row that is not a distribution. */
#define ROW_SUM_TOL 1e-3

/* The smallest accepted probability: DBL_MIN, the smallest normal double, keeps
 * m/u <= 1/DBL_MIN (finite), so each field adds at most ~1022 bits; a subnormal
 * u would overflow m/u to inf. */
#define P_MIN DBL_MIN

typedef struct {
    char *err;
    size_t cap;
} reason;

static int refuse(reason *r, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static int refuse(reason *r, const char *fmt, ...)
{
    if (r->err && r->cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->err, r->cap, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int in_list(const char *key, const char *const *keys)
{
    for (; *keys; keys++)
        if (!strcmp(key, *keys)) return 1;
    return 0;
}

/* A misspelt key ("prio", "u_namesakes") would otherwise be skipped silently and
 * its value replaced by a default. */
static int only_keys(reason *r, json_t *o, const char *where, const char *const *keys)
{
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) {
        if (!in_list(k, keys)) return refuse(r, "%s: unknown key \"%s\"", where, k);
    }
    return 0;
}

/* A finite JSON number into *d, or a refusal naming `where`. */
static int number_at(reason *r, json_t *v, const char *where, double *d)
{
    if (!json_is_number(v)) return refuse(r, "%s must be a number", where);
    *d = json_number_value(v);
    if (!isfinite(*d)) return refuse(r, "%s is not a finite number", where);
    return 0;
}

/* Reads one row (m, u or u_namesake) of field f: L values, the "missing" level 0
 * (no evidence, never scored) and L - 1 probabilities summing to 1. */
static int read_row(reason *r, json_t *a, int f, const char *where, const char *what, double *x, int L)
{
    if (!json_is_array(a) || json_array_size(a) != (size_t)L)
        return refuse(r, "%s.%s must be an array of %d numbers, one per level of %s", where, what, L,
                      wl_field_name((wl_field)f));
    double sum = 0.0;
    for (int l = 0; l < L; l++) {
        char at[160];
        snprintf(at, sizeof at, "%s.%s[%d] (%s)", where, what, l, wl_level_name((wl_field)f, l));
        double d = 0.0;
        if (number_at(r, json_array_get(a, (size_t)l), at, &d) != 0) return -1;
        if (l == 0 && d != 0.0)
            return refuse(r, "%s is %g, must be 0: a missing value adds no evidence", at, d);
        if (l > 0 && !(d > 0.0 && d <= 1.0))
            return refuse(r, "%s is %g, not a probability in (0, 1]", at, d);
        if (l > 0 && d < P_MIN)
            return refuse(r, "%s is %g, below %g: its weight would be infinite", at, d, P_MIN);
        x[l] = d;
        sum += d;
    }
    if (fabs(sum - 1.0) > ROW_SUM_TOL)
        return refuse(r, "%s.%s sums to %.9g over the levels: must be 1", where, what, sum);
    return 0;
}

/* Names an earlier engine wrote for a level that kept its meaning and place, so
 * that reviewed models saved before a rename still load (and are saved with the
 * new name). */
static const struct {
    int field, level;
    const char *old;
} RENAMED[] = {
    { WL_FIELD_DOB, WL_DOB_TYPO, "swapped" },
};

static int old_name_of(int f, int l, const char *got)
{
    for (size_t k = 0; k < WL_ARRAY_SIZE(RENAMED); k++)
        if (RENAMED[k].field == f && RENAMED[k].level == l && !strcmp(got, RENAMED[k].old)) return 1;
    return 0;
}

/* The level names must be this engine's, in order: a model saved when a field had
 * other levels would otherwise give each level another level's weights. */
static int check_levels(reason *r, json_t *a, int f, const char *where)
{
    int L = wl_field_levels((wl_field)f);
    if (!json_is_array(a) || json_array_size(a) != (size_t)L)
        return refuse(r, "%s.levels must name the %d levels of %s", where, L, wl_field_name((wl_field)f));
    for (int l = 0; l < L; l++) {
        const char *got = json_string_value(json_array_get(a, (size_t)l));
        const char *want = wl_level_name((wl_field)f, l);
        if (!got || (strcmp(got, want) != 0 && !old_name_of(f, l, got)))
            return refuse(r, "%s.levels[%d] is %s%s%s, this engine's level %d of %s is \"%s\"", where, l,
                          got ? "\"" : "", got ? got : "not a string", got ? "\"" : "", l,
                          wl_field_name((wl_field)f), want);
    }
    return 0;
}

static int field_index(const char *name)
{
    for (int k = 0; name && k < WL_FIELD_COUNT; k++)
        if (!strcmp(name, wl_field_name((wl_field)k))) return k;
    return -1;
}

/* Reads fields[k] into m; seen[f] counts each field, *namesake the fields with a
 * u_namesake row. */
static int read_field(reason *r, wl_model *m, json_t *o, size_t k, int *seen, int *namesake)
{
    static const char *const keys[] = { "name", "levels", "m", "u", "u_namesake", NULL };
    char where[64];
    snprintf(where, sizeof where, "fields[%zu]", k);
    if (!json_is_object(o)) return refuse(r, "%s must be an object", where);
    const char *name = json_string_value(json_object_get(o, "name"));
    int f = field_index(name);
    if (f < 0) return refuse(r, "%s: unknown field \"%s\"", where, name ? name : "(no name)");
    snprintf(where, sizeof where, "fields[%zu] (%s)", k, name);
    if (seen[f]++) return refuse(r, "%s: field \"%s\" is listed twice", where, name);
    int L = m->levels[f];
    json_t *un = json_object_get(o, "u_namesake");
    if (only_keys(r, o, where, keys) != 0 || check_levels(r, json_object_get(o, "levels"), f, where) != 0 ||
        read_row(r, json_object_get(o, "m"), f, where, "m", m->m[f], L) != 0 ||
        read_row(r, json_object_get(o, "u"), f, where, "u", m->u[f], L) != 0 ||
        (un && read_row(r, un, f, where, "u_namesake", m->u_namesake[f], L) != 0))
        return -1;
    *namesake += un != NULL;
    return 0;
}

static int read_fields(reason *r, wl_model *m, json_t *fields)
{
    if (!json_is_array(fields) || json_array_size(fields) != WL_FIELD_COUNT)
        return refuse(r, "\"fields\" must list the %d compared fields once each", WL_FIELD_COUNT);
    int seen[WL_FIELD_COUNT] = { 0 }, namesake = 0;
    for (size_t k = 0; k < WL_FIELD_COUNT; k++)
        if (read_field(r, m, json_array_get(fields, k), k, seen, &namesake) != 0) return -1;
    /* u_namesake replaces u of every non-name field when the names agree
     * (model.c, u_row): a field without one would be scored against zeros. */
    if (namesake != 0 && namesake != WL_FIELD_COUNT)
        return refuse(r, "\"u_namesake\" is given for %d of the %d fields: give it for all or none",
                      namesake, WL_FIELD_COUNT);
    m->has_namesake = namesake == WL_FIELD_COUNT;
    return 0;
}

/* A number in [lo, hi] into *d. */
static int number_in(reason *r, json_t *v, const char *where, double lo, double hi, double *d)
{
    if (number_at(r, v, where, d) != 0) return -1;
    if (!(*d >= lo && *d <= hi)) return refuse(r, "%s is %g, outside [%g, %g]", where, *d, lo, hi);
    return 0;
}

/* The name's term-frequency adjustment (model.h): the ranges are what the fit can
 * produce with room to spare; the adjustment is capped at tf_cap bits. */
static int read_tf(reason *r, wl_model *m, json_t *tf)
{
    static const char *const keys[] = { "scale", "cap", "from", "rare_mean", NULL };
    if (!json_is_object(tf)) return refuse(r, "\"name_tf\" must be an object");
    if (only_keys(r, tf, "name_tf", keys) != 0 ||
        number_in(r, json_object_get(tf, "scale"), "name_tf.scale", 0, 4, &m->tf_scale) != 0 ||
        number_in(r, json_object_get(tf, "cap"), "name_tf.cap", 0, 64, &m->tf_cap) != 0)
        return -1;
    int L = m->levels[WL_FIELD_NAME];
    /* A model saved before "from" existed adjusted exact names only, and its
     * rare_mean of the other levels is 0: it keeps scoring as it was trained. */
    json_t *from = json_object_get(tf, "from");
    m->tf_from = L - 1;
    if (from) {
        int l = 1;
        while (l < L && (!json_is_string(from) || strcmp(json_string_value(from), wl_level_name(WL_FIELD_NAME, l)) != 0))
            l++;
        if (l == L) return refuse(r, "name_tf.from must name a name level present in \"fields\" (jw92, all_parts, ...)");
        m->tf_from = l;
    }
    json_t *mean = json_object_get(tf, "rare_mean");
    if (!json_is_array(mean) || json_array_size(mean) != (size_t)L)
        return refuse(r, "name_tf.rare_mean must be an array of %d numbers, one per name level", L);
    for (int l = 0; l < L; l++) {
        char at[64];
        snprintf(at, sizeof at, "name_tf.rare_mean[%d]", l);
        if (number_in(r, json_array_get(mean, (size_t)l), at, 0, 1e6, &m->rare_mean[l]) != 0) return -1;
    }
    return 0;
}

/* "fit" only records how the model was made; it is checked, not used. */
static int check_fit(reason *r, json_t *fit)
{
    static const char *const keys[] = { "em_iterations", "em_pairs", "u_pairs", NULL };
    if (!fit) return 0;
    if (!json_is_object(fit)) return refuse(r, "\"fit\" must be an object");
    if (only_keys(r, fit, "fit", keys) != 0) return -1;
    const char *k;
    json_t *v;
    json_object_foreach(fit, k, v) {
        if (!json_is_integer(v) || json_integer_value(v) < 0)
            return refuse(r, "fit.%s must be a count (an integer >= 0)", k);
    }
    return 0;
}

static int read_header(reason *r, wl_model *m, json_t *root)
{
    static const char *const keys[] = { "format", "version", "engine", "prior", "fields", "name_tf", "fit", NULL };
    if (!json_is_object(root)) return refuse(r, "not a watchlink model (not a JSON object)");
    const char *format = json_string_value(json_object_get(root, "format"));
    if (!format || strcmp(format, FORMAT_NAME) != 0)
        return refuse(r, "not a watchlink model (\"format\" is not \"%s\")", FORMAT_NAME);
    json_t *ver = json_object_get(root, "version");
    if (!json_is_integer(ver) || json_integer_value(ver) != WL_MODEL_VERSION)
        return refuse(r, "unsupported model version (this engine reads version %d)", WL_MODEL_VERSION);
    json_t *engine = json_object_get(root, "engine");
    if (engine && !json_is_string(engine)) return refuse(r, "\"engine\" must be a string");
    if (only_keys(r, root, "the model", keys) != 0) return -1;
    m->version = WL_MODEL_VERSION;
    if (number_in(r, json_object_get(root, "prior"), "\"prior\"", 0, 1, &m->prior) != 0) return -1;
    if (!(m->prior > 0 && m->prior < 1))
        return refuse(r, "\"prior\" is %g, not a probability in (0, 1)", m->prior);
    return 0;
}

static int read_model(wl_model *m, json_t *root, char *err, size_t errcap)
{
    reason r = { err, errcap };
    if (read_header(&r, m, root) != 0 || read_fields(&r, m, json_object_get(root, "fields")) != 0 ||
        read_tf(&r, m, json_object_get(root, "name_tf")) != 0 || check_fit(&r, json_object_get(root, "fit")) != 0)
        return -1;
    return 0;
}

wl_model *wl_model_from_json(const char *text, size_t len, char *err, size_t errcap)
{
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        wl_set_error(err, errcap, "line %d, column %d: %s", je.line, je.column, je.text);
        return NULL;
    }
    wl_model *m = wl_model_new();
    if (!m) wl_set_error(err, errcap, "out of memory");
    if (m && read_model(m, root, err, errcap) != 0) {
        wl_model_free(m);
        m = NULL;
    }
    json_decref(root);
    return m;
}

wl_model *wl_model_load(const char *path, char *err, size_t errcap)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        wl_set_error(err, errcap, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    /* A model is a few kilobytes; anything past 1 MiB is not one. */
    enum { MAX_MODEL = 1 << 20 };
    char *buf = malloc(MAX_MODEL);
    size_t n = buf ? fread(buf, 1, MAX_MODEL, f) : 0;
    int too_big = buf && n == MAX_MODEL, failed = ferror(f);
    fclose(f);
    if (!buf || too_big || failed) {
        wl_set_error(err, errcap, "%s: %s", path,
                     !buf ? "out of memory" : failed ? "cannot read" : "too large for a model file");
        free(buf);
        return NULL;
    }
    char why[512] = "";
    wl_model *m = wl_model_from_json(buf, n, why, sizeof why);
    if (!m) wl_set_error(err, errcap, "%s: %s", path, why);
    free(buf);
    return m;
}
