#!/usr/bin/env bash
# test_store_bench.sh -- `watchlink-bench store` on a small generated store: every
# row of the query batch but the warm-up one is queried alone in the warm process
# (each from a file of its own, written before the loop and removed after it), the
# table reports each command, and the store it leaves passes `index --check`.
set -u
: "${WATCHLINK_BENCH:?set WATCHLINK_BENCH to the built watchlink-bench binary}"
: "${WATCHLINK:?set WATCHLINK to the built watchlink binary}"
source "$(dirname "$0")/lib.sh"
export LC_ALL=C
d=$TMP/b
"$WATCHLINK_BENCH" store --records 400 --new 40 --queries 2 --batch 30 --threads 2 --dir "$d" \
  --watchlink "$WATCHLINK" >"$TMP/out" 2>"$TMP/err" && ok || fail "bench store failed: $(tail -3 "$TMP/err")"
grep -q '^| one warm process: query of 1 record, median of 29 |' "$TMP/out" && ok ||
  fail "the warm loop did not query 29 rows alone: $(grep 'warm' "$TMP/out")"
grep -q '^| one warm process: 29 one-record queries, total' "$TMP/out" && ok || fail "no warm total for 29 queries"
grep -q '^| one warm process: the 30 records in one call |' "$TMP/out" && ok || fail "no batch call of 30 records"
for step in 'dedup of the base lists' 'index of the same lists' 'update with 40 new records' \
  'query of 30 records in one run'; do
  grep -q "^| $step |" "$TMP/out" && ok || fail "no line '$step'"
done
[ ! -e "$d/warm" ] && ok || fail "the warm rows' files were left in $d/warm"
"$WATCHLINK" index --check "$d/store.db" >"$TMP/check" 2>&1 && ok || fail "index --check: $(cat "$TMP/check")"
finish
