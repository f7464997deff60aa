#!/usr/bin/env bash
# snapfs mounted for real: records fs_target, mounts the snapshot with
# `snapfs -f`, and checks what a person or gdb sees there: one directory
# named by the recorded pid, maps, cmdline, regs, fpregs, mem (the pattern
# at its address; EIO where nothing is mapped; EIO while a lazily opened
# backing file is gone, and never a crash), fd/3, exe, cwd, core (ELF;
# gdb's backtrace through it when gdb is installed), reads after NAME.pages
# is unlinked, unmounting with fusermount3 -u (exit 0) and SIGTERM (exit 0),
# two snapshots with the same pid at once, daemon mode, and the one-line
# errors. If the kernel refuses the mount, prints why and exits 77 (skip).
# usage: snapfs_test.sh PTRACER SNAPFS WORKDIR FS_TARGET
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
ptracer=$1 snapfs=$2 workdir=$3 prog=$4
t_workdir "$workdir"
workdir=$(pwd -P)
prog=$(realpath "$prog")
skip() { echo "SKIP: $*"; exit 77; }
server=""
cleanup() {
  mountpoint -q "$workdir/mnt" 2>/dev/null && fusermount3 -u "$workdir/mnt" 2>/dev/null
  [[ -n $server ]] && kill "$server" 2>/dev/null
  true
}
trap cleanup EXIT

printf 'the data file of fs_target\n' >data.txt
"$ptracer" -o snap "$prog" "$workdir/data.txt" </dev/null >rec.out 2>rec.err ||
    { echo "FAIL: record: $(cat rec.err)"; exit 1; }
read -r _ pattern_addr pattern_size < <(grep '^pattern: ' rec.out)
read -r _ mapped_addr < <(grep '^mapped: ' rec.out)
[[ -n $pattern_addr && -n $mapped_addr ]] || { echo "FAIL: no addresses in: $(cat rec.out)"; exit 1; }
echo "recorded: pattern at $pattern_addr ($pattern_size bytes), data.txt mapped at $mapped_addr"

[[ -c /dev/fuse ]] || skip "no /dev/fuse on this machine"
command -v fusermount3 >/dev/null || { echo "FAIL: fusermount3 not installed (make.sh installs fuse3)"; exit 1; }

# mount_fg LOG ARGS...: starts `snapfs -f -m mnt ARGS...` in the
# background (pid in $server) and waits until mnt is a mount point.
mount_fg() {
  local log=$1
  shift
  mkdir -p mnt
  "$snapfs" -f -m mnt "$@" >"$log" 2>&1 &
  server=$!
  for _ in $(seq 100); do
    mountpoint -q mnt && return 0
    kill -0 "$server" 2>/dev/null || break
    sleep 0.1
  done
  wait "$server" 2>/dev/null
  local status=$?
  server=""
  if grep -qE 'cannot mount: .*(Permission denied|Operation not permitted|/dev/fuse|No such device|fusermount)' "$log"; then
    skip "the kernel refused the mount: $(cat "$log")"
  fi
  echo "FAIL: snapfs did not mount (exit $status): $(cat "$log")"
  exit 1
}

# stop_server HOW: unmounts (fusermount3 -u, or kill -TERM) and checks that
# snapfs exits 0 and the mount is gone.
stop_server() {
  local how=$1 status
  if [[ $how == fusermount ]]; then
    fusermount3 -u mnt || fail "fusermount3 -u failed"
  else
    kill -TERM "$server"
  fi
  for _ in $(seq 100); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$server" 2>/dev/null && fail "$how: snapfs still running after 10 s"
  wait "$server"
  status=$?
  server=""
  [[ $status == 0 ]] || fail "$how: snapfs exited $status"
  mountpoint -q mnt && fail "$how: still mounted"
  echo "$how: unmounted, snapfs exited $status"
}

# python_mem ADDR SIZE: reads mnt/$pid/mem at ADDR; prints the bytes as hex
# or "error: errno".
python_mem() {
  python3 - "mnt/$pid/mem" "$1" "$2" <<'EOF'
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
try:
    data = os.pread(fd, int(sys.argv[3]), int(sys.argv[2], 0))
    print(data.hex())
except OSError as e:
    print("error: %d" % e.errno)
EOF
}

