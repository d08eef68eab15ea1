#!/usr/bin/env bash
# Configures and builds watchlink, saying what it does: the build directory,
# the compiler, then how far the build is, and where the binaries are.
# Usage: scripts/build.sh [BUILD_DIR] [CMAKE_ARGS...]   (default BUILD_DIR: build;
# CC=clang picks the compiler of a new build directory)
# The full compiler output is kept in BUILD_DIR/build.log; on failure its errors are shown.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
jobs=$(nproc)
mkdir -p "$dir"
echo "build.sh: configuring $dir (CMake, Release${CC:+, CC=$CC})" >&2
if ! cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release "$@" > "$dir/configure.log" 2>&1; then
  cat "$dir/configure.log" >&2
  exit 1
fi
echo "build.sh: compiling with $jobs jobs (log: $dir/build.log)" >&2
# Make prints "[ 42%] Building ..."; say every quarter of the way.
set +e
cmake --build "$dir" -j "$jobs" -- --no-print-directory > "$dir/build.log" 2>&1 &
pid=$!
shown=0
while kill -0 "$pid" 2>/dev/null; do
  sleep 2
  pct=$(grep -o '^\[ *[0-9]*%\]' "$dir/build.log" 2>/dev/null | tail -n 1 | tr -dc '0-9')
  if [ -n "$pct" ] && [ "$pct" -ge $((shown + 25)) ]; then
    shown=$((pct / 25 * 25))
    echo "build.sh: $pct% built" >&2
  fi
done
wait "$pid"
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
  grep -E -A4 'error|Error' "$dir/build.log" | head -n 60 >&2
  echo "build.sh: build failed (whole log: $dir/build.log)" >&2
  exit "$rc"
fi
bins=""
for b in watchlink watchlink-bench watchlink-mpi; do [ -x "$dir/$b" ] && bins="$bins $dir/$b"; done
echo "build.sh: built$bins" >&2
