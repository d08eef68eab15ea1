/* pprl_schema.c -- the encoding schema: which fields go into the filter, with
 * how many bit positions per token (the field's weight, as clkhash's schema
 * gives each field its own k), the q-gram size, the filter length and the
 * hardening. Parsed strictly (an unknown key is an error, not ignored: a typo in
 * "xor_fold" must not silently leave a filter unhardened), then fingerprinted
 * from a canonical text of the parsed values, so two schema files that differ
 * only in spacing or key order encode alike and carry one fingerprint. */
#include "pprl/pprl.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>

static const char *const g_field_names[WL_PPRL_F_COUNT] = {
#define WL_PPRL_FIELD_STR_(name, str) str,
    WL_PPRL_FIELD_MAP(WL_PPRL_FIELD_STR_)
#undef WL_PPRL_FIELD_STR_
};

/* Version 2: each field hashed into a segment of its own, so the link can weigh
 * each field's agreement apart (a field-level Fellegi-Sunter model over the
 * segments' Dice, pprl_score.c). The k of each field are version 1's; the
 * segment lengths leave each segment about a third full or less on the
 * generated lists and FEBRL. */
static const char g_default_schema[] =
    "{\n"
    "  \"format\": \"watchlink-pprl-schema\",\n"
    "  \"version\": 2,\n"
    "  \"fields\": {\n"
    "    \"name\": { \"bits\": 512, \"k\": 8, \"q\": 2, \"tokens\": [\"bigrams\", \"phonetic\", \"skeleton\", \"words\"],\n"
    "              \"salt\": \"none\", \"aliases\": false },\n"
    "    \"dob\": { \"bits\": 256, \"k\": 24, \"salt\": \"none\" },\n"
    "    \"doc\": { \"bits\": 256, \"k\": 12, \"q\": 2 },\n"
    "    \"nationality\": { \"bits\": 128, \"k\": 4 },\n"
    "    \"gender\": { \"bits\": 128, \"k\": 2 },\n"
    "    \"place_of_birth\": { \"bits\": 128, \"k\": 3, \"q\": 2 },\n"
    "    \"text\": { \"bits\": 256, \"k\": 3, \"q\": 2 }\n"
    "  },\n"
    "  \"hardening\": { \"balance\": false, \"xor_fold\": false, \"blip_epsilon\": 0 },\n"
    "  \"blocking\": true\n"
    "}\n";

const char *wl_pprl_default_schema(void) { return g_default_schema; }

const char *wl_pprl_field_name(int f) { return f >= 0 && f < WL_PPRL_F_COUNT ? g_field_names[f] : NULL; }

void wl_pprl_schema_free(wl_pprl_schema *s) { free(s); }

const char *wl_pprl_schema_fingerprint(const wl_pprl_schema *s) { return s->fingerprint; }

/* An integer member in [lo, hi], or def when absent. @return 0, or -1 with err. */
static int get_int(json_t *o, const char *key, int lo, int hi, int def, int *out, const char *where,
                   char *err, size_t errcap)
{
    json_t *v = json_object_get(o, key);
    if (!v) {
        *out = def;
        return 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
        wl_set_error(err, errcap, "%s.%s must be a whole number from %d to %d", where, key, lo, hi);
        return -1;
    }
    *out = (int)json_integer_value(v);
    return 0;
}

static int get_bool(json_t *o, const char *key, int def, int *out, const char *where, char *err,
                    size_t errcap)
{
    json_t *v = json_object_get(o, key);
    if (!v) {
        *out = def;
        return 0;
    }
    if (!json_is_boolean(v)) {
        wl_set_error(err, errcap, "%s.%s must be true or false", where, key);
        return -1;
    }
    *out = json_is_true(v);
    return 0;
}

/* Refuses members not in allowed (NULL-terminated). */
static int only_keys(json_t *o, const char *const *allowed, const char *where, char *err, size_t errcap)
{
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v) {
        size_t k = 0;
        while (allowed[k] && strcmp(allowed[k], key)) k++;
        if (!allowed[k]) {
            wl_set_error(err, errcap, "%s: unknown key \"%s\"", where, key);
            return -1;
        }
    }
    return 0;
}

