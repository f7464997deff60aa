#!/usr/bin/env bash
# A snapshot whose private anonymous mapping carries a PR_SET_VMA_ANON_NAME
# name ("[anon:patched]", put there by info_patch) either restores with that
# name in /proc/self/maps, or, on a kernel without CONFIG_ANON_VMA_NAME,
# is refused before anything is undone: exit 1, nothing on stdout, and the
# one line
#   restore: the anonymous mapping at 0xADDR named patched: this kernel cannot name anonymous memory (no CONFIG_ANON_VMA_NAME)
# usage: vma_anon_name_restore_test.sh PTRACER RESTORE INFO_PATCH TARGET WORKDIR
set -uo pipefail
if (( $# != 5 )); then
  echo "usage: vma_anon_name_restore_test.sh PTRACER RESTORE INFO_PATCH TARGET WORKDIR" >&2
  exit 2
fi
ptracer=$1 restore=$2 info_patch=$3 target=$4 workdir=$5
rm -rf "$workdir" && mkdir -p "$workdir" && cd "$workdir" || exit 1

"$ptracer" -o snap "$target" </dev/null >rec.out 2>rec.err || { echo "FAIL: recording: $(cat rec.err)"; exit 1; }
"$info_patch" snap.info anon-name || { echo "FAIL: info_patch anon-name"; exit 1; }
status=0
"$restore" snap </dev/null >run.out 2>run.err || status=$?

# Whether this kernel names anonymous memory: the target's cold run shows it.
"$target" </dev/null >cold.out 2>/dev/null
if grep -q '\[anon:snappy' cold.out; then
  [[ $status == 0 ]] || { echo "FAIL: restore exit $status: $(cat run.err)"; exit 1; }
  echo "this kernel names anonymous memory: the patched snapshot restored (its name is not the target's to print)"
else
  expected='^restore: the anonymous mapping at 0x[0-9a-f]+ named patched: this kernel cannot name anonymous memory \(no CONFIG_ANON_VMA_NAME\)$'
  [[ $status == 1 ]] || { echo "FAIL: restore exit $status, not 1"; exit 1; }
  [[ $(wc -l <run.err) == 1 && $(cat run.err) =~ $expected ]] ||
      { echo "FAIL: stderr is '$(cat run.err)'"; exit 1; }
  [[ -s run.out ]] && { echo "FAIL: printed on stdout: $(head -c 200 run.out)"; exit 1; }
  echo "refused: $(cat run.err)"
fi
echo "RESULT: ok"
