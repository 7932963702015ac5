// traffic() and inflight() read whole minutes from rollup_traffic_minute / rollup_inflight_minute
// (src/query/rollup-span.ts) where a minute lies whole in one bucket. Their answers must be the
// ones the seconds give, value for value (the golden report sets compare JSON byte for byte): here
// against the relations as they were, over rollup_second and rollup_inflight alone, on ranges
// that use the minutes (buckets of whole minutes, one bucket over ragged ends) and ranges that
// must not (buckets that cut minutes, a minute whose durations have fractions).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWritable, type DB } from '../../src/store/db.js';
import { ensureRollups, prepareSection } from '../../src/report/runner.js';
import { T0, MIN, lcg, MINUTE_RANGES, GRAIN_CASES } from './minute-ranges.js';


/** the relations before the minutes, over the seconds alone */
const SECONDS_TRAFFIC = `SELECT :from + ((t - :from) / :bucket_ms) * :bucket_ms AS bucket_ts,
  sum(requests) AS requests, sum(done) AS done, sum(s4xx) AS s4xx, sum(s5xx) AS s5xx, sum(bytes) AS bytes,
  sum(dur_n) AS dur_n, total(dur_sum) AS dur_sum, max(dur_max) AS dur_max,
  hist(dur_hist) AS dur_hist, hist(up_hist) AS up_hist, hist(done_hist) AS done_hist
FROM rollup_second WHERE tier = :tier AND t >= :from AND t < :to AND (:host IS NULL OR host = :host)
GROUP BY 1 ORDER BY 1`;
const SECONDS_INFLIGHT = `SELECT :from + ((t - :from) / :bucket_ms) * :bucket_ms AS bucket_ts, upstream, max(peak) AS peak, occ(occ) AS occ
FROM rollup_inflight WHERE tier = :tier AND t >= :from AND t < :to AND (:host IS NULL OR host = :host)
  AND CASE WHEN :per_upstream = 0 THEN upstream = '' ELSE upstream > '' END
GROUP BY 1, upstream ORDER BY 1, upstream`;
const TRAFFIC = `SELECT bucket_ts, requests, done, s4xx, s5xx, bytes, dur_n, dur_sum, dur_max, dur_hist, up_hist, done_hist
FROM traffic(:from, :to, :bucket_ms, :tier, :host) ORDER BY 1`;
const INFLIGHT = 'SELECT bucket_ts, upstream, peak, occ FROM inflight(:from, :to, :bucket_ms, :tier, :host, :per_upstream) ORDER BY 1, upstream';

/**
 * Two hours on two hosts, a few requests a second, durations in whole ms but for the minute at
 * T0 + 70 min on web1 (fractions of a ms: its dur_sum is left to the seconds), some retried
 * upstreams (per-upstream in-flight series).
 */
