#!/usr/bin/env bash
# A full disk: every tool that writes a snapshot or a file from one (ptracer
# -o, snap -o, snap -z, snapinfo pack, unpack, core -o) gives ONE line on
# stderr naming the path and "No space left on device", exits non-zero
# (ptracer and snapinfo 1, snap 3), and leaves no temporary file, nothing
# new under the final name and the previous file there byte for byte. The
# disk is a 64 KiB tmpfs (every output here is over 1 MiB of incompressible
# memory); then a sweep of sizes around what a snapshot needs makes the
# space run out at every point of writing a pair (pages, trailer, info):
# each run either writes a whole snapshot or fails as above.
#
# usage: full_disk_test.sh PTRACER SNAP SNAPINFO RESTORE TARGET WORKDIR
# Exit 77 (skipped) when a tmpfs cannot be mounted here (not root).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
t_usage 6 "PTRACER SNAP SNAPINFO RESTORE TARGET WORKDIR" "$@"
ptracer=$1 snap=$2 snapinfo=$3 restore=$4 target=$5 workdir=$6
if mountpoint -q "$workdir/full" 2>/dev/null; then umount "$workdir/full"; fi
t_workdir "$workdir" full
full=$workdir/full
if ! mount -t tmpfs -o size=64k,mode=0755 snappy-full-disk "$full" 2>mount.err; then
  echo "SKIP: cannot mount a 64 KiB tmpfs at $full: $(tr '\n' ' ' <mount.err)"
  exit 77
fi
live=
finish() {
  if [[ -n $live ]]; then
    kill -KILL "$live" 2>/dev/null
    wait "$live" 2>/dev/null
  fi
  cd / && umount "$full"
}
trap finish EXIT

# What is written from: a snapshot outside the small disk, its pack, and a
# live process.
"$ptracer" -o rec "$target" </dev/null >rec.out 2>rec.err || { echo "FAIL: recording: $(cat rec.err)"; exit 1; }
"$snapinfo" pack rec -o rec.snap.zst 2>pack.err || { echo "FAIL: packing: $(cat pack.err)"; exit 1; }
"$target" --wait >live.out 2>&1 </dev/null &
live=$!
for _ in $(seq 100); do grep -q ready live.out && break; sleep 0.05; done

# previous NAME...: the small disk holds only these files, each with a
# previous content that must survive.
previous() {
  rm -rf "${full:?}"/* "${full:?}"/.[!.]* 2>/dev/null
  mkdir -p before && rm -f before/*
  for f in "$@"; do
    echo "previous $f" >"$full/$f"
    cp -p "$full/$f" before/
  done
}

# refused WHAT WANT_EXIT ERR PATH: the run failed as it must.
refused() {
  local what=$1 want=$2 err=$3 path=$4 status=$5
  echo "$what: exit $status: $(tr '\n' '|' <"$err")"
  [[ $status == "$want" ]] || fail "$what: exit $status, not $want"
  [[ $(wc -l <"$err") == 1 ]] || fail "$what: not one line on stderr"
  grep -q "No space left on device" "$err" || fail "$what: the line does not say 'No space left on device'"
  grep -qF "$path" "$err" || fail "$what: the line does not name $path"
  [[ $(ls -A "$full" | sort) == $(ls -A before | sort) ]] ||
    fail "$what: files on the full disk: $(ls -A "$full" | tr '\n' ' '), before: $(ls -A before | tr '\n' ' ')"
  for f in before/*; do
    cmp -s "$f" "$full/${f#before/}" || fail "$what: the previous ${f#before/} changed"
  done
}

status=0
previous snap.info snap.pages
"$ptracer" -o "$full/snap" "$target" </dev/null >out 2>err || status=$?
refused "ptracer -o" 1 err "$full/snap." $status

status=0
previous live.info live.pages
"$snap" -o "$full/live" "$live" >out 2>err || status=$?
refused "snap -o" 3 err "$full/live." $status

status=0
previous live.snap.zst
"$snap" -z -o "$full/live" "$live" >out 2>err || status=$?
refused "snap -z" 3 err "$full/live." $status

# The live process ran on through both: not stopped, not traced, no child.
grep -q '^State:.*[RS]' "/proc/$live/status" || fail "the live process was left $(grep State "/proc/$live/status")"
grep -q '^TracerPid:[[:space:]]*0$' "/proc/$live/status" || fail "the live process is still traced"
[[ -z $(tr -d ' ' <"/proc/$live/task/$live/children") ]] || fail "the live process has a child left"

status=0
previous rec.snap.zst
"$snapinfo" pack rec -o "$full/rec.snap.zst" >out 2>err || status=$?
refused "snapinfo pack" 1 err "$full/rec.snap.zst" $status

status=0
previous un.info un.pages
"$snapinfo" unpack rec.snap.zst -o "$full/un" >out 2>err || status=$?
refused "snapinfo unpack" 1 err "$full/un." $status

status=0
previous rec.core
"$snapinfo" core rec -o "$full/rec.core" >out 2>err || status=$?
refused "snapinfo core" 1 err "$full/rec.core" $status

# The sweep: disk sizes from 24 KiB short of a whole pair to 24 KiB over,
# for ptracer and unpack (both write NAME.pages, its trailer page, then
# NAME.info, and rename the pair).
need=$(( $(du -B1 rec.pages | cut -f1) + $(du -B1 rec.info | cut -f1) ))
sweep() {  # WRITER
  local writer=$1 size whole=0 short=0 info_short=0 status
  for (( size = (need / 4096 - 6) * 4096; size <= (need / 4096 + 6) * 4096; size += 4096 )); do
    rm -rf "${full:?}"/*
    mount -o remount,size=$size "$full" || { fail "remount size=$size"; continue; }
    previous sw.info sw.pages
    status=0
    case $writer in
      ptracer) "$ptracer" -o "$full/sw" "$target" </dev/null >out 2>err || status=$? ;;
      unpack) "$snapinfo" unpack rec.snap.zst -o "$full/sw" >out 2>err || status=$? ;;
    esac
    if (( status == 0 )); then
      whole=$((whole + 1))
      ls -A "$full" | grep -q '\.tmp\.' && fail "$writer, $size bytes: temporary file left"
      "$snapinfo" verify "$full/sw" >/dev/null 2>verify.err || fail "$writer, $size bytes: exit 0 but not whole: $(cat verify.err)"
    else
      short=$((short + 1))
      grep -q 'sw\.info' err && info_short=$((info_short + 1))
      refused "$writer on $size bytes" 1 err "$full/sw." $status >/dev/null
    fi
  done
  echo "sweep $writer around $need bytes: $whole whole, $short refused ($info_short at NAME.info)"
  (( whole > 0 && short > 0 )) || fail "sweep $writer: the sizes did not straddle the need"
}
sweep ptracer
sweep unpack

t_result
