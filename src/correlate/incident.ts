// The `incident` report: queries/incident.sql holds one statement per section; this module picks
// the window (the most severe spike when none is given) and the period before it to compare with.
import { runSection, runReport, type Row } from '../report/runner.js';
import { isoUtc } from '../util/time.js';
import { bucketLabel } from '../report/params.js';
import type { ModuleContext, ModuleOutput } from '../report/runner.js';
import { ParamError } from '../report/params.js';
import { WHAT_TO_CHANGE, whatToChangeRows } from '../diagnose/incident-section.js';

export const INCIDENT_COLUMNS = [
  'section', 'item', 'detail', 'before', 'during', 'ratio', 'change', 'errors_before', 'errors_during',
  'p95_before_ms', 'p95_during_ms', 'first', 'last',
];

/**
 * The clients section's last row when the client rollups could not tell every client apart (more
 * clients in a 10 s or minute than they keep): the traffic of the rest (queries/incident.sql).
 */
export const OTHER_CLIENTS = '(other clients)';

const MINUTE = 60_000;
const big = (v: number) => BigInt(Math.round(v));

interface Span { from: number; to: number }

/**
 * Spike windows through their aftermath (where the fallout is logged), most severe first; within
 * [from, to) when given (the baseline period only needs the spikes that end inside it).
 */
export function spikeSpans(ctx: ModuleContext, from?: number, to?: number): Span[] {
  const v = ctx.resolved.values;
  const input: Record<string, string | null> = { host: v.host as string | null, tier: v.tier as string };
  if (from !== undefined && to !== undefined) Object.assign(input, { from: String(from), to: String(to) });
  // the rollups were made current and the data range found for this report: not again
  const range = { from: Number(v.data_from), to: Number(v.data_to), tier: v.tier as 'edge' | 'backend' };
  const spikes = runReport(ctx.db, 'spikes', input, { ...ctx.opts, optional: undefined, rollupsReady: true, range });
  // the spikes report's rank (severity, then 5xx, then time): the window the postmortem tells first
  return [...spikes.rows]
    .sort((a, b) => Number(a.rank ?? 0) - Number(b.rank ?? 0) || Number(b.severity) - Number(a.severity))
    .map((r) => ({ from: Number(r.start_ts), to: Number(r.aftermath_end_ts ?? r.end_ts) }));
}

/**
 * The comparison period: `baseline` before the window, cut to start after an earlier spike that
 * ends inside it (comparing with another incident hides what changed), unless that leaves less
 * than half the window's length or 10 s: rates from a few seconds are noise.
 */
function basePeriod(from: number, to: number, baseline: number, dataFrom: number, spans: Span[]): number {
  let baseFrom = Math.min(from, Math.max(dataFrom, from - baseline));
  for (const s of spans) {
    if (s.to > baseFrom && s.to <= from && from - s.to >= Math.max((to - from) / 2, 10_000)) baseFrom = s.to;
  }
  return baseFrom;
}

export function incident(ctx: ModuleContext): ModuleOutput {
  const v = ctx.resolved.values;
  let from = v.from as number | null;
  let to = v.to as number | null;
  if ((from === null) !== (to === null)) throw new ParamError('incident needs both --from and --to, or neither (then it explains the most severe spike)');
  let spans: Span[] | null = null;
  if (from === null || to === null) {
    spans = spikeSpans(ctx);
    if (!spans.length) return { columns: INCIDENT_COLUMNS, rows: [], sections: [], params: { from: null, to: null } };
    ({ from, to } = spans[0]);
  }
  if (to <= from) throw new ParamError('--to must be after --from');
  const len = to - from;
  const baseline = typeof v.baseline === 'number' ? v.baseline : Math.max(4 * len, MINUTE);
  const earliest = Math.max(Number(v.data_from), from - baseline);
  // a window given by hand: only the spikes inside its baseline period matter (and are cheaper)
  spans ??= earliest < from ? spikeSpans(ctx, earliest, from) : [];
  const baseFrom = basePeriod(from, to, baseline, Number(v.data_from), spans);
  const bind = {
    ...ctx.resolved.bind,
    from: big(from), to: big(to), base_from: big(baseFrom), base_to: big(from),
    from_minute: big(Math.ceil(from / MINUTE) * MINUTE), to_minute: big(Math.floor(to / MINUTE) * MINUTE),
    base_from_minute: big(Math.ceil(baseFrom / MINUTE) * MINUTE), base_to_minute: big(Math.floor(from / MINUTE) * MINUTE),
  };
  const rows: Row[] = [];
  const sections: string[] = [];
  for (const s of ctx.def.sections) {
    const name = s.name ?? 'rows';
    sections.push(name);
    for (const r of runSection(ctx.db, ctx.def, s, bind)) rows.push({ section: name, ...r });
  }
  // the limits that broke in the window (overload diagnose), last: what to change
  sections.push(WHAT_TO_CHANGE);
  rows.push(...whatToChangeRows(ctx.db, from, to, (v.host as string | null) ?? null, ctx.opts.tz ?? 'UTC'));
  return {
    columns: INCIDENT_COLUMNS, rows, sections,
    params: { from: isoUtc(from), to: isoUtc(to), baseline_from: isoUtc(baseFrom), baseline: bucketLabel(from - baseFrom) },
  };
}
