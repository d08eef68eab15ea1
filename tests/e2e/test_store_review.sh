#!/usr/bin/env bash
# End-to-end: `watchlink review` (issue 12). Analysts' decisions live in the
# store and override the model: a ruled-out pair leaves the pairs and its
# records' person at once and never comes back in later updates; a confirmed
# match stays one person; conflicting decisions (A = B, B = C, A != C, in the
# file or with stored ones) are reported and nothing is recorded; bad rows are
# rejected with file:line and the rest applied; export --decisions writes them
# in the format review reads; kill -9 during a review leaves the store before
# or after it; a store of format 1 is upgraded.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
# A store is its database and its index file (STORE.idx.G): copy both.
S="$here/../../datasets/sample"
W="$WATCHLINK"
H=left_source,left_id,right_source,right_id,decision,note
person_of() { awk -F, -v s="$2" -v i="$3" '$2 == s && $3 == i {print $1}' "$1"; }

expect_exit 0 "$W" train "$S/idn.csv" "$S/mys.csv" "$S/tha.csv" --model "$TMP/m.json" -q
expect_exit 0 "$W" index "$TMP/s.db" "$S/idn.csv" "$S/mys.csv" --model "$TMP/m.json" -q
cp_store "$TMP/s.db" "$TMP/fresh.db"
cp_store "$TMP/s.db" "$TMP/orig.db"
expect_exit 0 "$W" export "$TMP/s.db" -o "$TMP/p0.csv" --clusters "$TMP/c0.csv"

# A pair of two records that are the person's only members, with the strongest
# weight: the model is sure of it. And two records of different persons.
read -r A_S A_I B_S B_I <<<"$(tail -n +2 "$TMP/p0.csv" | sort -t, -k6,6gr | while IFS=, read -r ls li rs ri p w; do
  pa=$(person_of "$TMP/c0.csv" "$ls" "$li")
  [ "$(awk -F, -v p="$pa" '$1 == p' "$TMP/c0.csv" | wc -l)" -eq 2 ] && { echo "$ls $li $rs $ri"; break; }
done)"
[ -n "$B_I" ] && ok || fail "no two-record person with a pair in the sample"
pa=$(person_of "$TMP/c0.csv" "$A_S" "$A_I"); pb=$(person_of "$TMP/c0.csv" "$B_S" "$B_I")
[ "$pa" = "$pb" ] && ok || fail "the pair's records are not one person before the review"
# Two singletons X and Y that the model did not link.
read -r X_S X_I Y_S Y_I <<<"$(tail -n +2 "$TMP/c0.csv" | awk -F, '{n[$1]++; r[$1] = $2 " " $3} END {for (c in n) if (n[c] == 1) print c, r[c]}' \
  | sort -n | head -2 | awk '{printf "%s %s ", $2, $3}')"
px=$(person_of "$TMP/c0.csv" "$X_S" "$X_I"); py=$(person_of "$TMP/c0.csv" "$Y_S" "$Y_I")
[ -n "$Y_I" ] && [ "$px" != "$py" ] && ok || fail "no two singletons found"

# Bad rows: rejected with file:line, the good rows applied. Right and left may
# be written either way round; the note is optional and may be quoted.
cat >"$TMP/d1.csv" <<EOF
$H
$B_S,$B_I,$A_S,$A_I,not_match,"namesakes, checked at the border"
$X_S,$X_I,$Y_S,$Y_I,match
idn,NO-SUCH-ID,$X_S,$X_I,match,
$X_S,$X_I,$Y_S,$Y_I,maybe,
$X_S,$X_I,$X_S,$X_I,match,
$X_S,,$Y_S,$Y_I,match,
EOF
expect_exit 0 "$W" review "$TMP/s.db" "$TMP/d1.csv" --changes "$TMP/ch1.csv"
expect_grep "d1.csv:4: no record idn,NO-SUCH-ID in the store" "$TMP/err"
expect_grep "d1.csv:5: decision 'maybe' is neither match nor not_match" "$TMP/err"
expect_grep "d1.csv:6: the same record on both sides" "$TMP/err"
expect_grep "d1.csv:7: empty left_id" "$TMP/err"
expect_grep "2 decisions recorded (1 match, 1 not_match), 4 rejected" "$TMP/err"
expect_exit 0 "$W" index --check "$TMP/s.db"
expect_exit 0 "$W" export "$TMP/s.db" -o "$TMP/p1.csv" --clusters "$TMP/c1.csv" --decisions "$TMP/dec.csv"
# The ruled-out pair is gone, its records are two persons; nothing else moved but X, Y.
grep -q "^$A_S,$A_I,$B_S,$B_I,\|^$B_S,$B_I,$A_S,$A_I," "$TMP/p1.csv" && fail "a ruled-out pair is still exported" || ok
[ "$(($(wc -l <"$TMP/p0.csv") - 1))" -eq "$(wc -l <"$TMP/p1.csv")" ] && ok || fail "review removed other pairs"
[ "$(person_of "$TMP/c1.csv" "$A_S" "$A_I")" != "$(person_of "$TMP/c1.csv" "$B_S" "$B_I")" ] && ok \
  || fail "the records of a ruled-out pair are still one person"
