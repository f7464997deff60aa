#!/usr/bin/env bash
# A restored instance has the recorded process's rlimits (as far as an
# unprivileged caller may set them), umask and working directory, whatever
# its restoring caller has.
# usage: process_state_test.sh PTRACER RESTORE WORKDIR LIMITS_PROBE
set -uo pipefail
ptracer=$1 restore=$2 workdir=$3 prog=$4
rm -rf "$workdir" && mkdir -p "$workdir/recorded-here" && cd "$workdir" || exit 1
failed=0

# The recorded (and cold) environment: its own limits, umask and cwd.
recorded() { (cd recorded-here && umask 027 && prlimit --nofile=200:300 --stack=4194304 "$@"); }
recorded "$prog" >cold.out 2>&1 || { echo "FAIL: cold run"; failed=1; }
recorded "$ptracer" -o "$workdir/snap" "$prog" >rec.out 2>rec.err || { echo "FAIL: record: $(cat rec.err)"; failed=1; }
# The restoring caller: other limits, umask and cwd.
(umask 002 && "$restore" "$workdir/snap") >restored.out 2>&1 || { echo "FAIL: restore: $(cat restored.out)"; failed=1; }
echo "cold:";     cat cold.out
echo "restored:"; cat restored.out
cmp -s cold.out restored.out || { echo "FAIL: the restored instance differs"; failed=1; }
grep -q "nofile 200 300" restored.out || { echo "FAIL: rlimit not restored"; failed=1; }
[[ $failed == 0 ]] && echo "RESULT: ok" || { echo "RESULT: FAIL"; exit 1; }
