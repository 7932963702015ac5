// Where the data is, as a default range: the dense bulk of it, not min..max. One line stamped
// 1970 and one 2099 among a thousand from one afternoon made min..max 47,118 days, and every
// report that walks its range bucket by bucket walked all of them. Lines far from the rest stay
// stored; they are counted and named (the ingest summary, `overload sources`, a report's note)
// and a report reaches them when asked for their time with --from/--to.
import { isoUtc } from '../util/time.js';
import type { DB } from '../store/db.js';

/** No run of data this far from the next one is part of it: a day without a single line. */
export const OUTLIER_GAP_MS = 86_400_000;
/** At most this share of the lines, at each end, may be set aside as outliers. */
export const OUTLIER_SHARE = 0.01;
/** How many outlying stretches a summary names (the count covers them all). */
const NAMED = 5;

/** The grain the gaps are looked for at: an hour, since only a day-long gap counts. */
export const GRAIN_MS = 3_600_000;

export interface Stretch {
  /** first and last grain (epoch ms, an hour) of a run of data with no day-long gap inside */
  from: number;
  last: number;
  /** lines (requests and events) in it */
  lines: number;
}

export interface TimeOutliers {
  /** lines outside the dense range */
  lines: number;
  /** the outlying stretches, earliest first (all of them: at most 1 % of the lines each end) */
  stretches: Stretch[];
}

/** What the data covers, for defaults: epoch ms, `to` exclusive. */
export interface DataRange {
  from: number;
  to: number;
  /** 'edge' when some request came from a front server's log, else 'backend' */
  tier: 'edge' | 'backend';
  /** lines left out of [from, to) because they lie far from the rest (below) */
  outliers?: TimeOutliers;
}

export interface DenseRange {
  /** start of the bulk's first grain, and the end of its last one (exclusive) */
  from: number;
  to: number;
  outliers: TimeOutliers;
}

/**
 * The dense range of line counts per grain (sorted by time, `grainMs` apart at least): split
 * where a gap exceeds OUTLIER_GAP_MS, then set aside whole stretches from each end while they
 * hold at most OUTLIER_SHARE of the lines together. Null for no data. Linear in the counts.
 */
export function denseRange(counts: Array<[number, number]>, grainMs = GRAIN_MS): DenseRange | null {
  if (counts.length === 0) return null;
  const stretches: Stretch[] = [];
  let total = 0;
  for (const [t, n] of counts) {
    total += n;
    const cur = stretches[stretches.length - 1];
    if (cur && t - cur.last <= OUTLIER_GAP_MS) { cur.last = t; cur.lines += n; }
    else stretches.push({ from: t, last: t, lines: n });
  }
  const budget = total * OUTLIER_SHARE;
  let lo = 0, hi = stretches.length - 1, low = 0, high = 0;
  while (lo < hi && low + stretches[lo].lines <= budget) low += stretches[lo++].lines;
  while (hi > lo && high + stretches[hi].lines <= budget) high += stretches[hi--].lines;
  return {
    from: stretches[lo].from,
    to: stretches[hi].last + grainMs,
    outliers: { lines: low + high, stretches: [...stretches.slice(0, lo), ...stretches.slice(hi + 1)] },
  };
}

/** `2 lines far from the rest: 1970-01-01T00:00 (1), 2099-01-01T00:00 (1)`, or null when none. */
export function describeOutliers(o: TimeOutliers | undefined | null): string | null {
  if (!o || o.lines === 0) return null;
  const at = (s: Stretch) => {
    const a = isoUtc(s.from)!.slice(0, 16);
    const b = isoUtc(s.last)!.slice(0, 16);
    return `${a === b ? a : `${a}..${b}`} (${s.lines})`;
  };
  const named = o.stretches.slice(0, NAMED).map(at).join(', ');
  const more = o.stretches.length > NAMED ? ` and ${o.stretches.length - NAMED} more stretches` : '';
  return `${o.lines} line${o.lines === 1 ? '' : 's'} far from the rest of the data (a day or more away), ` +
    `stored but outside the default range: ${named}${more} UTC`;
}

