// The rollup tables' rows as plain arrays: what a RollupPass hands its sink, turned into the
// values of one INSERT each. One place for the column lists, shared by the rebuild (which inserts
// as it goes) and the streamed rollups (whose pass runs in a worker thread and sends the rows to
// the thread that owns the database).
import type { DB } from '../store/db.js';
import type { RollupSink } from './rollup-aggregate.js';

export const ROW_COLUMNS = {
  rollup_second: ['tier', 'host', 't', 'requests', 's1xx', 's2xx', 's3xx', 's4xx', 's5xx', 'bytes', 'dur_n', 'dur_sum', 'dur_max',
    'dur_hist', 'up_n', 'up_sum', 'up_hist', 'done', 'done_hist'],
  rollup_status: ['tier', 'host', 't', 'status', 'requests'],
  rollup_minute: ['tier', 'host', 't', 'route', 'requests', 's4xx', 's5xx', 'bytes', 'bytes_max', 'bytes_hist', 'dur_n', 'dur_sum',
    'dur_min', 'dur_max', 'dur_hist', 'up_n', 'up_sum', 'up_min', 'up_max', 'up_hist', 'first_ts', 'last_ts'],
  rollup_upstream: ['tier', 'host', 't', 'upstream', 'attempts', 'failed', 'timeouts', 'retried', 'time_n', 'time_sum', 'time_max',
    'time_hist', 'first_ts', 'last_ts'],
  rollup_inflight: ['tier', 'host', 'upstream', 't', 'peak', 'occ'],
  rollup_route_10s: ['tier', 't', 'host', 'route', 'requests', 's5xx', 'dur_sum', 'dur_hist'],
  rollup_upstream_10s: ['tier', 't', 'host', 'upstream', 'attempts', 'failed', 'timeouts', 'retried', 'time_max', 'time_hist',
    'first_ts', 'last_ts'],
  rollup_clients: ['tier', 'grain', 't', 'host', 'kept', 'rest_clients', 'rest_requests', 'rest_s5xx', 'rest_top'],
  rollup_largest: ['tier', 't', 'host', 'id', 'bytes'],
} as const;

export type RowTable = keyof typeof ROW_COLUMNS;
export type RowOut = (table: RowTable, row: unknown[]) => void;

/** A sink that turns each finished aggregate into its table's row. */
export function rowSink(out: RowOut): RollupSink {
  return {
    second: (tier, host, t, x) => {
      out('rollup_second', [tier, host, t, x.requests, ...x.s, x.bytes, x.durN, x.durSum, x.durMax, x.dur.toText(), x.upN, x.upSum,
        x.up.toText(), x.done, x.doneH.toText()]);
      for (const [status, n] of x.statuses) out('rollup_status', [tier, host, t, status, n]);
    },
    minute: (tier, host, t, name, m) => {
      out('rollup_minute', [tier, host, t, name, m.requests, m.s4xx, m.s5xx, m.bytes, m.bytesMax, m.bytesH.toText(), m.durN, m.durSum,
        m.durMin, m.durMax, m.dur.toText(), m.upN, m.upSum, m.upMin, m.upMax, m.up.toText(), m.first, m.last]);
    },
    upstream: (tier, host, t, addr, u) => {
      out('rollup_upstream', [tier, host, t, addr, u.attempts, u.failed, u.timeouts, u.retried, u.n, u.sum, u.max, u.h.toText(), u.first, u.last]);
    },
    inflight: (tier, host, upstream, t, o) => out('rollup_inflight', [tier, host, upstream, t, o.peak(), o.toText()]),
    largest: (tier, host, t, id, bytes) => out('rollup_largest', [tier, t, host, id, bytes]),
    route10: (tier, t, host, name, r) => out('rollup_route_10s', [tier, t, host, name, r.requests, r.s5xx, r.durSum, r.dur.toText()]),
    upstream10: (tier, t, host, addr, u) => {
      out('rollup_upstream_10s', [tier, t, host, addr, u.attempts, u.failed, u.timeouts, u.retried, u.max, u.time.toText(), u.first, u.last]);
    },
    clients: (grain, tier, t, host, kept, left, n, e, top) => out('rollup_clients', [tier, grain, t, host, kept, left, n, e, top]),
  };
}

