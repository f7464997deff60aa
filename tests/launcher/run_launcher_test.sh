#!/bin/bash
# The pre-warmed Python launcher (issue 13): examples/python-launcher/launcher.py
# recorded once, then `restore SNAP SCRIPT ARGS...` compared byte for byte
# (stdout, stderr, exit status) with `/usr/bin/python3 SCRIPT ARGS...`, and
# with the launcher run cold (`python3 launcher.py SCRIPT ARGS...`).
#
# usage: run_launcher_test.sh PTRACER RESTORE WORKDIR
#
#   1. the scripts (tests/launcher/scripts) are copied to WORKDIR/scripts;
#      WORKDIR/other is the second working directory (its own data/);
#   2. `ptracer -o WORKDIR/py-numpy /usr/bin/python3 launcher.py` in a
#      recording environment (RECORDED_ONLY=1, no caller variables);
#   3. every case runs in the caller's environment (LAUNCHER_TEST_VAR, a
#      LAUNCHER_BYTES value that is not UTF-8), from WORKDIR/scripts and
#      from WORKDIR/other, by relative, absolute and symlinked paths: the
#      three runs must agree byte for byte;
#   4. warm or cold: modules.py sees numpy imported in a restored instance,
#      and not when the caller's PYTHONHASHSEED differs from the recording's
#      (the launcher hands that start to the real interpreter);
#   5. no script: the usage line, exit 2;
#   6. tests/launcher/adopt_probe.py: a program that does not adopt sees the
#      recorded argv and environment, as before issue 13; one that adopts
#      keeps them under a plain `restore NAME` and takes the caller's with
#      an invocation.
# Debian's /usr/bin/python3 and python3-numpy (make.sh installs them).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
t_usage 3 "PTRACER RESTORE WORKDIR" "$@"
ptracer=$(realpath "$1")
restore=$(realpath "$2")
workdir=$3
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
launcher=$repo/examples/python-launcher/launcher.py
py=/usr/bin/python3
[[ -x $py ]] || { echo "FAIL: $py is missing: run ./make.sh"; exit 1; }

rm -rf "$workdir" && mkdir -p "$workdir/other/data" "$workdir/out" || exit 1
workdir=$(realpath "$workdir")
cp -r "$here/scripts" "$workdir/scripts" || exit 1
printf '10\n20\n30\n' >"$workdir/other/data/numbers.txt"
ln -s ../scripts/show_main.py "$workdir/other/linked.py"
printf 'first line\nsecond line, a few words\n\nlast\n' >"$workdir/stdin.txt"
snap=$workdir/py-numpy
out=$workdir/out


# The two environments: what the launcher was recorded in, what callers have.
base=(PATH=/usr/bin:/bin HOME="${HOME:-/root}" LANG=C.UTF-8)
record_env=(env -i "${base[@]}" RECORDED_ONLY=1)
caller_env=(env -i "${base[@]}" LAUNCHER_TEST_VAR="hello from the caller"
            LAUNCHER_BYTES=$'\xff\xfe not utf-8')

# run NAME CWD STDIN CMD...: NAME.out, NAME.err, NAME.status, in the caller's
# environment.
run() {
  local name=$1 cwd=$2 input=$3 status=0
  shift 3
  (cd "$cwd" && timeout -k 5 60 "${caller_env[@]}" "$@" <"$input" >"$out/$name.out" \
                 2>"$out/$name.err") || status=$?
  echo "$status" >"$out/$name.status"
}

# same REF NAME: NAME's stdout, stderr and status equal REF's.
same() {
  local ref=$out/$1 name=$out/$2 ok=1 stream
  for stream in out err; do
    if ! cmp -s "$ref.$stream" "$name.$stream"; then
      ok=0
      echo "  --- diff $1.$stream $2.$stream:"
      diff -u "$ref.$stream" "$name.$stream" | head -n 30 | sed 's/^/  | /'
    fi
  done
  [[ $(<"$ref.status") == $(<"$name.status") ]] ||
    { ok=0; echo "  status $(<"$name.status") instead of $(<"$ref.status")"; }
  ((ok)) || fail "$2 differs from $1"
  ((ok))
}