mount_fg snapfs.log snap
entries=$(ls mnt)
[[ $(ls mnt | wc -l) == 1 && $entries =~ ^[0-9]+$ ]] || { echo "FAIL: expected one pid directory, got: $entries"; exit 1; }
pid=$entries
echo "mounted: mnt/$pid"
d=mnt/$pid

# maps: the program and libc, in /proc/PID/maps format.
grep -qE "^[0-9a-f]+-[0-9a-f]+ r-xp [0-9a-f]{8} [0-9a-f]{2}:[0-9a-f]{2} [0-9]+ +$prog\$" $d/maps ||
    fail "maps: no executable mapping of $prog: $(cat $d/maps)"
grep -qE ' /.*/libc\.so\.6$' $d/maps || fail "maps: no libc: $(cat $d/maps)"
grep -qE '^Size: +[0-9]+ kB$' $d/smaps || fail "smaps: no Size lines"
grep -qE '^Pid:	'"$pid"'$' $d/status || fail "status: no Pid line: $(cat $d/status)"
grep -qE '^Name:	fs_target$' $d/status || fail "status: no Name line"
grep -qE '^SigBlk:	[0-9a-f]{16}$' $d/status || fail "status: no SigBlk line"
[[ $(cut -d' ' -f1,2 $d/stat) == "$pid (fs_target)" ]] || fail "stat: $(cat $d/stat)"
[[ $(wc -w <$d/stat) == 52 ]] || fail "stat: $(wc -w <$d/stat) fields, not 52"
# cmdline: the recorded argv, NUL-separated.
printf '%s\0%s\0' "$prog" "$workdir/data.txt" >cmdline.expected
cmp -s $d/cmdline cmdline.expected || fail "cmdline: $(od -c $d/cmdline | head -3)"
tr '\0' '\n' <$d/environ | grep -q '^PATH=' || fail "environ: no PATH"
[[ $(stat -c %s $d/auxv) -gt 0 && $(($(stat -c %s $d/auxv) % 16)) == 0 ]] || fail "auxv: size $(stat -c %s $d/auxv)"
# regs and fpregs: one register per line.
[[ $(wc -l <$d/regs) == 27 ]] || fail "regs: $(wc -l <$d/regs) lines, not 27"
grep -qE '^rip 0x[0-9a-f]{16}$' $d/regs || fail "regs: no rip line: $(cat $d/regs)"
grep -qE '^mxcsr 0x[0-9a-f]{8}$' $d/fpregs || fail "fpregs: no mxcsr line: $(cat $d/fpregs)"
grep -qE '^xmm15 0x[0-9a-f]{32}$' $d/fpregs || fail "fpregs: no xmm15 line"
cmp -s $d/regs $d/task/$pid/regs || fail "task/$pid/regs differs from regs"
# Links.
[[ $(readlink $d/fd/3) == "$workdir/data.txt" ]] || fail "fd/3 -> $(readlink $d/fd/3)"
[[ $(readlink $d/exe) == "$prog" ]] || fail "exe -> $(readlink $d/exe)"
[[ $(readlink $d/cwd) == "$workdir" ]] || fail "cwd -> $(readlink $d/cwd)"
echo "maps, smaps, status, stat, cmdline, environ, auxv, regs, fpregs, fd/3, exe, cwd: ok"

# A lazily opened backing file that is gone: EIO, and the server lives on.
mv data.txt data.moved
[[ $(python_mem "$mapped_addr" 16) == "error: 5" ]] || fail "mem of data.txt's mapping while it is gone: not EIO"
mv data.moved data.txt
expected=$(head -c 16 data.txt | od -An -tx1 | tr -d ' \n')
[[ $(python_mem "$mapped_addr" 16) == "$expected" ]] || fail "mem of data.txt's mapping after it is back"
echo "mem: EIO while data.txt is renamed away, its bytes once it is back"

