// One side (start or end) of a request's time, assembled from the time fields of a line.
// Most formats carry one complete stamp ($time_local, %t, $msec); Apache may build one from
// pieces (strftime date, %{msec_frac}t, %{%z}t). CLF stamps are read in place with one
// Date.UTC per distinct day; the other readers keep their last value: a busy log repeats the
// same second thousands of times.
import { parseClfTime, parseIsoTime, zonedToEpoch } from '../../src/util/time.js';
import type { TimeSpec } from './fields.js';
import { compileStrftime, type TimeParts } from './strftime.js';

export class TimeSide {
  /** epoch ms, or NaN when unset */
  epoch = NaN;
  /** true when `epoch` has whole-second resolution, so a fraction field may refine it */
  coarse = false;
  fracMs = NaN;
  parts: TimeParts | null = null;
  bad = false;

  reset(): void {
    this.epoch = NaN;
    this.coarse = false;
    this.fracMs = NaN;
    this.parts = null;
    this.bad = false;
  }

  /** epoch ms; null when the line had no stamp for this side; NaN when one was malformed */
  resolve(tz: string): number | null {
    if (this.bad) return NaN;
    let t = this.epoch;
    let coarse = this.coarse;
    const p = this.parts;
    if (Number.isNaN(t) && p) {
      if (p.epochMs !== undefined) t = p.epochMs;
      else if (p.year !== undefined && p.month0 !== undefined && p.day !== undefined) {
        const h = p.hour ?? 0, mi = p.minute ?? 0, s = p.second ?? 0;
        if (h > 23 || mi > 59 || s > 60 || p.day < 1 || p.day > 31) return NaN;
        t = p.offsetMin !== undefined
          ? Date.UTC(p.year, p.month0, p.day, h, mi, s) - p.offsetMin * 60_000
          : zonedToEpoch(tz, p.year, p.month0, p.day, h, mi, s);
      } else return NaN; // pieces that do not make a date
      coarse = true;
    }
    if (Number.isNaN(t)) return Number.isNaN(this.fracMs) ? null : NaN;
    return coarse && !Number.isNaN(this.fracMs) ? Math.round(t + this.fracMs) : t;
  }
}

type ValueReader = (raw: string, side: TimeSide, tz: string) => void;

/** Reads the time in s[b, e) into a side; `-` and empty leave the side unset. */
export type TimeReader = (s: string, b: number, e: number, side: TimeSide, tz: string) => void;

function numberReader(toMs: number): ValueReader {
  return (raw, side) => {
    const v = Number(raw);
    if (raw === '' || Number.isNaN(v)) side.bad = true;
    else side.epoch = Math.round(v * toMs);
  };
}

/** Epoch seconds, ms, us or ns told apart by magnitude (any stamp after 1973 is unambiguous). */
export function epochToMs(v: number): number {
  const a = Math.abs(v);
  const ms = a < 1e11 ? v * 1000 : a < 1e14 ? v : a < 1e17 ? v / 1000 : v / 1e6;
  return Math.round(ms);
}

const ISO_PARTS = /^\s*\d{4}-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d))?)?/;

/** parseIsoTime lets Date.UTC roll month 13 into next year; an impossible stamp is malformed. */
function isoTime(raw: string, tz: string): number {
  const m = ISO_PARTS.exec(raw);
  if (!m) return NaN;
  const [, mo, d, h = '0', mi = '0', s = '0'] = m;
  if (+mo < 1 || +mo > 12 || +d < 1 || +d > 31 || +h > 23 || +mi > 59 || +s > 60) return NaN;
  return parseIsoTime(raw, tz);
}

