// The `-- columns:` header: parsed with its kinds and units, and true of every built-in query
// file (canned reports and the screens' own queries alike): run on a story database, each
// returns exactly the columns it declares, in the declared order.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { builtinQueriesDir, loadReports, parseReport } from '../../src/report/loader.js';
import { normalized, parseColumns } from '../../src/report/columns.js';
import { openReadOnly, type DB } from '../../src/store/db.js';
import { runReport } from '../../src/report/runner.js';
import { MODULES } from '../../src/correlate/modules.js';
import { storyDb, STORY3 } from '../fixtures.js';

describe('the columns header', () => {
  it('reads name, kind and unit, over wrapped lines, with each kind\'s default unit', () => {
    const def = parseReport([
      '-- description: d',
      '-- columns: t time, at time iso, n count, p95_ms duration ms,',
      '--   took duration s, size bytes, rps rate req/s, share percent, events json',
      'SELECT 1',
    ].join('\n'), '/x/demo.sql');
    expect(def.columns).toEqual([
      { name: 't', kind: 'time', unit: 'ms' }, { name: 'at', kind: 'time', unit: 'iso' }, { name: 'n', kind: 'count', unit: null },
      { name: 'p95_ms', kind: 'duration', unit: 'ms' }, { name: 'took', kind: 'duration', unit: 's' }, { name: 'size', kind: 'bytes', unit: 'B' },
      { name: 'rps', kind: 'rate', unit: 'req/s' }, { name: 'share', kind: 'percent', unit: null }, { name: 'events', kind: 'json', unit: null },
    ]);
    expect(def.listed).toBe(true);
    expect(parseReport('-- description: d\n-- listed: no\nSELECT 1', '/x/a.sql').listed).toBe(false);
  });

  it('refuses an unknown kind, a unit the kind does not take, a column declared twice', () => {
    expect(() => parseColumns('a colour', 'f.sql')).toThrow(/unknown kind colour/);
    expect(() => parseColumns('a duration h', 'f.sql')).toThrow(/does not take the unit h/);
    expect(() => parseColumns('a count items', 'f.sql')).toThrow(/does not take the unit items/);
    expect(() => parseColumns('a count, a text', 'f.sql')).toThrow(/declared twice/);
    expect(() => parseColumns('a', 'f.sql')).toThrow(/name kind \[unit\]/);
  });

  it('brings values to one scale per kind: epoch ms, ms, a fraction', () => {
    expect(normalized('2026-11-22T09:51:42.000Z', { name: 'x', kind: 'time', unit: 'iso' })).toBe(Date.UTC(2026, 10, 22, 9, 51, 42));
    expect(normalized(1.5, { name: 'x', kind: 'duration', unit: 's' })).toBe(1500);
    expect(normalized(25, { name: 'x', kind: 'percent', unit: null })).toBe(0.25);
    expect(normalized('n/a', { name: 'x', kind: 'count', unit: null })).toBe(null);
  });
});

describe('every built-in query file declares what it returns', () => {
  let db: DB;
  beforeAll(() => { db = openReadOnly(storyDb(STORY3)); });
  afterAll(() => db?.close());

  const reports = loadReports([builtinQueriesDir()]);
  for (const def of reports.values()) {
    it(def.name, () => {
      expect(def.columns.length, `${def.name} has a -- columns: header`).toBeGreaterThan(0);
      const result = runReport(db, def, {}, { tz: 'UTC', modules: MODULES });
      expect(result.columns).toEqual(def.columns.map((c) => c.name));
    });
  }
});
