/* pprl_file.c -- the encoded file: written by `watchlink encode`, read by
 * `watchlink match`. It is what crosses the border, so the reader trusts none
 * of it: every line is checked and a bad one stops the read with file:line and
 * the reason (tests/fuzz/fuzz_encoded.c).
 *
 *   #watchlink-encoded v1 schema=<16 hex> key=<16 hex> bits=<n>
 *   #watchlink-encoded v2 schema=<16 hex> key=<16 hex> bits=<n> segments=<field>:<offset>:<bits>;...
 *   id,source,clk,blocks
 *
 * Version 1 is one CLK for all fields. Version 2 cuts the filter into one
 * segment per field (offsets and lengths in bits, multiples of 64, in order,
 * without gaps, covering the filter), which the link compares one by one; the
 * schema fingerprint covers the layout, and two files are linked only when
 * their layouts are equal.
 *   <id>,<source>,<base64 of the filter>,<16-hex blocking keys, space-separated>
 *
 * The filter's bit j is bit j % 8 of byte j / 8 (the same bytes on any CPU).
 * schema= is the schema's fingerprint, key= the first 8 bytes of HMAC(secret,
 * a constant label): equal keys give equal fingerprints, and the fingerprint
 * gives nothing of the key that an attacker with the file could use except a
 * check for a guessed key (so keys must be random, docs/privacy.md). */
#include "pprl/pprl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

static const char MAGIC[] = "#watchlink-encoded ";
static const char COLUMNS[] = "id,source,clk,blocks";
enum { FIELD_MAX = 4096 };

wl_encoded *wl_encoded_alloc(size_t n, size_t words)
{
    wl_encoded *e = calloc(1, sizeof *e);
    if (!e) return NULL;
    e->n = n;
    e->words = words;
    size_t bytes = (n ? n : 1) * words * sizeof(uint64_t);
    bytes = (bytes + 63) / 64 * 64;
    e->bits = aligned_alloc(64, bytes);
    e->pop = calloc(n + 1, sizeof *e->pop);
    e->block_start = calloc(n + 1, sizeof *e->block_start);
    e->id = calloc(n + 1, sizeof *e->id);
    e->source = calloc(n + 1, sizeof *e->source);
    if (!e->bits || !e->pop || !e->block_start || !e->id || !e->source) {
        wl_encoded_free(e);
        return NULL;
    }
    memset(e->bits, 0, bytes);
    return e;
}

void wl_encoded_free(wl_encoded *e)
{
    if (!e) return;
    for (size_t i = 0; i < e->n; i++) {
        if (e->id) free(e->id[i]);
        if (e->source) free(e->source[i]);
    }
    free(e->id);
    free(e->source);
    free(e->bits);
    free(e->pop);
    free(e->block_start);
    free(e->blocks);
    free(e);
}

size_t wl_encoded_size(const wl_encoded *e) { return e->n; }
size_t wl_encoded_bits(const wl_encoded *e) { return e->words * 64; }
const char *wl_encoded_id(const wl_encoded *e, size_t i) { return e->id[i]; }
const char *wl_encoded_source(const wl_encoded *e, size_t i) { return e->source[i]; }
const uint64_t *wl_encoded_filter(const wl_encoded *e, size_t i) { return e->bits + i * e->words; }
const char *wl_encoded_schema_fingerprint(const wl_encoded *e) { return e->schema_fp; }
const char *wl_encoded_key_fingerprint(const wl_encoded *e) { return e->key_fp; }

/* ---- writing ---- */

/* Ids and sources go out through the shared CSV writer (common/csv_write.c),
 * so an encoded file quotes exactly as every other file watchlink writes. */
static void put_field(FILE *out, const char *s) { wl_csv_write_field(out, s, strlen(s)); }

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Base64 (RFC 4648) of the filter's bytes, with padding. */
static void put_filter(FILE *out, const uint64_t *w, size_t words)
{
    size_t nb = words * 8;
    char line[4 * (WL_PPRL_MAX_BITS * 2 / 8 + 2) / 3 + 8];
    size_t len = 0;
    for (size_t k = 0; k < nb; k += 3) {
        uint32_t v = 0;
        int have = (int)WL_MIN((size_t)3, nb - k);
        for (int b = 0; b < 3; b++) {
            size_t j = k + (size_t)b;
            uint32_t byte = b < have ? (uint32_t)((w[j / 8] >> (8 * (j % 8))) & 0xff) : 0;
            v |= byte << (16 - 8 * b);
        }
        line[len++] = B64[(v >> 18) & 63];
        line[len++] = B64[(v >> 12) & 63];
        line[len++] = have > 1 ? B64[(v >> 6) & 63] : '=';
        line[len++] = have > 2 ? B64[v & 63] : '=';
    }
    fwrite(line, 1, len, out);
}

