#!/usr/bin/env bash
# End-to-end quality on the public FEBRL deduplication sets (../shared/data/febrl):
# unsupervised dedup with default options must keep F1 >= 0.99 on each, as
# bench/RESULTS.md records. Skipped (exit 77, said on stderr) without ../shared.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
D="${WL_SHARED_DIR:-/nonexistent}/data/febrl"
if [ ! -f "$D/dataset1.csv" ]; then
  echo "SKIP: $D not found (the FEBRL sets live in ../shared, beside the checkout)" >&2
  exit 77
fi
for k in 1 2 3; do
  expect_exit 0 "$WATCHLINK" dedup "$D/dataset$k.csv" -o "$TMP/pairs$k.csv" -q
  expect_exit 0 "$WATCHLINK" eval --truth "$D/truth_dataset${k}_pairs.csv" "$TMP/pairs$k.csv"
  f1=$(awk '$1 == "all" { print $7 }' "$TMP/out")
  echo "febrl dataset$k: $(awk '$1 == "all"' "$TMP/out")"
  awk -v f="$f1" 'BEGIN { exit !(f >= 0.99) }' && ok || fail "dataset$k: F1 $f1 below 0.99"
done
finish
