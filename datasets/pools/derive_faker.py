#!/usr/bin/python3
"""Derive the faker-based name pools of datasets/pools from @faker-js/faker.

Usage: /usr/bin/python3 derive_faker.py FAKER_JSON_DIR OUT_DIR
where FAKER_JSON_DIR holds fk_<locale>.json, each the JSON of
`rawDefinitions.person` of @faker-js/faker 10.6.0 (MIT licence; obtained with
`npm pack @faker-js/faker` and dist/locale/<locale>.js). Faker gives name lists
without frequencies, so the weights written here are a synthetic Zipf law
(weight ~ 1000 / rank) over a fixed, hashed order of the names, with a short list
of names known to be very common (census-style rankings) pinned to the top ranks.
"""
import hashlib, json, os, sys, unicodedata

SRC = "@faker-js/faker 10.6.0 (MIT), locale %s, rawDefinitions.person.%s"

def zipf_weights(names, pinned=()):
    """Ranks: pinned names first (in the given order), then a hashed order."""
    seen, order = set(), []
    for n in list(pinned) + sorted(names, key=lambda s: hashlib.md5(s.encode()).hexdigest()):
        if n in names and n not in seen:
            seen.add(n); order.append(n)
    return [(max(1, int(round(1000.0 / (r + 1)))), n) for r, n in enumerate(order)]

def ascii_fold(s):
    s = s.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))

# Russian -> Latin: BGN/PCGN 1947 (the usual English-language romanisation) and
# ICAO Doc 9303 part 3 (2015) table, used in Russian passports since 2013.
BGN = dict(zip("абвгдзклмнопрстуфы", "abvgdzklmnoprstufy"))
BGN.update({"е": "e", "ё": "yo", "ж": "zh", "и": "i", "й": "y", "х": "kh", "ц": "ts", "ч": "ch",
            "ш": "sh", "щ": "shch", "ъ": "", "ь": "", "э": "e", "ю": "yu", "я": "ya"})
ICAO = dict(BGN); ICAO.update({"ё": "e", "й": "i", "ъ": "ie", "ю": "iu", "я": "ia"})
# A third, informal spelling seen in older passports and press (German/French habits).
FREE = dict(BGN); FREE.update({"х": "h", "й": "i", "ю": "ju", "я": "ja", "ж": "j", "ё": "e"})

def translit(word, table, ye_initial):
    out, prev = [], None
    for c in word:
        lc = c.lower()
        t = table.get(lc, lc)
        # BGN/PCGN: е is "ye" word-initially and after a vowel, ъ or ь.
        if lc == "е" and ye_initial and (prev is None or prev in "аеёиоуыэюяъь"):
            t = "ye"
        out.append(t)
        prev = lc
    s = "".join(out)
    return s[:1].upper() + s[1:]

def ru_row(w, cyr):
    lat = translit(cyr, BGN, True)
    var = sorted({translit(cyr, ICAO, False), translit(cyr, FREE, False)} - {lat})
    return "%d\t%s\t%s\t%s" % (w, cyr, lat, ";".join(var))

def write(out_dir, name, provenance, header, rows):
    with open(os.path.join(out_dir, name), "w", encoding="utf-8") as f:
        for line in provenance:
            f.write("# " + line + "\n")
        f.write("\t".join(header) + "\n")
        for r in rows:
            f.write(r + "\n")

def main(src, out):
    load = lambda loc: json.load(open(os.path.join(src, "fk_%s.json" % loc), encoding="utf-8"))
    note = "Weights: synthetic Zipf (1000/rank) over a hashed order; faker gives no frequencies."
    vi = load("vi")
    for g, pinned in (("male", ["Văn Hùng", "Minh Tuấn", "Văn Nam"]), ("female", ["Thị Lan", "Thị Hương"])):
        rows = ["%d\t%s\t%s" % (w, n, ascii_fold(n)) for w, n in zipf_weights(vi["first_name"][g], pinned)]
        write(out, "viet_given_%s.tsv" % g,
              [SRC % ("vi", "first_name." + g), "Two-syllable given names (middle + given); ascii = "
               "diacritics stripped (Unicode NFKD, đ->d).", note],
              ["weight", "viet", "ascii"], rows)
    ind = load("id_ID")
    for g, pinned in (("male", ["Agus", "Budi", "Bambang", "Eko", "Joko"]), ("female", ["Siti", "Sri", "Dewi"])):
        rows = ["%d\t%s" % (w, n) for w, n in zipf_weights(ind["first_name"][g], pinned)]
        write(out, "indonesian_given_%s.tsv" % g, [SRC % ("id_ID", "first_name." + g), note],
              ["weight", "latin"], rows)
    ru = load("ru")
    pinned = {"male": ["Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Иван", "Владимир", "Михаил"],
              "female": ["Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Анна", "Мария", "Светлана"]}
    for g in ("male", "female"):
        rows = [ru_row(w, n) for w, n in zipf_weights(ru["first_name"][g], pinned[g])]
        write(out, "russian_given_%s.tsv" % g,
              [SRC % ("ru", "first_name." + g),
               "latin: BGN/PCGN 1947 romanisation; variants: ICAO Doc 9303 (2015) and an informal "
               "German/French-style spelling, both computed by derive_faker.py.", note],
              ["weight", "cyrillic", "latin", "variants"], rows)
    for g in ("male", "female"):
        rows = [ru_row(w, n) for w, n in zipf_weights(ru["middle_name"][g])]
        write(out, "russian_patronymic_%s.tsv" % g,
              [SRC % ("ru", "middle_name." + g), "Patronymics (otchestvo); latin/variants as in "
               "russian_given_male.tsv.", note],
              ["weight", "cyrillic", "latin", "variants"], rows)
    fam_m = ru["last_name"]["male"]
    fam_f = ru["last_name"]["female"]
    female_of = dict(zip(fam_m, fam_f))
    rows = []
    for w, n in zipf_weights(fam_m, ["Иванов", "Смирнов", "Кузнецов", "Попов", "Петров"]):
        f = female_of[n]
        fl = translit(f, BGN, True)
        rows.append(ru_row(w, n) + "\t%s\t%s" % (f, fl))
    write(out, "russian_family.tsv",
          [SRC % ("ru", "last_name.male/female") + " (paired by position: male and female forms).",
           "latin/variants as in russian_given_male.tsv.", note],
          ["weight", "cyrillic", "latin", "variants", "cyrillic_f", "latin_f"], rows)
    es = load("es")
    rows = ["%d\t%s" % (max(1, w // 20), n) for w, n in zipf_weights(es["last_name"]["generic"])]
    write(out, "spanish_family_tail.tsv",
          [SRC % ("es", "last_name.generic"), "Long tail of Spanish-origin surnames for Filipino "
           "persons (the frequent Filipino surnames are in filipino_family.tsv).",
           note + " Weights divided by 20 so the tail stays below the frequent surnames."],
          ["weight", "latin"], rows)

if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
