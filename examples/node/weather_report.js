// A Node.js worker with a startup worth snapshotting: it requires the core
// modules it uses, parses a year of weather readings (data/readings.csv,
// 5,856 rows) and the station list (data/stations.json), checks and indexes
// them, marks its snapshot point, then answers queries read from stdin, one
// per line:
//
//   CODE             a station's year: coldest, warmest, wettest month
//   CODE YYYY-MM     a station's month: mean min/max, rain, windiest day
//   top N            the N warmest stations by mean daily maximum
//
// No query (empty stdin) means "top 5". Unknown stations or malformed lines
// are reported on stderr and make the exit status 3. The output depends only
// on the data and the queries, so a cold run and every restored instance print
// the same bytes.
//
//   build/ptracer/ptracer -o /tmp/weather node examples/node/weather_report.js </dev/null
//   echo 'BER 2024-07' | build/restore/restore /tmp/weather
//
// Nothing before checkpoint() touches process.stdout, process.stdin or
// console (see snappy_checkpoint.js for why).
'use strict';
const crypto = require('crypto');
const { EventEmitter } = require('events');
const fs = require('fs');
require('http');  // loaded (net, stream, timers machinery), never listening
const path = require('path');
const querystring = require('querystring');
const readline = require('readline');
const { Readable, Transform, Writable } = require('stream');
const { pipeline } = require('stream/promises');
const url = require('url');
const util = require('util');
const zlib = require('zlib');

const { checkpoint } = require('./snappy_checkpoint');

// Not require('assert'): loading it creates process.stderr (to choose
// colours), which must wait for the snapshot point.
function check(ok, what) {
  if (!ok) throw new Error(`bad data: ${what}`);
}

// --- startup: everything here is in the snapshot ---------------------------

const dataDir = path.join(__dirname, 'data');
const csvText = fs.readFileSync(path.join(dataDir, 'readings.csv'), 'utf8');
const dataDigest = crypto.createHash('sha256').update(csvText).digest('hex');
const { stations } = JSON.parse(fs.readFileSync(path.join(dataDir, 'stations.json'), 'utf8'));

const byCode = new Map();
for (const s of stations) {
  const page = new url.URL(s.page);
  byCode.set(s.code, { ...s, host: page.host, id: Number(page.searchParams.get('id')),
                       days: [], months: new Map() });
}

const [header, ...lines] = csvText.trimEnd().split('\n');
check(header === 'date,station,tmin_c,tmax_c,precip_mm,wind_kmh', 'CSV header');
for (const line of lines) {
  const [date, code, tmin, tmax, precip, wind] = line.split(',');
  const s = byCode.get(code);
  check(s, `unknown station ${code}`);
  const day = { date, tmin: Number(tmin), tmax: Number(tmax), precip: Number(precip),
                wind: Number(wind) };
  check(day.tmin <= day.tmax, `${date} ${code}: tmin > tmax`);
  s.days.push(day);
  const month = date.slice(0, 7);
  let m = s.months.get(month);
  if (!m) s.months.set(month, (m = { month, n: 0, tmin: 0, tmax: 0, precip: 0, windiest: day }));
  m.n++;
  m.tmin += day.tmin;
  m.tmax += day.tmax;
  m.precip += day.precip;
  if (day.wind > m.windiest.wind) m.windiest = day;
}
for (const s of byCode.values()) {
  s.meanMax = s.days.reduce((a, d) => a + d.tmax, 0) / s.days.length;
  for (const m of s.months.values()) {
    m.tmin /= m.n;
    m.tmax /= m.n;
  }
}
// A compressed archive of the parsed data, as a service might keep it.
const archive = zlib.gzipSync(JSON.stringify([...byCode.values()].map((s) => s.days)));

const restored = checkpoint({ gc: true });
void restored;  // the output must not depend on it: it is compared with a cold run

// --- the job: runs in every restored instance ------------------------------

const c1 = (x) => x.toFixed(1);

function answer(query, out) {
  const words = query.trim().split(/\s+/);
  if (words[0] === 'top') {
    const n = Number(words[1] ?? 5);
    if (!Number.isInteger(n) || n < 1) return out.emit('bad', query, 'N must be a positive integer');
    const ranked = [...byCode.values()].sort((a, b) => b.meanMax - a.meanMax || (a.code < b.code ? -1 : 1));
    for (const [i, s] of ranked.slice(0, n).entries()) {
      out.emit('line', util.format('%d. %s (%s) mean max %s C', i + 1, s.name, s.code, c1(s.meanMax)));
    }
    return undefined;
  }
  const s = byCode.get(words[0]);
  if (!s || words.length > 2) return out.emit('bad', query, s ? 'too many words' : 'no such station');
  if (words.length === 1) {
    const months = [...s.months.values()];
    const pick = (f) => months.reduce((a, m) => (f(m) > f(a) ? m : a));
    const link = `${s.page.split('?')[0]}?${querystring.stringify({ id: s.id, year: 2024 })}`;
    out.emit('line', util.format('%s %s: warmest %s (%s C), coldest %s (%s C), wettest %s (%s mm) %s',
      s.code, s.name, pick((m) => m.tmax).month, c1(pick((m) => m.tmax).tmax),
      pick((m) => -m.tmin).month, c1(pick((m) => -m.tmin).tmin),
      pick((m) => m.precip).month, c1(pick((m) => m.precip).precip), link));
    return undefined;
  }
  const m = s.months.get(words[1]);
  if (!m) return out.emit('bad', query, 'no such month');
  out.emit('line', util.format('%s %s: min %s C, max %s C, rain %s mm, windiest %s (%d km/h)',
    s.code, m.month, c1(m.tmin), c1(m.tmax), c1(m.precip), m.windiest.date, m.windiest.wind));
  return undefined;
}

async function main() {
  const out = new EventEmitter();
  const report = [];
  out.on('line', (line) => report.push(line));
  out.on('bad', (query, why) => {
    process.stderr.write(`weather_report: ${JSON.stringify(query)}: ${why}\n`);
    process.exitCode = 3;
  });

  const queries = [];
  for await (const line of readline.createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    if (line.trim() !== '') queries.push(line);
  }
  for (const q of queries.length ? queries : ['top 5']) answer(q, out);

  // The report goes out through a stream pipeline; its gzip size and digest
  // come from a second pipeline over the same lines.
  const gzipped = [];
  await pipeline(Readable.from(report.map((l) => `${l}\n`)), zlib.createGzip({ level: 9 }),
                 new Writable({ write(chunk, enc, cb) { gzipped.push(chunk); cb(); } }));
  let n = 0;
  const numbered = new Transform({
    writableObjectMode: true,
    transform(line, enc, cb) { cb(null, `${String(++n).padStart(3)}  ${line}\n`); },
  });
  await pipeline(Readable.from(report), numbered, process.stdout, { end: false });
  const text = report.join('\n');
  console.log(util.format('%d queries, %d lines; report sha256 %s, gzip %d bytes; data %s, archive %d bytes',
    queries.length, report.length, crypto.createHash('sha256').update(text).digest('hex').slice(0, 16),
    Buffer.concat(gzipped).length, dataDigest.slice(0, 16), archive.length));
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
