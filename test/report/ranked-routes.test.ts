// slow-endpoints ranks routes on exact columns first over a range of an hour or more and reads
// the other columns (histograms) of the twenty it shows only, through routes(..., only). Its rows
// must be those of ranking every route with every column read, as one routes() call gives them:
// over a range of hours (two calls) and of minutes (one), with ragged edges read from the rows.
// oversized (one call, ranked by p99 size) is held the same way, on routes made so that the
// largest maxes are not the largest p99s and with ties of p99 and max.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openWritable } from '../../src/store/db.js';
import { ensureRollups, prepareSection } from '../../src/report/runner.js';
import { openReadOnly } from '../../src/store/db.js';
import { reportJson } from '../fixtures.js';

type R = Record<string, unknown>;
const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);
let path = '';

beforeAll(() => {
  path = join(mkdtempSync(join(tmpdir(), 'overload-ranked-')), 't.db');
  const d = openWritable(path);
  d.prepare(`INSERT INTO sources (id, path, format, ingested_at) VALUES (1, 'a.log', 'nginx', 'x')`).run();
  const ins = d.prepare(`INSERT INTO requests (source_id, host, ts, start_ts, route, status, bytes, duration_ms, upstream_ms)
    VALUES (1, 'web1', ?, ?, ?, ?, ?, ?, ?)`);
  let x = 3;
  const r = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
  d.transaction(() => {
    for (let i = 0; i < 40_000; i++) {
      // three hours and a bit, starting and ending inside a minute
      const start = T0 + 17_123 + Math.floor(i * 280 + r() * 200);
      // 300 routes, a few busy, most rare; /r3 and /r13 busy and small, but 0.5 % very large (the
      // largest maxes, small p99s); k % 10 == 5 all of one large size (ties of p99 and of max)
      const k = i % 50 === 0 ? 3 : i % 50 === 1 ? 13 : Math.floor(r() * r() * 300);
      const route = `/r${k}`;
      const dur = Math.round(r() * (k % 7 + 1) * 400 * 1000) / 1000;
      let bytes = k % 10 === 5 ? 500_000 : Math.floor(r() * 2_000 * (k % 13 + 1));
      if (i % 10_000 < 2) bytes = 50_000_000 + i;
      ins.run(start + Math.round(dur), start, route, r() < 0.05 ? 502 : 200, bytes, dur, dur * 0.9);
    }
  })();
  ensureRollups(d);
  d.close();
});

/** The reports' columns for their rows, from one routes() call with every column (the plain way). */
function plain(from: number, to: number): { slow: R[]; sizes: R[]; largest: number } {
  const db = openReadOnly(path);
  try {
    ensureRollups(db);
    const bind = { from: BigInt(from), to: BigInt(to), tier: 'edge', host: null };
    const slow = prepareSection(db, `SELECT route AS endpoint, requests, s4xx, s5xx, round(dur_min, 1) AS min_ms,
        round(hist_pct(dur_hist, 50), 1) AS p50_ms, round(hist_pct(dur_hist, 95), 1) AS p95_ms, round(hist_pct(dur_hist, 99), 1) AS p99_ms,
        round(dur_max, 1) AS max_ms, round(dur_sum / 1000.0, 3) AS total_s, round(hist_pct(up_hist, 95), 1) AS upstream_p95_ms,
        round(up_sum / 1000.0, 3) AS upstream_total_s, iso(first_ts) AS first, iso(last_ts) AS last
      FROM routes(:from, :to, :tier, :host) ORDER BY dur_sum DESC, requests DESC, route LIMIT 20`).all(bind) as R[];
    const sizes = prepareSection(db, `SELECT route, requests, CAST(bytes AS INTEGER) AS total_bytes,
        CAST(round(hist_pct(bytes_hist, 50)) AS INTEGER) AS p50_bytes, CAST(round(hist_pct(bytes_hist, 99)) AS INTEGER) AS p99_bytes,
        bytes_max AS max_bytes
      FROM routes(:from, :to, :tier, :host) ORDER BY p99_bytes DESC, max_bytes DESC, route LIMIT 10`).all(bind) as R[];
    const largest = (prepareSection(db, 'SELECT max(bytes_max) AS m FROM routes(:from, :to, :tier, :host)').get(bind) as { m: number }).m;
    return { slow, sizes, largest };
  } finally {
    db.close();
  }
}

const pick = (rows: R[], cols: string[]) => rows.map((r) => Object.fromEntries(cols.map((c) => [c, r[c]])));

describe.each([
  ['three hours (ranked first)', T0 + 17_123, T0 + 17_123 + 40_000 * 280 + 500],
  ['twenty minutes (one pass)', T0 + 2_400_456, T0 + 3_600_789],
])('slow-endpoints and oversized over %s', (_what, from, to) => {
  const args = ['--from', new Date(from).toISOString(), '--to', new Date(to).toISOString()];

  it('slow-endpoints: the twenty routes and columns of ranking every route', () => {
    const { slow } = plain(from, to);
    expect(slow).toHaveLength(20);
    const got = reportJson<R>(path, 'slow-endpoints', args);
    expect(pick(got, Object.keys(slow[0]))).toEqual(slow);
  });

  it('oversized: the routes with the largest p99 sizes, which are not those with the largest maxes', () => {
    const { sizes, largest } = plain(from, to);
    expect(sizes).toHaveLength(10);
    expect(largest).toBeGreaterThanOrEqual(50_000_000);
    const got = reportJson<R>(path, 'oversized', args).filter((r) => r.section === 'routes');
    expect(pick(got, Object.keys(sizes[0]))).toEqual(sizes);
    // the case the bound is for: the routes with the largest maxes have p99s far below them
    expect(got.filter((r) => Number(r.max_bytes) >= 50_000_000)).toEqual([]);
    // and ties: routes of one size throughout share their p99 and max, ordered by name
    const tied = got.filter((r) => r.max_bytes === 500_000);
    expect(tied.length).toBeGreaterThan(1);
    expect(tied.map((r) => r.route)).toEqual([...tied.map((r) => String(r.route))].sort());
  });
});
