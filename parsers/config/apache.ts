// Apache httpd.conf / apache2.conf: one directive per line (`\\` continues it), `<Section args>`
// blocks, Include / IncludeOptional (the edge follows them). Whether an `<IfModule>` block counts
// depends on the modules every file loads, so a setting carries its conditions and
// resolveIfModules() decides once all files are read: the MPM that is loaded (LoadModule
// mpm_*_module, in the files or Debian's mods-enabled/*.load they include) makes its
// `<IfModule mpm_event_module>` block active and the others inactive.
import type { ConfigContext, ConfigError, ConfigFileResult, ConfigFormat, ConfigSetting } from './types.js';
import { redact, redactHeader } from './secrets.js';

const MAX_NESTING = 64;

/** Words of a directive line: whitespace-separated, "double" or 'single' quoted with \" escapes. */
function words(s: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    if (/\s/.test(s[i])) { i++; continue; }
    if (s[i] === '"' || s[i] === "'") {
      const q = s[i++];
      let w = '';
      while (i < s.length && s[i] !== q) {
        if (s[i] === '\\' && s[i + 1] === q) { w += q; i += 2; } else w += s[i++];
      }
      if (i >= s.length) return null;
      i++;
      out.push(w);
      continue;
    }
    let w = '';
    while (i < s.length && !/\s/.test(s[i])) w += s[i++];
    out.push(w);
  }
  return out;
}