/**
 * The first and last second of any tier (and events) within [lo, hi), by index seeks: the min
 * and max of each tier and host separately (rollup keys start tier, host, t), 0.1 ms where one
 * scan of every second took 30-100 ms at 10M requests. 'edge' when the edge tier has rows.
 */
function spanOf(db: DB, hosts: string[], lo: number, hi: number): DataRange {
  const los: number[] = [];
  const his: number[] = [];
  let edge = false;
  const one = (sql: string, ...args: unknown[]) => (db.prepare(sql).pluck().get(...args) as number | null) ?? null;
  for (const h of hosts) {
    for (const tier of ['edge', 'backend']) {
      const first = one('SELECT min(t) FROM rollup_second WHERE tier = ? AND host = ? AND t >= ? AND t < ?', tier, h, lo, hi);
      if (first === null) continue;
      if (tier === 'edge') edge = true;
      los.push(first);
      his.push(one('SELECT max(t) FROM rollup_second WHERE tier = ? AND host = ? AND t >= ? AND t < ?', tier, h, lo, hi)!);
    }
    const elo = one('SELECT min(t) FROM rollup_events WHERE host = ? AND t >= ? AND t < ?', h, lo, hi);
    if (elo !== null) { los.push(elo); his.push(one('SELECT max(t) FROM rollup_events WHERE host = ? AND t >= ? AND t < ?', h, lo, hi)!); }
    // snapshots: kernel counters, ss, status pages ... (indexed on ts)
    const clo = one("SELECT min(ts) FROM samples WHERE coalesce(host, '') = ? AND ts >= ? AND ts < ?", h, lo, hi);
    if (clo !== null) { los.push(clo); his.push(one("SELECT max(ts) FROM samples WHERE coalesce(host, '') = ? AND ts >= ? AND ts < ?", h, lo, hi)!); }
  }
  // a loop, not Math.min(...): one entry per host and tier, but hosts are log text
  let from = Infinity, to = -Infinity;
  for (const v of los) if (v < from) from = v;
  for (const v of his) if (v > to) to = v;
  if (!los.length) return { from: 0, to: 0, tier: 'edge' };
  return { from, to: to + 1000, tier: edge ? 'edge' : 'backend' };
}

function hostsOf(db: DB, host: string | null): string[] {
  const hosts = host !== null ? [host]
    : (db.prepare("SELECT DISTINCT coalesce(host, '') FROM sources").pluck().all() as string[]);
  if (hosts.length === 0) hosts.push('');
  return hosts;
}

/** The first..last second of everything, outliers included: index seeks only (for the tier alone). */
export function fullSpan(db: DB, host: string | null = null): DataRange {
  return spanOf(db, hostsOf(db, host), -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
}

// Lines per hour, requests of both tiers and events: what denseRange() looks for gaps in. Summed
// to hours in SQL: a month of per-minute rows made into JS arrays cost 60 ms, its 720 hours 8 ms.
const HOURS_SQL = `SELECT h, sum(n) FROM (
    SELECT t / ${GRAIN_MS} * ${GRAIN_MS} AS h, sum(requests) AS n FROM rollup_minute_totals WHERE (:host IS NULL OR host = :host) GROUP BY h
    UNION ALL
    SELECT t / ${GRAIN_MS} * ${GRAIN_MS} AS h, sum(events) AS n FROM rollup_events WHERE (:host IS NULL OR host = :host) GROUP BY h)
  GROUP BY h ORDER BY h`;

/**
 * What the data covers, as reports' default range: where the data is (src/report/extent.ts).
 * When the first and last second are more than a day apart, lines a day or more away from the
 * rest that hold at most 1 % of them at either end are left out of it, and named in `outliers`.
 * The hosts are those the sources name ('' for none).
 */
export function dataRange(db: DB, host: string | null = null): DataRange {
  const hosts = hostsOf(db, host);
  const full = spanOf(db, hosts, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  // a day or less: no day-long gap can be inside, and the per-hour scan is skipped
  if (full.to - full.from <= OUTLIER_GAP_MS) return full;
  const dense = denseRange(db.prepare(HOURS_SQL).raw().all({ host }) as Array<[number, number]>);
  if (!dense || dense.outliers.lines === 0) return full;
  return { ...spanOf(db, hosts, dense.from, dense.to), outliers: dense.outliers };
}

