#!/usr/bin/env bash
# restore -n N: N instances from one mapping, each a full instance (its own
# fds, tid, output replay), waited for; failures counted in one line.
# usage: launch_test.sh PTRACER RESTORE WORKDIR LIMITS_PROBE EXIT_42
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
ptracer=$1 restore=$2 workdir=$3 probe=$4 exit42=$5
t_workdir "$workdir"

"$probe" >cold.out 2>&1 || fail "cold run"
"$ptracer" -o probe "$probe" </dev/null >/dev/null 2>rec.err || fail "record: $(cat rec.err)"
status=0
"$restore" -n 5 probe </dev/null >five.out 2>five.err || status=$?
echo "-n 5: exit $status, $(wc -l <five.out) lines"
[[ $status == 0 && ! -s five.err ]] || fail "-n 5 exit $status: $(cat five.err)"
# Five copies of the cold output (lines may interleave between instances).
sort five.out >five.sorted
for i in 1 2 3 4 5; do cat cold.out; done | sort >expected.sorted
cmp -s five.sorted expected.sorted || { fail "-n 5 output is not five cold outputs"; diff expected.sorted five.sorted | head; }

"$ptracer" -o exit42 "$exit42" </dev/null >/dev/null 2>rec42.err || fail "record exit_code: $(cat rec42.err)"
status=0
"$restore" -n 3 exit42 </dev/null >three.out 2>three.err || status=$?
echo "-n 3 of a program exiting 42: exit $status: $(tail -1 three.err)"
[[ $status == 1 ]] || fail "-n 3 with failing instances: exit $status, not 1"
[[ $(tail -1 three.err) == "restore: 3 of 3 instances failed (exit status or signal)" ]] || fail "failure line: $(tail -1 three.err)"

status=0
"$restore" -n 0 probe >/dev/null 2>usage.err || status=$?
[[ $status == 2 && $(wc -l <usage.err) == 1 ]] && grep -q "^restore: -n needs a count from 1 to 100000, not 0; see restore --help$" usage.err ||
    fail "-n 0 is not a usage error (exit $status): $(cat usage.err)"
t_result
