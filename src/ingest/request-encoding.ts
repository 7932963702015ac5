// Parsed requests -> the rows of `request_rows`, encoded in the parse worker so that the writer
// binds numbers, not strings. Repetitive text columns become ids into `strings` (a dictionary the
// worker grows as it meets new values); numbers travel in one Float64Array per batch and the
// remaining text (url, upstream_raw, extra; path/query when the url does not say them) as UTF-8
// in one byte buffer, both moved between threads without a copy.
//
// Why bytes and not strings: a url or upstream list sliced from the line keeps the whole line
// alive until the batch is posted, and 2,000 lines of survivors per batch made the worker spend
// more time in garbage collection (and in cloning strings for postMessage) than in parsing.
//
// The row layout (which column is where) is src/store/row-layout.ts, shared with the writer.
import type { RequestRecord } from '../../parsers/types.js';
import { ROW_WIDTH, type EncodedRequests } from '../store/row-layout.js';

/** Slots of StringDictionary's cache of recent values (a power of two). */
const RECENT_SLOTS = 4096;

/** Marks a path/query that is really absent although the url would give one (see schema.ts). */
const NO_VALUE = '\u0000';

/**
 * The id of a text already committed to the database's `strings`, or undefined (the parse
 * worker reads them through a connection of its own: src/store/strings.ts StoredStringIds).
 */
export type StoredStringId = (text: string) => number | undefined;

/**
 * Text -> id for the dictionary columns. Ids come from a block the writer reserved for this
 * ingest (string_ids), so concurrent ingests never hand out the same id. The map is bounded, by
 * entries and by characters, since the parse worker runs with a capped heap: when a log has more
 * distinct values (clients of a big DDoS, long referers), it starts over, and a value met again
 * gets a second id. Duplicates cost a few bytes; `requests` joins every id back to its text, so
 * queries see no difference.
 *
 * With `stored`, a value new to the map is first looked up among the strings already committed to
 * the database, and takes that id instead of a new one: appending a day to a big database, the
 * day's values are mostly there already, and writing them again under new ids (into an index of
 * millions, each on a page of its own) was half of the writer's time. A committed string is never
 * deleted nor changed, so its id is as good as one of this ingest's own.
 */
export class StringDictionary {
  /** text -> its entry (the index into `keys` and `entryIds`) */
  private ids = new Map<string, number>();
  private chars = 0;
  private pending: Array<number | string> = [];
  /** stored strings this ingest took the ids of, since the last drain (drainReused) */
  private reusedPending: Array<number | string> = [];
  /** the map's keys, and their ids, in the order they came since it last started over */
  private keys: string[] = [];
  private entryIds: number[] = [];
  /**
   * Recently met values by a hash of a few of their chars, in front of the map. Every value
   * looked up is a fresh slice of its line, so Map.get hashes all its chars each time (a user
   * agent is ~100): ~250 ns a lookup, 12% of the worker's CPU. Comparing with the one value in
   * its slot costs a third of that. Only ever holds what the map holds, so it answers exactly
   * as the map would.
   */
  private recentText: Array<string | null> = new Array<string | null>(RECENT_SLOTS).fill(null);
  private recentId = new Float64Array(RECENT_SLOTS);

  /**
   * The bounds: each entry costs the worker ~200 bytes of heap with V8's slack. At 200,000
   * entries / 4M chars the 10M-line benchmark log (66k distinct values) ended 7 MB bigger than
   * at 30,000 (peak RSS 151-152 against 142-144 MB over three runs each), as fast, and a log
   * of a million distinct clients could grow the worker by ~40 MB; at 30,000 the same log
   * writes 381k strings instead of 66k, 5 MB of a 3 GB database.
   */
  constructor(private next: number, private readonly capacity = 30_000, private readonly capacityChars = 600_000,
    private readonly stored: StoredStringId | null = null) {}

