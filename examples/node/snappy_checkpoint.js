// Mark the snapshot point of a Node.js program recorded by snappy-start.
//
//   const fs = require('fs'), zlib = require('zlib');  // the slow part of startup
//   const { checkpoint } = require('./snappy_checkpoint');
//   const restored = checkpoint({ reseed: true });
//   console.log(...);          // stdout is first touched after the snapshot point
//
// The contract (docs/DESIGN.md, "Snapshot points"): the program calls
// access("/proc/snappy-start/checkpoint", F_OK); fs.accessSync does exactly
// that. Nobody can create a file in /proc, so in a plain run the call fails
// with ENOENT; `ptracer` takes the snapshot at that system call, and every
// instance `restore` brings up resumes there with the call succeeding. So
// checkpoint() returns false in a cold run and true in a restored instance.
//
// Touching process.stdout, process.stderr or console before it is fine: on a
// pipe libuv sets the fd non-blocking (ioctl FIONBIO), a change to the
// caller's fd that the recorder records and every restored instance makes
// again. The stream Node made is then part of the snapshot (a file stream
// if stdout was a file while recording); created after checkpoint(), each
// instance's streams match its own fds 0-2 (file, pipe or terminal). On a
// terminal, Node's startup sets the terminal's attributes (ioctl TCSETS),
// which ends the recording before any script runs. Any other call outside
// the recorder's model ends the recording the same way: a socket (a server
// listening, a request), a child process, a file opened for writing. Threads
// are recorded: V8's platform workers, libuv's thread pool (async fs, zlib,
// crypto), worker_threads.
//
// Every restored instance starts from the same memory:
//  * Math.random: V8's generator state is in the snapshot, so every instance
//    draws the same sequence. V8 cannot be reseeded from JS; with
//    { reseed: true } a restored instance replaces Math.random with a
//    generator drawing from crypto.randomFillSync (reseedMathRandom()).
//  * crypto.randomBytes, randomInt, randomFillSync, getRandomValues: differ
//    per instance. OpenSSL 3 reseeds its generator when getpid() differs from
//    the pid it was seeded in, and a restored instance always has a new pid.
//    crypto.randomUUID() is the exception when it was called before the
//    snapshot point: Node keeps a batch of random bytes for later UUIDs, and
//    that batch is in the snapshot. Use randomUUID({ disableEntropyCache:
//    true }) before the snapshot point, or call it only after.
//  * Timers created before the snapshot point keep their deadlines on the
//    monotonic clock: in an instance restored later they are already due and
//    fire at once (an interval then continues at its period).
//    performance.now() and process.uptime() count from the recorded start.
//
// With { gc: true }, a full garbage collection runs just before the marker.
// It leaves V8's young generation empty, so the instance does not inherit a
// nearly full nursery whose first scavenge after the snapshot point would copy
// it while every page it writes costs a copy-on-write fault (see README.md).
// It uses global.gc when node runs with --expose-gc, else enables that flag at
// run time (v8.setFlagsFromString). { gc: 'minor' } runs a scavenge only
// (the young generation emptied into the old one, no mark-compact).
// Measured (README.md, "Jobs that write memory"): see there which helps.
//
// exit(code) ends the program once stdout and stderr have drained, through
// process.exit (below).
//
// SNAPPY_EXIT_AT_MARKER=1 in a cold run's environment ends it right after
// the marker (process.reallyExit(0)): bench/writing_jobs.py times a cold run
// up to its snapshot point so. SNAPPY_MARKER_CLOCK=1 writes "snappy-marker
// ns=N minflt=M" (CLOCK_MONOTONIC, minor faults so far) to fd 2 there. A
// restored instance never sees either: they are not in the environment a
// snapshot is recorded with.
//
// With { adopt: true }, a restored instance takes on the invocation `restore`
// was given (`restore NAME ARGS...`, --env, --clear-env: restore writes it to
// /proc/self/cmdline and /proc/self/environ and leaves the caller's cwd), and
// checkpoint() returns an object instead of a boolean:
//   { restored, argsChanged, argv, env, cwd }
// The rule (the same in every helper): when /proc/self/cmdline equals the
// recorded command line (read just before the marker) the arguments stay;
// otherwise they become cmdline[1:] as node would parse `node ARGS...`:
// process.argv = [process.execPath, path.resolve(cmdline[1]),
// ...cmdline.slice(2)]. Node options cannot take effect in a running node:
// an argument starting with '-' before the script throws (a leading `--` is
// dropped, as node does). process.env is replaced by /proc/self/environ, in
// its order (every key unset, then set again: libc's environ, and so child
// processes, get it too; assigning TZ refreshes V8's time zone);
// Module._initPaths() then rereads NODE_PATH and HOME. process.chdir('.')
// drops Node's cached process.cwd() (cached since startup, the recorded cwd).
// What cannot follow: process.argv0 (read-only: the recorded argv[0]),
// process.execArgv (the options in effect), and whatever node read from the
// environment while starting (NODE_OPTIONS, the locale ICU chose).
// A cold run adopts nothing: it is its own invocation.
'use strict';
const fs = require('fs');

const CHECKPOINT_PATH = '/proc/snappy-start/checkpoint';

