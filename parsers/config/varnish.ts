// Varnish: VCL backends (`backend NAME { .max_connections = 50; .first_byte_timeout = 60s; }`)
// and parameters, from `varnishd ... -p name=value` command lines (systemd units,
// /etc/default/varnish) or `varnishadm param.show` output (short or -l form).
import type { ConfigContext, ConfigError, ConfigFileResult, ConfigFormat, ConfigSetting } from './types.js';
import { redact } from './secrets.js';

function setting(scope: string, name: string, value: string | null, line: number, note: string | null = null): ConfigSetting {
  return { server: 'varnish', scope, name, value, line, active: true, note };
}

/** VCL text with comments blanked (line numbers kept): `#`, `//` and C-style comments. */
function stripComments(text: string): string {
  let out = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === '"') {
      const end = text.indexOf('"', i + 1);
      const stop = end < 0 ? n : end + 1;
      out += text.slice(i, stop);
      i = stop;
    } else if (c === '{' && text[i + 1] === '"') {
      const end = text.indexOf('"}', i + 2);
      const stop = end < 0 ? n : end + 2;
      out += text.slice(i, stop);
      i = stop;
    } else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else { out += c; i++; }
  }
  return out;
}

export function parseVcl(text: string, context: ConfigContext): ConfigFileResult {
  const errors: ConfigError[] = [];
  const result: ConfigFileResult = { settings: [], includes: [], errors };
  const lines = text.split('\n');
  const src = stripComments(text);
  const lineAt = (pos: number) => src.slice(0, pos).split('\n').length;
  const prefix = context.scope ? context.scope + '/' : '';
  // where in the text each setting stands, to splice included files in at their include
  const positions: number[] = [];
  const blockRe = /\b(backend|probe)\s+([A-Za-z0-9_]+)\s*\{/g;
  let m: RegExpExecArray | null;
  while ((m = blockRe.exec(src)) !== null) {
    const kind = m[1];
    const name = m[2];
    const open = m.index;
    let depth = 0;
    let k = m.index + m[0].length - 1;
    for (; k < src.length; k++) {
      if (src[k] === '"') { const e = src.indexOf('"', k + 1); k = e < 0 ? src.length : e; continue; }
      if (src[k] === '{') depth++;
      else if (src[k] === '}' && --depth === 0) break;
    }
    const openLine = lineAt(open);
    if (k >= src.length) {
      errors.push({ line: openLine, message: `${kind} ${name}: unexpected end of file, expecting '}' (file cut in the middle?)`, text: lines[openLine - 1] ?? '' });
    }
    const body = src.slice(m.index + m[0].length, Math.min(k, src.length));
    const bodyStart = m.index + m[0].length;
    const scope = `${prefix}${kind}:${name}`;
    // .attr = value;  (.probe = { ... } and .probe = name; nested probe bodies are read too)
    const attrRe = /\.([a-z_]+)\s*=\s*(\{|"[^"]*"|[^;{}]+?)\s*;?(?=\s|$|})/g;
    let a: RegExpExecArray | null;
    let nested = '';
    let nestedEnd = -1;
    while ((a = attrRe.exec(body)) !== null) {
      const line = lineAt(bodyStart + a.index);
      if (a[2] === '{') {
        // an inline probe: its attributes get scope backend:NAME/probe
        nested = `/${a[1]}`;
        let d = 1, j = a.index + a[0].length;
        for (; j < body.length && d > 0; j++) { if (body[j] === '{') d++; else if (body[j] === '}') d--; }
        nestedEnd = j;
        continue;
      }
      const inNested = nestedEnd >= 0 && a.index < nestedEnd;
      const raw = a[2].trim();
      const value = raw.startsWith('"') ? raw.slice(1, -1) : raw;
      const r = redact(a[1], value);
      result.settings.push(setting(inNested ? scope + nested : scope, `.${a[1]}`, r.value, line, r.note));
      positions.push(bodyStart + a.index);
    }
    blockRe.lastIndex = Math.min(k, src.length);
  }
  // include "file.vcl"; at the top level
  for (const m of src.matchAll(/(^|\n)\s*include\s+"([^"]+)"\s*;/g)) {
    const pos = m.index! + m[1].length;
    const at = positions.filter((p) => p < pos).length;
    result.includes.push({ pattern: m[2], line: lineAt(pos), at, context: { scope: context.scope }, optional: false });
  }
  return result;
}

/** Lines joined where a shell or systemd line ends in `\\`, each kept at the line it starts on. */
function logicalLines(text: string): Array<{ line: number; raw: string }> {
  const out: Array<{ line: number; raw: string }> = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    let raw = lines[i].replace(/\r$/, '');
    while (/\\\s*$/.test(raw) && i + 1 < lines.length) raw = raw.replace(/\\\s*$/, ' ') + lines[++i].replace(/\r$/, '').trim();
    out.push({ line, raw });
  }
  return out;
}

