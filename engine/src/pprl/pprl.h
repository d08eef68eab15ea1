/*
 * pprl.h -- privacy-preserving record linkage (after features in the stage
 * order): keyed Bloom-filter encodings of records and their linkage by Dice.
 *
 * The encoding is a cryptographic long-term key (CLK): one Bloom filter per
 * record into which the tokens of several fields are hashed (Schnell, Bachteler
 * and Reiher, "Privacy-preserving record linkage using Bloom filters", BMC
 * Medical Informatics and Decision Making 9:41, 2009; the record-level CLK of
 * Schnell, Bachteler and Reiher, "A novel error-tolerant anonymous linking code",
 * 2011). Token positions come from HMAC-SHA256 under a secret key shared by the
 * linking parties, by double hashing (Kirsch and Mitzenmacher 2006). Hardening
 * (salting, balanced filters, XOR-folding, BLIP) follows Schnell, Borgs and
 * Encarnacao (2016) and Schnell and Borgs (2016); docs/privacy.md says which
 * attack each one answers. Internal: not API.
 */
#ifndef WL_PPRL_H
#define WL_PPRL_H

#include "common/common.h"

/* Fields a schema may hash into the filter. */
#define WL_PPRL_FIELD_MAP(X)            \
    X(NAME,   "name")                   \
    X(DOB,    "dob")                    \
    X(DOC,    "doc")                    \
    X(NAT,    "nationality")            \
    X(GENDER, "gender")                 \
    X(POB,    "place_of_birth")         \
    X(TEXT,   "text")

typedef enum {
#define WL_PPRL_FIELD_ENUM_(name, str) WL_PPRL_F_##name,
    WL_PPRL_FIELD_MAP(WL_PPRL_FIELD_ENUM_)
#undef WL_PPRL_FIELD_ENUM_
    WL_PPRL_F_COUNT
} wl_pprl_field;

/* Token kinds of the name field (bit mask). */
enum {
    WL_PPRL_TOK_BIGRAMS = 1u << 0,  /* padded q-grams of each canonical part */
    WL_PPRL_TOK_PHONETIC = 1u << 1, /* Double Metaphone codes of each part */
    WL_PPRL_TOK_SKELETON = 1u << 2, /* consonant skeleton of each part */
    WL_PPRL_TOK_WORDS = 1u << 3     /* each canonical part whole */
};

enum { WL_PPRL_SALT_NONE = 0, WL_PPRL_SALT_BIRTH_YEAR = 1 };

enum {
    WL_PPRL_VERSION = 2,         /* newest schema and encoded-file format (1: one CLK, 2: per-field segments) */
    WL_PPRL_MAX_BITS = 8192,
    WL_PPRL_MAX_K = 64,
    WL_PPRL_MAX_BLOCKS = 48,     /* blocking keys per record */
    WL_PPRL_FP_HEX = 16          /* hex digits of a fingerprint */
};

typedef struct {
    int on;         /* 1 when the schema names the field */
    int k;          /* bit positions per token */
    int q;          /* q-gram size (name, place, text, doc) */
    unsigned tokens;/* WL_PPRL_TOK_* (name only) */
    int salt;       /* WL_PPRL_SALT_* */
    int aliases;    /* name: 1 to hash the aliases' parts too */
    int bits;       /* version 2: the field's segment length before hardening (a multiple of 64) */
} wl_pprl_fieldspec;

struct wl_pprl_schema {
    int version;                 /* 1: one filter for all fields (CLK); 2: one segment per field */
    int bits;                    /* Bloom filter length before hardening (version 2: the segments' sum) */
    wl_pprl_fieldspec field[WL_PPRL_F_COUNT];
    int balance;                 /* 1: filter and its complement, keyed permutation (2x length) */
    int xor_fold;                /* 1: the two halves XORed (half length) */
    double blip_epsilon;         /* > 0: each bit flipped with p = 1 / (1 + e^epsilon) */
    int blocking;                /* 1: keyed blocking keys written beside the filter */
    char fingerprint[WL_PPRL_FP_HEX + 1]; /* SHA-256 of the canonical form, first 8 bytes */
};

/** Bits of the encoded filter after hardening. */
static inline int wl_pprl_out_bits(const wl_pprl_schema *s)
{
    return s->bits * (s->balance ? 2 : 1) / (s->xor_fold ? 2 : 1);
}

