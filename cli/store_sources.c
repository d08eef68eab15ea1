/* store_sources.c -- a night's lists named as the store named them
 * (store_sources.h).
 *
 * Two lists indexed with one file name are stored under their folders' names
 * (x/one/list, y/one/list: cli_source_names). The next night the same file,
 * sent alone, would be named plain "list", and its rows would come in as new
 * records beside their stored selves: the file the analyst sent is the one the
 * store holds, so it is read under the name the store gave it. A list whose
 * plain name the store holds, or named with --source, is left as it is.
 */
#include <stdio.h>
#include <string.h>

#include "store_sources.h"

/* 1 when the store holds a record of source `name`, 0 when not, -1 on error
 * (the index on (source, id) answers without a scan). */
static int stored_source(const store *s, const char *name)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM records WHERE source = ? LIMIT 1", -1, &st, NULL) != SQLITE_OK) {
        cli_error("%s: reading its sources: %s", s->path, sqlite3_errmsg(s->db));
        return -1;
    }
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        cli_error("%s: reading its sources: %s", s->path, sqlite3_errmsg(s->db));
        return -1;
    }
    return rc == SQLITE_ROW;
}

static int taken_by_other(const cli_opts *o, char (*names)[128], size_t i, const char *name)
{
    for (size_t j = 0; j < o->n_lists; j++)
        if (j != i && !strcmp(names[j], name)) return 1;
    return 0;
}

int store_source_names(const store *s, const cli_opts *o, char (*names)[128])
{
    if (cli_source_names(o, names) != 0) return -1;
    for (size_t i = o->n_sources; i < o->n_lists; i++) {
        int held = stored_source(s, names[i]);
        if (held < 0) return -1;
        char q[128];
        for (int level = 1; !held && cli_source_qualified(o->lists[i], level, q, sizeof q) == 0; level++) {
            if (!q[0] || !strcmp(q, names[i]) || taken_by_other(o, names, i, q)) continue;
            if ((held = stored_source(s, q)) < 0) return -1;
            if (!held) continue;
            if (!o->quiet)
                fprintf(stderr, "note: %s is read as source '%s', the store's name for that file (--source "
                                "names it otherwise)\n", o->lists[i], q);
            memcpy(names[i], q, sizeof q);
        }
    }
    return 0;
}
