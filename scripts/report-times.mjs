#!/usr/bin/env node
// Times every canned report (or the ones named) as a user runs it: a whole CLI command
// (`overload report NAME --db DB --format json`: process start, opening the database, the query,
// the JSON), median and range of the runs. The database is only read.
//
//   node scripts/report-times.mjs --db bench-data/bench.db [--runs 5] [--cli dist/src/cli/main.js] [incident upstreams ...]
//
// --cli runs another build (e.g. a worktree of an older commit) against the same kind of database.
import { spawnSync } from 'node:child_process';
import { resolve, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args.splice(i, 2)[1] : fallback; };
const db = opt('--db');
const runs = Number(opt('--runs', '5'));
const cli = resolve(opt('--cli', join(ROOT, 'dist/src/cli/main.js')));
if (!db) { console.error('usage: report-times.mjs --db PATH [--runs 5] [--cli main.js] [report ...]'); process.exit(1); }
const names = args.length ? args
  : JSON.parse(spawnSync(process.execPath, [cli, 'report', '--list', '--format', 'json'], { encoding: 'utf8' }).stdout).map((r) => r.name);

console.log(`${cli} on ${db}, ${runs} runs, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
for (const name of names) {
  const secs = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [cli, 'report', name, '--db', db, '--format', 'json', '--tz', 'UTC'], { encoding: 'utf8', maxBuffer: 1 << 28 });
    secs.push(Number(process.hrtime.bigint() - t0) / 1e9);
    if (r.status !== 0) { console.error(`report ${name} failed (${r.status}): ${r.stderr}`); process.exit(1); }
  }
  secs.sort((a, b) => a - b);
  console.log(`  ${name.padEnd(18)} ${secs[Math.floor(secs.length / 2)].toFixed(2)} s   (${secs[0].toFixed(2)}-${secs[secs.length - 1].toFixed(2)})`);
}
console.log(`  load average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
