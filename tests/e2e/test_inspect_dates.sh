#!/usr/bin/env bash
# test_inspect_dates.sh -- inspect counts dates of birth as read, not as filled
# (issue 9.6): 'unknown', 31/02/1985, 0000-00-00 and 9999-12-31 made "dob 100 %".
# Now it reports the filled cells, those read as a date (and how many only as a
# year), those that are not a date, and warns of dates after the reference year.
source "$(dirname "$0")/lib.sh"
printf 'id,name,dob\n1,Ann Lee,unknown\n2,Bob Ray,31/02/1985\n3,Cy Di,0000-00-00\n4,Ed Fa,9999-12-31\n5,Gi Ho,2030-05-06\n6,Ij Kl,1970-01-01\n7,Mn Op,1980-03-04\n8,Qr St,\n' > "$TMP/d.csv"
expect_exit 0 "$WATCHLINK" inspect "$TMP/d.csv"
# Placeholders (0000-00-00, 9999-12-31) are counted apart from the cells that
# cannot be read ('unknown', 31/02/1985).
expect_grep 'dob: 7 filled, 3 read as a date (1 of them year only: 1 January or 00/00), 2 placeholders (0000-00-00, 9999-12-31...), 2 not a date (unreadable or impossible)' "$TMP/out"
expect_grep 'warning: 1 date of birth after the reference year 2025' "$TMP/out"
expect_exit 0 "$WATCHLINK" inspect --format jsonl "$TMP/d.csv"
expect_grep '"dob":{"filled":7,"read":3,"year_only":1,"placeholder":2,"unreadable":2,"future":1}' "$TMP/out"
printf 'id,name,dob\n1,Ann Lee,00/00/0000\n2,Bob Ray,9999-99-99\n3,Cy Di,1999\n4,Ed Fa,0000\n5,Gi Ho,12-99\n' > "$TMP/p.csv"
expect_exit 0 "$WATCHLINK" inspect "$TMP/p.csv"
expect_grep 'dob: 5 filled, 1 read as a date (0 of them year only: 1 January or 00/00), 3 placeholders (0000-00-00, 9999-12-31...), 1 not a date' "$TMP/out"
# The reference year moves the warning.
expect_exit 0 "$WATCHLINK" inspect --reference-year 2040 "$TMP/d.csv"
grep -q 'warning: .*after the reference year' "$TMP/out" && fail "2030 warned with reference year 2040" || ok
finish
