// nginx upstream variables are lists: one member per upstream server tried, `, ` between
// servers of one attempt chain (proxy_next_upstream) and ` : ` where an internal redirect
// (X-Accel-Redirect, error_page) started a new chain. `-` marks a member with no value (no
// connection made, no header received). A retry storm is exactly what an overload postmortem
// looks for, so the lists are kept whole (upstream_raw) and summarised (sum, count, last).

const SEP = /, | : /;

export function listMembers(raw: string): string[] {
  return raw.indexOf(', ') < 0 && raw.indexOf(' : ') < 0 ? [raw] : raw.split(SEP);
}

/** Sum of the members in ms, from seconds (nginx) or the given scale; null when none has a value. */
export function sumListMs(raw: string, toMs: number): number | null | undefined {
  const members = listMembers(raw);
  let sum = 0;
  let any = false;
  for (const m of members) {
    if (m === '-' || m === '') continue;
    const v = Number(m);
    if (Number.isNaN(v)) return undefined; // not a list of numbers: a bad field
    sum += v;
    any = true;
  }
  return any ? Math.round(sum * toMs * 1000) / 1000 : null;
}

export function lastMember(raw: string): string {
  const sep = Math.max(raw.lastIndexOf(', '), raw.lastIndexOf(' : '));
  return sep < 0 ? raw : raw.slice(sep + (raw.charCodeAt(sep) === 44 ? 2 : 3));
}

export function memberCount(raw: string): number {
  return listMembers(raw).length;
}

/** True when a list carries no value at all (`-`, `-, -`, empty): nothing upstream happened. */
export function isEmptyList(raw: string): boolean {
  for (const m of listMembers(raw)) if (m !== '-' && m !== '') return false;
  return true;
}

/**
 * upstream_raw layout: `urt=<list> uct=<list> uht=<list> ua=<list> us=<list>`, in that order,
 * each present only when the log has it, lists exactly as logged. Keys are fixed, so a reader
 * splits on / (urt|uct|uht|ua|us)=/ even though lists contain spaces.
 */
export const RAW_KEYS = ['urt', 'uct', 'uht', 'ua', 'us'] as const;
export type RawKey = (typeof RAW_KEYS)[number];

export function formatUpstreamRaw(parts: Partial<Record<RawKey, string>>): string | null {
  let out = '';
  let meaningful = false;
  for (const k of RAW_KEYS) {
    const v = parts[k];
    if (v === undefined) continue;
    if (!isEmptyList(v)) meaningful = true;
    out += (out ? ' ' : '') + k + '=' + v;
  }
  return meaningful ? out : null;
}
