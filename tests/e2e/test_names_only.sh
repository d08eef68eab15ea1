#!/usr/bin/env bash
# test_names_only.sh -- two lists that hold nothing but names (the bundled
# Indonesian and Malaysian samples cut down to id and name) still give pairs:
# the fit falls back to default name m values and a strong-pair prior, says so,
# and finds a fair share of the true pairs instead of none (it used to find
# 0 pairs: prior 3e-9). The strong pairs behind the prior are taken one to one
# (a record has one partner in the other list): the prior is then 2.6e-4 against
# a true 2.3e-4, and the 2,600 all_parts pairs of these common Malay and Chinese
# names, 13 % of them true, stay under the threshold. Precision 0.83, recall
# 0.34 (counting every strong pair: prior 5e-4, precision 0.20, recall 0.81).
source "$(dirname "$0")/lib.sh"
S="$WL_SOURCE_DIR/datasets/sample"
python3 - "$S" "$TMP" <<'PY'
import csv, sys
src, out = sys.argv[1], sys.argv[2]
for name, idc, col in (("idn", "id", "nama_lengkap"), ("mys", "no", "nama")):
    rows = list(csv.DictReader(open(f"{src}/{name}.csv", encoding="utf-8")))
    with open(f"{out}/{name}.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "full_name"])
        for r in rows:
            w.writerow([r[idc], r[col]])
PY
expect_exit 0 "$WATCHLINK" match "$TMP/idn.csv" "$TMP/mys.csv" -o "$TMP/pairs.csv"
expect_grep "default m values" "$TMP/err"
expect_grep "prior is taken from the pairs with strong evidence" "$TMP/err"
# Recall against the sample's truth, restricted to idn-mys pairs.
python3 - "$S/truth_pairs.csv" "$TMP/pairs.csv" > "$TMP/score" <<'PY'
import csv, sys
truth = {frozenset((r["left_id"], r["right_id"])) for r in csv.DictReader(open(sys.argv[1]))
         if {r["left_source"], r["right_source"]} == {"idn", "mys"}}
got = {frozenset((r["left_id"], r["right_id"])) for r in csv.DictReader(open(sys.argv[2]))}
tp = len(truth & got)
print(f"pairs {len(got)} truth {len(truth)} tp {tp}")
print("ok" if truth and got and tp / len(truth) >= 0.3 and tp / len(got) >= 0.7 else "low")
PY
expect_grep "^ok" "$TMP/score"
cat "$TMP/score" >&2
finish
