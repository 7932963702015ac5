// windowSums(): the diagnosis's one aggregate over a window's request rows (the 5xx, the largest
// response, those over 1 MiB, the time served below 500). A window holding most of the table's
// rows is read as the whole table in its own order, a short one through request_rows_start: the
// same sums either way, and the plan each takes is the one meant.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createIndexes, openWritable, type DB } from '../../src/store/db.js';
import { createTierView, sourceTiers } from '../../src/query/tiers.js';
import { demandScansTable, windowSums } from '../../src/diagnose/read.js';
import type { Window } from '../../src/diagnose/types.js';

const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);
const N = 6_000;
interface Req { start: number; status: number; bytes: number; dur: number; source: number }
const reqs: Req[] = [];
let db: DB;

beforeAll(() => {
  db = openWritable(join(mkdtempSync(join(tmpdir(), 'overload-window-sums-')), 't.db'));
  db.prepare(`INSERT INTO sources (id, path, format, ingested_at, parsed) VALUES (1, 'a.log', 'nginx', 'x', ${N / 2}), (2, 'b.log', 'php-fpm-access', 'x', ${N / 2})`).run();
  const ins = db.prepare(`INSERT INTO requests (source_id, host, ts, start_ts, route, status, bytes, duration_ms)
    VALUES (@source, 'web1', @start + @dur, @start, '/r', @status, @bytes, @dur)`);
  let x = 7;
  const r = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
  db.transaction(() => {
    for (let i = 0; i < N; i++) {
      const q: Req = { start: T0 + i * 1000 + Math.floor(r() * 900), status: r() < 0.1 ? 503 : r() < 0.2 ? 404 : 200,
        bytes: r() < 0.01 ? 2_000_000 + i : Math.floor(r() * 50_000), dur: Math.round(r() * 3000), source: 1 + (i % 2) };
      reqs.push(q);
      ins.run(q);
    }
  })();
  createIndexes(db);
  createTierView(db, sourceTiers(db));
});

/** The sums in JavaScript, over the edge tier's (source 1's) requests started in [from, to). */
function expected(from: number, to: number) {
  const w = reqs.filter((q) => q.source === 1 && q.start >= from && q.start < to);
  const served = w.filter((q) => q.status < 500);
  return {
    e5: w.filter((q) => q.status >= 500).length, mx: Math.max(...w.map((q) => q.bytes)), big: w.filter((q) => q.bytes > 1048576).length,
    dur: served.reduce((s, q) => s + q.dur, 0), durN: served.length,
  };
}

/** How SQLite reads request_rows for the statement windowSums() prepares. */
function planOf(w: Window, windowRows: number): string {
  const prepared: string[] = [];
  const spy = new Proxy(db, { get: (t, k) => (k === 'prepare' ? (s: string) => { prepared.push(s); return t.prepare(s); } : Reflect.get(t, k)) });
  windowSums(spy, w, 'edge', windowRows);
  const sql = prepared.find((s) => s.includes('sum(status >= 500)'))!;
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ from: w.from, to: w.to, tier: 'edge' }) as { detail: string }[])
    .map((r) => r.detail).filter((d) => d.includes('request_rows')).join('; ');
}

describe('windowSums', () => {
  it('reads the whole table when the window holds more than half of its rows, the index otherwise', () => {
    expect(demandScansTable(db, N / 2 + 1)).toBe(true);
    expect(demandScansTable(db, N / 2)).toBe(false);
    const long: Window = { from: T0, to: T0 + N * 1000, host: null, basis: 'given', spike: null };
    const short: Window = { from: T0 + 600_000, to: T0 + 660_000, host: null, basis: 'given', spike: null };
    // the edge tier's rows of the long window are half the table; the estimate counts as the caller's does
    expect(planOf(long, N)).toMatch(/^SCAN request_rows$/);
    expect(planOf(short, 60)).toMatch(/USING INDEX request_rows_start/);
  });

  it('gives the same sums either way', () => {
    for (const [from, to] of [[T0, T0 + N * 1000], [T0 + 600_000, T0 + 660_000], [T0 + 1_234_567, T0 + 4_000_001]]) {
      const w: Window = { from, to, host: null, basis: 'given', spike: null };
      const want = expected(from, to);
      expect(windowSums(db, w, 'edge', N)).toEqual(want);
      expect(windowSums(db, w, 'edge', 0)).toEqual(want);
    }
  });
});
