// The `spikes` report: queries/spikes.sql yields the per-bucket series, detect.ts finds the
// windows, and this module measures each window against its baseline, refines a window found in
// coarse buckets to the finest step its data fill (as the TUI's zoom would), and ranks them.
//
// Refinement. A window found in 1 h buckets says "21:00-22:00"; the outage was 21:05-21:12.
// The series is read again over the window and a margin either side (a coarse bucket, at least
// 60 fine ones: the quiet context a rolling baseline needs) at the finest step of STEPS at which
// the window averages at least REFINE_MIN_PER_BUCKET requests + events a bucket: finer than
// that, single requests are noise. The fine windows that overlap the coarse one's load give its
// start, end and aftermath; its counts, peak and p95 are measured there. The refined window is
// refined again while it fills a finer step (1 h -> 10 s -> 1 s). Its baseline, reasons and
// severity stay the coarse ones: those compare like with like (an hour with the same hour on
// other days). Only windows found in buckets of a minute or more are refined.
//
// Rank. `severity` is the largest factor by which a signal left its baseline; `rank` orders the
// windows by it (1 = most severe; ties: more 5xx, then earlier).
import { Histogram } from '../query/histogram.js';
import { runSection, type Row } from '../report/runner.js';
import { bucketLabel } from '../report/params.js';
import { isoUtc } from '../util/time.js';
import { detectWindows, REASONS, type BucketFlags, type BucketPoint, type Window } from './detect.js';
import type { ModuleContext, ModuleOutput } from '../report/runner.js';

export const SPIKE_COLUMNS = [
  'window', 'start_ts', 'end_ts', 'start', 'end', 'duration_s', 'peak_rps', 'baseline_rps', 'requests', 'errors',
  'error_rate', 'p95_ms', 'baseline_p95_ms', 'peak_inflight', 'events', 'event_kinds', 'reasons',
  'aftermath_end_ts', 'aftermath_end', 'severity', 'rank', 'resolution',
];

const DAY = 86_400_000;
/** The steps a window is refined to, finest first (the report's bucket steps). */
const STEPS = [1000, 10_000, 60_000, 300_000, 900_000];
const REFINE_MIN_PER_BUCKET = 2;
/**
 * Windows found in buckets of a minute or more are refined (then as fine as their data allow).
 * Below that a window is already at the resolution a person zooms to, and the TUI keeps its
 * marks on its own bucket grid.
 */
const REFINE_FROM_MS = 60_000;

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
/** A rate: 2 decimals, or 3 significant digits below 1/s (a few requests an hour is not 0/s). */
export const roundRate = (v: number): number | null => (v > 0 && v < 1 ? Number(v.toPrecision(3)) : round(v, 2));

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
    if (s.dur_hist) hist.merge(s.dur_hist); // (the text itself: a point parses it again on each use)
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
    duration_s: (endTs - startTs) / 1000, peak_rps: roundRate(peak), baseline_rps: roundRate(baselineRps),
    requests, errors, error_rate: round(errorRate, 4), p95_ms: round(p95), baseline_p95_ms: round(f0.baseP95),
    peak_inflight: inflight, events, event_kinds: kinds,
    reasons: REASONS.filter((r) => win.reasons.has(r)).join(','),
    aftermath_end_ts: afterTs, aftermath_end: isoUtc(afterTs), severity: round(severity),
    rank: null, resolution: bucketLabel(bucketMs),
  };
}

/**
 * A bucket of the series as the detector reads it. The histogram of the requests that ended in
 * it is parsed when first asked for: the detector reads it only at a window's end, and a day
 * refined to the second has ~50,000 buckets. A series without it (the built-in one) reads it
 * then, for that bucket alone (`doneOf`): carried for every second of a refinement, those texts
 * were half of what the series read (~20 MB of 42 MB on 10M lines of `day`).
 */
class SeriesPoint implements BucketPoint {
  t: number;
  requests: number;
  errors: number;
  events: number;
  done: number | undefined;
  inflight: number;
  readonly histText: string | null;
  private doneText: string | null | undefined;
  private doneParsed: Histogram | undefined;

  constructor(s: SeriesRow, private doneOf?: () => string | null) {
    this.t = s.bucket_ts;
    this.requests = s.requests;
    this.errors = s.errors;
    this.histText = s.dur_hist;
    this.events = s.events;
    this.done = s.done ?? undefined;
    this.inflight = s.inflight_peak;
    this.doneText = s.done_hist;
  }

  /** Parsed on each use, not kept: ~50,000 parsed at once were ~100 MB for the collector to copy and promote */
  get hist(): Histogram {
    return Histogram.from(this.histText);
  }

  get doneHist(): Histogram | undefined {
    if (this.doneText === undefined) {
      if (!this.doneOf) return undefined; // (older custom spikes.sql files lack it)
      this.doneText = this.doneOf();
    }
    return (this.doneParsed ??= Histogram.from(this.doneText));
  }
}

/** The series' points; a bucket's done histogram, when the row lacks it, from opts.done over [t, t + step) cut at `to`. */
function toPoints(series: SeriesRow[], stepMs: number, to: number, opts: SpikeOptions): BucketPoint[] {
  const done = opts.done;
  return series.map((s) => new SeriesPoint(s, done ? () => done(s.bucket_ts, Math.min(s.bucket_ts + stepMs, to)) : undefined));
}

export interface SpikeOptions {
  k?: number;
  gap?: number;
  /** compare each bucket with the same time of day on the other days (default: when they fit) */
  daily?: boolean;
  /** read the series again over [from, to) at `stepMs` (the refinement); without it, no refinement */
  reread?: (from: number, to: number, stepMs: number) => SeriesRow[];
  /** the report's range: the refinement reads nothing outside it */
  range?: { from: number; to: number };
  /**
   * done_hist of one bucket [from, to), for a series whose rows lack it: the detector asks for
   * it only after a window's load, so it is read for those few buckets
   */
  done?: (from: number, to: number) => string | null;
}

