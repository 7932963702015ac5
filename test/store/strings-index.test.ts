// An ingest into a fresh or small database drops `strings_text` while it loads and builds it
// after (db.ts deferStringsIndex); into a big one it keeps it, so that an append costs what the
// new lines bring, not a rebuild of the index.
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWritable, createIndexes, deferStringsIndex, reusableStringsFile, DEFER_STRINGS_INDEX_MAX } from '../../src/store/db.js';
import { StoredStringIds } from '../../src/store/strings.js';
import type { DB } from '../../src/store/db.js';

const hasIndex = (db: DB) => !!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'strings_text'").get();

function fill(db: DB, n: number): void {
  const put = db.prepare('INSERT INTO strings (id, text) VALUES (?, ?)');
  db.transaction(() => { for (let i = 1; i <= n; i++) put.run(i, `s${i}`); })();
}

describe('deferStringsIndex', () => {
  it('drops the index of a database with few strings, and createIndexes builds it again', () => {
    const db = openWritable(join(mkdtempSync(join(tmpdir(), 'strings-index-')), 'd.db'));
    fill(db, 1000);
    expect(hasIndex(db)).toBe(true);
    expect(deferStringsIndex(db)).toBe(true);
    expect(hasIndex(db)).toBe(false);
    // (nothing to drop the second time)
    expect(deferStringsIndex(db)).toBe(false);
    createIndexes(db);
    expect(hasIndex(db)).toBe(true);
    // the lookups it serves use it again
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT min(id) FROM strings WHERE text = 's7'").all() as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/strings_text/);
    db.close();
  });

  it('keeps the index of a database with more strings than it would pay to sort again', () => {
    const db = openWritable(join(mkdtempSync(join(tmpdir(), 'strings-index-')), 'd.db'));
    fill(db, DEFER_STRINGS_INDEX_MAX);
    expect(deferStringsIndex(db)).toBe(true);
    createIndexes(db);
    db.prepare('INSERT INTO strings (id, text) VALUES (?, ?)').run(DEFER_STRINGS_INDEX_MAX + 1, 'one more');
    expect(deferStringsIndex(db)).toBe(false);
    expect(hasIndex(db)).toBe(true);
    db.close();
  });
});

describe('StoredStringIds (an ingest reusing the ids of stored strings)', () => {
  it('is offered only a database that keeps strings_text through the load', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'strings-index-')), 'd.db');
    const db = openWritable(file);
    fill(db, DEFER_STRINGS_INDEX_MAX);
    expect(reusableStringsFile(db)).toBeNull();
    db.prepare('INSERT INTO strings (id, text) VALUES (?, ?)').run(DEFER_STRINGS_INDEX_MAX + 1, 'one more');
    expect(reusableStringsFile(db)).toBe(file);
    db.exec('DROP INDEX strings_text');
    expect(reusableStringsFile(db)).toBeNull();
    db.close();
  });

  it('finds committed strings only (the lowest id of a text stored twice), and nothing once the index is gone', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'strings-index-')), 'd.db');
    const db = openWritable(file);
    fill(db, 100);
    db.prepare('INSERT INTO strings (id, text) VALUES (?, ?)').run(5000, 's7');
    const stored = new StoredStringIds(file);
    expect(stored.idOf('s7')).toBe(7);
    expect(stored.idOf('s101')).toBeUndefined();
    // a string another connection has written but not committed is not there to reuse
    stored.release();
    db.exec('BEGIN');
    db.prepare('INSERT INTO strings (id, text) VALUES (?, ?)').run(101, 's101');
    expect(stored.idOf('s101')).toBeUndefined();
    db.exec('COMMIT');
    // nor, within the lookups' read transaction, one committed since it began: after release()
    expect(stored.idOf('s101')).toBeUndefined();
    stored.release();
    expect(stored.idOf('s101')).toBe(101);
    // dropped by an ingest into a small database: no lookup scans the table, none finds anything
    stored.release();
    db.exec('DROP INDEX strings_text');
    expect(stored.idOf('s7')).toBeUndefined();
    db.exec("CREATE INDEX strings_text ON strings(text)");
    expect(stored.idOf('s7')).toBeUndefined();
    stored.close();
    // opened without the index: the same
    db.exec('DROP INDEX strings_text');
    const without = new StoredStringIds(file);
    expect(without.idOf('s7')).toBeUndefined();
    without.close();
    db.close();
  });
});
