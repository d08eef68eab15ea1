#!/usr/bin/env bash
# End-to-end: the person store (issue 12). index keeps what dedup finds (export
# gives dedup's bytes), --check passes on a good store and fails on a damaged
# one, a store from a newer format is refused, query finds a known record.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
# A store is its database and its index file (STORE.idx.G): copy both.
S="$here/../../datasets/sample"
W="$WATCHLINK"

expect_exit 0 "$W" train "$S/idn.csv" "$S/mys.csv" "$S/tha.csv" --model "$TMP/m.json" -q
expect_exit 0 "$W" dedup "$S/idn.csv" "$S/mys.csv" "$S/tha.csv" --model "$TMP/m.json" \
  -o "$TMP/dedup.csv" --clusters "$TMP/dedup_cl.csv" -q

# index then export: dedup's pairs, byte for byte; in a new store person ids are
# issued in output order, so the clusters file is dedup's too.
expect_exit 0 "$W" index "$TMP/s.db" "$S/idn.csv" "$S/mys.csv" "$S/tha.csv" --model "$TMP/m.json" -q
expect_exit 0 "$W" export "$TMP/s.db" -o "$TMP/exp.csv" --clusters "$TMP/exp_cl.csv"
cmp -s "$TMP/dedup.csv" "$TMP/exp.csv" && ok || fail "export's pairs differ from dedup's"
cmp -s "$TMP/dedup_cl.csv" "$TMP/exp_cl.csv" && ok || fail "export's clusters differ from dedup's"
[ "$(wc -l <"$TMP/exp.csv")" -gt 1000 ] && ok || fail "the sample gave too few pairs to prove anything"
# Without -o the pairs go to standard output.
expect_exit 0 "$W" export "$TMP/s.db"
cmp -s "$TMP/dedup.csv" "$TMP/out" && ok || fail "export to standard output differs"

# Without --model: the fitted model is stored, and the pairs are the run's.
expect_exit 0 "$W" dedup "$S/idn.csv" -o "$TMP/idn_dedup.csv" -q
expect_exit 0 "$W" index "$TMP/idn.db" "$S/idn.csv" -q
expect_exit 0 "$W" export "$TMP/idn.db" -o "$TMP/idn_exp.csv"
cmp -s "$TMP/idn_dedup.csv" "$TMP/idn_exp.csv" && ok || fail "index without --model: pairs differ from dedup"

# --check: consistent; an existing store is not overwritten.
expect_exit 0 "$W" index --check "$TMP/s.db"
expect_grep "consistent" "$TMP/err"
expect_exit 1 "$W" index "$TMP/s.db" "$S/idn.csv" -q
expect_grep "already exists" "$TMP/err"
# A failed index leaves nothing behind.
expect_exit 1 "$W" index "$TMP/none.db" "$TMP/no_such_list.csv" -q
[ ! -e "$TMP/none.db" ] && ok || fail "a failed index left $TMP/none.db"

# --check finds damage: a record whose person is gone, a pair to a missing record.
cp_store "$TMP/s.db" "$TMP/bad.db"
python3 - "$TMP/bad.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("PRAGMA foreign_keys=OFF")
db.execute("DELETE FROM persons WHERE person_id = (SELECT min(person_id) FROM persons)")
db.execute("UPDATE pairs SET right_rid = 999999 WHERE ord = 0")
db.commit()
PY
expect_exit 1 "$W" index --check "$TMP/bad.db"
expect_grep "record without a person" "$TMP/err"
expect_grep "pair with a missing record" "$TMP/err"

# A store of a newer format is refused by every command, with the reason.
cp_store "$TMP/s.db" "$TMP/new.db"
python3 -c "import sqlite3,sys; db=sqlite3.connect(sys.argv[1]); db.execute(\"UPDATE meta SET value='99' WHERE key='format_version'\"); db.commit()" "$TMP/new.db"
expect_exit 1 "$W" export "$TMP/new.db" -o "$TMP/x.csv"
expect_grep "format version 99 is newer" "$TMP/err"
expect_exit 1 "$W" update "$TMP/new.db" "$S/idn.csv" -q
expect_grep "format version 99 is newer" "$TMP/err"
expect_exit 1 "$W" index --check "$TMP/new.db"
# Not a store at all; no store.
expect_exit 1 "$W" export "$S/idn.csv"
expect_grep "not a watchlink store" "$TMP/err"
expect_exit 1 "$W" export "$TMP/missing.db"
expect_grep "no such store" "$TMP/err"

