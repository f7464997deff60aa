#!/bin/bash
# The pre-warmed launchers (examples/node-launcher, examples/jvm-launcher):
# recorded once, then restored with an invocation, against the cold command.
#
# usage: run_launcher_test.sh node PTRACER RESTORE WORKDIR
#        run_launcher_test.sh jvm PTRACER RESTORE WORKDIR LAUNCHER_CLASSES
#
#   1. record the launcher in WORKDIR/rec with an environment of its own
#      (RECORDED_ONLY=1, no JOB_VAR), stdout and stderr a pipe; the snapshot
#      must be at the checkpoint marker;
#   2. from two other directories (a/ and b/sub/, each with its own
#      data.txt), under another environment (JOB_VAR with spaces), run each
#      case cold (`node ../app/job.js MODE ...`, `java -cp CLASSES Job MODE
#      ...`) and restored (`restore SNAP ../app/job.js MODE ...`, `restore
#      SNAP Job MODE ...`): stdout, stderr and exit status byte for byte.
#      The cases: arguments (with a space and non-ASCII), exit 3, an uncaught
#      exception (exit 1, its trace), for node process.exitCode = 4;
#   3. `restore SNAP` alone: exit 2 and the launcher's two usage lines.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
kind=${1:-}
if [[ ($kind != node || $# -ne 4) && ($kind != jvm || $# -ne 5) ]]; then
  echo "usage: run_launcher_test.sh node|jvm PTRACER RESTORE WORKDIR [LAUNCHER_CLASSES]" >&2
  exit 2
fi
ptracer=$(realpath "$2")
restore=$(realpath "$3")
workdir=$4
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)


rm -rf "$workdir" && mkdir -p "$workdir"/{rec,a,b/sub} && cd "$workdir" || exit 1
workdir=$(pwd)
echo alpha >a/data.txt
echo "beta, in b/sub" >b/sub/data.txt
cp -r "$here/app" app

run_env=(env -i PATH=/usr/bin:/bin LC_ALL=C.UTF-8 HOME="$workdir" "JOB_VAR=a value with  spaces")
rec_env=(env -i PATH=/usr/bin:/bin LC_ALL=C.UTF-8 HOME="$workdir/rec" RECORDED_ONLY=1)
if [[ $kind == node ]]; then
  node=/usr/bin/node
  [[ -x $node ]] || { echo "FAIL: $node is missing: run ./make.sh (it installs nodejs)"; exit 1; }
  launcher=$repo/examples/node-launcher/launcher.js
  record=("$node" -r "$launcher" "$launcher")
  usage_lines=$'node-launcher: no script\nusage: node -r LAUNCHER LAUNCHER SCRIPT [ARGS...]   (restored: restore NAME SCRIPT [ARGS...])'
else
  classes=$(realpath "$5")
  java=$(command -v java) && javac=$(command -v javac) ||
    { echo "FAIL: java or javac is missing: run ./make.sh (openjdk-17-jdk-headless)"; exit 1; }
  [[ -f $classes/Launcher.class ]] || { echo "FAIL: $classes/Launcher.class missing: build first"; exit 1; }
  "$javac" -d "$workdir/classes" "$here/java/Job.java" || { echo "FAIL: javac Job.java"; exit 1; }
  # The JVM's default flags record (examples/jvm/README.md);
  # examples/jvm-launcher/README.md: the opens for SnappyCheckpoint.adopt().
  flags=(--add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/java.io=ALL-UNNAMED
         --add-opens java.base/sun.nio.fs=ALL-UNNAMED)
  record=("$java" "${flags[@]}" "-Xbootclasspath/a:$classes" -cp "$workdir/classes" Launcher)
  usage_lines=$'jvm-launcher: no main class\nusage: java FLAGS -Xbootclasspath/a:DIR -cp CLASSPATH Launcher MainClass [ARGS...]   (restored: restore NAME MainClass [ARGS...])'
fi

# 1. Record.
(cd rec && "${rec_env[@]}" "$ptracer" -o "$workdir/snap" "${record[@]}" </dev/null 2>&1 | cat >record.log)
summary=$(grep '^ptracer: snapshot' rec/record.log | tail -n 1)
echo "record: ${summary:-$(tail -n 1 rec/record.log)}"
[[ -f snap.info ]] || { echo "FAIL: ptracer wrote no snapshot"; exit 1; }
grep -q 'checkpoint marker' <<<"$summary" || fail "the snapshot is not at the checkpoint marker"

# run NAME DIR CMD...: NAME.out, NAME.err, NAME.status, run in DIR.
run() {
  local name=$1 dir=$2 status=0
  shift 2
  (cd "$dir" && timeout -k 5 120 "${run_env[@]}" "$@" </dev/null \
     >"$workdir/$name.out" 2>"$workdir/$name.err") || status=$?
  echo "$status" >"$name.status"
}

# case NAME DIR STATUS ARGS...: cold and restored, compared.
case_() {
  local name=$1 dir=$2 want=$3 ok=1 stream cold
  shift 3
  if [[ $kind == node ]]; then
    local script=$1
    shift
    run "$name.cold" "$dir" "$node" "$script" "$@"
    run "$name.restored" "$dir" "$restore" "$workdir/snap" "$script" "$@"
  else
    run "$name.cold" "$dir" "$java" -cp "$workdir/classes" Job "$@"
    run "$name.restored" "$dir" "$restore" "$workdir/snap" Job "$@"
  fi
  cold=$(<"$name.cold.status")
  [[ $cold == "$want" ]] || fail "$name: the cold run exits $cold, expected $want"
  for stream in out err; do
    if ! cmp -s "$name.cold.$stream" "$name.restored.$stream"; then
      ok=0
      echo "  --- diff $name.cold.$stream $name.restored.$stream:"
      diff -u "$name.cold.$stream" "$name.restored.$stream" | head -n 30 | sed 's/^/  | /'
    fi
  done
  [[ $(<"$name.restored.status") == "$cold" ]] ||
    { ok=0; echo "  $name: restored exit $(<"$name.restored.status"), cold $cold"; }
  if ((ok)); then
    echo "$name ($dir, exit $cold): identical"
  else
    fail "$name: restored differs from cold"
  fi
}

# 2. Cases, from two directories.
if [[ $kind == node ]]; then
  case_ args a 0 ../app/job.js plain 'two words' ünï
  case_ exit3 a 3 ../app/job.js exit3
  case_ throw a 1 ../app/job.js throw at a
  case_ exitcode a 4 ../app/job.js exitcode
  case_ args_b b/sub 0 ../../app/job.js plain 'x  y'
  case_ throw_b b/sub 1 ../../app/job.js throw at b
else
  case_ args a 0 plain 'two words' ünï
  case_ exit3 a 3 exit3
  case_ throw a 1 throw at a
  case_ args_b b/sub 0 plain 'x  y'
  case_ throw_b b/sub 1 throw at b
fi
grep -q 'data.txt: beta, in b/sub' args_b.cold.out ||
  fail "args_b: the cold run did not read b/sub/data.txt"

# 3. No invocation: the recorded command line, which names no program.
status=0
"$restore" "$workdir/snap" </dev/null >usage.out 2>usage.err || status=$?
if [[ $status == 2 && ! -s usage.out && $(<usage.err) == "$usage_lines" ]]; then
  echo "restore SNAP alone: exit 2, usage"
else
  fail "restore SNAP alone: exit $status, stderr: $(head -c 300 usage.err)"
fi

if [[ $failed != 0 ]]; then
  echo "RESULT: FAIL ($workdir)"
  exit 1
fi
echo "RESULT: ok"
