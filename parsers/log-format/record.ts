// What the generated record builders (plan.ts) call per line: value readers and the last step
// that settles the request's two ends and its URL parts.
// - `-` and empty mean "no value": null, never 0 (nginx logs `-` for an empty variable,
//   Apache for a zero-byte %b).
// - the log's stamp is `ts`; with a duration the other end follows (nginx/lighttpd stamp the
//   end: start = end - duration; Apache/PHP-FPM/Varnish stamp the start: end = start + duration).
// - path/query come from the URL; an absolute-form target (`GET http://host/x`, as proxies and
//   varnishncsa log it) is reduced to path+query and its host becomes the vhost if none is known.
import type { ParseOutcome, RequestRecord } from '../types.js';
import { splitUrl } from '../../src/util/route.js';
import type { TimeSide } from './stamp.js';
import { unescapeLogValue } from './unescape.js';

export type Extra = Record<string, string | number | null>;

export interface FinishOptions {
  tz: string;
  stampSide: 'start' | 'end';
}

/** A logged string: null for `-`/empty, server escapes undone. */
export function text(v: string): string | null {
  return v === '-' || v === '' ? null : unescapeLogValue(v);
}

/** nginx escape=none and JSON (already decoded): stored as logged. */
export function rawText(v: string): string | null {
  return v === '-' || v === '' ? null : v;
}

/**
 * The number in s[b, e): null for `-`/empty, NaN when it is none (the caller rejects the field).
 * Plain decimals are read digit by digit, which is several times faster than Number() on a
 * slice; anything else (signs, exponents) falls back to Number().
 */
export function numRange(s: string, b: number, e: number): number | null {
  if (e <= b) return null;
  let c = s.charCodeAt(b);
  if (c === 45 && e - b === 1) return null;
  let i = b;
  let n = 0;
  while (i < e && (c = s.charCodeAt(i)) >= 48 && c <= 57) { n = n * 10 + (c - 48); i++; }
  if (i === e) return n;
  if (c !== 46 || i === b) return Number(s.slice(b, e));
  let d = 1;
  for (i++; i < e && (c = s.charCodeAt(i)) >= 48 && c <= 57; i++) { n = n * 10 + (c - 48); d *= 10; }
  // one division of two exact integers: the same correctly rounded double Number() gives
  return i === e && n < 9007199254740992 ? n / d : Number(s.slice(b, e));
}

/**
 * s[b, e) in ms, the unit converting as `* mul / div` (s: 1000/1, us: 1/1000). Decimals are
 * scaled as integers with one final division, so 1.005 s is 1005 ms, not 1004.9999999999999.
 */
export function msRange(s: string, b: number, e: number, mul: number, div: number): number | null {
  if (e <= b) return null;
  let c = s.charCodeAt(b);
  if (c === 45 && e - b === 1) return null;
  let i = b;
  let n = 0;
  let d = div;
  while (i < e && (c = s.charCodeAt(i)) >= 48 && c <= 57) { n = n * 10 + (c - 48); i++; }
  if (i < e && c === 46 && i > b) {
    for (i++; i < e && (c = s.charCodeAt(i)) >= 48 && c <= 57; i++) { n = n * 10 + (c - 48); d *= 10; }
  }
  if (i === e && i > b && n * mul < 9007199254740992) return (n * mul) / d;
  const v = Number(s.slice(b, e));
  return Number.isNaN(v) ? NaN : Math.round((v * mul * 1000) / div) / 1000;
}

/** null for `-`/empty, else the number; NaN tells the caller the field is bad. */
export function num(v: string): number | null {
  return numRange(v, 0, v.length);
}

/** `GET`, `M-SEARCH`, `PROPFIND`: letters, `_` and `-` only. */
function isMethod(s: string, b: number, end: number): boolean {
  for (let i = b; i < end; i++) {
    const c = s.charCodeAt(i);
    const lower = c | 32;
    if (!((lower >= 97 && lower <= 122) || c === 45 || c === 95)) return false;
  }
  return end > b;
}

