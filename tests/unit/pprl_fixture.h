/* pprl_fixture.h -- what the encoding tests (test_pprl.c, test_pprl_fields.c)
 * share: a key, a list read from text into features, a schema with one string
 * of its JSON replaced, and an encoding of a list. Header-only, like
 * features_fixture.h: each test program includes it once. */
#ifndef WL_PPRL_FIXTURE_H
#define WL_PPRL_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pprl/pprl.h"

static const uint8_t KEY1[] = "0123456789abcdef0123456789abcdef";

typedef struct {
    wl_dataset *ds;
    wl_features *f;
} list_fx;

/* The CSV text as a list of the given source, read and normalised. */
static list_fx read_list(const char *text, const char *source)
{
    char path[] = "/tmp/wl_pprl_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    list_fx fx = { wl_dataset_create(), NULL };
    wl_read_options ro = wl_read_default_options();
    ro.source = source;
    char err[256];
    assert_int_equal(wl_dataset_read(fx.ds, path, &ro, NULL, err, sizeof err), WL_OK);
    unlink(path);
    fx.f = wl_features_build(fx.ds, 1);
    assert_non_null(fx.f);
    return fx;
}

static void free_list(list_fx *fx)
{
    wl_features_free(fx->f);
    wl_dataset_free(fx->ds);
}

/* The schema JSON def with the string from replaced by to (from NULL: def as it is). */
static wl_pprl_schema *schema_from(const char *def, const char *from, const char *to)
{
    char buf[4096];
    const char *at = from ? strstr(def, from) : NULL;
    if (from) assert_non_null(at);
    if (at) snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - def), def, to, at + strlen(from));
    else snprintf(buf, sizeof buf, "%s", def);
    char err[256] = "";
    wl_pprl_schema *s = wl_pprl_schema_parse(buf, strlen(buf), "test", err, sizeof err);
    if (!s) fail_msg("%s", err);
    return s;
}

static wl_encoded *encode_with(const list_fx *fx, const wl_pprl_schema *s, const uint8_t *key, int threads)
{
    wl_encoded *e = NULL;
    char err[256] = "";
    assert_int_equal(wl_pprl_encode(fx->f, s, key, 32, threads, &e, err, sizeof err), WL_OK);
    return e;
}

#endif
