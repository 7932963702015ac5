// statuses() reads whole minutes from rollup_status_minute (src/query/rollup-span.ts) where a
// minute lies whole in one bucket, and rollup_status's seconds elsewhere. Its answers must be the
// seconds' (the golden report sets compare JSON byte for byte): here against the relation as it
// was, over rollup_status alone, on ranges that use the minutes and ranges that must not (buckets
// that cut minutes, buckets under a minute, ragged ends), and a wrong minute row shows which
// grain a read took.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openReadOnly, openWritable, SCHEMA_VERSION, type DB } from '../../src/store/db.js';
import { ensureRollups, prepareSection } from '../../src/report/runner.js';
import { T0, MIN, lcg, MINUTE_RANGES, GRAIN_CASES } from './minute-ranges.js';
import { buildRollups, rollupsFresh } from '../../src/query/rollups.js';
import { MIGRATIONS } from '../../src/store/schema.js';


/** statuses() before the minutes: rollup_status's seconds alone */
const SECONDS = `SELECT :from + ((t - :from) / :bucket_ms) * :bucket_ms AS bucket_ts, status, sum(requests) AS requests
FROM rollup_status WHERE tier = :tier AND t >= :from AND t < :to AND (:host IS NULL OR host = :host)
GROUP BY 1, status ORDER BY 1, status`;
const STATUSES = 'SELECT bucket_ts, status, requests FROM statuses(:from, :to, :bucket_ms, :tier, :host) ORDER BY 1, status';

/** Two hours on two hosts, a few requests a second, five status codes and some with none. */
function db(path = join(mkdtempSync(join(tmpdir(), 'overload-status-minutes-')), 't.db')): DB {
  const d = openWritable(path);
  d.prepare(`INSERT INTO sources (id, path, format, ingested_at) VALUES (1, 'a.log', 'nginx', 'x')`).run();
  const ins = d.prepare(`INSERT INTO requests (source_id, host, ts, start_ts, route, status, bytes, duration_ms)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  const r = lcg(11);
  d.transaction(() => {
    for (let i = 0; i < 20_000; i++) {
      const ts = T0 + Math.floor(i * 360 + r() * 300);
      const host = r() < 0.7 ? 'web1' : 'web2';
      const dur = Math.round(r() * r() * 4000);
      const u = r();
      const status = u < 0.03 ? 502 : u < 0.06 ? 404 : u < 0.08 ? 301 : u < 0.09 ? null : u < 0.1 ? 499 : 200;
      ins.run(1, host, ts, ts - dur, `/r${Math.floor(r() * 5)}`, status, 100, dur);
    }
  })();
  ensureRollups(d);
  return d;
}

describe('statuses() at minute grain', () => {
  const d = db();
  const all = (sql: string, bind: Record<string, unknown>) => prepareSection(d, sql).all(bind);
  const base = { tier: 'edge', host: null as string | null };
  const ranges = MINUTE_RANGES;

  it('the fixture has minute rows of several codes, none logged among them', () => {
    const rows = all("SELECT count(*) AS n, count(DISTINCT status) AS codes, sum(status = 0) AS none FROM rollup_status_minute WHERE tier = 'edge'", {}) as
      Array<{ n: number; codes: number; none: number }>;
    expect(rows[0].n).toBeGreaterThan(500);
    expect(rows[0].codes).toBe(6);
    expect(rows[0].none).toBeGreaterThan(0);
  });

  for (const [name, from, to, bucket] of ranges) {
    for (const host of [null, 'web2']) {
      it(`${name}${host ? ', one host' : ''}: the seconds' answer`, () => {
        const bind = { ...base, host, from: BigInt(from), to: BigInt(to), bucket_ms: BigInt(bucket) };
        const want = all(SECONDS, bind);
        expect(want.length).toBeGreaterThan(0);
        expect(all(STATUSES, bind)).toEqual(want);
      });
    }
  }

  it('reads the minutes where they fit and the seconds where they do not', () => {
    // a minute row made wrong on purpose shows which grain a read took
    const t = T0 + 20 * MIN;
    const total = (from: number, to: number, bucket: number) =>
      (all('SELECT sum(requests) AS n FROM statuses(:from, :to, :bucket_ms, :tier, :host) WHERE status = 200',
        { ...base, from: BigInt(from), to: BigInt(to), bucket_ms: BigInt(bucket) }) as Array<{ n: number }>)[0].n;
    // (5 min buckets from T0 + 1 s: the minute at T0 + 20 min holds a bucket's start, T0 + 18 min does not)
    const cases = GRAIN_CASES;
    const before = cases.map((c) => total(...c));
    const bump = (at: number, by: number) =>
      d.prepare("UPDATE rollup_status_minute SET requests = requests + ? WHERE tier = 'edge' AND host = 'web1' AND t = ? AND status = 200").run(by, at);
    bump(t, 1000);
    try {
      expect(cases.map((c) => total(...c))).toEqual([before[0] + 1000, before[1] + 1000, before[2], before[3]]);
      bump(t - 2 * MIN, 1000);
      try {
        expect(total(...cases[2])).toBe(before[2] + 1000);
      } finally {
        bump(t - 2 * MIN, -1000);
      }
    } finally {
      bump(t, -1000);
    }
  });
});

describe('a database whose rollups predate the status minutes', () => {
  it('is answered from TEMP rollups read-only, and rebuilt in full once by the next build', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'overload-status-minutes-old-')), 't.db');
    const bind = { tier: 'edge', host: null, from: BigInt(T0 + 13_000), to: BigInt(T0 + 119 * MIN), bucket_ms: BigInt(15 * MIN) };
    db(path).close(); // (its rollups were built in TEMP tables: the main ones are built here)
    const d = openWritable(path);
    expect(buildRollups(d).full).toBe(true);
    ensureRollups(d);
    const want = prepareSection(d, SECONDS).all(bind);
    expect(want.length).toBeGreaterThan(0);
    expect(prepareSection(d, STATUSES).all(bind)).toEqual(want);
    // what the previous version left: no rollup_status_minute (its migration not run) and rollups
    // of version 4. (Written while that migration is the last: one appended after it would run
    // again on the next open, and its objects must be dropped here too.)
    const mine = MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE rollup_status_minute')) + 1;
    expect(mine, 'the status minutes are the last migration').toBe(SCHEMA_VERSION);
    d.exec(`DROP TABLE main.rollup_status_minute; DELETE FROM schema_version WHERE version >= ${mine};
      UPDATE main.rollup_state SET value = 4 WHERE name = 'version'`);
    d.close();
    const ro = openReadOnly(path);
    ensureRollups(ro);
    expect(prepareSection(ro, STATUSES).all(bind)).toEqual(want);
    expect((ro.prepare('SELECT count(*) AS n FROM temp.rollup_status_minute').get() as { n: number }).n).toBeGreaterThan(500);
    ro.close();
    const rw = openWritable(path); // migrates: the table exists again, empty
    expect(rollupsFresh(rw)).toBe(false);
    expect(buildRollups(rw).full).toBe(true);
    expect(rollupsFresh(rw)).toBe(true);
    expect(buildRollups(rw).full).toBe(false);
    expect((rw.prepare('SELECT count(*) AS n FROM main.rollup_status_minute').get() as { n: number }).n).toBeGreaterThan(500);
    ensureRollups(rw);
    expect(prepareSection(rw, STATUSES).all(bind)).toEqual(want);
    rw.close();
  });
});
