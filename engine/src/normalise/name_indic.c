/*
 * name_indic.c -- the inherent vowel that Hindi, Punjabi, Bengali and Gujarati
 * names do not say.
 *
 * A consonant letter of these scripts carries a vowel "a" unless a vowel sign or
 * a virama follows it, and ICU's transliterators (ISO 15919) write that vowel
 * every time: राहुल गांधी comes out "rahula gandhi", मनमोहन "manamohana",
 * মুহাম্মদ "muhammada". The languages drop it at the end of a word and between
 * two pronounced syllables, and every list spells the names that way (Rahul,
 * Manmohan, Muhammad). So before transliterating, a virama is written after each
 * consonant whose vowel is not said, by the two rules of schwa deletion
 * (M. Ohala, "Aspects of Hindi Phonology", 1983; Choudhury, Basu & Sarkar,
 * "A diachronic approach for schwa deletion in Indo Aryan languages", SIGPHON
 * 2004):
 *   - the last syllable of a word of two or more loses it, unless its consonant
 *     is a cluster (इंद्र indra, मित्र mitra keep it);
 *   - from right to left, a syllable of one consonant loses it between a vowel
 *     and a consonant that keeps its own: VC(a)CV -> VCCV (कमला kamla, मनमोहन
 *     manmohan, but भारत bharat: its t lost its vowel first), never before a
 *     cluster, which would make three consonants in a row (बनर्जी banarji).
 * A syllable whose vowel is nasalised or aspirated (anusvara, candrabindu,
 * visarga, Gurmukhi tippi) says it. Dravidian scripts (Tamil, Telugu, Kannada,
 * Malayalam) keep their vowels and are left alone.
 *
 * The four blocks share the ISCII layout, so one table of offsets serves them
 * all (The Unicode Standard 15.0, section 12.1, "Devanagari": the same offset
 * holds the same letter in each Indic block).
 */
#include "common/common.h"
#include "normalise/name.h"

enum {
    OFF_VIRAMA = 0x4d,
    OFF_NUKTA = 0x3c,
    GURMUKHI_TIPPI = 0x0a70, /* nasal sign of Gurmukhi, as anusvara elsewhere */
    GURMUKHI_BINDI = 0x0a02,
    MAX_UNITS = 64
};

/* The base of the block holding c, for the scripts whose languages drop the
 * vowel; -1 for any other character. */
static int32_t block_base(int32_t c)
{
    switch (c & ~0x7f) {
    case 0x0900: /* Devanagari */
    case 0x0980: /* Bengali */
    case 0x0a00: /* Gurmukhi */
    case 0x0a80: /* Gujarati */
        return c & ~0x7f;
    default:
        return -1;
    }
}

typedef enum { C_OTHER, C_CONSONANT, C_SIGN, C_VIRAMA, C_NUKTA, C_NASAL, C_VOWEL } cclass;

static cclass class_of(int32_t c)
{
    int32_t b = block_base(c);
    if (b < 0) return C_OTHER;
    int32_t o = c - b;
    if ((o >= 0x15 && o <= 0x39) || (o >= 0x58 && o <= 0x5f)) return C_CONSONANT;
    if (o == OFF_VIRAMA) return C_VIRAMA;
    if (o == OFF_NUKTA) return C_NUKTA;
    if ((o >= 0x01 && o <= 0x03) || c == GURMUKHI_TIPPI || c == 0x0a71) return C_NASAL;
    if ((o >= 0x3a && o <= 0x4c && o != OFF_NUKTA && o != 0x3d) || o == 0x4e || o == 0x4f
        || (o >= 0x55 && o <= 0x57) || o == 0x62 || o == 0x63)
        return C_SIGN;
    if ((o >= 0x04 && o <= 0x14) || o == 0x60 || o == 0x61 || (o >= 0x72 && o <= 0x77 && b == 0x0a00))
        return C_VOWEL;
    return C_OTHER;
}

/* One written syllable: a consonant cluster with its vowel, or a vowel letter. */
typedef struct {
    size_t insert;  /* where a virama would go: after the cluster */
    uint8_t ncons;  /* consonants in the cluster (0: a vowel letter) */
    uint8_t schwa;  /* the vowel is the inherent one, bare */
    uint8_t voiced; /* the syllable says a vowel (drops to 0 when deleted) */
} unit;

/* Splits cp[i..) into units until the word ends. @return the index after it. */
static size_t word_units(const int32_t *cp, size_t n, size_t i, unit *u, size_t *nu)
{
    *nu = 0;
    while (i < n && *nu < MAX_UNITS) {
        cclass k = class_of(cp[i]);
        unit x = { 0, 0, 0, 1 };
        if (k == C_CONSONANT) {
            x.ncons = 1;
            i++;
            while (i < n && class_of(cp[i]) == C_NUKTA) i++;
            while (i + 1 < n && class_of(cp[i]) == C_VIRAMA && class_of(cp[i + 1]) == C_CONSONANT) {
                x.ncons++;
                i += 2;
                while (i < n && class_of(cp[i]) == C_NUKTA) i++;
            }
            x.insert = i;
            if (i < n && class_of(cp[i]) == C_VIRAMA) {
                x.voiced = 0; /* written dead already */
                i++;
            } else if (i < n && class_of(cp[i]) == C_SIGN) {
                i++;
            } else if (!(i < n && class_of(cp[i]) == C_NASAL)) {
                x.schwa = 1;
            }
        } else if (k == C_VOWEL) {
            i++;
        } else {
            break;
        }
        while (i < n && (class_of(cp[i]) == C_NASAL || class_of(cp[i]) == C_SIGN)) i++;
        u[(*nu)++] = x;
    }
    return i;
}

/* Marks the units whose inherent vowel is not said (voiced = 0, schwa kept). */
static void delete_schwas(unit *u, size_t nu)
{
    if (nu < 2) return;
    unit *last = &u[nu - 1];
    if (last->schwa && last->ncons == 1) last->voiced = 0;
    for (size_t i = nu - 2; i >= 1; i--) {
        unit *x = &u[i];
        if (x->schwa && x->ncons == 1 && u[i - 1].voiced && u[i + 1].ncons == 1 && u[i + 1].voiced) x->voiced = 0;
    }
}

size_t wl_indic_schwa(const int32_t *cp, size_t n, int32_t *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        if (class_of(cp[i]) != C_CONSONANT && class_of(cp[i]) != C_VOWEL) {
            if (k >= cap) return 0;
            out[k++] = cp[i] == GURMUKHI_TIPPI ? GURMUKHI_BINDI : cp[i];
            i++;
            continue;
        }
        unit u[MAX_UNITS];
        size_t nu, end = word_units(cp, n, i, u, &nu);
        delete_schwas(u, nu);
        size_t next = 0;
        for (size_t j = i; j < end; j++) {
            while (next < nu && u[next].insert < j) next++;
            if (next < nu && u[next].insert == j && u[next].schwa && !u[next].voiced) {
                if (k >= cap) return 0;
                out[k++] = block_base(cp[j - 1]) + OFF_VIRAMA;
            }
            if (k >= cap) return 0;
            out[k++] = cp[j] == GURMUKHI_TIPPI ? GURMUKHI_BINDI : cp[j];
        }
        /* a word-final consonant: its virama goes after the last character */
        if (nu && u[nu - 1].insert == end && u[nu - 1].schwa && !u[nu - 1].voiced) {
            if (k >= cap) return 0;
            out[k++] = block_base(cp[end - 1]) + OFF_VIRAMA;
        }
        i = end;
    }
    return k;
}
