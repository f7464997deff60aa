#!/usr/bin/env bash
# The snapshot-point helpers and replay switch:
# * examples/python's checkpoint(reseed=True) reseeds random and numpy in
#   each restored instance: two restores draw different samples, while the
#   cold run and the recording agree on the recorded state;
# * ptracer --no-replay: a restored instance does not repeat the output
#   written before the snapshot point.
# usage: helpers_test.sh PTRACER RESTORE WORKDIR SOURCE_DIR FD_KINDS
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
ptracer=$1 restore=$2 workdir=$3 source=$4 fd_kinds=$5
t_workdir "$workdir"

export PYTHONPATH=$source/examples/python PYTHONDONTWRITEBYTECODE=1 OPENBLAS_NUM_THREADS=1
script=$source/examples/python-prewarm/prewarm_numpy.py
"$ptracer" -o numpy /usr/bin/python3 "$script" </dev/null >rec.out 2>rec.err || fail "record: $(cat rec.err)"
"$restore" numpy </dev/null >a.out 2>&1 || fail "restore a: $(cat a.out)"
"$restore" numpy </dev/null >b.out 2>&1 || fail "restore b: $(cat b.out)"
sample() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["predictions"])' "$1"; }
restored() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["restored"])' "$1"; }
echo "restore a: $(sample a.out)"
echo "restore b: $(sample b.out)"
[[ $(restored a.out) == True && $(restored b.out) == True ]] || fail "checkpoint() did not say restored"
[[ $(sample a.out) != "$(sample b.out)" ]] || fail "two restored instances drew the same sample: not reseeded"
echo 1.5 | "$restore" numpy >job.out 2>&1
grep -q '"1.500"' job.out || fail "a job on stdin was not served: $(cat job.out)"
# --populate copies the written pages up front: the same job, the same answer.
echo 1.5 | "$restore" --populate numpy >populated.out 2>&1
[[ $(sample populated.out) == "$(sample job.out)" ]] || fail "--populate answers differently: $(cat populated.out)"

"$ptracer" --no-replay -o quiet "$fd_kinds" epoll </dev/null >quiet.rec 2>&1 || fail "record --no-replay"
"$restore" quiet </dev/null >quiet.out 2>&1 || fail "restore --no-replay snapshot: $(cat quiet.out)"
echo "--no-replay restore printed: $(tr '\n' '|' <quiet.out)"
[[ $(cat quiet.out) == "epoll works: yes" ]] || fail "--no-replay: the pre-snapshot output was replayed"

t_result
