/*
 * name_thai.c -- Thai and Lao script to RTGS-like Latin.
 *
 * ICU's Thai-Latin is ISO 11940, a letter-by-letter transliteration (สมชาย ->
 * s̄mchāy) that no passport or list uses. Thai lists print the Royal Thai General
 * System of Transcription (Royal Institute, 1999/2000; letter tables as given in
 * Wikipedia "Royal Thai General System of Transcription"): สมชาย -> somchai,
 * ประยุทธ์ -> prayut. RTGS depends on syllables, which Thai script does not mark,
 * so this is a small hand-written syllable reader:
 *   [leading vowel] initial [cluster r/l/w] [vowel signs] [final] [silenced letters]
 * with the usual reading rules: a consonant written alone takes the inherent
 * vowel "o" when a final follows (สม -> som) and "a" otherwise (สบาย -> sabai);
 * a consonant carrying thanthakhat (์), with its vowel sign, is silent, and so is
 * the letter before it when that one has no vowel (จันทร์ -> chan); initial ห and
 * อ before a sonorant are silent (หมอ -> mo); ทร and สร read s; รร reads an.
 * Finals take the RTGS final values (ย -> i, ว -> o, จ ช ด ต ท ศ ษ ส -> t...),
 * with two exceptions where RTGS and the names people put in their passports
 * part ways and the lists follow the passports: final ร after a or o is "rn"
 * (Thanathorn, Pornthip, Banharn; RTGS has n) and ศร/สร keep their r (Sri,
 * Srettha; RTGS si).
 * Lao is read with the same rules: its block mirrors the Thai one 128 code points
 * up (Unicode 1.1 laid it out so); Lao-only letters are mapped first.
 */
#include <string.h>

#include "normalise/name.h"

enum {
    T_RUE = 0x24, T_LUE = 0x26, T_WO = 0x27, T_HO = 0x2b, T_O = 0x2d, T_RO = 0x23, T_YO = 0x22, T_LO = 0x25,
    T_SARA_A = 0x30, T_MAI_HAN_AKAT = 0x31, T_SARA_AA = 0x32, T_SARA_AM = 0x33, T_SARA_I = 0x34,
    T_SARA_II = 0x35, T_SARA_UE = 0x36, T_SARA_UEE = 0x37, T_SARA_U = 0x38, T_SARA_UU = 0x39,
    T_E = 0x40, T_AE = 0x41, T_OO = 0x42, T_AI_MUAN = 0x43, T_AI_MALAI = 0x44,
    T_THANTHAKHAT = 0x4c, T_NIKHAHIT = 0x4d,
    T_LAO_O = 0x70, T_LAO_IA = 0x71, T_LAO_L = 0x72, T_NONE = 0xff
};

/* RTGS initial and final values of the consonants ก (0x01) .. ฮ (0x2e). */
static const char *const cons_initial[0x2f] = {
    NULL, "k", "kh", "kh", "kh", "kh", "kh", "ng", "ch", "ch", "ch", "s", "ch", "y", "d", "t", "th", "th", "th",
    "n", "d", "t", "th", "th", "th", "n", "b", "p", "ph", "f", "ph", "f", "ph", "m", "y", "r", NULL, "l", NULL,
    "w", "s", "s", "s", "h", "l", "", "h",
};
static const char *const cons_final[0x2f] = {
    NULL, "k", "k", "k", "k", "k", "k", "ng", "t", "t", "t", "t", "t", "n", "t", "t", "t", "t", "t",
    "n", "t", "t", "t", "t", "t", "n", "p", "p", "p", "p", "p", "p", "p", "m", "i", "rn", NULL, "n", NULL,
    "o", "t", "t", "t", "", "n", "", "",
};