# query: a record of idn under a new id and file name finds its stored record,
# with that record's person id, first; the store is not changed.
{ head -1 "$S/idn.csv"; sed -n 3p "$S/idn.csv" | sed 's/^DPO-0460332759,/Q1,/'; } >"$TMP/arrivals.csv"
grep -q '^Q1,EE KIANG' "$TMP/arrivals.csv" && ok || fail "the query row was not made"
person=$(awk -F, '$2 == "idn" && $3 == "DPO-0460332759" {print $1}' "$TMP/exp_cl.csv")
expect_exit 0 "$W" query "$TMP/s.db" "$TMP/arrivals.csv" --top 2 -o "$TMP/q.csv" -q
expect_grep "^arrivals,Q1,1,$person,idn,DPO-0460332759," "$TMP/q.csv"
[ "$(wc -l <"$TMP/q.csv")" -le 3 ] && ok || fail "--top 2 gave more than two hits"
expect_exit 0 "$W" export "$TMP/s.db" -o "$TMP/exp2.csv"
cmp -s "$TMP/exp.csv" "$TMP/exp2.csv" && ok || fail "query changed the store"
# --sources screens against some lists only; --explain adds the fields' levels.
pid=$(awk -F, 'NR > 1 {s[$1] = s[$1] " " $2} END {for (c in s) if (s[c] ~ /idn/ && s[c] ~ /mys/ && s[c] ~ /tha/) print c}' \
      "$TMP/exp_cl.csv" | sort -n | head -1)
qid=$(awk -F, -v p="$pid" '$1 == p && $2 == "idn" {print $3; exit}' "$TMP/exp_cl.csv")
{ head -1 "$S/idn.csv"; grep "^$qid," "$S/idn.csv" | sed "s/^$qid,/Q2,/"; } >"$TMP/arrivals.csv"
expect_exit 0 "$W" query "$TMP/s.db" "$TMP/arrivals.csv" -o "$TMP/q3.csv" -q
expect_grep ",$pid,idn,$qid," "$TMP/q3.csv"
expect_grep ",$pid,mys," "$TMP/q3.csv"
expect_exit 0 "$W" query "$TMP/s.db" "$TMP/arrivals.csv" --sources mys,tha --explain -o "$TMP/q4.csv" -q
grep -q ",idn," "$TMP/q4.csv" && fail "--sources mys,tha gave an idn hit" || ok
expect_grep ",$pid,mys," "$TMP/q4.csv"
expect_grep ",$pid,tha," "$TMP/q4.csv"
expect_grep "^query_source,.*,match_weight,name,dob,doc," "$TMP/q4.csv"
expect_grep "^arrivals,Q2,1,[0-9]*,[a-z]*,[^,]*,[0-9.]*,[-0-9.]*,[a-z0-9_]*:[-0-9.]*,[a-z0-9_]*:[-0-9.]*," "$TMP/q4.csv"
expect_exit 1 "$W" query "$TMP/s.db" "$TMP/arrivals.csv" --sources nowhere -q
expect_grep "no source 'nowhere'" "$TMP/err"
# A query list named like a stored source is refused (its rows would pass for stored ones).
expect_exit 1 "$W" query "$TMP/s.db" "$S/idn.csv" -q
expect_grep "also a source in the store" "$TMP/err"
expect_exit 1 "$W" query "$TMP/s.db" "$TMP/arrivals.csv" --top 0 -q

# The records' fields as the store keeps them: the JSON text jansson's json_dumps
# wrote (compact, keys in role order, '"' '\' and control characters escaped,
# UTF-8 as it is), now written directly (cli/store_json.c). update compares it
# with the night's text to find changed rows, so it must not move by a byte.
printf 'id,family_name,given_name,alias,dob,nationality\n' > "$TMP/js.csv"
printf 'J1,"O""Brien","Sean \\ Paul","A/B;Ива́н Петров",1970-01-02,IE\n' >> "$TMP/js.csv"
printf 'J2,"Tab\there",Zoë,,,\n' >> "$TMP/js.csv"
printf 'J3,"Ctl\001x\177y\033z\014\010",Zoë,,,\n' >> "$TMP/js.csv"
expect_exit 0 "$W" index "$TMP/js.db" "$TMP/js.csv" -q
python3 - "$TMP/js.db" > "$TMP/js.txt" <<'PY'
import sqlite3, sys
for (f,) in sqlite3.connect(sys.argv[1]).execute("SELECT fields FROM records ORDER BY id"):
    print(f)
PY
cat > "$TMP/js_want.txt" <<'TXT'
{"given_name":["Sean \\ Paul"],"family_name":["O\"Brien"],"alias":["A/B","Ива́н Петров"],"dob":["1970-01-02"],"nationality":["IE"],"name_order":["family_name","given_name"]}
{"given_name":["Zoë"],"family_name":["Tab\there"],"name_order":["family_name","given_name"]}
TXT
printf '{"given_name":["Zoë"],"family_name":["Ctl\\u0001x\177y\\u001Bz\\f\\b"],"name_order":["family_name","given_name"]}\n' >> "$TMP/js_want.txt"
cmp -s "$TMP/js_want.txt" "$TMP/js.txt" && ok || { diff "$TMP/js_want.txt" "$TMP/js.txt" >&2; fail "the stored fields text is not jansson's"; }
finish
