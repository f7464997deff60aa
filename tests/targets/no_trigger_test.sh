#!/bin/bash
# A program that exits before reaching any snapshot point: ptracer must
# exit non-zero, say so on stderr with the program's exit status, and leave
# no snapshot behind (not even a temporary file).
#
# usage: no_trigger_test.sh PTRACER WORKDIR STATUS PROG ARGS...
#   STATUS: the exit status PROG has (the message must mention it)
set -euo pipefail
if [[ $# -lt 4 ]]; then
  echo "usage: no_trigger_test.sh PTRACER WORKDIR STATUS PROG ARGS..." >&2
  exit 2
fi
ptracer=$(realpath "$1")
mkdir -p "$2"
workdir=$(realpath "$2")
expect=$3
shift 3
cd "$workdir"
rm -f snap.* out err

failed=0
status=0
timeout -k 5 60 "$ptracer" -o "$workdir/snap" "$@" </dev/null >out 2>err || status=$?
echo "ptracer $*: exit $status; stderr: $(head -c 300 err | tr '\n' '|')"
[[ $status != 0 ]] || { echo "FAIL: ptracer exited 0"; failed=1; }
[[ $status != 124 ]] || { echo "FAIL: ptracer timed out"; failed=1; }
[[ -s err ]] || { echo "FAIL: nothing on stderr"; failed=1; }
if ! grep -Eiq "(exit|status|code)[^0-9]*\b$expect\b" err; then
  echo "FAIL: stderr does not mention exit status $expect"
  failed=1
fi
leftovers=
for f in "$workdir"/* "$workdir"/.[!.]*; do
  [[ -e $f && ${f##*/} != out && ${f##*/} != err ]] && leftovers+=" ${f##*/}"
done
if [[ -n $leftovers ]]; then
  echo "FAIL: files left behind: $leftovers"
  failed=1
fi
[[ $failed == 0 ]] && echo "RESULT: ok" || echo "RESULT: FAIL"
exit $failed
