// The relations the canned reports read (queries/relations/NAME.sql, documented in
// docs/reports.md "Relations"): traffic per bucket, routes, upstreams, clients ... of a time range.
// Each one stitches raw rows and rollups in one place, so a report says what it asks
// (`FROM routes(:from, :to, :tier, :host)`) and not from which table each piece of the range is
// cheapest to read; a second engine implements the same relations its own way.
//
// A relation is a parameterized view: SQLite has none, and a table-valued function of
// better-sqlite3 (db.table) cannot read the database it is called from ("connection is busy").
// So the runner expands each call `name(arg, ...)` in a report's SQL into the relation's SELECT
// as a subquery, with each `{param}` of its body replaced by the argument. The plan SQLite makes
// is that of the SQL written out by hand; arguments may be any expression, correlated ones too
// (a relation called inside a scalar subquery of another table's rows).
//
// `{name? expr}` in a body is a column that costs more than it seems (a histogram merged: a JavaScript
// call per row; a column stored after a long text: reading past it):
// SQLite computes every column of an aggregate subquery whether or not it is read, so the
// expansion writes NULL instead when the subquery the call is in never names the column (nor
// selects `*`). Reading it is what makes it computed.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RelationDef {
  name: string;
  params: string[];
  /**
   * The default of each trailing optional parameter (`-- relation: routes(from, to, tier, host,
   * only = NULL)`), undefined for a required one: a parameter added to a relation later leaves
   * the calls written before it (in users' queries too) as they were.
   */
  defaults: Array<string | undefined>;
  /** the body: one SELECT, with {param} and {column? expr} */
  sql: string;
  path: string;
}

const HEAD_RE = /^--\s*relation:\s*([a-z_][a-z0-9_]*)\s*\(([^)]*)\)\s*$/m;

/** One relation file's text: `-- relation: name(p1, p2)` in its header, the body after it. */
export function parseRelation(text: string, path: string): RelationDef {
  const m = HEAD_RE.exec(text);
  if (!m) throw new Error(`${path}: a relation file needs a "-- relation: name(param, ...)" line`);
  const decl = m[2].split(',').map((p) => p.trim()).filter(Boolean).map((p) => /^([a-z_][a-z0-9_]*)(?:\s*=\s*(.+))?$/.exec(p));
  const params: string[] = [];
  const defaults: Array<string | undefined> = [];
  for (const d of decl) {
    if (!d) throw new Error(`${path}: a parameter is "name" or "name = default"`);
    if (d[2] === undefined && defaults.some((x) => x !== undefined)) throw new Error(`${path}: ${d[1]}: a required parameter after an optional one`);
    params.push(d[1]);
    defaults.push(d[2]?.trim());
  }
  const body = text.split(/\r?\n/).filter((l) => !/^\s*--/.test(l)).join('\n').trim();
  if (!body) throw new Error(`${path}: no SQL after the header`);
  for (const [, p] of body.matchAll(/\{([a-z_][a-z0-9_]*)\}/g)) {
    if (!params.includes(p)) throw new Error(`${path}: {${p}} is not a parameter of ${m[1]}`);
  }
  return { name: m[1], params, defaults, sql: body, path };
}

/** The relations of a folder (the package's queries/relations): one per NAME.sql. */
export function loadRelations(dir: string): Map<string, RelationDef> {
  const out = new Map<string, RelationDef>();
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.sql')).sort()) {
    const def = parseRelation(readFileSync(join(dir, f), 'utf8'), join(dir, f));
    out.set(def.name, def);
  }
  return out;
}

// ---- a small SQL scanner: enough to tell names from strings, comments and quoted identifiers

interface Tok { kind: 'word' | 'punct' | 'other'; text: string; start: number; end: number }

function scan(sql: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i];
    if (/\s/.test(c)) { i++; continue; }
    const start = i;
    if (c === '-' && sql[i + 1] === '-') {
      while (i < n && sql[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      const e = sql.indexOf('*/', i + 2);
      i = e < 0 ? n : e + 2;
      continue;
    }
    if (c === "'" || c === '"' || c === '`' || c === '[') {
      const close = c === '[' ? ']' : c;
      i++;
      while (i < n) {
        if (sql[i] === close) {
          if (close !== ']' && sql[i + 1] === close) { i += 2; continue; }
          i++;
          break;
        }
        i++;
      }
      out.push({ kind: 'other', text: sql.slice(start, i), start, end: i });
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      while (i < n && /[A-Za-z0-9_$]/.test(sql[i])) i++;
      out.push({ kind: 'word', text: sql.slice(start, i), start, end: i });
      continue;
    }
    if (/[0-9]/.test(c)) {
      while (i < n && /[0-9.eE]/.test(sql[i])) i++;
      out.push({ kind: 'other', text: sql.slice(start, i), start, end: i });
      continue;
    }
    if (c === ':' || c === '@' || c === '$') {
      i++;
      while (i < n && /[A-Za-z0-9_]/.test(sql[i])) i++;
      out.push({ kind: 'other', text: sql.slice(start, i), start, end: i });
      continue;
    }
    i++;
    out.push({ kind: 'punct', text: c, start, end: i });
  }
  return out;
}

/** Whether the tokens select `*` (then every column of a relation may be read). */
function selectsStar(toks: Tok[]): boolean {
  for (let k = 1; k < toks.length; k++) {
    if (toks[k].text !== '*') continue;
    const p = toks[k - 1].text.toLowerCase();
    if (p === 'select' || p === ',' || p === '.' || p === 'distinct' || p === 'all') return true;
  }
  return false;
}

