// A database made before sparse minutes (schema version 11: no rollup_sparse, src/query/sparse.ts)
// is read as one whose every minute has its rollup rows: the reports answer as they did.
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { cli, storyDbCopy } from '../fixtures.js';

const REPORTS = ['upstreams', 'oversized', 'incident', 'timeline'];

const json = (db: string, name: string): unknown => {
  const r = cli(['report', name, '--db', db, '--tz', 'UTC', '--format', 'json']);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};

describe('a database made before sparse minutes (schema version 11)', () => {
  it('answers every report that reads the 10 s and largest rollups as before', () => {
    const db = storyDbCopy('3-nginx-phpfpm-max-children');
    const before = Object.fromEntries(REPORTS.map((n) => [n, json(db, n)]));
    const w = new Database(db);
    // the story has sparse minutes: what the rule leaves out is read from the rows
    expect((w.prepare('SELECT count(*) AS n FROM rollup_sparse').get() as { n: number }).n).toBeGreaterThan(0);
    // what the previous version left: no rollup_sparse, version 11, its rollups fresh. (Rollups
    // built by the previous version have every minute's rows; these lack the sparse ones', so
    // only a report that reads none of those tables is compared here.)
    w.exec('DROP TABLE rollup_sparse; DELETE FROM schema_version WHERE version > 11');
    w.close();
    for (const n of REPORTS) json(db, n);
    expect(json(db, 'timeline')).toEqual(before.timeline);
    // rollups of another version: the reports build their own, with rollup_sparse, in TEMP tables
    const w2 = new Database(db);
    w2.exec("DELETE FROM rollup_state WHERE name = 'version'");
    w2.close();
    for (const n of REPORTS) expect(json(db, n), n).toEqual(before[n]);
  });
});
