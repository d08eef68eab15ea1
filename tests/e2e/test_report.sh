#!/usr/bin/env bash
# End-to-end: --report FILE.html on match, dedup and link (issue 15). The report
# is one self-contained file (no script, nothing fetched), escapes every input
# value, shows the run's counts, and has the same bytes for 1 and 2 threads.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
L="$here/lists"

# A hostile list: markup in a name, an id, the source (file) name and a rejected
# row. x1 carries idn 1's date and document, so it pairs and clusters with it.
EVIL="$TMP/evil<b>.csv"
{
  echo 'id,full_name,dob,gender,nationality,doc_number'
  echo 'x1,<script>alert(1)</script>,1978-03-04,L,Indonesia,A1234567'
  echo '"x2""><img src=x onerror=alert(2)>",Siti Nurhaliza binti Tarudin,12/01/1985,P,IDN,B7654321'
  echo 'x3,<i>too</i>,many,fields,here,and,<u>more</u>,<s>still</s>'
} > "$EVIL"

summary_counts() { # the summary line of $1 as KEY=VALUE words
  sed -n 's/^summary: \([0-9]*\) records\? from \([0-9]*\) sources\? (\([0-9]*\) rows\? rejected), \([0-9]*\) candidate pairs\?, \([0-9]*\) pairs\? at or above the threshold, \([0-9]*\) clusters\? (largest \([0-9]*\))$/records=\1 sources=\2 rejected=\3 candidates=\4 pairs=\5 clusters=\6 largest=\7/p' "$1"
}

# Same bytes for 1 and 2 threads.
expect_exit 0 "$WATCHLINK" dedup "$L/idn.csv" "$L/mys.csv" "$EVIL" --threads 1 -o "$TMP/p1.csv" --report "$TMP/r1.html"
cp "$TMP/err" "$TMP/err1"
expect_exit 0 "$WATCHLINK" dedup "$L/idn.csv" "$L/mys.csv" "$EVIL" --threads 2 -o "$TMP/p2.csv" --report "$TMP/r2.html"
R="$TMP/r1.html"
[ -s "$R" ] && ok || fail "no report written"
cmp -s "$R" "$TMP/r2.html" && ok || fail "the report differs between 1 and 2 threads"
cmp -s "$TMP/p1.csv" "$TMP/p2.csv" && ok || fail "pairs differ between 1 and 2 threads"
ls -a "$TMP" | grep -q '^\.r1\.html\.' && fail "temporary report file left behind" || ok

# One self-contained HTML file: no script, no remote source, a CSP forbidding both.
expect_grep '^<!DOCTYPE html>' "$R"
grep -Eiq '<script' "$R" && fail "a <script> element in the report" || ok
grep -Eiq '(src|href)[[:space:]]*=[[:space:]]*["'\'']?[[:space:]]*(https?:)?//' "$R" && fail "a remote src/href" || ok
grep -Eiq '<(link|img|iframe|object|embed)[[:space:]>]' "$R" && fail "an element that fetches" || ok
expect_grep "Content-Security-Policy\" content=\"default-src 'none'" "$R"
tail -n 1 "$R" | grep -q '^</html>$' && ok || fail "the report is not complete"

# Every input value escaped: the name, the id, the source and the rejected row.
expect_grep '&lt;script&gt;alert(1)&lt;/script&gt;' "$R"
expect_grep 'x2&quot;&gt;&lt;img src=x onerror=alert(2)&gt;' "$R"
expect_grep 'evil&lt;b&gt;' "$R"
grep -q '<b>\|<u>\|<s>\|<i>' "$R" && fail "input markup reached the report unescaped" || ok

# The page's counts are the run's summary.
counts=$(summary_counts "$TMP/err1")
[ -n "$counts" ] && ok || fail "no summary line in the run's output"
for kv in $counts; do
  expect_grep "data-count=\"${kv%%=*}\">${kv#*=}</dd>" "$R"
