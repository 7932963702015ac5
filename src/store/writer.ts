// Batches -> rows. One transaction per batch, which also moves the source's resume offset:
// a killed ingest loses at most the batch in flight and the next run starts exactly after the
// last committed one.
import type { DB } from './db.js';
import { REQUEST_COLUMNS, EVENT_COLUMNS, TRACE_COLUMNS } from './schema.js';
import { REQUEST_WIDTH, REQUEST_VALUE_COLUMNS, type Batch } from '../ingest/batches.js';
import type Database from 'better-sqlite3';

const ROWS_PER_INSERT = 32;

// The batch layout and the table must agree column for column.
if (REQUEST_COLUMNS.slice(2).join() !== REQUEST_VALUE_COLUMNS.join()) throw new Error('requests column order drifted');

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
}

export class StoreWriter {
  private reqMany: Database.Statement;
  private reqOne: Database.Statement;
  private evOne: Database.Statement;
  private trOne: Database.Statement;
  private frOne: Database.Statement;
  private rejOne: Database.Statement;
  private progress: Database.Statement;
  private writeTx: (sourceId: number, host: string | null, batch: Batch) => void;

  constructor(private db: DB) {
    this.reqMany = db.prepare(insertSql('requests', REQUEST_COLUMNS, ROWS_PER_INSERT));
    this.reqOne = db.prepare(insertSql('requests', REQUEST_COLUMNS, 1));
    this.evOne = db.prepare(insertSql('events', EVENT_COLUMNS, 1));
    this.trOne = db.prepare(insertSql('slow_traces', TRACE_COLUMNS, 1));
    this.frOne = db.prepare('INSERT INTO slow_frames (trace_id, depth, function, file, line) VALUES (?,?,?,?,?)');
    this.rejOne = db.prepare('INSERT INTO rejects (source_id, line_no, reason, line) VALUES (?,?,?,?)');
    this.progress = db.prepare(`UPDATE sources SET bytes = ?, lines = ?, parsed = parsed + ?, rejected = rejected + ?,
      first_ts = min(coalesce(first_ts, ?), coalesce(?, first_ts)), last_ts = max(coalesce(last_ts, ?), coalesce(?, last_ts))
      WHERE id = ?`);
    this.writeTx = db.transaction((sourceId: number, host: string | null, batch: Batch) => this.write(sourceId, host, batch));
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
      for (const t of ['slow_traces', 'events', 'requests', 'rejects']) this.db.prepare(`DELETE FROM ${t} WHERE source_id = ?`).run(id);
      this.db.prepare('DELETE FROM sources WHERE id = ?').run(id);
    })();
  }

  writeBatch(sourceId: number, host: string | null, batch: Batch): void {
    this.writeTx(sourceId, host, batch);
  }

  finishSource(sourceId: number, complete: boolean, note: string | null): void {
    this.db.prepare('UPDATE sources SET complete = ?, note = ?, ingested_at = ? WHERE id = ?')
      .run(complete ? 1 : 0, note, new Date().toISOString(), sourceId);
  }

  private write(sourceId: number, host: string | null, batch: Batch): void {
    const values = batch.requests;
    const rows = values.length / REQUEST_WIDTH;
    const width = REQUEST_COLUMNS.length; // REQUEST_WIDTH + source_id + host
    let i = 0;
    if (rows >= ROWS_PER_INSERT) {
      const params: unknown[] = new Array(width * ROWS_PER_INSERT);
      for (let k = 0; k < ROWS_PER_INSERT; k++) { params[k * width] = sourceId; params[k * width + 1] = host; }
      for (; i + ROWS_PER_INSERT <= rows; i += ROWS_PER_INSERT) {
        for (let k = 0; k < ROWS_PER_INSERT; k++) copyRow(params, k * width + 2, values, (i + k) * REQUEST_WIDTH);
        this.reqMany.run(params);
      }
    }
    const one: unknown[] = new Array(width);
    one[0] = sourceId; one[1] = host;
    for (; i < rows; i++) {
      copyRow(one, 2, values, i * REQUEST_WIDTH);
      this.reqOne.run(one);
    }
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
    for (const r of batch.rejects) this.rejOne.run(sourceId, r.line_no, r.reason, r.line);
    this.progress.run(batch.endOffset, batch.lastLineNo, batch.parsed, batch.rejected,
      batch.firstTs, batch.firstTs, batch.lastTs, batch.lastTs, sourceId);
  }
}

function copyRow(target: unknown[], at: number, values: Batch['requests'], from: number): void {
  for (let c = 0; c < REQUEST_WIDTH; c++) target[at + c] = values[from + c];
}