/* The letter values Thai names are spelled with in passports, where they follow
 * the letters rather than the sounds (Sanskrit- and Pali-style, as the Royal
 * Institute's 1939 transliteration and the names' own etymology have them):
 * จ j (Jurin), ว v (Thavisin, Vejjajiva), ภ bh (Bhumibol), and finals that keep
 * their letter (ชิดชอบ Chidchob, อดุลยเดช Adulyadej, ภูมิพล Bhumibol); final
 * ร and the s letters read as in RTGS (Banharn, Wongsawat), as passports do.
 * The second reading of a Thai name (wl_thai_letters), beside the RTGS one. */
static const char *const letter_initial[0x2f] = {
    NULL, "k", "kh", "kh", "kh", "kh", "kh", "ng", "j", "ch", "ch", "s", "ch", "y", "d", "t", "th", "th", "th",
    "n", "d", "t", "th", "th", "th", "n", "b", "p", "ph", "f", "ph", "f", "bh", "m", "y", "r", NULL, "l", NULL,
    "v", "s", "s", "s", "h", "l", "", "h",
};
static const char *const letter_final[0x2f] = {
    NULL, "k", "k", "k", "k", "k", "k", "ng", "j", "ch", "ch", "t", "ch", "n", "d", "t", "th", "th", "th",
    "n", "d", "t", "th", "th", "th", "n", "b", "p", "p", "f", "p", "f", "p", "m", "i", "rn", NULL, "l", NULL,
    "o", "t", "t", "t", "", "l", "", "",
};

typedef struct {
    uint8_t c[512];
    size_t n;
    char *out;
    size_t k, cap;
    int prev_final; /* the syllable before ended in a consonant */
    int open_ra;    /* the next syllable is a medial ร: inherent vowel a */
    const char *const *initial, *const *final; /* RTGS or letter values */
} thai_rd;

static uint8_t lao_code(int32_t cp)
{
    switch (cp) {
    case 0x0e8a: return 0x0b;       /* ຊ reads s in Lao */
    case 0x0e8d: return T_YO;       /* ຍ: y / final i */
    case 0x0ebb: return T_LAO_O;    /* ົ: vowel o */
    case 0x0ebd: return T_LAO_IA;   /* ຽ: ia */
    case 0x0ebc: return T_LAO_L;    /* ຼ: subscript l */
    case 0x0edc: return 0x19;       /* ໜ: hn = n */
    case 0x0edd: return 0x21;       /* ໝ: hm = m */
    default: return (uint8_t)(cp - 0x0e80);
    }
}

static uint8_t code_of(int32_t cp)
{
    if (cp >= 0x0e00 && cp <= 0x0e7f) return (uint8_t)(cp - 0x0e00);
    if (cp >= 0x0e80 && cp <= 0x0eff) return lao_code(cp);
    return T_NONE;
}

static int is_cons(uint8_t c) { return c >= 0x01 && c <= 0x2e && c != T_RUE && c != T_LUE; }
static int is_lead(uint8_t c) { return c >= T_E && c <= T_AI_MALAI; }
static int is_digit(uint8_t c) { return c >= 0x50 && c <= 0x59; }
/* Tone marks, maitaikhu, phinthu, lakkhangyao, yamakkan, mai yamok: no sound of their own. */
static int is_skip(uint8_t c) { return (c >= 0x47 && c <= 0x4b) || c == 0x4e || c == 0x3a || c == 0x45 || c == 0x46; }
static int is_vowel_sign(uint8_t c)
{
    return (c >= T_SARA_A && c <= T_SARA_UU) || c == T_NIKHAHIT || c == T_LAO_O || c == T_LAO_IA;
}

static uint8_t at(const thai_rd *r, size_t i) { return i < r->n ? r->c[i] : T_NONE; }

/* The index of the next letter at or after i that is not a tone mark. */
static size_t sig(const thai_rd *r, size_t i)
{
    while (i < r->n && is_skip(r->c[i])) i++;
    return i;
}

