#!/bin/bash
# Records a program, restores it three times and compares each restored
# run with a cold run: stdout, stderr and exit status must be identical.
#
# usage: run_target.sh [OPTIONS] PTRACER RESTORE WORKDIR PROG ARGS...
#   --ptracer-arg ARG   pass ARG to ptracer before -o (repeatable), e.g.
#                       --ptracer-arg --at --ptracer-arg sched_yield
#   --expect-exit N     the cold run must exit with N (default 0): a target
#                       that fails cold would otherwise "pass" by failing
#                       the same way restored
#   --expect-trigger RE ptracer's stderr must match the extended regex RE
#                       (e.g. the checkpoint marker's syscall name)
#   --restore-arg ARG   pass ARG to each of the three restores before the
#                       snapshot name (repeatable), e.g. --anon=exact; with
#                       `-n N` each restore runs N instances, whose output
#                       lines (sorted) must be N times the cold run's and
#                       whose status is 0 if the cold run's was 0, else 1
#   --differs-with ARG  one more restore with ARG (repeatable: one restore
#                       with all of them) whose stdout or exit status must
#                       differ from the cold run's: a documented difference
#                       of that mode, asserted so that it cannot vanish
#                       unnoticed (then the documentation is wrong)
#   --default-differs   the same for a restore without --restore-arg's: the
#                       default mode differs (the target's restores choose
#                       the exact mode with --restore-arg)
#   --learn SNAPINFO    train the snapshot once (`SNAPINFO learn`, restore
#                       --no-learned under it) before the three restores,
#                       which then prefault its learned working set: the
#                       training run's stdout and stderr (less snapinfo's
#                       summary, its last line) must equal the cold run's,
#                       and snapinfo must show the set; trained with the
#                       --restore-arg options but -n
#   --timeout SECONDS   per run (default 120)
#   --stdin FILE        every run's stdin (default /dev/null)
#   --record-stdin FILE the recording's stdin instead (e.g. /dev/null: the
#                       program is snapshotted before it reads)
#   --record-to-pipe    the recording's stdout and stderr a pipe, as under a
#                       supervisor (a stream the program sets up on them
#                       before the snapshot point must not stop it)
#   --cold-runs N       N cold runs, which must agree with each other (else
#                       the case itself is not deterministic; default 1)
#   --concurrent N      after the three restores, N more running at once,
#                       each of which must equal the cold run too
#   --pipe-restore      then one more restore whose stdout is a pipe (the
#                       instance creates its stdout stream after the
#                       snapshot point, for its own fd 1)
#
# Steps: 1. cold run of PROG ARGS; 2. `PTRACER -o WORKDIR/snap PROG ARGS`,
# which must exit 0 and leave WORKDIR/snap.info and snap.pages, mode 0600;
# 3. three times `RESTORE WORKDIR/snap`. Every run has WORKDIR as its
# working directory. Prints one line per step; on a mismatch shows the
# diff; then `TIMES cold_ms=M restore_ms=N`, the median wall times of the
# cold runs and of the three restores. Exit status 0 when everything
# matched. A PROG that is not installed is a failure (run ./make.sh), not
# a skip.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

ptracer_args=()
restore_args=()
differs_args=()
differs=0
expect_exit=0
expect_trigger=
timeout_s=120
snapinfo=
stdin_file=/dev/null
record_stdin=
record_to_pipe=0
cold_runs=1
concurrent=0
pipe_restore=0
while [[ $# -gt 0 && $1 == --* ]]; do
  case $1 in
    --ptracer-arg) ptracer_args+=("$2"); shift 2 ;;
    --restore-arg) restore_args+=("$2"); shift 2 ;;
    --differs-with) differs_args+=("$2"); differs=1; shift 2 ;;
    --default-differs) differs=1; shift ;;
    --expect-exit) expect_exit=$2; shift 2 ;;
    --expect-trigger) expect_trigger=$2; shift 2 ;;
    --timeout) timeout_s=$2; shift 2 ;;
    --learn) snapinfo=$(realpath "$2"); shift 2 ;;
    --stdin) stdin_file=$(realpath "$2"); shift 2 ;;
    --record-stdin) record_stdin=$(realpath "$2"); shift 2 ;;
    --record-to-pipe) record_to_pipe=1; shift ;;
    --cold-runs) cold_runs=$2; shift 2 ;;
    --concurrent) concurrent=$2; shift 2 ;;
    --pipe-restore) pipe_restore=1; shift ;;
    --) shift; break ;;
    *) echo "run_target.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
