#!/bin/bash
# A plain `java -cp D Probe`, recorded with the JVM's default flags, in a
# private /tmp (a mount namespace) so that every file the JVM makes or
# leaves there is seen, and no other session's JVM is:
#   1. the recording reaches the marker and creates nothing in /tmp (the
#      perf-data open and mkdir are made to fail), also when the cold runs
#      have made /tmp/hsperfdata_root; three restores equal the cold run
#      byte for byte, coredump_filter included (every process here starts
#      from 0x33, the JVM sets 0x3f: only restore's re-applying gives it);
#   2. jps lists a cold JVM and does not list a restored one;
#   3. /tmp/hsperfdata_root made by nobody, with a file planted in it, changes
#      nothing: the cold run and three restores agree, the file stays;
#   4. restore refuses, in one line, when it cannot write
#      /proc/self/coredump_filter (a tmpfs over /proc).
# usage: jvm_defaults_test.sh PTRACER RESTORE PROBE_JAVA WORKDIR
# Exit 77 (skipped) when not root: it needs a mount namespace and setpriv.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
t_usage 4 "PTRACER RESTORE PROBE_JAVA WORKDIR" "$@"
if [[ $(id -u) != 0 ]]; then
  echo "SKIP: needs root (a private /tmp in a mount namespace, files planted as nobody)"
  exit 77
fi
for tool in java javac jps setpriv unshare; do
  command -v $tool >/dev/null || { echo "FAIL: $tool is not installed: run ./make.sh"; exit 1; }
done
if [[ -z ${SNAPPY_JVM_NS:-} ]]; then
  SNAPPY_JVM_NS=1 exec unshare --mount --propagation private "$0" "$@"
fi
P=$(realpath "$1") R=$(realpath "$2") probe=$(realpath "$3") work=$4
t_workdir "$work"
work=$workdir
work=$(pwd)

