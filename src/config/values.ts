// The one reader of config values: durations and sizes in each server's own syntax. The
// diagnosis calls these and never re-parses units its own way. Values come from `settings.value`
// as written ('60s', '1024m', '60.000', '128M'); anything that is not a number in that server's
// syntax ('auto', 'off', '') gives null, and the caller keeps the text.
import type { ConfigServer } from '../../parsers/config/types.js';

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

// nginx (ngx_parse_time / ngx_parse_size): time units ms s m h d w M y, several joined ('1h 30m');
// no unit means seconds. Size: k/K, m/M, g/G, no unit bytes.
const NGINX_TIME_MS: Record<string, number> = {
  ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, M: 30 * 86_400_000, y: 365 * 86_400_000,
};
// Varnish (VCL durations and parameters): ms s m h d w y; a parameter without a unit is seconds.
const VARNISH_TIME_MS: Record<string, number> = {
  ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, y: 365 * 86_400_000,
};
// PHP-FPM (fpm_conf_set_time): s m h d; no unit seconds.
const FPM_TIME_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

const SIZE_MULT: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

function unitSum(text: string, units: Record<string, number>, bare: number): number | null {
  const t = text.trim();
  if (t === '') return null;
  if (NUMBER.test(t)) return Number(t) * bare;
  // one or more number+unit parts: '1h 30m', '1h30m', '500ms'
  const re = /\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+)\s*/y;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(t)) !== null) {
    const unit = units[m[2]] ?? units[m[2].toLowerCase()];
    if (unit === undefined) return null;
    total += Number(m[1]) * unit;
    matched = re.lastIndex;
    if (matched >= t.length) break;
  }
  return matched === t.length ? total : null;
}

function unquote(v: string): string {
  const t = v.trim();
  return /^(["']).*\1$/.test(t) ? t.slice(1, -1) : t;
}

/** A duration in milliseconds, read the way `server` reads it; null when it is not one. */
export function durationMs(value: string | null, server: ConfigServer): number | null {
  if (value === null) return null;
  const v = unquote(value);
  switch (server) {
    case 'nginx': return unitSum(v, NGINX_TIME_MS, 1000);
    case 'varnish': return unitSum(v, VARNISH_TIME_MS, 1000);
    case 'php-fpm': return unitSum(v, FPM_TIME_MS, 1000);
    // Apache Timeout/KeepAliveTimeout: seconds, KeepAliveTimeout also takes 'ms' (mod_core)
    case 'apache': return unitSum(v, { ms: 1, s: 1000 }, 1000);
    // php.ini max_execution_time, lighttpd timeouts, sysctl *_timeout: plain seconds
    default: return NUMBER.test(v) ? Number(v) * 1000 : null;
  }
}

/** A size in bytes; null when it is not one. php.ini and nginx take K/M/G, Varnish b/k/m/g/t. */
export function sizeBytes(value: string | null, server: ConfigServer): number | null {
  if (value === null) return null;
  const v = unquote(value);
  const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]?)[bB]?$/.exec(v);
  if (!m) return null;
  // php.ini: a bare number is bytes; lighttpd sizes are in kilobytes where the doc says so
  // (server.max-request-size): that is the caller's to know from the name.
  const mult = SIZE_MULT[m[2].toLowerCase()];
  if (mult === undefined) return null;
  if (server === 'php' && m[2] === '' && v.includes('.')) return null;
  return Math.round(Number(m[1]) * mult);
}

/** A plain count (worker_connections, pm.max_children, max-procs); null for 'auto', 'unlimited', text. */
export function count(value: string | null): number | null {
  if (value === null) return null;
  const v = unquote(value);
  return /^[+-]?\d+$/.test(v) ? Number(v) : null;
}

/** on/off, yes/no, true/false, 1/0 as the servers write them; null when it is none of them. */
export function flag(value: string | null): boolean | null {
  if (value === null) return null;
  const v = unquote(value).toLowerCase();
  if (['on', 'yes', 'true', '1', 'enable'].includes(v)) return true;
  if (['off', 'no', 'false', '0', 'disable', ''].includes(v)) return false;
  return null;
}

/** A whitespace-separated list of integers (ip_local_port_range '32768 60999', tcp_mem); null when not. */
export function numbers(value: string | null): number[] | null {
  if (value === null) return null;
  const parts = unquote(value).split(/\s+/).filter(Boolean);
  if (!parts.length || !parts.every((p) => /^-?\d+$/.test(p))) return null;
  return parts.map(Number);
}
