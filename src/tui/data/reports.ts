// The TUI's door to the canned reports (queries/*.sql run by src/report/runner.ts): every panel
// but Events and Sources is a report, so the screen and `overload report` show the same numbers.
import type { DB } from '../../store/db.js';
import { findReport, runSection, type ReportResult, type Row as ReportRow } from '../../report/runner.js';
import { resolveParams, ParamError, type DataRange, type ParamInput } from '../../report/params.js';
import { MODULES } from '../../correlate/modules.js';
import type { Cell, Column, ColumnKind, Row, Spike, Table, Window } from './types.js';
export type { DataRange };

/**
 * runReport (src/report/runner.ts) without its two per-call costs, which at 10M requests are
 * 0.3-0.5 s each call: ensureRollups (count(*) over requests and events to check freshness; the
 * engine calls it once, and again when live rows arrive) and dataRange (a scan of every second
 * of rollup; the engine passes the range it keeps). Otherwise the same steps, in the same order.
 */
export function runReportFast(db: DB, name: string, input: Record<string, ParamInput>, tz: string, range: DataRange): ReportResult {
  const def = findReport(name);
  const optional = Object.keys(input);
  const resolved = resolveParams(def, input, tz, range, optional);
  const opts = { tz, optional };
  let rows: ReportRow[];
  let columns: string[];
  let sections: string[] | null = null;
  if (def.module) {
    const mod = MODULES[def.module];
    if (!mod) throw new ParamError(`${def.path}: unknown module ${def.module}`);
    const out = mod({ db, def, resolved, opts });
    ({ rows, columns } = out);
    sections = out.sections ?? null;
    if (out.params) Object.assign(resolved.shown, out.params);
  } else if (def.sections.length === 1 && def.sections[0].name === null) {
    rows = runSection(db, def, def.sections[0], resolved.bind);
    columns = db.prepare(def.sections[0].sql).columns().map((c) => c.name);
  } else {
    rows = [];
    columns = ['section'];
    sections = [];
    for (const sec of def.sections) {
      const sname = sec.name ?? 'rows';
      sections.push(sname);
      for (const c of db.prepare(sec.sql).columns()) if (!columns.includes(c.name)) columns.push(c.name);
      for (const r of runSection(db, def, sec, resolved.bind)) rows.push({ section: sname, ...r });
    }
  }
  return { name: def.name, title: def.title, columns, rows, sections, params: resolved.shown };
}

/**
 * Run a report over a window. `whole`: the window is all the data, so reports that pick their
 * own window when given none (incident: the most severe spike) are left to do so.
 */
export function runWindowReport(db: DB, name: string, w: Window, tz: string, range: DataRange,
  extra: Record<string, string | number | boolean> = {}, whole = false): ReportResult {
  const input: Record<string, string | number | boolean | undefined> = whole
    ? { host: w.host ?? undefined, ...extra }
    : { from: w.from, to: w.to, host: w.host ?? undefined, bucket: w.bucketMs, ...extra };
  return runReportFast(db, name, input, tz, range);
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
    if (Number.isFinite(peak)) parts.push(`peak ${peak.toFixed(1)} req/s` + (row.baseline_rps != null ? ` (baseline ${Number(row.baseline_rps).toFixed(1)})` : ''));
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

function kindOf(name: string, sample: unknown): ColumnKind {
  if (/_ms$/.test(name)) return 'ms';
  if (/bytes/.test(name)) return 'bytes';
  if (/_ts$/.test(name) && typeof sample === 'number') return 'time';
  if (/share|ratio|pct/.test(name) && typeof sample === 'number' && sample <= 1) return 'pct';
  if (typeof sample === 'number') return Number.isInteger(sample) ? 'int' : 'num';
  return 'text';
}

/** Any report result as a table: columns in the report's order, kinds guessed from names. */
export function reportTable(result: ReportResult, note?: string): Table {
  const sample = (c: string) => result.rows.find((r) => r[c] != null)?.[c];
  const columns: Column[] = result.columns.map((c) => {
    const kind = kindOf(c, sample(c));
    return { key: c, title: c.replace(/_ms$/, '').replace(/_/g, ' '), kind, width: kind === 'text' ? undefined : Math.max(7, Math.min(c.length, 12)) };
  });
  const rows: Row[] = result.rows.map((r) => {
    const o: Row = {};
    for (const c of result.columns) {
      const v = r[c];
      o[c] = v == null || typeof v === 'number' || typeof v === 'string' ? (v as Cell) : JSON.stringify(v);
    }
    return o;
  });
  return { columns, rows, sorts: [], note: note ?? result.title };
}