/** Replace {param} (outside string literals) and {column? expr} in a relation's body. */
function fill(def: RelationDef, args: string[], used: (column: string) => boolean): string {
  let out = '';
  let i = 0;
  const s = def.sql;
  while (i < s.length) {
    const c = s[i];
    if (c === "'") {
      const j = s.indexOf("'", i + 1);
      const e = j < 0 ? s.length : j + 1;
      out += s.slice(i, e);
      i = e;
      continue;
    }
    if (c === '{') {
      const opt = /^\{([a-z_][a-z0-9_]*)\?\s*([^{}]*)\}/.exec(s.slice(i));
      if (opt) {
        out += used(opt[1]) ? opt[2].trim() : 'NULL';
        i += opt[0].length;
        continue;
      }
      const p = /^\{([a-z_][a-z0-9_]*)\}/.exec(s.slice(i));
      if (p) {
        out += `(${args[def.params.indexOf(p[1])]})`;
        i += p[0].length;
        continue;
      }
    }
    out += c;
    i++;
  }
  return out;
}

/**
 * For the call at token k, whether a column of it is read: named (or `*` selected) in the
 * subquery the call is in, the innermost parenthesis that opens with SELECT, WITH or VALUES
 * (the whole statement when none does). Only that subquery can pass the relation's columns on,
 * by naming them: so two calls of one relation in one statement, one ranking on cheap columns
 * and one reading the histograms of the few rows ranked first, each compute only their own.
 */
function scopes(toks: Tok[]): (k: number) => (column: string) => boolean {
  const close = new Map<number, number>();
  const open: number[] = [];
  toks.forEach((t, i) => {
    if (t.text === '(') open.push(i);
    else if (t.text === ')' && open.length) close.set(open.pop()!, i);
  });
  const cache = new Map<number, (column: string) => boolean>();
  const usedBetween = (lo: number, hi: number) => {
    const part = toks.slice(lo, hi);
    const star = selectsStar(part);
    const words = new Set(part.filter((t) => t.kind === 'word').map((t) => t.text.toLowerCase()));
    return (col: string) => star || words.has(col);
  };
  return (k) => {
    let depth = 0, at = -1;
    for (let i = k - 1; i >= 0; i--) {
      const x = toks[i].text;
      if (x === ')') depth++;
      else if (x === '(' && depth > 0) depth--;
      else if (x === '(' && /^(select|with|values)$/i.test(toks[i + 1]?.text ?? '')) { at = i; break; }
    }
    let u = cache.get(at);
    if (!u) cache.set(at, (u = at < 0 ? usedBetween(0, toks.length) : usedBetween(at, close.get(at) ?? toks.length)));
    return u;
  };
}

const NOT_ALIAS = new Set(['where', 'join', 'left', 'right', 'full', 'inner', 'cross', 'natural', 'on', 'using', 'group',
  'order', 'limit', 'union', 'intersect', 'except', 'window', 'having', 'as', 'indexed', 'not', 'outer', 'returning']);

/**
 * `sql` with every call of one of `rels` expanded (recursively: a relation may call others).
 * Throws on a call with the wrong number of arguments.
 */
export function expandRelations(sql: string, rels: Map<string, RelationDef>, depth = 0): string {
  if (depth > 8) throw new Error('relations call each other too deeply');
  const toks = scan(sql);
  const usedIn = scopes(toks);
  let out = '';
  let at = 0;
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k];
    const def = t.kind === 'word' ? rels.get(t.text.toLowerCase()) : undefined;
    if (!def || toks[k + 1]?.text !== '(' || toks[k - 1]?.text === '.') continue;
    // the arguments: up to the matching parenthesis, split at top-level commas
    const args: string[] = [];
    let depthP = 0, argStart = toks[k + 1].end, j = k + 1;
    for (; j < toks.length; j++) {
      const x = toks[j].text;
      if (x === '(') depthP++;
      else if (x === ')' && --depthP === 0) break;
      else if (x === ',' && depthP === 1) { args.push(sql.slice(argStart, toks[j].start).trim()); argStart = toks[j].end; }
    }
    if (j >= toks.length) throw new Error(`${def.name}(: no closing parenthesis`);
    const last = sql.slice(argStart, toks[j].start).trim();
    if (last || args.length) args.push(last);
    const next = toks[j + 1];
    // `name(a, b) AS (...)`: a common table expression of that name with a column list, not a call
    if (next && next.text.toLowerCase() === 'as' && toks[j + 2]?.text === '(') continue;
    const required = def.defaults.filter((d) => d === undefined).length;
    if (args.length < required || args.length > def.params.length) {
      const n = required === def.params.length ? `${required}` : `${required} to ${def.params.length}`;
      throw new Error(`${def.name}() takes ${n} arguments (${def.params.join(', ')}), got ${args.length}`);
    }
    for (let a = args.length; a < def.params.length; a++) args.push(def.defaults[a]!);
    const body = expandRelations(fill(def, args.map((a) => expandRelations(a, rels, depth + 1)), usedIn(k)), rels, depth + 1);
    const aliased = next && ((next.kind === 'word' && !NOT_ALIAS.has(next.text.toLowerCase())) || next.text.toLowerCase() === 'as');
    out += sql.slice(at, t.start) + `(${body})` + (aliased ? '' : ` AS ${def.name}`);
    at = toks[j].end;
    k = j;
  }
  return out + sql.slice(at);
}

const cache = new WeakMap<Map<string, RelationDef>, Map<string, string>>();

/** expandRelations(), remembered per statement text. */
export function expandedSql(sql: string, rels: Map<string, RelationDef>): string {
  let m = cache.get(rels);
  if (!m) cache.set(rels, (m = new Map()));
  let e = m.get(sql);
  if (e === undefined) m.set(sql, (e = expandRelations(sql, rels)));
  return e;
}
