// Workload: Debian's node (v20) requiring a set of core modules and building
// a little data, then the snapshot point marker, then a trivial job.
//
//   node node_startup.js [--block] [--exit|--really-exit] [--gc|--scavenge] [--warm] [--phases]
//
// The marker is examples/node/snappy_checkpoint.js's checkpoint()
// (fs.accessSync('/proc/snappy-start/checkpoint')). It comes before the
// script first touches process.stdout or console: creating the stdout stream
// on a pipe or a terminal sets fd 1 non-blocking (ioctl FIONBIO), which would
// end the recording there. Not required before it: assert (loading it
// creates process.stderr, to choose colours). Options:
//   --block        read stdin (fs.readSync, blocking) right after the marker,
//                  so the benchmark can measure an instance's memory there;
//   --exit         end with the helper's exit(0) after the job (process.exit
//                  once stdout has drained): no further turn
//                  of the event loop and no environment teardown, but 'exit'
//                  listeners and Node's native exit path (the V8 platform's
//                  threads stopped, atexit handlers such as OpenSSL's);
//   --really-exit  end with process.reallyExit(0): the same without the
//                  'exit' listeners;
//   --gc           a full GC just before the marker (checkpoint({ gc: true })):
//                  the young generation is left empty;
//   --scavenge     a scavenge only just before the marker
//                  (checkpoint({ gc: 'minor' }));
//   --warm         before the marker, run the job once with its output to a
//                  dummy stream (its functions and console's are compiled in
//                  the snapshot);
//   --phases       print to stderr, at the marker's return, after the job
//                  and at the 'exit' event: CLOCK_MONOTONIC ns, CPU us and
//                  minor faults so far (bench/nodejs.py --phases reads them).
// Without --exit/--really-exit the script ends normally (Node's full
// shutdown), which a restored instance also runs.
'use strict';
const crypto = require('crypto');
const events = require('events');
const fs = require('fs');
const http = require('http');  // loads net, stream, timers machinery; no socket
const os = require('os');
const path = require('path');
const querystring = require('querystring');
const readline = require('readline');
const stream = require('stream');
const url = require('url');
const util = require('util');
const zlib = require('zlib');

const { checkpoint, exit } = require('../../examples/node/snappy_checkpoint.js');

const argv = new Set(process.argv.slice(2));

// "Startup work": a table of 20,000 records, an index, a compressed blob.
const records = [];
for (let i = 0; i < 20000; i++) {
  records.push({ id: i, name: `item-${i}`, tags: [i % 7, i % 11], price: (i * 37) % 1000 / 10 });
}
const byName = new Map(records.map((r) => [r.name, r]));
const blob = zlib.deflateSync(Buffer.from(JSON.stringify(records.slice(0, 2000))));
if (byName.size !== records.length || blob.length === 0) throw new Error('bad table');
const emitter = new events.EventEmitter();
const agent = new http.Agent({ keepAlive: false });

function job(write) {
  const r = byName.get('item-12345');
  const digest = crypto.createHash('sha256').update(r.name).digest('hex').slice(0, 16);
  const q = querystring.stringify({ id: r.id, tags: r.tags.join(',') });
  const u = new url.URL(`https://example.com/${path.posix.join('items', String(r.id))}?${q}`);
  write(util.format('%s %d %s %s %d %s', r.name, r.price, digest, u.href, blob.length,
                    typeof agent.maxSockets));
}

if (argv.has('--warm')) {
  const sink = [];
  job((line) => sink.push(line));
  // colorMode false: 'auto' would look at process.stderr to choose colours.
  const dummy = new stream.Writable({ write(c, e, cb) { cb(); } });
  new console.Console({ stdout: dummy, colorMode: false }).log(sink[0]);
}

checkpoint({ gc: argv.has('--gc') || (argv.has('--scavenge') ? 'minor' : false) });

// --phases: wall clock, CPU time and minor faults of this process (all
// threads) at the marker's return, after the job and at the 'exit' event.
const phases = [];
const phase = () => {
  const r = process.resourceUsage();
  phases.push([process.hrtime.bigint(), r.userCPUTime + r.systemCPUTime, r.minorPageFault]);
};
if (argv.has('--phases')) {
  phase();
  process.on('exit', () => {
    phase();
    fs.writeSync(2, `phases ${phases.map((p) => p.join(',')).join(' ')}\n`);
  });
}

if (argv.has('--block')) fs.readSync(0, Buffer.alloc(1));

job((line) => console.log(line));
if (argv.has('--phases')) phase();
// Once the output is out (on a pipe, stdout may queue it): exit.
if (argv.has('--exit')) exit(0);
if (argv.has('--really-exit')) process.stdout.write('', () => process.reallyExit(0));
void emitter; void os; void readline;
