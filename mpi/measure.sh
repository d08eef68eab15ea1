#!/usr/bin/env bash
# measure.sh -- the figures of docs/scale-out.md: watchlink dedup in one process
# and watchlink-mpi at -np 1, 2 and 4 (oversubscribed) on generated lists, with
# wall time, peak memory of every rank (/usr/bin/time -v) and the bytes sent.
# Usage: mpi/measure.sh BUILD_DIR RECORDS [NP...]   (e.g. build 100000 1 2 4)
# The lists are generated, or taken from $GEN_CACHE/gen-nRECORDS-k8-s42 when
# that holds them (watchlink-bench run --cache writes them there).
set -euo pipefail
build=${1:?build dir}
records=${2:?records}
shift 2
nps=("$@")
[ $# -eq 0 ] && nps=(1 2 4)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gen="${GEN_CACHE:-/tmp/bcache}/gen-n$records-k8-s42"
if [ ! -f "$gen/sgp.csv" ]; then
  gen="$work/gen"
  "$build/watchlink-bench" gen --out "$gen" --records "$records" --seed 42 2>/dev/null
fi
lists=()
for c in idn mys tha vnm phl mmr khm sgp; do lists+=("$gen/$c.csv"); done
echo "lists: $gen; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

/usr/bin/time -v -o "$work/single.tv" "$build/watchlink" dedup "${lists[@]}" -o "$work/ref.csv" \
  --clusters "$work/refc.csv" 2>"$work/single.err"
printf 'single: %s wall, %s CPU s, peak %s MB; %s\n' \
  "$(awk -F': ' '/Elapsed/ { print $2 }' "$work/single.tv")" \
  "$(awk -F': ' '/User time|System time/ { t += $2 } END { printf "%.2f", t }' "$work/single.tv")" \
  "$(awk -F': ' '/Maximum resident/ { printf "%.0f", $2 / 1024 }' "$work/single.tv")" \
  "$(grep '^time:' "$work/single.err")"
for np in "${nps[@]}"; do
  start=$(date +%s.%N)
  mpirun --allow-run-as-root --oversubscribe -np "$np" sh -c \
    '/usr/bin/time -v -o "$0.$OMPI_COMM_WORLD_RANK" "$@"' "$work/rank.tv" \
    "$build/watchlink-mpi" dedup "${lists[@]}" -o "$work/np$np.csv" --clusters "$work/np${np}c.csv" \
    2>"$work/np$np.err"
  end=$(date +%s.%N)
  same=differ
  cmp -s "$work/ref.csv" "$work/np$np.csv" && cmp -s "$work/refc.csv" "$work/np${np}c.csv" && same=identical
  rss=$(for r in $(seq 0 $((np - 1))); do
          awk -F': ' '/Maximum resident/ { printf "%.0f ", $2 / 1024 }' "$work/rank.tv.$r"; done)
  cpu=$(for r in $(seq 0 $((np - 1))); do
          awk -F': ' '/User time|System time/ { t += $2 } END { printf "%.2f ", t }' "$work/rank.tv.$r"; done)
  printf 'np %d: %.2f s, peak MB per rank: %s; CPU s per rank: %s; output %s\n' "$np" \
    "$(echo "$end - $start" | bc)" "$rss" "$cpu" "$same"
  grep -E '^(time|mpi):' "$work/np$np.err" | sed 's/^/  /'
done
