/* store_ids.c -- the stable person-id rule (see store_ids.h for the rule). */
#include <stdlib.h>

#include "store_ids.h"

const char *sid_kind_name(sid_kind k)
{
    static const char *const names[] = {
#define SID_NAME_(name, str) str,
        SID_CHANGE_MAP(SID_NAME_)
#undef SID_NAME_
    };
    return (unsigned)k < SID_CHANGE_COUNT ? names[k] : NULL;
}

typedef struct {
    int64_t person, age;
    size_t rec;
} old_rec;

static int by_person_age(const void *a, const void *b)
{
    const old_rec *x = a, *y = b;
    if (x->person != y->person) return x->person < y->person ? -1 : 1;
    return (x->age > y->age) - (x->age < y->age);
}

/* For every old person, the cluster holding its oldest record may keep its id;
 * a cluster holding the oldest records of several (a merge) keeps the smallest.
 * claim[c] receives that id, 0 when the cluster holds no old person's oldest record. */
static int claim_old_ids(const sid_input *in, int64_t *claim)
{
    size_t n_old = 0;
    for (size_t i = 0; i < in->n; i++) n_old += in->old_person[i] != 0;
    old_rec *o = malloc((n_old ? n_old : 1) * sizeof *o);
    if (!o) return -1;
    size_t k = 0;
    for (size_t i = 0; i < in->n; i++)
        if (in->old_person[i]) o[k++] = (old_rec){ in->old_person[i], in->age[i], i };
    qsort(o, n_old, sizeof *o, by_person_age);
    for (size_t j = 0; j < n_old; j++) {
        if (j > 0 && o[j].person == o[j - 1].person) continue; /* not the oldest record */
        size_t c = in->cluster[o[j].rec];
        if (!claim[c] || o[j].person < claim[c]) claim[c] = o[j].person;
    }
    free(o);
    return 0;
}

static sid_kind change_of(const sid_input *in, size_t i, int64_t person, int64_t first_new)
{
    int64_t old = in->old_person[i];
    if (!old) return person >= first_new ? SID_NEW : SID_JOINED;
    if (person != old) return person >= first_new ? SID_SPLIT : SID_MERGED;
    return SID_UPDATED;
}

int64_t sid_assign(const sid_input *in, int64_t *person, sid_change *changes, size_t *n_changes)
{
    for (size_t i = 0; i < in->n; i++)
        if (in->cluster[i] >= in->n_clusters) return -1;
    int64_t *claim = calloc(in->n_clusters ? in->n_clusters : 1, sizeof *claim);
    if (!claim || claim_old_ids(in, claim) != 0) {
        free(claim);
        return -1;
    }
    int64_t next = in->next_id, first_new = in->next_id;
    /* Clusters are numbered by first member, so this issues new ids in output order. */
    for (size_t c = 0; c < in->n_clusters; c++)
        if (!claim[c]) claim[c] = next++;
    size_t nc = 0;
    for (size_t i = 0; i < in->n; i++) {
        person[i] = claim[in->cluster[i]];
        int same = in->old_person[i] == person[i];
        if (same && !(in->changed && in->changed[i])) continue;
        if (changes)
            changes[nc] = (sid_change){ i, change_of(in, i, person[i], first_new), person[i],
                                        in->old_person[i] };
        nc++;
    }
    if (n_changes) *n_changes = nc;
    free(claim);
    return next;
}
