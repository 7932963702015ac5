// Batches -> rows. One transaction per batch, which also moves the source's resume offset:
// a killed ingest loses at most the batch in flight and the next run starts exactly after the
// last committed one.
import { reusableStringsFile, type DB } from './db.js';
import { EVENT_COLUMNS, TRACE_COLUMNS, SAMPLE_COLUMNS, FREE_STRING_ID_SQL } from './schema.js';
import type { Batch } from './batch.js';
import { NUMERIC_COLUMNS, TEXT_COLUMNS, ROW_WIDTH, decodeRow, type EncodedRequests } from './row-layout.js';
import { loadNative, pinMallocMmapThreshold } from './native.js';
import type Database from 'better-sqlite3';

/**
 * Rows per multi-row INSERT: fewer statement steps per row; 64 x 25 values stays far below SQLite's
 * limit. (Also in C, overload_insert_rows() was about 10% cheaper per row with 64 than with 1.)
 */
const ROWS_PER_INSERT = 64;
const STRINGS_PER_INSERT = 64;
/** Ids reserved per ingest: more distinct strings than one input can hold. */
export const STRING_ID_BLOCK = 2 ** 32;

function insertSql(table: string, columns: readonly string[], rows: number): string {
  const one = '(' + columns.map(() => '?').join(',') + ')';
  return `INSERT INTO ${table} (${columns.join(',')}) VALUES ` + Array(rows).fill(one).join(',');
}

export interface SourceInit {
  path: string;
  format: string;
  host: string | null;
  tz: string;
  identity: string | null;
  formatSpec: string | null;
}

export interface SourceRow {
  id: number;
  path: string;
  format: string;
  host: string | null;
  tz: string | null;
  bytes: number;
  lines: number;
  parsed: number;
  rejected: number;
  first_ts: number | null;
  last_ts: number | null;
  identity: string | null;
  complete: number;
  format_spec: string | null;
  note: string | null;
  suspect_from_line: number | null;
  suspect_from_id: number | null;
}

/**
 * OR FAIL, not the default ABORT, on the multi-row INSERTs: to undo an ABORT statement alone,
 * SQLite copies every page it changes that the batch's transaction had already changed into a
 * statement journal first. Appending to a big database, each 64 rows land on as many index pages
 * (request_rows_route, strings_text), so that copying was a quarter of the writer's CPU. A
 * failing statement throws either way, and the batch's transaction is rolled back whole.
 */
const INSERT = 'INSERT OR FAIL INTO';

/**
 * `INSERT INTO request_rows` for one source: source and host are literals, so each row binds
 * only what varies (NUMERIC_COLUMNS then TEXT_COLUMNS, as the encoder lays them out).
 */
export function requestInsertSql(sourceId: number, hostId: number | null, rows: number): string {
  const one = `(${sourceId},${hostId ?? 'NULL'},` + Array(ROW_WIDTH).fill('?').join(',') + ')';
  return `${INSERT} request_rows (source_id,host_id,${[...NUMERIC_COLUMNS, ...TEXT_COLUMNS].join(',')}) VALUES ` +
    Array(rows).fill(one).join(',');
}

/** `INSERT INTO strings` of `rows` (id, text) pairs. */
export function stringsInsertSql(rows: number): string {
  return `${INSERT} strings (id, text) VALUES ` + Array(rows).fill('(?,?)').join(',');
}

/** A source's request INSERTs as SQL text, for overload_insert_rows(): ROWS_PER_INSERT rows and one. */
interface NativeInserts {
  many: string;
  one: string;
}

export class StoreWriter {
  /**
   * `SELECT overload_insert_rows(...)` when the native extension is loaded (src/store/native.ts):
   * requests are then bound in C. Otherwise, or with OVERLOAD_NATIVE=0, they are bound from JS.
   */
  private insertRows: Database.Statement | null = null;
  private reqBySource = new Map<string, { many: Database.Statement; one: Database.Statement }>();
  private nativeBySource = new Map<string, NativeInserts>();
  private strMany: Database.Statement;
  private strOne: Database.Statement;
  private hostIds = new Map<string, number>();
  private evOne: Database.Statement;
  private trOne: Database.Statement;
  private frOne: Database.Statement;
  private smpOne: Database.Statement;
  private rejOne: Database.Statement;
  private progress: Database.Statement;
  private variantsOf: Database.Statement;
  private setVariants: Database.Statement;
  private lastRowid: Database.Statement;
  private writeTx: (sourceId: number, host: string | null, batch: Batch) => number;

