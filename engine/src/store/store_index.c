/* store_index.c -- writing and mapping the person store's index file
 * (store_index.h has the layout).
 *
 * Why a mapped file and not rows: a query touches the features of a few
 * hundred candidates among 10^6 records, and a mapping loads exactly the pages
 * it reads, with no parsing; the store's SQLite transaction names the file and
 * its checksum, so a killed update leaves the old file in force (cli/store.c). */
#define _DEFAULT_SOURCE 1 /* madvise */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/dataset.h"
#include "store/store_index.h"

enum { ENDIAN_MARK = 0x01020304 };

/* ---- sections, as listed by the features' X-macros ---- */

typedef struct {
    const char *name;
    const void *data;
    size_t elem, count;
} sect_src;

enum { MAX_SECTIONS = 2 * WL_FRUN_COUNT + (WL_FEATURE_COUNT - WL_FRUN_COUNT) + 1 + 9 }; /* + text + the rest */

static size_t feature_sections(const wl_features *f, sect_src *s)
{
    size_t k = 0, n = f->n;
#define RUN_(id, start, data, type, rebase)                                   \
    s[k++] = (sect_src){ "run." #id ".start", f->start, sizeof(uint32_t), n + 1 }; \
    s[k++] = (sect_src){ "run." #id, f->data, sizeof(type), f->start[n] };
    WL_FEATURE_RUNS(RUN_)
#undef RUN_
#define COL_(id, array, type, rebase) s[k++] = (sect_src){ "col." #id, f->array, sizeof(type), n + 1 };
    WL_FEATURE_COLUMNS(COL_)
#undef COL_
    s[k++] = (sect_src){ "text", f->text, 1, f->text_len };
    return k;
}

static uint64_t align_up(uint64_t x) { return (x + WL_SIDX_ALIGN - 1) / WL_SIDX_ALIGN * WL_SIDX_ALIGN; }

static int write_all(FILE *out, const void *p, size_t n) { return n == 0 || fwrite(p, 1, n, out) == n ? 0 : -1; }

static int pad_to(FILE *out, uint64_t *at, uint64_t to)
{
    static const unsigned char zero[WL_SIDX_ALIGN];
    while (*at < to) {
        size_t k = (size_t)WL_MIN(to - *at, (uint64_t)sizeof zero);
        if (write_all(out, zero, k) != 0) return -1;
        *at += k;
    }
    return 0;
}

/* The frozen rarity counts: each distinct h_canon with the freq the run gave it. */
static wl_sidx_freq *freq_table(const wl_features *f, size_t *n_out)
{
    size_t total = f->part_start[f->n];
    wl_sidx_freq *t = malloc((total ? total : 1) * sizeof *t);
    uint64_t *h = malloc((total ? 2 * total : 1) * sizeof *h);
    if (!t || !h) {
        free(t);
        free(h);
        return NULL;
    }
    for (size_t k = 0; k < total; k++) h[k] = f->parts[k].h_canon;
    wl_u64_sort(h, h + total, total, 0);
    size_t n = 0;
    for (size_t k = 0; k < total; k++)
        if (n == 0 || t[n - 1].h != h[k]) t[n++] = (wl_sidx_freq){ h[k], 0 };
    /* every part of one h_canon carries the same count (features_freq.c) */
    for (size_t k = 0; k < total; k++) {
        size_t lo = 0, hi = n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (t[mid].h < f->parts[k].h_canon) lo = mid + 1;
            else hi = mid;
        }
        t[lo].records = f->parts[k].freq;
    }
    free(h);
    *n_out = n;
    return t;
}

wl_status wl_store_index_write(const wl_features *f, const wl_options *opt, const int64_t *rid,
                               const uint32_t *rank, const char *path, uint64_t *checksum, char *err,
                               size_t errcap)
{
    if (!f || !opt || !rid || !rank || !path) {
        wl_set_error(err, errcap, "wl_store_index_write: missing argument");
        return WL_USAGE;
    }
    wl_sidx_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, WL_SIDX_MAGIC, sizeof WL_SIDX_MAGIC);
    h.version = WL_SIDX_VERSION;
    h.endian = ENDIAN_MARK;
    size_t partners = opt->max_partners ? opt->max_partners : wl_block_default_partners(f->n);
    h.p = (wl_sidx_params){ f->n, opt->max_block ? opt->max_block : WL_BLOCK_DEFAULT_MAX,
                            partners == SIZE_MAX ? 0 : partners, opt->block_keys, (uint32_t)opt->mode };
    size_t n_freq = 0, n_bkey = 0, n_split = 0;
    uint64_t *bkey = NULL, *split = NULL;
    uint32_t *brec = NULL;
    wl_sidx_freq *freq = freq_table(f, &n_freq);
    wl_status st = freq ? wl_sidx_blocks(f, &h.p, opt->threads, &bkey, &brec, &n_bkey, &split, &n_split) : WL_NOMEM;
    if (st != WL_OK) {
        free(freq);
        wl_set_error(err, errcap, "%s: cannot build the store index: %s", path, wl_strerror(st));
        return st;
    }
    /* the source names, in the order of the records' source numbers */
    char *names = NULL;
    size_t names_len = 0;
    FILE *nm = f->ds ? open_memstream(&names, &names_len) : NULL;
    for (size_t k = 0; nm && k < f->ds->n_sources; k++) fwrite(f->ds->pool + f->ds->sources[k], 1, strlen(f->ds->pool + f->ds->sources[k]) + 1, nm);
    int no_names = !nm || fclose(nm) != 0;
    wl_sidx_span *span = no_names ? NULL : malloc((f->n ? f->n : 1) * sizeof *span);
    if (!span) {
        free(freq);
        free(bkey);
        free(brec);
        free(split);
        free(names);
        wl_set_error(err, errcap, "%s: cannot build the store index: %s", path, wl_strerror(WL_NOMEM));
        return WL_NOMEM;
    }
    for (size_t i = 0; i < f->n; i++) span[i] = wl_sidx_text_span(f, i);
    sect_src src[MAX_SECTIONS];
    size_t ns = feature_sections(f, src);
    src[ns++] = (sect_src){ "tspan", span, sizeof *span, f->n };
    src[ns++] = (sect_src){ "sources", names, 1, names_len };
    src[ns++] = (sect_src){ "rid", rid, sizeof *rid, f->n };
    src[ns++] = (sect_src){ "rank", rank, sizeof *rank, f->n };
    src[ns++] = (sect_src){ "freq", freq, sizeof *freq, n_freq };
    src[ns++] = (sect_src){ "bkey", bkey, sizeof *bkey, n_bkey };
    src[ns++] = (sect_src){ "brec", brec, sizeof *brec, n_bkey };
    src[ns++] = (sect_src){ "bsplit", split, sizeof *split, n_split };
    wl_sidx_section tab[MAX_SECTIONS];
    memset(tab, 0, sizeof tab);
    h.n_sections = (uint32_t)ns;
    uint64_t at = align_up(sizeof h + ns * sizeof *tab);
    for (size_t k = 0; k < ns; k++) {
        size_t bytes = src[k].elem * src[k].count;
        snprintf(tab[k].name, sizeof tab[k].name, "%s", src[k].name);
        tab[k].elem = src[k].elem;
        tab[k].count = src[k].count;
        tab[k].offset = at;
        tab[k].hash = bytes ? wl_hash(src[k].data, bytes) : 0;
        at = align_up(at + bytes);
    }
    XXH3_state_t *xs = XXH3_createState();
    if (!xs) st = WL_NOMEM;
    else {
        XXH3_64bits_reset(xs);
        XXH3_64bits_update(xs, &h, sizeof h);
        XXH3_64bits_update(xs, tab, ns * sizeof *tab);
        h.hash = XXH3_64bits_digest(xs);
        XXH3_freeState(xs);
    }
    wl_file_replace fr;
    if (st == WL_OK && wl_file_replace_open(&fr, path, err, errcap) != 0) st = WL_INPUT;
    else if (st == WL_OK) {
        uint64_t pos = 0;
        int bad = write_all(fr.f, &h, sizeof h) || write_all(fr.f, tab, ns * sizeof *tab);
        pos = sizeof h + ns * sizeof *tab;
        for (size_t k = 0; k < ns && !bad; k++) {
            bad = pad_to(fr.f, &pos, tab[k].offset) || write_all(fr.f, src[k].data, src[k].elem * src[k].count);
            pos += src[k].elem * src[k].count;
        }
        if (!bad) bad = pad_to(fr.f, &pos, align_up(pos));
        if (bad) {
            wl_file_replace_abort(&fr);
            wl_set_error(err, errcap, "%s: cannot write: %s", path, strerror(errno));
            st = WL_INPUT;
        } else if (wl_file_replace_commit(&fr, err, errcap) != 0) {
            st = WL_INPUT;
        }
    }
    if (st == WL_OK && checksum) *checksum = h.hash;
    free(freq);
    free(bkey);
    free(brec);
    free(split);
    free(names);
    free(span);
    return st;
}

