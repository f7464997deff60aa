#!/bin/sh
# Runs a program directly and through elf_loader and checks that both give
# the same stdout and exit status.
#
# usage: compare_run.sh LOADER [--no-vdso] [--stdin FILE]
#                       [--direct-sed EXPR] [--expect-status N] -- PROG ARGS...
#   --no-vdso          passed to elf_loader
#   --stdin FILE       both runs read FILE on stdin (else /dev/null)
#   --direct-sed EXPR  applied to the direct run's stdout before comparing
#                      (for what the loader changes on purpose)
#   --expect-status N  the direct run must also exit N (a target's own
#                      checks must pass, not only agree)
#   --show             print the stdout via elf_loader (a target's checks)
#   --retries N        rerun both up to N more times while stdout differs:
#                      for output that races with the rest of the machine
#                      (`ls -l /` shows the link counts of /proc and /tmp,
#                      which change with every process and temp directory)
# The environment is passed through unchanged: /bin/sh (dash) does not set
# $_ per command, so both runs see the same one.
set -u
loader=$1
shift
loader_flags= stdin=/dev/null sed_expr= expect= show= retries=0
while [ $# -gt 0 ]; do
  case $1 in
    --no-vdso) loader_flags=--no-vdso ;;
    --stdin) stdin=$2; shift ;;
    --direct-sed) sed_expr=$2; shift ;;
    --expect-status) expect=$2; shift ;;
    --show) show=1 ;;
    --retries) retries=$2; shift ;;
    --) shift; break ;;
    *) echo "compare_run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

run_both() {
  "$@" <"$stdin" >"$tmp/direct" 2>"$tmp/direct.err"
  direct_status=$?
  # shellcheck disable=SC2086  # loader_flags is empty or one word
  "$loader" $loader_flags "$@" <"$stdin" >"$tmp/loaded" 2>"$tmp/loaded.err"
  loaded_status=$?
  if [ -n "$sed_expr" ]; then
    sed -e "$sed_expr" "$tmp/direct" >"$tmp/direct.sed" && mv "$tmp/direct.sed" "$tmp/direct"
  fi
}
run_both "$@"
attempt=0
while [ $attempt -lt "$retries" ] && ! cmp -s "$tmp/direct" "$tmp/loaded"; do
  attempt=$((attempt + 1))
  echo "stdout differs, retry $attempt of $retries"
  sleep 0.2
  run_both "$@"
done

echo "program: $*"
echo "loader flags: ${loader_flags:-(none)}"
echo "exit status: direct $direct_status, via elf_loader $loaded_status"
echo "stdout: $(wc -l <"$tmp/direct") lines direct, $(wc -l <"$tmp/loaded") via elf_loader"
if [ -n "$show" ]; then
  echo "--- stdout via elf_loader:"
  cat "$tmp/loaded"
  echo "---"
fi
fail=0
if [ -n "$expect" ] && [ "$direct_status" != "$expect" ]; then
  echo "FAIL: direct run exited $direct_status, expected $expect"
  cat "$tmp/direct" "$tmp/direct.err"
  fail=1
fi
if [ "$direct_status" != "$loaded_status" ]; then
  echo "FAIL: exit status differs"
  fail=1
fi
if ! cmp -s "$tmp/direct" "$tmp/loaded"; then
  echo "FAIL: stdout differs (- direct, + via elf_loader):"
  diff -u "$tmp/direct" "$tmp/loaded" | head -50
  fail=1
fi
if [ $fail -ne 0 ]; then
  echo "stderr via elf_loader:"
  cat "$tmp/loaded.err"
  exit 1
fi
echo "PASS: same stdout and exit status"
