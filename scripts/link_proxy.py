#!/usr/bin/env python3
"""link_proxy.py -- a stand-in for "two official lists linked to each other", built from the
development watchlists: each entity of ../shared/data/{eu,ofac}/alias_records.csv goes to a
left list, a right list, or (half of those with two or more names) to both, its names split
between the two rows (first name as full_name, the rest as aliases). Dates of birth are kept
on 70 % of left rows and 50 % of right rows, nationalities on 60 %, no documents: lists that
hold one row per person and disagree on what they know. Truth: the entities on both sides.

Usage: python3 scripts/link_proxy.py WATCHLINK [MATCH OPTIONS...]
Prints truth, pairs, true pairs, precision, recall and F1 per list (seeded: the same lists
every run). Development data only; the tests do not use it.
"""
import csv
import os
import random
import subprocess
import sys
import tempfile
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "shared", "data")


def split_lists(ds, tmp):
    rnd = random.Random(10)
    ents = defaultdict(list)
    with open(os.path.join(DATA, ds, "alias_records.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            ents[r["entity_id"]].append(r)
    left, right, truth = [], [], set()
    for e, rs in sorted(ents.items()):
        names = [r["name"] for r in rs]
        dob, nat = rs[0].get("dob") or "", rs[0].get("nationality") or ""
        u = rnd.random()

        def row(i, ns, side):
            d = dob if rnd.random() < (0.7 if side == "L" else 0.5) else ""
            n = nat if rnd.random() < 0.6 else ""
            return [i, ns[0], " | ".join(ns[1:]), d, n, ""]

        if len(names) >= 2 and u < 0.5:
            rnd.shuffle(names)
            k = max(1, len(names) // 2)
            left.append(row(e + "L", names[:k], "L"))
            right.append(row(e + "R", names[k:], "R"))
            truth.add((e + "L", e + "R"))
        elif u < 0.75:
            left.append(row(e + "L", names, "L"))
        else:
            right.append(row(e + "R", names, "R"))
    paths = []
    for side, rows in (("L", left), ("R", right)):
        p = os.path.join(tmp, f"{ds}_{side}.csv")
        with open(p, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["id", "full_name", "aliases", "dob", "nationality", "document_numbers"])
            w.writerows(rows)
        paths.append(p)
    return paths, truth


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__.strip().splitlines()[-3])
    wl, extra = sys.argv[1], sys.argv[2:]
    if not os.path.isdir(DATA):
        sys.exit(f"link_proxy: {DATA} not found (the development data sits beside the checkout)")
    with tempfile.TemporaryDirectory() as tmp:
        for ds in ("eu", "ofac"):
            (a, b), truth = split_lists(ds, tmp)
            out = os.path.join(tmp, ds + "_pairs.csv")
            subprocess.run([wl, "match", a, b, "-o", out, "--quiet"] + extra, check=True)
            with open(out, encoding="utf-8") as f:
                got = {(r["left_id"], r["right_id"]) for r in csv.DictReader(f)}
            got = {p if p[0].endswith("L") else (p[1], p[0]) for p in got}
            tp = len(got & truth)
            p, r = tp / max(1, len(got)), tp / max(1, len(truth))
            f1 = 2 * p * r / max(1e-9, p + r)
            print(f"{ds} link proxy: truth {len(truth)} pairs {len(got)} true {tp} P {p:.4f} R {r:.4f} F1 {f1:.4f}")


if __name__ == "__main__":
    main()