/* ---- mapping ---- */

static const wl_sidx_section *find(const wl_sidx_section *tab, size_t ns, const char *name)
{
    for (size_t k = 0; k < ns; k++)
        if (!strncmp(tab[k].name, name, sizeof tab[k].name)) return &tab[k];
    return NULL;
}

/* Points *out at a section of elem-byte elements, checked against the file.
 * @return 0, or -1 with err set. */
static int section(const wl_store_index *x, const wl_sidx_section *tab, const uint64_t *sums, const char *name,
                   size_t elem, void **out, size_t *count, const char *path, char *err, size_t errcap)
{
    const wl_sidx_section *s = find(tab, x->head.n_sections, name);
    if (!s) {
        wl_set_error(err, errcap,
                     "%s: the store index has no section '%s': made by an older watchlink "
                     "(run 'watchlink update STORE --refit')",
                     path, name);
        return -1;
    }
    if (s->elem != elem || s->offset > x->bytes || s->offset % WL_SIDX_ALIGN ||
        (s->count && s->elem > (x->bytes - s->offset) / s->count)) {
        wl_set_error(err, errcap, "%s: section '%s' does not fit the file: damaged store index", path, name);
        return -1;
    }
    size_t bytes = (size_t)(s->elem * s->count);
    if (sums[s - tab] != s->hash) {
        wl_set_error(err, errcap, "%s: section '%s' fails its checksum: damaged store index", path, name);
        return -1;
    }
    *out = bytes ? (unsigned char *)x->base + s->offset : NULL;
    *count = (size_t)s->count;
    return 0;
}

