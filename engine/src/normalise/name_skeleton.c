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
 */
#include "normalise/name.h"

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
        char c = s[i] == 'q' ? 'k' : s[i];
        if (k > 0 && out[k - 1] == c) continue; /* collapse doubles */
        out[k++] = c;
    }
    if (k == 0 && n > 0 && cap > 1) out[k++] = s[0]; /* all vowels: keep the first */
    out[k] = 0;
    return k;
}
