// `overload diagnose`: which limit broke in the window, by how much, and what to change.
import { CliError } from './exit-codes.js';
import { openDbForReading } from './open-db.js';
import { diagnose } from '../diagnose/index.js';
import { diagnosisJson, renderMarkdown, renderText, safeStrings } from '../diagnose/render.js';
import { NoPool, whatIf, whatIfText, type WhatIfReport } from '../diagnose/what-if-run.js';
import { WhatIfError } from '../diagnose/what-if.js';
import { ParamError } from '../report/params.js';
import { assertZone, machineZone } from '../util/time.js';
import { MODULES } from '../correlate/modules.js';

export interface DiagnoseCliOptions {
  db: string;
  from?: string;
  to?: string;
  host?: string;
  format?: string;
  ram?: string;
  workerMb?: string;
  whatIf?: string;
  backendWorkers?: string;
  tz?: string;
}

function megabytes(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`${flag} ${v}: expected a number of megabytes, e.g. 4096`);
  return n;
}

export async function run(opts: DiagnoseCliOptions): Promise<number> {
  const format = opts.format ?? 'table';
  if (!['table', 'json', 'md'].includes(format)) throw new CliError(`--format ${format}: one of table, json, md`);
  const tz = opts.tz ?? machineZone();
  try {
    assertZone(tz);
  } catch {
    throw new CliError(`--tz ${tz}: not a time zone (use an IANA name such as Europe/Berlin or UTC)`);
  }
  const ramMb = megabytes('--ram', opts.ram);
  const workerMb = megabytes('--worker-mb', opts.workerMb);
  let backendWorkers: number | undefined;
  if (opts.backendWorkers !== undefined) {
    backendWorkers = Number(opts.backendWorkers);
    if (!Number.isInteger(backendWorkers) || backendWorkers < 1) throw new CliError(`--backend-workers ${opts.backendWorkers}: expected a whole number of workers, at least 1`);
  }
  const db = openDbForReading(opts.db);
  try {
    const d = diagnose(db, { from: opts.from, to: opts.to, host: opts.host, tz, ramMb, workerMb, modules: MODULES });
    const w: WhatIfReport | null = opts.whatIf !== undefined ? whatIf(db, d.facts, opts.whatIf, { backendWorkers }) : null;
    if (format === 'json') process.stdout.write(JSON.stringify({ ...(diagnosisJson(d) as object), ...(w ? { what_if: safeStrings(w) } : {}) }, null, 2) + '\n');
    else {
      const text = format === 'md' ? renderMarkdown(d) : renderText(d);
      const replay = w ? whatIfText(w) : '';
      process.stdout.write(format === 'md' && replay ? `${text}\n## What if\n\n\`\`\`\n${replay}\`\`\`\n` : replay ? `${text}\n${replay}` : text);
    }
    return 0;
  } catch (e) {
    if (e instanceof CliError) throw e;
    if (e instanceof WhatIfError || e instanceof NoPool) throw new CliError(e.message);
    if (e instanceof ParamError) throw new CliError(e.message);
    throw new CliError(`diagnose: ${(e as Error).message}`);
  } finally {
    db.close();
  }
}
