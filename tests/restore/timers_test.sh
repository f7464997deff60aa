#!/usr/bin/env bash
# POSIX timers through the real binaries: restore refuses a snapshot with
# a live timer in one line, exit 1, nothing of the program run, on a kernel
# without PR_TIMER_CREATE_RESTORE_IDS (simulated by a seccomp filter that
# fails that prctl with EINVAL, as Linux before 6.15 does); without a live
# timer the snapshot restores there (only the next id is not moved, as
# documented); every instance of `restore -n 3` gets its own timer; and
# snapinfo names the timer in text and JSON.
# usage: timers_test.sh PTRACER RESTORE WORKDIR PROBE WITHOUT_IDS SNAPINFO
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
ptracer=$1 restore=$2 workdir=$3 probe=$4 without=$5 snapinfo=$6
t_workdir "$workdir"

for mode in live deleted; do
  "$ptracer" -o "$workdir/$mode" "$probe" "$mode" </dev/null >"$mode.rec.out" 2>"$mode.rec.err" ||
      fail "record $mode: $(tail -n 2 "$mode.rec.err")"
  grep -q "checkpoint marker" "$mode.rec.err" || fail "record $mode: not at the marker: $(cat "$mode.rec.err")"
done

# A live timer on a kernel that cannot give it its id: refused, exit 1.
status=0
"$without" "$restore" "$workdir/live" </dev/null >refused.out 2>refused.err || status=$?
line="restore: POSIX timers: this kernel cannot recreate a timer with its recorded id (prctl PR_TIMER_CREATE_RESTORE_IDS needs Linux 6.15)"
echo "live timer, no PR_TIMER_CREATE_RESTORE_IDS: exit $status: $(cat refused.err)"
[[ $status == 1 ]] || fail "refusal: exit $status, not 1"
[[ ! -s refused.out ]] || fail "refusal: the program ran: $(cat refused.out)"
[[ $(cat refused.err) == "$line" ]] || fail "refusal: stderr is not exactly: $line"

# No live timer: restores there; the next id stays the new process's 0
# (a cold run's is 1), the one difference documented.
out=$("$without" "$restore" "$workdir/deleted" </dev/null 2>&1)
echo "deleted timer, no PR_TIMER_CREATE_RESTORE_IDS: $(echo $out)"
[[ $out == $'next id: 0\nrestored' ]] || fail "deleted, without the prctl: $out"
# With it, the next id is a cold run's.
cold=$("$probe" deleted </dev/null 2>&1)
out=$("$restore" "$workdir/deleted" </dev/null 2>&1)
[[ $cold == $'next id: 1\ncold' && $out == $'next id: 1\nrestored' ]] || fail "deleted: cold '$cold', restored '$out'"

# restore -n 3: each instance makes its own timer 0 and takes its signal.
out=$("$restore" -n 3 "$workdir/live" </dev/null 2>&1)
expected=$(printf 'fired: timer 0 value 7\nrestored\n%.0s' 1 2 3)
echo "restore -n 3: $(echo $out)"
[[ $out == "$expected" ]] || fail "-n 3: got '$out'"

# snapinfo: text and JSON.
text=$("$snapinfo" "$workdir/live")
grep -q "timer 0: CLOCK_MONOTONIC, SIGEV_SIGNAL SIGUSR1, value 0x7, armed: 0\.[0-9]* s left, once" <<<"$text" ||
    fail "snapinfo text: $(grep -A2 'POSIX timers' <<<"$text")"
"$snapinfo" --json "$workdir/live" >live.json || fail "snapinfo --json"
/usr/bin/python3 - live.json <<'PY' || fail "snapinfo --json timers"
import json, sys
t = json.load(open(sys.argv[1]))["processes"][0]["timers"]
assert len(t) == 1, t
t = t[0]
assert (t["id"], t["clock"], t["notify"], t["signo"], t["signal"], t["value"], t["thread"], t["interval_ns"]) == \
    (0, "CLOCK_MONOTONIC", "SIGEV_SIGNAL", 10, "SIGUSR1", 7, None, 0), t
assert 0 < t["remaining_ns"] <= 100_000_000, t
print("snapinfo --json:", t)
PY

[[ $failed == 0 ]] && echo PASSED
exit $failed
