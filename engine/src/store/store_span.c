/* store_span.c -- which bytes of the features' text a record's offsets
 * point into, for the index file's tspan section and the query's copies. */
#include <string.h>

#include "store/store_index.h"

/* Which words are offsets is not written down per feature: the lines'
 * rebase functions (featureset.h) move exactly their offsets, so a word that a
 * rebase by 1 changes is one. A string's end is its NUL: the span runs to the
 * end of the string that starts last. */
/* The least and the greatest text offset of record i. @return 0 when it has none. */
static int offset_range(const wl_features *f, size_t i, uint32_t *least, uint32_t *greatest)
{
    unsigned char buf[256];
    uint32_t lo = UINT32_MAX, last = 0;
    int any = 0;
#define NOTE_(o)                       \
    do {                               \
        uint32_t o_ = (o);             \
        if (o_ < lo) lo = o_;          \
        if (o_ >= last) last = o_;     \
        any = 1;                       \
    } while (0)
#define RUN_(id, start, data, type, rebase)                                                   \
    _Static_assert(sizeof(type) <= sizeof buf, "a feature element fits the probe buffer");   \
    for (uint32_t k = f->start[i]; k < f->start[i + 1]; k++) {                                \
        memcpy(buf, &f->data[k], sizeof(type));                                               \
        rebase(buf, 1, 1);                                                                    \
        for (size_t w = 0; w + sizeof(uint32_t) <= sizeof(type); w += sizeof(uint32_t)) {    \
            uint32_t was, now;                                                                \
            memcpy(&was, (const unsigned char *)&f->data[k] + w, sizeof was);                 \
            memcpy(&now, buf + w, sizeof now);                                                \
            if (now != was) NOTE_(was);                                                       \
        }                                                                                     \
    }
    WL_FEATURE_RUNS(RUN_)
#undef RUN_
#define COL_(id, array, type, rebase)                                                         \
    if (sizeof(type) == sizeof(uint32_t)) {                                                   \
        uint32_t v_;                                                                          \
        memcpy(&v_, &f->array[i], sizeof v_);                                                 \
        uint32_t c_ = v_;                                                                     \
        rebase(&c_, 0, 1, 1);                                                                 \
        if (c_ != v_) NOTE_(v_);                                                              \
    }
    WL_FEATURE_COLUMNS(COL_)
#undef COL_
#undef NOTE_
    *least = lo;
    *greatest = last;
    return any;
}

wl_sidx_span wl_sidx_text_span(const wl_features *f, size_t i)
{
    uint32_t lo, last;
    if (!offset_range(f, i, &lo, &last)) return (wl_sidx_span){ 0, 0 };
    return (wl_sidx_span){ lo, last + (uint32_t)strlen(f->text + last) + 1 };
}

int wl_sidx_span_holds(const wl_features *f, size_t i, wl_sidx_span s)
{
    if (s.lo > s.hi || s.hi > f->text_len || (s.hi > s.lo && f->text[s.hi - 1] != '\0')) return 0;
    uint32_t lo, last;
    return !offset_range(f, i, &lo, &last) || (lo >= s.lo && last < s.hi);
}
