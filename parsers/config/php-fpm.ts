// PHP-FPM's php-fpm.conf / pool files and php.ini: the same INI syntax (`[section]`, `key = value`,
// `;` comments). PHP-FPM: [global] is the main scope, every other [name] a pool ('pool:www');
// `include=` (in [global]) names more files by glob. php.ini: sections only group, except
// [HOST=...] / [PATH=...], which scope what follows.
import type { ConfigContext, ConfigError, ConfigFileResult, ConfigFormat, ConfigServer } from './types.js';
import { redact } from './secrets.js';

const LINE = /^\s*([^=\s][^=]*?)\s*=\s*(.*?)\s*$/;
const SECTION = /^\s*\[([^\]]+)\]\s*(?:;.*)?$/;

/** `"quoted"` or a bare value up to a `;` comment. Null when a quote is not closed. */
function iniValue(raw: string): string | null {
  if (raw.startsWith('"')) {
    // PHP's INI scanner: \" inside double quotes is a quote
    let out = '';
    for (let i = 1; i < raw.length; i++) {
      if (raw[i] === '\\' && raw[i + 1] === '"') { out += '"'; i++; continue; }
      if (raw[i] === '"') return out;
      out += raw[i];
    }
    return null;
  }
  const semi = raw.search(/\s;/);
  return (semi >= 0 ? raw.slice(0, semi) : raw).trim();
}

/** Keys that name a variable in brackets: env[DB_PASSWORD], php_admin_value[mysqli.default_pw]. */
const BRACKET_KEY = /^(env|php_value|php_flag|php_admin_value|php_admin_flag)\[(.+)\]$/;

function parseIni(text: string, context: ConfigContext, server: ConfigServer): ConfigFileResult {
  const result: ConfigFileResult = { settings: [], includes: [], errors: [] };
  const errors: ConfigError[] = result.errors;
  let section = context.section ?? (server === 'php-fpm' ? 'global' : 'PHP');
  const scopeOf = (s: string): string => {
    if (server === 'php-fpm') return s === 'global' ? '' : `pool:${s}`;
    const m = /^(HOST|PATH)=(.*)$/i.exec(s);
    return m ? `${m[1].toLowerCase()}:${m[2]}` : '';
  };
  const lines = text.split('\n');
  lines.forEach((rawLine, i) => {
    const line = i + 1;
    const text = rawLine.replace(/\r$/, '');
    const t = text.trim();
    if (t === '' || t.startsWith(';') || t.startsWith('#')) return;
    const sec = SECTION.exec(text);
    if (sec) { section = sec[1].trim(); return; }
    const kv = LINE.exec(text);
    if (!kv) {
      errors.push({ line, message: 'cannot read this line: expected "key = value" or "[section]"', text });
      return;
    }
    const key = kv[1];
    const value = iniValue(kv[2]);
    if (value === null) {
      errors.push({ line, message: `value of ${key} opens a quote that is not closed (file cut in the middle?)`, text });
      return;
    }
    const scope = scopeOf(section);
    if (server === 'php-fpm' && key === 'include') {
      result.includes.push({ pattern: value, line, at: result.settings.length, context: { scope, section }, optional: false });
      return;
    }
    const bracket = BRACKET_KEY.exec(key);
    const r = redact(bracket ? bracket[2] : key, value);
    result.settings.push({ server, scope, name: key, value: r.value, line, active: true, note: r.note });
  });
  return result;
}

export const phpFpmConf: ConfigFormat = {
  name: 'php-fpm-conf',
  role: 'app',
  server: 'php-fpm',
  title: 'PHP-FPM php-fpm.conf and pool files (include= globs, one pool per [name])',
  example: '[www]\npm.max_children = 4',
  parse: (text, context) => parseIni(text, context, 'php-fpm'),
  // an INI file: a key set twice takes the last value
  repeatable: () => false,
};

export const phpIni: ConfigFormat = {
  name: 'php-ini',
  role: 'app',
  server: 'php',
  title: 'php.ini (max_execution_time, memory_limit ...)',
  example: 'max_execution_time = 30',
  parse: (text, context) => parseIni(text, context, 'php'),
  repeatable: (name) => name === 'extension' || name === 'zend_extension',
};
