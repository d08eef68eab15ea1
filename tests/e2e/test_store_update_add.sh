#!/usr/bin/env bash
# End-to-end: the incremental `watchlink update` (issue 12). A night that only
# adds records (a few against the store) is matched against the index file,
# not the whole store again:
#  - its pairs with stored records are those `query` finds for the same rows,
#    same probabilities; the stored pairs keep theirs;
#  - re-forming only the new records' part gives the persons of re-forming the
#    whole store from its pairs (a `review` without decisions then changes
#    nothing);
#  - a later query finds the records added since the index file; a second
#    night matches against them too;
#  - an identical night changes nothing; too many records since the last refit
#    refit the store; the same store for 1 and 2 threads; kill -9 leaves the
#    store before or after, and consistent.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
S="$here/../../datasets/sample"
W="$WATCHLINK"
rows() { { head -1 "$S/tha.csv"; sed -n "$1,$2p" "$S/tha.csv"; } >"$3"; } # rows FIRST LAST FILE (file lines)

expect_exit 0 "$W" index "$TMP/s.db" "$S/idn.csv" "$S/mys.csv" -q
expect_exit 0 "$W" export "$TMP/s.db" -o "$TMP/p0.csv" --clusters "$TMP/c0.csv"
cp_store "$TMP/s.db" "$TMP/orig.db"
rows 2 301 "$TMP/night1.csv"
# what a query of the night's rows finds (as another source, before they are stored)
cp "$TMP/night1.csv" "$TMP/probe.csv"
expect_exit 0 "$W" query "$TMP/s.db" "$TMP/probe.csv" --top 1000 -o "$TMP/q1.csv" -q

# A changes file that cannot be written fails the update before it changes the store.
cp_store "$TMP/s.db" "$TMP/bad.db"
expect_exit 1 "$W" update "$TMP/bad.db" "$TMP/night1.csv" --source tha --changes "$TMP/nodir/ch.csv" -q
[ "$(count "$TMP/bad.db" "SELECT count(*) FROM records")" -eq 4000 ] && ok || fail "a failed update changed the store"

expect_exit 0 "$W" update "$TMP/s.db" "$TMP/night1.csv" --source tha --changes "$TMP/ch1.csv"
expect_grep "300 added" "$TMP/err"
expect_grep "matched incrementally" "$TMP/err"
expect_exit 0 "$W" index --check "$TMP/s.db"
expect_exit 0 "$W" export "$TMP/s.db" -o "$TMP/p1.csv" --clusters "$TMP/c1.csv"
[ "$(count "$TMP/s.db" "SELECT count(*) FROM records")" -eq 4300 ] && ok || fail "the night's records were not all added"

python3 - "$TMP/p0.csv" "$TMP/p1.csv" "$TMP/q1.csv" "$TMP/ch1.csv" <<'PY' && ok || fail "incremental pairs or changes are not the query's"
import csv, sys
p0, p1, q1, ch = (list(csv.DictReader(open(f))) for f in sys.argv[1:5])
key = lambda r: (r["left_source"], r["left_id"], r["right_source"], r["right_id"])
old = {key(r): (r["probability"], r["match_weight"]) for r in p0}
hits = {(r["query_id"], r["source"], r["id"]): (r["probability"], r["match_weight"]) for r in q1}
new = 0
for r in p1:
    k, v = key(r), (r["probability"], r["match_weight"])
    sides = {r["left_source"], r["right_source"]}
    if "tha" not in sides:
        assert old.get(k) == v, ("a stored pair changed", k, v, old.get(k))
    elif sides != {"tha"}:
        t, s = (r["left_id"], (r["right_source"], r["right_id"])) if r["left_source"] == "tha" else \
               (r["right_id"], (r["left_source"], r["left_id"]))
        assert hits.get((t,) + s) == v, ("not the query's pair", k, v, hits.get((t,) + s))
        new += 1
assert new > 200, new
kinds = {}
for r in ch:
    if r["source"] == "tha":
        kinds[r["id"]] = r["change"]
assert len(kinds) == 300 and set(kinds.values()) <= {"new", "joined"}, kinds
PY