# mem: the pattern at its address; EIO where nothing is mapped.
expected=$(python3 -c "print(bytes((i * 31 + 7) & 0xff for i in range($pattern_size)).hex())")
[[ $(python_mem "$pattern_addr" "$pattern_size") == "$expected" ]] || fail "mem: the pattern differs"
[[ $(python_mem 0x1000 16) == "error: 5" ]] || fail "mem at 0x1000 (unmapped): not EIO"
dd if=$d/mem of=dd.out bs=4096 skip=$((pattern_addr / 4096)) count=1 status=none || fail "dd of mem failed"
[[ $(stat -c %s dd.out) == 4096 ]] || fail "dd of mem: $(stat -c %s dd.out) bytes"
echo "mem: the pattern at $pattern_addr, EIO at 0x1000"

# core: an ELF core that gdb reads.
[[ $(head -c 4 $d/core | od -An -c | tr -d ' ') == '177ELF' ]] || fail "core: not ELF: $(head -c 16 $d/core | od -c)"
[[ $(stat -c %s $d/core) -gt 4096 ]] || fail "core: size $(stat -c %s $d/core)"
if command -v gdb >/dev/null; then
  gdb -batch -ex bt -ex 'info registers rip' "$prog" $d/core >gdb.out 2>&1
  grep -qE '^#[0-9]+ .* in main \(|^#[0-9]+ +main \(' gdb.out || fail "gdb bt on mnt/$pid/core: no main: $(cat gdb.out)"
  grep -q 'level_two' gdb.out || fail "gdb bt on mnt/$pid/core: no level_two: $(cat gdb.out)"
  rip=$(grep '^rip ' $d/regs | cut -d' ' -f2)
  grep -qE "^rip +$(printf '0x%x' "$rip") " gdb.out || fail "gdb: rip is not $rip: $(grep ^rip gdb.out)"
  echo "core: gdb's backtrace shows level_two, level_one and main; rip $rip"
else
  echo "core: ELF (gdb not installed: backtrace not checked)"
fi

# NAME.pages unlinked under the mount: still readable through the open fd.
rm snap.pages
[[ $(python_mem "$pattern_addr" "$pattern_size") == "$expected" ]] || fail "mem after unlinking snap.pages"
kill -0 "$server" 2>/dev/null || fail "snapfs died"
echo "snap.pages unlinked: mem still reads the pattern"
stop_server fusermount

# Two snapshots with the same pid at once (a copy of this one), stopped by
# SIGTERM.
"$ptracer" -o snap "$prog" "$workdir/data.txt" </dev/null >rec2.out 2>rec2.err ||
    { echo "FAIL: record again: $(cat rec2.err)"; exit 1; }
cp snap.info copy.info && cp --sparse=always snap.pages copy.pages
mount_fg snapfs2.log snap copy
pid=$(ls mnt | sed -n 's/^snap-//p')
[[ $(ls mnt | sort | tr '\n' ' ') == "copy-$pid snap-$pid " ]] || fail "same pid twice: $(ls mnt)"
cmp -s mnt/snap-$pid/maps mnt/copy-$pid/maps || fail "the copy's maps differ"
echo "two snapshots, one pid: $(ls mnt | tr '\n' ' ')"
stop_server SIGTERM

# Daemon mode: returns once mounted.
"$snapfs" -m mnt snap >daemon.log 2>&1 || fail "daemon mode: exit $?: $(cat daemon.log)"
mountpoint -q mnt || fail "daemon mode: not mounted"
[[ -f mnt/$pid/maps ]] || fail "daemon mode: no mnt/$pid/maps"
fusermount3 -u mnt || fail "daemon mode: fusermount3 -u"
echo "daemon mode: mounted and unmounted"

# Errors: one line `snapfs: what: why`, non-zero exit.
check_error() {  # check_error REGEX ARGS...
  local regex=$1 status=0
  shift
  "$snapfs" -f "$@" >err.out 2>&1 || status=$?
  [[ $status != 0 && $(wc -l <err.out) == 1 ]] && grep -qE "$regex" err.out ||
      fail "snapfs $*: exit $status: $(cat err.out)"
}
check_error '^snapfs: missing: missing\.info: No such file or directory$' -m mnt missing
check_error '^snapfs: /nonexistent/mnt: No such file or directory$' -m /nonexistent/mnt snap
check_error '^snapfs: data\.txt: not a directory$' -m data.txt snap
echo "errors: one line each"

t_result
