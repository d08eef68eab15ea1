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
# require_mpi: exits 77 (skip), saying why, without Open MPI's mpirun, without
# the watchlink-mpi binary, or in a sanitizer build (Open MPI's runtime is not
# instrumented, and LeakSanitizer reports its allocations at exit); else sets
# MPIRUN to the mpirun command line the MPI tests use.
require_mpi() {
  if ! command -v mpirun >/dev/null 2>&1; then
    echo "SKIP: mpirun not found (Open MPI: apt-get install libopenmpi-dev openmpi-bin, or scripts/setup.sh)" >&2
    exit 77
  fi
  if [ -z "${WATCHLINK_MPI:-}" ] || [ ! -x "$WATCHLINK_MPI" ]; then
    echo "SKIP: watchlink-mpi was not built (CMake found no MPI: install libopenmpi-dev and reconfigure)" >&2
    exit 77
  fi
  if grep -qE '^WL_(SANITIZE|TSAN):BOOL=ON' "${WL_BUILD_DIR:-/nonexistent}/CMakeCache.txt" 2>/dev/null; then
    echo "SKIP: sanitizer build: Open MPI is not instrumented and LeakSanitizer flags its runtime" >&2
    exit 77
  fi
  MPIRUN=(mpirun --allow-run-as-root --oversubscribe)
}
finish() {
  echo "$PASSES passed, $FAILS failed"
  [ "$FAILS" -eq 0 ]
}
