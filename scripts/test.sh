#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite.
# Usage: scripts/test.sh [--sanitize]   (--sanitize: ASan + UBSan build in build-asan/)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
dir=build
args=(-DWL_WERROR=ON)
if [ "${1:-}" = "--sanitize" ]; then
  dir=build-asan
  args+=(-DWL_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo)
fi
bash scripts/build.sh "$dir" "${args[@]}"
ctest --test-dir "$dir" --output-on-failure -j "$(nproc)"
