/* fuzz_name.c -- the name parser, the quoted segments and the text folder on hostile bytes: every kind of
 * name column, and folds into buffers from 1 byte up, must stay in bounds and give
 * well-formed parts (lowercase ASCII letters, digits and the slash of a/l). */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "normalise/name.h"

static wl_namectx *g_ctx;

static void check_part(const wl_namepart *p)
{
    if (p->len == 0 || p->canon_len == 0 || p->text[p->len] != 0 || p->canon[p->canon_len] != 0) abort();
    for (size_t i = 0; i < p->len; i++) {
        char c = p->text[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/')) abort();
    }
}

static void check_fold(const uint8_t *data, size_t size, size_t cap)
{
    char out[600];
    size_t n = wl_text_fold(g_ctx, (const char *)data, size, out, cap);
    if (n >= cap || out[n] != 0) abort();
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)out[i] >= 0x80) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!g_ctx && !(g_ctx = wl_namectx_create())) abort();
    wl_namepart parts[WL_NAME_MAX_PARTS];
    for (int kind = WL_NAME_FULL; kind <= WL_NAME_FAMILY; kind++) {
        int max = 1 + (int)(size % WL_NAME_MAX_PARTS);
        int n = wl_name_parse(g_ctx, (const char *)data, size, kind, parts, max);
        if (n < 0 || n > max) abort();
        for (int i = 0; i < n; i++) check_part(&parts[i]);
        /* The other reading (a Han run as a transcription): bounded, then gone. */
        n = wl_name_parse_alternative(g_ctx, (const char *)data, size, kind, parts, max);
        if (n < 0 || n > max) abort();
        for (int i = 0; i < n; i++) check_part(&parts[i]);
        if (wl_name_parse_alternative(g_ctx, (const char *)data, size, kind, parts, max) != 0) abort();
    }
    int bogus[] = { -1, 99 }; /* a kind no caller should pass: still bounded */
    for (int b = 0; b < 2; b++) {
        int n = wl_name_parse(g_ctx, (const char *)data, size, bogus[b], parts, WL_NAME_MAX_PARTS);
        if (n < 0 || n > WL_NAME_MAX_PARTS) abort();
    }
    /* Quoted segments: inside the value, in order, never overlapping, each
     * holding something, at most max of them. */
    wl_span q[5];
    size_t max_q = size % 5, nq = wl_name_quoted((const char *)data, size, q, max_q), end = 0;
    if (nq > max_q) abort();
    for (size_t k = 0; k < nq; k++) {
        if (q[k].off < end || q[k].len == 0 || q[k].off + q[k].len > size) abort();
        end = q[k].off + q[k].len;
    }
    check_fold(data, size, 1);
    check_fold(data, size, 7);
    check_fold(data, size, 600);
    return 0;
}
