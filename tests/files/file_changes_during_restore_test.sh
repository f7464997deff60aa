#!/usr/bin/env bash
# A backing file changed WHILE restores run (file_user reads DATA through an
# fd and a private mapping after its snapshot point).
#
# 1. DATA replaced, over and over: its directory (CUR) swapped atomically
#    (renameat2 RENAME_EXCHANGE) with one holding a file of other content or
#    an identical copy with the same size and mtime, then swapped back, so
#    the recorded inode comes back untouched (a rename or link of the file
#    itself would set its ctime, which restore checks too). Guaranteed: every
#    restore prints exactly the cold run's output, or is refused with one
#    line naming DATA ("file changed/replaced since the snapshot was
#    recorded", "... while restore was mapping it"); restore maps from the
#    fd it checked and re-checks the identity of every fd it reopens, so a
#    file put in place after the check is never used.
# 2. DATA rewritten in place, over and over: other bytes of the same size,
#    a truncation to 5 bytes, then the recorded bytes and mtime back. The
#    first write sets DATA's ctime, which cannot be set back: from then on
#    every restore is refused with one line naming DATA, and none runs the
#    program. (A write after restore's last check of a file, which this
#    loop cannot time, is seen by the instance as by any process sharing
#    the file: README, Limitations.)
#
# usage: file_changes_during_restore_test.sh PTRACER RESTORE WORKDIR FILE_USER
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
ptracer=$1 restore=$2 workdir=$3 prog=$4
restores=200

t_workdir "$workdir" dir cur alt
data=$workdir/cur/data
printf '0123456789abcdefghij\n' >"$data"
: >log
printf 'listed\n' >dir/inside
"$prog" "$data" "$workdir/log" "$workdir/dir" </dev/null >cold.out 2>cold.err || fail "cold run failed"
"$ptracer" -o snap --may-change "$workdir/log" "$prog" "$data" "$workdir/log" "$workdir/dir" \
    </dev/null >rec.out 2>rec.err || { echo "FAIL: recording: $(cat rec.err)"; exit 1; }

# The mutators: python3, to change the file thousands of times a second.
cat >mutate.py <<'EOF'
import ctypes, os, sys, time
mode, data, stop = sys.argv[1], sys.argv[2], sys.argv[3]
cur = os.path.dirname(data)
alt = os.path.join(os.path.dirname(cur), 'alt')
libc = ctypes.CDLL(None, use_errno=True)
def exchange(a, b):  # renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE)
    if libc.renameat2(-100, a.encode(), -100, b.encode(), 2) != 0:
        raise OSError(ctypes.get_errno(), 'renameat2 RENAME_EXCHANGE')
original = open(data, 'rb').read()
other = original.upper()
st = os.stat(data)
times = (st.st_atime_ns, st.st_mtime_ns)
i = 0
while not os.path.exists(stop):
    if mode == 'rename':
        with open(os.path.join(alt, 'data'), 'wb') as f:
            f.write(other if i % 2 else original)
        os.utime(os.path.join(alt, 'data'), ns=times)  # same size and mtime: only the inode differs
        exchange(cur, alt)
        time.sleep(0.0003)
        exchange(cur, alt)  # the recorded file again, its ctime untouched
    else:
        fd = os.open(data, os.O_WRONLY)
        os.pwrite(fd, other, 0)
        os.close(fd)
        time.sleep(0.0003)
        os.truncate(data, 5)
        time.sleep(0.0003)
        fd = os.open(data, os.O_WRONLY)
        os.pwrite(fd, original, 0)
        os.close(fd)
        os.utime(data, ns=times)  # the recorded bytes, size and mtime again (not ctime)
    if i == 0:
        open(stop + '.started', 'w').close()
    time.sleep(0.0003)
    i += 1
print(i, 'changes')
EOF

IFS= read -r -d '' cold_out <cold.out
IFS= read -r -d '' cold_err <cold.err
# One line, naming DATA.
refusal="^restore: $data: file (changed|replaced) (since the snapshot was recorded|while restore was mapping it)"$'\n$'

# run_with MODE: restores while the mutator runs; counts the outcomes.
run_with() {
  local mode=$1 i status same=0 refused=0 out err
  rm -f stop stop.started
  /usr/bin/python3 mutate.py "$mode" "$data" "$workdir/stop" >"mutate.$mode" 2>&1 &
  local mutator=$!
  for ((i = 0; i < 500; ++i)); do [[ -e stop.started ]] && break; sleep 0.01; done
  [[ -e stop.started ]] || fail "$mode: the mutator did not start: $(cat "mutate.$mode")"
  for ((i = 0; i < restores; ++i)); do
    status=0
    "$restore" snap </dev/null >r.out 2>r.err || status=$?
    # Compared with builtins only: this loop must not fork more than restore.
    IFS= read -r -d '' out <r.out
    IFS= read -r -d '' err <r.err
    if ((status == 0)) && [[ $out == "$cold_out" && $err == "$cold_err" ]]; then
      same=$((same + 1))
    elif ((status == 1)) && [[ -z $out && $err =~ $refusal ]]; then
      refused=$((refused + 1))
    else
      fail "$mode: restore $i: exit $status, neither the cold output nor a clear refusal"
      diff cold.out r.out | head -10
      head -3 r.err
    fi
  done
  touch stop
  wait "$mutator"
  # The recorded file is back in place for what follows.
  cmp -s "$data" <(printf '0123456789abcdefghij\n') || fail "$mode: the mutator did not restore DATA"
  echo "$mode: $restores restores while DATA changed ($(cat "mutate.$mode")): $same equal to the cold run," \
       "$refused refused"
  if [[ $mode == rename ]]; then
    ((same > 0 && refused > 0)) || fail "$mode: the race was not exercised (need some of each)"
  else
    ((refused == restores)) || fail "$mode: $same restores ran although DATA's ctime had changed"
  fi
}


run_with rename
run_with inplace
t_result
