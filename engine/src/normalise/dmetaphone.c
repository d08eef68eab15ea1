/*
 * dmetaphone.c -- Double Metaphone, after Lawrence Philips, "The Double Metaphone
 * Search Algorithm", C/C++ Users Journal 18(6), June 2000.
 *
 * Written from the published description of the rules; the rule order and the
 * examples in the comments follow Philips' article. Two places where published
 * ports differ, and what we do:
 *  - Philips' MetaphAdd("J", " ") appends a blank to the alternate code ("raj"
 *    gives "RJ" / "R "). Like abydos (the oracle of tests/unit/test_dmetaphone.c)
 *    we append nothing: a blank inside a key is never useful to a matcher.
 *  - When both codes end up equal the alternate is returned empty, as abydos
 *    and most ports do, so "has an alternate" means "differs".
 * Codes are computed over the whole word and cut to 4 characters (the classic
 * length); words are read up to WL_DM_MAX_IN bytes.
 */
#include "normalise/name.h"

#include <string.h>

#include "common/common.h"

enum { WL_DM_MAX_IN = 64, WL_DM_PAD = 8, WL_DM_CODE = 4 };

typedef struct {
    char w[WL_DM_MAX_IN + WL_DM_PAD]; /* upper-case word, blank padded for look-ahead */
    int len, last;
    int slavo;                        /* Slavic/Germanic hints: W, K, CZ or WITZ */
    char pri[WL_DM_CODE + 1], alt[WL_DM_CODE + 1];
    int npri, nalt;
} dm_state;

static char dm_at(const dm_state *st, int i)
{
    return (i < 0 || i >= st->len) ? ' ' : st->w[i]; /* the word is padded with blanks */
}

static int dm_vowel(const dm_state *st, int i)
{
    char c = dm_at(st, i);
    return c == 'A' || c == 'E' || c == 'I' || c == 'O' || c == 'U' || c == 'Y';
}

/* 1 when w[pos..pos+n) equals one of the alternatives in list, which are all n
 * letters long and separated by '|' ("ACH|ICH"): a fixed stride, no scanning. */
static int dm_is(const dm_state *st, int pos, int n, const char *list)
{
    if (pos < 0 || pos + n > st->len + WL_DM_PAD - 1) return 0;
    const char *w = st->w + pos;
    for (const char *p = list;; p += n + 1) {
        int k = 0;
        while (k < n && p[k] == w[k]) k++;
        if (k == n) return 1;
        if (p[n] != '|') return 0;
    }
}

static void dm_append(char *code, int *n, const char *s)
{
    for (; *s && *n < WL_DM_CODE; s++) code[(*n)++] = *s;
    code[*n] = 0;
}

/* Philips' MetaphAdd: one string for both codes, or a primary and an alternate. */
static void dm_add2(dm_state *st, const char *p, const char *a)
{
    dm_append(st->pri, &st->npri, p);
    dm_append(st->alt, &st->nalt, a);
}

static void dm_add(dm_state *st, const char *p) { dm_add2(st, p, p); }

static int dm_step_skip(const dm_state *st, int cur, char twin)
{
    return dm_at(st, cur + 1) == twin ? 2 : 1;
}

/* ---- C: the letter with the most rules ---- */
static int dm_c_ch(dm_state *st, int cur)
{
    if (cur > 0 && dm_is(st, cur, 4, "CHAE")) { /* michael */
        dm_add2(st, "K", "X");
        return 2;
    }
    if (cur == 0 && (dm_is(st, cur + 1, 5, "HARAC|HARIS") || dm_is(st, cur + 1, 3, "HOR|HYM|HIA|HEM"))
        && !dm_is(st, 0, 5, "CHORE")) { /* greek roots: chemistry, chorus */
        dm_add(st, "K");
        return 2;
    }
    if (dm_is(st, 0, 4, "VAN |VON ") || dm_is(st, 0, 3, "SCH")
        || dm_is(st, cur - 2, 6, "ORCHES|ARCHIT|ORCHID") || dm_is(st, cur + 2, 1, "T|S")
        || ((dm_is(st, cur - 1, 1, "A|O|U|E") || cur == 0)
            && dm_is(st, cur + 2, 1, "L|R|N|M|B|H|F|V|W| "))) {
        dm_add(st, "K"); /* germanic or greek 'ch' = 'kh': wachtler, orchestra */
    } else if (cur > 0) {
        if (dm_is(st, 0, 2, "MC")) dm_add(st, "K"); /* mchugh */
        else dm_add2(st, "X", "K");
    } else {
        dm_add(st, "X");
    }
    return 2;
}

