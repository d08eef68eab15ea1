/* api.c -- version, status messages and role/field names, all from the X-macro
 * tables of watchlink.h so that codes and strings cannot drift apart. */
#include <strings.h>

#include "common/common.h"

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
    static const char *const names[] = {
#define WL_FIELD_STR_(name, text) text,
        WL_FIELD_MAP(WL_FIELD_STR_)
#undef WL_FIELD_STR_
    };
    if ((unsigned)f >= WL_FIELD_COUNT) return NULL;
    return names[f];
}
