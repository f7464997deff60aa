#!/usr/bin/env bash
# " (deleted)" in /proc/PID/maps: the kernel appends it to the name of a
# mapped file that was unlinked, so a file really named "data (deleted)"
# reads the same. ptracer and snap look the name up (same device and inode:
# the real name) and tell them apart:
# 1. a file named "data (deleted)": recorded under its name, restores, the
#    output equals the cold run's, snapinfo files says ok;
# 2. a mapped file deleted before the snapshot point (by another process:
#    the program's own unlink would be its snapshot point): ptracer exits 1
#    with "ptracer: PATH: mapped file was deleted; it cannot be reopened at
#    restore" and writes no snapshot; replaced by rename, the same with
#    "... deleted and another file now has its name; ..."; a file named
#    "x (deleted)" that is deleted is named "x (deleted)";
# 3. snap: the live "data (deleted)" is a file mapping of that name; a
#    deleted file's pages are stored (a live snapshot is for inspection).
# usage: deleted_names_test.sh PTRACER RESTORE WORKDIR MAP_THEN_WAIT SNAPINFO SNAP
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib/close_inherited_fds.sh"
ptracer=$1 restore=$2 workdir=$3 prog=$4 snapinfo=$5 snap=$6
t_workdir "$workdir"
# A path as an extended regex matching exactly it ("(deleted)" has parens).
quote_re() { printf '%s' "$1" | sed 's/[][\.*^$(){}+?|]/\\&/g'; }

# 1. A real name ending in " (deleted)".
named="$workdir/data (deleted)"
printf '0123456789abcdef\n' >"$named"
"$prog" "$named" now </dev/null >cold.out 2>cold.err || fail "cold run: exit $?"
[[ $(cat cold.out) == $'mapped\ncontent: 0123456789' ]] || fail "cold run printed: $(cat cold.out)"
status=0
"$ptracer" -o named "$prog" "$named" now </dev/null >named.rec.out 2>named.rec.err || status=$?
[[ $status == 0 ]] || fail "recording a file named 'data (deleted)': exit $status: $(cat named.rec.err)"
for i in 1 2; do
  status=0
  "$restore" named </dev/null >named.$i.out 2>named.$i.err || status=$?
  [[ $status == 0 ]] && cmp -s cold.out named.$i.out && cmp -s cold.err named.$i.err ||
      fail "restore $i of 'data (deleted)': exit $status, output differs from the cold run: $(cat named.$i.out named.$i.err)"
done
"$snapinfo" files named >named.files 2>&1 || fail "snapinfo files: exit $?: $(cat named.files)"
grep -qxE "ok       $(quote_re "$named")  \(dev [0-9]+:[0-9]+ ino [0-9]+ size 17\)" named.files ||
    fail "snapinfo files does not list '$named' as ok: $(cat named.files)"
echo "'data (deleted)': recorded under its name, 2 restores equal the cold run"

# record_while CHANGE FILE NAME: records PROG waiting on FILE, applies CHANGE
# (a command line) to FILE once it is mapped; leaves ptracer's exit status in
# $status and its stderr in NAME.rec.err.
record_while() {
  local change=$1 file=$2 name=$3 i
  "$ptracer" -o "$name" "$prog" "$file" wait </dev/null >"$name.rec.out" 2>"$name.rec.err" &
  local pid=$!
  for ((i = 0; i < 500; ++i)); do grep -q mapped "$name.rec.out" 2>/dev/null && break; sleep 0.01; done
  grep -q mapped "$name.rec.out" || fail "$name: the program did not map its file"
  eval "$change"
  status=0
  wait "$pid" || status=$?
}
# refused_record WHAT NAME LINE: exit 1, LINE alone on stderr, no snapshot.
refused_record() {
  local what=$1 name=$2 line=$3
  echo "$what: exit $status: $(cat "$name.rec.err")"
  [[ $status == 1 ]] || fail "$what: ptracer exit $status, not 1"
  [[ $(cat "$name.rec.err") == "$line" ]] || fail "$what: ptracer said '$(cat "$name.rec.err")', not '$line'"
  [[ -e $name.info || -e $name.pages ]] && fail "$what: a snapshot was written"
  ls | grep -q "^$name\..*tmp" && fail "$what: a temporary file was left"
}

# 2. Deleted, replaced, and a real " (deleted)" name deleted.
printf 'ABCDEFGHIJ\n' >gone
record_while 'rm gone' "$workdir/gone" deleted
refused_record "mapped file deleted" deleted \
    "ptracer: $workdir/gone: mapped file was deleted; it cannot be reopened at restore"
printf 'ABCDEFGHIJ\n' >gone
record_while 'printf "other\n" >gone.new && mv gone.new gone' "$workdir/gone" replaced
refused_record "mapped file replaced" replaced \
    "ptracer: $workdir/gone: mapped file was deleted and another file now has its name; it cannot be reopened at restore"
printf 'abc\n' >"$workdir/x (deleted)"
record_while 'rm "$workdir/x (deleted)"' "$workdir/x (deleted)" named_gone
refused_record "'x (deleted)' deleted" named_gone \
    "ptracer: $workdir/x (deleted): mapped file was deleted; it cannot be reopened at restore"

# 3. snap on a live process: the named file is referenced, a deleted one stored.
# live FILE CHANGE NAME: snaps PROG waiting on FILE after CHANGE.
live() {
  local file=$1 change=$2 name=$3 i
  "$prog" "$file" hold </dev/null >"$name.live.out" 2>&1 &
  local pid=$!
  for ((i = 0; i < 500; ++i)); do grep -q mapped "$name.live.out" 2>/dev/null && break; sleep 0.01; done
  eval "$change"
  "$snap" -o "$name" "$pid" >"$name.snap.out" 2>"$name.snap.err" || fail "snap $name: exit $?: $(cat "$name.snap.err")"
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  "$snapinfo" "$name" >"$name.report" 2>&1 || fail "snapinfo $name: $(cat "$name.report")"
}
live "$named" : live_named
grep -qE "^[0-9a-f]+-[0-9a-f]+ r--p .* file .* $(quote_re "$named")$" live_named.report ||
    fail "snap: 'data (deleted)' is not a file mapping: $(grep -F "$named" live_named.report)"
"$snapinfo" files live_named | grep -qxE "ok       $(quote_re "$named")  \(dev [0-9]+:[0-9]+ ino [0-9]+ size 17\)" ||
    fail "snap: snapinfo files does not list '$named'"
printf 'ABCDEFGHIJ\n' >gone
live "$workdir/gone" 'rm gone' live_deleted
grep -qE "^[0-9a-f]+-[0-9a-f]+ r--p .* pages +4K stored +$(quote_re "$workdir/gone (deleted)")$" live_deleted.report ||
    fail "snap: the deleted file's page is not stored: $(grep -F gone live_deleted.report)"
echo "snap: 'data (deleted)' referenced as a file, a deleted file's page stored"

t_result
