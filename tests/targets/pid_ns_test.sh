#!/bin/bash
# restore --pid-ns as its caller sees it, against cold runs of the same
# program (tests/targets/pid_ns_ends.c): the exit status (7), death by a
# signal (SIGTERM: 143, SIGKILL: 137), a SIGTERM sent to the pid the caller
# has reaching the program, a terminal's Ctrl-C reaching it once (not
# forwarded again), the writer of its stdin meeting EPIPE when it closes
# it, a stop mirrored (the caller's child stops and continues), the ids, capabilities and uid/gid of the instance equal to a
# cold run's (also as nobody), -n 3 with the recorded pid in every instance,
# and the refusals: a snapshot recorded as pid 1, no user namespaces (a nested user namespace with
# user.max_user_namespaces=0, which is per namespace), --stop.
#
# usage: pid_ns_test.sh PTRACER RESTORE INFO_PATCH WORKDIR PROG
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
ptracer=$(realpath "$1")
restore=$(realpath "$2")
info_patch=$(realpath "$3")
mkdir -p "$4"
workdir=$(realpath "$4")
prog=$(realpath "$5")
cd "$workdir"
rm -f ./*.info ./*.pages ./*.out ./*.err

"$ptracer" -o "$workdir/ends" "$prog" </dev/null >rec.out 2>rec.err || { cat rec.err; exit 1; }
grep -q "checkpoint marker" rec.err || { echo "FAIL: not recorded at its marker: $(cat rec.err)"; exit 1; }

# run WHO INPUT: WHO is cold or restored; sets out and status.
run() {
  local who=$1 input=$2
  status=0
  if [[ $who == cold ]]; then
    out=$(printf '%s\n' "$input" | timeout -k 5 60 "$prog" 2>&1) || status=$?
  else
    out=$(printf '%s\n' "$input" | timeout -k 5 60 "$restore" --pid-ns ends 2>&1) || status=$?
  fi
}

# same INPUT: cold and restored agree on output and status.
same() {
  local input=$1 cold_out cold_status
  run cold "$input"; cold_out=$out; cold_status=$status
  run restored "$input"
  echo "$input: cold exit $cold_status, restored exit $status"
  [[ $status == "$cold_status" ]] || fail "$input: restored exit $status, cold $cold_status"
  [[ $out == "$cold_out" ]] || fail "$input: output differs: cold [$cold_out] restored [$out]"
}
same "exit 7"
same "exit 0"
same "die 15"
same "die 9"
same "die 10"
same "ids"
[[ $(grep -c "pid cached: 1, tid cached: 1" <<<"$out") == 1 ]] || fail "ids: the instance does not have the cached ids: $out"

# The program closes its stdin: the writer of the pipe meets EPIPE as with
# a cold run (restore and the init keep none of the caller's fds).
closes() {
  local who=$1 writer=0
  if [[ $who == cold ]]; then set -- "$prog"; else set -- "$restore" --pid-ns ends; fi
  { trap "" PIPE; echo close; sleep 0.5; echo more 2>/dev/null || writer=$?; echo "writer: $writer" >"$workdir/writer.$who"; } |
      "$@" >"close.$who" 2>&1 || true
  echo "close stdin: $who: $(tr '\n' '|' <"close.$who") $(cat "writer.$who")"
}
closes cold
closes restored
[[ $(cat close.restored writer.restored) == "$(cat close.cold writer.cold)" && $(cat writer.cold) != "writer: 0" ]] \
    || fail "close stdin: restored [$(cat close.restored writer.restored)] cold [$(cat close.cold writer.cold)]"

# Ctrl-C on a terminal: the kernel signals the foreground process group,
# program included; restore and the init do not forward it again (the
# program counts one SIGINT, as cold).
interrupt() {
  /usr/bin/python3 - "$@" <<'PY'
import os, pty, re, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
os.write(fd, b"interrupt\n")
out, deadline = b"", time.monotonic() + 30
while b"waiting" not in out and time.monotonic() < deadline:
    out += os.read(fd, 1024)
os.write(fd, b"\x03")
while time.monotonic() < deadline:
    try:
        chunk = os.read(fd, 1024)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
_, status = os.waitpid(pid, 0)
lines = re.findall(r"SIGINTs: [0-9]+", out.decode())  # after the echoed ^C
print(" ".join(lines), "exit", os.waitstatus_to_exitcode(status))
PY
}
cold_int=$(interrupt "$prog")
restored_int=$(interrupt "$restore" --pid-ns ends)
echo "Ctrl-C: cold [$cold_int], restored [$restored_int]"
[[ $cold_int == "SIGINTs: 1 exit 0" && $restored_int == "$cold_int" ]] || fail "Ctrl-C: restored [$restored_int], cold [$cold_int]"

# A SIGTERM to the pid the caller has.
signal_reaches() {
  local who=$1 pid fifo
  fifo=$workdir/in.$who
  rm -f "$fifo" && mkfifo "$fifo"
  if [[ $who == cold ]]; then "$prog" <"$fifo" >"$who.out" 2>&1 & else "$restore" --pid-ns ends <"$fifo" >"$who.out" 2>&1 & fi
  pid=$!
  exec 7>"$fifo"
  echo wait >&7
  for _ in $(seq 200); do grep -q waiting "$who.out" && break; sleep 0.05; done
  kill -TERM "$pid"
  status=0; wait "$pid" || status=$?
  exec 7>&-
  echo "wait + kill -TERM \$!: $who exit $status: $(tr '\n' '|' <"$who.out")"
  [[ $status == 3 && $(tr '\n' '|' <"$who.out") == "setup: ids cached|waiting|got SIGTERM|" ]] \
      || fail "SIGTERM to $who's pid: exit $status, output $(cat "$who.out")"
}
signal_reaches cold
signal_reaches restored

# A stop of the program stops the caller's child; SIGCONT to it goes on.
rm -f in.stop && mkfifo in.stop
"$restore" --pid-ns ends <in.stop >stop.out 2>&1 &
pid=$!
exec 7>in.stop
echo stop >&7
state=
for _ in $(seq 200); do state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true); [[ $state == T ]] && break; sleep 0.05; done
[[ $state == T ]] || fail "stop: restore's process is '$state', not stopped (T)"
kill -CONT "$pid"
status=0; wait "$pid" || status=$?
exec 7>&-
echo "stop: restore's process was $state; after SIGCONT exit $status: $(tr '\n' '|' <stop.out)"
[[ $status == 0 && $(tr '\n' '|' <stop.out) == "setup: ids cached|continued|" ]] || fail "stop: exit $status, $(cat stop.out)"

# -n 3: every instance has the recorded pid (and the status of each).
status=0
out=$(timeout -k 5 60 "$restore" --pid-ns -n 3 ends </dev/null 2>&1) || status=$?
count=$(grep -c "pid cached: 1, tid cached: 1" <<<"$out" || true)
echo "-n 3 --pid-ns: exit $status, $count instances with the cached ids"
[[ $status == 0 && $count == 3 ]] || fail "-n 3: exit $status, output [$out]"
status=0
out=$(printf 'exit 7\n' | timeout -k 5 60 "$restore" --pid-ns -n 3 ends 2>&1) || status=$?
[[ $status == 1 && $out == *"1 of 3 instances failed"* ]] || fail "-n 3, one given exit 7: exit $status, [$out]"

# As nobody: the capabilities and ids a cold run of nobody's has.
if id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
  nb=$workdir/nobody
  rm -rf "$nb" && mkdir "$nb" && cp "$prog" "$nb/prog" && chown -R nobody "$nb"
  (cd "$nb" && t_as_nobody "$ptracer" -o "$nb/ends" "$nb/prog" </dev/null >/dev/null 2>"$nb/rec.err") \
      || fail "nobody: recording: $(cat "$nb/rec.err")"
  cold=$(cd "$nb" && echo ids | t_as_nobody "$nb/prog" 2>&1) || true
  restored=$(cd "$nb" && echo ids | t_as_nobody "$restore" --pid-ns "$nb/ends" 2>&1) || true
  echo "nobody: cold [$(tr '\n' '|' <<<"$cold")]"
  [[ $restored == "$cold" ]] || fail "nobody: restored [$restored] differs from cold [$cold]"
fi

# Refused in one line, before the program runs: no user namespaces.
if unshare --user --map-root-user true 2>/dev/null; then
  status=0
  unshare --user --map-root-user bash -c 'echo 0 >/proc/sys/user/max_user_namespaces &&
      echo ids | exec "$0" --pid-ns ends' "$restore" >refused.out 2>refused.err || status=$?
  echo "no user namespaces: exit $status: $(cat refused.err)"
  [[ $status == 1 && $(wc -l <refused.err) == 1 && ! -s refused.out ]] || fail "refusal: exit $status, out [$(cat refused.out)]"
  grep -qx "restore: --pid-ns needs unprivileged user namespaces: No space left on device" refused.err \
      || fail "refusal message: $(cat refused.err)"
else
  echo "not checked: this kernel gives the test no user namespace to forbid them in"
fi
# A snapshot whose pid is 1 (a namespace's init): refused, the init holds 1.
cp ends.info pid1.info && cp ends.pages pid1.pages && "$info_patch" pid1.info pid1
t_expect_error pid1 1 "restore: --pid-ns: the recorded pid is 1, which each namespace's init holds (record the program as an ordinary process)" \
    "$restore" --pid-ns pid1
echo "recorded pid 1: exit $t_status: $(cat pid1.err)"
t_expect_error usage 2 "restore: --pid-ns cannot be combined with --stop; see restore --help" \
    "$restore" --pid-ns --stop ends

t_result
