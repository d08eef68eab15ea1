#!/usr/bin/env bash
# test_gen.sh -- `watchlink-bench gen`: determinism, counts, truth consistency,
# per-country conventions, and the bundled sample in datasets/sample being exactly
# what the documented command regenerates.
set -u
: "${WATCHLINK_BENCH:?set WATCHLINK_BENCH to the built watchlink-bench binary}"
: "${WL_SOURCE_DIR:?set WL_SOURCE_DIR to the repository}"
export LC_ALL=C
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
FAILS=0
PASSES=0
ok()   { PASSES=$((PASSES + 1)); }
fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
check() { # check DESCRIPTION CMD...: passes when CMD succeeds
  local what=$1; shift
  if "$@"; then ok; else fail "$what"; fi
}
gen() { "$WATCHLINK_BENCH" gen "$@" 2>"$TMP/gen.err"; }
rows() { echo $(( $(wc -l < "$1") - 1 )); }

LISTS8="idn mys tha vnm phl mmr khm sgp"

# ---- determinism: same arguments -> same bytes; another seed -> other bytes
gen --out "$TMP/a" --records 4000 --seed 11 || fail "gen a: $(cat "$TMP/gen.err")"
gen --out "$TMP/b" --records 4000 --seed 11 || fail "gen b"
gen --out "$TMP/c" --records 4000 --seed 12 || fail "gen c"
for f in $LISTS8 truth_pairs truth_clusters; do
  check "$f.csv differs for the same seed" cmp -s "$TMP/a/$f.csv" "$TMP/b/$f.csv"
  check "$f.csv identical for another seed" bash -c "! cmp -s '$TMP/a/$f.csv' '$TMP/c/$f.csv'"
done

# ---- counts: N records over K lists, split evenly; every record in one cluster
total=0
for f in $LISTS8; do
  n=$(rows "$TMP/a/$f.csv"); total=$((total + n))
  check "$f.csv has $n rows, wanted 500" [ "$n" -eq 500 ]
done
check "total rows $total != 4000" [ "$total" -eq 4000 ]
check "truth_clusters rows != 4000" [ "$(rows "$TMP/a/truth_clusters.csv")" -eq 4000 ]
gen --out "$TMP/odd" --records 1001 --lists 3 --seed 5 || fail "gen odd"
check "1001 over 3 lists" [ "$(rows "$TMP/odd/idn.csv")" -eq 334 -a "$(rows "$TMP/odd/mys.csv")" -eq 334 \
                            -a "$(rows "$TMP/odd/tha.csv")" -eq 333 ]
check "--lists 3 writes only idn mys tha" [ ! -e "$TMP/odd/vnm.csv" ]

# ---- truth: ids unique, pairs refer to existing ids, ordered, complete per cluster
a=$TMP/a
for f in $LISTS8; do tail -n +2 "$a/$f.csv" | awk -F, -v s="$f" '{print s","$1}'; done | sort > "$TMP/ids"
check "record ids not unique" [ "$(uniq -d "$TMP/ids" | wc -l)" -eq 0 ]
tail -n +2 "$a/truth_clusters.csv" | cut -d, -f2,3 | sort > "$TMP/cl_ids"
check "truth_clusters ids != list ids" cmp -s "$TMP/ids" "$TMP/cl_ids"
tail -n +2 "$a/truth_pairs.csv" | awk -F, '{print $1","$2; print $3","$4}' | sort -u > "$TMP/pair_ids"
check "truth pair ids missing from the lists" [ "$(comm -23 "$TMP/pair_ids" "$TMP/ids" | wc -l)" -eq 0 ]
check "truth pair not ordered left < right" [ "$(tail -n +2 "$a/truth_pairs.csv" | \
  awk -F, '($1","$2) >= ($3","$4)' | wc -l)" -eq 0 ]
want_pairs=$(tail -n +2 "$a/truth_clusters.csv" | cut -d, -f1 | sort | uniq -c | awk '{s += $1*($1-1)/2} END {print s+0}')
check "truth pairs $(rows "$a/truth_pairs.csv") != sum C(n,2) = $want_pairs" [ "$(rows "$a/truth_pairs.csv")" -eq "$want_pairs" ]
check "no pairs at all" [ "$want_pairs" -gt 100 ]
check "no persons across lists" [ "$(tail -n +2 "$a/truth_pairs.csv" | awk -F, '$1 != $3' | wc -l)" -gt 100 ]
check "no duplicates within a list" [ "$(tail -n +2 "$a/truth_pairs.csv" | awk -F, '$1 == $3' | wc -l)" -gt 0 ]
gen --out "$TMP/lo" --records 4000 --seed 11 --overlap 0 || fail "gen overlap 0"
check "--overlap 0 still gives pairs" [ "$(rows "$TMP/lo/truth_pairs.csv")" -eq 0 ]

