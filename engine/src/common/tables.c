/* tables.c -- lookup and line iteration over the embedded datasets/tables. */
#include "common/tables.h"

#include <string.h>

struct wl_table_entry { const char *name; const char *data; size_t len; };
extern const struct wl_table_entry wl_table_entries[];

const char *wl_table_get(const char *name, size_t *len)
{
    for (const struct wl_table_entry *e = wl_table_entries; e->name; e++) {
        if (strcmp(e->name, name) == 0) {
            if (len) *len = e->len;
            return e->data;
        }
    }
    if (len) *len = 0;
    return NULL;
}

void wl_table_iter_init(wl_table_iter *it, const char *data, size_t len)
{
    it->p = data;
    it->end = data ? data + len : data;
    it->line = 0;
}

int wl_table_next(wl_table_iter *it, const char **f, size_t *flen, int max)
{
    while (it->p && it->p < it->end) {
        const char *s = it->p;
        const char *e = memchr(s, '\n', (size_t)(it->end - s));
        if (!e) e = it->end;
        it->p = e < it->end ? e + 1 : it->end;
        it->line++;
        const char *le = e;
        if (le > s && le[-1] == '\r') le--;
        if (le == s || *s == '#') continue;
        int n = 0;
        const char *q = s;
        while (n < max) {
            const char *t = memchr(q, '\t', (size_t)(le - q));
            const char *fe = t ? t : le;
            f[n] = q;
            flen[n] = (size_t)(fe - q);
            n++;
            if (!t) break;
            q = t + 1;
        }
        return n;
    }
    return 0;
}
