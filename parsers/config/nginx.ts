// nginx.conf: directives with their block scope, file and line. Pure: the text of one file;
// `include` is handed to the edge with the scope it appears in (an included file's statements
// land where the include stands, as nginx reads them). The tokenizer is the one --nginx-conf
// uses to read log_format (one nginx tokenizer in the code base).
import { tokenizeNginxConf } from '../log-format/nginx-conf.js';
import type { ConfigContext, ConfigError, ConfigFileResult, ConfigFormat, ConfigSetting } from './types.js';
import { redact, redactHeader } from './secrets.js';

interface Statement {
  words: string[];
  line: number;
  block: Statement[] | null;
}

/** Blocks whose contents are tables, not directives (types, map ...): not stored as settings. */
const TABLE_BLOCKS = new Set(['types', 'map', 'geo', 'split_clients', 'charset_map', 'match']);

/** Directives whose first argument is a key: stored as `name[KEY]` so each key is a setting of its own. */
const KEYED = new Set(['fastcgi_param', 'uwsgi_param', 'scgi_param', 'grpc_set_header', 'proxy_set_header', 'add_header']);

/** Directives nginx accepts many times in one scope: none overrides another. */
const REPEATABLE = new Set([
  'listen', 'listen.backlog', 'server_name', 'server', 'include', 'location', 'allow', 'deny', 'access_log', 'error_log', 'log_format',
  'set', 'rewrite', 'return', 'if', 'load_module', 'env', 'error_page', 'try_files', 'alias', 'root', 'ssl_certificate',
  'ssl_certificate_key', 'sub_filter', 'proxy_pass_header', 'proxy_hide_header', 'fastcgi_hide_header', 'limit_req',
  'limit_conn', 'auth_basic_user_file', 'zone', 'upstream', 'index', 'expires', 'resolver', 'proxy_cache_path',
  'fastcgi_cache_path', 'limit_req_zone', 'limit_conn_zone', 'split_clients', 'map', 'geo',
]);

function parseTree(text: string, errors: ConfigError[], lines: string[]): Statement[] {
  const root: Statement[] = [];
  const stack: Array<{ list: Statement[]; opened: Statement | null }> = [{ list: root, opened: null }];
  let words: string[] = [];
  let startLine = 0;
  const textOf = (line: number) => lines[line - 1] ?? '';
  for (const t of tokenizeNginxConf(text)) {
    if ('word' in t) {
      if (t.unterminated) {
        errors.push({ line: t.line, message: 'quoted string is not closed before the end of the file (file cut in the middle?)', text: textOf(t.line) });
        words = [];
        continue;
      }
      if (!words.length) startLine = t.line;
      words.push(t.word);
      continue;
    }
    const top = stack[stack.length - 1];
    if (t.end === ';') {
      if (words.length) top.list.push({ words, line: startLine, block: null });
      else errors.push({ line: t.line, message: "unexpected ';'", text: textOf(t.line) });
    } else if (t.end === '{') {
      const st: Statement = { words: words.length ? words : ['(no name)'], line: words.length ? startLine : t.line, block: [] };
      if (!words.length) errors.push({ line: t.line, message: "block '{' without a directive name", text: textOf(t.line) });
      top.list.push(st);
      stack.push({ list: st.block!, opened: st });
    } else {
      if (words.length) {
        errors.push({ line: startLine, message: `directive "${words[0]}" is not terminated by ';' (not stored)`, text: textOf(startLine) });
      }
      if (stack.length === 1) errors.push({ line: t.line, message: "unexpected '}' (no block is open)", text: textOf(t.line) });
      else stack.pop();
    }
    words = [];
  }
  if (words.length) {
    errors.push({ line: startLine, message: `unexpected end of file, expecting ';' after "${words[0]}" (file cut in the middle?)`, text: textOf(startLine) });
  }
  for (let k = stack.length - 1; k >= 1; k--) {
    const open = stack[k].opened!;
    errors.push({ line: open.line, message: `unexpected end of file, expecting '}' to close "${open.words.join(' ')}" opened here (file cut in the middle?)`, text: textOf(open.line) });
  }
  return root;
}

