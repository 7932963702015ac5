// The user's own reports (--queries DIR, $OVERLOAD_QUERIES) in the postmortem: each one a section
// of its own after the findings, its rows a Markdown table whose cells are formatted by the
// report's `-- columns:` header (a duration in ms as "1.2 s", a stamp as a UTC time, a ratio as
// a percentage), with the command that reproduces it. No TypeScript per report.
import { dirname, resolve } from 'node:path';
import type { DB } from '../store/db.js';
import { listReports, runReport, type ReportResult, type Row } from '../report/runner.js';
import { builtinQueriesDir, queriesDirs, type ReportDef } from '../report/loader.js';
import { normalized, type ColumnDef } from '../report/columns.js';
import type { ParamInput } from '../report/params.js';
import { renderMarkdown } from '../report/render.js';
import { stripControls } from '../util/sanitize.js';
import { bytes, code, ms, num, pct, text } from './text.js';

export interface UserReport {
  def: ReportDef;
  result: ReportResult | null;
  /** why it could not run on this range (the section says so instead of failing the document) */
  error: string | null;
}

/** rows shown per report: a postmortem section is read, not scrolled */
export const USER_ROWS_MAX = 50;

/** Every listed report outside the built-in folder, run on the postmortem's range. */
export function userReports(db: DB, queries: string | undefined, input: Record<string, ParamInput>, tz: string | undefined): UserReport[] {
  const builtin = resolve(builtinQueriesDir());
  const dirs = queriesDirs([queries]);
  return listReports(dirs).filter((d) => resolve(dirname(d.path)) !== builtin).map((def) => {
    try {
      return { def, result: runReport(db, def, input, { tz, dirs, optional: Object.keys(input) }), error: null };
    } catch (e) {
      return { def, result: null, error: (e as Error).message };
    }
  });
}

/**
 * One cell as the header says to show it. Text stays raw here (the Markdown renderer makes it
 * inert); a value not of its column's kind (words in a number column) shows as text.
 */
export function markdownCell(v: unknown, c: ColumnDef): unknown {
  if (v === null || v === undefined) return null;
  if (c.kind === 'json' || (typeof v === 'object' && !(v instanceof Uint8Array))) return typeof v === 'string' ? v : JSON.stringify(v);
  if (c.kind === 'text' || c.kind === 'id') return typeof v === 'string' ? stripControls(v) : String(v);
  const n = normalized(v, c);
  if (n === null) return typeof v === 'string' ? stripControls(v) : String(v);
  switch (c.kind) {
    case 'time': return new Date(n).toISOString().replace('T', ' ').replace(/\.000Z$|Z$/, '') + ' UTC';
    case 'duration': return ms(n);
    case 'bytes': return bytes(n);
    case 'rate': return `${num(n, n >= 10 ? 0 : 1)} ${c.unit}`;
    case 'ratio': case 'percent': return pct(n);
    case 'count': return num(n);
    default: return num(n, 2);
  }
}

function markdownTable(r: ReportResult, def: ReportDef): string {
  const declared = new Map(def.columns.map((c) => [c.name, c]));
  const cols: ColumnDef[] = r.columns.map((name) => declared.get(name) ?? { name, kind: 'text', unit: null });
  const rows = r.rows.slice(0, USER_ROWS_MAX).map((x) => {
    const o: Row = {};
    for (const c of cols) o[c.name] = markdownCell(x[c.name], c);
    return o;
  });
  return rows.length ? renderMarkdown(rows, cols.map((c) => c.name)) : '_no rows_\n';
}

/** The section: one sub-section per report, in name order. */
export function userReportsMarkdown(reports: UserReport[], scope: Record<string, string | undefined>): string {
  if (!reports.length) return '';
  const lines = ['## From your reports', ''];
  for (const { def, result, error } of reports) {
    const args = Object.entries(scope).filter(([, v]) => v).map(([k, v]) => ` --${k} ${v}`).join('');
    lines.push(`### ${text(def.title)}`, '', text(def.description, 600), '',
      `_Evidence:_ ${code(`overload report ${def.name} --queries ${dirname(def.path)}${args}`, 400)}`, '');
    if (error || !result) lines.push(`_This report failed on the range: ${text(error, 300)}_`, '');
    else {
      lines.push(markdownTable(result, def));
      if (result.rows.length > USER_ROWS_MAX) lines.push(`_The first ${USER_ROWS_MAX} of ${num(result.rows.length)} rows._`, '');
    }
  }
  return lines.join('\n');
}