/* The runs' starts must rise and end at their arrays' lengths, and each
 * record's text offsets stay inside its span, which is inside the text and
 * ends in a NUL (so every string ends inside it), or a damaged file would send
 * the comparator, or a query's copy of the record, out of the mapping. */
static int check_features(const wl_features *f, const size_t *len, const wl_sidx_span *span)
{
    size_t k = 0;
    if (f->text_len >= UINT32_MAX) return -1;
#define RUN_(id, start, data, type, rebase) \
    if (f->start[0] != 0 || f->start[f->n] != len[k]) return -1; \
    k++;
    WL_FEATURE_RUNS(RUN_)
#undef RUN_
    /* record by record over the threads: at 10^6 records this walk was a
     * tenth of opening the file, on one core */
    int bad = 0;
    long long n = (long long)f->n;
#pragma omp parallel for schedule(static) reduction(| : bad)
    for (long long i = 0; i < n; i++) {
#define RUN_(id, start, data, type, rebase) bad |= f->start[i + 1] < f->start[i];
        WL_FEATURE_RUNS(RUN_)
#undef RUN_
    }
    if (bad) return -1; /* the spans are read through the starts: only once all of them rise */
#pragma omp parallel for schedule(static) reduction(| : bad)
    for (long long i = 0; i < n; i++) bad |= !wl_sidx_span_holds(f, (size_t)i, span[i]);
    return bad ? -1 : 0;
}

