// Every screen of the TUI runs a query file (queries/tui-*.sql, inputs.sql, and the canned
// reports), through the same runner as `overload report NAME`: what a panel shows can be read,
// run and copied as plain SQL. This module binds a window to such a file's parameters.
import type { DB } from '../../store/db.js';
import { findReport, runReport, type ReportResult } from '../../report/runner.js';
import type { ReportDef } from '../../report/loader.js';
import type { ParamInput } from '../../report/params.js';
import type { DataRange } from '../../report/extent.js';
import type { Window } from './types.js';

/** Run a screen's query file by name with the given parameters; `def` is the file (its header). */
export interface RunScreen {
  (name: string, params: Record<string, ParamInput>): ReportResult;
  def(name: string): ReportDef;
}

/**
 * A RunScreen over one connection whose rollups are current (ensureRollups). `range`: the data's
 * extent per host, kept by the caller, which the runner resolves defaults against (the engine's
 * is cached until new rows arrive). `dirs`: the report folders, the user's --queries last, so a
 * file of theirs with a screen's name replaces it.
 */
export function screenRunner(db: DB, range: (host: string | null) => DataRange, tz = 'UTC', dirs?: string[]): RunScreen {
  const run = (name: string, params: Record<string, ParamInput>) => {
    const host = typeof params.host === 'string' && params.host ? params.host : null;
    return runReport(db, name, params, { tz, range: range(host), rollupsReady: true, optional: Object.keys(params), dirs });
  };
  return Object.assign(run, { def: (name: string) => findReport(name, dirs) });
}

/** A window as a query file's parameters: its range, bucket and host, and the tier to read. */
export function windowParams(w: Window, tier?: string): Record<string, ParamInput> {
  return { from: w.from, to: w.to, bucket: w.bucketMs, host: w.host ?? undefined, tier };
}

/** A section's rows of a result (a file of several statements tags each row with its section). */
export function section(r: ReportResult, name: string): Array<Record<string, unknown>> {
  return r.rows.filter((x) => x.section === name);
}

/** A number from a row (SQLite sums come back as numbers; a missing column as 0). */
export const n = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : 0);
