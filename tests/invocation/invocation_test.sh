#!/usr/bin/env bash
# restore NAME [--] ARGS... (issue 13): a restored instance that adopts its
# invocation (snappy_invocation() of examples/c/snappy_checkpoint.h) must
# report exactly what a cold run of the same program with the same ARGS,
# environment and cwd reports: argc, every argv byte, the environment,
# getcwd, errno, and /proc/PID/cmdline, environ and cwd as another process
# reads them (invocation_target.c). Each case compares the two reports byte
# for byte, and both exit codes and stderrs. Then the running instance as
# ps and /proc show it, --stop, -n 3, and the usage errors (exact line,
# exit 2, nothing on stdout).
# usage: invocation_test.sh PTRACER RESTORE WORKDIR TARGET
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
ptracer=$1 restore=$2 work=$3 target=$(realpath "$4")
t_workdir "$work" rec caller
work=$workdir
work=$(pwd)
failed=0 cases=0

# Recorded: in rec/, with its own arguments and environment.
REC_ENV=(env -i PATH=/rec/bin HOME=/rec-home INV_A=recorded-a INV_B=recorded-b)
(cd rec && "${REC_ENV[@]}" "$ptracer" -o "$work/snap" "$target" rec1 '' 'rec 3' </dev/null >/dev/null 2>rec.err) ||
    { echo "FAIL: recording: $(tail -n 3 rec/rec.err)"; exit 1; }
# The caller's environment for every case (env -i: no `_` differs).
CALLER=(env -i PATH=/usr/bin:/bin HOME=/caller-home INV_A=caller-a INV_C=$'caller\tc')

# run OUT DIR CMD...: CMD in DIR, stdin /dev/null; OUT, OUT.err, OUT.rc.
run() {
  local out=$1 dir=$2
  shift 2
  (cd "$dir" && exec timeout -k 5 60 "$@" </dev/null >"$out" 2>"$out.err")
  echo $? >"$out.rc"
}
# same WHAT A B: reports A and B identical (stdout, stderr, exit code 0).
same() {
  local what=$1 a=$2 b=$3
  cases=$((cases + 1))
  if [[ $(cat "$a.rc") != 0 || $(cat "$b.rc") != 0 ]]; then
    fail "$what: exit codes cold $(cat "$a.rc"), restored $(cat "$b.rc"); stderr: $(head -c 300 "$a.err") | $(head -c 300 "$b.err")"
  elif ! cmp -s "$a" "$b" || ! cmp -s "$a.err" "$b.err"; then
    fail "$what: the restored report differs from the cold run's:"
    diff <(head -c 4000 "$a") <(head -c 4000 "$b") | head -n 20
  elif [[ ! -s $a ]]; then
    fail "$what: empty report"
  fi
}
# compare WHAT DIR [RESTORE_OPTIONS...] :: ARGS...: the cold run
# `CALLER TARGET ARGS` against `CALLER restore OPTIONS snap ARGS`, both in
# DIR.
compare() {
  local what=$1 dir=$2
  shift 2
  local options=()
  while [[ $1 != :: ]]; do options+=("$1"); shift; done
  shift
  run "$work/cold.out" "$dir" "${CALLER[@]}" "$target" "$@"
  run "$work/restored.out" "$dir" "${CALLER[@]}" "$restore" "${options[@]}" "$work/snap" "$@"
  same "$what" "$work/cold.out" "$work/restored.out"
}

# ---- no ARGS: the recorded invocation, exactly --------------------------------
run "$work/cold.out" "$work/rec" "${REC_ENV[@]}" "$target" rec1 '' 'rec 3'
run "$work/restored.out" "$work/caller" "${CALLER[@]}" "$restore" "$work/snap"
same "no ARGS (recorded argv, environment, cwd)" "$work/cold.out" "$work/restored.out"
grep -qx 'argv\[2\]: ' "$work/restored.out" && grep -qx 'INV_B: recorded-b' "$work/restored.out" &&
    grep -qx "getcwd: $work/rec" "$work/restored.out" || fail "no ARGS: not the recorded invocation: $(head -c 600 "$work/restored.out")"