# Re-forming the whole store from its pairs gives the same persons.
printf 'left_source,left_id,right_source,right_id,decision\n' >"$TMP/none.csv"
expect_exit 0 "$W" review "$TMP/s.db" "$TMP/none.csv" --changes "$TMP/rv.csv" -q
[ "$(wc -l <"$TMP/rv.csv")" -eq 1 ] && ok || fail "re-forming the whole store moved records the update did not"

# The same night again: nothing changes.
expect_exit 0 "$W" update "$TMP/s.db" "$TMP/night1.csv" --source tha --changes "$TMP/ch1b.csv"
expect_grep "nothing changed" "$TMP/err"
[ "$(wc -l <"$TMP/ch1b.csv")" -eq 1 ] && ok || fail "an identical night reported changes"

# A query finds a record added since the index file (a copy of a night's row).
rows 2 21 "$TMP/copy.csv"
expect_exit 0 "$W" query "$TMP/s.db" "$TMP/copy.csv" --top 50 -o "$TMP/qc.csv"
expect_grep "4300 stored" "$TMP/err"
python3 - "$TMP/qc.csv" <<'PY' && ok || fail "the query did not find the records added since the index file"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
found = {r["query_id"] for r in rows if r["source"] == "tha" and r["id"] == r["query_id"]}
assert len(found) >= 18, found
PY

# A second night: matched against the index and the first night's records.
cp_store "$TMP/s.db" "$TMP/after1.db"
rows 302 601 "$TMP/night2.csv"
expect_exit 0 "$W" update "$TMP/s.db" "$TMP/night2.csv" --source tha -q
expect_exit 0 "$W" index --check "$TMP/s.db"
expect_exit 0 "$W" review "$TMP/s.db" "$TMP/none.csv" --changes "$TMP/rv2.csv" -q
[ "$(wc -l <"$TMP/rv2.csv")" -eq 1 ] && ok || fail "second night: the whole store re-formed differs"
n_tt=$(count "$TMP/s.db" "SELECT count(*) FROM pairs p JOIN records l ON l.rid = p.left_rid JOIN records r ON r.rid = p.right_rid WHERE l.source = 'tha' AND r.source = 'tha' AND (l.rid <= 4300) != (r.rid <= 4300)")
[ "$n_tt" -ge 1 ] && ok || fail "no pair between the two nights' records"

# 1 and 2 threads: the same store.
cp_store "$TMP/after1.db" "$TMP/t1.db"
expect_exit 0 "$W" update "$TMP/t1.db" "$TMP/night2.csv" --source tha --threads 1 -q
expect_exit 0 "$W" export "$TMP/t1.db" -o "$TMP/t1p.csv" --clusters "$TMP/t1c.csv"
expect_exit 0 "$W" export "$TMP/s.db" -o "$TMP/t2p.csv" --clusters "$TMP/t2c.csv"
cmp -s "$TMP/t1p.csv" "$TMP/t2p.csv" && cmp -s "$TMP/t1c.csv" "$TMP/t2c.csv" && ok || fail "1 and 2 threads differ"

# More than a quarter of the records at the last refit: this update refits.
gen=$(count "$TMP/s.db" "SELECT value FROM meta WHERE key = 'index_generation'")
rows 602 1201 "$TMP/night3.csv"
expect_exit 0 "$W" update "$TMP/s.db" "$TMP/night3.csv" --source tha
expect_grep "refits the store" "$TMP/err"
[ -s "$TMP/s.db.idx.$((gen + 1))" ] && ok || fail "the refit wrote no new index file"
expect_exit 0 "$W" index --check "$TMP/s.db"

# kill -9 at moments spread over an incremental update: before or after, never half.
after_pairs=$(($(wc -l <"$TMP/p1.csv") - 1))
before_pairs=$(($(wc -l <"$TMP/p0.csv") - 1))
before_or_after() {
  local n pairs
  n=$(count "$1" "SELECT count(*) FROM records")
  pairs=$(count "$1" "SELECT count(*) FROM pairs")
  { [ "$n" -eq 4000 ] && [ "$pairs" -eq "$before_pairs" ]; } ||
    { [ "$n" -eq 4300 ] && [ "$pairs" -eq "$after_pairs" ]; } ||
    { echo "  $n records and $pairs pairs" >&2; return 1; }
}
kill_nine "$TMP/orig.db" "$TMP/k.db" before_or_after -- "$W" update "$TMP/k.db" "$TMP/night1.csv" --source tha -q
finish
