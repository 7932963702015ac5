// Reports that SQL alone does not answer well (spike detection, incident comparison) are
// TypeScript modules named by a `-- module:` header line; their SQL still lives in queries/.
import type { DB } from '../store/db.js';
import type { ReportDef } from '../report/loader.js';
import type { Resolved, ParamInput } from '../report/params.js';
import type { ReportResult, RunOptions, Row } from '../report/runner.js';
import { spikes } from './spikes.js';

export interface ModuleContext {
  db: DB;
  def: ReportDef;
  resolved: Resolved;
  /** run another report with the same inputs plus `extra` */
  run: (name: string, extra?: Record<string, ParamInput>) => ReportResult;
  opts: RunOptions;
}

export interface ModuleOutput {
  columns: string[];
  rows: Row[];
  sections?: string[];
}

export type ReportModule = (ctx: ModuleContext) => ModuleOutput;

export const MODULES: Record<string, ReportModule> = { spikes };