static void put(thai_rd *r, const char *s)
{
    for (; *s && r->k + 1 < r->cap; s++) r->out[r->k++] = *s;
}

static int cluster_head(uint8_t c)
{
    return c == 0x01 || c == 0x02 || c == 0x04 || c == 0x15 || c == 0x1b || c == 0x1c || c == 0x1e
        || c == 0x1a || c == 0x14 || c == 0x17;
}
static int s_letter(uint8_t c) { return c == 0x28 || c == 0x29 || c == 0x2a || c == 0x0b; }

/* c1 c2 is an initial cluster: r and l after the cluster heads and the s
 * letters, w only after ก ข ค (RTGS: kw, khw; ทวี is tha-wi, สวัสดิ์ sa-wat). */
static int is_cluster(uint8_t c1, uint8_t c2)
{
    if (c2 == T_WO) return c1 == 0x01 || c1 == 0x02 || c1 == 0x04;
    return (c2 == T_RO || c2 == T_LO) && (cluster_head(c1) || s_letter(c1));
}
static int sonorant(uint8_t c)
{
    return c == 0x07 || c == 0x0d || c == 0x19 || c == 0x21 || c == T_YO || c == T_RO || c == T_LO || c == T_WO;
}

/* A consonant with thanthakhat (and the vowel sign between): silent. @return letters to skip. */
static size_t silent_len(const thai_rd *r, size_t i)
{
    if (!is_cons(at(r, i))) return 0;
    size_t j = sig(r, i + 1);
    if (at(r, j) == T_THANTHAKHAT) return j + 1 - i;
    if ((at(r, j) == T_SARA_I || at(r, j) == T_SARA_U) && at(r, sig(r, j + 1)) == T_THANTHAKHAT)
        return sig(r, j + 1) + 1 - i;
    if (is_cons(at(r, j)) && at(r, sig(r, j + 1)) == T_THANTHAKHAT && r->prev_final
        && (at(r, j) == T_RO || s_letter(r->c[i]))) /* ทร์ of จันทร์, ษณ์ of ลักษณ์ */
        return sig(r, j + 1) + 1 - i;
    return 0;
}

/* Whether consonant at i ends the syllable: nothing vowel-like reads after it. */
static int can_be_final(const thai_rd *r, size_t i)
{
    if (!is_cons(at(r, i))) return 0;
    size_t j = sig(r, i + 1);
    uint8_t nx = at(r, j);
    if (is_vowel_sign(nx) || nx == T_THANTHAKHAT) return 0;
    if (nx == T_O && is_cons(at(r, sig(r, j + 1)))) return 0; /* ทอง: อ is this letter's vowel */
    if (nx == T_RO && at(r, sig(r, j + 1)) == T_RO) return 0; /* วรรณ: รร is this letter's vowel */
    return 1;
}

/* Initial consonant(s) at *i; @return the index after them. */
static size_t read_initial(thai_rd *r, size_t i, int lead)
{
    size_t j = sig(r, i + 1);
    if ((r->c[i] == T_HO && sonorant(at(r, j))) || (r->c[i] == T_O && at(r, j) == T_YO)) { /* silent ห, อ */
        i = j;
        j = sig(r, i + 1);
    }
    uint8_t c = r->c[i], c2 = at(r, j);
    if (c2 == T_LAO_L) { /* Lao ຫຼ, ກຼ: subscript l, after a silent h or as a cluster */
        put(r, c == T_HO ? "" : r->initial[c]);
        put(r, "l");
        return sig(r, j + 1);
    }
    uint8_t after = at(r, sig(r, j + 1));
    int vowel_next = is_vowel_sign(after) || (lead && is_cons(after));
    if (vowel_next && is_cluster(c, c2)) {
        if (c2 == T_RO && c == 0x17) put(r, "s"); /* ทร reads s */
        else put(r, r->initial[c]), put(r, r->initial[c2]);
        return sig(r, j + 1);
    }
    put(r, r->initial[c]);
    return j;
}

