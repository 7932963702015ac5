// The incident report's routes, upstreams and clients sections read rollups v2 (10 s routes and
// upstreams, bounded client counts) for every whole 10 s of a window and raw rows only for the
// ragged ends. Held against plain SQL over the rows, on windows of every alignment: counts and
// errors exact, busy time to the millisecond, percentiles within the histograms' 2.2 %. Clients
// with the rollups keeping every client: the same section as the rows give; with the rollups
// keeping only a few per bucket: what is shown is a lower bound, within the bound it states, the
// busy clients stay exact, and the '(other clients)' row holds the rest.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openReadOnly, openWritable, type DB } from '../../src/store/db.js';
import { buildRollups, rollupsFresh } from '../../src/query/rollups.js';
import { runReport, type Row } from '../../src/report/runner.js';
import { registerReportFunctions, timePieces } from '../../src/query/sqlfns.js';
import { OTHER_CLIENTS } from '../../src/correlate/incident.js';
import { minuteSeries, timelineBuckets } from '../../src/tui/data/timeline.js';
import { MODULES } from '../../src/correlate/modules.js';
import { screenRunner } from '../../src/tui/data/screen.js';
import { dataRange } from '../../src/report/extent.js';

const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);
const SPAN = 20 * 60_000;
const SURGE = [T0 + 9 * 60_000 + 7_300, T0 + 13 * 60_000 + 2_100];

function rng(seed: number): () => number {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
}

