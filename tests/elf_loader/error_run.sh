#!/bin/sh
# Checks how elf_loader refuses what it cannot run: exit status 127 (like a
# shell; 2 for usage errors, with --status 2), nothing on stdout and exactly
# the one expected stderr line.
#
# usage: error_run.sh [--status N] LOADER EXPECTED_STDERR_LINE [LOADER ARGS...]
set -u
want=127
if [ "$1" = "--status" ]; then want=$2; shift 2; fi
loader=$1 expected=$2
shift 2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

"$loader" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
status=$?
echo "elf_loader arguments: $*"
echo "exit status: $status"
echo "stderr: $(cat "$tmp/err")"
fail=0
[ $status -eq "$want" ] || { echo "FAIL: exit status $status, expected $want"; fail=1; }
[ -s "$tmp/out" ] && { echo "FAIL: unexpected stdout:"; cat "$tmp/out"; fail=1; }
[ "$(wc -l <"$tmp/err")" -eq 1 ] || { echo "FAIL: expected exactly one stderr line"; fail=1; }
[ "$(cat "$tmp/err")" = "$expected" ] ||
  { echo "FAIL: expected stderr: $expected"; fail=1; }
[ $fail -eq 0 ] && echo "PASS"
exit $fail
