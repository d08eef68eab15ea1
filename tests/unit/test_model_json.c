/* test_model_json.c -- the model file: a saved model loads back as it was, and a
 * hostile one (issue 16.3) is refused with the file, the place in it and the
 * reason, never scored with. Each hostile model is a valid saved model with one
 * edit, so each check below is the only thing that refuses it. Saving replaces
 * the file whole or not at all (issue 16.5). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
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

/* dob level 4 was called "swapped" until it was named for what it tests (a
 * keying error: issue 16.8): a model saved then still loads. */
static void test_renamed_level_loads(void **state)
{
    (void)state;
    json_t *root = saved_model(0);
    json_array_set_new(json_object_get(field(root, WL_FIELD_DOB), "levels"), WL_DOB_TYPO, json_string("swapped"));
    char *text = json_dumps(root, JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    char err[512] = "";
    wl_model *m = wl_model_from_json(text, strlen(text), err, sizeof err);
    if (!m) fail_msg("%s", err);
    wl_model_free(m);
    free(text);
    json_decref(root);
}

/* Issue 16.3's repro: u_namesake on some fields only scored inf. */
/* name_tf.from: the lowest name level the rarity adjustment applies to. Saved
 * and loaded as a level name; a model written before it existed adjusted exact
 * names only and keeps doing so; a name that is no name level is refused. */
static void test_tf_from(void **state)
{
    (void)state;
    json_t *root = saved_model(0);
    json_t *tf = json_object_get(root, "name_tf");
    assert_string_equal(json_string_value(json_object_get(tf, "from")), "jw92");
    char err[512] = "";
    char *text = json_dumps(root, JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    wl_model *m = wl_model_from_json(text, strlen(text), err, sizeof err);
    if (!m) fail_msg("%s", err);
    assert_int_equal(m->tf_from, WL_NAME_JW92);
    wl_model_free(m);
    free(text);

    json_object_del(tf, "from");
    text = json_dumps(root, JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    m = wl_model_from_json(text, strlen(text), err, sizeof err);
    if (!m) fail_msg("%s", err);
    assert_int_equal(m->tf_from, m->levels[WL_FIELD_NAME] - 1);
    wl_model_free(m);
    free(text);

    json_object_set_new(tf, "from", json_string("missing"));
    json_t *copy = json_deep_copy(root);
    assert_refused(copy, "name_tf.from must name a name level");
    json_object_set_new(tf, "from", json_integer(3));
    assert_refused(root, "name_tf.from must name a name level");
}

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
    json_array_set_new(json_object_get(field(root, WL_FIELD_DOB), "levels"), 4, json_string("typos"));
    assert_refused(root, "fields[1] (dob).levels[4] is \"typos\", this engine's level 4 of dob is \"typo\"");
    root = saved_model(0); /* the old name of a level elsewhere is still wrong */
    json_array_set_new(json_object_get(field(root, WL_FIELD_DOB), "levels"), 3, json_string("swapped"));
    assert_refused(root, "fields[1] (dob).levels[3] is \"swapped\"");
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

/* ---- saving ---- */

static char g_dir[] = "/tmp/wl_save_XXXXXX";

static void path_in_dir(char *buf, size_t cap, const char *name) { snprintf(buf, cap, "%s/%s", g_dir, name); }

/* Entries of the test directory other than . and .. */
static int dir_entries(void)
{
    DIR *d = opendir(g_dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return strdup(buf);
}

static int setup_dir(void **state)
{
    (void)state;
    return mkdtemp(g_dir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
    (void)state;
    DIR *d = opendir(g_dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        char p[512];
        path_in_dir(p, sizeof p, e->d_name);
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) unlink(p);
    }
    if (d) closedir(d);
    return rmdir(g_dir);
}

/* A new file gets 0666 less the umask (mkstemp alone gives 0600); a replaced
 * file keeps its mode; no temporary is left beside it. */
static void test_save_modes_and_no_temporary(void **state)
{
    (void)state;
    wl_model *m = wl_model_new();
    char path[512], err[512] = "";
    path_in_dir(path, sizeof path, "new.json");
    mode_t old = umask(027);
    assert_int_equal(wl_model_save(m, path, err, sizeof err), WL_OK);
    umask(old);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0640);
    assert_int_equal(dir_entries(), 1);
    assert_int_equal(chmod(path, 0604), 0);
    assert_int_equal(wl_model_save(m, path, err, sizeof err), WL_OK);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0604);
    assert_int_equal(dir_entries(), 1);
    wl_model *back = wl_model_load(path, err, sizeof err);
    assert_non_null(back);
    wl_model_free(back);
    unlink(path);
    wl_model_free(m);
}

/* A write error (the file-size limit stands in for a full disk: EFBIG, with
 * SIGXFSZ ignored) returns WL_IO naming the file, keeps the old file as it was
 * and leaves no temporary. */
static void test_save_write_error_keeps_old_file(void **state)
{
    (void)state;
    wl_model *m = wl_model_new();
    char path[512], err[512] = "";
    path_in_dir(path, sizeof path, "keep.json");
    FILE *f = fopen(path, "w");
    fputs("old model\n", f);
    fclose(f);
    struct rlimit saved, small;
    getrlimit(RLIMIT_FSIZE, &saved);
    small = saved;
    small.rlim_cur = 512; /* a model is a few kilobytes */
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    setrlimit(RLIMIT_FSIZE, &small);
    wl_status st = wl_model_save(m, path, err, sizeof err);
    setrlimit(RLIMIT_FSIZE, &saved);
    signal(SIGXFSZ, prev);
    assert_int_equal(st, WL_IO);
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "cannot write"));
    char *text = slurp(path);
    assert_string_equal(text, "old model\n");
    free(text);
    assert_int_equal(dir_entries(), 1);
    unlink(path);
    /* A directory that does not exist: an error naming the path. */
    path_in_dir(path, sizeof path, "no/such/dir/model.json");
    assert_int_equal(wl_model_save(m, path, err, sizeof err), WL_IO);
    assert_non_null(strstr(err, path));
    wl_model_free(m);
}