# ---- each list has its own header
declare -A HDR=(
  [idn]="id,nama_lengkap,nama_alias,tempat_lahir,tanggal_lahir,jenis_kelamin,kewarganegaraan,nik,no_paspor"
  [mys]="no,nama,nama_lain,no_kp,tarikh_lahir,jantina,warganegara"
  [tha]="record_id,first_name,last_name,aka,birth_date,gender,nationality,national_id,passport_no"
  [vnm]="id,ho_ten,ten_khac,ngay_sinh,noi_sinh,gioi_tinh,quoc_tich,so_cccd,so_ho_chieu"
  [phl]="case_id,surname,first_name,middle_name,alyas,date_of_birth,place_of_birth,sex,nationality,passport_no"
  [mmr]="suspect_id,name,father_name,date_of_birth,sex,nationality,national_id,passport_no"
  [khm]="entry_id,family_name,given_name,dob,sex,nationality,id_number,passport_number"
  [sgp]="ref_no,full_name,aliases,date_of_birth,gender,nationality,doc_type,doc_number,doc_country")
for f in $LISTS8; do
  check "$f header" [ "$(head -1 "$a/$f.csv")" = "${HDR[$f]}" ]
done

# ---- conventions (on a larger set so that rare cases appear)
gen --out "$TMP/big" --records 80000 --seed 77 || fail "gen big"
# About 6 % of persons are siblings and 1 % namesakes of the person drawn before them.
read -r rel nam < <(sed -n 's/.*(\([0-9]*\) relatives, \([0-9]*\) namesakes.*/\1 \2/p' "$TMP/gen.err")
check "relatives ${rel:-?} / namesakes ${nam:-?} not about 6 % / 1 % of ~51,000 persons" \
  [ "${rel:-0}" -gt 2500 -a "${rel:-0}" -lt 3700 -a "${nam:-0}" -gt 350 -a "${nam:-0}" -lt 700 ]
B=$TMP/big
has() { grep -qE -- "$1" "$2"; }
check "THA: Thai script" has $'\xe0\xb8' "$B/tha.csv"
check "THA: Buddhist Era years" has ',[0-9]{2}/[0-9]{2}/25[0-9]{2},' "$B/tha.csv"
check "MYS: Jawi (Arabic script)" has $'\xd8|\xd9' "$B/mys.csv"
check "MYS: Malay month names" has ' (Mac|Ogos|Disember) ' "$B/mys.csv"
check "MYS: bin/binti" has ' (BIN|bin|BINTI|binti) ' "$B/mys.csv"
check "MYS: a/l a/p" has ' (a/l|A/L|a/p|A/P) ' "$B/mys.csv"
check "MYS: MyKad" has ',[0-9]{6}-[0-9]{2}-[0-9]{4},' "$B/mys.csv"
check "IDN: Indonesian month names" has ' (Maret|Agustus|Desember) ' "$B/idn.csv"
check "IDN: 16-digit NIK" has ',[0-9]{16},' "$B/idn.csv"
check "MMR: year ranges" has ',[0-9]{4}(-| to )[0-9]{4},' "$B/mmr.csv"
check "IDN: circa dates" has ',(sekitar|lebih kurang|circa|c\.|approx\.|about) [0-9]{4},' "$B/idn.csv"
check "VNM: diacritics" has 'Nguyễn|Trần' "$B/vnm.csv"
check "VNM: ngày ... tháng ... năm dates" has ',ngày [0-9]+ tháng [0-9]+ năm [0-9]{4},' "$B/vnm.csv"
check "THA: Thai month names with BE years" has ',[0-9]+ (เมษายน|มกราคม|ต\.ค\.|เม\.ย\.) (พ\.ศ\. )?25[0-9]{2},' "$B/tha.csv"
check "VNM: 12-digit CCCD" has ',[0-9]{12},' "$B/vnm.csv"
check "VNM: places of birth with diacritics" has ',(Hà Nội|TP. Hồ Chí Minh),' "$B/vnm.csv"
check "IDN: places of birth abroad in Latin" has ',(Hanoi|Ho Chi Minh City|Saigon|Bangkok|Phnom Penh),' "$B/idn.csv"
check "SGP: Han characters" has $'\xe4|\xe5|\xe6|\xe7|\xe8|\xe9' "$B/sgp.csv"
check "SGP: NRIC" has ',NRIC,[ST][0-9]{7}[A-Z],' "$B/sgp.csv"
check "Cyrillic somewhere" has $'\xd0|\xd1' "$B/vnm.csv" 
check "PHL: month-first dates (day > 12 second)" has ',(0[1-9]|1[0-2])/(1[3-9]|2[0-9]|3[01])/[0-9]{4},' "$B/phl.csv"
check "PHL: no day-first dates (day > 12 first)" bash -c "! grep -qE ',(1[3-9]|2[0-9]|3[01])/(0[1-9]|1[0-2])/[0-9]{4},' '$B/phl.csv'"
check "MMR: honorifics" has ',(U|Daw|Ko|Ma|Maung) ' "$B/mmr.csv"
check "aliases with ;" has ',[^,;]+;[^,;]+,' "$B/idn.csv" 
check "OCR-confused document numbers (letter O in NIK)" has ',[0-9]*O[0-9]*,' "$B/idn.csv"
# Every file is valid UTF-8 and every row has its header's number of fields.
for f in $LISTS8 truth_pairs truth_clusters; do
  check "$f.csv is not valid UTF-8" iconv -f UTF-8 -t UTF-8 -o /dev/null "$B/$f.csv"