# ---- ARGS ----------------------------------------------------------------------
run "$work/cold.out" "$work/caller" "${CALLER[@]}" "$target"
run "$work/restored.out" "$work/caller" "${CALLER[@]}" "$restore" "$work/snap" --
same "restore NAME -- is the cold run with no arguments" "$work/cold.out" "$work/restored.out"
grep -qx 'argc: 1' "$work/restored.out" || fail "restore NAME --: argc is not 1"

compare "plain arguments" "$work/caller" :: one two 'three four'
compare "empty-string arguments" "$work/caller" :: '' a '' ''
compare "an empty argument only" "$work/caller" :: ''
many=()
for ((i = 0; i < 10000; ++i)); do many+=("arg$i"); done
compare "10,000 arguments" "$work/caller" :: "${many[@]}"
grep -qx 'argc: 10001' "$work/restored.out" || fail "10,000 arguments: argc is not 10001"
big=()
long=$(head -c 131071 /dev/zero | tr '\0' L) short=$(head -c 1023 /dev/zero | tr '\0' s)
for ((i = 0; i < 4; ++i)); do big+=("$long"); done
for ((i = 0; i < 512; ++i)); do big+=("$short"); done
compare "1 MiB of arguments (4 of 128 KiB, the longest exec takes, and 512 of 1 KiB)" "$work/caller" :: "${big[@]}"
compare "non-UTF-8 and control bytes" "$work/caller" :: $'\xff\xfe' $'\xc3\x28' $'\x80' $'a\nb' $'\t' $'\x01\x7f' 'é' '\' $'\x1b[31m'
compare "restore's options after NAME are the program's" "$work/caller" :: --verify -n 3 --env X=1 --clear-env --help -h --stop --trust --pid-ns
run "$work/cold.out" "$work/caller" "${CALLER[@]}" "$target" --
run "$work/restored.out" "$work/caller" "${CALLER[@]}" "$restore" "$work/snap" -- --
same "restore NAME -- -- (one argument, --)" "$work/cold.out" "$work/restored.out"
run "$work/cold.out" "$work/caller" "${CALLER[@]}" "$target" -x
run "$work/restored.out" "$work/caller" "${CALLER[@]}" "$restore" "$work/snap" -- -x
same "restore NAME -- -x" "$work/cold.out" "$work/restored.out"
compare "a -- after the first argument is kept" "$work/caller" :: a -- b

# ---- cwd ----------------------------------------------------------------------
mkdir -p "$work/other dir"
compare "a caller cwd other than the recorded one" "$work/other dir" :: x
grep -qx "getcwd: $work/other dir" "$work/restored.out" || fail "the instance's cwd is not the caller's"
compare "plain arguments, restore --pid-ns" "$work/caller" --pid-ns :: one two 'three four'
compare "1 MiB of arguments, restore --pid-ns" "$work/caller" --pid-ns :: "${big[@]}"
# A deleted caller cwd: both runs start in a directory removed just before.
gone_run() {
  local out=$1
  shift
  mkdir "$work/gone" && (cd "$work/gone" && rmdir "$work/gone" && exec timeout -k 5 60 "$@" </dev/null >"$out" 2>"$out.err")
  echo $? >"$out.rc"
}
gone_run "$work/cold.out" "${CALLER[@]}" "$target" in-gone
gone_run "$work/restored.out" "${CALLER[@]}" "$restore" "$work/snap" in-gone
same "a deleted caller cwd (the program runs in it, as a cold one would)" "$work/cold.out" "$work/restored.out"
grep -qx 'getcwd: failed: No such file or directory' "$work/restored.out" &&
    grep -qx "cwd: $work/gone (deleted)" "$work/restored.out" || fail "deleted cwd: $(grep cwd "$work/restored.out")"

# ---- environment ----------------------------------------------------------------
run "$work/cold.out" "$work/caller" "${CALLER[@]}" env INV_B=set INV_A=over INV_EMPTY= INV_C=1 INV_C=2 "$target" e1
run "$work/restored.out" "$work/caller" "${CALLER[@]}" "$restore" --env INV_B=set --env INV_A=over --env INV_EMPTY= \
    --env INV_C=1 --env INV_C=2 "$work/snap" e1
same "--env K=V (set in place or appended, in order, as env(1) K=V)" "$work/cold.out" "$work/restored.out"
grep -q '^environ: PATH=/usr/bin:/bin\\0HOME=/caller-home\\0INV_A=over\\0INV_C=2\\0INV_B=set\\0INV_EMPTY=\\0$' \
    "$work/restored.out" || fail "--env: environ is $(grep '^environ' "$work/restored.out")"
run "$work/cold.out" "$work/caller" "${CALLER[@]}" env INV_B=x "$target"
run "$work/restored.out" "$work/caller" "${CALLER[@]}" "$restore" --env INV_B=x "$work/snap"
same "--env alone is an invocation with zero arguments" "$work/cold.out" "$work/restored.out"
run "$work/cold.out" "$work/caller" env -i INV_B=only "$target" c1
run "$work/restored.out" "$work/caller" "${CALLER[@]}" "$restore" --env INV_B=only --clear-env "$work/snap" c1
same "--clear-env --env K=V" "$work/cold.out" "$work/restored.out"
run "$work/cold.out" "$work/caller" env -i "$target"
run "$work/restored.out" "$work/caller" "${CALLER[@]}" "$restore" --clear-env "$work/snap"
same "--clear-env alone (empty environment, zero arguments)" "$work/cold.out" "$work/restored.out"
grep -qx 'environ: ' "$work/restored.out" || fail "--clear-env: environ not empty"

# ---- -n 3: every instance the same invocation -------------------------------------
run "$work/cold.out" "$work/caller" "${CALLER[@]}" "$target" n1 '' n3
cat "$work/cold.out" "$work/cold.out" "$work/cold.out" >"$work/three.out"
cp "$work/cold.out.err" "$work/three.out.err" && cp "$work/cold.out.rc" "$work/three.out.rc"
: >"$work/n3.out"
(cd "$work/caller" && exec "${CALLER[@]}" "$restore" -n 3 "$work/snap" n1 '' n3 </dev/null >>"$work/n3.out" 2>"$work/n3.out.err")
echo $? >"$work/n3.out.rc"
# The three reports are identical but for the pids in nothing printed: as a whole, three cold ones.
same "-n 3 with an invocation (three identical reports)" "$work/three.out" "$work/n3.out"

# ---- a running instance, as ps and /proc show it ------------------------------------
# show_running OUT CMD...: CMD in the background with INV_HOLD; once it has
# reported, ps -o args= and /proc/PID/cmdline of it.
show_running() {
  local out=$1
  shift
  rm -f "$work/hold" "$work/held.out"
  (cd "$work/caller" && exec "${CALLER[@]}" INV_HOLD="$work/hold" "$@" </dev/null >"$work/held.out" 2>&1) &
  local pid=$! i
  for ((i = 0; i < 500; ++i)); do [[ -s $work/held.out ]] && break; sleep 0.01; done
  { ps -o args= -p "$pid"; od -An -c "/proc/$pid/cmdline"; readlink "/proc/$pid/cwd"; } >"$out" 2>&1
  touch "$work/hold"
  wait "$pid" || echo "exit $?" >>"$out"
}
show_running "$work/ps_cold" "$target" a 'b c' ''
show_running "$work/ps_restored" "$restore" "$work/snap" a 'b c' ''
cases=$((cases + 1))
cmp -s "$work/ps_cold" "$work/ps_restored" || { fail "ps and /proc/PID/cmdline of a running instance differ from a cold run's:"; diff "$work/ps_cold" "$work/ps_restored"; }
[[ $(head -n 1 "$work/ps_restored") == "$target a b c" ]] || fail "ps -o args= shows: $(head -n 1 "$work/ps_restored")"

# ---- --stop with an invocation --------------------------------------------------------
run "$work/cold.out" "$work/caller" "${CALLER[@]}" "$target" s1 s2
(cd "$work/caller" && exec "${CALLER[@]}" "$restore" --stop "$work/snap" s1 s2 </dev/null >"$work/stop.out" 2>"$work/stop.err") &
pid=$!
state=
for ((i = 0; i < 500; ++i)); do
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)
  [[ $state == T ]] && break
  sleep 0.01
