#!/usr/bin/env bash
# test_eval_files.sh -- `watchlink eval` reads pairs and truth files the way the
# lists are read (the one CSV tokenizer): a CRLF pairs file saved on Windows
# was once refused ("probability is not a number"), quoted fields, a byte order
# mark, tab-separated and gzipped files give the same table as the plain files.
source "$(dirname "$0")/lib.sh"
S="$WL_SOURCE_DIR/datasets/sample"
expect_exit 0 "$WATCHLINK" match "$S/idn.csv" "$S/mys.csv" --quiet -o "$TMP/pairs.csv"
expect_exit 0 "$WATCHLINK" eval --truth "$S/truth_pairs.csv" "$TMP/pairs.csv"
cp "$TMP/out" "$TMP/want"
grep -q '^all' "$TMP/want" && ok || fail "no 'all' row in eval's table"

same_table() { # same_table LABEL TRUTH PAIRS
  expect_exit 0 "$WATCHLINK" eval --truth "$2" "$3"
  if cmp -s "$TMP/want" "$TMP/out"; then ok; else fail "$1: another table"; diff "$TMP/want" "$TMP/out" | head -5 >&2; fi
}

sed 's/$/\r/' "$TMP/pairs.csv" > "$TMP/pairs_crlf.csv"
sed 's/$/\r/' "$S/truth_pairs.csv" > "$TMP/truth_crlf.csv"
same_table "CRLF pairs" "$S/truth_pairs.csv" "$TMP/pairs_crlf.csv"
same_table "CRLF truth" "$TMP/truth_crlf.csv" "$TMP/pairs.csv"
same_table "CRLF both" "$TMP/truth_crlf.csv" "$TMP/pairs_crlf.csv"

# Every field quoted (probability included), CRLF, with a byte order mark.
{ printf '\xef\xbb\xbf'; sed 's/[^,]*/"&"/g; s/$/\r/' "$TMP/pairs.csv"; } > "$TMP/pairs_quoted.csv"
same_table "quoted, BOM" "$S/truth_pairs.csv" "$TMP/pairs_quoted.csv"
tr ',' '\t' < "$TMP/pairs.csv" > "$TMP/pairs.tsv"
same_table "tab-separated" "$S/truth_pairs.csv" "$TMP/pairs.tsv"
gzip -c "$S/truth_pairs.csv" > "$TMP/truth.csv.gz"
same_table "gzipped truth" "$TMP/truth.csv.gz" "$TMP/pairs.csv"

# A bad probability is still refused with file:line, CRLF or not.
{ head -n 2 "$TMP/pairs_crlf.csv"; sed -n 3p "$TMP/pairs_crlf.csv" | sed 's/,[^,]*,\([^,]*\)\r$/,abc,\1\r/'; } > "$TMP/bad.csv"
expect_exit 1 "$WATCHLINK" eval --truth "$S/truth_pairs.csv" "$TMP/bad.csv"
expect_grep "bad.csv:3: probability is not a number" "$TMP/err"

