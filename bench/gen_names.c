/*
 * gen_names.c -- rendering names per list convention (gen_names.h).
 *
 * Each culture fills the same intermediate form (honorific, given names,
 * patronymic, middle, family, whether the family name leads); the list's
 * layout then assembles the columns. Probabilities are per record, so the same
 * person comes out differently in different lists (and in the same list twice).
 */
#include "gen_names.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    char honor[48];
    char given[GEN_NAME_LEN];
    char patro[GEN_NAME_LEN];  /* particle + father's name: "bin Ismail", "a/l Rajan" */
    char father[GEN_NAME_LEN]; /* the father's name alone */
    char middle[GEN_NAME_LEN]; /* Filipino mother's surname, Russian patronymic */
    char family[GEN_NAME_LEN];
    int family_first; /* native order puts the family name first */
    int han;          /* Han script: parts written without spaces */
    int honor_glued;  /* Thai-script titles are written without a space */
} parts;

/* Appends s to buf, separated by sep when buf is not empty; truncates at cap. */
static void add(char *buf, size_t cap, const char *sep, const char *s)
{
    if (!s || !s[0]) return;
    char head[GEN_NAME_LEN * 2];
    gen_concat(head, sizeof head < cap ? sizeof head : cap, buf, buf[0] ? sep : "", s);
    memcpy(buf, head, strlen(head) + 1);
}
/* The text of a part in column col, or one of its spelling variants with
 * probability p_var. */
static void roman(const gen_part *pp, int col, double p_var, gen_rng *r, char *out, size_t cap)
{
    int vcol = pp->pool->c_variants;
    if (vcol >= 0 && gen_rng_chance(r, p_var) &&
        gen_pick_variant(gen_pool_cell(pp->pool, pp->row, vcol), r, out, cap))
        return;
    snprintf(out, cap, "%s", gen_part_text(pp, col));
}

/* Probability of a non-standard spelling: lists abroad copy names from
 * passports, interviews and other agencies, so they vary more. */
static double var_rate(const gen_person *p, gen_country_id list)
{
    return p->nat == list ? 0.12 : 0.30;
}

/* Joins the given parts (one may be dropped: GEN_RATE_DROP_PART in gen_corrupt.h). */
static void given_parts(const gen_person *p, int col, double p_var, gen_rng *r, char *out, size_t cap,
                        const char *sep)
{
    int drop =
        (p->n_given >= 2 && gen_rng_chance(r, 0.03)) ? (int)gen_rng_below(r, (uint32_t)p->n_given) : -1;
    out[0] = '\0';
    for (int i = 0; i < p->n_given; i++) {
        if (i == drop) continue;
        char t[GEN_NAME_LEN];
        roman(&p->given[i], col, p_var, r, t, sizeof t);
        add(out, cap, sep, t);
    }
}

void gen_concat(char *out, size_t cap, const char *a, const char *sep, const char *b)
{
    const char *pieces[3] = {a, sep, b};
    size_t n = 0;
    for (int i = 0; i < 3; i++) {
        size_t len = strlen(pieces[i]);
        if (n + len >= cap) {
            len = cap - 1 - n;
            /* Cut at a character boundary: never leave half a UTF-8 sequence. */
            while (len > 0 && ((unsigned char)pieces[i][len] & 0xC0) == 0x80)
                len--;
        }
        memmove(out + n, pieces[i], len);
        n += len;
    }
    out[n] = '\0';
}

/* The initial of s with a full stop ("S." for Santos, "Á." for Ávila): the
 * whole first UTF-8 character, never a lone lead byte. */
static void initial(char *out, size_t cap, const char *s)
{
    size_t n = 1;
    unsigned char c = (unsigned char)s[0];
    if (c >= 0xF0)
        n = 4;
    else if (c >= 0xE0)
        n = 3;
    else if (c >= 0xC0)
        n = 2;
    for (size_t i = 1; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) n = i; /* truncated sequence: stop */
    if (!c || n + 2 > cap) {
        out[0] = '\0';
        return;
    }
    memcpy(out, s, n);
    out[n] = '.';
    out[n + 1] = '\0';
}

