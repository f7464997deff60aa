#!/usr/bin/env bash
# What recording decides stays decided: a Python recorded with stdout on a
# terminal keeps its line-buffered sys.stdout when restored into a pipe,
# while isatty(), asked again, says False; a cold run into the same pipe is
# block-buffered. Recorded with stdout not a terminal, the restored stream
# is as a cold one. (README, "What every restored instance shares".)
# usage: recorded_tty_test.sh PTRACER RESTORE WORKDIR SOURCE_DIR
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
ptracer=$1 restore=$2 workdir=$3 source=$4
t_workdir "$workdir"
unset PYTHONUNBUFFERED
export PYTHONPATH=$source/examples/python PYTHONDONTWRITEBYTECODE=1
cat >probe.py <<'PY'
import sys
from snappy_checkpoint import checkpoint
restored = checkpoint()
print("restored", restored, "isatty", sys.stdout.isatty(), "line_buffering", sys.stdout.line_buffering)
PY
if ! script -qec true /dev/null </dev/null >/dev/null 2>pty.err; then
  echo "SKIP: no pseudo-terminal: $(tr '\n' ' ' <pty.err)"
  exit 77
fi

# Recorded on a terminal (script's pty), restored into a pipe.
script -qec "$ptracer -o tty /usr/bin/python3 probe.py" /dev/null </dev/null >tty.rec 2>&1 ||
  fail "record on a tty: $(tail -n 1 tty.rec)"
out=$("$restore" tty </dev/null | cat)
[[ $out == "restored True isatty False line_buffering True" ]] || fail "restored from a tty recording: '$out'"
cold=$(/usr/bin/python3 probe.py </dev/null | cat)
[[ $cold == "restored False isatty False line_buffering False" ]] || fail "cold into a pipe: '$cold'"

# Recorded into a file: restored as a cold run into a pipe.
"$ptracer" -o file /usr/bin/python3 probe.py </dev/null >file.rec 2>file.err || fail "record into a file: $(tail -n 1 file.err)"
out=$("$restore" file </dev/null | cat)
[[ $out == "restored True isatty False line_buffering False" ]] || fail "restored from a file recording: '$out'"

t_result
