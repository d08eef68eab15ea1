#!/usr/bin/env bash
# Sets up, builds and runs the main job on the bundled sample lists: match the
# Indonesian list against the Malaysian one, show a few explained matches, then
# deduplicate all three lists into persons (with an HTML report of the run) and
# score the result against the truth.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh build
S=datasets/sample
OUT=build/demo
mkdir -p "$OUT"

echo "== watchlink inspect: what was read and how the columns were mapped"
./build/watchlink inspect "$S/idn.csv" "$S/mys.csv" "$S/tha.csv" 2>&1 | sed -n '1,12p'

echo
echo "== watchlink match idn.csv mys.csv --explain"
./build/watchlink match "$S/idn.csv" "$S/mys.csv" --explain -o "$OUT/idn_mys.csv"
echo
echo "A few explained matches (name and date of birth as each list wrote them):"
name_of() { # name_of LIST ID: the record's first columns after its id, as the list wrote them
  awk -F, -v id="$2" 'NR > 1 && $1 == id { print $2 " / " $3 " / " $4 " / " $5; exit }' "$1"
}
awk -F, 'NR > 1 && NR % 97 == 2' "$OUT/idn_mys.csv" | head -n 5 | while IFS=, read -r ls li rs ri p w name dob doc nat gender pob text; do
  printf '  p=%s  %s\n            ~ %s\n' "$p" "$(name_of "$S/$ls.csv" "$li")" "$(name_of "$S/$rs.csv" "$ri")"
  printf '      name %s, dob %s, doc %s, nationality %s, gender %s\n' "$name" "$dob" "$doc" "$nat" "$gender"
done

echo
echo "== watchlink dedup idn.csv mys.csv tha.csv --clusters --report"
./build/watchlink dedup "$S/idn.csv" "$S/mys.csv" "$S/tha.csv" -o "$OUT/pairs.csv" --clusters "$OUT/clusters.csv" \
  --report "$OUT/report.html" --truth "$S/truth_pairs.csv"
echo
echo "== watchlink eval against the sample's truth"
./build/watchlink eval --truth "$S/truth_pairs.csv" "$OUT/pairs.csv" | sed -n '1,2p'
echo
echo "Outputs: $OUT/idn_mys.csv, $OUT/pairs.csv, $OUT/clusters.csv"
echo "Report (open it in a browser; it works offline): $(pwd)/$OUT/report.html"
