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

/**
 * Rows per statement of rowsInserter(). The streamed rollups hand the writer's thread whole lists
 * of rows, up to ~7 per request line on sparse logs (1.5M for 200k lines of the `week` shape):
 * inserting them 16 to a statement cost ~40% less CPU per row than one statement each (fewer
 * steps, and one result object per 16 rows instead of per row).
 */
const ROWS_PER_INSERT = 16;

export type RowsOut = (table: RowTable, rows: readonly unknown[][]) => void;

/**
 * rowInserter() for lists of rows: the same rows, in the same order (a later row with the same
 * key replaces an earlier one under INSERT OR REPLACE, as row by row), ROWS_PER_INSERT at a time.
 */
export function rowsInserter(db: DB, schema: string, verb = 'INSERT'): RowsOut {
  const tables = new Map<RowTable, { width: number; one: ReturnType<DB['prepare']>; many: ReturnType<DB['prepare']>; params: unknown[] }>();
  for (const [table, columns] of Object.entries(ROW_COLUMNS) as Array<[RowTable, readonly string[]]>) {
    const one = `(${columns.map(() => '?').join(', ')})`;
    const head = `${verb} INTO ${schema}.${table} (${columns.join(', ')}) VALUES `;
    tables.set(table, {
      width: columns.length, one: db.prepare(head + one), many: db.prepare(head + Array(ROWS_PER_INSERT).fill(one).join(', ')),
      params: new Array<unknown>(columns.length * ROWS_PER_INSERT),
    });
  }
  return (table, rows) => {
    const t = tables.get(table)!;
    const { width, params } = t;
    let i = 0;
    for (; i + ROWS_PER_INSERT <= rows.length; i += ROWS_PER_INSERT) {
      let p = 0;
      for (let k = i; k < i + ROWS_PER_INSERT; k++) {
        const row = rows[k];
        if (row.length !== width) throw new Error(`${table}: a row of ${row.length} values, not ${width}`);
        for (let c = 0; c < width; c++) params[p++] = row[c];
      }
      t.many.run(params);
    }
    for (; i < rows.length; i++) t.one.run(rows[i]);
  };
}
