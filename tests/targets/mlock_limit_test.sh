#!/usr/bin/env bash
# Locked memory against the caller's RLIMIT_MEMLOCK at restore. A caller
# without CAP_IPC_LOCK (root drops it with setpriv) whose limit cannot hold
# the snapshot's locked mappings is refused before anything is undone:
# exit 1, nothing on stdout, one line
#   restore: the snapshot's locked memory (mlock; the first at 0xADDR): it locks 24 KiB, more than RLIMIT_MEMLOCK allows (4 KiB)
# A limit of exactly 24 KiB restores, with the cold run's output. A
# snapshot whose program set mlockall(MCL_FUTURE), restored with a limit of
# 0, is refused:
#   restore: the program's mlockall(MCL_FUTURE): RLIMIT_MEMLOCK is 0: this caller may not lock memory
# (a cold run of either under that limit fails its mlock call: exit 2).
# Recorded without CAP_IPC_LOCK, mlockall(MCL_CURRENT) is the snapshot
# point with its reason; restored by root, the instance makes the call.
# usage: mlock_limit_test.sh PTRACER RESTORE MLOCK_REGIONS MLOCKALL_ONFAULT MLOCKALL_CURRENT WORKDIR
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
t_usage 6 "PTRACER RESTORE MLOCK_REGIONS MLOCKALL_ONFAULT MLOCKALL_CURRENT WORKDIR" "$@"
ptracer=$1 restore=$2 regions=$3 onfault=$4 current=$5 workdir=$6
t_workdir "$workdir"

# limited KIB CMD...: CMD with RLIMIT_MEMLOCK at KIB (soft and hard) and,
# as root, without CAP_IPC_LOCK (the kernel ignores the limit with it).
limited() {
  local bytes=$(( $1 * 1024 ))
  shift
  local drop=()
  (( $(id -u) == 0 )) && drop=(setpriv --bounding-set=-ipc_lock --)
  prlimit --memlock="$bytes:$bytes" -- "${drop[@]}" "$@"
}

# refused NAME KIB EXPECTED_RE: restore of NAME under KIB exits 1 with the
# one line EXPECTED_RE on stderr and nothing on stdout; a cold run of its
# program under the same limit fails (exit 2).
refused() {
  local name=$1 kib=$2 expected=$3 status=0
  limited "$kib" "$restore" "$name" </dev/null >"$name.out" 2>"$name.err" || status=$?
  [[ $status == 1 ]] || fail "$name under $kib KiB: restore exit $status, not 1: $(cat "$name.err")"
  [[ $(wc -l <"$name.err") == 1 && $(cat "$name.err") =~ $expected ]] ||
      fail "$name under $kib KiB: stderr is '$(cat "$name.err")'"
  [[ -s $name.out ]] && fail "$name under $kib KiB: printed on stdout: $(head -c 200 "$name.out")"
  echo "$name under $kib KiB: $(cat "$name.err")"
}

"$ptracer" -o regions "$regions" </dev/null >rec1.out 2>rec1.err || { echo "FAIL: recording: $(cat rec1.err)"; exit 1; }
"$ptracer" -o onfault "$onfault" </dev/null >rec2.out 2>rec2.err || { echo "FAIL: recording: $(cat rec2.err)"; exit 1; }

refused regions 4 '^restore: the snapshot'"'"'s locked memory \(mlock; the first at 0x[0-9a-f]+\): it locks 24 KiB, more than RLIMIT_MEMLOCK allows \(4 KiB\)$'
cold=0
limited 4 "$regions" </dev/null >cold4.out 2>cold4.err || cold=$?
[[ $cold == 2 ]] || fail "cold run under 4 KiB: exit $cold, not 2 (its mlock should fail)"

# Exactly enough: the restore's output is the cold run's.
"$regions" </dev/null >cold.out 2>&1 || fail "cold run: exit $?"
status=0
limited 24 "$restore" regions </dev/null >fits.out 2>&1 || status=$?
[[ $status == 0 ]] || fail "restore under 24 KiB: exit $status: $(cat fits.out)"
cmp -s cold.out fits.out || fail "restore under 24 KiB: output differs: $(diff cold.out fits.out | head -20)"
echo "regions under 24 KiB: restored, output identical"

refused onfault 0 '^restore: the program'"'"'s mlockall\(MCL_FUTURE\): RLIMIT_MEMLOCK is 0: this caller may not lock memory$'

# mlockall(MCL_CURRENT) recorded without CAP_IPC_LOCK under a finite
# limit is the snapshot point, with its reason; an instance restored by a
# caller who may lock (root keeps CAP_IPC_LOCK) makes the call itself and
# prints what the cold run does.
drop=()
(( $(id -u) == 0 )) && drop=(setpriv --bounding-set=-ipc_lock --)
"${drop[@]}" "$ptracer" -o current "$current" always </dev/null >rec3.out 2>rec3.err ||
    fail "recording mlockall_current: $(cat rec3.err)"
grep -Eq 'at mlockall\(MCL_CURRENT\|MCL_FUTURE\) \(mlockall\(MCL_CURRENT\) under RLIMIT_MEMLOCK: the recorder'"'"'s window would count against it\)' rec3.err ||
    fail "mlockall(MCL_CURRENT) unprivileged: $(cat rec3.err)"
echo "recorded unprivileged: $(grep -o 'at mlockall.*against it)' rec3.err)"
if (( $(id -u) == 0 )); then
  "$current" always </dev/null >cold3.out 2>&1 || fail "cold mlockall_current: exit $?"
  "$restore" current </dev/null >current.out 2>&1 || fail "restore of mlockall_current: exit $?: $(cat current.out)"
  cmp -s cold3.out current.out || fail "mlockall_current restored: $(diff cold3.out current.out | head)"
  echo "restored by root: the instance's own mlockall, output identical"
else
  echo "note: not root, the restore of that snapshot with CAP_IPC_LOCK is not tried"
fi

t_result
