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
  local kind=$1 trigger=$2
  t_run "$kind.cold" "$prog" "$kind"
  [[ $t_status == 0 ]] || fail "$kind: cold run failed: $(cat "$kind.cold.out" "$kind.cold.err")"
  "$ptracer" -o "$kind" "$prog" "$kind" </dev/null >/dev/null 2>"$kind.rec" || fail "$kind: record: $(cat "$kind.rec")"
  grep -qE "snapshot .* at [a-z0-9_]+\(.*\) \(($trigger|outside the model)\), [0-9.]+ ms into the run" "$kind.rec" &&
      grep -qE "at ($trigger)\(|\($trigger\)" "$kind.rec" || fail "$kind: not snapshotted at $trigger: $(cat "$kind.rec")"
  t_restores_match "$kind.cold" "$kind" 3
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
