#!/usr/bin/env bash
# End-to-end: `watchlink update` (issue 12). index A then update B gives dedup
# A B's pairs and clusters (up to ids); persons nothing happened to keep their
# ids and every id change is in --changes; a changed row is replaced; a second
# identical update changes nothing; kill -9 in the middle of an update leaves
# the store as it was or as it is after, and consistent.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
# A store is its database and its index file (STORE.idx.G): copy both.
S="$here/../../datasets/sample"
W="$WATCHLINK"

# The set of clusters, ids aside: one sorted line of members per cluster.
partition() {
  tail -n +2 "$1" | sort -t, -k2,3 | awk -F, '{m[$1] = m[$1] " " $2 ":" $3} END {for (c in m) print m[c]}' | sort
}

expect_exit 0 "$W" train "$S/idn.csv" "$S/mys.csv" "$S/tha.csv" --model "$TMP/m.json" -q
expect_exit 0 "$W" dedup "$S/idn.csv" "$S/mys.csv" "$S/tha.csv" --model "$TMP/m.json" \
  -o "$TMP/dedup.csv" --clusters "$TMP/dedup_cl.csv" -q

# index idn + mys, then update with tha.
expect_exit 0 "$W" index "$TMP/s.db" "$S/idn.csv" "$S/mys.csv" --model "$TMP/m.json" -q
expect_exit 0 "$W" export "$TMP/s.db" -o "$TMP/before.csv" --clusters "$TMP/before_cl.csv"
cp_store "$TMP/s.db" "$TMP/orig.db"
expect_exit 0 "$W" update "$TMP/s.db" "$S/tha.csv" --changes "$TMP/changes.csv" -q
expect_exit 0 "$W" export "$TMP/s.db" -o "$TMP/after.csv" --clusters "$TMP/after_cl.csv"
cmp -s "$TMP/dedup.csv" "$TMP/after.csv" && ok || fail "index + update pairs differ from dedup of all three"
cmp -s <(partition "$TMP/dedup_cl.csv") <(partition "$TMP/after_cl.csv") && ok \
  || fail "index + update clusters differ from dedup's (ids aside)"
expect_exit 0 "$W" index --check "$TMP/s.db"

# Stable ids: an old record whose person id changed is in the changes file with
# that previous id (merged or split); all others kept theirs, and most did.
head -1 "$TMP/changes.csv" | grep -qx 'change,person_id,source,id,previous_person_id' && ok || fail "changes header"
moved=$(join -t, -j1 <(tail -n +2 "$TMP/before_cl.csv" | awk -F, '{print $2":"$3","$1}' | sort) \
                      <(tail -n +2 "$TMP/after_cl.csv" | awk -F, '{print $2":"$3","$1}' | sort) \
        | awk -F, '$2 != $3 {print $1","$3","$2}' | sort)
reported=$(awk -F, '($1 == "merged" || $1 == "split") {print $3":"$4","$2","$5}' "$TMP/changes.csv" | sort)
[ "$moved" = "$reported" ] && ok || fail "person id changes and the changes file disagree"
kept=$(join -t, -j1 <(tail -n +2 "$TMP/before_cl.csv" | awk -F, '{print $2":"$3","$1}' | sort) \
                     <(tail -n +2 "$TMP/after_cl.csv" | awk -F, '{print $2":"$3","$1}' | sort) \
       | awk -F, '$2 == $3' | wc -l)
[ "$kept" -gt 3500 ] && ok || fail "only $kept of 4000 old records kept their person id"
# Every tha record is new: joined an existing person or is a new one.
[ "$(awk -F, '$3 == "tha" && ($1 == "new" || $1 == "joined")' "$TMP/changes.csv" | wc -l)" -eq 2000 ] && ok \
  || fail "not every tha record is reported new or joined"
# The same lists again: nothing changes.
expect_exit 0 "$W" update "$TMP/s.db" "$S/tha.csv" --changes "$TMP/changes2.csv" -q
[ "$(wc -l <"$TMP/changes2.csv")" -eq 1 ] && ok || fail "a repeated update reported changes"
expect_exit 0 "$W" export "$TMP/s.db" --clusters "$TMP/again_cl.csv" -o /dev/null
cmp -s "$TMP/after_cl.csv" "$TMP/again_cl.csv" && ok || fail "a repeated update moved person ids"

