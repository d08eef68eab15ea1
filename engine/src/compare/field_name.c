/* field_name.c -- a compared field's name (the --explain column and the model
 * file's key) from its descriptor. Beside the descriptors rather than in
 * pipeline/, so that score/ (the model files) calls down the stage order. */
#include "compare/compare.h"

const char *wl_field_name(wl_field f)
{
    if ((unsigned)f >= WL_FIELD_COUNT) return NULL;
    return wl_fields[f].name;
}
