#!/usr/bin/env bash
# test_block_sizes.sh -- dedup at record counts just past a power of two. The
# candidate-pair sort once chose its bucket shift from the record count, so at
# 1,026 or 65,540 records (1,024 + 2, 65,536 + 4) whose last two rows are the
# same person the bucket index reached 256 and the run crashed (exit 139).
source "$(dirname "$0")/lib.sh"
S="$WL_SOURCE_DIR/datasets/sample/idn.csv"

# make_list N FILE: N-2 rows of the sample with fresh ids, then two copies of
# a person found nowhere else, so the last two records are a pair.
make_list() {
  local n=$1 out=$2
  awk -F, -v n="$n" 'NR == 1 { print; next }
    { row[NR - 1] = substr($0, index($0, ",") + 1); m = NR - 1 }
    END {
      for (i = 0; i < n - 2; i++) print "R" i "," row[i % m + 1]
      last = "QUIRINUS XAVERIUS WOLFRAMM,,Bandung,12 Januari 1961,L,Indonesia,3273011201610001,"
      print "LAST-A," last; print "LAST-B," last
    }' "$S" > "$out"
}

for n in 1026 2051 65540; do
  make_list "$n" "$TMP/list_$n.csv"
  expect_exit 0 "$WATCHLINK" dedup "$TMP/list_$n.csv" --quiet -o "$TMP/pairs_$n.csv"
  expect_grep "LAST-A,.*LAST-B" "$TMP/pairs_$n.csv"
done
finish
