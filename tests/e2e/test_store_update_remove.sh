#!/usr/bin/env bash
# End-to-end: the incremental `watchlink update` of a night that removes and
# replaces records (issue 12). The index file keeps a removed record (it is
# written once); its row id becomes a tombstone:
#  - after --remove the pairs are exactly those of the full run with the
#    frozen statistics (dedup --keep-outranked of the indexed lists) without
#    the removed records' pairs, the outranked rule applied again: a pair it
#    had dropped because of a removed record comes back, with the full run's
#    values; the persons are those of re-forming the whole store;
#  - the changes and the history say removed; a query no longer finds them;
#    index --check accepts the tombstones; 1 and 2 threads give one store;
#  - a replaced row is one record with its new fields, reported updated (or
#    merged, split), found by a query in its new version only;
#  - removing more than a quarter since the last refit refits (no tombstone
#    left); a store of format 3 is upgraded; kill -9 leaves the store before
#    or after, and consistent.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
S="$here/../../datasets/sample"
W="$WATCHLINK"

expect_exit 0 "$W" train "$S/idn.csv" "$S/mys.csv" "$S/tha.csv" --model "$TMP/m.json" -q
expect_exit 0 "$W" dedup "$S/idn.csv" "$S/mys.csv" "$S/tha.csv" --model "$TMP/m.json" --keep-outranked \
  -o "$TMP/full.csv" -q
expect_exit 0 "$W" index "$TMP/s.db" "$S/idn.csv" "$S/mys.csv" "$S/tha.csv" --model "$TMP/m.json" -q
expect_exit 0 "$W" export "$TMP/s.db" -o "$TMP/p0.csv" --clusters "$TMP/c0.csv"
cp_store "$TMP/s.db" "$TMP/orig.db"

# The removed: 12 mys records whose best idn or tha partner outranked another
# pair (so the rule must bring that pair back), and 8 more with a pair.
mkdir -p "$TMP/rm"
python3 - "$TMP/full.csv" "$TMP/p0.csv" "$S/mys.csv" "$TMP/rm/mys.csv" <<'PY'
import csv, sys
full, p0 = (list(csv.DictReader(open(f))) for f in sys.argv[1:3])
key = lambda r: (r["left_source"], r["left_id"], r["right_source"], r["right_id"])
stored = {key(r) for r in p0}
dropped = [r for r in full if key(r) not in stored]
assert dropped, "no outranked pair in the full run: the test proves little"
# a record whose pair outranked a dropped one: the dropped pair's record's best partner
best = {}
for r in p0:
    for a, b in ((("left_source", "left_id"), ("right_source", "right_id")),
                 (("right_source", "right_id"), ("left_source", "left_id"))):
        k = (r[a[0]], r[a[1]], r[b[0]])
        v = (float(r["match_weight"]), r[b[1]])
        if k not in best or v > best[k]:
            best[k] = v
pick = []
for r in dropped:
    for a, b in ((("left_source", "left_id"), ("right_source", "right_id")),
                 (("right_source", "right_id"), ("left_source", "left_id"))):
        if r[b[0]] == "mys":
            k = (r[a[0]], r[a[1]], "mys")
            if k in best and best[k][1] not in pick and best[k][1] != r[b[1]]:
                pick.append(best[k][1])
