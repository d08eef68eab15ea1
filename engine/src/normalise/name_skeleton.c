/*
 * name_skeleton.c -- the consonant skeleton of a name part.
 *
 * Arabic script writes no short vowels, so a transliteration (محمد -> mhmd) and a
 * romanisation (muhammad, mohamed) agree on their consonants only. The skeleton
 * keeps those: vowels go everywhere; y and w go unless first (they are the long
 * vowels ي and و: yusuf/ywsf both give ysf); h goes unless first or standing for
 * a consonant of its own, i.e. it goes as the second letter of a digraph (sh, kh,
 * th, dh, gh, ch, ph, zh) and at the end of a word (abdullah = abdulla), which is
 * where romanisations disagree about it. Doubled letters collapse (hassan = hasan),
 * and q is written k, as Malay and Indonesian write ق (Razaq = Razak, Qasim = Kasim).
 * dh is written z: it is how romanisations write ذ and ظ (and often ض) that others
 * write z, after the letters' sounds in Persian, Turkish, Urdu and Levantine speech
 * (Kadhim = Kazim, Hafidh = Hafiz, Dhafer = Zafer, Ramadhan = Ramazan; ALA-LC
 * romanisation tables, Arabic: dh, z with dot, d with dot). Outside Arabic names
 * dh is rare in Latin spellings (the aspirated d of Indic names, Dhawan).
 */
#include <string.h>

#include "normalise/name.h"
#include "common/common.h"

static int skel_vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

static int skel_digraph_head(char c)
{
    return c == 's' || c == 'k' || c == 't' || c == 'd' || c == 'g' || c == 'c' || c == 'p' || c == 'z';
}

/* 1 when s[i] belongs in the skeleton. */
static int skel_keep(const char *s, size_t n, size_t i)
{
    char c = s[i];
    if (skel_vowel(c)) return 0;
    if (i == 0) return 1;
    if (c == 'y' || c == 'w') return 0;
    if (c == 'h') return !(skel_digraph_head(s[i - 1]) || i + 1 == n);
    return 1;
}

size_t wl_skeleton(const char *s, size_t n, char *out, size_t cap)
{
    if (cap == 0) return 0;
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < cap; i++) {
        if (!skel_keep(s, n, i)) continue;
        char c = s[i] == 'q' ? 'k' : s[i] == 'd' && i + 1 < n && s[i + 1] == 'h' ? 'z' : s[i];
        if (k > 0 && out[k - 1] == c) continue; /* collapse doubles */
        out[k++] = c;
    }
    if (k == 0 && n > 0 && cap > 1) out[k++] = s[0]; /* all vowels: keep the first */
    out[k] = 0;
    return k;
}

/*
 * Sound classes: what survives of a name's consonants when it goes through
 * another script and back. A Cyrillic, Hangul, kana or Han transcription keeps
 * the order of the consonants but not their exact values: v becomes b (Korean
 * and Japanese have no v), f becomes p, l and r merge (Japanese, Korean,
 * Chinese), voicing is lost (Arabic has no p, Chinese writes d as t), and the
 * sibilants s, z, sh, ch, j, ts trade places (Cyrillic ж, ч, ц; Japanese ツ
 * tsu). The vowels are what transcriptions change most and carry least here.
 * The classes are the consonant groups of Soundex (Russell 1918) and of the
 * Daitch-Mokotoff refinement (1985), regrouped for the mergers above.
 */
static char sound_class(const char *s, size_t n, size_t *i)
{
    char c = s[*i], d = *i + 1 < n ? s[*i + 1] : 0, e = *i + 2 < n ? s[*i + 2] : 0;
    if (d == 'h') { /* digraphs with h: one sound */
        switch (c) {
        case 's': case 'c': case 'z': *i += 1; return 'S';
        case 'k': case 'g': *i += 1; return 'K';
        case 'p': *i += 1; return 'P';
        case 't': case 'd': *i += 1; return 'T';
        default: break;
        }
    }
    if ((c == 't' || c == 'd') && (d == 's' || d == 'z')) { /* ts, tz, dz: one affricate */
        *i += 1;
        if (e == 'c' && *i + 2 < n && s[*i + 2] == 'h') *i += 2; /* tsch */
        return 'S';
    }
    if ((c == 's' || c == 't') && d == 'c' && e == 'h') { /* German sch, English tch */
        *i += 2;
        return 'S';
    }
    if (c == 'c' && d == 'k') {
        *i += 1;
        return 'K';
    }
    if (c == 'n' && d == 'g' && *i + 2 == n) { /* a final ng: Korean and Chinese kang / kan */
        *i += 1;
        return 'N';
    }
    switch (c) {
    case 'b': case 'p': case 'f': case 'v': case 'w': return 'P';
    case 'k': case 'g': case 'q': return 'K';
    case 'c': return (d == 'e' || d == 'i' || d == 'y') ? 'S' : 'K';
    case 't': case 'd': return 'T';
    case 's': case 'z': case 'j': return 'S';
    case 'l': case 'r': return 'L';
    case 'm': return 'M';
    case 'n': return 'N';
    /* ks, written as two classes below; but a word-initial x is a sibilant in
     * the names that begin with one: pinyin Xu, Xiao (Wade-Giles Hsu, Hsiao),
     * Catalan and Basque Xavier, Portuguese Xavier, Greek Xenia. */
    case 'x': return *i == 0 ? 'S' : 'X';
    default: return 0;    /* vowels, h, y, digits */
    }
}

