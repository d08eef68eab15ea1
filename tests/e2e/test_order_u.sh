#!/usr/bin/env bash
# test_order_u.sh -- u (how often non-matching records agree) is estimated from
# random record pairs. They were once drawn by record position, so listing the
# lists in another order, or reversing the rows of one, changed u and with it
# every probability. They are now drawn by a seeded hash of (source, id): the u
# of every field must be the same bytes for any order (here 3 lists, 6,000 records).
source "$(dirname "$0")/lib.sh"
S="$WL_SOURCE_DIR/datasets/sample"
mkdir -p "$TMP/rev"
(head -n 1 "$S/idn.csv"; tail -n +2 "$S/idn.csv" | tac) > "$TMP/rev/idn.csv"
cp "$S/mys.csv" "$S/tha.csv" "$TMP/rev/"

expect_exit 0 "$WATCHLINK" train "$S/idn.csv" "$S/mys.csv" "$S/tha.csv" --model "$TMP/a.json" --quiet
expect_exit 0 "$WATCHLINK" train "$S/tha.csv" "$S/idn.csv" "$S/mys.csv" --model "$TMP/b.json" --quiet
expect_exit 0 "$WATCHLINK" train "$TMP/rev/mys.csv" "$TMP/rev/idn.csv" "$TMP/rev/tha.csv" --model "$TMP/c.json" --quiet

u_of() { python3 -c 'import json,sys; print(json.dumps([f["u"] for f in json.load(open(sys.argv[1]))["fields"]]))' "$1"; }
ua=$(u_of "$TMP/a.json"); ub=$(u_of "$TMP/b.json"); uc=$(u_of "$TMP/c.json")
if [ -n "$ua" ] && [ "$ua" = "$ub" ]; then ok; else fail "u differs when the lists are reordered"; fi
if [ -n "$ua" ] && [ "$ua" = "$uc" ]; then ok; else fail "u differs when the rows are reversed"; fi
# The sample is large enough that u is sampled, not counted over all pairs.
python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(m["fit"])' "$TMP/a.json" > "$TMP/fit"
expect_grep "u_pairs.: 1000000" "$TMP/fit"
finish
