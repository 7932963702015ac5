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

/** the most bytes String(v) takes for a number ("-1.2345678901234567e-308") */
const NUMBER_BYTES = 25;

/** The digits of a non-negative integer below 2^53 into `buf` at `at`; returns where they end. */
function writeDigits(buf: Uint8Array, at: number, v: number): number {
  let digits = 1;
  for (let p = 10; p <= v; p *= 10) digits++;
  const end = at + digits;
  for (let i = end - 1; i >= at; i--) {
    const q = Math.floor(v / 10);
    buf[i] = 48 + (v - 10 * q);
    v = q;
  }
  return end;
}

/** String(v)'s bytes (ASCII) into `buf` at `at`; returns where they end. */
export function writeNumber(buf: Uint8Array, at: number, v: number): number {
  // (whole numbers below 2^53 are digits alone; String() gives anything else its own form)
  if (v >= 0 && v <= Number.MAX_SAFE_INTEGER && Math.floor(v) === v) return writeDigits(buf, at, v);
  const s = String(v);
  for (let i = 0; i < s.length; i++) buf[at + i] = s.charCodeAt(i);
  return at + s.length;
}

/**
 * The p-th percentile of n binned values, linear between the two closest ranks (the exact
 * aggregate's rule, functions.ts percentileOf) and kept within [min, max]; `valueAtRank(r)` is
 * the value of the bin holding the r-th smallest. One rule for a Histogram and for a text read in
 * place (percentileOfText).
 */
function percentileByRank(p: number, n: number, min: number, max: number, valueAtRank: (r: number) => number): number | null {
  if (n === 0) return null;
  if (p <= 0) return min;
  if (p >= 100) return max;
  const rank = (p / 100) * (n - 1);
  const lo = valueAtRank(Math.floor(rank));
  const hi = valueAtRank(Math.ceil(rank));
  const v = lo + (hi - lo) * (rank - Math.floor(rank));
  return Math.min(max, Math.max(min, v));
}

/** counts of a histogram with no value yet, or all its values in one bin: shared, never written (slot() replaces it first) */
const NO_COUNTS: number[] = [];

/** `base` of a histogram whose `counts` holds (bin, count) pairs instead of counts by bin (see `counts`) */
const PAIRS = -1;
/**
 * Pairs give way to the dense form once they take as much room as its array would (2 slots a bin
 * against one a bin of their span); the dense form, when a value outside its array comes, goes
 * back to pairs only if they would take at most a quarter of the array it needs, so that a
 * histogram does not go back and forth between the two at every new bin.
 */
const DENSE_TO_PAIRS = 4;

export class Histogram {
  /**
   * Counts of bins base .. base + counts.length - 1, grown on demand: rollups hold hundreds of
   * thousands of small histograms while they are built, and merging is the hot path of reports.
   * A plain array, started 4 bins wide: on a log of a few requests a second most rollup
   * histograms hold one or two values. A Float64Array of 48 bins (what this was) lives outside
   * V8's heap, and allocating and sweeping one per histogram cost the rollup worker about as
   * much garbage collection as all its other work (a day-long log: ~5 histograms per request).
   *
   * Or, while `base` is PAIRS, (bin, count) pairs by ascending bin, for a histogram fed value by
   * value (the rollup pass's) while they are the smaller form (DENSE_TO_PAIRS). Spread over a wide
   * range (durations of 5 ms and 30 s are ~200 bins apart) a dense array is mostly zeros: the
   * rollup worker's 10 s and minute histograms of an overloaded hour held 11.4 MB of counts
   * (~6,000 arrays of ~240 slots, a heap snapshot of 1M lines of the `mixed` shape), and those of
   * 10M lines of `day` in its incident 12 MB (~7,600 arrays of ~200 slots). Up to eight pairs (the
   * first version) took the first figure to ~3 MB but not the second: the histograms written by
   * 200k lines of `day` that had an array of 64 slots or more had 174 slots, a span of 124 bins and
   * 15 bins with a count, on average. Every other use (merging, reading, a text) takes the dense
   * form first (dense()), so only add() sees pairs.
   */
  private counts: number[] = NO_COUNTS;
  /**
   * While `counts` is NO_COUNTS and n > 0, every value so far is in bin `base` (n of them): no
   * array yet. On a sparse log most histograms of a second (and of a minute and route) hold one
   * value, and their arrays were the largest thing the rollup worker allocated (~16 % of its
   * bytes on 200k week lines), all garbage a minute later.
   */
  private base = 0;
  n = 0;
  min = Infinity;
  max = -Infinity;

