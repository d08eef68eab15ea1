/* labels.c -- the version, status messages and role names, all from the
 * X-macro tables of watchlink.h so that codes and strings cannot drift apart.
 * They sit in common/ because every stage names roles and statuses (the column
 * mapping of read/, the model files of score/): a stage calling up into
 * pipeline/ for them would run against the stage order (engine/src/README.md,
 * checked by tests/lint/link_graph.py). */
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
