#!/usr/bin/env bash
# Pipes (with what is in them), eventfds, epoll instances with their
# interest lists and pristine AF_UNIX sockets are recreated by restore
# (snapshot at the checkpoint marker); socketpairs, memfd, timerfd and
# inotify fds cannot be, nor can a write to any other fd: making one must
# be a snapshot point (never dropped silently). Either way the restored
# instance must print exactly what a cold run prints. Three restores each.
# usage: fd_kinds_test.sh PTRACER RESTORE WORKDIR FD_KINDS
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
ptracer=$1 restore=$2 workdir=$3 prog=$4
t_workdir "$workdir"

check() {  # check KIND TRIGGER_RE (a syscall name, or "the checkpoint marker")
  local kind=$1 trigger=$2 status
  "$prog" "$kind" </dev/null >"$kind.cold" 2>&1 || fail "$kind: cold run failed: $(cat "$kind.cold")"
  "$ptracer" -o "$kind" "$prog" "$kind" </dev/null >/dev/null 2>"$kind.rec" || fail "$kind: record: $(cat "$kind.rec")"
  grep -qE "snapshot .* at [a-z0-9_]+\(.*\) \(($trigger|outside the model)\), [0-9.]+ ms into the run" "$kind.rec" &&
      grep -qE "at ($trigger)\(|\($trigger\)" "$kind.rec" || fail "$kind: not snapshotted at $trigger: $(cat "$kind.rec")"
  for i in 1 2 3; do
    status=0
    "$restore" "$kind" </dev/null >"$kind.r$i" 2>&1 || status=$?
    [[ $status == 0 ]] && cmp -s "$kind.cold" "$kind.r$i" || fail "$kind: restore $i: exit $status: $(cat "$kind.r$i")"
  done
  echo "$kind: $(grep -oE 'at [a-z0-9_]+' "$kind.rec" | head -1), 3 restores equal the cold run"
}

check pipe "the checkpoint marker"
check pipe_data "the checkpoint marker"
check fifo_write "writes to fd 3"
check socket "socketpair"
check eventfd "the checkpoint marker"
check epoll "the checkpoint marker"
check memfd "memfd_create"
check timerfd "timerfd_create"
check inotify "inotify_init1"
check unix "the checkpoint marker"
t_result
