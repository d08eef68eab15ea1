#!/usr/bin/env bash
# test_delimiter.sh -- lists split on ';' or '|' (issue 9). Such a list read with
# ',' was one column and failed with "no name column" and no hint. Now the
# delimiter is sniffed from the header (tab, comma, else ';' or '|'), named with
# --delimiter, and a header that still splits into one column says which to try.
source "$(dirname "$0")/lib.sh"
S="$WL_SOURCE_DIR/datasets/sample"
head -n 301 "$S/idn.csv" > "$TMP/idn.csv"
# Rewritten by a CSV writer, not by tr: "Caballero, Joseph" is a quoted name
# whose comma must stay a comma (tr made it "Caballero; Joseph", another name).
python3 - "$TMP" <<'PY'
import csv, sys
d = sys.argv[1]
rows = list(csv.reader(open(f"{d}/idn.csv", encoding="utf-8", newline="")))
for name, sep in (("semi.csv", ";"), ("pipe.csv", "|"), ("tab.tsv", "\t")):
    with open(f"{d}/{name}", "w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=sep, lineterminator="\n").writerows(rows)
PY

# The comma list's pairs, as reference (every list named 'idn' by --source).
expect_exit 0 "$WATCHLINK" match "$TMP/idn.csv" "$S/mys.csv" --source idn -o "$TMP/ref.csv" -q
[ "$(wc -l < "$TMP/ref.csv")" -gt 10 ] && ok || fail "reference match found almost nothing"
for f in semi pipe; do
  expect_exit 0 "$WATCHLINK" match "$TMP/$f.csv" "$S/mys.csv" --source idn -o "$TMP/$f.out"
  cmp -s "$TMP/ref.csv" "$TMP/$f.out" && ok || fail "$f: pairs differ from the comma list's"
  expect_grep "read .*$f.csv: 300 rows, 300 accepted, 0 rejected (delimiter '.')" "$TMP/err"
done
expect_exit 0 "$WATCHLINK" inspect "$TMP/semi.csv"
expect_grep "delimiter: ';'" "$TMP/out"
expect_grep 'columns: 9' "$TMP/out"
expect_exit 0 "$WATCHLINK" match "$TMP/tab.tsv" "$S/mys.csv" --source idn -o "$TMP/tab.out" -q
cmp -s "$TMP/ref.csv" "$TMP/tab.out" && ok || fail "tab: pairs differ"

# Named: --delimiter ';' reads it too; the wrong one fails with file:line and a hint.
# --delimiter names the delimiter of every list.
expect_exit 0 "$WATCHLINK" dedup "$TMP/idn.csv" --source idn -o "$TMP/dref.csv" -q
expect_exit 0 "$WATCHLINK" dedup "$TMP/semi.csv" --delimiter ';' --source idn -o "$TMP/named.out" -q
cmp -s "$TMP/dref.csv" "$TMP/named.out" && ok || fail "--delimiter ';': pairs differ"
expect_exit 1 "$WATCHLINK" inspect --delimiter , "$TMP/semi.csv"
expect_grep "semi.csv:1: no name column.*try --delimiter ';'" "$TMP/err"
expect_exit 1 "$WATCHLINK" dedup --delimiter '|' "$TMP/idn.csv"
expect_grep "idn.csv:1: no name column.*try --delimiter ','" "$TMP/err"
expect_exit 0 "$WATCHLINK" inspect --delimiter tab "$TMP/tab.tsv"
expect_exit 1 "$WATCHLINK" inspect --delimiter ab "$TMP/semi.csv"
expect_grep "delimiter takes one ASCII character" "$TMP/err"
expect_exit 1 "$WATCHLINK" inspect --delimiter '"' "$TMP/semi.csv"

# A ';' list with quoted fields holding ';' and a comma list with ';' in a
# multi-valued cell: the header decides, quotes are kept.
printf 'id;name;alias;dob\n1;"Smith; John";"Johnny;Jack";1970-01-01\n2;Ann Lee;;1980-02-02\n' > "$TMP/q.csv"
expect_exit 0 "$WATCHLINK" normalize "$TMP/q.csv"
expect_grep '^q,1,.*smith' "$TMP/out"
expect_grep 'read .*: 2 rows, 2 accepted, 0 rejected' "$TMP/err"
printf 'id,name,alias\n1,John Smith,Johnny;Jack\n' > "$TMP/c.csv"
expect_exit 0 "$WATCHLINK" inspect "$TMP/c.csv"
expect_grep 'columns: 3' "$TMP/out"
finish
