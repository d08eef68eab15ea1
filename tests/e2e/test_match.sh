#!/usr/bin/env bash
# End-to-end: match, dedup, link, train and eval on small cross-border lists.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
L="$here/lists"

# match: explained pairs across two lists, atomically written.
expect_exit 0 "$WATCHLINK" match "$L/idn.csv" "$L/mys.csv" --explain -o "$TMP/pairs.csv" --threads 2
expect_grep '^left_source,left_id,right_source,right_id,probability,match_weight,name,dob,doc' "$TMP/pairs.csv"
expect_grep '^idn,1,mys,m1,' "$TMP/pairs.csv"          # Muhammad Rizal bin Abdullah ~ Mohd Rizal Abdullah
expect_grep '^idn,5,mys,m5,' "$TMP/pairs.csv"          # same name, date in another format
expect_grep '^idn,9,mys,m9,' "$TMP/pairs.csv"          # Abdulrahman ~ Abdul Rahman
expect_grep 'summary: 20 records from 2 sources' "$TMP/err"
ls "$TMP" | grep -q '\.tmp\.' && fail "temporary file left behind" || ok

# Recall on the hand-made truth, via eval.
expect_exit 0 "$WATCHLINK" eval --truth "$L/truth.csv" "$TMP/pairs.csv"
recall=$(awk 'NR==2 {print $6}' "$TMP/out")
awk -v r="$recall" 'BEGIN { exit !(r >= 0.70) }' && ok || fail "recall $recall below 0.70"

# Same bytes for 1 and 2 threads, pairs and clusters.
expect_exit 0 "$WATCHLINK" dedup "$L/idn.csv" "$L/mys.csv" --threads 1 -o "$TMP/d1.csv" --clusters "$TMP/c1.csv" -q
expect_exit 0 "$WATCHLINK" dedup "$L/idn.csv" "$L/mys.csv" --threads 2 -o "$TMP/d2.csv" --clusters "$TMP/c2.csv" -q
cmp -s "$TMP/d1.csv" "$TMP/d2.csv" && ok || fail "pairs differ between 1 and 2 threads"
cmp -s "$TMP/c1.csv" "$TMP/c2.csv" && ok || fail "clusters differ between 1 and 2 threads"
expect_grep '^cluster_id,source,id$' "$TMP/c1.csv"
[ "$(wc -l < "$TMP/c1.csv")" -eq 21 ] && ok || fail "every record needs a cluster row"
# Input order does not change the output.
expect_exit 0 "$WATCHLINK" dedup "$L/mys.csv" "$L/idn.csv" --threads 2 -o "$TMP/d3.csv" --clusters "$TMP/c3.csv" -q
cmp -s "$TMP/d1.csv" "$TMP/d3.csv" && ok || fail "pairs depend on the order of the lists"
cmp -s "$TMP/c1.csv" "$TMP/c3.csv" && ok || fail "clusters depend on the order of the lists"

# JSON Lines.
expect_exit 0 "$WATCHLINK" link "$L/idn.csv" "$L/mys.csv" --format jsonl --explain -q
expect_grep '^{"left_source":"idn","left_id":"1","right_source":"mys","right_id":"m1","probability":' "$TMP/out"
expect_grep '"explain":{"name":{"level":' "$TMP/out"

# train saves a model; --model reuses it and gives the same pairs as the fit.
expect_exit 0 "$WATCHLINK" train "$L/idn.csv" "$L/mys.csv" --link --model "$TMP/model.json" -q
expect_grep '"format": "watchlink-model"' "$TMP/model.json"
expect_exit 0 "$WATCHLINK" link "$L/idn.csv" "$L/mys.csv" --model "$TMP/model.json" -o "$TMP/m1.csv" -q
expect_exit 0 "$WATCHLINK" link "$L/idn.csv" "$L/mys.csv" -o "$TMP/m2.csv" -q
cmp -s "$TMP/m1.csv" "$TMP/m2.csv" && ok || fail "a saved model scores differently from the fit it saved"
# Supervised: m counted from known pairs.
expect_exit 0 "$WATCHLINK" train "$L/idn.csv" "$L/mys.csv" --link --labels "$L/truth.csv" --model "$TMP/sup.json"
expect_grep "model fitted on 7 labelled pairs" "$TMP/err"
expect_exit 0 "$WATCHLINK" match "$L/idn.csv" "$L/mys.csv" --model "$TMP/sup.json" -o "$TMP/sup.csv" -q
expect_grep '^idn,5,mys,m5,' "$TMP/sup.csv"
printf 'left_source,left_id,right_source,right_id\nidn,404,mys,405\n' > "$TMP/nolabels.csv"
expect_exit 1 "$WATCHLINK" train "$L/idn.csv" "$L/mys.csv" --labels "$TMP/nolabels.csv" --model "$TMP/x.json"
expect_grep "none of its 1 pairs names two records" "$TMP/err"
echo '{"format":"watchlink-model","version":1}' > "$TMP/bad.json"
expect_exit 1 "$WATCHLINK" link "$L/idn.csv" "$L/mys.csv" --model "$TMP/bad.json"
expect_grep "bad.json" "$TMP/err"

# --max-partners trades candidates for recall: a cap of 2 compares fewer pairs.
S="$WL_SOURCE_DIR/datasets/sample"
expect_exit 0 "$WATCHLINK" match "$S/idn.csv" "$S/mys.csv" -o "$TMP/cap32.csv"
c32=$(sed -n 's/.*), \([0-9]*\) candidate pairs.*/\1/p' "$TMP/err")
expect_exit 0 "$WATCHLINK" match "$S/idn.csv" "$S/mys.csv" --max-partners 2 -o "$TMP/cap2.csv"
c2=$(sed -n 's/.*), \([0-9]*\) candidate pairs.*/\1/p' "$TMP/err")
[ -n "$c2" ] && [ -n "$c32" ] && [ "$c2" -lt "$c32" ] && ok || fail "--max-partners 2 gave $c2 candidates, default $c32"
expect_exit 1 "$WATCHLINK" match "$S/idn.csv" "$S/mys.csv" --max-partners 0

# Usage errors and unwritable outputs: exit 1, clear message, no partial file.
expect_exit 1 "$WATCHLINK" match "$L/idn.csv"
expect_grep "exactly two lists" "$TMP/err"
expect_exit 1 "$WATCHLINK" dedup "$L/idn.csv" --threshold 2
expect_exit 1 "$WATCHLINK" dedup "$L/idn.csv" -o "$TMP/no/such/dir/out.csv"
expect_grep "cannot write" "$TMP/err"
expect_exit 1 "$WATCHLINK" eval "$TMP/pairs.csv"
expect_exit 0 "$WATCHLINK" match --help
expect_grep "Usage: watchlink match" "$TMP/out"

# A list given as a fifo (a process substitution, a named pipe) is read once,
# from its first byte: the check for an encoded file must not eat its header.
expect_exit 0 "$WATCHLINK" match "$L/idn.csv" "$L/mys.csv" --source idn --source mys -o "$TMP/plain.csv"
mkfifo "$TMP/fifo.csv"
timeout 60 cat "$L/idn.csv" > "$TMP/fifo.csv" &
writer=$!
expect_exit 0 "$WATCHLINK" match "$TMP/fifo.csv" "$L/mys.csv" --source idn --source mys -o "$TMP/from_fifo.csv"
wait "$writer"
if cmp -s "$TMP/plain.csv" "$TMP/from_fifo.csv"; then ok; else fail "a fifo list gave other pairs than the file"; fi
finish
