/* outfile.c -- the command line's output files: the engine's whole-or-nothing
 * replacement (wl_file_replace, engine/src/common/file_replace.c: symlinks
 * followed, fifos and devices written in place, temporary + fsync + rename for
 * regular files), plus standard output for NULL and "-" and errors printed the
 * command line's way. */
#include <errno.h>
#include <string.h>

#include "cli.h"

int cli_out_open(cli_out *o, const char *path)
{
    memset(o, 0, sizeof *o);
    if (!path || !strcmp(path, "-")) {
        o->f = stdout;
        o->name = "standard output";
        return 0;
    }
    char err[512];
    if (wl_file_replace_open(&o->r, path, err, sizeof err) != 0) {
        cli_error("%s", err);
        return -1;
    }
    o->f = o->r.f;
    o->name = path;
    return 0;
}

int cli_out_commit(cli_out *o)
{
    if (o->f == stdout) {
        errno = 0;
        int bad = fflush(stdout) != 0 || ferror(stdout);
        if (bad) cli_error("cannot write %s: %s", o->name, errno ? strerror(errno) : "write error");
        memset(o, 0, sizeof *o);
        return bad ? -1 : 0;
    }
    char err[512];
    int rc = wl_file_replace_commit(&o->r, err, sizeof err);
    if (rc != 0) cli_error("%s", err);
    memset(o, 0, sizeof *o);
    return rc;
}

void cli_out_abort(cli_out *o)
{
    if (o->f && o->f != stdout) wl_file_replace_abort(&o->r);
    memset(o, 0, sizeof *o);
}