/**
 * The request line in s[b, e) (`GET /x?y HTTP/1.1`) -> method/url/protocol, each only when
 * asked (an explicit field wins). Read in place unless it carries escapes. Returns the line
 * when it is no request line (TLS probe, garbage), for extra; else null.
 */
export function requestLine(
  rec: RequestRecord, s: string, b: number, e: number, m: boolean, u: boolean, p: boolean, raw: boolean,
): string | null {
  if (e <= b || (e - b === 1 && s.charCodeAt(b) === 45)) return null;
  if (!raw) {
    const bs = s.indexOf('\\', b);
    if (bs >= 0 && bs < e) {
      const line = unescapeLogValue(s.slice(b, e));
      return requestLine(rec, line, 0, line.length, m, u, p, true);
    }
  }
  let a = s.indexOf(' ', b);
  if (a >= e) a = -1;
  if (a < 0 && s.charCodeAt(b) === 47) { // a bare target (JSON logs call it `request` too)
    if (u) rec.url = s.slice(b, e);
    return null;
  }
  if (a < 0 || !isMethod(s, b, a)) return s.slice(b, e);
  // The protocol is the last few chars: looking for its space from the end in JS is cheaper
  // than lastIndexOf, which V8 answers in C++ (a runtime call per line). Only a space after
  // `a` matters (what lastIndexOf finds at or before `a` gives no protocol either).
  let last = e - 1;
  while (last > a && s.charCodeAt(last) !== 32) last--;
  const hasProto = last > a && s.startsWith('HTTP/', last + 1);
  if (m) rec.method = s.slice(b, a);
  if (u) rec.url = s.slice(a + 1, hasProto ? last : e);
  if (p && hasProto) rec.protocol = s.slice(last + 1, e);
  return null;
}

/** Absolute-form target -> path+query, host to vhost when unknown. */
function localiseUrl(rec: RequestRecord, url: string): string {
  if (url.charCodeAt(0) !== 104 || !(url.startsWith('http://') || url.startsWith('https://'))) return url;
  const hostStart = url.indexOf('//') + 2;
  const slash = url.indexOf('/', hostStart);
  const q = url.indexOf('?', hostStart);
  const cut = slash < 0 ? q : q < 0 ? slash : Math.min(slash, q);
  rec.vhost ??= url.slice(hostStart, cut < 0 ? url.length : cut) || null;
  const rest = cut < 0 ? '/' : url.slice(cut);
  return rest.startsWith('?') ? '/' + rest : rest;
}

/** Times, URL parts and extra: the last step of every line. `bad` names a field that was not a number. */
export function finishRecord(
  rec: RequestRecord, extra: Extra | null, startSide: TimeSide, endSide: TimeSide,
  bad: string | null, opts: FinishOptions,
): ParseOutcome {
  if (bad !== null) return { type: 'reject', reason: 'bad-field', detail: bad };
  const start = startSide.resolve(opts.tz);
  const end = endSide.resolve(opts.tz);
  if ((start !== null && Number.isNaN(start)) || (end !== null && Number.isNaN(end))) {
    return { type: 'reject', reason: 'bad-timestamp' };
  }
  const ts = opts.stampSide === 'end' ? end ?? start : start ?? end;
  if (ts === null) return { type: 'reject', reason: 'bad-timestamp', detail: 'no time stamp' };
  const d = rec.duration_ms;
  rec.ts = ts;
  rec.start_ts = start ?? (end !== null && d !== null ? Math.round(end - d) : null);
  rec.end_ts = end ?? (start !== null && d !== null ? Math.round(start + d) : null);
  // a path-only field may still hold a query (PHP-FPM %r without %Q%q): always re-split the URL
  let url = rec.url;
  if (url === null && rec.path !== null) url = rec.query !== null ? rec.path + '?' + rec.query : rec.path;
  if (url !== null) {
    url = localiseUrl(rec, url);
    const parts = splitUrl(url);
    rec.url = url;
    rec.path = parts.path;
    rec.query = parts.query;
  }
  rec.extra = extra;
  return { type: 'request', record: rec };
}
