#!/bin/bash
# One corpus case: a real program run cold and restored from a snapshot,
# compared byte for byte.
#
# usage: run_corpus_case.sh [OPTIONS] PTRACER RESTORE WORKDIR STDIN_FILE -- PROG ARGS...
#   --expect-trigger RE  ptracer's summary line must match the extended regex
#                        RE (where the snapshot was taken); default: any
#   --expect-exit N      the cold runs must exit with N (default 0)
#   --ptracer-arg ARG    pass ARG to ptracer before -o (repeatable)
#   --timeout SECONDS    per run (default 300)
#   --concurrent N       after the three restores, start N more at once
#                        (each must also match the cold run)
#   --restore-arg ARG    pass ARG to every restore before the snapshot name
#                        (repeatable), e.g. --pid-ns
#
# Steps, all with WORKDIR as working directory and stdin from STDIN_FILE:
#   1. three cold runs of PROG ARGS; they must agree with each other (else
#      the case itself is not deterministic) and exit with the expected code;
#   2. `PTRACER -o WORKDIR/snap PROG ARGS` must write the snapshot;
#   3. three `RESTORE WORKDIR/snap`: stdout, stderr and exit status must
#      equal the cold run's byte for byte; with --concurrent N, then N
#      restores running side by side, likewise.
# Prints one line per step, a unified diff on any mismatch, and
#   TIMES cold_ms=M restore_ms=N
# (medians of the three wall times of each kind). Exits 0 when all matched.
# A missing PROG is a failure, not a skip: run ./make.sh to install it.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

expect_trigger=
expect_exit=0
timeout_s=300
ptracer_args=()
restore_args=()
concurrent=0
while [[ $# -gt 0 && $1 == --?* ]]; do
  case $1 in
    --expect-trigger) expect_trigger=$2; shift 2 ;;
    --expect-exit) expect_exit=$2; shift 2 ;;
    --ptracer-arg) ptracer_args+=("$2"); shift 2 ;;
    --timeout) timeout_s=$2; shift 2 ;;
    --concurrent) concurrent=$2; shift 2 ;;
    --restore-arg) restore_args+=("$2"); shift 2 ;;
    *) echo "run_corpus_case.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
