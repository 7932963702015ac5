// Requests in flight, reconstructed exactly from every request's [start_ts, end_ts) interval
// with a sweep: +1 at each start, -1 at each end, in time order. The result is, per second,
// how many milliseconds were spent at each in-flight level (an Occupancy), from which the peak,
// any time-weighted percentile, the mean and "time above N" follow without estimation.
//
// A request that ends at the instant another starts does not overlap it (ends sort first), and
// a request with no duration (start unknown) takes no part: it occupied no measurable time.
import { Occupancy } from './histogram.js';

/** A growable list of numbers in one typed array (millions of intervals, little memory). */
class NumberList {
  data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

export class InflightSweep {
  private points = new Map<string, NumberList>();

  constructor(private sliceMs = 1000) {}

  /** Record one request under `key` ('' is the conventional key for "all requests"). */
  add(key: string, start: number | null, end: number | null): void {
    if (start == null || end == null || !(end > start)) return;
    let list = this.points.get(key);
    if (!list) this.points.set(key, (list = new NumberList()));
    // time * 2 + 1 for a start, * 2 for an end: one numeric sort puts ends before starts at a tie
    list.push(Math.round(start) * 2 + 1);
    list.push(Math.round(end) * 2);
  }

  keys(): string[] {
    return [...this.points.keys()];
  }

  /**
   * Occupancy per slice (slice start ms -> Occupancy) for one key, limited to slices that
   * overlap [lo, hi) when given (incremental rebuilds recompute only the affected seconds).
   */
  occupancy(key: string, lo = -Infinity, hi = Infinity): Map<number, Occupancy> {
    const out = new Map<number, Occupancy>();
    const list = this.points.get(key);
    if (!list) return out;
    const ev = list.data.subarray(0, list.length).sort();
    const slice = this.sliceMs;
    let level = 0;
    let prev = 0;
    for (let i = 0; i < ev.length; i++) {
      const t = Math.floor(ev[i] / 2);
      if (level > 0 && t > prev) {
        const a0 = Math.max(prev, lo);
        const b0 = Math.min(t, hi);
        for (let s = Math.floor(a0 / slice) * slice; s < b0; s += slice) {
          const a = Math.max(a0, s);
          const b = Math.min(b0, s + slice);
          if (b <= a) continue;
          let o = out.get(s);
          if (!o) out.set(s, (o = new Occupancy()));
          o.add(level, b - a);
        }
      }
      level += ev[i] % 2 === 1 ? 1 : -1;
      prev = t;
    }
    return out;
  }
}
