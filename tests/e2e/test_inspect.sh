#!/bin/bash
# test_inspect.sh -- `watchlink inspect` end to end on good and bad lists:
# exit codes, messages naming file:line and reason, read = accepted + rejected,
# the rejects file, gzip by magic bytes, truncated gzip, --map errors.
set -u
: "${WATCHLINK:?WATCHLINK must name the watchlink binary}"
: "${WL_SOURCE_DIR:?WL_SOURCE_DIR must name the source tree}"
DATA="$WL_SOURCE_DIR/tests/data/reader"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
FAILS=0

fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }

# run NAME EXPECTED_EXIT ARGS... : runs inspect, keeps stdout/stderr in $TMP/NAME.{out,err}
run() {
    local name=$1 want=$2
    shift 2
    "$WATCHLINK" inspect "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
    local rc=$?
    [ "$rc" -eq "$want" ] || fail "$name: exit $rc, expected $want ($(head -c 300 "$TMP/$name.err"))"
}

expect_in() { # FILE TEXT
    grep -qF -- "$2" "$1" || fail "$(basename "$1"): missing '$2'"
}

expect_re() { # FILE REGEX
    grep -qE -- "$2" "$1" || fail "$(basename "$1"): no line matching '$2'"
}

# Every "rows read: R  accepted: A  rejected: J" line must satisfy R = A + J.
check_sums() {
    local line r a j
    while read -r line; do
        r=$(sed -E 's/.*rows read: ([0-9]+).*/\1/' <<<"$line")
        a=$(sed -E 's/.*accepted: ([0-9]+).*/\1/' <<<"$line")
        j=$(sed -E 's/.*rejected: ([0-9]+).*/\1/' <<<"$line")
        [ "$r" -eq $((a + j)) ] || fail "$1: read $r != accepted $a + rejected $j"
    done < <(grep "rows read:" "$1")
    grep -q "rows read:" "$1" || fail "$1: no counts"
}

# --- help and usage ---
run help 0 --help
expect_in "$TMP/help.out" "Usage: watchlink inspect"
run nolist 1
expect_in "$TMP/nolist.err" "needs at least one LIST"
run badopt 1 --frobnicate "$DATA/basic.csv"
expect_in "$TMP/badopt.err" "unknown option"

# --- good lists ---
run basic 0 "$DATA/basic.csv" "$DATA/basic.tsv" "$DATA/bom_crlf.csv"
check_sums "$TMP/basic.out"
expect_in "$TMP/basic.out" "rows read: 4  accepted: 4  rejected: 0"
expect_in "$TMP/basic.out" "rec_id                   -> id"
expect_in "$TMP/basic.out" "date_of_birth            -> dob"
expect_in "$TMP/basic.out" "occupation_code          -> ignored"
expect_in "$TMP/basic.out" "Citizenship              -> nationality"
expect_in "$TMP/basic.out" "nama                     -> full_name"
expect_re "$TMP/basic.out" "^    alias +25\.0%  \(1\)$"
expect_re "$TMP/basic.out" "^    given_name +100\.0%  \(4\)$"
expect_re "$TMP/basic.out" "^    doc_number +50\.0%  \(2\)$"
run mac 0 "$DATA/mac_cr.csv"
expect_in "$TMP/mac.out" "rows read: 2  accepted: 2  rejected: 0"
expect_in "$TMP/mac.out" "dob                      -> dob"
run utf16 0 "$DATA/excel_utf16.txt"
expect_in "$TMP/utf16.out" "rows read: 2  accepted: 2  rejected: 0"
expect_in "$TMP/utf16.out" "full_name                -> full_name"
run header_only 0 "$DATA/header_only.csv"
expect_in "$TMP/header_only.out" "rows read: 0  accepted: 0  rejected: 0"

# --- rejected rows: reported with file:line: reason, reading goes on ---
run bad 0 --rejects "$TMP/rejects.csv" "$DATA/bad_rows.csv"
check_sums "$TMP/bad.out"
expect_in "$TMP/bad.out" "rows read: 9  accepted: 2  rejected: 7"
expect_in "$TMP/bad.out" "bad_rows.csv:3: invalid UTF-8 in field 2 'name'"
expect_in "$TMP/bad.out" "bad_rows.csv:4: NUL byte in field 2 'name'"
expect_in "$TMP/bad.out" "bad_rows.csv:5: wrong field count: 5 fields, header has 4"
expect_in "$TMP/bad.out" "bad_rows.csv:6: no name"
expect_in "$TMP/bad.out" "bad_rows.csv:7: duplicate id '1'"
expect_in "$TMP/bad.out" "bad_rows.csv:10: unterminated quote"
[ "$(wc -l <"$TMP/rejects.csv")" -eq 8 ] || fail "rejects file: $(wc -l <"$TMP/rejects.csv") lines, want header + 7"
expect_in "$TMP/rejects.csv" "file,line,reason,row"
expect_in "$TMP/rejects.csv" ",5,\"wrong field count: 5 fields, header has 4\",\"4,Too,Many,Fields,Here\""
# The rejected row is kept byte for byte, its NUL byte included.
tr '\000' '@' <"$TMP/rejects.csv" | grep -q '"3,Nul@Byte,1970,x"' || fail "rejects file lost the NUL byte of line 4"

