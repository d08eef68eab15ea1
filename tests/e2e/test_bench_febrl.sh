#!/usr/bin/env bash
# test_bench_febrl.sh -- `watchlink-bench febrl`: the FEBRL-like two-list generator is
# deterministic, writes N rows per list with the stated overlap, its truth names real
# rows (originals in a, corrupted copies in b), copies differ from their originals, and
# `watchlink match` links the lists nearly perfectly, as FEBRL data is linked.
set -u
: "${WATCHLINK_BENCH:?set WATCHLINK_BENCH to the built watchlink-bench binary}"
: "${WATCHLINK:?set WATCHLINK to the built watchlink binary}"
source "$(dirname "$0")/lib.sh"
export LC_ALL=C
check() { local what=$1; shift; if "$@"; then ok; else fail "$what"; fi; }
rows() { echo $(( $(wc -l < "$1") - 1 )); }
gen() { "$WATCHLINK_BENCH" febrl "$@" 2>"$TMP/gen.err"; }

# ---- determinism: same arguments -> same bytes; another seed -> other bytes
gen --out "$TMP/x" --records 3000 --seed 3 || fail "gen x: $(cat "$TMP/gen.err")"
gen --out "$TMP/y" --records 3000 --seed 3 || fail "gen y"
gen --out "$TMP/z" --records 3000 --seed 4 || fail "gen z"
for f in a b truth_pairs; do
  check "$f.csv differs for the same seed" cmp -s "$TMP/x/$f.csv" "$TMP/y/$f.csv"
done
for f in a b; do # (the truth names persons by number: the same for any seed)
  check "$f.csv identical for another seed" bash -c "! cmp -s '$TMP/x/$f.csv' '$TMP/z/$f.csv'"
done

# ---- counts and overlap
x=$TMP/x
check "a.csv rows $(rows "$x/a.csv") != 3000" [ "$(rows "$x/a.csv")" -eq 3000 ]
check "b.csv rows $(rows "$x/b.csv") != 3000" [ "$(rows "$x/b.csv")" -eq 3000 ]
check "truth pairs != 1500 (overlap 0.5)" [ "$(rows "$x/truth_pairs.csv")" -eq 1500 ]
gen --out "$TMP/o" --records 1000 --overlap 0.2 || fail "gen overlap"
check "truth pairs != 200 (overlap 0.2)" [ "$(rows "$TMP/o/truth_pairs.csv")" -eq 200 ]
check "header is FEBRL's" grep -qx 'rec_id, given_name, surname, street_number, address_1, address_2, suburb, postcode, state, date_of_birth, soc_sec_id' "$x/a.csv"
check "every row has 11 columns" [ "$(tail -n +2 "$x/b.csv" | awk -F', ' 'NF != 11' | wc -l)" -eq 0 ]

# ---- truth: ids unique and present; b holds the copies
tail -n +2 "$x/a.csv" | cut -d, -f1 | sort > "$TMP/ida"
tail -n +2 "$x/b.csv" | cut -d, -f1 | sort > "$TMP/idb"
check "ids in a not unique" [ "$(uniq -d "$TMP/ida" | wc -l)" -eq 0 ]
check "ids in b not unique" [ "$(uniq -d "$TMP/idb" | wc -l)" -eq 0 ]
tail -n +2 "$x/truth_pairs.csv" | awk -F, '$1 != "a" || $3 != "b"' > "$TMP/badsrc"
check "truth sources are not a and b" [ ! -s "$TMP/badsrc" ]
check "truth left ids missing from a" [ "$(tail -n +2 "$x/truth_pairs.csv" | cut -d, -f2 | sort | comm -23 - "$TMP/ida" | wc -l)" -eq 0 ]
check "truth right ids missing from b" [ "$(tail -n +2 "$x/truth_pairs.csv" | cut -d, -f4 | sort | comm -23 - "$TMP/idb" | wc -l)" -eq 0 ]
check "b's copies != 1500" [ "$(grep -c -- '-dup-0,' "$x/b.csv")" -eq 1500 ]
# every copy is modified: its values differ from its original's
join -t, <(tail -n +2 "$x/a.csv" | sed 's/-org,/,/' | sort) \
         <(tail -n +2 "$x/b.csv" | grep -- '-dup-0,' | sed 's/-dup-0,/,/' | sort) > "$TMP/joined"
check "joined copies != 1500" [ "$(wc -l < "$TMP/joined")" -eq 1500 ]
check "a copy equals its original" [ "$(awk -F, '{same = 1; for (i = 2; i <= 11; i++) if ($i != $(i + 10)) same = 0; n += same} END {print n + 0}' "$TMP/joined")" -eq 0 ]

# ---- the lists link as FEBRL data does (F1 well above 0.98 at this size)
"$WATCHLINK" match "$x/a.csv" "$x/b.csv" --map id=rec_id --map doc_number=soc_sec_id -o "$TMP/pairs.csv" --quiet \
  2>"$TMP/match.err" || fail "match: $(cat "$TMP/match.err")"
"$WATCHLINK" eval --truth "$x/truth_pairs.csv" "$TMP/pairs.csv" > "$TMP/eval" || fail "eval"
f1=$(awk '$1 == "all" {print $7}' "$TMP/eval")
check "F1 $f1 < 0.98" awk -v f="$f1" 'BEGIN {exit !(f >= 0.98)}'

# ---- the same bytes at 1 and 2 threads (pairs with --explain, and clusters)
for t in 1 2; do
  "$WATCHLINK" match "$x/a.csv" "$x/b.csv" --map id=rec_id --map doc_number=soc_sec_id --explain --threads $t \
    -o "$TMP/pairs$t.csv" --clusters "$TMP/clusters$t.csv" --quiet 2>"$TMP/match$t.err" || fail "match --threads $t"
done
check "pairs differ between 1 and 2 threads" cmp -s "$TMP/pairs1.csv" "$TMP/pairs2.csv"
check "clusters differ between 1 and 2 threads" cmp -s "$TMP/clusters1.csv" "$TMP/clusters2.csv"
check "no pairs to compare" [ "$(wc -l < "$TMP/pairs1.csv")" -gt 1000 ]

# ---- per-key candidate counts: one row per key kind, each finding some true pairs
mkdir -p "$TMP/lists" && cp "$x/a.csv" "$x/b.csv" "$TMP/lists/"
"$WATCHLINK_BENCH" block --lists "$TMP/lists" --truth "$x/truth_pairs.csv" --mode link --map id=rec_id \
  --map doc_number=soc_sec_id --compare 0 --per-key 1 > "$TMP/perkey" 2>&1 || fail "block --per-key"
for kind in "phonetic+year" "part pairs" "document" "full name" "part+dob"; do
  check "no per-key row for $kind" grep -q "^  $kind " "$TMP/perkey"
done
check "document keys alone find no true pairs" \
  awk '$1 == "document" && $3 + 0 > 0.5 {found = 1} END {exit !found}' "$TMP/perkey"

# ---- bad arguments
expect_exit 2 "$WATCHLINK_BENCH" febrl --records 10
expect_exit 2 "$WATCHLINK_BENCH" febrl --out "$TMP/q" --records 1
expect_exit 2 "$WATCHLINK_BENCH" febrl --out "$TMP/q" --overlap 1.5
finish
