// Parsed requests -> the rows of `request_rows`, encoded in the parse worker so that the writer
// binds numbers, not strings. Repetitive text columns become ids into `strings` (a dictionary the
// worker grows as it meets new values); numbers travel in one Float64Array per batch, which moves
// between threads without a copy; url, and path/query/extra when present, stay text.
//
// The layout here and the INSERT in src/store/writer.ts must agree column for column.
import type { RequestRecord } from '../../parsers/types.js';

/** Numeric values per row, in this order (NaN = NULL: SQLite stores a bound NaN as NULL). */
export const NUMERIC_COLUMNS = [
  'ts', 'start_ts', 'end_ts', 'client_id', 'method_id', 'route_id', 'protocol_id', 'status', 'bytes', 'request_length',
  'duration_ms', 'upstream_ms', 'upstream_connect_ms', 'upstream_header_ms', 'upstream_attempts', 'upstream_addr_id',
  'upstream_status', 'upstream_raw_id', 'vhost_id', 'referer_id', 'user_agent_id',
] as const;
/** Text values per row, in this order. */
export const TEXT_COLUMNS = ['url', 'path', 'query', 'extra'] as const;
export const NUMERIC_WIDTH = NUMERIC_COLUMNS.length;
export const TEXT_WIDTH = TEXT_COLUMNS.length;

/** Requests of one batch, ready to bind. */
export interface EncodedRequests {
  count: number;
  /** NUMERIC_WIDTH values per row */
  nums: Float64Array;
  /** TEXT_WIDTH values per row */
  texts: Array<string | null>;
  /** dictionary entries first used in this batch: id, text, id, text, ... (written before the rows) */
  strings: Array<number | string>;
}

/** Marks a path/query that is really absent although the url would give one (see schema.ts). */
const NO_VALUE = '\u0000';

/**
 * Text -> id for the dictionary columns. Ids come from a block the writer reserved for this
 * ingest (string_ids), so concurrent ingests never hand out the same id. The map is bounded: when
 * a log has more distinct values than `capacity` (clients of a big DDoS, say), it starts over,
 * and a value met again gets a second id. Duplicates cost a few bytes; `requests` joins every
 * id back to its text, so queries see no difference.
 */
export class StringDictionary {
  private ids = new Map<string, number>();
  private pending: Array<number | string> = [];

  constructor(private next: number, private readonly capacity = 200_000) {}

  idOf(text: string | null): number {
    if (text === null) return NaN;
    const known = this.ids.get(text);
    if (known !== undefined) return known;
    if (this.ids.size >= this.capacity) this.ids.clear();
    const id = this.next++;
    this.ids.set(text, id);
    this.pending.push(id, text);
    return id;
  }

  /** The entries made since the last call. */
  drain(): Array<number | string> {
    const out = this.pending;
    this.pending = [];
    return out;
  }
}

const num = (v: number | null): number => (v === null ? NaN : v);

/** Accumulates the requests of one batch. */
export class RequestEncoder {
  private nums: Float64Array;
  private texts: Array<string | null> = [];
  private count = 0;

  constructor(private dict: StringDictionary, private capacity = 2048) {
    this.nums = new Float64Array(capacity * NUMERIC_WIDTH);
  }

  add(r: RequestRecord, route: string | null): void {
    if (this.count === this.capacity) this.grow();
    const d = this.dict;
    const n = this.nums;
    let at = this.count * NUMERIC_WIDTH;
    n[at++] = r.ts;
    n[at++] = num(r.start_ts);
    n[at++] = num(r.end_ts);
    n[at++] = d.idOf(r.client);
    n[at++] = d.idOf(r.method);
    n[at++] = d.idOf(route);
    n[at++] = d.idOf(r.protocol);
    n[at++] = num(r.status);
    n[at++] = num(r.bytes);
    n[at++] = num(r.request_length);
    n[at++] = num(r.duration_ms);
    n[at++] = num(r.upstream_ms);
    n[at++] = num(r.upstream_connect_ms);
    n[at++] = num(r.upstream_header_ms);
    n[at++] = num(r.upstream_attempts);
    n[at++] = d.idOf(r.upstream_addr);
    n[at++] = num(r.upstream_status);
    n[at++] = d.idOf(r.upstream_raw);
    n[at++] = d.idOf(r.vhost);
    n[at++] = d.idOf(r.referer);
    n[at] = d.idOf(r.user_agent);
    const url = r.url;
    let path: string | null = r.path;
    let query: string | null = r.query;
    // Stored only when the url does not say them already (NULL = derive from url).
    if (url === null || url.includes(NO_VALUE)) {
      // no url to derive from (or one SQLite's string functions would cut at NUL): keep as is
      path = path === null && url !== null ? NO_VALUE : path;
      query = query === null && url !== null ? NO_VALUE : query;
    } else {
      const q = url.indexOf('?');
      path = path === (q < 0 ? url : url.slice(0, q)) ? null : (path ?? NO_VALUE);
      query = query === (q < 0 ? null : url.slice(q + 1)) ? null : (query ?? NO_VALUE);
    }
    this.texts.push(url, path, query, r.extra ? JSON.stringify(r.extra) : null);
    this.count++;
  }

  get size(): number {
    return this.count;
  }

  /** The batch's requests; the encoder starts empty again. */
  take(): EncodedRequests {
    const out: EncodedRequests = {
      count: this.count,
      nums: this.count === this.capacity ? this.nums : this.nums.slice(0, this.count * NUMERIC_WIDTH),
      texts: this.texts,
      strings: this.dict.drain(),
    };
    this.nums = new Float64Array(this.capacity * NUMERIC_WIDTH);
    this.texts = [];
    this.count = 0;
    return out;
  }

  private grow(): void {
    const bigger = new Float64Array(this.capacity * 2 * NUMERIC_WIDTH);
    bigger.set(this.nums);
    this.nums = bigger;
    this.capacity *= 2;
  }
}