if [[ $# -lt 4 ]]; then
  echo "usage: run_target.sh [OPTIONS] PTRACER RESTORE WORKDIR PROG ARGS..." >&2
  exit 2
fi
ptracer=$(realpath "$1")
restore=$(realpath "$2")
workdir=$3
shift 3
prog=$1
if ! command -v "$prog" >/dev/null 2>&1; then
  echo "FAIL: $prog is not installed: run ./make.sh (it installs the packages the tests run)"
  exit 1
fi
if [[ ! -r $stdin_file ]]; then
  echo "FAIL: stdin file $stdin_file is not readable"
  exit 1
fi
# An explicit path is made absolute (runs happen in WORKDIR); a bare name
# is left to PATH lookup.
[[ $prog == */* ]] && prog=$(realpath "$prog")
shift
args=("$@")

mkdir -p "$workdir"
workdir=$(realpath "$workdir")
cd "$workdir"
rm -f snap.info snap.pages cold.* cold[0-9].* cold.n.* record.* restore[0-9].* differs.* learn.* \
    concurrent[0-9]*.* pipe.*


# run NAME CMD...: runs CMD with a timeout, stdin from $stdin_file (or
# $run_stdin), output to NAME.out/NAME.err, status to NAME.status (124 =
# timed out, 128+N = killed by signal N), wall time to NAME.ms.
run() {
  local name=$1
  shift
  local status=0 t0 t1
  t0=$(date +%s%N)
  # Without the fds above 2 that the test harness may leak (ctest's own):
  # every run, cold, recorded and restored, starts with 0-2 only, so fd
  # numbers match and a restored fd can land directly on its number.
  (
    for fd in /proc/$BASHPID/fd/*; do
      fd=${fd##*/}
      (( fd > 2 )) && eval "exec $fd>&-"
    done
    exec timeout -k 5 "$timeout_s" "$@" <"${run_stdin:-$stdin_file}" >"$name.out" 2>"$name.err"
  ) || status=$?
  t1=$(date +%s%N)
  echo "$status" >"$name.status"
  echo $(( (t1 - t0) / 1000000 )) >"$name.ms"
  return 0
}

# compare REF NAME: fails with NAME's differences from REF (stdout, stderr,
# status) and shows the diffs; status 1 if any.
compare() {
  local ref=$1 name=$2 problems=() stream joined
  cmp -s "$ref.out" "$name.out" || problems+=("stdout differs")
  cmp -s "$ref.err" "$name.err" || problems+=("stderr differs")
  [[ $(<"$ref.status") == $(<"$name.status") ]] ||
    problems+=("$(describe_status "$(<"$name.status")") instead of $(describe_status "$(<"$ref.status")")")
  [[ ${#problems[@]} -eq 0 ]] && return 0
  joined=$(printf '%s; ' "${problems[@]}")
  fail "$name: ${joined%; }"
  for stream in out err; do
    if ! cmp -s "$ref.$stream" "$name.$stream"; then
      echo "  --- diff $ref.$stream $name.$stream:"
      diff -u --label "$ref std$stream" --label "$name std$stream" \
          "$ref.$stream" "$name.$stream" | head -n 40 | sed 's/^/  | /' || true
    fi
  done
  return 1
}

median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }

describe_status() {
  case $1 in
    124) echo "timed out after ${timeout_s}s" ;;
    *) if (( $1 > 128 )); then echo "killed by signal $(( $1 - 128 ))"; else echo "exit $1"; fi ;;
  esac
}

show_file() {  # show_file LABEL FILE: the first lines of a file, indented
  echo "  --- $1 ($(wc -c <"$2") bytes):"
  head -c 4000 "$2" | head -n 30 | sed 's/^/  | /'
}

# 1. Cold run (cold.*), and with --cold-runs N the others (cold2.*...),
# which must agree with it.
run cold "$prog" "${args[@]}"
cold_status=$(<cold.status)
for (( i = 2; i <= cold_runs; i++ )); do
  run "cold$i" "$prog" "${args[@]}"
done
echo "cold: $(describe_status "$cold_status"), stdout $(wc -c <cold.out) bytes, stderr $(wc -c <cold.err) bytes"
if [[ $cold_status != "$expect_exit" ]]; then
  fail "cold run: expected exit $expect_exit, got $(describe_status "$cold_status")"
  show_file "cold stdout" cold.out
  show_file "cold stderr" cold.err
  exit 1
fi
for (( i = 2; i <= cold_runs; i++ )); do
  compare cold "cold$i" || echo "  (the case is not deterministic cold: fix the case, not restore)"
done
if [[ $failed != 0 ]]; then
  echo "RESULT: FAIL ($workdir)"
  exit 1
fi

# 2. Record (through a pipe with --record-to-pipe: record.err is then
# empty and record.out holds both streams).
if [[ $record_to_pipe == 1 ]]; then
  run_stdin=$record_stdin run record bash -o pipefail -c '"$@" 2>&1 | cat' _ \
      "$ptracer" "${ptracer_args[@]}" -o "$workdir/snap" "$prog" "${args[@]}"
  mv record.out record.err
  : >record.out
else
  run_stdin=$record_stdin run record "$ptracer" "${ptracer_args[@]}" -o "$workdir/snap" "$prog" "${args[@]}"
fi
record_status=$(<record.status)
# ptracer's summary line, from its "ptracer: snapshot" on (a program whose
# stderr does not end in a newline puts it mid-line).
summary=$(grep -o 'ptracer: snapshot .*' record.err | tail -n 1 || true)
echo "record: $(describe_status "$record_status"): ${summary:-$(tail -n 1 record.err)}"
if [[ $record_status != 0 ]]; then
  fail "ptracer: $(describe_status "$record_status")"
  show_file "ptracer stderr" record.err
  exit 1
fi
for f in snap.info snap.pages; do
  if [[ ! -f $f ]]; then
    fail "ptracer exited 0 but wrote no $f"
    exit 1
  fi
  mode=$(stat -c %a "$f")
  [[ $mode == 600 ]] || fail "$f has mode $mode, not 600"
done
# The trigger is looked for in ptracer's summary line only: the program's
# stderr (recorded too) cannot satisfy it.
if [[ -n $expect_trigger ]] && ! grep -Eq -- "$expect_trigger" <<<"$summary"; then
  fail "ptracer's summary line does not match /$expect_trigger/ (snapshot taken elsewhere?)"
  show_file "ptracer stderr" record.err
fi

# 2b. Train (--learn): one restore under snapinfo learn, which must give
# the cold run's output, then store a learned set snapinfo shows.
if [[ -n $snapinfo ]]; then
  # Trained in the restores' mode (--anon=exact...), one instance.
  learn_args=()
  for (( k = 0; k < ${#restore_args[@]}; k++ )); do
    if [[ ${restore_args[k]} == -n ]]; then k=$((k + 1)); else learn_args+=("${restore_args[k]}"); fi
  done
  run learn "$snapinfo" learn --restore "$restore" "${learn_args[@]}" "$workdir/snap"
  status=$(<learn.status)
  summary=$(tail -n 1 learn.err)
  head -n -1 learn.err >learn.job.err
  if [[ $status != 0 || $summary != "snapinfo learn: "* ]]; then
    fail "snapinfo learn: $(describe_status "$status")"
    show_file "snapinfo learn stderr" learn.err
    exit 1
  fi
  cmp -s cold.out learn.out || fail "the training run's stdout differs from the cold run's"
  cmp -s cold.err learn.job.err || fail "the training run's stderr differs from the cold run's"
  "$snapinfo" "$workdir/snap" >learn.report 2>&1 || fail "snapinfo after learning: $(tail -n 1 learn.report)"
  grep -Eq "learned working set: [0-9]+ pages written, [0-9]+ read, from 1 training run " learn.report ||
    fail "snapinfo does not show the learned set: $(grep 'learned working set' learn.report)"
  echo "learn: ${summary#snapinfo learn: }"
fi

# 3. Restore three times. With -n N the instances' lines interleave: the
# sorted output is compared with N copies of the cold run's, sorted.
instances=1
for (( k = 0; k + 1 < ${#restore_args[@]}; k++ )); do
  [[ ${restore_args[k]} == -n ]] && instances=${restore_args[k + 1]}
done
# The reference the restores are compared with: the cold run, or its
# output N times over, sorted, as cold.n.* (status 0 if the cold run's was
# 0, else 1).
ref=cold
if (( instances > 1 )); then
  for stream in out err; do
    for (( k = 0; k < instances; k++ )); do cat "cold.$stream"; done | sort >"cold.n.$stream"
  done
  (( cold_status == 0 )) && echo 0 >cold.n.status || echo 1 >cold.n.status
  ref=cold.n
fi
for i in 1 2 3; do
  run "restore$i" "$restore" "${restore_args[@]}" "$workdir/snap"
  name=restore$i
  if (( instances > 1 )); then
    for stream in out err; do sort "restore$i.$stream" >"restore$i.n.$stream"; done
    cp "restore$i.status" "restore$i.n.status"
    name=restore$i.n
  fi
  compare "$ref" "$name" && echo "restore $i: ok ($(describe_status "$(<"restore$i.status")"), output identical)"
done

# 3b. --concurrent N: N more restores at once; --pipe-restore: one whose
# stdout is a pipe.
if (( concurrent > 0 )); then
  for (( i = 1; i <= concurrent; i++ )); do
    run "concurrent$i" "$restore" "${restore_args[@]}" "$workdir/snap" &
  done
  wait
  ok=0
  for (( i = 1; i <= concurrent; i++ )); do
    compare cold "concurrent$i" && ok=$((ok + 1))
  done
  echo "concurrent: $ok of $concurrent restores running at once matched"
fi
if [[ $pipe_restore == 1 ]]; then
  run pipe bash -o pipefail -c '"$@" | cat' _ "$restore" "${restore_args[@]}" "$workdir/snap"
  compare cold pipe && echo "restore into a pipe: ok, output identical"
fi

# 4. The documented difference of another mode.
if [[ $differs == 1 ]]; then
  mode=${differs_args[*]:-(the default)}
  run differs "$restore" "${differs_args[@]}" "$workdir/snap"
  status=$(<differs.status)
  if cmp -s cold.out differs.out && [[ $status == "$cold_status" ]]; then
    fail "restore $mode: output and status equal the cold run's, but this mode is documented to differ"
  elif (( status > 128 )) || grep -q '^restore: ' differs.err; then
    # Differing by a refusal or a crash is not the documented difference.
    fail "restore $mode: $(describe_status "$status") instead of running to its own result"
    show_file "stderr" differs.err
  else
    echo "restore $mode: differs from the cold run, as documented ($(describe_status "$status"))"
    diff -u --label "cold stdout" --label "restore $mode stdout" cold.out differs.out |
        head -n 20 | sed 's/^/  | /' || true
  fi
fi

echo "TIMES cold_ms=$(median $(cat cold.ms cold[0-9].ms 2>/dev/null)) restore_ms=$(median $(cat restore[1-3].ms))"
if [[ $failed != 0 ]]; then
  echo "RESULT: FAIL ($workdir)"
  exit 1
fi
echo "RESULT: ok"