  private slot(b: number): number {
    if (this.counts === NO_COUNTS && this.n > 0) {
      // one bin so far: it becomes the array's
      const one = this.base;
      this.base = Math.max(0, one - 1);
      this.counts = [0, 0, 0, 0];
      this.counts[one - this.base] = this.n;
    }
    const counts = this.counts;
    const len = counts.length;
    if (len === 0) {
      this.base = Math.max(0, b - 1);
      this.counts = [0, 0, 0, 0];
    } else if (b < this.base || b >= this.base + len) {
      // grow to at least twice the width, so a spread-out histogram is copied O(log n) times
      const lo = Math.max(0, Math.min(this.base - (len >> 1), b - 2));
      const hi = Math.max(this.base + len + (len >> 1), b + 3);
      // (filled in one go: growing by push() copied the array several times over)
      const next: number[] = new Array<number>(hi - lo).fill(0);
      for (let i = 0, at = this.base - lo; i < len; i++) next[at + i] = counts[i];
      this.counts = next;
      this.base = lo;
    }
    return b - this.base;
  }

  /**
   * Counts of exactly the bins a text holds (its first to its last), for a histogram with none
   * yet: a text's bins are ascending, and growing by doubling as they come left most parsed
   * histograms up to twice as wide as their values (a second of a busy spike spans ~200 bins:
   * the spike report holds 50,000 such seconds at once, and their slack was ~90 MB to collect).
   */
  private fit(text: string, at: number): void {
    let first = 0;
    for (let i = at; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 58) break; // ':'
      first = first * 10 + (c - 48);
    }
    let last = 0;
    const comma = text.lastIndexOf(',');
    for (let i = comma < at ? at : comma + 1; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 58) break;
      last = last * 10 + (c - 48);
    }
    first = Math.max(0, Math.min(MAX_BIN, first));
    last = Math.min(MAX_BIN, last);
    if (!(last >= first)) return;
    const counts: number[] = [];
    for (let i = first; i <= last; i++) counts.push(0);
    this.counts = counts;
    this.base = first;
  }

  add(v: number, count = 1): void {
    if (!Number.isFinite(v)) return;
    this.addBin(Math.min(MAX_BIN, binOf(v)), count);
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  /** `count` values in bin `b` (n, min and max are the caller's, but for n). */
  private addBin(b: number, count: number): void {
    if (this.counts === NO_COUNTS && (this.n === 0 || b === this.base)) {
      this.base = b;
    } else if (this.counts === NO_COUNTS) {
      // a second bin: the one-bin form becomes two pairs (none for a count of 0: the dense form
      // writes no bin that holds none)
      if (count === 0) return;
      if (Math.abs(b - this.base) <= 2) {
        // next to each other: slot()'s first array (4 bins) holds both, no larger than two pairs
        const i = this.slot(b);
        this.counts[i] += count;
      } else {
        this.counts = b < this.base ? [b, count, this.base, this.n] : [this.base, this.n, b, count];
        this.base = PAIRS;
      }
    } else if (this.base === PAIRS) {
      this.addPair(b, count);
    } else if (count > 0 && (b < this.base || b >= this.base + this.counts.length) && this.repair(b)) {
      this.addPair(b, count);
    } else {
      const i = this.slot(b); // first: slot() may replace this.counts
      this.counts[i] += count;
    }
    this.n += count;
  }

  private addPair(b: number, count: number): void {
    const pairs = this.counts;
    // (binary search: the bins are ascending)
    let lo = 0, hi = pairs.length >> 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pairs[2 * mid] < b) lo = mid + 1;
      else hi = mid;
    }
    const i = 2 * lo;
    if (i < pairs.length && pairs[i] === b) { pairs[i + 1] += count; return; }
    if (count === 0) return;
    // (by hand: splice() allocates the array of what it removed, none here, on every call:
    // ~5 % of the rollup pass's allocation on a sparse log)
    pairs.push(0, 0);
    for (let j = pairs.length - 1; j > i + 1; j--) pairs[j] = pairs[j - 2];
    pairs[i] = b;
    pairs[i + 1] = count;
    // as large as the dense array (its span and a bin of room each side, unpair()): that instead
    if (pairs.length >= pairs[pairs.length - 2] - pairs[0] + 3) this.unpair();
  }

  /**
   * A dense histogram that bin `b` falls outside of back to pairs, when they would take at most a
   * 1 / DENSE_TO_PAIRS of the array it needs; whether it did.
   */
  private repair(b: number): boolean {
    const counts = this.counts;
    let bins = 0, first = b, last = b;
    for (let i = 0; i < counts.length; i++) {
      if (!counts[i]) continue;
      bins++;
      const bin = i + this.base;
      if (bin < first) first = bin;
      if (bin > last) last = bin;
    }
    if (DENSE_TO_PAIRS * 2 * (bins + 1) > last - first + 3) return false;
    const pairs: number[] = [];
    for (let i = 0; i < counts.length; i++) if (counts[i]) pairs.push(i + this.base, counts[i]);
    this.counts = pairs;
    this.base = PAIRS;
    return true;
  }

  /** From pairs to the dense form (a no-op in any other form). */
  private unpair(): void {
    if (this.base !== PAIRS) return;
    const pairs = this.counts;
    const first = pairs[0], last = pairs[pairs.length - 2];
    // (a bin of room on each side, as slot() leaves around a value)
    const lo = Math.max(0, first - 1);
    const counts: number[] = new Array<number>(last + 2 - lo).fill(0);
    for (let i = 0; i < pairs.length; i += 2) counts[pairs[i] - lo] = pairs[i + 1];
    this.counts = counts;
    this.base = lo;
  }

  /** The bins as an array (a histogram of one bin has none until it needs one): for the readers. */
  private dense(): number[] {
    this.unpair();
    if (this.counts === NO_COUNTS && this.n > 0) this.slot(this.base);
    return this.counts;
  }

  /** Merge a histogram's text form, parsed by hand (no split/Number per pair: it runs per row). */
  merge(text: string): void {
    const p1 = text.indexOf('|');
    const p2 = text.indexOf('|', p1 + 1);
    if (p1 < 0 || p2 < 0 || p2 === text.length - 1) return;
    this.unpair();
    const a = Number(text.slice(0, p1)), z = Number(text.slice(p1 + 1, p2));
    if (a < this.min) this.min = a;
    if (z > this.max) this.max = z;
    // (only when it holds nothing: a histogram of one bin has no array either, and its count stays)
    if (this.n === 0) this.fit(text, p2 + 1);
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
    if (other.counts === NO_COUNTS) { this.addBin(other.base, other.n); return; }
    this.unpair();
    const counts = other.dense();
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
    return percentileByRank(p, this.n, this.min, this.max, (r) => this.valueAtRank(r));
  }

  /** How many values are above `threshold` (counted by bin: a bin straddling it counts as above). */
  countAbove(threshold: number): number {
    let k = 0;
    const counts = this.dense();
    for (let i = Math.max(0, binOf(threshold) + 1 - this.base); i < counts.length; i++) k += counts[i];
    return k;
  }

  private valueAtRank(r: number): number {
    let seen = 0;
    const counts = this.dense();
    for (let i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen > r) return binValue(i + this.base);
    }
    return this.max;
  }

  toText(): string | null {
    if (this.n === 0) return null;
    if (this.counts === NO_COUNTS) return `${this.min}|${this.max}|${this.base}:${this.n}`;
    this.unpair();
    const parts: string[] = [];
    for (let i = 0; i < this.counts.length; i++) if (this.counts[i]) parts.push(`${i + this.base}:${this.counts[i]}`);
    return `${this.min}|${this.max}|${parts.join(',')}`;
  }

  /** No value: its text form is NULL. */
  isEmpty(): boolean {
    return this.n === 0;
  }

  /** At least the bytes writeText() takes (a bin's number and count: at most 4 + 1 + 16 + 1; pairs: two elements a bin). */
  textBound(): number {
    return 2 * NUMBER_BYTES + 2 + 22 * Math.max(1, this.counts.length);
  }

  /**
   * toText()'s bytes (ASCII) into `buf` at `at`, which has textBound() bytes free; returns where
   * they end. The rollup worker writes its rows' histograms straight into the rows' buffers: a
   * string per histogram (and one per bin) was a large part of what its pass allocates.
   */
  writeText(buf: Uint8Array, at: number): number {
    at = writeNumber(buf, at, this.min);
    buf[at++] = 124; // '|'
    at = writeNumber(buf, at, this.max);
    buf[at++] = 124;
    if (this.counts === NO_COUNTS) {
      at = writeDigits(buf, at, this.base);
      buf[at++] = 58; // ':'
      return writeNumber(buf, at, this.n);
    }
    if (this.base === PAIRS) {
      const pairs = this.counts;
      for (let i = 0; i < pairs.length; i += 2) {
        if (i > 0) buf[at++] = 44; // ','
        at = writeDigits(buf, at, pairs[i]);
        buf[at++] = 58; // ':'
        at = writeNumber(buf, at, pairs[i + 1]);
      }
      return at;
    }
    const counts = this.counts;
    let first = true;
    for (let i = 0; i < counts.length; i++) {
      const c = counts[i];
      if (!c) continue;
      if (!first) buf[at++] = 44; // ','
      first = false;
      at = writeDigits(buf, at, i + this.base);
      buf[at++] = 58; // ':'
      at = writeNumber(buf, at, c);
    }
    return at;
  }

  static from(text: string | null | undefined): Histogram {
    const h = new Histogram();
    if (text) h.merge(text);
    return h;
  }
}