static int dm_c_cc(dm_state *st, int cur)
{
    /* bellocchio but not bacchus */
    if (dm_is(st, cur + 2, 1, "I|E|H") && !dm_is(st, cur + 2, 2, "HU")) {
        if ((cur == 1 && dm_at(st, cur - 1) == 'A') || dm_is(st, cur - 1, 5, "UCCEE|UCCES"))
            dm_add(st, "KS"); /* accident, succeed */
        else
            dm_add(st, "X"); /* bacci, bertucci */
        return 3;
    }
    dm_add(st, "K"); /* Pierce's rule */
    return 2;
}

static int dm_c(dm_state *st, int cur)
{
    if (cur > 1 && !dm_vowel(st, cur - 2) && dm_is(st, cur - 1, 3, "ACH") && dm_at(st, cur + 2) != 'I'
        && (dm_at(st, cur + 2) != 'E' || dm_is(st, cur - 2, 6, "BACHER|MACHER"))) {
        dm_add(st, "K"); /* germanic: bacher, macher */
        return 2;
    }
    if (cur == 0 && dm_is(st, cur, 6, "CAESAR")) { dm_add(st, "S"); return 2; }
    if (dm_is(st, cur, 4, "CHIA")) { dm_add(st, "K"); return 2; } /* chianti */
    if (dm_is(st, cur, 2, "CH")) return dm_c_ch(st, cur);
    if (dm_is(st, cur, 2, "CZ") && !dm_is(st, cur - 2, 4, "WICZ")) { /* czerny */
        dm_add2(st, "S", "X");
        return 2;
    }
    if (dm_is(st, cur + 1, 3, "CIA")) { dm_add(st, "X"); return 3; } /* focaccia */
    if (dm_is(st, cur, 2, "CC") && !(cur == 1 && dm_at(st, 0) == 'M')) return dm_c_cc(st, cur);
    if (dm_is(st, cur, 2, "CK|CG|CQ")) { dm_add(st, "K"); return 2; }
    if (dm_is(st, cur, 2, "CI|CE|CY")) { /* italian vs english */
        if (dm_is(st, cur, 3, "CIO|CIE|CIA")) dm_add2(st, "S", "X");
        else dm_add(st, "S");
        return 2;
    }
    dm_add(st, "K");
    if (dm_is(st, cur + 1, 2, " C| Q| G")) return 3; /* mac caffrey, mac gregor */
    if (dm_is(st, cur + 1, 1, "C|K|Q") && !dm_is(st, cur + 1, 2, "CE|CI")) return 2;
    return 1;
}

static int dm_d(dm_state *st, int cur)
{
    if (dm_is(st, cur, 2, "DG")) {
        if (dm_is(st, cur + 2, 1, "I|E|Y")) { dm_add(st, "J"); return 3; } /* edge */
        dm_add(st, "TK");                                                  /* edgar */
        return 2;
    }
    dm_add(st, "T");
    return dm_is(st, cur, 2, "DT|DD") ? 2 : 1;
}

/* GH: silent after a vowel in English (bough), K or F elsewhere. */
static int dm_gh(dm_state *st, int cur)
{
    if (cur > 0 && !dm_vowel(st, cur - 1)) { dm_add(st, "K"); return 2; }
    if (cur == 0) { /* ghislane, ghiradelli */
        dm_add(st, dm_at(st, cur + 2) == 'I' ? "J" : "K");
        return 2;
    }
    /* Parker's rule: hugh, bough, broughton */
    if ((cur > 1 && dm_is(st, cur - 2, 1, "B|H|D")) || (cur > 2 && dm_is(st, cur - 3, 1, "B|H|D"))
        || (cur > 3 && dm_is(st, cur - 4, 1, "B|H")))
        return 2;
    if (cur > 2 && dm_at(st, cur - 1) == 'U' && dm_is(st, cur - 3, 1, "C|G|L|R|T"))
        dm_add(st, "F"); /* laugh, mclaughlin, cough, rough */
    else if (cur > 0 && dm_at(st, cur - 1) != 'I')
        dm_add(st, "K");
    return 2;
}

