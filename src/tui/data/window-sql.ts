// Binding a window to SQL. Request panels read the per-minute rollups for the whole minutes
// inside the window and raw rows only for the ragged edges, so a panel over a day of 10M
// requests touches thousands of rollup rows instead of millions of requests.
import type { DB } from '../../store/db.js';
import { TIER_SQL } from '../../store/rollups.js';
import { Histogram } from '../../store/rollups.js';
import type { Window } from './types.js';

/** better-sqlite3 binds JS numbers as REAL; bucket arithmetic needs INTEGER operands. */
const int = (n: number) => BigInt(Math.round(n));

export interface WindowBind {
  from: bigint; to: bigint; b: bigint;
  /** whole minutes inside [from, to): rollup_minute covers [fm, tm); raw rows cover the rest */
  fm: bigint; tm: bigint;
  host: string | null;
  tier: string;
}

export function bindWindow(w: Window, tier: string): WindowBind {
  const fm = Math.ceil(w.from / 60_000) * 60_000;
  const tm = Math.floor(w.to / 60_000) * 60_000;
  const whole = fm < tm;
  return {
    from: int(w.from), to: int(w.to), b: int(w.bucketMs),
    fm: int(whole ? fm : w.to), tm: int(whole ? tm : w.to),
    host: w.host, tier,
  };
}

/** the time a request counts at: its start (same expression as the requests_start index) */
export const START = 'coalesce(r.start_ts, r.ts)';
const RAW_FILTER = `(${TIER_SQL}) = :tier AND (:host IS NULL OR coalesce(r.host, '') = :host)`;

/**
 * A CTE body selecting `cols` from raw requests in the window's edges: [from, fm) and [tm, to).
 * Two ranges joined by UNION ALL so each one walks the start-time index.
 */
export function edgeRows(cols: string): string {
  const one = (lo: string, hi: string) => `SELECT ${cols} FROM requests r JOIN sources s ON s.id = r.source_id
    WHERE ${START} >= ${lo} AND ${START} < ${hi} AND ${RAW_FILTER}`;
  return `${one(':from', ':fm')} UNION ALL ${one(':tm', ':to')}`;
}

/** rollup_minute rows of the window's whole minutes */
export const MINUTE_FILTER = `tier = :tier AND t >= :fm AND t < :tm AND (:host IS NULL OR host = :host)`;
/** per-second rollups (rollup_second, rollup_status, rollup_inflight) of the whole window */
export const SECOND_FILTER = `tier = :tier AND t >= :from AND t < :to AND (:host IS NULL OR host = :host)`;
export const EVENT_FILTER = `t >= :from AND t < :to AND (:host IS NULL OR host = :host)`;

export function pct(hist: unknown, p: number): number | null {
  return typeof hist === 'string' ? Histogram.from(hist).percentile(p) : null;
}

/** Which view of a request the panels use: the edge server's when there is one (as the reports do). */
export function tierOf(db: DB, host: string | null): 'edge' | 'backend' {
  const rows = db.prepare(`SELECT DISTINCT tier FROM rollup_second WHERE (? IS NULL OR host = ?)`).all(host, host) as { tier: string }[];
  return rows.some((r) => r.tier === 'edge') || rows.length === 0 ? 'edge' : 'backend';
}
