#!/usr/bin/env bash
# test_hugepages.sh -- watchlink starts itself again with glibc's malloc asking
# for transparent huge pages (cli/hugepages.c): the running process carries
# GLIBC_TUNABLES=glibc.malloc.hugetlb=1, a user's own GLIBC_TUNABLES is left
# as it is, and the output is the same bytes either way.
source "$(dirname "$0")/lib.sh"
S="$WL_SOURCE_DIR/datasets/sample"
if [ ! -r /proc/self/environ ]; then
  echo "SKIP: no /proc/PID/environ to read a running process's environment" >&2
  exit 77
fi
env -u GLIBC_TUNABLES "$WATCHLINK" match "$S/idn.csv" "$S/mys.csv" --source idn --source mys --quiet -o "$TMP/plain.csv" || fail "reference run"

# environ_of PID: the environment PID runs with, once it waits on its fifo
# (the list is a fifo nobody writes yet, so the reader blocks in open()).
run_blocked() { # run_blocked OUT ENV_ASSIGNMENTS... : prints the tunables the process ran with
  local out=$1; shift
  rm -f "$TMP/fifo"; mkfifo "$TMP/fifo"
  env "$@" "$WATCHLINK" match "$TMP/fifo" "$S/mys.csv" --source idn --source mys --quiet -o "$out" &
  local pid=$! seen="" k
  for k in $(seq 1 100); do
    seen=$(tr '\0' '\n' < "/proc/$pid/environ" 2>/dev/null | grep '^GLIBC_TUNABLES=' || true)
    # the first process has none (unless given); the second start has it
    [ -n "$seen" ] && break
    sleep 0.05
  done
  cat "$S/idn.csv" > "$TMP/fifo"
  wait "$pid" || fail "watchlink on a fifo exited $?"
  echo "$seen"
}
seen=$(run_blocked "$TMP/huge.csv" -u GLIBC_TUNABLES)
[ "$seen" = "GLIBC_TUNABLES=glibc.malloc.hugetlb=1" ] && ok || fail "started with '$seen', wanted the huge-page tunable"
cmp -s "$TMP/plain.csv" "$TMP/huge.csv" && ok || fail "output differs with huge pages"

# The user's tunables win, untouched.
seen=$(run_blocked "$TMP/user.csv" GLIBC_TUNABLES=glibc.malloc.perturb=0)
[ "$seen" = "GLIBC_TUNABLES=glibc.malloc.perturb=0" ] && ok || fail "user's GLIBC_TUNABLES became '$seen'"
cmp -s "$TMP/plain.csv" "$TMP/user.csv" && ok || fail "output differs with the user's tunables"

# Every command still runs (the new start keeps the arguments): --version, help, an error.
expect_exit 0 env -u GLIBC_TUNABLES "$WATCHLINK" --version
expect_grep '^watchlink ' "$TMP/out"
expect_exit 1 env -u GLIBC_TUNABLES "$WATCHLINK" no-such-command
expect_grep "unknown command 'no-such-command'" "$TMP/err"
finish