# A changed row is replaced (no second record) and reported as updated.
{ head -1 "$S/tha.csv"; tail -n +2 "$S/tha.csv" | head -5; } >"$TMP/tha.csv"
row=$(sed -n 2p "$TMP/tha.csv"); rid=${row%%,*}
sed -i "2s/^\([^,]*\),\([^,]*\),/\1,\2 Zed,/" "$TMP/tha.csv"
expect_exit 0 "$W" update "$TMP/s.db" "$TMP/tha.csv" --changes "$TMP/changes3.csv" -q
expect_grep "^updated,[0-9]*,tha,$rid,\|^split,[0-9]*,tha,$rid,\|^merged,[0-9]*,tha,$rid," "$TMP/changes3.csv"
[ "$(count "$TMP/s.db" "SELECT count(*) FROM records")" -eq 6000 ] && ok || fail "a replaced row was added twice"
[ "$(count "$TMP/s.db" "SELECT count(*) FROM records WHERE source='tha' AND id='$rid' AND fields LIKE '%Zed%'")" -eq 1 ] \
  && ok || fail "the changed row was not replaced"
expect_exit 1 "$W" update "$TMP/s.db" "$TMP/tha.csv" --model "$TMP/m.json" -q

# Bad rows are rejected one by one, as in every command; the rest is applied.
{ head -1 "$S/tha.csv"; echo 'TH-NEW-1,Somchai,Jaidee,,01/02/1980,Male,THA,,'; echo 'TH-BAD,only,three'; } >"$TMP/tha_bad.csv"
expect_exit 0 "$W" update "$TMP/s.db" "$TMP/tha_bad.csv" --rejects "$TMP/rejects.csv" --changes "$TMP/changes4.csv" -q
expect_grep "wrong field count" "$TMP/rejects.csv"
expect_grep "^new,[0-9]*,tha_bad,TH-NEW-1,$" "$TMP/changes4.csv"
[ "$(count "$TMP/s.db" "SELECT count(*) FROM records")" -eq 6001 ] && ok || fail "the bad list's good row was not added alone"
expect_exit 0 "$W" index --check "$TMP/s.db"

# Stored records are reloaded as their list read them: a list with the family
# name column before the given name (the features read name parts in column
# order), and two-digit birth years under the store's --reference-year.
awk -F, -v OFS=, '{t = $2; $2 = $3; $3 = t; print}' "$S/tha.csv" >"$TMP/thaswap.csv"
expect_exit 0 "$W" dedup "$TMP/thaswap.csv" "$S/idn.csv" --model "$TMP/m.json" -o "$TMP/sw_dedup.csv" -q
expect_exit 0 "$W" index "$TMP/sw.db" "$TMP/thaswap.csv" --model "$TMP/m.json" -q
expect_exit 0 "$W" update "$TMP/sw.db" "$S/idn.csv" -q
expect_exit 0 "$W" export "$TMP/sw.db" -o "$TMP/sw_exp.csv"
cmp -s "$TMP/sw_dedup.csv" "$TMP/sw_exp.csv" && ok || fail "family-name-first list: index + update differs from dedup"
sed -E 's#([0-9]{2})/([0-9]{2})/19([0-9]{2}),#\1/\2/\3,#' "$S/idn.csv" >"$TMP/idn_yy.csv"
expect_exit 0 "$W" dedup "$TMP/idn_yy.csv" "$S/mys.csv" --model "$TMP/m.json" --reference-year 1990 -o "$TMP/ry_dedup.csv" -q
expect_exit 0 "$W" dedup "$TMP/idn_yy.csv" "$S/mys.csv" --model "$TMP/m.json" -o "$TMP/ry_default.csv" -q
cmp -s "$TMP/ry_dedup.csv" "$TMP/ry_default.csv" && fail "the reference year changed nothing: the check proves nothing" || ok
expect_exit 0 "$W" index "$TMP/ry.db" "$TMP/idn_yy.csv" --model "$TMP/m.json" --reference-year 1990 -q
expect_exit 0 "$W" update "$TMP/ry.db" "$S/mys.csv" -q
expect_exit 0 "$W" export "$TMP/ry.db" -o "$TMP/ry_exp.csv"
cmp -s "$TMP/ry_dedup.csv" "$TMP/ry_exp.csv" && ok || fail "--reference-year 1990: index + update differs from dedup"

# Readers run while an update writes (WAL).
cp_store "$TMP/orig.db" "$TMP/c.db"
"$W" update "$TMP/c.db" "$S/tha.csv" -q & upd=$!
expect_exit 0 "$W" export "$TMP/c.db" -o "$TMP/during.csv"
wait $upd && ok || fail "the update beside a reader failed"
{ cmp -s "$TMP/during.csv" "$TMP/before.csv" || cmp -s "$TMP/during.csv" "$TMP/after.csv"; } && ok \
  || fail "a reader during an update saw neither the old nor the new pairs"

