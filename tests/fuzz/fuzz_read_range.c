/* fuzz_read_range.c -- the split read of watchlink-mpi (issue 14) on hostile
 * bytes: the list is read whole, then in 1 to 8 parts (the first input byte)
 * each started where the part before ended, and the parts merged
 * (split_read.h). Whenever the whole read succeeds on a list that can be split,
 * the parts must give the same records in the same order, the same rejects
 * (line, reason, bytes) and rows read == accepted + rejected. The list goes
 * through a temporary file: the split read maps files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "split_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    size_t parts = (size_t)(data[0] % 8) + 1;
    const char *dir = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/wl_fuzz_range_XXXXXX", dir && dir[0] ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) return 0;
    if (write(fd, data + 1, size - 1) != (ssize_t)(size - 1)) abort();
    close(fd);
    wl_dataset *whole = wl_dataset_create(), *split = wl_dataset_create();
    split_rejects rw = { 0 }, rs = { 0 };
    wl_read_options opt = wl_read_default_options();
    opt.on_reject = split_on_reject;
    opt.user = &rw;
    wl_read_report rep;
    char err[512];
    wl_status st = wl_dataset_read(whole, path, &opt, &rep, err, sizeof err);
    size_t counts[3] = { 0, 0, 0 };
    wl_status ss = split_read(split, path, parts, &rs, counts);
    if (st == WL_OK && ss != WL_USAGE) { /* WL_USAGE: not splittable */
        if (ss != WL_OK) abort();
        if (!split_same_records(whole, split)) abort();
        if (rw.n != rs.n || counts[0] != rep.rows_read || counts[1] != rep.accepted || counts[2] != rep.rejected)
            abort();
        if (counts[0] != counts[1] + counts[2]) abort();
        for (size_t i = 0; i < rw.n; i++)
            if (strcmp(rw.line[i], rs.line[i])) abort();
    }
    split_rejects_free(&rw);
    split_rejects_free(&rs);
    wl_dataset_free(whole);
    wl_dataset_free(split);
    unlink(path);
    return 0;
}
