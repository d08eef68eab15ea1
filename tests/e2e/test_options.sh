#!/usr/bin/env bash
# test_options.sh -- honest options (issue 9): an option a command does not use
# is refused instead of ignored (normalize --format jsonl wrote CSV; eval -o,
# train -o, normalize --clusters, --best-link, --explain and inspect --explain
# were accepted and did nothing); an unknown option last on the line says
# "unknown option", not "needs a value"; "-" reads a list from standard input.
source "$(dirname "$0")/lib.sh"
S="$WL_SOURCE_DIR/datasets/sample"
head -n 201 "$S/idn.csv" > "$TMP/idn.csv"
head -n 201 "$S/mys.csv" > "$TMP/mys.csv"

refused() { # refused COMMAND ARGS...: exit 1 naming the option and the command
  expect_exit 1 "$WATCHLINK" "$@"
  expect_grep "is not used by 'watchlink $1'" "$TMP/err"
}
refused normalize --format jsonl "$TMP/idn.csv"
refused normalize --clusters "$TMP/c.csv" "$TMP/idn.csv"
refused normalize --best-link "$TMP/idn.csv"
refused normalize --explain "$TMP/idn.csv"
refused normalize --model m.json "$TMP/idn.csv"
refused inspect --explain "$TMP/idn.csv"
refused inspect --threshold 0.5 "$TMP/idn.csv"
refused eval -o "$TMP/x" --truth "$S/truth_pairs.csv" "$S/truth_pairs.csv"
refused eval --delimiter ';' --truth "$S/truth_pairs.csv" "$S/truth_pairs.csv"
refused train -o "$TMP/x" --model "$TMP/m.json" "$TMP/idn.csv"
refused train --clusters "$TMP/x" --model "$TMP/m.json" "$TMP/idn.csv"
refused match --labels "$TMP/x" "$TMP/idn.csv" "$TMP/mys.csv"
[ ! -e "$TMP/x" ] && [ ! -e "$TMP/c.csv" ] && ok || fail "a refused run wrote a file"

# Unknown options, first or last on the line.
expect_exit 1 "$WATCHLINK" match "$TMP/idn.csv" "$TMP/mys.csv" --bogus
expect_grep "unknown option '--bogus'" "$TMP/err"
grep -q 'needs a value' "$TMP/err" && fail "unknown option reported as needing a value" || ok
expect_exit 1 "$WATCHLINK" inspect --bogus "$TMP/idn.csv"
expect_grep "unknown option '--bogus'" "$TMP/err"
expect_exit 1 "$WATCHLINK" match "$TMP/idn.csv" "$TMP/mys.csv" --clusters
expect_grep "option --clusters needs a value" "$TMP/err"

# What a command's help names, it takes.
expect_exit 0 "$WATCHLINK" inspect --format jsonl -o "$TMP/i.jsonl" -q "$TMP/idn.csv"
expect_exit 0 "$WATCHLINK" eval --threshold 0.5 --format jsonl --truth "$S/truth_pairs.csv" "$S/truth_pairs.csv"
expect_exit 0 "$WATCHLINK" normalize --threads 1 --reference-year 2000 -q -o "$TMP/n.csv" "$TMP/idn.csv"
expect_exit 0 "$WATCHLINK" dedup --explain --best-link --max-partners 8 --threshold 0.5 -q "$TMP/idn.csv"
for cmd in inspect normalize match dedup link train eval encode; do
  "$WATCHLINK" "$cmd" --help > "$TMP/help" 2>&1 && ok || fail "$cmd --help"
done

# The store commands refuse what they would ignore too (index --explain, export
# --best-link); query keeps --explain, which it writes.
expect_exit 0 "$WATCHLINK" index "$TMP/s.db" "$TMP/idn.csv" -q
expect_exit 1 "$WATCHLINK" index "$TMP/s2.db" "$TMP/idn.csv" --explain -q
expect_grep "not used by 'watchlink index'" "$TMP/err"
[ ! -e "$TMP/s2.db" ] && ok || fail "index with a refused option created a store"
expect_exit 1 "$WATCHLINK" export "$TMP/s.db" --best-link -o "$TMP/e.csv"
expect_grep "not used by 'watchlink export'" "$TMP/err"
expect_exit 1 "$WATCHLINK" update "$TMP/s.db" "$TMP/mys.csv" --one-to-one -q
expect_exit 0 "$WATCHLINK" query "$TMP/s.db" "$TMP/mys.csv" --explain -q -o "$TMP/q.csv"

# "-" is standard input: its source is "stdin" unless named.
expect_exit 0 "$WATCHLINK" match "$TMP/idn.csv" "$TMP/mys.csv" -o "$TMP/files.csv" -q
expect_exit 0 "$WATCHLINK" match - "$TMP/mys.csv" --source idn -o "$TMP/stdin.csv" -q < "$TMP/idn.csv"
[ "$(wc -l < "$TMP/files.csv")" -gt 5 ] && cmp -s "$TMP/files.csv" "$TMP/stdin.csv" && ok \
  || fail "match - mys.csv (idn on stdin) differs from match idn.csv mys.csv"
"$WATCHLINK" dedup - -q < "$TMP/idn.csv" | awk -F, 'NR > 1 && $1 != "stdin" { bad = 1 } END { exit bad }' \
  && ok || fail "a list on standard input is not source 'stdin'"
finish
