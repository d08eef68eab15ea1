/* block_keys.c -- the blocking keys of one record, one kind at a time (stage 4).
 *
 * Each kind targets a way two spellings of one person still agree:
 *   PHONETIC_YEAR  Double Metaphone of a part + birth year: spelling variants
 *                  (Mohamad/Muhammad) born the same year;
 *   PART_PAIR      two parts of one name, order-free, by canonical spelling, by
 *                  phonetic code and by sound classes: a wrong or missing date,
 *                  name order swapped, a name through another script; a one-part
 *                  name by its spelling, sound spelling and sound classes;
 *   DOC            the OCR-folded document key and its one-deletion variants:
 *                  the name written differently, the number mistyped;
 *   FULL_NAME      the whole name, order-free, and its sorted letters (parts
 *                  split or joined differently);
 *   SKELETON_NAT   consonant skeletons of two parts + nationality: vowels that
 *                  differ between romanisations of abjad names (Jawi, Arabic);
 *   PART_DOB       first two letters of a part + full date: names mistyped;
 *                  full date + nationality: names romanised beyond recognition.
 * Initials and particles never form keys: they would make huge useless blocks. */
#include "block/block_keys.h"
#include "normalise/name.h"

#include <string.h>

enum { MAX_YEARS = 16 };

static int part_usable(const wl_fpart *p)
{
    return !(p->flags & (WL_PART_PARTICLE | WL_PART_INITIAL));
}

static size_t add_unique_year(int *years, size_t n, int y)
{
    for (size_t k = 0; k < n; k++)
        if (years[k] == y) return n;
    if (n < MAX_YEARS) years[n++] = y;
    return n;
}

/* Birth years a record may share with another reading of the same date: an
 * approximate date widens by one year each side, a short range gives each year
 * (a long one gives none: it would land the record in dozens of blocks). */
static size_t record_years(const wl_features *f, size_t i, int *years)
{
    size_t nd, ny = 0;
    const wl_date *d = wl_f_dates(f, i, &nd);
    for (size_t k = 0; k < nd; k++) {
        if (d[k].prec == WL_PREC_NONE) continue;
        int lo = d[k].year, hi = (d[k].flags & WL_DATE_RANGE) ? d[k].year_hi : d[k].year;
        if (d[k].flags & WL_DATE_APPROX) {
            lo--;
            hi++;
        }
        if (hi < lo || hi - lo > WL_BLOCK_MAX_RANGE_YEARS) continue;
        for (int y = lo; y <= hi; y++) ny = add_unique_year(years, ny, y);
    }
    return ny;
}

static const wl_fpart *rarest_usable(const wl_fpart *p, size_t np);

static size_t keys_phonetic_year(const wl_features *f, size_t i, uint32_t common, uint64_t *out, size_t cap)
{
    int years[MAX_YEARS];
    size_t ny = record_years(f, i, years), np, n = 0;
    /* Without any birth year the part alone is the key (year 0). */
    if (ny == 0) years[ny++] = 0;
    const wl_fpart *p = wl_f_parts(f, i, &np), *rare = rarest_usable(p, np);
    for (size_t k = 0; k < np; k++) {
        if (!part_usable(&p[k]) || p[k].dm1 == 0 || p[k].dm1 == WL_DM_VOWEL_ONLY) continue;
        if (common && p[k].freq > common && &p[k] != rare) continue;
        for (size_t y = 0; y < ny && n < cap; y++)
            out[n++] = wl_hash_combine(p[k].dm1, (uint64_t)(int64_t)years[y]);
    }
    return n;
}

/* The usable parts of one name: a key per part (spelling, sound or skeleton)
 * and whether the part is a crowd (held by more than `common` records). */
typedef struct {
    uint64_t key[WL_NAME_MAX_PARTS];
    uint32_t freq[WL_NAME_MAX_PARTS];
    size_t n;
    size_t r1, r2;   /* the two rarest parts, when n >= 2 */
} part_keys;

