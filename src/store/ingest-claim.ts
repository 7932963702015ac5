// Who may ingest into a database right now: one `overload ingest` at a time.
//
// Two ingests of one file at once each saw it as new (or resumed it from the same offset) and
// stored every row twice; two into a new database raced on the schema. Claiming the file alone
// (identity + offset range) would still let two ingests of different files interleave their
// rows, which defeats the streamed rollups of both (rollup-stream.ts: a full rebuild each) and
// makes one wait on the other's index builds inside SQLite's busy timeout ("database is
// locked"). SQLite has one writer anyway, so the claim covers the whole database: a second
// ingest waits (bounded, and says so), then finds what the first one stored and resumes after
// it, or has nothing new to do.
//
// The claim is an open write transaction on a small side database (`<db>-ingest-lock`), not a
// row with a PID: SQLite's file locks belong to the process, so the kernel drops them when the
// claimant dies however it dies (kill -9, OOM), and no stale claim can block anyone. Who holds
// it (pid, inputs, since) is committed to that file just before, for the waiting side's message.
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

export interface ClaimHolder {
  /** null when the holder could not be read (it was being written at that instant) */
  pid: number | null;
  host: string | null;
  /** the inputs it was started with, as it named them */
  what: string | null;
  /** ms since the epoch when it took the claim */
  since: number | null;
}

/**
 * The lock file of a database, beside the file itself: two spellings of one database (a relative
 * path, a symlink) must meet at the same lock.
 */
export function claimPath(dbPath: string): string {
  let real = resolve(dbPath);
  try {
    real = realpathSync(dbPath);
  } catch {
    try { real = join(realpathSync(dirname(real)), basename(real)); } catch { /* no such directory: opening says so */ }
  }
  return `${real}-ingest-lock`;
}

const isBusy = (e: unknown) => typeof (e as { code?: unknown }).code === 'string' && (e as { code: string }).code.startsWith('SQLITE_BUSY');

/** How long the publishing commit may wait for a waiting side that is reading the holder row. */
const COMMIT_WAIT_MS = 2000;

export class IngestClaim {
  private constructor(private lock: Database.Database) {}

  /** One attempt, never waiting: the claim, or who holds it. */
  static tryAcquire(dbPath: string, what: string): IngestClaim | ClaimHolder {
    // timeout 0: a held claim answers SQLITE_BUSY at once; waiting is the caller's (reported) loop
    const lock = new Database(claimPath(dbPath), { timeout: 0 });
    let claimed = false;
    try {
      const token = randomUUID();
      // 1. publish who we are: a short write transaction
      try {
        lock.exec('BEGIN IMMEDIATE');
      } catch (e) {
        if (isBusy(e)) return holderOf(lock);
        throw e;
      }
      try {
        lock.exec('CREATE TABLE IF NOT EXISTS holder (token TEXT, pid INTEGER, host TEXT, what TEXT, since INTEGER)');
        lock.exec('DELETE FROM holder');
        lock.prepare('INSERT INTO holder VALUES (?, ?, ?, ?, ?)').run(token, process.pid, hostname(), what.slice(0, 400), Date.now());
        lock.pragma(`busy_timeout = ${COMMIT_WAIT_MS}`);
        lock.exec('COMMIT');
        lock.pragma('busy_timeout = 0');
      } catch (e) {
        if (lock.inTransaction) lock.exec('ROLLBACK');
        if (isBusy(e)) return holderOf(lock);
        throw e;
      }
      // 2. hold: RESERVED (no page written, so no journal); others can still read the holder row
      try {
        lock.exec('BEGIN IMMEDIATE');
      } catch (e) {
        if (isBusy(e)) return holderOf(lock); // another took it between our two steps
        throw e;
      }
      const mine = lock.prepare('SELECT token FROM holder').pluck().get() === token;
      if (!mine) {
        // another claimed and released it between our steps: the row names them, not us
        lock.exec('ROLLBACK');
        return { pid: null, host: null, what: null, since: null };
      }
      claimed = true;
      return new IngestClaim(lock);
    } finally {
      // every way out but the claim itself lets go of the file (closing rolls back)
      if (!claimed) lock.close();
    }
  }

  /** Give the claim up (closing the connection ends its transaction and its lock). */
  release(): void {
    if (this.lock.open) this.lock.close();
  }
}

function holderOf(lock: Database.Database): ClaimHolder {
  try {
    const row = lock.prepare('SELECT pid, host, what, since FROM holder').get() as ClaimHolder | undefined;
    return row ?? { pid: null, host: null, what: null, since: null };
  } catch (e) {
    // being written this instant, or created by the holder and not yet committed
    if (isBusy(e) || /no such table/.test((e as Error).message)) return { pid: null, host: null, what: null, since: null };
    throw e;
  }
}

export class ClaimTimeout extends Error {
  constructor(public holder: ClaimHolder, public waitedMs: number) {
    super('timed out waiting for the ingest claim');
  }
}

export interface ClaimWait {
  /** give up after this long (0: do not wait at all) */
  waitMs: number;
  /** called once, when the claim is found held and the wait begins (not when waitMs is 0) */
  onWait?: (holder: ClaimHolder) => void;
}

/**
 * The claim, waiting for it while another ingest holds it (polling: SQLite has no lock wait
 * that leaves the event loop free to report). `waited` says how long and for whom, or is null.
 */
export async function claimIngest(dbPath: string, what: string, wait: ClaimWait): Promise<{ claim: IngestClaim; waited: { ms: number; holder: ClaimHolder } | null }> {
  const t0 = performance.now();
  let first: ClaimHolder | null = null;
  let pause = 50;
  for (;;) {
    const got = IngestClaim.tryAcquire(dbPath, what);
    if (got instanceof IngestClaim) return { claim: got, waited: first ? { ms: performance.now() - t0, holder: first } : null };
    // the first answer that names the holder is the one to report
    if (!first || (first.pid === null && got.pid !== null)) {
      const announce = !first && wait.waitMs > 0;
      first = got;
      if (announce) wait.onWait?.(got);
    }
    const waited = performance.now() - t0;
    if (waited >= wait.waitMs) throw new ClaimTimeout(first, waited);
    await new Promise((r) => setTimeout(r, Math.min(pause, wait.waitMs - waited)));
    pause = Math.min(pause * 2, 500);
  }
}
