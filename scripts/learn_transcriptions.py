#!/usr/bin/env python3
"""learn_transcriptions.py -- derives datasets/tables/name_learned_*.tsv (Han, Cyrillic, Hangul, kana, Arabic, Hebrew).

How Chinese or Russian writes a foreign name is a convention per character: 斯 for
an s, 特 for a t; х for an h, дж for a j. This script learns, from pairs of a Latin
name token and its Han or Cyrillic spelling, which Latin letters each character most often
stands for, by hard EM over monotone alignments (each character covers 0-5
consecutive Latin letters; Viterbi alignment, counts, re-estimation; five rounds,
the first scored by chunk length alone). The engine reads a transcribed foreign
name with these readings (engine/src/normalise/name_translit.c).

Input: the Wikidata transliteration pairs of Merhav & Ash (COLING 2018; CC0), as
../shared/data/xlit/{chinese,russian}.tsv (latin <TAB> native <TAB> count). Only
the rows before the last 3,000 are read: those are the development test rows.

Usage: python3 scripts/learn_transcriptions.py [XLIT_DIR] [OUT_DIR]
"""
import collections
import math
import os
import subprocess
import sys

MAX_CHUNK = 5
ROUNDS = 5
MIN_COUNT = 3  # characters seen fewer times are left to the engine's own rules
# nor those whose letters vary too much (or that stand for none): Han characters write
# syllables and vary more; a Cyrillic letter below 0.4 is noise (ъ -> g at 0.26)
MIN_SHARE = {"chinese": 0.25, "russian": 0.4, "korean": 0.25, "japanese": 0.25, "arabic": 0.3, "hebrew": 0.3}
HELD_OUT = 3000


def read_pairs(path, script_ok):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) >= 2 and p[0] != "latin":
                rows.append((p[0].lower(), p[1]))
    out = []
    for latin, native in rows[:-HELD_OUT]:
        units = split_units(native.lower())
        if (units and len(units) <= 12 and len(latin) <= 24 and all("a" <= c <= "z" for c in latin)
                and all(script_ok(ord(c)) for u in units for c in u)):
            out.append((units, latin))
    return out


# Kana that only modify the kana before them: small ya yu yo and vowels, the
# sokuon and the long-vowel mark. Such a pair is one unit (name_learned.c reads
# units the same way).
KANA_ATTACH = set("ャュョァィゥェォッーゃゅょぁぃぅぇぉっ")


def split_units(native):
    units = []
    for c in native:
        if c in " \u00b7\u30fb\u2022-":
            continue
        if c in KANA_ATTACH and units and len(units[-1]) == 1 and units[-1] not in KANA_ATTACH:
            units[-1] += c
        else:
            units.append(c)
    return units


def align(units, latin, logp, first):
    """Best split of latin into len(units) chunks; None when there is none."""
    n, m = len(units), len(latin)
    neg = -1e18
    dp = [[neg] * (m + 1) for _ in range(n + 1)]
    back = [[0] * (m + 1) for _ in range(n + 1)]
    dp[0][0] = 0.0
    for i in range(1, n + 1):
        table = logp.get(units[i - 1], {})
        for j in range(m + 1):
            best, bk = neg, 0
            for k in range(min(MAX_CHUNK, j) + 1):
                prev = dp[i - 1][j - k]
                if prev <= neg / 2:
                    continue
                if first:
                    s = -abs(k - 2) - (3.0 if k == 0 else 0.0)
                else:
                    s = table.get(latin[j - k:j], -12.0 - 0.5 * k)
                if prev + s > best:
                    best, bk = prev + s, k
            dp[i][j], back[i][j] = best, bk
    if dp[n][m] <= neg / 2:
        return None
    chunks, j = [], m
    for i in range(n, 0, -1):
        k = back[i][j]
        chunks.append(latin[j - k:j])
        j -= k
    return chunks[::-1]


def learn(pairs):
    logp, counts = {}, {}
    for r in range(ROUNDS):
        counts = collections.defaultdict(collections.Counter)
        for units, latin in pairs:
            chunks = align(units, latin, logp, r == 0)
            if chunks:
                for u, c in zip(units, chunks):
                    counts[u][c] += 1
        logp = {u: {c: math.log(v / sum(cs.values())) for c, v in cs.items()} for u, cs in counts.items()}
    return counts


