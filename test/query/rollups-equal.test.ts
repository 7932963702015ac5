// The single-pass rollup build (src/query/rollups.ts + report/rollup-aggregate.ts) against the
// straightforward one it replaced (rollups-reference.ts), cell for cell: on rows made to hit the
// awkward cases (several sources on one host, stamps out of order, whole-second and millisecond
// stamps, start stamps, retried upstreams, missing values, fractional times, scan chunks of a few
// rows) and on every bundled incident as the CLI ingests it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openWritable, type DB } from '../../src/store/db.js';
import { buildRollups, ROLLUP_TABLES } from '../../src/query/rollups.js';
import { referenceRequestRollups } from './rollups-reference.js';
import { storyDbCopy } from '../fixtures.js';

const REQUEST_TABLES = ROLLUP_TABLES.filter((t) => t !== 'rollup_events' && t !== 'rollup_state');

function dump(db: Database.Database): Record<string, unknown[][]> {
  const out: Record<string, unknown[][]> = {};
  for (const t of ROLLUP_TABLES) {
    const n = db.prepare(`SELECT * FROM main.${t}`).columns().length;
    out[t] = db.prepare(`SELECT * FROM main.${t} ORDER BY ${Array.from({ length: n }, (_, i) => i + 1).join(', ')}`).raw().all() as unknown[][];
  }
  return out;
}

/** Rebuild from scratch with the new code, then with the reference; both dumps. */
function both(db: Database.Database, chunk?: number, clientsKept?: number): { fast: Record<string, unknown[][]>; ref: Record<string, unknown[][]> } {
  db.exec('DELETE FROM rollup_state');
  const stats = buildRollups(db as DB, { chunk, clientsKept });
  expect(stats.full).toBe(true);
  const fast = dump(db);
  for (const t of REQUEST_TABLES) db.exec(`DELETE FROM main.${t}`);
  referenceRequestRollups(db, 'main', clientsKept);
  return { fast, ref: dump(db) };
}

const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);

/** A small deterministic generator, so a failure reproduces. */
function rng(seed: number): () => number {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
}