done
/usr/bin/env python3 - "$B" $LISTS8 > "$TMP/fields" 2>&1 <<'PY'
import csv, sys
bad = []
for name in sys.argv[2:]:
    with open("%s/%s.csv" % (sys.argv[1], name), encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    bad += ["%s:%d" % (name, i + 1) for i, r in enumerate(rows) if len(r) != len(rows[0])]
print(" ".join(bad[:5]) if bad else "ok")
PY
check "rows with the wrong number of fields: $(cat "$TMP/fields")" [ "$(cat "$TMP/fields")" = ok ]
# Thai ID check digits: valid for most, invalid for the few with typos.
awk -F, 'NR > 1 && length($8) == 13 && $8 ~ /^[0-9]+$/ { s = 0; for (i = 1; i <= 12; i++) s += substr($8, i, 1) * (14 - i);
         if ((11 - s % 11) % 10 == substr($8, 13, 1)) good++; else bad++ }
         END { print good + 0, bad + 0 }' "$B/tha.csv" > "$TMP/thaid"
read -r good bad < "$TMP/thaid"
check "Thai ID check digits: $good good, $bad bad" [ "$good" -gt 1000 -a "$bad" -lt $((good / 10)) ]
# Singapore NRIC check letters (weights 2,7,6,5,4,3,2; +4 for T; JZIHGFEDCBA).
awk -F, 'NR > 1 && $7 == "NRIC" && length($8) == 9 {
           split("2 7 6 5 4 3 2", w, " "); s = (substr($8, 1, 1) == "T") ? 4 : 0
           for (i = 1; i <= 7; i++) s += substr($8, i + 1, 1) * w[i]
           if (substr("JZIHGFEDCBA", s % 11 + 1, 1) == substr($8, 9, 1)) good++; else bad++ }
         END { print good + 0, bad + 0 }' "$B/sgp.csv" > "$TMP/nric"
read -r good bad < "$TMP/nric"
check "NRIC check letters: $good good, $bad bad" [ "$good" -gt 500 -a "$bad" -lt $((good / 10)) ]
# Indonesian NIK: birth day + 40 for women; MyKad: last digit odd for men.
awk -F, 'NR > 1 && length($8) == 16 && $8 ~ /^[0-9]+$/ && ($6 == "P" || $6 == "Perempuan") {
           if (substr($8, 7, 2) + 0 > 40) good++; else bad++ } END { print good + 0, bad + 0 }' \
  "$B/idn.csv" > "$TMP/nik"
read -r good bad < "$TMP/nik"
check "NIK women's day + 40: $good good, $bad bad" [ "$good" -gt 100 -a "$bad" -lt $((good / 10)) ]
awk -F, 'NR > 1 && $4 ~ /^[0-9][0-9][0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][0-9][0-9]$/ && ($6 == "L" || $6 == "P") {
           odd = substr($4, 14, 1) % 2; if ((odd == 1) == ($6 == "L")) good++; else bad++ }
         END { print good + 0, bad + 0 }' "$B/mys.csv" > "$TMP/mykad"