/* A field's segment of a version 2 filter, in 64-bit words after hardening. */
typedef struct {
    uint16_t field;              /* wl_pprl_field (16 bits: no padding, segments compare by memcmp) */
    uint16_t off, words;         /* first word and length */
} wl_pprl_segment;

/** Output length in bits of a segment of `bits` bits before hardening. */
static inline int wl_pprl_seg_out_bits(const wl_pprl_schema *s, int bits)
{
    return bits * (s->balance ? 2 : 1) / (s->xor_fold ? 2 : 1);
}

/** The field names of the schema and of the file header ("name", "dob", ...). */
const char *wl_pprl_field_name(int f);

/* An encoded list: what the file holds, read back or freshly encoded. */
struct wl_encoded {
    size_t n;
    size_t words;                /* 64-bit words per filter */
    uint64_t *bits;              /* n * words, 64-byte aligned */
    uint32_t *pop;               /* popcount of each filter */
    uint32_t *block_start;       /* n + 1 */
    uint64_t *blocks;            /* keyed blocking keys */
    char **id, **source;         /* per record, owned */
    char schema_fp[WL_PPRL_FP_HEX + 1];
    char key_fp[WL_PPRL_FP_HEX + 1];
    char name[256];              /* file name, for messages */
    int version;                 /* file format: 1 (one CLK) or 2 (segments) */
    int n_seg;                   /* version 2: segments in filter order; 0 for version 1 */
    wl_pprl_segment seg[WL_PPRL_F_COUNT];
};

/* ---- pprl_hmac.c: keyed hashing through OpenSSL (no primitive written here) ---- */
typedef struct wl_pprl_mac wl_pprl_mac;
/** A keyed HMAC-SHA256 context (one per thread). @return NULL on failure. */
wl_pprl_mac *wl_pprl_mac_new(const uint8_t *key, size_t len);
void wl_pprl_mac_free(wl_pprl_mac *m);
/** out = HMAC-SHA256(key, p[0..n)). @return 0, or -1 on a library failure. */
int wl_pprl_mac_run(wl_pprl_mac *m, const void *p, size_t n, uint8_t out[32]);
/** One-shot HMAC-SHA256. @return 0, or -1. */
int wl_pprl_hmac(const uint8_t *key, size_t klen, const void *p, size_t n, uint8_t out[32]);
/** Fills out[0..n) with the ChaCha20 keystream of a 32-byte key (IV 0). @return 0, or -1. */
int wl_pprl_stream(const uint8_t key[32], uint8_t *out, size_t n);
/** Lowercase hex of the first n bytes of p into out (2n + 1 bytes). */
void wl_pprl_hex(const uint8_t *p, size_t n, char *out);

/* ---- pprl_dice.c ---- */
/** Popcount of n words (the CPU's popcnt instruction when it has one). */
uint32_t wl_pprl_popcount(const uint64_t *a, size_t n);
/** Popcount of a AND b over n words. */
uint32_t wl_pprl_and_count(const uint64_t *WL_RESTRICT a, const uint64_t *WL_RESTRICT b, size_t n);
/** The same without the popcnt instruction (the tests check both agree). */
uint32_t wl_pprl_and_count_portable(const uint64_t *a, const uint64_t *b, size_t n);

/* Kernel variants (portable, popcnt, AVX-512 VPOPCNTDQ), for the tests and the
 * bench to check and time each one the CPU has. */
int wl_pprl_kernel_count(void);
int wl_pprl_kernel_supported(int v);
const char *wl_pprl_kernel_name(int v);
/** The variant in use: the fastest the CPU runs, chosen once. */
int wl_pprl_kernel_best(void);
uint32_t wl_pprl_and_count_with(int v, const uint64_t *a, const uint64_t *b, size_t n);
/**
 * Compares filter fa (popcount pa) with b's records cand[0..n) (with cand NULL:
 * records 0..n-1) using variant v. Writes the records at Dice >= t to hit_j and
 * their Dice to hit_d (room for n each); adds to *compared the pairs that passed
 * the weight bound. @return the number of hits.
 */
uint32_t wl_pprl_scan_with(int v, const uint64_t *fa, uint32_t pa, const wl_encoded *b, const uint32_t *cand,
                           size_t n, double t, uint32_t *hit_j, float *hit_d, size_t *compared);