done
cases=$((cases + 1))
if [[ $state != T ]]; then
  fail "--stop: the instance did not stop (state $state)"
  kill -KILL "$pid"
else
  [[ $(tr '\0' ' ' <"/proc/$pid/cmdline") == "$target s1 s2 " ]] || fail "--stop: the stopped instance's cmdline: $(tr '\0' ' ' <"/proc/$pid/cmdline")"
  kill -CONT "$pid"
fi
wait "$pid"; echo $? >"$work/stop.out.rc"
: >"$work/cold.out.err"; cp "$work/cold.out.err" "$work/stop.out.err.expected"
grep -q "^restore: instance $pid stopped at its snapshot point" "$work/stop.err" || fail "--stop: stderr $(head -c 300 "$work/stop.err")"
: >"$work/stop.out.err"
same "--stop, then continued" "$work/cold.out" "$work/stop.out"

# ---- an invocation needs no recorded cwd; without one it is still checked ------------------
mkdir "$work/rec2"
(cd "$work/rec2" && "${REC_ENV[@]}" "$ptracer" -o "$work/snap2" "$target" </dev/null >/dev/null 2>/dev/null)
rmdir "$work/rec2"
run "$work/cold.out" "$work/caller" "${CALLER[@]}" "$target" y
run "$work/restored.out" "$work/caller" "${CALLER[@]}" "$restore" "$work/snap2" y
same "an invocation of a snapshot whose recorded cwd is gone" "$work/cold.out" "$work/restored.out"

