// The runner on synthetic rows: rollups built at ingest equal rollups built from scratch, a
// read-only connection builds its own, and the reports agree with plain SQL over the rows.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openReadOnly, openWritable, type DB } from '../../src/store/db.js';
import { buildRollups, ROLLUP_TABLES, rollupsFresh } from '../../src/query/rollups.js';
import { runReport } from '../../src/report/runner.js';
import { MODULES } from '../../src/correlate/modules.js';

const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);

function fill(db: DB, source: number, from: number, n: number, opts: { slowAt?: number } = {}): void {
  const ins = db.prepare(`INSERT INTO requests (source_id, ts, start_ts, end_ts, client, method, url, path, route, status, bytes, duration_ms, upstream_ms, upstream_addr)
    VALUES (?, ?, ?, ?, ?, 'GET', ?, ?, ?, ?, ?, ?, ?, ?)`);
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const end = from + i * 37 + 5; // millisecond stamps
      const slow = opts.slowAt !== undefined && Math.abs(i - opts.slowAt) < 40;
      const dur = slow ? 2500 : 10 + (i % 20);
      const route = i % 3 === 0 ? '/a' : '/b/:id';
      ins.run(source, end, end - dur, end, `10.0.0.${i % 7}`, route, route, route, slow && i % 2 ? 502 : 200, 1000 + i, dur, dur - 1, '10.1.0.1:80');
    }
  })();
}

function newDb(): { db: DB; path: string } {
  const path = join(mkdtempSync(join(tmpdir(), 'overload-runner-')), 't.db');
  const db = openWritable(path);
  db.prepare("INSERT INTO sources (id, path, format, ingested_at) VALUES (1, 'a.log', 'nginx', 'x'), (2, 'e.log', 'nginx-error', 'x')").run();
  return { db, path };
}

function dump(db: DB): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const t of ROLLUP_TABLES.filter((x) => x !== 'rollup_state')) out[t] = db.prepare(`SELECT * FROM main.${t} ORDER BY 1, 2, 3${t === 'rollup_sparse' ? '' : ', 4'}`).all(); // (rollup_sparse: 3 columns)
  return out;
}

describe('rollups', () => {
  it('built in steps equal rollups built at once', () => {
    const a = newDb(), b = newDb();
    fill(a.db, 1, T0, 3000);
    buildRollups(a.db);
    fill(a.db, 1, T0 + 3000 * 37, 3000, { slowAt: 100 });
    a.db.prepare("INSERT INTO events (source_id, ts, component, kind, message) VALUES (2, ?, 'nginx', 'upstream_timeout', 'x')").run(T0 + 200_000);
    const stats = buildRollups(a.db);
    expect(stats.full).toBe(false);
    fill(b.db, 1, T0, 3000);
    fill(b.db, 1, T0 + 3000 * 37, 3000, { slowAt: 100 });
    b.db.prepare("INSERT INTO events (source_id, ts, component, kind, message) VALUES (2, ?, 'nginx', 'upstream_timeout', 'x')").run(T0 + 200_000);
    buildRollups(b.db);
    expect(dump(a.db)).toEqual(dump(b.db));
    expect(rollupsFresh(a.db)).toBe(true);
  });

  it('a read-only connection without fresh rollups builds its own and answers the same', () => {
    const { db, path } = newDb();
    fill(db, 1, T0, 2000, { slowAt: 1000 });
    const range = { from: String(T0), to: String(T0 + 2000 * 37), bucket: '10s' };
    const withMain = (() => { buildRollups(db); return runReport(db, 'timeline', range, { tz: 'UTC' }).rows; })();
    fill(db, 1, T0 + 200_000, 10); // after the range: the database changed, the answer must not
    db.close();
    const ro = openReadOnly(path);
    expect(rollupsFresh(ro)).toBe(false);
    const rows = runReport(ro, 'timeline', range, { tz: 'UTC' }).rows;
    expect(rows).toEqual(withMain);
    expect(ro.prepare("SELECT count(*) n FROM temp.sqlite_master WHERE name = 'rollup_second'").get()).toEqual({ n: 1 });
  });
});

describe('reports against plain SQL', () => {
  const { db } = newDb();
  fill(db, 1, T0, 5000, { slowAt: 2500 });
  buildRollups(db);

  it('timeline counts every request once, by its start', () => {
    const rows = runReport(db, 'timeline', { bucket: '1m' }, { tz: 'UTC' }).rows;
    expect(rows.reduce((a, r) => a + Number(r.requests), 0)).toBe(5000);
    const first = db.prepare('SELECT count(*) n FROM requests WHERE start_ts < ?').get(Number(rows[0].bucket_ts) + 60_000) as { n: number };
    expect(rows[0].requests).toBe(first.n);
  });

  it('slow-endpoints gives exact counts with any range, percentiles within 2.2 %', () => {
    const from = T0 + 45_123, to = T0 + 150_456; // edges inside minutes: rollups + raw rows
    const rows = runReport(db, 'slow-endpoints', { from: String(from), to: String(to) }, { tz: 'UTC' }).rows;
    for (const r of rows) {
      const exact = db.prepare('SELECT count(*) n, sum(duration_ms) s, percentile(duration_ms, 95) p FROM requests WHERE route = ? AND start_ts >= ? AND start_ts < ?')
        .get(r.endpoint, from, to) as { n: number; s: number; p: number };
      expect(r.requests).toBe(exact.n);
      expect(Number(r.total_s)).toBeCloseTo(exact.s / 1000, 2);
      expect(Math.abs(Number(r.p95_ms) - exact.p) / exact.p).toBeLessThan(0.023);
    }
    expect(rows[0].endpoint).toBe('/b/:id'); // two thirds of the requests, and the slow ones
  });

  it('spikes finds the slow stretch and the incident report names it', () => {
    const spikes = runReport(db, 'spikes', {}, { tz: 'UTC', modules: MODULES }).rows;
    expect(spikes).toHaveLength(1);
    const inc = runReport(db, 'incident', {}, { tz: 'UTC', modules: MODULES }).rows;
    expect(inc.find((r) => r.section === 'summary' && r.item === 's5xx')?.during).toBeGreaterThan(0);
  });

  it('rejects unknown parameters and bad values', () => {
    expect(() => runReport(db, 'timeline', { nope: '1' })).toThrow(/no parameter nope/);
    expect(() => runReport(db, 'slow-endpoints', { group: 'colour' })).toThrow(/one of route, path, url/);
    expect(() => runReport(db, 'no-such-report')).toThrow(/no report named/);
  });
});
