# Sourced by the test scripts: what every one of them used to write out
# itself. A script starts with
#   source "$(dirname "$0")/../lib/common.sh"
#   t_usage 4 "PTRACER RESTORE WORKDIR PROG" "$@"
#   ptracer=$1 restore=$2 workdir=$3 prog=$4
#   t_workdir "$workdir"
# reports each problem with `fail MESSAGE` (the script goes on, so one run
# shows every problem) and ends with `t_result`, which prints the RESULT
# line ctest's log is read for and exits 1 if anything failed.
#
# The helpers that run programs (t_run, t_record, t_restores_match,
# t_expect_error) give every run stdin from /dev/null unless told
# otherwise, and leave NAME.out, NAME.err and NAME.status in the working
# directory for the script's own checks.

failed=0

# fail MESSAGE...: one FAIL line; the script carries on.
fail() {
  echo "FAIL: $*"
  failed=1
}

# t_abort MESSAGE...: for a script that keeps live processes (their pids
# in the array `pids`): one FAIL line on stderr, the head of every
# non-empty *.err and *.out, the processes killed, exit 1 -- a live target
# must not outlive the check that failed.
t_abort() {
  echo "FAIL: $*" >&2
  local f p
  for f in *.err *.out; do [[ -s $f ]] && { echo "--- $f" >&2; head -50 "$f" >&2; }; done
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  exit 1
}

# t_usage COUNT "WORDS" ARGS...: exit 2 with "usage: SCRIPT WORDS" unless
# exactly COUNT arguments were given (at least COUNT when WORDS ends in
# "...").
t_usage() {
  local count=$1 words=$2
  shift 2
  (( $# == count )) && return 0
  [[ $words == *... ]] && (( $# >= count )) && return 0
  echo "usage: $(basename "$0") $words" >&2
  exit 2
}

# t_workdir DIR [SUBDIR...]: DIR made afresh (with SUBDIRs), entered, and
# its absolute path in $workdir: runs happen there, and nothing a previous
# run left can make this one pass.
t_workdir() {
  local dir=$1
  shift
  rm -rf "$dir" && mkdir -p "$dir" || exit 1
  local sub
  for sub in "$@"; do mkdir -p "$dir/$sub" || exit 1; done
  cd "$dir" || exit 1
  workdir=$(pwd)
}

# t_result [NOTE]: "RESULT: ok [NOTE]" and exit 0, or "RESULT: FAIL" and
# exit 1.
t_result() {
  if [[ $failed == 0 ]]; then
    echo "RESULT: ok${1:+ $1}"
    exit 0
  fi
  echo "RESULT: FAIL ($PWD)"
  exit 1
}

# t_run NAME CMD...: CMD with stdin from /dev/null (or from $T_STDIN),
# stdout to NAME.out, stderr to NAME.err, exit status to NAME.status and
# $t_status. Never fails the script itself.
t_run() {
  local name=$1
  shift
  t_status=0
  "$@" <"${T_STDIN:-/dev/null}" >"$name.out" 2>"$name.err" || t_status=$?
  echo "$t_status" >"$name.status"
}

# t_record SNAP CMD...: `$ptracer -o SNAP CMD...`, output in SNAP.rec.out
# and SNAP.rec.err. A failed recording is reported with ptracer's last line
# and returns 1, so that `t_record ... || t_result` ends the script.
t_record() {
  local snap=$1
  shift
  t_run "$snap.rec" "$ptracer" -o "$snap" "$@"
  if [[ $t_status != 0 ]]; then
    fail "recording $snap: ptracer exited $t_status: $(tail -n 1 "$snap.rec.err")"
    return 1
  fi
}

# t_restores_match COLD SNAP COUNT [RESTORE-ARGS...]: COUNT restores of
# SNAP (named SNAP.r1, SNAP.r2...), each of whose stdout, stderr and exit
# status must equal the run COLD's (COLD.out, COLD.err, COLD.status) byte
# for byte. Returns 1 if any differed.
t_restores_match() {
  local cold=$1 snap=$2 count=$3 i ok=0
  shift 3
  local want
  want=$(<"$cold.status")
  for (( i = 1; i <= count; i++ )); do
    t_run "$snap.r$i" "$restore" "$@" "$snap"
    local problems=()
    cmp -s "$cold.out" "$snap.r$i.out" || problems+=("stdout differs")
    cmp -s "$cold.err" "$snap.r$i.err" || problems+=("stderr differs")
    [[ $t_status == "$want" ]] || problems+=("exit $t_status, cold $want")
    if (( ${#problems[@]} )); then
      local joined
      joined=$(printf '%s; ' "${problems[@]}")
      fail "restore $i of $snap: ${joined%; } (stderr: $(head -c 300 "$snap.r$i.err"))"
      ok=1
    fi
  done
  return $ok
}

# t_expect_error NAME STATUS LINE CMD...: CMD must exit STATUS with exactly
# LINE on stderr (one line: the tools' `tool: what: why`) and nothing on
# stdout (a refused restore runs none of the program). LINE may be an
# extended regex when it starts with ~ (`~^restore: .*: refused$`).
t_expect_error() {
  local name=$1 want=$2 line=$3
  shift 3
  t_run "$name" "$@"
  local got
  got=$(<"$name.err")
  [[ $t_status == "$want" ]] || fail "$name: exit $t_status, expected $want (stderr: $got)"
  [[ ! -s $name.out ]] || fail "$name: output on stdout: $(head -c 200 "$name.out")"
  if [[ $line == '~'* ]]; then
    [[ $got =~ ${line#\~} && $(wc -l <"$name.err") == 1 ]] ||
      fail "$name: stderr is not one line matching /${line#\~}/: $got"
  else
    [[ $got == "$line" ]] || fail "$name: stderr is '$got', expected '$line'"
  fi
}

# The user another user's attack is tried as.
T_NOBODY=(setpriv --reuid=nobody --regid=nogroup --clear-groups)

# t_as_nobody CMD...: CMD as nobody:nogroup without supplementary groups.
t_as_nobody() {
  "${T_NOBODY[@]}" "$@"
}

# t_need_nobody: exit 77 (skipped, saying why) unless this script can run
# programs as nobody, i.e. it runs as root with setpriv.
t_need_nobody() {
  local why
  if ! why=$(t_as_nobody true 2>&1); then
    echo "SKIP: cannot run as nobody: ${why:-setpriv failed}"
    exit 77
  fi
}
