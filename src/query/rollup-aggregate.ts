// One pass over request rows in log order -> the per-second, per-status, per-minute, per-upstream
// and in-flight rollup rows (src/query/rollups.ts decides which rows to feed, feeds them and
// deletes what it replaces), and the rollups v2 rows (per 10 s routes and upstreams, bounded
// per-client counts: rollup-fine.ts), which are written through `sink` as their minutes finish
// instead of at the end.
//
// Built for 10M rows: rows arrive as plain arguments (no row objects), aggregates are found
// through small integer-keyed maps with a one-entry cache (consecutive rows share a second), the
// upstream list is parsed without building objects (upstream-attempts.ts), and the in-flight
// sweep (inflight.ts) is streamed: events before a watermark (no later row can start before it)
// are swept and dropped, so memory follows the concurrency and the time span, not the row count.
//
// The results are the same, value for value, as the straightforward version kept in
// test/query/rollups-reference.ts: the same stamp spreading (stamp-spread.ts), the same upstream
// attempts (upstream-attempts.ts), the same sweep (inflight.ts), and sums added in the same order.
import { Histogram, Occupancy } from './histogram.js';
import { FineSeries, type FineSink } from './rollup-fine.js';
import { isSparseMinute } from './sparse.js';
import { MinuteSpans, type SpanSink } from './rollup-span.js';
import { attAddr, attMs, attStatus, parseAttempts } from './upstream-attempts.js';
// (named Sweep here, as before the sweep had a module of its own)
import { InflightSweep as Sweep, attemptSpans, spanFrom, spanUntil } from './inflight.js';

const SEP = '\u001f';

export interface Second {
  requests: number; s: number[]; bytes: number;
  durN: number; durSum: number; durMax: number | null; dur: Histogram;
  upN: number; upSum: number; up: Histogram;
  done: number; doneH: Histogram;
  statuses: Map<number, number>;
}

export interface Upstream {
  attempts: number; failed: number; timeouts: number; retried: number;
  n: number; sum: number; max: number | null; h: Histogram; first: number; last: number;
}

export interface Minute {
  requests: number; s4xx: number; s5xx: number;
  bytes: number; bytesMax: number | null; bytesH: Histogram;
  durN: number; durSum: number; durMin: number | null; durMax: number | null; dur: Histogram;
  upN: number; upSum: number; upMin: number | null; upMax: number | null; up: Histogram;
  first: number; last: number;
}

/** responses kept per minute, tier and host in rollup_largest: the oversized report's largest */
export const LARGEST_KEPT = 100;

/**
 * A minute's LARGEST_KEPT largest responses, in the oversized report's order (bytes descending,
 * then id): a heap whose root is the one that would go first. The set kept does not depend on the
 * order rows come in, so a range rebuilt and a stream give the same rows.
 */
export class Largest {
  ids: number[] = [];
  bytes: number[] = [];

  /** i ranks after j */
  private worse(i: number, j: number): boolean {
    const bi = this.bytes[i], bj = this.bytes[j];
    return bi < bj || (bi === bj && this.ids[i] > this.ids[j]);
  }

  private swap(i: number, j: number): void {
    const id = this.ids[i], b = this.bytes[i];
    this.ids[i] = this.ids[j]; this.bytes[i] = this.bytes[j];
    this.ids[j] = id; this.bytes[j] = b;
  }

  add(id: number, bytes: number): void {
    const n = this.ids.length;
    if (n < LARGEST_KEPT) {
      this.ids.push(id); this.bytes.push(bytes);
      for (let i = n; i > 0;) {
        const p = (i - 1) >> 1;
        if (!this.worse(i, p)) break;
        this.swap(i, p);
        i = p;
      }
      return;
    }
    const rb = this.bytes[0];
    if (bytes < rb || (bytes === rb && id > this.ids[0])) return; // (the usual case: one comparison)
    this.ids[0] = id; this.bytes[0] = bytes;
    for (let i = 0; ;) {
      const l = 2 * i + 1, r = l + 1;
      let w = i;
      if (l < n && this.worse(l, w)) w = l;
      if (r < n && this.worse(r, w)) w = r;
      if (w === i) break;
      this.swap(i, w);
      i = w;
    }
  }
}

