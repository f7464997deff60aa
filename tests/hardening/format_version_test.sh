#!/usr/bin/env bash
# A snapshot of another format version, with valid checksums, is refused by
# every reader in one line that names both versions:
#   TOOL: NAME.info: recorded by format N, this build reads M
# exit 1, nothing on stdout, nothing mounted or written. N is 1 (a snapshot
# recorded before FileRecord gained ctime_ns), M - 1 (the format before
# this build's: v7 before kTriggerI386) and M + 1.
# M is read from the header of a snapshot this build's ptracer wrote.
# usage: format_version_test.sh PTRACER RESTORE SNAPINFO SNAPFS INFO_PATCH TARGET WORKDIR
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
t_usage 7 "PTRACER RESTORE SNAPINFO SNAPFS INFO_PATCH TARGET WORKDIR" "$@"
ptracer=$1 restore=$2 snapinfo=$3 snapfs=$4 info_patch=$5 target=$6 workdir=$7
t_workdir "$workdir" mnt

"$ptracer" -o good "$target" </dev/null >good.rec.out 2>good.rec.err || { echo "FAIL: recording: $(cat good.rec.err)"; exit 1; }
version=$(od -An -tu4 -j8 -N4 good.info | tr -d ' ')
[[ $version =~ ^[0-9]+$ ]] || { echo "FAIL: cannot read the format version of good.info"; exit 1; }
echo "this build writes format $version"
"$restore" good </dev/null >good.out 2>good.err || fail "the untouched snapshot does not restore: $(cat good.err)"

# refused TOOL PREFIX ARGS...: exit 1, the one line "TOOL: PREFIX$expected"
# on stderr, nothing on stdout. (snapfs names the snapshot first, as in all
# its refusals of a snapshot: "snapfs: NAME: NAME.info: ...".)
refused() {
  local tool=$1 prefix=$2 status=0
  shift 2
  "$@" </dev/null >run.out 2>run.err || status=$?
  [[ $status == 1 ]] || fail "$tool ($recorded): exit $status, not 1"
  [[ $(cat run.err) == "$tool: $prefix$expected" && $(wc -l <run.err) == 1 ]] ||
      fail "$tool ($recorded): stderr is '$(cat run.err)', not '$tool: $prefix$expected'"
  [[ -s run.out ]] && fail "$tool ($recorded): printed on stdout: $(head -c 200 run.out)"
}

for change in version=1 version=$((version - 1)) version=$((version + 1)); do
  recorded=${change#version=}
  name=$workdir/v$recorded
  cp good.info "$name.info" && cp good.pages "$name.pages"
  "$info_patch" "$name.info" "$change" || { fail "info_patch $change"; continue; }
  expected="$name.info: recorded by format $recorded, this build reads $version"
  refused restore "" "$restore" "$name"
  refused restore "" "$restore" --verify "$name"
  refused snapinfo "" "$snapinfo" "$name"
  refused snapinfo "" "$snapinfo" --json "$name"
  refused snapinfo "" "$snapinfo" files "$name"
  refused snapinfo "" "$snapinfo" verify "$name"
  refused snapinfo "" "$snapinfo" core -o "$name.core" "$name"
  [[ -e $name.core ]] && fail "snapinfo core ($recorded) wrote a core"
  refused snapfs "$name: " "$snapfs" -m "$workdir/mnt" "$name"
  [[ -z $(ls -A "$workdir/mnt") ]] || { fail "snapfs ($recorded) mounted it"; fusermount -u "$workdir/mnt" 2>/dev/null; }
  echo "format $recorded: refused by restore, snapinfo (5 subcommands) and snapfs: $expected"
done

t_result