static const char *pick_str(gen_rng *r, const char *const *v, int n)
{
    return v[gen_rng_below(r, (uint32_t)n)];
}

static void malay_honor(const gen_person *p, gen_country_id list, gen_rng *r, parts *o)
{
    if (!p->honor || !gen_rng_chance(r, list == GEN_MYS ? 0.7 : 0.2)) return;
    static const char *const datuk[] = {"Datuk", "Dato'", "Dato", "Dato' Seri"};
    if (p->honor == 1)
        snprintf(o->honor, sizeof o->honor, "%s", p->sex == 'M' ? "Haji" : "Hajjah");
    else
        snprintf(o->honor, sizeof o->honor, "%s", p->sex == 'M' ? pick_str(r, datuk, 4) : "Datin");
}

/* bin / binti: spelled out in Malaysia and Singapore (sometimes abbreviated),
 * mostly dropped in Indonesia, mixed abroad. */
static const char *malay_particle(const gen_person *p, gen_country_id list, gen_rng *r)
{
    static const char *const bin_abbr[] = {"B.", "Bin", "BN"}, *const binti_abbr[] = {"Bt.", "Bte", "Binte"};
    double use = (list == GEN_MYS || list == GEN_SGP) ? 0.85 : list == GEN_IDN ? 0.4 : 0.45;
    if (!gen_rng_chance(r, use)) return "";
    if (gen_rng_chance(r, 0.1)) return p->sex == 'M' ? pick_str(r, bin_abbr, 3) : pick_str(r, binti_abbr, 3);
    return p->sex == 'M' ? "bin" : "binti";
}

static void build_muslim(const gen_person *p, gen_country_id list, int native, gen_rng *r, parts *o)
{
    double pv = var_rate(p, list);
    if (native) {
        given_parts(p, GEN_COL_ARABIC, 0, r, o->given, sizeof o->given, " ");
        snprintf(o->father, sizeof o->father, "%s", gen_part_text(&p->father, GEN_COL_ARABIC));
        gen_concat(o->patro, sizeof o->patro, p->sex == 'M' ? "بن" : "بنت", " ", o->father);
        if (p->has_family)
            snprintf(o->family, sizeof o->family, "%s", gen_part_text(&p->family, GEN_COL_ARABIC));
        return;
    }
    malay_honor(p, list, r, o);
    given_parts(p, GEN_COL_LATIN, pv, r, o->given, sizeof o->given, " ");
    roman(&p->father, GEN_COL_LATIN, pv, r, o->father, sizeof o->father);
    int omit_father = list != GEN_MYS && list != GEN_SGP && gen_rng_chance(r, p->has_family ? 0.3 : 0.15);
    if (omit_father)
        o->father[0] = '\0';
    else
        add(o->patro, sizeof o->patro, " ", malay_particle(p, list, r));
    add(o->patro, sizeof o->patro, " ", o->father);
    if (p->has_family) roman(&p->family, GEN_COL_LATIN, pv, r, o->family, sizeof o->family);
}

static void build_tamil(const gen_person *p, gen_country_id list, gen_rng *r, parts *o)
{
    double pv = var_rate(p, list);
    given_parts(p, GEN_COL_LATIN, pv, r, o->given, sizeof o->given, " ");
    roman(&p->father, GEN_COL_LATIN, pv, r, o->father, sizeof o->father);
    const char *particle = "";
    double u = gen_rng_unit(r);
    if (list == GEN_MYS && u < 0.75)
        particle = p->sex == 'M' ? (u < 0.68 ? "a/l" : "A/L") : "a/p";
    else if (list == GEN_SGP && u < 0.70)
        particle = p->sex == 'M' ? "s/o" : "d/o";
    else if (list != GEN_MYS && list != GEN_SGP && u < 0.25) {
        /* Indian style: the father's initial before the given name (R. Muthu). */
        initial(o->honor, sizeof o->honor, o->father);
        return;
    } else if (u > 0.85) {
        o->father[0] = '\0';
        return;
    }
    add(o->patro, sizeof o->patro, " ", particle);
    add(o->patro, sizeof o->patro, " ", o->father);
}

