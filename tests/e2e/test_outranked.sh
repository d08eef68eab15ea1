#!/usr/bin/env bash
# End-to-end: a pair across two lists below 0.9 whose two records each have a
# better partner in the other's list is not reported (the summary counts it),
# --keep-outranked reports it, and pairs within one list are never dropped.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
export LC_ALL=C
S="$here/../../datasets/sample"

expect_exit 0 "$WATCHLINK" match "$S/idn.csv" "$S/mys.csv" --explain -o "$TMP/def.csv"
note=$(sed -n 's/^note: \([0-9]*\) pairs\{0,1\} below 0.9 not reported.*/\1/p' "$TMP/err")
expect_exit 0 "$WATCHLINK" match "$S/idn.csv" "$S/mys.csv" --explain --keep-outranked -o "$TMP/all.csv"
grep -q 'not reported' "$TMP/err" && fail "--keep-outranked still drops pairs" || ok

# The default run is the --keep-outranked run less the pairs the note counts.
n_def=$(($(wc -l < "$TMP/def.csv") - 1))
n_all=$(($(wc -l < "$TMP/all.csv") - 1))
[ -n "$note" ] && [ "$note" -gt 0 ] && ok || fail "no outranked pair on the sample lists: the test proves nothing"
[ $((n_all - n_def)) -eq "${note:-0}" ] && ok || fail "$n_all - $n_def pairs dropped, the note says ${note:-none}"
extra=$(comm -13 <(tail -n +2 "$TMP/all.csv" | sort) <(tail -n +2 "$TMP/def.csv" | sort) | wc -l)
[ "$extra" -eq 0 ] && ok || fail "$extra pairs appear only in the default run"

# Every dropped pair is below 0.9 and weaker than both its records' best
# partners; every pair kept below 0.9 is the best of one of its records.
comm -23 <(tail -n +2 "$TMP/all.csv" | sort) <(tail -n +2 "$TMP/def.csv" | sort) > "$TMP/dropped.csv"
check=$(awk -F, '
  FNR == 1 { file++ }
  file == 1 && FNR > 1 { l = $1 SUBSEP $2; r = $3 SUBSEP $4; w = $6 + 0
                         if (!(l in bl) || w > bl[l]) bl[l] = w
                         if (!(r in br) || w > br[r]) br[r] = w }
  file == 2 { l = $1 SUBSEP $2; r = $3 SUBSEP $4; w = $6 + 0
              if (!($5 < 0.9 && w < bl[l] && w < br[r])) bad++ }
  file == 3 && FNR > 1 { l = $1 SUBSEP $2; r = $3 SUBSEP $4; w = $6 + 0
              if ($5 < 0.9 && w < bl[l] && w < br[r]) bad++ }
  END { print bad + 0 }' "$TMP/all.csv" "$TMP/dropped.csv" "$TMP/def.csv")
[ "$check" -eq 0 ] && ok || fail "$check pairs dropped or kept against the rule"

# Fewer false hits, the same true ones but a few.
expect_exit 0 "$WATCHLINK" eval --truth "$S/truth_pairs.csv" "$TMP/all.csv"
read -r t_all p_all <<< "$(awk 'NR==2 {print $4, $5}' "$TMP/out")"
expect_exit 0 "$WATCHLINK" eval --truth "$S/truth_pairs.csv" "$TMP/def.csv"
read -r t_def p_def <<< "$(awk 'NR==2 {print $4, $5}' "$TMP/out")"
awk -v a="$p_all" -v b="$p_def" 'BEGIN { exit !(b > a) }' && ok || fail "precision $p_all -> $p_def"
awk -v a="$t_all" -v b="$t_def" 'BEGIN { exit !(b >= a - 3) }' && ok || fail "true pairs $t_all -> $t_def"

# One list: its pairs are never outranked.
expect_exit 0 "$WATCHLINK" dedup "$S/idn.csv" -o "$TMP/one.csv"
grep -q 'not reported' "$TMP/err" && fail "pairs within one list were dropped" || ok
expect_exit 0 "$WATCHLINK" dedup "$S/idn.csv" --keep-outranked -o "$TMP/one_all.csv" -q
cmp -s "$TMP/one.csv" "$TMP/one_all.csv" && ok || fail "one-list dedup differs with --keep-outranked"

# Three lists, any thread count: the same bytes.
expect_exit 0 "$WATCHLINK" dedup "$S/idn.csv" "$S/mys.csv" "$S/tha.csv" -o "$TMP/t2.csv" -q --threads 2
expect_exit 0 "$WATCHLINK" dedup "$S/idn.csv" "$S/mys.csv" "$S/tha.csv" -o "$TMP/t1.csv" -q --threads 1
cmp -s "$TMP/t1.csv" "$TMP/t2.csv" && ok || fail "outranked pairs depend on the thread count"

# The report says so, and names the option when it is given.
expect_exit 0 "$WATCHLINK" match "$S/idn.csv" "$S/mys.csv" --report "$TMP/r.html" -o "$TMP/r.csv" -q
expect_grep "^${note:-x} pairs below 0.9 were not reported" <(sed 's/<p>/\n/g' "$TMP/r.html")
expect_exit 0 "$WATCHLINK" match "$S/idn.csv" "$S/mys.csv" --keep-outranked --report "$TMP/r2.html" -o "$TMP/r2.csv" -q
expect_grep 'outranked pairs kept' "$TMP/r2.html"

# Not an option of the commands that do not pair lists.
expect_exit 1 "$WATCHLINK" inspect "$S/idn.csv" --keep-outranked
finish
