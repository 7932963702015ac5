// How SQLite reads the rollups behind the relations: a rollup keyed (tier, host, t ...) must be
// sought by time, per host of hosts(). Written "({host} IS NULL OR host = {host})", the host
// term keeps SQLite from using t in the key, and a read of minutes scanned every row of the tier
// (route_load() read a week of rollup_minute for a 15-minute incident: 100 ms instead of 4).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWritable } from '../../src/store/db.js';
import { ensureRollups, prepareSection, reportRelations } from '../../src/report/runner.js';

const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);

function db() {
  const d = openWritable(join(mkdtempSync(join(tmpdir(), 'overload-plans-')), 't.db'));
  d.prepare(`INSERT INTO sources (id, path, format, ingested_at) VALUES (1, 'a.log', 'nginx', 'x')`).run();
  const ins = d.prepare('INSERT INTO requests (source_id, host, ts, start_ts, route, status, bytes, duration_ms, client) VALUES (1, ?, ?, ?, ?, 200, 10, 5, ?)');
  for (let i = 0; i < 2000; i++) ins.run(i % 3 ? 'web1' : 'web2', T0 + i * 150, T0 + i * 150 - 5, `/r${i % 5}`, `192.0.2.${i % 9}`);
  ensureRollups(d);
  return d;
}

describe('the relations over rollups keyed by host and time', () => {
  const d = db();

  it("seek a time range, never read every row of the tier", () => {
    const scans: string[] = [];
    for (const def of reportRelations().values()) {
      const args = def.params.map((p) => (p === 'tier' ? "'edge'" : p === 'host' ? 'NULL' : p === 'to' ? String(T0 + 240_500)
        : p === 'from' ? String(T0 + 12_345) : p === 'bucket_ms' ? '60000' : p === 'only' ? 'NULL' : '1'));
      const plan = prepareSection(d, `EXPLAIN QUERY PLAN SELECT * FROM ${def.name}(${args.join(', ')})`).all({}) as Array<{ detail: string }>;
      // (hosts() lists the tier's hosts from its minute totals: reading the tier is what it does)
      for (const { detail } of plan) {
        if (/USING PRIMARY KEY \(tier=\?\)$/.test(detail) && !detail.startsWith('SEARCH rollup_minute_totals ')) scans.push(`${def.name}: ${detail}`);
      }
    }
    expect(scans).toEqual([]);
  });
});