function awkwardDb(): Database.Database {
  const db = openWritable(join(mkdtempSync(join(tmpdir(), 'overload-rollups-eq-')), 't.db'));
  db.prepare(`INSERT INTO sources (id, path, format, ingested_at) VALUES
    (1, 'a.log', 'nginx', 'x'), (2, 'a.log.1', 'nginx', 'x'), (3, 'b.log', 'nginx', 'x'),
    (4, 'php.log', 'php-fpm-access', 'x'), (5, 'apache.log', 'apache-combined', 'x')`).run();
  const ins = db.prepare(`INSERT INTO requests (source_id, host, ts, start_ts, end_ts, route, status, bytes, duration_ms,
    upstream_ms, upstream_addr, upstream_status, upstream_raw, client) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const r = rng(42);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const raws = [
    null, '', 'urt=0.071 uct=0.000 uht=0.064 ua=10.0.0.11:8080 us=200',
    'urt=1.002, 0.000 uct=0.001, - uht=-, - ua=127.0.0.1:18083, app_backend us=504, 502',
    'urt=0.5 : 0.25 ua=a : b us=200 : 200', 'ua= us=502', 'us=200 urt=0.010', 'xua=q ua=z us=- urt=-',
    'urt=2.5 ua=10.0.0.12:8080 us=200 ua=10.0.0.13:8080', ' ua=lead us=404 urt=0.0015',
  ];
  db.transaction(() => {
    // the log-order clock of each source: mostly forward, sometimes a second back
    const clock = [0, T0, T0 - 30_000, T0 + 5_000, T0, T0 + 1_000];
    for (let i = 0; i < 6000; i++) {
      const src = i < 1500 ? 1 + (i % 2) : 1 + Math.floor(r() * 5); // sources interleave
      clock[src] += r() < 0.05 ? -1000 : Math.floor(r() * 400);
      const dur = r() < 0.05 ? null : pick([0, 3, 17.25, 250, 1999.5, 12_000, 0.0004]);
      const host = pick([null, 'web1', 'web2']);
      let ts: number, start: number | null, end: number | null;
      if (src <= 3) { // nginx: whole-second end stamps (source 3 in ms)
        ts = src === 3 ? clock[src] : Math.floor(clock[src] / 1000) * 1000;
        end = ts; start = dur === null ? null : ts - dur;
      } else if (src === 4) { // end stamp in ms, no duration sometimes
        ts = clock[src]; end = r() < 0.9 ? ts : null; start = dur === null || end === null ? null : ts - dur;
      } else { // start stamps, whole seconds
        ts = Math.floor(clock[src] / 1000) * 1000; start = ts; end = dur === null ? null : ts + dur;
      }
      const raw = pick(raws);
      ins.run(src, host, ts, start, end, pick([null, '/', '/api/:id']), pick([null, 200, 200, 302, 404, 499, 502, 504]),
        pick([null, 0, 512, 70_000, 1.5]), dur, dur === null ? null : pick([null, dur / 2]),
        pick([null, 'up1', '']), pick([null, 200, 502]), raw,
        // a few busy clients and a long tail, for the bounded client rollups
        r() < 0.6 ? pick([null, '10.0.0.1', '10.0.0.2', '10.0.0.3', '']) : `2001:db8::${Math.floor(r() * 400).toString(16)}`);
    }
  })();
  db.prepare("INSERT INTO events (source_id, ts, component, kind, message) VALUES (3, ?, 'nginx', 'upstream_timeout', 'x')").run(T0 + 2000);
  return db;
}

describe('rollups: single pass equals the reference', () => {
  const db = awkwardDb();
  it.each([undefined, 1, 7, 500])('awkward rows, scan chunk %s', (chunk) => {
    const { fast, ref } = both(db, chunk);
    expect(fast.rollup_second.length).toBeGreaterThan(100);
    expect(fast.rollup_inflight.length).toBeGreaterThan(100);
    expect(fast.rollup_route_10s.length).toBeGreaterThan(fast.rollup_minute.length);
    expect(fast.rollup_clients.length).toBeGreaterThan(100);
    expect(fast.rollup_clients.every((r) => r[5] === 0)).toBe(true); // every client kept
    // minutes with more responses than rollup_largest keeps, many of equal size (ties go by id)
    const perMinute = new Map<string, number>();
    for (const r of fast.rollup_largest) perMinute.set(r.slice(0, 3).join('|'), (perMinute.get(r.slice(0, 3).join('|')) ?? 0) + 1);
    expect([...perMinute.values()].filter((n) => n === 100).length).toBeGreaterThan(3);
    // both kinds of minute (sparse.ts): sparse ones listed, with no 10 s or largest rows, and dense ones
    expect(fast.rollup_sparse.length).toBeGreaterThan(3);
    const sparse = new Set(fast.rollup_sparse.map((r) => r.join('|')));
    expect(fast.rollup_route_10s.some((r) => sparse.has([r[0], Math.floor(Number(r[1]) / 60_000) * 60_000, r[2]].join('|')))).toBe(false);
    expect(fast.rollup_largest.some((r) => sparse.has(r.slice(0, 3).join('|')))).toBe(false);
    expect(fast).toEqual(ref);
  });

  it.each([[undefined, 3], [7, 3], [1, 1], [500, 20]])('awkward rows, scan chunk %s, %s clients kept per bucket', (chunk, kept) => {
    const { fast, ref } = both(db, chunk, kept);
    // the cut happened: buckets with more clients than kept have a rest
    expect(fast.rollup_clients.filter((r) => Number(r[5]) > 0).length).toBeGreaterThan(10);
    expect(fast).toEqual(ref);
  });

  it.each(['1b-lighttpd-1.4.45-fastcgi-overload', '2-nginx-proxy-tempfile-timeout', '3-nginx-phpfpm-max-children',
    '4-varnish-apache-maxrequestworkers', '5-lighttpd-current-gw-backend'])('incident %s', (story) => {
    // (a copy: the builds below rewrite the rollups of the run's shared database)
    const d = new Database(storyDbCopy(story));
    const { fast, ref } = both(d, 1000);
    expect(fast.rollup_second.length).toBeGreaterThan(0);
    expect(fast).toEqual(ref);
    const again = both(d);
    expect(again.fast).toEqual(ref);
    d.close();
  });
});

/** A full build of `db`'s rollups, its dump and minutes, and a recompute of [lo, hi) in a transaction. */
async function builtAndRebuilder(db: Database.Database) {
  const { rebuildRequestRange, readRollupState } = await import('../../src/query/rollups.js');
  const { sourceTiers } = await import('../../src/query/tiers.js');
  db.exec('DELETE FROM rollup_state');
  buildRollups(db as DB);
  const full = dump(db);
  const st = readRollupState(db as DB, 'main');
  const tiers = sourceTiers(db);
  const minutes = db.prepare('SELECT DISTINCT t / 60000 * 60000 FROM rollup_second ORDER BY 1').pluck().all() as number[];
  const rebuild = (lo: number, hi: number, slice?: { ms: number; rows: number }) =>
    db.transaction(() => rebuildRequestRange(db as DB, lo, hi, st.max_duration_ms, tiers, slice))();
  return { full, minutes, rebuild };
}

describe('rollups: a range rebuilt equals the same range of a full build, to the last bit', () => {
  // The incremental build (a later ingest) and the stream's recomputed minutes rebuild a range
  // [lo, hi). Rows beyond the range decide when a whole-second group is spread, so they decide
  // the order in which durations are summed: a range fed only its own rows summed some seconds
  // in another order (1007.6060000000001 instead of 1007.606).
  it('every range of whole minutes of the awkward rows', async () => {
    const db = awkwardDb();
    const { full, minutes, rebuild } = await builtAndRebuilder(db);
    expect(minutes.length).toBeGreaterThan(3);
    let ranges = 0;
    for (let i = 0; i < minutes.length; i++) {
      for (const width of [1, 2, 4]) {
        const hi = minutes[i] + width * 60_000;
        rebuild(minutes[i], hi);
        expect(dump(db), `[${minutes[i]}, ${hi})`).toEqual(full);
        // the same range a minute at a time (how a long recompute goes, so two logs of the same
        // hours don't hold the whole overlap in memory)
        rebuild(minutes[i], hi, { ms: 60_000, rows: 1 });
        expect(dump(db), `[${minutes[i]}, ${hi}) in slices`).toEqual(full);
        ranges++;
      }
    }
    expect(ranges).toBeGreaterThan(9);
  });

  it('two logs over the same minutes, recomputed in slices, equal a full build', async () => {
    const db = awkwardDb();
    // a second source over the same minutes: every row again, after all of the first's (log order)
    const src = db.prepare('SELECT max(id) m FROM sources').get() as { m: number };
    db.exec(`INSERT INTO sources (id, path, format, host, bytes, lines, parsed, rejected, ingested_at)
      SELECT ${src.m + 1}, path || '.2', format, host, bytes, lines, parsed, rejected, ingested_at FROM sources WHERE id = ${src.m}`);
    const cols = (db.prepare("SELECT name FROM pragma_table_info('request_rows') WHERE name NOT IN ('id', 'source_id')").pluck().all() as string[]).join(', ');
    db.exec(`INSERT INTO request_rows (source_id, ${cols}) SELECT ${src.m + 1}, ${cols} FROM request_rows ORDER BY id`);
    const { full, minutes, rebuild } = await builtAndRebuilder(db);
    const lo = minutes[0], hi = minutes[minutes.length - 1] + 60_000;
    rebuild(lo, hi, { ms: Infinity, rows: Infinity });
    const one = dump(db);
    for (const k of Object.keys(full)) expect((one as Record<string, unknown>)[k], 'one ' + k).toEqual((full as Record<string, unknown>)[k]);
    const fed = rebuild(lo, hi, { ms: 60_000, rows: 500 });
    const sliced = dump(db);
    for (const k of Object.keys(full)) expect((sliced as Record<string, unknown>)[k], 'sliced ' + k).toEqual((full as Record<string, unknown>)[k]);
    expect(fed).toBeGreaterThan(0);
  });
});
