// Time stamps as logs write them -> epoch milliseconds UTC.
//
// Logs stamp millions of lines with a handful of distinct seconds, so the hot paths avoid
// Date parsing and Intl entirely: fields are read by position and zone offsets are cached per
// quarter hour (every real zone transition falls on a quarter-hour boundary).

const MONTHS: Record<string, number> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
};

export function monthIndex(name: string): number | undefined {
  return MONTHS[name.length === 3 ? name : name.slice(0, 1).toUpperCase() + name.slice(1, 3).toLowerCase()];
}

export function machineZone(): string {
  return process.env.TZ || Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

const UTC_NAMES = new Set(['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT', 'Z', 'UCT', 'Universal', 'Zulu']);
const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, number>();

/** Throws RangeError for an unknown zone: callers validate `--tz` once at the edge. */
export function assertZone(tz: string): void {
  if (UTC_NAMES.has(tz)) return;
  new Intl.DateTimeFormat('en-US', { timeZone: tz });
}

/** Offset of `tz` from UTC in ms at instant `utcMs` (positive east of Greenwich). */
export function zoneOffsetMs(tz: string, utcMs: number): number {
  if (UTC_NAMES.has(tz)) return 0;
  const slot = Math.floor(utcMs / 900_000);
  const key = tz + '|' + slot;
  const hit = offsetCache.get(key);
  if (hit !== undefined) return hit;
  let fmt = formatters.get(tz);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(tz, fmt);
  }
  const p: Record<string, number> = {};
  for (const part of fmt.formatToParts(new Date(slot * 900_000))) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  const offset = asUtc - slot * 900_000;
  if (offsetCache.size > 10_000) offsetCache.clear();
  offsetCache.set(key, offset);
  return offset;
}

/** Wall-clock fields in zone `tz` -> epoch ms. Ambiguous wall times resolve to the earlier instant. */
export function zonedToEpoch(
  tz: string, year: number, month0: number, day: number,
  hour: number, minute: number, second: number, ms = 0,
): number {
  const wall = Date.UTC(year, month0, day, hour, minute, second, ms);
  if (UTC_NAMES.has(tz)) return wall;
  const first = wall - zoneOffsetMs(tz, wall);
  const second_ = wall - zoneOffsetMs(tz, first);
  return second_;
}

function num2(s: string, i: number): number {
  return (s.charCodeAt(i) - 48) * 10 + (s.charCodeAt(i + 1) - 48);
}
function num4(s: string, i: number): number {
  return num2(s, i) * 100 + num2(s, i + 2);
}

/** `22/Nov/2026:09:57:26 +0000` (CLF, nginx $time_local, Apache %t). NaN when malformed. */
export function parseClfTime(s: string): number {
  if (s.length < 26 || s.charCodeAt(2) !== 47 || s.charCodeAt(6) !== 47) return NaN;
  const month = MONTHS[s.slice(3, 6)];
  if (month === undefined) return NaN;
  const day = num2(s, 0), year = num4(s, 7), hour = num2(s, 12), minute = num2(s, 15), sec = num2(s, 18);
  const sign = s.charCodeAt(21) === 45 ? -1 : 1;
  const offMin = num2(s, 22) * 60 + num2(s, 24);
  const t = Date.UTC(year, month, day, hour, minute, sec) - sign * offMin * 60_000;
  return Number.isFinite(t) && hour < 24 && minute < 60 && sec < 61 ? t : NaN;
}

const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2}|[+-]\d{2})?$/;