wl_status wl_encoded_write(const wl_encoded *e, FILE *out)
{
    fprintf(out, "%sv%d schema=%s key=%s bits=%zu", MAGIC, e->n_seg ? 2 : 1, e->schema_fp, e->key_fp,
            e->words * 64);
    for (int k = 0; k < e->n_seg; k++)
        fprintf(out, "%s%s:%u:%u", k ? ";" : " segments=", wl_pprl_field_name(e->seg[k].field),
                64u * e->seg[k].off, 64u * e->seg[k].words);
    fprintf(out, "\n%s\n", COLUMNS);
    for (size_t i = 0; i < e->n; i++) {
        put_field(out, e->id[i]);
        fputc(',', out);
        put_field(out, e->source[i]);
        fputc(',', out);
        put_filter(out, e->bits + i * e->words, e->words);
        fputc(',', out);
        for (uint32_t k = e->block_start[i]; k < e->block_start[i + 1]; k++)
            fprintf(out, "%s%016llx", k > e->block_start[i] ? " " : "", (unsigned long long)e->blocks[k]);
        fputc('\n', out);
    }
    return ferror(out) ? WL_IO : WL_OK;
}

int wl_encoded_sniff(const char *path)
{
    /* Only a regular file is looked at: the bytes read from a fifo or a
     * terminal are gone, and the list reader that opens it next would start
     * mid-list (match fifo.csv b.csv lost the header and its first rows). */
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) return 0;
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    char buf[sizeof MAGIC];
    size_t n = fread(buf, 1, sizeof MAGIC - 1, f);
    fclose(f);
    return n == sizeof MAGIC - 1 && !memcmp(buf, MAGIC, n);
}

/* ---- reading ---- */

typedef struct {
    const char *p, *end, *name;
    long line;
    char *err;
    size_t errcap;
} cursor;

static int fail(cursor *c, const char *what)
{
    wl_set_error(c->err, c->errcap, "%s:%ld: %s", c->name, c->line, what);
    return -1;
}

/* One CSV field into out (RFC 4180 quoting; a quoted field may hold line breaks). */
static int get_field(cursor *c, char *out, size_t cap, size_t *len)
{
    *len = 0;
    if (c->p < c->end && *c->p == '"') {
        for (c->p++;; c->p++) {
            if (c->p >= c->end) return fail(c, "a quoted field is not closed");
            if (*c->p == '"') {
                if (c->p + 1 < c->end && c->p[1] == '"') c->p++;
                else {
                    c->p++;
                    break;
                }
            } else if (*c->p == '\n') {
                c->line++;
            }
            if (*len + 1 >= cap) return fail(c, "a field is longer than 4096 bytes");
            out[(*len)++] = *c->p;
        }
    } else {
        while (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r') {
            if (*c->p == '"') return fail(c, "a quote inside an unquoted field");
            if (*len + 1 >= cap) return fail(c, "a field is longer than 4096 bytes");
            out[(*len)++] = *c->p++;
        }
    }
    out[*len] = '\0';
    if (memchr(out, '\0', *len)) return fail(c, "a field holds a NUL byte");
    return 0;
}

static int expect(cursor *c, char ch, const char *what)
{
    if (c->p >= c->end || *c->p != ch) return fail(c, what);
    c->p++;
    return 0;
}

static int end_line(cursor *c)
{
    if (c->p < c->end && *c->p == '\r') c->p++;
    if (c->p < c->end && *c->p != '\n') return fail(c, "more than 4 fields (id,source,clk,blocks)");
    if (c->p < c->end) c->p++;
    c->line++;
    return 0;
}

/* Value of a base64 character, -1 for any other byte (a table: a 10^5-record
 * file holds 17 M of them). */
static int b64_value(char ch)
{
    static const int8_t table[256] = {
#define X16 -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1
        X16, X16, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, -1, -1, 63,
        52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -1, -1, -1,
        -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
        15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, -1,
        -1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
        41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1,
        X16, X16, X16, X16, X16, X16, X16, X16
#undef X16
    };
    return table[(unsigned char)ch];
}

