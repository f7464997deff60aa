#!/usr/bin/env bash
# Under load: COUNT restores of one snapshot started at once on this
# machine's cores; every one must finish with exactly the cold run's output
# and exit status, none lost.
# usage: restore_concurrent_test.sh PTRACER RESTORE WORKDIR COUNT PROG ARGS...
set -uo pipefail
ptracer=$1 restore=$2 workdir=$3 count=$4
shift 4
rm -rf "$workdir" && mkdir -p "$workdir/out" && cd "$workdir" || exit 1
"$@" </dev/null >cold.out 2>&1
cold_status=$?
"$ptracer" -o snap "$@" </dev/null >/dev/null 2>rec.err || { echo "FAIL: record: $(cat rec.err)"; exit 1; }

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
    echo "restore $i: exit $status: $(head -c 200 "out/$i")"
  fi
done
echo "$count concurrent restores, $failures failed"
[[ $failures == 0 ]] && echo "RESULT: ok" || { echo "RESULT: FAIL"; exit 1; }
