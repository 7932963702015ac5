// Everything the postmortem says comes from the canned reports (queries/), so each statement in
// the document can cite the command that reproduces it.
import type { DB } from '../store/db.js';
import { runReport, type ReportResult, type Row } from '../report/runner.js';
import type { ParamInput } from '../report/params.js';
import { suspectSources, type SuspectSource } from '../store/suspect.js';
import { MODULES } from '../correlate/modules.js';
import { userReports, type UserReport } from './user-reports.js';

export interface WindowData {
  spike: Row;
  /** one of the windows the summary tells (majorWindows), not a lesser one */
  major: boolean;
  /** the window explained: the load through its aftermath */
  from: number;
  to: number;
  incident: ReportResult;
  samples: ReportResult;
  slowest: Row[];
}

/**
 * The windows the summary tells: the most severe, and any other whose severity is at least
 * MAJOR_SHARE of its (at most MAJOR_MAX). The rest are listed below them as lesser windows:
 * a log of two weeks holds routine bumps that must not bury the incident.
 */
export const MAJOR_SHARE = 0.25;
export const MAJOR_MAX = 3;
/** Windows explained in a section of their own, the most severe first (the table lists them all). */
export const SECTIONS_MAX = 6;

/** Spike rows split into the windows that matter (time order) and the lesser ones (rank order). */
export function majorWindows(spikes: Row[]): { major: Row[]; lesser: Row[] } {
  const ranked = [...spikes].sort((a, b) => Number(a.rank ?? 0) - Number(b.rank ?? 0));
  const top = Number(ranked[0]?.severity ?? 0);
  const major = ranked.filter((r, i) => i < MAJOR_MAX && Number(r.severity) >= MAJOR_SHARE * top);
  const lesser = ranked.filter((r) => !major.includes(r));
  return { major: major.sort((a, b) => Number(a.start_ts) - Number(b.start_ts)), lesser };
}

export interface PostmortemData {
  /** the range/host the user asked for, repeated in every cited command */
  scope: Record<string, string | undefined>;
  params: Record<string, string | number | null>;
  /** about the range: stamps far from the rest left out of it, a bucket widened */
  notes: string[];
  bucketMs: number;
  timeline: Row[];
  spikes: Row[];
  /** the windows explained in sections (the major ones, then lesser ones up to SECTIONS_MAX), in time order */
  windows: WindowData[];
  /** the other spike windows, most severe first */
  lesser: Row[];
  slowEndpoints: Row[];
  slowlog: Row[];
  fpm: ReportResult;
  backend: Row[];
  oversized: ReportResult;
  upstreams: Row[];
  /** a capacity from the logs (pm.max_children), with how long in-flight exceeded it */
  capacity: { limit: number; source: string; overSeconds: number; peak: number; upstream: string | null } | null;
  events: Row[];
  /** the kernel's overload counters over the range: counter, increase, first and last snapshot that saw one */
  counters: Row[];
  /** the kernel's events per second, kind and backend (the listener of a SYN flood, the process of an OOM kill) */
  kernelEvents: Row[];
  sources: Row[];
  /** sources with rows decoded from damaged compressed data (store/suspect.ts) */
  suspect: SuspectSource[];
  /** the user's own reports (--queries) over the range, each a section of its own */
  userReports: UserReport[];
}

export interface CollectOptions {
  from?: string;
  to?: string;
  host?: string;
  tz?: string;
  /** folders of the user's reports (':'-separated; $OVERLOAD_QUERIES is read too) */
  queries?: string;
}

