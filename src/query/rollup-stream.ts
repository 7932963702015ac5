// Rollups built while the rows stream in, instead of by a second pass over the table afterwards.
//
// `overload ingest` used to write every row, then read every row back for the rollups: at 1M rows
// the read-back (a table scan handing each row to JavaScript) cost as much CPU as writing them.
// Here each committed batch's encoded arrays go to the same RollupPass the rebuild uses
// (report/rollup-aggregate.ts), so the result is the one buildRollups() would give, value for
// value, and rows are read once. The pass runs in a worker thread of its own (rollup-stream-pass.ts,
// rollup-stream-worker.ts): the parse worker, the writer and the pass share the two cores however
// their costs fall, and the thread that writes SQLite only inserts the rows the pass sends back.
//
// A rebuild knows where every later row starts; a stream does not. So the pass is advanced to a
// watermark per tier and host that trails the latest start by twice the longest request (within
// bounds): seconds and minutes before it are written out and forgotten, which keeps memory to the
// minutes in flight. A row that starts before the watermark after all (a request longer than any
// before it) is still counted from there on, and the minutes it reaches back into are recomputed
// from the table at the end. So are the minutes where this ingest's rows meet rows ingested
// earlier into the same tier and host (the next rotated log, a second log of one server): the
// stream writes only what lies after the earlier data. Whatever does not fit those rules (rollups
// that were stale before, rows written by someone else meanwhile, a re-ingest that deleted rows, a
// new log that changes which source is the edge) makes finish() decline, and the caller runs
// buildRollups() as before.
import { Worker } from 'node:worker_threads';
import { threadTimes } from '../util/thread-stats.js';
import type { DB } from '../store/db.js';
import type { EncodedRequests } from '../store/row-layout.js';
import { CLIENTS_KEPT } from './rollup-fine.js';
import { sourceTiers, tierSignature, type Tier } from './tiers.js';
import {
  ROLLUP_TABLES, ROLLUPS_VERSION, rollupsFresh, readRollupState, rebuildRequestRange, rebuildEvents, minuteTotals,
  sourcesSignature, type RollupStats, type RollupState,
} from './rollups.js';
import { encodedRowsInserter, rowBuffers, type EncodedRows } from './rollup-rows.js';
import { loadNative } from '../store/native.js';
import type { StreamPassResult } from './rollup-stream-pass.js';
import type { FromRollupWorker, RollupWorkerInit, ToRollupWorker } from './rollup-stream-worker.js';

const MINUTE = 60_000;
const minuteOf = (t: number) => Math.floor(t / MINUTE) * MINUTE;
/** batches handed to the pass and not yet done: the writer waits beyond this (bounded memory) */
const MAX_PENDING = 4;

/** The pass, in its worker thread. */
interface PassHost {
  begin(sourceId: number, host: string, tier: Tier, whole: boolean | null): void;
  end(sourceId: number): void;
  feed(sourceId: number, r: EncodedRequests, firstId: number): void;
  /** batches fed and not yet done */
  pending(): number;
  /** buffers of batches the pass is done with (taken once) */
  spare(): ArrayBuffer[];
  /** resolves when a batch is done (or at once when none is pending) */
  progress(): Promise<void>;
  finish(): Promise<StreamPassResult>;
  close(): void;
}

/**
 * The worker's own heap limits: the pass keeps a lag's worth of seconds, minutes and in-flight
 * events. A 4 MB young generation keeps up as well as 8 MB did (the writer waits for it well under
 * 1% of an ingest) and takes ~6 MB off the ingest's peak RSS. (bench/pass-bench.ts runs the pass
 * under the same.)
 */
export const ROLLUP_WORKER_LIMITS = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64 };

