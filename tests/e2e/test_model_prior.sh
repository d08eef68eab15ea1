#!/usr/bin/env bash
# test_model_prior.sh -- a saved model keeps its prior. A run with --model once
# solved the prior again from the new lists' candidates, so a job of one pair
# got prior 0.5 and called anything a match with the saved m and u.
source "$(dirname "$0")/lib.sh"
S="$WL_SOURCE_DIR/datasets/sample"
expect_exit 0 "$WATCHLINK" train "$S/idn.csv" "$S/mys.csv" "$S/tha.csv" --model "$TMP/m.json" --quiet
(head -n 1 "$S/idn.csv"; sed -n 2p "$S/idn.csv") > "$TMP/a.csv"
(head -n 1 "$S/idn.csv"; sed -n 2p "$S/idn.csv" | sed 's/^[^,]*,/COPY-1,/') > "$TMP/b.csv"
expect_exit 0 "$WATCHLINK" match "$TMP/a.csv" "$TMP/b.csv" --model "$TMP/m.json" --threshold 0 --quiet -o "$TMP/p.csv"
# match_weight = evidence + log2(prior odds): with the saved prior (about -12.5
# bits on the sample) it must be that much below the evidence the model gives the
# pair; under a re-solved prior of 0.5 the two were equal.
python3 - "$TMP/m.json" "$TMP/p.csv" > "$TMP/check" <<'PY'
import csv, json, math, sys
prior = json.load(open(sys.argv[1]))["prior"]
rows = list(csv.DictReader(open(sys.argv[2])))
assert len(rows) == 1, rows
w, p = float(rows[0]["match_weight"]), float(rows[0]["probability"])
prior_bits = math.log2(prior / (1 - prior))
print("prior_bits %.3f weight %.3f probability %.6f" % (prior_bits, w, p))
# the probability is the weight's logistic, and far from what prior 0.5 gives
ok = abs(p - 1 / (1 + 2 ** -w)) < 1e-4 and prior_bits < -5 and p < 0.999
print("ok" if ok else "bad")
PY
expect_grep "^ok" "$TMP/check"
finish
