// Running a report: make sure the rollups are current, resolve parameters against the data,
// bind them to each statement of the file (or hand them to the report's TypeScript module) and
// return rows with a stable column order.
import type { DB } from '../store/db.js';
import { buildRollups, rollupsFresh } from '../query/rollups.js';
import { createTierView, sourceTiers } from '../query/tiers.js';
import { registerReportFunctions } from '../query/sqlfns.js';
import { builtinQueriesDir, loadReports, queriesDirs, type ReportDef, type ReportSection } from './loader.js';
import { expandedSql, loadRelations, type RelationDef } from '../query/relations.js';
import { resolveParams, ParamError, type ParamInput, type Resolved } from './params.js';
import { machineZone } from '../util/time.js';
import { dataRange, type DataRange } from './extent.js';
import { join } from 'node:path';

// the data's default range lives beside the outlier logic it uses; reports and the TUI ask here
export { dataRange };

export type Row = Record<string, unknown>;

export interface ReportResult {
  name: string;
  title: string;
  columns: string[];
  rows: Row[];
  /** section names in order when the report has several (each row then has a `section` column) */
  sections: string[] | null;
  /** the parameters as resolved (ISO times, bucket label), for headings and the TUI */
  params: Record<string, string | number | null>;
  /** what the reader should know about the range: a bucket widened to bound the work, outliers left out */
  notes: string[];
}

export interface RunOptions {
  /** report folders (default: the built-in one plus $OVERLOAD_QUERIES) */
  dirs?: string[];
  /** zone for stamps without an offset (default: the machine's) */
  tz?: string;
  /** input names that may be given even if the report does not declare them (ignored) */
  optional?: string[];
  /**
   * For callers that run many reports on one connection (the TUI): the data range they keep,
   * and that they have already made the rollups current (ensureRollups). Skips a freshness
   * count and a scan of the rollups on every call, 0.3-0.5 s each at 10M requests.
   */
  range?: DataRange;
  rollupsReady?: boolean;
  /**
   * The TypeScript modules that `-- module:` reports name, by name (src/correlate/modules.ts
   * has overload's own). Passed in by whoever runs reports, rather than imported here: the
   * modules themselves run reports.
   */
  modules?: ReportModules;
}

export interface ModuleContext {
  db: DB;
  def: ReportDef;
  resolved: Resolved;
  opts: RunOptions;
}

export interface ModuleOutput {
  columns: string[];
  rows: Row[];
  sections?: string[];
  /** parameters the module settled (e.g. the window it chose), shown with the result */
  params?: Record<string, string | number | null>;
}

export type ReportModule = (ctx: ModuleContext) => ModuleOutput;
export type ReportModules = Record<string, ReportModule>;

export class ReportNotFound extends Error {}


/**
 * A report statement prepared once per connection: the TUI runs the same files on every key
 * (a file of four sections was eight prepares a call, its columns read from a second one).
 * Forgotten by ensureRollups, which may build TEMP rollups that shadow the main ones.
 */
const statements = new WeakMap<DB, Map<string, ReturnType<DB['prepare']>>>();
function prepared(db: DB, sql: string): ReturnType<DB['prepare']> {
  let m = statements.get(db);
  if (!m) statements.set(db, (m = new Map()));
  let stmt = m.get(sql);
  if (!stmt) m.set(sql, (stmt = db.prepare(expandedSql(sql, reportRelations()))));
  return stmt;
}

/**
 * Make the rollups current for this connection. A database whose ingest already built them is
 * used as is; otherwise they are built into TEMP tables of this connection (works read-only),
 * which shadow the main ones for every later statement on it.
 */
export function ensureRollups(db: DB): void {
  // TEMP rollups built here shadow the main ones by name: statements prepared before must see
  // them. SQLite expires such statements itself (better-sqlite3 12: a statement on main.t counts
  // temp.t once it is created); starting afresh keeps that from resting on it.
  statements.delete(db);
  registerReportFunctions(db);
  createTierView(db, sourceTiers(db));
  const temp = db.prepare("SELECT 1 FROM temp.sqlite_master WHERE name = 'rollup_state'").get();
  if (temp) {
    if (!rollupsFresh(db, 'temp')) buildRollups(db, { schema: 'temp' });
  } else if (!rollupsFresh(db, 'main')) {
    buildRollups(db, { schema: 'temp' });
  }
}

const defsCache = new Map<string, Map<string, ReportDef>>();

/**
 * The reports in the given folders (built-in + $OVERLOAD_QUERIES by default), sorted by name;
 * the screens' own queries (`-- listed: no`) only with `all`.
 */
