/* pprl_encode.c -- records to keyed Bloom filters (CLK) and keyed blocking keys.
 *
 * Tokens come from the features stage, not from the raw strings: names after
 * NFKC, case folding, transliteration and canonical variants, their Double
 * Metaphone codes and consonant skeletons; dates as parsed readings; document
 * numbers OCR-folded. So Сергей and Sergey, or 04/03/1978 and 1978-03-04, give
 * the same tokens before any hashing, which a CLK tool hashing raw strings
 * cannot do.
 *
 * Each token sets k bits (the field's k) at (h1 + i * h2) mod bits, i < k, where
 * h1 and h2 are two 64-bit words of HMAC-SHA256(K_filter, field | kind | salt |
 * token): double hashing (Kirsch and Mitzenmacher, "Less hashing, same
 * performance", ESA 2006), as the CLK of Schnell et al. (2011) uses it, with the
 * keyed HMAC in place of their two keyed MD5/SHA-1 hashes. All keys derive from
 * the user's secret by HMAC with a purpose label, so the file's key fingerprint
 * (HMAC of a constant) reveals nothing of the others. */
#include "pprl/pprl.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "features/featureset.h"
#include "normalise/country.h"
#include "normalise/name.h"

#undef WL_INTERNAL /* common.h's visibility macro, not the status this file returns */

enum { CHUNK = 512, TOKEN_MAX = 256 };

/* Keys derived from the secret, one per purpose (labels are part of the format). */
typedef struct {
    uint8_t filter[32], block[32], check[32], perm[32], blip[32];
} pprl_keys;

static int derive(const uint8_t *key, size_t klen, const char *label, uint8_t out[32])
{
    char msg[96];
    /* "v1" for every format version: the labels, so the keys and the key
     * fingerprint, stay those of the first format */
    int n = snprintf(msg, sizeof msg, "watchlink-pprl v1 %s", label);
    return wl_pprl_hmac(key, klen, msg, (size_t)n, out);
}

static int derive_all(const uint8_t *key, size_t klen, pprl_keys *k)
{
    return derive(key, klen, "filter", k->filter) | derive(key, klen, "blocking", k->block) |
           derive(key, klen, "key check", k->check) | derive(key, klen, "balance permutation", k->perm) |
           derive(key, klen, "blip", k->blip);
}

/* What one worker holds. */
typedef struct {
    const wl_features *f;
    const wl_pprl_schema *s;
    const pprl_keys *keys;
    const uint32_t *perm;     /* balance permutation of 2 * bits positions, or NULL */
    const uint32_t *seg_perm[WL_PPRL_F_COUNT]; /* version 2: one per segment, or NULL */
    uint32_t off[WL_PPRL_F_COUNT], len[WL_PPRL_F_COUNT]; /* each field's bits before hardening */
    wl_pprl_mac *mac, *bmac;  /* filter and blocking keys */
    uint64_t bf[WL_PPRL_MAX_BITS / 64], tmp[2 * WL_PPRL_MAX_BITS / 64];
    char salt[8];
    size_t salt_len;
    uint64_t blocks[WL_PPRL_MAX_BLOCKS];
    size_t n_blocks;
    int failed;
} enc_worker;

/* ---- the filter ---- */

static void put_token(enc_worker *w, int field, char kind, const char *tok, size_t n)
{
    const wl_pprl_fieldspec *fs = &w->s->field[field];
    uint8_t msg[TOKEN_MAX + 16], md[32];
    size_t salt_len = fs->salt == WL_PPRL_SALT_BIRTH_YEAR ? w->salt_len : 0;
    if (n > TOKEN_MAX) n = TOKEN_MAX;
    /* field, kind and the salt's length first: no two (field, kind, salt, token)
     * give the same message */
    msg[0] = (uint8_t)field;
    msg[1] = (uint8_t)kind;
    msg[2] = (uint8_t)salt_len;
    memcpy(msg + 3, w->salt, salt_len);
    memcpy(msg + 3 + salt_len, tok, n);
    if (wl_pprl_mac_run(w->mac, msg, 3 + salt_len + n, md) != 0) {
        w->failed = 1;
        return;
    }
    uint64_t h1, h2;
    memcpy(&h1, md, 8);
    memcpy(&h2, md + 8, 8);
    h2 |= 1; /* odd: with a power-of-two length every i gives a new position */
    uint64_t bits = w->len[field], off = w->off[field];
    for (int i = 0; i < fs->k; i++) {
        uint64_t pos = off + (h1 + (uint64_t)i * h2) % bits;
        w->bf[pos >> 6] |= 1ull << (pos & 63);
    }
}

