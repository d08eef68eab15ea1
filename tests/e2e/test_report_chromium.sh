#!/usr/bin/env bash
# End-to-end: the HTML report rendered by headless Chromium (issue 15). The
# bundled sample's report and a hostile list's report must load without a
# console error, draw every chart with a non-empty box, show the run's counts,
# and show injected markup as text. Skips (exit 77) when Chromium is absent:
# scripts/setup.sh installs Debian's chromium.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
S="$WL_SOURCE_DIR/datasets/sample"
L="$here/lists"
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
PY=/usr/bin/python3
if [ -z "$CHROMIUM" ] || [ ! -x "$PY" ]; then
  echo "SKIP: chromium (or /usr/bin/python3) not installed; scripts/setup.sh installs it"
  exit 77
fi

summary_counts() { # the summary line of $1 as KEY=VALUE words
  sed -n 's/^summary: \([0-9]*\) records\? from \([0-9]*\) sources\? (\([0-9]*\) rows\? rejected), \([0-9]*\) candidate pairs\?, \([0-9]*\) pairs\? at or above the threshold, \([0-9]*\) clusters\? (largest \([0-9]*\))$/records=\1 sources=\2 rejected=\3 candidates=\4 pairs=\5 clusters=\6 largest=\7/p' "$1"
}

check() { # check REPORT SHOT SUMMARY_FILE [--text T...]
  local report=$1 shot=$2 counts
  counts=$(summary_counts "$3")
  shift 3
  [ -n "$counts" ] && ok || fail "no summary line in $3"
  # shellcheck disable=SC2086
  if "$PY" "$here/report_check.py" "$CHROMIUM" "$report" "$shot" $counts "$@" >"$TMP/check" 2>&1; then
    ok
  else
    fail "chromium check of $report"
    sed 's/^/  | /' "$TMP/check" >&2
  fi
  [ -s "$shot" ] && ok || fail "no screenshot $shot"
}

# The bundled sample, with its truth (curves drawn).
expect_exit 0 "$WATCHLINK" dedup "$S/idn.csv" "$S/mys.csv" "$S/tha.csv" --truth "$S/truth_pairs.csv" \
  --report "$TMP/sample.html" -o "$TMP/pairs.csv"
check "$TMP/sample.html" "$TMP/sample.png" "$TMP/err"
grep -q '^2[0-9] charts' "$TMP/check" && ok || fail "expected 20 to 29 charts: $(cat "$TMP/check")"

# A hostile name renders as text, not markup.
EVIL="$TMP/evil.csv"
{
  echo 'id,full_name,dob,gender,nationality,doc_number'
  echo 'x1,<script>alert(1)</script>,1978-03-04,L,Indonesia,A1234567'
  echo 'x2,<img src=x onerror=alert(2)>,12/01/1985,P,IDN,B7654321'
} > "$EVIL"
expect_exit 0 "$WATCHLINK" match "$L/idn.csv" "$EVIL" --report "$TMP/evil.html" -o "$TMP/e.csv"
check "$TMP/evil.html" "$TMP/evil.png" "$TMP/err" --text '<script>alert(1)</script>' --text '<img src=x onerror=alert(2)>'

# The checker itself fails on a broken page: a wrong count, an empty chart, a script.
sed 's|data-count="records">[0-9]*<|data-count="records">999999<|; s|<svg class="chart"\([^>]*\) width="[0-9.]*" height="[0-9.]*"|<svg class="chart"\1 width="0" height="0"|' \
  "$TMP/evil.html" > "$TMP/broken.html"
sed -i 's|</main>|<script>console.error("boom")</script></main>|' "$TMP/broken.html"
if "$PY" "$here/report_check.py" "$CHROMIUM" "$TMP/broken.html" "$TMP/broken.png" records=20 >"$TMP/check" 2>&1; then
  fail "the checker passed a broken page"
else
  for what in "count records" "empty box" "script" ; do
    grep -q "$what" "$TMP/check" && ok || fail "the checker missed: $what"
  done
fi
# Keep the sample's screenshot when asked (README's picture: docs/report.png).
[ -n "${WL_REPORT_SHOT:-}" ] && cp "$TMP/sample.png" "$WL_REPORT_SHOT"
finish
