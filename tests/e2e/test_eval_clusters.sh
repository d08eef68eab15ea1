#!/usr/bin/env bash
# test_eval_clusters.sh -- eval scores clusters files (either side) and B-cubed,
# and refuses files of the wrong kind. A clusters truth file was once read as
# two id columns (cluster_id and source taken for ids): 0 correct of 5,555.
source "$(dirname "$0")/lib.sh"
S="$WL_SOURCE_DIR/datasets/sample"
expect_exit 0 "$WATCHLINK" dedup "$S/idn.csv" "$S/mys.csv" "$S/tha.csv" -o "$TMP/pairs.csv" --clusters "$TMP/cl.csv" -q

# Truth as pairs or as clusters: the same true pairs, the same figures.
expect_exit 0 "$WATCHLINK" eval --truth "$S/truth_pairs.csv" "$TMP/pairs.csv"
head -2 "$TMP/out" > "$TMP/by_pairs"
expect_exit 0 "$WATCHLINK" eval --truth "$S/truth_clusters.csv" "$TMP/pairs.csv"
head -2 "$TMP/out" > "$TMP/by_clusters"
cmp -s "$TMP/by_pairs" "$TMP/by_clusters" && ok || fail "a clusters truth scores otherwise than the same truth as pairs"
f1=$(awk 'NR==2 {print $7}' "$TMP/by_clusters")
awk -v f="$f1" 'BEGIN { exit !(f > 0.8) }' && ok || fail "pairwise F1 $f1 against the clusters truth"

# The clusters output scored: pairwise over the implied pairs, and B-cubed over every record.
expect_exit 0 "$WATCHLINK" eval --truth "$S/truth_clusters.csv" "$TMP/cl.csv"
records=$(($(wc -l < "$TMP/cl.csv") - 1))
expect_grep "clusters, B-cubed over $records records: precision 0\.[89]" "$TMP/out"
# The truth against itself is perfect.
expect_exit 0 "$WATCHLINK" eval --truth "$S/truth_clusters.csv" "$S/truth_clusters.csv"
expect_grep 'B-cubed over 6000 records: precision 1.0000 recall 1.0000 f1 1.0000' "$TMP/out"
expect_exit 0 "$WATCHLINK" eval --truth "$S/truth_clusters.csv" "$TMP/cl.csv" --format jsonl
expect_grep '^{"bcubed":{"threshold":0.00,"records":6000,' "$TMP/out"

# A list is neither pairs nor clusters: refused with file:line and what was expected.
expect_exit 1 "$WATCHLINK" eval --truth "$S/truth_pairs.csv" "$S/idn.csv"
expect_grep 'idn.csv:1: not a pairs file: expected left_id and right_id columns, or cluster_id and id' "$TMP/err"
expect_exit 1 "$WATCHLINK" eval --truth "$S/mys.csv" "$TMP/pairs.csv"
expect_grep 'mys.csv:1: not a pairs file' "$TMP/err"
# A clusters file where a labels file (pairs) is wanted says what it is.
expect_exit 1 "$WATCHLINK" train "$S/idn.csv" "$S/mys.csv" --labels "$S/truth_clusters.csv" --model "$TMP/m.json" -q
expect_grep 'a clusters file (cluster_id,source,id), not a pairs file' "$TMP/err"
finish
