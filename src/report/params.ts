// Parameter values from the CLI (strings) or the TUI (numbers, strings) -> values bound to SQL.
// Integral numbers bind as BigInt: better-sqlite3 binds every JS number as REAL, and SQLite's
// integer division (bucketing) needs INTEGER operands.
import { parseTimeArg, parseDuration, isoUtc } from '../util/time.js';
import type { ParamDef, ReportDef } from './loader.js';
import { describeOutliers, type DataRange } from './extent.js';

export type ParamInput = string | number | boolean | null | undefined;

export class ParamError extends Error {}

export const BUCKET_STEPS_MS = [1_000, 10_000, 60_000, 300_000, 900_000, 3_600_000];

/** The step from 1s/10s/1m/5m/15m/1h whose bucket count is nearest (in ratio) to 60-120. */
export function autoBucketMs(spanMs: number): number {
  let best = BUCKET_STEPS_MS[0];
  let bestScore = Infinity;
  for (const step of BUCKET_STEPS_MS) {
    const n = Math.max(1, spanMs / step);
    const score = n < 60 ? 60 / n : n > 120 ? n / 120 : 1;
    if (score < bestScore) { best = step; bestScore = score; }
  }
  return best;
}

/**
 * The most buckets a report walks, whatever range and bucket it is asked for: 10,000 is 1 s
 * buckets over 2 h 46 min, 1 min over a week. A year asked for in 1 s buckets (31.5M of them,
 * over a minute of SQL) gets wider ones instead, with a note saying so.
 */
export const MAX_BUCKETS = 10_000;
const WIDER_STEPS_MS = [...BUCKET_STEPS_MS, 6 * 3_600_000, 86_400_000, 7 * 86_400_000];

/**
 * `bucketMs`, or the narrowest wider step (then whole days) that keeps `spanMs` within MAX_BUCKETS
 * buckets, counting the one more that snapping a default edge to the bucket grid can add.
 */
export function boundedBucketMs(spanMs: number, bucketMs: number): number {
  const fits = (b: number) => Math.ceil(spanMs / b) + 1 <= MAX_BUCKETS;
  if (fits(bucketMs)) return bucketMs;
  for (const step of WIDER_STEPS_MS) if (step > bucketMs && fits(step)) return step;
  let days = Math.ceil(spanMs / (MAX_BUCKETS - 1) / 86_400_000);
  while (!fits(days * 86_400_000)) days++;
  return days * 86_400_000;
}

