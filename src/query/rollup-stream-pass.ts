// The computing half of the streamed rollups (rollup-stream.ts has the story): committed batches
// in, rollup rows out. No database here, so it runs in a worker thread of its own beside the
// parse worker and the writer; whatever needs the database (which tier a source is, its earlier
// rows, the strings a batch did not bring) is given to it.
import { NUMERIC_COLUMNS, TEXT_COLUMNS, ROW_WIDTH, type EncodedRequests } from '../store/row-layout.js';
import { RollupPass, type RollupSink } from './rollup-aggregate.js';
import type { Tier } from './tiers.js';
import { writerSink, type RowWriter } from './rollup-rows.js';

/** The watermark never trails the latest start by more than this: bounded memory, whatever the log. */
const MAX_LAG = 10 * 60_000;
const MIN_LAG = 10_000;
/** Rows of a source sampled to tell whole-second stamps (as rebuildRequests samples the table). */
export const WHOLE_SAMPLE = 1000;
const MINUTE = 60_000;
/**
 * Rows between two looks at the watermarks inside a batch (a power of 2). A batch of a sparse log
 * spans hours (2,000 rows of a week at 1.7 requests/s: 20 minutes); advancing only after it kept
 * every second, minute and in-flight second of those hours alive until then, long enough for the
 * young generation to copy them and promote them, and the worker's garbage collection cost more
 * than its work. On a dense log the watermark has not moved by then, and the look costs nothing.
 */
const ADVANCE_EVERY = 64;
/**
 * Strings kept for the rows to come; a miss asks `lookup`. 20,000 hold the routes, upstreams and
 * busy clients of the benchmark's 10M log with few misses (the rollup wait stayed at 0.3 s);
 * 50,000 cost ~5 MB more peak RSS there. They are kept in two generations of half as many each
 * (StreamPass.learn).
 */
export const STRINGS_KEPT = 20_000;

const col = (name: string) => NUMERIC_COLUMNS.indexOf(name as (typeof NUMERIC_COLUMNS)[number]);
const TS = col('ts'), START = col('start_ts'), END = col('end_ts'), CLIENT = col('client_id'), ROUTE = col('route_id');
const STATUS = col('status'), BYTES = col('bytes'), DUR = col('duration_ms'), UP_MS = col('upstream_ms');
const UP_ADDR = col('upstream_addr_id'), UP_STATUS = col('upstream_status');
const TEXT0 = NUMERIC_COLUMNS.length;
const UP_RAW = TEXT_COLUMNS.indexOf('upstream_raw');

const orNull = (v: number): number | null => (v !== v ? null : v);
const minuteOf = (t: number) => Math.floor(t / MINUTE) * MINUTE;
const seriesKey = (tier: string, host: string) => tier + '\u001f' + host;

/** One tier and host as the stream sees it: its own watermark, so logs of other hosts don't move it. */
interface SeriesState {
  maxRawT: number;
  maxDur: number;
  /** every key of the series at or after this may already be written */
  flushedUntil: number;
  /** the watermark the pass was last advanced to */
  advanced: number;
}

interface SourceState {
  host: string;
  tier: Tier;
  series: SeriesState;
  /** null until decided: rows wait in `held` until WHOLE_SAMPLE of them are known */
  whole: boolean | null;
  held: Array<{ r: EncodedRequests; firstId: number }>;
  heldRows: number;
}

/** Minute-aligned [lo, hi) ranges. */
export class Ranges {
  list: Array<[number, number]> = [];

  add(lo: number, hi: number): void {
    lo = minuteOf(lo);
    hi = minuteOf(hi - 1) + MINUTE;
    const last = this.list[this.list.length - 1];
    if (last && lo <= last[1] && hi >= last[0]) { last[0] = Math.min(last[0], lo); last[1] = Math.max(last[1], hi); return; }
    this.list.push([lo, hi]);
  }

  merged(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (const [lo, hi] of [...this.list].sort((a, b) => a[0] - b[0])) {
      const last = out[out.length - 1];
      if (last && lo <= last[1]) last[1] = Math.max(last[1], hi);
      else out.push([lo, hi]);
    }
    return out;
  }
}

export interface StreamPassResult {
  /** requests counted */
  counted: number;
  /** the longest duration_ms fed */
  maxDuration: number;
  /** whole minutes the stream could not settle: recompute them from the table */
  recompute: Array<[number, number]>;
  /** the keys written or left to the recompute, as a range of times (Infinity/-Infinity: none) */
  keyLo: number;
  keyHi: number;
}

export interface StreamPassOptions {
  /** per tier and host ("tier\u001fhost"), where its earlier data ends on the minute grid */
  oldHi: Map<string, number>;
  clientsKept: number;
  /** where the rows go: encoded (the worker's RowEncoder: no array and no string made per row), or as arrays (rowArrays) */
  out: RowWriter;
  /** the text of a strings id no batch brought (yet): read from the table */
  lookup: (id: number) => string | undefined;
}