static int dm_gn(dm_state *st, int cur)
{
    if (cur == 1 && dm_vowel(st, 0) && !st->slavo) {
        dm_add2(st, "KN", "N");
    } else if (!dm_is(st, cur + 2, 2, "EY") && dm_at(st, cur + 1) != 'Y' && !st->slavo) {
        dm_add2(st, "N", "KN"); /* not cagney */
    } else {
        dm_add(st, "KN");
    }
    return 2;
}

static int dm_g(dm_state *st, int cur)
{
    if (dm_at(st, cur + 1) == 'H') return dm_gh(st, cur);
    if (dm_at(st, cur + 1) == 'N') return dm_gn(st, cur);
    if (dm_is(st, cur + 1, 2, "LI") && !st->slavo) { dm_add2(st, "KL", "L"); return 2; } /* tagliaro */
    if (cur == 0 && (dm_at(st, cur + 1) == 'Y'
                     || dm_is(st, cur + 1, 2, "ES|EP|EB|EL|EY|IB|IL|IN|IE|EI|ER"))) {
        dm_add2(st, "K", "J"); /* -ges-, -gep-, -gel-, -gie- at the start */
        return 2;
    }
    if ((dm_is(st, cur + 1, 2, "ER") || dm_at(st, cur + 1) == 'Y') && !dm_is(st, 0, 6, "DANGER|RANGER|MANGER")
        && !dm_is(st, cur - 1, 1, "E|I") && !dm_is(st, cur - 1, 3, "RGY|OGY")) {
        dm_add2(st, "K", "J"); /* -ger-, -gy- */
        return 2;
    }
    if (dm_is(st, cur + 1, 1, "E|I|Y") || dm_is(st, cur - 1, 4, "AGGI|OGGI")) { /* biaggi */
        if (dm_is(st, 0, 4, "VAN |VON ") || dm_is(st, 0, 3, "SCH") || dm_is(st, cur + 1, 2, "ET"))
            dm_add(st, "K");
        else if (dm_is(st, cur + 1, 4, "IER "))
            dm_add(st, "J"); /* french ending */
        else
            dm_add2(st, "J", "K");
        return 2;
    }
    dm_add(st, "K");
    return dm_step_skip(st, cur, 'G');
}

static int dm_h(dm_state *st, int cur)
{
    /* kept only at the start or between vowels */
    if ((cur == 0 || dm_vowel(st, cur - 1)) && dm_vowel(st, cur + 1)) {
        dm_add(st, "H");
        return 2;
    }
    return 1;
}

static int dm_j(dm_state *st, int cur)
{
    if (dm_is(st, cur, 4, "JOSE") || dm_is(st, 0, 4, "SAN ")) { /* spanish: jose, san jacinto */
        if ((cur == 0 && dm_at(st, cur + 4) == ' ') || dm_is(st, 0, 4, "SAN ")) dm_add(st, "H");
        else dm_add2(st, "J", "H");
        return 1;
    }
    if (cur == 0) {
        dm_add2(st, "J", "A"); /* yankelovich / jankelowicz */
    } else if (dm_vowel(st, cur - 1) && !st->slavo && (dm_at(st, cur + 1) == 'A' || dm_at(st, cur + 1) == 'O')) {
        dm_add2(st, "J", "H"); /* spanish bajador */
    } else if (cur == st->last) {
        dm_add2(st, "J", "");
    } else if (!dm_is(st, cur + 1, 1, "L|T|K|S|N|M|B|Z") && !dm_is(st, cur - 1, 1, "S|K|L")) {
        dm_add(st, "J");
    }
    return dm_step_skip(st, cur, 'J');
}

static int dm_l(dm_state *st, int cur)
{
    if (dm_at(st, cur + 1) != 'L') { dm_add(st, "L"); return 1; }
    /* spanish: cabrillo, gallegos */
    if ((cur == st->len - 3 && dm_is(st, cur - 1, 4, "ILLO|ILLA|ALLE"))
        || ((dm_is(st, st->last - 1, 2, "AS|OS") || dm_is(st, st->last, 1, "A|O"))
            && dm_is(st, cur - 1, 4, "ALLE"))) {
        dm_add2(st, "L", "");
        return 2;
    }
    dm_add(st, "L");
    return 2;
}

static int dm_m(dm_state *st, int cur)
{
    dm_add(st, "M");
    if ((dm_is(st, cur - 1, 3, "UMB") && (cur + 1 == st->last || dm_is(st, cur + 2, 2, "ER")))
        || dm_at(st, cur + 1) == 'M')
        return 2; /* dumb, thumb */
    return 1;
}

