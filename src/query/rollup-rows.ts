// The rollup tables' rows as plain arrays: what a RollupPass hands its sink, turned into the
// values of one INSERT each. One place for the column lists, shared by the rebuild (which inserts
// as it goes) and the streamed rollups (whose pass runs in a worker thread and sends the rows to
// the thread that owns the database).
import type { DB } from '../store/db.js';
import type { RollupSink } from './rollup-aggregate.js';
import type { Histogram, Occupancy } from './histogram.js';

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
  rollup_sparse: ['tier', 't', 'host'],
  rollup_traffic_minute: ['tier', 'host', 't', 'requests', 'done', 's4xx', 's5xx', 'bytes', 'dur_n', 'dur_sum', 'dur_max',
    'dur_hist', 'up_hist', 'done_hist'],
  rollup_inflight_minute: ['tier', 'host', 'upstream', 't', 'peak', 'occ'],
  rollup_status_minute: ['tier', 'host', 't', 'status', 'requests'],
} as const;

export type RowTable = keyof typeof ROW_COLUMNS;
export type RowOut = (table: RowTable, row: unknown[]) => void;

/**
 * Where a row goes, value by value in its table's ROW_COLUMNS order, between row() and end(): a
 * plain array (rowArrays: the rebuild's INSERTs) or straight into the encoded rows' buffers
 * (RowEncoder: the rollup worker's, which makes neither the array nor a histogram's string).
 */
export interface RowWriter {
  row(table: RowTable): void;
  num(v: number | null): void;
  text(v: string | null): void;
  /** a histogram's or an occupancy's text form, NULL when it holds nothing */
  hist(h: Histogram | Occupancy): void;
  end(): void;
}

/** A RowWriter that hands each row to `out` as an array. */
export function rowArrays(out: RowOut): RowWriter {
  let table: RowTable = 'rollup_second';
  let row: unknown[] = [];
  return {
    row: (t) => { table = t; row = []; },
    num: (v) => { row.push(v); },
    text: (v) => { row.push(v); },
    hist: (h) => { row.push(h.toText()); },
    end: () => out(table, row),
  };
}

/** A sink that writes each finished aggregate as its table's row. */
export function writerSink(w: RowWriter): RollupSink {
  const head = (table: RowTable, tier: string, host: string, t: number) => { w.row(table); w.text(tier); w.text(host); w.num(t); };
  return {
    second: (tier, host, t, x) => {
      head('rollup_second', tier, host, t);
      w.num(x.requests);
      for (let i = 0; i < 5; i++) w.num(x.s[i]);
      w.num(x.bytes); w.num(x.durN); w.num(x.durSum); w.num(x.durMax); w.hist(x.dur); w.num(x.upN); w.num(x.upSum); w.hist(x.up);
      w.num(x.done); w.hist(x.doneH);
      w.end();
      for (const [status, n] of x.statuses) { head('rollup_status', tier, host, t); w.num(status); w.num(n); w.end(); }
    },
    minute: (tier, host, t, name, m) => {
      head('rollup_minute', tier, host, t);
      w.text(name); w.num(m.requests); w.num(m.s4xx); w.num(m.s5xx); w.num(m.bytes); w.num(m.bytesMax); w.hist(m.bytesH);
      w.num(m.durN); w.num(m.durSum); w.num(m.durMin); w.num(m.durMax); w.hist(m.dur);
      w.num(m.upN); w.num(m.upSum); w.num(m.upMin); w.num(m.upMax); w.hist(m.up); w.num(m.first); w.num(m.last);
      w.end();
    },
    upstream: (tier, host, t, addr, u) => {
      head('rollup_upstream', tier, host, t);
      w.text(addr); w.num(u.attempts); w.num(u.failed); w.num(u.timeouts); w.num(u.retried); w.num(u.n); w.num(u.sum); w.num(u.max);
      w.hist(u.h); w.num(u.first); w.num(u.last);
      w.end();
    },
    inflight: (tier, host, upstream, t, o) => {
      w.row('rollup_inflight'); w.text(tier); w.text(host); w.text(upstream); w.num(t); w.num(o.peak()); w.hist(o); w.end();
    },
    largest: (tier, host, t, id, bytes) => { w.row('rollup_largest'); w.text(tier); w.num(t); w.text(host); w.num(id); w.num(bytes); w.end(); },
    route10: (tier, t, host, name, r) => {
      w.row('rollup_route_10s'); w.text(tier); w.num(t); w.text(host); w.text(name); w.num(r.requests); w.num(r.s5xx); w.num(r.durSum); w.hist(r.dur);
      w.end();
    },
    upstream10: (tier, t, host, addr, u) => {
      w.row('rollup_upstream_10s'); w.text(tier); w.num(t); w.text(host); w.text(addr);
      w.num(u.attempts); w.num(u.failed); w.num(u.timeouts); w.num(u.retried); w.num(u.max); w.hist(u.time); w.num(u.first); w.num(u.last);
      w.end();
    },
    clients: (grain, tier, t, host, kept, left, n, e, top) => {
      w.row('rollup_clients'); w.text(tier); w.num(grain); w.num(t); w.text(host); w.text(kept); w.num(left); w.num(n); w.num(e); w.num(top);
      w.end();
    },
    sparse: (tier, t, host) => { w.row('rollup_sparse'); w.text(tier); w.num(t); w.text(host); w.end(); },
    trafficMinute: (tier, host, t, m) => {
      head('rollup_traffic_minute', tier, host, t);
      w.num(m.requests); w.num(m.done); w.num(m.s4xx); w.num(m.s5xx); w.num(m.bytes); w.num(m.durN); w.num(m.exact ? m.durSum : null); w.num(m.durMax);
      w.hist(m.dur); w.hist(m.up); w.hist(m.doneH);
      w.end();
      for (const [status, n] of m.statuses) { head('rollup_status_minute', tier, host, t); w.num(status); w.num(n); w.end(); }
    },
    inflightMinute: (tier, host, upstream, t, peak, o) => {
      w.row('rollup_inflight_minute'); w.text(tier); w.text(host); w.text(upstream); w.num(t); w.num(peak); w.hist(o); w.end();
    },
  };
}