# 2. Record.
(cd "$repo" && "${record_env[@]}" "$ptracer" -o "$snap" "$py" "$launcher" </dev/null \
   >"$workdir/record.out" 2>"$workdir/record.log")
status=$?
summary=$(grep '^ptracer: snapshot' "$workdir/record.log" | tail -n 1)
echo "record: exit $status: ${summary:-$(tail -n 1 "$workdir/record.log")}"
if [[ $status != 0 || ! -f $snap.info ]]; then
  fail "ptracer wrote no snapshot"
  exit 1
fi
grep -q 'checkpoint marker' <<<"$summary" || fail "the snapshot is not at the checkpoint marker"
[[ ! -s $workdir/record.out ]] || fail "the recording wrote to stdout: $(head -c 200 "$workdir/record.out")"

# 3. The cases: NAME CWD STDIN ARGS... (ARGS as given to python3).
n=0
case_() {
  local name=$1 cwd=$2 input=$3 expect=$4
  shift 4
  run "$name.cold" "$cwd" "$input" "$py" "$@"
  run "$name.restored" "$cwd" "$input" "$restore" "$snap" "$@"
  run "$name.launcher" "$cwd" "$input" "$py" "$launcher" "$@"
  [[ $(<"$out/$name.cold.status") == "$expect" ]] ||
    fail "$name: python3 itself exited $(<"$out/$name.cold.status"), the test expects $expect"
  local ok=1
  same "$name.cold" "$name.restored" || ok=0
  same "$name.cold" "$name.launcher" || ok=0
  ((ok)) && echo "identical: $name (exit $expect): $*"
  n=$((n + 1))
}
s=$workdir/scripts o=$workdir/other null=/dev/null
case_ main.here        "$s" $null 0 show_main.py a "b c" "" -x
case_ main.other       "$o" $null 0 ../scripts/show_main.py a
case_ main.dot         "$s" $null 0 ./show_main.py
case_ main.absolute    "$o" $null 0 "$s/show_main.py" --flag=1
case_ main.symlink     "$o" $null 0 linked.py
case_ relative.here    "$s" $null 0 read_relative.py
case_ relative.other   "$o" $null 0 ../scripts/read_relative.py
case_ relative.missing "$workdir" $null 1 scripts/read_relative.py
case_ exit3.here       "$s" $null 3 exit3.py
case_ exit3.other      "$o" $null 3 ../scripts/exit3.py
case_ message.here     "$s" $null 1 exit_message.py
case_ uncaught.here    "$s" $null 1 uncaught.py x y
case_ uncaught.other   "$o" $null 1 "$s/uncaught.py" just-one
case_ numpy.here       "$s" $null 0 numpy_work.py 80
case_ numpy.other      "$o" $null 0 ../scripts/numpy_work.py
case_ stdin.here       "$s" "$workdir/stdin.txt" 0 stdin_lines.py
case_ stdin.other      "$o" "$workdir/stdin.txt" 0 ../scripts/stdin_lines.py
case_ stderr.here      "$s" $null 0 stderr_writes.py
case_ environ.here     "$s" $null 0 environment.py
case_ environ.other    "$o" $null 0 ../scripts/environment.py
case_ syntax.here      "$s" $null 1 syntax_error.py
case_ missing.here     "$s" $null 2 no_such_script.py
case_ missing.other    "$o" $null 2 ../scripts/no_such_script.py
case_ option.c         "$o" $null 0 -c "import sys; print(sys.argv, __name__)" arg
echo "$n cases compared"
grep -q "can't open file '$s/no_such_script.py': \[Errno 2\] No such file or directory" \
  "$out/missing.here.cold.err" || fail "python3's own message for a missing script changed"

# 4. Warm, or cold when the caller's start would differ.
run modules.warm "$s" $null "$restore" "$snap" modules.py
[[ $(<"$out/modules.warm.out") == "numpy imported before the script: True" ]] ||
  fail "modules.py restored: $(<"$out/modules.warm.out") $(<"$out/modules.warm.err")"
