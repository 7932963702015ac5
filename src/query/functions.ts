// Exact percentiles over raw rows and iso(): SQL functions SQLite lacks. Registered with the
// functions over rollups by registerReportFunctions (sqlfns.ts), on every connection that runs
// reports or a user's query. The percentiles read from histograms (within 2.2 %) are
// histogram.ts's, with the same rank rule as percentileOf(): this is the one home of both kinds.
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
  const common = {
    result: (state: PercentileState) => percentileOf(Float64Array.from(state.values).sort(), state.p),
  };
  // better-sqlite3 takes an aggregate's SQL arity from step's parameter count: p95(x) needs a
  // step of (state, x), percentile(x, p) one of (state, x, p)
  const fixed = (name: string, p: number) => db.aggregate(name, {
    ...common,
    start: () => ({ values: [], p }) as PercentileState,
    step: (state: PercentileState, value: unknown) => {
      if (value !== null && value !== undefined) state.values.push(Number(value));
    },
  });
  db.aggregate('percentile', {
    ...common,
    start: () => ({ values: [], p: NaN }) as PercentileState,
    step: (state: PercentileState, value: unknown, p?: unknown) => {
      if (Number.isNaN(state.p) && p != null) state.p = Number(p);
      if (value !== null && value !== undefined) state.values.push(Number(value));
    },
  });
  // percentile(x, 95); p50(x), p95(x), p99(x) as shorthands
  fixed('p50', 50);
  fixed('p95', 95);
  fixed('p99', 99);
  db.function('iso', { deterministic: true }, (ms: unknown) =>
    ms == null ? null : new Date(Number(ms)).toISOString());
}
