// SQL functions SQLite lacks and the reports need, registered on every connection.
import type Database from 'better-sqlite3';

/**
 * Exact percentile with linear interpolation between closest ranks (the "R-7" / numpy default):
 * collects the group's non-null values and sorts them once. Exact, so no error bound to state;
 * memory is 8 bytes per value in the group.
 */
export function percentileOf(sorted: Float64Array, p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const rank = (Math.min(100, Math.max(0, p)) / 100) * (n - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

interface PercentileState {
  values: number[];
  p: number;
}

export function registerFunctions(db: Database.Database): void {
  const aggregate = (name: string, fixedP: number | null) =>
    db.aggregate(name, {
      start: () => ({ values: [], p: fixedP ?? NaN }) as PercentileState,
      step: (state: PercentileState, value: unknown, p?: unknown) => {
        if (fixedP === null && Number.isNaN(state.p) && p != null) state.p = Number(p);
        if (value !== null && value !== undefined) state.values.push(Number(value));
      },
      result: (state: PercentileState) => {
        const sorted = Float64Array.from(state.values).sort();
        return percentileOf(sorted, state.p);
      },
    });
  // percentile(x, 95); p50(x), p95(x), p99(x) as shorthands
  aggregate('percentile', null);
  aggregate('p50', 50);
  aggregate('p95', 95);
  aggregate('p99', 99);
  db.function('iso', { deterministic: true }, (ms: unknown) =>
    ms == null ? null : new Date(Number(ms)).toISOString());
}
