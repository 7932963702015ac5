// Reads `log_format` definitions out of an nginx.conf text, so users hand overload the server's
// config instead of retyping a format. Pure: the CLI reads the file (and would have to follow
// `include` itself; included files are not opened here).
//
// nginx's own tokenizer rules: `#` starts a comment outside quotes, words end at whitespace, `;`,
// `{` or `}`, and quoted strings (single or double) take `\"`, `\'`, `\\` escapes. A directive's
// adjacent quoted strings are separate arguments that log_format concatenates.

export interface NginxLogFormatDef {
  name: string;
  escape: 'default' | 'json' | 'none';
  /** the concatenated format body, as nginx sees it */
  format: string;
}

export interface NginxConfFormats {
  formats: NginxLogFormatDef[];
  /** `access_log PATH NAME` directives in file order (NAME null when the directive names none) */
  accessLogs: Array<{ path: string; format: string | null }>;
}

/** nginx's predefined format: `access_log` without a name, or naming `combined`. */
export const NGINX_COMBINED =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"';

/**
 * A word or a statement end, with the line it starts on (the config ingest stores file:line);
 * `unterminated` marks a quoted string the text ends inside (a file cut in the middle).
 */
export type Token = ({ word: string } | { end: ';' | '{' | '}' }) & { line: number; unterminated?: boolean };

/** Splits config text into words and statement ends. */
export function tokenizeNginxConf(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === '\n') { line++; i++; continue; }
    if (c === ' ' || c === '\t' || c === '\r') { i++; continue; }
    if (c === '#') { while (i < n && text[i] !== '\n') i++; continue; }
    if (c === ';' || c === '{' || c === '}') { tokens.push({ end: c, line }); i++; continue; }
    if (c === '"' || c === "'") {
      const start = line;
      let word = '';
      i++;
      while (i < n && text[i] !== c) {
        if (text[i] === '\\' && i + 1 < n && (text[i + 1] === c || text[i + 1] === '\\' || text[i + 1] === '"' || text[i + 1] === "'")) {
          word += text[i + 1];
          i += 2;
        } else {
          if (text[i] === '\n') line++;
          word += text[i++];
        }
      }
      const unterminated = i >= n;
      i++; // closing quote (or end of text)
      tokens.push(unterminated ? { word, line: start, unterminated } : { word, line: start });
      continue;
    }
    let word = '';
    while (i < n && !/[\s;{}]/.test(text[i])) word += text[i++];
    tokens.push({ word, line });
  }
  return tokens;
}

/** Statements (directive + arguments); blocks are flattened, which is all log formats need. */
function statements(tokens: Token[]): string[][] {
  const out: string[][] = [];
  let cur: string[] = [];
  for (const t of tokens) {
    if ('word' in t) cur.push(t.word);
    else {
      if (cur.length) out.push(cur);
      cur = [];
    }
  }
  if (cur.length) out.push(cur);
  return out;
}

export function readNginxConf(text: string): NginxConfFormats {
  const formats: NginxLogFormatDef[] = [];
  const accessLogs: NginxConfFormats['accessLogs'] = [];
  for (const st of statements(tokenizeNginxConf(text))) {
    if (st[0] === 'log_format' && st.length >= 3) {
      let k = 2;
      let escape: NginxLogFormatDef['escape'] = 'default';
      const m = /^escape=(default|json|none)$/.exec(st[2]);
      if (m) { escape = m[1] as NginxLogFormatDef['escape']; k = 3; }
      formats.push({ name: st[1], escape, format: st.slice(k).join('') });
    } else if (st[0] === 'access_log' && st.length >= 2 && st[1] !== 'off') {
      const name = st[2] !== undefined && !st[2].includes('=') ? st[2] : null;
      accessLogs.push({ path: st[1], format: name });
    }
  }
  return { formats, accessLogs };
}

/**
 * The definition `--nginx-conf FILE [--log-format-name NAME]` means: NAME if given; else the
 * format of the first `access_log PATH NAME`; else the only one defined. Throws with the
 * defined names when that is ambiguous or the name is unknown.
 */
export function selectNginxLogFormat(text: string, name?: string): NginxLogFormatDef {
  const { formats, accessLogs } = readNginxConf(text);
  const byName = (n: string): NginxLogFormatDef | undefined =>
    formats.find((f) => f.name === n) ??
    (n === 'combined' ? { name: 'combined', escape: 'default', format: NGINX_COMBINED } : undefined);
  const names = formats.map((f) => f.name).join(', ') || '(none)';
  if (name) {
    const f = byName(name);
    if (!f) throw new Error(`nginx.conf defines no log_format "${name}"; defined: ${names}`);
    return f;
  }
  const used = accessLogs.find((a) => a.format !== null);
  if (used) {
    const f = byName(used.format!);
    if (f) return f;
  }
  if (formats.length === 1) return formats[0];
  if (formats.length === 0) throw new Error('nginx.conf defines no log_format');
  throw new Error(`nginx.conf defines several log_format: ${names}; choose one with --log-format-name`);
}

/** A definition as one `--log-format` string the nginx compiler reads back (keeps escape=). */
export function logFormatOption(def: NginxLogFormatDef): string {
  if (def.escape === 'default' && !def.format.startsWith("'")) return def.format;
  const quoted = "'" + def.format.replace(/[\\']/g, '\\$&') + "'";
  return def.escape === 'default' ? quoted : `escape=${def.escape} ${quoted}`;
}
