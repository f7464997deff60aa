#!/bin/bash
# The Node.js example (examples/node/weather_report.js), cold and restored,
# compared byte for byte.
#
# usage: run_node_example_test.sh [--restore-arg ARG]... PTRACER RESTORE WORKDIR QUERIES
#   --restore-arg ARG  pass ARG to every restore (e.g. --pid-ns)
#
# Steps, with stdin from QUERIES (which has bad queries: exit status 3):
#   1. three cold runs of `node weather_report.js`; they must agree;
#   2. `PTRACER -o WORKDIR/snap node weather_report.js` (stdin /dev/null,
#      stdout and stderr a pipe), snapshot taken at the checkpoint marker;
#   3. three restores one after another, then three running at once, then
#      one with stdout a pipe (the stdout stream is created after the
#      snapshot point, for the instance's own fd 1): stdout, stderr and exit
#      status must equal the cold run's.
# node must be Debian's (/usr/bin/node, package nodejs; make.sh installs it):
# a missing node is a failure, not a skip.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
restore_args=()
while [[ $# -gt 0 && $1 == --restore-arg ]]; do restore_args+=("$2"); shift 2; done
if [[ $# -ne 4 ]]; then
  echo "usage: run_node_example_test.sh [--restore-arg ARG]... PTRACER RESTORE WORKDIR QUERIES" >&2
  exit 2
fi
ptracer=$(realpath "$1")
restore=$(realpath "$2")
workdir=$3
queries=$(realpath "$4")
here=$(cd "$(dirname "$0")" && pwd)
script=$(realpath "$here/../../examples/node/weather_report.js")
node=/usr/bin/node

if [[ ! -x $node ]]; then
  echo "FAIL: $node is missing: run ./make.sh (it installs Debian's nodejs)"
  exit 1
fi
mkdir -p "$workdir" && cd "$workdir" || exit 1
rm -f snap.info snap.pages ./*.out ./*.err ./*.status ./*.log


# run NAME CMD...: NAME.out, NAME.err, NAME.status.
run() {
  local name=$1 status=0
  shift
  timeout -k 5 120 "$@" <"$queries" >"$name.out" 2>"$name.err" || status=$?
  echo "$status" >"$name.status"
}

# same REF NAME: NAME's stdout, stderr and status equal REF's.
same() {
  local ref=$1 name=$2 ok=1 stream
  for stream in out err; do
    if ! cmp -s "$ref.$stream" "$name.$stream"; then
      ok=0
      echo "  --- diff $ref.$stream $name.$stream:"
      diff -u "$ref.$stream" "$name.$stream" | head -n 40 | sed 's/^/  | /'
    fi
  done
  [[ $(<"$ref.status") == $(<"$name.status") ]] ||
    { ok=0; echo "  status $(<"$name.status") instead of $(<"$ref.status")"; }
  ((ok)) || fail "$name differs from $ref"
  ((ok))
}

# 1. Cold.
for i in 1 2 3; do run "cold$i" "$node" "$script"; done
echo "cold: exit $(<cold1.status), stdout $(wc -l <cold1.out) lines, stderr $(wc -l <cold1.err) lines"
[[ $(<cold1.status) == 3 ]] || fail "cold run: exit $(<cold1.status), expected 3"
same cold1 cold2 && same cold1 cold3
[[ $failed == 0 ]] || { echo "RESULT: FAIL (the cold runs)"; exit 1; }

# 2. Record.
# stdout and stderr a pipe, as on a terminal or under a supervisor: a stream
# on either created before the marker would stop the recording early.
"$ptracer" -o "$workdir/snap" "$node" "$script" </dev/null 2>&1 | cat >record.log
status=${PIPESTATUS[0]}
summary=$(grep '^ptracer: snapshot' record.log | tail -n 1)
echo "record: exit $status: ${summary:-$(tail -n 1 record.log)}"
if [[ $status != 0 || ! -f snap.info ]]; then
  fail "ptracer wrote no snapshot"
  exit 1
fi
grep -q 'checkpoint marker' <<<"$summary" || fail "the snapshot is not at the checkpoint marker"

# 3. Restores: in sequence, at once, and into a pipe.
for i in 1 2 3; do
  run "restore$i" "$restore" "${restore_args[@]}" "$workdir/snap" && same cold1 "restore$i" && echo "restore $i: identical"
done
for i in 1 2 3; do run "concurrent$i" "$restore" "${restore_args[@]}" "$workdir/snap" & done
wait
for i in 1 2 3; do same cold1 "concurrent$i" && echo "concurrent restore $i: identical"; done
status=0
timeout -k 5 120 bash -o pipefail -c '"$@" | cat' _ "$restore" "${restore_args[@]}" "$workdir/snap" <"$queries" >pipe.out 2>pipe.err ||
  status=$?
echo "$status" >pipe.status
same cold1 pipe && echo "restore into a pipe: identical"

if [[ $failed != 0 ]]; then
  echo "RESULT: FAIL ($workdir)"
  exit 1
fi
echo "RESULT: ok"
