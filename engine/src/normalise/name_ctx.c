/*
 * name_ctx.c -- the name context's lifetime. A context ties together what the
 * folding (name_fold.c: its cache, the transliterators of name_translit.c) and
 * the parsing (name_parse.c: its cache of part keys) keep between calls. It is
 * made here, above both, so that the fold does not call into the parser that
 * calls the fold.
 */
#include <stdlib.h>

#include "normalise/name.h"

wl_namectx *wl_namectx_create(void)
{
    if (wl_name_lex_init() != 0) return NULL;
    wl_namectx *ctx = calloc(1, sizeof *ctx);
    if (!ctx) return NULL;
    ctx->cache = wl_foldcache_new();
    ctx->keys = wl_keycache_new();
    if (!ctx->cache || !ctx->keys) {
        wl_namectx_free(ctx);
        return NULL;
    }
    return ctx;
}

void wl_namectx_free(wl_namectx *ctx)
{
    if (!ctx) return;
    wl_translit_free(ctx->tr);
    free(ctx->cache);
    free(ctx->keys);
    free(ctx);
}
