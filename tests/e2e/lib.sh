# lib.sh -- helpers shared by the end-to-end tests (sourced, not run).
set -u
: "${WATCHLINK:?set WATCHLINK to the built watchlink binary}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
FAILS=0
PASSES=0
ok()   { PASSES=$((PASSES + 1)); }
fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
# expect_exit CODE CMD...: runs CMD, stdout to $TMP/out, stderr to $TMP/err.
expect_exit() {
  local want=$1; shift
  "$@" >"$TMP/out" 2>"$TMP/err"
  local got=$?
  if [ "$got" -ne "$want" ]; then fail "exit $got, wanted $want: $*"; sed 's/^/  | /' "$TMP/err" >&2; else ok; fi
}
expect_grep() { # expect_grep PATTERN FILE
  if grep -q -- "$1" "$2"; then ok; else fail "'$1' not in $2"; sed 's/^/  | /' "$2" | head -20 >&2; fi
}
finish() {
  echo "$PASSES passed, $FAILS failed"
  [ "$FAILS" -eq 0 ]
}