/**
 * Per-segment AND counts of two filters with variant v: out[s] = |a & b| over
 * segment s's words (each segment's words listed by seg[s].off, seg[s].words).
 */
void wl_pprl_seg_counts_with(int v, const uint64_t *a, const uint64_t *b, const wl_pprl_segment *seg, int n_seg,
                             uint32_t *out);

/* ---- pprl_score.c: the field-level Fellegi-Sunter model over segment Dice ---- */
enum {
    WL_PPRL_LEVELS = 7,          /* agreement levels of a field, from its segment's Dice (wl_pprl_level) */
    WL_PPRL_MISSING = 7,         /* the level code of an empty segment on either side */
    WL_PPRL_LEVEL_BITS = 3       /* bits of one field's level in a pattern */
};
/** The agreement level of a segment pair: c common bits, pa and pb set bits. */
int wl_pprl_level(uint32_t c, uint32_t pa, uint32_t pb);
/** The same, with a close agreement of two thin segments (both under thin set
 * bits) taken down to level 3, as an agreement of less than the field holds. */
int wl_pprl_level_thin(uint32_t c, uint32_t pa, uint32_t pb, uint32_t thin);

typedef struct {
    int n_seg;
    double m[WL_PPRL_F_COUNT][WL_PPRL_LEVELS], u[WL_PPRL_F_COUNT][WL_PPRL_LEVELS];
    double prior;                /* share of true pairs among the candidates */
    double w[WL_PPRL_F_COUNT][WL_PPRL_LEVELS]; /* log2(m / u) */
    double w_prior;              /* log2(prior / (1 - prior)) */
    int iterations;              /* EM iterations run */
    int fallback;                /* fields whose m EM could not fit (defaults used) */
    uint32_t thin[WL_PPRL_F_COUNT]; /* per segment: wl_pprl_level_thin's bound (wl_pprl_model_thin) */
    int name_seg;                /* the name's segment, or -1 (no crowd correction) */
    double u_name_raw[WL_PPRL_LEVELS]; /* u of the name's levels before the crowd correction */
} wl_pprl_model;

/**
 * A record's crowd (pprl_score.c): near[l] counts its candidates in the other
 * file whose name reaches level l or closer. The u of a name agreement of
 * level l between x (of a file of n_x records) and y (of n_y): how often such
 * a name occurs in both files, each record leaving the other out.
 */
double wl_pprl_crowd_u(const uint32_t *near_x, size_t n_y, const uint32_t *near_y, size_t n_x, int l);
/** The level a name agreement of level l takes at crowd u: the first level
 * from l down whose u before the correction (u_raw) reaches it. */
int wl_pprl_demote(const double *u_raw, int l, double u_crowd);

/** Sets md->thin of each segment to half the median set bits of the non-empty
 * segments of a's and b's records (pop_a, pop_b: n * n_seg popcounts). */
void wl_pprl_model_thin(wl_pprl_model *md, const wl_encoded *a, const uint32_t *pop_a, const wl_encoded *b,
                        const uint32_t *pop_b);

/**
 * u of every field from n_sample record pairs drawn deterministically over a's and
 * b's records in output order (rank_a[k]: a's k-th record by rank), so the sample
 * does not depend on argument order or thread count. With crowds (near_a, near_b:
 * WL_PPRL_LEVELS counts per record of a and b, or NULL) and md->name_seg set, the
 * name's u is of the crowd-corrected levels (wl_pprl_demote), and md->u_name_raw
 * keeps the uncorrected ones.
 */
void wl_pprl_model_u(wl_pprl_model *md, const wl_encoded *a, const wl_encoded *b, const uint32_t *seg_pop_a,
                     const uint32_t *seg_pop_b, const uint32_t *order_a, const uint32_t *order_b, int kernel,
                     const uint32_t *near_a, const uint32_t *near_b);
/** m and the prior by EM over the candidates' pattern counts (hist[pattern]), u held fixed. */
void wl_pprl_model_fit(wl_pprl_model *md, const wl_encoded *a, const uint64_t *hist, size_t n_patterns, size_t n_a, size_t n_b);

/* ---- pprl_file.c ---- */
/** An empty encoded list of n records of `words` words each. @return NULL when out of memory. */
wl_encoded *wl_encoded_alloc(size_t n, size_t words);

#endif /* WL_PPRL_H */
