/* gen_truth.c -- writing truth_pairs.csv and truth_clusters.csv (gen_truth.h). */
#include "gen_truth.h"

#include <stdlib.h>
#include <string.h>

static FILE *create(const char *dir, const char *name, const char *header, char *err, size_t errcap)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) {
        snprintf(err, errcap, "cannot create %s", path);
        return NULL;
    }
    setvbuf(f, NULL, _IOFBF, 1 << 20);
    fputs(header, f);
    return f;
}

int gen_truth_open(gen_truth *t, const char *dir, char *err, size_t errcap)
{
    memset(t, 0, sizeof *t);
    t->pairs = create(dir, "truth_pairs.csv", "left_source,left_id,right_source,right_id\n", err, errcap);
    t->clusters = create(dir, "truth_clusters.csv", "cluster_id,source,id\n", err, errcap);
    if (t->pairs && t->clusters) return 0;
    gen_truth_close(t);
    return -1;
}

int gen_rec_ref_cmp(const gen_rec_ref *a, const gen_rec_ref *b)
{
    int c = strcmp(a->source, b->source);
    return c ? c : strcmp(a->id, b->id);
}

void gen_truth_person(gen_truth *t, uint64_t pid, const gen_rec_ref *recs, int n)
{
    for (int i = 0; i < n; i++) {
        fprintf(t->clusters, "%llu,%s,%s\n", (unsigned long long)pid, recs[i].source, recs[i].id);
        for (int j = i + 1; j < n; j++) {
            const gen_rec_ref *a = &recs[i], *b = &recs[j];
            if (gen_rec_ref_cmp(a, b) > 0) {
                const gen_rec_ref *x = a;
                a = b;
                b = x;
            }
            fprintf(t->pairs, "%s,%s,%s,%s\n", a->source, a->id, b->source, b->id);
            t->n_pairs++;
        }
    }
    t->n_records += (uint64_t)n;
}

int gen_truth_close(gen_truth *t)
{
    int rc = 0;
    FILE *files[2] = {t->pairs, t->clusters};
    for (int i = 0; i < 2; i++) {
        if (!files[i]) continue;
        if (ferror(files[i])) rc = -1;
        if (fclose(files[i]) != 0) rc = -1;
    }
    t->pairs = t->clusters = NULL;
    return rc;
}
