// Requests in flight, reconstructed exactly from intervals with a sweep: +1 at each start, -1 at
// each end, in time order. The result is, per second, how many milliseconds were spent at each
// in-flight level (an Occupancy, histogram.ts), from which the peak, any time-weighted
// percentile, the mean and "time above N" follow without estimation.
//
// This is the one sweep of the code. What varies between its users is given to it, not coded
// again: which interval a request stands for (the whole request, [start, end), or each upstream
// attempt in turn: attemptSpans()), the grouping key (one InflightSweep per series: the rollup
// pass keeps one per tier and host and one per upstream, InflightSweeps groups by any key), and
// when to sweep (the rollup pass streams: advance() and flush() as its watermark moves, so memory
// follows the concurrency, not the row count; a batch caller sweeps everything at once with
// occupancy()).
//
// Times are whole milliseconds (a start or end is rounded): every server logs in ms or coarser,
// and an integer time lets one numeric sort put ends before starts. A request that ends at the
// instant another starts does not overlap it, and a request with no duration (start unknown, or
// end not after start) takes no part: it occupied no measurable time.
import { Occupancy } from './histogram.js';

/** One in-flight series: the events not swept yet, and the sweep's carried state. */
export class InflightSweep {
  private buf = new Float64Array(256);
  private len = 0;
  private level = 0;
  private prev = 0;
  private out = new Map<number, Occupancy>();

  add(start: number | null, end: number | null): void {
    if (start == null || end == null || !(end > start)) return;
    if (this.len + 2 > this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    // time * 2 + 1 for a start, * 2 for an end: one numeric sort puts ends before starts at a tie
    this.buf[this.len++] = Math.round(start) * 2 + 1;
    this.buf[this.len++] = Math.round(end) * 2;
  }

  /**
   * Sweep every buffered event whose time is before `until` (no event still to come is), adding
   * only the time within [lo, hi) (a range rebuilt alone).
   */
  advance(until: number, lo: number, hi: number): void {
    if (this.len === 0) return;
    const limit = until * 2;
    const buf = this.buf, len = this.len;
    // the events to sweep now: their count and value range
    let n = 0, vmin = Infinity, vmax = -Infinity;
    for (let i = 0; i < len; i++) {
      const v = buf[i];
      if (v < limit) { n++; if (v < vmin) vmin = v; if (v > vmax) vmax = v; }
    }
    if (n === 0) return;
    const range = vmax - vmin + 1;
    if (range <= 4 * n + 4096) {
      // dense (the usual case: a chunk of rows covers a stretch of time): count each value
      // instead of sorting; the events of one value are swept together, as the sorted loop
      // would take them one after the other (only the first can add time)
      const counts = scratch(range);
      let keep = 0;
      for (let i = 0; i < len; i++) {
        const v = buf[i];
        if (v < limit) counts[v - vmin]++;
        else buf[keep++] = v;
      }
      this.len = keep;
      for (let j = 0; j < range; j++) {
        const c = counts[j];
        if (c === 0) continue;
        counts[j] = 0;
        const v = vmin + j;
        this.step(Math.floor(v / 2), v % 2 === 1 ? c : -c, lo, hi);
      }
      return;
    }
    const ev = buf.subarray(0, len).sort();
    let i = 0;
    for (; i < ev.length && ev[i] < limit; i++) this.step(Math.floor(ev[i] / 2), ev[i] % 2 === 1 ? 1 : -1, lo, hi);
    if (i > 0) {
      buf.copyWithin(0, i, len);
      this.len = len - i;
    }
  }

  private lastS = NaN;
  private lastO: Occupancy | undefined;

  /**
   * Hand `write` every second that no event still to come can add time to, and forget it. After
   * advance(until) every event before `until` is swept, but the time from the last swept event on
   * is added only when the next one comes: while the level is above zero the seconds from that
   * event's on are still open.
   */
  flush(until: number, write: (t: number, o: Occupancy) => void): void {
    const done = this.level > 0 ? Math.min(until, this.prev) : until;
    for (const [t, o] of this.out) {
      if (t + 1000 > done) continue;
      write(t, o);
      this.out.delete(t);
      if (t === this.lastS) { this.lastS = NaN; this.lastO = undefined; }
    }
  }

  /**
   * Every event swept at once: the occupancy of each second that overlaps [lo, hi) (slice start
   * ms -> Occupancy). For a caller that has all its intervals; the series is empty after it.
   */
  occupancy(lo = -Infinity, hi = Infinity): Map<number, Occupancy> {
    const out = new Map<number, Occupancy>();
    this.advance(Infinity, lo, hi);
    this.flush(Infinity, (t, o) => out.set(t, o));
    return out;
  }

  /** The in-flight level changes by `delta` at time t. */
  private step(t: number, delta: number, lo: number, hi: number): void {
    const level = this.level, prev = this.prev;
    if (level > 0 && t > prev) {
      const a0 = Math.max(prev, lo);
      const b0 = Math.min(t, hi);
      for (let s = Math.floor(a0 / 1000) * 1000; s < b0; s += 1000) {
        const a = Math.max(a0, s);
        const b = Math.min(b0, s + 1000);
        if (b <= a) continue;
        let o = s === this.lastS ? this.lastO : this.out.get(s);
        if (!o) this.out.set(s, (o = new Occupancy()));
        this.lastS = s; this.lastO = o;
        o.add(level, b - a);
      }
    }
    this.level = level + delta;
    this.prev = t;
  }
}

/** A zeroed Int32Array of at least `n` counts, shared (callers leave it zeroed). */
let scratchBuf = new Int32Array(0);
function scratch(n: number): Int32Array {
  if (scratchBuf.length < n) scratchBuf = new Int32Array(Math.max(n, scratchBuf.length * 2));
  return scratchBuf;
}

/** Series by key, swept at once: the grouping variant for callers that hold all their intervals. */
export class InflightSweeps {
  private series = new Map<string, InflightSweep>();

  add(key: string, start: number | null, end: number | null): void {
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = new InflightSweep()));
    s.add(start, end);
  }

  keys(): string[] {
    return [...this.series.keys()];
  }

  /** InflightSweep.occupancy() of one key (none: empty). */
  occupancy(key: string, lo = -Infinity, hi = Infinity): Map<number, Occupancy> {
    return this.series.get(key)?.occupancy(lo, hi) ?? new Map();
  }

  /** The highest level each key held for any time. */
  peaks(): Map<string, number> {
    const out = new Map<string, number>();
    for (const key of this.keys()) {
      let peak = 0;
      for (const o of this.occupancy(key).values()) peak = Math.max(peak, o.peak());
      out.set(key, peak);
    }
    return out;
  }
}

/** Where each attempt of the last attemptSpans() call held its upstream: [spanFrom[i], spanUntil[i]) (reused). */
export const spanFrom: number[] = [];
export const spanUntil: Array<number | null> = [];

/**
 * The upstream-attempt variant of a request's interval. nginx tries upstreams one after the
 * other, so attempt i runs from the request's start plus the times of the attempts before it,
 * for its own time (`ms[i]`, upstream-attempts.ts), never past the request's end; an attempt
 * without a time holds its upstream until the request ends.
 */
export function attemptSpans(start: number, end: number | null, n: number, ms: ArrayLike<number | null>): void {
  let at = start;
  for (let i = 0; i < n; i++) {
    const m = ms[i];
    spanFrom[i] = at;
    spanUntil[i] = m !== null ? Math.min(at + m, end ?? at + m) : end;
    if (m !== null) at += m;
  }
}
