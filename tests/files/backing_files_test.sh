#!/usr/bin/env bash
# Backing files (issue 3): a restored instance reads, writes and lists the
# files it had open exactly as a cold run would, and restore refuses, naming
# the file, whatever changed since recording: a file touched, truncated,
# replaced or vanished, a directory gone, a file rewritten in place under the
# same size with its mtime put back (ctime), chmod-ed or given a second name
# (ctime too), its content changed under the same size, mtime and ctime
# (which takes privilege: a patched recorded hash stands for it, --verify).
# snapinfo files says which of them changed. --may-change lets a log grow.
# usage: backing_files_test.sh PTRACER RESTORE WORKDIR FILE_USER SNAPINFO INFO_PATCH
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
ptracer=$1 restore=$2 workdir=$3 prog=$4 snapinfo=$5 info_patch=$6

fresh_files() {
  t_workdir "$workdir" dir
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
# refused WHAT NAME PATTERN [restore options]: exit 1, one line on stderr
# "restore: ...PATTERN...", the program not run (stdout empty).
refused() {
  local what=$1 name=$2 pattern=$3
  shift 3
  t_expect_error "$name" 1 "~^restore: .*$pattern" "$restore" "$@" "$name"
  echo "$what: exit $t_status: $(tr '\n' '|' <"$name.err")"
}

# 1. Cold run and three restores agree; the log grows by one entry each.
fresh_files
"$prog" "$workdir/data" "$workdir/log" "$workdir/dir" </dev/null >cold.out 2>cold.err
cold_status=$?
IFS= read -r -d '' cold_text <cold.out  # fresh_files removes cold.out
[[ $cold_status == 0 ]] || fail "cold run exit $cold_status"
: >log
record good --may-change "$workdir/log"
echo "$cold_status" >cold.status
t_restores_match cold good 3 || diff cold.out good.r1.out
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

# snapinfo_changed WHAT NAME WHY: `snapinfo files` exits 1 and reports DATA
# (and only DATA) as changed, for the reason WHY.
snapinfo_changed() {
  local what=$1 name=$2 why=$3 status=0
  "$snapinfo" files "$name" >"$name.files" 2>"$name.files.err" || status=$?
  [[ $status == 1 ]] || fail "$what: snapinfo files exit $status, not 1"
  grep -qxE "CHANGED  $workdir/data  \(dev [0-9]+:[0-9]+ ino [0-9]+ size 21\): $why" "$name.files" ||
      fail "$what: snapinfo files does not say '$why' for data: $(grep data "$name.files")"
  [[ $(grep -c '^CHANGED' "$name.files") == 1 ]] || fail "$what: snapinfo files reports other files changed"
}

# 6. Rewritten in place under the same size, then its mtime put back to the
#    nanosecond: only ctime tells (it cannot be set back without privilege).
fresh_files
record rewritten --may-change "$workdir/log"
stamp=$(stat -c %y data)
printf '0123456789ABCDEFGHIJ\n' >data
touch -d "$stamp" data
[[ $(stat -c '%s %y' data) == "21 $stamp" ]] || fail "rewritten: size or mtime not as recorded (the test's premise)"
refused "rewritten in place, mtime put back" rewritten "/data: file changed since the snapshot was recorded"
snapinfo_changed "rewritten in place, mtime put back" rewritten "ctime differs"

# 7. Its mode changed (chmod), or a second name (a link): the same file and
#    bytes, but restore cannot tell those from a rewrite (both only set
#    ctime) and refuses them alike.
fresh_files
record chmodded --may-change "$workdir/log"
chmod 600 data
refused "data chmod-ed" chmodded "/data: file changed since the snapshot was recorded"
snapinfo_changed "data chmod-ed" chmodded "ctime differs"
fresh_files
record linked --may-change "$workdir/log"
ln data data.link
refused "data given a second name" linked "/data: file changed since the snapshot was recorded"

# 8. Content changed under the same size, mtime and ctime (a clock set
#    back, as root): only --verify sees it. The recorded hash of DATA is
#    patched instead.
fresh_files
record same_stat --may-change "$workdir/log"
"$info_patch" same_stat.info content-hash || fail "info_patch content-hash"
status=0
"$restore" same_stat </dev/null >same.out 2>same.err || status=$?
IFS= read -r -d '' same_text <same.out
[[ $status == 0 && $same_text == "$cold_text" ]] ||
    fail "same size, mtime and ctime: the cheap check refused it, or the output differs ($(cat same.err))"
refused "content changed, --verify" same_stat "/data: file content changed since the snapshot was recorded" --verify

t_result
