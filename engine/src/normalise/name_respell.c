/*
 * name_respell.c -- Indonesian names in the pre-1972 spelling.
 *
 * Indonesia's Van Ophuijsen spelling (1901) and the Republican spelling (1947)
 * wrote oe for u, dj for j, tj for c, nj for ny, sj for sy, ch for kh and j for y;
 * the Perfected Spelling (EYD, 1972) replaced them, but people born before keep
 * their registered names: Soekarno / Sukarno, Djoko / Joko, Tjahjo / Cahyo.
 * A word carrying oe, dj or tj is given its EYD spelling as canonical form (with
 * nj, sj and j converted too), so both spellings share their keys. Other words
 * are left alone: nj, sj and j are also modern (Tanjung, Joko), ch is also Thai
 * and English, and oe in a syllable closed by n, m or t is RTGS Thai (Charoen).
 */
#include <string.h>

#include "normalise/name.h"

/* "oe" for u, but not where RTGS Thai writes oe, in a syllable closed by n, m
 * or t -- at the end of the word or before another consonant: Charoen,
 * Chaloem, Prasoet, and the compounds Limjaroenrat, Charoenphon. Old
 * Indonesian oe before n, m or t opens the syllable (Soenarjo, Goenawan,
 * Soemitro); nor a word-final oe (Zoe). */
static int old_oe(const char *s, size_t n, size_t i)
{
    if (i + 2 >= n) return 0;
    char c = s[i + 2];
    if (c != 'n' && c != 'm' && c != 't') return 1;
    return i + 3 < n && strchr("aeiouy", s[i + 3]) != NULL;
}

static int old_digraph(const char *s, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++) {
        char a = s[i], b = s[i + 1];
        if ((a == 'o' && b == 'e' && old_oe(s, n, i)) || (b == 'j' && (a == 'd' || a == 't'))) return 1;
    }
    return 0;
}

size_t wl_name_respell(const char *s, size_t n, char *out, size_t cap)
{
    if (n < 3 || cap <= n || !old_digraph(s, n)) return 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char a = s[i], b = i + 1 < n ? s[i + 1] : 0;
        if (a == 'o' && b == 'e') out[k++] = 'u', i++;                 /* soekarno */
        else if (a == 'd' && b == 'j') out[k++] = 'j', i++;            /* djoko */
        else if (a == 't' && b == 'j') out[k++] = 'c', i++;            /* tjahjo */
        else if ((a == 'n' || a == 's') && b == 'j') out[k++] = a, out[k++] = 'y', i++; /* sjahrir */
        else out[k++] = a == 'j' ? 'y' : a;                            /* soerjadi */
    }
    out[k] = 0;
    return k;
}
