#!/usr/bin/env bash
# Sets up (with the test packages), builds and runs the whole test suite.
# Usage: [CC=clang] scripts/test.sh [--sanitize | --tsan]
#   CC=clang:   the same with clang, in build-clang/ (a build directory keeps
#               the compiler it was configured with, so each compiler has its own)
#   --sanitize: ASan + UBSan build in build-asan/, the whole suite
#   --tsan:     ThreadSanitizer build in build-tsan/, the unit tests and one
#               end-to-end test (the kernels' exhaustive tests are left to the
#               other two runs: under TSan they take minutes and share nothing)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
suffix=""
[ -n "${CC:-}" ] && [ "$(basename "$CC")" != cc ] && [ "$(basename "$CC")" != gcc ] && suffix="-$(basename "$CC")"
dir=build$suffix
args=(-DWL_WERROR=ON)
if [ "${1:-}" = "--sanitize" ]; then
  dir=build-asan$suffix
  args+=(-DWL_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo)
fi
if [ "${1:-}" = "--tsan" ]; then
  # GCC's libgomp is not built with TSan, so TSan cannot see its barriers and
  # reports every OpenMP region as racing. OMP_THREAD_LIMIT=1 runs each region
  # on one thread; what TSan then checks is the engine's promise that calls
  # share no state: tests/unit/test_run_concurrent.c runs wl_run on two
  # pthreads at once (it caught the static sort contexts of run.c).
  bash scripts/build.sh "build-tsan$suffix" -DWL_WERROR=ON -DWL_TSAN=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
  OMP_THREAD_LIMIT=1 TSAN_OPTIONS="halt_on_error=1" \
    ctest --test-dir "build-tsan$suffix" --output-on-failure -j "$(nproc)" -R '^(unit|e2e.test_match$)' -E 'test_strsim'
  exit
fi
bash scripts/build.sh "$dir" "${args[@]}"
ctest --test-dir "$dir" --output-on-failure -j "$(nproc)"
