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
#   * touching process.stdout before the marker: with stdout a pipe the
#     recording stops at libuv's ioctl(FIONBIO); with stdout a file it
#     reaches the marker; require('assert') creates process.stderr (the
#     same ioctl with stderr a pipe).
set -uo pipefail
[[ $# -eq 3 ]] || { echo "usage: node_properties_test.sh PTRACER RESTORE WORKDIR" >&2; exit 2; }
ptracer=$(realpath "$1")
restore=$(realpath "$2")
workdir=$3
here=$(cd "$(dirname "$0")" && pwd)
node=/usr/bin/node
[[ -x $node ]] || { echo "FAIL: $node is missing: run ./make.sh (it installs Debian's nodejs)"; exit 1; }
mkdir -p "$workdir" && cd "$workdir" || exit 1
rm -f ./*.json ./*.err ./*.info ./*.pages

failed=0
fail() { echo "FAIL: $*"; failed=1; }

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

# Touching stdout before the marker.
"$ptracer" -o early-pipe "$node" "$here/properties.js" --touch-stdout </dev/null 2>early-pipe.err | cat >/dev/null
grep -q 'at ioctl' early-pipe.err && echo "ok   stdout touched before the marker, a pipe: recorded at ioctl" ||
  fail "stdout a pipe: expected the snapshot at ioctl: $(tail -n 1 early-pipe.err)"
"$ptracer" -o early-file "$node" "$here/properties.js" --touch-stdout </dev/null >early-file.out 2>early-file.err
grep -q 'checkpoint marker' early-file.err && echo "ok   stdout touched before the marker, a file: recorded at the marker" ||
  fail "stdout a file: expected the snapshot at the marker: $(tail -n 1 early-file.err)"
# Loading assert creates process.stderr: with stderr a pipe, the same ioctl.
"$ptracer" -o early-assert "$node" "$here/properties.js" --require-assert </dev/null 2>&1 >/dev/null |
  cat >early-assert.err
grep -q 'at ioctl' early-assert.err && echo "ok   assert required before the marker, stderr a pipe: recorded at ioctl" ||
  fail "assert, stderr a pipe: expected the snapshot at ioctl: $(tail -n 1 early-assert.err)"

[[ $failed == 0 ]] || { echo "RESULT: FAIL ($workdir)"; exit 1; }
echo "RESULT: ok"