  idOf(text: string | null): number {
    if (text === null) return NaN;
    const n = text.length;
    // (positions past either end read NaN, which `& mask` turns into slot 0)
    const slot = (n * 31 + text.charCodeAt(n - 1) * 7 + text.charCodeAt(n - 2) * 131 + text.charCodeAt(n - 3) * 1031 +
      text.charCodeAt(n >> 1) * 17) & (RECENT_SLOTS - 1);
    if (this.recentText[slot] === text) return this.recentId[slot];
    const known = this.ids.get(text);
    if (known !== undefined) {
      this.recentText[slot] = this.keys[known]; // the map's own copy: no line is kept alive
      return (this.recentId[slot] = this.entryIds[known]);
    }
    if (this.ids.size >= this.capacity || this.chars >= this.capacityChars) {
      this.ids.clear();
      this.chars = 0;
      this.keys = [];
      this.entryIds = [];
      this.recentText.fill(null);
    }
    // A value sliced from a log line keeps the whole line alive: keep a copy of its own.
    const own = detached(text);
    let id = this.stored?.(own);
    if (id === undefined) {
      id = this.next++;
      this.pending.push(id, own);
    } else this.reusedPending.push(id, own);
    this.ids.set(own, this.keys.length);
    this.keys.push(own);
    this.entryIds.push(id);
    this.chars += own.length;
    this.recentText[slot] = own;
    this.recentId[slot] = id;
    return id;
  }

  /** The entries made since the last call. */
  drain(): Array<number | string> {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  /** The stored strings whose ids were taken since the last call (id, text, ...). */
  drainReused(): Array<number | string> {
    const out = this.reusedPending;
    this.reusedPending = [];
    return out;
  }
}

/**
 * A copy of `s` that does not share memory with the string it was sliced from. (V8 flattens
 * the concatenation into a new string before slicing it: the slice keeps only that alive.)
 */
function detached(s: string): string {
  return (' ' + s).slice(1);
}

const num = (v: number | null): number => (v === null ? NaN : v);

/**
 * One column's view of the dictionary, remembering its last value: method, protocol, upstream
 * and often route repeat from one line to the next, and comparing with the last string is
 * cheaper than hashing a freshly sliced one for the map.
 */
class ColumnIds {
  private lastText: string | null = null;
  private lastId = NaN;

  constructor(private dict: StringDictionary) {}

  /** (an id stays valid after the dictionary starts over: its string was written with its batch) */
  idOf(text: string | null): number {
    if (text === null) return NaN;
    if (text === this.lastText) return this.lastId;
    this.lastText = text;
    this.lastId = this.dict.idOf(text);
    return this.lastId;
  }
}

/**
 * `extra` as JSON, byte for byte what JSON.stringify gives, about 4x faster: a format's extra
 * object has the same keys in the same order on every line, so the key prefixes are learned
 * once and only the values are written. Any other shape falls back to JSON.stringify.
 */
export class ExtraJson {
  private keys: string[] = [];
  private prefixes: string[] = [];

  text(o: Record<string, unknown>): string {
    const keys = this.keys;
    let i = 0;
    let out = '';
    for (const k in o) {
      if (k !== keys[i]) return this.learn(o);
      const v = o[k];
      let t: string;
      if (v === null) t = 'null';
      else if (typeof v === 'number') t = Number.isFinite(v) ? '' + v : 'null';
      else if (typeof v === 'string') t = JSON.stringify(v);
      else return JSON.stringify(o); // undefined, nested values: the general case
      out += this.prefixes[i++] + t;
    }
    if (i !== keys.length) return this.learn(o);
    return i === 0 ? '{}' : out + '}';
  }

  private learn(o: Record<string, unknown>): string {
    this.keys = Object.keys(o);
    this.prefixes = this.keys.map((k, i) => (i ? ',' : '{') + JSON.stringify(k) + ':');
    return JSON.stringify(o);
  }
}

/** batch buffers kept for reuse (RequestEncoder.giveBack) */
const SPARE_BATCHES = 8;

/** Accumulates the requests of one batch. */
export class RequestEncoder {
  private nums: Float64Array;
  private bytes: Buffer;
  private used = 0;
  private count = 0;
  private extraJson = new ExtraJson();
  private client: ColumnIds;
  private method: ColumnIds;
  private route: ColumnIds;
  private protocol: ColumnIds;
  private upstreamAddr: ColumnIds;
  private vhost: ColumnIds;
  private referer: ColumnIds;
  private userAgent: ColumnIds;

