#!/usr/bin/env bash
# Installs every Debian package watchlink needs to build, test and benchmark.
# Idempotent, and silent when everything is already there.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config
  libxxhash-dev zlib1g-dev libcmocka-dev libutf8proc-dev libicu-dev libjansson-dev
  libssl-dev                # PPRL encodings: HMAC-SHA256 and ChaCha20 from OpenSSL libcrypto
  libsqlite3-dev sqlite3     # the person store; sqlite3 (the CLI) for its tests
  clang libclang-rt-14-dev   # libFuzzer and sanitizer runtimes for fuzz builds
  python3 python3-jellyfish python3-abydos  # independent oracles: Jaro-Winkler, Double Metaphone
)
# watchlink-mpi (issue 14): Open MPI; CMake builds it only when MPI is found,
# and tests/e2e/test_mpi.sh skips without it.
PACKAGES+=(libopenmpi-dev openmpi-bin)
# Test only: the HTML report is rendered by headless Chromium
# (tests/e2e/test_report_chromium.sh skips without it).
PACKAGES+=(chromium)

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
