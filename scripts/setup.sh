#!/usr/bin/env bash
# Installs the Debian packages watchlink needs. Idempotent, and silent when
# everything is already there.
#   bash scripts/setup.sh          what building and running watchlink needs
#                                  (compiler, CMake and the libraries it links)
#   bash scripts/setup.sh --test   that, plus what only the tests use: cmocka,
#                                  clang and its libFuzzer/sanitizer runtimes,
#                                  the Python oracles, the sqlite3 shell, Open MPI
#                                  and headless Chromium
#   bash scripts/setup.sh --list [--test]   prints those packages, installs nothing
# scripts/demo.sh runs the first, scripts/test.sh the second.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config
  libxxhash-dev zlib1g-dev libutf8proc-dev libicu-dev libjansson-dev
  libssl-dev                 # PPRL encodings: HMAC-SHA256 and ChaCha20 from OpenSSL libcrypto
  libsqlite3-dev             # the person store
)
list=0
if [ "${1:-}" = "--list" ]; then
  list=1
  shift
fi
if [ "${1:-}" = "--test" ]; then
  PACKAGES+=(
    libcmocka-dev              # unit tests (without it CMake builds no tests)
    sqlite3                    # the store's tests read stores with the sqlite3 shell
    clang libclang-rt-14-dev   # CC=clang builds, libFuzzer and sanitizer runtimes
    python3 python3-jellyfish python3-abydos  # independent oracles: Jaro-Winkler, Double Metaphone
    # watchlink-mpi (issue 14): CMake builds it only when MPI is found, and
    # tests/e2e/test_mpi.sh skips without it.
    libopenmpi-dev openmpi-bin
    # The HTML report rendered by headless Chromium (tests/e2e/test_report_chromium.sh skips without it).
    chromium
  )
elif [ -n "${1:-}" ]; then
  echo "usage: bash scripts/setup.sh [--list] [--test]" >&2
  exit 1
fi
if [ "$list" -eq 1 ]; then
  printf '%s\n' "${PACKAGES[@]}"
  exit 0
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
