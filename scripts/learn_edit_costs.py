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
  3. chunk operations on top (Brill & Moore, "An improved error model for noisy channel
     spelling correction", ACL 2000): a Latin chunk of 1-3 letters read as 0-2 letters at
     once (oo -> u, pp -> p, sch -> sy, er -> eo through Hangul), which letter by letter
     pay for every letter of the group. Candidates are the runs of 2-4 operations of the
     letter alignments that change something; then hard EM with the letter costs fixed:
     align with letters and chunks, count the chunks used, cost = -log2 (uses /
     occurrences of the Latin chunk in the Latin sides). Kept: used 10 times, half a bit
     cheaper than by letters, at most 12 per first Latin letter (most bits saved first);
  4. a threshold is calibrated on other training rows (validation: 1,000 distinct pairs
     from the rows just before the held-out ones, matched by the engine as two lists):
     the cost per letter (cost / (length a + length b)) that gives the best F1 there -- or,
     when a table is replaced, the cost per letter that lets through as many of those
     strangers as the replaced table did at its threshold (at the engine's operating
     point, name_edit.c's slack): the candidates move with the engine's blocking, and the
     best-F1 cost with them (re-derived from scratch on the tables of 2026-12-04, Hebrew
     and Han recall fell to 0.06 and 0.10 on the validation lists).
A pooled table (every script, "other") serves the scripts without training pairs (Thai,
Khmer, Burmese, Devanagari...); it has no chunk operations.

Table rows: "threshold" TAB cost per letter; Latin letter TAB reading letter TAB cost ('-':
no letter, '?': any other character); and chunk operations, Latin chunk TAB reading chunk
('-': nothing) TAB cost, with 2-3 Latin letters or 2 reading letters.

--keep-letters keeps the letter costs of the tables in OUT_DIR and learns only the chunks
and the thresholds (how the tables of 2026-12-05 were made: the letter costs re-learned
from the engine's present readings differ in a few dozen rows for Hangul, kana and Han).

Input: the Wikidata transliteration pairs of Merhav & Ash (COLING 2018; CC0), as
../shared/data/xlit/*.tsv (latin <TAB> native <TAB> count).

Usage: python3 scripts/learn_edit_costs.py WATCHLINK [XLIT_DIR] [OUT_DIR] [--keep-letters]
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
CHUNK_LATIN = 3        # chunk operations: up to 3 Latin letters ...
CHUNK_READING = 2      # ... into up to 2 letters of the reading
CHUNK_ROUNDS = 2
CHUNK_MIN = 10         # uses in the training alignments
CHUNK_GAIN = 0.5       # bits cheaper than the same change letter by letter
CHUNK_PER_LETTER = 12  # chunk operations per first Latin letter (name_edit.c: WL_CHUNKS)
AGREE_SLACK = {"other": 1.0}   # name_edit.c's widening of the thresholds; 1.2 elsewhere
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


def chunk_ends(a, chunks):
    """For each end i of a (1..len a), the chunk operations whose Latin side ends there:
    [(Latin length, reading chunk, reading length, cost, Latin chunk)]."""
    ends = [[] for _ in range(len(a) + 1)]
    if chunks:
        for i in range(1, len(a) + 1):
            for la in range(1, min(CHUNK_LATIN, i) + 1):
                x = a[i - la:i]
                for y, c in chunks.get(x, ()):
                    ends[i].append((la, y, 0 if y == EPS else len(y), c, x))
    return ends


def align(a, b, cost, chunks=None):
    """Least-cost alignment of a with b: (cost, operations). chunks ({Latin chunk: [(reading
    chunk or EPS, cost)]}) adds transitions that consume a chunk on each side at once."""
    n, m = len(a), len(b)
    inf = float("inf")
    d = [[inf] * (m + 1) for _ in range(n + 1)]
    back = [[None] * (m + 1) for _ in range(n + 1)]
    ends = chunk_ends(a, chunks)
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
            for la, y, lb, cc, x in ends[i]:
                if lb <= j and (lb == 0 or b[j - lb:j] == y):
                    c = d[i - la][j - lb] + cc
                    if c < best:
                        best, op = c, (x, y)
            d[i][j], back[i][j] = best, op
    ops, i, j = [], n, m
    while i or j:
        op = back[i][j]
        ops.append(op)
        i -= 0 if op[0] == EPS else len(op[0])
        j -= 0 if op[1] == EPS else len(op[1])
    ops.reverse()
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


def substrings(s, n):
    return [s[i:i + k] for k in range(1, n + 1) for i in range(len(s) - k + 1)]


def chunk_shape(x, y):
    """Whether Latin chunk x -> reading chunk y (EPS: nothing) may be a chunk operation:
    1-3 Latin letters, 0-2 reading letters, more than one letter on some side, a-z only."""
    ly = 0 if y == EPS else len(y)
    return (1 <= len(x) <= CHUNK_LATIN and ly <= CHUNK_READING and (len(x) > 1 or ly > 1)
            and x != y and OTHER not in x and (ly == 0 or OTHER not in y))


def learn_chunks(pairs, table):
    """Chunk operations (Brill & Moore 2000) over fixed single-letter costs: candidates are
    the runs of 2-4 consecutive operations of each pair's letter alignment that change
    something; then CHUNK_ROUNDS of hard EM: align with letters and chunks, count the
    chunks used, cost = -log2 (uses / occurrences of the Latin chunk in the Latin sides).
    A chunk is kept only if used CHUNK_MIN times and CHUNK_GAIN bits cheaper than its
    letters; at most CHUNK_PER_LETTER per first Latin letter, the most bits saved first."""
    cost = table_cost(table)
    occ = collections.Counter()
    for a, _ in pairs:
        occ.update(x for x in substrings(a, CHUNK_LATIN))
    count = collections.Counter()
    for a, bs in pairs:
        ops = min((align(a, b, cost) for b in bs), key=lambda r: r[0])[1]
        for k in range(2, 5):
            for s in range(len(ops) - k + 1):
                w = ops[s:s + k]
                if all(x == y for x, y in w):
                    continue
                x = "".join(o[0] for o in w if o[0] != EPS)
                y = "".join(o[1] for o in w if o[1] != EPS) or EPS
                if chunk_shape(x, y):
                    count[(x, y)] += 1
    chunks = {}
    for _ in range(CHUNK_ROUNDS + 1):
        cand = []
        for (x, y), v in count.items():
            if v < CHUNK_MIN:
                continue
            c = max(0.0, -math.log2(min(1.0, v / occ[x])))
            letters = align(x, "" if y == EPS else y, cost)[0]
            if c + CHUNK_GAIN <= letters:
                cand.append(((letters - c) * v, x, y, c))
        cand.sort(key=lambda r: (-r[0], r[1], r[2]))
        per = collections.Counter()
        chunks = {}
        for _, x, y, c in cand:
            if per[x[0]] < CHUNK_PER_LETTER:
                per[x[0]] += 1
                chunks.setdefault(x, []).append((y, c))
        if _ == CHUNK_ROUNDS:
            break
        count = collections.Counter()
        for a, bs in pairs:
            ops = min((align(a, b, cost, chunks) for b in bs), key=lambda r: r[0])[1]
            count.update(o for o in ops if o[0] in chunks and any(o[1] == y for y, _ in chunks[o[0]]))
    return {x: sorted(v) for x, v in sorted(chunks.items())}


def per_letter(a, bs, cost, chunks=None):
    return min(align(a, b, cost, chunks)[0] / (len(a) + len(b)) for b in bs)


def candidates(wl, rows, tmp, tag):
    """The pairs the engine proposes when 1,000 distinct validation pairs are matched as
    lists: ([(Latin reading, native readings, true)], number of true pairs)."""
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
    cand = []
    for r in csv.DictReader(open(out, encoding="utf-8")):
        i, j = int(r["left_id"][1:]), int(r["right_id"][1:])
        la, nb = norm[i][0], norm[j][1]
        if la and nb:
            cand.append((la[0], nb, i == j))
    return cand, len(val)


def scores(cand, table, chunks=None):
    cost = table_cost(table)
    return sorted((per_letter(a, bs, cost, chunks), true) for a, bs, true in cand)


def best_f1(scored, nval):
    """The cost per letter with the best F1 when the scored candidates below it are taken."""
    tp, best = 0, (0.0, 0.0)
    for k, (c, true) in enumerate(scored):
        tp += true
        p, r = tp / (k + 1), tp / nval
        if p + r and (k + 1 == len(scored) or scored[k + 1][0] > c):
            best = max(best, (2 * p * r / (p + r), c))
    return best


def same_strangers(ref, ref_thr, new, slack):
    """The threshold at which the new costs let through as many of the validation
    strangers as the reference costs do at ref_thr, at the engine's operating point
    (threshold times slack, name_edit.c), and sitting between the same two strangers'
    costs in the same proportion (equal costs give ref_thr back)."""
    def strangers(scored):
        return [c for c, true in scored if not true] + [float("inf")]
    limit, s0, s1 = ref_thr * slack, strangers(ref), strangers(new)
    k = sum(1 for c in s0 if c <= limit)              # strangers let through
    lo0, hi0 = (s0[k - 1] if k else 0.0), s0[k]
    lo1, hi1 = (s1[k - 1] if k else 0.0), s1[k]
    f = (limit - lo0) / (hi0 - lo0) if hi0 < float("inf") and hi0 > lo0 else 0.0
    thr = lo1 + f * (hi1 - lo1) if hi1 < float("inf") else max(lo1, limit)
    return thr / slack


def read_table(path):
    """A table this script wrote: (single-letter costs {(x, y): cost}, threshold)."""
    table, thr = {}, 0.0
    for x in list(ALPHABET + OTHER + EPS):
        for y in list(ALPHABET + OTHER + EPS):
            if not (x == EPS and y == EPS) and x == y:
                table[(x, y)] = 0.0
    for line in open(path, encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        if line.startswith("#"):
            continue
        if len(f) == 2 and f[0] == "threshold":
            thr = float(f[1])
        elif len(f) == 3 and len(f[0]) == 1 and len(f[1]) == 1:
            table[(f[0], f[1])] = float(f[2])
    return table, thr


def write(path, name, what, table, threshold, how, npairs, chunks=None):
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"# name_edit_{name}.tsv -- learned costs of the edit from a Latin spelling of a name to\n"
                f"# watchlink's reading of it written in {what} (scripts/learn_edit_costs.py: hard-EM\n"
                f"# Viterbi alignments of {npairs} pairs, cost = -log2 P(reading letter | Latin letter)).\n"
                "# Read by engine/src/compare/name_edit.c. '-' is no letter (an insertion or a deletion),\n"
                "# '?' any character outside a-z. A letter against itself costs 0.\n")
        if chunks:
            f.write("# Rows whose Latin side has 2-3 letters or whose reading side has 2 are chunk\n"
                    "# operations (Brill & Moore 2000): the Latin chunk read as the reading chunk ('-':\n"
                    "# nothing) at once, cost -log2 (uses / occurrences of the Latin chunk).\n")
        f.write("# Source: Wikidata person-name tokens, Latin <-> native script, of Merhav & Ash, \"Design\n"
                "# Challenges in Named Entity Transliteration\", COLING 2018 (CC0), training rows only.\n"
                f"# threshold: {how}.\n")
        f.write(f"threshold\t{threshold:.4f}\n")
        for (x, y), c in sorted(table.items()):
            if x != y:
                f.write(f"{x}\t{y}\t{c:.3f}\n")
        for x, ys in sorted((chunks or {}).items()):
            for y, c in ys:
                f.write(f"{x}\t{y}\t{c:.3f}\n")


def main():
    keep = "--keep-letters" in sys.argv
    argv = [a for a in sys.argv if a != "--keep-letters"]
    if len(argv) < 2:
        sys.exit(__doc__.strip().splitlines()[-1])
    wl = argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    xlit = argv[2] if len(argv) > 2 else os.path.join(here, "..", "..", "shared", "data", "xlit")
    out = argv[3] if len(argv) > 3 else os.path.join(here, "..", "datasets", "tables")
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
            path = os.path.join(out, f"name_edit_{name}.tsv")
            ref = read_table(path) if os.path.exists(path) else None
            table = ref[0] if keep and ref else learn(pairs)
            chunks = learn_chunks(pairs, table)
            cand, nval = candidates(wl, val_rows, tmp, name)
            new = scores(cand, table, chunks)
            f1, thr = best_f1(new, nval)
            how = f"the cost per letter with the best F1 on 1,000 validation pairs ({f1:.3f})"
            if ref:
                # The candidates the engine proposes move with its blocking (fewer strangers
                # each time it got sharper), and with them the best-F1 cost: anchored to the
                # table replaced, the threshold moves only as far as the costs do.
                thr = same_strangers(scores(cand, ref[0]), ref[1], new, AGREE_SLACK.get(name, 1.2))
                how = ("the cost per letter that lets through as many of the strangers the engine proposes"
                       " among 1,000 validation pairs as the table replaced did at its threshold")
            write(path, name, name.capitalize(), table, thr, how, len(pairs), chunks)
            nch = sum(len(v) for v in chunks.values())
            print(f"{name}: {len(pairs)} pairs, {nch} chunk operations, threshold {thr:.4f}"
                  f" (best-F1 {f1:.3f} at {best_f1(new, nval)[1]:.4f})")
            pooled += pairs[:LEARN_PAIRS // len(SCRIPTS)]
            pooled_val.append(val_rows)
        if keep:
            return
        # The pooled table has letters only: its scripts (Thai, Khmer...) share no chunks
        # with the six, and no validation list tunes it.
        table = learn(pooled)
        best = []
        for k, val_rows in enumerate(pooled_val):
            cand, nval = candidates(wl, val_rows, tmp, f"other{k}")
            best.append(best_f1(scores(cand, table), nval)[1])
        thr = sorted(best)[len(best) // 2]
        write(os.path.join(out, "name_edit_other.tsv"), "other", "another script", table, thr,
              "the median of the six scripts' best-F1 costs per letter with this pooled table", len(pooled))
        print(f"other: {len(pooled)} pairs, threshold {thr:.4f} (median of the scripts' best)")


if __name__ == "__main__":
    main()
