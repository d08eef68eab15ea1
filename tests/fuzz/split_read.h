/* split_read.h -- a list read in parts as watchlink-mpi's ranks read it, but
 * in one process (tests/unit/test_read_range.c, tests/fuzz/fuzz_read_range.c):
 * part q starts where part q - 1's last row ended (the ranks' agreed state),
 * reads to the guessed start of part q + 1, and the parts are packed and
 * unpacked in order; a row the merge finds to be a duplicate id is rejected
 * with the reason wl_dataset_unpack gives. Rejects are kept as "line\treason\traw"
 * lines, sorted by line, to compare with one whole read's. */
#ifndef WL_TEST_SPLIT_READ_H
#define WL_TEST_SPLIT_READ_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "watchlink.h"

typedef struct {
    char **line; /* "LINE\tREASON\tRAW" */
    long *at;    /* its file line, for sorting */
    size_t n, cap;
} split_rejects;

static void split_reject_add(split_rejects *r, long line, const char *reason, const char *raw, size_t raw_len)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->line = realloc(r->line, r->cap * sizeof *r->line);
        r->at = realloc(r->at, r->cap * sizeof *r->at);
        if (!r->line || !r->at) abort();
    }
    size_t cap = strlen(reason) + raw_len + 48;
    char *s = malloc(cap);
    if (!s) abort();
    int n = snprintf(s, cap, "%ld\t%s\t", line, reason);
    memcpy(s + n, raw, raw_len);
    s[(size_t)n + raw_len] = '\0';
    /* a NUL byte in raw would cut the line short: keep the bytes' count too */
    r->line[r->n] = s;
    r->at[r->n] = line;
    r->n++;
}

static void split_on_reject(void *user, const char *file, long line, const char *reason, const char *raw, size_t len)
{
    (void)file;
    split_reject_add(user, line, reason, raw, len);
}

static void split_rejects_sort(split_rejects *r)
{
    for (size_t i = 1; i < r->n; i++) /* insertion sort: stable, few rejects */
        for (size_t j = i; j > 0 && r->at[j - 1] > r->at[j]; j--) {
            long t = r->at[j];
            r->at[j] = r->at[j - 1];
            r->at[j - 1] = t;
            char *s = r->line[j];
            r->line[j] = r->line[j - 1];
            r->line[j - 1] = s;
        }
}

static void split_rejects_free(split_rejects *r)
{
    for (size_t i = 0; i < r->n; i++) free(r->line[i]);
    free(r->line);
    free(r->at);
    memset(r, 0, sizeof *r);
}

/* Reads path in `parts` parts into ds. @return WL_OK or the first failure;
 * *counts gets rows read, accepted and rejected summed over the parts. */
static wl_status split_read(wl_dataset *ds, const char *path, size_t parts, split_rejects *rej, size_t counts[3])
{
    wl_read_options opt = wl_read_default_options();
    opt.on_reject = split_on_reject;
    opt.user = rej;
    char err[512];
    wl_list_layout lay;
    wl_status st = wl_list_layout_read(path, &opt, &lay, err, sizeof err);
    if (st != WL_OK || !lay.splittable) return st == WL_OK ? WL_USAGE : st;
    wl_row_mark from = lay.first;
    counts[0] = counts[1] = counts[2] = 0;
    for (size_t q = 0; q < parts && st == WL_OK; q++) {
        wl_row_mark next, end;
        st = wl_list_split_guess(path, &lay, q + 1, parts, &next, err, sizeof err);
        if (st != WL_OK) break;
        unsigned long long limit = q + 1 == parts ? lay.size : next.at;
        if (limit < from.at) limit = from.at;
        wl_dataset *part = wl_dataset_create();
        wl_row_span *rows = NULL;
        wl_read_report rep;
        st = wl_dataset_read_range(part, path, &opt, &from, limit, &end, &rows, &rep, err, sizeof err);
        size_t len = 0, *dups = NULL, n_dups = 0;
        char(*why)[WL_DUP_REASON_MAX] = NULL;
        void *pack = st == WL_OK ? wl_dataset_pack(part, 0, &len) : NULL;
        if (st == WL_OK && !pack) st = WL_NOMEM;
        if (st == WL_OK) st = wl_dataset_unpack(ds, pack, len, &dups, &n_dups, &why);
        for (size_t k = 0; st == WL_OK && k < n_dups; k++) {
            FILE *f = fopen(path, "rb");
            char *raw = malloc(rows[dups[k]].len + 1);
            if (!f || !raw || fseek(f, (long)rows[dups[k]].at, SEEK_SET) != 0 ||
                fread(raw, 1, rows[dups[k]].len, f) != rows[dups[k]].len)
                abort();
            fclose(f);
            split_reject_add(rej, rows[dups[k]].line, why[k], raw, rows[dups[k]].len);
            free(raw);
        }
        if (st == WL_OK) {
            counts[0] += rep.rows_read;
            counts[1] += rep.accepted - n_dups;
            counts[2] += rep.rejected + n_dups;
        }
        free(pack);
        free(dups);
        free(why);
        free(rows);
        wl_dataset_free(part);
        from = end;
    }
    split_rejects_sort(rej);
    return st;
}

/* @return 1 when a and b hold the same records (sources, ids, values) in the same order. */
static int split_same_records(const wl_dataset *a, const wl_dataset *b)
{
    if (wl_dataset_size(a) != wl_dataset_size(b)) return 0;
    for (size_t i = 0; i < wl_dataset_size(a); i++) {
        if (strcmp(wl_dataset_id(a, i), wl_dataset_id(b, i)) || strcmp(wl_dataset_source(a, i), wl_dataset_source(b, i)))
            return 0;
        for (int role = 0; role < WL_ROLE_COUNT; role++) {
            size_t n = wl_dataset_count(a, i, (wl_role)role);
            if (n != wl_dataset_count(b, i, (wl_role)role)) return 0;
            for (size_t k = 0; k < n; k++)
                if (strcmp(wl_dataset_value(a, i, (wl_role)role, k), wl_dataset_value(b, i, (wl_role)role, k))) return 0;
        }
    }
    return 1;
}

#endif
