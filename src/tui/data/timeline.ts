// The timeline strip: counts per bucket from the per-second rollups (queries/tui-timeline.sql).
// It carries no percentiles (merging a histogram per second costs ~10 µs each, 1 s for a day of
// seconds); the bucket under the cursor gets its own (queries/tui-cursor.sql), which is all the
// strip ever shows of them.
import type { ReportResult } from '../../report/runner.js';
import type { Bucket, CursorDetail, Window } from './types.js';
import { n, section, windowParams, type RunScreen } from './screen.js';

function emptyBuckets(from: number, to: number, bucketMs: number): Bucket[] {
  const count = Math.max(0, Math.ceil((to - from) / bucketMs));
  return Array.from({ length: count }, (_, i) => ({ t: from + i * bucketMs, requests: 0, s4xx: 0, s5xx: 0, inflight: 0, events: {} }));
}

/**
 * The sections of tui-timeline / tui-minutes into buckets: requests (with the in-flight peak in
 * tui-minutes), the in-flight peak, events by kind, and the kernel's overload counters that rose,
 * by counter name (they mark the bucket as overload events do).
 */
function fill(buckets: Bucket[], from: number, bucketMs: number, r: ReportResult): Bucket[] {
  const at = (row: Record<string, unknown>) => buckets[Math.floor((n(row.bucket_ts) - from) / bucketMs)];
  for (const row of section(r, 'requests')) {
    const b = at(row);
    if (!b) continue;
    b.requests = n(row.requests); b.s4xx = n(row.s4xx); b.s5xx = n(row.s5xx);
    if (row.peak != null) b.inflight = n(row.peak);
  }
  for (const row of section(r, 'inflight')) {
    const b = at(row);
    if (b) b.inflight = n(row.peak);
  }
  for (const row of [...section(r, 'events'), ...section(r, 'counters')]) {
    const b = at(row);
    if (b) b.events[String(row.kind)] = n(row.events);
  }
  return buckets;
}

export function timelineBuckets(run: RunScreen, w: Window, tier: string): Bucket[] {
  const buckets = emptyBuckets(w.from, w.to, w.bucketMs);
  if (buckets.length === 0) return buckets;
  return fill(buckets, w.from, w.bucketMs, run('tui-timeline', windowParams(w, tier)));
}

export function cursorDetail(run: RunScreen, w: Window, tier: string, t: number): CursorDetail {
  const row = run('tui-cursor', { from: t, to: t + w.bucketMs, host: w.host ?? undefined, tier }).rows[0] ?? {};
  const v = (x: unknown) => (typeof x === 'number' ? x : null);
  return { t, p50: v(row.p50_ms), p95: v(row.p95_ms), p99: v(row.p99_ms) };
}

/** Buckets of `w` summed from finer buckets that tile it (the minute series below). */
export function regroup(fine: Bucket[], w: Window): Bucket[] {
  const out = emptyBuckets(w.from, w.to, w.bucketMs);
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
 * The whole data range per minute, read once (queries/tui-minutes.sql): every window whose
 * buckets are whole minutes on the minute grid (all of them from 1m up: the bucket steps and zoom
 * windows keep to the grid) is then summed from it in memory, so +/- and zooms at those sizes
 * cost no query at all. It is what the first paint waits for.
 */
export function minuteSeries(run: RunScreen, range: { from: number; to: number }, tier: string, host: string | null): Bucket[] {
  const from = Math.floor(range.from / 60_000) * 60_000;
  const to = Math.ceil(range.to / 60_000) * 60_000;
  const buckets = emptyBuckets(from, to, 60_000);
  if (buckets.length === 0) return buckets;
  return fill(buckets, from, 60_000, run('tui-minutes', { from, to, host: host ?? undefined, tier }));
}
