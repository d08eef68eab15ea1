/* file_replace.c -- whole-or-nothing file replacement.
 *
 * The sequence is the one SQLite's and LMDB's documentation give for durable
 * replacement on POSIX file systems: write a temporary file in the target's
 * directory (rename is atomic only within one file system), fsync it, rename it
 * over the target, fsync the directory so the rename itself survives a crash.
 * The temporary comes from mkstemp, never a fixed "path.tmp": two runs saving one
 * model at once each write their own temporary, and the last rename wins whole
 * (issue 16.5). Renaming over a symlink would replace the link, and over a fifo
 * or device would replace the node, so symlinks are followed first and anything
 * that exists and is not a regular file is written in place. The command line's
 * -o, --clusters, --rejects and --report files use it too (cli/outfile.c). */
#include "common/file_replace.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/common.h"

enum { MAX_LINKS = 40 }; /* as Linux's MAXSYMLINKS: a loop is reported, not followed */

/* The directory part of path ("." when it has none); caller frees. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return strdup(".");
    if (slash == path) return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

/* A link's target, relative to the link's own directory. */
static char *link_target(const char *link, const char *to)
{
    if (to[0] == '/') return strdup(to);
    char *dir = dir_of(link);
    size_t len = dir ? strlen(dir) + strlen(to) + 2 : 0;
    char *p = dir ? malloc(len) : NULL;
    if (p) snprintf(p, len, "%s/%s", dir, to);
    free(dir);
    return p;
}

/* Follows symlinks from path to the name that will really be written (a dangling
 * link names the file to create). @return a malloc'd path, or NULL with errno. */
static char *resolve(const char *path)
{
    char *cur = strdup(path);
    for (int hops = 0; cur; hops++) {
        struct stat st;
        if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode)) return cur;
        char buf[PATH_MAX];
        ssize_t n = hops == MAX_LINKS ? -1 : readlink(cur, buf, sizeof buf - 1);
        if (hops == MAX_LINKS) errno = ELOOP;
        char *next = NULL;
        if (n >= 0) {
            buf[n] = '\0';
            next = link_target(cur, buf);
            if (!next) errno = ENOMEM;
        }
        free(cur);
        cur = next;
    }
    return NULL;
}

/* The process umask, read without changing it: umask(2) can only be read by
 * setting it, which would race with any other thread creating a file. Linux
 * reports it in /proc/self/status since 4.7; elsewhere the set-and-restore. */
static mode_t current_umask(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "Umask:", 6)) {
            fclose(f);
            return (mode_t)strtoul(line + 6, NULL, 8);
        }
    if (f) fclose(f);
    mode_t mask = umask(0);
    umask(mask);
    return mask;
}

static void clear(wl_file_replace *r)
{
    free(r->path);
    free(r->tmp);
    memset(r, 0, sizeof *r);
}

static int fail(wl_file_replace *r, int e, char *err, size_t errcap)
{
    wl_set_error(err, errcap, "%s: cannot write: %s", r->name, e ? strerror(e) : "write error");
    clear(r);
    return -1;
}

/* Creates the temporary beside r->path with the mode the target will have. */
static int open_temp(wl_file_replace *r, const struct stat *old, int exists)
{
    char *dir = dir_of(r->path);
    const char *base = strrchr(r->path, '/') ? strrchr(r->path, '/') + 1 : r->path;
    size_t len = dir ? strlen(dir) + strlen(base) + 16 : 0;
    r->tmp = dir ? malloc(len) : NULL;
    if (!r->tmp) {
        free(dir);
        errno = ENOMEM;
        return -1;
    }
    snprintf(r->tmp, len, "%s/.%s.XXXXXX", dir, base);
    free(dir);
    int fd = mkstemp(r->tmp);
    if (fd < 0) {
        free(r->tmp);
        r->tmp = NULL;
        return -1;
    }
    /* mkstemp creates mode 0600: give the file the mode a plain create would
     * (0666 less the umask), or keep the mode of the file it replaces. */
    mode_t mode = exists ? (old->st_mode & 07777) : (0666 & ~current_umask());
    if (fchmod(fd, mode) != 0 || !(r->f = fdopen(fd, "wb"))) {
        int e = errno;
        close(fd);
        unlink(r->tmp);
        errno = e;
        return -1;
    }
    return 0;
}

int wl_file_replace_open(wl_file_replace *r, const char *path, char *err, size_t errcap)
{
    memset(r, 0, sizeof *r);
    r->name = path;
    /* /dev/stdout on a pipe links to /proc/self/fd/1 and on to "pipe:[N]",
     * which names no file: followed by hand it failed (ENOENT). Whatever the
     * kernel opens through its links as a fifo, device or socket, and anything
     * under /dev or /proc (/dev/stdout on a file the shell opened: >> appends),
     * is written in place by its own name. */
    struct stat st0;
    int in_dev = !strncmp(path, "/dev/", 5) || !strncmp(path, "/proc/", 6);
    if (stat(path, &st0) == 0 && !S_ISDIR(st0.st_mode) && (!S_ISREG(st0.st_mode) || in_dev)) {
        r->path = strdup(path);
        r->f = r->path ? fopen(path, S_ISREG(st0.st_mode) ? "ab" : "wb") : NULL;
        return r->f ? 0 : fail(r, r->path ? errno : ENOMEM, err, errcap);
    }
    r->path = resolve(path);
    if (!r->path) return fail(r, errno, err, errcap);
    struct stat st;
    int exists = stat(r->path, &st) == 0;
    if (exists && S_ISDIR(st.st_mode)) {
        wl_set_error(err, errcap, "%s: cannot write: it is a directory", path);
        clear(r);
        return -1;
    }
    if (exists && !S_ISREG(st.st_mode)) { /* fifo, device, socket: in place */
        r->f = fopen(r->path, "wb");
        return r->f ? 0 : fail(r, errno, err, errcap);
    }
    return open_temp(r, &st, exists) == 0 ? 0 : fail(r, errno, err, errcap);
}

/* fsyncs the directory holding path, so the rename itself survives a crash. */
static int sync_dir(const char *path)
{
    char *dir = dir_of(path);
    int fd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    free(dir);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    /* Some file systems refuse fsync on a directory; the data is synced already. */
    if (rc != 0 && (errno == EINVAL || errno == EROFS)) rc = 0;
    close(fd);
    return rc;
}

int wl_file_replace_commit(wl_file_replace *r, char *err, size_t errcap)
{
    errno = 0;
    int bad = fflush(r->f) != 0 || ferror(r->f);
    if (!bad && r->tmp && fsync(fileno(r->f)) != 0) bad = 1;
    int e = errno;
    if (fclose(r->f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    r->f = NULL;
    if (!bad && r->tmp && rename(r->tmp, r->path) != 0) {
        bad = 1;
        e = errno;
    }
    if (bad) {
        if (r->tmp) unlink(r->tmp);
        return fail(r, e, err, errcap);
    }
    if (r->tmp && sync_dir(r->path) != 0) {
        wl_set_error(err, errcap, "%s: cannot sync its directory: %s", r->name, strerror(errno));
        clear(r);
        return -1;
    }
    clear(r);
    return 0;
}

void wl_file_replace_abort(wl_file_replace *r)
{
    if (r->f) fclose(r->f);
    if (r->tmp) unlink(r->tmp);
    clear(r);
}
