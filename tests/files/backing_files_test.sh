#!/usr/bin/env bash
# Backing files (issue 3): a restored instance reads, writes and lists the
# files it had open exactly as a cold run would, and restore refuses, naming
# the file, whatever changed since recording: a file touched, truncated,
# replaced or vanished, a directory gone, content changed under the same
# size and mtime (--verify). --may-change lets a log grow.
# usage: backing_files_test.sh PTRACER RESTORE WORKDIR FILE_USER
set -uo pipefail
ptracer=$1 restore=$2 workdir=$3 prog=$4
failed=0
fail() { echo "FAIL: $*"; failed=1; }

fresh_files() {
  rm -rf "$workdir" && mkdir -p "$workdir/dir" && cd "$workdir" || exit 1
  printf '0123456789abcdefghij\n' >data
  : >log
  printf 'listed\n' >dir/inside
}
record() {  # record NAME [ptracer options]
  local name=$1
  shift
  "$ptracer" -o "$name" "$@" "$prog" "$workdir/data" "$workdir/log" "$workdir/dir" \
      </dev/null >"$name.rec.out" 2>"$name.rec.err" || fail "recording $name: $(cat "$name.rec.err")"
}
# refused WHAT NAME PATTERN [restore options]
refused() {
  local what=$1 name=$2 pattern=$3 status=0
  shift 3
  "$restore" "$@" "$name" </dev/null >"$name.out" 2>"$name.err" || status=$?
  echo "$what: exit $status: $(tr '\n' '|' <"$name.err")"
  [[ $status == 1 ]] || fail "$what: exit $status, not 1"
  [[ $(wc -l <"$name.err") == 1 ]] || fail "$what: not one line on stderr"
  grep -qE -- "^restore: .*$pattern" "$name.err" || fail "$what: message lacks '$pattern'"
  [[ -s $name.out ]] && fail "$what: the program ran (stdout not empty)"
}

# 1. Cold run and three restores agree; the log grows by one entry each.
fresh_files
"$prog" "$workdir/data" "$workdir/log" "$workdir/dir" </dev/null >cold.out 2>cold.err
cold_status=$?
[[ $cold_status == 0 ]] || fail "cold run exit $cold_status"
: >log
record good --may-change "$workdir/log"
for i in 1 2 3; do
  status=0
  "$restore" good </dev/null >r$i.out 2>r$i.err || status=$?
  [[ $status == 0 ]] && cmp -s cold.out r$i.out && cmp -s cold.err r$i.err ||
      { fail "restore $i differs from the cold run (exit $status)"; diff cold.out r$i.out; cat r$i.err; }
done
[[ $(grep -c entry log) == 3 ]] || fail "the log has $(grep -c entry log) entries after 3 restores, not 3"
echo "three restores equal the cold run; log entries: $(grep -c entry log)"

# 2. Without --may-change, a grown log is refused.
fresh_files
record strict
printf 'grown\n' >>log
refused "log grew, no --may-change" strict "/log: file changed since the snapshot was recorded"

# 3. The same log replaced by another file is refused even with --may-change.
fresh_files
record replaced_log --may-change "$workdir/log"
mv log log.old && : >log
refused "log replaced" replaced_log "/log: file changed since the snapshot was recorded"

# 4. The data file touched, truncated, replaced by an identical copy, gone.
fresh_files
record touched
touch -d '2001-01-01' data
refused "data touched" touched "/data: file changed since the snapshot was recorded"
fresh_files
record truncated
truncate -s 5 data
refused "data truncated" truncated "/data: file changed since the snapshot was recorded"
fresh_files
record copied
cp -p data data.new && mv data.new data
refused "data replaced by a copy" copied "/data: file changed since the snapshot was recorded"
fresh_files
record vanished
rm data
refused "data vanished" vanished "/data: No such file or directory"

# 5. A directory held open that is gone.
fresh_files
record dirgone
rm -r dir
refused "directory gone" dirgone "/dir: No such file or directory"

# 6. Content changed under the same size and mtime: only --verify sees it.
fresh_files
record same_stat --may-change "$workdir/log"
stamp=$(stat -c %y data)
printf '0123456789ABCDEFGHIJ\n' >data
touch -d "$stamp" data
status=0
"$restore" same_stat </dev/null >same.out 2>same.err || status=$?
[[ $status == 0 ]] || fail "same size and mtime: the cheap check refused it ($(cat same.err))"
refused "content changed, --verify" same_stat "/data: file content changed since the snapshot was recorded" --verify

[[ $failed == 0 ]] && echo "RESULT: ok" || { echo "RESULT: FAIL"; exit 1; }