static int parse_tokens(json_t *v, unsigned *out, const char *where, char *err, size_t errcap)
{
    static const struct { const char *name; unsigned bit; } tab[] = {
        { "bigrams", WL_PPRL_TOK_BIGRAMS }, { "qgrams", WL_PPRL_TOK_BIGRAMS },
        { "phonetic", WL_PPRL_TOK_PHONETIC }, { "skeleton", WL_PPRL_TOK_SKELETON },
        { "words", WL_PPRL_TOK_WORDS } };
    if (!json_is_array(v) || json_array_size(v) == 0) {
        wl_set_error(err, errcap, "%s.tokens must be a non-empty list of bigrams, phonetic, skeleton, words",
                     where);
        return -1;
    }
    *out = 0;
    size_t i;
    json_t *t;
    json_array_foreach(v, i, t) {
        size_t k = 0;
        while (k < WL_ARRAY_SIZE(tab) && !(json_is_string(t) && !strcmp(json_string_value(t), tab[k].name)))
            k++;
        if (k == WL_ARRAY_SIZE(tab)) {
            wl_set_error(err, errcap, "%s.tokens[%zu]: not one of bigrams, phonetic, skeleton, words", where, i);
            return -1;
        }
        *out |= tab[k].bit;
    }
    return 0;
}

/* Default segment length of each field in a version 2 schema, in enum order. */
/* (multiples of 128, so "xor_fold": true works on the default layout) */
static const int g_default_seg_bits[WL_PPRL_F_COUNT] = { 512, 256, 256, 128, 128, 128, 256 };

static int parse_field(json_t *o, int f, wl_pprl_fieldspec *fs, int version, const char *name, char *err,
                       size_t errcap)
{
    static const char *const keys[] = { "k", "q", "tokens", "salt", "aliases", "bits", NULL };
    char where[128];
    snprintf(where, sizeof where, "%s: fields.%s", name, g_field_names[f]);
    if (!json_is_object(o)) {
        wl_set_error(err, errcap, "%s must be an object", where);
        return -1;
    }
    if (only_keys(o, keys, where, err, errcap) || get_int(o, "k", 1, WL_PPRL_MAX_K, 10, &fs->k, where, err, errcap) ||
        get_int(o, "q", 1, 4, 2, &fs->q, where, err, errcap) ||
        get_bool(o, "aliases", 0, &fs->aliases, where, err, errcap) ||
        get_int(o, "bits", 64, 4096, version >= 2 ? g_default_seg_bits[f] : 0, &fs->bits, where, err, errcap))
        return -1;
    if (version < 2 && json_object_get(o, "bits")) {
        wl_set_error(err, errcap, "%s.bits: a version 1 schema has one filter (the top-level \"bits\"); "
                     "per-field bits need \"version\": 2", where);
        return -1;
    }
    fs->on = 1;
    fs->tokens = WL_PPRL_TOK_BIGRAMS;
    json_t *t = json_object_get(o, "tokens");
    if (t && f != WL_PPRL_F_NAME) {
        wl_set_error(err, errcap, "%s.tokens: only the name field takes token kinds", where);
        return -1;
    }
    if (f == WL_PPRL_F_NAME)
        fs->tokens = WL_PPRL_TOK_BIGRAMS | WL_PPRL_TOK_PHONETIC | WL_PPRL_TOK_SKELETON | WL_PPRL_TOK_WORDS;
    if (t && parse_tokens(t, &fs->tokens, where, err, errcap)) return -1;
    json_t *salt = json_object_get(o, "salt");
    fs->salt = WL_PPRL_SALT_NONE;
    if (salt) {
        const char *sv = json_is_string(salt) ? json_string_value(salt) : "";
        if (!strcmp(sv, "birth_year")) fs->salt = WL_PPRL_SALT_BIRTH_YEAR;
        else if (strcmp(sv, "none")) {
            wl_set_error(err, errcap, "%s.salt must be \"none\" or \"birth_year\"", where);
            return -1;
        }
    }
    return 0;
}