static void rarest_two(part_keys *k)
{
    k->r1 = 0;
    k->r2 = 1;
    if (k->freq[1] < k->freq[0]) {
        k->r1 = 1;
        k->r2 = 0;
    }
    for (size_t i = 2; i < k->n; i++) {
        if (k->freq[i] < k->freq[k->r1]) {
            k->r2 = k->r1;
            k->r1 = i;
        } else if (k->freq[i] < k->freq[k->r2]) {
            k->r2 = i;
        }
    }
}

/* Order-free pairs of the parts' keys, tagged so that pairs of different part
 * keys never collide. A pair of two crowd parts ("nguyen thi", "muhammad
 * bin") is left out: its block would hold thousands of different persons.
 * When every part is a crowd, the pair of the two rarest still keys the name. */
static size_t pairs_except(part_keys *k, const part_keys *same, uint32_t common, uint64_t tag, uint64_t *out,
                           size_t cap)
{
    size_t n = 0, rare = 0;
    if (k->n < 2) return 0;
    for (size_t a = 0; a < k->n; a++) rare += !common || k->freq[a] <= common;
    rarest_two(k);
    for (size_t a = 0; a < k->n; a++)
        for (size_t b = a + 1; b < k->n && n < cap; b++) {
            if (k->key[a] == k->key[b]) continue;
            if (same && same->key[a] == k->key[a] && same->key[b] == k->key[b]) continue;
            int crowd = common && k->freq[a] > common && k->freq[b] > common;
            int fallback = rare == 0 && ((a == k->r1 && b == k->r2) || (a == k->r2 && b == k->r1));
            if (crowd && !fallback) continue;
            uint64_t lo = WL_MIN(k->key[a], k->key[b]), hi = WL_MAX(k->key[a], k->key[b]);
            out[n++] = wl_hash_combine(wl_hash_combine(lo, hi), tag);
        }
    return n;
}

static size_t pairs_of(part_keys *k, uint32_t common, uint64_t tag, uint64_t *out, size_t cap)
{
    return pairs_except(k, NULL, common, tag, out, cap);
}

static void add_key(part_keys *k, uint64_t key, uint32_t freq)
{
    if (k->n >= WL_NAME_MAX_PARTS) return;
    k->key[k->n] = key;
    k->freq[k->n++] = freq;
}

/* A one-part name by its sound spelling (wl_sound_spelling, 3 symbols or more:
 * agatha / agata, AKATA) and, from 4 symbols, by each spelling with one symbol
 * left out (asher / ase: ASAL / ASA), by its sound classes (wl_sound_classes, 2 or more:
 * duthilleul / dyutiiel, TL) and, from three classes up, each of them with one
 * class left out: a name written in another script and romanised back keeps
 * most of its consonants but may gain or lose one (waisbren / weisboen: SPLN /
 * SPN), the deletion neighbourhood of FastSS (Bocek, Hunt & Stiller 2007) as for
 * documents. Short keys make large blocks, but only of one-part names, which
 * real lists hold few of; on the xlit samples they raised the true pairs kept
 * from 0.88 to 0.95 (Russian), 0.75 to 0.85 (Korean), 0.70 to 0.81 (Chinese),
 * for 28 candidates per record instead of 11 (the spelling deletions alone:
 * 0.93 -> 0.95, 0.81 -> 0.85, 0.77 -> 0.81 for 20 -> 28; default F1 within
 * 0.01, --one-to-one F1 up 0.005 to 0.012 on every script). */
