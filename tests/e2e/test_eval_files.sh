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
finish