const EPOCH = /^\d+(?:\.\d+)?$/;
const CLF_START = /^\[?\d\d\//;

function autoReader(): ValueReader {
  let lastRaw = '';
  let lastMs = NaN;
  let lastCoarse = false;
  return (raw, side, tz) => {
    if (raw !== lastRaw) {
      lastRaw = raw;
      if (EPOCH.test(raw)) { lastMs = epochToMs(Number(raw)); lastCoarse = false; }
      else if (CLF_START.test(raw)) { lastMs = parseClfTime(raw.replace(/^\[|\]$/g, '')); lastCoarse = true; }
      else { lastMs = isoTime(raw, tz); lastCoarse = false; }
    }
    if (Number.isNaN(lastMs)) side.bad = true;
    else { side.epoch = lastMs; side.coarse = lastCoarse; }
  };
}

function valueReader(spec: TimeSpec): ValueReader {
  let lastRaw = '';
  let lastMs = NaN;
  switch (spec.parse) {
    case 'iso':
      return (raw, side, tz) => {
        if (raw !== lastRaw) { lastRaw = raw; lastMs = isoTime(raw, tz); }
        if (Number.isNaN(lastMs)) side.bad = true;
        else side.epoch = lastMs;
      };
    case 'auto': return autoReader();
    case 'epoch_s': return numberReader(1000);
    case 'epoch_ms': return numberReader(1);
    case 'epoch_us': return numberReader(0.001);
    case 'frac_ms':
    case 'frac_us': {
      const div = spec.parse === 'frac_ms' ? 1 : 1000;
      return (raw, side) => {
        if (!/^\d+$/.test(raw)) side.bad = true;
        else side.fracMs = Number(raw) / div;
      };
    }
    default: {
      const parser = compileStrftime(spec.pattern ?? '');
      return (raw, side) => {
        const p = parser.parse(raw);
        if (!p) { side.bad = true; return; }
        side.parts = side.parts ? { ...side.parts, ...p } : p;
      };
    }
  }
}

/** A reader for one time field. */
export function timeReader(spec: TimeSpec): TimeReader {
  if (spec.parse !== 'clf') {
    const read = valueReader(spec);
    return (s, b, e, side, tz) => {
      if (e === b || (e - b === 1 && s.charCodeAt(b) === 45)) return;
      read(s.slice(b, e), side, tz);
    };
  }
  return (s, b, e, side) => {
    const t = e - b === 26 ? clfAt(s, b) : e === b || (e - b === 1 && s.charCodeAt(b) === 45) ? null : NaN;
    if (t === null) return;
    if (Number.isNaN(t)) side.bad = true;
    else { side.epoch = t; side.coarse = true; }
  };
}

const MONTH_CODES = new Map<number, number>(
  ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
    .map((m, i) => [(m.charCodeAt(0) << 16) | (m.charCodeAt(1) << 8) | m.charCodeAt(2), i]),
);
let lastMonthKey = -1;
let lastMonth = 0;
let dayKey = -1;
let dayMs = 0;

function digit(s: string, i: number): number {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : NaN;
}

/**
 * `22/Nov/2026:09:57:26 +0000` at s[b] -> epoch ms, NaN when malformed. Read in place with one
 * Date.UTC per distinct day and offset: what parseClfTime does, without cutting the string,
 * for the one stamp every line of a CLF log carries.
 */
export function clfAt(s: string, b: number): number {
  if (s.charCodeAt(b + 2) !== 47 || s.charCodeAt(b + 6) !== 47 || s.charCodeAt(b + 11) !== 58 ||
      s.charCodeAt(b + 14) !== 58 || s.charCodeAt(b + 17) !== 58 || s.charCodeAt(b + 20) !== 32) return NaN;
  const monthKey = (s.charCodeAt(b + 3) << 16) | (s.charCodeAt(b + 4) << 8) | s.charCodeAt(b + 5);
  if (monthKey !== lastMonthKey) {
    const m = MONTH_CODES.get(monthKey);
    if (m === undefined) return NaN;
    lastMonthKey = monthKey;
    lastMonth = m;
  }
  const month = lastMonth;
  const day = digit(s, b) * 10 + digit(s, b + 1);
  const year = digit(s, b + 7) * 1000 + digit(s, b + 8) * 100 + digit(s, b + 9) * 10 + digit(s, b + 10);
  const sign = s.charCodeAt(b + 21);
  const offMin = (digit(s, b + 22) * 10 + digit(s, b + 23)) * 60 + digit(s, b + 24) * 10 + digit(s, b + 25);
  const hour = digit(s, b + 12) * 10 + digit(s, b + 13);
  const minute = digit(s, b + 15) * 10 + digit(s, b + 16);
  const second = digit(s, b + 18) * 10 + digit(s, b + 19);
  if (!(hour < 24 && minute < 60 && second < 61 && day >= 1 && day <= 31) || (sign !== 43 && sign !== 45)) return NaN;
  const key = ((year * 12 + month) * 32 + day) * 4000 + (sign === 45 ? 2000 : 0) + offMin;
  if (key !== key) return NaN;
  if (key !== dayKey) {
    const midnight = Date.UTC(year, month, day);
    if (new Date(midnight).getUTCDate() !== day) return NaN; // 31/Nov is no day
    dayKey = key;
    dayMs = midnight - (sign === 45 ? -1 : 1) * offMin * 60_000;
  }
  return dayMs + hour * 3_600_000 + minute * 60_000 + second * 1000;
}