export class StreamPass {
  private pass: RollupPass;
  private sources = new Map<number, SourceState>();
  /**
   * The string cache, in two generations: `strings` takes a batch's new strings and the ones its
   * rows asked for; when it is full it becomes `older`, whose strings move back into `strings` as
   * rows ask for them again. Starting over from nothing each time (what this did) dropped the
   * routes, upstreams and returning clients every ~20,000 strings, and on a log of many clients
   * (`week`: 45k in 200k lines) the pass read ~13k strings back from the table per 200k lines,
   * ~10 % of its CPU.
   */
  private strings = new Map<number, string>();
  private older = new Map<number, string>();
  private series = new Map<string, SeriesState>();
  private keyLo = Infinity;
  private keyHi = -Infinity;
  private recompute = new Ranges();
  /** sources with whole-second stamps (the pass reads the set as rows come) */
  private whole = new Set<number>();

  constructor(private opts: StreamPassOptions) {
    this.pass = new RollupPass({
      lo: -Infinity, hi: Infinity, whole: this.whole, clientsKept: opts.clientsKept,
      tierOf: (source) => this.sources.get(source)?.tier ?? 'edge',
      sink: this.keyFilter(writerSink(opts.out)),
    });
  }

  /**
   * A source whose rows come next. `whole`: whether its stamps are whole seconds when its earlier
   * rows tell (a resumed source), else null: its first rows will.
   */
  beginSource(sourceId: number, host: string, tier: Tier, whole: boolean | null): void {
    if (this.sources.has(sourceId)) return;
    const key = seriesKey(tier, host);
    let series = this.series.get(key);
    if (!series) this.series.set(key, (series = { maxRawT: -Infinity, maxDur: 0, flushedUntil: -Infinity, advanced: -Infinity }));
    this.sources.set(sourceId, { host, tier, series, whole, held: [], heldRows: 0 });
    if (whole) this.whole.add(sourceId);
  }

  /**
   * The source's input ended: rows still held for the whole-second sample go into the pass now,
   * before any row of the next source (the pass must see rows in id order, as a rebuild does).
   */
  endSource(sourceId: number): void {
    const src = this.sources.get(sourceId);
    if (src && src.whole === null && src.heldRows > 0) this.decideWhole(sourceId, src);
  }

  /**
   * Strings first met in a batch (id, text, id, text, ...), whether or not its rows are fed. The
   * cache moves on a generation before a batch's strings, never in the middle of them: the batch's
   * own rows must find every one of its strings here, since `lookup` only sees batches committed
   * before. (So a batch's strings stay through the next batch too, in `older`.)
   */
  learn(pairs: Array<number | string>): void {
    if (this.strings.size + pairs.length / 2 > STRINGS_KEPT / 2) {
      this.older = this.strings;
      this.strings = new Map();
    }
    for (let i = 0; i < pairs.length; i += 2) this.strings.set(pairs[i] as number, pairs[i + 1] as string);
  }

  /** The requests of one committed batch of the source (ids firstId, firstId + 1, ...), in id order. */
  feed(sourceId: number, r: EncodedRequests, firstId: number): void {
    if (r.count === 0) return;
    const src = this.sources.get(sourceId);
    if (!src) throw new Error(`rollups: source ${sourceId} was not begun`);
    if (src.whole === null) {
      src.held.push({ r, firstId });
      src.heldRows += r.count;
      if (src.heldRows >= WHOLE_SAMPLE) this.decideWhole(sourceId, src);
      return;
    }
    this.rows(sourceId, src, r, firstId);
    this.advance();
  }

  /** Whether rows fed are still held for a whole-second sample (their arrays are still to be read). */
  get holding(): boolean {
    for (const s of this.sources.values()) if (s.held.length > 0) return true;
    return false;
  }

  /** No more rows: everything left goes out. */
  finish(): StreamPassResult {
    for (const id of this.sources.keys()) this.endSource(id);
    this.pass.finish();
    return {
      counted: this.pass.counted, maxDuration: this.pass.maxDuration, recompute: this.recompute.merged(),
      keyLo: this.keyLo, keyHi: this.keyHi,
    };
  }

  /** Whole-second stamps: every one of the source's first WHOLE_SAMPLE stamps is a multiple of 1000. */
  private decideWhole(sourceId: number, src: SourceState): void {
    let frac = -Infinity, seen = 0;
    for (const { r } of src.held) {
      for (let k = 0; k < r.count && seen < WHOLE_SAMPLE; k++, seen++) {
        // (SQLite's % works on integers)
        frac = Math.max(frac, Math.trunc(r.nums[k * ROW_WIDTH + TS]) % 1000);
      }
    }
    src.whole = seen > 0 && frac === 0;
    if (src.whole) this.whole.add(sourceId);
    const held = src.held;
    src.held = [];
    for (const { r, firstId } of held) this.rows(sourceId, src, r, firstId);
    this.advance();
  }

  private text(id: number): string | null {
    if (id !== id) return null;
    let t = this.strings.get(id);
    if (t === undefined) {
      t = this.older.get(id) ?? this.opts.lookup(id);
      if (t === undefined) throw new Error(`rollups: no string ${id}`);
      this.strings.set(id, t);
    }
    return t;
  }

