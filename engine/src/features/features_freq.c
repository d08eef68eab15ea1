/* features_freq.c -- part frequencies: for each canonical part, how many
 * records hold it. The blocker splits crowded blocks on a record's rarest part
 * and the scorer's term-frequency adjustment (Winkler 1988; Splink's "tf
 * adjustments") weighs an agreement on a rare name more than on a common one. */
#include <stdlib.h>

#include "features/featureset.h"

typedef struct {
    uint64_t *key;   /* 0 marks an empty slot; a real hash of 0 is stored as 1 */
    uint32_t *count;
    size_t mask;
} freq_map;

static uint64_t slot_key(uint64_t h) { return h ? h : 1; }

static size_t probe(const freq_map *m, uint64_t k)
{
    size_t s = (size_t)(k ^ (k >> 29)) & m->mask;
    while (m->key[s] && m->key[s] != k) s = (s + 1) & m->mask;
    return s;
}

/* A record counts once per part, however often the part repeats in its names. */
static int seen_before(const wl_fpart *p, size_t k)
{
    for (size_t j = 0; j < k; j++)
        if (p[j].h_canon == p[k].h_canon) return 1;
    return 0;
}

int wl_features_count_freq(wl_features *f)
{
    size_t total = f->part_start[f->n], cap = 64;
    while (cap < total * 2) cap <<= 1;
    freq_map m = { calloc(cap, sizeof(uint64_t)), calloc(cap, sizeof(uint32_t)), cap - 1 };
    if (!m.key || !m.count) {
        free(m.key);
        free(m.count);
        return -1;
    }
    for (size_t i = 0; i < f->n; i++) {
        size_t np;
        const wl_fpart *p = wl_f_parts(f, i, &np);
        for (size_t k = 0; k < np; k++) {
            if (seen_before(p, k)) continue;
            size_t s = probe(&m, slot_key(p[k].h_canon));
            m.key[s] = slot_key(p[k].h_canon);
            m.count[s]++;
        }
    }
    for (size_t k = 0; k < total; k++) f->parts[k].freq = m.count[probe(&m, slot_key(f->parts[k].h_canon))];
    free(m.key);
    free(m.count);
    return 0;
}
