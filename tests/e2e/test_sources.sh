#!/usr/bin/env bash
# test_sources.sh -- every list is its own source. Two lists with one file name
# (p/export.csv, q/export.csv) or one list given twice were read as one source,
# and match (which never pairs a source with itself) found 0 pairs.
source "$(dirname "$0")/lib.sh"
S="$WL_SOURCE_DIR/datasets/sample"
mkdir -p "$TMP/p" "$TMP/q"
cp "$S/idn.csv" "$TMP/p/export.csv"
cp "$S/mys.csv" "$TMP/q/export.csv"

expect_exit 0 "$WATCHLINK" match "$TMP/p/export.csv" "$TMP/q/export.csv" -o "$TMP/pq.csv"
expect_grep "note: .*q/export.csv is read as source 'export-2'" "$TMP/err"
[ "$(tail -n +2 "$TMP/pq.csv" | wc -l)" -gt 100 ] && ok || fail "same-name lists gave almost no pairs"
expect_grep '^export,DPO-[0-9]*,export-2,PDRM' "$TMP/pq.csv"

# One list against itself: every record finds its copy.
expect_exit 0 "$WATCHLINK" match "$S/mys.csv" "$S/mys.csv" -o "$TMP/self.csv" -q
rows=$(($(wc -l < "$S/mys.csv") - 1))
self=$(awk -F, 'NR > 1 && $1 == "mys" && $3 == "mys-2" && $2 == $4' "$TMP/self.csv" | wc -l)
[ "$self" -eq "$rows" ] && ok || fail "$self of $rows records found their own copy"

# --source names the lists, in order; the names reach the output.
expect_exit 0 "$WATCHLINK" match "$TMP/p/export.csv" "$TMP/q/export.csv" --source IDN --source MYS -o "$TMP/named.csv" -q
expect_grep '^IDN,DPO-[0-9]*,MYS,PDRM' "$TMP/named.csv"
grep -q 'export' "$TMP/named.csv" && fail "file name used despite --source" || ok
# One --source for two lists names the first; the second keeps its file name.
expect_exit 0 "$WATCHLINK" match "$S/idn.csv" "$S/mys.csv" --source police -o "$TMP/one.csv" -q
expect_grep '^mys,PDRM[0-9]*,police,DPO' "$TMP/one.csv"
# More names than lists, or an empty name: a usage error.
expect_exit 1 "$WATCHLINK" match "$S/idn.csv" "$S/mys.csv" --source a --source b --source c
expect_grep '3 --source names for 2 lists' "$TMP/err"
expect_exit 1 "$WATCHLINK" dedup "$S/idn.csv" --source ''
expect_grep 'source takes a name' "$TMP/err"
# inspect names the lists the same way, one list at a time or not.
expect_exit 0 "$WATCHLINK" inspect "$TMP/p/export.csv" "$TMP/q/export.csv" --source A --source B
expect_grep '  source: B' "$TMP/out"
expect_exit 0 "$WATCHLINK" inspect "$TMP/p/export.csv" "$TMP/q/export.csv"
expect_grep '  source: export-2' "$TMP/out"
finish