# The same store for 1 and 2 threads.
cp_store "$TMP/orig.db" "$TMP/t1.db"
expect_exit 0 "$W" update "$TMP/t1.db" "$S/tha.csv" --threads 1 -q
expect_exit 0 "$W" export "$TMP/t1.db" -o "$TMP/t1.csv" --clusters "$TMP/t1_cl.csv"
cmp -s "$TMP/t1.csv" "$TMP/after.csv" && cmp -s "$TMP/t1_cl.csv" "$TMP/after_cl.csv" && ok \
  || fail "update with 1 thread gave another store than with 2"

# --remove: the rows of a list leave the store (reported with the person they
# left); after a refit the rest is what dedup finds without them (the
# incremental removal keeps the frozen statistics, which still count them:
# test_store_update_remove.sh checks it against the full run they come from).
mkdir -p "$TMP/rm" "$TMP/rest"
{ head -1 "$S/tha.csv"; sed -n 2,4p "$S/tha.csv"; } >"$TMP/rm/tha.csv"
{ head -1 "$S/tha.csv"; tail -n +5 "$S/tha.csv"; } >"$TMP/rest/tha.csv"
expect_exit 0 "$W" dedup "$S/idn.csv" "$S/mys.csv" "$TMP/rest/tha.csv" --model "$TMP/m.json" -o "$TMP/rest.csv" -q
expect_exit 0 "$W" update "$TMP/c.db" --remove "$TMP/rm/tha.csv" --refit --changes "$TMP/changes5.csv" -q
expect_exit 0 "$W" export "$TMP/c.db" -o "$TMP/removed.csv" --clusters "$TMP/removed_cl.csv"
cmp -s "$TMP/rest.csv" "$TMP/removed.csv" && ok || fail "after --remove the pairs differ from dedup without the rows"
for id in $(sed -n 2,4p "$S/tha.csv" | cut -d, -f1); do
  before=$(awk -F, -v id="$id" '$2 == "tha" && $3 == id {print $1}' "$TMP/after_cl.csv")
  expect_grep "^removed,,tha,$id,$before$" "$TMP/changes5.csv"
done
[ "$(tail -n +2 "$TMP/removed_cl.csv" | wc -l)" -eq 5997 ] && ok || fail "--remove left the wrong number of records"
expect_exit 0 "$W" index --check "$TMP/c.db"
expect_exit 1 "$W" update "$TMP/c.db" "$S/tha.csv" --remove "$S/tha.csv" -q
expect_grep "both in a list and in --remove" "$TMP/err"

# kill -9 at moments spread over an update (fractions of the faster of two
# measured runs, so the kills land while it reads, fits and writes even when
# the first run was slowed by a cold cache): the store is the old one or the
# new one, never half, and passes the check.
before_n=$(count "$TMP/orig.db" "SELECT count(*) FROM records")
ms=
for run in 1 2; do
  cp_store "$TMP/orig.db" "$TMP/k.db"
  t0=$(date +%s%N); "$W" update "$TMP/k.db" "$S/tha.csv" -q; t1=$(date +%s%N)
  m=$(( (t1 - t0) / 1000000 ))
  if [ -z "$ms" ] || [ "$m" -lt "$ms" ]; then ms=$m; fi
done
killed=0
for pct in 3 10 20 30 45 60; do
  delay=$(awk -v p="$pct" -v ms="$ms" 'BEGIN { printf "%.3f", (ms * p / 100 + 5) / 1000 }')
  cp_store "$TMP/orig.db" "$TMP/k.db"
  rc=$( (timeout -s KILL "$delay" "$W" update "$TMP/k.db" "$S/tha.csv" -q; echo $?) 2>/dev/null )
  [ "$rc" -eq 137 ] && killed=$((killed + 1))
  expect_exit 0 "$W" index --check "$TMP/k.db"
  n=$(count "$TMP/k.db" "SELECT count(*) FROM records")
  pairs=$(count "$TMP/k.db" "SELECT count(*) FROM pairs")
  if [ "$n" -eq "$before_n" ] && [ "$pairs" -eq "$(($(wc -l <"$TMP/before.csv") - 1))" ]; then ok
  elif [ "$n" -eq 6000 ] && [ "$pairs" -eq "$(($(wc -l <"$TMP/after.csv") - 1))" ]; then ok
  else fail "after kill -9 at ${delay}s: $n records and $pairs pairs, neither before nor after"; fi
done
[ "$killed" -ge 3 ] && ok || fail "only $killed of 6 updates (${ms} ms each) were killed: the test proves little"
finish