/** Two hosts of nginx, PHP-FPM's access log behind web1 (the backend tier), ~36k requests. */
function makeDb(): { db: DB; path: string } {
  const path = join(mkdtempSync(join(tmpdir(), 'overload-incident-rollups-')), 't.db');
  const db = openWritable(path);
  registerReportFunctions(db); // exactRoutes' percentile()
  db.prepare(`INSERT INTO sources (id, path, format, host, ingested_at) VALUES
    (1, 'a.log', 'nginx', 'web1', 'x'), (2, 'b.log', 'nginx', 'web2', 'x'), (3, 'fpm.log', 'php-fpm-access', 'web1', 'x')`).run();
  const ins = db.prepare(`INSERT INTO requests (source_id, host, ts, start_ts, end_ts, client, route, status, duration_ms,
    upstream_ms, upstream_addr, upstream_status, upstream_raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const r = rng(7);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  db.transaction(() => {
    for (let t = T0; t < T0 + SPAN; t += Math.floor(r() * 60)) {
      const surge = t >= SURGE[0] && t < SURGE[1];
      const source = r() < 0.7 ? 1 : r() < 0.6 ? 2 : 3;
      const client = surge && r() < 0.3 ? '10.9.9.9'
        : r() < 0.5 ? `10.0.0.${1 + Math.floor(r() * 8)}` : r() < 0.02 ? null : `2001:db8::${Math.floor(r() * 3000).toString(16)}`;
      const dur = surge && r() < 0.5 ? 800 + r() * 3000 : Math.round(r() * 120 * 1000) / 1000;
      const status = surge && r() < 0.2 ? pick([502, 504]) : r() < 0.01 ? pick([500, 999, 404]) : 200;
      const retried = r() < 0.05;
      const raw = retried ? `urt=${(dur / 2000).toFixed(3)}, ${(dur / 2000).toFixed(3)} ua=10.1.0.1:80, 10.1.0.2:80 us=502, ${status}` : null;
      const up = r() < 0.1 ? null : retried ? '10.1.0.2:80' : pick(['10.1.0.1:80', '10.1.0.2:80']);
      const end = t + Math.floor(r() * 1000);
      ins.run(source, source === 2 ? 'web2' : 'web1', end, end - dur, end, client, pick(['/', '/api/:id', '/search', '/report.php']), status, dur,
        up === null ? null : dur * 0.9, up, up === null ? null : status === 999 ? 502 : status, raw);
    }
  })();
  return { db, path };
}

type Filter = { tier: 'edge' | 'backend'; host: string | null };
/** the tier and host of a request r */
const FILTER = "r.source_id IN (SELECT s.id FROM sources s WHERE (CASE WHEN s.format LIKE '%fpm%' THEN 'backend' ELSE 'edge' END) = :tier) AND (:host IS NULL OR r.host = :host)";
const START = 'coalesce(r.start_ts, r.ts)';

function exactRoutes(db: DB, f: Filter, lo: number, hi: number): Map<string, { n: number; e: number; busy: number; p95: number | null }> {
  const rows = db.prepare(`SELECT coalesce(r.route, '') AS route, count(*) n, sum(r.status BETWEEN 500 AND 599) e, total(r.duration_ms) busy,
      percentile(r.duration_ms, 95) p95
    FROM requests r WHERE ${START} >= :lo AND ${START} < :hi AND ${FILTER} GROUP BY 1`).all({ ...f, lo, hi }) as
    Array<{ route: string; n: number; e: number; busy: number; p95: number | null }>;
  return new Map(rows.map((x) => [x.route, x]));
}

function exactClients(db: DB, f: Filter, lo: number, hi: number): Map<string, { n: number; e: number }> {
  const rows = db.prepare(`SELECT coalesce(r.client, '') AS client, count(*) n, sum(r.status BETWEEN 500 AND 599) e
    FROM requests r WHERE ${START} >= :lo AND ${START} < :hi AND ${FILTER} GROUP BY 1`).all({ ...f, lo, hi }) as
    Array<{ client: string; n: number; e: number }>;
  return new Map(rows.map((x) => [x.client, x]));
}

/** every attempt of every request (the upstream_attempts table function) per upstream */
function exactUpstreams(db: DB, f: Filter, lo: number, hi: number):
  Map<string, { n: number; failed: number; timeouts: number; retried: number; max: number | null; first: number; last: number }> {
  const rows = db.prepare(`SELECT a.addr AS upstream, count(*) n, sum(a.failed) failed, sum(a.status = 504) timeouts, sum(a.retried) retried,
      max(a.ms) max, min(r.ts) first, max(r.ts) last
    FROM requests r, upstream_attempts(coalesce(r.upstream_raw, ''), coalesce(r.upstream_addr, ''), coalesce(r.upstream_status, -1), coalesce(r.upstream_ms, -1)) a
    WHERE ${START} >= :lo AND ${START} < :hi AND ${FILTER}
    GROUP BY 1`).all({ ...f, lo, hi }) as Array<{ upstream: string; n: number; failed: number; timeouts: number; retried: number;
      max: number | null; first: number; last: number }>;
  return new Map(rows.map((x) => [x.upstream, x]));
}

function incident(db: DB, from: number, to: number, f: Filter): { rows: Row[]; baseFrom: number } {
  const res = runReport(db, 'incident', { from: String(from), to: String(to), limit: '100000', host: f.host ?? undefined, tier: f.tier }, { tz: 'UTC', modules: MODULES });
  return { rows: res.rows, baseFrom: Date.parse(String(res.params.baseline_from)) };
}

const section = (rows: Row[], name: string) => rows.filter((r) => r.section === name);

// windows of every alignment: ragged, on 10 s, on minutes, shorter than 10 s, longer than minutes
const WINDOWS: Array<[number, number]> = [
  [SURGE[0], SURGE[1]], [T0 + 9 * 60_000, T0 + 13 * 60_000], [T0 + 10 * 60_000 + 40_000, T0 + 11 * 60_000 + 20_000],
  [T0 + 10 * 60_000 + 1_234, T0 + 10 * 60_000 + 8_765], [T0 + 5 * 60_000 + 59_999, T0 + 16 * 60_000 + 1],
  [T0 + 11 * 60_000 + 3_000, T0 + 11 * 60_000 + 43_000], [T0 + 30_000, T0 + 95_000],
];
const FILTERS: Filter[] = [{ tier: 'edge', host: null }, { tier: 'edge', host: 'web2' }, { tier: 'backend', host: null }];

describe('time_pieces', () => {
  it('cuts a range into rows, whole 10 s and whole minutes that tile it', () => {
    expect(timePieces(T0 + 1_500, T0 + 125_250)).toEqual([
      ['rows', T0 + 1_500, T0 + 10_000], ['10s', T0 + 10_000, T0 + 60_000], ['1m', T0 + 60_000, T0 + 120_000], ['rows', T0 + 120_000, T0 + 125_250]]);
    expect(timePieces(T0 + 30_000, T0 + 150_000)).toEqual([
      ['10s', T0 + 30_000, T0 + 60_000], ['1m', T0 + 60_000, T0 + 120_000], ['10s', T0 + 120_000, T0 + 150_000]]);
    expect(timePieces(T0 + 40_000, T0 + 80_000)).toEqual([['10s', T0 + 40_000, T0 + 80_000]]);
    expect(timePieces(T0 + 1, T0 + 9_999)).toEqual([['rows', T0 + 1, T0 + 9_999]]);
    expect(timePieces(T0 + 5, T0 + 5)).toEqual([]);
    const r = rng(3);
    for (let i = 0; i < 500; i++) {
      const lo = T0 + Math.floor(r() * 600_000), hi = lo + Math.floor(r() * (r() < 0.5 ? 30_000 : 900_000));
      let at = lo;
      for (const [g, a, z] of timePieces(lo, hi)) {
        expect(a).toBe(at);
        expect(z).toBeGreaterThan(a);
        if (g !== 'rows') expect([a % (g === '1m' ? 60_000 : 10_000), z % (g === '1m' ? 60_000 : 10_000)]).toEqual([0, 0]);
        at = z;
      }
      expect(at).toBe(hi > lo ? hi : lo);
    }
  });
  it('is a table function in report SQL', () => {
    const { db } = makeDb();
    registerReportFunctions(db);
    // (no whole minute: 09:00:10-09:01:10 is 10 s pieces)
    expect(db.prepare('SELECT grain, lo, hi, typeof(lo) FROM time_pieces(?, ?)').raw().all(T0 + 5_000, T0 + 70_000))
      .toEqual([['rows', T0 + 5_000, T0 + 10_000, 'integer'], ['10s', T0 + 10_000, T0 + 70_000, 'integer']]);
  });
});

describe('incident sections from rollups v2 against the rows', () => {
  const { db } = makeDb();
  buildRollups(db);

  it.each(WINDOWS.flatMap((w) => FILTERS.map((f) => [w, f] as const)))('window %j, %j', ([from, to], f) => {
    const { rows, baseFrom } = incident(db, from, to, f);
    // routes: counts and 5xx exact, busy time to the ms, p95 within the histograms' error
    const rb = exactRoutes(db, f, baseFrom, from), rd = exactRoutes(db, f, from, to);
    const routes = section(rows, 'routes');
    expect(routes.length).toBe([...rd.values()].filter((x) => x.n > 0).length);
    for (const r of routes) {
      const b = rb.get(String(r.item)), d = rd.get(String(r.item))!;
      expect([r.before, r.during, r.errors_before, r.errors_during]).toEqual([b?.n ?? 0, d.n, b?.e ?? 0, d.e]);
      const change = (d.busy - (b?.busy ?? 0) * (to - from) / (from - baseFrom)) / 1000;
      if (from > baseFrom) expect(Number(r.change)).toBeCloseTo(change, 2);
      expect(Math.abs(Number(r.p95_during_ms) - d.p95!)).toBeLessThanOrEqual(d.p95! * 0.023 + 0.06);
    }
    // upstreams: attempts and failures exact
    const ub = exactUpstreams(db, f, baseFrom, from), ud = exactUpstreams(db, f, from, to);
    const ups = section(rows, 'upstreams');
    expect(ups.length).toBe(ud.size);
    for (const u of ups) {
      expect([u.before, u.during, u.errors_before, u.errors_during])
        .toEqual([ub.get(String(u.item))?.n ?? 0, ud.get(String(u.item))!.n, ub.get(String(u.item))?.failed ?? 0, ud.get(String(u.item))!.failed]);
    }
    // clients: every client kept, so the section is the rows' answer, order included
    const lo = Math.max(baseFrom, from - (to - from));
    const cb = exactClients(db, f, lo, from), cd = exactClients(db, f, from, to);
    const round1 = db.prepare('SELECT round(?, 1)').pluck();
    const expected = [...cd].map(([client, d]) => {
      const nb = cb.get(client)?.n ?? 0;
      return { item: client, detail: null, before: nb, during: d.n, errors_before: cb.get(client)?.e ?? 0, errors_during: d.e,
        change: round1.get(d.n - nb * (to - from) / (from - lo)) as number };
    }).sort((a, b) => b.change - a.change || b.during - a.during || (a.item < b.item ? -1 : a.item > b.item ? 1 : 0));
    expect(expected.length).toBeGreaterThan(5);
    const got = section(rows, 'clients').map((r) => ({ item: r.item, detail: r.detail, before: r.before, during: r.during,
      errors_before: r.errors_before, errors_during: r.errors_during, change: r.change }));
    expect(got).toEqual(expected);
  });

  it.each(WINDOWS.flatMap((w) => FILTERS.map((f) => [w, f] as const)))('the upstreams report, window %j, %j', ([from, to], f) => {
    const rows = runReport(db, 'upstreams', { from: String(from), to: String(to), limit: '100', host: f.host ?? undefined, tier: f.tier }, { tz: 'UTC' }).rows;
    const exact = exactUpstreams(db, f, from, to);
    expect(rows.length).toBe(exact.size);
    for (const r of rows) {
      const x = exact.get(String(r.upstream))!;
      expect([r.attempts, r.failures, r.timeouts, r.retried, r.max_ms, r.first, r.last])
        .toEqual([x.n, x.failed, x.timeouts, x.retried, x.max === null ? null : Math.round(x.max * 10) / 10,
          new Date(x.first).toISOString(), new Date(x.last).toISOString()]);
    }
  });

  it('the default incident (the worst spike) explains the surge: its client first', () => {
    const rows = runReport(db, 'incident', {}, { tz: 'UTC', modules: MODULES }).rows;
    expect(section(rows, 'clients')[0].item).toBe('10.9.9.9');
    expect(section(rows, 'clients').some((r) => r.item === OTHER_CLIENTS)).toBe(false);
  });
});

/**
 * The clients section of `incident` over [from, to) against the rows: each count a lower bound
 * within the bound its detail states, every request in a named client or the rest, and (when the
 * rollups count exactly) the busy clients exact.
 */
function expectClientBounds(db: DB, from: number, to: number, busyExact: boolean): void {
  const f: Filter = { tier: 'edge', host: null };
  const { rows, baseFrom } = incident(db, from, to, f);
  const lo = Math.max(baseFrom, from - (to - from));
  const cb = exactClients(db, f, lo, from), cd = exactClients(db, f, from, to);
  const clients = section(rows, 'clients');
  const named = clients.filter((r) => r.item !== OTHER_CLIENTS);
  const other = clients.find((r) => r.item === OTHER_CLIENTS);
  let sumB = 0, sumD = 0;
  for (const r of named) {
    const b = cb.get(String(r.item))?.n ?? 0, d = cd.get(String(r.item))?.n ?? 0;
    const m = /may be low by up to (\d+) before, (\d+) during/.exec(String(r.detail ?? ''));
    const [slackB, slackD] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
    if (r.detail === null) expect([r.before, r.during]).toEqual([b, d]);
    else expect(m).not.toBeNull();
    expect(b - Number(r.before)).toBeGreaterThanOrEqual(0);
    expect(b - Number(r.before)).toBeLessThanOrEqual(slackB);
    expect(d - Number(r.during)).toBeGreaterThanOrEqual(0);
    expect(d - Number(r.during)).toBeLessThanOrEqual(slackD);
    sumB += Number(r.before); sumD += Number(r.during);
  }
  // the busy clients are kept in every bucket they have requests in: exact (their detail may
  // still warn: a bucket they have no request in cannot tell "none" from "left out")
  if (busyExact) {
    for (const busy of ['10.0.0.1', '10.0.0.5']) {
      const r = named.find((x) => x.item === busy)!;
      expect([r.before, r.during]).toEqual([cb.get(busy)?.n ?? 0, cd.get(busy)!.n]);
    }
  }
  // every request of the window is in a named client or in the rest (the limit shows every
  // client with requests in the window; those with none then are not shown)
  const total = (m: Map<string, { n: number }>) => [...m.values()].reduce((a, x) => a + x.n, 0);
  expect(sumD + Number(other?.during ?? 0)).toBe(total(cd));
  expect(sumB + Number(other?.before ?? 0)).toBeLessThanOrEqual(total(cb));
  if (to - from >= 20_000) expect(other).toBeDefined(); // a whole 10 s with more than 12 clients
  if (other) {
    expect(clients[clients.length - 1]).toBe(other);
    expect([other.ratio, other.change]).toEqual([null, null]);
  }
}

describe('incident clients when the rollups keep only a few clients per bucket', () => {
  const { db } = makeDb();
  // a bucket of web1's edge holds the 8 busy clients (~14 requests per 10 s each), the surging one
  // and dozens of the long tail (1-2 each): 12 keeps the busy ones, cuts the tail
  buildRollups(db, { clientsKept: 12 });

  it.each(WINDOWS)('window %s - %s: lower bounds within the stated bound, busy clients exact, the rest summed', (from, to) => {
    expectClientBounds(db, from, to, true);
  });

  it('the surging client still leads the default incident', () => {
    const res = runReport(db, 'incident', {}, { tz: 'UTC', modules: MODULES });
    const clients = section(res.rows, 'clients');
    const [from, to] = [Date.parse(String(res.params.from)), Date.parse(String(res.params.to))];
    expect(clients[0].item).toBe('10.9.9.9');
    expect(clients[0].during).toBe(exactClients(db, { tier: 'edge', host: null }, from, to).get('10.9.9.9')!.n);
    expect(clients[clients.length - 1].item).toBe(OTHER_CLIENTS);
    expect(clients).toHaveLength(11); // the 10 ranked clients, then the rest
  });
});

describe('incident clients when a bucket has more clients than are counted exactly (a botnet)', () => {
  const { db } = makeDb();
  // 20 distinct clients counted per bucket against the dozens a bucket has: the counts are
  // bounded estimates (rollup-fine.ts ClientCounts), kept 12 as above
  buildRollups(db, { clientsKept: 12, clientsCounted: 20 });

  it.each(WINDOWS)('window %s - %s: lower bounds within the stated bound, the rest summed', (from, to) => {
    expectClientBounds(db, from, to, false);
  });

  it('the bounded buckets say so: a 4th element on each kept client, within what the rows give', () => {
    const rows = db.prepare("SELECT grain, t, host, kept, rest_clients, rest_requests, rest_top FROM rollup_clients WHERE tier = 'edge'").all() as
      Array<{ grain: number; t: number; host: string; kept: string; rest_clients: number; rest_requests: number; rest_top: number }>;
    const bounded = rows.filter((r) => (JSON.parse(r.kept) as unknown[][]).some((k) => k.length === 4));
    expect(bounded.length).toBeGreaterThan(rows.length / 2);
    const exact = db.prepare(`SELECT coalesce(client, '') c, count(*) n FROM requests r WHERE ${FILTER} AND r.host = :h
      AND ${START} >= :lo AND ${START} < :hi GROUP BY 1`);
    for (const r of bounded.slice(0, 40)) {
      const truth = new Map((exact.all({ tier: 'edge', host: null, h: r.host, lo: r.t, hi: r.t + r.grain }) as Array<{ c: string; n: number }>)
        .map((x) => [x.c, x.n]));
      const kept = JSON.parse(r.kept) as Array<[string, number, number, number]>;
      for (const [client, n, , lowBy] of kept) {
        expect(n).toBeLessThanOrEqual(truth.get(client)!);
        expect(truth.get(client)! - n).toBeLessThanOrEqual(lowBy);
      }
      // every client left out has at most rest_top requests
      const keptNames = new Set(kept.map((k) => k[0]));
      for (const [client, n] of truth) if (!keptNames.has(client)) expect(n).toBeLessThanOrEqual(r.rest_top);
      expect(kept.reduce((a, k) => a + k[1], 0) + r.rest_requests).toBe([...truth.values()].reduce((a, n) => a + n, 0));
    }
  });
});

describe('rollup_minute_totals', () => {
  it('gives the TUI the same minute bars as the seconds and in-flight rollups, built at once or in steps', () => {
    const { db } = makeDb();
    registerReportFunctions(db);
    // in steps: the first half, then the rest (an incremental build of the minutes touched)
    const half = db.prepare('SELECT max(id) / 2 FROM requests').pluck().get() as number;
    db.exec(`CREATE TEMP TABLE later AS SELECT * FROM requests WHERE id > ${half}; DELETE FROM requests WHERE id > ${half}`);
    buildRollups(db);
    db.exec('INSERT INTO requests SELECT * FROM temp.later');
    expect(buildRollups(db).full).toBe(false);
    const range = { from: T0, to: T0 + SPAN + 60_000 };
    const run = screenRunner(db, (h) => dataRange(db, h));
    for (const [tier, host] of [['edge', null], ['edge', 'web2'], ['backend', null]] as const) {
      const viaTotals = minuteSeries(run, range, tier, host);
      const viaSeconds = timelineBuckets(run, { from: T0, to: T0 + SPAN + 60_000, bucketMs: 60_000, host }, tier);
      expect(viaTotals.reduce((a, b) => a + b.requests, 0)).toBeGreaterThan(1000);
      expect(viaTotals.some((b) => b.inflight > 1)).toBe(true);
      expect(viaTotals).toEqual(viaSeconds);
    }
  });
});

describe('a database whose rollups predate rollups v2', () => {
  it('is answered from TEMP rollups read-only, and rebuilt in full by the next build', () => {
    const { db, path } = makeDb();
    buildRollups(db);
    const w = { from: String(SURGE[0]), to: String(SURGE[1]) };
    const now = runReport(db, 'incident', w, { tz: 'UTC', modules: MODULES }).rows;
    // what an older overload left: schema version 3, no v2 tables, no version in rollup_state
    for (const t of ['rollup_route_10s', 'rollup_upstream_10s', 'rollup_clients', 'rollup_minute_totals']) db.exec(`DROP TABLE ${t}`);
    db.exec("DELETE FROM rollup_state WHERE name IN ('version', 'clients_kept'); DELETE FROM schema_version WHERE version = 4");
    db.close();
    const ro = openReadOnly(path);
    expect(rollupsFresh(ro)).toBe(false);
    expect(runReport(ro, 'incident', w, { tz: 'UTC', modules: MODULES }).rows).toEqual(now);
    expect(ro.prepare("SELECT count(*) n FROM temp.sqlite_master WHERE name = 'rollup_clients'").get()).toEqual({ n: 1 });
    ro.close();
    const rw = openWritable(path); // migrates: the v2 tables exist again, empty
    expect(rollupsFresh(rw)).toBe(false);
    expect(buildRollups(rw).full).toBe(true);
    expect(rollupsFresh(rw)).toBe(true);
    expect(runReport(rw, 'incident', w, { tz: 'UTC', modules: MODULES }).rows).toEqual(now);
  });
});