/* The blocking index's entries name records and come sorted by key; the
 * records' ranks are places; the largest row id. Over the threads, as above. */
static int check_rest(wl_store_index *x)
{
    int bad = 0;
    size_t n = x->f.n;
    long long nb = (long long)x->n_bkey, nr = (long long)n;
    int64_t top = 0;
    if (nb && x->brec[0] >= n) return -1;
#pragma omp parallel reduction(| : bad) reduction(max : top)
    {
        /* without branches (| not ||): 20 M entries at 10^6 records */
#pragma omp for schedule(static) nowait
        for (long long q = 1; q < nb; q++) bad |= (x->brec[q] >= n) | (x->bkey[q] < x->bkey[q - 1]);
#pragma omp for schedule(static)
        for (long long i = 0; i < nr; i++) {
            bad |= x->rank[i] >= n;
            if (x->rid[i] > top) top = x->rid[i];
        }
    }
    x->max_rid = top;
    return bad ? -1 : 0;
}

/* Where each source's name starts; every record's source must have one. */
static int source_names(wl_store_index *x)
{
    size_t n = 0;
    if (x->sources_len && x->sources[x->sources_len - 1] != '\0') return -1;
    for (size_t k = 0; k < x->sources_len; k++) n += x->sources[k] == '\0';
    if (n >= UINT32_MAX || !(x->source_at = malloc((n ? n : 1) * sizeof *x->source_at))) return -1;
    x->n_sources = 0;
    for (size_t k = 0; k < x->sources_len; k += strlen(x->sources + k) + 1) x->source_at[x->n_sources++] = (uint32_t)k;
    for (size_t i = 0; i < x->f.n; i++)
        if (x->f.source[i] >= x->n_sources) return -1;
    return 0;
}

/* Maps [p, p + n) of the file in one call (Linux 5.14's MADV_POPULATE_READ);
 * where the kernel has none, the reads fault the pages in as before. */
static void populate_read(const unsigned char *p, size_t n)
{
#ifdef MADV_POPULATE_READ
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE), lo = (uintptr_t)p / page * page;
    (void)madvise((void *)lo, (uintptr_t)p + n - lo, MADV_POPULATE_READ);
#else
    (void)p;
    (void)n;
#endif
}

static int open_map(const char *path, wl_store_index *x, char *err, size_t errcap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        wl_set_error(err, errcap, "%s: cannot open the store index: %s", path, strerror(errno));
        return -1;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0 || sb.st_size < (off_t)sizeof(wl_sidx_header)) {
        close(fd);
        wl_set_error(err, errcap, "%s: too short for a store index: damaged", path);
        return -1;
    }
    x->bytes = (size_t)sb.st_size;
    /* The open reads every byte (each section's checksum): the kernel maps
     * whole ranges faster than page faults do a few pages at a time. Each
     * section is populated by the thread that checksums it (populate_read):
     * MAP_POPULATE here mapped all 516 MB of a 10^6-record store on one core. */
    void *m = mmap(NULL, x->bytes, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED) {
        wl_set_error(err, errcap, "%s: cannot map the store index: %s", path, strerror(errno));
        return -1;
    }
    x->base = m;
    x->map = m;
    return 0;
}