static size_t keys_mononym_sound(const wl_features *f, const wl_fpart *p, uint64_t *out, size_t cap)
{
    char cls[256], buf[256];
    size_t k = wl_sound_classes(wl_f_str(f, p->canon), p->canon_len, cls, sizeof cls), n = 0;
    if (cap == 0) return 0;
    size_t ks = wl_sound_spelling(wl_f_str(f, p->canon), p->canon_len, buf, sizeof buf);
    if (ks >= 3 && n < cap) out[n++] = wl_hash_combine(wl_hash(buf, ks), 0x73706cu);
    if (ks >= 4) {
        char del[256];
        for (size_t d = 0; d < ks && n < cap; d++) {
            if (d > 0 && buf[d] == buf[d - 1]) continue; /* the same key again */
            memcpy(del, buf, d);
            memcpy(del + d, buf + d + 1, ks - d - 1);
            out[n++] = wl_hash_combine(wl_hash(del, ks - 1), 0x73706cu);
        }
    }
    if (k < 2 || n >= cap) return n;
    out[n++] = wl_hash_combine(wl_hash(cls, k), 0x736e64u);
    size_t kl = wl_sound_loose(wl_f_str(f, p->canon), p->canon_len, buf, sizeof buf);
    if (kl >= 2 && n < cap && (kl != k || memcmp(buf, cls, k)))
        out[n++] = wl_hash_combine(wl_hash(buf, kl), 0x736e64u); /* meets the other's classes */
    if (k < 3) return n;
    for (size_t del = 0; del < k && n < cap; del++) {
        memcpy(buf, cls, del);
        memcpy(buf + del, cls + del + 1, k - del - 1);
        out[n++] = wl_hash_combine(wl_hash(buf, k - 1), 0x736e64u);
    }
    return n;
}

