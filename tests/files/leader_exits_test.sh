#!/usr/bin/env bash
# A program whose main thread calls pthread_exit before another thread
# reaches the checkpoint marker: ptracer refuses with one line, exit 1, no
# files, every time and within a bound -- never the hang of waiting for a
# stop the zombie leader never reports. 30 recordings in a row (the hang
# came about once in 6).
# usage: leader_exits_test.sh PTRACER RESTORE WORKDIR LEADER_EXITS
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
ptracer=$1 workdir=$3 target=$4
t_workdir "$workdir"
expected='ptracer: the main thread has exited (pthread_exit) before the snapshot point; cannot record'

# The cold run: the worker prints after the marker, the process exits 0.
cold=$("$target" </dev/null) && [[ $cold == "worker: sum 2056931" ]] || fail "cold run: '$cold'"

for i in $(seq 1 30); do
  rm -f snap.info snap.pages
  timeout -s KILL 20 "$ptracer" -o snap "$target" </dev/null >out.txt 2>err.txt
  rc=$?
  if [[ $rc == 137 ]]; then fail "recording $i: hung (killed after 20 s)"; continue; fi
  [[ $rc == 1 ]] || fail "recording $i: exit $rc, expected 1"
  [[ $(cat err.txt) == "$expected" ]] || fail "recording $i: stderr '$(cat err.txt)'"
  [[ -s out.txt ]] && fail "recording $i: the program printed '$(cat out.txt)' (ran past the marker)"
  ls snap.* >/dev/null 2>&1 && fail "recording $i: files left: $(ls snap.*)"
  ls -A | grep -v '^out.txt$\|^err.txt$' | grep -q . && fail "recording $i: left behind: $(ls -A)"
done
t_result "(30 recordings refused)"
