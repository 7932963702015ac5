// FieldSpecs + the values a splitter cut -> a RequestRecord. Which field feeds which column is
// decided once per format (compilePlan), so the per-line work is one small closure per field.
//
// Rules every access format shares:
// - `-` and empty mean "no value": null, never 0 (nginx logs `-` for an empty variable,
//   Apache for a zero-byte %b).
// - durations are stored in ms, whatever unit the log used.
// - the log's stamp is `ts`; with a duration the other end follows (nginx/lighttpd stamp the
//   end: start = end - duration; Apache/PHP-FPM/Varnish stamp the start: end = start + duration).
// - when two fields feed one column the higher rank wins and the other lands in `extra`.
// - path/query come from the URL; an absolute-form target (`GET http://host/x`, as proxies and
//   varnishncsa log it) is reduced to path+query and its host becomes the vhost if none is known.
import type { ParseOutcome, RejectReason, RequestRecord } from '../types.js';
import { splitUrl } from '../../src/util/route.js';
import type { DurationUnit, FieldSpec, Role } from './fields.js';
import { TimeSide, timeReader } from './stamp.js';
import { unescapeLogValue } from './unescape.js';
import { formatUpstreamRaw, lastMember, memberCount, sumListMs, type RawKey } from './upstream.js';

export interface PlanOptions {
  tz: string;
  stampSide: 'start' | 'end';
  /** nginx `escape=none`: values are stored exactly as logged */
  raw?: boolean;
}

export interface Plan {
  build(values: string[]): ParseOutcome;
}

export interface LineState {
  rec: RequestRecord;
  extra: Record<string, string | number | null> | null;
  start: TimeSide;
  end: TimeSide;
  up: Partial<Record<RawKey, string>> | null;
  reject: RejectReason | null;
  detail: string | undefined;
}

type Apply = (v: string, st: LineState) => void;

export const UNIT_TO_MS: Record<DurationUnit, number> = { s: 1000, ms: 1, us: 0.001, ns: 0.000001 };

const COLUMN_ROLES: Role[] = [
  'client', 'method', 'url', 'path', 'query', 'protocol', 'status', 'bytes', 'request_length',
  'duration', 'upstream_time', 'upstream_connect', 'upstream_header', 'upstream_addr',
  'upstream_status', 'vhost', 'referer', 'user_agent',
];

const NUMERIC_SHAPE = new Set(['number']);

type Text = (v: string) => string | null;

function text(v: string): string | null {
  return v === '-' || v === '' ? null : unescapeLogValue(v);
}

function rawText(v: string): string | null {
  return v === '-' || v === '' ? null : v;
}

function bad(st: LineState, field: string): void {
  st.reject ??= 'bad-field';
  st.detail ??= field;
}

/** `-`/empty -> null; a number; NaN marks the line bad. */
function numberOf(v: string, st: LineState, field: string): number | null {
  if (v === '-' || v === '') return null;
  const n = Number(v);
  if (Number.isNaN(n)) { bad(st, field); return null; }
  return n;
}

function extraApply(f: FieldSpec, numeric: boolean, text: Text): Apply {
  const scale = f.scale ?? 1;
  return (v, st) => {
    const x = (st.extra ??= {});
    if (!numeric) { x[f.name] = text(v); return; }
    const n = numberOf(v, st, f.name);
    x[f.name] = n === null ? null : Math.round(n * scale * 1000) / 1000;
  };
}

function upstreamRaw(st: LineState, key: RawKey, v: string): void {
  (st.up ??= {})[key] = v;
}

