#!/bin/bash
# Programs that reach no snapshot point before their end are snapshotted at
# exit_group, "the program's end": Debian's bc running a script file (with
# a runtime error on stderr) and /usr/bin/python3 running a pure-compute
# script that exits 3. For each: ptracer exits 0 with the summary line
# "ptracer: snapshot NAME at exit_group (the program's end): ...", and three
# restores give the cold run's stdout and stderr byte for byte and its exit
# status. Then a program killed by a signal before any snapshot point keeps
# the old refusal: exit 1, the exact one-line message, no files left, and
# so does elf_loader failing to load a program (its exit is not snapshotted).
#
# usage: exit_snapshot_test.sh PTRACER RESTORE WORKDIR KILLED_BY_SIGNAL
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
t_usage 4 "PTRACER RESTORE WORKDIR KILLED_BY_SIGNAL" "$@"
ptracer=$(realpath "$1")
restore=$(realpath "$2")
killed=$(realpath "$4")
for prog in /usr/bin/bc /usr/bin/python3; do
  if [[ ! -x $prog ]]; then
    echo "SKIP: $prog is not installed"
    exit 77
  fi
done
t_workdir "$3"
ulimit -c 0  # the faulting program must leave no core file either

# one NAME CMD...: cold run, recording, three restores of one program.
one() {
  local name=$1
  shift
  t_run "$name.cold" "$@"
  local cold=$t_status
  t_record "$workdir/$name" "$@" || return 0
  local summary
  summary=$(tail -n 1 "$name.rec.err")
  echo "$name: cold exit $cold; ptracer exit 0: $summary"
  local re="^ptracer: snapshot $workdir/$name at exit_group\\([0-9]+\\) \\(the program's end\\), [0-9]+\\.[0-9] ms into the run: [0-9]+ mappings, [0-9]+ bytes stored, [0-9]+\\.[0-9] ms\$"
  [[ $summary =~ $re ]] || fail "$name: summary line is not /$re/"
  # The recorded run printed what the cold one did (its stderr, then ours).
  cmp -s "$name.cold.out" "$name.rec.out" || fail "$name: the recorded run's stdout differs from cold"
  head -n -1 "$name.rec.err" | cmp -s "$name.cold.err" - || fail "$name: the recorded run's stderr differs from cold"
  t_restores_match "$name.cold" "$workdir/$name" 3 || true
}

printf 'scale=30\nx = 4*a(1)\nx\ny = 1/0\nprint "e = ", e(1), "\\n"\nquit\n' >script.bc
one bc bc -l script.bc
grep -qx 'e = 2.718281828459045235360287471352' bc.cold.out || fail "bc: unexpected cold output"
[[ -s bc.cold.err ]] || fail "bc: the division by zero printed nothing on stderr"

cat >compute.py <<'PY'
import sys
total = sum(i * i % 1000003 for i in range(200000))
for i in range(50):
    print("row", i, total + i)
print("done with", total, file=sys.stderr)
sys.exit(3)
PY
PYTHONDONTWRITEBYTECODE=1 one python3 /usr/bin/python3 compute.py
[[ $(tail -n 1 python3.cold.out) == "row 49 $(( $(sed -n 's/^row 0 //p' python3.cold.out) + 49 ))" ]] ||
  fail "python3: unexpected cold output"

# A Python program that imported the marker helper but ends (or meets an
# ordinary trigger, a mkdir) before calling it: the summary says so.
helpers=$(realpath "$(dirname "$0")/../../examples/python")
cat >unreached.py <<'PY'
import sys
import snappy_checkpoint
if len(sys.argv) > 1:
    import os
    os.mkdir("made-before-the-marker")
print("never checkpointed")
PY
for how in end mkdir; do
  set -- /usr/bin/python3 unreached.py
  [[ $how == mkdir ]] && set -- "$@" mkdir
  status=0
  PYTHONDONTWRITEBYTECODE=1 PYTHONPATH=$helpers "$ptracer" -o "$workdir/unreached-$how" "$@" </dev/null \
      >"unreached-$how.out" 2>"unreached-$how.err" || status=$?
  summary=$(tail -n 1 "unreached-$how.err")
  echo "unreached ($how): ptracer exit $status: $summary"
  at="exit_group\\([0-9]+\\) \\(the program's end\\)"
  [[ $how == mkdir ]] && at="mkdir\\(.*\\) \\(outside the model\\)"
  re="^ptracer: snapshot $workdir/unreached-$how at $at, [0-9]+\\.[0-9] ms into the run: [0-9]+ mappings, [0-9]+ bytes stored, [0-9]+\\.[0-9] ms; the marker was not reached\$"
  [[ $status == 0 && $summary =~ $re ]] || fail "unreached ($how): summary line is not /$re/"
done

# Killed by a signal before any snapshot point: nothing to snapshot.
mkdir killed && cd killed
status=0
"$ptracer" -o "$workdir/killed/snap" "$killed" </dev/null >out 2>err || status=$?
echo "killed_by_signal: ptracer exit $status: $(tr '\n' '|' <err)"
expected="ptracer: $killed was killed by signal Segmentation fault before reaching a snapshot point; no snapshot written"
[[ $status == 1 ]] || fail "killed_by_signal: ptracer exited $status, not 1"
[[ $(<err) == "$expected" ]] || fail "killed_by_signal: stderr is not '$expected'"
[[ $(<out) == "about to fault" ]] || fail "killed_by_signal: stdout is not the program's line"
leftovers=$(ls -A | grep -vx -e out -e err || true)
[[ -z $leftovers ]] || fail "killed_by_signal: files left behind: $leftovers"

cd "$workdir"

# elf_loader's own exit_group (the program's interpreter is missing) is no
# program's end: no snapshot, the loader's line, its status 127.
mkdir noloader && cd noloader
python3 - "$killed" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
at = data.find(b"/lib64/ld-linux-x86-64.so.2\0")
assert at >= 0, "no PT_INTERP string"
data[at:at + 27] = b"/nonexist/ld-linux-x86-64.2"
open("prog", "wb").write(data)
PY
chmod +x prog
status=0
"$ptracer" -o "$workdir/noloader/snap" ./prog </dev/null >out 2>err || status=$?
echo "missing interpreter: ptracer exit $status: $(tr '\n' '|' <err)"
expected="elf_loader: /nonexist/ld-linux-x86-64.2: No such file or directory
ptracer: ./prog exited with status 127 before reaching a snapshot point; no snapshot written"
[[ $status == 127 ]] || fail "missing interpreter: ptracer exited $status, not 127"
[[ $(<err) == "$expected" ]] || fail "missing interpreter: stderr is not the loader's line and ptracer's"
leftovers=$(ls -A | grep -vx -e out -e err -e prog || true)
[[ -z $leftovers ]] || fail "missing interpreter: files left behind: $leftovers"

t_result
