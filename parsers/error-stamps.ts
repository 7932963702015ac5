// The time stamps of the error-log layouts, read by position. Error logs repeat the same second
// many times in a burst, so each reader remembers the last stamp text it converted.
import { monthIndex, zonedToEpoch } from '../src/util/time.js';

function d2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48, b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : NaN;
}
function d4(s: string, i: number): number {
  return d2(s, i) * 100 + d2(s, i + 2);
}
/** `.123456` (any number of digits) -> ms; '' -> 0 */
function fracMs(frac: string): number {
  return frac ? Math.floor(Number('0.' + frac) * 1000) : 0;
}
function valid(t: number, h: number, mi: number, s: number): number {
  return Number.isFinite(t) && h < 24 && mi < 60 && s < 61 ? t : NaN;
}

/** A converter with a one-entry memo: `key` is the stamp text, `read` does the real work. */
export function memoStamp<A extends unknown[]>(read: (key: string, ...rest: A) => number) {
  let lastKey = '';
  let lastValue = NaN;
  return (key: string, ...rest: A): number => {
    if (key === lastKey) return lastValue;
    lastValue = read(key, ...rest);
    lastKey = key;
    return lastValue;
  };
}

/** `2026-11-22 09:57:47` (lighttpd) or `2026/11/22 09:50:03` (nginx): y at 0, time at 11. */
export function readYmdHms(s: string, tz: string, frac = ''): number {
  const y = d4(s, 0), mo = d2(s, 5), d = d2(s, 8), h = d2(s, 11), mi = d2(s, 14), sec = d2(s, 17);
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return NaN;
  return valid(zonedToEpoch(tz, y, mo - 1, d, h, mi, sec, fracMs(frac)), h, mi, sec);
}

/** `22-Nov-2026 09:51:57` (PHP and PHP-FPM) */
export function readDmyHms(s: string, tz: string, frac = ''): number {
  const d = d2(s, 0), mo = monthIndex(s.slice(3, 6)), y = d4(s, 7);
  const h = d2(s, 12), mi = d2(s, 15), sec = d2(s, 18);
  if (mo === undefined || d < 1 || d > 31) return NaN;
  return valid(zonedToEpoch(tz, y, mo, d, h, mi, sec, fracMs(frac)), h, mi, sec);
}

const APACHE_RE = /^[A-Za-z]{3} ([A-Za-z]{3}) +(\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\.(\d+))? (\d{4})$/;

/** `Sun Nov 22 09:49:49.123456 2026` (2.4) or `Sun Nov 22 09:49:49 2026` (2.2) */
export function readApache(s: string, tz: string): number {
  const m = APACHE_RE.exec(s);
  if (!m) return NaN;
  const mo = monthIndex(m[1]);
  if (mo === undefined) return NaN;
  const h = +m[3], mi = +m[4], sec = +m[5];
  return valid(zonedToEpoch(tz, +m[7], mo, +m[2], h, mi, sec, fracMs(m[6] ?? '')), h, mi, sec);
}

const OFFSET_RE = /^([+-])(\d\d):?(\d\d)$/;
const zoneOk = new Map<string, boolean>();

/**
 * The zone PHP writes after its stamp (`UTC`, `Europe/Berlin`, `+01:00`) -> a zone or offset
 * to read the stamp in; unknown names fall back to the user's zone.
 */
export function readZoned(s: string, zone: string, fallbackTz: string): number {
  const off = OFFSET_RE.exec(zone);
  if (off) {
    const t = readDmyHms(s, 'UTC');
    const mins = (+off[2] * 60 + +off[3]) * (off[1] === '-' ? -1 : 1);
    return t - mins * 60_000;
  }
  let ok = zoneOk.get(zone);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      ok = true;
    } catch {
      ok = false;
    }
    if (zoneOk.size < 1000) zoneOk.set(zone, ok);
  }
  return readDmyHms(s, ok ? zone : fallbackTz);
}