/** The finest step at which the window holds REFINE_MIN_PER_BUCKET requests + events a bucket. */
export function refineStep(bucketMs: number, spanMs: number, activity: number): number | null {
  for (const step of STEPS) {
    if (step >= bucketMs) break;
    if (activity / Math.max(1, spanMs / step) >= REFINE_MIN_PER_BUCKET) return step;
  }
  return null;
}

/** One refinement pass: the window read again at a finer step, or null when none fits or finds it. */
function refineOnce(row: Row, bucketMs: number, opts: SpikeOptions, detect: { k?: number; gap?: number }): { row: Row; step: number } | null {
  const start = Number(row.start_ts), end = Number(row.end_ts);
  const last = Number(row.aftermath_end_ts ?? row.end_ts);
  const step = opts.reread ? refineStep(bucketMs, end - start, Number(row.requests) + Number(row.events)) : null;
  if (step === null || !opts.reread) return null;
  // quiet context either side for the rolling baseline: a coarse bucket, at least 60 fine ones
  const margin = Math.max(bucketMs, 60 * step);
  const from = Math.max(Math.floor((start - margin) / step) * step, opts.range?.from ?? -Infinity);
  const to = Math.min(last + margin, opts.range?.to ?? Infinity);
  const series = opts.reread(from, to, step);
  const points = toPoints(series, step, to, opts);
  const { windows, flags } = detectWindows(points, detect);
  const hits = windows.filter((w) => points[w.end].t + step > start && points[w.start].t < end);
  if (!hits.length) return null;
  const fineStart = Math.min(...hits.map((w) => w.start));
  const fineEnd = Math.max(...hits.map((w) => w.end));
  const fineAfter = Math.max(...hits.map((w) => w.aftermathEnd ?? w.end));
  const win: Window = { start: fineStart, end: fineEnd, aftermathEnd: fineAfter > fineEnd ? fineAfter : null, reasons: new Set() };
  return { row: measure(win, series, points, flags, step, Number(row.window)), step };
}

/**
 * Refine step by step (1 h -> 1 min -> 10 s ...) while the window, as refined so far, still
 * fills a finer step; keep the coarse baseline, reasons and severity (like with like).
 */
function refine(row: Row, bucketMs: number, opts: SpikeOptions, detect: { k?: number; gap?: number }): Row {
  if (bucketMs < REFINE_FROM_MS) return row;
  let cur = row, bucket = bucketMs;
  for (let next = refineOnce(cur, bucket, opts, detect); next; next = refineOnce(cur, bucket, opts, detect)) {
    cur = next.row;
    bucket = next.step;
  }
  if (cur === row) return row;
  return { ...cur, baseline_rps: row.baseline_rps, baseline_p95_ms: row.baseline_p95_ms, reasons: row.reasons, severity: row.severity };
}

/** rank 1 = the most severe window; ties: more 5xx, then earlier. */
export function rankRows(rows: Row[]): Row[] {
  const order = [...rows].sort((a, b) => Number(b.severity) - Number(a.severity) || Number(b.errors) - Number(a.errors) || Number(a.start_ts) - Number(b.start_ts));
  order.forEach((r, i) => { r.rank = i + 1; });
  return rows;
}

/** Windows of a series as report rows, refined and ranked (also used by the postmortem and the TUI). */
export function spikeRows(series: SeriesRow[], bucketMs: number, opts: SpikeOptions = {}): Row[] {
  const points = toPoints(series, bucketMs, opts.range?.to ?? Infinity, opts);
  const o: { k?: number; gap?: number; period?: number } = {};
  if (opts.k != null) o.k = opts.k;
  if (opts.gap != null) o.gap = opts.gap;
  const detect = { ...o };
  // time of day: buckets that tile a day (detect.ts uses it when the range holds enough days)
  if (opts.daily !== false && bucketMs <= 3_600_000 && DAY % bucketMs === 0) o.period = DAY / bucketMs;
  const { windows, flags } = detectWindows(points, o);
  const rows = windows.map((w, i) => refine(measure(w, series, points, flags, bucketMs, i + 1), bucketMs, opts, detect));
  return rankRows(rows);
}

export function spikes(ctx: ModuleContext): ModuleOutput {
  const section = ctx.def.sections.find((s) => s.name === 'series');
  if (!section) throw new Error(`${ctx.def.path}: needs a "-- section: series" statement`);
  const series = runSection(ctx.db, ctx.def, section, ctx.resolved.bind) as unknown as SeriesRow[];
  const v = ctx.resolved.values;
  const reread = (from: number, to: number, stepMs: number) => runSection(ctx.db, ctx.def, section, {
    ...ctx.resolved.bind, from: BigInt(Math.round(from)), to: BigInt(Math.round(to)), bucket_ms: BigInt(stepMs),
  }) as unknown as SeriesRow[];
  // (a custom spikes.sql may carry done_hist in its series, or have no "done" section: then none is read)
  const doneSection = ctx.def.sections.find((s) => s.name === 'done');
  const done = doneSection ? (from: number, to: number) => {
    const r = runSection(ctx.db, ctx.def, doneSection, { ...ctx.resolved.bind, from: BigInt(Math.round(from)), to: BigInt(Math.round(to)) });
    return r.length ? (r[0].done_hist as string | null) : null;
  } : undefined;
  const rows = spikeRows(series, Number(v.bucket), {
    k: v.k as number | undefined, gap: v.gap as number | undefined, reread, range: { from: Number(v.from), to: Number(v.to) }, done,
  });
  return { columns: SPIKE_COLUMNS, rows };
}
