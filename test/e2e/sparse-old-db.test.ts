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
    // what the previous version left: no rollup_sparse, version 11, and (so that the reports
    // build their own rollups, with every row) rollups of another version
    w.exec("DROP TABLE rollup_sparse; DELETE FROM schema_version WHERE version > 11; DELETE FROM rollup_state WHERE name = 'version'");
    w.close();
    for (const n of REPORTS) expect(json(db, n), n).toEqual(before[n]);
  });
});
