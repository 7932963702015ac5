// Which column a JSON access-log key feeds. Covers nginx `escape=json` formats (variable names
// as keys), Caddy (nested `request.*`, `ts`, `duration`), and the usual hand-made names.
//
// Units are decided by the key, never guessed from the value:
// - a unit suffix says it: `*_ms`, `*_msec`, `*_millis` ms; `*_us`, `*_usec`, `*_micros` us;
//   `*_ns`, `*_nanos` ns; `*_s`, `*_sec`, `*_seconds` s (`duration_ms`, `latency_us`, `took_ms`).
// - without a suffix a duration is seconds: request_time, upstream_*_time, duration, latency,
//   elapsed, response_time, time_taken, took (the nginx and Caddy convention).
// - a string value with its own unit (`"12ms"`, `"1.5s"`) is read by that unit.
// - time keys accept epoch numbers (s/ms/us/ns by magnitude), ISO 8601 or CLF.
// - alp (the access log profiler) and its users: `reqtime` (s), `apptime` (the upstream's s),
//   `size`, `ua`; `reqtime_microsec` (Apache %D); `host` next to `vhost` is the client
//   (json-record.ts), as alp's LTSV layouts write it.
// Nested keys are flattened with dots; a full dotted key is matched first, then its last part
// (so Caddy's `request.headers.User-Agent` is the user agent), ranked below direct matches.
import type { DurationUnit, FieldSpec } from './fields.js';

export interface JsonKey {
  spec: FieldSpec;
  /** role duration: the value's unit, converted to ms before the plan sees it */
  durationUnit?: DurationUnit;
}

type Def = Omit<FieldSpec, 'name'> & { durationUnit?: DurationUnit };

const DEFS = new Map<string, Def>();
const add = (keys: string[], def: Def): void => { for (const k of keys) DEFS.set(k, def); };
const time = (side: 'stamp' | 'start' | 'end', rank: number): Def =>
  ({ role: 'time', shape: 'token', rank, time: { side, parse: 'auto' } });

add(['msec'], time('stamp', 4));
add(['time', 'time_iso8601', 'timestamp', '@timestamp', 'ts', 'datetime', 'date', 'log_time', 'logtime'], time('stamp', 3));
add(['time_local'], time('stamp', 2));
add(['start_time', 'starttime', 'start_utc', 'startutc', 'start_local', 'startlocal', 'start'], time('start', 3));
add(['end_time', 'endtime'], time('end', 3));
add(['remote_addr', 'client_ip', 'clientip', 'remote_ip', 'remoteip'], { role: 'client', shape: 'token', rank: 3 });
add(['client', 'ip', 'client_addr', 'clientaddr', 'remote_host', 'remotehost', 'clienthost', 'real_ip', 'realip'],
  { role: 'client', shape: 'token', rank: 2 });
add(['method', 'request_method', 'requestmethod', 'verb', 'http_method'], { role: 'method', shape: 'token' });
add(['request_uri', 'requesturi'], { role: 'url', shape: 'token', rank: 3 });
add(['uri', 'url', 'request_url', 'requesturl', 'request_path', 'requestpath'], { role: 'url', shape: 'token', rank: 2 });
add(['path'], { role: 'path', shape: 'token' });
add(['request', 'request_line'], { role: 'request', shape: 'text' });
add(['args', 'query', 'query_string', 'querystring'], { role: 'query', shape: 'token' });
add(['server_protocol', 'protocol', 'proto', 'http_version', 'request_protocol', 'requestprotocol'], { role: 'protocol', shape: 'token' });
add(['status', 'status_code', 'statuscode', 'response_status', 'response_code', 'http_status', 'downstreamstatus'],
  { role: 'status', shape: 'number' });
add(['body_bytes_sent', 'bytes', 'size', 'response_size', 'body_bytes', 'resp_bytes', 'response_bytes', 'bytes_out', 'downstreamcontentsize'],
  { role: 'bytes', shape: 'number', rank: 2 });
add(['bytes_sent'], { role: 'bytes', shape: 'number', rank: 1 });
add(['request_length', 'request_size', 'bytes_in', 'bytes_received', 'bytes_read'], { role: 'request_length', shape: 'number' });
add(['upstream_addr'], { role: 'upstream_addr', shape: 'list' });
add(['upstream_status'], { role: 'upstream_status', shape: 'list' });
add(['http_referer', 'referer', 'referrer', 'http_referrer'], { role: 'referer', shape: 'text' });
add(['http_user_agent', 'user_agent', 'useragent', 'agent', 'http_useragent', 'ua'], { role: 'user_agent', shape: 'text' });
add(['host', 'vhost', 'request_host', 'requesthost'], { role: 'vhost', shape: 'token', rank: 2 });
add(['http_host'], { role: 'vhost', shape: 'token', rank: 1 });
add(['server_name'], { role: 'vhost', shape: 'token', rank: 0 });
add(['connection', 'connection_requests'], { role: 'extra_number', shape: 'number' });

