// console.log and console.error before the checkpoint marker: libuv sets a
// pipe stdout/stderr non-blocking (ioctl FIONBIO) when Node first touches
// it, a change to the caller's description that ptracer records and
// restore makes again, so the recording reaches the marker. Prints the
// same bytes cold and restored (node_properties_test.sh compares them).
'use strict';
const path = require('path');
const { checkpoint } = require(path.join(__dirname, '../../examples/node/snappy_checkpoint.js'));

console.log('before the marker: stdout');
console.error('before the marker: stderr');
require('assert');
checkpoint();
console.log('after the marker: stdout');
console.error('after the marker: stderr');