static void build_chinese(const gen_person *p, gen_country_id list, int native, gen_rng *r, parts *o)
{
    o->family_first = 1;
    if (native) {
        o->han = 1;
        given_parts(p, GEN_COL_HAN, 0, r, o->given, sizeof o->given, "");
        snprintf(o->family, sizeof o->family, "%s", gen_part_text(&p->family, GEN_COL_HAN));
        return;
    }
    /* Lists abroad mostly copy the passport's dialect spelling; some transcribe
     * the Mandarin reading (pinyin) instead, which is how Tan becomes Chen. */
    int col = (list == p->nat || gen_rng_chance(r, 0.7)) ? p->dialect : GEN_COL_PINYIN;
    const char *sep = " ";
    if (col == GEN_COL_PINYIN)
        sep = gen_rng_chance(r, 0.7) ? "" : " ";
    else if (gen_rng_chance(r, 0.2))
        sep = gen_rng_chance(r, 0.75) ? "-" : "";
    given_parts(p, col, 0, r, o->given, sizeof o->given, sep);
    /* Joined syllables: only the first letter stays a capital (Minghua, Benghuat). */
    if (!sep[0])
        for (char *c = o->given + 1; *c; c++)
            if (*c >= 'A' && *c <= 'Z') *c = (char)(*c + 32);
    snprintf(o->family, sizeof o->family, "%s", gen_part_text(&p->family, col));
}

static void build_thai(const gen_person *p, gen_country_id list, int native, gen_rng *r, parts *o)
{
    if (native) {
        static const char *const title_f[] = {"นาง", "นางสาว"};
        given_parts(p, GEN_COL_THAI, 0, r, o->given, sizeof o->given, " ");
        gen_concat(o->family, sizeof o->family, gen_part_text(&p->family, GEN_COL_THAI), "",
                   p->has_family2 ? gen_part_text(&p->family2, GEN_COL_THAI) : "");
        if (gen_rng_chance(r, 0.3)) {
            snprintf(o->honor, sizeof o->honor, "%s", p->sex == 'M' ? "นาย" : pick_str(r, title_f, 2));
            o->honor_glued = 1;
        }
        return;
    }
    /* In Thailand the RTGS form is the official one; passports abroad carry the
     * holder's own spelling, which is often not RTGS. */
    double pv = list == GEN_THA ? 0.4 : 0.6;
    given_parts(p, GEN_COL_RTGS, pv, r, o->given, sizeof o->given, " ");
    roman(&p->family, GEN_COL_RTGS, pv, r, o->family, sizeof o->family);
    if (p->has_family2) {
        /* Compound surname: one word, the second element in lower case (Suksawat). */
        char second[GEN_NAME_LEN], first[GEN_NAME_LEN];
        roman(&p->family2, GEN_COL_RTGS, pv, r, second, sizeof second);
        if (second[0] >= 'A' && second[0] <= 'Z') second[0] = (char)(second[0] + 32);
        gen_concat(first, sizeof first, o->family, "", "");
        gen_concat(o->family, sizeof o->family, first, "", second);
    }
}

/* The last word of s (the given name proper of a Vietnamese given string). */
static const char *last_word(const char *s)
{
    const char *sp = strrchr(s, ' ');
    return sp ? sp + 1 : s;
}

static void build_viet(const gen_person *p, gen_country_id list, gen_rng *r, parts *o)
{
    int col = gen_rng_chance(r, list == GEN_VNM ? 0.9 : 0.1) ? GEN_COL_VIET : GEN_COL_ASCII;
    o->family_first = 1;
    snprintf(o->family, sizeof o->family, "%s", gen_part_text(&p->family, col));
    const char *g = gen_part_text(&p->given[0], col);
    if (p->viet_middle) {
        const char *mid =
            p->sex == 'M' ? (col == GEN_COL_VIET ? "Văn" : "Van") : (col == GEN_COL_VIET ? "Thị" : "Thi");
        gen_concat(o->given, sizeof o->given, mid, " ", last_word(g));
    } else {
        snprintf(o->given, sizeof o->given, "%s", g);
    }
    /* Foreign clerks sometimes drop the middle syllable (Nguyen Tuan). */
    if (list != GEN_VNM && gen_rng_chance(r, 0.1))
        memmove(o->given, last_word(o->given), strlen(last_word(o->given)) + 1);
}

