// viewTable: a report's rows as a panel's table, each file column read by its header's kind and
// unit, the panel choosing only which columns, their titles and the rows.
import { describe, it, expect } from 'vitest';
import { parseReport } from '../../src/report/loader.js';
import type { ReportResult } from '../../src/report/runner.js';
import { viewTable } from '../../src/tui/data/panel-view.js';

const def = parseReport(`-- name: sizes
-- title: Sizes
-- description: two sections naming a size differently
-- columns: section text, route text, url text, max_bytes bytes, bytes bytes, took duration s, at time iso, key id
-- section: a
SELECT 1
`, '/tmp/sizes.sql');

const result: ReportResult = {
  name: 'sizes', title: 'Sizes', columns: ['section', 'route', 'url', 'max_bytes', 'bytes', 'took', 'at', 'key'], sections: null, params: {}, notes: [],
  rows: [
    { section: 'routes', route: '/a', url: null, max_bytes: 2048, bytes: null, took: 1.5, at: '2026-11-22T09:52:30.000Z', key: 7 },
    { section: 'largest', route: '/a', url: '/a?x=1', max_bytes: null, bytes: 999, took: null, at: null, key: 8 },
  ],
};

describe('viewTable', () => {
  it('reads each value by its own column and shows the first that has one', () => {
    const t = viewTable(result, def, {
      columns: [{ key: 'what', from: ['url', 'route'], title: 'url / route' }, { key: 'size', from: ['max_bytes', 'bytes'] }, { from: 'took', title: 't' }, { from: 'at' }],
      drill: 'route', drillKey: 'key',
    });
    expect(t.columns.map((c) => [c.key, c.title, c.kind])).toEqual([['what', 'url / route', 'text'], ['size', 'max_bytes', 'bytes'], ['took', 't', 'ms'], ['at', 'at', 'time']]);
    // seconds to ms, ISO to epoch ms; the drill key rides along though not shown, as text
    expect(t.rows).toEqual([
      { what: '/a', size: 2048, took: 1500, at: Date.parse('2026-11-22T09:52:30Z'), key: '7' },
      { what: '/a?x=1', size: 999, took: null, at: null, key: '8' },
    ]);
    // no sorts named: the first column, then the number columns
    expect(t.sorts).toEqual(['what', 'size', 'took', 'at']);
    expect(t.drillKey).toBe('key');
    expect(t.note).toBeUndefined();
  });

  it('without a view: every column as the header says, the report named in the note', () => {
    const t = viewTable(result, def);
    expect(t.columns.map((c) => c.kind)).toEqual(['text', 'text', 'text', 'bytes', 'bytes', 'ms', 'time', 'text']);
    expect(t.note).toBe('Sizes (report sizes)');
  });
});