static int dm_p(dm_state *st, int cur)
{
    if (dm_at(st, cur + 1) == 'H') { dm_add(st, "F"); return 2; }
    dm_add(st, "P");
    return dm_is(st, cur + 1, 1, "P|B") ? 2 : 1; /* campbell, raspberry */
}

static int dm_r(dm_state *st, int cur)
{
    /* french rogier, but not hochmeier */
    if (cur == st->last && !st->slavo && dm_is(st, cur - 2, 2, "IE") && !dm_is(st, cur - 4, 2, "ME|MA"))
        dm_add2(st, "", "R");
    else
        dm_add(st, "R");
    return dm_step_skip(st, cur, 'R');
}

static int dm_sc(dm_state *st, int cur)
{
    if (dm_at(st, cur + 2) == 'H') { /* Schlesinger's rule */
        if (dm_is(st, cur + 3, 2, "OO|ER|EN|UY|ED|EM")) { /* dutch: school, schooner */
            if (dm_is(st, cur + 3, 2, "ER|EN")) dm_add2(st, "X", "SK"); /* schermerhorn */
            else dm_add(st, "SK");
            return 3;
        }
        if (cur == 0 && !dm_vowel(st, 3) && dm_at(st, 3) != 'W') dm_add2(st, "X", "S");
        else dm_add(st, "X");
        return 3;
    }
    dm_add(st, dm_is(st, cur + 2, 1, "I|E|Y") ? "S" : "SK");
    return 3;
}

static int dm_s(dm_state *st, int cur)
{
    if (dm_is(st, cur - 1, 3, "ISL|YSL")) return 1; /* island, carlisle */
    if (cur == 0 && dm_is(st, cur, 5, "SUGAR")) { dm_add2(st, "X", "S"); return 1; }
    if (dm_is(st, cur, 2, "SH")) {
        dm_add(st, dm_is(st, cur + 1, 4, "HEIM|HOEK|HOLM|HOLZ") ? "S" : "X");
        return 2;
    }
    if (dm_is(st, cur, 3, "SIO|SIA") || dm_is(st, cur, 4, "SIAN")) { /* italian, armenian */
        if (!st->slavo) dm_add2(st, "S", "X");
        else dm_add(st, "S");
        return 3;
    }
    /* smith/schmidt, snider/schneider; slavic -sz- */
    if ((cur == 0 && dm_is(st, cur + 1, 1, "M|N|L|W")) || dm_is(st, cur + 1, 1, "Z")) {
        dm_add2(st, "S", "X");
        return dm_is(st, cur + 1, 1, "Z") ? 2 : 1;
    }
    if (dm_is(st, cur, 2, "SC")) return dm_sc(st, cur);
    if (cur == st->last && dm_is(st, cur - 2, 2, "AI|OI")) dm_add2(st, "", "S"); /* resnais, artois */
    else dm_add(st, "S");
    return dm_is(st, cur + 1, 1, "S|Z") ? 2 : 1;
}

static int dm_t(dm_state *st, int cur)
{
    if (dm_is(st, cur, 4, "TION")) { dm_add(st, "X"); return 3; }
    if (dm_is(st, cur, 3, "TIA|TCH")) { dm_add(st, "X"); return 3; }
    if (dm_is(st, cur, 2, "TH") || dm_is(st, cur, 3, "TTH")) {
        if (dm_is(st, cur + 2, 2, "OM|AM") || dm_is(st, 0, 4, "VAN |VON ") || dm_is(st, 0, 3, "SCH"))
            dm_add(st, "T"); /* thomas, thames */
        else
            dm_add2(st, "0", "T");
        return 2;
    }
    dm_add(st, "T");
    return dm_is(st, cur + 1, 1, "T|D") ? 2 : 1;
}

static int dm_w(dm_state *st, int cur)
{
    if (dm_is(st, cur, 2, "WR")) { dm_add(st, "R"); return 2; }
    if (cur == 0 && (dm_vowel(st, cur + 1) || dm_is(st, cur, 2, "WH"))) {
        if (dm_vowel(st, cur + 1)) dm_add2(st, "A", "F"); /* wasserman / vasserman */
        else dm_add(st, "A");                            /* uomo / womo */
    }
    if ((cur == st->last && dm_vowel(st, cur - 1)) || dm_is(st, cur - 1, 5, "EWSKI|EWSKY|OWSKI|OWSKY")
        || dm_is(st, 0, 3, "SCH")) {
        dm_add2(st, "", "F"); /* arnow / arnoff */
        return 1;
    }
    if (dm_is(st, cur, 4, "WICZ|WITZ")) { dm_add2(st, "TS", "FX"); return 4; } /* filipowicz */
    return 1;
}

