#!/usr/bin/env bash
# restore -n N --anon=exact is the zygote: the stored pages are read into
# anonymous memory once, before the forks, so N instances share that one
# copy (each instance's private memory stays small) and each still has
# exact anonymous memory; N separate `restore --anon=exact` each own a copy.
# The target holds 8 MiB of written anonymous memory and waits for stdin's
# end after its snapshot point, then checks MADV_DONTNEED reads zeros.
# usage: anon_instances_test.sh PTRACER RESTORE WORKDIR TARGET
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
ptracer=$1 restore=$2 workdir=$3 target=$4
t_workdir "$workdir"
n=3

"$target" </dev/null >cold.out 2>&1 || fail "cold run failed: $(tail -n 3 cold.out)"
"$ptracer" -o "$workdir/snap" "$target" </dev/null >/dev/null 2>rec.err || fail "record: $(tail -n 2 rec.err)"

# blocked_on_stdin PID: every instance sits in read(0, ...) (syscall 0, fd 0).
blocked_on_stdin() {
  local fields
  for _ in $(seq 500); do
    [[ -e /proc/$1 ]] || return 1
    read -r -a fields 2>/dev/null <"/proc/$1/syscall" || fields=()
    [[ ${fields[0]:-} == 0 && ${fields[1]:-} == 0x0 ]] && return 0
    sleep 0.01
  done
  return 1
}
# kib PID FIELD: a field of /proc/PID/smaps_rollup in KiB.
kib() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/smaps_rollup"; }
private_kib() { echo $(( $(kib "$1" Private_Clean) + $(kib "$1" Private_Dirty) )); }

# measure LABEL PIDS...: prints and records each instance's Anonymous and private KiB.
measure() {
  local label=$1 pid
  shift
  for pid in "$@"; do
    blocked_on_stdin "$pid" || { fail "$label: instance $pid never blocked reading stdin"; continue; }
    echo "$label: instance Anonymous $(kib "$pid" Anonymous) KiB, private $(private_kib "$pid") KiB"
    (( $(kib "$pid" Anonymous) >= 8192 )) || fail "$label: the 8 MiB are not anonymous memory in instance $pid"
    echo "$(private_kib "$pid")" >>"$label.private"
  done
}

# 1. restore -n 3 --anon=exact: the children share the copy.
mkfifo hold
"$restore" --anon=exact -n $n "$workdir/snap" <hold >zygote.out 2>zygote.err &
zygote=$!
exec 3>hold
pids=()
for _ in $(seq 500); do
  pids=($(cat "/proc/$zygote/task/$zygote/children" 2>/dev/null))
  (( ${#pids[@]} == n )) && break
  sleep 0.01
done
(( ${#pids[@]} == n )) || fail "restore -n $n started ${#pids[@]} instances"
measure zygote "${pids[@]}"
exec 3>&-
wait $zygote || fail "restore -n $n --anon=exact: exit $?: $(head -c 300 zygote.err)"
for _ in $(seq $n); do cat cold.out; done | sort >expected
sort zygote.out >zygote.sorted
cmp -s expected zygote.sorted || fail "the $n instances' output is not $n times the cold run's: $(diff expected zygote.sorted | head -5)"

# 2. separate restores --anon=exact: each owns its copy.
exec 3<>hold
pids=()
for i in $(seq $n); do
  # Without fd 3: an instance holding the FIFO's write end never sees EOF.
  "$restore" --anon=exact "$workdir/snap" <hold 3>&- >"alone$i.out" 2>&1 &
  pids+=($!)
done
measure alone "${pids[@]}"
exec 3>&-
for i in $(seq $n); do
  wait "${pids[$((i - 1))]}" || fail "restore --anon=exact $i: exit $?"
  cmp -s cold.out "alone$i.out" || fail "restore --anon=exact $i: output differs from the cold run's"
done

# The zygote's instances share the 8 MiB (each keeps well under 1 MiB of
# its own); separate instances each own them.
while read -r kb; do (( kb < 1024 )) || fail "an instance of -n $n owns $kb KiB: the copy is not shared"; done <zygote.private
while read -r kb; do (( kb >= 8192 )) || fail "a separate instance owns only $kb KiB"; done <alone.private
t_result
