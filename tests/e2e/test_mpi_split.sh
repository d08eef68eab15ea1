#!/usr/bin/env bash
# test_mpi_split.sh -- watchlink-mpi's split read (issue 14): each rank reads its
# own byte range of a list. Lists built so that the split points fall inside
# quoted fields holding newlines (and lines inside them that look like rows),
# with bad rows and duplicate ids in every rank's range, blank ids, blank lines
# and a list without an id column (ids are row numbers there): pairs, clusters,
# rejects and the row counts must be the single process's at -np 1 to 4, and
# the quoted field must have moved a guessed start (the check that the
# correction ran). Skips as test_mpi.sh does.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
require_mpi
export LC_ALL=C

# A list of 240 rows: every 8th row bad (two fields), ids 30 and 200 repeated
# later (one in the same range, one across ranges), every 25th id blank; row
# 121's note is a quoted field of 400 lines, each like a row of the list, that
# spans the middle of the file (the -np 2 split point); rows 60 and 180 hold
# shorter quoted notes of 120 lines near the quarter points. Names repeat with
# small changes so that there are pairs to find.
make_list() { # make_list FILE WITH_ID
  awk -v with_id="$2" 'BEGIN {
    split("Amir Khan|Siti Rahma|Nguyen Van An|Somchai Dee|Maria Santos|Aung Kyaw|Lim Wei|Rosa Cruz", nm, "|")
    if (with_id) print "id,full_name,date_of_birth,notes"; else print "full_name,date_of_birth,notes"
    for (i = 1; i <= 240; i++) {
      id = "R" i
      if (i == 77) id = "R30"            # same range as row 30 at -np 2
      if (i == 230) id = "R20"           # across ranges
      if (i % 25 == 0) id = ""           # blank: @line:N
      name = nm[i % 8 + 1] (i % 3 ? "" : "a")
      dob = sprintf("19%02d-%02d-%02d", 50 + i % 40, 1 + i % 12, 1 + i % 28)
      note = "plain"
      lines = (i == 121) ? 400 : (i == 60 || i == 180) ? 120 : 0
      if (lines) {
        note = "\"begin"
        for (k = 1; k <= lines; k++) note = note "\nR9" k ",Fake Person " k ",1970-01-01,inside a quote"
        note = note "\""
      }
      if (i % 8 == 0) { print (with_id ? id "," : "") "only two"; continue }
      if (i % 50 == 0) print ""
      print (with_id ? id "," : "") name "," dob "," note
    }
  }' > "$1"
}
make_list "$TMP/split.csv" 1
make_list "$TMP/noid.csv" 0
make_list "$TMP/other.csv" 1
sed -i 's/^R/S/' "$TMP/other.csv"

# same NAME NPS -- ARGS: pairs, clusters, rejects and the read lines as one process's.
same() {
  local name=$1 nps=$2; shift 3
  expect_exit 0 "$WATCHLINK" "$@" -o "$TMP/$name.ref" --clusters "$TMP/$name.refc" --rejects "$TMP/$name.refr"
  grep '^read ' "$TMP/err" > "$TMP/$name.refread"
  for np in $nps; do
    expect_exit 0 "${MPIRUN[@]}" -np "$np" "$WATCHLINK_MPI" "$@" -o "$TMP/$name.$np" --clusters "$TMP/$name.c$np" \
      --rejects "$TMP/$name.r$np"
    cp "$TMP/err" "$TMP/$name.err$np"
    cmp -s "$TMP/$name.ref" "$TMP/$name.$np" && ok || fail "$name: pairs at -np $np differ"
    cmp -s "$TMP/$name.refc" "$TMP/$name.c$np" && ok || fail "$name: clusters at -np $np differ"
    cmp -s "$TMP/$name.refr" "$TMP/$name.r$np" && ok || fail "$name: rejects at -np $np differ"
    grep '^read ' "$TMP/err" | cmp -s - "$TMP/$name.refread" && ok || fail "$name: read counts at -np $np differ"
  done
  [ "$(wc -l < "$TMP/$name.ref")" -gt 1 ] && ok || fail "$name: no pairs, nothing compared"
}

same split "1 2 3 4" -- dedup "$TMP/split.csv"
# the checks check something: rejects of every kind, from the start and the end of the file
expect_grep "duplicate id 'R30'" "$TMP/split.refr"
expect_grep "duplicate id 'R20'" "$TMP/split.refr"
expect_grep ',9,.*only two' "$TMP/split.refr"
expect_grep 'only two' <(tail -n 2 "$TMP/split.refr")
expect_grep '@line:' "$TMP/split.ref"
if grep -q 'Fake Person' "$TMP/split.ref"; then fail "a line inside a quoted field was read as a row"; else ok; fi
# at -np 2 the middle falls inside row 121's note: rank 1's guess was moved
expect_grep "split read: [1-9][0-9]* part starts\? moved" "$TMP/split.err2"
# rows read = accepted + rejected, summed over the ranks
read -r rows acc rej < <(sed -n 's/^read [^:]*: \([0-9]*\) rows, \([0-9]*\) accepted, \([0-9]*\) rejected.*/\1 \2 \3/p' "$TMP/split.refread")
[ "$rows" -eq $((acc + rej)) ] && [ "$rej" -gt 30 ] && ok || fail "rows $rows != $acc + $rej, or too few rejects"

same noid "2 4" -- dedup "$TMP/noid.csv"
same two "2 3" -- link "$TMP/split.csv" "$TMP/other.csv"
# a list that cannot be split by bytes (gzip) beside one that can
gzip -c "$TMP/other.csv" > "$TMP/other.csv.gz"
same gz "2" -- dedup "$TMP/split.csv" "$TMP/other.csv.gz"

# a list that can be read only once (a fifo): rank 0 reads it and sends its records;
# its bad rows and duplicate ids are rejected as in one process (every rank opening
# it had taken part of its bytes: rank 0 read a data row as the header)
mkfifo "$TMP/once.csv"
feed() { cat "$TMP/split.csv" > "$TMP/once.csv" 2>/dev/null < /dev/null & }
feed
expect_exit 0 "$WATCHLINK" dedup "$TMP/other.csv" "$TMP/once.csv" -o "$TMP/once.ref" --clusters "$TMP/once.refc" \
  --rejects "$TMP/once.refr" -q
for np in 2 3; do
  feed
  expect_exit 0 timeout 120 "${MPIRUN[@]}" -np "$np" "$WATCHLINK_MPI" dedup "$TMP/other.csv" "$TMP/once.csv" \
    -o "$TMP/once.$np" --clusters "$TMP/once.c$np" --rejects "$TMP/once.r$np"
  cmp -s "$TMP/once.ref" "$TMP/once.$np" && ok || fail "fifo: pairs at -np $np differ"
  cmp -s "$TMP/once.refc" "$TMP/once.c$np" && ok || fail "fifo: clusters at -np $np differ"
  cmp -s "$TMP/once.refr" "$TMP/once.r$np" && ok || fail "fifo: rejects at -np $np differ"
done
expect_grep "duplicate id 'R30'" "$TMP/once.refr"
expect_grep "^read once.csv\|^read .*once.csv: [0-9]* rows" "$TMP/err"
finish