/** INSERTs of rows into `schema`'s rollup tables; `verb` 'INSERT OR REPLACE' lets a key be written again. */
export function rowInserter(db: DB, schema: string, verb = 'INSERT'): RowOut {
  const statements = new Map<RowTable, ReturnType<DB['prepare']>>();
  for (const [table, columns] of Object.entries(ROW_COLUMNS) as Array<[RowTable, readonly string[]]>) {
    statements.set(table, db.prepare(`${verb} INTO ${schema}.${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`));
  }
  return (table, row) => { statements.get(table)!.run(row); };
}

// ---- the streamed rollups' rows between threads, as overload_insert_rows() reads them
//
// The rollup worker used to send its rows as arrays of arrays: structured-cloned out of its heap
// and into the writer's, then bound value by value through better-sqlite3. On a log of a few
// requests a second the rollups have several rows per request (a second, a minute and route, a
// 10 s route, in-flight seconds, a largest response), so that cost the writer's thread more than
// writing the requests. Now each table's rows travel as two transferred buffers, in the layout of
// the requests' encoded batches (src/ingest/request-encoding.ts): per row its numbers, then the
// UTF-8 byte length of each text (NaN = NULL); the texts back to back. The native extension binds
// them in C (native/bulk_insert.c); without it they are decoded and bound from JS, the same values.

/** the columns that hold text; every other column holds a number or NULL */
export const TEXT_COLUMNS = new Set(['tier', 'host', 'route', 'upstream', 'bytes_hist', 'dur_hist', 'up_hist', 'done_hist', 'time_hist', 'occ', 'kept']);

interface Layout {
  /** indexes into the row array (ROW_COLUMNS order): the numeric columns, then the text ones */
  nums: number[];
  texts: number[];
  /** the column names in that order */
  columns: string[];
}

const LAYOUTS = new Map<RowTable, Layout>(
  (Object.entries(ROW_COLUMNS) as Array<[RowTable, readonly string[]]>).map(([table, cols]) => {
    const nums: number[] = [], texts: number[] = [];
    cols.forEach((c, i) => (TEXT_COLUMNS.has(c) ? texts : nums).push(i));
    return [table, { nums, texts, columns: [...nums, ...texts].map((i) => cols[i]) }];
  }),
);

/** One table's rows: `count` rows of (numbers, text byte lengths) in `nums`, their texts in `text`. */
export interface EncodedTableRows { count: number; nums: Float64Array; text: Uint8Array }
export type EncodedRows = Partial<Record<RowTable, EncodedTableRows>>;

interface TableBuffer { layout: Layout; nums: Float64Array; n: number; text: Buffer; t: number; count: number }

/** Rows in, encoded per table (take() hands them over and starts again, reusing its buffers). */
export class RowEncoder {
  private tables = new Map<RowTable, TableBuffer>();

  readonly add: RowOut = (table, row) => {
    let b = this.tables.get(table);
    if (!b) this.tables.set(table, (b = { layout: LAYOUTS.get(table)!, nums: new Float64Array(1024), n: 0, text: Buffer.alloc(16384), t: 0, count: 0 }));
    const { nums: numCols, texts: textCols } = b.layout;
    const width = numCols.length + textCols.length;
    if (b.n + width > b.nums.length) {
      const next = new Float64Array(Math.max(2 * b.nums.length, b.n + width));
      next.set(b.nums.subarray(0, b.n));
      b.nums = next;
    }
    const nums = b.nums;
    let n = b.n;
    for (let i = 0; i < numCols.length; i++) {
      const v = row[numCols[i]];
      if (v === null) nums[n++] = NaN;
      else if (typeof v === 'number') nums[n++] = v;
      else throw new Error(`rollups: ${table}.${ROW_COLUMNS[table][numCols[i]]} is not a number: ${String(v)}`);
    }
    for (let i = 0; i < textCols.length; i++) {
      const v = row[textCols[i]];
      if (v === null) { nums[n++] = NaN; continue; }
      if (typeof v !== 'string') throw new Error(`rollups: ${table}.${ROW_COLUMNS[table][textCols[i]]} is not text: ${String(v)}`);
      // (3 bytes per UTF-16 unit at most)
      if (b.t + 3 * v.length > b.text.length) {
        const next = Buffer.allocUnsafe(Math.max(2 * b.text.length, b.t + 3 * v.length));
        b.text.copy(next, 0, 0, b.t);
        b.text = next;
      }
      const len = b.text.write(v, b.t);
      b.t += len;
      nums[n++] = len;
    }
    b.n = n;
    b.count++;
  };

