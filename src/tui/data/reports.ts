// The TUI's door to the canned reports (queries/*.sql run by src/report/runner.ts): every panel
// but Events and Sources is a report, so the screen and `overload report` show the same numbers.
import type { DB } from '../../store/db.js';
import { runReport, type ReportResult } from '../../report/runner.js';
import type { DataRange } from '../../report/extent.js';
import type { ReportDef } from '../../report/loader.js';
import type { Spike, Window } from './types.js';
import { rateUnit } from '../format.js';
import { MODULES } from '../../correlate/modules.js';
export type { DataRange };

/**
 * Run a report over a window. `whole`: the window is all the data, so reports that pick their
 * own window when given none (incident: the most severe spike) are left to do so.
 */
export function runWindowReport(db: DB, name: string | ReportDef, w: Window, tz: string, range: DataRange,
  extra: Record<string, string | number | boolean> = {}, whole = false, dirs?: string[]): ReportResult {
  const input: Record<string, string | number | boolean | undefined> = whole
    ? { host: w.host ?? undefined, ...extra }
    : { from: w.from, to: w.to, host: w.host ?? undefined, bucket: w.bucketMs, ...extra };
  // The engine makes the rollups current once (and again when live rows arrive) and keeps the range.
  return runReport(db, name, input, { tz, range, rollupsReady: true, optional: Object.keys(input), modules: MODULES, dirs });
}

function epoch(v: unknown): number | null {
  if (typeof v === 'number' && v > 1e11) return v;
  if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v)) {
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

/** Spike windows from the `spikes` report's rows, whatever its start/end columns are called. */
export function spikesFromReport(result: ReportResult): Spike[] {
  const pick = (row: Record<string, unknown>, keys: string[]) => {
    for (const k of keys) if (k in row) { const t = epoch(row[k]); if (t !== null) return t; }
    return null;
  };
  const out: Spike[] = [];
  for (const row of result.rows) {
    const from = pick(row, ['from_ts', 'start_ts', 'from', 'start', 'window_start']);
    const to = pick(row, ['to_ts', 'end_ts', 'to', 'end', 'window_end']);
    if (from === null || to === null) continue;
    const peak = Number(row.peak_rps ?? row.rps ?? row.peak ?? 0);
    const parts: string[] = [];
    // a sparse log's rates are requests a minute or an hour: never "0.0 req/s" for a window with requests
    if (Number.isFinite(peak)) parts.push(`peak ${rateUnit(peak)}` + (row.baseline_rps != null ? ` (baseline ${rateUnit(Number(row.baseline_rps))})` : ''));
    if (typeof row.error_rate === 'number' && row.error_rate >= 0.01) parts.push(`5xx ${Math.round(row.error_rate * 100)} %`);
    if (typeof row.p95_ms === 'number' && typeof row.baseline_p95_ms === 'number' && row.p95_ms > 2 * row.baseline_p95_ms) {
      parts.push(`p95 ${Math.round(row.p95_ms)} ms (baseline ${Math.round(row.baseline_p95_ms)})`);
    }
    const why = row.reasons ?? row.reason ?? row.why;
    if (why) parts.push(`why: ${String(why).replace(/,/g, ', ')}`);
    out.push({ from, to, peakRps: Number.isFinite(peak) ? peak : 0, reason: parts.join('; ') });
  }
  return out;
}
