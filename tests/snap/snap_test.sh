#!/bin/bash
# snap on live processes (live_target.c: counting main thread, threads in
# pthread_cond_wait, nanosleep and read(0)).
#
# usage: snap_test.sh SNAP SNAPINFO RESTORE LIVE_TARGET WORKDIR
#
# Checks: summary line with the pause and "(fork)"; snapshot by pid and by
# name (two instances); snapinfo lists both; gdb on `snapinfo core` shows
# every thread's function and as many threads as `gdb -p`; restore refuses
# the live snapshot; --exclude anon-private shrinks the file; --no-fork
# says it copied while stopped; --inject-into-blocked; --every/--count
# writes N files; -z writes a pack; a missing pid and a ptrace denial give
# one line and exit 1; the targets finish with exit 0, a positive count and
# the line written to them after the snapshots.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/close_inherited_fds.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
t_usage 5 "SNAP SNAPINFO RESTORE LIVE_TARGET WORKDIR" "$@"
snap=$1 snapinfo=$2 restore=$3 target=$4 workdir=$5
t_workdir "$workdir"
# A name no other process has: not even this test run at the same time
# from another build tree (snap by name takes every process of the name).
tgt=snaptgt$$
cp "$target" "./$tgt"

pids=()
fail() { t_abort "$@"; }  # fatal here: no live target outlives a failed check

# Two instances, each reading its stdin from a FIFO we hold open.
start_target() {  # $1: index
  rm -f "in$1"
  mkfifo "in$1"
  ( exec 3<>"in$1"; "./$tgt" 6 64 <&3 >"t$1.out" 2>&1; echo "rc $?" >>"t$1.out" ) &
  for _ in $(seq 100); do grep -q ready "t$1.out" 2>/dev/null && break; sleep 0.05; done
  pid=$(awk '/ready/ {print $2}' "t$1.out")
  [[ -n $pid ]] || fail "target $1 did not start"
  pids+=("$pid")
}
start_target 1
start_target 2
p1=${pids[0]} p2=${pids[1]}

# By pid.
"$snap" -o one "$p1" >one.out 2>one.err || fail "snap by pid"
grep -Eq '^snap: one: 1 process, 4 threads, [0-9]+ mappings, [0-9]+ bytes stored, pause [0-9.]+ ms \(fork\), [0-9]+ ms total$' one.out ||
  fail "summary line: $(cat one.out)"
[[ -s one.info && -s one.pages ]] || fail "one.info/one.pages missing"
ls one.* | grep -q tmp && fail "temporary file left behind"

# By name: both instances.
"$snap" -o both "$tgt" >both.out 2>both.err || fail "snap by name"
grep -q '^snap: both: 2 processes, 8 threads' both.out || fail "by name: $(cat both.out)"
"$snapinfo" both >info.out 2>&1 || fail "snapinfo both"
grep -q "process $p1:" info.out && grep -q "process $p2:" info.out || fail "snapinfo does not list both processes"

# gdb on the core of a live snapshot vs gdb -p on the live process.
if command -v gdb >/dev/null; then
  "$snapinfo" core one -o one.core >core.err 2>&1 || fail "snapinfo core"
  timeout 120 gdb -batch -ex "thread apply all bt" "./$tgt" one.core >gdb.out 2>&1
  for fn in count_loop waiter_thread sleeper_thread reader_thread pthread_cond_wait nanosleep read; do
    grep -q "$fn" gdb.out || fail "gdb backtrace of the core lacks $fn"
  done
  core_threads=$(grep -c '^Thread ' gdb.out)
  timeout 120 gdb -batch -p "$p1" -ex "thread apply all bt" >gdblive.out 2>&1
  live_threads=$(grep -c '^Thread ' gdblive.out)
  (( core_threads == 4 && live_threads == core_threads )) ||
    fail "threads: core $core_threads, live $live_threads"
  for fn in waiter_thread sleeper_thread reader_thread; do
    grep -q "$fn" gdblive.out || fail "gdb -p lacks $fn"
  done
else
  echo "note: gdb not installed, core backtraces not checked"
fi

# restore refuses it.
"$restore" one >restore.out 2>&1 && fail "restore accepted a live snapshot"
grep -q "live process" restore.out || fail "restore message: $(cat restore.out)"

