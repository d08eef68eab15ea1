/* test_translit_fail.c -- a transliterator ICU cannot open is reported, not
 * silent (issue 16.7). Its script then has no Latin reading for the rest of the
 * process; that once happened without a word. The rules of one script are
 * replaced through the test hook by text ICU rejects; the failure must be
 * written to standard error once (however many names and contexts meet it),
 * be listed by wl_translit_failures with ICU's reason, and leave the other
 * scripts working. A process of its own: the prototypes live per process. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "capture.h"
#include "normalise/name.h"
#include "watchlink.h"

static char g_out[3][256];

/* Three Hebrew names in two contexts, and a Russian one. */
static void fold_names(void *unused)
{
    (void)unused;
    static const char *const heb[] = { "דוד כהן", "משה לוי" };
    wl_namectx *a = wl_namectx_create(), *b = wl_namectx_create();
    assert_non_null(a);
    assert_non_null(b);
    wl_text_fold(a, heb[0], strlen(heb[0]), g_out[0], sizeof g_out[0]);
    wl_text_fold(b, heb[1], strlen(heb[1]), g_out[1], sizeof g_out[1]);
    wl_text_fold(a, heb[1], strlen(heb[1]), g_out[1], sizeof g_out[1]);
    const char *ru = "Иван Петров";
    wl_text_fold(b, ru, strlen(ru), g_out[2], sizeof g_out[2]);
    wl_namectx_free(a);
    wl_namectx_free(b);
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle)) n++;
    return n;
}

static void test_failed_script_is_reported_once(void **state)
{
    (void)state;
    char list[512];
    assert_int_equal(wl_translit_failures(list, sizeof list), 0);
    assert_string_equal(list, "");
    wl_translit_test_rules("name_translit_hebrew", "\xd7\x90 > a ;\n[[[ not a rule\n");
    char *err = capture_stderr(fold_names, NULL);
    wl_translit_test_rules(NULL, NULL);
    assert_int_equal(count(err, "warning"), 1);
    assert_int_equal(count(err, "wl-Hebrew-Latin"), 1);
    assert_int_equal(count(err, "\n"), 1);
    free(err);
    /* Hebrew has no Latin reading; Russian still has one. */
    for (int k = 0; k < 2; k++)
        for (const char *p = g_out[k]; *p; p++) assert_false(*p >= 'a' && *p <= 'z');
    assert_string_equal(g_out[2], "ivan petrov");
    assert_int_equal(wl_translit_failures(list, sizeof list), 1);
    assert_non_null(strstr(list, "wl-Hebrew-Latin (U_"));
    /* cut to the buffer, never past it */
    char small[8];
    assert_int_equal(wl_translit_failures(small, sizeof small), 1);
    assert_int_equal(strlen(small), sizeof small - 1);
}

/* wl_run over a list written to a temporary file; @return the run's stats. */
static wl_stats run_list(const char *csv)
{
    char path[] = "/tmp/wl_translit_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, csv, strlen(csv)), (ssize_t)strlen(csv));
    close(fd);
    wl_dataset *ds = wl_dataset_create();
    assert_non_null(ds);
    wl_read_options ro = wl_read_default_options();
    char err[256];
    assert_int_equal(wl_dataset_read(ds, path, &ro, NULL, err, sizeof err), WL_OK);
    unlink(path);
    wl_options opt = wl_default_options();
    opt.threads = 1;
    wl_result *r = NULL;
    assert_int_equal(wl_run(ds, &opt, NULL, NULL, NULL, &r, err, sizeof err), WL_OK);
    wl_stats st = *wl_result_stats(r);
    wl_result_free(r);
    wl_dataset_free(ds);
    return st;
}

static const char HEBREW_LIST[] = "id,full_name,dob\n"
                                  "1,\xd7\x93\xd7\x95\xd7\x93 \xd7\x9b\xd7\x94\xd7\x9f,1980-01-02\n"
                                  "2,David Cohen,1980-01-02\n"
                                  "3,Ivan Petrov,1975-05-06\n";

/* Before any failure a run's summary names none (and so does a run that never
 * met the script). Runs first: the failure below lasts for the process. */
static void test_clean_run_reports_none(void **state)
{
    (void)state;
    wl_stats st = run_list("id,full_name,dob\n1,David Cohen,1980-01-02\n2,Ivan Petrov,1975-05-06\n");
    assert_int_equal(st.translit_failures, 0);
    assert_string_equal(st.translit_failed, "");
}

/* The failure reaches the run's stats, so the summary (cli/output.c) and a
 * library caller see it, not only standard error (issue 16.7). */
static void test_run_stats_carry_the_failure(void **state)
{
    (void)state;
    wl_stats st = run_list(HEBREW_LIST);
    assert_int_equal(st.translit_failures, 1);
    assert_non_null(strstr(st.translit_failed, "wl-Hebrew-Latin (U_"));
    assert_true(strlen(st.translit_failed) < sizeof st.translit_failed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_run_reports_none),
        cmocka_unit_test(test_failed_script_is_reported_once),
        cmocka_unit_test(test_run_stats_carry_the_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