static int is_vowel(char c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

/* A second spelling key for a part that lists write two ways, so that the two
 * meet in a part pair; a part that only looks like one (alexander, zhou) gains
 * a key nobody else holds, which costs an entry and finds nothing. Only the
 * spelling key: the sound keys of the other spelling are not at hand here.
 *  - The Arabic article glued to the name, as Saudi and Gulf passports write
 *    it (alotaibi): also without it, to meet "al otaibi", whose article is a
 *    particle and forms no key.
 *  - Belarusian surnames in their own romanisation (Wikipedia, "Romanization
 *    of Belarusian"): -ou / -au for the Russian -ov (Zubkou / Zubkov, Novikau
 *    / Novikov), -enka for -enko (Lukashenka / Lukashenko).
 *  - The East Slavic adjective ending written -yy, -yj, -iy, -ij, -ii or -yi
 *    by the different systems (Sosonnyj / Sosonnyy): all read -y. */
static void other_spellings(const wl_features *f, const wl_fpart *p, size_t np, part_keys *h)
{
    char buf[256];
    for (size_t k = 0; k < np; k++) {
        size_t n = p[k].canon_len;
        if (!part_usable(&p[k]) || n < 5) continue;
        const char *c = wl_f_str(f, p[k].canon);
        if (n >= 6 && (c[0] == 'a' || c[0] == 'e') && c[1] == 'l') add_key(h, wl_hash(c + 2, n - 2), p[k].freq);
        const char *e = c + n - 2;
        memcpy(buf, c, n);
        if ((e[0] == 'o' || e[0] == 'a') && e[1] == 'u' && !is_vowel(e[-1])) {
            buf[n - 1] = 'v';
            buf[n - 2] = 'o';
            add_key(h, wl_hash(buf, n), p[k].freq);
        } else if (n >= 6 && !memcmp(c + n - 4, "enka", 4)) {
            buf[n - 1] = 'o';
            add_key(h, wl_hash(buf, n), p[k].freq);
        } else if ((e[0] == 'y' || e[0] == 'i') && (e[1] == 'y' || e[1] == 'j' || e[1] == 'i')) {
            buf[n - 2] = 'y';
            add_key(h, wl_hash(buf, n - 1), p[k].freq);
        }
    }
}

/* The part's loose sound classes (wl_sound_loose) keyed as its sound classes
 * are (wl_sound_key), so that a spelling with a coda liquid or a final
 * cluster (charnvirakul) meets the other list's plain one (chanwirakun) in
 * the same sound pair; 0 when nothing is left. */
static uint32_t loose_key(const wl_features *f, const wl_fpart *p)
{
    char buf[256];
    size_t k = wl_sound_loose(wl_f_str(f, p->canon), p->canon_len, buf, sizeof buf);
    return k ? wl_sound_key(buf, k) : 0;
}

/* One name's part pairs, by canonical spelling, by phonetic code (a typo
 * that keeps the sound: belperio / belperi) and by sound classes (a name
 * through another script: beniel / venier). A one-part name (a mononym)
 * keys on its spelling and its sound classes. */
static size_t keys_name_pairs(const wl_features *f, const wl_fpart *p, size_t np, uint32_t common, uint64_t *out,
                              size_t cap)
{
    part_keys h = { .n = 0 }, dm = { .n = 0 }, snd = { .n = 0 }, loose = { .n = 0 };
    size_t n = 0, one = 0, plain = 0, moved = 0;
    for (size_t k = 0; k < np; k++) {
        int patronymic = (p[k].flags & WL_PART_PATRONYMIC) != 0;
        if (!part_usable(&p[k]) && !patronymic) continue;
        add_key(&h, p[k].h_canon, p[k].freq);
        if (p[k].dm1 && p[k].dm1 != WL_DM_VOWEL_ONLY) add_key(&dm, p[k].dm1, p[k].freq);
        if (p[k].h_sound) {
            add_key(&snd, p[k].h_sound, p[k].freq);
            uint32_t lk = loose_key(f, &p[k]);
            add_key(&loose, lk ? lk : p[k].h_sound, p[k].freq);
            moved += lk && lk != p[k].h_sound;
        }
        if (!patronymic) {
            one = k;
            plain++;
        }
    }
    if (plain >= 2) other_spellings(f, p, np, &h);
    if (plain == 1 && n < cap) out[n++] = wl_hash_combine(p[one].h_canon, 0x6d6f6e6fu);
    if (plain == 1) n += keys_mononym_sound(f, &p[one], out + n, cap - n);
    n += pairs_of(&h, common, 1, out + n, cap - n);
    n += pairs_of(&dm, common, 2, out + n, cap - n);
    n += pairs_of(&snd, common, 4, out + n, cap - n);
    if (moved) n += pairs_except(&loose, &snd, common, 4, out + n, cap - n);
    return n;
}

static size_t keys_part_pair(const wl_features *f, size_t i, uint32_t common, uint64_t *out, size_t cap)
{
    size_t np, n = 0, cnt;
    const wl_fpart *p = wl_f_parts(f, i, &np);
    for (size_t s = wl_f_name_span(f, i, 0, &cnt); cnt; s = wl_f_name_span(f, i, s + cnt, &cnt))
        n += keys_name_pairs(f, p + s, cnt, common, out + n, cap - n);
    return n;
}

/* The OCR-folded key, and for keys of WL_BLOCK_DOC_MIN_EDIT or more characters
 * its deletion neighbourhood (the key with one character removed, at each
 * position): two numbers one substitution, insertion, deletion or adjacent
 * transposition apart share one of these keys (Bocek, Hunt & Stiller 2007,
 * "Fast similarity search in large dictionaries", FastSS), which is exactly the
 * comparator's one_edit level. */
static size_t keys_doc(const wl_features *f, size_t i, uint64_t *out, size_t cap)
{
    size_t nd, n = 0;
    const wl_fdoc *d = wl_f_docs(f, i, &nd);
    for (size_t k = 0; k < nd && n < cap; k++) {
        if (d[k].len == 0) continue;
        out[n++] = d[k].h_ocr;
        if (d[k].len < WL_BLOCK_DOC_MIN_EDIT) continue;
        const char *s = wl_f_str(f, d[k].str);
        char buf[256];
        for (size_t del = 0; del < d[k].len && n < cap; del++) {
            memcpy(buf, s, del);
            memcpy(buf + del, s + del + 1, d[k].len - del - 1);
            out[n++] = wl_hash(buf, d[k].len - 1u); /* == h_ocr of that shorter key */
        }
    }
    return n;
}

static int cmp_char(const void *x, const void *y)
{
    return *(const unsigned char *)x - *(const unsigned char *)y;
}

/* The letters of a name's non-particle canonical parts, sorted: the same for
 * any order of the parts and any split or join of them (zhong ya jia / zhong
 * yajia / yajia zhong). Tagged apart from the order-free part hash. */
static uint64_t name_anagram(const wl_features *f, const wl_fpart *p, size_t np)
{
    char buf[256];
    size_t n = 0;
    for (size_t k = 0; k < np; k++) {
        if (p[k].flags & WL_PART_PARTICLE) continue;
        const char *c = wl_f_str(f, p[k].canon);
        for (size_t j = 0; j < p[k].canon_len && n < sizeof buf; j++) buf[n++] = c[j];
    }
    if (n == 0) return 0;
    qsort(buf, n, 1, cmp_char);
    return wl_hash_combine(wl_hash(buf, n), 0x616e61u);
}

static size_t keys_full_name(const wl_features *f, size_t i, uint64_t *out, size_t cap)
{
    size_t np, n = 0, cnt;
    const wl_fpart *p = wl_f_parts(f, i, &np);
    for (size_t s = wl_f_name_span(f, i, 0, &cnt); cnt && n < cap; s = wl_f_name_span(f, i, s + cnt, &cnt)) {
        out[n++] = wl_name_hash(p + s, cnt);
        uint64_t a = name_anagram(f, p + s, cnt);
        if (a && n < cap) out[n++] = a;
    }
    return n;
}

/* Skeleton pairs of one name (a one-part name: its skeleton alone), each with
 * every nationality. A single skeleton with a nationality shared by most of a
 * national list would only make blocks of everyone called Muhammad. */
static size_t keys_skeleton_name(const wl_fpart *p, size_t np, const uint32_t *nat, size_t nn,
                                 uint32_t common, uint64_t *out, size_t cap)
{
    part_keys sk = { .n = 0 };
    uint64_t pair[WL_NAME_MAX_PARTS * (WL_NAME_MAX_PARTS - 1) / 2 + 1];
    size_t npair = 0, n = 0;
    for (size_t k = 0; k < np; k++)
        if (part_usable(&p[k]) && p[k].h_skel) add_key(&sk, p[k].h_skel, p[k].freq);
    if (sk.n == 1) pair[npair++] = sk.key[0];
    npair += pairs_of(&sk, common, 3, pair + npair, WL_ARRAY_SIZE(pair) - npair);
    for (size_t k = 0; k < npair; k++)
        for (size_t c = 0; c < nn && n < cap; c++) out[n++] = wl_hash_combine(pair[k], nat[c]);
    return n;
}

static size_t keys_skeleton_nat(const wl_features *f, size_t i, uint32_t common, uint64_t *out, size_t cap)
{
    size_t np, nn, n = 0, cnt;
    const wl_fpart *p = wl_f_parts(f, i, &np);
    const uint32_t *nat = wl_f_nats(f, i, &nn);
    if (nn == 0) return 0;
    for (size_t s = wl_f_name_span(f, i, 0, &cnt); cnt; s = wl_f_name_span(f, i, s + cnt, &cnt))
        n += keys_skeleton_name(p + s, cnt, nat, nn, common, out + n, cap - n);
    return n;
}

/* The first two letters of a part with the full date of birth: the date is
 * selective enough on its own (about 20,000 distinct days) that a short prefix
 * suffices, and it survives typos later in the part (eliza / eriaz keeps "e"
 * and "ke" of keany / keacny) that change the spelling and the sound. */
static size_t keys_part_dob(const wl_features *f, size_t i, uint64_t *out, size_t cap)
{
    size_t np, nd, nn, n = 0;
    const wl_fpart *p = wl_f_parts(f, i, &np);
    const wl_date *d = wl_f_dates(f, i, &nd);
    const uint32_t *nat = wl_f_nats(f, i, &nn);
    for (size_t t = 0; t < nd; t++) {
        if (d[t].prec != WL_PREC_DAY || (d[t].flags & WL_DATE_PLACEHOLDER)) continue;
        uint64_t ymd = (uint64_t)(d[t].year * 10000 + d[t].month * 100 + d[t].day);
        for (size_t k = 0; k < np && n < cap; k++) {
            if (!part_usable(&p[k])) continue;
            const char *c = wl_f_str(f, p[k].canon);
            uint64_t prefix = (uint64_t)(unsigned char)c[0] << 8 | (p[k].canon_len > 1 ? (unsigned char)c[1] : 0);
            out[n++] = wl_hash_combine(prefix, ymd);
        }
        /* The date with the nationality, whatever the name: the same person
         * romanised by two dialects (zheng yonglong / tay eng leong) shares
         * nothing else. A day and a country make small blocks. */
        for (size_t c = 0; c < nn && n < cap; c++) out[n++] = wl_hash_combine(ymd, (uint64_t)nat[c] << 32 | 0x6e6174u);
    }
    return n;
}

size_t wl_block_record_keys(const wl_features *f, size_t i, int kind, uint32_t common, uint64_t *out,
                            size_t cap)
{
    size_t n = 0;
    switch (kind) {
    case WL_KIND_PHONETIC_YEAR: n = keys_phonetic_year(f, i, common, out, cap); break;
    case WL_KIND_PART_PAIR:     n = keys_part_pair(f, i, common, out, cap); break;
    case WL_KIND_DOC:           n = keys_doc(f, i, out, cap); break;
    case WL_KIND_FULL_NAME:     n = keys_full_name(f, i, out, cap); break;
    case WL_KIND_SKELETON_NAT:  n = keys_skeleton_nat(f, i, common, out, cap); break;
    case WL_KIND_PART_DOB:      n = keys_part_dob(f, i, out, cap); break;
    default: return 0;
    }
    for (size_t k = 0; k < n; k++) out[k] = wl_block_key(kind, out[k]);
    return n;
}

/* The rarest usable part (fewest records hold it; ties by hash): the part that
 * best tells apart the members of a crowded block. NULL when there is none. */
static const wl_fpart *rarest_usable(const wl_fpart *p, size_t np)
{
    const wl_fpart *best = NULL;
    for (size_t k = 0; k < np; k++) {
        if (!part_usable(&p[k])) continue;
        if (!best || p[k].freq < best->freq || (p[k].freq == best->freq && p[k].h_canon < best->h_canon))
            best = &p[k];
    }
    return best;
}

static uint64_t rarest_part(const wl_features *f, size_t i)
{
    size_t np;
    const wl_fpart *p = wl_f_parts(f, i, &np), *r = rarest_usable(p, np);
    return r ? r->h_canon : 0;
}

/* The first sound class of the record's rarest part (wl_sound_classes), 0
 * when it has none. */
static uint64_t rarest_first_class(const wl_features *f, size_t i)
{
    size_t np;
    const wl_fpart *p = wl_f_parts(f, i, &np), *r = rarest_usable(p, np);
    char cls[256];
    size_t k = r ? wl_sound_classes(wl_f_str(f, r->canon), r->canon_len, cls, sizeof cls) : 0;
    return k ? (uint64_t)(unsigned char)cls[0] : 0;
}

/*
 * A dateless record in a crowded part-pair block splits by the first sound
 * class of its rarest part, not by the part itself: that block holds the
 * spellings that only sound alike (a one-part name's sound spelling and sound
 * classes, the pairs of phonetic codes), and a sub-block of one spelling is
 * one the exact keys already make. The first consonant class is what a name
 * keeps through another script and back (tomlin / tangmlin, carrillo /
 * kaliyo, kirkland / kokran). On the xlit validation lists (names only) the
 * true pairs kept rose from 0.826-0.958 to 0.836-0.966 for 1.4 times the
 * candidates, OFAC aliases F1 0.541 -> 0.546 (bench/RESULTS.md).
 */
uint64_t wl_block_split_key(const wl_features *f, size_t i, int kind)
{
    /* Keys that already hold the year split on the rarest part instead. */
    if (kind != WL_KIND_PHONETIC_YEAR && kind != WL_KIND_PART_DOB) {
        size_t nd;
        const wl_date *d = wl_f_dates(f, i, &nd);
        for (size_t k = 0; k < nd; k++)
            if (d[k].prec != WL_PREC_NONE) return wl_hash_combine(1, (uint64_t)(int64_t)d[k].year);
    }
    if (kind == WL_KIND_PART_PAIR) return wl_hash_combine(4, rarest_first_class(f, i));
    return wl_hash_combine(2, rarest_part(f, i));
}
