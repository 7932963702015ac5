// Log-bucketed histograms, so rollups can answer percentiles without keeping every value.
//
// A value v lands in bin 0 when v < 0.001, else in bin 1 + floor(16 * log2(v * 1000)): sixteen
// bins per doubling from 0.001 up (0.001 ms = 1 µs for durations, 0.001 byte for sizes). A
// percentile read back from a bin is the bin's geometric midpoint, so it is within
// 2^(1/32) - 1 = 2.2 % of the exact value; min and max are kept exactly and clamp the answer.
//
// Text form (what the rollup tables store, readable in `overload query`):
//   "<min>|<max>|<bin>:<count>,<bin>:<count>,..."   bins ascending

export const BINS_PER_DOUBLING = 16;
/** the largest relative error of a percentile read from a histogram */
export const HIST_RELATIVE_ERROR = Math.pow(2, 1 / (2 * BINS_PER_DOUBLING)) - 1;

function computeBin(v: number): number {
  if (!(v >= 0.001)) return 0;
  return 1 + Math.floor(BINS_PER_DOUBLING * Math.log2(v * 1000));
}

/** binOf of the integers 0..SMALL-1, filled on first use (-1 = not yet): most values are whole ms or bytes. */
const SMALL = 1 << 16;
const smallBins = new Int16Array(SMALL).fill(-1);

export function binOf(v: number): number {
  if ((v & (SMALL - 1)) === v) {
    const b = smallBins[v];
    return b >= 0 ? b : (smallBins[v] = computeBin(v));
  }
  return computeBin(v);
}

export function binValue(bin: number): number {
  if (bin <= 0) return 0;
  return Math.pow(2, (bin - 1 + 0.5) / BINS_PER_DOUBLING) / 1000;
}

/** Bins 0..MAX_BIN: 16 per doubling from 0.001 covers values up to ~10^15 (bytes or ms). */
const MAX_BIN = 1000;

/** counts of a histogram with no value yet: shared, never written (slot() replaces it first) */
const NO_COUNTS: number[] = [];

export class Histogram {
  /**
   * Counts of bins base .. base + counts.length - 1, grown on demand: rollups hold hundreds of
   * thousands of small histograms while they are built, and merging is the hot path of reports.
   * A plain array, started 4 bins wide: on a log of a few requests a second most rollup
   * histograms hold one or two values. A Float64Array of 48 bins (what this was) lives outside
   * V8's heap, and allocating and sweeping one per histogram cost the rollup worker about as
   * much garbage collection as all its other work (a day-long log: ~5 histograms per request).
   */
  private counts: number[] = NO_COUNTS;
  private base = 0;
  n = 0;
  min = Infinity;
  max = -Infinity;

  private slot(b: number): number {
    const counts = this.counts;
    const len = counts.length;
    if (len === 0) {
      this.base = Math.max(0, b - 1);
      this.counts = [0, 0, 0, 0];
    } else if (b < this.base || b >= this.base + len) {
      // grow to at least twice the width, so a spread-out histogram is copied O(log n) times
      const lo = Math.max(0, Math.min(this.base - (len >> 1), b - 2));
      const hi = Math.max(this.base + len + (len >> 1), b + 3);
      const next: number[] = [];
      for (let i = lo; i < hi; i++) next.push(0);
      for (let i = 0, at = this.base - lo; i < len; i++) next[at + i] = counts[i];
      this.counts = next;
      this.base = lo;
    }
    return b - this.base;
  }