/* Vowel of a syllable with a leading vowel sign; j is after the initial. */
static size_t lead_vowel(thai_rd *r, uint8_t lead, size_t j, int *closed)
{
    uint8_t v = at(r, j), v2 = at(r, sig(r, j + 1));
    if (lead == T_AE) put(r, "ae");
    else if (lead == T_OO) put(r, "o");
    else if (lead == T_AI_MUAN || lead == T_AI_MALAI) put(r, "ai");
    if (lead != T_E) {
        if (v == T_SARA_A) *closed = 1, j = sig(r, j + 1);
        return j;
    }
    if (v == T_SARA_AA) {
        put(r, v2 == T_SARA_A ? "o" : "ao");
        return sig(r, (v2 == T_SARA_A ? sig(r, j + 1) : j) + 1);
    }
    size_t after_v = sig(r, j + 1), after_v2 = sig(r, after_v + 1);
    if (v == T_LAO_IA) { put(r, "ia"); return after_v; }                     /* ເ-ຽ */
    if (v == T_SARA_II && v2 == T_YO) { put(r, "ia"); return after_v2; }       /* เ-ีย */
    if (v == T_SARA_UEE && v2 == T_O) { put(r, "uea"); return after_v2; }      /* เ-ือ */
    if (v == T_O || v == T_SARA_I) { put(r, "oe"); return after_v; }          /* เ-อ, เ-ิ */
    if (v == T_SARA_A) { put(r, "e"); *closed = 1; return after_v; }          /* เ-ะ */
    put(r, "e");
    return j;
}

/* Vowel written after the initial (or none: the inherent vowel). */
static size_t after_vowel(thai_rd *r, size_t j, int *closed)
{
    uint8_t v = at(r, j);
    size_t nj = sig(r, j + 1);
    switch (v) {
    case T_SARA_A: put(r, "a"); *closed = 1; return nj;
    case T_MAI_HAN_AKAT:
        if (at(r, nj) == T_WO) { put(r, "ua"); return sig(r, nj + 1); }
        put(r, "a");
        return nj;
    case T_SARA_AA: put(r, "a"); return nj;
    case T_SARA_AM: put(r, "am"); *closed = 1; return nj;
    case T_NIKHAHIT: /* NFKC splits ำ into nikhahit + sara aa */
        put(r, "am");
        *closed = 1;
        return at(r, nj) == T_SARA_AA ? sig(r, nj + 1) : nj;
    case T_SARA_I: case T_SARA_II: put(r, "i"); return nj;
    case T_SARA_UE: put(r, "ue"); return nj;
    case T_SARA_UEE: put(r, "ue"); return at(r, nj) == T_O ? sig(r, nj + 1) : nj;
    case T_SARA_U: case T_SARA_UU: put(r, "u"); return nj;
    case T_LAO_O: put(r, "o"); return nj;
    case T_LAO_IA: put(r, "ia"); return nj;
    default: break;
    }
    if (v == T_O && !is_vowel_sign(at(r, nj))) { /* ทอง: อ is the vowel o */
        put(r, "o");
        return nj;
    }
    if (v == T_WO && is_cons(at(r, nj)) && can_be_final(r, nj)) { /* สวน: ว is the vowel ua */
        put(r, "ua");
        return nj;
    }
    if (v == T_RO && at(r, nj) == T_RO) { /* กรรม, บรรณ: รร reads a(n) */
        size_t f = sig(r, nj + 1);
        put(r, can_be_final(r, f) ? "a" : "an");
        return f;
    }
    if (v == T_WO && is_cons(at(r, nj))) { /* ชวลิต: no syllable closes on ว after the inherent vowel */
        put(r, "a");
        *closed = 1;
        return j;
    }
    if (r->open_ra) { /* สุรพล: the medial ร syllable is an open "ra" */
        put(r, "a");
        *closed = 1;
        return j;
    }
    put(r, can_be_final(r, j) ? "o" : "a"); /* inherent vowel: closed o, open a */
    return j;
}