let scratchLevels = new Float64Array(64);

// Occupancy histograms: for each in-flight level, the milliseconds spent at it. Exact (no
// binning): levels are integers. Text form: "<level>:<ms>,<level>:<ms>,...".
export class Occupancy {
  /**
   * The first level met and its ms inline (when `has`), any other levels in `more`, in the order
   * first met (so sums go in the same order as one Map of every level would take them). On a
   * sparse log most in-flight seconds have one level, and a Map for each was a large part of what
   * the rollup worker allocated: ~2 in-flight seconds per request on 200k week lines.
   */
  private has = false;
  private l0 = 0;
  private t0 = 0;
  private more: Map<number, number> | null = null;

  add(level: number, ms: number): void {
    if (!(ms > 0)) return;
    if (!this.has) { this.has = true; this.l0 = level; this.t0 = 0 + ms; return; }
    // (the same key as a Map's: NaN is NaN, as from a damaged text)
    if (level === this.l0 || (level !== level && this.l0 !== this.l0)) { this.t0 += ms; return; }
    const m = (this.more ??= new Map<number, number>());
    m.set(level, (m.get(level) ?? 0) + ms);
  }

  /**
   * Add another occupancy's time at each level, in the order it met them: what merge(other's
   * text) or a walk of other.ms would add, without a text or a copied Map (the rollup pass
   * merges each in-flight second into its minute).
   */
  addAll(other: Occupancy): void {
    if (!other.has) return;
    this.add(other.l0, other.t0);
    if (other.more) for (const [l, t] of other.more) this.add(l, t);
  }

