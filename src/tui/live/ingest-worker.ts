// Live ingest, in its own thread so parsing and writing never hold up a keystroke: stdin (a pipe
// that may never end, `tail -F access.log | overload tui`) or files followed as they grow
// (`--follow`). It writes through its own connection (WAL: the UI's reader keeps reading) and
// keeps the rollups current, then tells the UI to refresh.
import { parentPort, workerData } from 'node:worker_threads';
import { statSync } from 'node:fs';
import { openWritable, createIndexes } from '../../store/db.js';
import { StoreWriter } from '../../store/writer.js';
import { afterIngest } from '../../query/after-ingest.js';
import { ingestInput, type IngestSettings } from '../../ingest/ingest-input.js';
import { IngestClaim, type ClaimHolder } from '../../store/ingest-claim.js';

export interface LiveWorkerData {
  dbPath: string;
  tz: string;
  host: string | null;
  /** '-' for stdin, else the files to follow */
  inputs: string[];
}

export type LiveMessage =
  | { type: 'ready' }
  | { type: 'progress'; lines: number; rejected: number }
  | { type: 'committed'; lines: number; rejected: number }
  | { type: 'note'; text: string }
  | { type: 'ended'; lines: number; rejected: number }
  | { type: 'error'; message: string };

const port = parentPort!;
const { dbPath, tz, host, inputs } = workerData as LiveWorkerData;
const send = (m: LiveMessage) => port.postMessage(m);

/** rollups and the slowlog join at most this often while rows stream in */
const REFRESH_MS = 1000;
const FOLLOW_POLL_MS = 1000;
const FLUSH_MS = 500;

const db = openWritable(dbPath);
// the indexes the panels use must exist before rows arrive (a new database has none yet)
if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'request_rows_start'").get()) createIndexes(db);
const writer = new StoreWriter(db);
let lines = 0;
let rejected = 0;
let dirty = false;
let lastRefresh = 0;
let stop = false;

let trailing: NodeJS.Timeout | null = null;

function refresh(force = false): void {
  if (!dirty) return;
  const wait = REFRESH_MS - (Date.now() - lastRefresh);
  if (!force && wait > 0) {
    // throttled: make sure the last rows of a burst are shown once the pipe goes quiet
    trailing ??= setTimeout(() => { trailing = null; refresh(); }, wait);
    return;
  }
  if (trailing) { clearTimeout(trailing); trailing = null; }
  afterIngest(db);
  // the writer's connection does not checkpoint by itself (wal_autocheckpoint = 0): keep the
  // WAL from growing for as long as the pipe runs; PASSIVE never waits for the reader
  db.pragma('wal_checkpoint(PASSIVE)');
  dirty = false;
  lastRefresh = Date.now();
  send({ type: 'committed', lines, rejected });
}

function settings(live: boolean, base: number): IngestSettings {
  return {
    format: null, formatSpec: null, parserOptions: { tz }, host, maxLine: 1 << 20, force: false, batchSize: 5000,
    routeRules: [], stopRequested: () => stop,
    liveFlushMs: live ? FLUSH_MS : undefined,
    onCommit: () => { dirty = true; refresh(); },
    onProgress: (p) => { lines = base + p.lines; send({ type: 'progress', lines, rejected }); },
  };
}

async function one(label: string, live: boolean): Promise<void> {
  const before = lines;
  const out = await ingestInput(label, writer, settings(live, before));
  if (out.kind === 'ingested') {
    lines = before + out.lines;
    rejected += out.rejected;
  } else if (out.kind === 'no-match') {
    send({ type: 'note', text: `${label === '-' ? 'stdin' : label}: no known format matches (ingest it with --log-format first)` });
  }
  dirty = dirty || out.kind === 'ingested';
  refresh(true);
}

async function follow(paths: string[]): Promise<void> {
  const seen = new Map<string, number>();
  let heldBy: number | null | undefined;
  while (!stop) {
    for (const p of paths) {
      let size = -1;
      try { size = statSync(p).size; } catch { continue; }
      // only when the file changed: ingestInput re-reads up to the stored offset to resume
      if (seen.get(p) === size) continue;
      // take turns with an `overload ingest` of the same database (store/ingest-claim.ts): while
      // it writes, try again at the next poll (never wait here: stop must stay prompt)
      let claim: IngestClaim | ClaimHolder;
      try { claim = IngestClaim.tryAcquire(dbPath, `overload tui --follow ${p}`); } catch (e) { send({ type: 'note', text: `${p}: ${(e as Error).message}` }); continue; }
      if (!(claim instanceof IngestClaim)) {
        if (heldBy === undefined) send({ type: 'note', text: `another ingest is writing the database${claim.pid !== null ? ` (pid ${claim.pid})` : ''}: following again after it` });
        heldBy = claim.pid;
        continue;
      }
      heldBy = undefined;
      seen.set(p, size);
      try { await one(p, false); } catch (e) { send({ type: 'note', text: `${p}: ${(e as Error).message}` }); } finally { claim.release(); }
    }
    await new Promise((r) => setTimeout(r, FOLLOW_POLL_MS));
  }
}

port.on('message', (m: { stop?: boolean }) => { if (m.stop) stop = true; });
send({ type: 'ready' });
try {
  if (inputs.length === 1 && inputs[0] === '-') {
    // (no claim for a pipe: it may never end, and holding the claim that long would stop every
    // `overload ingest` of this database)
    await one('-', true);
    send({ type: 'ended', lines, rejected });
  } else {
    await follow(inputs);
  }
} catch (e) {
  send({ type: 'error', message: (e as Error).message });
} finally {
  refresh(true);
  db.close();
}