interface MinuteBucket { routes: Map<string, Minute>; ups: Map<string, Upstream>; largest: Largest }

/**
 * Where the rollups v1 rows go as they become final (src/query/rollups.ts: INSERTs): one second
 * (rollup_second and its rollup_status rows), one minute of a route or an upstream, one second of
 * an in-flight series ('' = all requests); and (SpanSink, rollup-span.ts) the minutes of those
 * seconds.
 */
export interface V1Sink extends SpanSink {
  second(tier: string, host: string, t: number, x: Second): void;
  minute(tier: string, host: string, t: number, route: string, m: Minute): void;
  upstream(tier: string, host: string, t: number, addr: string, u: Upstream): void;
  inflight(tier: string, host: string, upstream: string, t: number, o: Occupancy): void;
  /** one of a minute's largest responses (rollup_largest) */
  largest(tier: string, host: string, t: number, id: number, bytes: number): void;
}

export type RollupSink = V1Sink & FineSink;

/** Per tier and host: its seconds, minutes and in-flight series. */
interface Series {
  tier: string; host: string;
  seconds: Map<number, Second>; lastSec: number; lastSecond: Second | null;
  minutes: Map<number, MinuteBucket>; lastMin: number; lastMinute: MinuteBucket | null;
  all: Sweep; perUpstream: Map<string, Sweep>;
  /** rollups v2: 10 s routes/upstreams and clients, flushed minute by minute */
  fine: FineSeries;
  /** the minutes of the seconds and in-flight seconds written (rollup-span.ts) */
  spans: MinuteSpans;
}

const min = (a: number | null, b: number) => (a === null || b < a ? b : a);
const max = (a: number | null, b: number) => (a === null || b > a ? b : a);

// ---- rows held back while their whole-second stamp is spread (correlate/stamp-spread.ts):
// one array per field, reused from group to group
class Group {
  n = 0;
  ts = 0;
  start: Array<number | null> = []; end: Array<number | null> = []; host: string[] = [];
  status: Array<number | null> = []; bytes: Array<number | null> = []; dur: Array<number | null> = [];
  upMs: Array<number | null> = []; route: string[] = []; upAddr: Array<string | null> = [];
  upStatus: Array<number | null> = []; upRaw: Array<string | null> = []; client: string[] = [];
  /** the earliest coalesce(start, ts) held */
  first = Infinity;
  /** the tier and host of the group's rows, and whether some row had another (it bounds them all) */
  series: Series | null = null;
  mixed = false;
}

export interface RollupPassOptions {
  /** the range being rebuilt: rows contribute to it only (±Infinity for all) */
  lo: number; hi: number;
  /** sources whose stamps are whole seconds (correlate/stamp-spread.ts wholeSecondSources) */
  whole: Set<number>;
  tierOf: (source: number) => string;
  /** where the rows go as their seconds and minutes become final (rollups v2: rollup-fine.ts) */
  sink: RollupSink;
  /** clients kept per 10 s / minute bucket (rollup-fine.ts CLIENTS_KEPT) */
  clientsKept: number;
  /** distinct clients counted exactly per bucket (rollup-fine.ts CLIENTS_COUNTED; tests lower it) */
  clientsCounted?: number;
}

export class RollupPass {
  /** requests counted in a second of the range */
  counted = 0;
  /** rows fed (in the range or not) */
  fed = 0;
  /** the longest duration_ms fed (0 if none) */
  maxDuration = 0;
  private series = new Map<string, Series>();
  private lastSource = -1;
  private lastHost = '';
  private lastSeries: Series | null = null;
  private groups = new Map<number, Group>();
  private spare: Group[] = [];
  private readonly lo: number;
  private readonly hi: number;

  constructor(private opts: RollupPassOptions) {
    this.lo = opts.lo;
    this.hi = opts.hi;
  }

