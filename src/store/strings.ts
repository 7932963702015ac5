// Reading `strings` (the dictionary behind request_rows) from JavaScript: by id, and by text for
// an ingest that reuses the ids of strings already stored.
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

/**
 * Page cache of the text lookups: they land on random leaves of `strings_text`, which the OS
 * caches anyway; SQLite's own cache only has to hold the upper levels of the b-tree.
 */
const BY_TEXT_CACHE_KIB = 2048;

/**
 * Text -> id of a string already committed to the database, for the parse worker's dictionary
 * (src/ingest/request-encoding.ts StringDictionary), through a read-only connection of its own:
 * the writer's is on another thread, and only a committed string may be reused (strings are never
 * deleted nor changed, so its id stays good). Looks up through `strings_text` and only through it
 * (INDEXED BY): without the index a lookup would scan the table, so when it is gone (a database
 * small enough for an ingest to drop it while loading, db.ts deferStringsIndex) the statement
 * fails and the lookups stop; every value then takes a new id, as without them.
 */
export class StoredStringIds {
  private db: DB;
  private byText: Database.Statement | null = null;
  /** whether a read transaction is open (see idOf) */
  private reading = false;

  constructor(file: string) {
    this.db = new Database(file, { readonly: true, fileMustExist: true });
    this.db.pragma(`cache_size = -${BY_TEXT_CACHE_KIB}`);
    try {
      this.byText = this.db.prepare('SELECT id FROM strings INDEXED BY strings_text WHERE text = ? LIMIT 1').pluck();
    } catch {
      this.byText = null; // (no index: see above)
    }
  }

  /**
   * The id of a stored string of this text (the lowest), or undefined. Lookups share one read
   * transaction until release(): starting one per lookup (locking the WAL index, checking it for
   * new commits, dropping the cache when the writer had committed) cost more than the lookup
   * itself, 6.0-6.2 us a lookup against 2.5-2.9 us in transactions of 500 (100k lookups into a
   * database of 265k strings).
   */
  idOf(text: string): number | undefined {
    if (this.byText === null) return undefined;
    try {
      if (!this.reading) {
        this.db.exec('BEGIN');
        this.reading = true;
      }
      return this.byText.get(text) as number | undefined;
    } catch {
      // the index was dropped since (see above), or the read failed: new ids from now on, which is
      // what an ingest did before it looked strings up
      this.byText = null;
      this.release();
      return undefined;
    }
  }

  /**
   * Ends the read transaction, so that strings committed since can be found and the writer's
   * checkpoints are not held back: the parse worker calls it as each batch is sent.
   */
  release(): void {
    if (!this.reading) return;
    this.reading = false;
    try { this.db.exec('COMMIT'); } catch { /* a read transaction has nothing to lose */ }
  }

  close(): void {
    this.release();
    this.byText = null;
    this.db.close();
  }
}
