// The row layout of request_rows as the ingest moves it between threads: the parse worker's
// encoder (src/ingest/request-encoding.ts) writes it, the writer's INSERT (src/store/writer.ts)
// names its columns in this order, and native/bulk_insert.c binds it knowing only the two widths
// it is handed. Defined here, in the store, because the store is what consumes it.
// test/store/row-layout.test.ts proves the encoder's positional writes agree with these names.

/** Numeric values per row, in this order (NaN = NULL: SQLite stores a bound NaN as NULL). After
 * them each row holds the UTF-8 byte length of each TEXT_COLUMNS value (NaN = NULL). */
export const NUMERIC_COLUMNS = [
  'ts', 'start_ts', 'end_ts', 'client_id', 'method_id', 'route_id', 'protocol_id', 'status', 'bytes', 'request_length',
  'duration_ms', 'upstream_ms', 'upstream_connect_ms', 'upstream_header_ms', 'upstream_attempts', 'upstream_addr_id',
  'upstream_status', 'vhost_id', 'referer_id', 'user_agent_id',
] as const;
/** Text values per row, in this order. */
export const TEXT_COLUMNS = ['url', 'path', 'query', 'upstream_raw', 'extra'] as const;
export const NUMERIC_WIDTH = NUMERIC_COLUMNS.length;
export const TEXT_WIDTH = TEXT_COLUMNS.length;
/** Float64Array slots per row: the numbers, then the text lengths. */
export const ROW_WIDTH = NUMERIC_WIDTH + TEXT_WIDTH;

/** Requests of one batch, ready to bind. */
export interface EncodedRequests {
  count: number;
  /** ROW_WIDTH values per row */
  nums: Float64Array;
  /** the rows' text values back to back, UTF-8 (lengths in nums) */
  text: Uint8Array;
  /** dictionary entries first used in this batch: id, text, id, text, ... (written before the rows) */
  strings: Array<number | string>;
  /**
   * strings already stored whose ids this batch's rows are the first of the ingest to use (id,
   * text, ...): not written again, but handed to the rollup pass with `strings`, which would
   * otherwise read each one back from the database
   */
  reused?: Array<number | string>;
}

/**
 * The reading side (the writer): row k's values, numbers then text, into `target` from `at`;
 * returns the next free index. `cursor` carries the byte offset from row to row.
 */
export function decodeRow(r: EncodedRequests, text: Buffer, k: number, cursor: { at: number }, target: unknown[], at: number): number {
  const nums = r.nums;
  let from = k * ROW_WIDTH;
  // NaN stays NaN: SQLite stores a bound NaN as NULL
  for (let c = 0; c < NUMERIC_WIDTH; c++) target[at++] = nums[from++];
  for (let c = 0; c < TEXT_WIDTH; c++) {
    const len = nums[from++];
    if (len !== len) {
      target[at++] = null;
    } else {
      target[at++] = text.toString('utf8', cursor.at, cursor.at + len);
      cursor.at += len;
    }
  }
  return at;
}