static int check_header(wl_store_index *x, const char *path, char *err, size_t errcap)
{
    memcpy(&x->head, x->map, sizeof x->head);
    wl_sidx_header *h = &x->head;
    if (memcmp(h->magic, WL_SIDX_MAGIC, sizeof WL_SIDX_MAGIC) != 0) {
        wl_set_error(err, errcap, "%s: not a watchlink store index", path);
        return -1;
    }
    if (h->version != WL_SIDX_VERSION || h->endian != ENDIAN_MARK) {
        wl_set_error(err, errcap,
                     "%s: store index format %u (this watchlink reads %d)%s", path, h->version,
                     WL_SIDX_VERSION,
                     h->version > WL_SIDX_VERSION ? ": use a newer watchlink"
                                                  : ": run 'watchlink update STORE --refit' to rebuild it");
        return -1;
    }
    if (h->n_sections > MAX_SECTIONS * 4 || sizeof *h + h->n_sections * sizeof(wl_sidx_section) > x->bytes ||
        h->p.records >= UINT32_MAX) {
        wl_set_error(err, errcap, "%s: damaged store index header", path);
        return -1;
    }
    wl_sidx_header z = *h;
    z.hash = 0;
    XXH3_state_t *xs = XXH3_createState();
    if (!xs) return wl_set_error(err, errcap, "out of memory"), -1;
    XXH3_64bits_reset(xs);
    XXH3_64bits_update(xs, &z, sizeof z);
    XXH3_64bits_update(xs, x->map + sizeof *h, h->n_sections * sizeof(wl_sidx_section));
    uint64_t sum = XXH3_64bits_digest(xs);
    XXH3_freeState(xs);
    if (sum != h->hash) {
        wl_set_error(err, errcap, "%s: the store index header fails its checksum: damaged", path);
        return -1;
    }
    x->checksum = h->hash;
    return 0;
}