# ---- refusals and usage errors: exact line, exit code, nothing on stdout ---------------------
# refused CODE LINE ARGS...
refused() {
  local code=$1 line=$2 status=0
  shift 2
  cases=$((cases + 1))
  (cd "$work/caller" && exec timeout -k 5 30 "$restore" "$@" </dev/null >"$work/u.out" 2>"$work/u.err") || status=$?
  [[ $status == "$code" && $(cat "$work/u.err") == "$line" && ! -s $work/u.out ]] ||
      fail "restore $*: exit $status, stderr '$(head -c 300 "$work/u.err")', stdout $(wc -c <"$work/u.out") bytes; expected exit $code and '$line'"
}
refused 2 "restore: --env needs a value; see restore --help" --env
refused 2 "restore: --env needs K=V, not FOO; see restore --help" --env FOO "$work/snap" a
refused 2 "restore: --env needs K=V, not =v; see restore --help" --env =v "$work/snap"
refused 2 "restore: --env needs K=V, not ; see restore --help" --env '' "$work/snap"
refused 2 "restore: no snapshot NAME given; see restore --help" --clear-env
refused 2 "restore: no snapshot NAME given; see restore --help" --env K=V -n 2
refused 2 "restore: unknown option --bogus; see restore --help" -n 3 --bogus "$work/snap" a
refused 2 "restore: empty snapshot NAME; see restore --help" "" a b
refused 2 "restore: --pid-ns cannot be combined with --stop; see restore --help" --stop --pid-ns "$work/snap" a
refused 1 "restore: nosuch.info: No such file or directory" nosuch a b
refused 1 "restore: cwd $work/rec2: No such file or directory" "$work/snap2"
cases=$((cases + 1))
"$restore" --help >"$work/help.out" 2>&1
[[ $(head -n 2 "$work/help.out") == "usage: restore [--verify] [--populate] [--no-learned] [--learned-reads] [--anon=exact|mapped]
               [--stop] [--trust] [--pid-ns] [-n N] [--env K=V]... [--clear-env] NAME [--] [ARGS...]" ]] || fail "--help: $(head -n 2 "$work/help.out")"

echo "$cases cases"
t_result
