/*
 * file_replace.h -- a file the engine writes (a model) is either the whole new
 * file or the old one, never half of either.
 * Internal: not API (see engine/include/watchlink.h).
 */
#ifndef WL_FILE_REPLACE_H
#define WL_FILE_REPLACE_H

#include <stdio.h>

typedef struct {
    FILE *f;        /* write here between open and commit */
    char *path;     /* the file really written (symlinks followed) */
    char *tmp;      /* the temporary beside it, or NULL when written in place */
    const char *name; /* the path as given, for messages */
} wl_file_replace;

/**
 * Opens a replacement for path: a regular file (or a path that does not exist
 * yet, or a symlink to either) is written to a mkstemp file beside its real
 * target; a fifo or device is written in place.
 * @return 0, or -1 with "path: reason" in err.
 */
int wl_file_replace_open(wl_file_replace *r, const char *path, char *err, size_t errcap);

/**
 * Flushes, fsyncs, closes and renames the temporary over the target, then fsyncs
 * the directory. On any failure the temporary is removed and the old file stays.
 * @return 0, or -1 with "path: reason" in err. r is closed either way.
 */
int wl_file_replace_commit(wl_file_replace *r, char *err, size_t errcap);

/** Closes r and removes its temporary; the old file stays. */
void wl_file_replace_abort(wl_file_replace *r);

#endif /* WL_FILE_REPLACE_H */