// A full GC, or with kind 'minor' a scavenge of the young generation only.
function collect(kind) {
  let gc = globalThis.gc;
  if (typeof gc !== 'function') {
    require('v8').setFlagsFromString('--expose-gc');
    gc = require('vm').runInNewContext('gc');
  }
  if (kind === 'minor') gc({ type: 'minor' });
  else gc();
}

// Marks the snapshot point. Returns true when running restored, or with
// { adopt: true } the invocation (see above).
function checkpoint({ reseed = false, gc = false, adopt = false } = {}) {
  if (gc) collect(gc);
  // Read before the marker: the recorded command line, as restore compares it.
  const recorded = adopt ? readNulList('/proc/self/cmdline') : null;
  let restored;
  try {
    fs.accessSync(CHECKPOINT_PATH, fs.constants.F_OK);
    restored = true;
  } catch (e) {
    restored = false;  // ENOENT: a cold run, or the run being recorded
  }
  // A cold run timed up to its snapshot point (bench/writing_jobs.py): ends
  // here, without 'exit' listeners. Never in a restored instance: the
  // variable is not in the environment a snapshot is recorded with.
  if (!restored && process.env.SNAPPY_MARKER_CLOCK === '1') {
    // When a cold run passed its snapshot point, in the run itself (the
    // faults first, the clock last: process.hrtime is CLOCK_MONOTONIC).
    const minflt = process.resourceUsage().minorPageFault;
    fs.writeSync(2, `snappy-marker ns=${process.hrtime.bigint()} minflt=${minflt}\n`);
  }
  if (!restored && process.env.SNAPPY_EXIT_AT_MARKER === '1') process.reallyExit(0);
  if (restored && reseed) reseedMathRandom();
  if (!adopt) return restored;
  if (!restored) {
    return { restored, argsChanged: false, argv: process.argv, env: process.env,
             cwd: process.cwd() };
  }
  return adoptInvocation(recorded);
}

// Ends the program with `code` once what it wrote to process.stdout and
// process.stderr is out (on a pipe both are asynchronous: a bare
// process.exit can drop queued output), through process.exit: 'exit'
// listeners run; the rest of the event loop (timers, sockets still open)
// and Node's environment teardown do not. Measured against the normal end
// in README.md ("Jobs that write memory").
function exit(code = 0) {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

// The NUL-separated strings of a /proc file, decoded as node decodes argv.
function readNulList(path) {
  const data = fs.readFileSync(path);
  const out = [];
  let start = 0;
  for (let i = 0; i < data.length; i++) {
    if (data[i] === 0) {
      out.push(data.toString('utf8', start, i));
      start = i + 1;
    }
  }
  if (start < data.length) out.push(data.toString('utf8', start));
  return out;
}

function sameList(a, b) {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

// process.argv for `node ARGS...` (ARGS = cmdline[1:]).
function nodeArgv(args) {
  if (args[0] === '--') args = args.slice(1);
  if (args.length > 0 && args[0].startsWith('-') && args[0] !== '-') {
    const e = new Error(`snappy_checkpoint: node option ${args[0]} cannot take effect in a ` +
                        'restored instance (give the script first)');
    e.code = 'ERR_SNAPPY_NODE_OPTION';
    e.option = args[0];
    throw e;
  }
  if (args.length === 0) return [process.execPath];
  return [process.execPath, require('path').resolve(args[0]), ...args.slice(1)];
}

// Replaces process.env by ENTRIES (KEY=VALUE strings), in their order: the
// first of two equal keys wins (as getenv finds it), strings without '='
// are skipped.
function replaceEnv(entries) {
  const next = new Map();
  for (const e of entries) {
    const eq = e.indexOf('=');
    if (eq > 0 && !next.has(e.slice(0, eq))) next.set(e.slice(0, eq), e.slice(eq + 1));
  }
  const now = Object.entries(process.env);
  const wanted = [...next];
  if (now.length === wanted.length &&
      now.every(([k, v], i) => wanted[i][0] === k && wanted[i][1] === v)) {
    return false;
  }
  for (const k of Object.keys(process.env)) delete process.env[k];
  for (const [k, v] of next) process.env[k] = v;
  return true;
}

// Makes process.argv, process.env and process.cwd() the invocation's.
function adoptInvocation(recorded) {
  if (replaceEnv(readNulList('/proc/self/environ'))) require('module')._initPaths();
  process.chdir('.');  // forgets the cached cwd; the next cwd() asks getcwd
  const cmdline = readNulList('/proc/self/cmdline');
  const argsChanged = !sameList(cmdline, recorded);
  if (argsChanged) {
    const argv = nodeArgv(cmdline.slice(1));  // after the cwd: resolves against it
    process.argv.length = 0;
    process.argv.push(...argv);
  }
  return { restored: true, argsChanged, argv: process.argv, env: process.env,
           cwd: process.cwd() };
}

// Replaces Math.random with a generator of uniform doubles in [0, 1) drawn
// from crypto.randomFillSync, 53 bits each, refilled 512 at a time.
function reseedMathRandom() {
  const crypto = require('crypto');
  const words = new Uint32Array(1024);
  let next = words.length;
  Math.random = function random() {
    if (next === words.length) {
      crypto.randomFillSync(words);
      next = 0;
    }
    const hi = words[next++] >>> 5;  // 27 bits
    const lo = words[next++] >>> 6;  // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  };
}

module.exports = { CHECKPOINT_PATH, checkpoint, exit, reseedMathRandom, nodeArgv };
