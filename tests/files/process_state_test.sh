#!/usr/bin/env bash
# A restored instance has its restoring caller's resource limits, as a cold
# run started by that caller would, except those the recorded program set
# itself (each at most the caller's hard limit); and the recorded umask and
# working directory. A caller's lowered RLIMIT_FSIZE still stops a restored
# writer as it stops a cold one.
# usage: process_state_test.sh PTRACER RESTORE WORKDIR LIMITS_PROBE
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
ptracer=$1 restore=$2 workdir=$3 prog=$4
t_workdir "$workdir" recorded-here

# The recorded environment: its own limits, umask and cwd.
recorded() { (cd recorded-here && umask 027 && prlimit --nofile=200:300 --stack=8388608:unlimited --cpu=unlimited \
                --fsize=unlimited "$@"); }
record() {  # record NAME ARGS...
  local name=$1; shift
  recorded "$ptracer" -o "$workdir/$name" "$prog" "$@" </dev/null >"$name.rec.out" 2>"$name.rec.err" ||
      fail "record $name: $(tail -n 2 "$name.rec.err")"
}
# expect_output WHAT FILE EXPECTED: FILE holds exactly EXPECTED.
expect_output() {
  if [[ $(cat "$2") != "$3" ]]; then
    fail "$1: got"; cat "$2"; echo "expected:"; echo "$3"
  fi
}

record plain
record setnofile set-nofile 150
record writer write "$workdir/written" 8192
record writer_ign write-ign "$workdir/written" 8192

# 1. A caller with lowered limits (prlimit, soft and hard): the instance
# sees the caller's limits, not the recorded ones.
caller() { (umask 002 && prlimit --cpu=50:60 --fsize=100000:200000 --nofile=64:128 --stack=2097152:4194304 "$@"); }
caller "$restore" "$workdir/plain" >plain.out 2>&1 || fail "restore plain: $(cat plain.out)"
expect_output "lowered limits (prlimit)" plain.out "cpu 50 60
fsize 100000 200000
nofile 64 128
stack 2097152 4194304
umask 027
cwd $workdir/recorded-here"

# The same with bash's ulimit (soft limits only, hard ones stay).
(ulimit -S -t 40 && ulimit -S -f 300 && ulimit -S -n 100 && ulimit -S -s 4096 && umask 002 &&
 exec prlimit --cpu=:unlimited --fsize=:unlimited --nofile=:1000 --stack=:unlimited "$restore" "$workdir/plain") \
    >ulimit.out 2>&1 || fail "restore plain under ulimit: $(cat ulimit.out)"
expect_output "lowered soft limits (ulimit -S)" ulimit.out "cpu 40 unlimited
fsize 307200 unlimited
nofile 100 1000
stack 4194304 unlimited
umask 027
cwd $workdir/recorded-here"

# 2. The program set RLIMIT_NOFILE itself (150, its hard limit 300 as
# recorded): it gets its value, clamped to the caller's hard limit; the
# other limits are the caller's.
(prlimit --nofile=64:1000 "$restore" "$workdir/setnofile") >setnofile.out 2>&1 || fail "restore setnofile: $(cat setnofile.out)"
grep -qx "nofile 150 300" setnofile.out || { fail "a limit the program set, under a higher hard limit"; cat setnofile.out; }
caller "$restore" "$workdir/setnofile" >setnofile_low.out 2>&1 || fail "restore setnofile: $(cat setnofile_low.out)"
grep -qx "nofile 128 128" setnofile_low.out || { fail "a limit the program set, above the caller's hard limit"; cat setnofile_low.out; }
grep -qx "fsize 100000 200000" setnofile_low.out || { fail "a limit the program did not set"; cat setnofile_low.out; }

# 3. A caller's lowered soft RLIMIT_FSIZE (4 KiB) stops a restored writer as it
# stops a cold one: SIGXFSZ kills it (128 + 25), or with SIGXFSZ ignored
# the write past the limit fails with EFBIG.
status=0; (ulimit -S -f 4 && exec "$restore" "$workdir/writer") >writer.out 2>&1 || status=$?
[[ $status == 153 ]] || fail "restored writer under ulimit -f 4: exit $status, not 153 (SIGXFSZ): $(cat writer.out)"
[[ $(stat -c %s written) == 4096 ]] || fail "restored writer wrote $(stat -c %s written) bytes, not 4096"
cold=0; (ulimit -S -f 4 && exec "$prog" write "$workdir/written" 8192) >/dev/null 2>&1 || cold=$?
[[ $cold == 153 ]] || fail "cold writer under ulimit -f 4: exit $cold, not 153"
status=0; (ulimit -S -f 4 && exec "$restore" "$workdir/writer_ign") >writer_ign.out 2>&1 || status=$?
[[ $status == 1 ]] || fail "restored writer ignoring SIGXFSZ: exit $status, not 1"
expect_output "restored writer ignoring SIGXFSZ" writer_ign.out "wrote 4096 then File too large"

t_result