function db(): DB {
  const d = openWritable(join(mkdtempSync(join(tmpdir(), 'overload-minute-grain-')), 't.db'));
  d.prepare(`INSERT INTO sources (id, path, format, ingested_at) VALUES (1, 'a.log', 'nginx', 'x')`).run();
  const ins = d.prepare(`INSERT INTO requests (source_id, host, ts, start_ts, route, status, bytes, duration_ms, upstream_ms,
    upstream_addr, upstream_status, upstream_raw, client) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const r = lcg(5);
  d.transaction(() => {
    for (let i = 0; i < 20_000; i++) {
      const ts = T0 + Math.floor(i * 360 + r() * 300);
      const host = r() < 0.7 ? 'web1' : 'web2';
      const odd = host === 'web1' && ts >= T0 + 70 * MIN && ts < T0 + 71 * MIN;
      const dur = odd ? Math.round(r() * 900_000) / 1000 : Math.round(r() * r() * 4000);
      const status = r() < 0.05 ? 502 : r() < 0.05 ? 404 : 200;
      const retried = r() < 0.1;
      ins.run(1, host, ts, ts - Math.round(dur), `/r${Math.floor(r() * 5)}`, status, Math.floor(r() * 50_000), dur, dur,
        retried ? null : '10.0.0.1:80', status, retried ? 'urt=1.000, 0.500 ua=10.0.0.1:80, 10.0.0.2:80 us=504, 200' : null, 'c');
    }
  })();
  ensureRollups(d);
  return d;
}

describe('traffic() and inflight() at minute grain', () => {
  const d = db();
  const all = (sql: string, bind: Record<string, unknown>) => prepareSection(d, sql).all(bind);
  const base = { tier: 'edge', host: null as string | null };
  const ranges = [
    ...MINUTE_RANGES,
    ['one bucket over the minute with fractions', T0 + 7_777, T0 + 110 * MIN, 110 * MIN - 7_777],
    ['minute buckets from a second that is no whole minute', T0 + 13_000, T0 + 20 * MIN, MIN],
  ] as Array<[string, number, number, number]>;

  it('the fixture has minute rows, one with no dur_sum', () => {
    const rows = all("SELECT count(*) AS n, sum(dur_sum IS NULL) AS odd FROM rollup_traffic_minute WHERE tier = 'edge'", {}) as Array<{ n: number; odd: number }>;
    expect(rows[0].n).toBeGreaterThan(200);
    expect(rows[0].odd).toBeGreaterThan(0); // (the minute with fractions, and the one before it where some of its requests started)
    expect((all("SELECT count(DISTINCT upstream) AS n FROM rollup_inflight WHERE tier = 'edge'", {}) as Array<{ n: number }>)[0].n).toBeGreaterThan(1);
  });

  for (const [name, from, to, bucket] of ranges) {
    for (const host of [null, 'web2']) {
      it(`${name}${host ? ', one host' : ''}: the seconds' answer`, () => {
        const bind = { ...base, host, from: BigInt(from), to: BigInt(to), bucket_ms: BigInt(bucket) };
        const want = all(SECONDS_TRAFFIC, bind);
        expect(want.length).toBeGreaterThan(0);
        expect(all(TRAFFIC, bind)).toEqual(want);
        for (const per of [0, 1]) expect(all(INFLIGHT, { ...bind, per_upstream: per })).toEqual(all(SECONDS_INFLIGHT, { ...bind, per_upstream: per }));
      });
    }
  }

  it('one-second buckets: of one host from a whole second each row as it is, else grouped; a text with no bin is NULL', () => {
    // (one host from a whole second: traffic() reads the seconds' rows as they are; a text that
    // holds no bin, which hist() gives back as NULL, is made here in one second of web2)
    const odd = (all("SELECT t FROM rollup_second WHERE tier = 'edge' AND host = 'web2' AND t >= :t ORDER BY t LIMIT 1", { t: T0 + 4 * MIN }) as Array<{ t: number }>)[0].t;
    const text = (all("SELECT dur_hist FROM rollup_second WHERE tier = 'edge' AND host = 'web2' AND t = :t", { t: odd }) as Array<{ dur_hist: string }>)[0].dur_hist;
    d.prepare("UPDATE rollup_second SET dur_hist = '5|5|' WHERE tier = 'edge' AND host = 'web2' AND t = ?").run(odd);
    try {
      for (const [from, to] of [[T0 + 3 * MIN, T0 + 9 * MIN], [T0 + 3 * MIN + 500, T0 + 9 * MIN]]) {
        for (const host of ['web2', null]) {
          const bind = { ...base, host, from: BigInt(from), to: BigInt(to), bucket_ms: 1000n };
          const want = all(SECONDS_TRAFFIC, bind) as Array<Record<string, unknown>>;
          expect(want.length).toBeGreaterThan(100);
          if (host && from % 1000 === 0) expect(want.find((r) => r.bucket_ts === odd)?.dur_hist).toBeNull();
          expect(all(TRAFFIC, bind)).toEqual(want);
        }
      }
    } finally {
      d.prepare("UPDATE rollup_second SET dur_hist = ? WHERE tier = 'edge' AND host = 'web2' AND t = ?").run(text, odd);
    }
  });

  it('reads the minutes where they fit and the seconds where they do not', () => {
    // a minute row made wrong on purpose shows which grain a read took
    const t = T0 + 20 * MIN;
    const total = (from: number, to: number, bucket: number) =>
      (all('SELECT sum(requests) AS n FROM traffic(:from, :to, :bucket_ms, :tier, :host)', { ...base, from: BigInt(from), to: BigInt(to), bucket_ms: BigInt(bucket) }) as Array<{ n: number }>)[0].n;
    // (5 min buckets from T0 + 1 s: that minute holds a bucket's start, its neighbour does not)
    const cases = GRAIN_CASES;
    const before = cases.map((c) => total(...c));
    d.prepare("UPDATE rollup_traffic_minute SET requests = requests + 1000 WHERE tier = 'edge' AND host = 'web1' AND t = ?").run(t);
    try {
      expect(cases.map((c) => total(...c))).toEqual([before[0] + 1000, before[1] + 1000, before[2], before[3]]);
      d.prepare("UPDATE rollup_traffic_minute SET requests = requests + 1000 WHERE tier = 'edge' AND host = 'web1' AND t = ?").run(t - 2 * MIN);
      expect(total(...cases[2])).toBe(before[2] + 1000);
      d.prepare("UPDATE rollup_traffic_minute SET requests = requests - 1000 WHERE tier = 'edge' AND host = 'web1' AND t = ?").run(t - 2 * MIN);
    } finally {
      d.prepare("UPDATE rollup_traffic_minute SET requests = requests - 1000 WHERE tier = 'edge' AND host = 'web1' AND t = ?").run(t);
    }
  });

  // minute_grain(): the parts traffic() and inflight() read (bound as the runner binds: integers
  // as BigInt, for SQLite's integer division). Each instant of [from, to) must be in
  // one part, or in the minutes' part and a cut minute (which the callers read as seconds only,
  // leaving its minute row out): walked second by second against that rule.
  it('minute_grain() tiles the range: minutes, ragged ends and the minutes a bucket start cuts', () => {
    const ranges: Array<[number, number, number, number]> = [
      // from, to, bucket_ms, minutes_ok
      [T0, T0 + 120 * MIN, 60 * MIN, 1],
      [T0 + 13_000, T0 + 119 * MIN + 7_000, 60 * MIN, 1],
      [T0 + 13_000, T0 + 119 * MIN + 7_000, 61_000, 1],
      [T0 + 13_000, T0 + 119 * MIN + 7_000, 60 * MIN, 0],
      [T0 + 13_000, T0 + 40_000, 60 * MIN, 1],
      [T0, T0 + 10 * MIN, 1_000, 1],
    ];
    for (const [from, to, bucket, ok] of ranges) {
      const parts = all('SELECT grain, lo, hi FROM minute_grain(:from, :to, :bucket_ms, :ok)', { from: BigInt(from), to: BigInt(to), bucket_ms: BigInt(bucket), ok: BigInt(ok) }) as
        Array<{ grain: string; lo: number; hi: number }>;
      const minutes = parts.filter((p) => p.grain === 'm');
      expect(minutes.length, `${from} ${to} ${bucket}`).toBe(ok && bucket >= MIN && Math.ceil(from / MIN) < Math.floor(to / MIN) ? 1 : 0);
      const cut = (m: number) => { // a bucket start falls inside the minute [m, m + MIN)
        for (let at = from + bucket; at < to; at += bucket) if (at > m && at < m + MIN) return true;
        return false;
      };
      for (let t = from; t < to; t += 1_000) {
        const inS = parts.filter((p) => p.grain === 's' && t >= p.lo && t < p.hi).length;
        const inM = minutes.filter((p) => t >= p.lo && t < p.hi).length;
        const m = Math.floor(t / MIN) * MIN;
        expect(inS + inM, `${t - from} ms into ${from}..${to} / ${bucket}`).toBe(inM && cut(m) ? 2 : 1);
        if (inM) expect(inS, `${t}`).toBe(cut(m) ? 1 : 0);
      }
    }
  });
});
