// Reading `strings` (the dictionary behind request_rows) from JavaScript, by id.
import Database from 'better-sqlite3';
import type { DB } from './db.js';

/**
 * Text of a strings id, cached. Built for code that runs inside a SQL function during a scan
 * (the rollup pass): that connection is busy, so misses are read through a second, read-only
 * connection to the same file, which sees every committed string. An in-memory database has no
 * second connection: its strings are all read up front.
 */
export class StringLookup {
  private cache = new Map<number, string>();
  private reader: DB | null = null;
  private byId: Database.Statement | null = null;

  constructor(db: DB, private readonly capacity = 100_000) {
    const file = db.memory || db.name === '' ? null : db.name;
    if (file) {
      this.reader = new Database(file, { readonly: true, fileMustExist: true });
      this.byId = this.reader.prepare('SELECT text FROM strings WHERE id = ?').pluck();
    } else {
      for (const r of db.prepare('SELECT id, text FROM strings').raw().iterate() as IterableIterator<[number, string]>) this.cache.set(r[0], r[1]);
    }
  }

  text(id: number | null): string | null {
    if (id === null) return null;
    let t = this.cache.get(id);
    if (t === undefined) {
      t = (this.byId?.get(id) as string | undefined) ?? undefined;
      if (t === undefined) throw new Error(`strings: no text for id ${id}`);
      if (this.cache.size >= this.capacity) this.cache.clear();
      this.cache.set(id, t);
    }
    return t;
  }

  close(): void {
    this.reader?.close();
    this.reader = null;
  }
}