  private rows(sourceId: number, src: SourceState, r: EncodedRequests, firstId: number): void {
    const nums = r.nums;
    const text = Buffer.from(r.text.buffer, r.text.byteOffset, r.text.byteLength);
    let at = 0;
    const series = src.series;
    let flushedUntil = series.flushedUntil;
    let maxRawT = series.maxRawT, maxDur = series.maxDur;
    for (let k = 0, base = 0; k < r.count; k++, base += ROW_WIDTH) {
      if ((k & (ADVANCE_EVERY - 1)) === ADVANCE_EVERY - 1) {
        series.maxRawT = maxRawT;
        series.maxDur = maxDur;
        this.advance();
        flushedUntil = series.flushedUntil;
      }
      // the text values of the row are back to back: find upstream_raw among them
      let upRaw: string | null = null;
      for (let c = 0; c < TEXT_COLUMNS.length; c++) {
        const len = nums[base + TEXT0 + c];
        if (len !== len) continue;
        if (c === UP_RAW) upRaw = text.toString('utf8', at, at + len);
        at += len;
      }
      const ts = nums[base + TS];
      const start = orNull(nums[base + START]);
      const dur = orNull(nums[base + DUR]);
      const rawT = start ?? ts;
      // a row that starts where the stream has written already: those minutes are recomputed
      if (rawT < flushedUntil) this.recompute.add(rawT, flushedUntil);
      if (rawT > maxRawT) maxRawT = rawT;
      if (dur !== null && dur > maxDur) maxDur = dur;
      this.pass.feed(firstId + k, sourceId, ts, start, orNull(nums[base + END]), src.host, orNull(nums[base + STATUS]), orNull(nums[base + BYTES]),
        dur, orNull(nums[base + UP_MS]), this.text(nums[base + ROUTE]) ?? '', this.text(nums[base + UP_ADDR]),
        orNull(nums[base + UP_STATUS]), upRaw, this.text(nums[base + CLIENT]) ?? '');
    }
    series.maxRawT = maxRawT;
    series.maxDur = maxDur;
  }

  /**
   * Each tier and host's watermark trails its latest start by twice its longest request (within
   * MIN_LAG..MAX_LAG): rows of the same server rarely start further back than that. The pass is
   * advanced once the watermark has moved by a quarter of that lag: each advance scans the
   * in-flight events still buffered, so doing it every batch cost more than the sweep itself.
   */
  private advance(): void {
    const lagOf = (x: SeriesState) => Math.min(MAX_LAG, Math.max(MIN_LAG, 2 * x.maxDur + 2000));
    let due = false;
    for (const x of this.series.values()) if (x.maxRawT - lagOf(x) - x.advanced >= lagOf(x) / 4) due = true;
    if (!due) return;
    for (const x of this.series.values()) {
      const until = x.maxRawT - lagOf(x);
      if (until > x.flushedUntil) x.flushedUntil = until;
      x.advanced = x.flushedUntil;
    }
    this.pass.advance(Infinity, (tier, host) => this.series.get(seriesKey(tier, host))?.flushedUntil ?? -Infinity);
  }

  /**
   * Keys before the end of a tier and host's earlier data are not written (earlier rows count
   * there too) but recomputed at the end.
   */
  private keyFilter(sink: RollupSink): RollupSink {
    const keep = (tier: string, host: string, t: number): boolean => {
      if (t < this.keyLo) this.keyLo = t;
      if (t > this.keyHi) this.keyHi = t;
      const hi = this.opts.oldHi.get(seriesKey(tier, host));
      if (hi === undefined || t >= hi) return true;
      this.recompute.add(t, t + 1);
      return false;
    };
    return {
      second: (tier, host, t, x) => { if (keep(tier, host, t)) sink.second(tier, host, t, x); },
      minute: (tier, host, t, route, m) => { if (keep(tier, host, t)) sink.minute(tier, host, t, route, m); },
      upstream: (tier, host, t, addr, u) => { if (keep(tier, host, t)) sink.upstream(tier, host, t, addr, u); },
      inflight: (tier, host, up, t, o) => { if (keep(tier, host, t)) sink.inflight(tier, host, up, t, o); },
      largest: (tier, host, t, id, bytes) => { if (keep(tier, host, t)) sink.largest(tier, host, t, id, bytes); },
      route10: (tier, t, host, route, x) => { if (keep(tier, host, t)) sink.route10(tier, t, host, route, x); },
      upstream10: (tier, t, host, addr, u) => { if (keep(tier, host, t)) sink.upstream10(tier, t, host, addr, u); },
      clients: (grain, tier, t, host, kept, left, n, e, top) => { if (keep(tier, host, t)) sink.clients(grain, tier, t, host, kept, left, n, e, top); },
      sparse: (tier, t, host) => { if (keep(tier, host, t)) sink.sparse(tier, t, host); },
      trafficMinute: (tier, host, t, m) => { if (keep(tier, host, t)) sink.trafficMinute(tier, host, t, m); },
      inflightMinute: (tier, host, up, t, peak, o) => { if (keep(tier, host, t)) sink.inflightMinute(tier, host, up, t, peak, o); },
    };
  }
}