  /** buffers of batches taken earlier, given back once written (giveBack) */
  private spare: Array<{ nums: ArrayBuffer; text: ArrayBuffer }> = [];

  constructor(private dict: StringDictionary, private capacity = 2048) {
    // (the encoder keeps the dictionary for take(): new entries travel with their batch)
    this.nums = new Float64Array(capacity * ROW_WIDTH);
    // (never from Buffer's shared pool: take() hands the whole ArrayBuffer over)
    this.bytes = Buffer.allocUnsafeSlow(capacity * 128);
    this.client = new ColumnIds(dict);
    this.method = new ColumnIds(dict);
    this.route = new ColumnIds(dict);
    this.protocol = new ColumnIds(dict);
    this.upstreamAddr = new ColumnIds(dict);
    this.vhost = new ColumnIds(dict);
    this.referer = new ColumnIds(dict);
    this.userAgent = new ColumnIds(dict);
  }

  add(r: RequestRecord, route: string | null): void {
    if (this.count === this.capacity) this.grow();
    const n = this.nums;
    let at = this.count * ROW_WIDTH;
    n[at++] = r.ts;
    n[at++] = num(r.start_ts);
    n[at++] = num(r.end_ts);
    n[at++] = this.client.idOf(r.client);
    n[at++] = this.method.idOf(r.method);
    n[at++] = this.route.idOf(route);
    n[at++] = this.protocol.idOf(r.protocol);
    n[at++] = num(r.status);
    n[at++] = num(r.bytes);
    n[at++] = num(r.request_length);
    n[at++] = num(r.duration_ms);
    n[at++] = num(r.upstream_ms);
    n[at++] = num(r.upstream_connect_ms);
    n[at++] = num(r.upstream_header_ms);
    n[at++] = num(r.upstream_attempts);
    n[at++] = this.upstreamAddr.idOf(r.upstream_addr);
    n[at++] = num(r.upstream_status);
    n[at++] = this.vhost.idOf(r.vhost);
    n[at++] = this.referer.idOf(r.referer);
    n[at++] = this.userAgent.idOf(r.user_agent);
    const url = r.url;
    let path: string | null = r.path;
    let query: string | null = r.query;
    // Stored only when the url does not say them already (NULL = derive from url).
    if (url === null || url.includes(NO_VALUE)) {
      // no url to derive from (or one SQLite's string functions would cut at NUL): keep as is
      path = path === null && url !== null ? NO_VALUE : path;
      query = query === null && url !== null ? NO_VALUE : query;
    } else {
      // (compared in place: slicing the url twice per line just to compare shows in profiles)
      const q = url.indexOf('?');
      const pathEnd = q < 0 ? url.length : q;
      // (without a query the parsers hand over the url itself as the path: === is then true
      // without comparing chars, where startsWith compared them all, the top line of add())
      const pathInUrl = path !== null && path.length === pathEnd && (q < 0 ? path === url : url.startsWith(path));
      path = pathInUrl ? null : (path ?? NO_VALUE);
      const asInUrl = q < 0 ? query === null : query !== null && query.length === url.length - q - 1 && url.endsWith(query);
      query = asInUrl ? null : (query ?? NO_VALUE);
    }
    const upstreamRaw = r.upstream_raw;
    const extra = r.extra ? this.extraJson.text(r.extra) : null;
    // One Buffer.write per row, not one per value: a call costs more than encoding a short
    // value, and a row has three to five. When as many bytes come out as there are chars, every
    // value was ASCII and its byte length is its length; otherwise (rare) each value is written
    // again on its own over the same bytes, so non-ASCII text (and a surrogate pair split
    // between two values) encodes exactly as before.
    const row = (url ?? '') + (path ?? '') + (query ?? '') + (upstreamRaw ?? '') + (extra ?? '');
    const start = this.used;
    if (this.putText(row) === row.length) {
      n[at++] = url === null ? NaN : url.length;
      n[at++] = path === null ? NaN : path.length;
      n[at++] = query === null ? NaN : query.length;
      n[at++] = upstreamRaw === null ? NaN : upstreamRaw.length;
      n[at] = extra === null ? NaN : extra.length;
    } else {
      this.used = start;
      n[at++] = this.putText(url);
      n[at++] = this.putText(path);
      n[at++] = this.putText(query);
      n[at++] = this.putText(upstreamRaw);
      n[at] = this.putText(extra);
    }
    this.count++;
  }

