#!/usr/bin/env bash
# An early snapshot says why, precisely (issue 14): ptracer's summary line
# names the snapshot point with its arguments decoded (paths, open flags and
# mode, socket domain and type, the fd's kind and the ioctl request, the
# prctl option) and how far into the run it came; -v logs modelled calls
# the same way; snapinfo's trigger line decodes what is stored (the
# registers, and the path from the recorded memory). `--at openat,path=P`
# stops at the open of P, not at earlier opens of other paths, and a prefix
# no call has leaves the recording to the checkpoint marker.
# usage: trigger_lines_test.sh PTRACER RESTORE WORKDIR TRIGGER_PROBE SNAPINFO
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
ptracer=$1 restore=$2 workdir=$3 probe=$4 snapinfo=$5
t_workdir "$workdir"
work=$(pwd)

# The summary line with its figures (which vary) replaced by letters; the
# figures' format is part of what is checked.
summary() {
  grep '^ptracer: snapshot ' "$1" | sed -E \
    's/, [0-9]+\.[0-9] ms into the run: [0-9]+ mappings, [0-9]+ bytes stored, [0-9]+\.[0-9] ms(; the marker was not reached)?$/, T ms into the run: M mappings, B bytes stored, T ms\1/'
}

# expect NAME LINE PTRACER_ARGS...: records, compares the summary line.
expect() {
  local name=$1 line=$2 status=0
  shift 2
  "$ptracer" -o "$name" "$@" </dev/null >"$name.out" 2>"$name.err" || status=$?
  local got
  got=$(summary "$name.err")
  [[ $status == 0 && $got == "$line" ]] || fail "$name: exit $status, summary
  got:  $got
  want: $line
  stderr: $(cat "$name.err")"
  echo "$name: $got"
}
# The probe holds the marker's path (snappy_checkpoint.h) but these
# snapshots come before it: the line says so last.
tail_line=", T ms into the run: M mappings, B bytes stored, T ms; the marker was not reached"

rm -f "$work/created"
expect creat "ptracer: snapshot creat at openat(AT_FDCWD, \"$work/created\", O_RDWR|O_CREAT|O_EXCL, 0600) (outside the model)$tail_line" \
  "$probe" creat "$work/created"
[[ ! -e $work/created ]] || fail "creat: the trigger ran while recording"
expect mkdir "ptracer: snapshot mkdir at mkdir(\"$work/newdir\", 0750) (outside the model)$tail_line" \
  "$probe" mkdir "$work/newdir"
expect socket "ptracer: snapshot socket at socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, 0) (outside the model)$tail_line" \
  "$probe" socket
expect prctl "ptracer: snapshot prctl at prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) (outside the model)$tail_line" \
  "$probe" prctl
# The pipe's inode and the stack address vary: normalised first.
"$ptracer" -o ioctl "$probe" ioctl </dev/null >ioctl.out 2>ioctl.err
got=$(summary ioctl.err | sed -E 's/pipe:\[[0-9]+\]/pipe:[N]/; s/FIOASYNC, 0x[0-9a-f]+\)/FIOASYNC, ADDR)/')
want="ptracer: snapshot ioctl at ioctl(3<pipe:[N]>, FIOASYNC, ADDR) (outside the model)$tail_line"
[[ $got == "$want" ]] || fail "ioctl: summary
  got:  $got
  want: $want"
echo "ioctl: $got"

# snapinfo decodes the stored registers, the path read from the recorded
# memory (the program's, as it was at the trigger).
"$snapinfo" creat >creat.report 2>&1 || fail "snapinfo creat: $(cat creat.report)"
got=$(grep '^ *trigger: ' creat.report | sed -E 's/^ *//')
[[ $got == "trigger: openat(AT_FDCWD, \"$work/created\", O_RDWR|O_CREAT|O_EXCL, 0600)" ]] || fail "snapinfo: $got"
echo "snapinfo: $got"

# int $0x80: named by its i386 number in the summary line and by snapinfo
# (text and JSON); the instance makes the call itself, in its own process.
status=0
"$probe" int80 >int80.cold 2>&1 || status=$?
if (( status == 139 )); then
  echo "int80: skipped: this kernel has no IA32 emulation (int \$0x80 raises SIGSEGV)"
else
  (( status == 0 )) || fail "int80: cold run: exit $status: $(cat int80.cold)"
  expect int80 "ptracer: snapshot int80 at int \$0x80 getpid (a 32-bit system call, outside the model)$tail_line" \
    "$probe" int80
  "$snapinfo" int80 >int80.report 2>&1 || fail "snapinfo int80: $(cat int80.report)"
  got=$(grep '^ *trigger: ' int80.report | sed -E 's/^ *//')
  [[ $got == 'trigger: int $0x80 getpid' ]] || fail "snapinfo int80: $got"
  "$snapinfo" --json int80 >int80.json 2>&1 || fail "snapinfo --json int80: $(cat int80.json)"
  grep -q '"trigger": {"syscall": "getpid", ' int80.json || fail "snapinfo --json int80: $(grep -o '"trigger": {[^}]*}' int80.json)"
  "$restore" int80 </dev/null >int80.restored 2>&1 || fail "int80: restore: $(cat int80.restored)"
  cmp -s int80.cold int80.restored || fail "int80: restored output differs: $(cat int80.restored)"
  echo "int80: snapinfo $got; restored: $(cat int80.restored)"
fi

# --at openat,path=: earlier opens of other paths (one sharing all but the
# last byte of the prefix) run on; the open of the path is the point.
echo a >"$work/y" && echo b >"$work/x" && echo c >"$work/xb"
"$probe" opens "$work/xb" "$work/x" >cold.out 2>&1 || fail "cold run: $(cat cold.out)"
expect at_path "ptracer: snapshot at_path at openat(AT_FDCWD, \"$work/x\", O_RDONLY) (the --at point)$tail_line" \
  --at "openat,path=$work/x" "$probe" opens "$work/y" "$work/x"
"$snapinfo" at_path >at_path.report 2>&1 || fail "snapinfo at_path: $(cat at_path.report)"
got=$(grep '^ *trigger: ' at_path.report | sed -E 's/^ *//')
[[ $got == "trigger: openat(AT_FDCWD, \"$work/x\", O_RDONLY) [--at]" ]] || fail "snapinfo: $got"
echo "snapinfo: $got"
expect at_prefix "ptracer: snapshot at_prefix at openat(AT_FDCWD, \"$work/xb\", O_RDONLY) (the --at point)$tail_line" \
  --at "openat,path=$work/x" "$probe" opens "$work/xb" "$work/x"
status=0
"$restore" at_prefix >at_prefix.r 2>&1 || status=$?
[[ $status == 0 ]] && cmp -s cold.out at_prefix.r || fail "restore at_prefix: exit $status: $(cat at_prefix.r)"
marker="access(\"/proc/snappy-start/checkpoint\", F_OK) (the checkpoint marker)"
expect at_none "ptracer: snapshot at_none at $marker${tail_line%; the marker was not reached}" \
  --at "openat,path=$work/zzz" "$probe" opens "$work/y" "$work/x"

# -v: modelled calls decoded the same way.
"$ptracer" -v -o verbose "$probe" opens "$work/y" "$work/x" </dev/null >/dev/null 2>verbose.err
grep -qxF "ptracer: openat(AT_FDCWD, \"$work/y\", O_RDONLY)" verbose.err ||
  fail "-v: no decoded open of $work/y: $(grep openat verbose.err | head -3)"
grep -qxF "ptracer: close(3<$work/y>)" verbose.err || fail "-v: no decoded close: $(grep close verbose.err | head -3)"
t_result
