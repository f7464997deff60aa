#!/usr/bin/env bash
# Output files on a shared machine (issue 12, "Security and faults, round
# 2"). Every writer (ptracer -o, snap -o, snap -z, snapinfo core -o, pack -o,
# unpack -o), run by root and by a normal user (uid 4242), against `nobody`,
# who can write a sticky world-writable directory (our own, mode 1777):
#  A. nobody plants, at every temporary name the old writers used
#     (FINAL.tmp.PID, NAME.snap-tmpPID.*.tmp.PID, for 400 PIDs from the
#     next one), symlinks to a file of the victim's (even PIDs) and empty
#     0666 files of its own (odd PIDs). The writer succeeds; the victim's
#     file is byte for byte the same, every planted file still empty and
#     nobody's, the outputs are the caller's, mode 0600, whole, and nothing
#     else is left in the directory.
#  B. nobody owns a final name (a symlink to the victim's file, or a 0666
#     file it holds open). The writer is refused before any work: exit 1 and
#     exactly "TOOL: PATH: cannot write [the snapshot ]there: owned by another
#     user (uid 65534) in a sticky directory"; ptracer's program did not run
#     (it prints a line first thing), nothing is written anywhere.
#  C. the same plants in a world-writable directory that is not sticky (no
#     refusal there: anyone may replace anything): the writer replaces the
#     planted names, never follows the symlink, never writes into the held
#     file (read through the holder's descriptor).
# Streams: `snapinfo core -o -` and `-o /dev/stdout` into a pipe, a FIFO,
# a symlink of ours to the FIFO give the same bytes as `-o FILE` and leave
# the FIFO and the link as they were; `-o /dev/null` leaves /dev/null a
# character device; `pack -o - | unpack -` round-trips. A pair output that is a FIFO or a character device is refused with
# one line, and so is a FIFO of nobody's in a sticky directory.
#
# The whole test runs in a mount namespace of its own with a /dev of its own
# (tmpfs: null, zero, urandom, and the stdin/stdout/stderr/fd links), so
# that a writer that renames over /dev/null or /dev/stdout (the old ones
# did) replaces only that copy, never the machine's. Where no mount
# namespace can be had, the /dev cases are left out (and said so).
#
# usage: output_files_test.sh PTRACER SNAP SNAPINFO TARGET WORKDIR
# Exit 77 (skipped) when not root: the test needs setpriv to other users.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib/close_inherited_fds.sh"
t_usage 5 "PTRACER SNAP SNAPINFO TARGET WORKDIR" "$@"
if [[ $(id -u) != 0 ]]; then
  echo "SKIP: needs root (runs the writers as a second user and plants files as nobody)"
  exit 77
fi
if [[ -z ${SNAPPY_OUTPUT_FILES_NS:-} ]] && unshare --mount --propagation private true 2>/dev/null; then
  SNAPPY_OUTPUT_FILES_NS=1 exec unshare --mount --propagation private "$0" "$@"
fi
private_dev=0
if [[ -n ${SNAPPY_OUTPUT_FILES_NS:-} ]] && mount -t tmpfs -o mode=0755 snappy-test-dev /dev; then
  mknod -m 666 /dev/null c 1 3 && mknod -m 666 /dev/zero c 1 5 && mknod -m 444 /dev/urandom c 1 9 &&
    ln -s /proc/self/fd/0 /dev/stdin && ln -s /proc/self/fd/1 /dev/stdout && ln -s /proc/self/fd/2 /dev/stderr &&
    ln -s /proc/self/fd /dev/fd && private_dev=1
  (( private_dev )) || { echo "FAIL: cannot populate a private /dev"; exit 1; }
fi
(( private_dev )) || echo "no mount namespace here: the cases naming /dev/stdout, /dev/stdin, /dev/null are left out"
P=$(realpath "$1") N=$(realpath "$2") I=$(realpath "$3") T=$(realpath "$4") work=$5
t_workdir "$work"
work=$workdir
work=$(pwd)
chmod 755 "$work"
PY=/usr/bin/python3
NOBODY=("${T_NOBODY[@]}")
nobody_uid=$(id -u nobody)
user_uid=4242
failed=0 cases=0
pids=()
finish() {
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$work"/sticky.* "$work"/open.*
}
trap finish EXIT

