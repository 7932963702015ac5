// The writer's multi-row INSERTs must not need a statement journal: SQLite keeps one for a
// statement that may have to undo itself alone (an ABORT on a constraint, an enforced foreign
// key), and fills it with a copy of every page the statement changes that its transaction had
// changed before. Appending to a big database, where each 64 rows land on as many index pages,
// that copying was a quarter of the writer's time (perf; BENCHMARKS.md "Issue #14: memory,
// second pass").
// What decides it is in the compiled program: a key check counts with FkCounter, and a failed
// constraint halts with the statement's conflict rule in P2 (2 ABORT, 3 FAIL).
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWritable, type DB } from '../../src/store/db.js';
import { requestInsertSql, stringsInsertSql } from '../../src/store/writer.js';
import { ROW_WIDTH } from '../../src/store/row-layout.js';

interface Op { opcode: string; p1: number; p2: number }
const SQLITE_CONSTRAINT = 19;
const OE_ABORT = 2;

/** What in the statement's program would make SQLite keep a statement journal. */
function journalCauses(db: DB, sql: string): string[] {
  // (EXPLAIN only compiles: its parameters' values do not matter)
  const ops = db.prepare(`EXPLAIN ${sql}`).all(Array((sql.match(/\?/g) ?? []).length).fill(null)) as Op[];
  const out: string[] = [];
  for (const op of ops) {
    if (op.opcode === 'FkCounter') out.push('a foreign key check');
    // (extended codes: the primary result code is the low byte)
    if ((op.opcode === 'Halt' || op.opcode === 'HaltIfNull') && (op.p1 & 0xff) === SQLITE_CONSTRAINT && op.p2 === OE_ABORT) out.push(`an ABORT (${op.opcode})`);
  }
  return [...new Set(out)];
}

function writable(): DB {
  const db = openWritable(join(mkdtempSync(join(tmpdir(), 'stmt-journal-')), 'd.db'));
  db.prepare("INSERT INTO sources (path, format, ingested_at) VALUES ('a.log', 'nginx-combined', '2026-11-24T00:00:00Z')").run();
  return db;
}

describe('the writer\'s INSERTs', () => {
  it('of requests and strings compile without what needs a statement journal', () => {
    const db = writable();
    for (const rows of [64, 1]) {
      expect(journalCauses(db, requestInsertSql(1, null, rows)), `requests x ${rows}`).toEqual([]);
      expect(journalCauses(db, stringsInsertSql(rows)), `strings x ${rows}`).toEqual([]);
    }
    db.close();
  });

  it('would need one with better-sqlite3\'s defaults (what the check above tells apart)', () => {
    const db = writable();
    const plain = new Database(db.name);
    const sql = requestInsertSql(1, null, 2).replace('INSERT OR FAIL INTO', 'INSERT INTO');
    expect(journalCauses(plain, sql).sort()).toEqual(['a foreign key check', 'an ABORT (HaltIfNull)']);
    plain.close();
    db.close();
  });

  it('still refuse a row that breaks a constraint, and the batch\'s transaction rolls back whole', () => {
    const db = writable();
    const put = db.prepare(stringsInsertSql(2));
    expect(() => db.transaction(() => put.run(1, 'a', 2, null))()).toThrow(/NOT NULL constraint failed: strings.text/);
    expect(db.prepare('SELECT count(*) FROM strings WHERE id IN (1, 2)').pluck().get()).toBe(0);
    // (a request row's values, ts NULL: NOT NULL too)
    const row = Array(ROW_WIDTH).fill(null);
    expect(() => db.transaction(() => db.prepare(requestInsertSql(1, null, 1)).run(row))()).toThrow(/NOT NULL constraint failed: request_rows.ts/);
    db.close();
  });
});
