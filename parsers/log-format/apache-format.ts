// Apache `LogFormat`, lighttpd `accesslog.format` and varnishncsa `-F` strings -> compiled
// format. The three share mod_log_config's `%[<>][conditions]{param}X` directives; they differ
// in what a plain `%t` stamps: Apache and Varnish stamp the request's start, lighttpd its end
// (`%{begin:...}t` / `%{end:...}t` say so explicitly and win).
//
// Extra keys follow nginx's names where nginx has the same thing (`http_x_forwarded_for` for
// %{X-Forwarded-For}i, `sent_http_*` for %{..}o, `remote_user`), so one query reads both.
import type { CompiledFormat, FieldSpec, Segment, TimeSpec } from './fields.js';
import { compileStrftime } from './strftime.js';

export type ModLogFlavor = 'apache' | 'lighttpd' | 'varnish';

/** `%{User-Agent}i` -> `http_user_agent` (nginx's spelling of the same header). */
export function headerKey(prefix: string, header: string): string {
  return prefix + header.toLowerCase().replace(/[^a-z0-9]+/g, '_');
}

function timeField(param: string | undefined): FieldSpec[] | null {
  if (param === undefined) return null;
  let side: TimeSpec['side'] = 'stamp';
  let p = param;
  if (p.startsWith('begin:')) { side = 'start'; p = p.slice(6); }
  else if (p.startsWith('end:')) { side = 'end'; p = p.slice(4); }
  const named: Record<string, TimeSpec['parse']> = {
    sec: 'epoch_s', msec: 'epoch_ms', usec: 'epoch_us', msec_frac: 'frac_ms', usec_frac: 'frac_us',
  };
  const name = side === 'end' ? 'time_end' : side === 'start' ? 'time_begin' : 'time';
  if (named[p]) return [{ name, role: 'time', shape: 'token', time: { side, parse: named[p] } }];
  const shape = compileStrftime(p).hasSpace ? 'text' : 'token';
  return [{ name, role: 'time', shape, time: { side, parse: 'strftime', pattern: p } }];
}

function durationT(param: string | undefined): FieldSpec {
  if (param === 'ms') return { name: 'duration_ms', role: 'duration', shape: 'number', unit: 'ms', rank: 1 };
  if (param === 'us') return { name: 'duration_us', role: 'duration', shape: 'number', unit: 'us', rank: 2 };
  return { name: 'duration_s', role: 'duration', shape: 'number', unit: 's', rank: 0 };
}

function requestHeader(h: string): FieldSpec {
  const lower = h.toLowerCase();
  if (lower === 'referer' || lower === 'referrer') return { name: 'http_referer', role: 'referer', shape: 'text' };
  if (lower === 'user-agent') return { name: 'http_user_agent', role: 'user_agent', shape: 'text' };
  if (lower === 'host') return { name: 'http_host', role: 'vhost', shape: 'token', rank: 0 };
  return { name: headerKey('http_', h), role: 'extra', shape: 'text' };
}

function varnishField(param: string): FieldSpec {
  if (param === 'Varnish:time_firstbyte') {
    return { name: 'varnish_time_firstbyte_ms', role: 'extra_number', shape: 'number', scale: 1000 };
  }
  // VSL records and VCL_Log values are free text (FetchError: `backend x: fail errno 110 (...)`)
  const shape = param.startsWith('Varnish:') ? 'token' : 'text';
  return { name: headerKey('', param.replace(/^Varnish:/, 'varnish_')), role: 'extra', shape };
}

