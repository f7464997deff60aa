#!/usr/bin/env bash
# restore's refusals name the fd or path and the errno's text, in one line,
# exit 1, before anything of the program runs (nothing on stdout): an fd at
# or above the caller's RLIMIT_NOFILE, a cwd that is gone or not a
# directory, a NAME whose path fails with an errno (ENOTDIR, ELOOP,
# ENAMETOOLONG), a snapshot or program on a noexec mount.
# usage: restore_errors_test.sh PTRACER RESTORE WORKDIR PROBE
# The noexec cases need tmpfs mounts (root): skipped (77) with a reason if
# they cannot be made and everything else passed.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
ptracer=$1 restore=$2 workdir=$3 probe=$4
for m in "$workdir"/noexec "$workdir"/exec; do mountpoint -q "$m" 2>/dev/null && umount "$m"; done
t_workdir "$workdir"

record() {  # record NAME ARGS...: in the current directory
  local name=$1; shift
  "$ptracer" -o "$workdir/$name" "$probe" "$@" </dev/null >"$workdir/$name.rec.out" 2>"$workdir/$name.rec.err" ||
      fail "record $name: $(tail -n 2 "$workdir/$name.rec.err")"
}
# expect_refused WHAT LINE RESTORE-COMMAND...: exit 1, LINE alone on
# stderr, nothing on stdout.
expect_refused() {
  local what=$1 line=$2 status=0; shift 2
  "$@" </dev/null >refused.out 2>refused.err || status=$?
  echo "$what: exit $status: $(head -c 300 refused.err)"
  [[ $status == 1 ]] || fail "$what: exit $status, not 1"
  [[ ! -s refused.out ]] || fail "$what: the program ran: $(head -c 200 refused.out)"
  [[ $(cat refused.err) == "$line" ]] || fail "$what: stderr is not exactly: $line"
}
expect_restored() {
  local what=$1 status=0; shift
  "$@" </dev/null >restored.out 2>restored.err || status=$?
  [[ $status == 0 && $(tail -n 1 restored.out) == restored ]] ||
      fail "$what: exit $status, stdout $(head -c 200 restored.out), stderr $(head -c 200 restored.err)"
}

# An fd the caller's RLIMIT_NOFILE does not allow (a cold run under that
# limit could not have it): refused by number before anything irreversible.
record fd50 fd 50
expect_refused "fd 50 under RLIMIT_NOFILE 40" "restore: fd 50: above the caller's RLIMIT_NOFILE (40)" \
    prlimit --nofile=40:100 "$restore" "$workdir/fd50"
expect_refused "fd 50 under RLIMIT_NOFILE 50" "restore: fd 50: above the caller's RLIMIT_NOFILE (50)" \
    prlimit --nofile=50:50 "$restore" "$workdir/fd50"
expect_restored "fd 50 under RLIMIT_NOFILE 51" prlimit --nofile=51:51 "$restore" "$workdir/fd50"
expect_refused "fd 50 with -n 2 under RLIMIT_NOFILE 40" "restore: fd 50: above the caller's RLIMIT_NOFILE (40)" \
    prlimit --nofile=40:100 "$restore" -n 2 "$workdir/fd50"

# The working directory: removed since, replaced by a file, or already
# deleted when the snapshot was recorded.
mkdir gone file-now
(cd gone && record gone)
(cd file-now && record file_now)
rmdir gone file-now && touch file-now
expect_refused "cwd removed" "restore: cwd $workdir/gone: No such file or directory" "$restore" "$workdir/gone"
expect_refused "cwd now a file" "restore: cwd $workdir/file-now: Not a directory" "$restore" "$workdir/file_now"
mkdir deleted
(cd deleted && rmdir "$workdir/deleted" && record deleted)
expect_refused "cwd deleted before recording" "restore: cwd $workdir/deleted (deleted): No such file or directory" \
    "$restore" "$workdir/deleted"

# errnos the old table printed as numbers.
touch plain-file
expect_refused "NAME under a file (ENOTDIR)" "restore: $workdir/plain-file/x.info: Not a directory" \
    "$restore" "$workdir/plain-file/x"
ln -s loop.info loop.info
expect_refused "NAME.info a symlink loop (ELOOP)" "restore: $workdir/loop.info: Too many levels of symbolic links" \
    "$restore" "$workdir/loop"
long=$(printf 'x%.0s' {1..300})
expect_refused "a 300-byte file name (ENAMETOOLONG)" "restore: $workdir/$long.info: File name too long" \
    "$restore" "$workdir/$long"

# noexec mounts (tmpfs; root): mmap refuses PROT_EXEC from them (EPERM),
# which restore would only meet past undoing. A snapshot there whose
# NAME.pages holds executable pages (code written at run time), and a
# program file there, are refused by path (but restored with --anon=exact,
# which maps nothing from NAME.pages); a snapshot there without executable
# pages restores.
mkdir -p noexec exec
if mount -t tmpfs -o size=16m,mode=0755,noexec snappy-noexec "$workdir/noexec" 2>mount.err &&
   mount -t tmpfs -o size=16m,mode=0755 snappy-exec "$workdir/exec" 2>>mount.err; then
  trap 'cd / && umount "$workdir/noexec" "$workdir/exec" 2>/dev/null' EXIT
  record noexec/jit jit
  expect_refused "executable pages on a noexec mount" \
      "restore: $workdir/noexec/jit.pages: on a noexec mount (the snapshot's executable pages cannot be mapped from there)" \
      "$restore" "$workdir/noexec/jit"
  cp noexec/jit.info noexec/jit.pages . && expect_restored "the same snapshot elsewhere" "$restore" "$workdir/jit"
  [[ $(head -n 1 restored.out) == "jit 42" ]] || fail "the code written at run time did not run: $(cat restored.out)"
  # --anon=exact reads those pages into anonymous memory: nothing is mapped
  # executable from NAME.pages, so the mount does not matter.
  expect_restored "executable pages on a noexec mount, --anon=exact" "$restore" --anon=exact "$workdir/noexec/jit"
  [[ $(head -n 1 restored.out) == "jit 42" ]] || fail "--anon=exact: the code written at run time did not run: $(cat restored.out)"
  record noexec/plain
  expect_restored "no executable pages on a noexec mount" "$restore" "$workdir/noexec/plain"
  cp "$probe" exec/probe
  probe=$workdir/exec/probe record from_exec
  mount -o remount,noexec "$workdir/exec"
  expect_refused "the program on a mount now noexec" \
      "restore: $workdir/exec/probe: on a noexec mount (its code cannot be mapped executable from there)" \
      "$restore" "$workdir/from_exec"
else
  echo "SKIP (noexec cases only): cannot mount a tmpfs: $(tr '\n' ' ' <mount.err)"
  [[ $failed == 0 ]] && exit 77
fi

t_result
