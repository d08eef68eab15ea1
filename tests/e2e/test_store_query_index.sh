#!/usr/bin/env bash
# End-to-end: query through the store's index file (issue 12, step 2). On the
# sample (idn and mys stored, tha screened) the fast path writes the bytes of
# the full path (--full: one run over the whole store with the query as focus),
# with --explain, --top, --sources, after an update too; below the threshold its
# candidates are a superset of the full run's, each with the same values; it
# reads no stored record but the hits' (the others' fields damaged: the fast
# path still answers); a store without an index file takes the full path.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
S="$here/../../datasets/sample"
W="$WATCHLINK"

expect_exit 0 "$W" index "$TMP/s.db" "$S/idn.csv" "$S/mys.csv" -q
expect_exit 0 "$W" query "$TMP/s.db" "$S/tha.csv" --explain -o "$TMP/fast.csv"
expect_grep "through the index file" "$TMP/err"
expect_exit 0 "$W" query "$TMP/s.db" "$S/tha.csv" --explain --full -o "$TMP/full.csv"
[ "$(wc -l <"$TMP/fast.csv")" -gt 1000 ] && ok || fail "too few hits to prove anything"
cmp -s "$TMP/fast.csv" "$TMP/full.csv" && ok || fail "fast and full query differ"
python3 -c "import csv,sys; sys.exit(0 if any(r['valid_doc'] == '1' for r in csv.DictReader(open(sys.argv[1]))) else 1)" \
  "$TMP/fast.csv" && ok || fail "no valid_doc hit in the sample query"
for opts in "--top 3" "--sources idn" "--threshold 0.6 --top 1"; do
  # shellcheck disable=SC2086
  expect_exit 0 "$W" query "$TMP/s.db" "$S/tha.csv" $opts -o "$TMP/f.csv" -q
  # shellcheck disable=SC2086
  expect_exit 0 "$W" query "$TMP/s.db" "$S/tha.csv" $opts --full -o "$TMP/g.csv" -q
  cmp -s "$TMP/f.csv" "$TMP/g.csv" && ok || fail "fast and full query differ with $opts"
done

# Every candidate (threshold 0): the full run's hits are all there, with the
# same values; the fast path has more (no partner cap, frozen splits).
expect_exit 0 "$W" query "$TMP/s.db" "$S/tha.csv" --threshold 0 --top 1000000 -o "$TMP/f0.csv" -q
expect_exit 0 "$W" query "$TMP/s.db" "$S/tha.csv" --threshold 0 --top 1000000 --full -o "$TMP/g0.csv" -q
cut -d, -f1,2,4- "$TMP/f0.csv" | sort >"$TMP/f0.s"
cut -d, -f1,2,4- "$TMP/g0.csv" | sort >"$TMP/g0.s"
[ "$(comm -23 "$TMP/g0.s" "$TMP/f0.s" | wc -l)" -eq 0 ] && ok || fail "a full-run candidate is missing from the fast query"
[ "$(wc -l <"$TMP/f0.s")" -ge "$(wc -l <"$TMP/g0.s")" ] && ok || fail "fewer fast candidates"

# After a refitting update (the index file is written again) still the same.
{ head -1 "$S/tha.csv"; sed -n 2,301p "$S/tha.csv"; } >"$TMP/tha300.csv"
expect_exit 0 "$W" update "$TMP/s.db" "$TMP/tha300.csv" --source tha --refit -q
{ head -1 "$S/tha.csv"; sed -n '302,$p' "$S/tha.csv"; } >"$TMP/arrivals.csv"
expect_exit 0 "$W" query "$TMP/s.db" "$TMP/arrivals.csv" --explain -o "$TMP/fast2.csv" -q
expect_exit 0 "$W" query "$TMP/s.db" "$TMP/arrivals.csv" --explain --full -o "$TMP/full2.csv" -q
cmp -s "$TMP/fast2.csv" "$TMP/full2.csv" && ok || fail "fast and full query differ after an update"
# update --refit with no list: the next generation, the same pairs.
expect_exit 0 "$W" export "$TMP/s.db" -o "$TMP/p1.csv"
gen=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT value FROM meta WHERE key='index_generation'\").fetchone()[0])" "$TMP/s.db")
expect_exit 0 "$W" update "$TMP/s.db" --refit -q
[ -s "$TMP/s.db.idx.$((gen + 1))" ] && [ ! -e "$TMP/s.db.idx.$gen" ] && ok || fail "update --refit wrote no new index file"
expect_exit 0 "$W" export "$TMP/s.db" -o "$TMP/p2.csv"
cmp -s "$TMP/p1.csv" "$TMP/p2.csv" && ok || fail "update --refit changed the pairs"
expect_exit 0 "$W" query "$TMP/s.db" "$TMP/arrivals.csv" --explain -o "$TMP/fast2r.csv" -q
cmp -s "$TMP/fast2.csv" "$TMP/fast2r.csv" && ok || fail "query differs after a refit of the same records"
# A query list under a stored source is refused, as by the full path.
expect_exit 1 "$W" query "$TMP/s.db" "$TMP/arrivals.csv" --source idn -q
expect_grep "also a source in the store" "$TMP/err"
expect_exit 1 "$W" query "$TMP/s.db" "$TMP/arrivals.csv" --sources nosuch -q
expect_grep "holds no source 'nosuch'" "$TMP/err"

# The fast path reads the stored records of its hits only: every other
# record's fields damaged, it answers the same; the full path cannot.
python3 - "$TMP/s.db" "$TMP/fast2.csv" <<'PY'
import csv, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
hits = {(r["source"], r["id"]) for r in csv.DictReader(open(sys.argv[2]))}
db.execute("CREATE TEMP TABLE keep(source TEXT, id TEXT)")
db.executemany("INSERT INTO keep VALUES (?, ?)", hits)
n = db.execute("UPDATE records SET fields = '{damaged' WHERE (source, id) NOT IN (SELECT source, id FROM keep)").rowcount
db.commit()
assert n > 1000, n
PY
expect_exit 0 "$W" query "$TMP/s.db" "$TMP/arrivals.csv" --explain -o "$TMP/fast3.csv" -q
cmp -s "$TMP/fast2.csv" "$TMP/fast3.csv" && ok || fail "the fast query read a record it did not need"
expect_exit 2 "$W" query "$TMP/s.db" "$TMP/arrivals.csv" --full -o "$TMP/x.csv" -q
expect_grep "damaged store" "$TMP/err"

# A store of format 2 (no index file) takes the full path.
expect_exit 0 "$W" index "$TMP/v2.db" "$S/idn.csv" "$S/mys.csv" -q
rm -f "$TMP"/v2.db.idx.*
python3 -c "import sqlite3,sys; db=sqlite3.connect(sys.argv[1]); db.execute(\"UPDATE meta SET value='2' WHERE key='format_version'\"); db.execute(\"DELETE FROM meta WHERE key LIKE 'index_%'\"); db.commit()" "$TMP/v2.db"
expect_exit 0 "$W" query "$TMP/v2.db" "$S/tha.csv" --explain -o "$TMP/v2.csv"
grep -q "index file" "$TMP/err" && fail "a store without an index file said it used one" || ok
cmp -s "$TMP/v2.csv" "$TMP/full.csv" && ok || fail "the full path on a format-2 store differs"
finish
