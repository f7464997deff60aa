// A pre-warmed node: recorded once, restored to run any script as
// `node SCRIPT ARGS...` would.
//
//   ptracer -o /tmp/node-warm node -r LAUNCHER LAUNCHER    (record once)
//   restore /tmp/node-warm SCRIPT [ARGS...]                  (each run)
//   node -r LAUNCHER LAUNCHER SCRIPT [ARGS...]               (the same, cold)
//
// LAUNCHER is this file's path, given twice: once to --require it, once as
// the main script node is asked to run. It runs as a preload module, after
// Node's bootstrap and before Node resolves its main script. It loads the
// core modules (see README.md), marks the snapshot point
// (checkpoint({ adopt: true }): a restored instance takes on restore's
// arguments, environment and cwd), then turns the process into `node SCRIPT
// ARGS...`: process.argv = [execPath, realpath-to-be of SCRIPT, ARGS...],
// process.execArgv = [] (child_process.fork would otherwise pass the
// launcher on), and the main script node is about to run, LAUNCHER, becomes
// SCRIPT: Module._findPath, which Node's run_main asks to resolve its main
// entry (twice: once to choose CommonJS or ESM, once in Module._load), answers
// SCRIPT's path for LAUNCHER's. Node itself then loads SCRIPT as its main
// module, from its own run_main_module: require.main, module.id '.',
// __filename, relative requires, ESM (.mjs, "type": "module"), uncaught
// exception output (the same stack frames as `node SCRIPT`, none from here),
// exit codes and process.exitCode are Node's own. The hook is put back on
// the next tick; this module and the helper leave require.cache.
//
// Nothing here touches process.stdout, process.stderr, process.stdin or
// console before the marker: creating them sets the caller's fds
// non-blocking, which stops the recording there (examples/node/README.md).
'use strict';

const Module = require('module');
const path = require('path');

const USAGE = 'usage: node -r LAUNCHER LAUNCHER SCRIPT [ARGS...]   ' +
              '(restored: restore NAME SCRIPT [ARGS...])';

// Exits 2 with one line on stderr (after the marker: stderr may be created).
function usageError(what) {
  process.stderr.write(`node-launcher: ${what}\n${USAGE}\n`);
  process.exit(2);
}

// The core modules most programs load, and the code they first run, so that
// both are in the snapshot. None of these creates a stdio stream when loaded
// (assert, http2, repl and node:test do: left out).
function preload() {
  const names = ['fs', 'fs/promises', 'path', 'os', 'util', 'events', 'stream',
                 'stream/promises', 'string_decoder', 'buffer', 'crypto', 'zlib', 'url',
                 'querystring', 'readline', 'timers', 'timers/promises', 'http', 'https',
                 'net', 'dns', 'child_process', 'worker_threads', 'perf_hooks',
                 'async_hooks', 'v8', 'vm'];
  for (const name of names) require(name);
  // Warm the console and util.format paths (compiled lazily by V8) on a
  // Console of its own writing nowhere; colorMode false: 'auto' would look
  // at process.stderr.
  const { Writable } = require('stream');
  const sink = new Writable({ write(chunk, encoding, done) { done(); } });
  const warm = new console.Console({ stdout: sink, stderr: sink, colorMode: false });
  warm.log('%s %d %j', 'warm', 1, { a: [1, 2] }, new Map([[1, 2]]), new Error('warm'));
  warm.error(JSON.stringify({ x: 1.5 }), Buffer.from('warm').toString('base64'));
}

function main() {
  const { checkpoint } = require('../node/snappy_checkpoint');
  const preloaded = module.parent && module.parent.id === 'internal/preload';
  const stub = process.argv[1];  // LAUNCHER, as node resolved it
  if (!preloaded || stub !== __filename) {
    // Not `node -r LAUNCHER LAUNCHER`: nothing to redirect. No marker either
    // (a snapshot of this would be useless).
    usageError(preloaded ? `the main script must be the launcher itself (${__filename})`
                         : 'load the launcher with -r (node -r LAUNCHER LAUNCHER ...)');
  }
  preload();
  let inv;
  try {
    inv = checkpoint({ adopt: true, gc: true, reseed: true });
  } catch (e) {
    if (e.code !== 'ERR_SNAPPY_NODE_OPTION') throw e;
    usageError(`node option ${e.option} cannot take effect here (give the script first)`);
  }
  // Cold, or restored with the recorded command line: node's argv is
  // [execPath, LAUNCHER, SCRIPT, ARGS...]; restored with an invocation, the
  // helper made it [execPath, SCRIPT, ARGS...] (LAUNCHER first again when
  // the invocation names it: the cold form, treated as such).
  let args;
  if (!inv.argsChanged || process.argv[1] === __filename) {
    args = process.argv.slice(2);
    if (args[0] === '--') args.shift();
    if (args.length > 0 && args[0].startsWith('-')) {
      usageError(`node option ${args[0]} cannot take effect here (give the script first)`);
    }
  } else {
    args = process.argv.slice(1);
  }
  if (args.length === 0) usageError('no script');
  const script = path.resolve(args[0]);
  process.argv.length = 0;
  process.argv.push(process.execPath, script, ...args.slice(1));
  process.execArgv.length = 0;

  const findPath = Module._findPath;
  Module._findPath = function (request, paths, isMain) {
    return findPath.call(this, request === stub ? script : request, paths, isMain);
  };
  process.nextTick(() => { Module._findPath = findPath; });
  // Leave no trace in require.cache (`node SCRIPT` has SCRIPT's modules only).
  delete require.cache[require.resolve('../node/snappy_checkpoint')];
  delete require.cache[__filename];
  const siblings = module.parent.children;
  if (siblings.includes(module)) siblings.splice(siblings.indexOf(module), 1);
}

main();
