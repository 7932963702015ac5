// The registry of server config formats (`overload ingest` reads them beside the logs): one
// file per server under parsers/config/, listed here, detected by content helped by the name.
import type { ConfigFormat, ConfigSetting } from './types.js';
import { nginxConf } from './nginx.js';
import { apacheConf } from './apache.js';
import { lighttpdConf } from './lighttpd.js';
import { phpFpmConf, phpIni } from './php-fpm.js';
import { varnishVcl, varnishParams } from './varnish.js';
import { sysctlConf } from './sysctl.js';

export const CONFIG_FORMATS: ConfigFormat[] = [nginxConf, apacheConf, lighttpdConf, phpFpmConf, phpIni, varnishVcl, varnishParams, sysctlConf];

export function findConfigFormat(name: string): ConfigFormat | undefined {
  return CONFIG_FORMATS.find((f) => f.name === name);
}

/** What the file name suggests (a hint: content decides when it disagrees). */
function nameHint(path: string): string | null {
  const p = path.replace(/\\/g, '/').toLowerCase();
  const base = p.slice(p.lastIndexOf('/') + 1);
  if (base.endsWith('.vcl')) return 'varnish-vcl';
  if (/(^|\/)php[^/]*\.ini$/.test(p) || (base.endsWith('.ini') && p.includes('/php'))) return 'php-ini';
  if (/sysctl[^/]*\.conf$/.test(base) || p.includes('/sysctl.d/')) return 'sysctl';
  if (/php-?fpm[^/]*\.conf$/.test(base) || /\/(php-fpm\.d|pool\.d)\//.test(p) || base === 'www.conf') return 'php-fpm-conf';
  if (/^(httpd|apache2?)[^/]*\.conf$/.test(base) || /\/(apache2?|httpd)\//.test(p)) return 'apache-conf';
  if (/^lighttpd[^/]*\.conf$/.test(base) || p.includes('/lighttpd/')) return 'lighttpd-conf';
  if (/^nginx[^/]*\.conf$/.test(base) || p.includes('/nginx/')) return 'nginx-conf';
  if (/varnish/.test(base) && !base.endsWith('.log')) return 'varnish-params';
  return null;
}

const CONTENT: Array<[string, (text: string) => boolean]> = [
  ['varnish-vcl', (t) => /^\s*vcl\s+\d\.\d\s*;/m.test(t) || /^\s*backend\s+\w+\s*\{/m.test(t) || /^\s*sub\s+vcl_\w+\s*\{/m.test(t)],
  ['varnish-params', (t) => /\bvarnishd\b.*\s-p\s*[a-z_]+=/.test(t) || /^\s*Value is:\s/m.test(t) ||
    /^\s*DAEMON_OPTS\s*=/m.test(t) || /^\s*ExecStart\s*=\s*\S*varnishd\b/m.test(t) ||
    (t.match(/^[a-z][a-z0-9_]*\s+\S+\s+\[(seconds|bytes|threads|connections|requests)\]/gm) ?? []).length >= 2],
  ['sysctl', (t) => {
    const lines = t.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#') && !l.startsWith(';'));
    const ok = lines.filter((l) => /^-?(net|kernel|vm|fs|dev|user|abi|debug|crypto|sunrpc)[./][a-z0-9_./*-]+\s*=/.test(l));
    return ok.length > 0 && ok.length >= lines.length * 0.8;
  }],
  ['apache-conf', (t) => /^\s*<(IfModule|VirtualHost|Directory|Location|Files)\b[^>]*>/mi.test(t) ||
    /^\s*(LoadModule|ServerRoot|DocumentRoot|MaxRequestWorkers|MaxClients|KeepAliveTimeout|ThreadsPerChild|ServerLimit)\s+\S/m.test(t)],
  ['nginx-conf', (t) => /^\s*(events|http|server|location|upstream|stream)\b[^;={]*\{/m.test(t) ||
    /^\s*(worker_processes|worker_connections|fastcgi_pass|proxy_pass|server_name|keepalive_timeout)\s+[^;=]*;/m.test(t)],
  ['lighttpd-conf', (t) => /^\s*(server|fastcgi|proxy|scgi|mimetype|index-file|accesslog|status|dir-listing|static-file|url)\.[a-z.-]+\s*(\+|:)?=/m.test(t)],
  ['php-ini', (t) => /^\s*\[PHP\]\s*$/m.test(t) || /^\s*(max_execution_time|memory_limit|post_max_size|upload_max_filesize)\s*=/m.test(t)],
  ['php-fpm-conf', (t) => /^\s*\[[A-Za-z0-9_.-]+\]\s*$/m.test(t) &&
    /^\s*(pm(\.[a-z_]+)?|listen(\.[a-z_]+)?|request_terminate_timeout|include|pid|error_log|emergency_restart_threshold)\s*=/m.test(t)],
];

/**
 * The config format of a file, or null when it looks like no config (then it is a log). Content
 * must agree: a file name alone decides only when the text says nothing against it (no line that
 * could be a log line's: a config line starts with a word, a comment, a section or a brace).
 */
export function detectConfigFormat(path: string, text: string): ConfigFormat | null {
  const hint = nameHint(path);
  // Documents, scripts, captures and logs may quote a config (a README's `server {`, a lab
  // script's heredoc): they count only when every line says so (sysctl, varnish parameters).
  const strictOnly = NOT_CONFIG_EXT.test(path);
  const matches = CONTENT.filter(([name, test]) => (!strictOnly || STRICT.has(name)) && test(text)).map(([name]) => name);
  // the name alone decides only for a file with nothing but comments (Debian's sysctl.conf)
  const chosen = hint && matches.includes(hint) ? hint : matches[0] ?? (hint && !strictOnly && onlyComments(text) ? hint : null);
  return chosen ? findConfigFormat(chosen) ?? null : null;
}

const NOT_CONFIG_EXT = /\.(md|txt|sh|log|json|ndjson|tsv|csv|lua|php|py|html?|out|gz)$/i;
const STRICT = new Set(['sysctl', 'varnish-params']);

function onlyComments(text: string): boolean {
  return text.split('\n').every((l) => /^\s*([#;].*)?$/.test(l));
}

/** A setting with the file it is in (the edge adds the file). */
export type FileSetting = ConfigSetting & { file: string };

/**
 * A key set twice in one scope: the later one wins (sysctl applies lines in order, an INI file
 * keeps the last, nginx/Apache/lighttpd take the last of a single-valued directive), so the
 * earlier one is marked inactive with where it was overridden. In place, in file order.
 */
export function markOverridden(settings: FileSetting[], format: ConfigFormat): void {
  const last = new Map<string, FileSetting>();
  for (const s of settings) {
    if (!s.active || format.repeatable(s.name)) continue;
    const key = `${s.server}\u0000${s.scope}\u0000${s.server === 'apache' ? s.name.toLowerCase() : s.name}`;
    const before = last.get(key);
    if (before) {
      before.active = false;
      before.note = [before.note, `overridden by ${s.file}:${s.line}`].filter(Boolean).join('; ');
    }
    last.set(key, s);
  }
}