  constructor(private db: DB) {
    this.strMany = db.prepare(stringsInsertSql(STRINGS_PER_INSERT));
    this.strOne = db.prepare(stringsInsertSql(1));
    this.evOne = db.prepare(insertSql('events', EVENT_COLUMNS, 1));
    this.trOne = db.prepare(insertSql('slow_traces', TRACE_COLUMNS, 1));
    this.frOne = db.prepare('INSERT INTO slow_frames (trace_id, depth, function, file, line) VALUES (?,?,?,?,?)');
    this.smpOne = db.prepare(insertSql('samples', SAMPLE_COLUMNS, 1));
    this.rejOne = db.prepare('INSERT INTO rejects (source_id, line_no, reason, line) VALUES (?,?,?,?)');
    this.progress = db.prepare(`UPDATE sources SET bytes = ?, lines = ?, parsed = parsed + ?, rejected = rejected + ?,
      first_ts = min(coalesce(first_ts, ?), coalesce(?, first_ts)), last_ts = max(coalesce(last_ts, ?), coalesce(?, last_ts))
      WHERE id = ?`);
    if (loadNative(db)) {
      this.insertRows = db.prepare(`SELECT overload_insert_rows(?, ?, ?, ${NUMERIC_COLUMNS.length}, ${TEXT_COLUMNS.length}, ?)`).pluck();
      // every ingest writes through a StoreWriter, and passes big buffers between its threads
      pinMallocMmapThreshold(db);
    }
    this.variantsOf = db.prepare('SELECT variants FROM sources WHERE id = ?').pluck();
    this.setVariants = db.prepare('UPDATE sources SET variants = ? WHERE id = ?');
    this.lastRowid = db.prepare('SELECT last_insert_rowid()').pluck();
    this.writeTx = db.transaction((sourceId: number, host: string | null, batch: Batch) => this.write(sourceId, host, batch));
  }

  /**
   * The first of STRING_ID_BLOCK ids this ingest may give to new strings. Reserved in a write
   * transaction, so a second ingest into the same database gets the next block; ids a user's
   * INSERT INTO requests creates go above every reserved block (schema.ts, requests_insert).
   */
  reserveStringIds(): number {
    return this.db.transaction(() => {
      const { start } = this.db.prepare(`SELECT ${FREE_STRING_ID_SQL} AS start`).get() as { start: number };
      this.db.prepare('UPDATE string_ids SET next = ?').run(start + STRING_ID_BLOCK);
      return start;
    }).immediate();
  }

  /** The file whose stored strings this ingest's dictionary may reuse (db.ts reusableStringsFile). */
  reusableStringsFile(): string | null {
    return reusableStringsFile(this.db);
  }

  /** The strings id of a source's host (tagged with --host), creating it if needed. */
  private hostId(host: string | null): number | null {
    if (host === null) return null;
    let id = this.hostIds.get(host);
    if (id === undefined) {
      const found = this.db.prepare('SELECT min(id) AS id FROM strings WHERE text = ?').get(host) as { id: number | null };
      id = found.id ?? Number(this.db.prepare(`INSERT INTO strings (id, text) SELECT ${FREE_STRING_ID_SQL}, ?`).run(host).lastInsertRowid);
      this.hostIds.set(host, id);
    }
    return id;
  }

  private requestStatements(sourceId: number, host: string | null): { many: Database.Statement; one: Database.Statement } {
    const key = `${sourceId}\u0000${host ?? ''}\u0000${host === null}`;
    let st = this.reqBySource.get(key);
    if (!st) {
      const hostId = this.hostId(host);
      st = { many: this.db.prepare(requestInsertSql(sourceId, hostId, ROWS_PER_INSERT)), one: this.db.prepare(requestInsertSql(sourceId, hostId, 1)) };
      this.reqBySource.set(key, st);
    }
    return st;
  }

