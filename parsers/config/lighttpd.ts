// lighttpd.conf: `key = value` / `+=` / `:=`, arrays `( "k" => v, ... )` nested to any depth,
// conditionals `$HTTP["host"] == "x" { ... } else { ... }`, `include` (the edge follows it) and
// `include_shell` (a program's output: not run, reported). fastcgi.server / proxy.server /
// scgi.server are unrolled: one setting per host option, scoped `fastcgi:.php/0` (extension and
// host index), and bin-environment's variables (PHP_FCGI_CHILDREN) as settings of their own.
import type { ConfigContext, ConfigError, ConfigFileResult, ConfigFormat, ConfigSetting } from './types.js';
import { redact } from './secrets.js';

type Tok = { t: 'str' | 'num' | 'id' | 'op'; v: string; line: number };

function tokenize(text: string, errors: ConfigError[], lines: string[]): Tok[] {
  const out: Tok[] = [];
  let i = 0, line = 1;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === '\n') { line++; i++; continue; }
    if (/\s/.test(c)) { i++; continue; }
    if (c === '#') { while (i < n && text[i] !== '\n') i++; continue; }
    if (c === '"') {
      let v = '';
      const start = line;
      i++;
      while (i < n && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < n) { v += text[i + 1]; i += 2; continue; }
        if (text[i] === '\n') line++;
        v += text[i++];
      }
      if (i >= n) {
        errors.push({ line: start, message: 'string is not closed before the end of the file (file cut in the middle?)', text: lines[start - 1] ?? '' });
        return out;
      }
      i++;
      out.push({ t: 'str', v, line: start });
      continue;
    }
    const two = text.slice(i, i + 2);
    if (['=>', '+=', ':=', '==', '!=', '=~', '!~'].includes(two)) { out.push({ t: 'op', v: two, line }); i += 2; continue; }
    if ('=(),{}+[]'.includes(c)) { out.push({ t: 'op', v: c, line }); i++; continue; }
    const m = /^-?\d+/.exec(text.slice(i, i + 24));
    if (m && !/[A-Za-z_.$]/.test(text[i + m[0].length] ?? '')) { out.push({ t: 'num', v: m[0], line }); i += m[0].length; continue; }
    const w = /^[A-Za-z_$][A-Za-z0-9_.$-]*/.exec(text.slice(i, i + 200));
    if (w) { out.push({ t: 'id', v: w[0], line }); i += w[0].length; continue; }
    errors.push({ line, message: `unexpected character ${JSON.stringify(c)}`, text: lines[line - 1] ?? '' });
    while (i < n && text[i] !== '\n') i++;
  }
  return out;
}

const MAX_NESTING = 64;

/** A parsed value: text (strings, numbers, joined by +) or an array of entries (key null for a list item). */
type Value = { kind: 'text'; text: string; line: number } | { kind: 'array'; items: Array<{ key: string | null; value: Value; line: number }>; line: number };

class Fail extends Error {
  constructor(readonly line: number, message: string) { super(message); }
}

function render(v: Value): string {
  if (v.kind === 'text') return v.text;
  return '( ' + v.items.map((it) => (it.key !== null ? `"${it.key}" => ` : '') + (it.value.kind === 'text' ? `"${it.value.text}"` : render(it.value))).join(', ') + ' )';
}

/** Which arrays to unroll, and the scope prefix of their hosts. */
const BACKEND_ARRAYS: Record<string, string> = { 'fastcgi.server': 'fastcgi', 'proxy.server': 'proxy', 'scgi.server': 'scgi' };

/** Keys lighttpd lets a file extend with += (or set in several conditionals): none overrides another. */
const REPEATABLE = /^(server\.modules|mimetype\.assign|index-file\.names|static-file\.exclude-extensions|url\.(rewrite|redirect|access-deny).*|alias\.url|setenv\..*|server\.feature-flags|var\..*)$/;

