#!/usr/bin/env bash
# restore -n N when fork fails part-way (RLIMIT_NPROC of a non-root caller):
# the instances already started run to their end and are waited for, no
# instance is left behind, and restore reports every one that did not run:
# one line `restore: N of N instances failed (M not started: Resource
# temporarily unavailable)`, exit 1.
# usage: instances_test.sh PTRACER RESTORE WORKDIR PROBE
# Needs root (to act as nobody): skipped with a reason if not.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
ptracer=$1 restore=$2 workdir=$3 probe=$4
t_workdir "$workdir"
t_need_nobody

# Each instance sleeps 1.5 s after the snapshot point, then says so: one
# left unwaited would still be running when restore returns.
"$ptracer" -o "$workdir/sleeper" "$probe" sleep 1500 </dev/null >/dev/null 2>rec.err || fail "record: $(tail -n 2 rec.err)"
chmod 755 "$workdir" && chown nobody:nogroup sleeper.info sleeper.pages

# nobody may have 3 processes: restore and at most 2 instances. (Another
# process of nobody's elsewhere on the machine only lowers that.)
status=0
prlimit --nproc=3:3 "${T_NOBODY[@]}" "$restore" -n 6 "$workdir/sleeper" \
    </dev/null >six.out 2>six.err || status=$?
left=$(pgrep -u nobody -x restore_probe | tr '\n' ' ')
started=$(grep -cx restored six.out)
echo "-n 6 under RLIMIT_NPROC 3: exit $status, $started instances ran; stderr: $(head -c 300 six.err)"
[[ $status == 1 ]] || fail "exit $status, not 1"
[[ -z $left ]] || { fail "instances left running after restore returned: $left"; kill -KILL $left; }
(( started <= 2 )) || fail "$started instances ran under RLIMIT_NPROC 3"
line="restore: $((6 - started)) of 6 instances failed ($((6 - started)) not started: Resource temporarily unavailable)"
[[ $(cat six.err) == "$line" ]] || fail "stderr is not exactly: $line"
[[ $(wc -l <six.out) == "$started" ]] || fail "stdout has other lines than the instances' own: $(head -c 200 six.out)"

# Without the limit all 6 run and restore exits 0.
status=0
t_as_nobody "$restore" -n 6 "$workdir/sleeper" </dev/null >all.out 2>all.err || status=$?
[[ $status == 0 && $(grep -cx restored all.out) == 6 && ! -s all.err ]] ||
    fail "-n 6 without a limit: exit $status, $(grep -cx restored all.out) ran, stderr $(head -c 200 all.err)"

t_result