# as VICTIM CMD...: CMD as root or as the normal user.
as() {
  local v=$1
  shift
  if [[ $v == root ]]; then "$@"; else setpriv --reuid=$user_uid --regid=$user_uid --clear-groups "$@"; fi
}
uid_of() { [[ $1 == root ]] && echo 0 || echo $user_uid; }

# The planter: nobody plants symlinks to VICTIM (even PIDs) and empty 0666
# files (odd PIDs) at every PATTERN ({pid} replaced) for COUNT PIDs from
# the next one. One process, so that it uses up no PIDs of the range.
cat >plant.py <<'EOF'
import os, sys
d, victim, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
first = int(open("/proc/sys/kernel/ns_last_pid").read()) + 1
os.umask(0)
for pid in range(first, first + count):
    for pattern in sys.argv[4:]:
        path = os.path.join(d, pattern.replace("{pid}", str(pid)))
        if pid % 2 == 0:
            os.symlink(victim, path)
        else:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
EOF

# ---- each victim's files -----------------------------------------------------
for v in root user; do
  home=$work/home-$v
  mkdir -p "$home"
  chown -R "$(uid_of $v):$(uid_of $v)" "$home"
  as $v "$P" -o "$home/rec" "$T" </dev/null >/dev/null 2>rec.err || { echo "FAIL: recording as $v: $(cat rec.err)"; exit 1; }
  as $v "$I" core "$home/rec" -o "$home/ref.core" 2>core.err || { echo "FAIL: core as $v: $(cat core.err)"; exit 1; }
  as $v "$I" pack "$home/rec" -o "$home/rec.snap.zst" 2>pack.err || { echo "FAIL: pack as $v: $(cat pack.err)"; exit 1; }
  head -c 4096 /dev/urandom >"$home/victim" && chown "$(uid_of $v)" "$home/victim" && chmod 644 "$home/victim"
  cp -p "$home/victim" "$home/victim.orig"
  # Not through `as`: $! must be the sleep itself, not a subshell of root's.
  if [[ $v == root ]]; then
    sleep 600 </dev/null >/dev/null 2>&1 &
  else
    setpriv --reuid=$user_uid --regid=$user_uid --clear-groups sleep 600 </dev/null >/dev/null 2>&1 &
  fi
  pids+=($!)
  eval "live_$v=$!"
done