/** One directive -> its segments (Apache's plain %t brings its brackets). */
function directive(letter: string, param: string | undefined, gt: boolean): Segment[] {
  const tok = (name: string, role: FieldSpec['role'] = 'extra', rank?: number): Segment[] =>
    [{ name, role, shape: 'token', rank }];
  const num = (name: string, role: FieldSpec['role'], rank?: number): Segment[] =>
    [{ name, role, shape: 'number', rank }];
  switch (letter) {
    case 'h': return tok('remote_host', 'client', 2);
    case 'a': return param === 'c' ? tok('peer_ip') : tok('client_ip', 'client', 1);
    case 'A': return tok('server_ip');
    case 'l': return tok('ident');
    case 'u': return tok('remote_user');
    case 't': return timeField(param) ?? ['[', { name: 'time', role: 'time', shape: 'clf', time: { side: 'stamp', parse: 'clf' } }, ']'];
    case 'r': return [{ name: 'request', role: 'request', shape: 'text' }];
    case 'm': return tok('request_method', 'method');
    case 'U': return [{ name: 'url_path', role: 'path', shape: 'path' }];
    case 'q': return [{ name: 'query_string', role: 'query', shape: 'query' }];
    case 'H': return tok('server_protocol', 'protocol');
    case 's': return gt ? num('status', 'status', 2) : num('original_status', 'status', 1);
    case 'b': case 'B': return num('body_bytes_sent', 'bytes', 2);
    case 'O': return num('bytes_sent', 'bytes', 1);
    case 'I': return num('bytes_received', 'request_length');
    case 'S': return num('bytes_transferred', 'extra_number');
    case 'D': return [{ name: 'duration_us', role: 'duration', shape: 'number', unit: 'us', rank: 2 }];
    case 'T': return [durationT(param)];
    case 'L': return tok('log_id');
    case 'v': return tok('server_name', 'vhost', 2);
    case 'V': return tok('host', 'vhost', 1);
    case 'p': return num(param === 'remote' ? 'remote_port' : 'server_port', 'extra_number');
    case 'P': return num(param === 'tid' || param === 'hextid' ? 'tid' : 'pid', 'extra_number');
    case 'k': return num('keepalive_requests', 'extra_number');
    case 'X': return tok('connection_status');
    case 'R': return tok('handler');
    case 'f': return [{ name: 'filename', role: 'extra', shape: 'text' }];
    case 'i': return [requestHeader(param ?? '')];
    case 'o': return [{ name: headerKey('sent_http_', param ?? ''), role: 'extra', shape: 'text' }];
    case 'e': return [{ name: 'env_' + (param ?? ''), role: 'extra', shape: 'text' }];
    case 'n': return [{ name: 'note_' + (param ?? ''), role: 'extra', shape: 'text' }];
    case 'C': return [{ name: 'cookie_' + (param ?? ''), role: 'extra', shape: 'text' }];
    case 'x': return [varnishField(param ?? '')];
    default: return tok('%' + letter);
  }
}

/** Unwraps `LogFormat "..." nick`, `accesslog.format = "..."`, `-F '...'` down to the format. */
export function readModLogSpec(spec: string): string {
  let s = spec.trim().replace(/^(?:LogFormat|CustomLog\s+\S+|accesslog\.format\s*=|access\.format\s*=|-F)\s*/, '');
  const q = s[0];
  if (q === '"' || q === "'") {
    let body = '';
    let i = 1;
    for (; i < s.length && s[i] !== q; i++) {
      if (s[i] === '\\' && i + 1 < s.length) {
        const c = s[++i];
        body += c === 'n' ? '\n' : c === 't' ? '\t' : c === q || c === '\\' ? c : '\\' + c;
      } else body += s[i];
    }
    if (i < s.length && /^\s*(\w+)?\s*$/.test(s.slice(i + 1))) s = body;
  }
  return s;
}

const DIRECTIVE = /%([<>])?(?:!?\d+(?:,\d+)*)?(?:\{([^}]*)\})?(\^\w\w|[A-Za-z%])/g;

export function compileModLogFormat(spec: string, flavor: ModLogFlavor): CompiledFormat {
  const body = readModLogSpec(spec);
  const segments: Segment[] = [];
  let last = 0;
  for (const m of body.matchAll(DIRECTIVE)) {
    if (m.index! > last) segments.push(body.slice(last, m.index));
    last = m.index! + m[0].length;
    if (m[3] === '%') segments.push('%');
    else segments.push(...directive(m[3], m[2], m[1] === '>'));
  }
  if (last < body.length) segments.push(body.slice(last));
  if (!segments.some((s) => typeof s !== 'string' && s.role === 'time')) {
    throw new Error('log format has no time directive (%t or %{...}t)');
  }
  return { segments, stampSide: flavor === 'lighttpd' ? 'end' : 'start' };
}
