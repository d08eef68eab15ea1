#!/usr/bin/env bash
# End-to-end: `watchlink query` gives the full run's answers (issue 12). The
# query runs with a focus set (wl_options.focus: only the query records' pairs
# are compared and scored); its hits at or above the threshold must be exactly
# the pairs a full `link` of the query list and the stored lists gives with the
# store's model: same records, probability and weight. 400 rows of the sample's
# Malaysian list (a source the store does not hold) against the Indonesian and
# Thai lists.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
S="$here/../../datasets/sample"
W="$WATCHLINK"

head -401 "$S/mys.csv" >"$TMP/arrivals.csv"
expect_exit 0 "$W" train "$S/idn.csv" "$S/mys.csv" "$S/tha.csv" --model "$TMP/m.json" -q
expect_exit 0 "$W" index "$TMP/s.db" "$S/idn.csv" "$S/tha.csv" --model "$TMP/m.json" --threshold 0.3 -q
expect_exit 0 "$W" query "$TMP/s.db" "$TMP/arrivals.csv" --top 100000 -o "$TMP/q.csv" -q
# (a query keeps a hit outranked by a better stored partner: --keep-outranked)
expect_exit 0 "$W" link "$TMP/arrivals.csv" "$S/idn.csv" "$S/tha.csv" --model "$TMP/m.json" --threshold 0.3 \
  --keep-outranked -o "$TMP/full.csv" -q
# query: query_source,query_id,rank,person_id,source,id,probability,match_weight,valid_doc
# (a valid-document hit below the threshold is the short-cut's, not the run's)
awk -F, 'NR > 1 && $7 >= 0.3 { print $1 "," $2 "," $5 "," $6 "," $7 "," $8 }' "$TMP/q.csv" | sort >"$TMP/q.pairs"
awk -F, 'NR > 1 && $1 == "arrivals" { print $1 "," $2 "," $3 "," $4 "," $5 "," $6 }' "$TMP/full.csv" \
  | sort >"$TMP/full.pairs"
n=$(wc -l <"$TMP/full.pairs"); echo "$n arrivals pairs"
[ "$n" -gt 50 ] && ok || fail "the full run found only $n arrivals pairs"
if cmp -s "$TMP/q.pairs" "$TMP/full.pairs"; then ok; else
  fail "query hits differ from the full link run's pairs"
  diff "$TMP/q.pairs" "$TMP/full.pairs" | head -10 >&2
fi
# one thread and two give the same bytes
expect_exit 0 "$W" query "$TMP/s.db" "$TMP/arrivals.csv" --top 100000 -o "$TMP/q1.csv" -q --threads 1
cmp -s "$TMP/q.csv" "$TMP/q1.csv" && ok || fail "query output differs between 1 and all threads"
finish
