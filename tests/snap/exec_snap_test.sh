#!/usr/bin/env bash
# A target that execs while snap works on it, and targets snap cannot seize.
#
# exec_target (exec_target.c) re-executes itself on SIGUSR1 or every few ms;
# the exec'd program finishes its own work when DIR/stop appears. snap is
# held (--test-hold STAGE, released with SIGUSR1 to its worker) at every
# thread stopped ("seized"), a thread's registers borrowed for the injected
# clone ("injecting"), the frozen copy made ("forked") -- the target gets
# SIGUSR1 while stopped, which snap holds back during the injection and
# gives back at the detach, so it execs while its memory is copied -- and
# in the copy ("copying", the target running: it execs before the release).
# Then without holds at a sweep of delays, the target exec'ing every 1-8 ms.
# Every run: snap ends within the bound, exits 1 with exactly
# "snap: PID: exec'd during the snapshot" (or, unheld, 0 with its summary if
# no exec fell inside), writes nothing; the exec'd program runs on (no
# thread stopped or traced, no child left), and finishes, exit 0. SIGTERM
# to snap held in the copy of an exec'd target: 143, one line. A target
# traced by strace and a zombie: exit 1, one exact line, nothing written,
# also together with a healthy target, which runs on untouched.
#
# usage: exec_snap_test.sh SNAP EXEC_TARGET WORKDIR
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib/close_inherited_fds.sh"
t_usage 3 "SNAP EXEC_TARGET WORKDIR" "$@"
snap=$1 target=$2 workdir=$3
t_workdir "$workdir"
bound=30  # seconds; a run takes well under one

started=()
cleanup() { for p in "${started[@]}"; do kill -KILL "$p" 2>/dev/null; done; }
trap cleanup EXIT

# start_target DIR MS WHO: a fresh exec_target in DIR; sets tp.
start_target() {
  rm -rf "$1" && mkdir "$1"
  "$target" "$1" "$2" "$3" &
  tp=$!
  started+=("$tp")
  for _ in $(seq 100); do grep -q "^gen 0 pid $tp$" "$1/log" 2>/dev/null && break; sleep 0.02; done
  grep -q "^gen 0 pid $tp$" "$1/log" 2>/dev/null || { fail "exec_target did not start"; return 1; }
}

