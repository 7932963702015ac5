// hist() over rollup texts: a group of one text gives it back unparsed, and that is the text a
// merge would have written (the scanner's million one-minute routes are such groups).
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Histogram } from '../../src/query/histogram.js';
import { registerReportFunctions } from '../../src/query/sqlfns.js';

describe('hist()', () => {
  const db = new Database(':memory:');
  registerReportFunctions(db);
  const one = (sql: string, ...args: unknown[]) => db.prepare(sql).pluck().get(...args);
  const text = (values: number[]) => { const h = new Histogram(); for (const v of values) h.add(v); return h.toText()!; };

  it('of one text is that text, as parsing and writing it again gives', () => {
    const t = text([0.5, 3, 3, 17.25, 60_000, 1e-7]);
    expect(one('SELECT hist(x) FROM (SELECT ? AS x)', t)).toBe(t);
    expect(Histogram.from(t).toText()).toBe(t);
  });

  it('merges texts and numbers in any order, NULLs left out', () => {
    const a = text([1, 2, 3]), b = text([40, 50]);
    const all = text([1, 2, 3, 40, 50, 7]);
    expect(one('SELECT hist(x) FROM (SELECT ? AS x UNION ALL SELECT NULL UNION ALL SELECT ? UNION ALL SELECT 7)', a, b)).toBe(all);
    expect(one('SELECT hist(x) FROM (SELECT 7 AS x UNION ALL SELECT ? UNION ALL SELECT ?)', a, b)).toBe(all);
    expect(one('SELECT hist(x) FROM (SELECT ? AS x UNION ALL SELECT 7)', a)).toBe(text([1, 2, 3, 7]));
  });

  it('of nothing, or of a text with no bins, is NULL', () => {
    expect(one('SELECT hist(x) FROM (SELECT NULL AS x)')).toBeNull();
    expect(one('SELECT hist(x) FROM (SELECT 1 AS x) WHERE 0')).toBeNull();
    expect(one("SELECT hist(x) FROM (SELECT '1|2|' AS x)")).toBeNull();
  });
});
