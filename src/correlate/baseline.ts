// Robust statistics for baselines: the median and the MAD (median absolute deviation) ignore
// the outliers they are meant to expose, where a mean and a standard deviation would be dragged
// toward them.

/** Scratch for the small sorts (a rolling baseline's 30 values), reused: no array per median. */
const scratch = new Float64Array(64);
const deviations = new Float64Array(64);

/** A MAD times this estimates the standard deviation of normal data. */
const MAD_TO_SIGMA = 1.4826;

/** The median of the first n values of an ascending list (n >= 1). */
function middleOf(s: ArrayLike<number>, n: number): number {
  const mid = n >> 1;
  return n % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

// Small inputs (a rolling baseline's 30 values, sorted ~200,000 times when a day is refined to
// the second) are insertion-sorted in a reused typed array: a fraction of the cost of copying
// into an array and sorting it with a comparator. Large ones (a seed: every bucket of the series,
// 50,000 when a day is refined to the second, three medians per signal) select the middle in a
// typed array instead of sorting it: the same values, so the same median, in a tenth of the time.
export function median(values: number[]): number {
  const n = values.length;
  if (n === 0) return 0;
  if (n > scratch.length) return largeMedian(new Float64Array(values), n);
  for (let i = 0; i < n; i++) scratch[i] = values[i];
  return medianInPlace(scratch, n);
}

/**
 * The median of a[0..n), which it reorders: the middle value selected (and for an even n the
 * largest below it), what sorting would put there. A NaN has no place in an order: with one,
 * the values are sorted as before (NaN last).
 */
function largeMedian(a: Float64Array, n: number): number {
  for (let i = 0; i < n; i++) if (a[i] !== a[i]) return middleOf(a.sort(), n);
  const mid = n >> 1;
  const upper = selectInPlace(a, n, mid);
  if (n % 2) return upper;
  // a[0..mid) holds the values at or below a[mid]: the largest of them is sorted order's a[mid - 1]
  let lower = a[0];
  for (let i = 1; i < mid; i++) if (a[i] > lower) lower = a[i];
  return (lower + upper) / 2;
}

/**
 * The k-th smallest of a[0..n) (0-based), left at a[k] with the values at or below it before k
 * and those at or above it after (Hoare's selection, median-of-three pivots).
 */
function selectInPlace(a: Float64Array, n: number, k: number): number {
  let lo = 0, hi = n - 1;
  while (hi > lo) {
    const m = (lo + hi) >> 1;
    const x = a[lo], y = a[m], z = a[hi];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : (x < z ? x : y < z ? z : y);
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) { const t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break; // j < k < i: a[k] equals the pivot and is in place
  }
  return a[k];
}

/** MAD scaled by 1.4826, so it estimates the standard deviation of normal data. */
export function madSigma(values: number[], med = median(values)): number {
  const n = values.length;
  if (n > deviations.length) return MAD_TO_SIGMA * median(values.map((v) => Math.abs(v - med)));
  // the small case (a rolling baseline) without an array of deviations per call
  for (let i = 0; i < n; i++) deviations[i] = Math.abs(values[i] - med);
  return MAD_TO_SIGMA * (n === 0 ? 0 : medianInPlace(deviations, n));
}

/** Median of the first n values of `s` (n >= 1), which it sorts in place. */
function medianInPlace(s: Float64Array, n: number): number {
  for (let i = 1; i < n; i++) {
    const v = s[i];
    let j = i - 1;
    while (j >= 0 && s[j] > v) { s[j + 1] = s[j]; j--; }
    s[j + 1] = v;
  }
  return middleOf(s, n);
}

export interface Baseline {
  median: number;
  sigma: number;
}

/**
 * Baseline of a series at each index from the quiet buckets before it: the median and MAD of the
 * last `window` values whose bucket is not flagged. Until `minRef` quiet buckets have been seen,
 * the seed (computed from the quieter half of the whole series) stands in.
 */
export class RollingBaseline {
  private ref: number[] = [];
  /**
   * The same values ascending, kept as they come and go: a day refined to the second pushes
   * ~50,000 quiet buckets into each of four baselines, and sorting 30 values twice per push (the
   * median, then the deviations) was a tenth of the spike report. The median and the MAD of a
   * sorted window are what sorting it again gives (the same values in the same order). A NaN has
   * no place in an order (nor an infinity in a deviation): while one is in the window, the values
   * are sorted as before.
   */
  private sorted: number[] = [];
  /** values of the window that are not finite */
  private nans = 0;
  /**
   * The baseline of `ref` as it is, until the next push: through a long incident every bucket
   * is flagged, nothing is pushed, and each would otherwise sort the same 30 values again.
   */
  private cached: Baseline | null = null;
  constructor(private seed: Baseline, private window = 30, private minRef = 8) {}

  current(): Baseline {
    if (this.ref.length < this.minRef) return this.seed;
    if (!this.cached) {
      if (this.nans > 0) {
        const med = median(this.ref);
        this.cached = { median: med, sigma: madSigma(this.ref, med) };
      } else {
        const med = middleOf(this.sorted, this.sorted.length);
        this.cached = { median: med, sigma: MAD_TO_SIGMA * sortedMad(this.sorted, med) };
      }
    }
    return this.cached;
  }

  /** Feed the value of a bucket that turned out quiet. */
  push(v: number): void {
    this.ref.push(v);
    if (!Number.isFinite(v)) this.nans++;
    else this.insert(v);
    if (this.ref.length > this.window) {
      const old = this.ref.shift()!;
      if (!Number.isFinite(old)) this.nans--;
      else this.remove(old);
    }
    this.cached = null;
  }

  // (in place, no splice: a splice allocates the array it returns, ~1 us each here)
  private insert(v: number): void {
    const s = this.sorted;
    const at = upperBound(s, v);
    s.push(v);
    for (let i = s.length - 1; i > at; i--) s[i] = s[i - 1];
    s[at] = v;
  }

  /** One value equal to v out (the last of its equals: they are alike). */
  private remove(v: number): void {
    const s = this.sorted;
    for (let i = upperBound(s, v) - 1; i < s.length - 1; i++) s[i] = s[i + 1];
    s.pop();
  }
}

/** The first index of an ascending list whose value is above v. */
function upperBound(s: number[], v: number): number {
  let lo = 0, hi = s.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (s[m] > v) hi = m; else lo = m + 1;
  }
  return lo;
}

/**
 * The median of |v - med| over an ascending list: the deviations fall to the median and rise
 * after it, so merging the two runs from there gives them ascending without a sort.
 */
function sortedMad(s: number[], med: number): number {
  const n = s.length;
  if (n === 0) return 0;
  let j = upperBound(s, med), i = j - 1;
  const mid = n >> 1;
  let prev = 0, cur = 0;
  for (let k = 0; k <= mid; k++) {
    const left = i >= 0 ? med - s[i] : Infinity, right = j < n ? s[j] - med : Infinity;
    prev = cur;
    if (left <= right) { cur = Math.abs(s[i] - med); i--; } else { cur = Math.abs(s[j] - med); j++; }
  }
  return n % 2 ? cur : (prev + cur) / 2;
}

/** Seed: median and MAD of the values at or below the series' median (its quieter half). */
export function quietSeed(values: number[]): Baseline {
  if (values.length === 0) return { median: 0, sigma: 0 };
  const m = median(values);
  const low = values.filter((v) => v <= m);
  const med = median(low);
  return { median: med, sigma: madSigma(low, med) };
}
