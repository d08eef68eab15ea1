#!/usr/bin/env bash
# test_rows.sh -- what the command line says about rows (issue 9): blank ids get
# a reserved "@line:N" id (they were numbered with row numbers, which could be
# another row's real id: "2" below was rejected as a duplicate), --rejects keeps
# the row as the README says, and counts are worded "1 record", "1 source".
source "$(dirname "$0")/lib.sh"

# A blank id and a real id "2" (the blank one is data row 2, line 3).
printf 'id,name,dob\n1,Ann Lee,1970-01-01\n,John Smith,1971-02-03\n2,Bob Ray,1972-03-04\n' > "$TMP/blank.csv"
expect_exit 0 "$WATCHLINK" normalize "$TMP/blank.csv" -o "$TMP/n.csv"
expect_grep 'read .*blank.csv: 3 rows, 3 accepted, 0 rejected' "$TMP/err"
expect_grep '^blank,@line:3,john smith' "$TMP/n.csv"
expect_grep '^blank,2,bob ray' "$TMP/n.csv"
# The prefix is reserved: a real id that starts with it is rejected, with file:line.
printf 'id,name\n@line:3,Ann Lee\n,Bob Ray\n' > "$TMP/res.csv"
expect_exit 0 "$WATCHLINK" inspect "$TMP/res.csv"
expect_grep "res.csv:2: id starts with '@line:'" "$TMP/out"
expect_grep 'rows read: 2  accepted: 1  rejected: 1' "$TMP/out"
# No id column at all: records are numbered by data row, as before.
printf 'name,dob\nAnn Lee,1970-01-01\nBob Ray,1972-03-04\n' > "$TMP/noid.csv"
expect_exit 0 "$WATCHLINK" normalize "$TMP/noid.csv" -o "$TMP/n2.csv"
expect_grep '^noid,2,bob ray' "$TMP/n2.csv"

# --rejects: the row's bytes without the line end; a quoted line break kept.
printf 'id,name,dob\r\n1,"Ann\r\nLee",1970,x\r\n2,Bob,1971\r\n3,"open,1980\r\n' > "$TMP/bad.csv"
expect_exit 0 "$WATCHLINK" inspect "$TMP/bad.csv" --rejects "$TMP/rej.csv"
python3 - "$TMP/rej.csv" <<'PY' && ok || fail "rejects file does not keep the rows as the README says"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='')))
assert rows[0] == ['file', 'line', 'reason', 'row'], rows[0]
assert [r[1] for r in rows[1:]] == ['2', '5'], rows
assert rows[1][3] == '1,"Ann\r\nLee",1970,x', repr(rows[1][3])
assert rows[2][3] == '3,"open,1980', repr(rows[2][3])
PY

# Wording: one of a kind is singular.
printf 'id,name,dob\n1,Ann Lee,1970-01-01\n' > "$TMP/one.csv"
expect_exit 0 "$WATCHLINK" dedup "$TMP/one.csv"
expect_grep 'read .*one.csv: 1 row, 1 accepted, 0 rejected' "$TMP/err"
expect_grep 'summary: 1 record from 1 source (0 rows rejected), 0 candidate pairs, 0 pairs at or above the threshold, 1 cluster (largest 1)' "$TMP/err"
expect_exit 0 "$WATCHLINK" inspect "$TMP/one.csv"
expect_grep 'inspected 1 list, 1 record$' "$TMP/err"
expect_exit 0 "$WATCHLINK" normalize "$TMP/one.csv"
expect_grep 'normalised 1 record$' "$TMP/err"
expect_exit 0 "$WATCHLINK" normalize --help
expect_grep 'Usage: watchlink normalize \[OPTIONS\] LIST\.\.\.' "$TMP/out"
finish
