#!/bin/bash
# gdb reads the ELF core of a recorded snapshot (snapfs/core_image.cc).
#
# usage: core_gdb_test.sh PTRACER SNAPINFO WORKDIR PROGRAM
#        core_gdb_test.sh --python PTRACER SNAPINFO WORKDIR
#
# PROGRAM is core_target (core_target.c): recorded at its checkpoint inside
# main -> outer -> middle -> inner; the core must give gdb that backtrace,
# rip inside access(), some_global's runtime value and the pattern bytes.
# --python: Debian's /usr/bin/python3 recorded after `import json`; gdb's
# `info sharedlibrary` on the core must list libc, libm and the _json
# extension module (NT_FILE and the link map in memory).
# Exits 77 (skipped) when gdb or /usr/bin/python3 is missing.
set -uo pipefail
python_mode=0
if [[ ${1:-} == --python ]]; then
  python_mode=1
  shift
fi
if (( python_mode ? $# != 3 : $# != 4 )); then
  echo "usage: core_gdb_test.sh [--python] PTRACER SNAPINFO WORKDIR [PROGRAM]" >&2
  exit 2
fi
ptracer=$1 snapinfo=$2 workdir=$3
if ! command -v gdb >/dev/null; then
  echo "skipped: gdb not installed"
  exit 77
fi
rm -rf "$workdir"
mkdir -p "$workdir"
cd "$workdir" || exit 1

fail() {
  echo "FAIL: $*" >&2
  for f in record.err core.err gdb.out; do
    [[ -s $f ]] && { echo "--- $f" >&2; cat "$f" >&2; }
  done
  exit 1
}

if (( python_mode )); then
  program=/usr/bin/python3
  [[ -x $program ]] || { echo "skipped: $program not available"; exit 77; }
  here=$(dirname "$(realpath "$0")")
  PYTHONPATH=$(realpath "$here/../../examples/python")
  export PYTHONPATH OPENBLAS_NUM_THREADS=1 PYTHONDONTWRITEBYTECODE=1
  unset PYTHONHOME PYTHONSTARTUP PYTHONSAFEPATH
  cat > script.py <<'PY'
import json
import snappy_checkpoint
json.loads('{"a": [1, 2, 3]}')
snappy_checkpoint.checkpoint()
PY
  args=("$workdir/script.py")
else
  program=$(realpath "$4")
  args=()
fi

"$ptracer" -o "$workdir/snap" "$program" "${args[@]}" > record.out 2> record.err ||
  fail "ptracer exited with status $?"
grep -q "checkpoint marker" record.err || fail "snapshot not taken at the checkpoint marker"
"$snapinfo" core "$workdir/snap" -o "$workdir/core" 2> core.err || fail "snapinfo core exited with status $?"
echo "core: $(stat -c %s core) bytes, $(( $(stat -c %b core) * $(stat -c %B core) )) allocated"

if (( python_mode )); then
  gdb -batch -nx -iex 'set debuginfod enabled off' -ex 'info sharedlibrary' \
      "$program" core > gdb.out 2>&1 || fail "gdb exited with status $?"
  cat gdb.out
  for lib in '/libc\.so\.6' '/libm\.so\.6' '/_json\.cpython-[0-9]+-x86_64-linux-gnu\.so'; do
    grep -Eq "^0x[0-9a-f]+ +0x[0-9a-f]+ +Yes.*$lib" gdb.out || fail "info sharedlibrary lacks $lib (with symbols)"
  done
  echo "PASS"
  exit 0
fi

gdb -batch -nx -iex 'set debuginfod enabled off' -ex bt -ex 'info registers rip' \
    -ex 'p/x some_global' -ex 'x/4xb &pattern' -ex 'info symbol $pc' \
    "$program" core > gdb.out 2>&1 || fail "gdb exited with status $?"
cat gdb.out
prev=0
for fn in inner middle outer main; do
  line=$(grep -nE "^#[0-9]+ .*\b$fn \(" gdb.out | head -1 | cut -d: -f1)
  [[ -n $line ]] || fail "backtrace lacks $fn"
  (( line > prev )) || fail "backtrace has $fn out of order"
  prev=$line
done
grep -Eq '^\$1 = 0x12345678$' gdb.out || fail "some_global is not 0x12345678"
grep -Eq '^rip +0x[0-9a-f]+ +0x[0-9a-f]+ <(__GI___)?access\+[0-9]+>' gdb.out ||
  fail "rip is not inside access()"
grep -Eq '<pattern>:\s+0xa0\s+0xa1\s+0xa2\s+0xa3$' gdb.out || fail "pattern bytes differ"
grep -Eq '^#0 .*access' gdb.out || fail "frame #0 is not access()"
echo "PASS"