  /** One row, in log (id) order. */
  feed(id: number, source: number, ts: number, start: number | null, end: number | null, host: string, status: number | null,
    bytes: number | null, dur: number | null, upMs: number | null, route: string, upAddr: string | null,
    upStatus: number | null, upRaw: string | null, client: string): void {
    this.fed++;
    if (dur !== null && dur > this.maxDuration) this.maxDuration = dur;
    // the largest responses count where the minute rollups do (the start as stored), spread or not
    const rawT = start ?? ts;
    if (bytes !== null && rawT >= this.lo && rawT < this.hi) {
      this.minute(this.seriesOf(source, host), Math.floor(rawT / 60_000) * 60_000).largest.add(id, bytes);
    }
    const endStamped = end !== null && end === ts;
    if (!endStamped || !this.opts.whole.has(source)) {
      this.emit(source, ts, start, end, host, status, bytes, dur, upMs, route, upAddr, upStatus, upRaw, client, start, end);
      return;
    }
    let g = this.groups.get(source);
    if (g && g.ts !== ts) {
      this.flushGroup(source);
      g = undefined;
    }
    if (!g) {
      g = this.spare.pop() ?? new Group();
      g.ts = ts;
      g.series = this.seriesOf(source, host);
      this.groups.set(source, g);
    } else if (!g.mixed && g.series !== this.seriesOf(source, host)) {
      g.mixed = true;
    }
    const k = g.n++;
    g.start[k] = start; g.end[k] = end; g.host[k] = host; g.status[k] = status; g.bytes[k] = bytes; g.dur[k] = dur;
    g.upMs[k] = upMs; g.route[k] = route; g.upAddr[k] = upAddr; g.upStatus[k] = upStatus; g.upRaw[k] = upRaw; g.client[k] = client;
    const raw = start ?? ts;
    if (raw < g.first) g.first = raw;
  }

  /** The held whole-second groups with a row that starts before `t`: their source and stamp. */
  groupsBefore(t: number): Array<{ source: number; ts: number }> {
    const out: Array<{ source: number; ts: number }> = [];
    for (const [source, g] of this.groups) if (g.first < t) out.push({ source, ts: g.ts });
    return out;
  }

  /**
   * The earliest time any row of series `s` still to be emitted can start at: rows held in a
   * group, and (from the caller) rows not fed yet. Events before it are final.
   */
  private pendingStart(s: Series): number {
    let m = Infinity;
    for (const g of this.groups.values()) if ((g.series === s || g.mixed) && g.first < m) m = g.first;
    return m;
  }

  /**
   * Sweep the in-flight events that are final and write out every second and minute no row still
   * to come can change: `notBefore` is the earliest coalesce(start_ts, ts) of the rows not fed yet
   * (a row's refined start is never before it, and its end never before its start); `limitOf`,
   * when given, lowers it per tier and host. Writing as the pass goes keeps memory to the seconds
   * and minutes in flight, however long the log.
   */
  advance(notBefore: number, limitOf?: (tier: string, host: string) => number): void {
    const sink = this.opts.sink;
    for (const s of this.series.values()) {
      const until = Math.floor(Math.min(notBefore, limitOf ? limitOf(s.tier, s.host) : Infinity, this.pendingStart(s)));
      s.all.advance(until, this.lo, this.hi);
      for (const u of s.perUpstream.values()) u.advance(until, this.lo, this.hi);
      s.fine.flush(until, sink, this.opts.clientsKept);
      this.flushSeries(s, until);
    }
  }

  /** No more rows: spread the held groups, sweep everything and write out what is left. */
  finish(): void {
    for (const source of [...this.groups.keys()]) this.flushGroup(source);
    this.advance(Infinity);
  }

  /** Write and forget the seconds, minutes and in-flight seconds that end by `until`. */
  private flushSeries(s: Series, until: number): void {
    const { tier, host } = s;
    const sink = this.opts.sink;
    for (const [t, x] of s.seconds) {
      if (t + 1000 > until) continue;
      sink.second(tier, host, t, x);
      s.spans.second(t, x);
      s.seconds.delete(t);
    }
    if (s.lastSec + 1000 <= until) { s.lastSec = NaN; s.lastSecond = null; }
    for (const [t, b] of s.minutes) {
      if (t + 60_000 > until) continue;
      for (const [route, m] of b.routes) sink.minute(tier, host, t, route, m);
      for (const [addr, u] of b.ups) sink.upstream(tier, host, t, addr, u);
      // (a sparse minute's largest are read from its requests: sparse.ts; its requests, counted
      // as FineSeries counts them for the same decision, are those of its routes)
      let requests = 0;
      for (const m of b.routes.values()) requests += m.requests;
      const big = b.largest;
      if (!isSparseMinute(requests)) for (let i = 0; i < big.ids.length; i++) sink.largest(tier, host, t, big.ids[i], big.bytes[i]);
      s.minutes.delete(t);
    }
    if (s.lastMin + 60_000 <= until) { s.lastMin = NaN; s.lastMinute = null; }
    s.all.flush(until, (t, o) => { sink.inflight(tier, host, '', t, o); s.spans.inflightSecond('', t, o, sink); });
    // (per upstream: no minutes, rollup-span.ts)
    for (const [addr, u] of s.perUpstream) u.flush(until, (t, o) => sink.inflight(tier, host, addr, t, o));
    s.spans.flush(until, sink);
  }

