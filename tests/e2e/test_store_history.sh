#!/usr/bin/env bash
# End-to-end: `watchlink history` (issue 12). index, update and review each
# record a run and the events of the persons they touched; history prints one
# person's trail oldest first: records new to it, joined, merged in or split
# off (with the person they came from or left), removed, and the decisions
# that touched it with their notes.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
S="$here/../../datasets/sample"
W="$WATCHLINK"
person_of() { awk -F, -v s="$2" -v i="$3" '$2 == s && $3 == i {print $1}' "$1"; }
HDR=at,run,command,event,person_id,source,id,other_person_id,other_source,other_id,note
T='[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'

expect_exit 0 "$W" train "$S/idn.csv" "$S/mys.csv" "$S/tha.csv" --model "$TMP/m.json" -q
expect_exit 0 "$W" index "$TMP/s.db" "$S/idn.csv" "$S/mys.csv" --model "$TMP/m.json" -q
expect_exit 0 "$W" export "$TMP/s.db" -o "$TMP/p0.csv" --clusters "$TMP/c0.csv"

# A person of two records: after index its history is those two, new, run 1.
p=$(tail -n +2 "$TMP/c0.csv" | cut -d, -f1 | sort -n | uniq -c | awk '$1 == 2 {print $2; exit}')
read -r A_S A_I B_S B_I <<<"$(awk -F, -v p="$p" '$1 == p {printf "%s %s ", $2, $3}' "$TMP/c0.csv")"
expect_exit 0 "$W" history "$TMP/s.db" "$p" -o "$TMP/h1.csv"
head -1 "$TMP/h1.csv" | grep -qx "$HDR" && ok || fail "history header"
[ "$(wc -l <"$TMP/h1.csv")" -eq 3 ] && ok || fail "a new two-record person: wanted two events"
expect_grep "^$T,1,index,new,$p,$A_S,$A_I,,,,$" "$TMP/h1.csv"
expect_grep "^$T,1,index,new,$p,$B_S,$B_I,,,,$" "$TMP/h1.csv"

# review: B is ruled out of A's person (a split: B gets a new id); the
# decision and the split are in the histories of both persons.
printf 'left_source,left_id,right_source,right_id,decision,note\n%s,%s,%s,%s,not_match,"twins, see file 12"\n' \
  "$A_S" "$A_I" "$B_S" "$B_I" >"$TMP/d.csv"
expect_exit 0 "$W" review "$TMP/s.db" "$TMP/d.csv" -q
expect_exit 0 "$W" export "$TMP/s.db" -o /dev/null --clusters "$TMP/c1.csv"
q=$(person_of "$TMP/c1.csv" "$B_S" "$B_I")
[ "$q" != "$p" ] && [ "$(person_of "$TMP/c1.csv" "$A_S" "$A_I")" = "$p" ] && ok || fail "the review did not split $p"
expect_exit 0 "$W" history "$TMP/s.db" "$p"
expect_grep "^$T,2,review,not_match,$p,$A_S,$A_I,$q,$B_S,$B_I,\"twins, see file 12\"$" "$TMP/out"
expect_grep "^$T,2,review,split,$q,$B_S,$B_I,$p,,,$" "$TMP/out"
# Oldest first: index's events before review's.
[ "$(cut -d, -f2 "$TMP/out" | tail -n +2 | tr '\n' ' ')" = "1 1 2 2 " ] && ok || fail "history not in run order"
expect_exit 0 "$W" history "$TMP/s.db" "$q" -o "$TMP/hq.csv"
expect_grep "^$T,2,review,split,$q,$B_S,$B_I,$p,,,$" "$TMP/hq.csv"
expect_grep "^$T,2,review,not_match,$p,$A_S,$A_I,$q," "$TMP/hq.csv"

# update: tha's records joining a person are in its history, run 3; a removed
# record leaves it (update --remove), run 4.
expect_exit 0 "$W" update "$TMP/s.db" "$S/tha.csv" --changes "$TMP/ch.csv" -q
line=$(grep '^joined,' "$TMP/ch.csv" | head -1)
[ -n "$line" ] && ok || fail "tha joined no person"
IFS=, read -r _ jp js ji _ <<<"$line"
expect_exit 0 "$W" history "$TMP/s.db" "$jp"
expect_grep "^$T,3,update,joined,$jp,$js,$ji,,,,$" "$TMP/out"
{ head -1 "$S/tha.csv"; grep "^$ji," "$S/tha.csv"; } >"$TMP/tha.csv"
expect_exit 0 "$W" update "$TMP/s.db" --remove "$TMP/tha.csv" -q
expect_exit 0 "$W" history "$TMP/s.db" "$jp"
expect_grep "^$T,4,update,removed,$jp,tha,$ji,,,,$" "$TMP/out"
expect_exit 0 "$W" index --check "$TMP/s.db"

# An unknown person, a bad id, a missing store.
expect_exit 1 "$W" history "$TMP/s.db" 99999999
expect_grep "no person 99999999" "$TMP/err"
[ ! -s "$TMP/out" ] && ok || fail "history of an unknown person wrote output"
expect_exit 1 "$W" history "$TMP/s.db" abc
expect_exit 1 "$W" history "$TMP/none.db" 1
finish