# --- gzip by magic bytes, whatever the name ---
gzip -c "$DATA/basic.csv" >"$TMP/zipped.csv"
run gz 0 "$TMP/zipped.csv"
expect_in "$TMP/gz.out" "source: zipped (gzip)"
expect_in "$TMP/gz.out" "rows read: 4  accepted: 4  rejected: 0"
# a truncated .gz is a whole-file error naming the file
cat "$DATA/basic.csv" "$DATA/basic.csv" | gzip -c >"$TMP/full.csv.gz"
head -c $(( $(wc -c <"$TMP/full.csv.gz") - 30 )) "$TMP/full.csv.gz" >"$TMP/cut.csv.gz"
run cut 1 "$TMP/cut.csv.gz"
expect_in "$TMP/cut.err" "cut.csv.gz"
expect_in "$TMP/cut.err" "truncated gzip"

# --- standard input ("-"), plain or gzipped through a pipe ---
"$WATCHLINK" inspect - <"$DATA/basic.csv" >"$TMP/stdin.out" 2>"$TMP/stdin.err" || fail "stdin: exit $?"
expect_in "$TMP/stdin.out" "source: stdin"
expect_in "$TMP/stdin.out" "rows read: 4  accepted: 4  rejected: 0"
gzip -c "$DATA/basic.csv" | "$WATCHLINK" inspect - >"$TMP/stdin_gz.out" 2>&1 || fail "stdin gz: exit $?"
expect_in "$TMP/stdin_gz.out" "source: stdin (gzip)"

# --- whole-file errors: exit 1 and a message naming the file ---
run missing 1 "$TMP/nope.csv"
expect_in "$TMP/missing.err" "nope.csv: cannot open"
run dir 1 "$TMP"
expect_in "$TMP/dir.err" "is a directory"
run empty 1 "$DATA/empty.csv"
expect_in "$TMP/empty.err" "empty.csv: empty file"
run blank 1 "$DATA/blank_header.csv"
expect_in "$TMP/blank.err" "blank_header.csv:1: blank header line"
run noname 1 "$DATA/no_name.csv"
expect_in "$TMP/noname.err" "no_name.csv:1: no name column"
# a bad list fails the command, but the good ones around it are still reported
run mixed 1 "$DATA/basic.csv" "$DATA/empty.csv" "$DATA/basic.tsv"
expect_in "$TMP/mixed.err" "empty.csv: empty file"
[ "$(grep -c "rows read:" "$TMP/mixed.out")" -eq 2 ] || fail "mixed: want the 2 good lists reported"
expect_in "$TMP/mixed.out" "basic.tsv"

# --- --map overrides and their errors ---
run map 0 --map full_name=colour "$DATA/no_name.csv"
expect_in "$TMP/map.out" "colour                   -> full_name"
run map_role 1 --map nickname=colour "$DATA/no_name.csv"
expect_in "$TMP/map_role.err" "unknown role 'nickname'"
run map_col 1 --map full_name=shade "$DATA/no_name.csv"
expect_in "$TMP/map_col.err" "no column 'shade'"
run map_syntax 1 --map full_name "$DATA/no_name.csv"
expect_in "$TMP/map_syntax.err" "ROLE=COLUMN"

# --- JSON Lines: one object per list, the same counts ---
run json 0 --format jsonl "$DATA/bad_rows.csv" "$DATA/basic.tsv"
[ "$(wc -l <"$TMP/json.out")" -eq 2 ] || fail "jsonl: $(wc -l <"$TMP/json.out") lines, want 2"
expect_in "$TMP/json.out" '"rows_read":9,"accepted":2,"rejected":7'
expect_in "$TMP/json.out" '{"line":5,"reason":"wrong field count: 5 fields, header has 4"}'
expect_in "$TMP/json.out" '{"name":"Full Name","role":"full_name"}'
expect_in "$TMP/json.out" '"full_name":{"rows":3,"percent":100.0}'
if [ -x /usr/bin/python3 ]; then
    /usr/bin/python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]' <"$TMP/json.out" ||
        fail "jsonl: not valid JSON"
fi

# --- output file ---
run outfile 0 -o "$TMP/report.txt" "$DATA/basic.csv"
expect_in "$TMP/report.txt" "rows read: 4"
[ -s "$TMP/outfile.out" ] && fail "outfile: report also on stdout"

# Plural column names of the flattened sanctions lists (document_numbers,
# dates_of_birth, passports) take their roles: an unmapped document column
# used to leave every document unread in OFAC-against-EU linking.
printf 'id,full_name,dates_of_birth,document_numbers,passports\nA1,Ann Lee,1990-01-02,P1234567,X7654321\n' > "$TMP/plural.csv"
run plural 0 "$TMP/plural.csv"
expect_re "$TMP/plural.out" 'document_numbers +-> doc_number'
expect_re "$TMP/plural.out" 'passports +-> doc_number'
expect_re "$TMP/plural.out" 'dates_of_birth +-> dob'

[ "$FAILS" -eq 0 ] || { echo "$FAILS failure(s)" >&2; exit 1; }
echo "test_inspect: all checks passed"