/* Padded q-grams of s ("_ab", "abc", ..., "bc_" for q 2 with one pad each side). */
static void put_qgrams(enc_worker *w, int field, const char *s, size_t n)
{
    int q = w->s->field[field].q;
    char buf[TOKEN_MAX + 8];
    if (n == 0) return;
    if (n > TOKEN_MAX) n = TOKEN_MAX;
    size_t pad = (size_t)(q - 1), len = 0;
    for (size_t k = 0; k < pad; k++) buf[len++] = '_';
    memcpy(buf + len, s, n);
    len += n;
    for (size_t k = 0; k < pad; k++) buf[len++] = '_';
    for (size_t k = 0; k + (size_t)q <= len; k++) put_token(w, field, 'q', buf + k, (size_t)q);
}

static void put_dm(enc_worker *w, uint32_t code)
{
    char t[4];
    size_t n = 0;
    for (; n < 4 && (code >> (8 * n)) & 0xff; n++) t[n] = (char)((code >> (8 * n)) & 0xff);
    if (n) put_token(w, WL_PPRL_F_NAME, 'p', t, n);
}

static int part_used(const wl_fpart *p, int aliases)
{
    return !(p->flags & WL_PART_PARTICLE) && (aliases || p->name_no == 0);
}

static void put_names(enc_worker *w, size_t i)
{
    const wl_pprl_fieldspec *fs = &w->s->field[WL_PPRL_F_NAME];
    size_t np;
    const wl_fpart *p = wl_f_parts(w->f, i, &np);
    for (size_t k = 0; k < np; k++) {
        if (!part_used(&p[k], fs->aliases)) continue;
        const char *c = wl_f_str(w->f, p[k].canon);
        size_t cl = p[k].canon_len;
        if (fs->tokens & WL_PPRL_TOK_BIGRAMS) put_qgrams(w, WL_PPRL_F_NAME, c, cl);
        if (fs->tokens & WL_PPRL_TOK_WORDS) put_token(w, WL_PPRL_F_NAME, 'w', c, cl);
        if ((fs->tokens & WL_PPRL_TOK_PHONETIC) && !(p[k].flags & WL_PART_INITIAL)) {
            put_dm(w, p[k].dm1);
            if (p[k].dm2 != p[k].dm1) put_dm(w, p[k].dm2);
        }
        if ((fs->tokens & WL_PPRL_TOK_SKELETON) && !(p[k].flags & WL_PART_INITIAL)) {
            char sk[TOKEN_MAX];
            size_t sl = wl_skeleton(c, cl, sk, sizeof sk);
            if (sl) put_token(w, WL_PPRL_F_NAME, 's', sk, sl);
        }
    }
}

/* Date parts as tokens: year, month, day and the whole date, so a day/month
 * swap or a wrong day keeps the year's and month's bits. */
static void put_dates(enc_worker *w, size_t i)
{
    size_t nd;
    const wl_date *d = wl_f_dates(w->f, i, &nd);
    for (size_t k = 0; k < nd; k++) {
        char t[32];
        int n;
        if (d[k].prec < WL_PREC_YEAR) continue;
        n = snprintf(t, sizeof t, "%04d", d[k].year);
        put_token(w, WL_PPRL_F_DOB, 'y', t, (size_t)n);
        if (d[k].prec < WL_PREC_MONTH || (d[k].flags & (WL_DATE_PLACEHOLDER | WL_DATE_RANGE))) continue;
        n = snprintf(t, sizeof t, "%02d", d[k].month);
        put_token(w, WL_PPRL_F_DOB, 'm', t, (size_t)n);
        if (d[k].prec < WL_PREC_DAY) continue;
        n = snprintf(t, sizeof t, "%02d", d[k].day);
        put_token(w, WL_PPRL_F_DOB, 'd', t, (size_t)n);
        n = snprintf(t, sizeof t, "%04d-%02d-%02d", d[k].year, d[k].month, d[k].day);
        put_token(w, WL_PPRL_F_DOB, 'f', t, (size_t)n);
    }
}

