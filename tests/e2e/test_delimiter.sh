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

# One delimiter per list, in order like --source. A ';' list whose header holds
# a comma (a column "notes, remarks") is sniffed as comma-separated and fails;
# one --delimiter ';' names every list's, and the comma list beside it fails.
python3 - "$TMP" <<'PY'
import csv, sys
d = sys.argv[1]
rows = list(csv.reader(open(f"{d}/idn.csv", encoding="utf-8", newline="")))
rows = [r + (["notes, remarks"] if i == 0 else [""]) for i, r in enumerate(rows)]
with open(f"{d}/semi2.csv", "w", encoding="utf-8", newline="") as f:
    csv.writer(f, delimiter=";", lineterminator="\n").writerows(rows)
PY
expect_exit 1 "$WATCHLINK" match "$TMP/semi2.csv" "$S/mys.csv" --source idn
expect_grep "semi2.csv:1: no name column (none of the 2 columns.*try --delimiter ';'" "$TMP/err"
expect_exit 1 "$WATCHLINK" match "$TMP/semi2.csv" "$S/mys.csv" --source idn --delimiter ';'
expect_grep "mys.csv:1: no name column" "$TMP/err"
expect_exit 0 "$WATCHLINK" match "$TMP/semi2.csv" "$S/mys.csv" --source idn --delimiter ';' --delimiter auto -o "$TMP/per.out"
cmp -s "$TMP/ref.csv" "$TMP/per.out" && ok || fail "--delimiter ';' --delimiter auto: pairs differ"
expect_grep "semi2.csv: 300 rows, 300 accepted, 0 rejected (delimiter ';')" "$TMP/err"
expect_exit 0 "$WATCHLINK" match "$TMP/semi2.csv" "$S/mys.csv" --delimiter ';' --source idn --delimiter , -o "$TMP/per2.out" -q
cmp -s "$TMP/ref.csv" "$TMP/per2.out" && ok || fail "--delimiter ';' --delimiter ,: pairs differ"
# Lists beyond the last --delimiter are sniffed (here the tab list).
expect_exit 0 "$WATCHLINK" dedup "$TMP/semi2.csv" "$TMP/pipe.csv" "$TMP/tab.tsv" --delimiter ';' --delimiter '|' -q -o /dev/null
expect_exit 0 "$WATCHLINK" inspect "$S/mys.csv" "$TMP/semi2.csv" "$TMP/tab.tsv" --delimiter auto --delimiter ';'
expect_grep "delimiter: ';'" "$TMP/out"
expect_grep "delimiter: tab" "$TMP/out"
expect_exit 0 "$WATCHLINK" normalize "$TMP/semi2.csv" --delimiter ';' -o /dev/null -q
expect_exit 0 "$WATCHLINK" train "$TMP/semi2.csv" "$S/mys.csv" --delimiter ';' --delimiter auto --model "$TMP/m.json" -q
# More than one, and more than the lists: refused.
expect_exit 1 "$WATCHLINK" match "$TMP/idn.csv" "$S/mys.csv" --delimiter , --delimiter , --delimiter ';'
expect_grep "3 --delimiter options for 2 lists" "$TMP/err"
expect_exit 1 "$WATCHLINK" inspect --delimiter automatic "$TMP/semi.csv"
expect_grep "'tab' or 'auto'" "$TMP/err"
finish
