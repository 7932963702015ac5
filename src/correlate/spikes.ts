// The `spikes` report: queries/spikes.sql yields the per-bucket series, detect.ts finds the
// windows, and this module measures each window against its baseline.
import { Histogram } from '../report/histogram.js';
import { runSection, type Row } from '../report/runner.js';
import { isoUtc } from '../util/time.js';
import { detectWindows, REASONS, type BucketFlags, type BucketPoint, type Window } from './detect.js';
import type { ModuleContext, ModuleOutput } from './modules.js';

export const SPIKE_COLUMNS = [
  'window', 'start_ts', 'end_ts', 'start', 'end', 'duration_s', 'peak_rps', 'baseline_rps', 'requests', 'errors',
  'error_rate', 'p95_ms', 'baseline_p95_ms', 'peak_inflight', 'events', 'event_kinds', 'reasons',
  'aftermath_end_ts', 'aftermath_end', 'severity',
];

export interface SeriesRow {
  bucket_ts: number;
  requests: number;
  /** requests that ended in the bucket (optional: older custom spikes.sql files lack it) */
  done?: number | null;
  errors: number;
  dur_hist: string | null;
  done_hist?: string | null;
  inflight_peak: number;
  events: number;
  kinds: Record<string, number> | string;
}

const round = (v: number | null, d = 1) => (v === null || !Number.isFinite(v) ? null : Math.round(v * 10 ** d) / 10 ** d);

function measure(win: Window, series: SeriesRow[], points: BucketPoint[], flags: BucketFlags[], bucketMs: number, n: number): Row {
  const secs = bucketMs / 1000;
  const hist = new Histogram();
  const kinds: Record<string, number> = {};
  let requests = 0, errors = 0, peak = 0, inflight = 0, events = 0;
  for (let i = win.start; i <= win.end; i++) {
    const s = series[i];
    requests += s.requests;
    errors += s.errors;
    peak = Math.max(peak, s.requests / secs);
    inflight = Math.max(inflight, s.inflight_peak);
    if (s.dur_hist) hist.merge(s.dur_hist);
  }
  // events are counted through the aftermath too: that is where the "down" / "killed" lines land
  for (let i = win.start; i <= (win.aftermathEnd ?? win.end); i++) {
    events += series[i].events;
    const k = typeof series[i].kinds === 'string' ? JSON.parse(series[i].kinds as string) : series[i].kinds;
    for (const [kind, c] of Object.entries(k as Record<string, number>)) kinds[kind] = (kinds[kind] ?? 0) + c;
  }
  const f0 = flags[win.start];
  const baselineRps = f0.baseRequests / secs;
  const p95 = hist.percentile(95);
  const errorRate = requests ? errors / requests : 0;
  const severity = Math.max(
    peak / Math.max(baselineRps, 1 / secs),
    p95 !== null && f0.baseP95 ? p95 / Math.max(f0.baseP95, 1) : 1,
    errorRate / 0.01,
  );
  const startTs = points[win.start].t;
  const endTs = points[win.end].t + bucketMs;
  const afterTs = win.aftermathEnd !== null ? points[win.aftermathEnd].t + bucketMs : null;
  return {
    window: n, start_ts: startTs, end_ts: endTs, start: isoUtc(startTs), end: isoUtc(endTs),
    duration_s: (endTs - startTs) / 1000, peak_rps: round(peak, 2), baseline_rps: round(baselineRps, 2),
    requests, errors, error_rate: round(errorRate, 4), p95_ms: round(p95), baseline_p95_ms: round(f0.baseP95),
    peak_inflight: inflight, events, event_kinds: kinds,
    reasons: REASONS.filter((r) => win.reasons.has(r)).join(','),
    aftermath_end_ts: afterTs, aftermath_end: isoUtc(afterTs), severity: round(severity),
  };
}

/** Windows of a series as report rows (also used by the postmortem and the TUI). */
export function spikeRows(series: SeriesRow[], bucketMs: number, opts: { k?: number; gap?: number } = {}): Row[] {
  const points: BucketPoint[] = series.map((s) => ({
    t: s.bucket_ts, requests: s.requests, errors: s.errors, hist: Histogram.from(s.dur_hist), events: s.events,
    doneHist: s.done_hist !== undefined ? Histogram.from(s.done_hist) : undefined,
    done: s.done ?? undefined, inflight: s.inflight_peak,
  }));
  const o: { k?: number; gap?: number } = {};
  if (opts.k != null) o.k = opts.k;
  if (opts.gap != null) o.gap = opts.gap;
  const { windows, flags } = detectWindows(points, o);
  return windows.map((w, i) => measure(w, series, points, flags, bucketMs, i + 1));
}

export function spikes(ctx: ModuleContext): ModuleOutput {
  const section = ctx.def.sections.find((s) => s.name === 'series');
  if (!section) throw new Error(`${ctx.def.path}: needs a "-- section: series" statement`);
  const series = runSection(ctx.db, ctx.def, section, ctx.resolved.bind) as unknown as SeriesRow[];
  const v = ctx.resolved.values;
  const rows = spikeRows(series, Number(v.bucket), { k: v.k as number | undefined, gap: v.gap as number | undefined });
  return { columns: SPIKE_COLUMNS, rows };
}