  /** level -> ms, every level, in the order first met (a copy: for readers, not the hot path) */
  get ms(): Map<number, number> {
    const out = new Map<number, number>();
    if (this.has) out.set(this.l0, this.t0);
    if (this.more) for (const [l, t] of this.more) out.set(l, t);
    return out;
  }

  /** how many levels */
  private get size(): number {
    return this.has ? 1 + (this.more ? this.more.size : 0) : 0;
  }

  merge(text: string): void {
    for (const pair of text.split(',')) {
      const c = pair.indexOf(':');
      if (c > 0) this.add(Number(pair.slice(0, c)), Number(pair.slice(c + 1)));
    }
  }

  totalMs(): number {
    if (!this.has) return 0;
    let t = 0 + this.t0;
    if (this.more) for (const v of this.more.values()) t += v;
    return t;
  }

  peak(): number {
    if (!this.has) return 0;
    let p = this.l0 > 0 ? this.l0 : 0;
    if (this.more) for (const l of this.more.keys()) if (l > p) p = l;
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
    const ms = this.ms;
    for (const l of [...ms.keys()].sort((a, b) => a - b)) {
      acc += ms.get(l)!;
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

  /** No time at any level: its text form is NULL. */
  isEmpty(): boolean {
    return !this.has;
  }

  /** At least the bytes writeText() takes. */
  textBound(): number {
    return this.size * (2 * NUMBER_BYTES + 2);
  }

  /** toText()'s bytes into `buf` at `at` (as Histogram.writeText); returns where they end. */
  writeText(buf: Uint8Array, at: number): number {
    // the levels ascending, in a scratch array: a second has a handful (insertion sort, no
    // allocation), a busy one more (a typed array's sort is numeric)
    if (!this.has) return at;
    const more = this.more;
    if (!more) {
      at = writeNumber(buf, at, this.l0);
      buf[at++] = 58; // ':'
      return writeNumber(buf, at, Math.round(this.t0 * 1000) / 1000);
    }
    const size = 1 + more.size;
    if (scratchLevels.length < size) scratchLevels = new Float64Array(2 * size);
    const levels = scratchLevels;
    levels[0] = this.l0;
    let n = 1;
    if (size <= 16) {
      for (const l of more.keys()) {
        let i = n++;
        for (; i > 0 && levels[i - 1] > l; i--) levels[i] = levels[i - 1];
        levels[i] = l;
      }
    } else {
      for (const l of more.keys()) levels[n++] = l;
      levels.subarray(0, n).sort();
    }
    for (let i = 0; i < n; i++) {
      if (i > 0) buf[at++] = 44; // ','
      at = writeNumber(buf, at, levels[i]);
      buf[at++] = 58; // ':'
      const l = levels[i];
      at = writeNumber(buf, at, Math.round((l === this.l0 ? this.t0 : more.get(l)!) * 1000) / 1000);
    }
    return at;
  }

  toText(): string | null {
    if (!this.has) return null;
    const ms = this.ms;
    return [...ms.keys()].sort((a, b) => a - b).map((l) => `${l}:${Math.round(ms.get(l)! * 1000) / 1000}`).join(',');
  }
}

// Reading a text without building a Histogram: the spike detector asks each one-second bucket of
// a refined window (60,000 on `day`) for its p95 and for how many values lie above a line, and
// a Histogram per question was most of what it allocated. Only texts in the form toText() writes
// (bins ascending, each count above 0, no bin past MAX_BIN) are read in place; any other text
// goes through Histogram.from(), so the answer is always what the parsed histogram gives.
const textBins = new Int32Array(MAX_BIN + 1);
const textCounts = new Float64Array(MAX_BIN + 1);

/** The bins of a text in toText()'s form into textBins/textCounts: how many, or -1 for any other form. */
function readCanonical(text: string, at: number): number {
  let k = 0, num = 0, digits = 0, bin = -1, prev = -1;
  for (let i = at; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 44;
    if (c >= 48 && c <= 57) { num = num * 10 + (c - 48); digits++; continue; }
    if (digits === 0 || digits > 15) return -1;
    if (c === 58 && bin < 0) { // ':'
      if (num <= prev || num > MAX_BIN) return -1;
      bin = num;
    } else if (c === 44 && bin >= 0) { // ','
      if (num === 0) return -1;
      textBins[k] = bin; textCounts[k] = num; k++;
      prev = bin; bin = -1;
    } else return -1;
    num = 0; digits = 0;
  }
  return k;
}

/** The head of a text: [min, max, where the bins start], or null when it holds no bin. */
function head(text: string): [number, number, number] | null {
  const p1 = text.indexOf('|');
  const p2 = text.indexOf('|', p1 + 1);
  if (p1 < 0 || p2 < 0 || p2 === text.length - 1) return null;
  // (as merge() takes them: a NaN leaves min at Infinity and max at -Infinity)
  const a = Number(text.slice(0, p1)), z = Number(text.slice(p1 + 1, p2));
  return [a < Infinity ? a : Infinity, z > -Infinity ? z : -Infinity, p2 + 1];
}

/** Histogram.from(text).percentile(p), without the Histogram. */
export function percentileOfText(text: string | null | undefined, p: number): number | null {
  if (!text) return null;
  const h = head(text);
  if (!h) return null;
  const k = readCanonical(text, h[2]);
  if (k < 0) return Histogram.from(text).percentile(p);
  const [min, max] = h;
  let n = 0;
  for (let i = 0; i < k; i++) n += textCounts[i];
  return percentileByRank(p, n, min, max, (r) => {
    let seen = 0;
    for (let i = 0; i < k; i++) {
      seen += textCounts[i];
      if (seen > r) return binValue(textBins[i]);
    }
    return max;
  });
}

/** Histogram.from(text).countAbove(threshold), without the Histogram. */
export function countAboveInText(text: string | null | undefined, threshold: number): number {
  if (!text) return 0;
  const h = head(text);
  if (!h) return 0;
  const k = readCanonical(text, h[2]);
  if (k < 0) return Histogram.from(text).countAbove(threshold);
  const b = binOf(threshold);
  let above = 0;
  for (let i = 0; i < k; i++) if (textBins[i] > b) above += textCounts[i];
  return above;
}

/** Whether a text is in toText()'s form: merging it is then what merging its parsed histogram is. */
export function isCanonicalText(text: string): boolean {
  const h = head(text);
  return h !== null && readCanonical(text, h[2]) > 0;
}
