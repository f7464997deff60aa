#!/usr/bin/env bash
# At the snapshot point the program's other threads get time to finish what
# they do and go to sleep (ptracer --quiesce, ptracer/thread_quiesce.h):
# a helper busy for 40 ms of CPU when the main thread reaches the marker
# has finished in every restored instance, and with --quiesce 0 it has not.
# A helper that reaches a snapshot point of its own meanwhile is held there
# and makes that call after restore; one that never sleeps costs the
# budget and no more.
# usage: quiesce_test.sh PTRACER RESTORE WORKDIR QUIESCE_PROBE
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
ptracer=$1 restore=$2 workdir=$3 probe=$4
t_workdir "$workdir"

# expect NAME MODE ANSWER VERBOSE_RE [PTRACER_OPTIONS...]: recorded at the
# marker, ptracer -v saying VERBOSE_RE, the instance printing ANSWER.
expect() {
  local name=$1 mode=$2 answer=$3 verbose=$4
  shift 4
  "$ptracer" -v "$@" -o "$name" "$probe" "$mode" </dev/null >"$name.rec.out" 2>"$name.rec" ||
    fail "$name: record: $(tail -n 1 "$name.rec")"
  grep -q "checkpoint marker" "$name.rec" || fail "$name: not at the marker: $(tail -n 1 "$name.rec")"
  grep -Eq "$verbose" "$name.rec" || fail "$name: ptracer -v does not say /$verbose/: $(grep 'other threads' "$name.rec")"
  "$restore" "$name" </dev/null >"$name.out" 2>"$name.err" || fail "$name: restore: $(cat "$name.err")"
  [[ $(head -n 1 "$name.out") == "helper finished at the snapshot point: $answer" ]] ||
    fail "$name: instance printed '$(cat "$name.out")', expected $answer"
  echo "$name: $(grep 'other threads' "$name.rec") -> $(cat "$name.out")"
}

# The helper needs 40 ms of CPU: a budget of 20 s lets it have them on a
# loaded machine too. The default budget (200 ms) is on without the option.
"$ptracer" -v -o default "$probe" sleep </dev/null >/dev/null 2>default.rec || fail "default: record: $(tail -n 1 default.rec)"
grep -Eq "ptracer: the other threads (slept|still ran) after [0-9.]+ ms" default.rec ||
  fail "default: the other threads were not given time to settle: $(tail -n 1 default.rec)"
expect settled sleep yes "the other threads slept after" --quiesce 20000
expect unsettled sleep no "^" --quiesce 0
grep -q "other threads" unsettled.rec && fail "--quiesce 0 still waited"
expect held trigger yes "slept after .*1 held at a snapshot point" --quiesce 20000
# The held helper makes its mkdir in the instance (the main thread waits
# for it to return), and the instance's strace shows it fail as in a cold
# run.
grep -qx "helper's mkdir returned: yes" held.out || fail "held: the helper's mkdir did not return: $(cat held.out)"
strace -f -o held.strace -e trace=mkdir "$restore" held </dev/null >/dev/null 2>&1 || fail "held: restore under strace"
grep -q 'mkdir("/nonexistent-snappy-parent/x", 0700) = -1 ENOENT' held.strace ||
  fail "held: the instance's helper did not make its mkdir: $(cat held.strace)"
start=$(date +%s%N)
expect spinning spin no "still ran after (4[0-9]|5[0-9])\\.[0-9] ms" --quiesce 50
elapsed=$((($(date +%s%N) - start) / 1000000))
(( elapsed < 5000 )) || fail "a helper that never sleeps took $elapsed ms to record"

t_result