/** mpm_event_module, mod_mpm_event.c, event.c -> 'mpm_event'; ssl_module, mod_ssl.c -> 'ssl'. */
export function moduleId(name: string): string {
  let n = name.trim();
  if (n.endsWith('_module')) n = n.slice(0, -'_module'.length);
  else if (n.endsWith('.c')) n = n.slice(0, -2).replace(/^mod_/, '');
  else if (n.endsWith('.so')) n = n.slice(0, -3).replace(/^.*\//, '').replace(/^mod_/, '');
  if (['event', 'worker', 'prefork'].includes(n)) n = 'mpm_' + n; // Apache 2.2 spelled them event.c ...
  return n;
}

const REPEATABLE = /^(Listen|LoadModule|LoadFile|Include.*|Alias.*|ScriptAlias.*|Redirect.*|Rewrite(Rule|Cond)|Add.*|Header|RequestHeader|Require.*|Allow|Deny|LogFormat|CustomLog|ErrorDocument|ServerAlias|ProxyPass.*|SetEnvIf.*|BrowserMatch.*|Index.*|Define|PassEnv|UnsetEnv|Options|DirectoryIndex|Remove.*|RequestReadTimeout|SetEnv\[.*)$/i;

function sectionScope(tag: string, args: string[]): string | null {
  const t = tag.toLowerCase();
  if (t === 'virtualhost') return `vhost:${args.join(' ')}`;
  if (t === 'ifmodule' || t === 'ifdefine' || t === 'ifversion' || t === 'ifdirective' || t === 'iffile' || t === 'ifsection') return null;
  return `${t}:${args.join(' ')}`;
}

export function parseApacheConfig(text: string, context: ConfigContext): ConfigFileResult {
  const errors: ConfigError[] = [];
  const result: ConfigFileResult = { settings: [], includes: [], errors };
  const lines = text.split('\n');
  type Open = { tag: string; line: number; scope: string; conditions: string[] };
  const stack: Open[] = [];
  const scope = () => stack.length ? stack[stack.length - 1].scope : context.scope;
  const conditions = () => stack.length ? stack[stack.length - 1].conditions : (context.conditions ?? []);
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    let t = lines[i].replace(/\r$/, '');
    // continuation lines: one directive, stored at the line it starts on
    while (/\\$/.test(t) && i + 1 < lines.length) t = t.slice(0, -1) + ' ' + lines[++i].replace(/\r$/, '').trim();
    const trimmed = t.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const close = /^<\/([A-Za-z]+)\s*>$/.exec(trimmed);
    if (close) {
      const top = stack.pop();
      if (!top) errors.push({ line, message: `</${close[1]}> closes no open section`, text: t });
      else if (top.tag.toLowerCase() !== close[1].toLowerCase()) {
        errors.push({ line, message: `</${close[1]}> does not match <${top.tag}> opened at line ${top.line}`, text: t });
      }
      continue;
    }
    const open = /^<([A-Za-z]+)(\s+[^>]*)?>$/.exec(trimmed);
    if (open) {
      if (stack.length >= MAX_NESTING) {
        // still tracked so the closing tags match, but with the scope and conditions of the
        // level above (copying them 10,000 deep was quadratic)
        if (stack.length === MAX_NESTING) errors.push({ line, message: `sections nested deeper than ${MAX_NESTING}: the inner ones are read as the outer one`, text: t });
        stack.push({ ...stack[stack.length - 1], tag: open[1], line });
        continue;
      }
      const args = words(open[2] ?? '') ?? [];
      let sc = scope();
      const conds = [...conditions()];
      const tag = open[1].toLowerCase();
      if (tag === 'ifmodule' && args[0]) {
        conds.push(args[0]);
        const id = moduleId(args[0].replace(/^!/, ''));
        if (!args[0].startsWith('!') && /^mpm_/.test(id)) sc = `${sc ? sc + '/' : ''}mpm:${id.slice(4)}`;
      } else {
        const own = sectionScope(tag, args);
        if (own) sc = sc ? `${sc}/${own}` : own;
      }
      stack.push({ tag: open[1], line, scope: sc, conditions: conds });
      continue;
    }
    if (trimmed.startsWith('<')) {
      errors.push({ line, message: 'cannot read this section line (expected <Name args> or </Name>)', text: t });
      continue;
    }
    const w = words(trimmed);
    if (!w) {
      errors.push({ line, message: 'a quote is not closed on this line', text: t });
      continue;
    }
    const [name, ...args] = w;
    if (/^Include(Optional)?$/i.test(name)) {
      if (!args[0]) errors.push({ line, message: `${name} names no file`, text: t });
      else result.includes.push({ pattern: args[0], line, at: result.settings.length, context: { scope: scope(), conditions: conditions() }, optional: /optional/i.test(name) });
      continue;
    }
    const push = (n: string, value: string | null, note: string | null) => {
      const s: ConfigSetting = { server: 'apache', scope: scope(), name: n, value, line, active: true, note };
      if (conditions().length) s.conditions = conditions();
      result.settings.push(s);
    };
    if (/^SetEnv$/i.test(name) && args[0]) {
      const r = redact(args[0], args.slice(1).join(' '));
      push(`SetEnv[${args[0]}]`, r.value, r.note);
      continue;
    }
    // RequestHeader set Authorization "Basic ...", ProxyPass with user:pass@, AuthLDAPBindPassword ...
    const value = args.join(' ');
    // (by directive name only for password/secret directives: ServerTokens is no token)
    const byName = /pass(word|phrase)|secret/i.test(name) ? redact(name, value) : redact('', value);
    const header = /^(Request)?Header$/i.test(name) && args[1] ? redactHeader(args[1], value) : byName;
    push(name, header.value, header.note);
  }
  for (const o of stack) {
    errors.push({ line: o.line, message: `<${o.tag}> is not closed before the end of the file (file cut in the middle?)`, text: lines[o.line - 1] ?? '' });
  }
  return result;
}

/** Modules compiled into Debian's and the default httpd build (no LoadModule needed). */
const STATIC_MODULES = new Set(['core', 'so', 'http', 'log_config', 'logio', 'version', 'unixd', 'watchdog', 'http_core']);

/**
 * Decide every <IfModule> once all files are read (in place): a setting counts when each of its
 * conditions holds for the modules LoadModule loads. Returns the MPM found (null: none loaded).
 */
export function resolveIfModules(settings: ConfigSetting[]): string | null {
  const loaded = new Set(STATIC_MODULES);
  for (const s of settings) {
    if (s.server !== 'apache' || !/^LoadModule$/i.test(s.name) || !s.value) continue;
    // a LoadModule inside an inactive <IfModule> loads nothing; decided in file order below
    if (s.conditions?.some((c) => !holds(c, loaded))) continue;
    loaded.add(moduleId(s.value.split(/\s+/)[0]));
  }
  const mpm = [...loaded].find((m) => m.startsWith('mpm_')) ?? null;
  for (const s of settings) {
    if (!s.conditions) continue;
    const failed = s.conditions.find((c) => !holds(c, loaded));
    if (failed) {
      s.active = false;
      const id = moduleId(failed.replace(/^!/, ''));
      s.note = failed.startsWith('!') ? `inside <IfModule ${failed}>: ${id} is loaded`
        : id.startsWith('mpm_') ? `inside <IfModule ${failed}>: the MPM loaded is ${mpm ? mpm.slice(4) : 'unknown (no LoadModule mpm_*_module)'}`
          : `inside <IfModule ${failed}>: module not loaded`;
    }
    delete s.conditions;
  }
  return mpm;
}

function holds(condition: string, loaded: Set<string>): boolean {
  const negated = condition.startsWith('!');
  const has = loaded.has(moduleId(condition.replace(/^!/, '')));
  return negated ? !has : has;
}

export const apacheConf: ConfigFormat = {
  name: 'apache-conf',
  role: 'web',
  server: 'apache',
  title: 'Apache httpd.conf / apache2.conf (Include, <IfModule> decided by the loaded MPM, <VirtualHost>)',
  example: '<IfModule mpm_event_module>\n  MaxRequestWorkers 150\n</IfModule>',
  parse: parseApacheConfig,
  repeatable: (name) => REPEATABLE.test(name),
};