# check_running WHEN PID: every thread running or sleeping, none traced, no
# child (the frozen copy or its zombie).
check_running() {
  local when=$1 pid=$2 t
  kill -0 "$pid" 2>/dev/null || { fail "$when: the target died"; return; }
  for t in /proc/"$pid"/task/*; do
    [[ -e $t/status ]] || continue  # a thread that just ended
    grep -q '^State:.*[tT] (' "$t/status" && fail "$when: thread ${t##*/} left $(grep State "$t/status")"
    grep -q '^TracerPid:[[:space:]]*0$' "$t/status" 2>/dev/null || [[ ! -e $t/status ]] ||
      fail "$when: thread ${t##*/} still traced"
  done
  [[ -z $(cat /proc/"$pid"/task/*/children 2>/dev/null | tr -d ' ') ]] ||
    fail "$when: the target has a child left: $(cat /proc/"$pid"/task/*/children)"
}

# finish WHEN DIR PID GEN: the program (after its execs) ends its own work:
# exit 0 and "done gen GEN" (any generation when GEN is empty).
finish() {
  local when=$1 dir=$2 pid=$3 gen=$4 rc
  touch "$dir/stop"
  for _ in $(seq 200); do [[ -s $dir/done ]] && break; sleep 0.02; done
  wait "$pid"
  rc=$?
  (( rc == 0 )) || fail "$when: the target exited $rc"
  if [[ -n $gen ]]; then
    [[ $(cat "$dir/done" 2>/dev/null) == "done gen $gen" ]] || fail "$when: done file: $(cat "$dir/done" 2>/dev/null)"
  else
    grep -Eq '^done gen [0-9]+$' "$dir/done" 2>/dev/null || fail "$when: done file: $(cat "$dir/done" 2>/dev/null)"
  fi
}

no_files() {  # WHEN
  local left
  left=$(ls | grep -E '^out\.' | tr '\n' ' ')
  [[ -z $left ]] || fail "$1: files written: $left"
}

# Held: the exec falls inside the snapshot for certain.
held() {  # STAGE WHO [term]
  local stage=$1 who=$2 term=${3:-} sp worker rc expect want=1
  start_target "h-$stage-$who" 0 "$who" || return
  timeout -k 2 "$bound" "$snap" -o out --test-hold "$stage" "$tp" >held.out 2>held.err &
  sp=$!
  for _ in $(seq 200); do grep -q "holding at $stage" held.err 2>/dev/null && break; sleep 0.02; done
  worker=$(sed -nE "s/^snap: holding at $stage \(pid ([0-9]+)\)$/\1/p" held.err)
  [[ -n $worker ]] || { fail "$stage: snap never held there: $(cat held.err)"; kill -KILL "$sp"; return; }
  kill -USR1 "$tp"
  if [[ $stage == copying ]]; then
    for _ in $(seq 200); do grep -q "^gen 1 pid $tp$" "h-$stage-$who/log" && break; sleep 0.02; done
    grep -q "^gen 1 pid $tp$" "h-$stage-$who/log" || fail "$stage: the target did not exec while snap copied"
  fi
  if [[ -n $term ]]; then
    # The spin of old: the stop request lands while the copy is of a
    # program that is gone.
    kill -TERM "$(pgrep -P "$sp")"  # the pid under timeout: snap's guard
    expect="snap: out: stopped by SIGTERM before the snapshot was complete; nothing written"
    want=143
  else
    kill -USR1 "$worker"
    expect="snap: $tp: exec'd during the snapshot"
  fi
  wait "$sp"
  rc=$?
  local what="held at $stage, exec by $who${term:+, SIGTERM}"
  echo "$what: exit $rc: $(grep -v holding held.err | tr '\n' ' ')"
  (( rc != 124 && rc != 137 )) || fail "$what: snap did not end within $bound s"
  (( rc == want )) || fail "$what: exit $rc, not $want"
  [[ $(grep -v '^snap: holding at' held.err) == "$expect" ]] || fail "$what: stderr: $(cat held.err)"
  [[ ! -s held.out ]] || fail "$what: stdout: $(cat held.out)"
  no_files "$what"
  grep -q "^gen 1 pid $tp$" "h-$stage-$who/log" || fail "$what: the target never exec'd"
  check_running "$what" "$tp"
  finish "$what" "h-$stage-$who" "$tp" 1
}

held seized thread
held injecting main
held forked thread
held copying main
held copying thread
held copying thread term

# Unheld: snapshots while the target execs every 1-8 ms (main and second
# thread in turn).
declare -A outcomes
for delay in 0 0.001 0.002 0.005 0.01 0.02 0.05 0.1; do
  start_target "sweep-$delay" 8 alt || continue
  sleep "$delay"
  timeout -k 2 "$bound" "$snap" -o out "$tp" >sweep.out 2>sweep.err
  rc=$?
  what="exec sweep after $delay s"
  if (( rc == 1 )) && [[ $(cat sweep.err) == "snap: $tp: exec'd during the snapshot" && ! -s sweep.out ]]; then
    outcomes[exec]=$(( ${outcomes[exec]:-0} + 1 ))
    no_files "$what"
  elif (( rc == 0 )) && grep -Eq '^snap: out: 1 process, [0-9]+ threads?, [0-9]+ mappings, [0-9]+ bytes stored, pause [0-9.]+ ms \(.*\), [0-9]+ ms total$' sweep.out; then
    outcomes[written]=$(( ${outcomes[written]:-0} + 1 ))
    rm -f out.info out.pages
  else
    fail "$what: exit $rc: $(cat sweep.err sweep.out)"
  fi
  check_running "$what" "$tp"
  finish "$what" "sweep-$delay" "$tp" ""
  (( $(wc -l <"sweep-$delay/log") > 1 )) || fail "$what: the target never exec'd"
done
echo "exec sweep: ${outcomes[exec]:-0} exec'd during the snapshot, ${outcomes[written]:-0} written"
(( ${outcomes[exec]:-0} > 0 )) || fail "no run of the sweep met an exec"

# Targets snap cannot seize: a zombie (its parent never waits) and a
# process traced by strace; alone and with a healthy target.
bash -c 'sleep 0.01 & echo $! >zombie.pid; exec sleep 60' &
zparent=$!
started+=("$zparent")
for _ in $(seq 100); do [[ -s zombie.pid ]] && grep -q '^State:.*Z' "/proc/$(cat zombie.pid)/status" 2>/dev/null && break; sleep 0.02; done
zp=$(cat zombie.pid)
grep -q '^State:.*Z' "/proc/$zp/status" || fail "no zombie to test with"
start_target healthy 0 main || exit 1
hp=$tp
unseizable() {  # WHAT EXPECTED-LINE PID...
  local what=$1 expect=$2 rc
  shift 2
  timeout -k 2 "$bound" "$snap" -o out "$@" >bad.out 2>bad.err
  rc=$?
  echo "$what: exit $rc: $(cat bad.err)"
  (( rc == 1 )) || fail "$what: exit $rc"
  [[ $(cat bad.err) == "$expect" && ! -s bad.out ]] || fail "$what: $(cat bad.err bad.out)"
  no_files "$what"
  check_running "$what: the healthy target" "$hp"
}
unseizable "a zombie" "snap: $zp: a zombie (exited, not yet reaped by its parent)" "$zp"
unseizable "healthy, then a zombie" "snap: $zp: a zombie (exited, not yet reaped by its parent)" "$hp" "$zp"
if command -v strace >/dev/null; then
  rm -rf traced && mkdir traced
  strace -f -o /dev/null "$target" traced 0 main &
  sp=$!
  started+=("$sp")
  for _ in $(seq 200); do [[ -s traced/log ]] && break; sleep 0.02; done
  trp=$(awk '{print $4}' traced/log)
  if [[ -n $trp ]] && grep -q "^TracerPid:[[:space:]]*$sp$" "/proc/$trp/status"; then
    line="snap: $trp: already traced by process $sp (strace)"
    unseizable "traced by strace" "$line" "$trp"
    unseizable "healthy, then traced" "$line" "$hp" "$trp"
    unseizable "traced, then healthy" "$line" "$trp" "$hp"
    grep -q "^TracerPid:[[:space:]]*$sp$" "/proc/$trp/status" || fail "strace lost its tracee"
    touch traced/stop
    wait "$sp" || fail "the traced target (under strace) did not finish with 0"
  else
    fail "the target under strace did not start"
  fi
else
  echo "note: strace not installed; a traced target not checked"
fi
finish "the healthy target" healthy "$hp" 0
kill -KILL "$zparent" 2>/dev/null

t_result