/** -p name=value, -s storage, -t ttl out of one command line. */
function commandLine(raw: string, line: number, scope: string, result: ConfigFileResult): void {
  const words = raw.split(/\s+/).map((w) => w.replace(/^["']|["']$/g, '').replace(/^[A-Z_]+=["']?/, ''));
  for (let k = 0; k < words.length; k++) {
    const opt = /^-([pst])(.*)$/.exec(words[k]);
    if (!opt) continue;
    const arg = opt[2] || words[++k] || '';
    if (opt[1] === 'p') {
      const eq = arg.indexOf('=');
      if (eq <= 0) { result.errors.push({ line, message: `-p ${arg}: expected name=value`, text: raw }); continue; }
      const r = redact(arg.slice(0, eq), arg.slice(eq + 1));
      result.settings.push(setting(scope, arg.slice(0, eq), r.value, line, r.note));
    } else if (opt[1] === 's') result.settings.push(setting(scope, 'storage', arg, line, 'varnishd -s'));
    else result.settings.push(setting(scope, 'default_ttl', arg, line, 'varnishd -t'));
  }
}

export function parseVarnishParams(text: string, context: ConfigContext): ConfigFileResult {
  const result: ConfigFileResult = { settings: [], includes: [], errors: [] };
  // A wrapper (systemd unit, /etc/default/varnish, a shell script): only its varnishd command
  // line says anything about Varnish; its other lines are the wrapper's own.
  const wrapper = /\bvarnishd\b|DAEMON_OPTS/.test(text);
  let pendingName: string | null = null;
  for (const { line, raw } of logicalLines(text)) {
    const t = raw.trim();
    if (t === '' || t.startsWith('#')) continue;
    if (wrapper) {
      if (/(^|[\s"'=])-[pst]\s*\S/.test(t)) commandLine(t, line, context.scope, result);
      continue;
    }
    // param.show -l: the name alone on a line, then "Value is: 60.000 [seconds] (default)"
    const valueIs = /^Value is:\s*(\S+)(?:\s+\[([^\]]+)\])?(\s+\(default\))?/.exec(t);
    if (valueIs && pendingName) {
      result.settings.push(setting(context.scope, pendingName, valueIs[1], line, valueIs[3] ? 'param.show: the default' : null));
      pendingName = null;
      continue;
    }
    // param.show -l: indented lines under a name are its documentation
    if (/^\s/.test(raw)) continue;
    // param.show short form: "first_byte_timeout         60.000 [seconds] (default)"
    const short = /^([a-z][a-z0-9_]*)\s+(\S+)(?:\s+\[([^\]]+)\])?(\s+\(default\))?\s*$/.exec(t);
    if (short) {
      result.settings.push(setting(context.scope, short[1], short[2], line, short[4] ? 'param.show: the default' : null));
      continue;
    }
    if (/^[a-z][a-z0-9_]*$/.test(t)) { pendingName = t; continue; }
    if (/^(200|\d{3})\s+\d+$/.test(t)) continue; // varnishadm's status line
    result.errors.push({ line, message: 'cannot read this line: expected varnishd -p name=value or param.show output', text: raw });
  }
  return result;
}

export const varnishVcl: ConfigFormat = {
  name: 'varnish-vcl',
  role: 'cache',
  server: 'varnish',
  title: 'Varnish VCL backends and probes (.max_connections, .first_byte_timeout ...)',
  example: 'backend default { .host = "127.0.0.1"; .first_byte_timeout = 60s; }',
  parse: parseVcl,
  repeatable: () => false,
};

export const varnishParams: ConfigFormat = {
  name: 'varnish-params',
  role: 'cache',
  server: 'varnish',
  title: 'Varnish parameters: varnishd -p name=value command lines or param.show output',
  example: 'first_byte_timeout         60.000 [seconds] (default)',
  parse: parseVarnishParams,
  repeatable: () => false,
};
