#!/bin/bash
# What snap and ptracer's one Capturer (ptracer/memory_capture.h) do with
# memory they cannot read as it is (guard_target.c):
#   * a guard page (MADV_GUARD_INSTALL) in a live process: a hole, the rest
#     of its mapping stored (the core shows every other page's bytes), no
#     "kept without data" line, snapinfo verify passes, restore refuses the
#     live snapshot as it refuses any;
#   * the same in a recording: ptracer refuses it in one line, exit 1,
#     nothing written;
#   * a private file mapping whose file snap cannot find (the target sits
#     in a mount namespace of its own, the file on a tmpfs only it sees):
#     kept without data and said in one line, `snap: PID: mapping START-END
#     PATH: REASON; kept without data`, and the fd open on that file left
#     out, said too (`snap: PID: fd N PATH: REASON; left out`); the snapshot
#     is written, verifies, and its other memory is intact.
#
# usage: guard_pages_test.sh SNAP SNAPINFO RESTORE PTRACER GUARD_TARGET WORKDIR
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/close_inherited_fds.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
t_usage 6 "SNAP SNAPINFO RESTORE PTRACER GUARD_TARGET WORKDIR" "$@"
snap=$1 snapinfo=$2 restore=$3 ptracer=$4 target=$5 workdir=$6
t_workdir "$workdir"

pids=()
fail() { t_abort "$@"; }  # fatal here: no live target outlives a failed check

probe=$("$target" --marker)
if [[ $probe == no-guard* ]]; then
  echo "note: this kernel has no MADV_GUARD_INSTALL (Linux 6.13): $probe; nothing to check"
  exit 0
fi

# Starts the target as "$@" with stdin from FIFO $1; sets pid and addr.
start_target() {
  local fifo=$1 out=$2
  shift 2
  rm -f "$fifo"
  mkfifo "$fifo"
  ( exec 3<>"$fifo"; "$@" <&3 >"$out" 2>&1; echo "rc $?" >>"$out" ) &
  for _ in $(seq 100); do grep -q '^ready' "$out" 2>/dev/null && break; sleep 0.05; done
  read -r _ pid addr < <(grep '^ready' "$out")
  [[ -n ${pid:-} ]] || fail "target did not start: $(cat "$out")"
  pids+=("$pid")
}

# The 8 pages at $2 in core $1: what each holds ("A", "B", "0" for zeros,
# "?" for anything else, "-" for absent), e.g. "AB0DEFGH".
pages_in_core() {
  /usr/bin/python3 - "$1" "$2" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
addr = int(sys.argv[2], 16)
phoff, = struct.unpack_from("<Q", data, 0x20)
phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
loads = []
for i in range(phnum):
    p_type, _, p_offset, p_vaddr, _, p_filesz, p_memsz = struct.unpack_from("<IIQQQQQ", data, phoff + i * phentsize)
    if p_type == 1:
        loads.append((p_vaddr, p_offset, p_filesz, p_memsz))
out = ""
for i in range(8):
    a = addr + i * 4096
    page = None
    for vaddr, off, filesz, memsz in loads:
        if vaddr <= a < vaddr + memsz:
            page = data[off + a - vaddr: off + a - vaddr + 4096] if a + 4096 <= vaddr + filesz else bytes(4096)
    if page is None:
        out += "-"
    elif page == bytes(4096):
        out += "0"
    elif page == bytes([page[0]]) * 4096 and 65 <= page[0] <= 90:
        out += chr(page[0])
    else:
        out += "?"
print(out)
PY
}

# ---- a guard page in a live process
start_target in1 t1.out "$target"
p1=$pid a1=$addr
"$snap" -o guard "$p1" >guard.out 2>guard.err || fail "snap of the guarded target: exit $?"
[[ -s guard.err ]] && fail "a guard page made its mapping unreadable: $(cat guard.err)"
[[ -s guard.info && -s guard.pages ]] || fail "guard.info/guard.pages missing"
"$snapinfo" verify guard >verify.out 2>&1 || fail "snapinfo verify of the guarded snapshot"
"$snapinfo" core guard -o guard.core >core.err 2>&1 || fail "snapinfo core"
got=$(pages_in_core guard.core "$a1")
[[ $got == AB0DEFGH ]] || fail "pages around the guard page in the core: $got, expected AB0DEFGH"
"$restore" guard >restore.out 2>&1 && fail "restore accepted a live snapshot"
grep -q "live process" restore.out || fail "restore message: $(cat restore.out)"

# ---- the same in a recording: refused
"$ptracer" -o rec "$target" --marker >rec.out 2>rec.err
rc=$?
(( rc == 1 )) || fail "ptracer with a guard page: exit $rc"
[[ $(wc -l <rec.err) == 1 ]] &&
  grep -Eq '^ptracer: guard page \(MADV_GUARD_INSTALL\) at 0x[0-9a-f]+ in 0x[0-9a-f]+-0x[0-9a-f]+: restore cannot make one$' rec.err ||
  fail "ptracer's refusal: $(cat rec.err)"
[[ ! -e rec.info && ! -e rec.pages ]] || fail "ptracer wrote a snapshot it refused"

# ---- a mapping whose file snap cannot find: kept without data, said once
if (( $(id -u) == 0 )) && unshare -m --propagation private true 2>/dev/null; then
  mkdir -p hidden
  echo "only in the target's mount namespace" >hidden_src
  start_target in2 t2.out unshare -m --propagation private \
    sh -c 'mount -t tmpfs none hidden && cp hidden_src hidden/f && exec "$0" "$PWD/hidden/f"' "$target"
  p2=$pid a2=$addr
  "$snap" -o hidden "$p2" >hidden.out 2>hidden.err || fail "snap with an unreadable mapping: exit $?"
  # The mapping, and the fd the target keeps open on the same file.
  [[ $(wc -l <hidden.err) == 2 ]] &&
    grep -Eq "^snap: $p2: mapping [0-9a-f]+-[0-9a-f]+ $PWD/hidden/f: $PWD/hidden/f: cannot open: No such file or directory; kept without data$" hidden.err &&
    grep -Eq "^snap: $p2: fd [0-9]+ $PWD/hidden/f: $PWD/hidden/f: cannot open: No such file or directory; left out$" hidden.err ||
    fail "the unreadable mapping's and fd's lines: $(cat hidden.err)"
  "$snapinfo" maps hidden >maps.out 2>&1 || fail "snapinfo maps"
  grep -q "$PWD/hidden/f" maps.out || fail "the mapping kept without data is not listed"
  "$snapinfo" verify hidden >verify2.out 2>&1 || fail "snapinfo verify with a mapping kept without data"
  "$snapinfo" core hidden -o hidden.core >core2.err 2>&1 || fail "snapinfo core (hidden)"
  got=$(pages_in_core hidden.core "$a2")
  [[ $got == AB0DEFGH ]] || fail "memory beside the unreadable mapping: $got"
  "$restore" hidden >restore2.out 2>&1 && fail "restore accepted a live snapshot (hidden)"
  echo line2 >in2
  for _ in $(seq 200); do grep -q '^rc ' t2.out && break; sleep 0.05; done
  grep -q '^rc 0$' t2.out || fail "target 2 did not run on: $(cat t2.out)"
else
  echo "note: not root or no mount namespaces (unshare -m failed); the unreadable mapping is not checked"
fi

# The guarded target runs on, its pages as they were.
echo line1 >in1
for _ in $(seq 200); do grep -q '^rc ' t1.out && break; sleep 0.05; done
grep -q '^rc 0$' t1.out || fail "target 1 did not run on: $(cat t1.out)"
echo "guard pages ok"
