#!/usr/bin/env python3
"""learn_edit_costs.py -- derives datasets/tables/name_edit_*.tsv: what it costs, letter by
letter, to go from a Latin spelling of a name to watchlink's reading of the same name
written in Cyrillic, Arabic, Hebrew, Hangul, kana or Han.

A name through another script and back differs from its Latin spelling in ways that
depend on the script: Russian writes w as v and j as y (ottawa / ottava, jacobi /
yakobi), Japanese has no l (leticia / rechisia), Korean adds vowels. Jaro-Winkler counts
all of these as errors, and its "fuzzy" band is full of strangers. A weighted edit
distance whose costs are learned from true pairs (Ristad & Yianilos, "Learning
string-edit distance", IEEE PAMI 20(5), 1998; here the hard-EM form: Viterbi alignment,
counts, re-estimation) makes the frequent changes cheap and the rare ones dear.

For each script:
  1. pairs of a Latin token and its native spelling are read from the xlit training rows
     (never the last 3,000 rows of a file: those are the development test rows), and the
     native one is read by the engine itself (`watchlink normalize`), so that the costs
     describe the engine's own readings (re-run this script when the romanisation changes);
  2. three rounds of: align every pair at least cost (substitution, deletion of a Latin
     letter, insertion of a letter of the reading), count the operations, and set
     cost(x -> y) = -log2 P(y | x) for y != x, 0 for y == x (add-0.01 smoothing);
  3. a threshold is calibrated on other training rows (validation: 1,000 distinct pairs
     from the rows just before the held-out ones, matched by the engine as two lists):
     the cost per letter (cost / (length a + length b)) that gives the best F1 there.
A pooled table (every script, "other") serves the scripts without training pairs (Thai,
Khmer, Burmese, Devanagari...).

Input: the Wikidata transliteration pairs of Merhav & Ash (COLING 2018; CC0), as
../shared/data/xlit/*.tsv (latin <TAB> native <TAB> count).

Usage: python3 scripts/learn_edit_costs.py WATCHLINK [XLIT_DIR] [OUT_DIR]
"""
import collections
import csv
import math
import os
import random
import re
import subprocess
import sys
import tempfile

HELD_OUT = 3000
VALIDATION = 3000      # rows before the held-out ones, for calibration
LEARN_PAIRS = 5000
ROUNDS = 3
SMOOTH = 0.01
ALPHABET = "abcdefghijklmnopqrstuvwxyz"
OTHER = "?"            # any other character of a reading
EPS = "-"              # the empty side of an insertion or deletion
SCRIPTS = (("russian", "cyrillic"), ("arabic", "arabic"), ("hebrew", "hebrew"),
           ("korean", "hangul"), ("japanese", "kana"), ("chinese", "han"))


def sym(c):
    return c if c in ALPHABET else OTHER


def readings(cell):
    """The readings of a `names` cell of `watchlink normalize`: aliases after '|', part
    flags in parentheses dropped, parts run together."""
    out = []
    for r in cell.split("|"):
        r = re.sub(r"\([a-z]*\)", "", r).replace(" ", "")
        if r:
            out.append("".join(sym(c) for c in r))
    return out


def normalise(wl, pairs, tmp, tag):
    """Runs the engine on both sides of pairs: [(latin readings, native readings)]."""
    src = os.path.join(tmp, tag + ".csv")
    with open(src, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "full_name"])
        for i, (l, n) in enumerate(pairs):
            w.writerow([f"L{i}", l])
            w.writerow([f"N{i}", n])
    out = os.path.join(tmp, tag + "_norm.csv")
    subprocess.run([wl, "normalize", src, "-o", out, "--quiet"], check=True)
    got = {r["id"]: readings(r["names"]) for r in csv.DictReader(open(out, encoding="utf-8"))}
    res = []
    for i in range(len(pairs)):
        a, b = got.get(f"L{i}", []), got.get(f"N{i}", [])
        res.append((a, b))
    return res


