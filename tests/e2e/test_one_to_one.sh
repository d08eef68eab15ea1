#!/usr/bin/env bash
# End-to-end: --one-to-one keeps at most one partner per record in each other
# list, takes them best first, and only ever removes pairs.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
S="$here/../../datasets/sample"

# Two lists: every left and every right record at most once.
expect_exit 0 "$WATCHLINK" match "$S/idn.csv" "$S/mys.csv" -o "$TMP/all.csv" -q
expect_exit 0 "$WATCHLINK" match "$S/idn.csv" "$S/mys.csv" --one-to-one -o "$TMP/one.csv" -q
dups=$(tail -n +2 "$TMP/one.csv" | cut -d, -f1,2 | sort | uniq -d | wc -l)
[ "$dups" -eq 0 ] && ok || fail "$dups left records have two partners under --one-to-one"
dups=$(tail -n +2 "$TMP/one.csv" | cut -d, -f3,4 | sort | uniq -d | wc -l)
[ "$dups" -eq 0 ] && ok || fail "$dups right records have two partners under --one-to-one"
# The sample holds records with two partners, so the option has work to do.
multi=$(tail -n +2 "$TMP/all.csv" | cut -d, -f1,2 | sort | uniq -d | wc -l)
[ "$multi" -gt 0 ] && ok || fail "the sample gave no record with two partners: the test proves nothing"
# A subset of the plain run, with the same probabilities.
extra=$(comm -13 <(tail -n +2 "$TMP/all.csv" | sort) <(tail -n +2 "$TMP/one.csv" | sort) | wc -l)
[ "$extra" -eq 0 ] && ok || fail "$extra pairs appear only under --one-to-one"

# Precision does not fall and the pairs kept are mostly true ones.
expect_exit 0 "$WATCHLINK" eval --truth "$S/truth_pairs.csv" "$TMP/all.csv"
p_all=$(awk 'NR==2 {print $5}' "$TMP/out")
expect_exit 0 "$WATCHLINK" eval --truth "$S/truth_pairs.csv" "$TMP/one.csv"
p_one=$(awk 'NR==2 {print $5}' "$TMP/out")
awk -v a="$p_all" -v b="$p_one" 'BEGIN { exit !(b >= a) }' && ok || fail "precision fell from $p_all to $p_one"

# Three lists: one partner per record in each other list, so a record may keep two.
expect_exit 0 "$WATCHLINK" link "$S/idn.csv" "$S/mys.csv" "$S/tha.csv" --one-to-one -o "$TMP/l3.csv" -q
dups=$(tail -n +2 "$TMP/l3.csv" | awk -F, '{print $1","$2","$3; print $3","$4","$1}' | sort | uniq -d | wc -l)
[ "$dups" -eq 0 ] && ok || fail "$dups records have two partners in one list under --one-to-one"
two=$(tail -n +2 "$TMP/l3.csv" | awk -F, '{print $1","$2; print $3","$4}' | sort | uniq -d | wc -l)
[ "$two" -gt 0 ] && ok || fail "no record kept a partner in each of the two other lists"

# The same bytes for 1 and 2 threads.
expect_exit 0 "$WATCHLINK" link "$S/idn.csv" "$S/mys.csv" "$S/tha.csv" --one-to-one --threads 1 -o "$TMP/t1.csv" -q
cmp -s "$TMP/l3.csv" "$TMP/t1.csv" && ok || fail "--one-to-one output depends on the thread count"
finish
