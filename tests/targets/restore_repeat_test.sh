#!/usr/bin/env bash
# Address-space collisions must never fail a restore (docs/DESIGN.md,
# "Address-space contract"): the kernel puts restore's stack and vDSO
# somewhere new every time (ASLR). Records PROG once and restores it COUNT
# times; every run must print exactly what the cold run printed and exit
# the same way.
# usage: restore_repeat_test.sh PTRACER RESTORE WORKDIR COUNT PROG ARGS...
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
t_usage 5 "PTRACER RESTORE WORKDIR COUNT PROG ARGS..." "$@"
ptracer=$1 restore=$2 count=$4
t_workdir "$3"
shift 4

t_run cold "$@"
t_record snap "$@" || t_result

failures=0
for ((i = 1; i <= count; i++)); do
  # One set of files, overwritten: a thousand restores keep one.
  t_run run "$restore" snap
  if [[ $t_status != "$(<cold.status)" ]] || ! cmp -s cold.out run.out || ! cmp -s cold.err run.err; then
    failures=$((failures + 1))
    fail "restore $i: exit $t_status (cold $(<cold.status)); stderr: $(head -c 300 run.err)"
  fi
done
echo "$count restores, $failures failed"
t_result