done
expect_grep 'data-count="rejected">1</dd>' "$R"   # the row with too many fields
# Blocking per key: all keys together give the run's candidates.
cand=$(sed -n 's/.*), \([0-9]*\) candidate pairs.*/\1/p' "$TMP/err1")
expect_grep "<tr><td>all keys, as the run</td><td class=\"num\">$cand</td><td>-</td>" "$R"
[ "$(grep -c '<tr><td>[a-z +]*</td><td class="num">[0-9]*</td><td>-</td><td class="num">' "$R")" -eq 6 ] && ok || fail "not 6 blocking keys"

# Sections: the model's levels, the histogram, clusters with members, waterfalls, quality.
for id in summary model scores blocking clusters pairs quality; do expect_grep "<section id=\"$id\">" "$R"; done
for f in name dob doc nationality gender place_of_birth text; do expect_grep "<td>$f</td><td>" "$R"; done
expect_grep 'aria-label="match weight per field and level"' "$R"
expect_grep 'aria-label="histogram of candidate match weights"' "$R"
expect_grep 'class="marker-label"[^>]*>threshold 0.200' "$R"
expect_grep 'aria-label="number of clusters per cluster size"' "$R"
expect_grep '<td>DPO\|<td>m1</td>' "$R"
[ "$(grep -c 'aria-label="waterfall of the pair' "$R")" -ge 10 ] && ok || fail "fewer than 10 waterfalls"
expect_grep 'id="borderline-1"' "$R"
# each pair names the names that met (normalised), as --explain does
[ "$(grep -c '<p class="met">names that met: <q>[a-z ]*</q> ~ <q>[a-z ]*</q></p>' "$R")" -ge 10 ] && ok ||
  fail "fewer than 10 pairs name the names that met"
expect_grep 'id="sampled-1"' "$R"
expect_grep 'id="no-truth"' "$R"                    # no --truth: the curves say why they are absent
grep -q 'aria-label="precision, recall' "$R" && fail "curves drawn without truth" || ok
expect_grep '<td>full_name</td><td class="num">\|aria-label="fill rate per field"' "$R"

# Data quality: values read but not understood are counted per role.
cat > "$TMP/bad.csv" <<'CSV'
id,full_name,dob,gender,nationality,doc_number,place_of_birth,text
b1,Ahmad Fauzi,not a date,X,Atlantis,A1234567,Jakarta,note
b2,!!!,1970-01-01,M,IDN,###,Medan,
b3,Siti Aminah,1980-02-03,F,MYS,B7654321,,
CSV
expect_exit 0 "$WATCHLINK" dedup "$TMP/bad.csv" --report "$TMP/q.html" -o "$TMP/q.csv" -q
for role in full_name dob gender nationality doc_number; do
  expect_grep "<tr><td>$role</td><td class=\"num\">3</td><td class=\"num\">100.0</td><td class=\"num\">1</td></tr>" "$TMP/q.html"
done
expect_grep '<tr><td>place_of_birth</td><td class="num">2</td><td class="num">66.7</td><td class="num">0</td></tr>' "$TMP/q.html"
expect_grep '<tr><td>text</td><td class="num">1</td><td class="num">33.3</td><td>-</td></tr>' "$TMP/q.html"

# One record: no candidates, no pairs; every section says so instead of drawing nothing.
printf 'id,full_name\n1,Ali\n' > "$TMP/one.csv"
expect_exit 0 "$WATCHLINK" dedup "$TMP/one.csv" --report "$TMP/one.html" -o "$TMP/one_p.csv" -q
expect_grep 'No candidate pairs were scored: no histogram' "$TMP/one.html"
expect_grep 'Every record is alone in its cluster' "$TMP/one.html"
expect_grep 'No pair is at or above the threshold' "$TMP/one.html"
tail -n 1 "$TMP/one.html" | grep -q '^</html>$' && ok || fail "the one-record report is not complete"

# Long names are cut in the cluster table, never inside a UTF-8 character.
long="a$(printf 'é%.0s' $(seq 100))"
printf 'id,full_name,dob\n1,%s,1970-01-01\n2,%s,1970-01-01\n' "$long" "$long" > "$TMP/long.csv"
expect_exit 0 "$WATCHLINK" dedup "$TMP/long.csv" --report "$TMP/long.html" -o "$TMP/long_p.csv" -q
expect_grep '&hellip;' "$TMP/long.html"
iconv -f UTF-8 -t UTF-8 "$TMP/long.html" > /dev/null 2>&1 && ok || fail "the report is not valid UTF-8"
# A list whose file name is not UTF-8 (its source name, shown in the page): U+FFFD.
cp "$L/idn.csv" "$TMP/bad"$'\xff\x01'"name.csv"
expect_exit 0 "$WATCHLINK" dedup "$TMP/bad"$'\xff\x01'"name.csv" --report "$TMP/bytes.html" -o "$TMP/bytes.csv" -q
iconv -f UTF-8 -t UTF-8 "$TMP/bytes.html" > /dev/null 2>&1 && ok || fail "a non-UTF-8 file name made the report invalid UTF-8"
expect_grep "bad"$'\xef\xbf\xbd\xef\xbf\xbd'"name" "$TMP/bytes.html"

# With --truth: precision, recall and F1 against the threshold.
expect_exit 0 "$WATCHLINK" match "$L/idn.csv" "$L/mys.csv" --truth "$L/truth.csv" --report "$TMP/t.html" -o "$TMP/t.csv" -q
expect_grep 'aria-label="precision, recall and F1 against the threshold"' "$TMP/t.html"
expect_grep 'Against 7 truth pairs' "$TMP/t.html"
expect_grep '<tr><td>all keys, as the run</td><td class="num">[0-9]*</td><td class="num">1.0000</td>' "$TMP/t.html"
grep -q 'id="no-truth"' "$TMP/t.html" && fail "truth given but curves skipped" || ok
# The run's precision and recall in the page equal eval's on the same pairs.
expect_exit 0 "$WATCHLINK" eval --truth "$L/truth.csv" "$TMP/t.csv"
pr=$(awk 'NR == 2 { printf "%.4f %.4f", $5, $6 }' "$TMP/out")
page=$(sed -n 's|.*<tr><td>the run.s: [0-9.]*</td><td class="num">\([0-9.]*\)</td><td class="num">\([0-9.]*\)</td>.*|\1 \2|p' "$TMP/t.html")
[ -n "$pr" ] && [ "$pr" = "$page" ] && ok || fail "page precision/recall '$page', eval '$pr'"
# link writes one too, and says which pair rules the run used.
expect_exit 0 "$WATCHLINK" link "$L/idn.csv" "$L/mys.csv" --report "$TMP/l.html" -o "$TMP/l.csv" -q
expect_grep '<section id="pairs">' "$TMP/l.html"
expect_exit 0 "$WATCHLINK" match "$L/idn.csv" "$L/mys.csv" --best-link --one-to-one --report "$TMP/l2.html" -o "$TMP/l2.csv" -q
expect_grep 'best link only &middot; one to one' "$TMP/l2.html"

# Errors: --truth without --report, a bad truth file, an unwritable report path.
expect_exit 1 "$WATCHLINK" dedup "$L/idn.csv" --truth "$L/truth.csv" -o "$TMP/x.csv"
expect_grep "truth belongs to" "$TMP/err"
printf 'left_id,right_id\n"x,y\n' > "$TMP/badtruth.csv"
expect_exit 1 "$WATCHLINK" dedup "$L/idn.csv" --truth "$TMP/badtruth.csv" --report "$TMP/b.html" -o "$TMP/x.csv"
expect_grep "badtruth.csv" "$TMP/err"
[ -e "$TMP/b.html" ] && fail "a report written after a bad truth file" || ok
expect_exit 1 "$WATCHLINK" dedup "$L/idn.csv" --report "$TMP/no/such/dir/r.html" -o "$TMP/x.csv"
expect_grep "cannot write" "$TMP/err"
expect_exit 1 "$WATCHLINK" dedup "$L/idn.csv" --report
expect_grep "report needs a value" "$TMP/err"
expect_exit 0 "$WATCHLINK" dedup --help
expect_grep "--report FILE.html" "$TMP/out"
finish
