/* features.c -- the normalise-stage driver (stages 2 and 3): every record's
 * cells go through the name, date, document and country normalisers into the
 * flat per-record arrays of featureset.h.
 *
 * Records are cut into fixed chunks; OpenMP threads take chunks dynamically,
 * each with its own wl_namectx (ICU transliterators are not thread-safe), and
 * write into the chunk's own buffers. The chunks are then concatenated in
 * order, so the result is byte-identical for any thread count (the per-worker
 * buffers of fzy's choices.c, merged in a fixed order). */
#include "features/featureset.h"

#include <stdlib.h>
#include <string.h>

#include "features/features_build.h"
#include "normalise/date.h"
#include "normalise/name.h"

enum { CHUNK = WL_FCHUNK_RECORDS, TRIM_EVERY = 64 };

/* Freed chunk buffers stay resident unless handed back (wl_release_free_pages):
 * at 2 x 10^6 records the merged arrays and the freed chunks were resident
 * together, 1.58 GB after this stage of which 0.42 GB free memory; trimming
 * as the merge goes keeps the stage near one copy of the features. */
/* The runs and columns are those of WL_FEATURE_RUNS and WL_FEATURE_COLUMNS
 * (featureset.h): every function below walks the lists, so none of them
 * changes when a feature is added. */
void wl_fchunk_init(wl_fchunk *c)
{
    wl_vec_init(&c->text, 1);
#define RUN_(id, start, data, type, rebase) wl_vec_init(&c->data, sizeof(type));
    WL_FEATURE_RUNS(RUN_)
#undef RUN_
}

void wl_fchunk_free(wl_fchunk *c)
{
    wl_vec_free(&c->text);
#define RUN_(id, start, data, type, rebase) wl_vec_free(&c->data);
    WL_FEATURE_RUNS(RUN_)
#undef RUN_
}

void wl_features_free(wl_features *f)
{
    if (!f) return;
    free(f->text);
#define RUN_(id, start, data, type, rebase) free(f->start); free(f->data);
    WL_FEATURE_RUNS(RUN_)
#undef RUN_
#define COL_(id, array, type, rebase) free(f->array);
    WL_FEATURE_COLUMNS(COL_)
#undef COL_
    free(f->crec);
    free(f);
}

wl_features *wl_features_alloc(const wl_dataset *ds)
{
    wl_features *f = calloc(1, sizeof *f);
    if (!f) return NULL;
    size_t n = ds->n;
    f->ds = ds;
    f->n = n;
    int ok = 1;
#define RUN_(id, start, data, type, rebase) ok &= (f->start = calloc(n + 1, sizeof *f->start)) != NULL;
    WL_FEATURE_RUNS(RUN_)
#undef RUN_
#define COL_(id, array, type, rebase) ok &= (f->array = calloc(n + 1, sizeof *f->array)) != NULL;
    WL_FEATURE_COLUMNS(COL_)
#undef COL_
    if (!ok) {
        wl_features_free(f);
        return NULL;
    }
    if (n) memcpy(f->source, ds->source, n * sizeof *f->source);
    return f;
}

/* ---- merging the chunks in order ---- */

/* Copies a chunk's array to the final one at element `at`. */
static void copy_vec(void *dst, size_t at, const wl_vec *src)
{
    if (src->len) memcpy((char *)dst + at * src->elem, src->data, src->len * src->elem);
}

/* The columns' text offsets of records [lo, hi), chunk-local until now. */
static void rebase_columns(wl_features *f, size_t lo, size_t hi, uint32_t base)
{
#define COL_(id, array, type, rebase) rebase(f->array, lo, hi, base);
    WL_FEATURE_COLUMNS(COL_)
#undef COL_
}

/* Per-record counts sit in X_start[i + 1]; turn them into run starts. */
static int prefix_sums(uint32_t *start, size_t n)
{
    uint64_t sum = 0;
    for (size_t i = 1; i <= n; i++) {
        sum += start[i];
        if (sum >= UINT32_MAX) return -1;
        start[i] = (uint32_t)sum;
    }
    return 0;
}

/* The final arrays are sized once from the chunks' lengths: appending chunk
 * by chunk with realloc copied the growing arrays again and again once glibc
 * served them from the heap (0.9 of 4.3 s of normalising 10^6 records). */