/** A command line for a report, to cite as evidence. */
export function cite(name: string, params: Record<string, unknown>): string {
  const parts = [`overload report ${name}`];
  for (const [k, v] of Object.entries(params)) {
    if (v === null || v === undefined || v === '') continue;
    if (k === 'from' || k === 'to' || k === 'host') parts.push(`--${k} ${v}`);
    else parts.push(`--param ${k}=${v}`);
  }
  return parts.join(' ');
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

export function collect(db: DB, opts: CollectOptions): PostmortemData {
  const tz = opts.tz;
  const base: Record<string, ParamInput> = { from: opts.from, to: opts.to, host: opts.host };
  const run = (name: string, extra: Record<string, ParamInput> = {}) => runReport(db, name, { ...base, ...extra }, { tz, modules: MODULES });
  const timeline = run('timeline');
  const spikes = run('spikes');
  const { major, lesser } = majorWindows(spikes.rows);
  const explained = [...major, ...lesser.slice(0, Math.max(0, SECTIONS_MAX - major.length))]
    .sort((a, b) => Number(a.start_ts) - Number(b.start_ts));
  const windows: WindowData[] = explained.map((s) => {
    const from = Number(s.start_ts);
    const to = Number(s.aftermath_end_ts ?? s.end_ts);
    const w = { from: iso(from), to: iso(to), host: opts.host };
    return {
      spike: s, major: major.includes(s), from, to,
      incident: runReport(db, 'incident', { ...w, limit: 5 }, { tz: 'UTC', modules: MODULES }),
      samples: runReport(db, 'samples', { ...w, limit: 3 }, { tz: 'UTC' }),
      slowest: runReport(db, 'slow-endpoints', { ...w, limit: 3 }, { tz: 'UTC' }).rows,
    };
  });
  const fpm = run('fpm-saturation');
  const events = eventTotals(run('events', { bucket: '1h' }).rows);
  // pm.max_children only: nginx's worker_connections and Apache's limits are not PHP workers
  const limits = fpm.rows.filter((r) => r.section === 'saturation' && r.max_children != null && (r.component ?? 'php-fpm') === 'php-fpm')
    .map((r) => Number(r.max_children));
  let capacity: PostmortemData['capacity'] = null;
  if (limits.length) {
    const limit = Math.max(...limits);
    // in flight per upstream: the PHP socket's own series when nginx names it, else everything
    const byUp = run('concurrency', { by: 'upstream', limit, bucket: '1h' }).rows;
    const ups = new Map<string, { over: number; peak: number }>();
    for (const r of byUp) {
      const u = ups.get(String(r.upstream)) ?? { over: 0, peak: 0 };
      u.over += Number(r.over_limit_s ?? 0);
      u.peak = Math.max(u.peak, Number(r.peak ?? 0));
      ups.set(String(r.upstream), u);
    }
    const php = [...ups.entries()].filter(([k]) => /fpm|php|\.sock/.test(k)).sort((a, b) => b[1].peak - a[1].peak)[0];
    if (php) capacity = { limit, source: 'pm.max_children', overSeconds: php[1].over, peak: php[1].peak, upstream: php[0] };
    else {
      const all = run('concurrency', { limit, bucket: '1h' }).rows;
      capacity = {
        limit, source: 'pm.max_children', upstream: null,
        overSeconds: all.reduce((a, r) => a + Number(r.over_limit_s ?? 0), 0),
        peak: all.reduce((a, r) => Math.max(a, Number(r.peak ?? 0)), 0),
      };
    }
  }
  return {
    scope: { from: opts.from, to: opts.to, host: opts.host },
    params: { ...timeline.params },
    notes: timeline.notes,
    bucketMs: parseBucket(String(timeline.params.bucket)),
    timeline: timeline.rows,
    spikes: spikes.rows,
    windows,
    lesser,
    slowEndpoints: run('slow-endpoints', { limit: 5 }).rows,
    slowlog: run('slowlog-top', { limit: 1000 }).rows,
    fpm,
    backend: run('backend-overload').rows,
    oversized: run('oversized', { limit: 50 }),
    upstreams: run('upstreams', { limit: 5 }).rows,
    capacity,
    events,
    counters: counterTotals(run('kernel-counters').rows),
    // per second: a finding names each kill or flood at its time
    kernelEvents: run('events', { component: 'kernel', bucket: '1s' }).rows,
    // every input, whatever the host (queries/inputs.sql, as the TUI's Sources panel)
    sources: runReport(db, 'inputs', {}, { tz }).rows,
    suspect: suspectSources(db),
    userReports: userReports(db, opts.queries, base, tz),
  };
}

/** Events per component and kind over the whole range, most first. */
function eventTotals(rows: Row[]): Row[] {
  const m = new Map<string, Row>();
  for (const r of rows) {
    const k = `${r.component}\u001f${r.kind}`;
    const t = m.get(k);
    if (!t) m.set(k, { component: r.component, kind: r.kind, events: Number(r.events), first: r.first, last: r.last });
    else {
      t.events = Number(t.events) + Number(r.events);
      if (String(r.first) < String(t.first)) t.first = r.first;
      if (String(r.last) > String(t.last)) t.last = r.last;
    }
  }
  return [...m.values()].sort((a, b) => Number(b.events) - Number(a.events));
}

/** Increases per kernel counter over the whole range, largest first. */
function counterTotals(rows: Row[]): Row[] {
  const m = new Map<string, Row>();
  for (const r of rows) {
    const t = m.get(String(r.counter));
    if (!t) m.set(String(r.counter), { counter: r.counter, increase: Number(r.increase), first: r.first, last: r.last });
    else {
      t.increase = Number(t.increase) + Number(r.increase);
      if (r.first != null && (t.first == null || String(r.first) < String(t.first))) t.first = r.first;
      if (r.last != null && (t.last == null || String(r.last) > String(t.last))) t.last = r.last;
    }
  }
  return [...m.values()].filter((r) => Number(r.increase) > 0).sort((a, b) => Number(b.increase) - Number(a.increase));
}

function parseBucket(label: string): number {
  const m = /^(\d+)(s|m|h|d)$/.exec(label);
  if (!m) return 1000;
  // (days: a bucket widened to keep a long range within MAX_BUCKETS)
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
}
