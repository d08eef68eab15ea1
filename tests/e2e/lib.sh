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
# The store tests' helpers: cp_store ORIG COPY copies a store with its index
# files; count DB SQL prints the first column of the first row of a query.
cp_store() { rm -f "$2" "$2".idx.*; cp "$1" "$2"; for f in "$1".idx.*; do [ -e "$f" ] && cp "$f" "$2${f#"$1"}"; done; }
count() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$@"; }

# kill_nine ORIG COPY STATE -- CMD...: crash safety of a store update. CMD writes
# the store COPY, made afresh from ORIG before each run (with its index files).
# CMD is timed twice, then killed with SIGKILL at 10, 30, 50, 70 and 85 % of
# its shorter run; after each, `index --check` must pass and the function STATE
# (given COPY) must succeed: the store as before, or as after, never half. At
# least 2 of the 5 runs must have been killed, or the check proves little.
kill_nine() {
  local orig=$1 copy=$2 state=$3 ms= m t0 t1 killed=0 pct delay rc
  shift 4
  for _ in 1 2; do
    cp_store "$orig" "$copy"
    t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N)
    m=$(( (t1 - t0) / 1000000 ))
    if [ -z "$ms" ] || [ "$m" -lt "$ms" ]; then ms=$m; fi
  done
  for pct in 10 30 50 70 85; do
    delay=$(awk -v p="$pct" -v ms="$ms" 'BEGIN { printf "%.3f", (ms * p / 100 + 2) / 1000 }')
    cp_store "$orig" "$copy"
    rc=$( (timeout -s KILL "$delay" "$@" >/dev/null 2>&1; echo $?) 2>/dev/null )
    [ "$rc" -eq 137 ] && killed=$((killed + 1))
    expect_exit 0 "$WATCHLINK" index --check "$copy"
    if "$state" "$copy"; then ok; else fail "after kill -9 at ${delay}s: the store is neither as before nor as after"; fi
  done
  [ "$killed" -ge 2 ] && ok || fail "only $killed of 5 updates (${ms} ms each) were killed: the test proves little"
}
finish() {
  echo "$PASSES passed, $FAILS failed"
  [ "$FAILS" -eq 0 ]
}