caller_env+=(PYTHONHASHSEED=0)
run modules.seed.cold "$s" $null "$py" modules.py
run modules.seed.restored "$s" $null "$restore" "$snap" modules.py
caller_env=("${caller_env[@]:0:${#caller_env[@]}-1}")
[[ $(<"$out/modules.seed.cold.out") == "numpy imported before the script: False" ]] ||
  fail "modules.py cold: $(<"$out/modules.seed.cold.out")"
same modules.seed.cold modules.seed.restored &&
  echo "a caller's PYTHONHASHSEED=0 runs python3 cold: identical"

# 5. No script.
usage="launcher: no script to run: usage: restore NAME SCRIPT.py [ARGS...]"
for args in "" "--"; do
  run "usage${args:+.dashes}" "$s" $null "$restore" "$snap" $args
  name=usage${args:+.dashes}
  [[ $(<"$out/$name.status") == 2 && $(<"$out/$name.err") == "$usage" && ! -s $out/$name.out ]] ||
    fail "restore SNAP $args: exit $(<"$out/$name.status"), stderr '$(<"$out/$name.err")'"
done
run usage.cold "$s" $null "$py" "$launcher"
[[ $(<"$out/usage.cold.status") == 2 &&
   $(<"$out/usage.cold.err") == "launcher: no script to run: usage: $py $launcher SCRIPT.py [ARGS...]" ]] ||
  fail "python3 launcher.py: exit $(<"$out/usage.cold.status"), stderr '$(<"$out/usage.cold.err")'"

# 6. Adopting is the program's choice.
probe=$here/adopt_probe.py
for mode in plain adopt; do
  flag=()
  [[ $mode == adopt ]] && flag=(--adopt)
  (cd "$repo" && "${record_env[@]}" "$ptracer" -o "$workdir/probe-$mode" "$py" "$probe" \
     "$repo/examples/python" "${flag[@]}" </dev/null >/dev/null 2>"$workdir/probe-$mode.log") ||
    fail "recording adopt_probe.py $mode: $(tail -n 1 "$workdir/probe-$mode.log")"
  grep -q 'checkpoint marker' "$workdir/probe-$mode.log" ||
    fail "adopt_probe.py $mode: not recorded at the marker: $(tail -n 1 "$workdir/probe-$mode.log")"
done
expect() {  # expect NAME LINES...: NAME.out is exactly these lines, status 0
  local name=$1
  shift
  if [[ $(<"$out/$name.status") != 0 || $(<"$out/$name.out") != "$(printf '%s\n' "$@")" ]]; then
    fail "$name: exit $(<"$out/$name.status"):"
    sed 's/^/  | /' "$out/$name.out" "$out/$name.err"
  else
    echo "as expected: $name"
  fi
}
recorded=("argv ['$probe', '$repo/examples/python']" "LAUNCHER_TEST_VAR None"
          "SET_BEFORE set before the checkpoint" "cwd ${repo##*/}")
run probe.plain.invoked "$o" $null "$restore" "$workdir/probe-plain" a b
expect probe.plain.invoked "restored True adopt False" "${recorded[@]:0:3}" "cwd other"
run probe.plain.bare "$o" $null "$restore" "$workdir/probe-plain"
expect probe.plain.bare "restored True adopt False" "${recorded[@]}"
run probe.adopt.bare "$o" $null "$restore" "$workdir/probe-adopt"
expect probe.adopt.bare "restored True adopt True" "argv ['$probe', '$repo/examples/python', '--adopt']" \
  "${recorded[@]:1}"
run probe.adopt.invoked "$o" $null "$restore" "$workdir/probe-adopt" a "b c"
expect probe.adopt.invoked "restored True adopt True" "argv ['a', 'b c']" \
  "LAUNCHER_TEST_VAR hello from the caller" "SET_BEFORE None" "cwd other"

if [[ $failed != 0 ]]; then
  echo "RESULT: FAIL ($workdir)"
  exit 1
fi
echo "RESULT: ok"