  /** Appends a value's UTF-8 bytes; returns their count (NaN for NULL). */
  private putText(v: string | null): number {
    if (v === null) return NaN;
    const room = v.length * 3; // UTF-8 bytes per UTF-16 unit, at most
    if (this.used + room > this.bytes.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(this.bytes.length * 2, this.used + room));
      this.bytes.copy(bigger, 0, 0, this.used);
      this.bytes = bigger;
    }
    const written = this.bytes.write(v, this.used, 'utf8');
    this.used += written;
    return written;
  }

  get size(): number {
    return this.count;
  }

  /**
   * The batch's requests, in the encoder's own buffers (views of the rows in them: each buffer is
   * the batch's alone, to transfer whole); the encoder starts empty again in buffers given back
   * (giveBack) or new ones. (It used to copy each batch out and keep its buffers: the copies,
   * garbage once the rollup worker had read them, piled up outside its heap between collections.)
   */
  take(): EncodedRequests {
    const out: EncodedRequests = {
      count: this.count,
      nums: this.nums.subarray(0, this.count * ROW_WIDTH),
      text: new Uint8Array(this.bytes.buffer, this.bytes.byteOffset, this.used),
      strings: this.dict.drain(),
      reused: this.dict.drainReused(),
    };
    this.count = 0;
    this.used = 0;
    const spare = this.spare.pop();
    const rows = spare ? Math.floor(spare.nums.byteLength / (ROW_WIDTH * Float64Array.BYTES_PER_ELEMENT)) : 0;
    // (a given-back buffer smaller than the batches grew to is left to the collector)
    if (spare && rows >= this.capacity) {
      this.nums = new Float64Array(spare.nums);
      this.capacity = rows;
      this.bytes = Buffer.from(spare.text);
    } else {
      this.nums = new Float64Array(this.capacity * ROW_WIDTH);
      this.bytes = Buffer.allocUnsafeSlow(Math.max(this.capacity * 128, this.bytes.length));
    }
    return out;
  }

  /** The buffers of a batch take() handed over, its rows now written: later batches fill them. */
  giveBack(nums: ArrayBuffer, text: ArrayBuffer): void {
    // (about as many as can be in flight between the threads; a surplus is left to the collector)
    if (this.spare.length < SPARE_BATCHES) this.spare.push({ nums, text });
  }

  /**
   * Room for more rows than the batch size: a batch is cut after the group of lines (the lines of
   * one 256 KB read) that reaches it, so it holds up to ~1,000 lines more. A quarter more each time,
   * not twice: every batch's buffers take the size the batches grew to (given-back ones smaller
   * than that are dropped), and those in circulation between the three threads (~7) are what the
   * parse worker's share of peak RSS is made of. Doubled, 2,048 rows became 4,096 for batches of
   * at most ~3,000 (1.37 MB a batch's two buffers instead of ~1.05).
   */
  private grow(): void {
    const capacity = Math.ceil(this.capacity * 1.25);
    const bigger = new Float64Array(capacity * ROW_WIDTH);
    bigger.set(this.nums);
    this.nums = bigger;
    this.capacity = capacity;
  }
}