/* The classes of s in order, repeats collapsed; vowel runs as 'A' when vowels. */
static size_t sound_string(const char *s, size_t n, char *out, size_t cap, int vowels)
{
    if (cap == 0) return 0;
    size_t k = 0;
    for (size_t i = 0; i < n && k + 2 < cap; i++) {
        char c = sound_class(s, n, &i);
        if (c == 'X') {
            if (!k || out[k - 1] != 'K') out[k++] = 'K';
            c = 'S';
        } else if (!c && vowels && s[i] && strchr("aeiouy", s[i])) {
            c = 'A';
        }
        if (c && (k == 0 || out[k - 1] != c)) out[k++] = c;
    }
    out[k] = 0;
    return k;
}

size_t wl_sound_classes(const char *s, size_t n, char *out, size_t cap) { return sound_string(s, n, out, cap, 0); }

/*
 * The sound classes with the vowels kept in place, each run of them as one 'A'
 * (forest -> PALAST, formanova -> PALMANAPA). A transcription
 * through Hangul, kana, Han, Hebrew or Arabic script keeps the consonant classes
 * and where the syllables fall, and changes the vowels' quality: Korean
 * pormanoba and formanova, Chinese stluom and strom, both give one spelling.
 * Only spellings of five or more symbols count (shorter ones collide across
 * random names: on xlit training rows, 4 symbols meet 6e-4 of random pairs, 5
 * meet 3e-4 and keep 0.4-0.6 of true Korean, Japanese and Arabic pairs).
 */
size_t wl_sound_spelling(const char *s, size_t n, char *out, size_t cap) { return sound_string(s, n, out, cap, 1); }

/*
 * The loose sound classes: the sound classes once the consonants that Thai,
 * Khmer, Chinese, Korean and Japanese syllables cannot close on are gone, as a
 * transcription into those scripts drops them and a romanisation back never
 * restores them:
 *  - a liquid closing a syllable before a consonant (Charnvirakul / chanwirakun,
 *    Kirkland / kokran, Thai "-porn" / "-phon": r and l are not codas in Thai
 *    RTGS, Chinese, Japanese; Korean writes coda l only);
 *  - a final l after a vowel reads n (Thai -kul / -kun: a final ล sounds n,
 *    Royal Institute RTGS 1999, and passports keep the Sanskrit-style l; a
 *    final r is not read n, as Omar and Bashir are not Oman and Bashin);
 *  - a final r after a vowel goes once two classes stand before it: Chinese,
 *    Japanese and Korean render English names as non-rhotic speech does
 *    (Walker: 沃克 wo-ke, ウォーカー wōkā, 워커 wokeo; Corder 科德 ke-de). After
 *    one class it stays (Omar, Amir): a one-class key would be a crowd;
 *  - a final t or d after n (Cortlandt / kotlan, Kirkland / kokran): no
 *    syllable of those languages ends in a cluster.
 * Only the blocking keys use it (block_keys.c): two spellings one of these
 * steps apart share a key. @return the length written (NUL-terminated, < cap).
 */
size_t wl_sound_loose(const char *s, size_t n, char *out, size_t cap)
{
    char sp[256];
    size_t k = sound_string(s, n, sp, sizeof sp, 1), m = 0;
    if (cap == 0) return 0;
    if (k >= 2 && sp[k - 1] == 'T' && sp[k - 2] == 'N') k--;
    for (size_t i = 0; i < k && m + 1 < cap; i++) {
        char c = sp[i];
        if (c == 'A') continue;
        if (c == 'L' && i > 0 && sp[i - 1] == 'A') {
            if (i + 1 < k && sp[i + 1] != 'A') continue; /* a coda liquid */
            if (i + 1 == k && n > 0 && s[n - 1] == 'l') c = 'N'; /* a final -l */
            else if (i + 1 == k && n > 0 && s[n - 1] == 'r' && m >= 2) continue; /* a final -r, non-rhotic */
        }
        if (m > 0 && out[m - 1] == c) continue;
        out[m++] = c;
    }
    out[m] = 0;
    return m;
}

uint32_t wl_sound_spelling_key(const char *s, size_t n)
{
    if (n < WL_SOUND_SPELLING_MIN) return 0;
    uint32_t h = (uint32_t)wl_hash(s, n) & 0x0fffffffu; /* 28 bits: wl_fpart keeps the script beside it */
    return h ? h : 1u;
}

uint32_t wl_sound_key(const char *k, size_t n)
{
    if (n == 0) return 0;
    return ((uint32_t)wl_hash(k, n) & ~15u) | (uint32_t)(n < 15 ? n : 15);
}
