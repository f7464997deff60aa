#!/usr/bin/env bash
# Killing ptracer at any moment leaves either no snapshot or the previous
# one intact (never a partial file under the final names), and the traced
# program dies with it (PTRACE_O_EXITKILL).
# usage: kill_ptracer_test.sh PTRACER RESTORE WORKDIR SNAPINFO SOURCE_DIR
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
ptracer=$1 restore=$2 workdir=$3 snapinfo=$4 source=$5
t_workdir "$workdir"
export PYTHONPATH=$source/examples/python PYTHONDONTWRITEBYTECODE=1 OPENBLAS_NUM_THREADS=1
script=$source/examples/python/trivial_job.py
tag="kill-ptracer-$$"

"$ptracer" -o previous /usr/bin/python3 "$script" "$tag" </dev/null >/dev/null 2>&1 || fail "recording the previous snapshot"
for delay in 0.02 0.05 0.1 0.2 0.3 0.5; do
  cp -p previous.info snap.info && cp -p previous.pages snap.pages
  "$ptracer" -o snap /usr/bin/python3 "$script" "$tag" </dev/null >/dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  sleep 0.1
  pgrep -f "$tag" >/dev/null && fail "after $delay s: the traced program outlived ptracer"
  # Whatever is under the final names is a whole snapshot: the previous one
  # or the new one, never half.
  if ! "$snapinfo" verify snap >verify.out 2>&1; then
    fail "after $delay s: snap is not a whole snapshot: $(tail -1 verify.out)"
  fi
  "$restore" snap </dev/null >restored.out 2>&1 || fail "after $delay s: restore failed: $(tail -1 restored.out)"
  echo "killed after $delay s: snapshot whole ($(cmp -s snap.info previous.info && echo previous || echo new)), program gone"
done
t_result
