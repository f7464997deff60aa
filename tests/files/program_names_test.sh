#!/usr/bin/env bash
# A program named without its directory is found in PATH and run as
# execvp runs it: the kernel gets the path found (AT_EXECFN, comm,
# /proc/self/exe) and argv[0] stays as typed, so tools that print their own
# name ("sed --version", "grep: bad option") print what a cold run prints.
# Named with a path, and through a symlink, likewise.
# usage: program_names_test.sh PTRACER RESTORE WORKDIR PROGRAM_NAMES
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
ptracer=$1 restore=$2 workdir=$3 program=$4
t_workdir "$workdir" bin
cp "$program" bin/program-names
ln -s program-names bin/names-link
export PATH=$PWD/bin:/usr/bin:/bin

# check LABEL CMD...: cold, recorded and restored runs of CMD print the same.
check() {
  local label=$1
  shift
  "$@" </dev/null >"$label.cold" 2>&1 || fail "$label: cold run"
  "$ptracer" -o "$label" "$@" </dev/null >"$label.rec.out" 2>"$label.rec" ||
    fail "$label: record: $(cat "$label.rec")"
  grep -q "checkpoint marker" "$label.rec" || fail "$label: not at the marker: $(cat "$label.rec")"
  "$restore" "$label" </dev/null >"$label.out" 2>&1 || fail "$label: restore: $(cat "$label.out")"
  cmp -s "$label.cold" "$label.out" || { fail "$label: restored output differs"; diff "$label.cold" "$label.out"; }
  echo "$label: $(tr '\n' '|' <"$label.out")"
}

check by_name program-names
grep -qx "before: argv\[0\] program-names, AT_EXECFN $PWD/bin/program-names, comm program-names, exe $PWD/bin/program-names" by_name.out &&
  grep -qx "after: argv\[0\] program-names, AT_EXECFN $PWD/bin/program-names, comm program-names" by_name.out ||
  fail "by name: argv[0] is not as typed, or AT_EXECFN, comm or /proc/self/exe not the path found"
check by_path "$PWD/bin/program-names"
check relative ./bin/program-names
check via_symlink names-link
grep -qx "after: argv\[0\] names-link, AT_EXECFN $PWD/bin/names-link, comm names-link" via_symlink.out ||
  fail "via symlink: the link's name is not the program's"

t_result