if [[ $# -lt 6 || $5 != -- ]]; then
  echo "usage: run_corpus_case.sh [OPTIONS] PTRACER RESTORE WORKDIR STDIN_FILE -- PROG ARGS..." >&2
  exit 2
fi
ptracer=$(realpath "$1")
restore=$(realpath "$2")
workdir=$3
stdin_file=$(realpath "$4")
shift 5
prog=$1
shift
args=("$@")

if ! command -v "$prog" >/dev/null 2>&1; then
  echo "FAIL: $prog is not installed: run ./make.sh (it installs the corpus's Debian packages)"
  exit 1
fi
if [[ ! -r $stdin_file ]]; then
  echo "FAIL: stdin file $stdin_file is not readable"
  exit 1
fi
[[ $prog == */* ]] && prog=$(realpath "$prog")

mkdir -p "$workdir"
workdir=$(realpath "$workdir")
cd "$workdir" || exit 1
rm -f snap.info snap.pages cold[0-9].* record.* restore[0-9].* concurrent[0-9]*.*


# run NAME CMD...: NAME.out, NAME.err, NAME.status (124 = timed out,
# 128+N = killed by signal N), NAME.ms (wall time).
run() {
  local name=$1 status=0 t0 t1
  shift
  t0=$(date +%s%N)
  timeout -k 5 "$timeout_s" "$@" <"$stdin_file" >"$name.out" 2>"$name.err" || status=$?
  t1=$(date +%s%N)
  echo "$status" >"$name.status"
  echo $(( (t1 - t0) / 1000000 )) >"$name.ms"
}

describe_status() {
  case $1 in
    124) echo "timed out after ${timeout_s}s" ;;
    *) if (( $1 > 128 )); then echo "killed by signal $(( $1 - 128 ))"; else echo "exit $1"; fi ;;
  esac
}

show_file() {  # LABEL FILE
  echo "  --- $1 ($(wc -c <"$2") bytes):"
  head -c 4000 "$2" | head -n 30 | sed 's/^/  | /'
}

# compare REF NAME: prints problems of NAME against REF; status 1 if any.
compare() {
  local ref=$1 name=$2 problems=() stream
  cmp -s "$ref.out" "$name.out" || problems+=("stdout differs")
  cmp -s "$ref.err" "$name.err" || problems+=("stderr differs")
  [[ $(<"$ref.status") == $(<"$name.status") ]] ||
    problems+=("$(describe_status "$(<"$name.status")") instead of $(describe_status "$(<"$ref.status")")")
  [[ ${#problems[@]} -eq 0 ]] && return 0
  local joined
  joined=$(printf '%s; ' "${problems[@]}")
  fail "$name: ${joined%; }"
  for stream in out err; do
    if ! cmp -s "$ref.$stream" "$name.$stream"; then
      echo "  --- diff $ref.$stream $name.$stream:"
      diff -u --label "$ref std$stream" --label "$name std$stream" \
          "$ref.$stream" "$name.$stream" | head -n 60 | sed 's/^/  | /'
    fi
  done
  return 1
}

median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }

# 1. Cold runs.
for i in 1 2 3; do
  run "cold$i" "$prog" "${args[@]}"
done
cold_status=$(<cold1.status)
echo "cold: $(describe_status "$cold_status"), stdout $(wc -c <cold1.out) bytes, stderr $(wc -c <cold1.err) bytes"
if [[ $cold_status != "$expect_exit" ]]; then
  fail "cold run: expected exit $expect_exit, got $(describe_status "$cold_status")"
  show_file "cold stdout" cold1.out
  show_file "cold stderr" cold1.err
  exit 1
fi
for i in 2 3; do
  compare cold1 "cold$i" || echo "  (the case is not deterministic cold: fix the script, not restore)"
done
[[ $failed == 0 ]] || { echo "RESULT: FAIL ($workdir)"; exit 1; }

# 2. Record.
run record "$ptracer" "${ptracer_args[@]}" -o "$workdir/snap" "$prog" "${args[@]}"
record_status=$(<record.status)
summary=$(grep '^ptracer: snapshot' record.err | tail -n 1)
echo "record: $(describe_status "$record_status"): ${summary:-$(tail -n 1 record.err)}"
if [[ $record_status != 0 || ! -f snap.info || ! -f snap.pages ]]; then
  fail "ptracer: $(describe_status "$record_status"), no snapshot"
  show_file "ptracer stderr" record.err
  exit 1
fi
if [[ -n $expect_trigger ]] && ! grep -Eq -- "$expect_trigger" <<<"$summary"; then
  fail "snapshot point: ptracer's summary does not match /$expect_trigger/"
fi

# 3. Restores.
for i in 1 2 3; do
  run "restore$i" "$restore" "${restore_args[@]}" "$workdir/snap"
  if compare cold1 "restore$i"; then
    echo "restore $i: ok ($(describe_status "$(<"restore$i.status")"), output identical)"
  fi
done

# 4. Concurrent restores: N instances of the same snapshot at once.
if (( concurrent > 0 )); then
  for ((i = 1; i <= concurrent; i++)); do
    run "concurrent$i" "$restore" "${restore_args[@]}" "$workdir/snap" &
  done
  wait
  ok=0
  for ((i = 1; i <= concurrent; i++)); do
    compare cold1 "concurrent$i" && ok=$((ok + 1))
  done
  echo "concurrent: $ok of $concurrent restores running at once matched"
fi

echo "TIMES cold_ms=$(median $(cat cold[1-3].ms)) restore_ms=$(median $(cat restore[1-3].ms))"
if [[ $failed != 0 ]]; then
  echo "RESULT: FAIL ($workdir)"
  exit 1
fi
echo "RESULT: ok"
