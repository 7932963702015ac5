// Opening the database: pragmas for a single-writer bulk-load workload, and forward migrations.
import Database from 'better-sqlite3';
import { MIGRATIONS, INDEXES, samplesSchema } from './schema.js';
import { stallIfAsked } from '../util/test-stall.js';

export type DB = Database.Database;

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Open (creating if needed) a database for writing and bring its schema up to date. */
export function openWritable(path: string): DB {
  const db = new Database(path);
  // WAL: readers (the TUI, `overload query`) keep working while an ingest writes.
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode is still crash-safe for the database file; a power cut may lose the
  // last batches, which resume re-reads.
  // synchronous=OFF: in WAL mode a killed process (SIGINT, SIGKILL, OOM) still leaves a
  // consistent database, since committed pages are in the OS cache; only a power cut or kernel
  // crash could lose the last batches, which a resumed ingest reads again.
  db.pragma('synchronous = OFF');
  db.pragma('busy_timeout = 5000');
  // Keys not enforced on the writer's connection (better-sqlite3 turns them on): it writes only
  // the ids of sources it has just made, and deletes a source's rows before the source. An
  // enforced key makes every multi-row INSERT into request_rows keep a statement journal (a copy
  // of each page it changes that its transaction had changed before): appending a day to a
  // 10M-row database, where each 64 rows land on as many pages of request_rows_route, that copying
  // was a quarter of the writer's time (perf).
  db.pragma('foreign_keys = OFF');
  // 4 MB of page cache: the writer appends (rowid order) and looks strings up by id, so more
  // cache bought no speed in the ingest benchmark, and 8 MB cost ~4 MB of peak RSS.
  db.pragma('cache_size = -4096');
  // Checkpoint every 64 MB of WAL instead of every 4 MB: fewer pauses, while the WAL stays
  // bounded (with no automatic checkpoint a 10M-row ingest kept a 4.5 GB WAL beside a 4.5 GB
  // database until the end: twice the disk, and slower page lookups as it grew).
  db.pragma('wal_autocheckpoint = 16384');
  migrate(db);
  return db;
}

/** Open an existing database read-only: `overload query` and the reports never write. */
export function openReadOnly(path: string): DB {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const version = currentVersion(db);
  if (version > SCHEMA_VERSION) {
    throw new Error(`${path} has schema version ${version}; this overload knows up to ${SCHEMA_VERSION}. Upgrade overload.`);
  }
  // made before migration 11: the reports read it as a database without snapshots
  if (!db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'samples'").get()) db.exec(samplesSchema('TEMP '));
  // made before migration 12: its rollups list no sparse minute (every minute has its rows)
  if (!db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'rollup_sparse'").get()) {
    db.exec('CREATE TEMP TABLE rollup_sparse (tier TEXT NOT NULL, t INTEGER NOT NULL, host TEXT NOT NULL, PRIMARY KEY (tier, t, host)) WITHOUT ROWID');
  }
  return db;
}

function currentVersion(db: DB): number {
  const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_version'").get();
  if (!has) return 0;
  const row = db.prepare('SELECT max(version) AS v FROM schema_version').get() as { v: number | null };
  return row.v ?? 0;
}

export function migrate(db: DB): void {
  const tooNew = (v: number) => new Error(`database has schema version ${v}; this overload knows up to ${SCHEMA_VERSION}`);
  const seen = currentVersion(db);
  if (seen > SCHEMA_VERSION) throw tooNew(seen);
  if (seen === SCHEMA_VERSION) return;
  // Another process may be migrating the same new database: the version is read again under
  // the write lock (IMMEDIATE), where no one can move it on, instead of trusting the read above
  // ("table sources already exists" when two ingests started on a new database at once).
  db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    const from = currentVersion(db);
    if (from > SCHEMA_VERSION) throw tooNew(from);
    for (let v = from; v < SCHEMA_VERSION; v++) {
      db.exec(MIGRATIONS[v]);
      db.prepare('INSERT INTO schema_version(version, applied_at) VALUES (?, ?)').run(v + 1, new Date().toISOString());
    }
  }).immediate();
}

export function createIndexes(db: DB): void {
  for (const sql of INDEXES) {
    stallIfAsked(`index ${/EXISTS (\w+)/.exec(sql)?.[1]}`);
    db.exec(sql);
  }
  // Sampled statistics: a full ANALYZE reads every index entry again.
  db.pragma('analysis_limit = 1000');
  db.exec('ANALYZE');
}

/**
 * Up to this many strings, an ingest drops `strings_text` while it loads and builds it again
 * afterwards (createIndexes): sorting the index once costs ~1 us a string, while keeping it up
 * to date costs ~8 us for each new one (each batch's new strings land on as many random pages,
 * and every page a batch touches is written to the WAL again at its commit: on the scanner
 * shape, 200k new strings wrote most of a GB of WAL). Above it the index stays, so that
 * appending to a big database costs what the new lines bring, not a rebuild.
 */
export const DEFER_STRINGS_INDEX_MAX = 100_000;

/**
 * Drops `strings_text` when the database holds few strings (see DEFER_STRINGS_INDEX_MAX);
 * whether it did. Nothing depends on the index for correctness while it is gone: the ingest
 * reads strings by id, and a `WHERE text = ?` elsewhere scans instead. An ingest killed before
 * createIndexes leaves it missing, which the next one finds (unfinishedAfterIngest) and builds.
 */
export function deferStringsIndex(db: DB): boolean {
  if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'strings_text'").get()) return false;
  const n = db.prepare('SELECT count(*) FROM (SELECT 1 FROM strings LIMIT ?)').pluck().get(DEFER_STRINGS_INDEX_MAX + 1) as number;
  if (n > DEFER_STRINGS_INDEX_MAX) return false;
  db.exec('DROP INDEX strings_text');
  return true;
}

/**
 * The database file whose stored strings an ingest may reuse (src/store/strings.ts
 * StoredStringIds), or null: only when `strings_text` is there and stays there through the load
 * (more strings than deferStringsIndex drops it for; strings are never deleted, so no later
 * ingest drops it either). Into a small or new database there is little to reuse, and no index to
 * look it up through once the load starts.
 */
export function reusableStringsFile(db: DB): string | null {
  if (db.memory || db.name === '') return null;
  if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'strings_text'").get()) return null;
  const n = db.prepare('SELECT count(*) FROM (SELECT 1 FROM strings LIMIT ?)').pluck().get(DEFER_STRINGS_INDEX_MAX + 1) as number;
  return n > DEFER_STRINGS_INDEX_MAX ? db.name : null;
}

/** Move the WAL into the database file and truncate it. */
export function checkpoint(db: DB): void {
  db.pragma('wal_checkpoint(TRUNCATE)');
}
