// The timeline strip: counts per bucket from the per-second rollups. It carries no percentiles
// (merging a histogram per second costs ~10 µs each, 1 s for a day of seconds); the bucket under
// the cursor gets its own (cursorDetail), which is all the strip ever shows of them.
import type { DB } from '../../store/db.js';
import { bindWindow, SECOND_FILTER, EVENT_FILTER, HOST_IN, hostList, pct, type WindowBind } from './window-sql.js';
import type { Bucket, CursorDetail, Window } from './types.js';
import { counterBuckets } from './kernel.js';

export function timelineBuckets(db: DB, w: Window, tier: string): Bucket[] {
  const n = Math.max(0, Math.ceil((w.to - w.from) / w.bucketMs));
  const buckets: Bucket[] = [];
  for (let i = 0; i < n; i++) buckets.push({ t: w.from + i * w.bucketMs, requests: 0, s4xx: 0, s5xx: 0, inflight: 0, events: {} });
  if (n === 0) return buckets;
  const p = bindWindow(db, w, tier);
  const at = (i: number | bigint) => buckets[Number(i)];
  const req = db.prepare(`SELECT (t - :from) / :b AS i, sum(requests) n, sum(s4xx) s4, sum(s5xx) s5
    FROM rollup_second WHERE ${SECOND_FILTER} GROUP BY i`).raw().all(p) as [number, number, number, number][];
  for (const [i, nReq, s4, s5] of req) {
    const b = at(i);
    if (b) { b.requests = nReq; b.s4xx = s4; b.s5xx = s5; }
  }
  const fl = db.prepare(`SELECT (t - :from) / :b AS i, max(peak) FROM rollup_inflight
    WHERE ${SECOND_FILTER} AND upstream = '' GROUP BY i`).raw().all(p) as [number, number][];
  for (const [i, peak] of fl) {
    const b = at(i);
    if (b) b.inflight = peak;
  }
  eventsInto(db, p, buckets);
  return buckets;
}

/**
 * Each bucket's events by kind (per-second rollups: events are few), and the kernel's overload
 * counters that rose in it, by counter name (they mark the bucket as overload events do).
 */
function eventsInto(db: DB, p: WindowBind, buckets: Bucket[]): void {
  const ev = db.prepare(`SELECT (t - :from) / :b AS i, kind, sum(events) FROM rollup_events
    WHERE ${EVENT_FILTER} GROUP BY i, kind`).raw().all(p) as [number, string, number][];
  for (const [i, kind, k] of [...ev, ...counterBuckets(db, p)]) {
    const b = buckets[Number(i)];
    if (b) b.events[kind] = k;
  }
}

export function cursorDetail(db: DB, w: Window, tier: string, t: number): CursorDetail {
  const row = db.prepare(`SELECT hist(dur_hist) h FROM rollup_second WHERE tier = :tier AND ${HOST_IN} AND t >= :a AND t < :z`)
    .get({ tier, hosts: hostList(db, w.host), a: BigInt(t), z: BigInt(t + w.bucketMs) }) as { h: string | null };
  return { t, p50: pct(row.h, 50), p95: pct(row.h, 95), p99: pct(row.h, 99) };
}

/** Buckets of `w` summed from finer buckets that tile it (the minute series below). */
export function regroup(fine: Bucket[], w: Window): Bucket[] {
  const n = Math.max(0, Math.ceil((w.to - w.from) / w.bucketMs));
  const out: Bucket[] = Array.from({ length: n }, (_, i) => ({ t: w.from + i * w.bucketMs, requests: 0, s4xx: 0, s5xx: 0, inflight: 0, events: {} }));
  for (const f of fine) {
    if (f.t < w.from || f.t >= w.to) continue;
    const b = out[Math.floor((f.t - w.from) / w.bucketMs)];
    b.requests += f.requests;
    b.s4xx += f.s4xx;
    b.s5xx += f.s5xx;
    b.inflight = Math.max(b.inflight, f.inflight);
    for (const [k, c] of Object.entries(f.events)) b.events[k] = (b.events[k] ?? 0) + c;
  }
  return out;
}

/** the minute series is kept for data up to this long (60 days: 86,400 minutes) */
export const MINUTE_SERIES_MAX_MS = 60 * 86_400_000;

/**
 * The whole data range per minute, read once: every window whose buckets are whole minutes on
 * the minute grid (all of them from 1m up: the bucket steps and zoom windows keep to the grid)
 * is then summed from it in memory, so +/- and zooms at those sizes cost no query at all. Read
 * from rollup_minute_totals (the seconds' counts and the in-flight peak per minute), not from
 * every second: it is what the first paint waits for (a day of seconds: 60-150 ms, its minutes ~1 ms).
 */
export function minuteSeries(db: DB, range: { from: number; to: number }, tier: string, host: string | null): Bucket[] {
  const from = Math.floor(range.from / 60_000) * 60_000;
  const to = Math.ceil(range.to / 60_000) * 60_000;
  const w: Window = { from, to, bucketMs: 60_000, host };
  const n = Math.max(0, Math.ceil((to - from) / 60_000));
  const buckets: Bucket[] = [];
  for (let i = 0; i < n; i++) buckets.push({ t: from + i * 60_000, requests: 0, s4xx: 0, s5xx: 0, inflight: 0, events: {} });
  if (n === 0) return buckets;
  const p = bindWindow(db, w, tier);
  const rows = db.prepare(`SELECT (t - :from) / :b AS i, sum(requests), sum(s4xx), sum(s5xx), max(inflight_peak)
    FROM rollup_minute_totals WHERE ${SECOND_FILTER} GROUP BY i`).raw().all(p) as [number, number, number, number, number][];
  for (const [i, nReq, s4, s5, peak] of rows) {
    const b = buckets[Number(i)];
    if (b) { b.requests = nReq; b.s4xx = s4; b.s5xx = s5; b.inflight = peak; }
  }
  eventsInto(db, p, buckets);
  return buckets;
}