static void put_docs(enc_worker *w, size_t i)
{
    size_t nd;
    const wl_fdoc *d = wl_f_docs(w->f, i, &nd);
    for (size_t k = 0; k < nd; k++) {
        const char *s = wl_f_str(w->f, d[k].str);
        put_qgrams(w, WL_PPRL_F_DOC, s, d[k].len);
        put_token(w, WL_PPRL_F_DOC, 'w', s, d[k].len);
    }
}

/* q-grams of each word of a folded text (place of birth, free text). */
static void put_text_words(enc_worker *w, int field, uint32_t off)
{
    if (off == UINT32_MAX) return;
    const char *s = wl_f_str(w->f, off);
    for (size_t k = 0; s[k];) {
        while (s[k] && !((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= '0' && s[k] <= '9'))) k++;
        size_t start = k;
        while ((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= '0' && s[k] <= '9')) k++;
        if (k > start) put_qgrams(w, field, s + start, k - start);
    }
}

static void put_codes(enc_worker *w, size_t i)
{
    if (w->s->field[WL_PPRL_F_NAT].on) {
        size_t nn;
        const uint32_t *nat = wl_f_nats(w->f, i, &nn);
        for (size_t k = 0; k < nn; k++) {
            char c[4];
            wl_alpha3_unpack(nat[k], c);
            put_token(w, WL_PPRL_F_NAT, 'c', c, 3);
        }
    }
    if (w->s->field[WL_PPRL_F_GENDER].on && w->f->gender[i])
        put_token(w, WL_PPRL_F_GENDER, 'g', (const char *)&w->f->gender[i], 1);
    if (w->s->field[WL_PPRL_F_POB].on) put_text_words(w, WL_PPRL_F_POB, w->f->pob[i]);
    if (w->s->field[WL_PPRL_F_TEXT].on) put_text_words(w, WL_PPRL_F_TEXT, w->f->free_text[i]);
}

/* The record-stable salt: the first known birth year (Schnell, Borgs and
 * Encarnacao 2016 salt with such a value so a token's bits differ between
 * records that differ in it, which breaks frequency alignment of tokens across
 * the whole file). A record without a year is salted with the empty string. */
static void set_salt(enc_worker *w, size_t i)
{
    size_t nd;
    const wl_date *d = wl_f_dates(w->f, i, &nd);
    w->salt_len = 0;
    for (size_t k = 0; k < nd; k++)
        if (d[k].prec >= WL_PREC_YEAR) {
            w->salt_len = (size_t)snprintf(w->salt, sizeof w->salt, "%04d", d[k].year % 10000);
            return;
        }
}

/* ---- hardening ---- */

/* XOR-folding (Schnell, Borgs and Encarnacao, "XOR-folding for Bloom filter-based
 * encryptions for privacy-preserving record linkage", 2016): the two halves of
 * the filter XORed, so no bit of the result belongs to one token alone. */
static size_t xor_fold(uint64_t *bf, size_t words)
{
    size_t h = words / 2;
    for (size_t k = 0; k < h; k++) bf[k] ^= bf[h + k];
    return h;
}

/* Balanced Bloom filter (Berger and Chaum; Schnell and Borgs, ICDMW 2016): the
 * filter followed by its complement, then a keyed permutation of the 2n bits,
 * so every record has exactly n ones and the number of set bits (which grows
 * with the length of the name) no longer tells anything. */
static size_t balance(enc_worker *w, const uint32_t *perm, uint64_t *bf, size_t words)
{
    size_t nbits = words * 64;
    memset(w->tmp, 0, 2 * words * sizeof(uint64_t));
    for (size_t j = 0; j < 2 * nbits; j++) {
        size_t src = perm[j];
        uint64_t bit = src < nbits ? (bf[src >> 6] >> (src & 63)) & 1
                                   : ~(bf[(src - nbits) >> 6] >> ((src - nbits) & 63)) & 1;
        w->tmp[j >> 6] |= bit << (j & 63);
    }
    memcpy(bf, w->tmp, 2 * words * sizeof(uint64_t));
    return 2 * words;
}

