// `node dist/bench/report-bench.js [--rows 1000000,10000000] [--runs 3] [--keep DIR]`
//
// Times every canned report on a synthetic database of N requests (six hours of traffic over 200
// routes, 4 upstreams, 2000 clients, an incident in the middle, error-log events and slowlog
// traces), after timing buildRollups() the way ingest runs it. Rows are written straight into
// SQLite so the benchmark measures the reports, not the parsers (bench/ingest-bench.ts does that).
import { arg, median } from './args.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWritable, createIndexes, openReadOnly, type DB } from '../src/store/db.js';
import { buildRollups } from '../src/query/rollups.js';
import { listReports, runReport } from '../src/report/runner.js';
import { MODULES } from '../src/correlate/modules.js';


function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const T0 = Date.UTC(2026, 10, 22, 6, 0, 0);
const SPAN = 6 * 3_600_000;

function generate(db: DB, n: number): void {
  const r = rng(42);
  db.prepare("INSERT INTO sources (id, path, format, ingested_at) VALUES (1, 'access.log', 'nginx', 'bench'), (2, 'error.log', 'nginx-error', 'bench'), (3, 'slow.log', 'php-fpm-slowlog', 'bench')").run();
  const routes = Array.from({ length: 200 }, (_, i) => `/r${i}/:id`);
  const ins = db.prepare(`INSERT INTO requests (source_id, ts, start_ts, end_ts, client, method, url, path, route, status, bytes,
    duration_ms, upstream_ms, upstream_addr, upstream_status) VALUES (1, ?, ?, ?, ?, 'GET', ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const ev = db.prepare(`INSERT INTO events (source_id, ts, component, kind, backend, request, route, message) VALUES (2, ?, 'nginx', ?, ?, ?, ?, ?)`);
  const tr = db.prepare(`INSERT INTO slow_traces (source_id, ts, pool, pid, script, fingerprint, top_frame, app_frame, depth) VALUES (3, ?, 'www', ?, ?, ?, 'sleep()', ?, 3)`);
  const incident = [T0 + SPAN / 2, T0 + SPAN / 2 + 600_000];
  const batch = 200_000;
  for (let done = 0; done < n; done += batch) {
    db.transaction(() => {
      for (let i = done; i < Math.min(n, done + batch); i++) {
        const end = T0 + Math.floor((i / n) * SPAN);
        const inInc = end >= incident[0] && end < incident[1];
        const route = routes[Math.floor(Math.pow(r(), 2.5) * routes.length)];
        const slow = inInc && route === routes[3];
        const dur = Math.round((slow ? 2000 + r() * 6000 : Math.exp(r() * 6)) * 1000) / 1000;
        const status = inInc && r() < 0.3 ? 502 : r() < 0.02 ? 404 : 200;
        const up = `10.0.0.${1 + (i % 4)}:8080`;
        const path = route.replace(':id', String(i % 5000));
        ins.run(end, end - Math.round(dur), end, `192.0.2.${i % 2000}`, path, path, route, status, Math.floor(r() * 60_000), dur, dur * 0.9, up, status >= 500 ? 502 : 200);
        if (status >= 500 || r() < 0.002) ev.run(end, status >= 500 ? 'upstream_timeout' : 'response_buffered_to_disk', up, `GET ${path}`, route, 'synthetic event');
        if (slow && r() < 0.2) tr.run(end, 1000 + (i % 50), `/srv/www/r3.php`, `fp${i % 5}`, `fn${i % 5}()`);
      }
    })();
  }
}

function time<T>(f: () => T): { ms: number; value: T } {
  const t = performance.now();
  const value = f();
  return { ms: performance.now() - t, value };
}


for (const n of arg('--rows', '1000000').split(',').map(Number)) {
  const dir = arg('--keep', '') || mkdtempSync(join(tmpdir(), 'overload-report-bench-'));
  const path = join(dir, `bench-${n}.db`);
  rmSync(path, { force: true });
  const db = openWritable(path);
  const gen = time(() => generate(db, n));
  const idx = time(() => createIndexes(db));
  const roll = time(() => buildRollups(db));
  db.close();
  console.log(`\n${n.toLocaleString('en-US')} requests: generated in ${(gen.ms / 1000).toFixed(1)} s, indexes ${(idx.ms / 1000).toFixed(1)} s, buildRollups ${(roll.ms / 1000).toFixed(1)} s`);
  const ro = openReadOnly(path);
  const runs = Number(arg('--runs', '3'));
  for (const def of listReports()) {
    const input = def.name === 'incident' ? { from: String(T0 + SPAN / 2), to: String(T0 + SPAN / 2 + 600_000) } : {};
    const times: number[] = [];
    let rows = 0;
    for (let k = 0; k < runs; k++) {
      const t = time(() => runReport(ro, def.name, input, { tz: 'UTC', modules: MODULES }));
      times.push(t.ms);
      rows = t.value.rows.length;
    }
    console.log(`  ${def.name.padEnd(18)} ${(median(times) / 1000).toFixed(3)} s  (median of ${runs}, ${rows} rows)`);
  }
  ro.close();
  if (!arg('--keep', '')) rmSync(dir, { recursive: true, force: true });
}
