#!/usr/bin/env bash
# Under load: COUNT restores of one snapshot started at once on this
# machine's cores; every one must finish with exactly the cold run's output
# (stdout and stderr together) and exit status, none lost.
# usage: restore_concurrent_test.sh PTRACER RESTORE WORKDIR COUNT PROG ARGS...
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
t_usage 5 "PTRACER RESTORE WORKDIR COUNT PROG ARGS..." "$@"
ptracer=$1 restore=$2 count=$4
t_workdir "$3" out
shift 4
"$@" </dev/null >cold.out 2>&1
cold_status=$?
t_record snap "$@" || t_result

pids=()
for ((i = 0; i < count; i++)); do
  "$restore" snap </dev/null >"out/$i" 2>&1 &
  pids+=($!)
done
failures=0
for ((i = 0; i < count; i++)); do
  status=0
  wait "${pids[$i]}" || status=$?
  if [[ $status != "$cold_status" ]] || ! cmp -s cold.out "out/$i"; then
    failures=$((failures + 1))
    fail "restore $i: exit $status: $(head -c 200 "out/$i")"
  fi
done
echo "$count concurrent restores, $failures failed"
t_result
