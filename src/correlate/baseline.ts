// Robust statistics for baselines: the median and the MAD (median absolute deviation) ignore
// the outliers they are meant to expose, where a mean and a standard deviation would be dragged
// toward them.

export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** MAD scaled by 1.4826, so it estimates the standard deviation of normal data. */
export function madSigma(values: number[], med = median(values)): number {
  return 1.4826 * median(values.map((v) => Math.abs(v - med)));
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
  constructor(private seed: Baseline, private window = 30, private minRef = 8) {}

  current(): Baseline {
    if (this.ref.length < this.minRef) return this.seed;
    const med = median(this.ref);
    return { median: med, sigma: madSigma(this.ref, med) };
  }

  /** Feed the value of a bucket that turned out quiet. */
  push(v: number): void {
    this.ref.push(v);
    if (this.ref.length > this.window) this.ref.shift();
  }
}

/** Seed: median and MAD of the values at or below the series' median (its quieter half). */
export function quietSeed(values: number[]): Baseline {
  if (values.length === 0) return { median: 0, sigma: 0 };
  const m = median(values);
  const low = values.filter((v) => v <= m);
  const med = median(low);
  return { median: med, sigma: madSigma(low, med) };
}
