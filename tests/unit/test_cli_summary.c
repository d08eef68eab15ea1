/* test_cli_summary.c -- the run summary the command line prints on standard
 * error (cli/output.c out_summary). A transliterator ICU could not give the
 * process was warned about once on stderr, wherever in the log that landed;
 * the summary now says it beside the run's other warnings, naming the
 * transliterators (issue 16.7). The summary of a clean run keeps its lines. */
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
#include "output.h"

static void summarise(void *s) { out_summary(s, 0); }

/* The summary of s, as out_summary writes it to standard error. */
static char *summary_of(const wl_stats *s)
{
    wl_stats copy = *s;
    char *text = capture_stderr(summarise, &copy);
    assert_true(text[0] != '\0');
    return text;
}

static wl_stats some_run(void)
{
    wl_stats s;
    memset(&s, 0, sizeof s);
    s.records = 3;
    s.sources = 1;
    s.candidates = 2;
    s.pairs = 1;
    s.clusters = 2;
    s.largest_cluster = 2;
    s.threads = 1;
    return s;
}

static void test_clean_run_has_no_icu_warning(void **state)
{
    (void)state;
    wl_stats s = some_run();
    char *text = summary_of(&s);
    assert_non_null(strstr(text, "summary: 3 records from 1 source"));
    assert_null(strstr(text, "ICU"));
    assert_null(strstr(text, "warning"));
    free(text);
}

static void test_icu_failure_is_in_the_summary(void **state)
{
    (void)state;
    wl_stats s = some_run();
    s.translit_failures = 1;
    snprintf(s.translit_failed, sizeof s.translit_failed, "wl-Hebrew-Latin (U_RULE_MASK_ERROR)");
    char *text = summary_of(&s);
    const char *w = strstr(text, "warning: ICU could not give 1 transliterator (wl-Hebrew-Latin (U_RULE_MASK_ERROR)): "
                                 "names in that script got no Latin reading");
    assert_non_null(w);
    assert_non_null(strstr(text, "summary: 3 records")); /* the rest of the summary stays */
    free(text);

    s.translit_failures = 2;
    snprintf(s.translit_failed, sizeof s.translit_failed, "Any-Latin (U_MISSING_RESOURCE_ERROR); wl-Hebrew-Latin (U_X)");
    text = summary_of(&s);
    assert_non_null(strstr(text, "could not give 2 transliterators (Any-Latin (U_MISSING_RESOURCE_ERROR); "
                                 "wl-Hebrew-Latin (U_X)): names in those scripts"));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_run_has_no_icu_warning),
        cmocka_unit_test(test_icu_failure_is_in_the_summary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
