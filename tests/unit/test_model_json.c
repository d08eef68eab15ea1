/* test_model_json.c -- the model file: a saved model loads back as it was, and a
 * hostile one (issue 16.3) is refused with the file, the place in it and the
 * reason, never scored with. Each hostile model is a valid saved model with one
 * edit, so each check below is the only thing that refuses it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "score/model.h"

/* A fitted-looking model with namesake rows, as JSON text (caller frees). */
static char *saved_model_text(int namesake)
{
    wl_model *m = wl_model_new();
    assert_non_null(m);
    m->prior = 0.0123;
    m->rare_mean[m->levels[WL_FIELD_NAME] - 1] = 7.5;
    if (namesake) {
        memcpy(m->u_namesake, m->u, sizeof m->u);
        m->u_namesake[WL_FIELD_NAT][1] = 0.25; /* mismatch, match: still sums to 1 */
        m->u_namesake[WL_FIELD_NAT][2] = 0.75;
        m->has_namesake = 1;
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(wl_model_write_json(m, f), WL_OK);
    fclose(f);
    wl_model_free(m);
    return buf;
}

static json_t *saved_model(int namesake)
{
    char *text = saved_model_text(namesake);
    json_t *root = json_loads(text, 0, NULL);
    free(text);
    assert_non_null(root);
    return root;
}

static json_t *field(json_t *root, int f) { return json_array_get(json_object_get(root, "fields"), (size_t)f); }

/* Loads the edited model: must be refused with `reason` in the error. */
static void assert_refused(json_t *root, const char *reason)
{
    char *text = json_dumps(root, JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    char err[512] = "";
    wl_model *m = wl_model_from_json(text, strlen(text), err, sizeof err);
    if (m || !strstr(err, reason))
        fail_msg("expected a refusal with \"%s\", got %s: %s", reason, m ? "a model" : "refusal", err);
    free(text);
    json_decref(root);
}

static void test_saved_model_loads_as_saved(void **state)
{
    (void)state;
    for (int ns = 0; ns <= 1; ns++) {
        char *text = saved_model_text(ns);
        char err[512] = "";
        wl_model *m = wl_model_from_json(text, strlen(text), err, sizeof err);
        assert_non_null(m);
        assert_int_equal(m->has_namesake, ns);
        assert_true(m->prior == 0.0123);
        if (ns) assert_true(m->u_namesake[WL_FIELD_NAT][1] == 0.25);
        /* Saved again: the same bytes. */
        char *again = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&again, &len);
        assert_int_equal(wl_model_write_json(m, f), WL_OK);
        fclose(f);
        assert_string_equal(text, again);
        free(again);
        free(text);
        wl_model_free(m);
    }
}

/* Issue 16.3's repro: u_namesake on some fields only scored inf. */
static void test_partial_namesake_refused(void **state)
{
    (void)state;
    json_t *root = saved_model(1);
    json_object_del(field(root, WL_FIELD_DOC), "u_namesake");
    assert_refused(root, "\"u_namesake\" is given for 6 of the 7 fields");
}

static void set_level(json_t *root, int f, const char *row, int l, json_t *v)
{
    json_array_set_new(json_object_get(field(root, f), row), (size_t)l, v);
}

static void test_probabilities_refused(void **state)
{
    (void)state;
    json_t *root = saved_model(0);
    set_level(root, WL_FIELD_DOB, "m", 2, json_real(0.0));
    assert_refused(root, "fields[1] (dob).m[2] (within_1y) is 0, not a probability in (0, 1]");
    root = saved_model(0);
    set_level(root, WL_FIELD_DOC, "u", 3, json_real(1.5));
    assert_refused(root, "fields[2] (doc).u[3] (exact) is 1.5, not a probability");
    root = saved_model(0);
    set_level(root, WL_FIELD_NAT, "u", 1, json_real(-0.25));
    assert_refused(root, "(nationality).u[1] (mismatch) is -0.25");
    root = saved_model(1);
    set_level(root, WL_FIELD_GENDER, "u_namesake", 2, json_string("0.5"));
    assert_refused(root, "fields[4] (gender).u_namesake[2] (match) must be a number");
    /* A subnormal u: m/u overflows to inf. */
    root = saved_model(0);
    set_level(root, WL_FIELD_NAT, "u", 1, json_real(5e-324));
    set_level(root, WL_FIELD_NAT, "u", 2, json_real(1.0));
    assert_refused(root, "its weight would be infinite");
    /* The missing level is never scored: anything but 0 is a mistake. */
    root = saved_model(0);
    set_level(root, WL_FIELD_NAME, "m", 0, json_real(0.5));
    assert_refused(root, "m[0] (missing) is 0.5, must be 0");
}

static void test_rows_must_be_distributions(void **state)
{
    (void)state;
    json_t *root = saved_model(0);
    json_t *m = json_object_get(field(root, WL_FIELD_POB), "m");
    for (size_t l = 1; l < json_array_size(m); l++) json_array_set_new(m, l, json_real(0.9));
    assert_refused(root, "fields[5] (place_of_birth).m sums to 2.7");
    root = saved_model(0);
    json_array_remove(json_object_get(field(root, WL_FIELD_DOC), "u"), 1);
    assert_refused(root, "fields[2] (doc).u must be an array of 4 numbers");
}

static void test_levels_and_fields_checked(void **state)
{
    (void)state;
    json_t *root = saved_model(0);
    json_array_set_new(json_object_get(field(root, WL_FIELD_DOB), "levels"), 4, json_string("typo"));
    assert_refused(root, "fields[1] (dob).levels[4] is \"typo\", this engine's level 4 of dob is");
    root = saved_model(0);
    json_array_remove(json_object_get(field(root, WL_FIELD_TEXT), "levels"), 3);
    assert_refused(root, "(text).levels must name the 4 levels of text");
    root = saved_model(0);
    json_object_set_new(field(root, WL_FIELD_GENDER), "name", json_string("colour"));
    assert_refused(root, "fields[4]: unknown field \"colour\"");
    root = saved_model(0); /* doc listed twice, nationality never */
    json_array_set(json_object_get(root, "fields"), WL_FIELD_NAT, field(root, WL_FIELD_DOC));
    assert_refused(root, "field \"doc\" is listed twice");
    root = saved_model(0);
    json_array_remove(json_object_get(root, "fields"), 0);
    assert_refused(root, "\"fields\" must list the 7 compared fields");
    root = saved_model(0);
    json_object_set_new(field(root, WL_FIELD_DOB), "u_namesakes", json_array());
    assert_refused(root, "fields[1] (dob): unknown key \"u_namesakes\"");
}

static void test_header_checked(void **state)
{
    (void)state;
    static const struct {
        const char *key;
        const char *json; /* the value set, as JSON */
        const char *reason;
    } cases[] = {
        { "prior", "0", "\"prior\" is 0, not a probability in (0, 1)" },
        { "prior", "1", "\"prior\" is 1, not a probability in (0, 1)" },
        { "prior", "1.5", "\"prior\" is 1.5, outside" },
        { "prior", "\"0.5\"", "\"prior\" must be a number" },
        { "version", "2", "unsupported model version" },
        { "version", "\"1\"", "unsupported model version" },
        { "version", "1.0", "unsupported model version" },
        { "format", "\"other\"", "not a watchlink model" },
        { "engine", "7", "\"engine\" must be a string" },
        { "prio", "0.5", "unknown key \"prio\"" },
        { "fit", "{\"em_pairs\": -1}", "fit.em_pairs must be a count" },
        { "fit", "{\"em_pairz\": 1}", "fit: unknown key \"em_pairz\"" },
        { "name_tf", "{\"scale\": 0.5, \"cap\": 1e300, \"rare_mean\": [0,0,0,0,0,0]}", "name_tf.cap is 1e+300, outside" },
        { "name_tf", "{\"scale\": 0.5, \"cap\": 6, \"rare_mean\": [0,0,0,0,0]}", "name_tf.rare_mean must be an array of 6" },
        { "name_tf", "{\"scale\": 0.5, \"cap\": 6, \"rare_mean\": [0,0,0,0,0,-1]}", "name_tf.rare_mean[5] is -1, outside" },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        json_t *root = saved_model(0);
        json_t *v = json_loads(cases[k].json, JSON_DECODE_ANY, NULL);
        assert_non_null(v);
        json_object_set_new(root, cases[k].key, v);
        assert_refused(root, cases[k].reason);
    }
    json_t *root = saved_model(0);
    json_object_del(root, "name_tf");
    assert_refused(root, "\"name_tf\" must be an object");
    root = saved_model(0);
    json_object_del(root, "prior");
    assert_refused(root, "\"prior\" must be a number");
}

static void test_not_json_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "{", "[]", "{\"format\":\"other\"}", "{\"a\": 1e999}", "{\"a\": NaN}",
        "{\"format\":\"watchlink-model\",\"version\":99}",
        "{\"format\":\"watchlink-model\",\"version\":1,\"prior\":2}",
        "{\"format\":\"watchlink-model\",\"version\":1,\"prior\":0.1,\"fields\":[]}",
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char err[512] = "";
        assert_null(wl_model_from_json(bad[k], strlen(bad[k]), err, sizeof err));
        assert_true(err[0] != '\0');
    }
}

/* wl_model_load names the file first, then the place and the reason. */
static void test_load_error_names_file(void **state)
{
    (void)state;
    char err[512] = "";
    assert_null(wl_model_load("/nonexistent/model.json", err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/model.json"));
    char path[] = "/tmp/wl_model_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    json_t *root = saved_model(0);
    set_level(root, WL_FIELD_DOB, "u", 5, json_real(2.0));
    char *text = json_dumps(root, JSON_PRESERVE_ORDER);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    assert_null(wl_model_load(path, err, sizeof err));
    char want[256];
    snprintf(want, sizeof want, "%s: fields[1] (dob).u[5] (exact) is 2, not a probability in (0, 1]", path);
    assert_string_equal(err, want);
    unlink(path);
    free(text);
    json_decref(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_saved_model_loads_as_saved),
        cmocka_unit_test(test_partial_namesake_refused),
        cmocka_unit_test(test_probabilities_refused),
        cmocka_unit_test(test_rows_must_be_distributions),
        cmocka_unit_test(test_levels_and_fields_checked),
        cmocka_unit_test(test_header_checked),
        cmocka_unit_test(test_not_json_refused),
        cmocka_unit_test(test_load_error_names_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
