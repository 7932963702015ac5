// Report files: headers parse, every built-in report declares the parameters its SQL uses.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinQueriesDir, loadReports, parseReport, queriesDirs } from '../../src/report/loader.js';
import { autoBucketMs } from '../../src/report/params.js';

const DERIVED = ['bucket_ms', 'span_ms', 'from_minute', 'to_minute', 'data_from', 'data_to', 'hosts'];
const MODULE_DERIVED: Record<string, string[]> = { incident: ['base_from', 'base_to', 'base_from_minute', 'base_to_minute'] };

describe('report headers', () => {
  it('parse name, parameters with types and defaults, sections and wrapped lines', () => {
    const def = parseReport([
      '-- name: demo',
      '-- title: Demo',
      '-- description: First line',
      '--   and its continuation.',
      '-- param: from (time, default: start of data) start',
      '-- param: group (enum route|path, default: route) what to',
      '--   group by',
      '-- param: limit (int) how many',
      '-- ranking: count, most first',
      '-- json: events',
      '-- section: one',
      'SELECT 1 AS a',
      '-- section: two',
      'SELECT 2 AS b',
    ].join('\n'), '/x/demo.sql');
    expect(def.description).toBe('First line and its continuation.');
    expect(def.params).toEqual([
      { name: 'from', type: 'time', default: 'start of data', description: 'start' },
      { name: 'group', type: 'enum', choices: ['route', 'path'], default: 'route', description: 'what to group by' },
      { name: 'limit', type: 'int', description: 'how many' },
    ]);
    expect(def.sections.map((s) => s.name)).toEqual(['one', 'two']);
    expect(def.json).toEqual(['events']);
  });

  it('refuse a file without a description or with a bad parameter', () => {
    expect(() => parseReport('SELECT 1', '/x/a.sql')).toThrow(/description/);
    expect(() => parseReport('-- description: d\n-- param: x (colour) y\nSELECT 1', '/x/a.sql')).toThrow(/unknown type/);
  });

  it('every built-in report declares each :parameter its SQL binds', () => {
    const reports = loadReports([builtinQueriesDir()]);
    expect([...reports.keys()]).toEqual(expect.arrayContaining([
      'timeline', 'spikes', 'incident', 'slow-endpoints', 'oversized', 'status', 'upstreams', 'events',
      'backend-overload', 'fpm-saturation', 'slowlog-top', 'concurrency', 'samples',
    ]));
    for (const def of reports.values()) {
      const known = new Set([...def.params.map((p) => p.name), ...DERIVED, ...(MODULE_DERIVED[def.name] ?? [])]);
      for (const s of def.sections) {
        const sql = s.sql.replace(/--.*$/gm, '').replace(/'[^']*'/g, "''");
        for (const m of sql.matchAll(/:([a-z_]+)/g)) expect(known.has(m[1]), `${def.name} uses :${m[1]}`).toBe(true);
      }
      expect(def.ranking, `${def.name} says what its ranking means`).not.toBe('');
    }
  });

  it('a folder of the user adds reports and overrides built-in ones by name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'overload-q-'));
    writeFileSync(join(dir, 'timeline.sql'), '-- description: mine\n-- ranking: none\nSELECT 1 AS one');
    writeFileSync(join(dir, 'extra.sql'), '-- description: extra\n-- ranking: none\nSELECT 2 AS two');
    const reports = loadReports(queriesDirs([dir]));
    expect(reports.get('timeline')!.description).toBe('mine');
    expect(reports.has('extra')).toBe(true);
    expect(reports.has('spikes')).toBe(true);
  });

  it('auto buckets aim at 60-120 rows', () => {
    expect(autoBucketMs(100_000)).toBe(1000);
    expect(autoBucketMs(15 * 60_000)).toBe(10_000);
    expect(autoBucketMs(2 * 3_600_000)).toBe(60_000);
    expect(autoBucketMs(8 * 3_600_000)).toBe(300_000);
    expect(autoBucketMs(30 * 3_600_000)).toBe(900_000);
    expect(autoBucketMs(7 * 86_400_000)).toBe(3_600_000);
  });
});
