/*
 * name.h -- name normalisation (stage 2): Unicode folding, transliteration of
 * non-Latin scripts, parsing into parts, titles, particles, variants and keys.
 */
#ifndef WL_NAME_H
#define WL_NAME_H

#include <stddef.h>
#include <stdint.h>

/* What kind of column a name value came from. FAMILY flags every part
 * WL_PART_FAMILY; GIVEN and MIDDLE flag every part WL_PART_GIVEN (a middle name
 * is a given name); FULL flags parts only when the value says which is which
 * ("FAMILY, Given", or a Han/Hangul name, written family name first). */
enum { WL_NAME_FULL = 0, WL_NAME_GIVEN = 1, WL_NAME_MIDDLE = 2, WL_NAME_FAMILY = 3 };

/* Part flags. */
enum {
    WL_PART_PARTICLE = 1u << 0, /* bin, binti, a/l, al, van, de...: weighs little */
    WL_PART_INITIAL  = 1u << 1, /* a single letter ("M." of Muhammad) */
    WL_PART_FAMILY   = 1u << 2, /* the list says this is the family name */
    WL_PART_GIVEN    = 1u << 3, /* the list says this is a given name */
    WL_PART_SPLIT    = 1u << 4, /* split off a joined form (abdulrahman -> abdul rahman) */
    WL_PART_XSCRIPT  = 1u << 5, /* romanised from a script that does not keep a foreign
                                   name's vowels: Arabic, Hebrew, Hangul, kana, Han,
                                   Thai, Lao, Myanmar, Khmer (name_fold.c) */
    WL_PART_PATRONYMIC = 1u << 6, /* an East Slavic patronymic (also PARTICLE) */
    WL_PART_READING  = 1u << 7  /* of a second reading of the same written name (a Han
                                   name read as Chinese and as a transcribed foreign
                                   name), not of another name of the person */
};

enum { WL_NAME_MAX_PARTS = 16 };

/* The script a name was written in before it was read into Latin letters: the
 * comparator prices the edits between a Latin spelling and such a reading by
 * what that script does to names (compare/name_edit.c). The first non-Latin
 * run of a value decides. Fits in 4 bits (wl_fpart.script). */
typedef enum {
    WL_SCRIPT_LATIN = 0,
    WL_SCRIPT_CYRILLIC,
    WL_SCRIPT_ARABIC,   /* Arabic letters: Arabic, Persian, Jawi, Urdu */
    WL_SCRIPT_HEBREW,
    WL_SCRIPT_HANGUL,
    WL_SCRIPT_KANA,     /* hiragana and katakana */
    WL_SCRIPT_HAN,
    WL_SCRIPT_OTHER,    /* any other: Thai, Khmer, Burmese, Devanagari, Greek... */
    WL_SCRIPT_COUNT
} wl_script;

typedef struct {
    const char *text;    /* normalised spelling: lowercase Latin letters/digits */
    uint16_t len;
    const char *canon;   /* canonical variant (muhammad for mohd, ...), == text when none */
    uint16_t canon_len;
    uint32_t dm1, dm2;   /* Double Metaphone primary and alternate of canon, packed (wl_dm_pack);
                            dm2 == dm1 when the word has no alternate */
    uint64_t h_text;     /* XXH3 of text */
    uint64_t h_canon;    /* XXH3 of canon */
    uint64_t h_skel;     /* XXH3 of the consonant skeleton of canon */
    uint32_t h_sound;    /* the sound classes of canon (wl_sound_classes): hash, length in the low 4 bits */
    uint32_t h_spell;    /* the sound spelling of canon (wl_sound_spelling_key, 28 bits); 0: too short */
    uint8_t flags;       /* WL_PART_* */
    uint8_t script;      /* wl_script of the value the part was read from */
} wl_namepart;

/* One context per thread: it owns the ICU transliterators (which are not
 * thread-safe), a cache of recent strings, and the scratch the parts point into. */
typedef struct wl_namectx wl_namectx;

/** @return a context, or NULL when ICU or memory fails. */
wl_namectx *wl_namectx_create(void);
void wl_namectx_free(wl_namectx *ctx);

/**
 * Normalises one name value into parts. Part strings point into ctx and stay
 * valid until the next call with the same ctx, and one call longer: the parts
 * of two consecutive calls (a family and a given name column) can be used
 * together.
 * @param kind  WL_NAME_* (FULL understands "FAMILY, Given")
 * @return the number of parts written (0..max)
 */
int wl_name_parse(wl_namectx *ctx, const char *s, size_t n, int kind, wl_namepart *out, int max);