export function bucketLabel(ms: number): string {
  if (ms > 0 && ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms > 0 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms > 0 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

function bind(v: number): number | bigint {
  return Number.isSafeInteger(v) ? BigInt(v) : v;
}

function coerce(p: ParamDef, raw: ParamInput, tz: string, range: DataRange): unknown {
  const text = typeof raw === 'string' ? raw.trim() : raw;
  const bad = (why: string) => new ParamError(`bad value for ${p.name}: ${JSON.stringify(raw)} (${why})`);
  if (text === null || text === undefined || text === '') return null;
  switch (p.type) {
    case 'time': {
      if (typeof text === 'number') return text;
      if (text === 'start of data') return range.from;
      if (text === 'end of data') return range.to;
      const t = parseTimeArg(String(text), tz, range.from);
      if (Number.isNaN(t)) throw bad('expected ISO 8601, a stamp as the logs write it, a time of day (09:52) or epoch seconds');
      return t;
    }
    case 'int': {
      const n = Number(text);
      if (!Number.isInteger(n)) throw bad('expected a whole number');
      return n;
    }
    case 'number': {
      const n = Number(text);
      if (!Number.isFinite(n)) throw bad('expected a number');
      return n;
    }
    case 'duration':
    case 'bucket': {
      if (text === 'auto') return 'auto';
      const ms = typeof text === 'number' ? text : parseDuration(String(text));
      if (!Number.isFinite(ms) || ms <= 0) throw bad('expected a duration such as 1s, 10s, 1m, 5m' + (p.type === 'bucket' ? ' or auto' : ''));
      if (p.type === 'bucket' && ms % 1000 !== 0) throw bad('buckets are whole seconds');
      return Math.round(ms);
    }
    case 'enum':
      if (!p.choices!.includes(String(text))) throw bad(`one of ${p.choices!.join(', ')}`);
      return String(text);
    case 'bool':
      if (/^(1|true|yes|on)$/i.test(String(text))) return 1;
      if (/^(0|false|no|off)$/i.test(String(text))) return 0;
      throw bad('expected true or false');
    case 'tier':
      if (text === 'auto') return range.tier;
      if (text !== 'edge' && text !== 'backend') throw bad('edge, backend or auto');
      return text;
    default:
      return String(text);
  }
}

export interface Resolved {
  /** named values to bind (BigInt for integers) */
  bind: Record<string, unknown>;
  /** the same values as a person reads them (ISO times, bucket labels) */
  shown: Record<string, string | number | null>;
  /** plain numbers for TypeScript modules */
  values: Record<string, unknown>;
  /** what the user should know about the range (a bucket widened, outliers left out) */
  notes: string[];
}

/**
 * Resolve a report's parameters. `input` holds what the user gave, by parameter name; names the
 * report does not declare are an error unless listed in `optional` (the CLI's common flags).
 */
export function resolveParams(def: ReportDef, input: Record<string, ParamInput>, tz: string, range: DataRange,
  optional: string[] = []): Resolved {
  for (const k of Object.keys(input)) {
    if (input[k] === undefined) continue;
    if (!def.params.some((p) => p.name === k) && !optional.includes(k)) {
      throw new ParamError(`report ${def.name} has no parameter ${k} (it takes: ${def.params.map((p) => p.name).join(', ') || 'none'})`);
    }
  }
  const values: Record<string, unknown> = {};
  for (const p of def.params) {
    const given = input[p.name];
    values[p.name] = coerce(p, given === undefined || given === null ? p.default : given, tz, range);
  }
  // the time range and bucket: defaults cover the data, buckets aim at 60-120 rows
  const fromGiven = input.from != null && input.from !== '';
  const toGiven = input.to != null && input.to !== '';
  let from = typeof values.from === 'number' ? values.from : range.from;
  let to = typeof values.to === 'number' ? values.to : range.to;
  if (to < from) throw new ParamError(`--to (${isoUtc(to)}) is before --from (${isoUtc(from)})`);
  const bucketParam = def.params.find((p) => p.type === 'bucket');
  let bucketMs = 0;
  const notes: string[] = [];
  if (bucketParam) {
    const b = values[bucketParam.name];
    const asked = typeof b === 'number' ? b : autoBucketMs(to - from);
    bucketMs = boundedBucketMs(to - from, asked);
    if (bucketMs !== asked) {
      notes.push(`${bucketLabel(bucketMs)} buckets instead of ${bucketLabel(asked)}: ${isoUtc(from)} .. ${isoUtc(to)} would be ` +
        `${Math.ceil((to - from) / asked).toLocaleString('en-US')} buckets, and a report walks at most ${MAX_BUCKETS.toLocaleString('en-US')}`);
    }
    values[bucketParam.name] = bucketMs;
    // default edges snap to the bucket grid, so the first and last buckets are whole
    if (!fromGiven) from = Math.floor(from / bucketMs) * bucketMs;
    if (!toGiven) to = Math.ceil(to / bucketMs) * bucketMs;
  }
  // a report that declares from/to without a default (incident) gets null and chooses itself
  if (values.from != null) values.from = from;
  if (values.to != null) values.to = to;
  for (const p of def.params) if (p.type === 'duration' && values[p.name] === 'auto') values[p.name] = null;
  const derived: Record<string, unknown> = {
    bucket_ms: bucketMs || null,
    span_ms: to - from,
    // what the data covers (whatever the range asked for)
    data_from: range.from,
    data_to: range.to,
    // whole minutes inside [from, to): per-minute rollups cover them, raw rows the edges
    from_minute: Math.ceil(from / 60_000) * 60_000,
    to_minute: Math.floor(to / 60_000) * 60_000,
  };
  const bindings: Record<string, unknown> = {};
  for (const [k, v] of Object.entries({ ...values, ...derived })) bindings[k] = typeof v === 'number' ? bind(v) : v;
  const shown: Record<string, string | number | null> = {};
  for (const p of def.params) {
    const v = values[p.name];
    shown[p.name] = v == null ? null : p.type === 'time' ? isoUtc(v as number)
      : p.type === 'bucket' || p.type === 'duration' ? bucketLabel(v as number) : (v as string | number);
  }
  // outliers are outside the default range only: a range the user gave is taken as given
  const ranged = def.params.some((p) => p.name === 'from');
  const outliers = !ranged || (fromGiven && toGiven) ? null : describeOutliers(range.outliers);
  if (outliers) notes.push(`${outliers}; --from/--to reach them`);
  return { bind: bindings, shown, values: { ...values, ...derived }, notes };
}
