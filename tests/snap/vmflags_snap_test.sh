#!/bin/bash
# snap records the VmFlags of a live process (ptracer/vm_flags.cc, the
# parser ptracer uses): for each region of vmflags_live.c (mlock,
# mlock2(MLOCK_ONFAULT), MADV_DONTFORK, MADV_WIPEONFORK, MAP_DROPPABLE where
# the kernel has it) snapinfo's line shows the words of
# common/mapping_flag_words.h that the process's own /proc/PID/smaps shows,
# though snap copies memory from a forked child, which has no locks and no
# DONTFORK mapping; `snapinfo --json` carries them as "vm_flags"; the target
# then exits 0.
# usage: vmflags_snap_test.sh SNAP SNAPINFO VMFLAGS_LIVE WORKDIR
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib/close_inherited_fds.sh"
t_usage 4 "SNAP SNAPINFO VMFLAGS_LIVE WORKDIR" "$@"
snap=$1 snapinfo=$2 target=$3 workdir=$4
t_workdir "$workdir"
pid=

rm -f in && mkfifo in
( exec 3<>in; "$target" <&3 >t.out 2>&1; echo "rc $?" >>t.out ) &
for _ in $(seq 100); do grep -q ready t.out 2>/dev/null && break; sleep 0.05; done
pid=$(awk '/^ready/ {print $2}' t.out)
[[ -n $pid ]] || { echo "FAIL: target did not start: $(cat t.out)"; exit 1; }
sleep 0.2  # its region lines follow the ready line

# The words of the table, as the live process's smaps shows them for the
# mapping at ADDR (sorted: the comparison is of sets).
table=" gd lo sr rr dc nr dd wf hg nh mg lf dp "
live_words() {
  awk -v start="$(printf '%x' "$1")" -v table="$table" '
    $1 ~ "^" start "-" { found = 1; next }
    found && /^VmFlags:/ { for (i = 2; i <= NF; i++) if (index(table, " " $i " ")) print $i; exit }
  ' "/proc/$pid/smaps" | sort | tr '\n' ' '
}

"$snap" -o live "$pid" >snap.out 2>snap.err || fail "snap: $(cat snap.err)"
"$snapinfo" live >info.out 2>info.err || fail "snapinfo: $(cat info.err)"
"$snapinfo" --json live >info.json 2>>info.err || fail "snapinfo --json: $(cat info.err)"
regions=0
while read -r _ name addr; do
  regions=$((regions + 1))
  want=$(live_words "$addr")
  [[ -n $want ]] || fail "$name: the live smaps shows none of the words"
  line=$(grep -E "^0*$(printf '%x' "$addr")-" info.out)
  [[ -n $line ]] || { fail "$name: no snapinfo line for $addr"; continue; }
  got=$(sed -n 's/.*  VmFlags: //p' <<<"$line" | tr ' ' '\n' | sort | tr '\n' ' ')
  [[ $got == "$want" ]] || fail "$name: snapinfo shows '$got', the process '$want'"
  /usr/bin/python3 - "$addr" "$want" info.json <<'PY' || fail "$name: --json vm_flags differs"
import json, sys
addr, want, path = int(sys.argv[1], 16), sorted(sys.argv[2].split()), sys.argv[3]
maps = [m for p in json.load(open(path))["processes"] for m in p["mappings"] if m["start"] == addr]
sys.exit(0 if maps and sorted(maps[0]["vm_flags"].split()) == want else 1)
PY
  echo "$name: $got"
done < <(grep '^region ' t.out)
(( regions >= 4 )) || fail "only $regions regions listed by the target"

echo go >in
for _ in $(seq 100); do grep -q '^rc ' t.out && break; sleep 0.05; done
grep -qx 'rc 0' t.out || fail "target: $(tail -1 t.out)"
[[ $failed == 0 ]] || { kill -9 "$pid" 2>/dev/null; echo "RESULT: FAIL"; exit 1; }
echo "RESULT: ok"
