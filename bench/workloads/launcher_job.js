// Workload of the node launcher rows (bench/launchers.py): an ordinary
// script, no snapshot marker, run as `node launcher_job.js` and as
// `restore node-warm launcher_job.js`. A few core modules, a small table,
// one line on stdout.
'use strict';
const crypto = require('crypto');
const path = require('path');
const util = require('util');
const zlib = require('zlib');

const rows = [];
for (let i = 0; i < 2000; i++) rows.push({ id: i, name: `item-${i}`, score: (i * 37) % 101 });
const best = rows.filter((r) => r.score > 90).map((r) => r.name);
const digest = crypto.createHash('sha256').update(JSON.stringify(rows)).digest('hex');
const packed = zlib.gzipSync(Buffer.from(best.join(',')));
console.log(util.format('%s: %d rows, %d best, sha256 %s, gzip %d bytes',
                        path.basename(__filename), rows.length, best.length,
                        digest.slice(0, 16), packed.length));