static int dm_x(dm_state *st, int cur)
{
    /* french breaux */
    if (!(cur == st->last && (dm_is(st, cur - 3, 3, "IAU|EAU") || dm_is(st, cur - 2, 2, "AU|OU"))))
        dm_add(st, "KS");
    return dm_is(st, cur + 1, 1, "C|X") ? 2 : 1;
}

static int dm_z(dm_state *st, int cur)
{
    if (dm_at(st, cur + 1) == 'H') { dm_add(st, "J"); return 2; } /* pinyin zhao */
    if (dm_is(st, cur + 1, 2, "ZO|ZI|ZA") || (st->slavo && cur > 0 && dm_at(st, cur - 1) != 'T'))
        dm_add2(st, "S", "TS");
    else
        dm_add(st, "S");
    return dm_step_skip(st, cur, 'Z');
}

/* One letter (or letter group) at cur; @return how many letters it consumed. */
static int dm_letter(dm_state *st, int cur)
{
    switch (st->w[cur]) {
    case 'A': case 'E': case 'I': case 'O': case 'U': case 'Y':
        if (cur == 0) dm_add(st, "A"); /* every initial vowel is A */
        return 1;
    case 'B': dm_add(st, "P"); return dm_step_skip(st, cur, 'B');
    case 'C': return dm_c(st, cur);
    case 'D': return dm_d(st, cur);
    case 'F': dm_add(st, "F"); return dm_step_skip(st, cur, 'F');
    case 'G': return dm_g(st, cur);
    case 'H': return dm_h(st, cur);
    case 'J': return dm_j(st, cur);
    case 'K': dm_add(st, "K"); return dm_step_skip(st, cur, 'K');
    case 'L': return dm_l(st, cur);
    case 'M': return dm_m(st, cur);
    case 'N': dm_add(st, "N"); return dm_step_skip(st, cur, 'N');
    case 'P': return dm_p(st, cur);
    case 'Q': dm_add(st, "K"); return dm_step_skip(st, cur, 'Q');
    case 'R': return dm_r(st, cur);
    case 'S': return dm_s(st, cur);
    case 'T': return dm_t(st, cur);
    case 'V': dm_add(st, "F"); return dm_step_skip(st, cur, 'V');
    case 'W': return dm_w(st, cur);
    case 'X': return dm_x(st, cur);
    case 'Z': return dm_z(st, cur);
    default: return 1;
    }
}

static void dm_load(dm_state *st, const char *s, size_t n)
{
    memset(st, 0, sizeof *st);
    st->len = (int)WL_MIN(n, (size_t)WL_DM_MAX_IN);
    memset(st->w, ' ', sizeof st->w - 1);
    for (int i = 0; i < st->len; i++) {
        char c = s[i];
        st->w[i] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
    }
    st->last = st->len - 1;
    for (int i = 0; i < st->len; i++) { /* W, K, CZ or WITZ (WITZ contains W) */
        char c = st->w[i];
        if (c == 'W' || c == 'K' || (c == 'C' && st->w[i + 1] == 'Z')) st->slavo = 1;
    }
}

void wl_double_metaphone(const char *s, size_t n, char primary[5], char alternate[5])
{
    dm_state st;
    dm_load(&st, s, n);
    int cur = 0;
    if (dm_is(&st, 0, 2, "GN|KN|PN|WR|PS")) cur = 1; /* silent first letter */
    if (dm_at(&st, 0) == 'X') {                      /* xavier: initial X sounds S */
        dm_add(&st, "S");
        cur = 1;
    }
    while (cur < st.len && (st.npri < WL_DM_CODE || st.nalt < WL_DM_CODE))
        cur += dm_letter(&st, cur);
    memcpy(primary, st.pri, WL_DM_CODE + 1);
    if (strcmp(st.pri, st.alt) == 0) alternate[0] = 0;
    else memcpy(alternate, st.alt, WL_DM_CODE + 1);
}

uint32_t wl_dm_pack(const char *code)
{
    uint32_t v = 0;
    for (int i = 0; i < WL_DM_CODE && code[i]; i++) v |= (uint32_t)(uint8_t)code[i] << (8 * i);
    return v;
}
