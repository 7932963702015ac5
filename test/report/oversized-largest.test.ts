// The oversized report's largest responses come from rollup_largest (a minute's 100 largest per
// tier and host) for whole minutes and from rows for the ragged ends, where an index on bytes
// used to find them. Held against plain SQL over the rows: windows of every alignment, both
// tiers, a host, ties of equal size (the lower id first), and limits past what the rollup keeps.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWritable, type DB } from '../../src/store/db.js';
import { buildRollups } from '../../src/query/rollups.js';
import { runReport } from '../../src/report/runner.js';

const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);

function rng(seed: number): () => number {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
}

function makeDb(): DB {
  const db = openWritable(join(mkdtempSync(join(tmpdir(), 'overload-largest-')), 't.db'));
  db.prepare(`INSERT INTO sources (id, path, format, host, ingested_at) VALUES
    (1, 'a.log', 'nginx', 'web1', 'x'), (2, 'b.log', 'nginx', 'web2', 'x'), (3, 'fpm.log', 'php-fpm-access', 'web1', 'x')`).run();
  const ins = db.prepare(`INSERT INTO requests (source_id, host, ts, start_ts, end_ts, route, status, bytes, duration_ms)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const r = rng(11);
  db.transaction(() => {
    for (let t = T0; t < T0 + 12 * 60_000; t += Math.floor(r() * 40)) {
      const source = r() < 0.7 ? 1 : r() < 0.6 ? 2 : 3;
      const dur = Math.floor(r() * 3000);
      // sizes from a few values (many ties) and a long tail
      const bytes = r() < 0.05 ? null : r() < 0.5 ? [512, 4096, 70_000][Math.floor(r() * 3)] : Math.floor(r() ** 4 * 50_000_000);
      ins.run(source, source === 2 ? 'web2' : 'web1', t + dur, t, t + dur, '/x', 200, bytes, dur);
    }
  })();
  buildRollups(db);
  return db;
}

describe('oversized: largest responses from rollup_largest equal the rows', () => {
  const db = makeDb();
  const windows: Array<[number, number]> = [
    [T0, T0 + 12 * 60_000], [T0 + 60_000, T0 + 5 * 60_000], [T0 + 61_234, T0 + 7 * 60_000 + 999], [T0 + 2_000, T0 + 50_000],
    [T0 + 3 * 60_000 + 59_000, T0 + 4 * 60_000 + 1_000],
  ];
  const cases = windows.flatMap((w) => [
    [w, 'edge', null, 10], [w, 'edge', 'web2', 10], [w, 'backend', null, 25], [w, 'edge', null, 100], [w, 'edge', null, 250],
  ] as const);
  it.each(cases)('window %j, %s, host %s, limit %d', ([from, to], tier, host, limit) => {
    const res = runReport(db, 'oversized', { from: String(from), to: String(to), tier, host: host ?? undefined, limit: String(limit) }, { tz: 'UTC' });
    const got = res.rows.filter((x) => x.section === 'largest').map((x) => [x.bytes, x.start]);
    const want = db.prepare(`SELECT r.bytes, strftime('%Y-%m-%dT%H:%M:%fZ', coalesce(r.start_ts, r.ts) / 1000.0, 'unixepoch') AS start FROM requests r
      WHERE coalesce(r.start_ts, r.ts) >= :from AND coalesce(r.start_ts, r.ts) < :to AND r.bytes IS NOT NULL
        AND (:host IS NULL OR r.host = :host)
        AND r.source_id IN (SELECT id FROM sources WHERE (CASE WHEN format LIKE '%fpm%' THEN 'backend' ELSE 'edge' END) = :tier)
      ORDER BY r.bytes DESC, r.id LIMIT :limit`).raw().all({ from, to, host, tier, limit }) as unknown[][];
    if (to - from > 10_000) expect(got.length).toBeGreaterThan(0);
    expect(got.map((g) => g[0])).toEqual(want.map((w) => w[0]));
    expect(got.length).toBe(want.length);
  });
});
