// Writes data/stations.json and data/readings.csv: 16 made-up weather
// stations and one reading per station per day of 2024, from a fixed seed,
// so the files are the same on every run. The example reads them at startup.
//
//   node examples/node/gen_data.js
'use strict';
const fs = require('fs');
const path = require('path');

// mulberry32: a small deterministic PRNG (Math.random cannot be seeded).
function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(20240101);

const names = ['Aberdeen', 'Bergen', 'Cork', 'Dundee', 'Esbjerg', 'Faro', 'Genoa', 'Hull',
               'Izmir', 'Jena', 'Kiel', 'Lyon', 'Malaga', 'Nantes', 'Oulu', 'Porto'];
const stations = names.map((name, i) => ({
  code: name.slice(0, 3).toUpperCase(),
  name,
  lat: Math.round((36 + rand() * 30) * 1000) / 1000,
  lon: Math.round((-9 + rand() * 36) * 1000) / 1000,
  elevation_m: Math.round(rand() * 400),
  page: `https://weather.example.org/stations/${name.toLowerCase()}?since=2024-01-01&id=${100 + i}`,
}));

const rows = ['date,station,tmin_c,tmax_c,precip_mm,wind_kmh'];
const day0 = Date.UTC(2024, 0, 1);
for (let d = 0; d < 366; d++) {
  const date = new Date(day0 + d * 86400000).toISOString().slice(0, 10);
  const season = -Math.cos((2 * Math.PI * d) / 366);  // -1 in January, +1 in July
  for (const s of stations) {
    const base = 22 - (s.lat - 36) * 0.45 - s.elevation_m / 150 + season * 9;
    const tmin = base - 4 - rand() * 5;
    const tmax = base + 2 + rand() * 7;
    const precip = rand() < 0.35 ? rand() * rand() * 30 : 0;
    const wind = 5 + rand() * 40;
    rows.push(`${date},${s.code},${tmin.toFixed(1)},${tmax.toFixed(1)},${precip.toFixed(1)},${wind.toFixed(0)}`);
  }
}

const dir = path.join(__dirname, 'data');
fs.mkdirSync(dir, { recursive: true });
fs.writeFileSync(path.join(dir, 'stations.json'), JSON.stringify({ stations }, null, 2) + '\n');
fs.writeFileSync(path.join(dir, 'readings.csv'), rows.join('\n') + '\n');
console.log(`wrote ${stations.length} stations, ${rows.length - 1} readings`);