def align(a, b, cost):
    """Least-cost alignment of a with b: (cost, operations)."""
    n, m = len(a), len(b)
    inf = float("inf")
    d = [[inf] * (m + 1) for _ in range(n + 1)]
    back = [[None] * (m + 1) for _ in range(n + 1)]
    d[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            best, op = inf, None
            if i and j:
                c = d[i - 1][j - 1] + cost(a[i - 1], b[j - 1])
                if c < best:
                    best, op = c, (a[i - 1], b[j - 1])
            if i:
                c = d[i - 1][j] + cost(a[i - 1], EPS)
                if c < best:
                    best, op = c, (a[i - 1], EPS)
            if j:
                c = d[i][j - 1] + cost(EPS, b[j - 1])
                if c < best:
                    best, op = c, (EPS, b[j - 1])
            d[i][j], back[i][j] = best, op
    ops, i, j = [], n, m
    while i or j:
        op = back[i][j]
        ops.append(op)
        i -= op[0] != EPS
        j -= op[1] != EPS
    return d[n][m], ops


def unit_cost(x, y):
    return 0.0 if x == y else 1.0


def table_cost(table):
    return lambda x, y: table[(x, y)]


def learn(pairs):
    """Hard EM: returns {(x, y): cost} over the full alphabet with EPS."""
    cost = unit_cost
    syms = list(ALPHABET + OTHER)
    table = None
    for _ in range(ROUNDS):
        count = collections.Counter()
        for a, bs in pairs:
            best = min((align(a, b, cost) for b in bs), key=lambda r: r[0])
            count.update(best[1])
        total = collections.Counter()
        for (x, _), v in count.items():
            total[x] += v
        table = {}
        for x in syms + [EPS]:
            for y in syms + [EPS]:
                if x == EPS and y == EPS:
                    continue
                if x == y:
                    table[(x, y)] = 0.0
                else:
                    p = (count[(x, y)] + SMOOTH) / (total[x] + 1.0)
                    table[(x, y)] = max(0.0, -math.log2(p))
        cost = table_cost(table)
    return table


def per_letter(a, bs, cost):
    return min(align(a, b, cost)[0] / (len(a) + len(b)) for b in bs)


def calibrate(wl, rows, table, tmp, tag):
    """Best-F1 cost per letter when 1,000 distinct validation pairs are matched as lists."""
    seen_l, seen_n, val = set(), set(), []
    for l, n in reversed(rows):
        if l in seen_l or n in seen_n:
            continue
        seen_l.add(l)
        seen_n.add(n)
        val.append((l, n))
        if len(val) == 1000:
            break
    a, b = os.path.join(tmp, tag + "_l.csv"), os.path.join(tmp, tag + "_n.csv")
    with open(a, "w", newline="", encoding="utf-8") as fa, open(b, "w", newline="", encoding="utf-8") as fb:
        wa, wb = csv.writer(fa), csv.writer(fb)
        wa.writerow(["id", "full_name"])
        wb.writerow(["id", "full_name"])
        for i, (l, n) in enumerate(val):
            wa.writerow([f"L{i}", l])
            wb.writerow([f"N{i}", n])
    out = os.path.join(tmp, tag + "_cand.csv")
    subprocess.run([wl, "match", a, b, "--threshold", "0", "-o", out, "--quiet"], check=True)
    norm = dict(zip(range(len(val)), normalise(wl, val, tmp, tag + "_val")))
    cost = table_cost(table)
    scored = []
    for r in csv.DictReader(open(out, encoding="utf-8")):
        i, j = int(r["left_id"][1:]), int(r["right_id"][1:])
        la, nb = norm[i][0], norm[j][1]
        if la and nb:
            scored.append((per_letter(la[0], nb, cost), i == j))
    scored.sort()
    tp, best = 0, (0.0, 0.0)
    for k, (c, true) in enumerate(scored):
        tp += true
        p, r = tp / (k + 1), tp / len(val)
        if p + r and (k + 1 == len(scored) or scored[k + 1][0] > c):
            best = max(best, (2 * p * r / (p + r), c))
    return best, scored, len(val)


def write(path, name, what, table, threshold, how, npairs):
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"# name_edit_{name}.tsv -- learned costs of the edit from a Latin spelling of a name to\n"
                f"# watchlink's reading of it written in {what} (scripts/learn_edit_costs.py: hard-EM\n"
                f"# Viterbi alignments of {npairs} pairs, cost = -log2 P(reading letter | Latin letter)).\n"
                "# Read by engine/src/compare/name_edit.c. '-' is no letter (an insertion or a deletion),\n"
                "# '?' any character outside a-z. A letter against itself costs 0.\n"
                "# Source: Wikidata person-name tokens, Latin <-> native script, of Merhav & Ash, \"Design\n"
                "# Challenges in Named Entity Transliteration\", COLING 2018 (CC0), training rows only.\n"
                f"# threshold: {how}.\n")
        f.write(f"threshold\t{threshold:.4f}\n")
        for (x, y), c in sorted(table.items()):
            if x != y:
                f.write(f"{x}\t{y}\t{c:.3f}\n")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__.strip().splitlines()[-1])
    wl = sys.argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    xlit = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "..", "..", "shared", "data", "xlit")
    out = sys.argv[3] if len(sys.argv) > 3 else os.path.join(here, "..", "datasets", "tables")
    rng = random.Random(20261204)
    pooled, pooled_val = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for lang, name in SCRIPTS:
            rows = []
            for line in open(os.path.join(xlit, lang + ".tsv"), encoding="utf-8"):
                p = line.rstrip("\n").split("\t")
                if len(p) >= 2 and p[0] != "latin":
                    rows.append((p[0], p[1]))
            rows = rows[:-HELD_OUT]
            learn_rows, val_rows = rows[:-VALIDATION], rows[-VALIDATION:]
            sample = rng.sample(learn_rows, min(LEARN_PAIRS, len(learn_rows)))
            pairs = [(a[0], b) for a, b in normalise(wl, sample, tmp, name) if a and b]
            table = learn(pairs)
            (f1, thr), _, _ = calibrate(wl, val_rows, table, tmp, name)
            write(os.path.join(out, f"name_edit_{name}.tsv"), name, name.capitalize(), table, thr,
                  f"the cost per letter with the best F1 on 1,000 validation pairs ({f1:.3f})", len(pairs))
            print(f"{name}: {len(pairs)} pairs, threshold {thr:.4f}, validation F1 {f1:.3f}")
            pooled += pairs[:LEARN_PAIRS // len(SCRIPTS)]
            pooled_val.append(val_rows)
        table = learn(pooled)
        best = []
        for k, val_rows in enumerate(pooled_val):
            (f1, thr), _, _ = calibrate(wl, val_rows, table, tmp, f"other{k}")
            best.append(thr)
        thr = sorted(best)[len(best) // 2]
        write(os.path.join(out, "name_edit_other.tsv"), "other", "another script", table, thr,
              "the median of the six scripts' best-F1 costs per letter with this pooled table", len(pooled))
        print(f"other: {len(pooled)} pairs, threshold {thr:.4f} (median of the scripts' best)")


if __name__ == "__main__":
    main()
