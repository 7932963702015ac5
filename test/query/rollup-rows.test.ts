// rowsInserter() writes a list of rollup rows several to a statement: the tables must end up as
// row-by-row inserts leave them, whatever the list's length, and under INSERT OR REPLACE a later
// row with the same key must still replace an earlier one (within one statement too).
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../src/store/schema.js';
import { ROW_COLUMNS, rowInserter, rowsInserter } from '../../src/query/rollup-rows.js';

function fresh(): Database.Database {
  const db = new Database(':memory:');
  for (const m of MIGRATIONS) db.exec(m);
  return db;
}

/** `n` rollup_status rows over `keys` distinct keys (so later rows replace earlier ones), and some rollup_second rows. */
function rows(n: number, keys: number): { status: unknown[][]; second: unknown[][] } {
  const status: unknown[][] = [];
  for (let i = 0; i < n; i++) status.push(['edge', i % 3 ? 'h' : '', 1_000 * (i % keys), 200 + (i % 5), i + 1]);
  const second: unknown[][] = [];
  for (let i = 0; i < n; i++) {
    second.push(['edge', '', 1_000 * (i % keys), i, 0, i, 0, 0, 1, 512 * i, 1, 1.5 * i, i % 7 ? 2.5 : null, i % 2 ? 'h1' : null,
      0, 0, null, 1, null]);
  }
  return { status, second };
}

const dump = (db: Database.Database, table: string) =>
  db.prepare(`SELECT * FROM ${table} ORDER BY ${ROW_COLUMNS[table as keyof typeof ROW_COLUMNS].slice(0, 4).join(', ')}`).all();

describe('rowsInserter', () => {
  for (const [n, keys] of [[0, 1], [1, 1], [15, 15], [16, 16], [17, 17], [100, 37], [100, 3]] as const) {
    it(`${n} rows over ${keys} keys: the same tables as one INSERT OR REPLACE per row`, () => {
      const { status, second } = rows(n, keys);
      const one = fresh(), many = fresh();
      const each = rowInserter(one, 'main', 'INSERT OR REPLACE');
      for (const r of status) each('rollup_status', r);
      for (const r of second) each('rollup_second', r);
      const lists = rowsInserter(many, 'main', 'INSERT OR REPLACE');
      lists('rollup_status', status);
      lists('rollup_second', second);
      for (const t of ['rollup_status', 'rollup_second']) expect(dump(many, t)).toEqual(dump(one, t));
      // one row per distinct key: the later rows replaced the earlier ones
      expect(dump(many, 'rollup_second')).toHaveLength(Math.min(n, keys));
      expect(dump(many, 'rollup_second').map((r) => (r as { requests: number }).requests))
        .toEqual(Array.from({ length: Math.min(n, keys) }, (_, k) => k + keys * Math.floor((n - 1 - k) / keys)));
    });
  }

  it('plain INSERT still refuses a key written twice', () => {
    const db = fresh();
    const { status } = rows(20, 10);
    expect(() => rowsInserter(db, 'main')('rollup_status', status)).toThrow(/UNIQUE/);
  });

  it('refuses a row of the wrong width', () => {
    const db = fresh();
    const { status } = rows(16, 16);
    status[3] = status[3].slice(1);
    expect(() => rowsInserter(db, 'main')('rollup_status', status)).toThrow(/a row of 4 values, not 5/);
  });
});
