// nginx upstream variables are lists: one member per upstream server tried, `, ` between
// servers of one attempt chain (proxy_next_upstream) and ` : ` where an internal redirect
// (X-Accel-Redirect, error_page) started a new chain. `-` marks a member with no value (no
// connection made, no header received). A retry storm is exactly what an overload postmortem
// looks for, so the lists are kept whole (upstream_raw) and summarised (sum, count, last).

import { msRange } from './record.js';

/** between two members of a list (src/query/upstream-attempts.ts reads upstream_raw's lists with it) */
export const LIST_SEP = /, | : /;

// Both separators contain a space and no member does, so a value without a space is one member:
// the common case is answered without splitting.

export function listMembers(raw: string): string[] {
  return raw.indexOf(' ') < 0 ? [raw] : raw.split(LIST_SEP);
}

/**
 * Sum of the members in ms (each converted as `* mul / div`, see msRange); null when none has a
 * value; undefined when a member is not a number (a bad field).
 */
export function sumListMs(raw: string, mul: number, div: number): number | null | undefined {
  if (raw.indexOf(' ') < 0) {
    const v = msRange(raw, 0, raw.length, mul, div);
    return v !== v ? undefined : v;
  }
  let sum = 0;
  let any = false;
  for (const m of raw.split(LIST_SEP)) {
    const v = msRange(m, 0, m.length, mul, div);
    if (v === null) continue;
    if (v !== v) return undefined;
    sum += v;
    any = true;
  }
  return any ? Math.round(sum * 1000) / 1000 : null;
}

export function lastMember(raw: string): string {
  if (raw.indexOf(' ') < 0) return raw;
  const sep = Math.max(raw.lastIndexOf(', '), raw.lastIndexOf(' : '));
  return sep < 0 ? raw : raw.slice(sep + (raw.charCodeAt(sep) === 44 ? 2 : 3));
}

export function memberCount(raw: string): number {
  return raw.indexOf(' ') < 0 ? 1 : raw.split(LIST_SEP).length;
}

/** True when a list carries no value at all (`-`, `-, -`, empty): nothing upstream happened. */
export function isEmptyList(raw: string | undefined): boolean {
  if (raw === undefined || raw === '-' || raw === '') return true;
  if (raw.indexOf(' ') < 0) return false;
  for (const m of raw.split(LIST_SEP)) if (m !== '-' && m !== '') return false;
  return true;
}

/**
 * upstream_raw layout: `urt=<list> uct=<list> uht=<list> ua=<list> us=<list>`, in that order,
 * each present only when the log has it, lists exactly as logged. Keys are fixed, so a reader
 * splits on / (urt|uct|uht|ua|us)=/ even though lists contain spaces. Null when every list is
 * empty (a request nginx answered itself).
 */
export function upstreamRaw(
  urt: string | undefined, uct: string | undefined, uht: string | undefined,
  ua: string | undefined, us: string | undefined,
): string | null {
  // the usual line has one member per list: `-` means nothing, anything else something
  if (isEmptyList(ua) && isEmptyList(urt) && isEmptyList(us) && isEmptyList(uct) && isEmptyList(uht)) return null;
  let out = urt !== undefined ? 'urt=' + urt : '';
  if (uct !== undefined) out += (out ? ' uct=' : 'uct=') + uct;
  if (uht !== undefined) out += (out ? ' uht=' : 'uht=') + uht;
  if (ua !== undefined) out += (out ? ' ua=' : 'ua=') + ua;
  if (us !== undefined) out += (out ? ' us=' : 'us=') + us;
  return out;
}
