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

// oversized over many routes (a log of scanned URLs: a route per request) reads in full only the
// routes whose max reaches the limit-th p99 of the routes owning the largest pieces. Its rows must
// be those of ranking every route: with one-request routes tied with the bound (p99 = max = the
// bound), a two-request route whose p99 rounds just under its max, and a route whose max is
// far above the bound but whose p99 is small.
describe('oversized over thousands of one-request routes', () => {
  let wide = '';
  const T1 = Date.UTC(2026, 10, 23, 9, 0, 0);
  const from = T1 + 7_321, to = T1 + 3 * 3_600_000 + 31_456;

  beforeAll(() => {
    wide = join(mkdtempSync(join(tmpdir(), 'overload-ranked-wide-')), 't.db');
    const d = openWritable(wide);
    d.prepare(`INSERT INTO sources (id, path, format, ingested_at) VALUES (1, 'a.log', 'nginx', 'x')`).run();
    const ins = d.prepare(`INSERT INTO requests (source_id, host, ts, start_ts, route, status, bytes, duration_ms)
      VALUES (1, 'web1', ?, ?, ?, 404, ?, 5)`);
    let x = 7;
    const r = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
    const at = (start: number, route: string, bytes: number) => ins.run(start + 5, start, route, bytes);
    d.transaction(() => {
      // 8,000 one-request routes over the first 10 minutes, sizes in 997 steps (each shared by ~8)
      for (let i = 0; i < 8_000; i++) at(T1 + 1_000 + i * 75, `/s/${i}`, (i % 997) * 100);
      // five busy routes over the three hours, larger than any one-request route
      for (let k = 0; k < 5; k++) for (let i = 0; i < 300; i++) at(T1 + 30_000 + i * 35_000 + k * 97, `/b${k}`, 150_000 + Math.floor(r() * 100_000));
      // late one-request routes: one above the largest of the others, three tied with it
      at(T1 + 7_200_000, '/late/up', 99_601);
      for (const n of ['a', 'z', 'm']) at(T1 + 7_300_000 + n.charCodeAt(0), `/late/${n}`, 99_600);
      // two requests in two minutes: a max on the bound, a p99 between the two sizes
      at(T1 + 4_000_000, '/two', 99_600);
      at(T1 + 5_000_000, '/two', 10);
      // a max far above the bound, a small p99
      for (let i = 0; i < 500; i++) at(T1 + 60_000 + i * 20_000, '/spiky', 100 + (i % 7));
      at(T1 + 3_000_000, '/spiky', 40_000_000);
      at(T1 + 9_000_000, '/spiky', 40_000_001);
      // slow-endpoints: routes slower in all than the busy ones (300 x 5 ms), without a size: one
      // request; one in each partial minute at the range's edges; three in three whole minutes
      const slow = d.prepare(`INSERT INTO requests (source_id, host, ts, start_ts, route, status, duration_ms) VALUES (1, 'web1', ?, ?, ?, 200, ?)`);
      const took = (start: number, route: string, ms: number) => slow.run(start + ms, start, route, ms);
      took(T1 + 2_000_000, '/slow/once', 9_000);
      took(from + 100, '/slow/edges', 700);
      took(to - 1_000, '/slow/edges', 900);
      for (const m of [20, 70, 130]) took(T1 + m * 60_000 + 3_000, '/slow/minutes', 600);
    })();
    ensureRollups(d);
    d.close();
  });

  it.each([10, 25])('the routes section with --limit %i is that of ranking every route', (limit) => {
    const db = openReadOnly(wide);
    let sizes: R[];
    try {
      ensureRollups(db);
      // the case the bound is for: many routes in the range's first five whole minutes
      const m0 = Math.ceil(from / 60_000) * 60_000;
      const first = db.prepare(`SELECT count(DISTINCT route) AS n FROM rollup_minute
        WHERE tier = 'edge' AND t >= ? AND t < ?`).get(m0, m0 + 300_000) as { n: number };
      expect(first.n).toBeGreaterThanOrEqual(2_000);
      sizes = prepareSection(db, `SELECT route, requests, CAST(bytes AS INTEGER) AS total_bytes,
          CAST(round(hist_pct(bytes_hist, 50)) AS INTEGER) AS p50_bytes, CAST(round(hist_pct(bytes_hist, 99)) AS INTEGER) AS p99_bytes,
          bytes_max AS max_bytes
        FROM routes(:from, :to, :tier, :host) ORDER BY p99_bytes DESC, max_bytes DESC, route LIMIT :limit`)
        .all({ from: BigInt(from), to: BigInt(to), tier: 'edge', host: null, limit }) as R[];
    } finally {
      db.close();
    }
    expect(sizes).toHaveLength(limit);
    const got = reportJson<R>(wide, 'oversized', ['--from', new Date(from).toISOString(), '--to', new Date(to).toISOString(),
      '--limit', String(limit)]).filter((r) => r.section === 'routes');
    expect(pick(got, Object.keys(sizes[0]))).toEqual(sizes);
    // ten: five busy routes, the one above the ties and four of the eleven tied at 99,600 (by name)
    if (limit === 10) expect(got.slice(6).map((r) => [r.route, r.max_bytes])).toEqual([
      ['/late/a', 99_600], ['/late/m', 99_600], ['/late/z', 99_600], ['/s/1993', 99_600]]);
    expect(got.some((r) => r.route === '/spiky')).toBe(false);
  });

  // slow-endpoints over many routes groups the minutes' and the edges' pieces of each route once
  // (route_pieces()) instead of through routes(): the same twenty routes and columns
  it('slow-endpoints: the twenty routes and columns of ranking every route', () => {
    const db = openReadOnly(wide);
    let slow: R[];
    try {
      ensureRollups(db);
      slow = prepareSection(db, `SELECT route AS endpoint, requests, s4xx, s5xx, round(dur_min, 1) AS min_ms,
          round(hist_pct(dur_hist, 50), 1) AS p50_ms, round(hist_pct(dur_hist, 99), 1) AS p99_ms,
          round(dur_max, 1) AS max_ms, round(dur_sum / 1000.0, 3) AS total_s, iso(first_ts) AS first, iso(last_ts) AS last
        FROM routes(:from, :to, :tier, :host) ORDER BY dur_sum DESC, requests DESC, route LIMIT 20`)
        .all({ from: BigInt(from), to: BigInt(to), tier: 'edge', host: null }) as R[];
    } finally {
      db.close();
    }
    expect(slow.slice(0, 4).map((r) => [r.endpoint, r.requests, r.total_s])).toEqual([
      ['/slow/once', 1, 9], ['/spiky', 502, 2.51], ['/slow/minutes', 3, 1.8], ['/slow/edges', 2, 1.6]]);
    const got = reportJson<R>(wide, 'slow-endpoints', ['--from', new Date(from).toISOString(), '--to', new Date(to).toISOString()]);
    expect(pick(got, Object.keys(slow[0]))).toEqual(slow);
  });
});
