#!/usr/bin/env bash
# test_no_name.sh -- records with no usable name after normalisation (issue 9):
# an MRZ that does not parse or a name of dashes passes the reader (the cell is
# filled) but leaves the matcher no name. Two such records of one date of birth,
# nationality and gender matched at 0.85 on those alone. Now they are paired
# with nothing (unless a document number identifies them), and inspect reports them.
source "$(dirname "$0")/lib.sh"
S="$WL_SOURCE_DIR/datasets/sample"
{
  printf 'id,name,dob,mrz,nationality,gender,passport\n'
  for i in 1 2 3 4; do
    printf 'M%s,,1980-05-12,garbage,IDN,M,\n' "$i"
    printf 'N%s,---,1980-05-12,,IDN,M,\n' "$i"
  done
  printf 'D1,,1975-01-01,garbage,IDN,F,A1234567\n'
  printf 'D2,...,1975-01-01,,IDN,F,A1234567\n'
  printf 'A1,Ann Lee,1990-01-01,,IDN,F,\n'
} > "$TMP/nm.csv"
expect_exit 0 "$WATCHLINK" dedup "$TMP/nm.csv" "$S/idn.csv" --threshold 0.01 -o "$TMP/pairs.csv"
if grep -E ',(M|N)[0-9],' "$TMP/pairs.csv"; then fail "a record without a usable name or document was paired"; else ok; fi
# A document number still identifies a record without a name.
expect_grep '^nm,D1,nm,D2,' "$TMP/pairs.csv"
# inspect says how many records have no usable name, with their ids.
expect_exit 0 "$WATCHLINK" inspect "$TMP/nm.csv"
expect_grep 'no usable name after normalisation: 10 records (id M1, id N1, id M2, ...); 8 without a document number, paired with nothing' "$TMP/out"
expect_exit 0 "$WATCHLINK" inspect --format jsonl "$TMP/nm.csv"
expect_grep '"no_usable_name":10,"no_usable_name_no_document":8' "$TMP/out"
expect_exit 0 "$WATCHLINK" inspect "$S/idn.csv"
grep -q 'no usable name' "$TMP/out" && fail "the sample has records without a usable name?" || ok
finish