static void build_filipino(const gen_person *p, gen_country_id list, gen_rng *r, parts *o)
{
    double pv = var_rate(p, list);
    given_parts(p, GEN_COL_LATIN, pv, r, o->given, sizeof o->given, " ");
    roman(&p->family, GEN_COL_LATIN, pv, r, o->family, sizeof o->family);
    roman(&p->mother, GEN_COL_LATIN, pv * 0.5, r, o->middle, sizeof o->middle);
}

static int age(const gen_person *p)
{
    return 2025 - p->year;
}

static void build_burmese(const gen_person *p, gen_country_id list, gen_rng *r, parts *o)
{
    given_parts(p, GEN_COL_LATIN, var_rate(p, list), r, o->given, sizeof o->given, " ");
    if (!gen_rng_chance(r, list == GEN_MMR ? 0.4 : 0.1)) return;
    const char *h = p->sex == 'M' ? (age(p) >= 35             ? "U"
                                     : gen_rng_chance(r, 0.5) ? "Ko"
                                                              : "Maung")
                                  : (age(p) >= 35 ? "Daw" : "Ma");
    snprintf(o->honor, sizeof o->honor, "%s", h);
}

static void build_khmer(const gen_person *p, gen_country_id list, gen_rng *r, parts *o)
{
    double pv = var_rate(p, list);
    o->family_first = 1;
    given_parts(p, GEN_COL_LATIN, pv, r, o->given, sizeof o->given, " ");
    roman(&p->family, GEN_COL_LATIN, pv, r, o->family, sizeof o->family);
}

static void build_russian(const gen_person *p, gen_country_id list, int native, gen_rng *r, parts *o)
{
    int f = p->sex == 'F';
    if (native) {
        /* Official Russian order: family, given, patronymic. */
        o->family_first = 1;
        given_parts(p, GEN_COL_CYR, 0, r, o->given, sizeof o->given, " ");
        snprintf(o->family, sizeof o->family, "%s",
                 gen_part_text(&p->family, f ? GEN_COL_CYR_F : GEN_COL_CYR));
        snprintf(o->middle, sizeof o->middle, "%s", gen_part_text(&p->father, GEN_COL_CYR));
        return;
    }
    double pv = 0.45;
    given_parts(p, GEN_COL_CYR_LATIN, pv, r, o->given, sizeof o->given, " ");
    if (f)
        snprintf(o->family, sizeof o->family, "%s", gen_part_text(&p->family, GEN_COL_LATIN_F));
    else
        roman(&p->family, GEN_COL_CYR_LATIN, pv, r, o->family, sizeof o->family);
    if (gen_rng_chance(r, 0.25)) roman(&p->father, GEN_COL_CYR_LATIN, pv, r, o->middle, sizeof o->middle);
    o->family_first = gen_rng_chance(r, 0.25); /* IVANOV Ivan, as in the passport's data page */
    (void)list;
}

static void build_parts(const gen_person *p, gen_country_id list, int native, gen_rng *r, parts *o)
{
    memset(o, 0, sizeof *o);
    switch (p->culture) {
    case CUL_MALAY:
    case CUL_ARAB:
        build_muslim(p, list, native, r, o);
        break;
    case CUL_TAMIL:
        build_tamil(p, list, r, o);
        break;
    case CUL_CHINESE:
        build_chinese(p, list, native, r, o);
        break;
    case CUL_THAI:
        build_thai(p, list, native, r, o);
        break;
    case CUL_VIET:
        build_viet(p, list, r, o);
        break;
    case CUL_FILIPINO:
        build_filipino(p, list, r, o);
        break;
    case CUL_BURMESE:
        build_burmese(p, list, r, o);
        break;
    case CUL_KHMER:
        build_khmer(p, list, r, o);
        break;
    case CUL_RUSSIAN:
    case CUL_CENTRAL_ASIAN:
        build_russian(p, list, native, r, o);
        break;
    default: /* Javanese and other Indonesian names: given names only */
        given_parts(p, GEN_COL_LATIN, var_rate(p, list), r, o->given, sizeof o->given, " ");
        break;
    }
}