/** A sink that turns each finished aggregate into its table's row, as an array. */
export function rowSink(out: RowOut): RollupSink {
  return writerSink(rowArrays(out));
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

interface TableBuffer {
  table: RowTable;
  layout: Layout;
  /** per column (ROW_COLUMNS order): where its value (a text's byte length) sits in a row's numbers */
  slot: Int32Array;
  width: number;
  nums: Float64Array; n: number; text: Buffer; t: number; count: number;
}

/**
 * Rows in, encoded per table: as arrays (add) or value by value (the RowWriter methods, which
 * rollup-stream-worker.ts's pass writes through writerSink, making neither the row's array nor a
 * histogram's string). take() hands over the table's buffers themselves (views of the rows in
 * them, to transfer) and giveBack() takes them back once the writer has inserted their rows: the
 * same few buffers go round between the two threads. (take() used to copy each table's rows into
 * a new pair of buffers per batch; each was garbage in the writer's heap once inserted, and V8 let
 * their memory, outside its heap, pile up to ~30 MB before a collection freed it.)
 */
export class RowEncoder implements RowWriter {
  private tables = new Map<RowTable, TableBuffer>();
  /** buffers given back, per table (so each comes back to rows of the size it grew to) */
  private spare = new Map<RowTable, Array<{ nums: ArrayBuffer; text: ArrayBuffer }>>();
  /** per table: where each column's value sits in a row's numbers (see TableBuffer.slot) */
  private slots = new Map<RowTable, Int32Array>();
  /** the row being written: its table's buffer, where it starts in `nums`, its next column */
  private b: TableBuffer | null = null;
  private at = 0;
  private col = 0;

  readonly add: RowOut = (table, row) => {
    const cols = ROW_COLUMNS[table];
    for (let i = 0; i < cols.length; i++) {
      const v = row[i];
      if (TEXT_COLUMNS.has(cols[i])) {
        if (v !== null && typeof v !== 'string') throw new Error(`rollups: ${table}.${cols[i]} is not text: ${String(v)}`);
      } else if (v !== null && typeof v !== 'number') throw new Error(`rollups: ${table}.${cols[i]} is not a number: ${String(v)}`);
    }
    this.row(table);
    for (let i = 0; i < cols.length; i++) {
      const v = row[i];
      if (typeof v === 'string') this.text(v);
      else this.num(v as number | null);
    }
    this.end();
  };

  row(table: RowTable): void {
    let b = this.tables.get(table);
    if (!b) {
      const layout = LAYOUTS.get(table)!;
      let slot = this.slots.get(table);
      if (!slot) {
        slot = new Int32Array(layout.columns.length);
        [...layout.nums, ...layout.texts].forEach((c, i) => (slot![c] = i));
        this.slots.set(table, slot);
      }
      b = { table, layout, slot, width: slot.length, nums: new Float64Array(0), n: 0, text: Buffer.alloc(0), t: 0, count: 0 };
      this.fresh(table, b);
      this.tables.set(table, b);
    }
    if (b.n + b.width > b.nums.length) {
      const next = new Float64Array(Math.max(2 * b.nums.length, b.n + b.width));
      next.set(b.nums.subarray(0, b.n));
      b.nums = next;
    }
    this.b = b;
    this.at = b.n;
    this.col = 0;
  }

  num(v: number | null): void {
    const b = this.b!;
    b.nums[this.at + b.slot[this.col++]] = v === null ? NaN : v;
  }

  text(v: string | null): void {
    const b = this.b!;
    if (v === null) { b.nums[this.at + b.slot[this.col++]] = NaN; return; }
    // (3 bytes per UTF-16 unit at most)
    this.room(3 * v.length);
    const len = b.text.write(v, b.t);
    b.t += len;
    b.nums[this.at + b.slot[this.col++]] = len;
  }

  hist(h: Histogram | Occupancy): void {
    const b = this.b!;
    if (h.isEmpty()) { b.nums[this.at + b.slot[this.col++]] = NaN; return; }
    this.room(h.textBound());
    const end = h.writeText(b.text, b.t);
    b.nums[this.at + b.slot[this.col++]] = end - b.t;
    b.t = end;
  }

  end(): void {
    const b = this.b!;
    if (this.col !== b.width) throw new Error(`rollups: a ${b.table} row of ${this.col} values, not ${b.width}`);
    b.n += b.width;
    b.count++;
    this.b = null;
  }

  /** `bytes` more free in the current table's text buffer */
  private room(bytes: number): void {
    const b = this.b!;
    if (b.t + bytes <= b.text.length) return;
    // (never from Buffer's shared pool: the buffer is transferred whole)
    const next = Buffer.allocUnsafeSlow(Math.max(2 * b.text.length, b.t + bytes));
    b.text.copy(next, 0, 0, b.t);
    b.text = next;
  }

  /** The rows added since the last take(), each table's in buffers of their own (to transfer), or null. */
  take(): EncodedRows | null {
    let out: EncodedRows | null = null;
    for (const [table, b] of this.tables) {
      if (b.count === 0) continue;
      (out ??= {})[table] = { count: b.count, nums: b.nums.subarray(0, b.n), text: new Uint8Array(b.text.buffer, b.text.byteOffset, b.t) };
      // (the table's next row takes buffers then: by then some may have been given back)
      this.tables.delete(table);
    }
    return out;
  }

  /** Buffers of rows that take() handed over, now written: the next take()s fill them again. */
  giveBack(rows: EncodedRows): void {
    for (const [table, r] of Object.entries(rows) as Array<[RowTable, EncodedTableRows]>) {
      let list = this.spare.get(table);
      if (!list) this.spare.set(table, (list = []));
      // (as many as can be in flight at once; a surplus is left to the collector)
      if (list.length < SPARE_PER_TABLE) list.push({ nums: r.nums.buffer as ArrayBuffer, text: r.text.buffer as ArrayBuffer });
    }
  }

  /** Empty buffers for the table's next rows: given back ones when there are, else small new ones. */
  private fresh(table: RowTable, b: TableBuffer): void {
    const spare = this.spare.get(table)?.pop();
    b.nums = spare ? new Float64Array(spare.nums) : new Float64Array(1024);
    b.text = spare ? Buffer.from(spare.text) : Buffer.alloc(16384);
  }
}

/** buffers kept per table for reuse: about as many batches as can be in flight between the threads */
const SPARE_PER_TABLE = 8;

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
 * The table's primary key as positions in an encoded row (numbers, then texts), for
 * overload_insert_rows() to insert a batch in key order: the pass writes a minute's routes in the
 * order it met them, and a WITHOUT ROWID table inserted out of order splits and rebalances pages
 * in its middle (rollup_minute on 200k lines of distinct URLs: 5 us a row, 1.4-2 in key order). The
 * order of inserting changes no row stored, only the pages' work.
 */
function encodedKey(db: DB, schema: string, table: RowTable): string {
  const info = db.prepare(`PRAGMA ${schema}.table_info(${table})`).all() as Array<{ name: string; pk: number }>;
  const columns = LAYOUTS.get(table)!.columns;
  const key = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => columns.indexOf(c.name));
  if (key.length === 0 || key.includes(-1)) throw new Error(`rollups: ${table}'s primary key is not among its written columns`);
  return key.join(',');
}

/**
 * INSERTs of encoded rows into `schema`'s rollup tables, in C when `native` (the extension is
 * loaded into `db`: src/store/native.ts), else decoded and bound from JS.
 */
export function encodedRowsInserter(db: DB, schema: string, verb: string, native: boolean): (rows: EncodedRows) => void {
  if (native) {
    const call = db.prepare('SELECT overload_insert_rows(?, ?, ?, ?, ?, ?, ?)').pluck();
    const sql = new Map<RowTable, { many: string; one: string; key: string }>();
    for (const table of LAYOUTS.keys()) {
      sql.set(table, { many: insertSql(verb, schema, table, ROWS_PER_INSERT), one: insertSql(verb, schema, table, 1), key: encodedKey(db, schema, table) });
    }
    return (rows) => {
      for (const [table, r] of Object.entries(rows) as Array<[RowTable, EncodedTableRows]>) {
        const { nums, texts } = LAYOUTS.get(table)!;
        const s = sql.get(table)!;
        const inserted = call.get(s.many, Buffer.from(r.nums.buffer, r.nums.byteOffset, r.nums.byteLength),
          Buffer.from(r.text.buffer, r.text.byteOffset, r.text.byteLength), nums.length, texts.length, s.one, s.key);
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
