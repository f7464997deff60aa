#!/bin/bash
# The learned working set, end to end, on tests/targets/learned_work.c:
#   - a cold run, an unlearned restore, the training run and three learned
#     restores print the same stdout and exit 0;
#   - the learned restores take fewer minor faults (the target counts them
#     with getrusage after its checkpoint and writes them to fd 3) than the
#     unlearned one and than restore --no-learned: a quarter at most;
#   - snapinfo shows the set (text and JSON), a second training run merges;
#   - in an instance blocked before its job (pagemap, populated_pages.py)
#     the write set is private and every other file-backed page shared; the
#     read set is populated only with --learned-reads;
#   - restore --populate keeps the 64 MiB reservation at its stored page;
#   - corrupt learned records (patched with fixed checksums, flipped bytes,
#     truncation) and stale ones (other pages) are refused: one line, exit 1;
#   - learn refuses to write NAME.info owned by another user in a sticky
#     directory.
#   - with process_madvise failing (a seccomp filter), the fallback of one
#     madvise per range prefaults as well;
# usage: learned_test.sh PTRACER RESTORE SNAPINFO INFO_PATCH TARGET WITHOUT_PROCESS_MADVISE WORKDIR
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
if [[ $# != 7 ]]; then
  echo "usage: learned_test.sh PTRACER RESTORE SNAPINFO INFO_PATCH TARGET WITHOUT_PROCESS_MADVISE WORKDIR" >&2
  exit 2
fi
ptracer=$(realpath "$1") restore=$(realpath "$2") snapinfo=$(realpath "$3")
info_patch=$(realpath "$4") target=$(realpath "$5") without_batch=$(realpath "$6")
here=$(dirname "$(realpath "$0")")
rm -rf "$7" && mkdir -p "$7" && cd "$7"

value() { awk -v k="$1" '$1 == k {print $2}' "$2"; }  # value KEY FD3FILE

"$target" </dev/null >cold.out 2>cold.err 3>cold.fd3 || fail "cold run exited $?"
"$ptracer" -o snap "$target" </dev/null >rec.out 2>rec.err || { echo "FAIL: recording: $(tail -n 3 rec.err)"; exit 1; }
cp snap.info unlearned.info

# run_restore TAG ARGS...: restore, stdout compared with the cold run's.
run_restore() {
  local tag=$1 status=0
  shift
  "$restore" "$@" </dev/null >"$tag.out" 2>"$tag.err" 3>"$tag.fd3" || status=$?
  [[ $status == 0 ]] || fail "$tag: exit $status: $(head -c 300 "$tag.err")"
  cmp -s cold.out "$tag.out" || fail "$tag: stdout differs from the cold run"
  [[ ! -s $tag.err ]] || fail "$tag: stderr: $(head -c 300 "$tag.err")"
}

run_restore unlearned snap
unlearned_faults=$(value faults unlearned.fd3)
echo "cold: $(value faults cold.fd3) faults; unlearned restore: $unlearned_faults faults"
[[ $unlearned_faults -gt 992 ]] || fail "the unlearned restore took only $unlearned_faults faults (the job writes 992 pages)"

# Training: the job's output is the program's, the summary one line.
status=0
"$snapinfo" learn snap </dev/null >train.out 2>train.err 3>/dev/null || status=$?
[[ $status == 0 ]] || fail "snapinfo learn: exit $status: $(cat train.err)"
cmp -s cold.out train.out || fail "the training run's stdout differs from the cold run"
grep -Eq '^snapinfo learn: snap: [0-9]+ pages written, [0-9]+ read, from 1 training runs' train.err ||
  fail "snapinfo learn's summary: $(cat train.err)"
written=$(sed -E 's/.*: ([0-9]+) pages written.*/\1/' train.err)
[[ $written -ge 992 ]] || fail "the learned set has $written written pages (the job writes 992)"
"$snapinfo" snap | grep -Eq "learned working set: $written pages written, [0-9]+ read, from 1 training run " ||
  fail "snapinfo does not show the learned set: $("$snapinfo" snap | grep learned)"
"$snapinfo" --json snap | grep -Eq "\"learned\": \\{\"training_runs\": 1, \"pages_written\": $written," ||
  fail "snapinfo --json does not show the learned set"

for i in 1 2 3; do
  run_restore "learned$i" snap
  faults=$(value faults "learned$i.fd3")
  echo "learned restore $i: $faults faults"
  (( faults * 4 < unlearned_faults )) || fail "learned restore $i took $faults faults, unlearned $unlearned_faults"
done
# The fallback: process_madvise refused, one madvise per range.
status=0
"$without_batch" "$restore" snap </dev/null >fallback.out 2>fallback.err 3>fallback.fd3 || status=$?
[[ $status == 0 ]] && cmp -s cold.out fallback.out || fail "restore without process_madvise: exit $status: $(cat fallback.err)"
fallback_faults=$(value faults fallback.fd3)
echo "learned restore without process_madvise: $fallback_faults faults"
(( fallback_faults * 4 < unlearned_faults )) || fail "the per-range fallback took $fallback_faults faults"
run_restore ignored --no-learned snap
ignored_faults=$(value faults ignored.fd3)
(( ignored_faults > 992 )) || fail "restore --no-learned took $ignored_faults faults: the set was applied"
# What restore populated, seen in an instance blocked on stdin right after
# its snapshot point (the target reads a byte there): the write set is the
# instance's own memory, every other page of a file or NAME.pages mapping
# is still shared, and the read set is left to the faults (mapped up front
# only with --learned-reads). Then the job runs and prints what cold does.
# blocked_counts TAG ARGS...: the populated_pages.py line into $counts.
blocked_counts() {
  local tag=$1 pid status=0 i
  shift
  rm -f stdin.fifo && mkfifo stdin.fifo
  "$restore" "$@" <stdin.fifo >"$tag.out" 2>"$tag.err" 3>/dev/null &
  pid=$!
  exec {hold}>stdin.fifo
  for (( i = 0; i < 200; i++ )); do  # up to 10 s: blocked in read(0, ...)
    [[ $(cut -d' ' -f1,2 "/proc/$pid/syscall" 2>/dev/null) == "0 0x0" ]] && break
    sleep 0.05
  done
  counts=$(/usr/bin/python3 "$here/populated_pages.py" snap "$pid") || fail "$tag: populated_pages.py failed"
  exec {hold}>&-
  wait "$pid" || status=$?
  [[ $status == 0 ]] && cmp -s cold.out "$tag.out" || fail "$tag: exit $status, stdout differs from the cold run: $(head -c 300 "$tag.err")"
  echo "$tag, blocked before its job: $counts"
}
count() { sed -E "s/.*\<$1=([0-9]+).*/\1/" <<<"$counts"; }
blocked_counts blocked_unlearned --no-learned snap
unlearned_read_present=$(count read_present)
(( $(count written_private) * 4 < $(count written) )) ||
  fail "--no-learned: $(count written_private) of $(count written) written pages private before the job"
blocked_counts blocked_learned snap
[[ $(count written_private) == "$(count written)" ]] || fail "learned: the write set is not all private: $counts"
[[ $(count shared_private) == 0 ]] || fail "learned: pages outside the write set were copied: $counts"
(( $(count read_present) <= unlearned_read_present + 16 && $(count read_present) * 2 < $(count read) )) ||
  fail "learned: the read set was populated ($counts; --no-learned: $unlearned_read_present present)"
blocked_counts blocked_reads --learned-reads snap
[[ $(count written_private) == "$(count written)" && $(count read_present) == "$(count read)" ]] ||
  fail "--learned-reads: not all of the set populated: $counts"
[[ $(count shared_private) == 0 ]] || fail "--learned-reads: pages outside the write set were copied: $counts"

# -n 2: each instance prefaults for itself after the fork; two outputs
# (their lines interleave in any order).
cat cold.out cold.out >cold2.out
status=0
"$restore" -n 2 snap </dev/null >instances.out 2>instances.err 3>/dev/null || status=$?
[[ $status == 0 ]] && cmp -s <(sort cold2.out) <(sort instances.out) || fail "restore -n 2: exit $status, $(head -c 300 instances.err)"

# A second run merges: two training runs, the same pages (a union).
"$snapinfo" learn snap </dev/null >train2.out 2>train2.err 3>/dev/null || fail "second learn: $(cat train2.err)"
grep -Eq "^snapinfo learn: snap: $written pages written, [0-9]+ read, from 2 training runs" train2.err ||
  fail "the second run's summary: $(cat train2.err)"
"$snapinfo" learn --fresh snap </dev/null >train3.out 2>train3.err 3>/dev/null || fail "learn --fresh: $(cat train3.err)"
grep -q "from 1 training runs" train3.err || fail "learn --fresh did not start again: $(cat train3.err)"
[[ $(stat -c %a snap.info) == 600 ]] || fail "the rewritten snap.info has mode $(stat -c %a snap.info)"

# --populate: the stored runs only, never the reservation's holes.
run_restore populate --no-learned --populate snap
rss=$(value reservation_rss_kb populate.fd3)
echo "restore --populate: reservation Rss $rss kB of 65536"
[[ -n $rss && $rss -le 64 ]] || fail "restore --populate mapped $rss kB of the untouched reservation"
(( $(value faults populate.fd3) * 4 < unlearned_faults )) || fail "restore --populate did not prefault the stored pages"

# expect_refused WHAT REASON ARGS...: one line naming REASON, exit 1,
# nothing of the program.
expect_refused() {
  local what=$1 reason=$2 status=0
  shift 2
  "$@" </dev/null >refused.out 2>refused.err 3>/dev/null || status=$?
  if [[ $status != 1 || -s refused.out || $(wc -l <refused.err) != 1 ]] || ! grep -Eq -- "$reason" refused.err; then
    fail "$what: exit $status, stdout $(wc -c <refused.out) bytes, stderr: $(cat refused.err)"
  fi
}
cp snap.info learned.info
for change in learned-outside:"learned run outside its mapping" learned-overlap:"learned runs unsorted or overlapping" \
              learned-kind:"unknown kind of learned run" learned-readonly:"learned write run in memory restore cannot write" \
              learned-stale:"learned set recorded against other pages"; do
  cp learned.info snap.info
  "$info_patch" snap.info "${change%%:*}"
  expect_refused "${change%%:*}" "^restore: snap.info: ${change#*:}" "$restore" snap
  expect_refused "snapinfo ${change%%:*}" "^snapinfo: .*${change#*:}" "$snapinfo" snap
done
# Bytes of the learned section flipped, and the file cut inside it.
/usr/bin/python3 - learned.info <<'PY'
import struct, sys, random
data = open(sys.argv[1], 'rb').read()
offset, count, size = struct.unpack_from('<QII', data, 112 + 16 * 10)  # sections[kLearnedRuns]
assert count > 0 and size == 24, (count, size)
rng = random.Random(15)
for i in range(8):
    b = bytearray(data)
    b[offset + rng.randrange(count * size)] ^= 1 << rng.randrange(8)
    open(f'flipped{i}.info', 'wb').write(b)
open('cut.info', 'wb').write(data[:offset + size // 2])
PY
for i in 0 1 2 3 4 5 6 7; do
  cp "flipped$i.info" snap.info
  expect_refused "flipped byte $i" "checksum mismatch" "$restore" snap
done
cp cut.info snap.info
expect_refused "truncated learned section" "shorter than recorded" "$restore" snap

# learn's own refusals: one line each, nothing stored.
cp learned.info snap.info
expect_refused "learn with a missing restore" "^snapinfo learn: $PWD/nosuch: No such file" \
  "$snapinfo" learn --restore "$PWD/nosuch" snap
expect_refused "learn when restore fails" "before the program ran: nothing learned" \
  "$snapinfo" learn --restore /bin/false snap
expect_refused "learn of a missing snapshot" "^snapinfo: nosuch.info: No such file" "$snapinfo" learn nosuch
status=0
"$snapinfo" learn </dev/null >/dev/null 2>usage.err || status=$?
[[ $status == 2 ]] && grep -q "no snapshot NAME given" usage.err || fail "learn without NAME: exit $status: $(cat usage.err)"
cmp -s learned.info snap.info || fail "a refused learn changed snap.info"

# Stale: NAME.pages of another recording under the learned NAME.info.
cp learned.info snap.info
"$ptracer" -o other "$target" </dev/null >/dev/null 2>&1 || fail "recording again"
cp snap.pages learned.pages && cp other.pages snap.pages
expect_refused "pages replaced after learning" "^restore: " "$restore" snap
cp learned.pages snap.pages
run_restore restored_back snap

# A shared sticky directory: NAME.info owned by another user is never
# replaced by learn (whoever owns it could plant it again).
if id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
  shared=$(mktemp -d /tmp/learned-shared.XXXXXX)
  chmod 1777 "$shared"
  cp learned.info "$shared/snap.info" && cp learned.pages "$shared/snap.pages"
  chown nobody:nogroup "$shared/snap.info" "$shared/snap.pages"
  before=$(sha256sum <"$shared/snap.info")
  status=0
  "$snapinfo" learn "$shared/snap" </dev/null >shared.out 2>shared.err 3>/dev/null || status=$?
  [[ $status == 1 ]] || fail "learn into another user's NAME.info: exit $status: $(cat shared.err)"
  grep -Eq "another user|owner" shared.err || fail "learn into another user's NAME.info: $(cat shared.err)"
  [[ $(sha256sum <"$shared/snap.info") == "$before" ]] || fail "another user's NAME.info was changed"
  # Links another user planted in the shared directory, pointing at this
  # user's snapshot: never followed into a rewrite. AtomicFile refuses to
  # replace a name another user owns in a sticky directory, whether or not
  # fs.protected_symlinks lets the read follow it (this machine: 0).
  cp learned.info victim.info && cp learned.pages victim.pages
  before=$(sha256sum <victim.info)
  t_as_nobody ln -s "$PWD/victim.info" "$shared/planted.info"
  t_as_nobody ln -s "$PWD/victim.pages" "$shared/planted.pages"
  status=0
  "$snapinfo" learn "$shared/planted" </dev/null >shared.out 2>shared.err 3>/dev/null || status=$?
  [[ $status == 1 && $(wc -l <shared.err) == 1 ]] || fail "learn through planted links: exit $status: $(cat shared.err)"
  [[ -L $shared/planted.info && $(sha256sum <victim.info) == "$before" ]] || fail "learn through planted links changed a file"
  # The other way round: that user cannot train (nor read) this user's
  # snapshot, mode 0600.
  cp learned.info "$shared/mine.info" && cp learned.pages "$shared/mine.pages"
  chmod 600 "$shared/mine.info" "$shared/mine.pages"
  before=$(sha256sum <"$shared/mine.info")
  status=0
  t_as_nobody "$snapinfo" learn --restore "$restore" "$shared/mine" \
      </dev/null >shared.out 2>shared.err 3>/dev/null || status=$?
  [[ $status == 1 && $(wc -l <shared.err) == 1 ]] || fail "another user's learn of my snapshot: exit $status: $(cat shared.err)"
  [[ $(sha256sum <"$shared/mine.info") == "$before" ]] || fail "another user changed my NAME.info"
  rm -rf "$shared"
else
  echo "no user nobody or no setpriv: the shared-directory case is not run"
fi

t_result
