// One side (start or end) of a request's time, assembled from the time fields of a line.
// Most formats carry one complete stamp ($time_local, %t, $msec); Apache may build one from
// pieces (strftime date, %{msec_frac}t, %{%z}t). Complete stamps are read without Date or
// regex work in the common CLF case, and every reader keeps its last value: a busy log repeats
// the same second thousands of times.
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

export type TimeReader = (raw: string, side: TimeSide, tz: string) => void;

function numberReader(toMs: number): TimeReader {
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

function autoReader(): TimeReader {
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

/** A reader for one time field; `-` leaves the side unset. */
export function timeReader(spec: TimeSpec): TimeReader {
  let lastRaw = '';
  let lastMs = NaN;
  switch (spec.parse) {
    case 'clf':
      return (raw, side) => {
        if (raw !== lastRaw) { lastRaw = raw; lastMs = parseClfTime(raw); }
        if (Number.isNaN(lastMs)) side.bad = true;
        else { side.epoch = lastMs; side.coarse = true; }
      };
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
        const v = Number(raw);
        if (!/^\d+$/.test(raw)) side.bad = true;
        else side.fracMs = v / div;
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
