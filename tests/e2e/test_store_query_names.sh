#!/usr/bin/env bash
# test_store_query_names.sh -- `query --explain` names the names that met, as
# match/dedup --explain do (issue 12): after valid_doc, left_name (the query
# record's) and right_name (the stored record's) are the two names, of each
# record's names, aliases and readings, whose comparison gave the name level.
# The stored records' names come from the index file (wl_store_screen) on the
# fast path and from the run's features with --full: both the same bytes.
# The stored sources sort before (alpha) and after (zulu) the query's
# (arrivals): the names stay with their records whichever was compared first.
source "$(dirname "$0")/lib.sh"
cat > "$TMP/alpha.csv" <<'CSV'
id,full_name,aliases,dob
A1,"ZAYDAN, Muhammad",ABBAS Abu | Zaydan Abbas,1948-12-10
A2,Maria Lopez,,1990-01-01
CSV
cat > "$TMP/zulu.csv" <<'CSV'
id,full_name,aliases,dob
Z1,Ivan Petrov,Иван Петров | Vanya Petrov,1970-02-02
Z2,Kim Jong Un,김정은,1984-01-08
CSV
cat > "$TMP/arrivals.csv" <<'CSV'
id,full_name,aliases,dob
Q1,Abu Abbas,,1948-12-10
Q2,Petrov Ivan,Ivan the Traveller,1970-02-02
Q3,김정은,,1984-01-08
CSV
expect_exit 0 "$WATCHLINK" index "$TMP/s.db" "$TMP/alpha.csv" "$TMP/zulu.csv" -q
# a store this small has no fitted threshold worth the name: every candidate
expect_exit 0 "$WATCHLINK" query "$TMP/s.db" "$TMP/arrivals.csv" --explain --threshold 0 -o "$TMP/fast.csv" -q
expect_grep '^query_source,.*,valid_doc,left_name,right_name$' "$TMP/fast.csv"
# the stored alias that met, not the stored record's first name (zaydan
# muhammad); the stored source sorts first, so the pair was compared stored
# record first: the names are turned back to the query's first
expect_grep '^arrivals,Q1,1,[0-9]*,alpha,A1,.*,abu abbas,abbas abu$' "$TMP/fast.csv"
# the query's own name, not its alias, against the stored full name (the
# stored source sorts after the query's: compared query record first)
expect_grep '^arrivals,Q2,1,[0-9]*,zulu,Z1,.*,petrov ivan,ivan petrov$' "$TMP/fast.csv"
# the Hangul name's reading met the stored Hangul alias's
expect_grep '^arrivals,Q3,1,[0-9]*,zulu,Z2,.*,kim jeong eun,kim jeong eun$' "$TMP/fast.csv"
# --full (one run over the whole store) names the same names
expect_exit 0 "$WATCHLINK" query "$TMP/s.db" "$TMP/arrivals.csv" --explain --threshold 0 --full -o "$TMP/full.csv" -q
cmp -s "$TMP/fast.csv" "$TMP/full.csv" && ok || fail "fast and full query --explain differ: $(diff "$TMP/fast.csv" "$TMP/full.csv")"
# each hit has both names
python3 - "$TMP/fast.csv" <<'PY' && ok || fail "a hit lacks the names that met"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
assert len(rows) == 3, len(rows)
assert all(r["left_name"] and r["right_name"] for r in rows), rows
PY
# at the store's own threshold none of these is a hit: the header only
expect_exit 0 "$WATCHLINK" query "$TMP/s.db" "$TMP/arrivals.csv" --explain -o "$TMP/none.csv" -q
[ "$(wc -l <"$TMP/none.csv")" -eq 1 ] && ok || fail "hits below the store's threshold"
# without --explain the output is as before: valid_doc last
expect_exit 0 "$WATCHLINK" query "$TMP/s.db" "$TMP/arrivals.csv" -o "$TMP/plain.csv" -q
head -1 "$TMP/plain.csv" | grep -qx 'query_source,query_id,rank,person_id,source,id,probability,match_weight,valid_doc' \
  && ok || fail "plain query header changed"
finish
