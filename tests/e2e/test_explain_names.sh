#!/usr/bin/env bash
# test_explain_names.sh -- --explain names the two names that met (issue 10.5):
# with aliases and second readings, the name level alone does not say which of
# a record's names gave it. CSV ends with left_name,right_name; JSON Lines puts
# them in the name field's object; without --explain nothing changes.
source "$(dirname "$0")/lib.sh"
cat > "$TMP/left.csv" <<'CSV'
id,full_name,aliases,dob
L1,"ZAYDAN, Muhammad",ABBAS Abu | Abu Abbas Zaydan,1948-12-10
L2,"AL RAHMAN, Shaykh Umar Abd",,1938-05-03
L3,Kim Jong Un,김정은,1984-01-08
L4,Ivan Petrov,Иван Петров,1970-02-02
CSV
cat > "$TMP/right.csv" <<'CSV'
id,full_name,dob
R1,Abbas Abu,1948-12-10
R2,Umar Abd al Rahman,1938-05-03
R3,김정은,1984-01-08
R4,Petrov Ivan,1970-02-02
R5,Maria Lopez,1990-01-01
CSV
expect_exit 0 "$WATCHLINK" match "$TMP/left.csv" "$TMP/right.csv" --explain -o "$TMP/p.csv" -q
expect_grep ',prior,left_name,right_name$' "$TMP/p.csv"
# the alias that met, not the record's first name (zaydan muhammad)
expect_grep '^left,L1,right,R1,.*,abbas abu,abbas abu$' "$TMP/p.csv"
# the title left out, the particle kept, each side as normalised
expect_grep '^left,L2,right,R2,.*,al rahman umar abd,umar abd rahman$' "$TMP/p.csv"
# the Hangul alias's reading met the Hangul name, not the Latin full name
expect_grep '^left,L3,right,R3,.*,kim jeong eun,kim jeong eun$' "$TMP/p.csv"
expect_grep '^left,L4,right,R4,.*,ivan petrov,petrov ivan$' "$TMP/p.csv"
# the lists the other way round: pairs are written in output order (source,
# then id), so the names stay with their records and the bytes are the same
expect_exit 0 "$WATCHLINK" match "$TMP/right.csv" "$TMP/left.csv" --explain -o "$TMP/q.csv" -q
cmp -s "$TMP/p.csv" "$TMP/q.csv" && ok || fail "the lists swapped gave other explained pairs: $(diff "$TMP/p.csv" "$TMP/q.csv")"

expect_exit 0 "$WATCHLINK" match "$TMP/left.csv" "$TMP/right.csv" --explain --format jsonl -o "$TMP/p.jsonl" -q
python3 - "$TMP/p.jsonl" <<'PY' && ok || fail "JSON Lines: the names that met are not in the name field"
import json, sys
got = {}
for line in open(sys.argv[1]):
    p = json.loads(line)
    n = p["explain"]["name"]
    got[p["left_id"]] = (n["level"], n["left"], n["right"])
assert got["L1"] == ("exact", "abbas abu", "abbas abu"), got
assert got["L3"][1:] == ("kim jeong eun", "kim jeong eun"), got
assert set(p["explain"]["dob"]) == {"level", "weight"}, p  # only the name has them
PY

# without --explain: the contract's columns only, and the same pairs
expect_exit 0 "$WATCHLINK" match "$TMP/left.csv" "$TMP/right.csv" -o "$TMP/plain.csv" -q
expect_grep '^left_source,left_id,right_source,right_id,probability,match_weight$' "$TMP/plain.csv"
cut -d, -f1-6 "$TMP/p.csv" | cmp -s - "$TMP/plain.csv" && ok || fail "--explain changed the pairs"

# dedup of the bundled sample: every explained pair names two names, at 1 and 2 threads alike
S="$WL_SOURCE_DIR/datasets/sample"
expect_exit 0 "$WATCHLINK" dedup "$S/idn.csv" "$S/mys.csv" --explain -o "$TMP/d1.csv" -q --threads 1
expect_exit 0 "$WATCHLINK" dedup "$S/idn.csv" "$S/mys.csv" --explain -o "$TMP/d2.csv" -q --threads 2
cmp -s "$TMP/d1.csv" "$TMP/d2.csv" && ok || fail "--explain output differs between 1 and 2 threads"
empty=$(awk -F, 'NR > 1 && ($15 == "" || $16 == "") { n++ } END { print n + 0 }' "$TMP/d1.csv")
[ "$empty" -eq 0 ] && ok || fail "$empty explained pairs without the names that met"
finish
