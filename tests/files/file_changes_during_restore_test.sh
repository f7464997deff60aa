#!/usr/bin/env bash
# A backing file changed WHILE restores run (file_user reads DATA through an
# fd and a private mapping after its snapshot point).
#
# 1. DATA replaced by rename, over and over: by a file of other content and
#    by an identical copy with the same size and mtime, each time followed by
#    the recorded inode renamed back. Guaranteed: every restore prints
#    exactly the cold run's output, or is refused with one line naming DATA
#    ("file changed/replaced since the snapshot was recorded"); restore maps
#    from the fd it checked and re-checks the identity of every fd it
#    reopens, so a file renamed in after the check is never used.
# 2. DATA rewritten in place, over and over: other bytes of the same size,
#    a truncation to 5 bytes, then the recorded bytes and mtime back. Only
#    what IS guaranteed is asserted: a change made before restore's last
#    check (after mapping, and for the read-only fd at reopening) is refused
#    with one line; after it, the instance sees the file as any process
#    sharing it would (its MAP_PRIVATE pages it has not written and its reads
#    show the new bytes: kernel semantics, like a cold run racing a writer).
#    So every restore is refused, or prints the cold output, or prints lines
#    that each show one real state of DATA; none crashes (a truncation to 0
#    under the mapped page would make the access SIGBUS, in the cold program
#    too, so the loop truncates to 5 bytes).
#
# usage: file_changes_during_restore_test.sh PTRACER RESTORE WORKDIR FILE_USER
set -uo pipefail
ptracer=$1 restore=$2 workdir=$3 prog=$4
restores=200
failed=0
fail() { echo "FAIL: $*"; failed=1; }

rm -rf "$workdir" && mkdir -p "$workdir/dir" && cd "$workdir" || exit 1
printf '0123456789abcdefghij\n' >data
: >log
printf 'listed\n' >dir/inside
"$prog" "$workdir/data" "$workdir/log" "$workdir/dir" </dev/null >cold.out 2>cold.err || fail "cold run failed"
"$ptracer" -o snap --may-change "$workdir/log" "$prog" "$workdir/data" "$workdir/log" "$workdir/dir" \
    </dev/null >rec.out 2>rec.err || { echo "FAIL: recording: $(cat rec.err)"; exit 1; }

# The mutators: python3, to change the file thousands of times a second.
cat >mutate.py <<'EOF'
import os, sys, time
mode, data, stop = sys.argv[1], sys.argv[2], sys.argv[3]
original = open(data, 'rb').read()
other = original.upper()
st = os.stat(data)
times = (st.st_atime_ns, st.st_mtime_ns)
if mode == 'rename':
    os.link(data, data + '.orig')  # the recorded inode stays reachable
i = 0
while not os.path.exists(stop):
    if mode == 'rename':
        with open(data + '.new', 'wb') as f:
            f.write(other if i % 2 else original)
        os.utime(data + '.new', ns=times)  # same size and mtime: only the inode differs
        os.rename(data + '.new', data)
        time.sleep(0.0003)
        os.link(data + '.orig', data + '.back')
        os.rename(data + '.back', data)  # the recorded file again
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
        os.utime(data, ns=times)  # the recorded bytes, size and mtime again
    time.sleep(0.0003)
    i += 1
print(i, 'changes')
EOF

IFS= read -r -d '' cold_out <cold.out
IFS= read -r -d '' cold_err <cold.err
# One line, naming DATA.
refusal="^restore: $workdir/data: file (changed|replaced) (since the snapshot was recorded|while restore was mapping it)"$'\n$'

# run_with MODE: restores while the mutator runs; counts the outcomes.
run_with() {
  local mode=$1 i status same=0 refused=0 racing=0 out err
  rm -f stop data.orig
  /usr/bin/python3 mutate.py "$mode" "$workdir/data" "$workdir/stop" >"mutate.$mode" 2>&1 &
  local mutator=$!
  sleep 0.2
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
    elif [[ $mode == inplace ]] && ((status == 0)) && [[ ! -s r.err ]] && racing_output r.out; then
      racing=$((racing + 1))
    else
      fail "$mode: restore $i: exit $status, neither the cold output nor a clear refusal"
      diff cold.out r.out | head -10
      head -3 r.err
    fi
  done
  touch stop
  wait "$mutator"
  # The recorded file is back in place for what follows.
  cmp -s data <(printf '0123456789abcdefghij\n') || fail "$mode: the mutator did not restore DATA"
  echo "$mode: $restores restores while DATA changed ($(cat "mutate.$mode")): $same equal to the cold run," \
       "$refused refused, $racing saw DATA mid-change"
  ((same > 0 && refused > 0)) || fail "$mode: the race was not exercised (need some of each)"
}

# What a run racing an in-place writer can print: the replayed head, then
# the rest (read at offset 10) and the first 10 mapped bytes, each byte as
# DATA held it at some moment (original or upper case; nothing past a
# truncation to 5 bytes), then the directory entry.
cat >racing.py <<'EOF'
import re, sys
orig = b'0123456789abcdefghij\n'
other = orig.upper()
out = open(sys.argv[1], 'rb').read()
m = re.fullmatch(rb'head: 0123456789\nrest: (.*?)mapped: (.*?)\ninside: listed\n', out, re.S)
def real(s, at):
    return all(c in (orig[at + k], other[at + k]) for k, c in enumerate(s))
ok = (m is not None
      and (m.group(1) == b'' or (len(m.group(1)) == 11 and real(m.group(1), 10)))
      and len(m.group(2)) in (5, 10) and real(m.group(2), 0))
sys.exit(0 if ok else 1)
EOF
racing_output() { /usr/bin/python3 racing.py "$1"; }

run_with rename
run_with inplace
[[ $failed == 0 ]] && echo "RESULT: ok" || { echo "RESULT: FAIL"; exit 1; }