/* BLIP, randomised response on the bits (Alaggan, Gambs and Kermarrec, "BLIP:
 * non-interactive differentially-private similarity computation on Bloom
 * filters", SSS 2012; Schnell and Borgs 2016): each bit flipped with probability
 * p = 1 / (1 + e^epsilon), so one bit is epsilon-differentially private. The
 * coins come from ChaCha20 keyed by HMAC(K_blip, source, id): the same record
 * always gets the same noise, so encoding it twice does not let anyone average
 * the noise away. */
static int blip(enc_worker *w, size_t i, uint64_t *bf, size_t words)
{
    const wl_dataset *ds = w->f->ds;
    const char *src = wl_dataset_source(ds, i), *id = wl_dataset_id(ds, i);
    size_t ls = strlen(src), li = strlen(id);
    uint8_t *msg = malloc(ls + li + 1), key[32];
    uint32_t coins[WL_PPRL_MAX_BITS * 2];
    if (!msg) return -1;
    memcpy(msg, src, ls);
    msg[ls] = 0;
    memcpy(msg + ls + 1, id, li);
    int rc = wl_pprl_hmac(w->keys->blip, 32, msg, ls + li + 1, key);
    free(msg);
    if (rc || wl_pprl_stream(key, (uint8_t *)coins, words * 64 * sizeof coins[0])) return -1;
    double p = 1.0 / (1.0 + exp(w->s->blip_epsilon));
    uint32_t cut = (uint32_t)(p * 4294967296.0);
    for (size_t j = 0; j < words * 64; j++)
        if (coins[j] < cut) bf[j >> 6] ^= 1ull << (j & 63);
    return 0;
}

/* ---- blocking keys ---- */

static void put_block(enc_worker *w, char kind, const char *a, size_t la, const char *b, size_t lb)
{
    uint8_t msg[2 * TOKEN_MAX + 4], md[32];
    if (w->n_blocks == WL_PPRL_MAX_BLOCKS) return;
    la = WL_MIN(la, (size_t)TOKEN_MAX);
    lb = WL_MIN(lb, (size_t)TOKEN_MAX);
    msg[0] = (uint8_t)kind;
    msg[1] = (uint8_t)la;
    memcpy(msg + 2, a, la);
    memcpy(msg + 2 + la, b, lb);
    if (wl_pprl_mac_run(w->bmac, msg, 2 + la + lb, md) != 0) {
        w->failed = 1;
        return;
    }
    uint64_t h;
    memcpy(&h, md, 8);
    for (size_t k = 0; k < w->n_blocks; k++)
        if (w->blocks[k] == h) return;
    w->blocks[w->n_blocks++] = h;
}

static int year_list(const wl_features *f, size_t i, char years[2][8])
{
    size_t nd;
    const wl_date *d = wl_f_dates(f, i, &nd);
    int n = 0;
    for (size_t k = 0; k < nd && n < 2; k++)
        if (d[k].prec >= WL_PREC_YEAR && (n == 0 || atoi(years[0]) != d[k].year))
            snprintf(years[n++], 8, "%04d", d[k].year % 10000);
    return n;
}

/* The first two pairs of adjacent words of the free text ("22 saywell",
 * "saywell place" of an address): records whose names and dates are both
 * mistyped still meet on an address written alike. */
static void text_blocks(enc_worker *w, size_t i)
{
    uint32_t off = w->f->free_text[i];
    if (off == UINT32_MAX) return;
    const char *s = wl_f_str(w->f, off);
    const char *word[3];
    size_t len[3], nw = 0;
    for (size_t k = 0; s[k] && nw < 3;) {
        while (s[k] && !((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= '0' && s[k] <= '9'))) k++;
        size_t start = k;
        while ((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= '0' && s[k] <= '9')) k++;
        if (k > start) {
            word[nw] = s + start;
            len[nw++] = k - start;
        }
    }
    for (size_t k = 0; k + 1 < nw; k++) put_block(w, 'T', word[k], len[k], word[k + 1], len[k + 1]);
}