  private nativeInserts(sourceId: number, host: string | null): NativeInserts {
    const key = `${sourceId}\u0000${host ?? ''}\u0000${host === null}`;
    let st = this.nativeBySource.get(key);
    if (!st) {
      const hostId = this.hostId(host);
      st = { many: requestInsertSql(sourceId, hostId, ROWS_PER_INSERT), one: requestInsertSql(sourceId, hostId, 1) };
      this.nativeBySource.set(key, st);
    }
    return st;
  }

  /** Whether requests are written by the native extension (false: the JS path). */
  get native(): boolean {
    return this.insertRows !== null;
  }

  createSource(init: SourceInit): number {
    const info = this.db.prepare(`INSERT INTO sources (path, format, host, tz, identity, format_spec, ingested_at)
      VALUES (?, ?, ?, ?, ?, ?, ?)`).run(init.path, init.format, init.host, init.tz, init.identity, init.formatSpec, new Date().toISOString());
    return Number(info.lastInsertRowid);
  }

  findSources(host: string | null): SourceRow[] {
    return this.db.prepare('SELECT * FROM sources WHERE identity IS NOT NULL AND host IS ?').all(host) as SourceRow[];
  }

  /** `--force`: remove a source and everything ingested from it. */
  deleteSource(id: number): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM slow_frames WHERE trace_id IN (SELECT id FROM slow_traces WHERE source_id = ?)').run(id);
      for (const t of ['slow_traces', 'events', 'samples', 'request_rows', 'rejects', 'settings']) this.db.prepare(`DELETE FROM ${t} WHERE source_id = ?`).run(id);
      this.db.prepare('DELETE FROM sources WHERE id = ?').run(id);
    })();
  }

  /** One batch in one transaction. Returns the id of its first request row (0 when it had none). */
  writeBatch(sourceId: number, host: string | null, batch: Batch): number {
    return this.writeTx(sourceId, host, batch);
  }

  /** The highest request id so far (the rows of the next batch come after it). */
  lastRequestId(): number {
    return (this.db.prepare('SELECT coalesce(max(id), 0) m FROM request_rows').get() as { m: number }).m;
  }

  /**
   * Mark what a source's rows from `fromLine` (requests: from id `fromId`) on were decoded from
   * damaged data (schema migration 9). An earlier mark that starts sooner stays.
   */
  markSuspect(sourceId: number, fromLine: number, fromId: number): void {
    this.db.prepare(`UPDATE sources SET suspect_from_line = min(coalesce(suspect_from_line, ?), ?),
      suspect_from_id = min(coalesce(suspect_from_id, ?), ?) WHERE id = ?`).run(fromLine, fromLine, fromId, fromId, sourceId);
  }

  /** Rows of a source from its suspect mark on (schema migration 9). */
  suspectCounts(sourceId: number): { lines: number; requests: number } {
    return this.db.prepare(`SELECT
      max(coalesce(s.lines - s.suspect_from_line + 1, 0), 0) lines,
      (SELECT count(*) FROM request_rows r WHERE r.source_id = s.id AND r.id >= s.suspect_from_id) requests
      FROM sources s WHERE s.id = ?`).get(sourceId) as { lines: number; requests: number };
  }

  finishSource(sourceId: number, complete: boolean, note: string | null): void {
    this.db.prepare('UPDATE sources SET complete = ?, note = ?, ingested_at = ? WHERE id = ?')
      .run(complete ? 1 : 0, note, new Date().toISOString(), sourceId);
  }

  private write(sourceId: number, host: string | null, batch: Batch): number {
    this.writeStrings(batch.requests.strings);
    const count = batch.requests.count;
    if (count > 0) {
      if (this.insertRows) this.writeRequestsNative(this.insertRows, this.nativeInserts(sourceId, host), batch.requests);
      else this.writeRequests(this.requestStatements(sourceId, host), batch.requests);
    }
    // one writer inside one transaction: the rows got consecutive ids up to the last one (read
    // now: the events and traces below move last_insert_rowid)
    const firstId = count > 0 ? Number(this.lastRowid.get()) - count + 1 : 0;
    for (const e of batch.events) {
      this.evOne.run(sourceId, host, e.ts, e.component, e.kind, e.severity ?? null, e.backend ?? null, e.pid ?? null,
        e.client ?? null, e.request ?? null, e.route ?? null, e.value ?? null, e.limit_value ?? null, e.message, e.line_no);
    }
    for (const t of batch.traces) {
      const info = this.trOne.run(sourceId, host, t.ts, t.pool ?? null, t.pid ?? null, t.script ?? null, t.fingerprint,
        t.top_frame ?? null, t.app_frame ?? null, t.depth, t.request ?? null, t.route ?? null, t.truncated ? 1 : 0, t.line_no);
      const traceId = info.lastInsertRowid;
      for (const f of t.frames) this.frOne.run(traceId, f.depth, f.function, f.file ?? null, f.line ?? null);
    }
    for (const c of batch.samples) {
      for (const [metric, value] of Object.entries(c.values)) {
        this.smpOne.run(sourceId, host, c.ts, c.snapshot, c.subject, metric, value, c.kind, c.line_no);
      }
    }
    for (const r of batch.rejects) this.rejOne.run(sourceId, r.line_no, r.reason, r.line);
    this.progress.run(batch.endOffset, batch.lastLineNo, batch.parsed, batch.rejected,
      batch.firstTs, batch.firstTs, batch.lastTs, batch.lastTs, sourceId);
    if (batch.variants) this.addVariants(sourceId, batch.variants);
    return firstId;
  }

  /** Variant lines are the odd ones out: a read and a write per batch that has any. */
  private addVariants(sourceId: number, add: Record<string, number>): void {
    const stored = this.variantsOf.get(sourceId) as string | null;
    const counts = (stored ? JSON.parse(stored) : {}) as Record<string, number>;
    for (const [k, n] of Object.entries(add)) counts[k] = (counts[k] ?? 0) + n;
    const sorted = Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));
    this.setVariants.run(JSON.stringify(sorted), sourceId);
  }

  private writeStrings(pairs: Array<number | string>): void {
    let i = 0;
    const many = STRINGS_PER_INSERT * 2;
    for (; i + many <= pairs.length; i += many) this.strMany.run(pairs.slice(i, i + many));
    for (; i < pairs.length; i += 2) this.strOne.run(pairs[i], pairs[i + 1]);
  }

  /**
   * The batch's rows in one call: overload_insert_rows() binds them from the encoded arrays in C
   * (native/bulk_insert.c), with the same INSERTs and the same values as writeRequests() below.
   */
  private writeRequestsNative(insertRows: Database.Statement, st: NativeInserts, r: EncodedRequests): void {
    const nums = Buffer.from(r.nums.buffer, r.nums.byteOffset, r.count * ROW_WIDTH * Float64Array.BYTES_PER_ELEMENT);
    const text = Buffer.from(r.text.buffer, r.text.byteOffset, r.text.byteLength);
    const inserted = insertRows.get(st.many, nums, text, st.one);
    if (inserted !== r.count) throw new Error(`overload_insert_rows inserted ${String(inserted)} rows of ${r.count}`);
  }

  /** The reference: each row decoded into JS values, which better-sqlite3 binds. */
  private writeRequests(st: { many: Database.Statement; one: Database.Statement }, r: EncodedRequests): void {
    const text = Buffer.from(r.text.buffer, r.text.byteOffset, r.text.byteLength);
    const cursor = { at: 0 };
    let row = 0;
    if (r.count >= ROWS_PER_INSERT) {
      const params: unknown[] = new Array(ROW_WIDTH * ROWS_PER_INSERT);
      for (; row + ROWS_PER_INSERT <= r.count; row += ROWS_PER_INSERT) {
        let p = 0;
        for (let k = row; k < row + ROWS_PER_INSERT; k++) p = decodeRow(r, text, k, cursor, params, p);
        st.many.run(params);
      }
    }
    const one: unknown[] = new Array(ROW_WIDTH);
    for (; row < r.count; row++) {
      decodeRow(r, text, row, cursor, one, 0);
      st.one.run(one);
    }
  }
}
