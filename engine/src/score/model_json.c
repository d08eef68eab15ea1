/* model_json.c -- the model as a small versioned JSON file (jansson), so that a
 * nightly run reuses reviewed parameters instead of refitting. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

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
    /* Written beside the target and renamed: a reader never sees half a model. */
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp) return WL_NOMEM;
    snprintf(tmp, n, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        wl_set_error(err, errcap, "%s: cannot write: %s", tmp, strerror(errno));
        free(tmp);
        return WL_IO;
    }
    wl_status st = wl_model_write_json(m, f);
    if (fclose(f) != 0 && st == WL_OK) st = WL_IO;
    if (st == WL_OK && rename(tmp, path) != 0) st = WL_IO;
    if (st != WL_OK) {
        wl_set_error(err, errcap, "%s: cannot write the model: %s", path, strerror(errno));
        remove(tmp);
    }
    free(tmp);
    return st;
}

/* Reads n probabilities in (0, 1) from array `a` into x. */
static int read_probs(json_t *a, double *x, int n, int from)
{
    if (!json_is_array(a) || (int)json_array_size(a) != n) return -1;
    for (int i = from; i < n; i++) {
        json_t *v = json_array_get(a, (size_t)i);
        if (!json_is_number(v)) return -1;
        double d = json_number_value(v);
        if (!(d > 0.0 && d < 1.0)) return -1;
        x[i] = d;
    }
    return 0;
}

static int read_field(wl_model *m, json_t *o, char *err, size_t errcap)
{
    const char *name = json_string_value(json_object_get(o, "name"));
    int f = -1;
    for (int k = 0; name && k < WL_FIELD_COUNT; k++)
        if (!strcmp(name, wl_field_name((wl_field)k))) f = k;
    if (f < 0) {
        wl_set_error(err, errcap, "unknown field '%s'", name ? name : "(none)");
        return -1;
    }
    int L = m->levels[f];
    if (read_probs(json_object_get(o, "m"), m->m[f], L, 1) != 0 ||
        read_probs(json_object_get(o, "u"), m->u[f], L, 1) != 0) {
        wl_set_error(err, errcap, "field '%s': m and u must be %d probabilities in (0, 1)", name, L);
        return -1;
    }
    json_t *un = json_object_get(o, "u_namesake");
    if (un && read_probs(un, m->u_namesake[f], L, 1) != 0) {
        wl_set_error(err, errcap, "field '%s': u_namesake must be %d probabilities in (0, 1)", name, L);
        return -1;
    }
    if (un) m->has_namesake = 1;
    return 0;
}

static int read_tf(wl_model *m, json_t *tf)
{
    json_t *scale = json_object_get(tf, "scale"), *cap = json_object_get(tf, "cap");
    json_t *mean = json_object_get(tf, "rare_mean");
    int L = m->levels[WL_FIELD_NAME];
    if (!json_is_number(scale) || !json_is_number(cap) || !json_is_array(mean) ||
        (int)json_array_size(mean) != L)
        return -1;
    m->tf_scale = json_number_value(scale);
    m->tf_cap = json_number_value(cap);
    if (!(m->tf_scale >= 0 && m->tf_scale <= 4 && m->tf_cap >= 0 && m->tf_cap <= 64)) return -1;
    for (int l = 0; l < L; l++) {
        json_t *v = json_array_get(mean, (size_t)l);
        if (!json_is_number(v)) return -1;
        m->rare_mean[l] = json_number_value(v);
        if (!(m->rare_mean[l] >= 0 && m->rare_mean[l] < 1e6)) return -1;
    }
    return 0;
}

static int read_model(wl_model *m, json_t *root, char *err, size_t errcap)
{
    const char *format = json_string_value(json_object_get(root, "format"));
    if (!format || strcmp(format, FORMAT_NAME) != 0) {
        wl_set_error(err, errcap, "not a watchlink model (\"format\" is not \"%s\")", FORMAT_NAME);
        return -1;
    }
    json_t *ver = json_object_get(root, "version");
    if (!json_is_integer(ver) || json_integer_value(ver) != WL_MODEL_VERSION) {
        wl_set_error(err, errcap, "unsupported model version (this engine reads version %d)",
                     WL_MODEL_VERSION);
        return -1;
    }
    json_t *prior = json_object_get(root, "prior");
    if (!json_is_number(prior) || !(json_number_value(prior) > 0 && json_number_value(prior) < 1)) {
        wl_set_error(err, errcap, "\"prior\" must be a probability in (0, 1)");
        return -1;
    }
    m->prior = json_number_value(prior);
    json_t *fields = json_object_get(root, "fields");
    if (!json_is_array(fields) || json_array_size(fields) != WL_FIELD_COUNT) {
        wl_set_error(err, errcap, "\"fields\" must list the %d compared fields", WL_FIELD_COUNT);
        return -1;
    }
    for (size_t k = 0; k < json_array_size(fields); k++)
        if (read_field(m, json_array_get(fields, k), err, errcap) != 0) return -1;
    if (read_tf(m, json_object_get(root, "name_tf")) != 0) {
        wl_set_error(err, errcap, "\"name_tf\" is missing or out of range");
        return -1;
    }
    return 0;
}

wl_model *wl_model_from_json(const char *text, size_t len, char *err, size_t errcap)
{
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        wl_set_error(err, errcap, "line %d: %s", je.line, je.text);
        return NULL;
    }
    wl_model *m = wl_model_new();
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
    int too_big = buf && n == MAX_MODEL;
    fclose(f);
    if (!buf || too_big) {
        wl_set_error(err, errcap, "%s: %s", path, buf ? "too large for a model file" : "out of memory");
        free(buf);
        return NULL;
    }
    char why[256] = "";
    wl_model *m = wl_model_from_json(buf, n, why, sizeof why);
    if (!m) wl_set_error(err, errcap, "%s: %s", path, why);
    free(buf);
    return m;
}