/* Keys in the spirit of the plain blocker (block/block_keys.c), each under the
 * blocking key: a part's Double Metaphone code with each birth year; two parts
 * of the name, order-free; a document number; a full date of birth with the
 * first two letters of a part; two adjacent words of the free text. Two
 * records meet when they share one. */
static void make_blocks(enc_worker *w, size_t i)
{
    const wl_pprl_schema *s = w->s;
    const wl_features *f = w->f;
    w->n_blocks = 0;
    char years[2][8];
    int ny = s->field[WL_PPRL_F_DOB].on ? year_list(f, i, years) : 0;
    if (s->field[WL_PPRL_F_NAME].on) {
        size_t np, used = 0;
        const wl_fpart *p = wl_f_parts(f, i, &np);
        const wl_fpart *good[4];
        for (size_t k = 0; k < np; k++) {
            if (!part_used(&p[k], 0) || (p[k].flags & WL_PART_INITIAL)) continue;
            char dm[5] = { 0 };
            for (int b = 0; b < 4; b++) dm[b] = (char)((p[k].dm1 >> (8 * b)) & 0xff);
            for (int y = 0; y < (ny ? ny : 1); y++)
                put_block(w, 'P', dm, strlen(dm), ny ? years[y] : "", ny ? 4 : 0);
            if (used < 4) good[used++] = &p[k];
        }
        for (size_t a = 0; a < used; a++)
            for (size_t b = a + 1; b < used; b++) {
                const wl_fpart *x = good[a], *y = good[b];
                if (strcmp(wl_f_str(f, x->canon), wl_f_str(f, y->canon)) > 0) x = good[b], y = good[a];
                put_block(w, 'Q', wl_f_str(f, x->canon), x->canon_len, wl_f_str(f, y->canon), y->canon_len);
            }
        if (used == 1) put_block(w, 'Q', wl_f_str(f, good[0]->canon), good[0]->canon_len, "", 0);
        size_t nd;
        const wl_date *d = wl_f_dates(f, i, &nd);
        for (size_t k = 0; s->field[WL_PPRL_F_DOB].on && k < nd && k < 2; k++) {
            if (d[k].prec != WL_PREC_DAY || (d[k].flags & WL_DATE_PLACEHOLDER)) continue;
            char t[16];
            int n = snprintf(t, sizeof t, "%04d%02d%02d", d[k].year % 10000, d[k].month, d[k].day);
            for (size_t a = 0; a < used; a++)
                put_block(w, 'B', t, (size_t)n, wl_f_str(f, good[a]->canon), WL_MIN(good[a]->canon_len, 2));
        }
    }
    if (s->field[WL_PPRL_F_DOC].on) {
        size_t nd;
        const wl_fdoc *d = wl_f_docs(f, i, &nd);
        for (size_t k = 0; k < nd; k++)
            if (d[k].len >= 4) put_block(w, 'D', wl_f_str(f, d[k].str), d[k].len, "", 0);
    }
    if (s->field[WL_PPRL_F_TEXT].on) text_blocks(w, i);
}

/* ---- driver ---- */

/* Where each field's tokens go before hardening: version 1, the whole filter
 * for every field (one CLK); version 2, the field's own segment, in field order. */
static void layout(const wl_pprl_schema *s, uint32_t *off, uint32_t *len)
{
    uint32_t at = 0;
    for (int f = 0; f < WL_PPRL_F_COUNT; f++) {
        off[f] = s->version >= 2 ? at : 0;
        len[f] = s->version >= 2 ? (uint32_t)s->field[f].bits : (uint32_t)s->bits;
        if (s->version >= 2 && s->field[f].on) at += len[f];
        if (!len[f]) len[f] = 64; /* an unused field: never hashed, but never a division by 0 */
    }
}