function workerHost(init: RollupWorkerInit, apply: (rows: EncodedRows) => void, fail: (e: Error) => void, fatal: (e: Error) => void): PassHost {
  const worker = new Worker(new URL('./rollup-stream-worker.js', import.meta.url), { workerData: init, resourceLimits: ROLLUP_WORKER_LIMITS });
  let pending = 0;
  let spare: ArrayBuffer[] = [];
  let failed: Error | null = null;
  const waiting: Array<() => void> = [];
  let finished: ((r: StreamPassResult) => void) | null = null;
  const wake = () => { for (const w of waiting.splice(0)) w(); };
  const failWith = (e: Error) => {
    if (failed) return;
    failed = e;
    fail(e);
    wake();
  };
  worker.on('message', (m: FromRollupWorker) => {
    if (m.type === 'error') { failWith(new Error(`rollup worker: ${m.message}`)); return; }
    // A write that fails here (a full disk) must end the ingest, not escape from this event
    // handler as an uncaught exception: kept for keepUp() / finish() to throw in the writer's flow.
    if (m.rows) {
      try { apply(m.rows); } catch (e) { fatal(e as Error); failWith(e as Error); }
      // their buffers go back to be filled again (rollup-rows.ts RowEncoder)
      if (m.type === 'fed') send({ type: 'recycle', rows: m.rows }, rowBuffers(m.rows));
    }
    if (m.type === 'fed') {
      pending--;
      if (m.spare.length > 0) spare.push(...m.spare);
      wake();
    }
    else if (m.type === 'finished') {
      threadTimes.rollupCpuMs += m.cpuMs;
      finished?.(m.result);
    }
  });
  worker.on('error', failWith);
  worker.on('exit', (code) => { if (code !== 0) failWith(new Error(`rollup worker exited with ${code}`)); });
  const send = (m: ToRollupWorker, transfer?: ArrayBuffer[]) => { if (!failed) worker.postMessage(m, transfer); };
  /**
   * The batch's arrays move to the worker (the writer is done with them): a batch's arrays are
   * views from the start of buffers of their own (RequestEncoder.take), which go whole; others are copied.
   */
  const own = (a: Float64Array | Uint8Array) => (a.byteOffset === 0 ? a : a.slice());
  return {
    begin: (sourceId, host, tier, whole) => send({ type: 'begin', sourceId, host, tier, whole }),
    end: (sourceId) => send({ type: 'end', sourceId }),
    feed: (sourceId, r, firstId) => {
      const nums = own(r.nums) as Float64Array, text = own(r.text) as Uint8Array;
      pending++;
      // (stored strings the batch reused: their texts too, so the pass need not read them back)
      const strings = r.reused?.length ? r.strings.concat(r.reused) : r.strings;
      send({ type: 'feed', sourceId, firstId, count: r.count, nums, text, strings }, [nums.buffer as ArrayBuffer, text.buffer as ArrayBuffer]);
    },
    pending: () => (failed ? 0 : pending),
    spare: () => { const out = spare; spare = []; return out; },
    progress: () => (pending === 0 || failed ? Promise.resolve() : new Promise<void>((r) => waiting.push(r))),
    finish: () => new Promise<StreamPassResult>((resolve, reject) => {
      if (failed) { reject(failed); return; }
      finished = resolve;
      waiting.push(() => { if (failed) reject(failed); });
      send({ type: 'finish' });
    }),
    close: () => { void worker.terminate(); },
  };
}

export class RollupStream {
  private host: PassHost;
  private nextId: number;
  private streamed = 0;
  private tiers = new Map<number, Tier>();
  private broken: string | null = null;
  /** a failed write of the stream's rows (SQLITE_FULL, I/O): the ingest cannot go on */
  private fatal: Error | null = null;

  private constructor(private db: DB, private state: RollupState, private tiersAtStart: Map<number, Tier>, oldHi: Map<string, number>) {
    this.nextId = state.req_max_id + 1;
    const apply = db.transaction(encodedRowsInserter(db, 'main', 'INSERT OR REPLACE', loadNative(db)));
    this.host = workerHost({ dbPath: db.name, oldHi: [...oldHi], clientsKept: CLIENTS_KEPT }, apply, (e) => this.invalidate(e.message),
      (e) => { this.fatal ??= e; });
  }

  /**
   * A stream for an ingest into `db`, or null when the rollups there are not current (an older
   * overload, an interrupted ingest): then only a rebuild can make them right.
   */
  static open(db: DB): RollupStream | null {
    // (the pass's thread reads strings through a connection of its own: a file is needed)
    if (db.memory || db.name === '') return null;
    const has = (sql: string) => (db.prepare(sql).get() as { m: number }).m;
    const empty = has('SELECT coalesce(max(id), 0) m FROM request_rows') === 0 && has('SELECT coalesce(max(id), 0) m FROM events') === 0;
    let state: RollupState;
    if (empty) {
      // nothing ingested yet (or everything deleted): start from empty rollups
      db.transaction(() => { for (const t of ROLLUP_TABLES) db.exec(`DELETE FROM ${t}`); })();
      state = readRollupState(db, 'main');
      state.req_max_id = 0; state.req_count = 0; state.ev_max_id = 0; state.ev_count = 0; state.max_duration_ms = 0;
    } else {
      if (!rollupsFresh(db, 'main')) return null;
      state = readRollupState(db, 'main');
      if (state.clients_kept !== CLIENTS_KEPT) return null;
    }
    // where each tier and host's earlier data ends, on the minute grid: the stream writes after it
    const oldHi = new Map<string, number>();
    for (const table of ['rollup_second', 'rollup_inflight']) {
      for (const r of db.prepare(`SELECT tier, host, max(t) AS t FROM ${table} GROUP BY tier, host`).all() as Array<{ tier: string; host: string; t: number }>) {
        const key = r.tier + '\u001f' + r.host;
        oldHi.set(key, Math.max(oldHi.get(key) ?? -Infinity, Math.ceil((r.t + 1000) / MINUTE) * MINUTE));
      }
    }
    return new RollupStream(db, state, sourceTiers(db), oldHi);
  }

