#!/usr/bin/env bash
# restore replays the recorded output in full or fails like the program
# would: into /dev/full or a full disk, one line and exit 1 before the
# program runs; into a non-blocking pipe with a slow reader (1 MiB, far
# more than the pipe holds), every byte arrives, equal to a cold run's;
# into a closed pipe, the instance dies of SIGPIPE as a cold run does, or
# with SIGPIPE ignored fails with one line.
# usage: replay_test.sh PTRACER RESTORE WORKDIR PROBE
# The full-disk case needs a tmpfs mount (root): skipped with a reason if not.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
ptracer=$1 restore=$2 workdir=$3 probe=$4
mountpoint -q "$workdir/full" 2>/dev/null && umount "$workdir/full"
t_workdir "$workdir" full

bytes=1048576
"$ptracer" -o "$workdir/big" "$probe" out $bytes </dev/null >/dev/null 2>rec.err || fail "record: $(tail -n 2 rec.err)"
"$probe" out $bytes >cold.out || fail "cold run"
# What a restored instance prints: the replayed output, then "restored".
{ head -c $bytes cold.out; echo restored; } >expected.out
[[ $(tail -c 5 cold.out) == cold && $(stat -c %s expected.out) == $((bytes + 9)) ]] || fail "cold output unexpected"

# expect_failed WHAT LINE STATUS FILE: STATUS 1 and LINE alone in FILE.
expect_failed() {
  echo "$1: exit $3: $(head -c 200 "$4")"
  [[ $3 == 1 ]] || fail "$1: exit $3, not 1"
  [[ $(cat "$4") == "$2" ]] || fail "$1: stderr is not exactly: $2"
}

status=0; "$restore" "$workdir/big" >/dev/full 2>devfull.err || status=$?
expect_failed "stdout /dev/full" "restore: replaying output to stdout: No space left on device" $status devfull.err

# A non-blocking pipe, read slowly: restore must wait (poll) whenever it is
# full, not stop at the first EAGAIN.
cat >slow_reader.py <<'PY'
import fcntl, os, subprocess, sys, time
r, w = os.pipe()
fcntl.fcntl(w, fcntl.F_SETFL, fcntl.fcntl(w, fcntl.F_GETFL) | os.O_NONBLOCK)
child = subprocess.Popen(sys.argv[1:], stdout=w, stdin=subprocess.DEVNULL)
os.close(w)
time.sleep(0.3)  # the pipe fills: restore meets EAGAIN
out = bytearray()
while True:
    chunk = os.read(r, 16384)
    if not chunk:
        break
    out += chunk
    time.sleep(0.002)
sys.stdout.buffer.write(out)
sys.exit(child.wait() & 0xff)
PY
status=0; python3 slow_reader.py "$restore" "$workdir/big" >slow.out 2>slow.err || status=$?
[[ $status == 0 ]] || fail "non-blocking pipe: exit $status: $(head -c 200 slow.err)"
cmp expected.out slow.out || fail "non-blocking pipe: the output differs from the cold run's ($(stat -c %s slow.out) bytes)"

# A closed pipe: the program would have died of SIGPIPE at its first write.
cat >closed_pipe.py <<'PY'
import os, signal, subprocess, sys
ignore = sys.argv[1] == "ignore"
r, w = os.pipe()
os.close(r)
child = subprocess.Popen(sys.argv[2:], stdout=w, stdin=subprocess.DEVNULL, restore_signals=not ignore)
os.close(w)
status = child.wait()
print(f"signal {-status}" if status < 0 else f"exit {status}")
PY
cold=$(python3 closed_pipe.py default "$probe" out $bytes 2>/dev/null)
restored=$(python3 closed_pipe.py default "$restore" "$workdir/big" 2>closed.err)
echo "closed pipe: cold $cold, restored $restored"
[[ $cold == "signal 13" && $restored == "signal 13" && ! -s closed.err ]] ||
    fail "closed pipe: restored '$restored' (stderr $(head -c 200 closed.err)), cold '$cold', both should be 'signal 13'"
restored=$(python3 closed_pipe.py ignore "$restore" "$workdir/big" 2>closed_ign.err)
expect_failed "closed pipe, SIGPIPE ignored" "restore: replaying output to stdout: Broken pipe" "${restored#exit }" closed_ign.err

# A full disk: a 64 KiB tmpfs.
if mount -t tmpfs -o size=64k,mode=0755 snappy-replay-full "$workdir/full" 2>mount.err; then
  status=0; "$restore" "$workdir/big" >"$workdir/full/out" 2>full.err || status=$?
  umount "$workdir/full"
  expect_failed "stdout on a full disk" "restore: replaying output to stdout: No space left on device" $status full.err
else
  echo "SKIP (full disk only): cannot mount a tmpfs: $(tr '\n' ' ' <mount.err)"
  [[ $failed == 0 ]] && exit 77
fi

t_result
