#!/usr/bin/env bash
# test_install.sh -- a lighter install (issue 9): `cmake --install` puts
# watchlink and watchlink-bench (and the manual page, and the generator's name
# pools) under a prefix, where they run without the source tree; scripts/setup.sh installs only what building and
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

# watchlink-bench reads its generator's name pools from PREFIX/share/watchlink
# (it read the source tree's datasets/pools, whatever the prefix): the installed
# copy makes the same lists as the build's, and without one of its pools it
# fails naming the installed file, so it is the one read.
n_src=$(ls "$WL_SOURCE_DIR"/datasets/pools/*.tsv | wc -l)
n_inst=$(ls "$TMP"/p/share/watchlink/pools/*.tsv 2>/dev/null | wc -l)
[ "$n_inst" -eq "$n_src" ] && ok || fail "$n_inst of $n_src name pools installed"
[ -f "$TMP/p/share/watchlink/README.md" ] && ok || fail "the pools' provenance (datasets/README.md) is not installed"
expect_exit 0 "$TMP/p/bin/watchlink-bench" gen --help
expect_grep "Pools default to $TMP/p/share/watchlink/pools" "$TMP/out"
(cd "$TMP" && "$TMP/p/bin/watchlink-bench" gen --out "$TMP/gen-inst" --records 2000 >/dev/null 2>&1) && ok \
  || fail "the installed watchlink-bench gen failed"
expect_exit 0 "$WL_BUILD_DIR/watchlink-bench" gen --out "$TMP/gen-build" --records 2000
diff -r "$TMP/gen-inst" "$TMP/gen-build" >/dev/null && ok || fail "installed and built generators wrote other lists"
ln -s "$TMP/p/bin/watchlink-bench" "$TMP/wb" # a link on the PATH finds the prefix too
expect_exit 0 "$TMP/wb" febrl --out "$TMP/febrl" --records 300
expect_exit 0 "$TMP/p/bin/watchlink-bench" run --scales 2000 --febrl none --cache "$TMP/cache"
expect_grep '^generated-2000' "$TMP/out"
mv "$TMP/p/share/watchlink/pools/thai_given_male.tsv" "$TMP/"
expect_exit 1 "$TMP/p/bin/watchlink-bench" gen --out "$TMP/gen-x" --records 100
expect_grep "cannot read name pool $TMP/p/share/watchlink/pools/thai_given_male.tsv" "$TMP/err"

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
