// The nearest-rank percentile, beside the query layer's other percentile rules: histogram.ts's
// (read from log-bucketed histograms, within 2.2 %) and the exact interpolating one behind the
// SQL aggregates percentile(), p50(), p95(), p99() (functions.ts, percentileOf). They answer
// differently on purpose: interpolation between the two closest ranks for the reports, a value
// that occurred for the what-if replay's queueing times.

/**
 * Nearest-rank percentile of ascending values: the smallest value with at least p % of the
 * values at or below it. Null when there are none.
 */
export function nearestRank(sorted: ArrayLike<number>, p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  return sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))];
}
