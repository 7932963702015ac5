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

export function binOf(v: number): number {
  if (!(v >= 0.001)) return 0;
  return 1 + Math.floor(BINS_PER_DOUBLING * Math.log2(v * 1000));
}

export function binValue(bin: number): number {
  if (bin <= 0) return 0;
  return Math.pow(2, (bin - 1 + 0.5) / BINS_PER_DOUBLING) / 1000;
}

export class Histogram {
  counts = new Map<number, number>();
  n = 0;
  min = Infinity;
  max = -Infinity;

  add(v: number, count = 1): void {
    if (!Number.isFinite(v)) return;
    const b = binOf(v);
    this.counts.set(b, (this.counts.get(b) ?? 0) + count);
    this.n += count;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  merge(text: string): void {
    const [lo, hi, body] = text.split('|');
    if (!body) return;
    for (const pair of body.split(',')) {
      const c = pair.indexOf(':');
      const b = Number(pair.slice(0, c));
      const k = Number(pair.slice(c + 1));
      this.counts.set(b, (this.counts.get(b) ?? 0) + k);
      this.n += k;
    }
    const a = Number(lo), z = Number(hi);
    if (a < this.min) this.min = a;
    if (z > this.max) this.max = z;
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
    const tb = binOf(threshold);
    let k = 0;
    for (const [b, c] of this.counts) if (b > tb) k += c;
    return k;
  }

  private valueAtRank(r: number): number {
    let seen = 0;
    for (const b of [...this.counts.keys()].sort((x, y) => x - y)) {
      seen += this.counts.get(b)!;
      if (seen > r) return binValue(b);
    }
    return this.max;
  }

  toText(): string | null {
    if (this.n === 0) return null;
    const bins = [...this.counts.keys()].sort((x, y) => x - y);
    return `${this.min}|${this.max}|${bins.map((b) => `${b}:${this.counts.get(b)}`).join(',')}`;
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