# writer_finals WRITER: the final names under DIR/out.
writer_finals() {
  case $1 in
    ptracer | snap | unpack) echo "out.info out.pages" ;;
    snapz | pack) echo "out.snap.zst" ;;
    core) echo "out.core" ;;
  esac
}
# old_temps WRITER: the temporary names the old writers made (by PID).
old_temps() {
  case $1 in
    ptracer | snap | unpack) echo "out.pages.tmp.{pid} out.info.tmp.{pid}" ;;
    snapz) echo "out.snap-tmp{pid}.pages.tmp.{pid} out.snap-tmp{pid}.info.tmp.{pid} out.snap.zst.tmp.{pid}" ;;
    pack) echo "out.snap.zst.tmp.{pid}" ;;
    core) echo "out.core.tmp.{pid}" ;;
  esac
}
# run_writer WRITER VICTIM DIR: writes DIR/out; exit status in $status,
# stderr in err.
run_writer() {
  local w=$1 v=$2 d=$3 home=$work/home-$2 live
  live=live_$v
  status=0
  case $w in
    ptracer) as $v "$P" -o "$d/out" "$T" </dev/null >out 2>err || status=$? ;;
    snap) as $v "$N" -o "$d/out" "${!live}" </dev/null >out 2>err || status=$? ;;
    snapz) as $v "$N" -z -o "$d/out" "${!live}" </dev/null >out 2>err || status=$? ;;
    core) as $v "$I" core "$home/rec" -o "$d/out.core" </dev/null >out 2>err || status=$? ;;
    pack) as $v "$I" pack "$home/rec" -o "$d/out.snap.zst" </dev/null >out 2>err || status=$? ;;
    unpack) as $v "$I" unpack "$home/rec.snap.zst" -o "$d/out" </dev/null >out 2>err || status=$? ;;
  esac
}
# outputs_good WHAT WRITER VICTIM DIR: the outputs are the caller's, 0600,
# regular and whole.
outputs_good() {
  local what=$1 w=$2 v=$3 d=$4 f
  for f in $(writer_finals $w); do
    [[ $(stat -c '%u %a %F' "$d/$f" 2>&1) == "$(uid_of $v) 600 regular file" ]] ||
      fail "$what: $f is $(stat -c '%U %a %F' "$d/$f" 2>&1), not $v's, 600, a regular file"
  done
  case $w in
    ptracer | snap | unpack) "$I" verify "$d/out" >/dev/null 2>verify.err || fail "$what: out does not verify: $(cat verify.err)" ;;
    core) cmp -s "$d/out.core" "$work/home-$v/ref.core" || fail "$what: out.core differs from -o FILE's" ;;
    pack | snapz)
      rm -f rt.info rt.pages
      "$I" unpack "$d/out.snap.zst" -o rt >/dev/null 2>unpack.err || fail "$what: out.snap.zst does not unpack: $(cat unpack.err)"
      if [[ $w == pack ]]; then
        cmp -s rt.info "$work/home-$v/rec.info" && cmp -s rt.pages "$work/home-$v/rec.pages" ||
          fail "$what: out.snap.zst does not unpack to the snapshot"
      fi
      ;;
  esac
}
# victim_intact WHAT VICTIM (and the file put back for the next case).
victim_intact() {
  cmp -s "$work/home-$2/victim" "$work/home-$2/victim.orig" || fail "$1: the victim's file was written"
  cp -p "$work/home-$2/victim.orig" "$work/home-$2/victim"
}
# only_left WHAT DIR NAMES...: DIR holds the entries planted by nobody and
# exactly NAMES besides.
only_left() {
  local what=$1 d=$2
  shift 2
  local left
  left=$(find "$d" -mindepth 1 -maxdepth 1 ! -user nobody -printf '%f\n' | sort | tr '\n' ' ')
  [[ $left == "$(printf '%s\n' "$@" | sed '/^$/d' | sort | tr '\n' ' ')" ]] || fail "$what: the directory holds $left, not $*"
}
# hold FILE: nobody creates FILE 0666 and keeps it open as fd 3; sets $holder.
hold() {
  "${NOBODY[@]}" bash -c 'umask 0; exec 3<>"$1"; exec sleep 600' _ "$1" </dev/null >/dev/null 2>&1 &
  holder=$!
  pids+=($holder)
  # fd 3 may be something else while setpriv and bash start: wait for it
  # to be the file.
  for _ in $(seq 500); do [[ $(readlink "/proc/$holder/fd/3") == "$1" ]] && break; sleep 0.02; done
  [[ $(readlink "/proc/$holder/fd/3") == "$1" ]] || fail "nobody could not hold $1 open"
}
# held_empty WHAT: what nobody holds open received no byte.
held_empty() {
  local size
  size=$(stat -L -c %s "/proc/$holder/fd/3" 2>&1)
  [[ $size == 0 ]] || fail "$1: the file nobody holds open has $size bytes"
  kill -KILL "$holder" 2>/dev/null
  wait "$holder" 2>/dev/null
}
sticky_dir() {
  local d
  d=$(mktemp -d "$work/sticky.XXXXXX") && chmod 1777 "$d" && echo "$d"
}