pick = sorted(set(pick))[:12]
paired = sorted({r[s + "_id"] for r in p0 for s in ("left", "right") if r[s + "_source"] == "mys"} - set(pick))
pick += paired[:8]
rows = list(csv.reader(open(sys.argv[3])))
with open(sys.argv[4], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(rows[0])
    w.writerows(r for r in rows[1:] if r[0] in set(pick))
print(len(pick), file=sys.stderr)
PY
n_rm=$(($(wc -l <"$TMP/rm/mys.csv") - 1))
[ "$n_rm" -ge 15 ] && ok || fail "only $n_rm records to remove"

# A changes file that cannot be written fails the update before it changes the store.
cp_store "$TMP/s.db" "$TMP/bad.db"
expect_exit 1 "$W" update "$TMP/bad.db" --remove "$TMP/rm/mys.csv" --changes "$TMP/nodir/ch.csv" -q
[ "$(count "$TMP/bad.db" "SELECT count(*) FROM records")" -eq 6000 ] && ok || fail "a failed update changed the store"

expect_exit 0 "$W" update "$TMP/s.db" --remove "$TMP/rm/mys.csv" --changes "$TMP/ch1.csv"
expect_grep "matched incrementally" "$TMP/err"
expect_grep "$n_rm removed" "$TMP/err"
expect_exit 0 "$W" index --check "$TMP/s.db"
[ "$(count "$TMP/s.db" "SELECT count(*) FROM tombstones")" -eq "$n_rm" ] && ok || fail "the removed records are no tombstones"
[ "$(count "$TMP/s.db" "SELECT count(*) FROM records")" -eq $((6000 - n_rm)) ] && ok || fail "records not removed"
expect_exit 0 "$W" export "$TMP/s.db" -o "$TMP/p1.csv" --clusters "$TMP/c1.csv"

python3 - "$TMP/full.csv" "$TMP/p0.csv" "$TMP/p1.csv" "$TMP/rm/mys.csv" "$TMP/ch1.csv" "$TMP/c0.csv" <<'PY' \
  && ok || fail "the pairs after --remove are not the full run's without the removed records"
import csv, sys
full, p0, p1, rm, ch, c0 = (list(csv.DictReader(open(f))) for f in sys.argv[1:7])
gone = {("mys", r["no"]) for r in rm}
key = lambda r: (r["left_source"], r["left_id"], r["right_source"], r["right_id"])
val = lambda r: (r["probability"], r["match_weight"])
SURE = 3.169925  # log2(0.9 / 0.1): the rule keeps a pair at or above 0.9
live = [r for r in full if (r["left_source"], r["left_id"]) not in gone and (r["right_source"], r["right_id"]) not in gone]
best = {}
for r in live:
    w = float(r["match_weight"])
    for a, b in (("left", "right"), ("right", "left")):
        k = (r[a + "_source"], r[a + "_id"], r[b + "_source"])
        best[k] = max(best.get(k, w), w)
want = {}
for r in live:
    w = float(r["match_weight"])
    if r["left_source"] != r["right_source"] and w < SURE and \
       w < best[(r["left_source"], r["left_id"], r["right_source"])] and \
       w < best[(r["right_source"], r["right_id"], r["left_source"])]:
        continue
    want[key(r)] = val(r)
got = {key(r): val(r) for r in p1}
back = set(got) - {key(r) for r in p0}
assert back, "no pair came back: the test proves little"
assert got == want, (sorted(set(got) ^ set(want))[:5], [(k, got[k], want[k]) for k in got if k in want and got[k] != want[k]][:5])
person = {(r["source"], r["id"]): r["cluster_id"] for r in c0}
removed = {(r["source"], r["id"]): r["previous_person_id"] for r in ch if r["change"] == "removed"}
assert removed == {k: person[k] for k in gone}, "removed changes"
assert all(r["person_id"] == "" for r in ch if r["change"] == "removed")
PY

# Re-forming the whole store from its pairs gives the same persons.
printf 'left_source,left_id,right_source,right_id,decision\n' >"$TMP/none.csv"
expect_exit 0 "$W" review "$TMP/s.db" "$TMP/none.csv" --changes "$TMP/rv.csv" -q
[ "$(wc -l <"$TMP/rv.csv")" -eq 1 ] && ok || fail "re-forming the whole store moved records the update did not"

# A person that lost a record: its history says so.
gone_id=$(sed -n 2p "$TMP/rm/mys.csv" | cut -d, -f1)
gone_p=$(awk -F, -v id="$gone_id" '$1 == "removed" && $4 == id {print $5}' "$TMP/ch1.csv")
expect_exit 0 "$W" history "$TMP/s.db" "$gone_p" -o "$TMP/h.csv"
expect_grep ",update,removed,$gone_p,mys,$gone_id," "$TMP/h.csv"

# A query no longer finds a removed record (its row as query, under another source).
cp "$TMP/rm/mys.csv" "$TMP/probe.csv"
expect_exit 0 "$W" query "$TMP/s.db" "$TMP/probe.csv" --top 100 -o "$TMP/q.csv" -q
python3 - "$TMP/q.csv" "$TMP/rm/mys.csv" <<'PY' && ok || fail "a query found a removed record"
import csv, sys
q, rm = (list(csv.DictReader(open(f))) for f in sys.argv[1:3])
gone = {r["no"] for r in rm}
assert q, "no hit at all"
assert not [r for r in q if r["source"] == "mys" and r["id"] in gone]
PY
expect_exit 0 "$W" query "$TMP/orig.db" "$TMP/probe.csv" --top 100 -o "$TMP/q0.csv" -q
[ "$(grep -c ',mys,' "$TMP/q0.csv")" -ge "$n_rm" ] && ok || fail "before the removal the query found them not: it proves little"

# 1 and 2 threads: the same store.
cp_store "$TMP/orig.db" "$TMP/t1.db"
expect_exit 0 "$W" update "$TMP/t1.db" --remove "$TMP/rm/mys.csv" --threads 1 -q
expect_exit 0 "$W" export "$TMP/t1.db" -o "$TMP/t1p.csv" --clusters "$TMP/t1c.csv"
cmp -s "$TMP/t1p.csv" "$TMP/p1.csv" && cmp -s "$TMP/t1c.csv" "$TMP/c1.csv" && ok || fail "1 and 2 threads differ"

# A replaced row: one record, its new fields, its pairs; a query finds the new version.
{ head -1 "$S/tha.csv"; sed -n 2,6p "$S/tha.csv"; } >"$TMP/tha.csv"
rid=$(sed -n 2p "$TMP/tha.csv" | cut -d, -f1)
sed -i "2s/^\([^,]*\),\([^,]*\),/\1,\2 Zed,/" "$TMP/tha.csv"
expect_exit 0 "$W" update "$TMP/s.db" "$TMP/tha.csv" --changes "$TMP/ch2.csv"
expect_grep "1 replaced" "$TMP/err"
expect_grep "matched incrementally" "$TMP/err"
expect_grep "^updated,[0-9]*,tha,$rid,\|^split,[0-9]*,tha,$rid,\|^merged,[0-9]*,tha,$rid,\|^joined,[0-9]*,tha,$rid," "$TMP/ch2.csv"
[ "$(wc -l <"$TMP/ch2.csv")" -ge 2 ] && ok || fail "no change reported"
[ "$(count "$TMP/s.db" "SELECT count(*) FROM records WHERE source='tha' AND id='$rid' AND fields LIKE '%Zed%'")" -eq 1 ] \
  && ok || fail "the changed row was not replaced"
[ "$(count "$TMP/s.db" "SELECT count(*) FROM records")" -eq $((6000 - n_rm)) ] && ok || fail "a replaced row was added twice"
[ "$(count "$TMP/s.db" "SELECT count(*) FROM tombstones")" -eq $((n_rm + 1)) ] && ok || fail "the old version is no tombstone"
expect_exit 0 "$W" index --check "$TMP/s.db"
expect_exit 0 "$W" review "$TMP/s.db" "$TMP/none.csv" --changes "$TMP/rv2.csv" -q
[ "$(wc -l <"$TMP/rv2.csv")" -eq 1 ] && ok || fail "after a replacement the whole store re-formed differs"
{ head -1 "$S/tha.csv"; sed -n 2p "$TMP/tha.csv"; } >"$TMP/probe2.csv"
expect_exit 0 "$W" query "$TMP/s.db" "$TMP/probe2.csv" --top 100 -o "$TMP/q2.csv" -q
[ "$(grep -c ",tha,$rid," "$TMP/q2.csv")" -eq 1 ] && ok || fail "a query found the replaced record not once"
pid=$(count "$TMP/s.db" "SELECT person_id FROM records WHERE source='tha' AND id='$rid'")
expect_exit 0 "$W" export "$TMP/s.db" --clusters "$TMP/c2.csv" -o /dev/null
grep -q "^$pid,tha,$rid$" "$TMP/c2.csv" && ok || fail "export does not hold the replaced record's person"

# The next ord (a record's place in output order): 1 + the largest of the
# stored records', the removed ones not counted -- as "SELECT max(ord)" gave,
# now from the index file's ranks and the later records (store_update.c
# next_ord). The record last in output order leaves, then a new row comes.
last=$(count "$TMP/s.db" "SELECT source || ',' || id FROM records ORDER BY ord DESC LIMIT 1")
mkdir -p "$TMP/rm3"
{ head -1 "$S/${last%%,*}.csv"; grep "^${last#*,}," "$S/${last%%,*}.csv"; } >"$TMP/rm3/${last%%,*}.csv"
expect_exit 0 "$W" update "$TMP/s.db" --remove "$TMP/rm3/${last%%,*}.csv" -q
{ head -1 "$S/idn.csv"; sed -n 2p "$S/idn.csv" | sed 's/^[^,]*,/NEW-ORD-1,/'; } >"$TMP/idn_new.csv"
top=$(count "$TMP/s.db" "SELECT max(ord) FROM records")
expect_exit 0 "$W" update "$TMP/s.db" "$TMP/idn_new.csv" --source idn -q
[ "$(count "$TMP/s.db" "SELECT ord FROM records WHERE id = 'NEW-ORD-1'")" -eq $((top + 1)) ] \
  && ok || fail "a new record's ord is not 1 + the largest stored one"
{ head -1 "$S/idn.csv"; sed -n 3p "$S/idn.csv" | sed 's/^[^,]*,/NEW-ORD-2,/'; } >"$TMP/idn_new2.csv"
expect_exit 0 "$W" update "$TMP/s.db" "$TMP/idn_new2.csv" --source idn -q
[ "$(count "$TMP/s.db" "SELECT ord FROM records WHERE id = 'NEW-ORD-2'")" -eq $((top + 2)) ] \
  && ok || fail "the next night's record is not numbered after the later ones"
[ "$(count "$TMP/s.db" "SELECT count(*) - count(DISTINCT ord) FROM records")" -eq 0 ] && ok || fail "two records share an ord"
expect_exit 0 "$W" index --check "$TMP/s.db"
# index --check verifies that a record of the index file keeps its rank as its ord.
cp_store "$TMP/s.db" "$TMP/badord.db"
python3 -c "import sqlite3,sys; db=sqlite3.connect(sys.argv[1]); db.execute('UPDATE records SET ord = ord + 100000 WHERE rid = (SELECT min(rid) FROM records)'); db.commit()" "$TMP/badord.db"
expect_exit 1 "$W" index --check "$TMP/badord.db"
expect_grep "has ord" "$TMP/err"

# More than a quarter of the records removed since the last refit: this update refits.
gen=$(count "$TMP/s.db" "SELECT value FROM meta WHERE key = 'index_generation'")
mkdir -p "$TMP/rm2"
{ head -1 "$S/idn.csv"; sed -n 2,1600p "$S/idn.csv"; } >"$TMP/rm2/idn.csv"
expect_exit 0 "$W" update "$TMP/s.db" --remove "$TMP/rm2/idn.csv"
expect_grep "refits the store" "$TMP/err"
[ -s "$TMP/s.db.idx.$((gen + 1))" ] && ok || fail "the refit wrote no new index file"
[ "$(count "$TMP/s.db" "SELECT count(*) FROM tombstones")" -eq 0 ] && ok || fail "a refit left tombstones"
expect_exit 0 "$W" index --check "$TMP/s.db"

# A store of format 3 (no tombstones table: every update rewrote the index
# file) is upgraded to 4 and then removes incrementally.
cp_store "$TMP/orig.db" "$TMP/v3.db"
python3 - "$TMP/v3.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("DROP TABLE tombstones")
db.execute("UPDATE meta SET value='3' WHERE key='format_version'")
db.commit()
PY
expect_exit 0 "$W" update "$TMP/v3.db" --remove "$TMP/rm/mys.csv"
expect_grep "matched incrementally" "$TMP/err"
[ "$(count "$TMP/v3.db" "SELECT value FROM meta WHERE key='format_version'")" = 4 ] && ok || fail "format 3 not upgraded to 4"
expect_exit 0 "$W" export "$TMP/v3.db" -o "$TMP/v3p.csv"
cmp -s "$TMP/v3p.csv" "$TMP/p1.csv" && ok || fail "the upgraded store removed otherwise"

# kill -9 at moments spread over an incremental removal: before or after, never half.
after_pairs=$(($(wc -l <"$TMP/p1.csv") - 1))
before_pairs=$(($(wc -l <"$TMP/p0.csv") - 1))
before_or_after() {
  local n pairs tombs
  n=$(count "$1" "SELECT count(*) FROM records")
  pairs=$(count "$1" "SELECT count(*) FROM pairs")
  tombs=$(count "$1" "SELECT count(*) FROM tombstones")
  { [ "$n" -eq 6000 ] && [ "$pairs" -eq "$before_pairs" ] && [ "$tombs" -eq 0 ]; } ||
    { [ "$n" -eq $((6000 - n_rm)) ] && [ "$pairs" -eq "$after_pairs" ] && [ "$tombs" -eq "$n_rm" ]; } ||
    { echo "  $n records, $pairs pairs, $tombs tombstones" >&2; return 1; }
}
kill_nine "$TMP/orig.db" "$TMP/k.db" before_or_after -- "$W" update "$TMP/k.db" --remove "$TMP/rm/mys.csv" -q
finish