  private flushGroup(source: number): void {
    const g = this.groups.get(source);
    this.groups.delete(source);
    if (!g) return;
    const m = g.n, ts = g.ts;
    for (let k = 0; k < m; k++) {
      const end = ts + Math.floor(((k + 0.5) / m) * 1000);
      const dur = g.end[k]! - (g.start[k] ?? g.end[k]!);
      this.emit(source, ts, g.start[k], g.end[k], g.host[k], g.status[k], g.bytes[k], g.dur[k], g.upMs[k], g.route[k],
        g.upAddr[k], g.upStatus[k], g.upRaw[k], g.client[k], end - dur, end);
      g.upRaw[k] = null; // let the strings go
    }
    g.n = 0;
    g.first = Infinity;
    g.series = null;
    g.mixed = false;
    this.spare.push(g);
  }

  private seriesOf(source: number, host: string): Series {
    if (source === this.lastSource && host === this.lastHost && this.lastSeries) return this.lastSeries;
    const tier = this.opts.tierOf(source);
    const key = tier + SEP + host;
    let s = this.series.get(key);
    if (!s) {
      s = {
        tier, host, seconds: new Map(), lastSec: NaN, lastSecond: null, minutes: new Map(), lastMin: NaN, lastMinute: null,
        all: new Sweep(), perUpstream: new Map(), fine: new FineSeries(tier, host, this.opts.clientsCounted),
        spans: new MinuteSpans(tier, host),
      };
      this.series.set(key, s);
    }
    this.lastSource = source;
    this.lastHost = host;
    this.lastSeries = s;
    return s;
  }

  private second(s: Series, sec: number): Second {
    if (sec === s.lastSec && s.lastSecond) return s.lastSecond;
    let x = s.seconds.get(sec);
    if (!x) {
      x = {
        requests: 0, s: [0, 0, 0, 0, 0], bytes: 0, durN: 0, durSum: 0, durMax: null, dur: new Histogram(),
        upN: 0, upSum: 0, up: new Histogram(), done: 0, doneH: new Histogram(), statuses: new Map(),
      };
      s.seconds.set(sec, x);
    }
    s.lastSec = sec;
    s.lastSecond = x;
    return x;
  }

  private minute(s: Series, minute: number): MinuteBucket {
    if (minute === s.lastMin && s.lastMinute) return s.lastMinute;
    let b = s.minutes.get(minute);
    if (!b) s.minutes.set(minute, (b = { routes: new Map(), ups: new Map(), largest: new Largest() }));
    s.lastMin = minute;
    s.lastMinute = b;
    return b;
  }