/* Saving through a symlink writes its target and keeps the link. */
static void test_save_through_symlink(void **state)
{
    (void)state;
    wl_model *m = wl_model_new();
    char link[512], target[512], err[512] = "";
    path_in_dir(link, sizeof link, "current.json");
    path_in_dir(target, sizeof target, "reviewed.json");
    assert_int_equal(symlink("reviewed.json", link), 0);
    assert_int_equal(wl_model_save(m, link, err, sizeof err), WL_OK);
    struct stat st;
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    wl_model *back = wl_model_load(target, err, sizeof err);
    assert_non_null(back);
    wl_model_free(back);
    assert_int_equal(dir_entries(), 2);
    unlink(link);
    unlink(target);
    wl_model_free(m);
}

/* Two saves of one path at once (two nightly train runs): each writes its own
 * temporary, so both succeed and the file is always one whole model. With the
 * old fixed "path.tmp" one run's rename found the other's temporary gone, or
 * renamed a file the other had just truncated. */
typedef struct {
    const wl_model *m;
    const char *path;
    int failures;
} saver;

static void *save_loop(void *arg)
{
    saver *s = arg;
    for (int k = 0; k < 40; k++) {
        char err[512];
        s->failures += wl_model_save(s->m, s->path, err, sizeof err) != WL_OK;
    }
    return NULL;
}

static void test_concurrent_saves(void **state)
{
    (void)state;
    wl_model *a = wl_model_new(), *b = wl_model_new();
    b->prior = 0.25;
    char path[512], err[512] = "";
    path_in_dir(path, sizeof path, "shared.json");
    saver sa = { a, path, 0 }, sb = { b, path, 0 };
    pthread_t ta, tb;
    assert_int_equal(pthread_create(&ta, NULL, save_loop, &sa), 0);
    assert_int_equal(pthread_create(&tb, NULL, save_loop, &sb), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    assert_int_equal(sa.failures + sb.failures, 0);
    wl_model *back = wl_model_load(path, err, sizeof err);
    assert_non_null(back);
    assert_true(back->prior == a->prior || back->prior == b->prior);
    wl_model_free(back);
    assert_int_equal(dir_entries(), 1);
    unlink(path);
    wl_model_free(a);
    wl_model_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_saved_model_loads_as_saved),
        cmocka_unit_test(test_renamed_level_loads),
        cmocka_unit_test(test_tf_from),
        cmocka_unit_test(test_partial_namesake_refused),
        cmocka_unit_test(test_probabilities_refused),
        cmocka_unit_test(test_rows_must_be_distributions),
        cmocka_unit_test(test_levels_and_fields_checked),
        cmocka_unit_test(test_header_checked),
        cmocka_unit_test(test_not_json_refused),
        cmocka_unit_test(test_load_error_names_file),
        cmocka_unit_test(test_save_modes_and_no_temporary),
        cmocka_unit_test(test_save_write_error_keeps_old_file),
        cmocka_unit_test(test_save_through_symlink),
        cmocka_unit_test(test_concurrent_saves),
    };
    return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