static void assemble_full(const gen_person *p, gen_country_id list, const parts *o, gen_rng *r, char *out,
                          size_t cap)
{
    out[0] = '\0';
    if (o->han) {
        gen_concat(out, cap, o->family, "", o->given);
        return;
    }
    if (o->honor_glued) {
        char t[GEN_NAME_LEN];
        gen_concat(t, sizeof t, o->honor, "", o->given);
        gen_concat(out, cap, t, " ", o->family);
        return;
    }
    if (p->culture == CUL_FILIPINO && list != GEN_PHL) {
        double u = gen_rng_unit(r);
        char mid[GEN_NAME_LEN] = "";
        if (u < 0.4)
            gen_concat(mid, sizeof mid, o->middle, "", "");
        else if (u < 0.6 && o->middle[0])
            initial(mid, sizeof mid, o->middle);
        if (u > 0.9) { /* SURNAME, Given Middle */
            gen_concat(out, cap, o->family, ",", "");
            add(out, cap, " ", o->given);
            add(out, cap, " ", mid);
            return;
        }
        add(out, cap, " ", o->given);
        add(out, cap, " ", mid);
        add(out, cap, " ", o->family);
        return;
    }
    /* Lists abroad sometimes turn family-first names around (Beng Huat Tan). */
    int ff = o->family_first && !(list != p->nat && gen_rng_chance(r, 0.2));
    add(out, cap, " ", o->honor);
    if (ff) add(out, cap, " ", o->family);
    add(out, cap, " ", o->given);
    add(out, cap, " ", o->middle);
    add(out, cap, " ", o->patro);
    if (!ff) add(out, cap, " ", o->family);
}

static void swap_strings(char *a, char *b, size_t cap)
{
    char t[GEN_NAME_LEN];
    snprintf(t, sizeof t, "%s", a);
    snprintf(a, cap, "%s", b);
    snprintf(b, cap, "%s", t);
}

/* Names with neither family name nor patronymic (Javanese, Burmese) in a form
 * that demands a surname: left empty, the whole name put in the surname, the
 * name repeated, or the last word taken as the surname. */
static void split_mononym(const parts *o, gen_rng *r, gen_name *n)
{
    double u = gen_rng_unit(r);
    const char *sp = strrchr(o->given, ' ');
    if (sp && u < 0.4) {
        snprintf(n->given, sizeof n->given, "%.*s", (int)(sp - o->given), o->given);
        snprintf(n->family, sizeof n->family, "%s", sp + 1);
    } else if (u < 0.75) {
        snprintf(n->given, sizeof n->given, "%s", o->given);
    } else if (u < 0.92) {
        snprintf(n->family, sizeof n->family, "%s", o->given);
    } else {
        snprintf(n->given, sizeof n->given, "%s", o->given);
        snprintf(n->family, sizeof n->family, "%s", o->given);
    }
}

static void assemble_split(const gen_person *p, gen_country_id list, const parts *o, gen_layout layout,
                           gen_rng *r, gen_name *n)
{
    if (!o->family[0] && !o->patro[0]) {
        split_mononym(o, r, n);
    } else {
        snprintf(n->given, sizeof n->given, "%s", o->given);
        if (o->family[0]) {
            snprintf(n->family, sizeof n->family, "%s", o->family);
            if (o->patro[0] && gen_rng_chance(r, 0.3)) add(n->given, sizeof n->given, " ", o->patro);
        } else {
            /* Malay and Tamil names: the father's name (with or without bin / a/l) as
             * the surname, or kept with the given name. */
            double u = gen_rng_unit(r);
            if (u < 0.45)
                snprintf(n->family, sizeof n->family, "%s", o->patro);
            else if (u < 0.85)
                snprintf(n->family, sizeof n->family, "%s", o->father);
            else
                add(n->given, sizeof n->given, " ", o->patro);
        }
    }
    if (o->honor[0] && !o->honor_glued && gen_rng_chance(r, 0.5)) {
        char t[GEN_NAME_LEN];
        gen_concat(t, sizeof t, o->honor, " ", n->given);
        gen_concat(n->given, sizeof n->given, t, "", "");
    } else if (o->honor_glued) {
        char t[GEN_NAME_LEN];
        gen_concat(t, sizeof t, o->honor, "", n->given);
        gen_concat(n->given, sizeof n->given, t, "", "");
    }
    if (layout == GEN_LAYOUT_GIVEN_MIDDLE_FAMILY) {
        double u = gen_rng_unit(r);
        if (p->culture == CUL_FILIPINO && list == GEN_PHL && u < 0.1 && o->middle[0])
            initial(n->middle, sizeof n->middle, o->middle);
        else if (u < 0.9)
            snprintf(n->middle, sizeof n->middle, "%s", o->middle);
    } else if (o->middle[0] && gen_rng_chance(r, 0.3)) {
        add(n->given, sizeof n->given, " ", o->middle);
    }
    /* Family-first names put in the wrong boxes (given and family swapped). */
    if (o->family_first && list != p->nat && gen_rng_chance(r, 0.12))
        swap_strings(n->given, n->family, sizeof n->given);
}