wl_status wl_store_index_open(const char *path, wl_store_index **out, char *err, size_t errcap)
{
    *out = NULL;
    if (err && errcap) err[0] = '\0';
    wl_store_index *x = calloc(1, sizeof *x);
    if (!x) return WL_NOMEM;
    if (open_map(path, x, err, errcap) != 0 || check_header(x, path, err, errcap) != 0) {
        wl_store_index_close(x);
        return WL_INPUT;
    }
    /* the table is read in place: copy it out, the mapping's alignment is the page's */
    size_t ns = x->head.n_sections;
    wl_sidx_section *tab = malloc((ns ? ns : 1) * sizeof *tab);
    if (!tab) {
        wl_store_index_close(x);
        return WL_NOMEM;
    }
    memcpy(tab, x->map + sizeof x->head, ns * sizeof *tab);
    /* Every section's checksum, the sections spread over the threads: reading
     * 516 MB through one core was most of opening a 10^6-record store. A
     * section that does not fit the file gets no sum (section() refuses it). */
    uint64_t *sums = calloc(ns ? ns : 1, sizeof *sums);
    if (!sums) {
        free(tab);
        wl_store_index_close(x);
        return WL_NOMEM;
    }
    long long nsl = (long long)ns;
#pragma omp parallel for schedule(dynamic, 1)
    for (long long k = 0; k < nsl; k++) {
        const wl_sidx_section *t = &tab[k];
        int fits = t->offset <= x->bytes && (!t->count || t->elem <= (x->bytes - t->offset) / t->count);
        size_t bytes = fits ? (size_t)(t->elem * t->count) : 0;
        if (bytes) populate_read(x->map + t->offset, bytes);
        sums[k] = bytes ? wl_hash(x->map + t->offset, bytes) : 0;
    }
    size_t n = (size_t)x->head.p.records, cnt = 0, len[WL_FRUN_COUNT], k = 0;
    wl_features *f = &x->f;
    f->n = n;
    int bad = 0;
    void *p = NULL;
    /* SECT_(name, elem, dst, count): section `name` into dst (any pointer type) */
#define SECT_(name, elem, dst, count)                                                  \
    if (!bad) {                                                                        \
        bad = section(x, tab, sums, name, elem, &p, count, path, err, errcap);         \
        dst = p;                                                                       \
    }
#define RUN_(id, start, data, type, rebase)                                            \
    SECT_("run." #id ".start", sizeof(uint32_t), f->start, &cnt)                      \
    if (!bad && cnt != n + 1) bad = 1;                                                 \
    SECT_("run." #id, sizeof(type), f->data, &len[k])                                  \
    k++;
    WL_FEATURE_RUNS(RUN_)
#undef RUN_
#define COL_(id, array, type, rebase)                                                  \
    SECT_("col." #id, sizeof(type), f->array, &cnt)                                    \
    if (!bad && cnt != n + 1) bad = 1;
    WL_FEATURE_COLUMNS(COL_)
#undef COL_
    SECT_("text", 1, f->text, &f->text_len)
    SECT_("rid", sizeof *x->rid, x->rid, &cnt)
    if (!bad && cnt != n) bad = 1;
    SECT_("rank", sizeof *x->rank, x->rank, &cnt)
    if (!bad && cnt != n) bad = 1;
    SECT_("tspan", sizeof *x->tspan, x->tspan, &cnt)
    if (!bad && cnt != n) bad = 1;
    SECT_("freq", sizeof *x->freq, x->freq, &x->n_freq)
    SECT_("bkey", sizeof *x->bkey, x->bkey, &x->n_bkey)
    SECT_("brec", sizeof *x->brec, x->brec, &cnt)
    if (!bad && cnt != x->n_bkey) bad = 1;
    SECT_("bsplit", sizeof *x->bsplit, x->bsplit, &x->n_bsplit)
    SECT_("sources", 1, x->sources, &x->sources_len)
#undef SECT_
    if (!bad) bad = source_names(x) != 0;
    if (!bad) {
        f->text_cap = f->text_len;
        bad = check_features(f, len, x->tspan) != 0 || check_rest(x) != 0;
    }
    if (!bad && !(x->ident = calloc(n / 64 + 1, sizeof *x->ident))) {
        free(tab);
        free(sums);
        wl_store_index_close(x);
        return WL_NOMEM;
    }
    long long words = bad ? 0 : (long long)(n + 63) / 64;
#pragma omp parallel for schedule(static)
    for (long long w = 0; w < words; w++) { /* a word per iteration: the threads write their own */
        uint64_t bits = 0;
        for (size_t i = (size_t)w * 64; i < n && i < (size_t)w * 64 + 64; i++)
            if (f->n_names[i] != 0 || f->doc_start[i + 1] != f->doc_start[i]) bits |= (uint64_t)1 << (i % 64);
        x->ident[w] = bits;
    }
    if (!bad && wl_sidx_directory(x) != 0) {
        free(tab);
        free(sums);
        wl_store_index_close(x);
        return WL_NOMEM;
    }
    if (bad && !(err && err[0])) wl_set_error(err, errcap, "%s: inconsistent store index: damaged", path);
    if (!bad) { /* the parts' sizes, for the store-size figures */
        for (size_t q = 0; q < ns; q++) {
            size_t b = (size_t)align_up(tab[q].elem * tab[q].count);
            int part = !strncmp(tab[q].name, "freq", sizeof tab[q].name) ? 1 : tab[q].name[0] == 'b' ? 2 : 0;
            x->part_bytes[part] += b;
        }
    }
    free(tab);
    free(sums);
    if (bad) {
        wl_store_index_close(x);
        return WL_INPUT;
    }
    *out = x;
    return WL_OK;
}

void wl_store_index_close(wl_store_index *x)
{
    if (!x) return;
    if (x->base) munmap(x->base, x->bytes);
    free(x->source_at);
    free(x->bdir);
    free(x->ident);
    free(x);
}

size_t wl_store_index_records(const wl_store_index *x) { return x ? x->f.n : 0; }

uint64_t wl_store_index_checksum(const wl_store_index *x) { return x ? x->checksum : 0; }

int64_t wl_store_index_rid(const wl_store_index *x, size_t i) { return x && i < x->f.n ? x->rid[i] : -1; }

int64_t wl_store_index_max_rid(const wl_store_index *x) { return x ? x->max_rid : 0; }

size_t wl_store_index_bytes(const wl_store_index *x, size_t *features, size_t *stats, size_t *blocks)
{
    if (features) *features = x ? x->part_bytes[0] : 0;
    if (stats) *stats = x ? x->part_bytes[1] : 0;
    if (blocks) *blocks = x ? x->part_bytes[2] : 0;
    return x ? x->bytes : 0;
}

const char *wl_store_index_source(const wl_store_index *x, size_t i)
{
    return x && i < x->f.n ? x->sources + x->source_at[x->f.source[i]] : NULL;
}

size_t wl_store_index_rank(const wl_store_index *x, size_t i) { return x && i < x->f.n ? x->rank[i] : SIZE_MAX; }