export function listReports(dirs?: string[], opts: { all?: boolean } = {}): ReportDef[] {
  return [...reportMap(dirs).values()].filter((d) => opts.all || d.listed).sort((a, b) => a.name.localeCompare(b.name));
}

function reportMap(dirs?: string[]): Map<string, ReportDef> {
  const list = dirs ?? queriesDirs();
  const key = list.join('\n');
  let m = defsCache.get(key);
  if (!m) defsCache.set(key, (m = loadReports(list)));
  return m;
}

export function findReport(name: string, dirs?: string[]): ReportDef {
  const def = reportMap(dirs).get(name);
  if (!def) throw new ReportNotFound(`no report named ${name} (see overload report --list)`);
  return def;
}

let relationDefs: Map<string, RelationDef> | null = null;

/** The relations reports read (queries/relations/*.sql, docs/reports.md "Relations"). */
export function reportRelations(): Map<string, RelationDef> {
  return (relationDefs ??= loadRelations(join(builtinQueriesDir(), 'relations')));
}

/** A report statement prepared with its relation calls expanded (src/query/relations.ts). */
export function prepareSection(db: DB, sql: string) {
  return prepared(db, sql);
}

/** Run one statement of a report with the resolved parameters. */
export function runSection(db: DB, def: ReportDef, section: ReportSection, bind: Record<string, unknown>): Row[] {
  const stmt = prepareSection(db, section.sql);
  const rows = (stmt.reader ? stmt.all(bind) : []) as Row[];
  for (const col of def.json) {
    for (const r of rows) if (typeof r[col] === 'string') r[col] = JSON.parse(r[col] as string);
  }
  return rows;
}

export function resolveFor(db: DB, def: ReportDef, input: Record<string, ParamInput>, opts: RunOptions = {}): Resolved {
  const host = typeof input.host === 'string' && input.host ? input.host : null;
  const resolved = resolveParams(def, input, opts.tz ?? machineZone(), opts.range ?? dataRange(db, host), opts.optional);
  // :hosts, the hosts to read as a JSON list: rollup keys start (tier, host, t), and
  // "host IN (SELECT value FROM json_each(:hosts))" seeks each host's time range where
  // "(:host IS NULL OR host = :host)" reads every row of the tier (50x slower on a day of seconds)
  if (def.sections.some((s) => s.sql.includes(':hosts'))) resolved.bind.hosts = hostList(db, host);
  return resolved;
}

/** The one host asked for, or every host the sources name ('' for none), as a JSON list. */
export function hostList(db: DB, host: string | null): string {
  if (host !== null) return JSON.stringify([host]);
  const rows = db.prepare("SELECT DISTINCT coalesce(host, '') h FROM sources").all() as { h: string }[];
  return JSON.stringify(rows.length ? rows.map((r) => r.h) : ['']);
}

/** Run a report by name (or definition) and return its rows. Throws ReportNotFound / ParamError. */
export function runReport(db: DB, report: string | ReportDef, input: Record<string, ParamInput> = {}, opts: RunOptions = {}): ReportResult {
  const def = typeof report === 'string' ? findReport(report, opts.dirs) : report;
  if (!opts.rollupsReady) ensureRollups(db);
  const resolved = resolveFor(db, def, input, opts);
  let rows: Row[];
  let columns: string[];
  let sections: string[] | null = null;
  if (def.module) {
    const modules = opts.modules ?? {};
    const mod = Object.hasOwn(modules, def.module) ? modules[def.module] : undefined;
    if (!mod) throw new ParamError(`${def.path}: unknown module ${def.module} (known: ${Object.keys(modules).join(', ') || 'none passed to runReport'})`);
    const out = mod({ db, def, resolved, opts });
    ({ rows, columns } = out);
    sections = out.sections ?? null;
    if (out.params) Object.assign(resolved.shown, out.params);
  } else if (def.sections.length === 1 && def.sections[0].name === null) {
    const stmt = prepareSection(db, def.sections[0].sql);
    rows = runSection(db, def, def.sections[0], resolved.bind);
    columns = stmt.columns().map((c) => c.name);
  } else {
    rows = [];
    columns = ['section'];
    sections = [];
    for (const s of def.sections) {
      const name = s.name ?? 'rows';
      sections.push(name);
      for (const c of prepareSection(db, s.sql).columns()) if (!columns.includes(c.name)) columns.push(c.name);
      for (const r of runSection(db, def, s, resolved.bind)) rows.push({ section: name, ...r });
    }
  }
  return { name: def.name, title: def.title, columns, rows, sections, params: resolved.shown, notes: resolved.notes };
}

export { ParamError };
