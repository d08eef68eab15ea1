/* outfile.c -- output files that are either whole or absent.
 *
 * Atomic replacement (write a temporary file, fsync it, rename it over the
 * target, fsync the directory: the sequence SQLite's and LMDB's documentation
 * give for durable replacement on POSIX file systems) is right only for a
 * regular file or a path that does not exist yet. Renaming over a symlink
 * replaces the link and leaves its target stale; renaming over a fifo or a
 * device replaces the node. So the target is resolved first: symlinks are
 * followed (a dangling one names the file to create), and anything that exists
 * and is not a regular file is written in place. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

enum { MAX_LINKS = 40 }; /* as Linux's MAXSYMLINKS: a loop is reported, not followed */

/* The directory part of path ("." when it has none); caller frees. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return strdup(".");
    if (slash == path) return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

/* Follows symlinks from path to the name that will really be written.
 * @return a malloc'd path, or NULL with errno set (ELOOP, ENOMEM, ...). */
static char *resolve(const char *path)
{
    char *cur = strdup(path);
    for (int hops = 0; cur; hops++) {
        struct stat st;
        if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode)) return cur; /* absent or not a link */
        if (hops == MAX_LINKS) {
            free(cur);
            errno = ELOOP;
            return NULL;
        }
        char buf[PATH_MAX];
        ssize_t n = readlink(cur, buf, sizeof buf - 1);
        if (n < 0) {
            free(cur);
            return NULL;
        }
        buf[n] = '\0';
        char *next;
        if (buf[0] == '/') {
            next = strdup(buf);
        } else { /* relative to the link's own directory */
            char *dir = dir_of(cur);
            size_t len = dir ? strlen(dir) + 1 + (size_t)n + 1 : 0;
            next = dir ? malloc(len) : NULL;
            if (next) snprintf(next, len, "%s/%s", dir, buf);
            free(dir);
        }
        free(cur);
        cur = next;
    }
    errno = ENOMEM;
    return NULL;
}

static void out_clear(cli_out *o)
{
    free(o->path);
    free(o->tmp);
    memset(o, 0, sizeof *o);
}

int cli_out_open(cli_out *o, const char *path)
{
    memset(o, 0, sizeof *o);
    if (!path || !strcmp(path, "-")) {
        o->f = stdout;
        o->name = "standard output";
        return 0;
    }
    o->name = path;
    o->path = resolve(path);
    if (!o->path) {
        cli_error("cannot write %s: %s", path, strerror(errno));
        out_clear(o);
        return -1;
    }
    struct stat st;
    int exists = stat(o->path, &st) == 0;
    if (exists && S_ISDIR(st.st_mode)) {
        cli_error("cannot write %s: it is a directory", path);
        out_clear(o);
        return -1;
    }
    if (exists && !S_ISREG(st.st_mode)) { /* fifo, device, socket: write in place */
        o->f = fopen(o->path, "wb");
        if (!o->f) {
            cli_error("cannot write %s: %s", path, strerror(errno));
            out_clear(o);
            return -1;
        }
        free(o->path);
        o->path = NULL;
        o->name = path;
        return 0;
    }
    char *dir = dir_of(o->path);
    const char *base = strrchr(o->path, '/') ? strrchr(o->path, '/') + 1 : o->path;
    size_t len = dir ? strlen(dir) + strlen(base) + 16 : 0;
    o->tmp = dir ? malloc(len) : NULL;
    if (!o->tmp) {
        free(dir);
        cli_error("out of memory");
        out_clear(o);
        return -1;
    }
    snprintf(o->tmp, len, "%s/.%s.XXXXXX", dir, base);
    free(dir);
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        cli_error("cannot write %s: %s", path, strerror(errno));
        free(o->tmp);
        o->tmp = NULL;
        out_clear(o);
        return -1;
    }
    /* mkstemp creates mode 0600; the result gets the mode a plain create would
     * (0666 less the umask), or keeps the mode of the file it replaces. */
    mode_t mask = umask(0);
    umask(mask);
    (void)fchmod(fd, exists ? (st.st_mode & 07777) : (0666 & ~mask));
    o->f = fdopen(fd, "wb");
    if (!o->f) {
        cli_error("cannot write %s: %s", path, strerror(errno));
        close(fd);
        unlink(o->tmp);
        out_clear(o);
        return -1;
    }
    return 0;
}

/* fsyncs the directory holding path, so the rename itself survives a crash. */
static int sync_dir(const char *path)
{
    char *dir = dir_of(path);
    if (!dir) return -1;
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    free(dir);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    /* Some file systems refuse fsync on a directory; the data is synced already. */
    if (rc != 0 && (errno == EINVAL || errno == EROFS)) rc = 0;
    close(fd);
    return rc;
}

int cli_out_commit(cli_out *o)
{
    if (o->f == stdout) {
        int bad = fflush(stdout) != 0 || ferror(stdout);
        if (bad) cli_error("cannot write %s: %s", o->name, errno ? strerror(errno) : "write error");
        memset(o, 0, sizeof *o);
        return bad ? -1 : 0;
    }
    errno = 0;
    int bad = fflush(o->f) != 0 || ferror(o->f);
    if (!bad && o->tmp && fsync(fileno(o->f)) != 0) bad = 1;
    int saved = errno;
    if (fclose(o->f) != 0 && !bad) {
        bad = 1;
        saved = errno;
    }
    o->f = NULL;
    if (!bad && o->tmp && rename(o->tmp, o->path) != 0) {
        bad = 1;
        saved = errno;
    }
    if (bad) {
        cli_error("cannot write %s: %s", o->name, saved ? strerror(saved) : "write error");
        if (o->tmp) unlink(o->tmp);
        out_clear(o);
        return -1;
    }
    if (o->tmp && sync_dir(o->path) != 0) {
        cli_error("cannot sync the directory of %s: %s", o->name, strerror(errno));
        out_clear(o);
        return -1;
    }
    out_clear(o);
    return 0;
}

void cli_out_abort(cli_out *o)
{
    if (o->f && o->f != stdout) fclose(o->f);
    if (o->tmp) unlink(o->tmp);
    out_clear(o);
}