# watchlink's own JSON Lines output (--format jsonl) as the pairs, with --explain
# (a nested object per field) or not, gzipped or not, and JSON Lines truth: the
# same table. eval once refused its own output ("not a pairs file").
expect_exit 0 "$WATCHLINK" match "$S/idn.csv" "$S/mys.csv" --quiet --format jsonl -o "$TMP/pairs.jsonl"
head -c 1 "$TMP/pairs.jsonl" | grep -q '{' && ok || fail "--format jsonl did not write JSON Lines"
same_table "JSON Lines pairs" "$S/truth_pairs.csv" "$TMP/pairs.jsonl"
expect_exit 0 "$WATCHLINK" match "$S/idn.csv" "$S/mys.csv" --quiet --format jsonl --explain -o "$TMP/explain.jsonl"
same_table "JSON Lines pairs, --explain" "$S/truth_pairs.csv" "$TMP/explain.jsonl"
gzip -c "$TMP/pairs.jsonl" > "$TMP/pairs.jsonl.gz"
same_table "gzipped JSON Lines" "$S/truth_pairs.csv" "$TMP/pairs.jsonl.gz"
python3 -c 'import csv, json, sys
for r in csv.DictReader(open(sys.argv[1])): print(json.dumps(r))' "$S/truth_pairs.csv" > "$TMP/truth.jsonl"
same_table "JSON Lines truth" "$TMP/truth.jsonl" "$TMP/pairs.csv"
# dedup's pairs and clusters as JSON Lines give the table of their CSV.
expect_exit 0 "$WATCHLINK" dedup "$S/idn.csv" "$S/mys.csv" --quiet -o "$TMP/d.csv" --clusters "$TMP/dc.csv"
expect_exit 0 "$WATCHLINK" dedup "$S/idn.csv" "$S/mys.csv" --quiet --format jsonl -o "$TMP/d.jsonl" --clusters "$TMP/dc.jsonl"
for kind in d dc; do
  expect_exit 0 "$WATCHLINK" eval --truth "$S/truth_clusters.csv" "$TMP/$kind.csv"
  cp "$TMP/out" "$TMP/want"
  same_table "dedup $kind JSON Lines" "$S/truth_clusters.csv" "$TMP/$kind.jsonl"
done
expect_exit 0 "$WATCHLINK" eval --truth "$TMP/dc.csv" "$TMP/d.csv"
cp "$TMP/out" "$TMP/want"
same_table "JSON Lines clusters as truth" "$TMP/dc.jsonl" "$TMP/d.csv"
grep -q 'f1 [01]\.[0-9]' "$TMP/out" && ok || fail "no B-cubed line"
# Bad JSON lines: file:line and the reason.
{ head -n 2 "$TMP/pairs.jsonl"; echo '[1, 2]'; } > "$TMP/bad1.jsonl"
expect_exit 1 "$WATCHLINK" eval --truth "$S/truth_pairs.csv" "$TMP/bad1.jsonl"
expect_grep "bad1.jsonl:3: a JSON line that is not an object" "$TMP/err"
{ head -n 1 "$TMP/pairs.jsonl"; echo; echo '{"left_source":"idn","left_id":"1","right_source":"mys","probability":0.5}'; } > "$TMP/bad2.jsonl"
expect_exit 1 "$WATCHLINK" eval --truth "$S/truth_pairs.csv" "$TMP/bad2.jsonl"
expect_grep 'bad2.jsonl:3: "right_id" is missing' "$TMP/err"
{ head -n 1 "$TMP/pairs.jsonl"; echo '{"left_source":"idn",'; } > "$TMP/bad3.jsonl"
expect_exit 1 "$WATCHLINK" eval --truth "$S/truth_pairs.csv" "$TMP/bad3.jsonl"
expect_grep "bad3.jsonl:2: not JSON" "$TMP/err"
{ head -n 1 "$TMP/pairs.jsonl" | sed 's/"left_id":"[^"]*"/"left_id":["x"]/'; } > "$TMP/bad4.jsonl"
expect_exit 1 "$WATCHLINK" eval --truth "$S/truth_pairs.csv" "$TMP/bad4.jsonl"
expect_grep 'bad4.jsonl:1: "left_id" is not a string or a number' "$TMP/err"
{ head -n 1 "$TMP/pairs.jsonl" | sed 's/"probability":[0-9.]*/"probability":"high"/'; } > "$TMP/bad5.jsonl"
expect_exit 1 "$WATCHLINK" eval --truth "$S/truth_pairs.csv" "$TMP/bad5.jsonl"
expect_grep "bad5.jsonl:1: probability is not a number" "$TMP/err"
# A JSON object of other keys is no pairs file.
echo '{"id":"1","full_name":"Ann Lee"}' > "$TMP/list.jsonl"
expect_exit 1 "$WATCHLINK" eval --truth "$S/truth_pairs.csv" "$TMP/list.jsonl"
expect_grep "list.jsonl:1: not a pairs file: expected left_id and right_id keys" "$TMP/err"
finish