/** The length of a patronymic's stem (vladimir of vladimirovich, pavl of pavlovna),
 *  or 0 when s (folded, len bytes) has no patronymic ending. */
size_t wl_patronymic_stem(const char *s, size_t len);

/**
 * The other reading of the value last given to wl_name_parse, for the caller to
 * keep as an alias, when it may be a foreign name transcribed into Han or
 * Cyrillic: a Han run of two to four characters read as a Chinese name (梅西 mei
 * xi, or Messi: mesi), a Cyrillic run read by the Russian romanisation (Хакудзю
 * khakudzyu, or Hakuju: hakudzu), each then read with the letters learned from
 * foreign names (name_learned.c).
 * @return the number of parts written, 0 when there is no other reading.
 */
int wl_name_parse_alternative(wl_namectx *ctx, const char *s, size_t n, int kind, wl_namepart *out, int max);

/* A byte range of a value. */
typedef struct {
    size_t off, len;
} wl_span;

/**
 * The quoted segments of a name value (name_quoted.c): the text between a
 * quote mark (" “ ” „ « ») and the next, when it holds a letter or digit; a
 * value quoted whole has none (it is its own name). At most max segments.
 * @return their number, written to out.
 */
size_t wl_name_quoted(const char *s, size_t n, wl_span *out, size_t max);

/**
 * Folds any text to lowercase Latin: NFKC, case fold, transliteration, marks
 * stripped; punctuation kept as is. Used for names, places and free text.
 * @return the output length (output NUL-terminated, truncated to cap-1).
 */
size_t wl_text_fold(wl_namectx *ctx, const char *s, size_t n, char *out, size_t cap);

/** Double Metaphone (Philips 2000): primary and alternate codes, up to 4 chars. */
void wl_double_metaphone(const char *s, size_t n, char primary[5], char alternate[5]);
/** @return a code of up to 4 ASCII chars packed into 32 bits (0 for empty). */
uint32_t wl_dm_pack(const char *code);
/** The packed code that is the vowel mark alone ("A": oo, aye, yi, ee): it says
 * only that a part is spoken without a consonant, so it is no evidence that two
 * parts are one name, and no blocking key (a block of every such part). */
#define WL_DM_VOWEL_ONLY ((uint32_t)'A')

/** Consonant skeleton: no vowels, no y/w after the first letter, no h of a digraph
 *  (sh, kh...) or at the end, q written k, doubles collapsed (name_skeleton.c).
 *  @return its length (output NUL-terminated, truncated to cap-1). */
size_t wl_skeleton(const char *s, size_t n, char *out, size_t cap);

/**
 * The consonants of s[0..n) in broad sound classes, as a romanisation from
 * another script keeps them: labials P (b p f v w), velars K (k g c q), dentals
 * T (t d), sibilants S (s z j, sh ch zh ts), liquids L (l r), M, N; vowels, h
 * and y dropped, repeats collapsed (venier and Korean benier both give PNL).
 * @return the length written to out (NUL-terminated, at most cap - 1).
 */
size_t wl_sound_classes(const char *s, size_t n, char *out, size_t cap);

/**
 * The sound classes of s[0..n) with each run of vowels (a e i o u y) kept as one
 * 'A': the syllable shape a transcription keeps (formanova and Korean pormanoba
 * both give PALMANAPA). @return the length written (NUL-terminated, < cap).
 */
size_t wl_sound_spelling(const char *s, size_t n, char *out, size_t cap);
/** Shortest sound spelling that gets a key: shorter ones meet too many names. */
enum { WL_SOUND_SPELLING_MIN = 5 };
/** The 32-bit key of a sound spelling s[0..n): 0 when n < WL_SOUND_SPELLING_MIN. */
uint32_t wl_sound_spelling_key(const char *s, size_t n);

/**
 * The sound classes of s[0..n) without the consonants that CJK and Southeast
 * Asian syllables cannot close on (a coda r or l before a consonant, a final
 * t or d after n; a final l reads n): Charnvirakul and chanwirakun, Kirkland
 * and kokran give one string. @return the length written (NUL-terminated, < cap).
 */
size_t wl_sound_loose(const char *s, size_t n, char *out, size_t cap);

/** The 32-bit key of sound classes k[0..n): a hash with min(n, 15) in its low 4 bits. */
uint32_t wl_sound_key(const char *k, size_t n);
static inline size_t wl_sound_len(uint32_t key) { return key & 15u; }


/* ---- internal to the name module (name_*.c, dmetaphone.c); not for other stages ---- */

