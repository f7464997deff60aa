#!/usr/bin/env bash
# Address-space collisions must never fail a restore (docs/DESIGN.md,
# "Address-space contract"): the kernel puts restore's stack and vDSO
# somewhere new every time (ASLR). Records PROG once and restores it COUNT
# times; every run must print exactly what the cold run printed and exit
# the same way.
# usage: restore_repeat_test.sh PTRACER RESTORE WORKDIR COUNT PROG ARGS...
set -euo pipefail
if [[ $# -lt 5 ]]; then
  echo "usage: restore_repeat_test.sh PTRACER RESTORE WORKDIR COUNT PROG ARGS..." >&2
  exit 2
fi
ptracer=$1 restore=$2 workdir=$3 count=$4
shift 4
rm -rf "$workdir" && mkdir -p "$workdir" && cd "$workdir"

cold_status=0
"$@" </dev/null >cold.out 2>cold.err || cold_status=$?
"$ptracer" -o snap "$@" </dev/null >rec.out 2>rec.err || { echo "FAIL: recording: $(cat rec.err)"; exit 1; }

failures=0
for ((i = 1; i <= count; i++)); do
  status=0
  "$restore" snap </dev/null >run.out 2>run.err || status=$?
  if [[ $status != "$cold_status" ]] || ! cmp -s cold.out run.out || ! cmp -s cold.err run.err; then
    failures=$((failures + 1))
    echo "restore $i: exit $status (cold $cold_status); stderr: $(head -c 300 run.err)"
  fi
done
echo "$count restores, $failures failed"
[[ $failures == 0 ]] && echo "RESULT: ok" || { echo "RESULT: FAIL"; exit 1; }