const MAX_NESTING = 64;

function portOf(listen: string): string {
  if (listen.startsWith('unix:')) return listen;
  const m = /:(\d+)$/.exec(listen) ?? /^(\d+)$/.exec(listen);
  return m ? m[1] : '80';
}

function blockScope(parent: string, st: Statement): string {
  const [name, ...args] = st.words;
  let own: string;
  if (name === 'server') {
    const serverName = st.block!.find((s) => s.words[0] === 'server_name')?.words[1] ?? '_';
    const listen = st.block!.find((s) => s.words[0] === 'listen')?.words[1];
    own = `server:${serverName}:${listen ? portOf(listen) : '80'}`;
  } else own = args.length ? `${name}:${args.join(' ')}` : name;
  // main and http hold everything else: a server's scope does not repeat 'http'
  return parent === '' || parent === 'http' ? own : `${parent}/${own}`;
}

function setting(scope: string, name: string, value: string | null, line: number, note: string | null = null): ConfigSetting {
  return { server: 'nginx', scope, name, value, line, active: true, note };
}

export function parseNginxConfig(text: string, context: ConfigContext): ConfigFileResult {
  const errors: ConfigError[] = [];
  const lines = text.split('\n');
  const result: ConfigFileResult = { settings: [], includes: [], errors };
  const walk = (list: Statement[], scope: string, level: number) => {
    for (const st of list) {
      const [name, ...args] = st.words;
      if (st.block) {
        // a file of nothing but '{' must not blow the stack
        if (level >= MAX_NESTING) errors.push({ line: st.line, message: `blocks nested deeper than ${MAX_NESTING}: not read`, text: lines[st.line - 1] ?? '' });
        else if (!TABLE_BLOCKS.has(name)) walk(st.block, blockScope(scope, st), level + 1);
        continue;
      }
      if (name === 'include') {
        if (args.length !== 1) errors.push({ line: st.line, message: 'include takes one file name or pattern', text: lines[st.line - 1] ?? '' });
        else result.includes.push({ pattern: args[0], line: st.line, at: result.settings.length, context: { scope }, optional: false });
        continue;
      }
      if (KEYED.has(name) && args.length >= 1) {
        const r = (name.endsWith('_header') ? redactHeader : redact)(args[0], args.slice(1).join(' '));
        result.settings.push(setting(scope, `${name}[${args[0]}]`, r.value, st.line, r.note));
        continue;
      }
      const value = args.join(' ');
      // by value only (a URL with user:password@, a Basic header): directive names are not secrets
      const r = redact('', value);
      result.settings.push(setting(scope, name, r.value, st.line, r.note));
      if (name === 'listen') {
        const backlog = args.find((a) => a.startsWith('backlog='));
        if (backlog) result.settings.push(setting(scope, 'listen.backlog', backlog.slice('backlog='.length), st.line, `from listen ${args[0]}`));
      } else if (name === 'server' && scope.includes('upstream:') && args.length) {
        for (const a of args.slice(1)) {
          const eq = a.indexOf('=');
          if (eq > 0) result.settings.push(setting(`${scope}/server:${args[0]}`, a.slice(0, eq), a.slice(eq + 1), st.line));
        }
      }
    }
  };
  walk(parseTree(text, errors, lines), context.scope, 0);
  return result;
}

export const nginxConf: ConfigFormat = {
  name: 'nginx-conf',
  role: 'web',
  server: 'nginx',
  title: 'nginx.conf and the files it includes (directives with their http/server/location scope)',
  example: 'events { worker_connections 4096; }',
  parse: parseNginxConfig,
  repeatable: (name) => REPEATABLE.has(name),
};
