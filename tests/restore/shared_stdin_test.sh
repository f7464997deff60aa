#!/usr/bin/env bash
# restore -n N: the instances share the caller's stdin (one open file
# description, one offset), as N processes forked by a shell with one
# redirection would. A job of several lines is not split or copied: the
# first instance to read takes what it reads (mawk reads a block: all 5
# lines), the others see EOF. Separate restores, each with its own
# redirection, give each instance its own input.
# usage: shared_stdin_test.sh PTRACER RESTORE WORKDIR
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
ptracer=$1 restore=$2 workdir=$3
t_workdir "$workdir"
[[ -x /usr/bin/mawk ]] || { echo "FAIL: /usr/bin/mawk is missing (a test dependency)"; exit 1; }
printf 'a\nb\nc\nd\ne\n' >job.txt
printf 'f\ng\n' >job2.txt

# The snapshot point: mawk's first read of stdin.
"$ptracer" -o counter /usr/bin/mawk '{n++} END {print "lines", n+0}' <job.txt >rec.out 2>rec.err ||
  fail "record: $(tail -n 1 rec.err)"
expected=$'lines 0\nlines 0\nlines 5'

# A regular file: one offset for all three.
status=0
"$restore" -n 3 counter <job.txt >file.out 2>file.err || status=$?
[[ $status == 0 ]] || fail "-n 3 <job.txt: exit $status: $(cat file.err)"
[[ $(sort file.out) == "$expected" ]] || fail "-n 3 <job.txt: '$(tr '\n' '|' <file.out)'"
[[ -s file.err ]] && fail "-n 3 <job.txt: stderr '$(cat file.err)'"

# A pipe written in one go: one instance reads it all, the others EOF.
status=0
cat job.txt | "$restore" -n 3 counter >pipe.out 2>pipe.err || status=$?
[[ $status == 0 ]] || fail "cat | -n 3: exit $status: $(cat pipe.err)"
[[ $(sort pipe.out) == "$expected" ]] || fail "cat | -n 3: '$(tr '\n' '|' <pipe.out)'"

# One restore per job: each instance its own stdin.
"$restore" counter <job.txt >one.out 2>&1 & p1=$!
"$restore" counter <job2.txt >two.out 2>&1 & p2=$!
wait $p1 || fail "restore <job.txt: exit $?"
wait $p2 || fail "restore <job2.txt: exit $?"
[[ $(cat one.out) == "lines 5" ]] || fail "restore <job.txt: '$(cat one.out)'"
[[ $(cat two.out) == "lines 2" ]] || fail "restore <job2.txt: '$(cat two.out)'"

t_result