static int merge_chunks(wl_features *f, wl_fchunk *ch, size_t nch)
{
    size_t len[WL_FRUN_COUNT] = { 0 }, total[WL_FRUN_COUNT] = { 0 }, text = 0;
    for (size_t c = 0; c < nch; c++) {
        text += ch[c].text.len;
#define RUN_(id, start, data, type, rebase) total[WL_FRUN_##id] += ch[c].data.len;
        WL_FEATURE_RUNS(RUN_)
#undef RUN_
    }
    if (text >= UINT32_MAX) return -1;
    int nomem = !(f->text = malloc(text ? text : 1));
#define RUN_(id, start, data, type, rebase) \
    nomem |= !(f->data = malloc((total[WL_FRUN_##id] ? total[WL_FRUN_##id] : 1) * sizeof(type)));
    WL_FEATURE_RUNS(RUN_)
#undef RUN_
    if (nomem) return -1;
    for (size_t c = 0; c < nch; c++) {
        uint32_t base = (uint32_t)f->text_len;
        copy_vec(f->text, f->text_len, &ch[c].text);
        f->text_len += ch[c].text.len;
#define RUN_(id, start, data, type, rebase)                                                  \
    {                                                                                        \
        size_t at = len[WL_FRUN_##id];                                                       \
        copy_vec(f->data, at, &ch[c].data);                                                  \
        len[WL_FRUN_##id] += ch[c].data.len;                                                 \
        if (ch[c].data.len) rebase(f->data + at, ch[c].data.len, base);                      \
    }
        WL_FEATURE_RUNS(RUN_)
#undef RUN_
        rebase_columns(f, c * CHUNK, WL_MIN(f->n, (c + 1) * CHUNK), base);
        wl_fchunk_free(&ch[c]);
        if ((c + 1) % TRIM_EVERY == 0) wl_release_free_pages();
    }
    /* One chunk's buffers are too small to matter, and trimming the heap for
     * them made a warm one-record query (store_query.c) hand its pages back
     * and fault them in again on every call: 12 % of its time (perf). */
    if (nch > 1) wl_release_free_pages();
    f->text_cap = f->text_len;
    int bad = 0;
#define RUN_(id, start, data, type, rebase) bad |= prefix_sums(f->start, f->n);
    WL_FEATURE_RUNS(RUN_)
#undef RUN_
    return bad;
}

/* ---- the parallel build ---- */

int wl_features_build_chunks(wl_features *f, wl_fchunk *ch, size_t c_lo, size_t c_hi, int threads)
{
    int failed = 0, reference_year = f->ds->reference_year;
#pragma omp parallel num_threads(threads) reduction(| : failed)
    {
        wl_namectx *ctx = wl_namectx_create();
        if (!ctx) failed = 1;
#pragma omp for schedule(dynamic)
        for (size_t c = c_lo; c < c_hi; c++) {
            wl_fchunk_init(&ch[c]);
            wl_frec r = { f, ctx, &ch[c], reference_year };
            size_t hi = WL_MIN(f->n, (c + 1) * CHUNK);
            for (size_t i = c * CHUNK; i < hi && ctx && !failed; i++) failed |= wl_features_record(&r, i);
        }
        wl_namectx_free(ctx);
    }
    return failed ? -1 : 0;
}

/* The chunks in order on this thread, with the caller's context. */
static int build_chunks_with(wl_features *f, wl_fchunk *ch, size_t nch, wl_namectx *ctx, int reference_year)
{
    int failed = 0;
    for (size_t c = 0; c < nch; c++) {
        wl_fchunk_init(&ch[c]);
        wl_frec r = { f, ctx, &ch[c], reference_year };
        size_t hi = WL_MIN(f->n, (c + 1) * CHUNK);
        for (size_t i = c * CHUNK; i < hi && !failed; i++) failed |= wl_features_record(&r, i);
    }
    return failed ? -1 : 0;
}

wl_features *wl_features_finish(wl_features *f, wl_fchunk *ch, size_t nch, int bad)
{
    if (!bad) bad = merge_chunks(f, ch, nch) != 0;
    for (size_t c = 0; ch && c < nch; c++) wl_fchunk_free(&ch[c]);
    free(ch);
    if (!bad) bad = wl_features_count_freq(f) != 0;
    if (!bad) bad = wl_features_build_crec(f) != 0;
    if (bad) {
        wl_features_free(f);
        return NULL;
    }
    return f;
}

static wl_features *build(const wl_dataset *ds, int threads, wl_namectx *ctx)
{
    if (!ds) return NULL;
    wl_features *f = wl_features_alloc(ds);
    if (!f) return NULL;
    size_t nch = (f->n + CHUNK - 1) / CHUNK;
    wl_fchunk *ch = calloc(nch ? nch : 1, sizeof *ch);
    int bad = !ch;
    if (!bad && ctx) bad = build_chunks_with(f, ch, nch, ctx, ds->reference_year) != 0;
    else if (!bad) bad = wl_features_build_chunks(f, ch, 0, nch, wl_thread_count(threads)) != 0;
    return wl_features_finish(f, ch, nch, bad);
}

wl_features *wl_features_build(const wl_dataset *ds, int threads) { return build(ds, threads, NULL); }

wl_features *wl_features_build_with(const wl_dataset *ds, wl_namectx *ctx)
{
    return ctx ? build(ds, 1, ctx) : NULL;
}

int wl_features_has_name(const wl_features *f, size_t i)
{
    return f && i < f->n && f->n_names[i] != 0;
}

int wl_features_has_document(const wl_features *f, size_t i)
{
    return f && i < f->n && f->doc_start[i + 1] != f->doc_start[i];
}

int wl_features_dob(const wl_features *f, size_t i, int *placeholder)
{
    if (placeholder) *placeholder = 0;
    if (!f || i >= f->n || f->date_start[i + 1] == f->date_start[i]) return 0;
    const wl_date *d = &f->dates[f->date_start[i]];
    if (placeholder) *placeholder = (d->flags & WL_DATE_PLACEHOLDER) != 0;
    return d->year;
}

int wl_dataset_reference_year(const wl_dataset *ds)
{
    return ds && ds->reference_year ? ds->reference_year : WL_DATE_REFERENCE_YEAR;
}
