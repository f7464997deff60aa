// A script run cold (`node ../app/job.js MODE ...`) and through the
// pre-warmed node (`restore node-warm ../app/job.js MODE ...`): everything
// it prints, its stderr and its exit status must be the same.
'use strict';
const fs = require('fs');
const helper = require('./lib/helper');  // relative to this file

const mode = process.argv[2];
console.log(JSON.stringify({
  argv: process.argv.slice(1), execArgv: process.execArgv, cwd: process.cwd(),
  main: require.main === module, id: module.id, filename: __filename,
  dirname: __dirname, cache: Object.keys(require.cache), env: process.env,
}));
console.log('data.txt:', fs.readFileSync('data.txt', 'utf8').trim(), helper.twice(21));
if (mode === 'exit3') process.exit(3);
if (mode === 'exitcode') process.exitCode = 4;
if (mode === 'throw') helper.fail(process.argv.slice(3).join(' '));
