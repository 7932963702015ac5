// Canned reports are files: queries/<name>.sql, opening with a comment header (Datasette's
// canned queries, pt-query-digest's ranked digests). The header is the report's whole
// interface: the CLI lists it, the TUI shows it, the runner validates parameters against it.
//
//   -- name: slow-endpoints
//   -- title: Slow endpoints
//   -- description: Routes ranked by total time spent serving them.
//   -- param: from (time, default: start of data) start of the range, inclusive
//   -- param: group (enum route|path|url, default: route) what to group by
//   -- ranking: total time (sum of duration_ms), largest first
//   -- time: a request counts at its start (start_ts)
//   -- json: events                 columns that hold JSON text, decoded for the caller
//   -- module: spikes               a TypeScript module in src/correlate runs the report
//   -- columns: endpoint text, p95_ms duration ms   every output column: name, kind, unit (columns.ts)
//   -- listed: no                   a screen's query (the TUI's, the postmortem's): runs by name,
//                                   left out of `report --list`
//
// A file may hold several statements, each opened by `-- section: NAME`; their rows come back
// together, each with a `section` column. Parameters bind as named SQL parameters (:from ...).
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { dirname, join, basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseColumns, type ColumnDef } from './columns.js';

export const PARAM_TYPES = ['time', 'int', 'number', 'text', 'bucket', 'duration', 'enum', 'bool', 'tier'] as const;
export type ParamType = (typeof PARAM_TYPES)[number];

export interface ParamDef {
  name: string;
  type: ParamType;
  /** enum choices */
  choices?: string[];
  /** as written in the header; undefined = no default (null) */
  default?: string;
  description: string;
}

export interface ReportSection {
  name: string | null;
  sql: string;
}

export interface ReportDef {
  name: string;
  title: string;
  description: string;
  params: ParamDef[];
  ranking: string;
  time: string | null;
  json: string[];
  module: string | null;
  /** the output columns in order (the `-- columns:` header); empty when the file declares none */
  columns: ColumnDef[];
  /** false for a screen's own query (`-- listed: no`): runnable by name, not in `report --list` */
  listed: boolean;
  sections: ReportSection[];
  path: string;
}

/** The package's own queries/ folder: dist/src/report -> ../../../queries, src/report -> ../../queries. */
export function builtinQueriesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const q = join(dir, 'queries');
    if (existsSync(join(dir, 'package.json')) && existsSync(q)) return q;
    dir = dirname(dir);
  }
  throw new Error('cannot find the queries/ folder of the overload package');
}

const PARAM_RE = /^(\w+)\s*\(\s*(\w+)(?:\s+([\w|.-]+))?\s*(?:,\s*default:\s*([^)]*?))?\s*\)\s*(.*)$/;

export function parseParam(text: string, where: string): ParamDef {
  const m = PARAM_RE.exec(text.trim());
  if (!m) throw new Error(`${where}: cannot read parameter "${text}": expected "name (type, default: value) description"`);
  const [, name, type, choices, def, description] = m;
  if (!(PARAM_TYPES as readonly string[]).includes(type)) throw new Error(`${where}: parameter ${name} has unknown type ${type}`);
  const p: ParamDef = { name, type: type as ParamType, description: description.trim() };
  if (type === 'enum') {
    if (!choices) throw new Error(`${where}: enum parameter ${name} needs its choices, e.g. (enum a|b|c)`);
    p.choices = choices.split('|');
  }
  if (def !== undefined && def !== '' && def !== 'none') p.default = def;
  return p;
}

/** Parse one report file's text. Throws with the file name on a malformed header. */
export function parseReport(text: string, path: string): ReportDef {
  const def: ReportDef = {
    name: basename(path).replace(/\.sql$/, ''), title: '', description: '', params: [], ranking: '',
    time: null, json: [], module: null, columns: [], listed: true, sections: [], path,
  };
  let current: ReportSection = { name: null, sql: '' };
  let inHeader = true;
  let lastKey: 'description' | 'ranking' | 'time' | 'param' | 'columns' | null = null;
  // the columns header may wrap over several lines: parsed whole at the end of the header
  let columns: string | null = null;
  for (const line of text.split(/\r?\n/)) {
    const m = /^--\s*([a-z]+):\s*(.*)$/.exec(line);
    if (m && m[1] === 'section') {
      if (current.sql.trim()) def.sections.push(current);
      current = { name: m[2].trim(), sql: '' };
      inHeader = false;
      continue;
    }
    if (inHeader && m) {
      const [, key, value] = m;
      lastKey = key === 'description' || key === 'ranking' || key === 'time' || key === 'param' || key === 'columns' ? key : null;
      if (key === 'param') def.params.push(parseParam(value, path));
      else if (key === 'columns') columns = (columns === null ? '' : columns + ',') + value;
      else if (key === 'listed') {
        if (!/^(yes|no)$/.test(value.trim())) throw new Error(`${path}: "-- listed:" takes yes or no`);
        def.listed = value.trim() === 'yes';
      }
      else if (key === 'json') def.json.push(...value.split(/[ ,]+/).filter(Boolean));
      else if (key === 'name' || key === 'title' || key === 'description' || key === 'ranking') def[key] = value.trim();
      else if (key === 'time' || key === 'module') def[key] = value.trim();
      continue;
    }
    if (inHeader && /^--/.test(line)) {
      // a continuation of the previous header line (long descriptions wrap)
      const more = line.replace(/^--\s?/, '').trim();
      if (more && lastKey === 'param') def.params[def.params.length - 1].description += ' ' + more;
      else if (more && lastKey === 'columns') columns += ',' + more;
      else if (more && lastKey && lastKey !== 'param' && lastKey !== 'columns' && def[lastKey]) def[lastKey] += ' ' + more;
      continue;
    }
    if (line.trim()) inHeader = false;
    current.sql += line + '\n';
  }
  if (current.sql.trim()) def.sections.push(current);
  if (columns !== null) def.columns = parseColumns(columns, path);
  if (!def.description) throw new Error(`${path}: the header needs a "-- description:" line`);
  if (!def.title) def.title = def.name;
  if (def.sections.length === 0 && !def.module) throw new Error(`${path}: no SQL after the header`);
  return def;
}

/** Report folders in priority order: later folders override earlier ones by name. */
export function queriesDirs(extra: Array<string | undefined> = []): string[] {
  const dirs = [builtinQueriesDir()];
  for (const d of [process.env.OVERLOAD_QUERIES, ...extra]) {
    if (!d) continue;
    for (const part of d.split(':')) if (part && !dirs.includes(resolve(part))) dirs.push(resolve(part));
  }
  return dirs;
}

/** Every report in `dirs` (by name; a later folder's file replaces a built-in one of the same name). */
export function loadReports(dirs: string[]): Map<string, ReportDef> {
  const out = new Map<string, ReportDef>();
  for (const dir of dirs) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`report folder ${dir} does not exist`);
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.sql')).sort()) {
      const path = join(dir, f);
      const def = parseReport(readFileSync(path, 'utf8'), path);
      out.set(def.name, def);
    }
  }
  return out;
}
