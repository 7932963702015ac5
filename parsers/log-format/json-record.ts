// One JSON object per line -> RequestRecord. Keys are mapped by json-keys.ts (or --field);
// the set of mapped keys a line carries decides its plan, and real logs repeat one set, so
// plans are cached by it. Keys no column wants are kept in extra with their JSON type.
// The keyed core (keys and values of one line -> record) also serves LTSV (ltsv-access.ts).
import type { LineParser, ParseOutcome, ParserOptions } from '../types.js';
import { fieldMapKey, jsonKey, type JsonKey } from './json-keys.js';
import { numberWithUnit } from './kv-tail.js';
import { compilePlan, UNIT_TO_MS, type Plan } from './plan.js';

export type Scalar = string | number | boolean | null;

const NO_MATCH: ParseOutcome = { type: 'reject', reason: 'no-match' };
const CACHE_MAX = 1000;
const MAX_DEPTH = 4;

function flatten(obj: Record<string, unknown>, prefix: string, keys: string[], vals: Scalar[], depth: number): void {
  for (const k in obj) {
    const v = obj[k];
    const key = prefix ? prefix + '.' + k : k;
    if (v !== null && typeof v === 'object') {
      if (Array.isArray(v)) {
        keys.push(key);
        vals.push(v.every((x) => x === null || typeof x !== 'object') ? v.join(', ') : JSON.stringify(v));
      } else if (depth < MAX_DEPTH) flatten(v as Record<string, unknown>, key, keys, vals, depth + 1);
      else { keys.push(key); vals.push(JSON.stringify(v)); }
    } else {
      keys.push(key);
      vals.push(v as Scalar);
    }
  }
}

function asText(v: Scalar): string {
  return v === null ? '-' : typeof v === 'string' ? v : String(v);
}

/** A duration value in the key's unit (or the value's own suffix) -> ms, as text for the plan. */
function durationText(v: Scalar, unit: keyof typeof UNIT_TO_MS): string {
  if (v === null || v === '' || v === '-') return '-';
  if (typeof v === 'number') return String(v * UNIT_TO_MS[unit]);
  const s = String(v);
  const nu = numberWithUnit(s);
  if (!nu) return s; // not a number: the plan rejects it as a bad field
  const u = nu.unit === '' ? unit : nu.unit === 'µs' ? 'us' : nu.unit;
  return u in UNIT_TO_MS ? String(nu.n * UNIT_TO_MS[u as keyof typeof UNIT_TO_MS]) : s;
}

/** The mapping of a key, or null when it belongs in extra. */
export type KeyLookup = (key: string) => JsonKey | null;

/**
 * alp's users log `host:$remote_addr` next to `vhost:$host`: a `host` key on a line that also
 * has a `vhost` key, and names no client otherwise, is the client.
 */
function hostAsClient(key: string): JsonKey {
  return { spec: { name: key, role: 'client', shape: 'token', rank: 1 } };
}

/**
 * Keys and values of one line -> its outcome. `lookup` maps a key (after --field mappings);
 * the plan is cached by the set of mapped keys.
 */
export function createKeyedRecordParser(o: ParserOptions, lookupKey: KeyLookup = jsonKey): (keys: string[], vals: Scalar[]) => ParseOutcome {
  const mapped = new Map<string, JsonKey | null>();
  for (const [key, column] of Object.entries(o.fieldMap ?? {})) mapped.set(key, fieldMapKey(key, column));
  const lookup = (key: string): JsonKey | null => {
    let m = mapped.get(key);
    if (m === undefined) {
      m = lookupKey(key);
      if (mapped.size < CACHE_MAX * 10) mapped.set(key, m);
    }
    return m;
  };
  const plans = new Map<string, Plan | null>();

  function planFor(keys: JsonKey[]): Plan | null {
    const has = (roles: string[]): boolean => keys.some((k) => roles.includes(k.spec.role));
    if (!has(['time']) || !has(['url', 'path', 'request', 'status'])) return null;
    return compilePlan(keys.map((k) => k.spec), { tz: o.tz, stampSide: 'end', raw: true });
  }

  return (keys, vals) => {
    // the plan depends on the mapped keys only: lines that differ in other keys (Caddy's
    // headers) share one plan
    const maps: Array<JsonKey | null> = keys.map(lookup);
    let host = -1;
    let vhost = false;
    let client = false;
    for (let i = 0; i < maps.length; i++) {
      const m = maps[i];
      if (!m) continue;
      if (m.spec.role === 'client') client = true;
      else if (m.spec.role === 'vhost') {
        const k = keys[i].toLowerCase();
        if (k === 'host') host = i;
        else if (k === 'vhost') vhost = true;
      }
    }
    if (host >= 0 && vhost && !client) maps[host] = hostAsClient(keys[host]);
    const used: JsonKey[] = [];
    let sig = '';
    for (let i = 0; i < keys.length; i++) {
      const m = maps[i];
      if (m) { used.push(m); sig += keys[i] + (m.spec.role === 'client' ? '\u0001' : '\u0000'); }
    }
    let lp = plans.get(sig);
    if (lp === undefined) {
      lp = planFor(used);
      if (plans.size >= CACHE_MAX) plans.clear();
      plans.set(sig, lp);
    }
    if (!lp) return { type: 'reject', reason: 'no-match', detail: 'no time or request fields' };
    const values: string[] = [];
    let extra: Record<string, string | number | null> | null = null;
    for (let i = 0, slot = 0; i < keys.length; i++) {
      const m = maps[i];
      const v = vals[i];
      if (m) values[slot++] = m.durationUnit ? durationText(v, m.durationUnit) : asText(v);
      else (extra ??= {})[keys[i]] = typeof v === 'boolean' ? String(v) : v;
    }
    const out = lp.build(values);
    if (out.type !== 'request' || !extra) return out;
    out.record.extra = out.record.extra ? Object.assign(out.record.extra, extra) : extra;
    return out;
  };
}

export function createJsonAccessParser(o: ParserOptions): LineParser {
  const record = createKeyedRecordParser(o);
  return {
    parse(line) {
      const start = line.search(/\S/);
      if (start < 0) return { type: 'skip' };
      if (line.charCodeAt(start) !== 123) return NO_MATCH;
      let obj: unknown;
      try { obj = JSON.parse(line); } catch { return { type: 'reject', reason: 'bad-json' }; }
      if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return NO_MATCH;
      const keys: string[] = [];
      const vals: Scalar[] = [];
      flatten(obj as Record<string, unknown>, '', keys, vals, 0);
      return record(keys, vals);
    },
  };
}