  /** A row with its refined start and end (the stamp spread), into every aggregate. */
  private emit(source: number, ts: number, rowStart: number | null, rowEnd: number | null, host: string, status: number | null,
    bytes: number | null, dur: number | null, upMs: number | null, route: string, upAddr: string | null,
    upStatus: number | null, upRaw: string | null, client: string, start: number | null, end: number | null): void {
    const lo = this.lo, hi = this.hi;
    const s = this.seriesOf(source, host);
    const t = start ?? ts;
    const e = end ?? ts;
    if (e >= lo && e < hi) {
      // the request ended in this second
      const x = this.second(s, Math.floor(e / 1000) * 1000);
      x.done++;
      if (dur !== null) { x.doneH.add(dur); s.spans.at(e).doneH.add(dur); }
    }
    const n = parseAttempts(upRaw, upAddr, upStatus, upMs);
    const rawT = rowStart ?? ts;
    if (t >= lo && t < hi) {
      this.counted++;
      const x = this.second(s, Math.floor(t / 1000) * 1000);
      x.requests++;
      const cls = status !== null ? Math.floor(status / 100) : 0;
      if (cls >= 1 && cls <= 5) x.s[cls - 1]++;
      if (bytes !== null) x.bytes += bytes;
      if (dur !== null) { x.durN++; x.durSum += dur; x.durMax = max(x.durMax, dur); x.dur.add(dur); }
      if (upMs !== null) { x.upN++; x.upSum += upMs; x.up.add(upMs); }
      // (the minute's histograms value by value: merging each second's was ~10 % of the pass on a day)
      if (dur !== null || upMs !== null) {
        const m = s.spans.at(t);
        if (dur !== null) m.dur.add(dur);
        if (upMs !== null) m.up.add(upMs);
      }
      const sk = status ?? 0;
      x.statuses.set(sk, (x.statuses.get(sk) ?? 0) + 1);
    }
    if (rawT >= lo && rawT < hi) {
      this.addMinute(s, rawT, ts, status, bytes, dur, upMs, route, n);
      s.fine.add(rawT, ts, status, dur, route, client, n, attAddr, attStatus, attMs);
    }
    s.all.add(start, end);
    if (start === null) return;
    // per upstream: each attempt in turn, from the request's start (inflight.ts attemptSpans)
    attemptSpans(start, end, n, attMs);
    for (let i = 0; i < n; i++) {
      // an upstream named '' shares the "all requests" series, as it always has (same key)
      let u = attAddr[i] === '' ? s.all : s.perUpstream.get(attAddr[i]);
      if (!u) s.perUpstream.set(attAddr[i], (u = new Sweep()));
      u.add(spanFrom[i], spanUntil[i]);
    }
  }

  private addMinute(s: Series, rawT: number, ts: number, status: number | null, bytes: number | null,
    dur: number | null, upMs: number | null, route: string, attempts: number): void {
    const cls = status !== null ? Math.floor(status / 100) : 0;
    // per-minute rows use the start as stored, so that reports can add the raw rows of partial
    // minutes at a range's edges with the same attribution and count every request once
    const b = this.minute(s, Math.floor(rawT / 60_000) * 60_000);
    let m = b.routes.get(route);
    if (!m) {
      m = {
        requests: 0, s4xx: 0, s5xx: 0, bytes: 0, bytesMax: null, bytesH: new Histogram(),
        durN: 0, durSum: 0, durMin: null, durMax: null, dur: new Histogram(),
        upN: 0, upSum: 0, upMin: null, upMax: null, up: new Histogram(), first: ts, last: ts,
      };
      b.routes.set(route, m);
    }
    m.requests++;
    if (cls === 4) m.s4xx++;
    if (cls === 5) m.s5xx++;
    if (bytes !== null) { m.bytes += bytes; m.bytesMax = max(m.bytesMax, bytes); m.bytesH.add(bytes); }
    if (dur !== null) { m.durN++; m.durSum += dur; m.durMin = min(m.durMin, dur); m.durMax = max(m.durMax, dur); m.dur.add(dur); }
    if (upMs !== null) { m.upN++; m.upSum += upMs; m.upMin = min(m.upMin, upMs); m.upMax = max(m.upMax, upMs); m.up.add(upMs); }
    if (ts < m.first) m.first = ts;
    if (ts > m.last) m.last = ts;
    for (let i = 0; i < attempts; i++) {
      let u = b.ups.get(attAddr[i]);
      if (!u) {
        u = { attempts: 0, failed: 0, timeouts: 0, retried: 0, n: 0, sum: 0, max: null, h: new Histogram(), first: ts, last: ts };
        b.ups.set(attAddr[i], u);
      }
      const st = attStatus[i], ms = attMs[i];
      u.attempts++;
      if (st === null || st >= 500) u.failed++; // attemptFailed()
      if (st === 504) u.timeouts++;
      if (i < attempts - 1) u.retried++;
      if (ms !== null) { u.n++; u.sum += ms; u.max = max(u.max, ms); u.h.add(ms); }
      if (ts < u.first) u.first = ts;
      if (ts > u.last) u.last = ts;
    }
  }
}
