#!/usr/bin/env bash
# End-to-end: `watchlink normalize` shows what the matcher sees, one row per
# record, the same bytes for any thread count, atomic output, clear errors.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

cat >"$TMP/list.csv" <<'CSV'
id,full_name,alias,dob,doc_number,nationality,gender,place_of_birth
1,Muhammad bin Ali,Abu Bakar;Mohd Ali,04/03/1978,A1234567,Malaysia,male,Kuala Lumpur
2,"NGUYEN, Van An",,circa 1980,b-765 4321,VNM,F,"Ha Noi, Viet Nam"
3,สมชาย ใจดี,,2521,,Thailand,ชาย,
4,,,1970,,,,
CSV
printf 'id,given_name,family_name,dob\n5,Siti,Rahman,1985-12-01\n' >"$TMP/second.csv"

# Header, then one row per record of every list, in order.
expect_exit 0 "$WATCHLINK" normalize "$TMP/list.csv" "$TMP/second.csv" -o "$TMP/norm.csv" --threads 2
expect_grep '^source,id,names,canonical,phonetic,skeleton,dob,doc,nationality,gender,place_of_birth,text$' "$TMP/norm.csv"
# Record 4 has no name: the reader rejects it (and says so); the others all come out.
[ "$(wc -l <"$TMP/norm.csv")" -eq 5 ] && ok || fail "expected 5 lines, got $(wc -l <"$TMP/norm.csv")"
expect_grep 'normalised 4 records' "$TMP/err"
expect_grep 'list.csv: 4 rows, 3 accepted, 1 rejected' "$TMP/err"
expect_grep '^list,1,muhammad bin(p) ali|.*|mohd ali,muhammad bin ali|.*|muhammad ali,' "$TMP/norm.csv"  # flags, aliases, canonical
expect_grep '^list,1,.*1978-03-04\[day,ambiguous\]|1978-04-03\[day,ambiguous\]' "$TMP/norm.csv"
expect_grep '^list,1,.*A1234567\[check=' "$TMP/norm.csv"
expect_grep '^list,1,.*,MYS,M,kuala lumpur,' "$TMP/norm.csv"
expect_grep '^list,2,.*\[year,approx\]' "$TMP/norm.csv"
expect_grep '^list,2,.*,VNM,F,"ha noi, viet nam",' "$TMP/norm.csv"
expect_grep '^list,3,.*1978\[year,buddhist\]' "$TMP/norm.csv"      # 2521 BE
expect_grep '^list,3,.*,THA,M,' "$TMP/norm.csv"
grep -q '^list,3,[^,]*[^ -~]' "$TMP/norm.csv" && fail "Thai script left in the names" || ok
grep -q '^list,4,' "$TMP/norm.csv" && fail "a rejected row came out" || ok
expect_grep '^second,5,siti.*rahman' "$TMP/norm.csv"
ls "$TMP" | grep -q '\.tmp\.' && fail "temporary file left behind" || ok

# Same bytes for 1 and 2 threads, and on standard output without -o.
expect_exit 0 "$WATCHLINK" normalize "$TMP/list.csv" "$TMP/second.csv" -o "$TMP/n1.csv" --threads 1 -q
cmp -s "$TMP/n1.csv" "$TMP/norm.csv" && ok || fail "output differs between 1 and 2 threads"
expect_exit 0 "$WATCHLINK" normalize "$TMP/list.csv" "$TMP/second.csv" -q
cmp -s "$TMP/out" "$TMP/norm.csv" && ok || fail "stdout differs from -o output"
[ -s "$TMP/err" ] && fail "--quiet still wrote to stderr" || ok

# Errors: missing list, no list, unknown option; no output file left behind.
expect_exit 1 "$WATCHLINK" normalize "$TMP/missing.csv" -o "$TMP/never.csv"
expect_grep 'missing.csv' "$TMP/err"
[ -e "$TMP/never.csv" ] && fail "output written for a failed run" || ok
expect_exit 1 "$WATCHLINK" normalize
expect_grep 'needs at least one LIST' "$TMP/err"
expect_exit 1 "$WATCHLINK" normalize --bogus "$TMP/list.csv"
expect_exit 0 "$WATCHLINK" normalize --help
expect_grep 'Usage: watchlink normalize' "$TMP/out"

# The FEBRL development data, when present: every record normalised.
F="${WL_SHARED_DIR:-/nonexistent}/data/febrl/dataset1.csv"
if [ -f "$F" ]; then
  expect_exit 0 "$WATCHLINK" normalize "$F" -o "$TMP/febrl.csv" -q
  [ "$(wc -l <"$TMP/febrl.csv")" -eq 1001 ] && ok || fail "febrl: expected 1001 lines"
  expect_grep '^dataset1,rec-223-org,waller(f)' "$TMP/febrl.csv"
else
  echo "note: the FEBRL part of this test is skipped: $F not found" >&2
fi

finish