HEADER = """# name_learned_{name}.tsv -- how {what} writes the letters of a foreign name, learned
# (scripts/learn_transcriptions.py: hard EM over monotone alignments of Latin name tokens
# with their {what} spelling). Read by engine/src/normalise/name_translit.c for a run it
# takes for a transcribed foreign name: each character gives its most frequent Latin letters.
# Source: Wikidata person-name tokens, Latin <-> {what}, of Merhav & Ash, "Design Challenges
# in Named Entity Transliteration", COLING 2018 (CC0); the training rows only.
# Fields: character <TAB> Latin letters <TAB> share of its alignments <TAB> alignments seen.
# Left out: characters seen fewer than {min} times, standing for no letter, or whose most
# frequent letters have less than {share} of the alignments. A Han character whose syllable
# starts with a consonant gives the most frequent letters that start with one (an alignment
# that gave its consonant to the character before is not how it is written).
"""


def han_onsets(chars):
    """Whether each Han character's Mandarin syllable starts with a consonant (y and
    w are glides: 伊 yi writes i, 乌 wu writes u). ICU's Han-Latin, through uconv
    (Debian icu-devtools)."""
    out = subprocess.run(["uconv", "-x", "Han-Latin; Latin-ASCII; Lower"], input="\n".join(chars) + "\n",
                         capture_output=True, text=True, check=True).stdout.split("\n")
    return {u: bool(p) and p[0] not in "aeiouyw" for u, p in zip(chars, out)}


def best_chunk(cs, consonant_onset):
    """The most frequent letters of a character. A character whose syllable starts
    with a consonant never writes letters that start with a vowel: such alignments
    gave the consonant to the character before (Johansson 约翰森: 翰 hans, 森 on),
    so the most frequent letters that keep the onset are taken (森 sen) when they
    were seen MIN_COUNT times, or none."""
    ranked = sorted(cs.items(), key=lambda kv: (-kv[1], kv[0]))
    if consonant_onset and ranked[0][0] and ranked[0][0][0] in "aeiou":
        ranked = [kv for kv in ranked if kv[0] and kv[0][0] not in "aeiou" and kv[1] >= MIN_COUNT]
    return ranked[0] if ranked else ("", 0)


def write(path, name, what, counts, min_share):
    onset = han_onsets(sorted(counts)) if name == "han" else {}
    with open(path, "w", encoding="utf-8") as f:
        f.write(HEADER.format(name=name, what=what, min=MIN_COUNT, share=min_share))
        for u in sorted(counts):
            cs = counts[u]
            total = sum(cs.values())
            if total < MIN_COUNT:
                continue
            chunk, v = best_chunk(cs, onset.get(u, False))
            if chunk and v / total >= min_share:
                f.write(f"{u}\t{chunk}\t{v / total:.2f}\t{total}\n")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    xlit = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "shared", "data", "xlit")
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "..", "datasets", "tables")
    han = lambda c: 0x3400 <= c <= 0x9FFF or 0xF900 <= c <= 0xFAFF
    cyrillic = lambda c: 0x0400 <= c <= 0x04FF
    hangul = lambda c: 0xAC00 <= c <= 0xD7A3
    kana = lambda c: 0x30A0 <= c <= 0x30FF
    arabic = lambda c: 0x0600 <= c <= 0x06FF
    hebrew = lambda c: 0x0590 <= c <= 0x05FF
    for lang, name, what, ok in (("chinese", "han", "Chinese", han), ("russian", "cyrillic", "Russian", cyrillic),
                                 ("korean", "hangul", "Korean", hangul), ("japanese", "kana", "Japanese", kana),
                                 ("arabic", "arabic", "Arabic", arabic), ("hebrew", "hebrew", "Hebrew", hebrew)):
        pairs = read_pairs(os.path.join(xlit, lang + ".tsv"), ok)
        counts = learn(pairs)
        write(os.path.join(out, f"name_learned_{name}.tsv"), name, what, counts, MIN_SHARE[lang])
        print(f"{lang}: {len(pairs)} pairs, {len(counts)} characters seen")


if __name__ == "__main__":
    main()