/** ISO 8601 (`2026-11-22T09:52:00+00:00`, `2026-11-22 09:52:00.123`, with or without a zone). */
export function parseIsoTime(s: string, tz: string): number {
  const m = ISO_RE.exec(s.trim());
  if (!m) return NaN;
  const [, y, mo, d, h = '0', mi = '0', se = '0', frac, zone] = m;
  const ms = frac ? Math.round(Number('0.' + frac) * 1000) : 0;
  if (zone) {
    const base = Date.UTC(+y, +mo - 1, +d, +h, +mi, +se, ms);
    if (zone === 'Z') return base;
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const off = (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0')) * 60_000;
    return base - sign * off;
  }
  return zonedToEpoch(tz, +y, +mo - 1, +d, +h, +mi, +se, ms);
}

const LOOSE_FORMATS: Array<{ re: RegExp; build: (m: RegExpExecArray, tz: string) => number }> = [
  // nginx error log: 2026/11/22 09:50:03
  { re: /^(\d{4})\/(\d{2})\/(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/,
    build: (m, tz) => zonedToEpoch(tz, +m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) },
  // PHP-FPM: 22-Nov-2026 09:51:43(.123)
  { re: /^(\d{2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/,
    build: (m, tz) => {
      const mo = monthIndex(m[2]);
      return mo === undefined ? NaN
        : zonedToEpoch(tz, +m[3], mo, +m[1], +m[4], +m[5], +m[6], m[7] ? Math.round(Number('0.' + m[7]) * 1000) : 0);
    } },
  // Apache error log: Sun Nov 22 09:49:49(.123456) 2026
  { re: /^[A-Za-z]{3} ([A-Za-z]{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d+))? (\d{4})$/,
    build: (m, tz) => {
      const mo = monthIndex(m[1]);
      return mo === undefined ? NaN
        : zonedToEpoch(tz, +m[7], mo, +m[2], +m[3], +m[4], +m[5], m[6] ? Math.round(Number('0.' + m[6]) * 1000) : 0);
    } },
];

/**
 * Any stamp a user may paste on the command line: ISO 8601, CLF, the error-log layouts, or
 * epoch seconds / milliseconds. A bare time of day (`09:52`, `09:52:30`) means that time on the
 * day of `dayOf` (epoch ms, usually the start of the data) in `tz`: at 3 a.m. nobody types
 * the date of the incident they are looking at. NaN when nothing fits.
 */
export function parseTimeArg(input: string, tz: string, dayOf?: number): number {
  const s = input.trim().replace(/^\[|\]$/g, '');
  const clock = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/.exec(s);
  if (clock) {
    if (dayOf === undefined || !Number.isFinite(dayOf)) return NaN;
    const local = new Date(dayOf + zoneOffsetMs(tz, dayOf));
    const [h, m, sec] = [Number(clock[1]), Number(clock[2]), Number(clock[3] ?? 0)];
    if (h > 23 || m > 59 || sec > 59) return NaN;
    return zonedToEpoch(tz, local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), h, m, sec,
      clock[4] ? Number(clock[4].padEnd(3, '0')) : 0);
  }
  if (/^\d{9,10}(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  if (/^\d{12,13}$/.test(s)) return Number(s);
  if (/^\d{2}\/[A-Za-z]{3}\/\d{4}:\d{2}:\d{2}:\d{2}$/.test(s)) {
    const m = /^(\d{2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})$/.exec(s)!;
    const mo = monthIndex(m[2]);
    return mo === undefined ? NaN : zonedToEpoch(tz, +m[3], mo, +m[1], +m[4], +m[5], +m[6]);
  }
  const clf = parseClfTime(s);
  if (!Number.isNaN(clf)) return clf;
  const iso = parseIsoTime(s, tz);
  if (!Number.isNaN(iso)) return iso;
  for (const f of LOOSE_FORMATS) {
    const m = f.re.exec(s);
    if (m) return f.build(m, tz);
  }
  return NaN;
}

/** epoch ms -> `2026-11-22T09:52:00.000Z` (null-safe for report rows). */
export function isoUtc(ms: number | null | undefined): string | null {
  return ms == null || !Number.isFinite(ms) ? null : new Date(ms).toISOString();
}

/** `90s`, `1m`, `5m`, `1h`, `250ms` -> ms. NaN when malformed. */
export function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(s.trim());
  if (!m) return NaN;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] ?? 's']!;
  return Number(m[1]) * unit;
}
