/* features_pack.c -- the features of part of the records, as bytes another
 * process of the same build turns back into chunks (watchlink-mpi, issue 14).
 *
 * Each process normalises the chunks of its part only (the normalise stage is
 * record by record, so no process needs another's records for it), packs
 * them, and every process unpacks every part and merges the chunks exactly as
 * wl_features_build merges its own: the chunks are the same bytes whichever
 * process built them, so the features are byte-identical to one process's.
 *
 * Layout, host byte order, per chunk: a header of u64 (first record, end
 * record, text bytes, then the element count of each run), the text, each
 * run's elements, each run's per-record counts (u32), then each column's
 * values for the chunk's records. */
#include <stdlib.h>
#include <string.h>

#include "features/features_build.h"

enum { HEAD = 3 + WL_FRUN_COUNT };

static int put(wl_vec *out, const void *p, size_t n)
{
    if (!n) return 0;
    if (wl_vec_reserve(out, out->len + n) != 0) return -1;
    memcpy((char *)out->data + out->len, p, n);
    out->len += n;
    return 0;
}

static int pack_chunk(const wl_features *f, const wl_fchunk *c, size_t lo, size_t hi, wl_vec *out)
{
    uint64_t head[HEAD] = { lo, hi, c->text.len };
    size_t r = 3;
#define RUN_(id, start, run, type, rebase) head[r++] = c->run.len;
    WL_FEATURE_RUNS(RUN_)
#undef RUN_
    int bad = put(out, head, sizeof head) | put(out, c->text.data, c->text.len);
#define RUN_(id, start, run, type, rebase) bad |= put(out, c->run.data, c->run.len * sizeof(type));
    WL_FEATURE_RUNS(RUN_)
#undef RUN_
#define RUN_(id, start, data, type, rebase) bad |= put(out, f->start + lo + 1, (hi - lo) * sizeof *f->start);
    WL_FEATURE_RUNS(RUN_)
#undef RUN_
#define COL_(id, array, type, rebase) bad |= put(out, f->array + lo, (hi - lo) * sizeof *f->array);
    WL_FEATURE_COLUMNS(COL_)
#undef COL_
    return bad ? -1 : 0;
}

int wl_features_pack_part(const wl_dataset *ds, int threads, size_t part, size_t parts, wl_vec *out)
{
    if (!ds || part >= parts) return -1;
    wl_features *f = wl_features_alloc(ds);
    if (!f) return -1;
    size_t nch = (f->n + WL_FCHUNK_RECORDS - 1) / WL_FCHUNK_RECORDS;
    size_t c_lo = nch * part / parts, c_hi = nch * (part + 1) / parts;
    wl_fchunk *ch = calloc(nch ? nch : 1, sizeof *ch);
    int bad = !ch || wl_features_build_chunks(f, ch, c_lo, c_hi, wl_thread_count(threads)) != 0;
    for (size_t c = c_lo; !bad && c < c_hi; c++)
        bad = pack_chunk(f, &ch[c], c * WL_FCHUNK_RECORDS, WL_MIN(f->n, (c + 1) * WL_FCHUNK_RECORDS), out);
    for (size_t c = c_lo; ch && c < c_hi; c++) wl_fchunk_free(&ch[c]);
    free(ch);
    wl_features_free(f);
    return bad ? -1 : 0;
}

/* ---- unpacking ---- */

typedef struct {
    const unsigned char *p;
    size_t left;
} reader;

/* The next n bytes, or NULL when the pack is shorter. */
static const void *take(reader *r, size_t n)
{
    if (n > r->left) return NULL;
    const void *q = r->p;
    r->p += n;
    r->left -= n;
    return q;
}

/* n elements of `size` bytes into a fresh vector of that element size. */
static int take_vec(reader *r, wl_vec *v, size_t n, size_t size)
{
    if (n > r->left / size) return -1;
    const void *q = take(r, n * size);
    if (!q || wl_vec_reserve(v, n) != 0) return -1;
    if (n) memcpy(v->data, q, n * size);
    v->len = n;
    return 0;
}

/* Per-record values into f's array at records [lo, hi). */
static int take_into(reader *r, void *dst, size_t n, size_t size)
{
    if (n > r->left / size) return -1;
    const void *q = take(r, n * size);
    if (!q) return -1;
    if (n) memcpy(dst, q, n * size);
    return 0;
}

/* The counts of one run must add up to its elements, or the merge's prefix
 * sums would point past the run. */
static int counts_add_up(const uint32_t *count, size_t n, uint64_t total)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < n; i++) sum += count[i];
    return sum == total;
}

static int unpack_chunk(wl_features *f, reader *r, wl_fchunk *c, size_t want_lo)
{
    uint64_t head[HEAD];
    const void *h = take(r, sizeof head);
    if (!h) return -1;
    memcpy(head, h, sizeof head);
    size_t lo = want_lo, hi = WL_MIN(f->n, lo + WL_FCHUNK_RECORDS);
    if (head[0] != lo || head[1] != hi) return -1;
    wl_fchunk_init(c);
    const uint64_t *n_run = head + 3; /* each run's elements, in WL_FEATURE_RUNS order */
    int bad = take_vec(r, &c->text, head[2], 1);
#define RUN_(id, start, run, type, rebase) \
    if (!bad) bad = take_vec(r, &c->run, n_run[WL_FRUN_##id], sizeof(type));
    WL_FEATURE_RUNS(RUN_)
#undef RUN_
#define RUN_(id, start, data, type, rebase)                                          \
    if (!bad) bad = take_into(r, f->start + lo + 1, hi - lo, sizeof *f->start);     \
    if (!bad) bad = !counts_add_up(f->start + lo + 1, hi - lo, n_run[WL_FRUN_##id]);
    WL_FEATURE_RUNS(RUN_)
#undef RUN_
#define COL_(id, array, type, rebase) \
    if (!bad) bad = take_into(r, f->array + lo, hi - lo, sizeof *f->array);
    WL_FEATURE_COLUMNS(COL_)
#undef COL_
    return bad ? -1 : 0;
}

wl_features *wl_features_unpack(const wl_dataset *ds, const void *bytes, size_t len)
{
    if (!ds || (!bytes && len)) return NULL;
    wl_features *f = wl_features_alloc(ds);
    if (!f) return NULL;
    size_t nch = (f->n + WL_FCHUNK_RECORDS - 1) / WL_FCHUNK_RECORDS;
    wl_fchunk *ch = calloc(nch ? nch : 1, sizeof *ch);
    reader r = { bytes, len };
    int bad = !ch;
    for (size_t c = 0; !bad && c < nch; c++) bad = unpack_chunk(f, &r, &ch[c], c * WL_FCHUNK_RECORDS) != 0;
    bad |= r.left != 0; /* every chunk once, in order, and nothing after */
    return wl_features_finish(f, ch, nch, bad);
}