read -r good bad < "$TMP/mykad"
check "MyKad sex digit: $good good, $bad bad" [ "$good" -gt 300 -a "$bad" -lt $((good / 10)) ]
# Hard negatives: one written name shared by several persons.
tail -n +2 "$B/idn.csv" | cut -d, -f1,2 > "$TMP/idn_names"
check "no common names shared by different persons" [ "$(awk -F, 'NR==FNR {p[$2","$3]=$1; next}
  {print p["idn,"$1]","$2}' "$B/truth_clusters.csv" "$TMP/idn_names" | sort -u | cut -d, -f2 | sort | uniq -d | wc -l)" -gt 50 ]

# ---- bad arguments
check "missing --out accepted" bash -c "! '$WATCHLINK_BENCH' gen --records 10 2>/dev/null"
check "--lists 9 accepted" bash -c "! '$WATCHLINK_BENCH' gen --out '$TMP/x' --lists 9 2>/dev/null"
check "--records 0 accepted" bash -c "! '$WATCHLINK_BENCH' gen --out '$TMP/x' --records 0 2>/dev/null"
check "--records abc accepted" bash -c "! '$WATCHLINK_BENCH' gen --out '$TMP/x' --records abc 2>/dev/null"
check "missing pools accepted" bash -c "! '$WATCHLINK_BENCH' gen --out '$TMP/x' --pools '$TMP/none' 2>/dev/null"

# ---- pool files are checked: a changed header or a bad weight is an error
cp -r "$WL_SOURCE_DIR/datasets/pools" "$TMP/pools"
check "gen with copied pools" gen --out "$TMP/pc" --records 50 --pools "$TMP/pools"
sed -i 's/^weight\tlatin\tarabic\tvariants$/weight\tlatin\tvariants\tarabic/' "$TMP/pools/muslim_male.tsv"
check "reordered pool columns accepted" bash -c "! '$WATCHLINK_BENCH' gen --out '$TMP/pc' --records 50 --pools '$TMP/pools' 2>'$TMP/pool.err'"
check "no message naming the pool file" grep -q 'muslim_male.tsv' "$TMP/pool.err"
cp "$WL_SOURCE_DIR/datasets/pools/muslim_male.tsv" "$TMP/pools/"
printf '0\tZero\n' >> "$TMP/pools/khmer_family.tsv"
check "zero weight accepted" bash -c "! '$WATCHLINK_BENCH' gen --out '$TMP/pc' --records 50 --pools '$TMP/pools' 2>/dev/null"

# ---- the bundled sample is what the documented command writes (datasets/README.md)
S=$WL_SOURCE_DIR/datasets/sample
gen --out "$TMP/sample" --records 6000 --lists 3 --seed 2026 || fail "gen sample"
for f in idn mys tha truth_pairs truth_clusters; do
  check "datasets/sample/$f.csv is not what the documented command writes" cmp -s "$S/$f.csv" "$TMP/sample/$f.csv"
done

# ---- `watchlink-bench run` on a small scale: the truth maps onto the data and
# the reported figures are consistent with it.
"$WATCHLINK_BENCH" gen --out "$TMP/r" --records 3000 --seed 42 2>/dev/null || fail "gen for run"
want_true=$(rows "$TMP/r/truth_pairs.csv")
if "$WATCHLINK_BENCH" run --scales 3000 --febrl none --cache "$TMP/cache" --json "$TMP/run.json" \
     > "$TMP/run.out" 2> "$TMP/run.err"; then
  ok
  check "run output has no generated-3000 row" grep -q '^generated-3000 ' "$TMP/run.out"
  check "cached data is not what gen writes" cmp -s "$TMP/r/idn.csv" "$TMP/cache/gen-n3000-k8-s42/idn.csv"
  /usr/bin/env python3 - "$TMP/run.json" "$want_true" > "$TMP/run.check" 2>&1 <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
q, b, want = run["quality"], run["blocking"], int(sys.argv[2])
problems = []
if run["records"] != 3000: problems.append("records %d" % run["records"])
if run["sources"] != 8: problems.append("sources %d" % run["sources"])
if q["true_pairs"] != want: problems.append("true_pairs %d != %d" % (q["true_pairs"], want))
if not 0 <= q["true_positive"] <= min(q["predicted"], q["true_pairs"]): problems.append("true_positive")
if q["predicted"] and abs(q["precision"] - q["true_positive"] / q["predicted"]) > 1e-6: problems.append("precision")
if abs(q["recall"] - q["true_positive"] / q["true_pairs"]) > 1e-6: problems.append("recall")
if not 0 <= b["pair_completeness"] <= 1 or not 0 <= b["reduction_ratio"] <= 1: problems.append("blocking")
if abs(b["reduction_ratio"] - (1 - b["candidates"] / (3000 * 2999 / 2))) > 1e-6: problems.append("reduction ratio")
if run["seconds"]["total"] <= 0 or run["peak_rss_bytes"] <= 0: problems.append("timings")
print("; ".join(problems) if problems else "ok")
PY
  check "run JSON: $(cat "$TMP/run.check")" [ "$(cat "$TMP/run.check")" = ok ]
  "$WATCHLINK_BENCH" run --scales 3000 --febrl none --cache "$TMP/cache" --json "$TMP/run2.json" \
    > /dev/null 2>&1 || fail "second run"
  check "--cache did not reuse the data" grep -q '"generate_s": 0.0000' "$TMP/run2.json"
else
  fail "watchlink-bench run failed: $(tail -3 "$TMP/run.err")"
fi
check "run --scales bad accepted" bash -c "! '$WATCHLINK_BENCH' run --scales 1e4,x --febrl none 2>/dev/null"

echo "$PASSES passed, $FAILS failed"
[ "$FAILS" -eq 0 ]
