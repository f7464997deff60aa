#!/bin/bash
# Restored Node.js instances: what they share and what they do not
# (properties.js). usage: node_properties_test.sh PTRACER RESTORE WORKDIR
#   * checkpoint() is false cold, true restored;
#   * Math.random and a randomUUID batch drawn before the snapshot are the
#     same in every instance; reseedMathRandom() and crypto.randomBytes
#     differ (OpenSSL reseeds on a new pid);
#   * a timer set before the snapshot keeps its monotonic deadline: a
#     1500 ms timer, in an instance restored 2 s later, is due and fires
#     before a 300 ms timer set after the snapshot point (cold: the other
#     way round);
#   * console.log, console.error and require('assert') before the marker
#     (console_before_marker.js): libuv's ioctl(FIONBIO) on a pipe stdout
#     or stderr is recorded, the recording reaches the marker and every
#     restore prints the cold run's bytes.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
[[ $# -eq 3 ]] || { echo "usage: node_properties_test.sh PTRACER RESTORE WORKDIR" >&2; exit 2; }
ptracer=$(realpath "$1")
restore=$(realpath "$2")
workdir=$3
here=$(cd "$(dirname "$0")" && pwd)
node=/usr/bin/node
[[ -x $node ]] || { echo "FAIL: $node is missing: run ./make.sh (it installs Debian's nodejs)"; exit 1; }
mkdir -p "$workdir" && cd "$workdir" || exit 1
rm -f ./*.json ./*.err ./*.info ./*.pages


"$node" "$here/properties.js" </dev/null >cold.json || fail "cold run: exit $?"
"$ptracer" -o props "$node" "$here/properties.js" </dev/null >/dev/null 2>record.err ||
  { cat record.err; fail "ptracer: exit $?"; }
grep -q 'checkpoint marker' record.err || fail "not recorded at the marker: $(tail -n 1 record.err)"
sleep 2
for i in 1 2 3; do
  "$restore" props </dev/null >"restored$i.json" 2>"restored$i.err" || fail "restore $i: exit $?"
done

"$node" - cold.json restored1.json restored2.json restored3.json <<'JS' || failed=1
const fs = require('fs');
const [cold, ...rs] = process.argv.slice(2).map((f) => JSON.parse(fs.readFileSync(f, 'utf8')));
let bad = 0;
const check = (ok, what) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`); if (!ok) bad++; };
const distinct = (k) => new Set(rs.map((r) => r[k])).size === rs.length;
const before = 'timer set before the snapshot (1500 ms)', after = 'timer set after the snapshot (300 ms)';
check(cold.restored === false && rs.every((r) => r.restored === true), 'checkpoint(): false cold, true restored');
check(new Set(rs.map((r) => r.mathRandom)).size === 1, 'Math.random: the same value in every instance');
check(distinct('reseeded') && rs.every((r) => r.reseededInRange), 'reseedMathRandom(): a different value per instance, in [0, 1)');
check(distinct('randomBytes'), 'crypto.randomBytes: different per instance');
check(new Set(rs.map((r) => r.uuid)).size === 1, 'crypto.randomUUID after a pre-snapshot call: the same in every instance');
check(JSON.stringify(cold.timers) === JSON.stringify([after, before]), 'cold: the 300 ms timer fires first');
check(rs.every((r) => JSON.stringify(r.timers) === JSON.stringify([before, after])),
      'restored 2 s later: the pre-snapshot timer is due and fires first');
process.exit(bad ? 1 : 0);
JS

# Touching stdout and stderr before the marker (console.log, require
# 'assert'): on a pipe libuv's ioctl(FIONBIO) is recorded (a change to the
# caller's fd), so the recording reaches the marker, and each restore
# prints what the cold run prints, byte for byte, with stdout a pipe and
# stderr a file, the other way round, and both files.
early=$here/console_before_marker.js
# run_early NAME CMD...: CMD's stdout to NAME.out and stderr to NAME.err,
# each through a pipe or straight into the file as $layout says.
run_early() {
  local name=$1
  shift
  case $layout in
    out-pipe) "$@" </dev/null 2>"$name.err" | cat >"$name.out" ;;
    err-pipe) { "$@" </dev/null 2>&1 >"$name.out" | cat >"$name.err"; } ;;
    files) "$@" </dev/null >"$name.out" 2>"$name.err" ;;
  esac
}
for layout in out-pipe err-pipe files; do
  run_early "early-$layout.cold" "$node" "$early"
  # Recorded with the same pipe: ptracer's summary goes to its stderr.
  case $layout in
    out-pipe) "$ptracer" -o "early-$layout" "$node" "$early" </dev/null 2>"early-$layout.rec" | cat >/dev/null ;;
    err-pipe) "$ptracer" -o "early-$layout" "$node" "$early" </dev/null 2>&1 >/dev/null | cat >"early-$layout.rec" ;;
    files) "$ptracer" -o "early-$layout" "$node" "$early" </dev/null >/dev/null 2>"early-$layout.rec" ;;
  esac
  grep -qF '(the checkpoint marker)' "early-$layout.rec" ||
    fail "$layout: console before the marker: not recorded at the marker: $(tail -n 1 "early-$layout.rec")"
  same=1
  for i in 1 2 3; do
    run_early "early-$layout.r$i" "$restore" "early-$layout"
    cmp -s "early-$layout.cold.out" "early-$layout.r$i.out" && cmp -s "early-$layout.cold.err" "early-$layout.r$i.err" ||
      { same=0; fail "$layout: restore $i differs from cold: $(cat "early-$layout.r$i.out" "early-$layout.r$i.err")"; }
  done
  [[ $same == 1 ]] && echo "ok   console before the marker, $layout: recorded at the marker, 3 restores equal cold"
done
grep -qx 'before the marker: stderr' early-files.cold.err && grep -qx 'after the marker: stdout' early-files.cold.out ||
  fail "console_before_marker.js cold: unexpected output: $(cat early-files.cold.out early-files.cold.err)"

t_result
