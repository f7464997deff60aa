#!/usr/bin/env bash
# ptracer's bad arguments: one clear line on stderr, the documented exit
# code, no snapshot files, nothing run.
# usage: ptracer_usage_test.sh PTRACER WORKDIR
set -uo pipefail
ptracer=$1 workdir=$2
rm -rf "$workdir" && mkdir -p "$workdir" && cd "$workdir" || exit 1
failed=0

# expect CODE PATTERN ARGS...: ptracer ARGS exits CODE with PATTERN on stderr.
expect() {
  local code=$1 pattern=$2 status=0
  shift 2
  "$ptracer" "$@" </dev/null >out 2>err || status=$?
  echo "ptracer $*: exit $status: $(head -c 200 err | tr '\n' '|')"
  [[ $status == "$code" ]] || { echo "FAIL: exit $status, expected $code"; failed=1; }
  grep -qE -- "$pattern" err || { echo "FAIL: stderr lacks '$pattern'"; failed=1; }
  [[ -s out ]] && { echo "FAIL: something ran and printed"; failed=1; }
  compgen -G '*.info' >/dev/null || compgen -G '*.pages' >/dev/null && { echo "FAIL: snapshot files left"; failed=1; }
}

expect 2 "no program given" 
expect 2 "no program given" -o snap
expect 127 "/nonexistent: no such executable file" /nonexistent
expect 127 "definitely-not-a-program-x: no such executable file" definitely-not-a-program-x
expect 2 "unknown option --bogus" --bogus /bin/echo hi
expect 2 "unknown syscall 'getpidd'" --at getpidd /bin/echo hi
expect 2 "(ARG0=VALUE or path=PREFIX expected)" --at getpid,ARG1=3 /bin/echo hi
expect 1 "cannot write the snapshot there" -o /nonexistent-dir/snap /bin/echo hi
mkdir sub && chmod 0500 sub
[[ $(id -u) == 0 ]] || expect 1 "cannot write the snapshot there" -o sub/snap /bin/echo hi
"$ptracer" --help >help.out 2>&1 && grep -q -- "--at" help.out || { echo "FAIL: --help"; failed=1; }

[[ $failed == 0 ]] && echo "RESULT: ok" || { echo "RESULT: FAIL"; exit 1; }
