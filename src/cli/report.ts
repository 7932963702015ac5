// `overload report NAME` / `overload report --list`: run a canned report (queries/<name>.sql).
import { CliError, EXIT } from './exit-codes.js';
import { openDbForReading } from './open-db.js';
import { listReports, findReport, runReport, ReportNotFound, ParamError } from '../report/runner.js';
import { queriesDirs, type ReportDef } from '../report/loader.js';
import { resultText } from '../report/output.js';
import { writeOut } from '../report/write-out.js';
import { render, OUTPUT_FORMATS, type OutputFormat } from '../report/render.js';
import { assertZone, machineZone } from '../util/time.js';
import { termSafe } from '../util/sanitize.js';
import type { ParamInput } from '../report/params.js';
import { suspectWarnings } from '../store/suspect.js';
import { MODULES } from '../correlate/modules.js';

export interface ReportOptions {
  db: string;
  list?: boolean;
  from?: string;
  to?: string;
  host?: string;
  bucket?: string;
  limit?: string;
  param?: string[];
  queries?: string;
  tz?: string;
  format?: string;
}

/** The flags every report may be given even when it does not use them (they are ignored). */
const COMMON = ['from', 'to', 'host', 'bucket', 'limit'];

function paramText(def: ReportDef): string {
  return def.params.map((p) => {
    const type = p.type === 'enum' ? p.choices!.join('|') : p.type;
    return `    ${p.name.padEnd(10)} ${`(${type}${p.default !== undefined ? `, default ${p.default}` : ''})`.padEnd(34)} ${p.description}`;
  }).join('\n');
}

function listText(defs: ReportDef[]): string {
  return defs.map((d) => `${d.name}: ${d.title}\n  ${d.description}\n  ranking: ${d.ranking || '-'}\n  parameters:\n${paramText(d)}\n`).join('\n');
}

function listRows(defs: ReportDef[]) {
  return defs.map((d) => ({
    name: d.name, title: d.title, description: d.description, ranking: d.ranking, time: d.time, module: d.module, path: d.path,
    params: d.params.map((p) => ({ name: p.name, type: p.type, choices: p.choices ?? null, default: p.default ?? null, description: p.description })),
    columns: d.columns,
  }));
}

function inputs(opts: ReportOptions): Record<string, ParamInput> {
  const input: Record<string, ParamInput> = {
    from: opts.from, to: opts.to, host: opts.host, limit: opts.limit,
    bucket: opts.bucket && opts.bucket !== 'auto' ? opts.bucket : undefined,
  };
  for (const kv of opts.param ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new CliError(`--param ${kv}: expected key=value`);
    input[kv.slice(0, eq).trim()] = kv.slice(eq + 1);
  }
  return input;
}

export async function run(name: string | undefined, opts: ReportOptions): Promise<number> {
  const format = (opts.format ?? 'table') as OutputFormat;
  if (!OUTPUT_FORMATS.includes(format)) throw new CliError(`--format ${opts.format}: one of ${OUTPUT_FORMATS.join(', ')}`);
  const tz = opts.tz ?? machineZone();
  try {
    assertZone(tz);
  } catch {
    throw new CliError(`--tz ${tz}: not a time zone (use an IANA name such as Europe/Berlin or UTC)`);
  }
  let dirs: string[];
  try {
    dirs = queriesDirs([opts.queries]);
    if (opts.list) {
      const defs = listReports(dirs);
      process.stdout.write(format === 'json' || format === 'ndjson' ? render(format, listRows(defs)) : listText(defs));
      return EXIT.ok;
    }
    if (!name) throw new CliError('name a report to run (overload report --list shows them)');
    findReport(name, dirs);
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError((e as Error).message);
  }
  const db = openDbForReading(opts.db);
  try {
    const result = runReport(db, name, inputs(opts), { dirs, tz, optional: COMMON, modules: MODULES });
    // table and Markdown carry the notes under their heading; machine formats keep stdout to rows
    if (format === 'json' || format === 'ndjson' || format === 'csv') for (const n of result.notes) process.stderr.write(`note: ${termSafe(n)}\n`);
    await writeOut(resultText(result, format, process.stdout.columns));
    for (const w of suspectWarnings(db)) process.stderr.write(`overload: warning: ${termSafe(w)}\n`);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CliError) throw e;
    if (e instanceof ReportNotFound || e instanceof ParamError) throw new CliError(e.message);
    throw new CliError(`report ${name}: ${(e as Error).message}`);
  } finally {
    db.close();
  }
}