static int encode_record(enc_worker *w, size_t i, uint64_t *out, size_t out_words)
{
    const wl_pprl_schema *s = w->s;
    size_t words = (size_t)s->bits / 64;
    memset(w->bf, 0, words * sizeof(uint64_t));
    set_salt(w, i);
    if (s->field[WL_PPRL_F_NAME].on) put_names(w, i);
    if (s->field[WL_PPRL_F_DOB].on) put_dates(w, i);
    if (s->field[WL_PPRL_F_DOC].on) put_docs(w, i);
    put_codes(w, i);
    uint64_t *bf = w->bf;
    uint64_t big[2 * WL_PPRL_MAX_BITS / 64];
    if (s->version >= 2) {
        /* each segment hardened on its own, so segments stay apart: field f's
         * bits end in field f's segment, whatever the hardening */
        size_t at = 0;
        for (int f = 0; f < WL_PPRL_F_COUNT; f++) {
            if (!s->field[f].on) continue;
            size_t sw = w->len[f] / 64;
            uint64_t seg[2 * WL_PPRL_MAX_BITS / 64];
            memcpy(seg, bf + w->off[f] / 64, sw * sizeof(uint64_t));
            if (s->xor_fold) sw = xor_fold(seg, sw);
            if (s->balance) sw = balance(w, w->seg_perm[f], seg, sw);
            memcpy(big + at, seg, sw * sizeof(uint64_t));
            at += sw;
        }
        words = at;
    } else {
        memcpy(big, bf, words * sizeof(uint64_t));
        if (s->xor_fold) words = xor_fold(big, words);
        if (s->balance) words = balance(w, w->perm, big, words);
    }
    if (s->blip_epsilon > 0 && blip(w, i, big, words) != 0) return -1;
    assert(words == out_words);
    (void)out_words;
    memcpy(out, big, words * sizeof(uint64_t));
    if (s->blocking) make_blocks(w, i);
    else w->n_blocks = 0;
    return w->failed ? -1 : 0;
}

/* Fisher-Yates over a ChaCha20 stream under K_perm (64-bit draws: the modulo
 * bias is below 2^-48 for 16384 positions). */
