/* fuzz_decisions.c -- the decisions CSV of `watchlink review` (cli/store_decisions.c),
 * then the conflict check and the constrained clustering over what it accepted:
 * every accepted row is well formed and in canonical order, and clusters honour
 * every decision when the decisions hold no conflict. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "store_decisions.h"

static void ignore(void *user, long line, const char *reason)
{
    (void)user;
    if (line < 1 || !reason || !reason[0]) __builtin_trap();
}

static void check_row(const dec_row *d)
{
    for (int k = 0; k < DEC_COLUMNS; k++)
        if (!d->f[k] || strlen(d->f[k]) > DEC_MAX_FIELD) __builtin_trap();
    for (int k = 0; k < DEC_DECISION; k++)
        if (!d->f[k][0]) __builtin_trap();
    if (strcmp(d->f[DEC_DECISION], d->match ? "match" : "not_match")) __builtin_trap();
    int c = strcmp(d->f[DEC_LEFT_SOURCE], d->f[DEC_RIGHT_SOURCE]);
    if (!c) c = strcmp(d->f[DEC_LEFT_ID], d->f[DEC_RIGHT_ID]);
    if (c >= 0) __builtin_trap(); /* canonical order, never one record twice */
}

/* Records are named by their first byte of id (at most 256 of them); the pairs
 * of a chain over them. */
static void check_clusters(const dec_row *d, size_t n)
{
    enum { NODES = 256 };
    dec_link *l = malloc((n ? n : 1) * sizeof *l);
    dec_pair *p = malloc((n ? n : 1) * sizeof *p);
    size_t label[NODES];
    if (!l || !p) goto done;
    for (size_t j = 0; j < n; j++) {
        l[j] = (dec_link){ (uint8_t)d[j].f[DEC_LEFT_ID][0], (uint8_t)d[j].f[DEC_RIGHT_ID][0], d[j].match };
        p[j] = (dec_pair){ (uint32_t)j % NODES, (uint32_t)(j + 1) % NODES, (float)(j % 7) };
    }
    long conflicts = dec_conflicts(NODES, l, n, NULL, NULL);
    size_t nl = 0; /* one record on both sides is no decision for the clustering */
    for (size_t j = 0; j < n; j++)
        if (l[j].a != l[j].b) l[nl++] = l[j];
    if (conflicts != 0 || dec_conflicts(NODES, l, nl, NULL, NULL) != 0) goto done;
    size_t nc = dec_cluster(NODES, p, n < NODES - 1 ? n : NODES - 1, l, nl, label, NULL);
    if (nc == SIZE_MAX || nc > NODES) __builtin_trap();
    for (size_t j = 0; j < nl; j++)
        if ((label[l[j].a] == label[l[j].b]) != (l[j].match != 0)) __builtin_trap();
done:
    free(l);
    free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dec_row *rows = NULL;
    size_t n = 0;
    char err[256] = "";
    if (dec_parse((const char *)data, size, "fuzz", &rows, &n, ignore, NULL, err, sizeof err) != 0) {
        if (!err[0]) __builtin_trap();
        return 0;
    }
    for (size_t j = 0; j < n; j++) check_row(&rows[j]);
    check_clusters(rows, n);
    dec_rows_free(rows, n);
    return 0;
}
