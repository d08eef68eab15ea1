/* api.c -- version, status messages and role/field names, all from the X-macro
 * tables of watchlink.h so that codes and strings cannot drift apart. */
#include <strings.h>

#include "block/block.h"
#include "compare/compare.h"
#include "common/common.h"

/* The public WL_BLOCK_* bits of wl_options.block_keys select the internal key
 * kinds by position (block.c collect_blocks tests bit 1 << kind): a kind added, removed or
 * reordered on one side only would silently switch on another key. The pipeline
 * is where the public header meets the stages, so the tie is checked here. */
_Static_assert(WL_BLOCK_PHONETIC_YEAR == 1u << WL_KIND_PHONETIC_YEAR, "WL_BLOCK_PHONETIC_YEAR");
_Static_assert(WL_BLOCK_PART_PAIR == 1u << WL_KIND_PART_PAIR, "WL_BLOCK_PART_PAIR");
_Static_assert(WL_BLOCK_DOC == 1u << WL_KIND_DOC, "WL_BLOCK_DOC");
_Static_assert(WL_BLOCK_FULL_NAME == 1u << WL_KIND_FULL_NAME, "WL_BLOCK_FULL_NAME");
_Static_assert(WL_BLOCK_SKELETON_NAT == 1u << WL_KIND_SKELETON_NAT, "WL_BLOCK_SKELETON_NAT");
_Static_assert(WL_BLOCK_PART_DOB == 1u << WL_KIND_PART_DOB, "WL_BLOCK_PART_DOB");
_Static_assert(WL_BLOCK_DEFAULT == (1u << WL_KIND_COUNT) - 1, "WL_BLOCK_DEFAULT: every kind, no other bit");
_Static_assert(WL_KIND_COUNT <= 1 << (64 - WL_KEY_KIND_SHIFT), "key kinds fit the key's top bits");

const char *wl_version(void) { return WL_VERSION_STRING; }

const char *wl_strerror(wl_status st)
{
    static const char *const msg[] = {
#define WL_STATUS_MSG_(name, text) text,
        WL_STATUS_MAP(WL_STATUS_MSG_)
#undef WL_STATUS_MSG_
    };
    if ((unsigned)st >= WL_ARRAY_SIZE(msg)) return "unknown status";
    return msg[st];
}

static const char *const g_role_names[] = {
#define WL_ROLE_STR_(name, text) text,
    WL_ROLE_MAP(WL_ROLE_STR_)
#undef WL_ROLE_STR_
};

const char *wl_role_name(wl_role role)
{
    if ((unsigned)role >= WL_ROLE_COUNT) return NULL;
    return g_role_names[role];
}

int wl_role_from_name(const char *name)
{
    if (!name) return -1;
    for (int r = 0; r < WL_ROLE_COUNT; r++)
        if (strcasecmp(name, g_role_names[r]) == 0) return r;
    return -1;
}

const char *wl_field_name(wl_field f)
{
    if ((unsigned)f >= WL_FIELD_COUNT) return NULL;
    return wl_fields[f].name;
}