# javac is a JVM too: compile before /tmp is made fresh.
javac -d classes "$probe" || { echo "FAIL: javac"; exit 1; }
exec 9</tmp  # the real /tmp, still reachable once covered
mount -t tmpfs -o mode=1777 snappy-jvm-tmp /tmp || { echo "FAIL: cannot mount a private /tmp"; exit 1; }
# A clone or build under /tmp (the tools, the work directory) is bound back
# into the fresh /tmp, one top-level entry each; only $perf is checked.
for path in "$P" "$R" "$work"; do
  [[ $path == /tmp/?* ]] || continue
  top=${path#/tmp/}
  top=${top%%/*}
  [[ -e /tmp/$top ]] && continue
  # --no-canonicalize: mount would resolve the fd link to /tmp/$top, the new one
  mkdir "/tmp/$top" && mount --no-canonicalize --bind "/proc/$$/fd/9/$top" "/tmp/$top" ||
      { echo "FAIL: cannot keep /tmp/$top reachable"; exit 1; }
done
exec 9<&-
cd "$work" || exit 1  # the bound directory, if it was under /tmp
echo 0x33 >/proc/$$/coredump_filter || { echo "FAIL: cannot set the test's coredump_filter"; exit 1; }
perf=/tmp/hsperfdata_root
JAVA=(java -cp "$work/classes" Probe)

# record NAME: the snapshot must be at the marker.
record() {
  "$P" -o "$work/$1" "${JAVA[@]}" </dev/null >"$1.rec.out" 2>"$1.rec.err"
  local status=$? summary
  summary=$(grep '^ptracer: snapshot' "$1.rec.err" | tail -n 1)
  echo "record $1: exit $status: $summary"
  [[ $status == 0 && $summary == *"(the checkpoint marker)"* ]] || { fail "record $1"; cat "$1.rec.err"; }
}
# run NAME CMD...: NAME.out, NAME.err, NAME.status, stdin one line.
run() {
  local name=$1
  shift
  echo "a line" | timeout 120 "$@" >"$name.out" 2>"$name.err"
  echo $? >"$name.status"
}
same() {  # REF NAME
  cmp -s "$1.out" "$2.out" && cmp -s "$1.err" "$2.err" && cmp -s "$1.status" "$2.status" && return 0
  fail "$2 differs from $1"
  diff "$1.out" "$2.out" | head -5
  diff "$1.err" "$2.err" | head -5
  return 1
}
# The owner and name of $perf and of each entry in it, or "absent".
perf_listing() {
  if [[ -e $perf ]]; then (cd $perf && stat -c '%U %n' . $(ls -A) | tr '\n' ' '); else echo absent; fi
}

# 1. Recording in a fresh /tmp leaves it empty; cold runs make the
#    directory (and remove their file at exit); a second recording leaves it
#    as it was.
record snap
[[ $(perf_listing) == absent ]] || fail "the recording made $perf: $(perf_listing)"
run cold "${JAVA[@]}"
[[ $(cat cold.status) == 0 ]] || fail "cold run: exit $(cat cold.status): $(cat cold.err)"
grep -qx "coredump_filter 0000003f" cold.out || fail "cold run: coredump_filter is not 0x3f: $(cat cold.out)"
[[ $(perf_listing) == "root . " ]] || fail "after the cold run $perf should hold nothing: $(perf_listing)"
record snap2
[[ $(perf_listing) == "root . " ]] || fail "the second recording changed $perf: $(perf_listing)"
for i in 1 2 3; do
  run restore$i "$R" snap
  same cold restore$i && echo "restore $i: identical"
done
[[ $(perf_listing) == "root . " ]] || fail "restores changed $perf: $(perf_listing)"

# 2. jps, which reads $perf, lists a cold JVM and not a restored one.
# hold NAME CMD...: runs CMD with stdin from a FIFO kept open until `release`.
hold() {
  local name=$1
  shift
  rm -f "$name.fifo" && mkfifo "$name.fifo"
  "$@" <"$name.fifo" >"$name.out" 2>"$name.err" &
  held_pid=$!
  exec 9>"$name.fifo"
  for _ in $(seq 600); do grep -q coredump_filter "$name.out" && return 0; sleep 0.1; done
  fail "$name did not reach its snapshot point"
}
release() { echo "a line" >&9; exec 9>&-; wait "$held_pid"; }
hold cold_held "${JAVA[@]}"
jps -q >jps_cold.txt
grep -qx "$held_pid" jps_cold.txt && echo "jps lists the cold JVM ($held_pid)" || fail "jps does not list the cold JVM $held_pid: $(tr '\n' ' ' <jps_cold.txt)"
release
hold restore_held "$R" snap
jps -q >jps_restored.txt
if grep -qx "$held_pid" jps_restored.txt || [[ -e $perf/$held_pid ]]; then
  fail "jps lists the restored JVM $held_pid"
else
  echo "jps does not list the restored JVM ($held_pid)"
fi
release
cmp -s cold.out restore_held.out || fail "the held restore's output differs from the cold run's"

# 3. Another user's $perf, with a file of theirs in it.
rm -rf $perf
NOBODY=("${T_NOBODY[@]}")
"${NOBODY[@]}" mkdir -m 0777 $perf && "${NOBODY[@]}" touch $perf/999999 || { echo "FAIL: cannot plant $perf as nobody"; exit 1; }
hostile=$(perf_listing)
[[ $hostile == "nobody . nobody 999999 " ]] || { echo "FAIL: planted $perf reads: $hostile"; exit 1; }
run cold_hostile "${JAVA[@]}"
same cold cold_hostile && echo "cold run with nobody's $perf: identical"
[[ $(perf_listing) == "$hostile" ]] || fail "the cold run changed nobody's $perf: $(perf_listing)"
record snap_hostile
[[ $(perf_listing) == "$hostile" ]] || fail "the recording changed nobody's $perf: $(perf_listing)"
for i in 1 2 3; do
  run restore_hostile$i "$R" snap_hostile
  same cold restore_hostile$i && echo "restore $i of the recording under nobody's $perf: identical"
done
[[ $(perf_listing) == "$hostile" ]] || fail "restores changed nobody's $perf: $(perf_listing)"

# 4. No /proc/self/coredump_filter to write: one line, exit 1, nothing run.
unshare --mount sh -c "mount -t tmpfs snappy-no-proc /proc && exec '$R' snap" </dev/null >refused.out 2>refused.err
status=$?
expected="restore: /proc/self/coredump_filter: writing 0x3f: No such file or directory"
if [[ $status == 1 && ! -s refused.out && $(cat refused.err) == "$expected" ]]; then
  echo "refused without /proc: $expected"
else
  fail "restore without /proc: exit $status, stdout $(wc -c <refused.out) bytes, stderr: $(cat refused.err)"
fi

if (( failed )); then
  echo "RESULT: FAIL ($work)"
  exit 1
fi
echo "RESULT: ok"
