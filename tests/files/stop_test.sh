#!/usr/bin/env bash
# restore --stop: the instance stops just before entering the program and
# says how to attach; gdb attaches, steps into the program at its snapshot
# point (for the checkpoint marker: right after access()'s syscall
# instruction, which has "returned" 0), steps on and continues, and the
# program finishes exactly as a cold run does.
# usage: stop_test.sh PTRACER RESTORE WORKDIR PROG
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
ptracer=$1 restore=$2 workdir=$3 prog=$4
t_workdir "$workdir"
command -v gdb >/dev/null || { echo "FAIL: gdb is not installed (run ./make.sh)"; exit 1; }

"$prog" >cold.out 2>&1
cold_status=$?
"$ptracer" -o snap "$prog" </dev/null >/dev/null 2>rec.err || fail "record: $(cat rec.err)"
"$restore" --stop snap </dev/null >run.out 2>run.err &
instance=$!
for _ in $(seq 100); do grep -q "stopped at its snapshot point" run.err 2>/dev/null && break; sleep 0.05; done
cat run.err
pid=$(grep -oE "instance [0-9]+" run.err | cut -d' ' -f2)
[[ $pid == "$instance" ]] || fail "announced pid $pid is not the instance $instance"
grep -q "^State:.*T (stopped)" /proc/$instance/status || fail "the instance is not stopped"

# Step until rip leaves restore's window, then show where we are, step over
# the trigger and let it run.
cat >steps.gdb <<'GDB'
set $i = 0
while ($pc >= 0x200000000000 && $pc < 0x200040000000 && $i < 10)
  stepi
  set $i = $i + 1
end
printf "entered the program at %#lx after %d steps\n", $pc, $i
x/i $pc
bt 3
stepi
continue
GDB
timeout 60 gdb -q -batch -p "$instance" -x steps.gdb </dev/null >gdb.out 2>&1
wait "$instance"
status=$?
grep -E "entered the program|=> |^#" gdb.out
grep -q "entered the program at" gdb.out || fail "gdb did not get into the program: $(tail -5 gdb.out)"
grep -qE "^=> 0x[0-9a-f]+ <(__GI___access|access)\+[0-9]+>" gdb.out || fail "the program did not resume in access(), the marker"
grep -qE "^#0 +(__GI___access|access) \(file=0x[0-9a-f]+ \"/proc/snappy-start/checkpoint\"" gdb.out ||
    fail "the backtrace does not show the marker call"
cmp -s cold.out run.out || { fail "output differs from the cold run"; diff cold.out run.out; }
[[ $status == "$cold_status" ]] || fail "exit $status, cold run exited $cold_status"
t_result