[ "$(person_of "$TMP/c1.csv" "$X_S" "$X_I")" = "$(person_of "$TMP/c1.csv" "$Y_S" "$Y_I")" ] && ok \
  || fail "a confirmed match is not one person"
[ "$(diff <(tail -n +2 "$TMP/c0.csv") <(tail -n +2 "$TMP/c1.csv") | grep -c '^>')" -eq 2 ] && ok \
  || fail "review moved records it was not about"
[ "$(grep -c '^merged,\|^split,' "$TMP/ch1.csv")" -eq 2 ] && ok || fail "review's changes: wanted a merge and a split"
# The oldest id survives a merge: the smaller of X's and Y's.
low=$(( px < py ? px : py ))
[ "$(person_of "$TMP/c1.csv" "$X_S" "$X_I")" = "$low" ] && ok || fail "a merge did not keep the oldest id"
# export --decisions: canonical order, the note kept.
head -1 "$TMP/dec.csv" | grep -qx "$H" && ok || fail "decisions header"
[ "$(wc -l <"$TMP/dec.csv")" -eq 3 ] && ok || fail "export --decisions: wanted 2 decisions"
expect_grep ',not_match,"namesakes, checked at the border"$' "$TMP/dec.csv"

# Later updates keep the decisions: the ruled-out pair never comes back, the
# confirmed match stays one person; the same lists again change nothing.
for list in "$S/tha.csv" "$S/idn.csv"; do
  expect_exit 0 "$W" update "$TMP/s.db" "$list" --changes "$TMP/upd_changes.csv" -q
  expect_exit 0 "$W" export "$TMP/s.db" -o "$TMP/p2.csv" --clusters "$TMP/c2.csv"
  grep -q "^$A_S,$A_I,$B_S,$B_I,\|^$B_S,$B_I,$A_S,$A_I," "$TMP/p2.csv" && fail "a ruled-out pair came back ($list)" || ok
  [ "$(person_of "$TMP/c2.csv" "$A_S" "$A_I")" != "$(person_of "$TMP/c2.csv" "$B_S" "$B_I")" ] && ok \
    || fail "a ruled-out pair's records are one person again ($list)"
  [ "$(person_of "$TMP/c2.csv" "$X_S" "$X_I")" = "$(person_of "$TMP/c2.csv" "$Y_S" "$Y_I")" ] && ok \
    || fail "a confirmed match came apart ($list)"
done
# The second (idn again, unchanged rows) re-ran everything under the decisions
# and moved nobody: review and update form the same persons.
[ "$(wc -l <"$TMP/upd_changes.csv")" -eq 1 ] && ok || fail "an update after a review moved persons of unchanged rows"
expect_exit 0 "$W" index --check "$TMP/s.db"

# Conflicts: A = X, X = Y (stored) and A != Y is a chain; nothing is recorded.
cp_store "$TMP/s.db" "$TMP/before_conflict.db"
expect_exit 0 "$W" export "$TMP/s.db" -o "$TMP/pc0.csv" --clusters "$TMP/cc0.csv" --decisions "$TMP/dc0.csv"
printf '%s\n%s,%s,%s,%s,match,\n%s,%s,%s,%s,not_match,\n' "$H" "$A_S" "$A_I" "$X_S" "$X_I" \
  "$A_S" "$A_I" "$Y_S" "$Y_I" >"$TMP/d2.csv"
expect_exit 1 "$W" review "$TMP/s.db" "$TMP/d2.csv"
# Pairs are printed in canonical order: look for both ids on one line.
has_line() { grep -- "$1" "$TMP/err" | grep -- "$2" | grep -q -- "$3" && ok || { fail "no line with $*"; cat "$TMP/err" >&2; }; }
has_line "conflict: .* != .*d2.csv:3), but:" "$A_I" "$Y_I"
has_line "^  .* = .*d2.csv:2)" "$A_I" "$X_I"
has_line "^  .* = .*(stored)" "$X_I" "$Y_I"
expect_grep "nothing recorded" "$TMP/err"
# The same pair both ways in one file.
printf '%s\n%s,%s,%s,%s,match,\n%s,%s,%s,%s,not_match,\n' "$H" "$A_S" "$A_I" "$X_S" "$X_I" \
  "$X_S" "$X_I" "$A_S" "$A_I" >"$TMP/d3.csv"
expect_exit 1 "$W" review "$TMP/s.db" "$TMP/d3.csv"
expect_grep "d3.csv:2 and .*d3.csv:3 decide .* both ways" "$TMP/err"
expect_exit 0 "$W" export "$TMP/s.db" -o "$TMP/pc1.csv" --clusters "$TMP/cc1.csv" --decisions "$TMP/dc1.csv"
cmp -s "$TMP/pc0.csv" "$TMP/pc1.csv" && cmp -s "$TMP/cc0.csv" "$TMP/cc1.csv" && cmp -s "$TMP/dc0.csv" "$TMP/dc1.csv" \
  && ok || fail "a refused review changed the store"
