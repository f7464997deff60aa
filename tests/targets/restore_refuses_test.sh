#!/bin/bash
# restore refuses what it cannot vouch for, before anything of the program
# runs: a missing snapshot, a corrupted or truncated NAME.info, a missing
# NAME.pages, a changed program file. Each must exit non-zero with exactly
# one line on stderr starting "restore: ", and no output of the program
# (PROG must print before its checkpoint, so replayed output would show).
#
# usage: restore_refuses_test.sh PTRACER RESTORE WORKDIR PROG ARGS...
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
t_usage 4 "PTRACER RESTORE WORKDIR PROG ARGS..." "$@"
ptracer=$(realpath "$1")
restore=$(realpath "$2")
mkdir -p "$3"
workdir=$(realpath "$3")
prog=$(realpath "$4")
shift 4
args=("$@")
cd "$workdir"
rm -f ./*.info ./*.pages ./*.out ./*.err prog-copy


record() {  # record NAME PROG: a snapshot of PROG ARGS to break
  local name=$1 program=$2 status=0
  timeout -k 5 120 "$ptracer" -o "$workdir/$name" "$program" "${args[@]}" \
      </dev/null >"$name.rec.out" 2>"$name.rec.err" || status=$?
  if [[ $status != 0 || ! -f $name.info || ! -f $name.pages ]]; then
    echo "FAIL: recording $program failed (exit $status): $(tail -n 3 "$name.rec.err")"
    exit 1
  fi
}

# expect_refused WHAT NAME REASON: restore NAME must be refused cleanly:
# exit 1, nothing on stdout, one line on stderr starting "restore: " with
# REASON (an extended regex) in it.
expect_refused() {
  local what=$1 name=$2 reason=$3
  echo "$what:"
  t_expect_error "$name" 1 "~^restore: .*$reason" timeout -k 5 60 "$restore" "$workdir/$name"
  echo "  exit $t_status; stderr: $(head -c 300 "$name.err" | tr '\n' '|')"
}

expect_refused "nonexistent snapshot" does-not-exist "does-not-exist.info: No such file or directory"

record good "$prog"
good_size=$(stat -c %s good.info)

cp good.info flipped.info; cp good.pages flipped.pages
offset=$((good_size / 2))
byte=$(od -An -tu1 -j "$offset" -N1 flipped.info | tr -d ' ')
printf '%b' "\\0$(printf '%03o' $((byte ^ 0x5a)))" |
    dd of=flipped.info bs=1 seek="$offset" conv=notrunc status=none
cmp -s good.info flipped.info && fail "could not flip a byte"
expect_refused "one byte flipped in the middle of NAME.info" flipped "checksum mismatch"

cp good.pages truncated.pages
head -c $((good_size / 2)) good.info >truncated.info
expect_refused "NAME.info truncated to half" truncated "truncated"

cp good.info nopages.info
expect_refused "NAME.pages missing" nopages "nopages.pages: No such file or directory"

# A changed program: record a copy, then append a byte to it.
cp "$prog" prog-copy
record changed "$workdir/prog-copy"
printf '\0' >>prog-copy
expect_refused "program file changed after recording" changed "prog-copy: file changed since the snapshot was recorded"

# Fields past the checksums: info_patch rewrites one and fixes the sums.
if [[ -n ${INFO_PATCH:-} ]]; then
  for change in vdso xcr0 live cpu; do
    cp good.info "$change.info"; cp good.pages "$change.pages"
    "$INFO_PATCH" "$change.info" "$change" || fail "info_patch $change failed"
  done
  expect_refused "a vDSO from another kernel" vdso "vDSO differs from the recording kernel"
  expect_refused "another CPU's XSAVE features" xcr0 "other XSAVE features"
  expect_refused "a snapshot of a live process" live "live process"
  expect_refused "a CPU lacking the recording CPU's features" cpu "CPUID.\\(7,0\\):EBX: this CPU lacks features"
else
  fail "INFO_PATCH is not set: the field-level refusals were not tested"
fi

# Files restore would run as the caller must be the caller's and writable
# by nobody else, unless --trust.
cp -p good.info shared.info && cp -p good.pages shared.pages && chmod g+w shared.info
expect_refused "a group-writable NAME.info" shared "shared.info: writable by group or others \\(--trust"
cp -p good.info other.info && cp -p good.pages other.pages
if chown nobody other.pages 2>/dev/null; then
  expect_refused "NAME.pages owned by another user" other "other.pages: owned by another user"
  status=0
  "$restore" --trust "$workdir/other" </dev/null >trusted.out 2>trusted.err || status=$?
  [[ $status == 0 && -s trusted.out ]] || fail "--trust did not restore another user's snapshot: $(cat trusted.err)"
fi
status=0
"$restore" --trust "$workdir/shared" </dev/null >trusted2.out 2>trusted2.err || status=$?
[[ $status == 0 && -s trusted2.out ]] || fail "--trust did not restore a group-writable snapshot: $(cat trusted2.err)"

# A pair mixed from two recordings of the same program (a writer killed
# between its renames): same sizes, other pages. Refused, not restored.
record second "$prog"
cp -p good.info mixed.info && cp -p second.pages mixed.pages
expect_refused "NAME.info with another recording's NAME.pages" mixed "mixed.pages: belongs to another snapshot"

cp good.info usage.info
status=0
"$restore" >usage.out 2>usage.err || status=$?
[[ $status == 2 && $(wc -l <usage.err) == 1 ]] && grep -q '^restore: no snapshot NAME given; see restore --help$' usage.err ||
    fail "restore without arguments: exit $status, $(head -c 200 usage.err)"

# The good snapshot is still fine (the refusals above were not flukes).
status=0
timeout -k 5 60 "$restore" "$workdir/good" </dev/null >good.out 2>good.err || status=$?
echo "untouched snapshot: exit $status"
[[ $status == 0 && -s good.out ]] || fail "the untouched snapshot does not restore"

t_result