enum {
    WL_NAME_IN_MAX = 1024,   /* bytes of one value read; the rest is ignored */
    WL_NAME_FOLD_MAX = 2048, /* bytes of folded text kept per value */
    WL_NAME_TEXT_MAX = 4096, /* bytes of part strings per call */
    WL_NAME_CP_MAX = 8192    /* code points after NFKC (18x the worst expansion of 1024 bytes / 3) */
};

/* Learned readings of the letters of transcribed foreign names (name_learned.c). */
typedef enum {
    WL_LEARNED_HAN = 0,
    WL_LEARNED_CYRILLIC = 1,
    WL_LEARNED_HANGUL = 2,
    WL_LEARNED_KANA = 3,
    WL_LEARNED_ARABIC = 4,
    WL_LEARNED_HEBREW = 5
} wl_learned_script;
/** The Latin letters character cp (lower case) most often stands for in a foreign name
 *  written in that script: *len bytes, not NUL-terminated; NULL when the table has no
 *  reliable reading. Thread-safe. */
const char *wl_learned_letters(wl_learned_script script, int32_t cp, size_t *len);
/** The same for the unit of cp and the kana next that modifies it (0: cp alone). */
const char *wl_learned_unit(wl_learned_script script, int32_t cp, int32_t next, size_t *len);

/* What the lexicon knows about a word (datasets/tables/name_*.tsv). */
enum {
    WL_LEX_TITLE_ANY = 1u << 0,  /* a title dropped wherever it stands */
    WL_LEX_TITLE_LEAD = 1u << 1, /* dropped only as the first of several parts */
    WL_LEX_PARTICLE = 1u << 2,   /* bin, a/l, van...: kept with WL_PART_PARTICLE */
    WL_LEX_PREFIX = 1u << 3,     /* abdul, nurul, al...: may be written joined */
    WL_LEX_NAME = 1u << 4,       /* a known name: the rest of a joined form */
    WL_LEX_TITLE_HEAD = 1u << 5, /* first word of a two-word title ("tan" of "tan sri") */
    WL_LEX_HAN = 1u << 6,        /* a Chinese name syllable in some romanisation (name_chinese.tsv) */
    WL_LEX_PINYIN = 1u << 7,     /* a Hanyu Pinyin syllable (name_pinyin.tsv) */
    WL_LEX_ORG = 1u << 8,        /* a word of an organisation's legal form (name_org_words.tsv) */
    WL_LEX_ORG_WEAK = 1u << 9    /* ... that is also a person's name (stock): marks no organisation */
};

typedef struct wl_lexent {
    const char *word;  /* NUL-terminated */
    const char *canon; /* canonical variant, NUL-terminated (== word when none) */
    uint16_t len, canon_len;
    uint16_t flags;    /* WL_LEX_* */
    /* The pinyin this spelling stands for inside a Chinese name, as a family name and
     * as a given-name syllable (name_chinese.tsv); NULL when the table has none. */
    const struct wl_lexent *han_family, *han_given;
} wl_lexent;

/** Loads the lexicon once per process (thread-safe). @return 0, or -1 when out of memory. */
int wl_name_lex_init(void);
/** @return what the lexicon knows about s[0..n), or NULL. @pre wl_name_lex_init() == 0 */
const wl_lexent *wl_name_lex_find(const char *s, size_t n);
/** @return the joined-form prefixes, longest first; *count gets their number. */
const wl_lexent *const *wl_name_lex_prefixes(int *count);
/** @return 1 when some joined-form prefix starts with byte c (a cheap pre-filter). */
int wl_name_lex_prefix_start(unsigned char c);

/* ---- Chinese names (name_chinese.c) ---- */

enum { WL_HAN_MAX_SYLLABLES = 4 };

/** Cuts a joined word into 2..WL_HAN_MAX_SYLLABLES Chinese syllables known to the
 *  lexicon (WL_LEX_HAN or WL_LEX_PINYIN): "xiaolong" -> xiao long, "choonhui" ->
 *  choon hui. The first cut in order of longer first syllables wins.
 *  @return the number of syllables written to seg (0 when the word does not cut). */
int wl_han_segment(const char *s, size_t n, const wl_lexent **seg);
/** @return 1 when s[0..n) is one Chinese syllable or a join of them. */
int wl_han_word(const wl_lexent *e, const char *s, size_t n);
/** The reading of a known syllable inside a Chinese name: as the family name, or as
 *  a given-name syllable. @return the lexicon entry of its pinyin (e itself when none). */