static uint32_t *make_perm(const uint8_t key[32], size_t n)
{
    uint32_t *perm = malloc(n * sizeof *perm);
    uint64_t *r = malloc(n * sizeof *r);
    if (!perm || !r || wl_pprl_stream(key, (uint8_t *)r, n * sizeof *r)) {
        free(perm);
        free(r);
        return NULL;
    }
    for (size_t j = 0; j < n; j++) perm[j] = (uint32_t)j;
    for (size_t j = n - 1; j > 0; j--) {
        size_t t = (size_t)(r[j] % (j + 1));
        uint32_t x = perm[j];
        perm[j] = perm[t];
        perm[t] = x;
    }
    free(r);
    return perm;
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

wl_status wl_pprl_encode(const wl_features *f, const wl_pprl_schema *s, const uint8_t *key, size_t keylen,
                         int threads, wl_encoded **out, char *err, size_t errcap)
{
    *out = NULL;
    if (!f || !s || !key || keylen < WL_PPRL_KEY_MIN) {
        wl_set_error(err, errcap, "a key of at least %d bytes is needed", WL_PPRL_KEY_MIN);
        return WL_USAGE;
    }
    pprl_keys keys;
    if (derive_all(key, keylen, &keys) != 0) {
        wl_set_error(err, errcap, "HMAC-SHA256 failed in the crypto library");
        return WL_INTERNAL;
    }
    size_t n = f->n, out_words = (size_t)wl_pprl_out_bits(s) / 64;
    wl_encoded *e = wl_encoded_alloc(n, out_words);
    uint32_t *perm = s->balance && s->version < 2 ? make_perm(keys.perm, 2 * (size_t)s->bits / (s->xor_fold ? 2 : 1))
                                                  : NULL;
    uint32_t *seg_perm[WL_PPRL_F_COUNT] = { NULL };
    int perm_failed = s->balance && s->version < 2 && !perm;
    uint32_t off[WL_PPRL_F_COUNT], len[WL_PPRL_F_COUNT];
    layout(s, off, len);
    for (int fi = 0; e && s->version >= 2 && fi < WL_PPRL_F_COUNT; fi++) {
        if (!s->field[fi].on) continue;
        if (s->balance) {
            /* a permutation per segment, keyed by the field's name */
            uint8_t sk[32];
            const char *fname = wl_pprl_field_name(fi);
            if (wl_pprl_hmac(keys.perm, 32, fname, strlen(fname), sk) != 0 ||
                !(seg_perm[fi] = make_perm(sk, 2 * (size_t)len[fi] / (s->xor_fold ? 2 : 1))))
                perm_failed = 1;
        }
        size_t ow = (size_t)wl_pprl_seg_out_bits(s, (int)len[fi]) / 64;
        e->seg[e->n_seg] = (wl_pprl_segment){ (uint16_t)fi,
                                              (uint16_t)(e->n_seg ? e->seg[e->n_seg - 1].off + e->seg[e->n_seg - 1].words : 0),
                                              (uint16_t)ow };
        e->n_seg++;
    }
    if (e) e->version = s->version >= 2 ? 2 : 1;
    size_t n_chunks = (n + CHUNK - 1) / CHUNK;
    wl_vec *chunk_blocks = calloc(n_chunks ? n_chunks : 1, sizeof *chunk_blocks);
    if (!e || perm_failed || !chunk_blocks) {
        wl_encoded_free(e);
        free(perm);
        for (int fi = 0; fi < WL_PPRL_F_COUNT; fi++) free(seg_perm[fi]);
        free(chunk_blocks);
        wl_set_error(err, errcap, "out of memory");
        return WL_NOMEM;
    }
    memcpy(e->schema_fp, s->fingerprint, sizeof e->schema_fp);
    wl_pprl_hex(keys.check, WL_PPRL_FP_HEX / 2, e->key_fp);
    int nt = wl_thread_count(threads), failed = 0;
#pragma omp parallel num_threads(nt) reduction(| : failed)
    {
        enc_worker *w = calloc(1, sizeof *w);
        if (w) {
            w->f = f;
            w->s = s;
            w->keys = &keys;
            w->perm = perm;
            memcpy(w->seg_perm, seg_perm, sizeof seg_perm);
            memcpy(w->off, off, sizeof off);
            memcpy(w->len, len, sizeof len);
            w->mac = wl_pprl_mac_new(keys.filter, 32);
            w->bmac = wl_pprl_mac_new(keys.block, 32);
        }
        int ok = w && w->mac && w->bmac;
#pragma omp for schedule(dynamic)
        for (size_t c = 0; c < n_chunks; c++) {
            wl_vec *v = &chunk_blocks[c];
            wl_vec_init(v, sizeof(uint64_t));
            for (size_t i = c * CHUNK; ok && i < WL_MIN(n, (c + 1) * CHUNK); i++) {
                if (encode_record(w, i, e->bits + i * out_words, out_words) != 0) {
                    ok = 0;
                    break;
                }
                e->block_start[i + 1] = (uint32_t)w->n_blocks;
                for (size_t k = 0; k < w->n_blocks; k++)
                    if (wl_vec_push(v, &w->blocks[k]) != 0) ok = 0;
            }
        }
        if (!ok) failed = 1;
        if (w) {
            wl_pprl_mac_free(w->mac);
            wl_pprl_mac_free(w->bmac);
            free(w);
        }
    }
    free(perm);
    for (int fi = 0; fi < WL_PPRL_F_COUNT; fi++) free(seg_perm[fi]);
    memset(&keys, 0, sizeof keys);
    size_t total = 0;
    for (size_t c = 0; c < n_chunks; c++) total += chunk_blocks[c].len;
    e->blocks = malloc((total ? total : 1) * sizeof *e->blocks);
    for (size_t i = 0; i < n; i++) e->block_start[i + 1] += e->block_start[i];
    for (size_t c = 0, at = 0; e->blocks && c < n_chunks; c++) {
        if (chunk_blocks[c].len) memcpy(e->blocks + at, chunk_blocks[c].data, chunk_blocks[c].len * 8);
        at += chunk_blocks[c].len;
    }
    for (size_t c = 0; c < n_chunks; c++) wl_vec_free(&chunk_blocks[c]);
    free(chunk_blocks);
    for (size_t i = 0; !failed && i < n; i++) {
        e->pop[i] = wl_pprl_popcount(e->bits + i * out_words, out_words);
        e->id[i] = dup_str(wl_dataset_id(f->ds, i));
        e->source[i] = dup_str(wl_dataset_source(f->ds, i));
        if (!e->id[i] || !e->source[i]) failed = 1;
    }
    if (failed || !e->blocks) {
        wl_encoded_free(e);
        wl_set_error(err, errcap, "out of memory, or the crypto library failed, while encoding");
        return WL_NOMEM;
    }
    *out = e;
    return WL_OK;
}
