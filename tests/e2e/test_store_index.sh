#!/usr/bin/env bash
# End-to-end: the store's index file (issue 12): index writes STORE.idx.1 (the
# records' features, the frozen statistics, the blocking index), each update
# the next generation and removes the old one; --check verifies it against the
# store (its checksum, its records) and names a damaged, missing or foreign
# file; a store of format 2 (no index file) is upgraded and its next update
# writes one.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
S="$here/../../datasets/sample"
W="$WATCHLINK"
meta() { python3 -c "import sqlite3,sys; r=sqlite3.connect(sys.argv[1]).execute('SELECT value FROM meta WHERE key=?', (sys.argv[2],)).fetchone(); print(r[0] if r else '')" "$1" "$2"; }
flip() { python3 -c "import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[int(sys.argv[2])] ^= 0x5a; open(p,'wb').write(b)" "$1" "$2"; }

expect_exit 0 "$W" index "$TMP/s.db" "$S/idn.csv" "$S/mys.csv" -q
[ -s "$TMP/s.db.idx.1" ] && ok || fail "index wrote no s.db.idx.1"
[ "$(meta "$TMP/s.db" format_version)" = 4 ] && ok || fail "a new store is not format 4"
[ "$(meta "$TMP/s.db" index_generation)" = 1 ] && ok || fail "index_generation is not 1"
[ -n "$(meta "$TMP/s.db" index_checksum)" ] && ok || fail "no index_checksum"
expect_exit 0 "$W" index --check "$TMP/s.db"
expect_grep "consistent" "$TMP/err"

# update: the next generation, the old file gone, still consistent.
expect_exit 0 "$W" update "$TMP/s.db" "$S/tha.csv" -q
[ -s "$TMP/s.db.idx.2" ] && [ ! -e "$TMP/s.db.idx.1" ] && ok || fail "update did not replace idx.1 by idx.2: $(ls "$TMP")"
[ "$(meta "$TMP/s.db" index_generation)" = 2 ] && ok || fail "index_generation is not 2 after an update"
expect_exit 0 "$W" index --check "$TMP/s.db"
# A failed update (bad input) leaves the generation and its file alone.
expect_exit 1 "$W" update "$TMP/s.db" "$TMP/no_such.csv" -q
[ -s "$TMP/s.db.idx.2" ] && [ ! -e "$TMP/s.db.idx.3" ] && ok || fail "a failed update touched the index files"
expect_exit 0 "$W" index --check "$TMP/s.db"

# Damage: a flipped byte in the features (past the header and table), a cut
# file, another store's file under this name, no file.
cp "$TMP/s.db.idx.2" "$TMP/keep.idx"
flip "$TMP/s.db.idx.2" $(( $(stat -c %s "$TMP/s.db.idx.2") / 2 ))
expect_exit 1 "$W" index --check "$TMP/s.db"
expect_grep "fails its checksum" "$TMP/err"
head -c 5000 "$TMP/keep.idx" >"$TMP/s.db.idx.2"
expect_exit 1 "$W" index --check "$TMP/s.db"
expect_grep "damaged" "$TMP/err"
expect_exit 0 "$W" index "$TMP/o.db" "$S/idn.csv" -q
cp "$TMP/o.db.idx.1" "$TMP/s.db.idx.2"
expect_exit 1 "$W" index --check "$TMP/s.db"
expect_grep "not the one the store names" "$TMP/err"
rm "$TMP/s.db.idx.2"
expect_exit 1 "$W" index --check "$TMP/s.db"
expect_grep "index file .*s.db.idx.2 is missing" "$TMP/err"
# update writes it again
expect_exit 0 "$W" update "$TMP/s.db" "$S/tha.csv" -q
[ -s "$TMP/s.db.idx.3" ] && ok || fail "update did not write the missing index again"
expect_exit 0 "$W" index --check "$TMP/s.db"

# A store of format 2 has no index file: opened (upgraded to 3), consistent,
# and its next update writes generation 1.
expect_exit 0 "$W" index "$TMP/v2.db" "$S/idn.csv" -q
rm -f "$TMP/v2.db.idx.1"
python3 - "$TMP/v2.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE meta SET value='2' WHERE key='format_version'")
db.execute("DELETE FROM meta WHERE key LIKE 'index_%'")
db.commit()
PY
expect_exit 0 "$W" index --check "$TMP/v2.db"
[ "$(meta "$TMP/v2.db" format_version)" = 4 ] && ok || fail "a format-2 store was not upgraded to 4"
expect_exit 0 "$W" update "$TMP/v2.db" "$S/mys.csv" -q
[ -s "$TMP/v2.db.idx.1" ] && ok || fail "the upgraded store's update wrote no index"
expect_exit 0 "$W" index --check "$TMP/v2.db"
finish
