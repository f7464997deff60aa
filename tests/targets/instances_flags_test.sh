#!/usr/bin/env bash
# restore -n N: what fork drops or acts on is made in each instance, after
# the fork (restore/mapping_flags.cc). With -n 3, each instance of a target
# sees its WIPEONFORK and droppable memory with its bytes, its DONTFORK
# mapping, its locks and its MCL_FUTURE, as a cold run does: the lines of
# the three instances, sorted, are three copies of the cold run's (the
# instances' output interleaves), and restore exits 0.
# usage: instances_flags_test.sh PTRACER RESTORE WORKDIR TARGET...
set -uo pipefail
if (( $# < 4 )); then
  echo "usage: instances_flags_test.sh PTRACER RESTORE WORKDIR TARGET..." >&2
  exit 2
fi
ptracer=$1 restore=$2 workdir=$3
shift 3
rm -rf "$workdir" && mkdir -p "$workdir" && cd "$workdir" || exit 1
failed=0
for target in "$@"; do
  name=$(basename "$target")
  "$target" </dev/null >"$name.cold" 2>&1 || { echo "FAIL: $name: cold run exit $?"; failed=1; continue; }
  "$ptracer" -o "$name" "$target" </dev/null >/dev/null 2>"$name.rec" ||
      { echo "FAIL: $name: recording: $(cat "$name.rec")"; failed=1; continue; }
  status=0
  "$restore" -n 3 "$name" </dev/null >"$name.out" 2>"$name.err" || status=$?
  cat "$name.cold" "$name.cold" "$name.cold" | sort >"$name.want"
  sort "$name.out" >"$name.got"
  if [[ $status != 0 || -s $name.err ]] || ! cmp -s "$name.want" "$name.got"; then
    echo "FAIL: $name: restore -n 3 exit $status, stderr '$(head -c 300 "$name.err")'"
    diff "$name.want" "$name.got" | head -20
    failed=1
  else
    echo "$name: 3 instances, each as cold"
  fi
done
[[ $failed == 0 ]] || { echo "RESULT: FAIL"; exit 1; }
echo "RESULT: ok"
