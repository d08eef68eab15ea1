#!/usr/bin/env bash
# test_install.sh -- a lighter install (issue 9): `cmake --install` puts
# watchlink and watchlink-bench (and the manual page) under a prefix, where they
# run without the source tree; scripts/setup.sh installs only what building and
# running need, and --test adds what only the tests use.
source "$(dirname "$0")/lib.sh"
: "${WL_BUILD_DIR:?}"
expect_exit 0 cmake --install "$WL_BUILD_DIR" --prefix "$TMP/p"
for f in bin/watchlink bin/watchlink-bench share/man/man1/watchlink.1; do
  [ -e "$TMP/p/$f" ] && ok || fail "cmake --install did not install $f"
done
expect_exit 0 "$TMP/p/bin/watchlink" --version
expect_grep '^watchlink [0-9]' "$TMP/out"
expect_exit 0 "$TMP/p/bin/watchlink-bench" --help
# The installed binary runs from anywhere: the tables are compiled in.
(cd "$TMP" && "$TMP/p/bin/watchlink" dedup "$WL_SOURCE_DIR/datasets/sample/idn.csv" -q -o "$TMP/pairs.csv") && ok \
  || fail "the installed watchlink failed outside the source tree"
[ "$(wc -l < "$TMP/pairs.csv")" -gt 10 ] && ok || fail "the installed watchlink found almost no pairs"
if command -v man >/dev/null; then
  MANPATH="$TMP/p/share/man" man -P cat watchlink 2>/dev/null | grep -q 'find the same person' && ok \
    || fail "man watchlink does not show the page"
fi

# Set-up: the main job's packages hold no test-only ones; --test adds them.
expect_exit 0 bash "$WL_SOURCE_DIR/scripts/setup.sh" --list
cp "$TMP/out" "$TMP/main"
for p in clang libclang-rt-14-dev python3-jellyfish python3-abydos chromium openmpi-bin libcmocka-dev; do
  grep -qx "$p" "$TMP/main" && fail "setup.sh installs test-only $p for the main job" || ok
done
for p in cmake libicu-dev libutf8proc-dev libsqlite3-dev; do
  grep -qx "$p" "$TMP/main" && ok || fail "setup.sh lacks $p"
done
expect_exit 0 bash "$WL_SOURCE_DIR/scripts/setup.sh" --list --test
for p in clang chromium openmpi-bin libcmocka-dev python3-jellyfish cmake; do
  grep -qx "$p" "$TMP/out" && ok || fail "setup.sh --test lacks $p"
done
expect_exit 1 bash "$WL_SOURCE_DIR/scripts/setup.sh" --bogus
# demo.sh sets up the main job only; test.sh the tests'.
grep -q 'scripts/setup.sh$' "$WL_SOURCE_DIR/scripts/demo.sh" && ok || fail "demo.sh does not run the plain set-up"
grep -q 'scripts/setup.sh --test' "$WL_SOURCE_DIR/scripts/test.sh" && ok || fail "test.sh does not set up the tests"
finish
