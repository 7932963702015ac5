// One request can try several upstream servers (nginx proxy_next_upstream): `ua="A, B"`,
// `us="504, 502"`, `urt="1.002, 0.000"`. The requests row keeps the LAST member; per-upstream
// failures need every member, so the query layer reads them back from upstream_raw
// (`urt=<list> uct=<list> uht=<list> ua=<list> us=<list>`, written by parsers/log-format/upstream.ts,
// whose LIST_SEP says where members end). This is the one reader of that text: the rollup pass
// calls parseAttempts() for every row (reused arrays, no objects), the SQL table function
// upstream_attempts() and the rest of the code go through attemptsOf().
import { LIST_SEP } from '../../parsers/log-format/upstream.js';

export interface Attempt {
  addr: string;
  /** the upstream's status; null when none was received (`-`) */
  status: number | null;
  /** the upstream's response time in ms; null when unknown */
  ms: number | null;
}

/** An attempt failed when the upstream answered 5xx or did not answer at all. */
export function attemptFailed(a: Attempt): boolean {
  return a.status === null || a.status >= 500;
}

/**
 * The attempts of the last parseAttempts() call, member i in [i] of each (reused from row to row:
 * the rollup pass reads them before it parses the next row).
 */
export const attAddr: string[] = [];
export const attStatus: Array<number | null> = [];
export const attMs: Array<number | null> = [];

const isSingle = (v: string): boolean => v.indexOf(',') < 0 && v.indexOf(' : ') < 0;

function splitList(v: string): string[] {
  return isSingle(v) ? [v.trim()] : v.split(LIST_SEP).map((s) => s.trim());
}

/** splitList(v)[0] without the array (most requests try one upstream). */
function firstMember(v: string): string {
  return isSingle(v) ? v.trim() : v.split(LIST_SEP)[0].trim();
}

/** 10^0 .. 10^22: exact doubles, so digits / POW10[d] is the correctly rounded value, as Number() gives */
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/** A member's number: what Number() makes of it when finite, else null (`-`, empty, text). */
function num(s: string | undefined): number | null {
  if (s === undefined || s === '-' || s === '') return null;
  // plain "123" or "0.071" (what nginx writes) without Number(): at most 15 digits, exact
  const len = s.length;
  if (len <= 15) {
    let n = 0, dot = -1, i = 0;
    for (; i < len; i++) {
      const c = s.charCodeAt(i);
      if (c >= 48 && c <= 57) n = n * 10 + (c - 48);
      else if (c === 46 && dot < 0 && i > 0 && i < len - 1) dot = i;
      else break;
    }
    if (i === len) return dot < 0 ? n : n / POW10[len - dot - 1];
  }
  const v = Number(s);
  return Number.isFinite(v) ? v : null;
}

/**
 * Which key starts at `i` (its text must be followed by '='): 1 urt, 2 uct, 3 uht, 4 ua, 5 us,
 * 0 none. The keys are no prefix of one another, so at most one matches.
 */
function keyAt(raw: string, i: number): number {
  if (raw.charCodeAt(i) !== 117) return 0; // u
  const a = raw.charCodeAt(i + 1), b = raw.charCodeAt(i + 2);
  if (b === 61) return a === 97 ? 4 : a === 115 ? 5 : 0; // ua= us=
  if (b !== 116 || raw.charCodeAt(i + 3) !== 61) return 0; // ?t=
  return a === 114 ? 1 : a === 99 ? 2 : a === 104 ? 3 : 0; // urt= uct= uht=
}

/**
 * The attempts of one request into attAddr/attStatus/attMs; returns how many. A key counts at
 * the very start of upstream_raw or after a space, and its value runs to the next key (or the
 * end); a repeated key keeps the last value. Members are trimmed; a member that is not a number
 * (`-`) has no status or time. Without upstream_raw, or without a `ua=` list in it (formats that
 * log a single upstream), the row's own upstream_addr / upstream_status / upstream_ms make the
 * one attempt, and a row with neither has none.
 */
export function parseAttempts(raw: string | null, addr: string | null, status: number | null, ms: number | null): number {
  if (raw) {
    let ua: string | null = null, us: string | null = null, urt: string | null = null;
    let key = 0, from = 0;
    const len = raw.length;
    let p = 0;
    for (;;) {
      // the next key at or after p: where it starts (the space before it, or 0) and which
      let at = -1, k = 0, klen = 0;
      if (p === 0 && (k = keyAt(raw, 0)) !== 0) { at = 0; klen = 0; }
      else {
        for (let q = raw.indexOf(' ', p); q >= 0; q = raw.indexOf(' ', q + 1)) {
          if ((k = keyAt(raw, q + 1)) !== 0) { at = q; klen = 1; break; }
        }
      }
      const to = at < 0 ? len : at;
      if (key === 4) ua = raw.slice(from, to);
      else if (key === 5) us = raw.slice(from, to);
      else if (key === 1) urt = raw.slice(from, to);
      if (at < 0) break;
      key = k;
      from = at + klen + (k <= 3 ? 4 : 3);
      p = from;
    }
    if (ua !== null && isSingle(ua)) {
      attAddr[0] = ua.trim();
      attStatus[0] = us !== null ? num(firstMember(us)) : null;
      const sec = urt !== null ? num(firstMember(urt)) : null;
      attMs[0] = sec === null ? null : Math.round(sec * 1e6) / 1e3;
      return 1;
    }
    if (ua !== null) {
      const addrs = splitList(ua);
      const sts = us !== null ? splitList(us) : null;
      const times = urt !== null ? splitList(urt) : null;
      for (let i = 0; i < addrs.length; i++) {
        attAddr[i] = addrs[i];
        attStatus[i] = num(sts?.[i]);
        const sec = num(times?.[i]);
        attMs[i] = sec === null ? null : Math.round(sec * 1e6) / 1e3;
      }
      return addrs.length;
    }
  }
  if (!addr) return 0;
  attAddr[0] = addr; attStatus[0] = status; attMs[0] = ms;
  return 1;
}

/** parseAttempts() as objects, for callers that keep them. */
export function attemptsOf(raw: string | null, addr: string | null, status: number | null, ms: number | null): Attempt[] {
  const n = parseAttempts(raw, addr, status, ms);
  const out: Attempt[] = [];
  for (let i = 0; i < n; i++) out.push({ addr: attAddr[i], status: attStatus[i], ms: attMs[i] });
  return out;
}
