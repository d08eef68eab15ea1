#!/usr/bin/env bash
# test_reference_year.sh -- two-digit years of birth follow one rule, written or
# in an MRZ, under a fixed reference year (2025 unless --reference-year). The MRZ
# once took the current year: from 1 January 2026 its "26" read 2026 while a
# written "26" stayed 1926, and the same list gave other bytes after New Year.
source "$(dirname "$0")/lib.sh"
# The ICAO 9303 specimen zone born 12 August (19|20)26, and the same date written.
cat > "$TMP/list.csv" <<'CSV'
id,full_name,dob,mrz
1,,,P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<L898902C36UTO2608122F1204159ZE184226B<<<<<10
2,Anna Maria Eriksson,12/08/26,
3,Anna Maria Eriksson,12/08/25,
CSV
dob_of() { # dob_of ID FILE: the dob column of the normalize output for one id
  python3 -c 'import csv,sys
for r in csv.DictReader(open(sys.argv[2])):
    if r["id"] == sys.argv[1]: print(r["dob"].split("[")[0])' "$1" "$2"
}
expect_exit 0 "$WATCHLINK" normalize "$TMP/list.csv" --quiet -o "$TMP/default.csv"
[ "$(dob_of 1 "$TMP/default.csv")" = 1926-08-12 ] && ok || fail "MRZ 26 by default: $(dob_of 1 "$TMP/default.csv"), wanted 1926-08-12"
[ "$(dob_of 2 "$TMP/default.csv")" = 1926-08-12 ] && ok || fail "written 26 by default: $(dob_of 2 "$TMP/default.csv")"
[ "$(dob_of 3 "$TMP/default.csv")" = 2025-08-12 ] && ok || fail "written 25 by default: $(dob_of 3 "$TMP/default.csv")"
expect_exit 0 "$WATCHLINK" normalize "$TMP/list.csv" --quiet --reference-year 2030 -o "$TMP/y2030.csv"
[ "$(dob_of 1 "$TMP/y2030.csv")" = 2026-08-12 ] && ok || fail "MRZ 26 under 2030: $(dob_of 1 "$TMP/y2030.csv")"
[ "$(dob_of 2 "$TMP/y2030.csv")" = 2026-08-12 ] && ok || fail "written 26 under 2030: $(dob_of 2 "$TMP/y2030.csv")"
expect_exit 1 "$WATCHLINK" normalize "$TMP/list.csv" --quiet --reference-year 1492
expect_grep "reference-year takes a year from 1900 to 2100" "$TMP/err"
finish
