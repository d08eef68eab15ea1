#!/usr/bin/env bash
# End-to-end: --source NAME on the store commands (issue 12). A list's source is
# its source column, else its file name; a night's file named otherwise than at
# 'index' (q/export.csv) must be able to say which stored list it updates, or
# its rows come in as a new source beside the old ones. Also --remove-source
# for the --remove list, and query's --source for the list screened.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
S="$here/../../datasets/sample"
W="$WATCHLINK"


mkdir -p "$TMP/a" "$TMP/b" "$TMP/q"
head -301 "$S/idn.csv" >"$TMP/a/list.csv"
head -301 "$S/mys.csv" >"$TMP/b/list.csv"
expect_exit 0 "$W" train "$TMP/a/list.csv" "$TMP/b/list.csv" --source idn --source mys --model "$TMP/m.json" -q

# index names each list by its --source, in order.
expect_exit 0 "$W" index "$TMP/s.db" "$TMP/a/list.csv" "$TMP/b/list.csv" --source idn --source mys \
  --model "$TMP/m.json" -q
[ "$(count "$TMP/s.db" "SELECT group_concat(s) FROM (SELECT DISTINCT source s FROM records ORDER BY s)")" = "idn,mys" ] \
  && ok || fail "index --source: the stored sources are not idn,mys"
expect_exit 1 "$W" index "$TMP/bad.db" "$TMP/a/list.csv" --source x --source y -q
expect_grep "source" "$TMP/err"
[ -e "$TMP/bad.db" ] && fail "a refused index left a store behind" || ok

# A night's export of idn under another file name, one row changed.
cp "$TMP/a/list.csv" "$TMP/q/export.csv"
rid=$(sed -n 2p "$TMP/q/export.csv"); rid=${rid%%,*}
sed -i "2s/^\([^,]*\),\([^,]*\),/\1,\2 Zed,/" "$TMP/q/export.csv"
cp "$TMP/s.db" "$TMP/plain.db"
expect_exit 0 "$W" update "$TMP/s.db" "$TMP/q/export.csv" --source idn --changes "$TMP/ch.csv" -q
[ "$(count "$TMP/s.db" "SELECT count(*) FROM records")" -eq 600 ] && ok \
  || fail "update --source idn added rows instead of replacing idn's"
[ "$(count "$TMP/s.db" "SELECT count(*) FROM records WHERE source = 'export'")" -eq 0 ] && ok \
  || fail "update --source idn stored a source 'export'"
expect_grep "^\(updated\|split\|merged\),[0-9]*,idn,$rid," "$TMP/ch.csv"
[ "$(grep -c ',idn,' "$TMP/ch.csv")" -le 3 ] && ok || fail "unchanged idn rows reported as changes"
expect_exit 0 "$W" index --check "$TMP/s.db"
# Without --source the file name is the source: 300 new records.
expect_exit 0 "$W" update "$TMP/plain.db" "$TMP/q/export.csv" -q
[ "$(count "$TMP/plain.db" "SELECT count(*) FROM records WHERE source = 'export'")" -eq 300 ] && ok \
  || fail "update without --source: the rows are not under the file's name"
# One --source a list: two for one list is refused, the store unchanged.
expect_exit 1 "$W" update "$TMP/s.db" "$TMP/q/export.csv" --source idn --source mys -q
[ "$(count "$TMP/s.db" "SELECT count(*) FROM records")" -eq 600 ] && ok || fail "a refused update changed the store"

# --remove-source names the --remove list's rows.
{ head -1 "$S/mys.csv"; sed -n 2,11p "$S/mys.csv"; } >"$TMP/q/gone.csv"
cp "$TMP/s.db" "$TMP/rm.db"
expect_exit 0 "$W" update "$TMP/rm.db" --remove "$TMP/q/gone.csv" -q
[ "$(count "$TMP/rm.db" "SELECT count(*) FROM records")" -eq 600 ] && ok \
  || fail "--remove of a list named 'gone' removed mys rows"
expect_exit 0 "$W" update "$TMP/rm.db" --remove "$TMP/q/gone.csv" --remove-source mys --changes "$TMP/rm.csv" -q
[ "$(count "$TMP/rm.db" "SELECT count(*) FROM records")" -eq 590 ] && ok \
  || fail "--remove-source mys did not remove the 10 mys rows"
[ "$(grep -c '^removed,[0-9]*,mys,' "$TMP/rm.csv")" -eq 10 ] && ok || fail "the 10 removals are not in --changes"
expect_exit 1 "$W" update "$TMP/rm.db" "$TMP/q/export.csv" --remove-source mys -q
expect_grep "remove-source" "$TMP/err"

# query: the query list's source by --source; a stored source is refused.
{ head -1 "$S/idn.csv"; sed -n 2,6p "$S/idn.csv"; } >"$TMP/q/export.csv"
expect_exit 0 "$W" query "$TMP/s.db" "$TMP/q/export.csv" --source arrivals -o "$TMP/hits.csv" -q
[ "$(tail -n +2 "$TMP/hits.csv" | cut -d, -f1 | sort -u)" = "arrivals" ] && ok \
  || fail "query --source arrivals: the hits do not name the query list arrivals"
expect_exit 1 "$W" query "$TMP/s.db" "$TMP/q/export.csv" --source idn -q
expect_grep "also a source in the store" "$TMP/err"

# Two lists with one file name, indexed together, are stored as a/list and
# b/list; the same file sent alone the next night (plain name "list") is read
# under the store's name for it, and updates rather than adds.
expect_exit 0 "$W" index "$TMP/two.db" "$TMP/a/list.csv" "$TMP/b/list.csv" --model "$TMP/m.json" -q
[ "$(count "$TMP/two.db" "SELECT group_concat(s) FROM (SELECT DISTINCT source s FROM records ORDER BY s)")" = "a/list,b/list" ] \
  && ok || fail "two lists named list are not stored as a/list and b/list"
sed -i "2s/^\([^,]*\),\([^,]*\),/\1,\2 Zed,/" "$TMP/a/list.csv"
expect_exit 0 "$W" update "$TMP/two.db" "$TMP/a/list.csv" --changes "$TMP/ch2.csv"
expect_grep "read as source 'a/list', the store's name" "$TMP/err"
[ "$(count "$TMP/two.db" "SELECT count(*) FROM records")" -eq 600 ] && ok \
  || fail "the same file sent alone was added as a new source, not matched to a/list"
expect_grep "^\(updated\|split\|merged\),[0-9]*,a/list,$rid," "$TMP/ch2.csv"
(cd "$TMP/b" && "$W" update ../two.db --remove list.csv -q) && ok || fail "--remove list.csv from its folder failed"
[ "$(count "$TMP/two.db" "SELECT count(*) FROM records WHERE source = 'b/list'")" -eq 0 ] && ok \
  || fail "--remove b/list.csv, given from its folder, did not remove the b/list rows"

finish
