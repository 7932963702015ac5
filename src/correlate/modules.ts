// Reports that SQL alone does not answer well (spike detection, incident comparison) are
// TypeScript modules named by a `-- module:` header line; their SQL still lives in queries/.
import type { DB } from '../store/db.js';
import type { ReportDef } from '../report/loader.js';
import type { Resolved } from '../report/params.js';
import type { RunOptions, Row } from '../report/runner.js';
import { spikes } from './spikes.js';
import { incident } from './incident.js';

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

export const MODULES: Record<string, ReportModule> = { spikes, incident };