static int decode_filter(cursor *c, const char *s, size_t len, uint64_t *w, size_t words)
{
    size_t nb = words * 8;
    if (len != 4 * ((nb + 2) / 3)) return fail(c, "the clk is not a filter of the header's bits (base64)");
    memset(w, 0, words * sizeof *w);
    for (size_t k = 0, j = 0; k < len; k += 4) {
        uint32_t v = 0;
        size_t have = WL_MIN((size_t)3, nb - j); /* bytes in this group: 4 - have - 1 pads */
        for (size_t b = 0; b < 4; b++) {
            int pad = b > have, x = pad ? (s[k + b] == '=' ? 0 : -1) : b64_value(s[k + b]);
            if (x < 0) return fail(c, "the clk is not base64");
            v = v << 6 | (uint32_t)x;
        }
        for (int b = 0; b < 3; b++, j++) {
            uint64_t byte = (v >> (16 - 8 * b)) & 0xff;
            if (j < nb) w[j / 8] |= byte << (8 * (j % 8));
            else if (byte) return fail(c, "the clk has bits past the filter's length");
        }
    }
    return 0;
}

static int parse_blocks(cursor *c, const char *s, wl_vec *blocks, size_t *count)
{
    *count = 0;
    while (*s) {
        uint64_t v = 0;
        int nd = 0;
        for (; (*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f'); s++, nd++)
            v = v << 4 | (uint64_t)(*s <= '9' ? *s - '0' : *s - 'a' + 10);
        if (nd != 16 || (*s && *s != ' ')) return fail(c, "a blocking key is not 16 lowercase hex digits");
        if (*s == ' ' && !s[1]) return fail(c, "a blocking key is not 16 lowercase hex digits");
        if (*s) s++;
        if (++*count > WL_PPRL_MAX_BLOCKS) return fail(c, "more than 48 blocking keys");
        if (wl_vec_push(blocks, &v) != 0) return fail(c, "out of memory");
    }
    return 0;
}

static int parse_hex_fp(const char *s, char out[WL_PPRL_FP_HEX + 1])
{
    for (int k = 0; k < WL_PPRL_FP_HEX; k++)
        if (!((s[k] >= '0' && s[k] <= '9') || (s[k] >= 'a' && s[k] <= 'f'))) return -1;
    memcpy(out, s, WL_PPRL_FP_HEX);
    out[WL_PPRL_FP_HEX] = '\0';
    return 0;
}

/* "field:offset:bits;..." of a version 2 header into e's segments: known
 * fields, each once, back to back from bit 0 to the filter's end. */
static int parse_segments(cursor *c, const char *s, size_t bits, wl_pprl_segment *seg, int *n_seg)
{
    size_t at = 0;
    *n_seg = 0;
    uint32_t seen = 0;
    while (*s) {
        char name[32];
        unsigned long long off = 0, len = 0;
        int used = 0;
        if (*n_seg == WL_PPRL_F_COUNT || sscanf(s, "%31[a-z_]:%llu:%llu%n", name, &off, &len, &used) != 3)
            return fail(c, "segments= must list field:offset:bits, separated by ';'");
        int f = 0;
        while (f < WL_PPRL_F_COUNT && strcmp(wl_pprl_field_name(f), name)) f++;
        if (f == WL_PPRL_F_COUNT) return fail(c, "a segment names an unknown field");
        if (seen & (1u << f)) return fail(c, "a field has two segments");
        if (off != at || len == 0 || len % 64 || len > bits - at)
            return fail(c, "the segments must follow one another from bit 0, each a multiple of 64 bits");
        seen |= 1u << f;
        seg[*n_seg] = (wl_pprl_segment){ (uint16_t)f, (uint16_t)(off / 64), (uint16_t)(len / 64) };
        ++*n_seg;
        at += (size_t)len;
        s += used;
        if (*s == ';' && s[1]) s++;
        else if (*s) return fail(c, "segments= must list field:offset:bits, separated by ';'");
    }
    if (at != bits) return fail(c, "the segments do not cover the filter (bits=)");
    return 0;
}

/* The header line: magic, version, fingerprints, length, the segments (v2). */
static int parse_header(cursor *c, char *schema_fp, char *key_fp, size_t *bits, wl_pprl_segment *seg, int *n_seg)
{
    const char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
    size_t len = nl ? (size_t)(nl - c->p) : (size_t)(c->end - c->p);
    char h[512];
    if (len >= sizeof h || len < sizeof MAGIC - 1 || memcmp(c->p, MAGIC, sizeof MAGIC - 1))
        return fail(c, "not a watchlink encoded file (no #watchlink-encoded header)");
    memcpy(h, c->p, len);
    h[len] = '\0';
    if (len && h[len - 1] == '\r') h[--len] = '\0';
    int version = 0, used = 0;
    char sfp[32], kfp[32];
    unsigned long long b = 0;
    if (sscanf(h + sizeof MAGIC - 1, "v%d schema=%31s key=%31s bits=%llu%n", &version, sfp, kfp, &b, &used) != 4)
        return fail(c, "the header must read '#watchlink-encoded v2 schema=HEX key=HEX bits=N segments=...'");
    if (version < 1 || version > WL_PPRL_VERSION)
        return fail(c, "an encoded file of another version (this build reads v1 and v2): encode the list "
                       "again with this build's 'watchlink encode'");
    const char *rest = h + sizeof MAGIC - 1 + (size_t)used;
    if (version == 1 && *rest) return fail(c, "the header must read '#watchlink-encoded v1 schema=HEX key=HEX bits=N'");
    if (version == 2 && strncmp(rest, " segments=", 10))
        return fail(c, "a v2 header must end with ' segments=field:offset:bits;...'");
    if (strlen(sfp) != WL_PPRL_FP_HEX || strlen(kfp) != WL_PPRL_FP_HEX || parse_hex_fp(sfp, schema_fp) ||
        parse_hex_fp(kfp, key_fp))
        return fail(c, "a fingerprint is not 16 lowercase hex digits");
    if (b < 64 || b > 2 * WL_PPRL_MAX_BITS || b % 64) return fail(c, "bits must be a multiple of 64 up to 16384");
    *bits = (size_t)b;
    *n_seg = 0;
    if (version == 2 && parse_segments(c, rest + 10, (size_t)b, seg, n_seg) != 0) return -1;
    c->p += len + (nl ? 1 : 0);
    c->line++;
    size_t cl = sizeof COLUMNS - 1;
    if ((size_t)(c->end - c->p) < cl || memcmp(c->p, COLUMNS, cl)) return fail(c, "the second line must be 'id,source,clk,blocks'");
    c->p += cl;
    return end_line(c);
}

typedef struct {
    wl_vec bits, pop, bstart, blocks, ids, sources;
} read_state;

static void state_free(read_state *st, int owned)
{
    if (owned) {
        for (size_t i = 0; i < st->ids.len; i++) free(WL_VEC_AT(&st->ids, char *, i));
        for (size_t i = 0; i < st->sources.len; i++) free(WL_VEC_AT(&st->sources, char *, i));
    }
    wl_vec_free(&st->bits);
    wl_vec_free(&st->pop);
    wl_vec_free(&st->bstart);
    wl_vec_free(&st->blocks);
    wl_vec_free(&st->ids);
    wl_vec_free(&st->sources);
}

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static int parse_row(cursor *c, read_state *st, size_t words)
{
    char id[FIELD_MAX], src[FIELD_MAX], *clk = NULL, *blk = NULL;
    size_t lid, lsrc, lclk, lblk, nblk;
    size_t clk_cap = 4 * ((words * 8 + 2) / 3) + 2, blk_cap = 17 * WL_PPRL_MAX_BLOCKS + 2;
    uint64_t w[2 * WL_PPRL_MAX_BITS / 64];
    int rc = -1;
    clk = malloc(clk_cap);
    blk = malloc(blk_cap);
    if (!clk || !blk) {
        fail(c, "out of memory");
        goto out;
    }
    if (get_field(c, id, sizeof id, &lid) || expect(c, ',', "a row needs 4 fields: id,source,clk,blocks") ||
        get_field(c, src, sizeof src, &lsrc) || expect(c, ',', "a row needs 4 fields: id,source,clk,blocks") ||
        get_field(c, clk, clk_cap, &lclk) || expect(c, ',', "a row needs 4 fields: id,source,clk,blocks") ||
        get_field(c, blk, blk_cap, &lblk))
        goto out;
    if (!lid || !lsrc) {
        fail(c, "an empty id or source");
        goto out;
    }
    uint32_t bs = (uint32_t)st->blocks.len; /* this row's keys start here */
    if (decode_filter(c, clk, lclk, w, words) || parse_blocks(c, blk, &st->blocks, &nblk) || end_line(c)) goto out;
    uint32_t pop = wl_pprl_popcount(w, words);
    char *pid = dup_n(id, lid), *psrc = dup_n(src, lsrc);
    if (!pid || !psrc || wl_vec_reserve(&st->bits, st->bits.len + words) || wl_vec_push(&st->pop, &pop) ||
        wl_vec_push(&st->bstart, &bs) || wl_vec_push(&st->ids, &pid) || wl_vec_push(&st->sources, &psrc)) {
        /* pushed pointers are freed with the state; the rest here */
        int in_ids = st->ids.len && WL_VEC_AT(&st->ids, char *, st->ids.len - 1) == pid;
        int in_src = st->sources.len && WL_VEC_AT(&st->sources, char *, st->sources.len - 1) == psrc;
        if (!in_ids) free(pid);
        if (!in_src) free(psrc);
        fail(c, "out of memory");
        goto out;
    }
    memcpy((uint64_t *)st->bits.data + st->bits.len, w, words * sizeof *w);
    st->bits.len += words;
    rc = 0;
out:
    free(clk);
    free(blk);
    return rc;
}

wl_status wl_encoded_parse(const char *data, size_t len, const char *name, wl_encoded **out, char *err,
                           size_t errcap)
{
    cursor c = { data, data + len, name, 1, err, errcap };
    char sfp[WL_PPRL_FP_HEX + 1], kfp[WL_PPRL_FP_HEX + 1];
    size_t bits = 0;
    wl_pprl_segment seg[WL_PPRL_F_COUNT];
    int n_seg = 0;
    *out = NULL;
    if (parse_header(&c, sfp, kfp, &bits, seg, &n_seg) != 0) return WL_FORMAT;
    size_t words = bits / 64;
    read_state st;
    wl_vec_init(&st.bits, sizeof(uint64_t));
    wl_vec_init(&st.pop, sizeof(uint32_t));
    wl_vec_init(&st.bstart, sizeof(uint32_t));
    wl_vec_init(&st.blocks, sizeof(uint64_t));
    wl_vec_init(&st.ids, sizeof(char *));
    wl_vec_init(&st.sources, sizeof(char *));
    while (c.p < c.end) {
        if (st.ids.len >= UINT32_MAX - 1) {
            fail(&c, "more than 4294967294 records");
            state_free(&st, 1);
            return WL_FORMAT;
        }
        if (parse_row(&c, &st, words) != 0) {
            state_free(&st, 1);
            return WL_FORMAT;
        }
    }
    size_t n = st.ids.len;
    wl_encoded *e = wl_encoded_alloc(n, words);
    if (!e) {
        state_free(&st, 1);
        wl_set_error(err, errcap, "%s: out of memory", name);
        return WL_NOMEM;
    }
    if (n) {
        memcpy(e->bits, st.bits.data, n * words * sizeof(uint64_t));
        memcpy(e->pop, st.pop.data, n * sizeof(uint32_t));
        memcpy(e->block_start, st.bstart.data, n * sizeof(uint32_t));
        memcpy(e->id, st.ids.data, n * sizeof(char *));
        memcpy(e->source, st.sources.data, n * sizeof(char *));
    }
    e->block_start[n] = (uint32_t)st.blocks.len;
    e->blocks = st.blocks.data;
    st.blocks.data = NULL;
    if (!e->blocks) e->blocks = malloc(sizeof(uint64_t));
    memcpy(e->schema_fp, sfp, sizeof sfp);
    memcpy(e->key_fp, kfp, sizeof kfp);
    e->version = n_seg ? 2 : 1;
    e->n_seg = n_seg;
    memcpy(e->seg, seg, (size_t)n_seg * sizeof *seg);
    snprintf(e->name, sizeof e->name, "%s", name);
    state_free(&st, 0);
    if (!e->blocks) {
        wl_encoded_free(e);
        wl_set_error(err, errcap, "%s: out of memory", name);
        return WL_NOMEM;
    }
    *out = e;
    return WL_OK;
}

wl_status wl_encoded_read(const char *path, wl_encoded **out, char *err, size_t errcap)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        wl_set_error(err, errcap, "%s: %s", path, strerror(errno));
        return WL_IO;
    }
    wl_vec buf;
    wl_vec_init(&buf, 1);
    for (;;) {
        if (wl_vec_reserve(&buf, buf.len + (1 << 20)) != 0) {
            fclose(f);
            wl_vec_free(&buf);
            wl_set_error(err, errcap, "%s: out of memory", path);
            return WL_NOMEM;
        }
        size_t got = fread((char *)buf.data + buf.len, 1, 1 << 20, f);
        buf.len += got;
        if (got < (1 << 20)) break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        wl_vec_free(&buf);
        wl_set_error(err, errcap, "%s: read error", path);
        return WL_IO;
    }
    wl_status st = wl_encoded_parse(buf.data ? buf.data : "", buf.len, path, out, err, errcap);
    wl_vec_free(&buf);
    return st;
}