const DURATION_BASES = new Set([
  'request_time', 'duration', 'request_duration', 'response_time', 'elapsed', 'elapsed_time', 'latency',
  'time_taken', 'took', 'processing_time', 'total_time', 'reqtime', 'req_time',
]);
const UPSTREAM_BASES: Record<string, FieldSpec['role']> = {
  upstream_response_time: 'upstream_time', upstream_connect_time: 'upstream_connect', upstream_header_time: 'upstream_header',
  apptime: 'upstream_time',
};
const SUFFIX = /^(.+?)_?(milliseconds|microseconds|nanoseconds|seconds|millisec|microsec|millis|micros|nanos|msec|usec|secs|sec|ms|us|µs|ns|s)$/;
const SUFFIX_UNIT: Record<string, DurationUnit> = {
  milliseconds: 'ms', millisec: 'ms', millis: 'ms', msec: 'ms', ms: 'ms', microseconds: 'us', microsec: 'us', micros: 'us', usec: 'us', us: 'us',
  'µs': 'us', nanoseconds: 'ns', nanos: 'ns', ns: 'ns', seconds: 's', secs: 's', sec: 's', s: 's',
};

function durationDef(k: string): Def | undefined {
  let base = k;
  let unit: DurationUnit = 's';
  if (!DURATION_BASES.has(k) && !UPSTREAM_BASES[k]) {
    const m = SUFFIX.exec(k);
    if (!m) return undefined;
    base = m[1];
    unit = SUFFIX_UNIT[m[2]];
  }
  if (UPSTREAM_BASES[base]) return { role: UPSTREAM_BASES[base], shape: 'list', unit };
  if (DURATION_BASES.has(base)) return { role: 'duration', shape: 'number', unit: 'ms', durationUnit: unit };
  return undefined;
}

function defFor(k: string): Def | undefined {
  return DEFS.get(k) ?? durationDef(k);
}

const normalise = (k: string): string => k.toLowerCase().replace(/[-\s]/g, '_');

/** The mapping of one flattened key, or null when it only belongs in extra. */
export function jsonKey(key: string): JsonKey | null {
  const k = normalise(key);
  let def = defFor(k);
  let rank = 0;
  if (!def && k.includes('.')) {
    def = defFor(k.slice(k.lastIndexOf('.') + 1));
    rank = -10;
  }
  if (!def) return null;
  const { durationUnit, ...spec } = def;
  return { spec: { ...spec, name: key, rank: (spec.rank ?? 0) + rank }, durationUnit };
}

/** `--field KEY=column` targets: every column, `request` (a request line) and unit variants. */
const COLUMN_DEFS: Record<string, Def> = {
  ts: time('stamp', 9), start_ts: time('start', 9), end_ts: time('end', 9),
  client: { role: 'client', shape: 'token' }, method: { role: 'method', shape: 'token' },
  url: { role: 'url', shape: 'token' }, path: { role: 'path', shape: 'token' }, query: { role: 'query', shape: 'token' },
  protocol: { role: 'protocol', shape: 'token' }, request: { role: 'request', shape: 'text' },
  status: { role: 'status', shape: 'number' }, bytes: { role: 'bytes', shape: 'number' },
  request_length: { role: 'request_length', shape: 'number' },
  vhost: { role: 'vhost', shape: 'token' }, referer: { role: 'referer', shape: 'text' },
  user_agent: { role: 'user_agent', shape: 'text' },
  upstream_addr: { role: 'upstream_addr', shape: 'list' }, upstream_status: { role: 'upstream_status', shape: 'list' },
};
for (const u of ['ms', 's', 'us', 'ns'] as const) {
  COLUMN_DEFS['duration_' + u] = { role: 'duration', shape: 'number', unit: 'ms', durationUnit: u };
  COLUMN_DEFS['upstream_' + u] = { role: 'upstream_time', shape: 'list', unit: u };
  COLUMN_DEFS['upstream_connect_' + u] = { role: 'upstream_connect', shape: 'list', unit: u };
  COLUMN_DEFS['upstream_header_' + u] = { role: 'upstream_header', shape: 'list', unit: u };
}

export const FIELD_MAP_COLUMNS = Object.keys(COLUMN_DEFS);

/** A `--field KEY=column` mapping; throws for a column that does not exist. */
export function fieldMapKey(key: string, column: string): JsonKey {
  const def = COLUMN_DEFS[column];
  if (!def) throw new Error(`--field ${key}=${column}: unknown column; one of ${FIELD_MAP_COLUMNS.join(', ')}`);
  const { durationUnit, ...spec } = def;
  return { spec: { ...spec, name: key, rank: 100 }, durationUnit };
}
