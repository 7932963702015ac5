// The streamed rollups' rows cross from the rollup worker to the writer encoded per table
// (src/query/rollup-rows.ts RowEncoder). Whether the native extension binds them or JS decodes
// them, every table must hold exactly what inserting the plain row arrays gives: the same values
// with the same storage types (an integral number stored as INTEGER, NULLs, texts byte for byte),
// for batches that are and are not a multiple of the rows per multi-row INSERT.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWritable, type DB } from '../../src/store/db.js';
import { loadNative, NATIVE_EXTENSION } from '../../src/store/native.js';
import { ROW_COLUMNS, RowEncoder, encodedRowsInserter, rowInserter, type RowTable } from '../../src/query/rollup-rows.js';

const TEXTS = ['edge', '', 'héllo wörld', '/api/ünïcode/🙂', 'a\u0000b', '/item/{id}', '1|2|3:1,4:2'];

/** `n` rows of `table`, each column filled by its kind, NULL where the schema allows it now and then. */
function rowsOf(db: DB, table: RowTable, n: number): unknown[][] {
  const info = db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string; type: string; notnull: number; pk: number }>;
  const byName = new Map(info.map((c) => [c.name, c]));
  const rows: unknown[][] = [];
  for (let k = 0; k < n; k++) {
    rows.push(ROW_COLUMNS[table].map((name, i) => {
      const c = byName.get(name)!;
      if (c.pk && (c.type === 'INTEGER')) return 1_700_000_000_000 + k * 1000 + (name === 'id' || name === 'status' ? i : 0);
      if (!c.notnull && (k + i) % 5 === 0) return null;
      if (c.type === 'TEXT') return c.pk ? `${TEXTS[(k + i) % TEXTS.length]}#${k}` : TEXTS[(k + i) % TEXTS.length];
      // whole numbers, fractions, a negative and a large value
      return [k, k + 0.5, -3, 2 ** 40 + k, 0.001 * k][(k + i) % 5];
    }));
  }
  return rows;
}

/** Every rollup table's rows as SQL literals: quote() tells 1 from 1.0 and a blob from a text. */
function dump(db: DB): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const table of Object.keys(ROW_COLUMNS)) {
    const cols = db.prepare(`SELECT * FROM ${table}`).columns().map((c) => `quote(${c.name})`);
    out[table] = db.prepare(`SELECT ${cols.join(" || ',' || ")} FROM ${table} ORDER BY 1`).pluck().all() as string[];
  }
  return out;
}

describe('the streamed rollups\' encoded rows', () => {
  const dir = mkdtempSync(join(tmpdir(), 'overload-rowenc-'));
  const fresh = (name: string) => openWritable(join(dir, name));

  it('store what the plain row arrays store, bound in C and from JS, in batches of any size', () => {
    const reference = fresh('reference.db');
    const viaNative = fresh('native.db');
    const viaJs = fresh('js.db');
    const native = loadNative(viaNative);
    // (the extension is built by `npm run build`; without it only the JS path can be checked)
    if (existsSync(NATIVE_EXTENSION) && process.env.OVERLOAD_NATIVE !== '0') expect(native).toBe(true);
    const plain = rowInserter(reference, 'main', 'INSERT OR REPLACE');
    const inserters = [encodedRowsInserter(viaNative, 'main', 'INSERT OR REPLACE', native), encodedRowsInserter(viaJs, 'main', 'INSERT OR REPLACE', false)];
    const encoder = new RowEncoder();
    let rowsSeen = 0;
    let given: ArrayBufferLike | null = null;
    // 70 rows in three takes (31, 32, 7 per table): a multi-row INSERT of 32 and single rows
    for (const [from, to] of [[0, 31], [31, 63], [63, 70]]) {
      for (const table of Object.keys(ROW_COLUMNS) as RowTable[]) {
        for (const row of rowsOf(reference, table, 70).slice(from, to)) {
          plain(table, row);
          encoder.add(table, row);
          rowsSeen++;
        }
      }
      const rows = encoder.take()!;
      // the buffers given back after the last take are filled again (over what they held before)
      if (given) expect(rows.rollup_minute!.nums.buffer).toBe(given);
      for (const insert of inserters) insert(rows);
      expect(encoder.take()).toBeNull();
      given = rows.rollup_minute!.nums.buffer;
      encoder.giveBack(rows);
    }
    expect(rowsSeen).toBe(70 * Object.keys(ROW_COLUMNS).length);
    const want = dump(reference);
    for (const t of Object.keys(ROW_COLUMNS)) expect(want[t].length, t).toBe(70);
    expect(dump(viaNative)).toEqual(want);
    expect(dump(viaJs)).toEqual(want);
  });

  it('refuse a value of the wrong kind instead of storing it', () => {
    const encoder = new RowEncoder();
    const row = rowsOf(fresh('kinds.db'), 'rollup_status', 1)[0];
    expect(() => encoder.add('rollup_status', ['edge', 'h', '12', 200, 1])).toThrow(/rollup_status\.t is not a number/);
    expect(() => encoder.add('rollup_status', [1, ...row.slice(1)])).toThrow(/rollup_status\.tier is not text/);
  });
});