/* ธนาธร, สิริพร, อุดม: after a vowel sign (any but ั, which wants a final), a
 * consonant followed only by one last consonant starts the syllable "Co" + final
 * rather than closing this one; not ตร/ทร, a final t and a silent r (ประวิตร). */
static int starts_last_syllable(const thai_rd *r, size_t j, int open_vowel)
{
    size_t q = sig(r, j + 1);
    int t_r = (r->c[j] == 0x15 || r->c[j] == 0x17) && at(r, q) == T_RO;
    if (!open_vowel || t_r || !is_cons(at(r, q)) || silent_len(r, q)) return 0;
    size_t e = sig(r, q + 1);
    /* the last consonant may be followed by a silenced one (อนุพงษ์, จุลานนท์),
     * but not when the two are silent together (ทร์ of จุรินทร์, ษณ์) */
    if (e >= r->n) return 1;
    return is_cons(at(r, e)) && at(r, e) != T_RO && !s_letter(at(r, q)) && e + silent_len(r, e) >= r->n;
}

/* สุรพล, ธีรพงษ์, จิราพร: inside a word, ร after a vowel sign reads "ra"; it
 * closes a syllable only at the end of the word. */
static int medial_ra(const thai_rd *r, size_t j, int open_vowel)
{
    return open_vowel && r->c[j] == T_RO && sig(r, j + 1) < r->n && !silent_len(r, sig(r, j + 1));
}

/* Final ร is "rn" after a and o (Thanathorn, Banharn: RTGS has n, passports the
 * r), and RTGS n elsewhere (สมบูรณ์ -> somboon-like sombun). */
static const char *final_value(const thai_rd *r, uint8_t c, char vowel_end)
{
    if (c == T_RO && vowel_end != 'a' && vowel_end != 'o') return "n";
    if (r->final == letter_final) return letter_final[c];
    return cons_final[c];
}

/* ปิยบุตร, ปิยะ: ย after the vowel i, with more to read, begins the next
 * syllable (Pali piya): Thai writes a final -iy with the leading vowel เ-ีย. */
static int y_after_i(const thai_rd *r, size_t j, char vowel_end)
{
    return r->c[j] == T_YO && vowel_end == 'i' && is_cons(at(r, sig(r, j + 1)));
}

static size_t read_final(thai_rd *r, size_t j, char vowel_end, int open_vowel)
{
    r->open_ra = medial_ra(r, j, open_vowel);
    if (!can_be_final(r, j) || silent_len(r, j) || starts_last_syllable(r, j, open_vowel) || r->open_ra
        || y_after_i(r, j, vowel_end)) {
        r->prev_final = 0;
        return j;
    }
    const char *f = final_value(r, r->c[j], vowel_end);
    int glide = (f[0] == 'i' && vowel_end == 'i') || (f[0] == 'o' && vowel_end == 'o');
    if (!glide) put(r, f); /* ไทย -> thai, not thaii */
    r->prev_final = f[0] != 0;
    return sig(r, j + 1);
}

/* เฉลิม, เจริญ: a leading vowel over two consonants that are no cluster belongs
 * to the second; the first takes the inherent a. */
static int lead_skips_first(const thai_rd *r, size_t i)
{
    size_t j = sig(r, i + 1);
    uint8_t c1 = r->c[i], c2 = at(r, j);
    if (c1 == T_O || !is_cons(c2) || !is_vowel_sign(at(r, sig(r, j + 1)))) return 0;
    return !is_cluster(c1, c2);
}