  /** A source whose rows come next (a new one, or one resumed: its earlier rows are in the table). */
  beginSource(sourceId: number, host: string | null): void {
    if (this.tiers.has(sourceId)) return;
    const tier = sourceTiers(this.db).get(sourceId) ?? 'edge';
    this.tiers.set(sourceId, tier);
    const sample = this.db.prepare('SELECT max(ts % 1000) AS frac, count(*) AS n FROM (SELECT ts FROM request_rows WHERE source_id = ? LIMIT 1000)')
      .get(sourceId) as { frac: number | null; n: number };
    // a resumed source is judged on its first rows, as the rebuild judges it
    this.host.begin(sourceId, host ?? '', tier, sample.n > 0 ? sample.frac === 0 : null);
  }

  /** The source's input ended (rows held for its stamp sample go into the pass before the next source's). */
  endSource(sourceId: number): void {
    this.host.end(sourceId);
  }

  /** Something happened that a stream cannot account for: finish() will decline. */
  invalidate(reason: string): void {
    this.broken ??= reason;
  }

  /**
   * The requests of one committed batch, whose rows got ids firstId, firstId + 1, ... Its arrays
   * are handed over: the caller must not use them afterwards. Whether they were (false: the
   * stream stopped, and the caller still owns them).
   */
  feed(sourceId: number, r: EncodedRequests, firstId: number): boolean {
    if (this.broken) return false;
    if (r.count > 0) {
      if (firstId !== this.nextId) { this.invalidate(`rows ${this.nextId}..${firstId - 1} were not streamed`); return false; }
      this.nextId += r.count;
      this.streamed += r.count;
    }
    this.host.feed(sourceId, r, firstId);
    return true;
  }

  /** Buffers of batches fed earlier that the pass is done with (RequestEncoder.giveBack takes them). */
  spare(): ArrayBuffer[] {
    return this.host.spare();
  }

  /** Waits while the pass is more than a few batches behind the writer. */
  async keepUp(): Promise<void> {
    while (this.host.pending() > MAX_PENDING) await this.host.progress();
    if (this.fatal) throw this.fatal;
  }

  /**
   * After the last batch (and after the indexes are built: recomputing a range reads rows by
   * time). Writes what is left, recomputes the ranges the stream could not settle, the events'
   * rollups and the state. Returns null when the stream cannot stand for a rebuild; the caller
   * then runs buildRollups(), which replaces whatever the stream wrote.
   */
  async finish(): Promise<RollupStats | null> {
    const t0 = performance.now();
    try {
      const db = this.db;
      const st = this.state;
      if (this.fatal) throw this.fatal;
      if (this.broken) return null;
      const maxId = (db.prepare('SELECT coalesce(max(id), 0) m FROM request_rows').get() as { m: number }).m;
      if (maxId !== this.nextId - 1) { this.invalidate(`rows up to ${maxId} in the table, ${this.nextId - 1} streamed`); return null; }
      const tiers = sourceTiers(db);
      for (const [id, tier] of tiers) {
        const assumed = this.tiers.get(id) ?? this.tiersAtStart.get(id);
        if (assumed !== tier) { this.invalidate(`source ${id} is now the ${tier}`); return null; }
      }
      let result: StreamPassResult;
      try {
        result = await this.host.finish();
      } catch (e) {
        this.invalidate((e as Error).message);
        return null;
      }
      if (this.fatal) throw this.fatal;
      if (this.broken) return null;
      const ev = db.prepare('SELECT coalesce(max(id), 0) m, count(*) n FROM events WHERE id > ?').get(st.ev_max_id) as { m: number; n: number };
      const maxDur = Math.max(st.max_duration_ms, Math.ceil(result.maxDuration));
      const stats: RollupStats = { requests: result.counted, events: 0, full: false, ms: 0 };
      db.transaction(() => {
        for (const [lo, hi] of result.recompute) rebuildRequestRange(db, lo, hi, maxDur, tiers);
        if (result.keyHi >= result.keyLo) {
          const lo = minuteOf(result.keyLo), hi = minuteOf(result.keyHi) + MINUTE;
          db.prepare('DELETE FROM rollup_minute_totals WHERE t >= ? AND t < ?').run(lo, hi);
          minuteTotals(db, 'main', lo, hi);
        }
        if (ev.n > 0) stats.events = rebuildEvents(db, 'main', st.ev_max_id, false);
        const put = db.prepare('INSERT OR REPLACE INTO rollup_state (name, value) VALUES (?, ?)');
        put.run('req_max_id', maxId); put.run('req_count', st.req_count + this.streamed);
        put.run('ev_max_id', Math.max(st.ev_max_id, ev.m)); put.run('ev_count', st.ev_count + ev.n);
        put.run('max_duration_ms', maxDur); put.run('tiers', tierSignature(tiers)); put.run('sources', sourcesSignature(db));
        put.run('version', ROLLUPS_VERSION); put.run('clients_kept', CLIENTS_KEPT);
      })();
      stats.ms = performance.now() - t0;
      return stats;
    } finally {
      this.host.close();
    }
  }

  /** Ends the worker without finishing (an ingest that failed). */
  close(): void {
    this.host.close();
  }

  /** Why finish() declined (for OVERLOAD_STATS and tests), or null. */
  get declined(): string | null {
    return this.broken;
  }
}
