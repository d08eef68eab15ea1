#!/usr/bin/env bash
# Sets up, builds and runs the main job on the bundled sample lists.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh build
./build/watchlink inspect datasets/sample/*.csv
