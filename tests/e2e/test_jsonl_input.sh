#!/usr/bin/env bash
# test_jsonl_input.sh -- JSON Lines lists (issue 9): a list named *.jsonl or
# *.ndjson (optionally .gz) is read as one JSON object per line, the first
# object's keys being the columns. Bad lines are rejected with file:line and the
# reason; rows read = accepted + rejected. Before, such a list failed as a CSV
# whose header had no name column.
source "$(dirname "$0")/lib.sh"
S="$WL_SOURCE_DIR/datasets/sample"
/usr/bin/python3 - "$S/idn.csv" "$TMP/idn.jsonl" <<'PY'
import csv, json, sys
with open(sys.argv[2], 'w', encoding='utf-8') as f:
    for r in csv.DictReader(open(sys.argv[1], encoding='utf-8', newline='')):
        f.write(json.dumps(r, ensure_ascii=False) + '\n')
PY
# The same pairs as the CSV list.
expect_exit 0 "$WATCHLINK" match "$S/idn.csv" "$S/mys.csv" -o "$TMP/csv.out" -q
expect_exit 0 "$WATCHLINK" match "$TMP/idn.jsonl" "$S/mys.csv" -o "$TMP/jsonl.out"
expect_grep 'read .*idn.jsonl: 2000 rows, 2000 accepted, 0 rejected' "$TMP/err"
[ "$(wc -l < "$TMP/csv.out")" -gt 100 ] && cmp -s "$TMP/csv.out" "$TMP/jsonl.out" && ok || fail "JSONL list gives other pairs"
gzip -c "$TMP/idn.jsonl" > "$TMP/idn.ndjson.gz"
expect_exit 0 "$WATCHLINK" match "$TMP/idn.ndjson.gz" "$S/mys.csv" --source idn -o "$TMP/gz.out" -q
cmp -s "$TMP/csv.out" "$TMP/gz.out" && ok || fail "gzipped NDJSON gives other pairs"

# Types, arrays as multi-valued cells, and bad lines with their line numbers.
printf '%s\n' '{"id":"1","name":"Ann Lee","dob":"1970-01-01","alias":["A L","Annie"]}' '' \
  '{"id":2,"name":"Bob Ray","dob":null}' 'not json' '[1,2]' '{"id":"3","name":{"x":1}}' \
  '{"id":"4","nm":"x"}' '{"id":"5","name":"Cy\nDi"}' '{"id":"6","name":""}' > "$TMP/t.jsonl"
expect_exit 0 "$WATCHLINK" inspect "$TMP/t.jsonl" --rejects "$TMP/rej.csv"
expect_grep 'rows read: 8  accepted: 3  rejected: 5' "$TMP/out"
expect_grep 't.jsonl:4: not JSON' "$TMP/out"
expect_grep 't.jsonl:5: not a JSON object' "$TMP/out"
expect_grep "t.jsonl:6: the value of 'name' is an object" "$TMP/out"
expect_grep "t.jsonl:7: key 'nm' is not a key of the first object" "$TMP/out"
expect_grep 't.jsonl:9: no name and no document number' "$TMP/out"
expect_grep 't.jsonl,5,not a JSON object,"\[1,2\]"$' "$TMP/rej.csv"
expect_exit 0 "$WATCHLINK" normalize "$TMP/t.jsonl" -o "$TMP/n.csv" -q
expect_grep '^t,1,ann lee|a(i) l(i)|annie' "$TMP/n.csv"
expect_grep '^t,2,bob ray' "$TMP/n.csv"
expect_grep '^t,5,cy di' "$TMP/n.csv"
# A first line that is not an object: there are no columns, the list fails.
printf '[1]\n{"id":"1","name":"A"}\n' > "$TMP/bad.jsonl"
expect_exit 1 "$WATCHLINK" inspect "$TMP/bad.jsonl"
expect_grep 'bad.jsonl:1: the first line gives the columns' "$TMP/err"
finish
