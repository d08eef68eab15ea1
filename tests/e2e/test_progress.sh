#!/usr/bin/env bash
# test_progress.sh -- progress of every long stage (issue 9): only compare had a
# bar (the engine reports the other stages once, as they start, and the bar
# waited for a second call), and reading had none. Now every stage shows with
# its clock on a terminal, and --progress writes one line per stage for a log.
source "$(dirname "$0")/lib.sh"
S="$WL_SOURCE_DIR/datasets/sample"
expect_exit 0 "$WATCHLINK" dedup "$S/idn.csv" "$S/mys.csv" --progress -o "$TMP/p.csv"
for stage in read normalise block compare fit score cluster; do
  expect_grep "^progress: *[0-9.]*s $stage\$" "$TMP/err"
done
expect_grep '^progress: *[0-9.]*s compare 100%$' "$TMP/err"
# The stages come in pipeline order.
order=$(sed -n 's/^progress: *[0-9.]*s \([a-z]*\)$/\1/p' "$TMP/err" | tr '\n' ' ')
[ "$order" = "read normalise block compare fit score cluster " ] && ok || fail "stage order: $order"
# Progress never changes the output, and --quiet silences it.
expect_exit 0 "$WATCHLINK" dedup "$S/idn.csv" "$S/mys.csv" -o "$TMP/q.csv" -q --progress
cmp -s "$TMP/p.csv" "$TMP/q.csv" && ok || fail "--progress changed the pairs"
[ ! -s "$TMP/err" ] && ok || fail "--quiet --progress wrote to stderr"
expect_exit 0 "$WATCHLINK" normalize --progress "$S/idn.csv" -o "$TMP/n.csv"
expect_grep '^progress: *[0-9.]*s normalise$' "$TMP/err"
expect_exit 0 "$WATCHLINK" train --progress --model "$TMP/m.json" "$S/idn.csv"
expect_grep '^progress: *[0-9.]*s fit$' "$TMP/err"
# Without --progress and without a terminal: no progress lines.
expect_exit 0 "$WATCHLINK" dedup "$S/idn.csv" -o "$TMP/r.csv"
grep -q '^progress' "$TMP/err" && fail "progress without a terminal or --progress" || ok
# On a terminal (script(1) gives one): the run still ends cleanly, same pairs.
if command -v script >/dev/null; then
  script -qec "'$WATCHLINK' dedup '$S/idn.csv' '$S/mys.csv' -o '$TMP/t.csv'" /dev/null > "$TMP/tty" 2>&1 && ok \
    || fail "run on a terminal failed"
  cmp -s "$TMP/p.csv" "$TMP/t.csv" && ok || fail "pairs differ on a terminal"
  expect_grep 'summary: ' "$TMP/tty"
fi
finish