# A bad header is refused whole, with file:1.
printf 'left_source,left_id,right_id,decision\n' >"$TMP/d4.csv"
expect_exit 1 "$W" review "$TMP/s.db" "$TMP/d4.csv"
expect_grep "d4.csv:1: no 'right_source' column" "$TMP/err"
expect_exit 1 "$W" review "$TMP/s.db" "$TMP/no_such.csv"

# A later decision replaces the earlier: X != Y splits them again.
printf '%s\n%s,%s,%s,%s,not_match,second look\n' "$H" "$Y_S" "$Y_I" "$X_S" "$X_I" >"$TMP/d5.csv"
expect_exit 0 "$W" review "$TMP/s.db" "$TMP/d5.csv" -q
expect_exit 0 "$W" export "$TMP/s.db" -o /dev/null --clusters "$TMP/c5.csv" --decisions "$TMP/dec5.csv"
[ "$(person_of "$TMP/c5.csv" "$X_S" "$X_I")" != "$(person_of "$TMP/c5.csv" "$Y_S" "$Y_I")" ] && ok \
  || fail "a later not_match did not replace a match"
[ "$(grep -c "$X_I" "$TMP/dec5.csv")" -eq 1 ] && ok || fail "a pair has two stored decisions"

# Round trip: the exported decisions reviewed into a fresh store give the same persons.
expect_exit 0 "$W" review "$TMP/fresh.db" "$TMP/dec.csv" -q
expect_exit 0 "$W" export "$TMP/fresh.db" -o "$TMP/pr.csv" --clusters "$TMP/cr.csv" --decisions "$TMP/decr.csv"
cmp -s "$TMP/p1.csv" "$TMP/pr.csv" && cmp -s "$TMP/c1.csv" "$TMP/cr.csv" && cmp -s "$TMP/dec.csv" "$TMP/decr.csv" \
  && ok || fail "export --decisions reviewed into a fresh store gave another store"

# kill -9 at moments spread over a review (5% to 80% of its measured length,
# the fastest of three runs, so most land inside it): the store is the old one
# or the new one, decisions and persons together, never half.
ms=1000000
for i in 1 2 3; do
  cp_store "$TMP/orig.db" "$TMP/k.db"
  t0=$(date +%s%N); "$W" review "$TMP/k.db" "$TMP/d1.csv" -q 2>/dev/null; t1=$(date +%s%N)
  m=$(( (t1 - t0) / 1000000 )); [ "$m" -lt "$ms" ] && ms=$m
done
killed=0
for pct in 5 20 35 50 65 80; do
  delay=$(awk -v p="$pct" -v ms="$ms" 'BEGIN { printf "%.3f", p * ms / 100000 }')
  cp_store "$TMP/orig.db" "$TMP/k.db"
  rc=$( (timeout -s KILL "$delay" "$W" review "$TMP/k.db" "$TMP/d1.csv" -q; echo $?) 2>/dev/null )
  [ "$rc" -eq 137 ] && killed=$((killed + 1))
  expect_exit 0 "$W" index --check "$TMP/k.db"
  expect_exit 0 "$W" export "$TMP/k.db" -o "$TMP/kp.csv" --clusters "$TMP/kc.csv" --decisions "$TMP/kd.csv"
  if cmp -s "$TMP/kp.csv" "$TMP/p0.csv" && cmp -s "$TMP/kc.csv" "$TMP/c0.csv" && [ "$(wc -l <"$TMP/kd.csv")" -eq 1 ]; then ok
  elif cmp -s "$TMP/kp.csv" "$TMP/p1.csv" && cmp -s "$TMP/kc.csv" "$TMP/c1.csv" && cmp -s "$TMP/kd.csv" "$TMP/dec.csv"; then ok
  else fail "after kill -9 at ${delay}s the store is neither before nor after the review"; fi
done
[ "$killed" -ge 2 ] && ok || fail "only $killed of 6 reviews (${ms} ms each) were killed: the test proves little"

# A store of format 1 (no decisions, runs nor events) is upgraded in place.
cp_store "$TMP/fresh.db" "$TMP/v1.db"
python3 - "$TMP/v1.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for t in ("decisions", "events", "runs"):
    db.execute("DROP TABLE " + t)
db.execute("UPDATE meta SET value='1' WHERE key='format_version'")
db.execute("DELETE FROM meta WHERE key LIKE 'index_%'")  # format 1 had no index file
db.commit()
PY
expect_exit 0 "$W" review "$TMP/v1.db" "$TMP/dec.csv" -q
expect_exit 0 "$W" index --check "$TMP/v1.db"
[ "$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT value FROM meta WHERE key='format_version'\").fetchone()[0])" "$TMP/v1.db")" = 4 ] \
  && ok || fail "a format-1 store was not upgraded to 4"
finish