export function parseLighttpdConfig(text: string, context: ConfigContext): ConfigFileResult {
  const errors: ConfigError[] = [];
  const lines = text.split('\n');
  const result: ConfigFileResult = { settings: [], includes: [], errors };
  const toks = tokenize(text, errors, lines);
  const vars = new Map<string, string>();
  let p = 0;
  const peek = () => toks[p];
  const lastLine = () => toks[toks.length - 1]?.line ?? 1;
  const expect = (v: string): Tok => {
    const t = toks[p];
    if (!t) throw new Fail(lastLine(), `unexpected end of file, expecting '${v}' (file cut in the middle?)`);
    if (t.v !== v || (t.t !== 'op')) throw new Fail(t.line, `expected '${v}', found ${JSON.stringify(t.v)}`);
    p++;
    return t;
  };
  const push = (scope: string, name: string, value: string | null, line: number, note: string | null = null) => {
    const s: ConfigSetting = { server: 'lighttpd', scope, name, value, line, active: true, note };
    result.settings.push(s);
  };

  // arrays nest (fastcgi.server is three deep); a file of nothing but '(' must not blow the stack
  let depth = 0;
  const term = (): Value => {
    const t = toks[p];
    if (!t) throw new Fail(lastLine(), 'unexpected end of file, expecting a value (file cut in the middle?)');
    p++;
    if (t.t === 'str' || t.t === 'num') return { kind: 'text', text: t.v, line: t.line };
    if (t.t === 'id') return { kind: 'text', text: vars.get(t.v) ?? t.v, line: t.line };
    if (t.v === '(') {
      if (++depth > MAX_NESTING) throw new Fail(t.line, `arrays nested deeper than ${MAX_NESTING}`);
      const items: Array<{ key: string | null; value: Value; line: number }> = [];
      while (peek() && !(peek().t === 'op' && peek().v === ')')) {
        const first = expr();
        if (peek()?.v === '=>') {
          p++;
          const value = expr();
          items.push({ key: first.kind === 'text' ? first.text : render(first), value, line: first.line });
        } else items.push({ key: null, value: first, line: first.line });
        if (peek()?.v === ',') p++;
        else if (!(peek()?.v === ')')) throw new Fail(peek()?.line ?? lastLine(), peek() ? `expected ',' or ')' in an array, found ${JSON.stringify(peek().v)}` : `unexpected end of file inside an array opened at line ${t.line} (file cut in the middle?)`);
      }
      expect(')');
      depth--;
      return { kind: 'array', items, line: t.line };
    }
    throw new Fail(t.line, `expected a value, found ${JSON.stringify(t.v)}`);
  };
  const expr = (): Value => {
    let v = term();
    while (peek()?.t === 'op' && peek().v === '+') {
      p++;
      const r = term();
      if (v.kind === 'text' && r.kind === 'text') v = { kind: 'text', text: v.text + r.text, line: v.line };
      else if (v.kind === 'array' && r.kind === 'array') v = { kind: 'array', items: [...v.items, ...r.items], line: v.line };
    }
    return v;
  };

  const backends = (scope: string, prefix: string, value: Value) => {
    if (value.kind !== 'array') return;
    for (const ext of value.items) {
      if (ext.value.kind !== 'array') continue;
      // ( "name" => ( opts ) , ... ) or ( ( opts ), ... )
      ext.value.items.forEach((host, k) => {
        const hostScope = `${scope ? scope + '/' : ''}${prefix}:${ext.key ?? ''}/${k}`;
        if (host.key !== null) push(hostScope, 'name', host.key, host.line);
        if (host.value.kind !== 'array') return;
        for (const opt of host.value.items) {
          if (opt.key === null) continue;
          if (opt.key === 'bin-environment' && opt.value.kind === 'array') {
            for (const env of opt.value.items) {
              if (env.key === null || env.value.kind !== 'text') continue;
              const r = redact(env.key, env.value.text);
              push(hostScope, env.key, r.value, env.line, r.note);
            }
            continue;
          }
          push(hostScope, opt.key, render(opt.value), opt.line);
        }
      });
    }
  };

  const assignment = (scope: string, nameTok: Tok) => {
    const op = toks[p];
    if (!op || op.t !== 'op' || !['=', '+=', ':='].includes(op.v)) {
      throw new Fail(op?.line ?? nameTok.line, op ? `expected '=' after ${nameTok.v}, found ${JSON.stringify(op.v)}` : `unexpected end of file after ${nameTok.v}`);
    }
    p++;
    const value = expr();
    const name = nameTok.v;
    // var.x and every other key can be used in later values (include_shell "x " + server.port)
    if (value.kind === 'text') vars.set(name, value.text);
    const note = op.v === '+=' ? 'appended (+=)' : null;
    if (BACKEND_ARRAYS[name]) {
      push(scope, name, `(${value.kind === 'array' ? value.items.length : 0} extensions; see ${BACKEND_ARRAYS[name]}:* scopes)`, nameTok.line, note);
      backends(scope, BACKEND_ARRAYS[name], value);
      return;
    }
    if (value.kind === 'text') {
      const r = redact(name, value.text);
      push(scope, name, r.value, nameTok.line, r.note ?? note);
    } else {
      // arrays of pairs can carry credentials (setenv.add-environment, auth): each pair is checked
      const secret = value.items.some((it) => it.key !== null && it.value.kind === 'text' && redact(it.key, it.value.text).value === null);
      push(scope, name, secret ? null : render(value), nameTok.line, secret ? 'secret: not stored' : note);
    }
  };

  const block = (scope: string, closing: boolean, level = 0) => {
    if (level > MAX_NESTING) throw new Fail(toks[p]?.line ?? lastLine(), `conditions nested deeper than ${MAX_NESTING}`);
    while (p < toks.length) {
      const t = toks[p];
      try {
        if (t.t === 'op' && t.v === '}') {
          if (!closing) throw new Fail(t.line, "unexpected '}' (no block is open)");
          p++;
          return;
        }
        if (t.t === 'id' && (t.v === 'include' || t.v === 'include_shell')) {
          p++;
          const arg = expr();
          if (arg.kind !== 'text') throw new Fail(t.line, `${t.v} takes a file name`);
          if (t.v === 'include') result.includes.push({ pattern: arg.text, line: t.line, at: result.settings.length, context: { scope }, optional: false });
          else errors.push({ line: t.line, message: `include_shell "${arg.text}" runs a program: not followed (ingest its output as a file to include it)`, text: lines[t.line - 1] ?? '' });
          continue;
        }
        if (t.t === 'id' && t.v.startsWith('$')) {
          // $HTTP["host"] == "example.org" {
          p++;
          let cond = t.v;
          if (peek()?.v === '[') { p++; cond += `["${toks[p]?.v ?? ''}"]`; p++; expect(']'); }
          const op = toks[p++];
          const val = toks[p++];
          if (!op || !val) throw new Fail(t.line, 'unexpected end of file in a condition (file cut in the middle?)');
          expect('{');
          block(`${scope ? scope + '/' : ''}${cond} ${op.v} "${val.v}"`, true, level + 1);
          continue;
        }
        if (t.t === 'id' && t.v === 'else') {
          p++;
          if (peek()?.t === 'id' && peek().v.startsWith('$')) continue; // else $HTTP[...] { : the condition follows
          expect('{');
          block(`${scope ? scope + '/' : ''}else`, true, level + 1);
          continue;
        }
        if (t.t === 'id') { p++; assignment(scope, t); continue; }
        throw new Fail(t.line, `expected a setting name, found ${JSON.stringify(t.v)}`);
      } catch (e) {
        if (!(e instanceof Fail)) throw e;
        depth = 0;
        errors.push({ line: e.line, message: e.message, text: lines[e.line - 1] ?? '' });
        // resynchronise at the next line that starts a statement
        const bad = e.line;
        while (p < toks.length && (toks[p].line <= bad || toks[p].t !== 'id')) {
          if (toks[p].t === 'op' && toks[p].v === '}' && toks[p].line > bad) break;
          p++;
        }
      }
    }
    if (closing) errors.push({ line: lastLine(), message: "unexpected end of file, expecting '}' (file cut in the middle?)", text: lines[lastLine() - 1] ?? '' });
  };
  block(context.scope, false);
  return result;
}

export const lighttpdConf: ConfigFormat = {
  name: 'lighttpd-conf',
  role: 'web',
  server: 'lighttpd',
  title: 'lighttpd.conf (include, conditionals, fastcgi.server / proxy.server hosts and bin-environment)',
  example: 'fastcgi.server = ( ".php" => (( "max-procs" => 4, "bin-environment" => ( "PHP_FCGI_CHILDREN" => "2" ) )) )',
  parse: parseLighttpdConfig,
  repeatable: (name) => REPEATABLE.test(name),
};
