#!/usr/bin/env bash
# A program that changes the status flags of the caller's fds 0-2 before
# its checkpoint (F_SETFL O_APPEND, ioctl FIONBIO, as gawk and Node do)
# records to its marker; every restore makes the same change to its
# caller's description (the shell's too, as the cold run does), so what the
# program prints and what the caller's fd holds afterwards equal the cold
# run's, into a file (opened 1<>, where O_APPEND shows in the bytes), a
# file opened >> whose O_APPEND the program clears, and a pipe. Recording
# itself leaves the caller's flags as it found them. O_ASYNC is not
# modelled: a snapshot point at that fcntl.
# usage: caller_status_test.sh PTRACER RESTORE WORKDIR CALLER_STATUS
set -uo pipefail
ptracer=$(realpath "$1") restore=$(realpath "$2") workdir=$3 prog=$(realpath "$4")
rm -rf "$workdir" && mkdir -p "$workdir" && cd "$workdir" || exit 1
failed=0
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
mark=0
note() {  # note TEXT: TEXT if nothing failed since the last note
  [[ $failed == "$mark" ]] && echo "$1"
  mark=$failed
}
prefill=$'0123456789abcdef0123456789abcdef0123456789abcdef\n'

# expect FILE TEXT: FILE holds exactly TEXT.
expect() {
  printf '%s' "$2" >expected
  cmp -s expected "$1" || fail "$1: expected [$2], got [$(cat "$1")]"
}

# record NAME MODE TRIGGER OPEN: records `caller_status MODE` with fd 1
# opened by OPEN ("<>" or ">>") on a prefilled NAME.rec, then asks fd 1's
# flags of the same description.
record() {
  local name=$1 mode=$2 trigger=$3 open=$4
  printf '%s' "$prefill" >"$name.rec"
  if [[ $open == "<>" ]]; then
    { "$ptracer" -o "$name" "$prog" "$mode" 2>"$name.log"; "$prog" query; } 1<>"$name.rec" </dev/null
  else
    { "$ptracer" -o "$name" "$prog" "$mode" 2>"$name.log"; "$prog" query; } >>"$name.rec" </dev/null
  fi
  grep -qF -- "$trigger" "$name.log" || fail "$name: not snapshotted at $trigger: $(cat "$name.log")"
}

# compare NAME MODE OPEN: cold run and three restores, fd 1 opened by
# OPEN on a prefilled file, fd 2 a fresh file; then fd 1's flags.
compare() {
  local name=$1 mode=$2 open=$3 run
  for run in cold r1 r2 r3; do
    printf '%s' "$prefill" >"$name.$run.out"
    local cmd=("$restore" "$name")
    [[ $run == cold ]] && cmd=("$prog" "$mode")
    if [[ $open == "<>" ]]; then
      { "${cmd[@]}"; echo "exit $?"; "$prog" query; } 1<>"$name.$run.out" 2>"$name.$run.err" </dev/null
    else
      { "${cmd[@]}"; echo "exit $?"; "$prog" query; } >>"$name.$run.out" 2>"$name.$run.err" </dev/null
    fi
    [[ $run == cold ]] && continue
    cmp -s "$name.cold.out" "$name.$run.out" && cmp -s "$name.cold.err" "$name.$run.err" ||
        fail "$name: restore $run differs from cold: [$(cat "$name.$run.out" "$name.$run.err")]"
  done
}

# 1. O_APPEND and O_NONBLOCK on stdout, O_APPEND on stderr, stdout a file
# opened read-write at offset 0: with O_APPEND the lines go after the
# prefill instead of over it.
record set set "at access(\"/proc/snappy-start/checkpoint\", F_OK) (the checkpoint marker)" "<>"
expect set.rec "${prefill}before: fd 1 append=1 nonblock=1
now: fd 1 append=0 nonblock=0
"
compare set set "<>"
expect set.cold.out "${prefill}before: fd 1 append=1 nonblock=1
after: fd 1 append=1 nonblock=1
after: fd 2 append=1 nonblock=0
exit 0
now: fd 1 append=1 nonblock=1
"
note "set, file: recorded to the marker, 3 restores equal the cold run"

# 2. The same into a pipe (stderr a file).
printf '' >pipe.expected
{ "$prog" set; echo "exit $?"; "$prog" query; } 2>pipe.cold.err </dev/null | cat >pipe.cold.out
{ "$ptracer" -o pipe "$prog" set 2>pipe.log; "$prog" query; } </dev/null | cat >pipe.rec
grep -qF "at access(\"/proc/snappy-start/checkpoint\", F_OK) (the checkpoint marker)" pipe.log || fail "pipe: not snapshotted at the marker: $(cat pipe.log)"
expect pipe.rec "before: fd 1 append=1 nonblock=1
now: fd 1 append=0 nonblock=0
"
expect pipe.cold.out "before: fd 1 append=1 nonblock=1
after: fd 1 append=1 nonblock=1
after: fd 2 append=1 nonblock=0
exit 0
now: fd 1 append=1 nonblock=1
"
for i in 1 2 3; do
  { "$restore" pipe; echo "exit $?"; "$prog" query; } 2>"pipe.r$i.err" </dev/null | cat >"pipe.r$i.out"
  cmp -s pipe.cold.out "pipe.r$i.out" && cmp -s pipe.cold.err "pipe.r$i.err" ||
      fail "pipe: restore $i differs from cold: [$(cat "pipe.r$i.out" "pipe.r$i.err")]"
done
note "set, pipe: recorded to the marker, 3 restores equal the cold run"

# 3. stdout opened >> (O_APPEND, offset 0): the program clears O_APPEND, so
# its lines overwrite the prefill from offset 0.
record clear clear "at access(\"/proc/snappy-start/checkpoint\", F_OK) (the checkpoint marker)" ">>"
compare clear clear ">>"
expect clear.cold.out "before: fd 1 append=0 nonblock=0
after: fd 1 append=0 nonblock=0
after: fd 2 append=0 nonblock=0
exit 0
now: fd 1 append=0 nonblock=0
"
note "clear, file >>: recorded to the marker, 3 restores equal the cold run"

# 4. O_ASYNC is not modelled: the snapshot is taken at that fcntl.
record async async "F_SETFL, O_RDWR|O_ASYNC|0x8000) (changes O_ASYNC, O_DIRECT or O_NOATIME of fd 1 (the caller's))" "<>"
compare async async "<>"
note "async: snapshot at fcntl, 3 restores equal the cold run"

# 5. A caller whose stdout is closed: the cold run's fcntl would fail
# there, so restore refuses before the program runs.
status=0
"$restore" set >&- 2>closed.err </dev/null || status=$?
expect closed.err "restore: fd 1: reading the caller's status flags: Bad file descriptor
"
[[ $status == 1 ]] || fail "closed stdout: restore exited $status, expected 1"
note "closed stdout: restore refuses with one line, exit 1"

[[ $failed == 0 ]] && echo "RESULT: ok" || { echo "RESULT: FAIL"; exit 1; }
