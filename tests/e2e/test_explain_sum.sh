#!/usr/bin/env bash
# test_explain_sum.sh -- --explain ends with the prior's weight, so that a pair's
# field weights and the prior add up to its match_weight (issue 10.5), in CSV
# and JSON Lines; and match --help explains every level name.
source "$(dirname "$0")/lib.sh"
S="$WL_SOURCE_DIR/datasets/sample"
expect_exit 0 "$WATCHLINK" match "$S/idn.csv" "$S/mys.csv" --explain -o "$TMP/p.csv" -q
expect_grep '^left_source,left_id,right_source,right_id,probability,match_weight,name,dob,doc,nationality,gender,place_of_birth,text,prior,left_name,right_name$' "$TMP/p.csv"
bad=$(awk -F, 'NR > 1 { s = $14; for (k = 7; k <= 13; k++) { split($k, a, ":"); s += a[2] }
                        d = s - $6; if (d < 0) d = -d; if (d > 0.03) n++ } END { print n + 0 }' "$TMP/p.csv")
rows=$(($(wc -l < "$TMP/p.csv") - 1))
[ "$rows" -gt 100 ] && ok || fail "only $rows pairs"
[ "$bad" -eq 0 ] && ok || fail "$bad of $rows pairs: fields + prior differ from match_weight"
expect_exit 0 "$WATCHLINK" match "$S/idn.csv" "$S/mys.csv" --explain --format jsonl -q
python3 - "$TMP/out" <<'PY' && ok || fail "JSON Lines: fields + prior differ from match_weight"
import json, sys
for line in open(sys.argv[1]):
    p = json.loads(line)
    s = sum(v["weight"] for v in p["explain"].values())
    assert p["explain"]["name"]["left"] and p["explain"]["name"]["right"], p
    assert abs(s - p["match_weight"]) < 0.03, (p, s)
PY
expect_exit 0 "$WATCHLINK" match --help
for level in exact all_parts jw92 jw80 typo year_only within_1y one_edit jw88 near_identical similar; do
  expect_grep "$level" "$TMP/out"
done
finish