function columnApply(f: FieldSpec, text: Text): Apply {
  const toMs = UNIT_TO_MS[f.unit ?? 's'];
  switch (f.role) {
    case 'client': return (v, st) => { st.rec.client = text(v); };
    case 'method': return (v, st) => { st.rec.method = text(v); };
    case 'url': return (v, st) => { st.rec.url = text(v); };
    case 'path': return (v, st) => { st.rec.path = text(v); };
    case 'query': return (v, st) => {
      const q = text(v);
      st.rec.query = q !== null && q.charCodeAt(0) === 63 ? q.slice(1) || null : q;
    };
    case 'protocol': return (v, st) => { st.rec.protocol = text(v); };
    case 'vhost': return (v, st) => { st.rec.vhost = text(v); };
    case 'referer': return (v, st) => { st.rec.referer = text(v); };
    case 'user_agent': return (v, st) => { st.rec.user_agent = text(v); };
    case 'status': return (v, st) => {
      const n = numberOf(v, st, f.name);
      if (n !== null && !Number.isInteger(n)) bad(st, f.name);
      st.rec.status = n;
    };
    case 'bytes': return (v, st) => { st.rec.bytes = numberOf(v, st, f.name); };
    case 'request_length': return (v, st) => { st.rec.request_length = numberOf(v, st, f.name); };
    case 'duration': return (v, st) => {
      const n = numberOf(v, st, f.name);
      st.rec.duration_ms = n === null ? null : Math.round(n * toMs * 1000) / 1000;
    };
    case 'upstream_time': case 'upstream_connect': case 'upstream_header': {
      const key: RawKey = f.role === 'upstream_time' ? 'urt' : f.role === 'upstream_connect' ? 'uct' : 'uht';
      const col = f.role === 'upstream_time' ? 'upstream_ms' : f.role === 'upstream_connect' ? 'upstream_connect_ms' : 'upstream_header_ms';
      return (v, st) => {
        upstreamRaw(st, key, v);
        const ms = sumListMs(v, toMs);
        if (ms === undefined) bad(st, f.name);
        st.rec[col] = ms ?? null;
      };
    }
    case 'upstream_addr': return (v, st) => {
      upstreamRaw(st, 'ua', v);
      st.rec.upstream_addr = text(lastMember(v));
    };
    case 'upstream_status': return (v, st) => {
      upstreamRaw(st, 'us', v);
      st.rec.upstream_status = numberOf(lastMember(v), st, f.name);
    };
    default: return () => {};
  }
}

/** `GET /x?y HTTP/1.1` -> the columns no explicit field already fills. */
function requestApply(f: FieldSpec, explicit: Set<Role>, text: Text): Apply {
  const setMethod = !explicit.has('method'), setUrl = !explicit.has('url'), setProto = !explicit.has('protocol');
  return (v, st) => {
    const line = text(v);
    if (line === null) return;
    const a = line.indexOf(' ');
    const b = line.lastIndexOf(' ');
    if (a < 0 && line.charCodeAt(0) === 47) { // a bare target (JSON logs call it `request` too)
      if (setUrl) st.rec.url = line;
      return;
    }
    if (a <= 0 || !/^[A-Za-z_-]+$/.test(line.slice(0, a))) {
      (st.extra ??= {})[f.name] = line; // not a request line (TLS probe, garbage): keep it whole
      return;
    }
    if (setMethod) st.rec.method = line.slice(0, a);
    const hasProto = b > a && line.startsWith('HTTP/', b + 1);
    if (setUrl) st.rec.url = hasProto ? line.slice(a + 1, b) : line.slice(a + 1);
    if (setProto && hasProto) st.rec.protocol = line.slice(b + 1);
  };
}

function timeApply(f: FieldSpec, side: 'start' | 'end', tz: string): Apply {
  const read = timeReader(f.time!);
  return (v, st) => {
    if (v === '-' || v === '') return;
    read(v, side === 'start' ? st.start : st.end, tz);
  };
}

/** Decide once which field feeds which column; the rest go to extra. */
function assign(fields: FieldSpec[], opts: PlanOptions): Apply[] {
  const winner = new Map<string, FieldSpec>();
  const consider = (key: string, f: FieldSpec): void => {
    const cur = winner.get(key);
    if (!cur || (f.rank ?? 0) > (cur.rank ?? 0)) winner.set(key, f);
  };
  const sideOf = (f: FieldSpec): 'start' | 'end' =>
    f.time!.side === 'stamp' ? opts.stampSide : f.time!.side;
  const hasUrlSource = fields.some((f) => f.role === 'url' || f.role === 'request');
  for (const f of fields) {
    if (COLUMN_ROLES.includes(f.role)) {
      if (hasUrlSource && (f.role === 'path' || f.role === 'query')) continue;
      consider(f.role, f);
    } else if (f.role === 'time' && ['clf', 'iso', 'epoch_s', 'epoch_ms', 'epoch_us'].includes(f.time!.parse)) {
      consider('time:' + sideOf(f), f);
    }
  }
  const explicit = new Set([...winner.values()].map((f) => f.role));
  const txt = opts.raw ? rawText : text;
  return fields.map((f) => {
    const numeric = NUMERIC_SHAPE.has(f.shape) || f.role === 'extra_number' || f.role === 'status' ||
      f.role === 'bytes' || f.role === 'request_length' || f.role === 'duration';
    if (f.role === 'skip') return () => {};
    if (f.role === 'request') return requestApply(f, explicit, txt);
    if (f.role === 'time') {
      const complete = winner.get('time:' + sideOf(f));
      if (complete && complete !== f && ['clf', 'iso', 'epoch_s', 'epoch_ms', 'epoch_us'].includes(f.time!.parse)) {
        return extraApply(f, false, txt);
      }
      return timeApply(f, sideOf(f), opts.tz);
    }
    if (COLUMN_ROLES.includes(f.role) && winner.get(f.role) === f) return columnApply(f, txt);
    return extraApply(f, numeric && f.role !== 'upstream_time', txt);
  });
}

