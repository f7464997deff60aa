#!/usr/bin/env bash
# A program named without its directory is found in PATH and run as
# execvp runs it: the kernel gets the path found (AT_EXECFN, comm,
# /proc/self/exe) and argv[0] stays as typed, so tools that print their own
# name ("sed --version", "grep: bad option") print what a cold run prints.
# Named with a path, and through a symlink, likewise. A `#!` script found
# in PATH gets what the kernel gives it: its interpreter's argv, AT_EXECFN
# and comm from the script (elf_loader --execfn). elf_loader's --argv0 and
# --execfn on their own: comm and AT_EXECFN never come from argv[0].
# usage: program_names_test.sh PTRACER RESTORE WORKDIR PROGRAM_NAMES ELF_LOADER
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
ptracer=$1 restore=$2 workdir=$3 program=$4 loader=$5
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

# A script: python3 reads its own names (AT_EXECFN through ctypes).
cat >bin/names-script <<'PY'
#!/usr/bin/python3
import ctypes, os, sys
import snappy_checkpoint
libc = ctypes.CDLL(None)
libc.getauxval.restype = ctypes.c_char_p
def names(when):
    comm = open("/proc/self/comm").read().strip()
    print(f"{when}: argv {sys.argv}, AT_EXECFN {libc.getauxval(31).decode()}, comm {comm}", flush=True)
names("before")
snappy_checkpoint.checkpoint()
names("after")
PY
chmod +x bin/names-script
export PYTHONPATH=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../examples/python" && pwd) PYTHONDONTWRITEBYTECODE=1
check script names-script
grep -qx "after: argv \['$PWD/bin/names-script'\], AT_EXECFN $PWD/bin/names-script, comm names-script" script.out ||
  fail "script: AT_EXECFN or comm not the script's"

# elf_loader alone: argv[0] is --argv0's; AT_EXECFN and comm are PROG's,
# or --execfn's.
"$loader" --argv0 other "$PWD/bin/program-names" </dev/null >loader_argv0.out 2>&1 || fail "elf_loader --argv0"
grep -qx "after: argv\[0\] other, AT_EXECFN $PWD/bin/program-names, comm program-names" loader_argv0.out ||
  fail "elf_loader --argv0: $(cat loader_argv0.out)"
"$loader" --execfn /somewhere/named-so "$PWD/bin/program-names" </dev/null >loader_execfn.out 2>&1 || fail "elf_loader --execfn"
grep -qx "after: argv\[0\] $PWD/bin/program-names, AT_EXECFN /somewhere/named-so, comm named-so" loader_execfn.out ||
  fail "elf_loader --execfn: $(cat loader_execfn.out)"
echo "elf_loader: $(tail -n 1 loader_argv0.out) | $(tail -n 1 loader_execfn.out)"

t_result