  /** The rows added since the last take(), each table's in buffers of their own (to transfer), or null. */
  take(): EncodedRows | null {
    let out: EncodedRows | null = null;
    for (const [table, b] of this.tables) {
      if (b.count === 0) continue;
      (out ??= {})[table] = { count: b.count, nums: b.nums.slice(0, b.n), text: Uint8Array.prototype.slice.call(b.text, 0, b.t) };
      b.n = 0; b.t = 0; b.count = 0;
    }
    return out;
  }
}

/** The buffers of `rows`, to transfer with them. */
export function rowBuffers(rows: EncodedRows): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const r of Object.values(rows)) out.push(r.nums.buffer as ArrayBuffer, r.text.buffer as ArrayBuffer);
  return out;
}

/** rows per INSERT of the native path (as the requests' writer found, fewer steps cost less) */
const ROWS_PER_INSERT = 32;

const insertSql = (verb: string, schema: string, table: RowTable, rows: number) => {
  const columns = LAYOUTS.get(table)!.columns;
  const one = `(${columns.map(() => '?').join(',')})`;
  return `${verb} INTO ${schema}.${table} (${columns.join(', ')}) VALUES ${Array(rows).fill(one).join(',')}`;
};

/**
 * INSERTs of encoded rows into `schema`'s rollup tables, in C when `native` (the extension is
 * loaded into `db`: src/store/native.ts), else decoded and bound from JS.
 */
export function encodedRowsInserter(db: DB, schema: string, verb: string, native: boolean): (rows: EncodedRows) => void {
  if (native) {
    const call = db.prepare('SELECT overload_insert_rows(?, ?, ?, ?, ?, ?)').pluck();
    const sql = new Map<RowTable, { many: string; one: string }>();
    for (const table of LAYOUTS.keys()) sql.set(table, { many: insertSql(verb, schema, table, ROWS_PER_INSERT), one: insertSql(verb, schema, table, 1) });
    return (rows) => {
      for (const [table, r] of Object.entries(rows) as Array<[RowTable, EncodedTableRows]>) {
        const { nums, texts } = LAYOUTS.get(table)!;
        const s = sql.get(table)!;
        const inserted = call.get(s.many, Buffer.from(r.nums.buffer, r.nums.byteOffset, r.nums.byteLength),
          Buffer.from(r.text.buffer, r.text.byteOffset, r.text.byteLength), nums.length, texts.length, s.one);
        if (inserted !== r.count) throw new Error(`overload_insert_rows inserted ${String(inserted)} ${table} rows of ${r.count}`);
      }
    };
  }
  const statements = new Map<RowTable, ReturnType<DB['prepare']>>();
  for (const table of LAYOUTS.keys()) statements.set(table, db.prepare(insertSql(verb, schema, table, 1)));
  return (rows) => {
    for (const [table, r] of Object.entries(rows) as Array<[RowTable, EncodedTableRows]>) {
      const { nums: numCols, texts: textCols } = LAYOUTS.get(table)!;
      const st = statements.get(table)!;
      const text = Buffer.from(r.text.buffer, r.text.byteOffset, r.text.byteLength);
      const params: unknown[] = new Array(numCols.length + textCols.length);
      let n = 0, t = 0;
      for (let k = 0; k < r.count; k++) {
        let p = 0;
        for (let i = 0; i < numCols.length; i++, n++) params[p++] = r.nums[n] !== r.nums[n] ? null : r.nums[n];
        for (let i = 0; i < textCols.length; i++, n++) {
          const len = r.nums[n];
          if (len !== len) { params[p++] = null; continue; }
          params[p++] = text.toString('utf8', t, t + len);
          t += len;
        }
        st.run(params);
      }
    }
  };
}