function emptyRecord(): RequestRecord {
  return {
    ts: 0, start_ts: null, end_ts: null, client: null, method: null, url: null, path: null,
    query: null, protocol: null, status: null, bytes: null, request_length: null, duration_ms: null,
    upstream_ms: null, upstream_connect_ms: null, upstream_header_ms: null, upstream_attempts: null,
    upstream_addr: null, upstream_status: null, upstream_raw: null, vhost: null, referer: null,
    user_agent: null, extra: null,
  };
}

/** Absolute-form target -> path+query, host to vhost when unknown. */
function localiseUrl(rec: RequestRecord): void {
  const url = rec.url!;
  if (!(url.startsWith('http://') || url.startsWith('https://'))) return;
  const hostStart = url.indexOf('//') + 2;
  const slash = url.indexOf('/', hostStart);
  const q = url.indexOf('?', hostStart);
  const cut = slash < 0 ? q : q < 0 ? slash : Math.min(slash, q);
  rec.vhost ??= url.slice(hostStart, cut < 0 ? url.length : cut) || null;
  const rest = cut < 0 ? '/' : url.slice(cut);
  rec.url = rest.startsWith('?') ? '/' + rest : rest;
}

/** The per-line steps after every field was applied: times, URL parts, upstream summary. */
export function finishRecord(st: LineState, opts: PlanOptions): ParseOutcome {
  if (st.reject) return { type: 'reject', reason: st.reject, detail: st.detail };
  const start = st.start.resolve(opts.tz);
  const end = st.end.resolve(opts.tz);
  if ((start !== null && Number.isNaN(start)) || (end !== null && Number.isNaN(end))) {
    return { type: 'reject', reason: 'bad-timestamp' };
  }
  const ts = opts.stampSide === 'end' ? end ?? start : start ?? end;
  if (ts === null) return { type: 'reject', reason: 'bad-timestamp', detail: 'no time stamp' };
  const rec = st.rec;
  const d = rec.duration_ms;
  rec.ts = ts;
  rec.start_ts = start ?? (end !== null && d !== null ? Math.round(end - d) : null);
  rec.end_ts = end ?? (start !== null && d !== null ? Math.round(start + d) : null);
  // a path-only field may still hold a query (PHP-FPM %r without %Q%q): always re-split the URL
  if (rec.url === null && rec.path !== null) rec.url = rec.query !== null ? rec.path + '?' + rec.query : rec.path;
  if (rec.url !== null) {
    localiseUrl(rec);
    const parts = splitUrl(rec.url);
    rec.path = parts.path;
    rec.query = parts.query;
  }
  if (st.up) {
    rec.upstream_raw = formatUpstreamRaw(st.up);
    const counted = st.up.ua ?? st.up.urt ?? st.up.us;
    if (counted !== undefined && rec.upstream_raw !== null) rec.upstream_attempts = memberCount(counted);
  }
  rec.extra = st.extra;
  return { type: 'request', record: rec };
}

export function newLineState(): LineState {
  return {
    rec: emptyRecord(), extra: null, start: new TimeSide(), end: new TimeSide(),
    up: null, reject: null, detail: undefined,
  };
}

export function resetLineState(st: LineState): void {
  st.rec = emptyRecord();
  st.extra = null;
  st.start.reset();
  st.end.reset();
  st.up = null;
  st.reject = null;
  st.detail = undefined;
}

export function compilePlan(fields: FieldSpec[], opts: PlanOptions): Plan {
  const applies = assign(fields, opts);
  const st = newLineState();
  const n = applies.length;
  return {
    build(values) {
      resetLineState(st);
      for (let i = 0; i < n; i++) applies[i](values[i], st);
      return finishRecord(st, opts);
    },
  };
}
