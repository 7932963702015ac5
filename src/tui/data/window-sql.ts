// Binding a window to SQL. Request panels read the per-minute rollups for the whole minutes
// inside the window and raw rows only for the ragged edges, so a panel over a day of 10M
// requests touches thousands of rollup rows instead of millions of requests.
import type { DB } from '../../store/db.js';
import { Histogram } from '../../query/rollups.js';
import type { Window } from './types.js';
import { fullSpan } from '../../report/extent.js';

/** better-sqlite3 binds JS numbers as REAL; bucket arithmetic needs INTEGER operands. */
const int = (n: number) => BigInt(Math.round(n));

export interface WindowBind {
  from: bigint; to: bigint; b: bigint;
  /** whole minutes inside [from, to): rollup_minute covers [fm, tm); raw rows cover the rest */
  fm: bigint; tm: bigint;
  host: string | null;
  /** the hosts to read as a JSON list (see HOST_IN) */
  hosts: string;
  tier: string;
}

/**
 * Rollup keys start (tier, host, t): "host IN (list)" lets SQLite seek each host's time range,
 * where "(:host IS NULL OR host = :host)" made it read every row of the tier (50x slower on a
 * day of seconds). The list is every host the sources name ('' for none) or the one asked for.
 */
export const HOST_IN = 'host IN (SELECT value FROM json_each(:hosts))';

export function hostList(db: DB, host: string | null): string {
  if (host !== null) return JSON.stringify([host]);
  const rows = db.prepare("SELECT DISTINCT coalesce(host, '') h FROM sources").all() as { h: string }[];
  return JSON.stringify(rows.length ? rows.map((r) => r.h) : ['']);
}

export function bindWindow(db: DB, w: Window, tier: string): WindowBind {
  const fm = Math.ceil(w.from / 60_000) * 60_000;
  const tm = Math.floor(w.to / 60_000) * 60_000;
  const whole = fm < tm;
  return {
    from: int(w.from), to: int(w.to), b: int(w.bucketMs),
    fm: int(whole ? fm : w.to), tm: int(whole ? tm : w.to),
    host: w.host, hosts: hostList(db, w.host), tier,
  };
}

/** the longest request, so a range on the end stamp (ts) can bound a range on the start */
export function maxDurationMs(db: DB): number {
  const row = db.prepare("SELECT value FROM rollup_state WHERE name = 'max_duration_ms'").get() as { value: number } | undefined;
  return row?.value ?? 3_600_000;
}

/** the time a request counts at: its start (same expression as the request_rows_start index) */
export const START = 'coalesce(r.start_ts, r.ts)';

/** per-second rollups (rollup_second, rollup_status, rollup_inflight) of the whole window */
export const SECOND_FILTER = `tier = :tier AND ${HOST_IN} AND t >= :from AND t < :to`;
export const EVENT_FILTER = `${HOST_IN} AND t >= :from AND t < :to`;

export function pct(hist: unknown, p: number): number | null {
  return typeof hist === 'string' ? Histogram.from(hist).percentile(p) : null;
}

/** Which view of a request the panels use: the edge server's when it has rows (as the reports do). */
export function tierOf(db: DB, host: string | null): 'edge' | 'backend' {
  // the tier needs no outlier scan: index seeks only, on every panel query
  return fullSpan(db, host).tier;
}