static int parse_hardening(json_t *h, wl_pprl_schema *s, const char *name, char *err, size_t errcap)
{
    static const char *const keys[] = { "balance", "xor_fold", "blip_epsilon", NULL };
    char where[128];
    snprintf(where, sizeof where, "%s: hardening", name);
    if (!h) return 0;
    if (!json_is_object(h)) {
        wl_set_error(err, errcap, "%s must be an object", where);
        return -1;
    }
    if (only_keys(h, keys, where, err, errcap) || get_bool(h, "balance", 0, &s->balance, where, err, errcap) ||
        get_bool(h, "xor_fold", 0, &s->xor_fold, where, err, errcap))
        return -1;
    json_t *e = json_object_get(h, "blip_epsilon");
    if (e) {
        double v = json_is_number(e) ? json_number_value(e) : -1.0;
        if (!(v == 0.0 || (v >= 0.1 && v <= 20.0))) {
            wl_set_error(err, errcap, "%s.blip_epsilon must be 0 (off) or a number from 0.1 to 20", where);
            return -1;
        }
        s->blip_epsilon = v;
    }
    return 0;
}

/* The canonical text the fingerprint hashes: every parsed value, in a fixed order. */
static int fingerprint(wl_pprl_schema *s)
{
    char canon[1024];
    size_t len = (size_t)snprintf(canon, sizeof canon, "watchlink-pprl-schema v%d bits=%d", s->version, s->bits);
    for (int f = 0; f < WL_PPRL_F_COUNT; f++) {
        const wl_pprl_fieldspec *fs = &s->field[f];
        if (fs->on)
            len += (size_t)snprintf(canon + len, sizeof canon - len, " %s:k=%d,q=%d,tok=%u,salt=%d,aliases=%d",
                                    g_field_names[f], fs->k, fs->q, fs->tokens, fs->salt, fs->aliases);
        if (fs->on && s->version >= 2) /* the segment layout: a change of it is another schema */
            len += (size_t)snprintf(canon + len, sizeof canon - len, ",bits=%d", fs->bits);
    }
    len += (size_t)snprintf(canon + len, sizeof canon - len, " balance=%d xor_fold=%d blip=%.17g blocking=%d",
                            s->balance, s->xor_fold, s->blip_epsilon, s->blocking);
    uint8_t md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    if (len >= sizeof canon || !EVP_Digest(canon, len, md, &mdlen, EVP_sha256(), NULL)) return -1;
    wl_pprl_hex(md, WL_PPRL_FP_HEX / 2, s->fingerprint);
    return 0;
}

