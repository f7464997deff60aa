// What a restored Node.js instance shares with its siblings and what it does
// not, as examples/node/README.md and snappy_checkpoint.js describe it.
// Prints one JSON line after the snapshot point; node_properties_test.sh
// compares the lines of a cold run and of several restored instances.
// (console before the marker: console_before_marker.js.)
'use strict';
const crypto = require('crypto');
const path = require('path');
const { checkpoint, reseedMathRandom } = require(
  path.join(__dirname, '../../examples/node/snappy_checkpoint.js'));

Math.random();
crypto.randomUUID();  // fills Node's UUID entropy batch before the snapshot
const events = [];
setTimeout(() => events.push('timer set before the snapshot (1500 ms)'), 1500);

const restored = checkpoint();

const result = {
  restored,
  mathRandom: Math.random(),
  uuid: crypto.randomUUID(),
  randomBytes: crypto.randomBytes(8).toString('hex'),
};
reseedMathRandom();
result.reseeded = Math.random();
result.reseededInRange = Array.from({ length: 1000 }, Math.random).every((x) => x >= 0 && x < 1);
setTimeout(() => events.push('timer set after the snapshot (300 ms)'), 300);
setTimeout(() => {
  result.timers = events;
  console.log(JSON.stringify(result));
}, 1700);
