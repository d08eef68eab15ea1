#!/usr/bin/env bash
# test_cli_output.sh -- `-o` writes what the path points at, whole or not at all.
# Once every -o was a temporary file renamed over the path: a symlink was
# replaced by a file (its target left stale), a fifo by a regular file, and a
# write error (a full disk) still exited 0.
source "$(dirname "$0")/lib.sh"
S="$WL_SOURCE_DIR/datasets/sample"
D="$TMP/dest"
mkdir -p "$D"
"$WATCHLINK" match "$S/idn.csv" "$S/mys.csv" --quiet > "$TMP/want.csv" || fail "reference run"

# A symlink keeps being a link; its target gets the result.
echo old > "$D/target.csv"
ln -s target.csv "$D/link.csv"
expect_exit 0 "$WATCHLINK" match "$S/idn.csv" "$S/mys.csv" --quiet -o "$D/link.csv"
if [ -L "$D/link.csv" ]; then ok; else fail "-o replaced the symlink"; fi
if cmp -s "$TMP/want.csv" "$D/target.csv"; then ok; else fail "symlink target not written"; fi

# A dangling symlink names the file to create.
ln -s made.csv "$D/dangling.csv"
expect_exit 0 "$WATCHLINK" match "$S/idn.csv" "$S/mys.csv" --quiet -o "$D/dangling.csv"
if [ -L "$D/dangling.csv" ] && cmp -s "$TMP/want.csv" "$D/made.csv"; then ok; else fail "dangling symlink"; fi

# A fifo is written in place and stays a fifo.
mkfifo "$D/fifo"
timeout 60 cat "$D/fifo" > "$TMP/from_fifo" &
reader=$!
expect_exit 0 "$WATCHLINK" match "$S/idn.csv" "$S/mys.csv" --quiet -o "$D/fifo"
wait "$reader"
if [ -p "$D/fifo" ]; then ok; else fail "-o replaced the fifo"; fi
if cmp -s "$TMP/want.csv" "$TMP/from_fifo"; then ok; else fail "fifo reader got other bytes"; fi

# /dev/stdout is standard output, a pipe or a file: on a pipe it links to
# "pipe:[N]", and following that by hand failed ("No such file or directory").
"$WATCHLINK" match "$S/idn.csv" "$S/mys.csv" --quiet -o /dev/stdout | cat > "$TMP/piped.csv"
if cmp -s "$TMP/want.csv" "$TMP/piped.csv"; then ok; else fail "-o /dev/stdout into a pipe"; fi
"$WATCHLINK" match "$S/idn.csv" "$S/mys.csv" --quiet -o /dev/stdout > "$D/redirected.csv"
if cmp -s "$TMP/want.csv" "$D/redirected.csv"; then ok; else fail "-o /dev/stdout into a file"; fi
echo "first line" > "$D/appended.csv"
"$WATCHLINK" match "$S/idn.csv" "$S/mys.csv" --quiet -o /dev/stdout >> "$D/appended.csv"
if [ "$(head -n 1 "$D/appended.csv")" = "first line" ] && tail -n +2 "$D/appended.csv" | cmp -s "$TMP/want.csv" -; then ok
else fail "-o /dev/stdout with >> did not append"; fi

# A directory is an error, not a rename target.
mkdir "$D/dir"
expect_exit 1 "$WATCHLINK" match "$S/idn.csv" "$S/mys.csv" --quiet -o "$D/dir"
expect_grep "is a directory" "$TMP/err"

# A write error exits 1 and leaves the old file and no temporary behind. The
# file-size limit stands in for a full disk (EFBIG instead of ENOSPC) without
# touching a device node; SIGXFSZ is ignored so write() reports the error.
echo keep > "$D/small.csv"
( trap '' XFSZ; ulimit -f 4; exec "$WATCHLINK" match "$S/idn.csv" "$S/mys.csv" --quiet -o "$D/small.csv" ) \
  > "$TMP/out" 2> "$TMP/err"
if [ $? -eq 1 ]; then ok; else fail "write error did not exit 1"; fi
expect_grep "cannot write" "$TMP/err"
if [ "$(cat "$D/small.csv")" = keep ]; then ok; else fail "old file changed by a failed write"; fi
if ls -A "$D" | grep -q '^\.small'; then fail "temporary file left behind"; else ok; fi

# The same on standard output, and for eval's table.
( trap '' XFSZ; ulimit -f 4; exec "$WATCHLINK" match "$S/idn.csv" "$S/mys.csv" --quiet ) \
  > "$D/stdout.csv" 2> "$TMP/err"
if [ $? -eq 1 ]; then ok; else fail "stdout write error did not exit 1"; fi
( trap '' XFSZ; ulimit -f 0; exec "$WATCHLINK" eval --truth "$S/truth_pairs.csv" "$TMP/want.csv" ) \
  > "$D/eval.txt" 2> "$TMP/err"
if [ $? -eq 1 ]; then ok; else fail "eval write error did not exit 1"; fi

# An output that names an input is refused before anything runs: renamed over
# the path, the result replaced the list itself (-o idn.csv lost the watchlist).
# Through another path, a symlink or a hard link too; two outputs on one file
# likewise (the second would overwrite the first).
cp "$S/idn.csv" "$D/in_a.csv"; cp "$S/mys.csv" "$D/in_b.csv"
ln -s in_a.csv "$D/in_link.csv"; ln "$D/in_b.csv" "$D/in_hard.csv"
for args in "-o $D/in_a.csv" "-o $D/./in_b.csv" "-o $D/in_link.csv" "-o $D/in_hard.csv" \
            "--clusters $D/in_a.csv" "--rejects $D/in_b.csv" "--report $D/in_a.csv" \
            "-o $D/twice.csv --clusters $D/twice.csv"; do
  # shellcheck disable=SC2086
  expect_exit 1 "$WATCHLINK" match "$D/in_a.csv" "$D/in_b.csv" --quiet $args
  expect_grep "would" "$TMP/err"
done
expect_exit 1 "$WATCHLINK" train "$D/in_a.csv" "$D/in_b.csv" --model "$D/in_b.csv" --quiet
cmp -s "$S/idn.csv" "$D/in_a.csv" && cmp -s "$S/mys.csv" "$D/in_b.csv" && ok || fail "an input list was changed"
[ -e "$D/twice.csv" ] && fail "a refused run wrote its output" || ok
expect_grep "is the input list" "$TMP/err"

# A new file gets the mode a plain create would (0666 less the umask).
( umask 027; exec "$WATCHLINK" match "$S/idn.csv" "$S/mys.csv" --quiet -o "$D/mode.csv" )
if [ "$(stat -c %a "$D/mode.csv")" = 640 ]; then ok; else fail "mode $(stat -c %a "$D/mode.csv"), wanted 640"; fi
finish