static void render_alias(const gen_person *p, gen_country_id list, const parts *o, gen_rng *r, gen_name *n)
{
    n->alias[0] = '\0';
    if (!p->has_alias || !gen_rng_chance(r, 0.6)) return;
    char a[GEN_NAME_LEN];
    if (p->has_alias == 1) {
        snprintf(a, sizeof a, "%s",
                 gen_part_text(&p->alias, list == GEN_THA && gen_rng_chance(r, 0.3) ? 1 : 2));
    } else {
        int col = p->culture == CUL_CHINESE                                        ? p->dialect
                  : p->culture == CUL_THAI                                         ? GEN_COL_RTGS
                  : p->culture == CUL_VIET                                         ? GEN_COL_ASCII
                  : (p->culture == CUL_RUSSIAN || p->culture == CUL_CENTRAL_ASIAN) ? GEN_COL_CYR_LATIN
                                                                                   : GEN_COL_LATIN;
        const char *t = gen_part_text(&p->alias, col);
        if (p->culture == CUL_CHINESE)
            snprintf(a, sizeof a, "Ah %s", t); /* Ah Beng */
        else
            snprintf(a, sizeof a, "%s", p->culture == CUL_VIET ? last_word(t) : t);
        if (o->family[0] && !o->han && gen_rng_chance(r, 0.5)) add(a, sizeof a, " ", o->family);
    }
    /* A third of the aliases come with a second one: the main name in another
     * spelling, as found in other agencies' files (';'-separated). */
    char b[GEN_NAME_LEN] = "";
    if (gen_rng_chance(r, 0.33) && !o->han && p->given[0].pool->c_variants >= 0) {
        int col =
            (p->culture == CUL_RUSSIAN || p->culture == CUL_CENTRAL_ASIAN || p->culture == CUL_THAI) ? 2 : 1;
        roman(&p->given[0], col, 1.0, r, b, sizeof b);
        if (o->family[0]) add(b, sizeof b, " ", o->family);
    }
    gen_concat(n->alias, sizeof n->alias, a, b[0] ? ";" : "", b);
}

void gen_name_render(const gen_person *p, gen_country_id list, int native, gen_layout layout, int want_alias,
                     gen_rng *r, gen_name *out)
{
    parts o;
    memset(out, 0, sizeof *out);
    build_parts(p, list, native, r, &o);
    if (layout == GEN_LAYOUT_FULL)
        assemble_full(p, list, &o, r, out->full, sizeof out->full);
    else
        assemble_split(p, list, &o, layout, r, out);
    if (want_alias) render_alias(p, list, &o, r, out);
}

int gen_native_script_ok(const gen_person *p, gen_country_id list)
{
    switch (p->culture) {
    case CUL_THAI:
        return list == GEN_THA;
    case CUL_MALAY:
    case CUL_ARAB:
        return list == GEN_MYS; /* Jawi */
    case CUL_CHINESE:
        return list == GEN_SGP || list == GEN_MYS || list == GEN_VNM;
    case CUL_RUSSIAN:
    case CUL_CENTRAL_ASIAN:
        return 1; /* copied from Russian papers */
    default:
        return 0;
    }
}