const wl_lexent *wl_han_reading(const wl_lexent *e, int family);

/** The EYD (1972) spelling of an Indonesian word in the old spelling (soekarno ->
 *  sukarno, djoko -> joko, tjahjo -> cahyo). @return its length, or 0 when s[0..n)
 *  has no old-spelling digraph (out untouched). @pre cap > n */
size_t wl_name_respell(const char *s, size_t n, char *out, size_t cap);

/* Per-script transliteration, used by wl_text_fold. The Thai transcriber appends
 * the RTGS-like romanisation of Thai or Lao code points cp[0..n) to out. */
size_t wl_thai_romanise(const int32_t *cp, size_t n, char *out, size_t cap);
/* The same syllables with the letter values passports spell Thai names with
 * (จ j, ว v, ภ bh, finals by letter: Jurin, Thavisin, Chidchob): the name's
 * second reading. */
size_t wl_thai_letters(const int32_t *cp, size_t n, char *out, size_t cap);

/* ---- Indic schwa deletion (name_indic.c) ---- */

/** Copies cp[0..n) to out with a virama after each Devanagari, Bengali, Gurmukhi
 *  or Gujarati consonant whose inherent vowel the language does not say (राहुल ->
 *  राहुल्, read "rahul"); other characters are copied. @return the code points
 *  written, or 0 when cap is too small. */
size_t wl_indic_schwa(const int32_t *cp, size_t n, int32_t *out, size_t cap);

/* The context: folding scratch, the transliterators and the recent-string cache. */
typedef struct wl_translit wl_translit;
typedef struct wl_foldcache wl_foldcache;
typedef struct wl_keycache wl_keycache;
/* The language a Cyrillic name is written in, by the letters only it writes
 * (name_translit.c): each is read by its own romanisation. */
enum { WL_CYRILLIC_RUSSIAN = 0, WL_CYRILLIC_UKRAINIAN, WL_CYRILLIC_BELARUSIAN };
int wl_cyrillic_language(const int32_t *cp, size_t n);

struct wl_namectx {
    wl_translit *tr;           /* lazily opened on the first non-Latin input */
    wl_foldcache *cache;       /* recent non-ASCII inputs and their folds */
    wl_keycache *keys;         /* phonetic and skeleton keys of recent canonical words */
    int family_first;          /* set by the last fold: Han/Hangul name, family first */
    int transcribed;           /* set by the last fold: a run of a WL_PART_XSCRIPT script */
    int script;                /* set by the last fold: wl_script of its first non-Latin run */
    int has_alternative;       /* set by the last fold: a run has another reading (a Han
                                  run read as a Chinese name, a Cyrillic run) */
    int read_foreign;          /* input: read runs as transcribed foreign names (no cache) */
    int cyrillic;              /* set by the fold: WL_CYRILLIC_* of the whole value */
    char fold[WL_NAME_FOLD_MAX];
    char text[2][WL_NAME_TEXT_MAX]; /* part strings, alternating between calls */
    int text_turn;
    char valid[WL_NAME_IN_MAX];    /* the input with invalid UTF-8 replaced */
    int32_t cps[WL_NAME_CP_MAX];   /* its code points after NFKC and case folding */
};

/** Folds like wl_text_fold and sets ctx->family_first and ctx->transcribed. @return the length, or 0. */
size_t wl_name_fold(wl_namectx *ctx, const char *s, size_t n, char *out, size_t cap);
/** Transliterates code points cp[0..n) of a non-Latin run to ASCII appended at out. */
size_t wl_translit_run(wl_namectx *ctx, const int32_t *cp, size_t n, char *out, size_t cap);
void wl_translit_free(wl_translit *tr);
/**
 * The transliterators ICU could not open or clone in this process (each named
 * once on standard error when it failed): "id (ICU error)" joined by "; " into
 * buf (cut to cap). @return how many failed; 0 when every script transliterates.
 */
size_t wl_translit_failures(char *buf, size_t cap);
/**
 * Test hook: the embedded rules table `table` (e.g. "name_translit_hebrew") is
 * read as `rules` instead, one rule a line, for transliterators opened after
 * the call (the tests give ICU rules it rejects). NULL restores the tables.
 */
void wl_translit_test_rules(const char *table, const char *rules);
/** @return an empty cache of part keys (free() it), or NULL when out of memory. */
wl_keycache *wl_keycache_new(void);
/** @return an empty cache of folds (free() it), or NULL when out of memory. */
wl_foldcache *wl_foldcache_new(void);

#endif /* WL_NAME_H */
