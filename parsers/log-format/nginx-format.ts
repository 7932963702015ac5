// nginx `log_format` body -> compiled format. nginx stamps a request when it ends ($time_local,
// $time_iso8601 and $msec are all the log-write time), so every stamp here is an end stamp.
//
// Accepts the format as written in nginx.conf too, so users can paste it: an optional
// `log_format NAME`, an optional `escape=default|json|none`, then either the body itself or
// the quoted strings nginx concatenates (`'$remote_addr - ' '$status';`).
import type { CompiledFormat, FieldSpec, Segment, Shape } from './fields.js';
import { tokenizeNginxConf } from './nginx-conf.js';

type VarDef = Omit<FieldSpec, 'name'>;

const tok = (role: FieldSpec['role'], extra: Partial<VarDef> = {}): VarDef => ({ role, shape: 'token', ...extra });
const num = (role: FieldSpec['role'], extra: Partial<VarDef> = {}): VarDef => ({ role, shape: 'number', ...extra });
const list = (role: FieldSpec['role']): VarDef => ({ role, shape: 'list', unit: 's' });

/** What each nginx variable means. Shared by the key=value and JSON parsers (same names). */
export const NGINX_VARS: Record<string, VarDef> = {
  remote_addr: tok('client', { rank: 2 }),
  remote_user: tok('extra'),
  time_local: { role: 'time', shape: 'clf', rank: 1, time: { side: 'stamp', parse: 'clf' } },
  time_iso8601: tok('time', { rank: 2, time: { side: 'stamp', parse: 'iso' } }),
  msec: tok('time', { rank: 3, time: { side: 'stamp', parse: 'epoch_s' } }),
  request: { role: 'request', shape: 'text' },
  request_method: tok('method'),
  request_uri: tok('url', { rank: 2, shape: 'target' }),
  uri: tok('path', { shape: 'path' }),
  document_uri: tok('extra'),
  args: tok('query', { rank: 2 }),
  query_string: tok('query', { rank: 1 }),
  status: num('status'),
  body_bytes_sent: num('bytes', { rank: 2 }),
  bytes_sent: num('bytes', { rank: 1 }),
  request_length: num('request_length'),
  request_time: num('duration', { unit: 's' }),
  upstream_response_time: list('upstream_time'),
  upstream_connect_time: list('upstream_connect'),
  upstream_header_time: list('upstream_header'),
  upstream_addr: list('upstream_addr'),
  upstream_status: list('upstream_status'),
  upstream_cache_status: tok('extra'),
  upstream_bytes_received: { role: 'extra', shape: 'list' },
  upstream_bytes_sent: { role: 'extra', shape: 'list' },
  upstream_response_length: { role: 'extra', shape: 'list' },
  http_referer: { role: 'referer', shape: 'text' },
  http_user_agent: { role: 'user_agent', shape: 'text' },
  http_x_forwarded_for: { role: 'extra', shape: 'text' },
  host: tok('vhost', { rank: 2, shape: 'host' }),
  http_host: tok('vhost', { rank: 1, shape: 'host' }),
  server_name: tok('vhost', { rank: 0, shape: 'host' }),
  connection: num('extra_number'),
  connection_requests: num('extra_number'),
  pipe: tok('extra'),
  scheme: tok('extra'),
  server_protocol: tok('protocol'),
};

/** A variable outside the table: kept in extra; header-like ones may contain spaces. */
export function nginxVar(name: string): FieldSpec {
  const def = NGINX_VARS[name];
  if (def) return { name, ...def };
  const shape: Shape = /^(http_|sent_http_|upstream_http_|cookie_|arg_)/.test(name) ? 'text' : 'token';
  return { name, role: 'extra', shape };
}

export interface NginxSpec {
  body: string;
  escape: 'default' | 'json' | 'none';
}

/** Unwraps what users paste from nginx.conf down to the format body nginx would use. */
export function readNginxSpec(spec: string): NginxSpec {
  let s = spec.trim();
  let confLike = false;
  const head = /^log_format\s+\S+\s+/.exec(s);
  if (head) { s = s.slice(head[0].length); confLike = true; }
  let escape: NginxSpec['escape'] = 'default';
  const esc = /^escape=(default|json|none)\s+/.exec(s);
  if (esc) { escape = esc[1] as NginxSpec['escape']; s = s.slice(esc[0].length); }
  if (s.endsWith(';')) { s = s.slice(0, -1).trimEnd(); confLike = true; }
  if (confLike || s.startsWith("'")) {
    const words = tokenizeNginxConf(s).map((t) => ('word' in t ? t.word : ''));
    return { body: words.join(''), escape };
  }
  return { body: s, escape };
}

const VAR = /\$(?:\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g;

/** Format body -> segments. `$name` and `${name}` are variables; everything else is literal. */
export function compileNginxFormat(spec: string): CompiledFormat & { escape: NginxSpec['escape'] } {
  const { body, escape } = readNginxSpec(spec);
  const segments: Segment[] = [];
  let last = 0;
  for (const m of body.matchAll(VAR)) {
    if (m.index! > last) segments.push(body.slice(last, m.index));
    segments.push(nginxVar(m[1] ?? m[2]));
    last = m.index! + m[0].length;
  }
  if (last < body.length) segments.push(body.slice(last));
  if (!segments.some((s) => typeof s !== 'string' && s.role === 'time')) {
    throw new Error('nginx log_format has no time variable ($time_local, $time_iso8601 or $msec)');
  }
  return { segments, stampSide: 'end', escape };
}