/* One syllable starting at i (a leading vowel or a consonant). @return the next index. */
static size_t read_syllable(thai_rd *r, size_t i)
{
    uint8_t lead = is_lead(r->c[i]) ? r->c[i] : 0;
    if (lead) i = sig(r, i + 1);
    if (!is_cons(at(r, i))) return lead ? i : i + 1;
    size_t skip = silent_len(r, i);
    if (skip) return i + skip;
    if (!lead && r->c[i] == T_RO && r->prev_final && sig(r, i + 1) >= r->n) return r->n; /* เพชร: last ร silent */
    /* The second reading takes the other side of this guess: the leading vowel
     * on the first consonant (เนวิน ne-win, where RTGS reads na-woen as in เฉลิม
     * cha-loem); only a dictionary could tell the two apart. */
    if ((lead == T_E || lead == T_AE || lead == T_OO) && r->final != letter_final && lead_skips_first(r, i)) {
        put(r, r->initial[r->c[i]]);
        put(r, "a");
        i = sig(r, i + 1);
    }
    int closed = 0;
    size_t j = read_initial(r, i, lead != 0);
    size_t kv = r->k;
    int open_vowel = !lead && is_vowel_sign(at(r, j)) && at(r, j) != T_MAI_HAN_AKAT;
    j = lead ? lead_vowel(r, lead, j, &closed) : after_vowel(r, j, &closed);
    r->open_ra = 0; /* used by this syllable's inherent vowel only */
    char vowel_end = r->k > kv ? r->out[r->k - 1] : 0;
    if (closed) {
        r->prev_final = 0;
        return j;
    }
    return read_final(r, j, vowel_end, open_vowel);
}

/* Thai writes the forms of address นาย, นาง, นางสาว joined to the name
 * (นายสมชาย): read them as a word of their own, so the title table drops them. */
static size_t title_prefix(thai_rd *r)
{
    static const struct { uint8_t c[6]; size_t n; const char *latin; } t[] = {
        { { 0x19, 0x32, 0x07, 0x2a, 0x32, 0x27 }, 6, "nangsao " },
        { { 0x19, 0x32, 0x22 }, 3, "nai " },
        { { 0x19, 0x32, 0x07 }, 3, "nang " },
    };
    for (size_t k = 0; k < sizeof t / sizeof t[0]; k++) {
        if (r->n > t[k].n + 1 && memcmp(r->c, t[k].c, t[k].n) == 0 && is_cons(r->c[t[k].n])) {
            put(r, t[k].latin);
            return t[k].n;
        }
    }
    return 0;
}

static size_t thai_read(const int32_t *cp, size_t n, char *out, size_t cap, int letters)
{
    if (cap == 0) return 0;
    thai_rd r = { .out = out,
                  .cap = cap,
                  .initial = letters ? letter_initial : cons_initial,
                  .final = letters ? letter_final : cons_final };
    for (size_t i = 0; i < n && r.n < sizeof r.c; i++) r.c[r.n++] = code_of(cp[i]);
    for (size_t i = title_prefix(&r); i < r.n;) {
        uint8_t c = r.c[i];
        if (is_digit(c)) {
            char d[2] = { (char)('0' + c - 0x50), 0 };
            put(&r, d);
            i++;
        } else if (c == T_RUE || c == T_LUE) {
            put(&r, c == T_RUE ? "rue" : "lue");
            i++;
        } else if (is_lead(c) || is_cons(c)) {
            size_t next = read_syllable(&r, i);
            i = next > i ? next : i + 1;
        } else if (is_vowel_sign(c)) { /* a vowel with no consonant before it */
            int closed;
            size_t next = after_vowel(&r, i, &closed);
            i = next > i ? next : i + 1;
        } else {
            i++;
        }
    }
    out[r.k] = 0;
    return r.k;
}

size_t wl_thai_romanise(const int32_t *cp, size_t n, char *out, size_t cap) { return thai_read(cp, n, out, cap, 0); }

size_t wl_thai_letters(const int32_t *cp, size_t n, char *out, size_t cap) { return thai_read(cp, n, out, cap, 1); }