writers="ptracer snap snapz core pack unpack"
for v in root user; do
  for w in $writers; do
    # ---- A: symlinks and 0666 files at the old temporary names ----
    cases=$((cases + 1))
    d=$(sticky_dir)
    # shellcheck disable=SC2046
    "${NOBODY[@]}" "$PY" "$work/plant.py" "$d" "$work/home-$v/victim" 400 $(old_temps $w) ||
      fail "$w as $v: planting failed"
    planted=$(find "$d" -mindepth 1 | wc -l)
    run_writer $w $v "$d"
    what="A $w as $v, $planted names planted"
    echo "$what: exit $status $(head -c 300 err | tr '\n' '|')"
    [[ $status == 0 ]] || fail "$what: exit $status: $(cat err)"
    victim_intact "$what" $v
    [[ -z $(find "$d" -mindepth 1 -user nobody -type f -size +0c) ]] || fail "$what: a planted file received bytes"
    [[ $(find "$d" -mindepth 1 -user nobody | wc -l) == "$planted" ]] || fail "$what: a planted name was replaced or removed"
    outputs_good "$what" $w $v "$d"
    # shellcheck disable=SC2046
    only_left "$what" "$d" $(writer_finals $w)
    rm -rf "$d"

    # ---- B: a final name owned by nobody in the sticky directory ----
    for f in $(writer_finals $w); do
      for plant in link held; do
        # Pairs: the symlink at NAME.info, the held file at NAME.pages.
        [[ $f == out.info && $plant == held ]] && continue
        [[ $f == out.pages && $plant == link ]] && continue
        cases=$((cases + 1))
        d=$(sticky_dir)
        if [[ $plant == link ]]; then "${NOBODY[@]}" ln -s "$work/home-$v/victim" "$d/$f"; else hold "$d/$f"; fi
        run_writer $w $v "$d"
        what="B $w as $v, $f nobody's ($plant)"
        echo "$what: exit $status: $(tr '\n' '|' <err)"
        case $w in
          ptracer | snap | snapz) want="$w: $d/$f: cannot write the snapshot there" ;;
          *) want="snapinfo: $d/$f: cannot write there" ;;
        esac
        want="${want/#snapz:/snap:}: owned by another user (uid $nobody_uid) in a sticky directory"
        [[ $status == 1 ]] || fail "$what: exit $status, not 1"
        [[ $(cat err) == "$want" ]] || fail "$what: stderr is '$(cat err)', not '$want'"
        grep -q "^tiny:" out && fail "$what: the program ran"
        victim_intact "$what" $v
        [[ $plant == held ]] && held_empty "$what"
        only_left "$what" "$d"
        rm -rf "$d"
      done
    done

    # ---- C: the same in a world-writable directory that is not sticky ----
    for plant in link held; do
      finals=($(writer_finals $w))
      (( ${#finals[@]} == 2 )) && [[ $plant == held ]] && continue  # a pair gets both at once
      cases=$((cases + 1))
      d=$(mktemp -d "$work/open.XXXXXX") && chmod 0777 "$d"
      if (( ${#finals[@]} == 2 )); then
        "${NOBODY[@]}" ln -s "$work/home-$v/victim" "$d/${finals[0]}"
        hold "$d/${finals[1]}"
        plant="link+held"
      elif [[ $plant == link ]]; then
        "${NOBODY[@]}" ln -s "$work/home-$v/victim" "$d/${finals[0]}"
      else
        hold "$d/${finals[0]}"
      fi
      run_writer $w $v "$d"
      what="C $w as $v, not sticky ($plant)"
      echo "$what: exit $status $(head -c 300 err | tr '\n' '|')"
      [[ $status == 0 ]] || fail "$what: exit $status: $(cat err)"
      victim_intact "$what" $v
      [[ $plant == *held ]] && held_empty "$what"
      outputs_good "$what" $w $v "$d"
      rm -rf "$d"
    done
  done
done

# ---- streams -----------------------------------------------------------------
home=$work/home-root
ref=$home/ref.core
# stream WHAT CMD...: CMD's stdout through a pipe is the core.
stream() {
  local what=$1
  shift
  cases=$((cases + 1))
  "$@" 2>err | cat >piped
  local codes=("${PIPESTATUS[@]}")
  echo "$what: exit ${codes[0]} $(tr '\n' '|' <err), $(stat -c %s piped) bytes"
  [[ ${codes[0]} == 0 && ! -s err ]] || fail "$what: exit ${codes[0]}: $(cat err)"
  cmp -s piped "$ref" || fail "$what: not the bytes of -o FILE"
}
stream "core -o -" "$I" core "$home/rec" -o -
if (( private_dev )); then
  stream "core -o /dev/stdout" "$I" core "$home/rec" -o /dev/stdout
  stream "core -o /dev/fd/1" "$I" core "$home/rec" -o /dev/fd/1
fi
stream "core -o /proc/self/fd/1" "$I" core "$home/rec" -o /proc/self/fd/1
[[ ! -e ./- ]] || fail "core -o -: a file named - was written"

cases=$((cases + 1))
mkfifo fifo && ln -s "$work/fifo" mylink
for out in fifo mylink; do
  timeout -k 5 30 cat fifo >fromfifo &
  reader=$!
  status=0
  timeout -k 5 30 "$I" core "$home/rec" -o "$out" 2>err || status=$?
  wait $reader
  echo "core -o $out (a FIFO): exit $status $(tr '\n' '|' <err), $(stat -c %s fromfifo) bytes"
  [[ $status == 0 ]] || fail "core -o $out: exit $status: $(cat err)"
  cmp -s fromfifo "$ref" || fail "core -o $out: the FIFO did not carry the core"
done
[[ -p fifo && -L mylink && $(readlink mylink) == "$work/fifo" ]] || fail "core -o FIFO: the FIFO or the link was replaced"

# /dev/null: this namespace's own (above).
if (( private_dev )); then
  for tool in core pack; do
    cases=$((cases + 1))
    status=0
    "$I" $tool "$home/rec" -o /dev/null 2>err || status=$?
    echo "$tool -o /dev/null: exit $status: /dev/null is $(stat -c '%F %t:%T' /dev/null) $(tr '\n' '|' <err)"
    [[ $status == 0 && ! -s err && $(stat -c '%F %t:%T' /dev/null) == "character special file 1:3" ]] ||
      fail "$tool -o /dev/null: exit $status, /dev/null now $(stat -c '%F %t:%T' /dev/null)"
    rm -f /dev/null && mknod -m 666 /dev/null c 1 3
  done
fi
cases=$((cases + 1))
mknod -m 666 nulldev c 1 3
status=0
"$I" core "$home/rec" -o nulldev 2>err || status=$?
[[ $status == 0 && -c nulldev ]] || fail "core -o a character device: exit $status, now $(stat -c %F nulldev)"
status=0
"$I" pack "$home/rec" -o nulldev 2>err || status=$?
[[ $status == 0 && -c nulldev ]] || fail "pack -o a character device: exit $status, now $(stat -c %F nulldev)"

cases=$((cases + 1))
rm -f rt.info rt.pages
"$I" pack "$home/rec" -o - 2>err | "$I" unpack - -o rt 2>>err
codes=("${PIPESTATUS[@]}")
echo "pack -o - | unpack - -o rt: exit ${codes[*]} $(tr '\n' '|' <err)"
[[ ${codes[*]} == "0 0" && ! -s err ]] || fail "pack -o - | unpack -: exit ${codes[*]}: $(cat err)"
cmp -s rt.info "$home/rec.info" && cmp -s rt.pages "$home/rec.pages" || fail "pack -o - | unpack -: not the snapshot"

# refused CODE LINE CMD...: exit CODE, exactly LINE on stderr.
refused() {
  local code=$1 line=$2 status=0
  shift 2
  cases=$((cases + 1))
  timeout -k 5 30 "$@" </dev/null >out 2>err || status=$?
  echo "$(basename "$1") ${*:2}: exit $status: $(tr '\n' '|' <err)"
  [[ $status == "$code" ]] || fail "$(basename "$1") ${*:2}: exit $status, not $code"
  [[ $(cat err) == "$line" ]] || fail "$(basename "$1") ${*:2}: stderr is '$(cat err)', not '$line'"
}
mkdir pairs && mkfifo pairs/p.info pairs/z.snap.zst && mknod pairs/u.pages c 1 3
refused 1 "ptracer: pairs/p.info: cannot write the snapshot there: a FIFO, not a regular file" "$P" -o pairs/p "$T"
grep -q "^tiny:" out && fail "ptracer -o FIFO.info: the program ran"
refused 1 "snap: pairs/p.info: cannot write the snapshot there: a FIFO, not a regular file" "$N" -o pairs/p "$live_root"
refused 1 "snap: pairs/z.snap.zst: cannot write the snapshot there: a FIFO, not a regular file" "$N" -z -o pairs/z "$live_root"
refused 1 "snapinfo: pairs/u.pages: cannot write there: a character device, not a regular file" \
  "$I" unpack "$home/rec.snap.zst" -o pairs/u
[[ -p pairs/p.info && -p pairs/z.snap.zst && -c pairs/u.pages ]] || fail "a refused pair output was replaced"
[[ $(ls pairs | sort | tr '\n' ' ') == "p.info u.pages z.snap.zst " ]] || fail "refused pair outputs left files: $(ls pairs)"
d=$(sticky_dir)
"${NOBODY[@]}" mkfifo "$d/n.core"
refused 1 "snapinfo: $d/n.core: cannot write there: owned by another user (uid $nobody_uid) in a sticky directory" \
  "$I" core "$home/rec" -o "$d/n.core"
if (( private_dev )); then
  refused 1 "snapinfo: /dev/stdin: cannot write there: not open for writing" "$I" core "$home/rec" -o /dev/stdin
  [[ -L /dev/stdin ]] || fail "core -o /dev/stdin: /dev/stdin is no longer a link"
fi

echo "$cases cases"
t_result