static int parse_root(json_t *root, wl_pprl_schema *s, const char *name, char *err, size_t errcap)
{
    static const char *const keys[] = { "format", "version", "bits", "fields", "hardening", "blocking", NULL };
    if (!json_is_object(root)) {
        wl_set_error(err, errcap, "%s: a schema is a JSON object", name);
        return -1;
    }
    json_t *fmt = json_object_get(root, "format");
    if (!json_is_string(fmt) || strcmp(json_string_value(fmt), "watchlink-pprl-schema")) {
        wl_set_error(err, errcap, "%s: \"format\" must be \"watchlink-pprl-schema\"", name);
        return -1;
    }
    if (only_keys(root, keys, name, err, errcap) ||
        get_int(root, "version", 1, WL_PPRL_VERSION, -1, &s->version, name, err, errcap) ||
        get_int(root, "bits", 64, WL_PPRL_MAX_BITS, 1024, &s->bits, name, err, errcap) ||
        get_bool(root, "blocking", 1, &s->blocking, name, err, errcap))
        return -1;
    if (s->version < 1) {
        wl_set_error(err, errcap, "%s: \"version\" is missing (this build reads version %d)", name,
                     WL_PPRL_VERSION);
        return -1;
    }
    json_t *fields = json_object_get(root, "fields");
    if (!json_is_object(fields) || json_object_size(fields) == 0) {
        wl_set_error(err, errcap, "%s: \"fields\" must be an object naming at least one field", name);
        return -1;
    }
    const char *key;
    json_t *v;
    json_object_foreach(fields, key, v) {
        int f = 0;
        while (f < WL_PPRL_F_COUNT && strcmp(g_field_names[f], key)) f++;
        if (f == WL_PPRL_F_COUNT) {
            wl_set_error(err, errcap,
                         "%s: fields: unknown field \"%s\" (name, dob, doc, nationality, gender, "
                         "place_of_birth, text)", name, key);
            return -1;
        }
        if (parse_field(v, f, &s->field[f], s->version, name, err, errcap)) return -1;
    }
    if (parse_hardening(json_object_get(root, "hardening"), s, name, err, errcap)) return -1;
    if (s->version >= 2) {
        if (json_object_get(root, "bits")) {
            wl_set_error(err, errcap, "%s: a version 2 schema gives each field its own \"bits\" (its segment); "
                         "the top-level \"bits\" belongs to version 1", name);
            return -1;
        }
        s->bits = 0;
        for (int f = 0; f < WL_PPRL_F_COUNT; f++) {
            const wl_pprl_fieldspec *fs = &s->field[f];
            if (!fs->on) continue;
            if (fs->bits % (s->xor_fold ? 128 : 64)) {
                wl_set_error(err, errcap, "%s: fields.%s.bits must be a multiple of %d%s", name, g_field_names[f],
                             s->xor_fold ? 128 : 64, s->xor_fold ? " with xor_fold" : "");
                return -1;
            }
            s->bits += fs->bits;
        }
        if (s->bits > WL_PPRL_MAX_BITS) {
            wl_set_error(err, errcap, "%s: the fields' bits add up to %d, more than %d", name, s->bits,
                         WL_PPRL_MAX_BITS);
            return -1;
        }
        return 0;
    }
    if (s->bits % (s->xor_fold ? 128 : 64)) {
        wl_set_error(err, errcap, "%s: bits must be a multiple of %d%s", name, s->xor_fold ? 128 : 64,
                     s->xor_fold ? " with xor_fold (each half whole 64-bit words)" : "");
        return -1;
    }
    return 0;
}

wl_pprl_schema *wl_pprl_schema_parse(const char *text, size_t len, const char *name, char *err, size_t errcap)
{
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        wl_set_error(err, errcap, "%s:%d:%d: %s", name, je.line, je.column, je.text);
        return NULL;
    }
    wl_pprl_schema *s = calloc(1, sizeof *s);
    if (!s) {
        wl_set_error(err, errcap, "out of memory");
    } else if (parse_root(root, s, name, err, errcap) != 0) {
        free(s);
        s = NULL;
    } else if (fingerprint(s) != 0) {
        wl_set_error(err, errcap, "%s: cannot fingerprint the schema (crypto library)", name);
        free(s);
        s = NULL;
    }
    json_decref(root);
    return s;
}

wl_pprl_schema *wl_pprl_schema_load(const char *path, char *err, size_t errcap)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        wl_set_error(err, errcap, "%s: %s", path, strerror(errno));
        return NULL;
    }
    char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, f);
    int big = n == sizeof buf;
    fclose(f);
    if (big) {
        wl_set_error(err, errcap, "%s: a schema is at most 64 KiB", path);
        return NULL;
    }
    return wl_pprl_schema_parse(buf, n, path, err, errcap);
}

wl_status wl_pprl_key_load(const char *path, uint8_t *key, size_t *len, char *err, size_t errcap)
{
    FILE *f = fopen(path, "rb");
    *len = 0;
    if (!f) {
        wl_set_error(err, errcap, "%s: %s", path, strerror(errno));
        return WL_IO;
    }
    uint8_t buf[WL_PPRL_KEY_MAX + 2];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    if (n && buf[n - 1] == '\n') n--;
    if (n && buf[n - 1] == '\r') n--;
    if (n > WL_PPRL_KEY_MAX) {
        wl_set_error(err, errcap, "%s: a key file holds at most %d bytes", path, WL_PPRL_KEY_MAX);
        return WL_INPUT;
    }
    if (n < WL_PPRL_KEY_MIN) {
        wl_set_error(err, errcap,
                     "%s: the key is %zu bytes; at least %d are needed (make one with "
                     "'openssl rand -hex 32 > KEY')", path, n, WL_PPRL_KEY_MIN);
        return WL_INPUT;
    }
    memcpy(key, buf, n);
    *len = n;
    return WL_OK;
}