# Content classes: without anonymous private memory the file shrinks.
"$snap" -o noanon --exclude anon-private "$p1" >noanon.out 2>noanon.err || fail "snap --exclude"
full=$(sed -E 's/.* ([0-9]+) bytes stored.*/\1/' one.out)
small=$(sed -E 's/.* ([0-9]+) bytes stored.*/\1/' noanon.out)
(( small * 4 < full )) || fail "--exclude anon-private stored $small bytes, full $full"
(( $(du -k noanon.pages | cut -f1) < $(du -k one.pages | cut -f1) )) || fail "pages file did not shrink"
"$snapinfo" noanon >noanon.info.out 2>&1 || fail "snapinfo noanon"
grep -q '\[heap\]' noanon.info.out || fail "excluded mappings must still be listed"

# Stop-copy-detach is never silent; injecting into a blocked thread works.
"$snap" -o nofork --no-fork "$p1" >nofork.out 2>nofork.err || fail "snap --no-fork"
grep -q 'stopped while copying' nofork.out || fail "--no-fork summary: $(cat nofork.out)"
"$snap" -o blocked --inject-into-blocked "$p2" >blocked.out 2>blocked.err || fail "snap --inject-into-blocked"
grep -q '(fork)' blocked.out || fail "--inject-into-blocked: $(cat blocked.out)"

# Periodic mode and the pack.
"$snap" -o per --every 1 --count 2 "$p2" >per.out 2>per.err || fail "snap --every"
(( $(ls per.*.info | wc -l) == 2 )) || fail "--every --count 2 wrote $(ls per.*.info | wc -l) snapshots"
"$snap" -z -o packed "$p2" >packed.out 2>packed.err || fail "snap -z"
[[ -s packed.snap.zst && ! -e packed.info ]] || fail "-z did not write packed.snap.zst alone"
ls | grep -q 'snap-tmp' && fail "temporary pair left behind by -z"

# Errors: one line, exit 1, nothing written.
"$snap" -o gone 999999999 >gone.out 2>gone.err
rc=$?
(( rc == 1 )) || fail "missing pid: exit $rc"
[[ $(wc -l <gone.err) == 1 ]] && grep -q '^snap: 999999999: no such process' gone.err || fail "missing pid message"
[[ ! -e gone.info && ! -e gone.pages ]] || fail "files written for a missing pid"
"$snap" -o noname no-such-program-xyz >/dev/null 2>noname.err && fail "unknown name accepted"
sleep 0.01 & short=$!
wait $short
"$snap" -o short "$short" >/dev/null 2>short.err && fail "snapshot of an exited process"
[[ $(wc -l <short.err) == 1 ]] || fail "exited process: $(cat short.err)"
if (( $(id -u) == 0 )) && command -v setpriv >/dev/null; then
  # As root every process can be traced; run snap as nobody against ours
  # (skipped when nobody cannot run the snap binary from the build tree).
  denied_dir=$(mktemp -d)
  chmod 777 "$denied_dir"
  setpriv --reuid=65534 --regid=65534 --clear-groups "$snap" -o "$denied_dir/denied" "$p1" >denied.out 2>denied.err
  rc=$?
  if (( rc == 126 || rc == 127 )); then
    echo "note: nobody cannot execute $snap; ptrace denial not checked"
  else
    (( rc == 1 )) || fail "ptrace denial: exit $rc"
    grep -q "^snap: $p1: ptrace denied" denied.err || fail "denial message: $(cat denied.err)"
    [[ -z $(ls -A "$denied_dir") ]] || fail "files written on denial: $(ls -A "$denied_dir")"
  fi
  rm -rf "$denied_dir"
fi
grep -q '^State:.*[RS]' "/proc/$p1/status" || fail "target left stopped: $(grep State /proc/$p1/status)"

# The targets run on: the reader still gets its line, the counter counted.
echo "hello-after-snap" >in1
echo "hello-two" >in2
for i in 1 2; do
  for _ in $(seq 200); do grep -q '^rc ' "t$i.out" && break; sleep 0.05; done
  grep -q '^rc 0$' "t$i.out" || fail "target $i did not exit 0"
  grep -q '^count [0-9]* positive 1$' "t$i.out" || fail "target $i count"
done
grep -q '^line hello-after-snap$' t1.out || fail "target 1 did not receive its input"
grep -q '^line hello-two$' t2.out || fail "target 2 did not receive its input"
echo "snap ok: $(cat one.out)"
