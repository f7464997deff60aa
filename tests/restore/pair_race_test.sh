#!/usr/bin/env bash
# NAME recorded again while it is restored: a reader opens NAME.info, then
# NAME.pages, and the writer renames NAME.pages into place, then NAME.info,
# so a reader between them sees one new and one old file. restore, snapinfo
# and snapfs must get the old pair or the new pair, never refuse it:
# 2000 restores while NAME flips between two recordings (the writer's two
# renames, from a loop), then restores while ptracer records NAME again and
# again. Every restore's output must be the first restore's.
# usage: pair_race_test.sh PTRACER RESTORE WORKDIR TINY_TARGET SNAPINFO
# (PAIR_RACE_RESTORES and PAIR_RACE_SNAPINFO change the counts.)
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
ptracer=$1 restore=$2 workdir=$3 target=$4 snapinfo=$5
restores=${PAIR_RACE_RESTORES:-2000}
t_workdir "$workdir"

for n in a b name; do
  "$ptracer" -o "$workdir/$n" "$target" </dev/null >/dev/null 2>"$n.rec.err" || { fail "record: $(tail -n 2 "$n.rec.err")"; exit 1; }
done
expected=$("$restore" "$workdir/name" 2>&1)
[[ $expected == *restored ]] || { fail "restore: $expected"; exit 1; }

# The writer: NAME becomes a, then b, then a..., each time NAME.pages
# first, then NAME.info (common/atomic_file.cc rename_pair_into_place),
# with a pause like a short recording's between pairs.
cat >flip.py <<'PY'
import os, sys, time
stop = sys.argv[1]
pair = 0
while not os.path.exists(stop):
    src = "ab"[pair % 2]
    for ext in ("pages", "info"):
        os.link(f"{src}.{ext}", f"name.{ext}.tmp")
        os.rename(f"name.{ext}.tmp", f"name.{ext}")
    pair += 1
    time.sleep(0.0005)
print(pair)
PY
# restore_loop N: N restores; prints how many differed from the first.
restore_loop() {
  local bad=0 i out
  for ((i = 0; i < $1; i++)); do
    out=$("$restore" "$workdir/name" 2>&1)
    if [[ $out != "$expected" ]]; then
      ((bad++ < 3)) && echo "restore $i: $out" >&2
    fi
  done
  echo $bad
}

python3 flip.py "$workdir/stop" >flips.out & flipper=$!
start=$SECONDS
bad=$(restore_loop "$restores")
infos=${PAIR_RACE_SNAPINFO:-200} info_bad=0
for ((i = 0; i < infos; i++)); do
  "$snapinfo" "$workdir/name" >/dev/null 2>snapinfo.err || { ((info_bad < 3)) && cat snapinfo.err; info_bad=$((info_bad + 1)); }
done
touch "$workdir/stop"; wait $flipper
echo "$restores restores and $infos snapinfo runs while NAME flipped $(cat flips.out) times ($((SECONDS - start)) s):" \
     "$bad restores and $info_bad snapinfo runs went wrong"
[[ $bad == 0 ]] || fail "$bad of $restores restores were refused or differed"
[[ $info_bad == 0 ]] || fail "$info_bad snapinfo runs failed"

# The same with the real writer: ptracer records NAME again, 30 times.
( for ((i = 0; i < 30; i++)); do "$ptracer" -o "$workdir/name" "$target" </dev/null >/dev/null 2>>rerecord.err; done
  touch "$workdir/recorded" ) &
recorder=$!
bad=0 count=0
while [[ ! -e $workdir/recorded ]]; do
  bad=$((bad + $(restore_loop 20))); count=$((count + 20))
done
wait $recorder
echo "$count restores while ptracer recorded NAME 30 times: $bad went wrong"
[[ $bad == 0 ]] || fail "$bad of $count restores during re-recording were refused or differed"

t_result
