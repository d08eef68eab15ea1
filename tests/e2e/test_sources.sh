#!/usr/bin/env bash
# test_sources.sh -- every list is its own source. Two lists with one file name
# (p/export.csv, q/export.csv) or one list given twice were read as one source,
# and match (which never pairs a source with itself) found 0 pairs. Then the
# later one was 'export-2', a name that followed the argument order (and with it
# the u sample): now both are named after their folders, p/export and q/export.
source "$(dirname "$0")/lib.sh"
S="$WL_SOURCE_DIR/datasets/sample"
mkdir -p "$TMP/p" "$TMP/q"
cp "$S/idn.csv" "$TMP/p/export.csv"
cp "$S/mys.csv" "$TMP/q/export.csv"

expect_exit 0 "$WATCHLINK" match "$TMP/p/export.csv" "$TMP/q/export.csv" -o "$TMP/pq.csv"
expect_grep "note: .*q/export.csv is read as source 'q/export'" "$TMP/err"
expect_grep "note: .*p/export.csv is read as source 'p/export'" "$TMP/err"
[ "$(tail -n +2 "$TMP/pq.csv" | wc -l)" -gt 100 ] && ok || fail "same-name lists gave almost no pairs"
expect_grep '^p/export,DPO-[0-9]*,q/export,PDRM' "$TMP/pq.csv"
# A name given with --source is the user's own: no note that it differs from the file's.
expect_exit 0 "$WATCHLINK" match "$TMP/p/export.csv" "$TMP/q/export.csv" --source idn --source mys -o "$TMP/named.csv"
if grep -q "is read as source" "$TMP/err"; then fail "a note for names given with --source"; else ok; fi
expect_grep '^idn,DPO-[0-9]*,mys,PDRM' "$TMP/named.csv"
# The names do not follow the order of the arguments.
expect_exit 0 "$WATCHLINK" match "$TMP/q/export.csv" "$TMP/p/export.csv" -o "$TMP/qp.csv" -q
cmp -s "$TMP/pq.csv" "$TMP/qp.csv" && ok || fail "same-name lists give other pairs in the other order"
# A list named without its folder is named after the folder it is in.
(cd "$TMP/p" && "$WATCHLINK" match export.csv ../q/export.csv -o "$TMP/rel.csv" -q) && ok || fail "relative paths"
cmp -s "$TMP/pq.csv" "$TMP/rel.csv" && ok || fail "relative paths named the sources otherwise"
# Same folders (a/x/export.csv, b/x/export.csv): folders are added until the names differ.
mkdir -p "$TMP/a/x" "$TMP/b/x"
cp "$S/idn.csv" "$TMP/a/x/export.csv"
cp "$S/mys.csv" "$TMP/b/x/export.csv"
expect_exit 0 "$WATCHLINK" match "$TMP/b/x/export.csv" "$TMP/a/x/export.csv" -o "$TMP/ab.csv" -q
expect_grep '^a/x/export,DPO-[0-9]*,b/x/export,PDRM' "$TMP/ab.csv"
# One folder, one stem, two extensions: the file names tell them apart.
cp "$S/idn.csv" "$TMP/p/list.csv"
tr ',' '\t' < "$S/mys.csv" > "$TMP/p/list.tsv"
expect_exit 0 "$WATCHLINK" match "$TMP/p/list.tsv" "$TMP/p/list.csv" -o "$TMP/ext.csv" -q
expect_grep '^p/list.csv,DPO-[0-9]*,p/list.tsv,PDRM' "$TMP/ext.csv"
# A file name that is another list's --source: the list takes its folder.
expect_exit 0 "$WATCHLINK" match "$S/idn.csv" "$TMP/q/export.csv" --source export -o "$TMP/taken.csv" -q
expect_grep '^export,DPO-[0-9]*,q/export,PDRM' "$TMP/taken.csv"

# One list against itself (the same file twice, no folder tells them apart):
# mys and mys-2, and every record finds its copy.
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
expect_grep '  source: q/export' "$TMP/out"
expect_grep '  source: p/export' "$TMP/out"

# A source column names each row's source (README, Input), unless --source is
# given; a blank cell takes the file name. The command line once named every
# list after its file and the column was never used.
S2="$WL_SOURCE_DIR/tests/e2e/lists"
awk -F, -v OFS=, 'NR == 1 { print $0, "source"; next } { print $0, (NR % 2 ? "police" : NR == 2 ? "" : "border") }' \
  "$S2/mys.csv" > "$TMP/col.csv"
expect_exit 0 "$WATCHLINK" normalize "$TMP/col.csv" -o "$TMP/col.norm"
expect_grep '^police,m' "$TMP/col.norm"
expect_grep '^border,m' "$TMP/col.norm"
expect_grep '^col,m1,' "$TMP/col.norm"
expect_exit 0 "$WATCHLINK" inspect "$TMP/col.csv"
expect_grep '  source: col and 2 more' "$TMP/out"
expect_exit 0 "$WATCHLINK" normalize "$TMP/col.csv" --source given -o "$TMP/given.norm"
[ "$(cut -d, -f1 "$TMP/given.norm" | tail -n +2 | sort -u)" = given ] && ok || fail "--source did not name every row"
# A list whose column names every row adds no source named after its file.
awk -F, -v OFS=, 'NR == 1 { print $0, "source"; next } { print $0, "MYS police" }' "$S2/mys.csv" > "$TMP/allcol.csv"
expect_exit 0 "$WATCHLINK" match "$S2/idn.csv" "$TMP/allcol.csv" -o "$TMP/allcol.out"
expect_grep 'from 2 sources' "$TMP/err"
expect_grep '^MYS police,m1,idn,1,' "$TMP/allcol.out"
expect_exit 0 "$WATCHLINK" inspect "$TMP/allcol.csv"
expect_grep '  source: MYS police$' "$TMP/out"
finish