  add(v: number, count = 1): void {
    if (!Number.isFinite(v)) return;
    const i = this.slot(Math.min(MAX_BIN, binOf(v))); // first: slot() may replace this.counts
    this.counts[i] += count;
    this.n += count;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  /** Merge a histogram's text form, parsed by hand (no split/Number per pair: it runs per row). */
  merge(text: string): void {
    const p1 = text.indexOf('|');
    const p2 = text.indexOf('|', p1 + 1);
    if (p1 < 0 || p2 < 0 || p2 === text.length - 1) return;
    const a = Number(text.slice(0, p1)), z = Number(text.slice(p1 + 1, p2));
    if (a < this.min) this.min = a;
    if (z > this.max) this.max = z;
    let bin = 0, num = 0, inCount = false;
    for (let i = p2 + 1; i <= text.length; i++) {
      const c = i < text.length ? text.charCodeAt(i) : 44;
      if (c === 58) { bin = num; num = 0; inCount = true; } // ':'
      else if (c === 44) { // ','
        if (inCount) {
          const at = this.slot(Math.min(MAX_BIN, bin));
          this.counts[at] += num;
          this.n += num;
        }
        num = 0; inCount = false;
      } else num = num * 10 + (c - 48);
    }
  }

  /**
   * Merge another histogram as it is: the same result as merge(other.toText()) (a text keeps min,
   * max and every bin exactly) without writing and parsing the text (the spike detector merges a
   * window's per-second histograms it has already parsed).
   */
  mergeHistogram(other: Histogram): void {
    if (other.n === 0) return;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
    const counts = other.counts;
    for (let i = 0; i < counts.length; i++) {
      const c = counts[i];
      if (!c) continue;
      const at = this.slot(Math.min(MAX_BIN, i + other.base));
      this.counts[at] += c;
      this.n += c;
    }
  }

  /** Percentile by the same rank rule as the exact aggregate (linear between closest ranks). */
  percentile(p: number): number | null {
    if (this.n === 0) return null;
    if (p <= 0) return this.min;
    if (p >= 100) return this.max;
    const rank = (p / 100) * (this.n - 1);
    const lo = this.valueAtRank(Math.floor(rank));
    const hi = this.valueAtRank(Math.ceil(rank));
    const v = lo + (hi - lo) * (rank - Math.floor(rank));
    return Math.min(this.max, Math.max(this.min, v));
  }

  /** How many values are above `threshold` (counted by bin: a bin straddling it counts as above). */
  countAbove(threshold: number): number {
    let k = 0;
    for (let i = Math.max(0, binOf(threshold) + 1 - this.base); i < this.counts.length; i++) k += this.counts[i];
    return k;
  }

  private valueAtRank(r: number): number {
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i];
      if (seen > r) return binValue(i + this.base);
    }
    return this.max;
  }

  toText(): string | null {
    if (this.n === 0) return null;
    const parts: string[] = [];
    for (let i = 0; i < this.counts.length; i++) if (this.counts[i]) parts.push(`${i + this.base}:${this.counts[i]}`);
    return `${this.min}|${this.max}|${parts.join(',')}`;
  }

  static from(text: string | null | undefined): Histogram {
    const h = new Histogram();
    if (text) h.merge(text);
    return h;
  }
}

// Occupancy histograms: for each in-flight level, the milliseconds spent at it. Exact (no
// binning): levels are integers. Text form: "<level>:<ms>,<level>:<ms>,...".
export class Occupancy {
  ms = new Map<number, number>();

  add(level: number, ms: number): void {
    if (ms > 0) this.ms.set(level, (this.ms.get(level) ?? 0) + ms);
  }

  merge(text: string): void {
    for (const pair of text.split(',')) {
      const c = pair.indexOf(':');
      if (c > 0) this.add(Number(pair.slice(0, c)), Number(pair.slice(c + 1)));
    }
  }

  totalMs(): number {
    let t = 0;
    for (const v of this.ms.values()) t += v;
    return t;
  }

  peak(): number {
    let p = 0;
    for (const l of this.ms.keys()) if (l > p) p = l;
    return p;
  }

  /** Time-weighted mean level over `spanMs` (time not covered counts as level 0). */
  mean(spanMs: number): number {
    let s = 0;
    for (const [l, t] of this.ms) s += l * t;
    return spanMs > 0 ? s / spanMs : 0;
  }

  /** The level that the in-flight count stayed at or below for p % of `spanMs`. */
  percentile(p: number, spanMs: number): number {
    const covered = this.totalMs();
    let acc = Math.max(0, spanMs - covered); // uncovered time is level 0
    const target = (p / 100) * spanMs;
    if (acc >= target && target < spanMs) return 0;
    for (const l of [...this.ms.keys()].sort((a, b) => a - b)) {
      acc += this.ms.get(l)!;
      if (acc >= target) return l;
    }
    return this.peak();
  }

  /** Milliseconds during which more than `limit` requests were in flight. */
  msAbove(limit: number): number {
    let t = 0;
    for (const [l, ms] of this.ms) if (l > limit) t += ms;
    return t;
  }

  toText(): string | null {
    if (this.ms.size === 0) return null;
    return [...this.ms.keys()].sort((a, b) => a - b).map((l) => `${l}:${Math.round(this.ms.get(l)! * 1000) / 1000}`).join(',');
  }
}
