#!/usr/bin/env bash
# test_public_headers.sh -- lists exported with their own headers read without
# --map: the UN Consolidated List (FIRST_NAME..FOURTH_NAME, NAME_ORIGINAL_SCRIPT,
# INDIVIDUAL_* fields), the UK OFSI list (Name 6 is the surname, one row per name
# of an entity, its Group ID repeating), and a Russian national list (ФИО, Дата
# рождения). Their people meet across the three lists.
source "$(dirname "$0")/lib.sh"
cat > "$TMP/un.csv" <<'CSV'
DATAID,FIRST_NAME,SECOND_NAME,THIRD_NAME,FOURTH_NAME,REFERENCE_NUMBER,NAME_ORIGINAL_SCRIPT,NATIONALITY,INDIVIDUAL_ALIAS,INDIVIDUAL_DATE_OF_BIRTH,INDIVIDUAL_DOCUMENT
1,RI,SONG,HYOK,,KPi.077,리성혁,DPRK,Ri Song-hyok,1965-03-15,654310175
2,ABDUL,RAHMAN,YASIN,AL-QUBAYSI,QDi.300,,Iraq,,1960-06-10,
3,VIKTOR,MIKHAILOVICH,PETROV,,RUi.101,Виктор Михайлович Петров,Russian Federation,,1971-11-02,
CSV
cat > "$TMP/ofsi.csv" <<'CSV'
Name 6,Name 1,Name 2,Name 3,Name 4,Name 5,Name Non-Latin Script,DOB,Town of Birth,Nationality,Passport Number,Group ID,Alias Type
RI,Song,Hyok,,,,리성혁,15/03/1965,Pyongyang,North Korea,654310175,13001,Primary name
LI,Song Hyok,,,,,,15/03/1965,Pyongyang,North Korea,,13001,AKA
AL-QUBAYSI,Abdul,Rahman,Yasin,,,,10/06/1960,,Iraq,,13002,Primary name
CSV
cat > "$TMP/ru.csv" <<'CSV'
№,ФИО,Дата рождения,Гражданство
1,Петров Виктор Михайлович,02.11.1971 г.,Россия
2,Сидоров Олег Петрович,05.05.1980 г.,Россия
CSV
# every name column is read: no column of a name is ignored
expect_exit 0 "$WATCHLINK" inspect "$TMP/un.csv" "$TMP/ofsi.csv" "$TMP/ru.csv"
for col in 'THIRD_NAME *-> middle_name' 'FOURTH_NAME *-> middle_name' 'NAME_ORIGINAL_SCRIPT *-> alias' \
           'INDIVIDUAL_DATE_OF_BIRTH *-> dob' 'INDIVIDUAL_DOCUMENT *-> doc_number' 'Name 6 *-> family_name' \
           'Name 2 *-> middle_name' 'Name Non-Latin Script *-> alias' 'Group ID *-> ignored' \
           'ФИО *-> full_name' 'Дата рождения *-> dob'; do
    expect_grep "$col" "$TMP/out"
done
# the OFSI rows of one entity stay two records (the Group ID is no id: no row is
# rejected as a duplicate), and dedup joins them
expect_exit 0 "$WATCHLINK" dedup "$TMP/ofsi.csv" -o "$TMP/o.csv" --clusters "$TMP/oc.csv" -q
expect_grep '^ofsi,1,ofsi,2,' "$TMP/o.csv"
# the UN's Ri Song Hyok (four name columns, a Hangul original) meets OFSI's,
# the Iraqi with four name parts meets his OFSI row, and the Russian list's
# Петров Виктор Михайлович, date "02.11.1971 г.", meets the UN's Cyrillic alias
expect_exit 0 "$WATCHLINK" dedup "$TMP/un.csv" "$TMP/ofsi.csv" "$TMP/ru.csv" --explain -o "$TMP/p.csv" -q
expect_grep '^ofsi,1,un,KPi\.077,' "$TMP/p.csv"
expect_grep '^ofsi,3,un,QDi\.300,' "$TMP/p.csv"
expect_grep '^ru,1,un,RUi\.101,[0-9.]*,[0-9.-]*,exact:[0-9.]*,exact:' "$TMP/p.csv"
grep -q "^ru,2," "$TMP/p.csv" && fail "Sidorov, in no other list, was paired" || ok
finish
